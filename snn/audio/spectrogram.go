package audio

import (
	"fmt"
	"math"
	"math/cmplx"

	"gonum.org/v1/gonum/dsp/fourier"
)

// Spectrogram is the magnitude of a short-time Fourier transform, laid out like MATLAB's
// spectrogram(x, window, noverlap, nfft, fs) output: one row per one-sided frequency bin and one
// column per frame.
type Spectrogram struct {
	Freq []float64   // Hz, bin centres: Freq[f] = f·fs/NFFT, f = 0 … NFFT/2
	Time []float64   // ms, frame centres: (Window/2 + k·hop)/fs, hop = Window − Overlap
	Mag  [][]float64 // Mag[f][k] = |Σ_n w[n]·x[k·hop+n]·exp(−2πi·f·n/NFFT)|
}

// SpectrogramParams are the short-time Fourier transform settings. The defaults of
// DefaultSpectrogramParams are those of docs/MODEL.md section 7.5 item 2: a 128-sample symmetric
// Hamming window, 120 samples of overlap (hop 8) and a 256-point FFT.
type SpectrogramParams struct {
	Window  int // samples per frame (Hamming window length)
	Overlap int // samples shared by consecutive frames, 0 <= Overlap < Window
	NFFT    int // FFT length, >= Window (frames are zero-padded)
}

// DefaultSpectrogramParams returns the settings used for the bird-song supervisor
// (MATLAB spectrogram(x, 128, 120, 256, fs); docs/MODEL.md section 7.5 item 2).
func DefaultSpectrogramParams() SpectrogramParams {
	return SpectrogramParams{Window: 128, Overlap: 120, NFFT: 256}
}

// Validate reports the first invalid field of p.
func (p SpectrogramParams) Validate() error {
	switch {
	case p.Window < 2:
		return fmt.Errorf("audio: spectrogram: Window = %d, need at least 2 samples", p.Window)
	case p.Overlap < 0 || p.Overlap >= p.Window:
		return fmt.Errorf("audio: spectrogram: Overlap = %d, need 0 <= Overlap < Window = %d", p.Overlap, p.Window)
	case p.NFFT < p.Window:
		return fmt.Errorf("audio: spectrogram: NFFT = %d is smaller than Window = %d", p.NFFT, p.Window)
	}
	return nil
}

// hammingSymmetric returns MATLAB's hamming(n): 0.54 − 0.46·cos(2πk/(n−1)), k = 0 … n−1.
func hammingSymmetric(n int) []float64 {
	w := make([]float64, n)
	for k := range w {
		w[k] = 0.54 - 0.46*math.Cos(2*math.Pi*float64(k)/float64(n-1))
	}
	return w
}

// NewSpectrogram computes the magnitude spectrogram of the signal x sampled at fs Hz, frame by
// frame as MATLAB's spectrogram does: frame k covers x[k·hop : k·hop+Window], is multiplied by a
// symmetric Hamming window, zero-padded to NFFT and transformed with gonum's real FFT; the number
// of frames is ⌊(len(x) − Overlap)/hop⌋. Only the NFFT/2+1 non-negative frequencies are kept.
func NewSpectrogram(x []float64, fs float64, p SpectrogramParams) (*Spectrogram, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	if !(fs > 0) || math.IsInf(fs, 0) {
		return nil, fmt.Errorf("audio: spectrogram: sample rate %v Hz, need a positive finite value", fs)
	}
	if len(x) < p.Window {
		return nil, fmt.Errorf("audio: spectrogram: signal has %d samples, fewer than one window of %d", len(x), p.Window)
	}
	hop := p.Window - p.Overlap
	frames := (len(x) - p.Overlap) / hop
	bins := p.NFFT/2 + 1
	s := &Spectrogram{
		Freq: make([]float64, bins),
		Time: make([]float64, frames),
		Mag:  make([][]float64, bins),
	}
	for f := range s.Freq {
		s.Freq[f] = float64(f) * fs / float64(p.NFFT)
	}
	backing := make([]float64, bins*frames)
	for f := range s.Mag {
		s.Mag[f] = backing[f*frames : (f+1)*frames]
	}
	w := hammingSymmetric(p.Window)
	fft := fourier.NewFFT(p.NFFT)
	seq := make([]float64, p.NFFT)
	coef := make([]complex128, bins)
	for k := 0; k < frames; k++ {
		s.Time[k] = 1000 * (float64(p.Window)/2 + float64(k*hop)) / fs
		seg := x[k*hop : k*hop+p.Window]
		for n, v := range seg {
			seq[n] = w[n] * v
		}
		coef = fft.Coefficients(coef, seq)
		for f, c := range coef {
			s.Mag[f][k] = cmplx.Abs(c)
		}
	}
	return s, nil
}
