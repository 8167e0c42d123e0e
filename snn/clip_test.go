package snn

import (
	"math"
	"math/rand/v2"
	"testing"
)

// sameFloat reports whether a and b are the same float64, bit for bit (any NaN equals any NaN).
func sameFloat(a, b float64) bool {
	return math.Float64bits(a) == math.Float64bits(b) || (math.IsNaN(a) && math.IsNaN(b))
}

// clipInputs returns weights that hit every tie of lo and hi, both zeros, infinities, NaN and
// random values around the bounds.
func clipInputs(lo, hi float64, r *rand.Rand) []float64 {
	negZero := math.Copysign(0, -1)
	x := []float64{lo, hi, 0, negZero, math.Inf(1), math.Inf(-1), math.NaN(),
		math.Nextafter(lo, math.Inf(-1)), math.Nextafter(lo, math.Inf(1)),
		math.Nextafter(hi, math.Inf(-1)), math.Nextafter(hi, math.Inf(1)), 1e-310, -1e-310}
	for range 200 {
		x = append(x, lo+(hi-lo+2)*(r.Float64()*1.2-0.1)-1)
	}
	return x
}

// checkClipKernels compares every clipping kernel, on the pure-Go and (where the processor has
// it) the vector path, with the plain min/max loop it replaces, on the inputs x with parameters
// d (shift), f (scale or LTP factor) and bounds lo, hi.
func checkClipKernels(t *testing.T, x []float64, d, f, lo, hi float64) {
	t.Helper()
	pre := make([]float64, len(x))
	col := make([]int32, len(x))
	for q := range x {
		col[q] = int32(len(x) - 1 - q)
		pre[q] = math.Abs(x[(q*7)%len(x)])
	}
	inv := 1 / hi
	for _, k := range []struct {
		name string
		run  func(row []float64)
		want func(q int, w float64) float64
	}{
		{"shiftClip", func(row []float64) { shiftClip(row, d, lo, hi) },
			func(_ int, w float64) float64 { return min(max(w-d, lo), hi) }},
		{"scaleClip", func(row []float64) { scaleClip(row, f, lo, hi) },
			func(_ int, w float64) float64 { return min(max(w*f, lo), hi) }},
		{"addCapped", func(row []float64) { addCapped(row, col, pre, f, hi) },
			func(q int, w float64) float64 { return min(w+f*pre[col[q]], hi) }},
		{"addSoft", func(row []float64) { addSoft(row, col, pre, f, inv, lo, hi) },
			func(q int, w float64) float64 { return min(max(w+f*pre[col[q]]*(1-w*inv), lo), hi) }},
	} {
		for _, vector := range []bool{false, haveVector} {
			row := append([]float64(nil), x...)
			withPath(vector, func() { k.run(row) })
			for q, w := range x {
				if want := k.want(q, w); !sameFloat(row[q], want) {
					t.Errorf("%s(lo %v, hi %v, d %v, f %v), vector path %v: w = %v gives %v (bits %x), want %v (bits %x)",
						k.name, lo, hi, d, f, vector, w, row[q], math.Float64bits(row[q]), want, math.Float64bits(want))
				}
			}
		}
	}
}

// TestClipKernels: the conditional-move kernels give the bits of min(max(·, lo), hi) for the
// bounds of every rule (E→E 1.45-32.68, E→R 0-25, I→E 48.7-243), zero and equal bounds.
func TestClipKernels(t *testing.T) {
	negZero := math.Copysign(0, -1)
	r := rand.New(rand.NewPCG(1, 2))
	for _, tc := range []struct{ lo, hi float64 }{
		{1.45, 32.68}, {0, 25}, {48.7, 243}, {negZero, 25}, {-3, 0}, {-3, negZero},
		{0, 0}, {negZero, 0}, {0, negZero}, {2, 2}, {-5, -1}, {-1, 1},
	} {
		x := clipInputs(tc.lo, tc.hi, r)
		for _, d := range []float64{0, 0.01, -0.01, tc.lo, -tc.hi, negZero} {
			for _, f := range []float64{1, 0.9, 1.1, 0, 1e-3} {
				checkClipKernels(t, x, d, f, tc.lo, tc.hi)
			}
		}
	}
}

// FuzzClipKernels: the kernels agree with the min/max loop bit for bit for any finite bounds
// lo <= hi (the rules' validation) and any weights.
func FuzzClipKernels(f *testing.F) {
	f.Add(1.45, 32.68, 0.5, 0.01, 1.1)
	f.Add(0.0, 25.0, 0.0, 0.0, 1.0)
	f.Add(-1.0, 1.0, 1.0, 2.0, 0.5)
	f.Fuzz(func(t *testing.T, lo, hi, w, d, g float64) {
		if bad(lo) || bad(hi) || lo > hi || bad(d) || bad(g) {
			t.Skip()
		}
		x := append(clipInputs(lo, hi, rand.New(rand.NewPCG(3, 4))), w)
		checkClipKernels(t, x, d, g, lo, hi)
	})
}
