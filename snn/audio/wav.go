package audio

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"strings"

	"github.com/gosnn/gosnn/internal/atomicfile"
)

// Audio is decoded PCM audio. Channels[c][k] is sample k of channel c, scaled to [-1, 1] the way
// MATLAB's audioread scales it: signed integers are divided by 2^(bits-1), 8-bit unsigned samples
// have 128 subtracted first, and floating-point samples are returned unchanged.
type Audio struct {
	SampleRate    int         // samples per second per channel (Hz)
	BitsPerSample int         // container bits per sample in the file (8, 16, 24, 32 or 64)
	Float         bool        // true if the file stored IEEE floating-point samples
	Channels      [][]float64 // Channels[c][k]; all channels have the same length
}

// Frames returns the number of samples per channel.
func (a *Audio) Frames() int {
	if len(a.Channels) == 0 {
		return 0
	}
	return len(a.Channels[0])
}

// Duration returns the length of the recording in ms.
func (a *Audio) Duration() float64 {
	if a.SampleRate <= 0 {
		return 0
	}
	return 1000 * float64(a.Frames()) / float64(a.SampleRate)
}

// Mono returns a new slice holding the channel c, or, if c is negative, the mean of all channels.
func (a *Audio) Mono(c int) []float64 {
	n := a.Frames()
	out := make([]float64, n)
	if c >= 0 {
		copy(out, a.Channels[c])
		return out
	}
	if len(a.Channels) == 0 {
		return out
	}
	for _, ch := range a.Channels {
		for k, v := range ch {
			out[k] += v
		}
	}
	inv := 1 / float64(len(a.Channels))
	for k := range out {
		out[k] *= inv
	}
	return out
}

// WAVE format tags (RIFF "fmt " chunk, wFormatTag).
const (
	wavFormatPCM        = 0x0001
	wavFormatFloat      = 0x0003
	wavFormatExtensible = 0xFFFE
)

// wavGUIDTail is bytes 2..15 of the KSDATAFORMAT_SUBTYPE GUIDs (PCM and IEEE float) used by
// WAVE_FORMAT_EXTENSIBLE; bytes 0..1 hold the format tag.
var wavGUIDTail = []byte{0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71}

// maxWAVSamples bounds the samples (all channels together) that ReadWAV decodes: 2^26
// float64 values, 512 MiB, or 25 minutes of mono audio at 44.1 kHz. It is checked against
// the declared size of the data chunk before reading it, and while reading a chunk of
// unknown size.
const maxWAVSamples = 1 << 26

// maxWAVChunk bounds the size of a non-data chunk that ReadWAV buffers (the "fmt " chunk). Larger
// unknown chunks are skipped without buffering.
const maxWAVChunk = 1 << 16

// ReadWAVFile decodes the RIFF/WAVE file at path; see ReadWAV.
func ReadWAVFile(path string) (*Audio, error) {
	f, err := open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	a, err := ReadWAV(bufio.NewReader(f))
	if err != nil {
		return nil, fmt.Errorf("%w (file %s)", err, path)
	}
	return a, nil
}

