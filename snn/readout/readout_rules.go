package readout

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"

	"github.com/gosnn/gosnn/snn"
)

// readoutCheckPlasticity validates the E→R rule (docs/MODEL.md 5.4), a VoltageSTDP.
func readoutCheckPlasticity(p snn.VoltageSTDP) error {
	for _, f := range []struct {
		name string
		v    float64
		pos  bool
	}{
		{"ALTP", p.ALTP, false}, {"ALTD", p.ALTD, false}, {"WMax", p.WMax, true}, {"TauX", p.TauX, true},
		{"ThetaLTP", p.ThetaLTP, false}, {"ThetaLTD", p.ThetaLTD, false}, {"WMin", p.WMin, false},
	} {
		if bad(f.v) || (f.pos && f.v <= 0) || (!f.pos && f.name[0] != 'T' && f.v < 0) {
			return fmt.Errorf("readout: Config.Plasticity.%s = %v: must be finite and %s", f.name, f.v, map[bool]string{true: "> 0", false: ">= 0"}[f.pos])
		}
	}
	if p.WMin >= p.WMax {
		return fmt.Errorf("readout: Config.Plasticity: WMin = %v must be below WMax = %v", p.WMin, p.WMax)
	}
	return nil
}

// SynapseUpdate returns the new E→R weight after one step of length dt under the rule
// p (docs/MODEL.md section 5.4, normally DefaultReadoutPlasticity):
//
//	W ← W + dt·A_LTP·(1 − W/WMax)·x̄·[V − θ_LTP]₊·[ū+ − θ_LTD]₊ − A_LTD·s·[ū− − θ_LTD]₊
//
// kept in [WMin, WMax]. w is the current weight, xbar the presynaptic trace, spiked (s) whether
// the presynaptic neuron spiked in this step, v the post-reset membrane potential of the
// read-out neuron and uPlus, uMinus its voltage traces (mV). A_LTD is per spike (dt folded in,
// docs/MODEL.md section 9 item 2). Without p.SoftBound the (1 − W/WMax) factor is dropped and WMax
// is a hard cap, as in the replication [R] (section 9 item 12).
func SynapseUpdate(p *snn.VoltageSTDP, w, dt, xbar float64, spiked bool, v, uPlus, uMinus float64) float64 {
	if v > p.ThetaLTP && uPlus > p.ThetaLTD {
		f := 1.0
		if p.SoftBound {
			f = 1 - w/p.WMax
		}
		w += dt * p.ALTP * f * xbar * (v - p.ThetaLTP) * (uPlus - p.ThetaLTD)
	}
	if spiked && uMinus > p.ThetaLTD {
		w -= p.ALTD * (uMinus - p.ThetaLTD)
	}
	return math.Min(math.Max(w, p.WMin), p.WMax)
}

// Kernel is the read-out rate kernel of docs/MODEL.md section 7.4, exp(−t²/250) with t in ms
// (not normalised; σ ≈ 11.2 ms).
func Kernel(t float64) float64 { return math.Exp(-t * t / 250) }

// readoutKernelHalfWidth is where Kernel is cut off, ms: exp(−100²/250) ≈ 4·10⁻¹⁸.
const readoutKernelHalfWidth = 100

// Rates convolves spike trains with Kernel on a grid of steps points t0 + k·dt
// (ms): out[j][k] = Σ_spikes of j Kernel(t0 + k·dt − t_spike). times[j] holds the spike
// times (ms) of neuron j. Spikes more than 100 ms away from a grid point are ignored there.
func Rates(times [][]float64, t0, dt float64, steps int) ([][]float64, error) {
	if !(dt > 0) || bad(dt) || bad(t0) || steps < 0 {
		return nil, fmt.Errorf("readout: Rates: need dt > 0, finite t0 and steps >= 0 (dt = %v, t0 = %v, steps = %d)", dt, t0, steps)
	}
	half := int(math.Ceil(readoutKernelHalfWidth / dt))
	kern := make([]float64, 2*half+1)
	for i := range kern {
		kern[i] = Kernel(float64(i-half) * dt)
	}
	out := make([][]float64, len(times))
	for j, ts := range times {
		row := make([]float64, steps)
		out[j] = row
		for _, ts := range ts {
			if bad(ts) {
				return nil, fmt.Errorf("readout: Rates: spike time %v of neuron %d", ts, j)
			}
			c := int(math.Round((ts - t0) / dt)) // grid point of the spike
			if c < -half || c >= steps+half {
				continue
			}
			off := ts - (t0 + float64(c)*dt) // sub-step offset (0 for on-grid spikes)
			for k := max(c-half, 0); k <= min(c+half, steps-1); k++ {
				if off == 0 {
					row[k] += kern[k-c+half]
				} else {
					row[k] += Kernel(t0 + float64(k)*dt - ts)
				}
			}
		}
	}
	return out, nil
}

