package snn

import (
	"fmt"
	"math"
)

// Per-step Poisson counts (a prototype for the external drive; arrivals in step.go still
// uses the interval method, see the measurements below).
//
// The external input of a neuron is a Poisson process (docs/MODEL.md section 2). The step
// loop needs only the number of its arrivals in each step, and for a rate r (kHz) that is
// constant over the step that number is Poisson distributed with mean λ = r·dt. The interval
// method (arrivals) keeps the time of the next arrival and draws exponential intervals with
// the ziggurat, divided by the rate: a branch on every neuron, a data-dependent loop, a
// division and a ziggurat draw per arrival. The count method here draws one 64-bit word per
// neuron and step from the neuron's own stream and turns it into a count with the inverse
// cumulative distribution function of Poisson(λ), stored as integer thresholds: the count is
// the number of thresholds the word exceeds. The first poissonChain thresholds are compared
// without a branch; a word above the last of them (probability P(K ≥ poissonChain), 0.12 % at
// the E drive's λ = 0.45) continues through the rest of the table.
//
// The counts have exactly the distribution Poisson(λ) up to the rounding of its probabilities
// to multiples of 2⁻⁶⁴ (TestPoissonTable): counts whose probability is below 2⁻⁶⁴ are never
// drawn. Because a step's count depends only on that step's rate, a rate change takes effect
// in the first step after it (the interval method instead keeps the interval already drawn,
// docs/MODEL.md section 2); both describe a Poisson process, whose arrivals have no memory.
// Each neuron draws from its own stream, one word per step whatever the rate, so results do
// not depend on how the neurons are split between threads.
//
// Measured (BenchmarkPoissonInput, 2400 neurons at the E drive, on a loaded 2-core machine):
// the counts took about half the CPU time per neuron-step of arrivals, with about as many
// instructions (callgrind: 57 against 59; the interval method's time presumably goes to
// mispredicted branches and the division). Wired into arrivals as an experiment (every neuron
// by counts, a table index per neuron refreshed when its rate changed), the train scenario of
// gosnn bench executed 8 % more instructions in the step loop (a rate test and a table load
// per neuron-step, and a draw for every neuron, also those the interval method skips) and no
// measurably less CPU time, with unchanged E and I rates over three seeds of the static
// scenario; so arrivals keeps the interval method for now.
//
// A table costs about ten microseconds to build (BenchmarkPoissonTable), so tables are cached
// per distinct λ (poissonTables); inputs whose rate changes in every step (the read-out's
// supervisor neurons, docs/MODEL.md 7.3) would keep the interval method.

// poissonChain is the number of thresholds compared without a branch.
const poissonChain = 4

// maxPoissonLambda is the largest mean a table is built for: e^−λ must stay far above 2⁻⁶⁴ so
// that every threshold is a positive integer (λ = 32: e^−λ ≈ 1.3e−14).
const maxPoissonLambda = 32

// poissonTable is the inverse CDF of Poisson(λ): a 64-bit uniform word u gives the count
// #{k : u > thr[k]} (thr ascending); thr[k] = 2⁶⁴·P(K ≤ k) − 1, rounded, for every k with
// P(K > k) ≥ 2⁻⁶⁴. chain holds the first poissonChain thresholds, padded with MaxUint64
// (never exceeded).
type poissonTable struct {
	lambda float64
	chain  [poissonChain]uint64
	thr    []uint64
}