// ReadWAV decodes a RIFF/WAVE stream holding PCM audio: 8-bit unsigned, 16-, 24- or 32-bit signed
// integer, or 32- or 64-bit IEEE float samples, as plain format tags or WAVE_FORMAT_EXTENSIBLE,
// with any number of interleaved channels. Chunks other than "fmt " and "data" are skipped; odd
// chunk sizes are followed by one pad byte as RIFF requires. A data chunk whose declared size is
// 0 or 0xFFFFFFFF (written by streaming encoders) extends to the end of the stream; any other
// data chunk shorter than declared is an error. At most 2^26 samples (all channels together)
// are decoded: a longer data chunk is an error. Compressed formats (A-law, µ-law, ADPCM, ...)
// give an error.
func ReadWAV(r io.Reader) (*Audio, error) {
	var hdr [12]byte
	if _, err := io.ReadFull(r, hdr[:]); err != nil {
		return nil, fmt.Errorf("audio: wav: reading RIFF header: %w", noEOF(err))
	}
	if string(hdr[0:4]) != "RIFF" || string(hdr[8:12]) != "WAVE" {
		if string(hdr[0:4]) == "RF64" || string(hdr[0:4]) == "RIFX" {
			return nil, fmt.Errorf("audio: wav: %q files are not supported", hdr[0:4])
		}
		return nil, errors.New("audio: wav: not a RIFF/WAVE stream (missing RIFF....WAVE header)")
	}
	var (
		fmtSeen  bool
		format   uint16 // effective format tag after resolving EXTENSIBLE
		channels int
		rate     int
		align    int
		bits     int // container bits per sample
	)
	for {
		var ch [8]byte
		n, err := io.ReadFull(r, ch[:])
		if err == io.EOF || (err == io.ErrUnexpectedEOF && n == 1 && ch[0] == 0) {
			// End of stream (possibly after a stray pad byte) before a data chunk.
			if !fmtSeen {
				return nil, errors.New("audio: wav: no \"fmt \" chunk")
			}
			return nil, errors.New("audio: wav: no \"data\" chunk")
		}
		if err != nil {
			return nil, fmt.Errorf("audio: wav: reading chunk header: %w", noEOF(err))
		}
		id := string(ch[0:4])
		size := int64(binary.LittleEndian.Uint32(ch[4:8]))
		switch id {
		case "fmt ":
			if fmtSeen {
				return nil, errors.New("audio: wav: two \"fmt \" chunks")
			}
			if size < 16 || size > maxWAVChunk {
				return nil, fmt.Errorf("audio: wav: \"fmt \" chunk has invalid size %d", size)
			}
			buf := make([]byte, size+size&1)
			if _, err := io.ReadFull(r, buf); err != nil {
				// A missing final pad byte is tolerated only if the chunk itself is complete.
				if !(size&1 == 1 && err == io.ErrUnexpectedEOF) {
					return nil, fmt.Errorf("audio: wav: reading \"fmt \" chunk: %w", noEOF(err))
				}
			}
			buf = buf[:size]
			format = binary.LittleEndian.Uint16(buf[0:2])
			channels = int(binary.LittleEndian.Uint16(buf[2:4]))
			rate = int(binary.LittleEndian.Uint32(buf[4:8]))
			align = int(binary.LittleEndian.Uint16(buf[12:14]))
			bits = int(binary.LittleEndian.Uint16(buf[14:16]))
			if format == wavFormatExtensible {
				if size < 40 {
					return nil, fmt.Errorf("audio: wav: WAVE_FORMAT_EXTENSIBLE \"fmt \" chunk too short (%d bytes, need 40)", size)
				}
				valid := int(binary.LittleEndian.Uint16(buf[18:20]))
				if valid > bits {
					return nil, fmt.Errorf("audio: wav: %d valid bits exceed the %d-bit container", valid, bits)
				}
				guid := buf[24:40]
				if !bytes.Equal(guid[2:], wavGUIDTail) {
					return nil, errors.New("audio: wav: WAVE_FORMAT_EXTENSIBLE with an unknown sub-format GUID")
				}
				format = binary.LittleEndian.Uint16(guid[0:2])
			}
			if err := checkWAVFormat(format, channels, rate, align, bits); err != nil {
				return nil, err
			}
			fmtSeen = true
		case "data":
			if !fmtSeen {
				return nil, errors.New("audio: wav: \"data\" chunk before \"fmt \" chunk")
			}
			var data []byte
			maxBytes := int64(maxWAVSamples) * int64(bits/8)
			tooLong := fmt.Errorf("audio: wav: data chunk holds more than %d samples (%d MiB as float64), the limit", maxWAVSamples, maxWAVSamples*8>>20)
			if size == 0 || size == 0xFFFFFFFF {
				data, err = io.ReadAll(io.LimitReader(r, maxBytes+1))
				if err == nil && int64(len(data)) > maxBytes {
					return nil, tooLong
				}
			} else if size > maxBytes {
				return nil, tooLong
			} else {
				data, err = io.ReadAll(io.LimitReader(r, size))
				if err == nil && int64(len(data)) < size {
					err = fmt.Errorf("data chunk truncated: %d of %d bytes present", len(data), size)
				}
			}
			if err != nil {
				return nil, fmt.Errorf("audio: wav: %w", err)
			}
			if len(data)%align != 0 {
				if size == 0 || size == 0xFFFFFFFF {
					data = data[:len(data)-len(data)%align]
				} else {
					return nil, fmt.Errorf("audio: wav: data size %d is not a multiple of the block size %d", len(data), align)
				}
			}
			return decodeWAVSamples(data, format, channels, rate, bits), nil
		default:
			// Unknown chunk: skip it and its pad byte without buffering.
			skip := size + size&1
			if n, err := io.CopyN(io.Discard, r, skip); err != nil {
				if !(err == io.EOF && n == size && size&1 == 1) {
					return nil, fmt.Errorf("audio: wav: chunk %q truncated: %d of %d bytes present", sanitizeID(ch[0:4]), n, size)
				}
			}
		}
	}
}

func checkWAVFormat(format uint16, channels, rate, align, bits int) error {
	switch format {
	case wavFormatPCM:
		if bits != 8 && bits != 16 && bits != 24 && bits != 32 {
			return fmt.Errorf("audio: wav: unsupported integer sample size %d bits (want 8, 16, 24 or 32)", bits)
		}
	case wavFormatFloat:
		if bits != 32 && bits != 64 {
			return fmt.Errorf("audio: wav: unsupported float sample size %d bits (want 32 or 64)", bits)
		}
	default:
		return fmt.Errorf("audio: wav: unsupported format tag 0x%04x (only PCM and IEEE float are decoded)", format)
	}
	if channels == 0 {
		return errors.New("audio: wav: zero channels")
	}
	if rate == 0 {
		return errors.New("audio: wav: zero sample rate")
	}
	if align != channels*bits/8 {
		return fmt.Errorf("audio: wav: block align %d does not match %d channels of %d bits", align, channels, bits)
	}
	return nil
}

