package analysis

// Spike-train analysis: firing rates, cluster activation detection (docs/MODEL.md section 8, A7)
// and replay statistics.
//
// Units: times and durations in ms, rates in Hz (spikes per second per neuron). A time window
// [t0, t1) includes t0 and excludes t1. Neuron indices are global (E first, then I), and
// clusters are the consecutive E ranges of a Clusters value (docs/MODEL.md section 1). Spikes need
// not be sorted. Functions that return an error report bad data (mismatched Spikes slices,
// bad windows, invalid cluster bounds or orders) that way and never panic on it.

import (
	"errors"
	"fmt"
	"math"
	"sort"

	"github.com/gosnn/gosnn/snn"
)

// ActivationOptions are the parameters of the cluster activation detector of docs/MODEL.md
// section 8 (A7). DefaultActivationOptions gives the documented values.
type ActivationOptions struct {
	// BinMs is the width of the spike-count bins (1 ms).
	BinMs float64
	// SigmaMs is the standard deviation of the Gaussian smoothing kernel (3 ms); 0 disables
	// smoothing. The kernel is truncated at ±4σ and normalised to sum 1.
	SigmaMs float64
	// ThresholdHz is the per-neuron rate a cluster must exceed to be active (20 Hz).
	ThresholdHz float64
	// MergeMs merges two excursions of one cluster separated by less than this long below
	// threshold (40 ms) into one activation.
	MergeMs float64
}

// DefaultActivationOptions returns the A7 detector settings: 1-ms bins, Gaussian σ = 3 ms,
// threshold 20 Hz per neuron, excursions less than 40 ms apart merged.
func DefaultActivationOptions() ActivationOptions {
	return ActivationOptions{BinMs: 1, SigmaMs: 3, ThresholdHz: 20, MergeMs: 40}
}

func (o ActivationOptions) validate() error {
	switch {
	case !(o.BinMs > 0) || math.IsInf(o.BinMs, 0):
		return fmt.Errorf("analysis: ActivationOptions.BinMs = %v, want > 0", o.BinMs)
	case !(o.SigmaMs >= 0) || math.IsInf(o.SigmaMs, 0):
		return fmt.Errorf("analysis: ActivationOptions.SigmaMs = %v, want >= 0", o.SigmaMs)
	case !(o.ThresholdHz > 0) || math.IsInf(o.ThresholdHz, 0):
		return fmt.Errorf("analysis: ActivationOptions.ThresholdHz = %v, want > 0", o.ThresholdHz)
	case !(o.MergeMs >= 0) || math.IsInf(o.MergeMs, 0):
		return fmt.Errorf("analysis: ActivationOptions.MergeMs = %v, want >= 0", o.MergeMs)
	}
	return nil
}

// Activation is one detected activation of a cluster.
type Activation struct {
	Cluster int     // cluster index, 0-based
	TimeMs  float64 // time of the peak rate: centre of the peak bin, ms
	PeakHz  float64 // peak smoothed rate per neuron, Hz
	StartMs float64 // start of the (merged) excursion above threshold, ms
	EndMs   float64 // end of the (merged) excursion above threshold, ms
}

// analysisMaxCells bounds clusters × bins of a rate trace computation (about 2 GiB of float64).
const analysisMaxCells = 1 << 28

func analysisCheckSpikes(sp *snn.Spikes) error {
	if sp == nil {
		return errors.New("analysis: nil *Spikes")
	}
	if len(sp.Time) != len(sp.Neuron) {
		return fmt.Errorf("analysis: Spikes has %d times but %d neurons", len(sp.Time), len(sp.Neuron))
	}
	return nil
}

func analysisCheckWindow(t0, t1 float64) error {
	if math.IsNaN(t0) || math.IsNaN(t1) || math.IsInf(t0, 0) || math.IsInf(t1, 0) || !(t1 > t0) {
		return fmt.Errorf("analysis: time window [%v, %v) ms is empty or not finite", t0, t1)
	}
	return nil
}

