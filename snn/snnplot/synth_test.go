package snnplot

import (
	"math"
	"math/cmplx"
	"math/rand/v2"
	"sort"

	"gonum.org/v1/gonum/mat"

	"github.com/gosnn/gosnn/snn"
	"github.com/gosnn/gosnn/snn/readout"
)

// synthReplay returns a seeded synthetic spike record of a clustered network replaying its
// clusters in order: nc clusters of size E neurons (all E clustered), ni I neurons, background
// Poisson firing (3 Hz E, 6 Hz I) and bursts at 80 Hz for 10 ms, cluster k starting at
// k*step ms in every cycle of nc*step ms. Times are on a 0.1 ms grid, sorted.
func synthReplay(seed uint64, nc, size, ni int, step, dur float64) (*snn.Spikes, snn.Clusters) {
	rng := rand.New(rand.NewPCG(seed, 1))
	cl := snn.UniformClusters(nc, size)
	ne := nc * size
	type sp struct {
		t float64
		n int32
	}
	var all []sp
	poisson := func(n int, rate, t0, t1 float64) {
		for t := t0 + rng.ExpFloat64()/rate*1000; t < t1; t += rng.ExpFloat64() / rate * 1000 {
			all = append(all, sp{math.Floor(t*10) / 10, int32(n)})
		}
	}
	for n := range ne + ni {
		rate := 3.0
		if n >= ne {
			rate = 6
		}
		poisson(n, rate, 0, dur)
	}
	period := float64(nc) * step
	for c0 := 0.0; c0 < dur; c0 += period {
		for k := range nc {
			t0 := c0 + float64(k)*step
			for n := cl.Bounds[k]; n < cl.Bounds[k+1]; n++ {
				poisson(n, 80, t0, math.Min(t0+10, dur))
			}
		}
	}
	sort.Slice(all, func(i, j int) bool {
		if all[i].t != all[j].t {
			return all[i].t < all[j].t
		}
		return all[i].n < all[j].n
	})
	s := &snn.Spikes{Time: make([]float64, len(all)), Neuron: make([]int32, len(all))}
	for i, x := range all {
		s.Time[i], s.Neuron[i] = x.t, x.n
	}
	return s, cl
}

// synthWeights returns a seeded synthetic post x pre weight matrix of a trained clustered
// network: ne E neurons in clusters of size, ni I neurons, connection probability 0.2, E->E
// weights 25 within a cluster, 10 forward (k -> k+1), 3.5 backward, 1.45 elsewhere; E->I 3,
// I->E 40 to 200 and I->I 16.
func synthWeights(seed uint64, nc, size, ni int) (*mat.Dense, snn.Clusters) {
	rng := rand.New(rand.NewPCG(seed, 2))
	cl := snn.UniformClusters(nc, size)
	ne := nc * size
	n := ne + ni
	w := mat.NewDense(n, n, nil)
	for i := range n {
		for j := range n {
			if i == j || rng.Float64() >= 0.2 {
				continue
			}
			var v float64
			switch {
			case i < ne && j < ne:
				ki, kj := cl.Of(i), cl.Of(j)
				switch {
				case ki == kj:
					v = 25
				case ki == (kj+1)%nc:
					v = 10
				case kj == (ki+1)%nc:
					v = 3.5
				default:
					v = 1.45
				}
			case i >= ne && j < ne:
				v = 3
			case i < ne && j >= ne:
				v = 40 + 160*rng.Float64()
			default:
				v = 16
			}
			w.Set(i, j, v)
		}
	}
	return w, cl
}

// circulantEigenvalue returns eigenvalue k of an n x n circulant matrix with diagonal d,
// subdiagonal (forward, k -> k+1) f and superdiagonal (backward) g: d + f e^{-2πik/n} +
// g e^{+2πik/n} (docs/MODEL.md section 8 A16).
func circulantEigenvalue(k, n int, d, f, g float64) complex128 {
	a := 2 * math.Pi * float64(k) / float64(n)
	return complex(d, 0) + complex(f, 0)*cmplx.Exp(complex(0, -a)) + complex(g, 0)*cmplx.Exp(complex(0, a))
}

// synthReplayResult returns a synthetic read-out replay of ABCBA (80 ms per element) over
// 1 s from t = 100 ms with cycle starts at 150 and 600 ms: R neuron j is active, with a
// wavering level, while element j is on.
func synthReplayResult(nR int) *readout.ReplayResult {
	const cols = 10000
	res := &readout.ReplayResult{Start: 100, End: 1100, DT: 0.1, CycleStarts: []float64{150, 600}}
	seq := []int{0, 1, 2, 1, 0}
	for j := range nR {
		row := make([]float64, cols)
		for k := range row {
			t := 100 + float64(k+1)*0.1
			for _, c := range res.CycleStarts {
				if ph := t - c; ph >= 0 && ph < 400 && seq[int(ph/80)] == j {
					row[k] = 2 + math.Sin(t/7)
				}
			}
		}
		res.Rates = append(res.Rates, row)
	}
	return res
}