// ErrorFormula names a form of the replay error of docs/MODEL.md section 7.4 (section 9 item 20).
type ErrorFormula int

const (
	// RowToRow compares row i of the target with row i of the rates (gosnn's default).
	RowToRow ErrorFormula = iota
	// ReversedRows is the formula of the authors' generateSequence.m [M]: row i of the target
	// against row n−1−i of the rates (their `rate(end:-1:1, …)`, the target not reversed), a
	// bug of [M] kept so that errors can be compared with the paper's figures. It gives 0 for
	// rates that play the target upside down and, on a good replay, more than RowToRow.
	ReversedRows
)

// String returns "row-to-row" or "reversed-rows".
func (f ErrorFormula) String() string {
	switch f {
	case RowToRow:
		return "row-to-row"
	case ReversedRows:
		return "reversed-rows"
	}
	return fmt.Sprintf("ErrorFormula(%d)", int(f))
}

// Error is the error measure of docs/MODEL.md section 7.4: target and rates (elements ×
// time, same shape) are each min-max normalised to [0, 1] over the whole matrix, and the mean
// absolute difference over neurons and time is returned. 0 is a perfect match; a constant
// matrix normalises to all zeros. It is ErrorWith(RowToRow, target, rates).
func Error(target, rates [][]float64) (float64, error) {
	return ErrorWith(RowToRow, target, rates)
}

// ErrorWith is Error with the rows of rates paired with those of target as formula says
// (RowToRow: row i with row i; ReversedRows: [M]'s row n−1−i). The min-max normalisation
// is over the whole matrix, so it does not depend on the pairing.
func ErrorWith(formula ErrorFormula, target, rates [][]float64) (float64, error) {
	if formula != RowToRow && formula != ReversedRows {
		return 0, fmt.Errorf("readout: Error: unknown formula %v", formula)
	}
	if len(target) == 0 || len(target) != len(rates) {
		return 0, fmt.Errorf("readout: Error: %d target rows vs %d rate rows", len(target), len(rates))
	}
	n := len(target[0])
	if n == 0 {
		return 0, errors.New("readout: Error: empty target")
	}
	for i := range target {
		if len(target[i]) != n || len(rates[i]) != n {
			return 0, fmt.Errorf("readout: Error: row %d has %d target and %d rate columns, want %d", i, len(target[i]), len(rates[i]), n)
		}
		for k := range target[i] {
			if bad(target[i][k]) || bad(rates[i][k]) {
				return 0, fmt.Errorf("readout: Error: non-finite value in row %d column %d", i, k)
			}
		}
	}
	a, b := minMaxNormalize(target), minMaxNormalize(rates)
	if formula == ReversedRows {
		slices.Reverse(b)
	}
	var sum float64
	for i := range a {
		for k := range a[i] {
			sum += math.Abs(a[i][k] - b[i][k])
		}
	}
	return sum / float64(len(a)*n), nil
}

// CycleDetector finds the starts of the clock's cycles as the read-out code of [M] does
// (docs/MODEL.md section 7.3): it counts the spikes of each cluster over the last Window steps and
// reports a start when the reference cluster is the first argmax of those counts, from step
// BurnIn on, unless it is blocked (a pattern is still playing).
//
// Quirk of [M]: when every count is zero the argmax is the first cluster, so with reference
// cluster 0 a silent window reports a start. RequireSpikes = true removes the quirk.
type CycleDetector struct {
	clusters      snn.Clusters
	window        int
	burnIn        int64
	ref           int
	requireSpikes bool

	counts []int
	ring   [][]int32 // per slot: clusters of the spikes of that step
	steps  int64     // steps observed
}

