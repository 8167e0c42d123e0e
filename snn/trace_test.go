package snn

import (
	"math"
	"math/rand/v2"
	"testing"
)

// traceInputs returns trace values around the flush bound (minNormal and its neighbours, the
// values that decay to it), both zeros, subnormals, infinities, NaN, negatives and random ones.
func traceInputs(d float64, r *rand.Rand) []float64 {
	negZero := math.Copysign(0, -1)
	x := []float64{0, negZero, 1, minNormal, math.Nextafter(minNormal, 0), math.Nextafter(minNormal, 1),
		minNormal / (1 - d), math.Nextafter(minNormal/(1-d), 0), math.Nextafter(minNormal/(1-d), 1),
		1e-310, -1e-310, -1, math.Inf(1), math.Inf(-1), math.NaN(), math.MaxFloat64, math.SmallestNonzeroFloat64}
	for range 200 {
		x = append(x, math.Ldexp(r.Float64(), -r.IntN(1030)))
	}
	return x
}

// checkDecay compares decayTraces on the pure-Go and (where the processor has it) the vector
// path with decayTrace, value by value, for lengths that leave every remainder after the
// vector blocks.
func checkDecay(t *testing.T, x []float64, d float64) {
	t.Helper()
	for _, n := range []int{len(x), len(x) - 1, len(x) - 2, len(x) - 3, 3, 0} {
		if n < 0 {
			continue
		}
		for _, vector := range []bool{false, haveVector} {
			got := append([]float64(nil), x[:n]...)
			withPath(vector, func() { decayTraces(got, d) })
			for i, v := range x[:n] {
				if want := decayTrace(v, d); !sameFloat(got[i], want) {
					t.Errorf("decayTraces(d %v, %d values), vector path %v: x = %v (bits %x) gives %v (bits %x), want %v (bits %x)",
						d, n, vector, v, math.Float64bits(v), got[i], math.Float64bits(got[i]), want, math.Float64bits(want))
				}
			}
		}
	}
}

// TestDecayKernel: the vector decay of the spike traces gives decayTrace's bits, at the rates of
// the model's traces (dt/τ for τ = 3.5, 7, 10, 20 ms and dt = 0.1 ms) and at 0 and 1.
func TestDecayKernel(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for _, d := range []float64{0.1 / tauXBar, 0.1 / tauUPlus, 0.1 / tauUMinus, 0.1 / tauY, 0, 1, 0.5} {
		checkDecay(t, traceInputs(d, r), d)
	}
}

// FuzzDecayKernel compares the two paths of decayTraces on arbitrary values and rates.
func FuzzDecayKernel(f *testing.F) {
	f.Add(1.0, 0.5, minNormal, -2.0, 0.1/tauXBar)
	f.Add(1e-310, math.Inf(1), 0.0, math.NaN(), 0.02)
	f.Fuzz(func(t *testing.T, a, b, c, e, d float64) {
		checkDecay(t, []float64{a, b, c, e, a * b, c - e, b / 3}, d)
	})
}
