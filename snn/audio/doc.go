// Package audio reads and writes WAV recordings (Audio, ReadWAV, ReadWAVFile, WriteWAV,
// WriteWAVFile: PCM of 8, 16, 24 or 32 bits and IEEE float of 32 or 64 bits, samples scaled to
// [−1, 1] as MATLAB's audioread does) and computes magnitude spectrograms laid out like
// MATLAB's spectrogram (NewSpectrogram, SpectrogramParams; the defaults are those of the
// bird-song supervisor, docs/MODEL.md 7.5).
//
// Times are in ms, sample rates and frequencies in Hz. It imports internal/atomicfile (for
// atomic writes) and gonum, nothing else of gosnn, never prints, and keeps no package-level mutable state. Errors start with
// "audio: ".
package audio