// NewCycleDetector returns a detector over the clusters cl with a window of windowSteps steps
// (100 = 10 ms at dt = 0.1 ms), reporting from step burnInSteps on (500 = 50 ms), with reference
// cluster ref (0 = the paper's cluster 1).
func NewCycleDetector(cl snn.Clusters, windowSteps, burnInSteps, ref int, requireSpikes bool) (*CycleDetector, error) {
	if cl.Count() < 1 {
		return nil, errors.New("readout: CycleDetector: no clusters")
	}
	if windowSteps < 1 || burnInSteps < 0 {
		return nil, fmt.Errorf("readout: CycleDetector: window = %d steps, burn-in = %d steps: need window >= 1, burn-in >= 0", windowSteps, burnInSteps)
	}
	if ref < 0 || ref >= cl.Count() {
		return nil, fmt.Errorf("readout: CycleDetector: reference cluster %d outside 0 … %d", ref, cl.Count()-1)
	}
	return &CycleDetector{clusters: cl, window: windowSteps, burnIn: int64(burnInSteps), ref: ref,
		requireSpikes: requireSpikes, counts: make([]int, cl.Count()), ring: make([][]int32, windowSteps)}, nil
}

// Observe adds the spikes of one step (E neuron indices; others are ignored) and reports
// whether, after this step, the reference cluster is the first argmax of the window counts and
// the burn-in is over. The caller decides whether a pattern starts (it may be blocked).
func (d *CycleDetector) Observe(spikes []int32) bool {
	slot := int(d.steps % int64(d.window))
	for _, k := range d.ring[slot] {
		d.counts[k]--
	}
	d.ring[slot] = d.ring[slot][:0]
	for _, i := range spikes {
		if k := d.clusters.Of(int(i)); k >= 0 {
			d.counts[k]++
			d.ring[slot] = append(d.ring[slot], int32(k))
		}
	}
	d.steps++
	if d.steps <= d.burnIn {
		return false
	}
	best := 0
	for k, c := range d.counts {
		if c > d.counts[best] {
			best = k
		}
	}
	if best != d.ref {
		return false
	}
	return !d.requireSpikes || d.counts[d.ref] > 0
}

// Activation is one excursion of a read-out rate above threshold: neuron, onset, peak
// and end times (ms).
type Activation struct {
	Neuron           int     // row of the rate matrix
	Onset, Peak, End float64 // first sample above threshold, largest sample, last sample above threshold, ms
}

// Activations finds the excursions of each row of rates (sampled at t0 + k·dt) above
// threshold (in the units of rates; with Rates one isolated spike peaks at 1, so 0.5
// counts every spike), merging excursions of one neuron separated by less than mergeMs. The
// result is sorted by onset, then neuron.
func Activations(rates [][]float64, t0, dt, threshold, mergeMs float64) []Activation {
	thr := threshold
	var out []Activation
	for j, row := range rates {
		var cur *Activation
		var acts []Activation
		peakV := 0.0
		for k, v := range row {
			t := t0 + float64(k)*dt
			if v > thr {
				if cur == nil {
					if n := len(acts); n > 0 && t-acts[n-1].End < mergeMs {
						cur = &acts[n-1]
					} else {
						acts = append(acts, Activation{Neuron: j, Onset: t, Peak: t})
						cur = &acts[len(acts)-1]
						peakV = 0
					}
				}
				if v > peakV {
					peakV, cur.Peak = v, t
				}
				cur.End = t
			} else {
				cur = nil
			}
		}
		out = append(out, acts...)
	}
	sort.SliceStable(out, func(a, b int) bool {
		if out[a].Onset != out[b].Onset {
			return out[a].Onset < out[b].Onset
		}
		return out[a].Neuron < out[b].Neuron
	})
	return out
}

// collapse removes consecutive repeats.
func collapse(seq []int) []int {
	var out []int
	for _, e := range seq {
		if len(out) == 0 || out[len(out)-1] != e {
			out = append(out, e)
		}
	}
	return out
}