func analysisCheckClusters(cl snn.Clusters) error {
	if cl.Count() < 1 {
		return errors.New("analysis: no clusters (Clusters.Bounds needs at least 2 entries)")
	}
	if cl.Bounds[0] < 0 {
		return fmt.Errorf("analysis: Clusters.Bounds[0] = %d, want >= 0", cl.Bounds[0])
	}
	for k := 0; k < cl.Count(); k++ {
		if cl.Bounds[k+1] <= cl.Bounds[k] {
			return fmt.Errorf("analysis: Clusters.Bounds not increasing at %d (%d, %d)", k, cl.Bounds[k], cl.Bounds[k+1])
		}
	}
	return nil
}

// PopulationRate returns the mean firing rate, in Hz per neuron, of neurons lo <= i < hi over
// the window [t0, t1) ms.
func PopulationRate(sp *snn.Spikes, lo, hi int, t0, t1 float64) (float64, error) {
	if err := analysisCheckSpikes(sp); err != nil {
		return 0, err
	}
	if err := analysisCheckWindow(t0, t1); err != nil {
		return 0, err
	}
	if lo < 0 || hi <= lo {
		return 0, fmt.Errorf("analysis: neuron range [%d, %d) is empty or negative", lo, hi)
	}
	n := 0
	for k, t := range sp.Time {
		if i := int(sp.Neuron[k]); i >= lo && i < hi && t >= t0 && t < t1 {
			n++
		}
	}
	return float64(n) / float64(hi-lo) / ((t1 - t0) / 1000), nil
}

// ClusterRates returns the mean firing rate of each cluster, in Hz per neuron, over [t0, t1) ms.
func ClusterRates(sp *snn.Spikes, cl snn.Clusters, t0, t1 float64) ([]float64, error) {
	if err := analysisCheckSpikes(sp); err != nil {
		return nil, err
	}
	if err := analysisCheckWindow(t0, t1); err != nil {
		return nil, err
	}
	if err := analysisCheckClusters(cl); err != nil {
		return nil, err
	}
	counts := make([]float64, cl.Count())
	for k, t := range sp.Time {
		if t >= t0 && t < t1 {
			if c := cl.Of(int(sp.Neuron[k])); c >= 0 {
				counts[c]++
			}
		}
	}
	for c := range counts {
		counts[c] /= float64(cl.Size(c)) * (t1 - t0) / 1000
	}
	return counts, nil
}

// BinnedRate returns the firing rate of neurons lo <= i < hi in consecutive bins of binMs
// starting at t0, in Hz per neuron: bin b covers [t0 + b·binMs, t0 + (b+1)·binMs). The last bin
// may extend past t1 (there are ceil((t1−t0)/binMs) bins); only spikes before t1 are counted,
// and the last bin's rate is computed over its full width.
func BinnedRate(sp *snn.Spikes, lo, hi int, t0, t1, binMs float64) ([]float64, error) {
	if err := analysisCheckSpikes(sp); err != nil {
		return nil, err
	}
	if err := analysisCheckWindow(t0, t1); err != nil {
		return nil, err
	}
	if lo < 0 || hi <= lo {
		return nil, fmt.Errorf("analysis: neuron range [%d, %d) is empty or negative", lo, hi)
	}
	if !(binMs > 0) {
		return nil, fmt.Errorf("analysis: bin width %v ms, want > 0", binMs)
	}
	nb := math.Ceil((t1 - t0) / binMs)
	if nb > analysisMaxCells {
		return nil, fmt.Errorf("analysis: %g bins of %v ms in [%v, %v) is too many", nb, binMs, t0, t1)
	}
	out := make([]float64, int(nb))
	for k, t := range sp.Time {
		if i := int(sp.Neuron[k]); i >= lo && i < hi && t >= t0 && t < t1 {
			b := int((t - t0) / binMs)
			if b >= len(out) { // rounding at the upper edge
				b = len(out) - 1
			}
			out[b]++
		}
	}
	scale := 1 / (float64(hi-lo) * binMs / 1000)
	for b := range out {
		out[b] *= scale
	}
	return out, nil
}

