package snn

import (
	"math"
	"testing"
)

// poissonPMF returns P(K = k) for K ~ Poisson(λ), from logarithms (independent of the table's
// recurrence).
func poissonPMF(lambda float64, k int) float64 {
	if lambda == 0 {
		if k == 0 {
			return 1
		}
		return 0
	}
	lg, _ := math.Lgamma(float64(k) + 1)
	return math.Exp(float64(k)*math.Log(lambda) - lambda - lg)
}

// TestPoissonTable: the probabilities the thresholds encode are the Poisson pmf to within the
// 2⁻⁶⁴ grid, for the means of the model's drives (I 0.225, E 0.45, stimulated E 2.25) and
// others; bad means are refused.
func TestPoissonTable(t *testing.T) {
	for _, lambda := range []float64{0, 1e-6, 0.1, 0.225, 0.45, 1, 2.25, 7.5, 32} {
		tab, err := newPoissonTable(lambda)
		if err != nil {
			t.Fatal(err)
		}
		for k := 0; k <= len(tab.thr); k++ {
			// The words giving count k are thr[k−1] < u <= thr[k] (thr[−1] = −1; above the
			// table every word), counted exactly in integers.
			var m uint64
			switch {
			case len(tab.thr) == 0:
				m = math.MaxUint64 // all but one word in 2⁶⁴
			case k == 0:
				m = tab.thr[0] + 1
			case k == len(tab.thr):
				m = math.MaxUint64 - tab.thr[k-1]
			default:
				m = tab.thr[k] - tab.thr[k-1]
			}
			p := math.Ldexp(float64(m), -64)
			want := poissonPMF(lambda, k)
			if k == len(tab.thr) { // the last count takes the whole remaining tail
				want = 0
				for j := k; j < k+200; j++ {
					want += poissonPMF(lambda, j)
				}
			}
			if math.Abs(p-want) > 1e-13*want && math.Abs(p-want) > 0x1p-63 {
				t.Errorf("λ = %v: P(K = %d) = %v from the table, want %v", lambda, k, p, want)
			}
		}
		for k := range tab.chain {
			if k < len(tab.thr) && tab.chain[k] != tab.thr[k] || k >= len(tab.thr) && tab.chain[k] != math.MaxUint64 {
				t.Errorf("λ = %v: chain[%d] = %d, thresholds %v", lambda, k, tab.chain[k], tab.thr)
			}
		}
		// The extreme words give the extreme counts.
		if c := tab.count(0); c != 0 && lambda < 30 {
			t.Errorf("λ = %v: count(0) = %d, want 0", lambda, c)
		}
		if c := tab.count(math.MaxUint64); c != len(tab.thr) {
			t.Errorf("λ = %v: count(max) = %d, want %d (table length)", lambda, c, len(tab.thr))
		}
	}
	for _, lambda := range []float64{-1, math.NaN(), math.Inf(1), maxPoissonLambda + 1} {
		if _, err := newPoissonTable(lambda); err == nil {
			t.Errorf("newPoissonTable(%v): no error", lambda)
		}
	}
}

// drawCounts runs steps steps of poissonAdd for n neurons at mean lambda with weight 1 and
// returns the histogram of the per-neuron-step counts.
func drawCounts(t *testing.T, lambda float64, n, steps int) []int {
	t.Helper()
	c := newPoissonTables(0.1)
	i, ok := c.get(lambda / 0.1)
	if !ok {
		t.Fatalf("no table for λ = %v", lambda)
	}
	in, w, idx, r := make([]float64, n), make([]float64, n), make([]uint8, n), make([]rng, n)
	for j := range w {
		w[j], idx[j], r[j] = 1, i, streamSeed(7, 1, uint64(j))
	}
	var hist []int
	for range steps {
		clear(in)
		poissonAdd(in, w, idx, c.tabs, r)
		for _, x := range in {
			k := int(x)
			for len(hist) <= k {
				hist = append(hist, 0)
			}
			hist[k]++
		}
	}
	return hist
}

// TestPoissonCountStatistics: over 2 M neuron-steps the counts have mean and variance λ within
// five standard errors, and their histogram passes a chi-square test against the Poisson pmf
// at the 0.1 % level.
func TestPoissonCountStatistics(t *testing.T) {
	const n, steps = 1000, 2000
	for _, lambda := range []float64{0.05, 0.225, 0.45, 2.25, 10} {
		hist := drawCounts(t, lambda, n, steps)
		var s1, s2 float64
		for k, h := range hist {
			s1 += float64(k * h)
			s2 += float64(k * k * h)
		}
		nTot := float64(n * steps)
		mean := s1 / nTot
		variance := s2/nTot - mean*mean
		if se := math.Sqrt(lambda / nTot); math.Abs(mean-lambda) > 5*se {
			t.Errorf("λ = %v: mean count %v, want λ ± %v", lambda, mean, 5*se)
		}
		// Var of the sample variance of a Poisson variable ≈ (λ + 2λ²)/N.
		if se := math.Sqrt((lambda + 2*lambda*lambda) / nTot); math.Abs(variance-lambda) > 5*se {
			t.Errorf("λ = %v: variance %v, want λ ± %v", lambda, variance, 5*se)
		}
		// Chi-square, bins merged from the top until each expects at least 20 counts.
		var chi2, expTail, obsTail float64
		bins := 0
		kMax := len(hist) + 50
		for k := kMax; k >= 0; k-- {
			e := nTot * poissonPMF(lambda, k)
			o := 0.0
			if k < len(hist) {
				o = float64(hist[k])
			}
			expTail += e
			obsTail += o
			if expTail >= 20 {
				chi2 += (obsTail - expTail) * (obsTail - expTail) / expTail
				bins++
				expTail, obsTail = 0, 0
			}
		}
		chi2 += (obsTail - expTail) * (obsTail - expTail) / max(expTail, 1) // leftover (expects < 20)
		df := float64(bins - 1)
		// Wilson–Hilferty: the 99.9 % quantile of chi-square with df degrees of freedom.
		z := 3.09
		crit := df * math.Pow(1-2/(9*df)+z*math.Sqrt(2/(9*df)), 3)
		if df < 1 || chi2 > crit {
			t.Errorf("λ = %v: chi-square %v with %v degrees of freedom, 99.9 %% quantile %v (histogram %v)", lambda, chi2, df, crit, hist)
		}
	}
}