// CyclicOrder turns a pattern's element order into the order expected when the pattern
// repeats: consecutive repeats are collapsed and, if the last element equals the first (as
// in ABCBA, whose final A merges with the next cycle's A), the last is dropped; a result that
// repeats a shorter period is cut to that period. ABCBA gives [A B C B], DEDED gives [D E].
func CyclicOrder(order []int) []int {
	c := collapse(order)
	if len(c) > 1 && c[0] == c[len(c)-1] {
		c = c[:len(c)-1]
	}
	for p := 1; p < len(c); p++ {
		if len(c)%p != 0 {
			continue
		}
		ok := true
		for i := p; i < len(c) && ok; i++ {
			ok = c[i] == c[i-p]
		}
		if ok {
			return c[:p]
		}
	}
	return c
}

// OrderErrors compares a sequence of activated neurons with a cyclic expected order: seq is
// collapsed, and each transition seq[i] → seq[i+1] is checked against the expected successor.
// Where an element occurs more than once in expected (B in A B C B), the alignment with the
// fewest errors is used (dynamic programming over the positions in expected). It returns the
// number of transitions and how many of them break the order. A neuron that is not in
// expected breaks the transitions into and out of it.
func OrderErrors(seq []int, expected []int) (transitions, errs int) {
	s := collapse(seq)
	n := len(expected)
	if len(s) < 2 || n == 0 {
		return 0, 0
	}
	const inf = math.MaxInt32
	// cost[p]: fewest errors so far with the current element at position p of expected;
	// free: fewest errors with the current element outside expected.
	cost := make([]int, n)
	next := make([]int, n)
	free := inf
	place := func(e int, dst []int, best int) (freeCost int) {
		found := false
		for q := range dst {
			if expected[q] == e {
				dst[q] = min(dst[q], best)
				found = true
			}
		}
		if !found {
			return best
		}
		return inf
	}
	for q := range cost {
		cost[q] = inf
	}
	free = place(s[0], cost, 0)
	for i := 1; i < len(s); i++ {
		transitions++
		for q := range next {
			next[q] = inf
		}
		// The cheapest state of all, for an out-of-order transition (one error).
		best := free
		for _, c := range cost {
			best = min(best, c)
		}
		nfree := place(s[i], next, best+1)
		// In-order transitions keep the cost.
		for p, c := range cost {
			if c == inf {
				continue
			}
			q := (p + 1) % n
			if expected[q] == s[i] && c < next[q] {
				next[q] = c
			}
		}
		cost, next = next, cost
		free = nfree
	}
	errs = free
	for _, c := range cost {
		errs = min(errs, c)
	}
	return transitions, errs
}

// ClusterProfile averages the activity of each cluster over aligned windows: for each start
// time (ms) it counts the spikes of every cluster in bins of binMs over [start, start+length)
// and returns profile[k][b], the mean count per window. Spikes must be sorted by time.
func ClusterProfile(sp *snn.Spikes, cl snn.Clusters, starts []float64, length, binMs float64) ([][]float64, error) {
	if cl.Count() < 1 {
		return nil, errors.New("readout: ClusterProfile: no clusters")
	}
	if err := cl.Validate(); err != nil {
		return nil, err
	}
	if !(binMs > 0) || !(length > 0) || bad(length) || bad(binMs) {
		return nil, fmt.Errorf("readout: ClusterProfile: length = %v ms, bin = %v ms: need positive values", length, binMs)
	}
	nb := int(math.Ceil(length / binMs))
	prof := make([][]float64, cl.Count())
	for k := range prof {
		prof[k] = make([]float64, nb)
	}
	if len(starts) == 0 {
		return prof, nil
	}
	for _, s := range starts {
		lo := sort.SearchFloat64s(sp.Time, s)
		for q := lo; q < len(sp.Time) && sp.Time[q] < s+length; q++ {
			k := cl.Of(int(sp.Neuron[q]))
			if k < 0 {
				continue
			}
			b := int((sp.Time[q] - s) / binMs)
			if b < nb {
				prof[k][b]++
			}
		}
	}
	for k := range prof {
		for b := range prof[k] {
			prof[k][b] /= float64(len(starts))
		}
	}
	return prof, nil
}

