package snnplot

import (
	"fmt"
	"math"
	"slices"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/plot/vg"

	"github.com/gosnn/gosnn/snn/audio"
)

// SpectrogramOptions configures Spectrogram. The zero value draws the whole spectrogram in dB.
type SpectrogramOptions struct {
	HeatOptions
	// MinHz and MaxHz bound the frequencies shown (bins whose centre lies in [MinHz, MaxHz]);
	// MaxHz <= MinHz means up to the highest bin.
	MinHz, MaxHz float64
	// T0 and T1 bound the time window in ms (frames whose centre lies in [T0, T1]); T1 <= T0
	// means every frame.
	T0, T1 float64
	// Linear draws the magnitude |S| instead of dB relative to the loudest cell.
	Linear bool
}

// Spectrogram draws a short-time Fourier spectrogram (audio.NewSpectrogram) as a heatmap with
// time in ms on the x axis and frequency in kHz on the y axis, lowest frequency at the bottom,
// each frame and bin centred on its time and frequency. Values are in dB relative to the
// loudest cell, 20·log10(|S|/max|S|), floored at −120 dB and drawn from −80 to 0 dB unless
// opt.Min and opt.Max say otherwise, or, with opt.Linear, |S|.
// Read-out figures of a song (Readout and PatternReadout with ReadoutOptions.Freqs) use the
// same axis, so a song reads the same way up in all of them.
func Spectrogram(s *audio.Spectrogram, opt SpectrogramOptions) (*Figure, error) {
	if s == nil || len(s.Freq) == 0 || len(s.Time) == 0 || len(s.Mag) != len(s.Freq) {
		return nil, fmt.Errorf("snnplot: Spectrogram: empty or malformed spectrogram")
	}
	for _, v := range []float64{opt.MinHz, opt.MaxHz, opt.T0, opt.T1} {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("snnplot: Spectrogram: frequency range [%v, %v] Hz or time window [%v, %v] ms is not finite", opt.MinHz, opt.MaxHz, opt.T0, opt.T1)
		}
	}
	for f, row := range s.Mag {
		if len(row) != len(s.Time) {
			return nil, fmt.Errorf("snnplot: Spectrogram: frequency row %d has %d frames, Time has %d", f, len(row), len(s.Time))
		}
	}
	if !slices.IsSorted(s.Freq) || !slices.IsSorted(s.Time) {
		return nil, fmt.Errorf("snnplot: Spectrogram: Freq and Time must increase")
	}
	f0, f1 := 0, len(s.Freq)
	if opt.MaxHz > opt.MinHz {
		for f0 < f1 && s.Freq[f0] < opt.MinHz {
			f0++
		}
		for f1 > f0 && s.Freq[f1-1] > opt.MaxHz {
			f1--
		}
	}
	k0, k1 := 0, len(s.Time)
	if opt.T1 > opt.T0 {
		for k0 < k1 && s.Time[k0] < opt.T0 {
			k0++
		}
		for k1 > k0 && s.Time[k1-1] > opt.T1 {
			k1--
		}
	}
	if f0 == f1 || k0 == k1 {
		return nil, fmt.Errorf("snnplot: Spectrogram: no bin in [%v, %v] Hz or no frame in [%v, %v] ms", opt.MinHz, opt.MaxHz, opt.T0, opt.T1)
	}
	df := step(s.Freq)
	dt := step(s.Time)
	rows := make([][]float64, f1-f0)
	peak := 0.0
	for f := f0; f < f1; f++ {
		for _, v := range s.Mag[f][k0:k1] {
			if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
				return nil, fmt.Errorf("snnplot: Spectrogram: magnitude %v in bin %d", v, f)
			}
			peak = math.Max(peak, v)
		}
	}
	if peak == 0 {
		peak = 1
	}
	for f := f0; f < f1; f++ {
		r := make([]float64, k1-k0)
		for k, v := range s.Mag[f][k0:k1] {
			if opt.Linear {
				r[k] = v
			} else {
				r[k] = math.Max(20*math.Log10(v/peak), -120)
			}
		}
		rows[f-f0] = r
	}
	value := "dB re peak"
	heat := opt.HeatOptions
	if opt.Linear {
		value = "magnitude"
	} else if !(heat.Max > heat.Min) {
		heat.Min, heat.Max = -80, 0
	}
	f, _, err := heatFigure(heat, value, heatPanel{
		m:  rowsMatrix(rows),
		x0: s.Time[k0] - dt/2, x1: s.Time[k1-1] + dt/2,
		y0: (s.Freq[f0] - df/2) / 1000, yn: (s.Freq[f1-1] + df/2) / 1000,
		xlabel: orDefault(opt.XLabel, "time (ms)"),
		ylabel: orDefault(opt.YLabel, "frequency (kHz)"),
		title:  opt.Title,
	})
	if err != nil {
		return nil, err
	}
	f.Width, f.Height = 16*vg.Centimeter, 8*vg.Centimeter
	return f, nil
}

// step returns the spacing of evenly spaced increasing values (1 for a single value).
func step(v []float64) float64 {
	if len(v) < 2 || !(v[len(v)-1] > v[0]) {
		return 1
	}
	return (v[len(v)-1] - v[0]) / float64(len(v)-1)
}

// freqRows is the read-out matrix m with its rows reordered by frequency: row i of the view
// is row order[i] of m.
type freqRows struct {
	m     mat.Matrix
	order []int
}

// Dims implements mat.Matrix.
func (p freqRows) Dims() (r, c int) { return p.m.Dims() }

// At implements mat.Matrix.
func (p freqRows) At(i, j int) float64 { return p.m.At(p.order[i], j) }

// T implements mat.Matrix.
func (p freqRows) T() mat.Matrix { return mat.Transpose{Matrix: p} }

// frequencyAxis checks the element frequencies of a read-out figure (Hz, one per row,
// distinct and evenly spaced in some order) and returns the row order from the lowest to the
// highest frequency and the extent of the frequency axis in kHz, each row a band one spacing
// wide centred on its frequency.
func frequencyAxis(freqs []float64, rows int) (order []int, lo, hi float64, err error) {
	if len(freqs) != rows {
		return nil, 0, 0, fmt.Errorf("snnplot: Readout: %d frequencies for %d rows", len(freqs), rows)
	}
	for i, f := range freqs {
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return nil, 0, 0, fmt.Errorf("snnplot: Readout: frequency %d is %v", i, f)
		}
	}
	order = make([]int, rows)
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		switch {
		case freqs[a] < freqs[b]:
			return -1
		case freqs[a] > freqs[b]:
			return 1
		}
		return 0
	})
	sorted := make([]float64, rows)
	for i, k := range order {
		sorted[i] = freqs[k]
	}
	d := step(sorted)
	for i := 1; i < rows; i++ {
		if g := sorted[i] - sorted[i-1]; math.Abs(g-d) > 0.01*d {
			return nil, 0, 0, fmt.Errorf("snnplot: Readout: frequencies %v and %v Hz are %v Hz apart, the mean spacing is %v Hz: need distinct, evenly spaced bands", sorted[i-1], sorted[i], g, d)
		}
	}
	return order, (sorted[0] - d/2) / 1000, (sorted[rows-1] + d/2) / 1000, nil
}