func decodeWAVSamples(data []byte, format uint16, channels, rate, bits int) *Audio {
	bps := bits / 8
	frames := len(data) / (bps * channels)
	a := &Audio{SampleRate: rate, BitsPerSample: bits, Float: format == wavFormatFloat}
	a.Channels = make([][]float64, channels)
	for c := range a.Channels {
		a.Channels[c] = make([]float64, frames)
	}
	p := 0
	for k := 0; k < frames; k++ {
		for c := 0; c < channels; c++ {
			b := data[p : p+bps]
			p += bps
			var v float64
			switch {
			case format == wavFormatFloat && bits == 32:
				v = float64(math.Float32frombits(binary.LittleEndian.Uint32(b)))
			case format == wavFormatFloat:
				v = math.Float64frombits(binary.LittleEndian.Uint64(b))
			case bits == 8:
				v = (float64(b[0]) - 128) / 128
			case bits == 16:
				v = float64(int16(binary.LittleEndian.Uint16(b))) / (1 << 15)
			case bits == 24:
				u := int32(uint32(b[0])<<8|uint32(b[1])<<16|uint32(b[2])<<24) >> 8
				v = float64(u) / (1 << 23)
			default:
				v = float64(int32(binary.LittleEndian.Uint32(b))) / (1 << 31)
			}
			a.Channels[c][k] = v
		}
	}
	return a
}

// noEOF turns a bare io.EOF into io.ErrUnexpectedEOF: inside a RIFF structure, running out of
// bytes is always a truncation.
func noEOF(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}

// sanitizeID makes a chunk identifier printable for error messages.
func sanitizeID(b []byte) string {
	out := make([]byte, len(b))
	for i, c := range b {
		if c < 0x20 || c > 0x7e {
			c = '?'
		}
		out[i] = c
	}
	return string(out)
}

// WriteWAVFile writes a as a 16-bit integer or 32-bit float PCM WAVE file (float32 if a.Float,
// otherwise 16-bit), atomically: the data go to a temporary file in the same directory that is
// renamed onto path when complete. Samples outside [-1, 1] are clipped in the integer format.
func WriteWAVFile(path string, a *Audio) error {
	if err := atomicfile.Write(path, 0o644, func(w io.Writer) error { return WriteWAV(w, a) }); err != nil {
		if strings.HasPrefix(err.Error(), "audio: ") {
			return err
		}
		return fmt.Errorf("audio: %w", err)
	}
	return nil
}

// WriteWAV writes a as a RIFF/WAVE stream: 32-bit float samples if a.Float, otherwise 16-bit
// signed integers (values clipped to [-1, 1]).
func WriteWAV(w io.Writer, a *Audio) error {
	channels := len(a.Channels)
	if channels == 0 || channels > math.MaxUint16 {
		return fmt.Errorf("audio: wav: cannot write %d channels", channels)
	}
	if a.SampleRate <= 0 || a.SampleRate > math.MaxUint32/8/channels {
		return fmt.Errorf("audio: wav: invalid sample rate %d", a.SampleRate)
	}
	frames := a.Frames()
	for c, ch := range a.Channels {
		if len(ch) != frames {
			return fmt.Errorf("audio: wav: channel %d has %d samples, channel 0 has %d", c, len(ch), frames)
		}
	}
	bits, tag := 16, uint16(wavFormatPCM)
	if a.Float {
		bits, tag = 32, wavFormatFloat
	}
	align := channels * bits / 8
	dataSize := int64(frames) * int64(align)
	if dataSize > math.MaxUint32-36 {
		return errors.New("audio: wav: audio too long for a RIFF file")
	}
	out := make([]byte, 0, 44+dataSize)
	le := binary.LittleEndian
	out = append(out, "RIFF"...)
	out = le.AppendUint32(out, uint32(36+dataSize))
	out = append(out, "WAVEfmt "...)
	out = le.AppendUint32(out, 16)
	out = le.AppendUint16(out, tag)
	out = le.AppendUint16(out, uint16(channels))
	out = le.AppendUint32(out, uint32(a.SampleRate))
	out = le.AppendUint32(out, uint32(a.SampleRate*align))
	out = le.AppendUint16(out, uint16(align))
	out = le.AppendUint16(out, uint16(bits))
	out = append(out, "data"...)
	out = le.AppendUint32(out, uint32(dataSize))
	for k := 0; k < frames; k++ {
		for _, ch := range a.Channels {
			v := ch[k]
			if a.Float {
				out = le.AppendUint32(out, math.Float32bits(float32(v)))
				continue
			}
			v = math.Max(-1, math.Min(1, v)) * (1 << 15)
			s := math.Round(v)
			if s > math.MaxInt16 {
				s = math.MaxInt16
			}
			if math.IsNaN(s) {
				s = 0
			}
			out = le.AppendUint16(out, uint16(int16(s)))
		}
	}
	_, err := w.Write(out)
	if err != nil {
		return fmt.Errorf("audio: wav: %w", err)
	}
	return nil
}