// ClusterElementOverlap returns overlap[k][e], the fraction of cluster k's aligned activity
// profile (from ClusterProfile, bins of binMs from the pattern start) that falls while element
// e of p is on (its rate above the midpoint of p's range).
func ClusterElementOverlap(profile [][]float64, binMs float64, p *Pattern) [][]float64 {
	return clusterElementOverlapShifted(profile, binMs, p, nil)
}

// clusterElementOverlapShifted is ClusterElementOverlap with element e's windows delayed by
// shiftMs[e] (nil or a NaN entry: no delay): bin b counts for e if the pattern was on for e at
// the bin's centre minus the delay. The profile may run past the pattern's end, so that a
// delayed window is not cut there; its activity always counts in the total.
func clusterElementOverlapShifted(profile [][]float64, binMs float64, p *Pattern, shiftMs []float64) [][]float64 {
	thr := p.onThreshold()
	shift := make([]float64, p.Elements())
	for e := range shift {
		if e < len(shiftMs) && !math.IsNaN(shiftMs[e]) {
			shift[e] = shiftMs[e]
		}
	}
	out := make([][]float64, len(profile))
	for k, row := range profile {
		out[k] = make([]float64, p.Elements())
		var total float64
		for b, a := range row {
			total += a
			for e := range p.Rates {
				c := int(math.Round(((float64(b)+0.5)*binMs - shift[e]) / p.DT))
				if c >= 0 && c < p.Steps() && p.Rates[e][c] > thr {
					out[k][e] += a
				}
			}
		}
		if total > 0 {
			for e := range out[k] {
				out[k][e] /= total
			}
		}
	}
	return out
}

// responseLatency returns the median delay (ms) from the onset of each on-interval of element
// e of p, in the presentations that start at starts, to the first spike of its read-out (spike
// times rTimes, sorted) inside that interval: how long the supervisor takes to make R fire.
// Intervals in which R does not fire are skipped; NaN if it never fires in one.
func responseLatency(rTimes, starts []float64, p *Pattern, e int) float64 {
	thr := p.onThreshold()
	type iv struct{ a, b float64 }
	var on []iv
	row := p.Rates[e]
	for c := 0; c < len(row); c++ {
		if row[c] > thr && (c == 0 || row[c-1] <= thr) {
			d := c
			for d < len(row) && row[d] > thr {
				d++
			}
			on = append(on, iv{float64(c) * p.DT, float64(d) * p.DT})
		}
	}
	var lat []float64
	for _, s := range starts {
		for _, w := range on {
			q := sort.SearchFloat64s(rTimes, s+w.a)
			if q < len(rTimes) && rTimes[q] < s+w.b {
				lat = append(lat, rTimes[q]-(s+w.a))
			}
		}
	}
	if len(lat) == 0 {
		return math.NaN()
	}
	sort.Float64s(lat)
	n := len(lat)
	if n%2 == 1 {
		return lat[n/2]
	}
	return (lat[n/2-1] + lat[n/2]) / 2
}

// WeightMassInWindows returns, for each read-out neuron e (row e of w, one column per E
// neuron), the fraction of its total E→R weight that comes from clusters whose overlap with
// element e (ClusterElementOverlap) is at least minOverlap (docs/MODEL.md A14). A neuron with no
// weight gets NaN.
func WeightMassInWindows(w [][]float64, cl snn.Clusters, overlap [][]float64, minOverlap float64) []float64 {
	out := make([]float64, len(w))
	for e, row := range w {
		var in, total float64
		for k := 0; k < cl.Count(); k++ {
			var s float64
			for i := cl.Bounds[k]; i < cl.Bounds[k+1] && i < len(row); i++ {
				s += row[i]
			}
			total += s
			if e < len(overlap[k]) && overlap[k][e] >= minOverlap {
				in += s
			}
		}
		if total > 0 {
			out[e] = in / total
		} else {
			out[e] = math.NaN()
		}
	}
	return out
}