// ClusterRateTraces returns the smoothed per-neuron rate of each cluster, in Hz, in bins of
// opt.BinMs over [t0, t1) ms: traces[k][b] is cluster k's rate at the centre of bin b, which
// covers [t0 + b·BinMs, t0 + (b+1)·BinMs). Spikes up to 4σ outside the window contribute, so
// the traces have no edge dip. These are the traces DetectActivations thresholds.
func ClusterRateTraces(sp *snn.Spikes, cl snn.Clusters, t0, t1 float64, opt ActivationOptions) ([][]float64, error) {
	if err := analysisCheckSpikes(sp); err != nil {
		return nil, err
	}
	if err := analysisCheckWindow(t0, t1); err != nil {
		return nil, err
	}
	if err := analysisCheckClusters(cl); err != nil {
		return nil, err
	}
	if err := opt.validate(); err != nil {
		return nil, err
	}
	K := cl.Count()
	nbf := math.Ceil((t1 - t0) / opt.BinMs)
	margin := int(math.Ceil(4 * opt.SigmaMs / opt.BinMs))
	if (nbf+2*float64(margin))*float64(K) > analysisMaxCells {
		return nil, fmt.Errorf("analysis: %g bins of %v ms for %d clusters is too many", nbf, opt.BinMs, K)
	}
	nb := int(nbf)
	ext := nb + 2*margin
	counts := make([][]float64, K)
	for k := range counts {
		counts[k] = make([]float64, ext)
	}
	lo := t0 - float64(margin)*opt.BinMs
	for s, t := range sp.Time {
		if math.IsNaN(t) {
			continue
		}
		b := math.Floor((t - lo) / opt.BinMs)
		if b < 0 || b >= float64(ext) {
			continue
		}
		if c := cl.Of(int(sp.Neuron[s])); c >= 0 {
			counts[c][int(b)]++
		}
	}
	// Gaussian kernel, normalised to sum 1 so that smoothing preserves the spike count.
	kern := []float64{1}
	if opt.SigmaMs > 0 {
		kern = make([]float64, 2*margin+1)
		sum := 0.0
		for j := -margin; j <= margin; j++ {
			x := float64(j) * opt.BinMs / opt.SigmaMs
			kern[j+margin] = math.Exp(-0.5 * x * x)
			sum += kern[j+margin]
		}
		for j := range kern {
			kern[j] /= sum
		}
	}
	traces := make([][]float64, K)
	for k := range traces {
		tr := make([]float64, nb)
		scale := 1000 / (opt.BinMs * float64(cl.Size(k)))
		ck := counts[k]
		for b := 0; b < nb; b++ {
			s := 0.0
			for j, g := range kern {
				s += g * ck[b+j] // ck index b+margin+(j-margin)
			}
			tr[b] = s * scale
		}
		traces[k] = tr
	}
	return traces, nil
}

// DetectActivations finds cluster activations in [t0, t1) ms with the detector of docs/MODEL.md
// section 8 (A7): each cluster's spikes are counted in opt.BinMs bins, smoothed with a
// Gaussian of opt.SigmaMs, and divided by the cluster size (a rate per neuron, Hz). Every
// maximal run of bins above opt.ThresholdHz is an excursion; excursions of one cluster
// separated by less than opt.MergeMs below threshold are merged, and the activation is the
// highest bin of the merged excursion. Excursions that touch the first or last bin of the
// window are dropped, since their peak may lie outside it. The result is sorted by time (then
// cluster); times are bin centres, so their resolution is opt.BinMs.
func DetectActivations(sp *snn.Spikes, cl snn.Clusters, t0, t1 float64, opt ActivationOptions) ([]Activation, error) {
	traces, err := ClusterRateTraces(sp, cl, t0, t1, opt)
	if err != nil {
		return nil, err
	}
	return activationsFromTraces(traces, t0, opt), nil
}

