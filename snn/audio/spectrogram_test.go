package audio

import (
	"math"
	"math/cmplx"
	"os"
	"path/filepath"
	"testing"
)

func TestHammingSymmetric(t *testing.T) {
	w := hammingSymmetric(5)
	want := []float64{0.08, 0.54, 1, 0.54, 0.08}
	for k := range w {
		if math.Abs(w[k]-want[k]) > 1e-12 {
			t.Errorf("w[%d] = %v, want %v", k, w[k], want[k])
		}
	}
}

// A frame of NewSpectrogram equals the directly evaluated DFT of the windowed, zero-padded frame.
func TestSpectrogramMatchesDFT(t *testing.T) {
	p := SpectrogramParams{Window: 16, Overlap: 12, NFFT: 32}
	x := make([]float64, 100)
	for n := range x {
		x[n] = math.Sin(0.3*float64(n)) + 0.2*math.Cos(1.7*float64(n)+0.5)
	}
	s, err := NewSpectrogram(x, 1000, p)
	if err != nil {
		t.Fatal(err)
	}
	// (100 − 12)/4 = 22 frames, 17 bins, frame centres (8 + 4k) samples.
	if len(s.Time) != 22 || len(s.Mag) != 17 || s.Time[1] != 12 || s.Freq[1] != 1000.0/32 {
		t.Fatalf("%d frames, %d bins, t1 = %v ms, f1 = %v Hz", len(s.Time), len(s.Mag), s.Time[1], s.Freq[1])
	}
	w := hammingSymmetric(16)
	for _, k := range []int{0, 7, 21} {
		for f := 0; f < 17; f++ {
			var c complex128
			for n := 0; n < 16; n++ {
				c += complex(w[n]*x[4*k+n], 0) * cmplx.Exp(complex(0, -2*math.Pi*float64(f*n)/32))
			}
			if math.Abs(cmplx.Abs(c)-s.Mag[f][k]) > 1e-9 {
				t.Errorf("frame %d bin %d: %v, DFT %v", k, f, s.Mag[f][k], cmplx.Abs(c))
			}
		}
	}
}

func TestSpectrogramPeakBin(t *testing.T) {
	fs := 44100.0
	x := make([]float64, 4096)
	f0 := 20 * fs / 256 // centre of bin 20
	for n := range x {
		x[n] = math.Sin(2 * math.Pi * f0 * float64(n) / fs)
	}
	s, err := NewSpectrogram(x, fs, DefaultSpectrogramParams())
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []int{0, len(s.Time) / 2, len(s.Time) - 1} {
		best := 0
		for f := range s.Mag {
			if s.Mag[f][k] > s.Mag[best][k] {
				best = f
			}
		}
		if best != 20 {
			t.Errorf("frame %d: peak in bin %d, want 20", k, best)
		}
	}
}

func TestSpectrogramErrors(t *testing.T) {
	x := make([]float64, 300)
	for _, p := range []SpectrogramParams{{1, 0, 4}, {128, 128, 256}, {128, -1, 256}, {128, 120, 64}} {
		if _, err := NewSpectrogram(x, 44100, p); err == nil {
			t.Errorf("%+v: no error", p)
		}
	}
	if _, err := NewSpectrogram(x, 0, DefaultSpectrogramParams()); err == nil {
		t.Error("fs = 0 accepted")
	}
	if _, err := NewSpectrogram(x[:100], 44100, DefaultSpectrogramParams()); err == nil {
		t.Error("signal shorter than a window accepted")
	}
}

// songColumnFrame stretches Frames frames over Columns columns: first and last frames are
// used, every frame is used, and the mapping never decreases.

// TestReadWAVFileDirectory checks that a directory is called one, not a truncated file.
func TestReadWAVFileDirectory(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "x.wav")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadWAVFile(dir); err == nil || err.Error() != "audio: "+dir+" is a directory" {
		t.Errorf("err = %v, want audio: %s is a directory", err, dir)
	}
}
