package snnplot

import (
	"encoding/binary"
	"math"
	"strings"
	"testing"
	"time"

	"gonum.org/v1/gonum/mat"

	"github.com/gosnn/gosnn/snn"
	"github.com/gosnn/gosnn/snn/analysis"
)

// fuzzFloats reads little-endian float64 values from b.
func fuzzFloats(b []byte) []float64 {
	out := make([]float64, 0, len(b)/8)
	for len(b) >= 8 {
		out = append(out, math.Float64frombits(binary.LittleEndian.Uint64(b)))
		b = b[8:]
	}
	return out
}

func floatBytes(v ...float64) []byte {
	var b []byte
	for _, x := range v {
		b = binary.LittleEndian.AppendUint64(b, math.Float64bits(x))
	}
	return b
}

// FuzzFigures feeds arbitrary spike records, cluster bounds, windows and matrices to the
// figure functions: each must return a figure or an error prefixed "snnplot: ", never panic,
// and a returned figure must render.
func FuzzFigures(f *testing.F) {
	f.Add(floatBytes(1, 0, 2, 1, 3, 2), []byte{0, 2, 4}, 0.0, 10.0, int16(0), int16(0), uint8(2))
	f.Add(floatBytes(math.NaN(), 0, math.Inf(1), -1), []byte{0, 5, 3}, -5.0, -10.0, int16(-1), int16(3), uint8(0))
	f.Add(floatBytes(1e300, 3, -1e300, 1e9, 0.5, 4), []byte{1}, 1e12, 2e12, int16(2), int16(1), uint8(7))
	f.Fuzz(fuzzFigures)
}

func fuzzFigures(t *testing.T, data []byte, bounds []byte, t0, t1 float64, from, ne int16, rows uint8) {
	{
		vals := fuzzFloats(data)
		s := &snn.Spikes{}
		for i := 0; i+1 < len(vals); i += 2 {
			s.Time = append(s.Time, vals[i])
			n := vals[i+1]
			if math.IsNaN(n) || math.Abs(n) > 1<<30 {
				n = 0
			}
			s.Neuron = append(s.Neuron, int32(n))
		}
		cl := snn.Clusters{}
		for _, b := range bounds {
			cl.Bounds = append(cl.Bounds, int(b))
		}
		check := func(name string, d Drawer, err error) {
			start := time.Now()
			defer func() {
				if el := time.Since(start); el > 300*time.Millisecond {
					t.Logf("SLOW %s %v t0=%v t1=%v n=%d", name, el, t0, t1, len(s.Time))
				}
			}()
			if err != nil {
				if !strings.HasPrefix(err.Error(), "snnplot: ") {
					t.Fatalf("%s: error without prefix: %v", name, err)
				}
				return
			}
			if _, err := Encode(d, 120, 80, "png"); err != nil {
				t.Fatalf("%s: rendering: %v (t0=%v t1=%v rows=%d vals=%v)", name, err, t0, t1, rows, vals)
			}
		}
		p, err := Raster(s, cl, RasterOptions{T0: t0, T1: t1, From: int(from), To: int(from) + 50, NE: int(ne)})
		check("Raster", p, err)
		// Bins wide enough for about a thousand per window, so that each run stays fast; the
		// bin limits themselves are tested in TestErrors.
		lo, hi := t0, t1
		for _, t := range s.Time {
			lo, hi = math.Min(lo, t), math.Max(hi, t)
		}
		bin := 5 + math.Min(math.Abs(hi-lo)/1000, 1e300)
		if math.IsNaN(bin) {
			bin = 5
		}
		p, err = PopulationRates(s, max(1, int(ne)), 3, RateOptions{T0: t0, T1: t1, Bin: bin})
		check("PopulationRates", p, err)
		var acts []analysis.Activation
		for i := 0; i+1 < len(vals); i += 2 {
			acts = append(acts, analysis.Activation{Cluster: int(rows%4) - 1, TimeMs: vals[i], PeakHz: vals[i+1]})
		}
		p, err = ClusterRates(s, cl, RateOptions{T0: t0, T1: t1, Bin: bin, Activations: acts})
		check("ClusterRates", p, err)
		fig, err := ClusterRateMap(s, cl, RateOptions{T0: t0, T1: t1, Bin: bin}, HeatOptions{Min: t0, Max: t1})
		check("ClusterRateMap", fig, err)

		r := int(rows%8) + 1
		c := max(1, len(vals)/r)
		m := mat.NewDense(r, c, nil)
		for k, v := range vals[:min(len(vals), r*c)] {
			m.Set(k/c, k%c, v)
		}
		fig, err = Heatmap(m, HeatOptions{MaxPixels: int(rows % 5)})
		check("Heatmap", fig, err)
		fig, err = Weights(m, WeightOptions{Clusters: cl})
		check("Weights", fig, err)
		fig, err = BlockMeans(m, cl, HeatOptions{})
		check("BlockMeans", fig, err)
		fig, err = Readout(m, m, ReadoutOptions{T0: t0, TargetDt: math.Abs(t1), Lines: rows%2 == 0})
		check("Readout", fig, err)
		ev := make([]complex128, 0, len(vals)/2)
		for i := 0; i+1 < len(vals); i += 2 {
			ev = append(ev, complex(vals[i], vals[i+1]))
		}
		p, err = Spectrum(ev, SpectrumOptions{Circle: t0})
		check("Spectrum", p, err)
		p, err = Replay(analysis.ReplayStats{Clusters: int(rows % 5), Activations: acts}, "")
		check("Replay", p, err)
	}
}