func activationsFromTraces(traces [][]float64, t0 float64, opt ActivationOptions) []Activation {
	var acts []Activation
	mergeBins := opt.MergeMs / opt.BinMs
	for k, tr := range traces {
		nb := len(tr)
		var cur *Activation
		var curEnd int   // last bin above threshold of the current merged excursion
		var curPeak int  // peak bin of the current merged excursion
		var curCut bool  // the merged excursion touches a window edge
		var curStart int // first bin above threshold
		flush := func() {
			if cur != nil && !curCut {
				cur.TimeMs = t0 + (float64(curPeak)+0.5)*opt.BinMs
				cur.PeakHz = tr[curPeak]
				cur.StartMs = t0 + float64(curStart)*opt.BinMs
				cur.EndMs = t0 + float64(curEnd+1)*opt.BinMs
				acts = append(acts, *cur)
			}
			cur = nil
		}
		for b := 0; b < nb; {
			if !(tr[b] > opt.ThresholdHz) {
				b++
				continue
			}
			// run [b, e)
			e := b
			peak := b
			for e < nb && tr[e] > opt.ThresholdHz {
				if tr[e] > tr[peak] {
					peak = e
				}
				e++
			}
			cut := b == 0 || e == nb
			if cur != nil && float64(b-curEnd-1) < mergeBins {
				if tr[peak] > tr[curPeak] {
					curPeak = peak
				}
				curEnd = e - 1
				curCut = curCut || cut
			} else {
				flush()
				cur = &Activation{Cluster: k}
				curStart, curEnd, curPeak, curCut = b, e-1, peak, cut
			}
			b = e
		}
		flush()
	}
	sort.Slice(acts, func(i, j int) bool {
		if acts[i].TimeMs != acts[j].TimeMs {
			return acts[i].TimeMs < acts[j].TimeMs
		}
		return acts[i].Cluster < acts[j].Cluster
	})
	return acts
}

// ReplayOptions adjusts AnalyzeReplay.
type ReplayOptions struct {
	// Detect configures the activation detector (DefaultActivationOptions for A7).
	Detect ActivationOptions
	// Order is the expected cyclic order of the clusters, a permutation of 0…K−1: a transition
	// a → b is in order when b follows a in Order (the last wraps to the first). Nil means
	// the natural order 0, 1, …, K−1 (k → k+1 mod K).
	Order []int
}

// DefaultReplayOptions returns the A7 detector and the natural cluster order.
func DefaultReplayOptions() ReplayOptions {
	return ReplayOptions{Detect: DefaultActivationOptions()}
}

// ReplayStats summarises sequential replay from cluster activations.
type ReplayStats struct {
	Clusters    int          // number of clusters K
	Activations []Activation // detected activations, sorted by time
	// Transitions is the number of pairs of successive activations (in time, any clusters),
	// InOrder how many of them go from a cluster to the next one in the expected order.
	Transitions int // successive activation pairs
	InOrder     int // pairs that follow the expected order
	// InOrderFraction is InOrder/Transitions (NaN without transitions).
	InOrderFraction float64
	// PeriodMs is the cycle period: the median interval between successive activations of
	// the same cluster, pooled over all clusters (NaN if no cluster is active twice). Pooling
	// uses every cluster's data; the median ignores the long gaps of interrupted replay.
	PeriodMs float64
	// StepMs is the median interval of the in-order transitions (NaN if none).
	StepMs float64
	// ClusterStepMs[k] is the median interval of the in-order transitions out of cluster k,
	// i.e. from k to the next cluster of the order (NaN when there are none).
	ClusterStepMs []float64
	// ActiveFraction is the fraction of the window's bins in which at least one cluster's
	// smoothed rate is above threshold (NaN from ReplayFromActivations, which has no traces).
	ActiveFraction float64
}

// AnalyzeReplay detects cluster activations in [t0, t1) ms and computes replay statistics:
// the cycle period, the fraction of in-order transitions (for the expected order in opt, by
// default k → k+1 mod K), per-cluster step times and the fraction of time some cluster is
// active. docs/MODEL.md section 8 A7 gives reference values for the authors' 15 × 160 network
// (period ≈ 345 ms, 426 of 427 transitions in order, active ≈ 80 % of the time).
func AnalyzeReplay(sp *snn.Spikes, cl snn.Clusters, t0, t1 float64, opt ReplayOptions) (ReplayStats, error) {
	traces, err := ClusterRateTraces(sp, cl, t0, t1, opt.Detect)
	if err != nil {
		return ReplayStats{}, err
	}
	acts := activationsFromTraces(traces, t0, opt.Detect)
	st, err := ReplayFromActivations(acts, cl.Count(), opt.Order)
	if err != nil {
		return ReplayStats{}, err
	}
	active := 0
	nb := len(traces[0])
	for b := 0; b < nb; b++ {
		for k := range traces {
			if traces[k][b] > opt.Detect.ThresholdHz {
				active++
				break
			}
		}
	}
	st.ActiveFraction = float64(active) / float64(nb)
	return st, nil
}