// TestPoissonRateChange: with counts, a new rate takes effect in the first step after the
// change (there is no pending interval): over 20 000 neurons the first step's mean count is
// the new λ, not the old one.
func TestPoissonRateChange(t *testing.T) {
	const n = 20000
	c := newPoissonTables(0.1)
	lo, _ := c.get(4.5)  // λ = 0.45
	hi, _ := c.get(22.5) // λ = 2.25, a stimulated cluster
	in, w, idx, r := make([]float64, n), make([]float64, n), make([]uint8, n), make([]rng, n)
	for j := range w {
		w[j], idx[j], r[j] = 1, lo, streamSeed(9, 1, uint64(j))
	}
	for range 10 {
		poissonAdd(in, w, idx, c.tabs, r)
	}
	for j := range idx {
		idx[j] = hi
	}
	clear(in)
	poissonAdd(in, w, idx, c.tabs, r)
	sum := 0.0
	for _, x := range in {
		sum += x
	}
	mean, se := sum/n, math.Sqrt(2.25/n)
	if math.Abs(mean-2.25) > 5*se {
		t.Errorf("first step after the change: mean count %v, want 2.25 ± %v", mean, 5*se)
	}
}

// TestPoissonSplit: the counts of a neuron do not depend on how the range is split (threads).
func TestPoissonSplit(t *testing.T) {
	const n = 300
	c := newPoissonTables(0.1)
	a, _ := c.get(4.5)
	b, _ := c.get(22.5)
	mk := func() ([]float64, []float64, []uint8, []rng) {
		in, w, idx, r := make([]float64, n), make([]float64, n), make([]uint8, n), make([]rng, n)
		for j := range w {
			w[j], r[j] = 1.6, streamSeed(3, 1, uint64(j))
			idx[j] = a
			if j%7 == 0 {
				idx[j] = b
			}
		}
		return in, w, idx, r
	}
	in1, w1, idx1, r1 := mk()
	in2, w2, idx2, r2 := mk()
	for range 50 {
		poissonAdd(in1, w1, idx1, c.tabs, r1)
		for _, s := range [][2]int{{0, 101}, {101, 102}, {102, n}} {
			poissonAdd(in2[s[0]:s[1]], w2[s[0]:s[1]], idx2[s[0]:s[1]], c.tabs, r2[s[0]:s[1]])
		}
	}
	for j := range in1 {
		if in1[j] != in2[j] {
			t.Fatalf("neuron %d: %v in one range, %v in three", j, in1[j], in2[j])
		}
	}
}

// TestPoissonTablesCache: one table per distinct mean; a mean above maxPoissonLambda is
// refused (the caller keeps the interval method).
func TestPoissonTablesCache(t *testing.T) {
	c := newPoissonTables(0.1)
	i1, ok1 := c.get(4.5)
	i2, ok2 := c.get(2.25)
	i3, ok3 := c.get(4.5)
	if !ok1 || !ok2 || !ok3 || i1 != i3 || i1 == i2 || len(c.tabs) != 2 {
		t.Errorf("get: %d %v, %d %v, %d %v; %d tables", i1, ok1, i2, ok2, i3, ok3, len(c.tabs))
	}
	if _, ok := c.get(maxPoissonLambda/0.1 + 1); ok {
		t.Errorf("get(%v kHz): accepted a mean above %v", maxPoissonLambda/0.1+1, maxPoissonLambda)
	}
}

// BenchmarkPoissonInput compares the external input of one step for the 2400 E neurons at the
// E drive (4.5 kHz, λ = 0.45) by counts (poissonAdd) and by intervals (arrivals, the step
// loop's method); ns/op / 2400 is the cost per neuron-step.
func BenchmarkPoissonInput(b *testing.B) {
	const n = 2400
	cfg := DefaultConfig()
	net, err := New(cfg)
	if err != nil {
		b.Fatal(err)
	}
	s := net.step // the arrival times carry over between the runs of the benchmark
	b.Run("intervals", func(b *testing.B) {
		p := net.pops[PopE]
		k := net.kinetics(p)
		hits := make([]int32, p.n)
		b.ResetTimer()
		for range b.N {
			s++
			arrivals(p, 0, p.n, float64(s)*net.dt, &k, hits)
		}
	})
	b.Run("counts", func(b *testing.B) {
		c := newPoissonTables(net.dt)
		i, _ := c.get(cfg.ExtE.Rate)
		in, w, idx, r := make([]float64, n), make([]float64, n), make([]uint8, n), make([]rng, n)
		for j := range w {
			w[j], idx[j], r[j] = cfg.ExtE.Weight, i, streamSeed(1, 1, uint64(j))
		}
		b.ResetTimer()
		for range b.N {
			poissonAdd(in, w, idx, c.tabs, r)
		}
	})
}

// BenchmarkPoissonTable: building the table of the stimulated E drive (λ = 2.25).
func BenchmarkPoissonTable(b *testing.B) {
	for range b.N {
		if _, err := newPoissonTable(2.25); err != nil {
			b.Fatal(err)
		}
	}
}