// newPoissonTable builds the table of Poisson(λ) for 0 <= λ <= maxPoissonLambda.
func newPoissonTable(lambda float64) (*poissonTable, error) {
	if !(lambda >= 0 && lambda <= maxPoissonLambda) {
		return nil, fmt.Errorf("snn: Poisson table: mean %v: must be in [0, %v]", lambda, maxPoissonLambda)
	}
	t := &poissonTable{lambda: lambda}
	// Each threshold comes from whichever of P(K <= k) and Q_k = P(K > k) is below 1/2, the
	// first summed from k = 0 upwards and the second from the far tail inwards, so that every
	// probability keeps its relative precision.
	kMax := int(lambda + 20*math.Sqrt(lambda) + 40) // Q_kMax < 1e-30 for λ <= 32
	pmf := make([]float64, kMax+1)
	pmf[0] = math.Exp(-lambda)
	for k := 1; k <= kMax; k++ {
		pmf[k] = pmf[k-1] * lambda / float64(k)
	}
	q := make([]float64, kMax+1)
	for k := kMax - 1; k >= 0; k-- {
		q[k] = q[k+1] + pmf[k+1]
	}
	cdf := 0.0
	for k := 0; k <= kMax; k++ {
		cdf += pmf[k]
		// u > thr ⇔ u ≥ 2⁶⁴ − m with m = round(2⁶⁴·Q_k): probability m/2⁶⁴.
		m := math.Round(math.Ldexp(q[k], 64))
		if m < 1 {
			break
		}
		thr := -uint64(m) - 1 // 2⁶⁴ − m − 1 (m < 2⁶⁴ because Q_0 = 1 − e^−λ)
		if cdf < 0.5 {
			thr = uint64(math.Round(math.Ldexp(cdf, 64))) - 1 // P(u <= thr) = P(K <= k)
		}
		t.thr = append(t.thr, thr)
	}
	for k := range t.chain {
		t.chain[k] = math.MaxUint64
		if k < len(t.thr) {
			t.chain[k] = t.thr[k]
		}
	}
	return t, nil
}

// count returns the Poisson count for the uniform word u (poissonAdd has it written out).
func (t *poissonTable) count(u uint64) int {
	c := &t.chain
	k := b2i(u > c[0]) + b2i(u > c[1]) + b2i(u > c[2]) + b2i(u > c[3])
	if u > c[poissonChain-1] { // rare: continue through the table
		k += t.tail(u)
	}
	return k
}

// tail returns the number of thresholds after the chain that u exceeds.
func (t *poissonTable) tail(u uint64) int {
	k := 0
	for _, th := range t.thr[poissonChain:] {
		if u <= th {
			break
		}
		k++
	}
	return k
}

// poissonTables caches the tables of the distinct means in use; a population's neurons refer
// to them by index (uint8: at most 256 distinct means).
type poissonTables struct {
	dt    float64
	tabs  []*poissonTable
	index map[float64]uint8
}

// newPoissonTables returns an empty cache for steps of dt ms.
func newPoissonTables(dt float64) *poissonTables {
	return &poissonTables{dt: dt, index: map[float64]uint8{}}
}

// get returns the index of the table for rate kHz, building it if needed; ok is false when
// the mean rate·dt is above maxPoissonLambda or the cache is full (the caller keeps the
// interval method for that input).
func (c *poissonTables) get(kHz float64) (idx uint8, ok bool) {
	lambda := kHz * c.dt
	if i, ok := c.index[lambda]; ok {
		return i, true
	}
	if len(c.tabs) == 256 {
		return 0, false
	}
	t, err := newPoissonTable(lambda)
	if err != nil {
		return 0, false
	}
	i := uint8(len(c.tabs))
	c.tabs = append(c.tabs, t)
	c.index[lambda] = i
	return i, true
}

// poissonAdd runs one step of external input for the neurons of a range by counts: neuron i
// draws one word from r[i], turns it into a count k with the table tabs[idx[i]] and adds k·w[i]
// to in[i]. The slices must have the same length. A caller with two input channels passes
// each neuron's weight in the slice of its channel and 0 in the other, or calls poissonAdd
// once per channel on disjoint neuron sets.
func poissonAdd(in, w []float64, idx []uint8, tabs []*poissonTable, r []rng) {
	w, idx, r = w[:len(in)], idx[:len(in)], r[:len(in)]
	for i := range in {
		t := tabs[idx[i]]
		u := r[i].next()
		c := &t.chain
		k := b2i(u > c[0]) + b2i(u > c[1]) + b2i(u > c[2]) + b2i(u > c[3])
		if u > c[poissonChain-1] {
			k += t.tail(u)
		}
		in[i] += float64(k) * w[i]
	}
}