// analysisOrderPos validates order as a permutation of 0…K−1 and returns each cluster's position.
func analysisOrderPos(order []int, K int) ([]int, error) {
	pos := make([]int, K)
	if order == nil {
		for k := range pos {
			pos[k] = k
		}
		return pos, nil
	}
	if len(order) != K {
		return nil, fmt.Errorf("analysis: order has %d entries, want a permutation of the %d clusters", len(order), K)
	}
	for k := range pos {
		pos[k] = -1
	}
	for i, c := range order {
		if c < 0 || c >= K || pos[c] >= 0 {
			return nil, fmt.Errorf("analysis: order is not a permutation of 0…%d (entry %d is %d)", K-1, i, c)
		}
		pos[c] = i
	}
	return pos, nil
}

// ReplayFromActivations computes the statistics of AnalyzeReplay, except ActiveFraction
// (left NaN), from activations sorted by time, for K clusters and an expected order (nil
// for 0, 1, …, K−1). Activations of clusters outside 0…K−1 are an error.
func ReplayFromActivations(acts []Activation, K int, order []int) (ReplayStats, error) {
	if K < 1 {
		return ReplayStats{}, fmt.Errorf("analysis: %d clusters, want at least 1", K)
	}
	pos, err := analysisOrderPos(order, K)
	if err != nil {
		return ReplayStats{}, err
	}
	st := ReplayStats{Clusters: K, Activations: acts, ActiveFraction: math.NaN()}
	last := make([]float64, K)
	for k := range last {
		last[k] = math.NaN()
	}
	var periods, steps []float64
	perCluster := make([][]float64, K)
	for i, a := range acts {
		if a.Cluster < 0 || a.Cluster >= K {
			return ReplayStats{}, fmt.Errorf("analysis: activation %d has cluster %d, want 0…%d", i, a.Cluster, K-1)
		}
		if i > 0 && a.TimeMs < acts[i-1].TimeMs {
			return ReplayStats{}, fmt.Errorf("analysis: activations not sorted by time at %d", i)
		}
		if !math.IsNaN(last[a.Cluster]) {
			periods = append(periods, a.TimeMs-last[a.Cluster])
		}
		last[a.Cluster] = a.TimeMs
		if i == 0 {
			continue
		}
		prev := acts[i-1]
		st.Transitions++
		// With a single cluster every transition repeats it and counts as in order.
		if pos[a.Cluster] == (pos[prev.Cluster]+1)%K {
			st.InOrder++
			d := a.TimeMs - prev.TimeMs
			steps = append(steps, d)
			perCluster[prev.Cluster] = append(perCluster[prev.Cluster], d)
		}
	}
	st.InOrderFraction = math.NaN()
	if st.Transitions > 0 {
		st.InOrderFraction = float64(st.InOrder) / float64(st.Transitions)
	}
	st.PeriodMs = analysisMedian(periods)
	st.StepMs = analysisMedian(steps)
	st.ClusterStepMs = make([]float64, K)
	for k := range perCluster {
		st.ClusterStepMs[k] = analysisMedian(perCluster[k])
	}
	return st, nil
}

// OrderFraction returns the fraction of successive activation pairs (sorted by time) that go
// from a cluster to the next one in order (a permutation of the clusters, cyclic), and the
// number of pairs. The number of clusters is len(order); activations of other clusters are
// an error. Use it to score replay of a trained permuted sequence.
func OrderFraction(acts []Activation, order []int) (fraction float64, transitions int, err error) {
	st, err := ReplayFromActivations(acts, len(order), order)
	if err != nil {
		return math.NaN(), 0, err
	}
	return st.InOrderFraction, st.Transitions, nil
}

// analysisMedian returns the median of x (NaN if empty); x is not modified.
func analysisMedian(x []float64) float64 {
	if len(x) == 0 {
		return math.NaN()
	}
	s := append([]float64(nil), x...)
	sort.Float64s(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}
