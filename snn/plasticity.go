package snn

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// Plasticity rules are attached to projections (docs/MODEL.md section 5). They act only while the
// network is plastic (SetPlastic; the original's t > stdpdelay), except normalisation, which
// runs whenever it is configured. Where they act in the per-step schedule:
//
//   - normalisation: at the start of every step s that is a multiple of its period (§2 step 1),
//     each worker on the rows of its own postsynaptic neurons;
//   - LTD (vSTDP) and the presynaptic branch of iSTDP: in the delivery phase, right after a
//     spike's weight has been delivered through the synapse (§2 step 4e then 4f);
//   - LTP (vSTDP, every step) and the postsynaptic branch of iSTDP: in the delivery phase after
//     all spikes of the step, each worker on the rows of its own postsynaptic neurons.
//
// All rules read the traces at their end-of-step values. (The original reads the traces of
// neurons with higher indices before their own update in the same step; the difference is one
// step of trace decay.) With plasticity on, each step has a second barrier after delivery, so
// that no worker updates traces another one is reading.

// VoltageSTDP is the voltage-based STDP rule of Clopath et al. (2010) in the form of docs/MODEL.md
// section 5.1 (E→E) and 5.4 (E→R). DefaultEEPlasticity and DefaultReadoutPlasticity give the
// published values.
type VoltageSTDP struct {
	ALTP     float64 // LTP amplitude A_LTP, per mV² per ms (5.1: 8e-4)
	ALTD     float64 // LTD per presynaptic spike per mV, dt folded in (5.1: 1.4e-4; §9 item 2)
	ThetaLTP float64 // θ_LTP = θ+, mV (−49)
	ThetaLTD float64 // θ_LTD = θ−, mV (−70)
	TauX     float64 // presynaptic trace x̄ time constant, ms (E→E 3.5; E→R 5); +1 per spike (§9 item 11)
	WMin     float64 // lower weight bound, pF (E→E 1.45; E→R 0)
	WMax     float64 // upper bound, pF (E→E 32.68, hard; E→R 25, soft)
	// SoftBound multiplies LTP by (1 − W/WMax) instead of clipping at WMax (E→R, §5.4 and §9
	// item 12).
	SoftBound bool
}

// DefaultEEPlasticity returns the E→E rule of docs/MODEL.md 5.1.
func DefaultEEPlasticity() VoltageSTDP {
	return VoltageSTDP{ALTP: 8e-4, ALTD: 1.4e-4, ThetaLTP: -49, ThetaLTD: -70, TauX: 3.5, WMin: 1.45, WMax: 32.68}
}

// DefaultReadoutPlasticity returns the E→R rule of docs/MODEL.md 5.4 (soft bound 25, floor 0).
func DefaultReadoutPlasticity() VoltageSTDP {
	return VoltageSTDP{ALTP: 8e-4, ALTD: 1.4e-4, ThetaLTP: -49, ThetaLTD: -70, TauX: 5, WMin: 0, WMax: 25, SoftBound: true}
}

// InhibitorySTDP is the iSTDP rule of Vogels et al. (2011) in the form of docs/MODEL.md 5.2, on
// I→E synapses, with the traces y (τ_y = 20 ms, +1 per spike) of every neuron.
type InhibitorySTDP struct {
	Eta  float64 // learning rate η (5.2 and §9 item 3: 1)
	R0   float64 // target rate r₀, kHz (0.003 = 3 Hz); α = 2·r₀·τ_y
	WMin float64 // lower bound, pF (48.7; the nc160 variants used 40)
	WMax float64 // upper bound, pF (243; the nc160 variants used 200)
}

// DefaultIEPlasticity returns the I→E rule of docs/MODEL.md 5.2.
func DefaultIEPlasticity() InhibitorySTDP {
	return InhibitorySTDP{Eta: 1, R0: 0.003, WMin: 48.7, WMax: 243}
}

// NormMode selects the normalisation formula (docs/MODEL.md section 9 item 4).
type NormMode int

const (
	// Subtractive subtracts (S − S⁰)/n from every input weight ([J], default for Go).
	Subtractive NormMode = iota
	// Multiplicative scales the input weights by S⁰/S (the paper's text as read by [R]).
	Multiplicative
)

// Normalization keeps the summed input weight of every postsynaptic neuron near its value at
// the time the rule is attached (docs/MODEL.md 5.3), every PeriodMs, then clips to [WMin, WMax].
type Normalization struct {
	PeriodMs   float64  // 20 ms
	Mode       NormMode // Subtractive
	WMin, WMax float64  // 1.45, 32.68
}

// DefaultNormalization returns the E→E normalisation of docs/MODEL.md 5.3.
func DefaultNormalization() Normalization {
	return Normalization{PeriodMs: 20, Mode: Subtractive, WMin: 1.45, WMax: 32.68}
}

type vstdpRule struct {
	pr  *projection
	r   VoltageSTDP
	xb  []float64 // presynaptic trace, per pre neuron
	dX  float64   // dt/τ_x
	dtA float64   // dt·A_LTP
}

type istdpRule struct {
	pr    *projection
	r     InhibitorySTDP
	alpha float64
}

type normRule struct {
	pr     *projection
	r      Normalization
	every  int64
	target []float64 // S⁰ per post neuron
}

func (n *Network) proj(id ProjID) (*projection, error) {
	if id < 0 || int(id) >= len(n.projs) {
		return nil, fmt.Errorf("snn: projection %d does not exist (the network has %d)", id, len(n.projs))
	}
	return n.projs[id], nil
}

// enableTraces turns on the plasticity traces of the given populations (docs/MODEL.md
// section 5: ū−, ū+, x̄ and y); new traces start at the neuron's current V (ū−, ū+) and 0
// (x̄, y). Populations without traces skip their updates in the step loop.
func (n *Network) enableTraces(pops ...*population) {
	for _, p := range pops {
		if p.um != nil {
			continue
		}
		tr := staggered[float64](p.n, 4, phaseTraces)
		p.um, p.up, p.xb, p.y = tr[0], tr[1], tr[2], tr[3]
		for i := range p.v {
			p.um[i], p.up[i] = p.v[i], p.v[i]
		}
		n.ready = false
	}
}

func checkFinite(name string, vals ...float64) error {
	for _, v := range vals {
		if bad(v) {
			return fmt.Errorf("snn: %s: parameter = %v: must be finite", name, v)
		}
	}
	return nil
}

// SetVoltageSTDP attaches the vSTDP rule r to projection id (replacing any earlier one). The
// postsynaptic population must be AdEx (it needs the voltage traces).
func (n *Network) SetVoltageSTDP(id ProjID, r VoltageSTDP) error {
	pr, err := n.proj(id)
	if err != nil {
		return err
	}
	if err := checkFinite("SetVoltageSTDP", r.ALTP, r.ALTD, r.ThetaLTP, r.ThetaLTD, r.TauX, r.WMin, r.WMax); err != nil {
		return err
	}
	switch {
	case r.TauX <= 0:
		return fmt.Errorf("snn: VoltageSTDP.TauX = %v: time constant must be > 0", r.TauX)
	case r.ALTP < 0 || r.ALTD < 0:
		return fmt.Errorf("snn: VoltageSTDP.ALTP = %v, ALTD = %v: amplitudes must be >= 0", r.ALTP, r.ALTD)
	case r.WMin > r.WMax || (r.SoftBound && r.WMax <= 0):
		return fmt.Errorf("snn: VoltageSTDP.WMin = %v, WMax = %v: need WMin <= WMax (and WMax > 0 with SoftBound)", r.WMin, r.WMax)
	case !n.pops[pr.post].p.Model.impl().vstdpPost:
		return fmt.Errorf("snn: SetVoltageSTDP: postsynaptic population %s is %v, a model without the vSTDP traces ū−, ū+", n.pops[pr.post].name, n.pops[pr.post].p.Model)
	}
	n.enableTraces(n.pops[pr.post])
	rule := &vstdpRule{pr: pr, r: r, xb: make([]float64, n.pops[pr.pre].n), dX: n.dt / r.TauX, dtA: n.dt * r.ALTP}
	for k, old := range n.vrules {
		if old.pr == pr {
			n.vrules[k] = rule
			n.ready = false
			return nil
		}
	}
	n.vrules = append(n.vrules, rule)
	n.ready = false
	return nil
}

// SetInhibitorySTDP attaches the iSTDP rule r to projection id (replacing any earlier one).
func (n *Network) SetInhibitorySTDP(id ProjID, r InhibitorySTDP) error {
	pr, err := n.proj(id)
	if err != nil {
		return err
	}
	if err := checkFinite("SetInhibitorySTDP", r.Eta, r.R0, r.WMin, r.WMax); err != nil {
		return err
	}
	if r.WMin > r.WMax || r.R0 < 0 {
		return fmt.Errorf("snn: InhibitorySTDP: WMin = %v, WMax = %v, R0 = %v: need WMin <= WMax and R0 >= 0", r.WMin, r.WMax, r.R0)
	}
	n.enableTraces(n.pops[pr.pre], n.pops[pr.post])
	rule := &istdpRule{pr: pr, r: r, alpha: 2 * r.R0 * tauY}
	for k, old := range n.irules {
		if old.pr == pr {
			n.irules[k] = rule
			n.ready = false
			return nil
		}
	}
	n.irules = append(n.irules, rule)
	n.ready = false
	return nil
}

// SetNormalization attaches synaptic normalisation to projection id (replacing any earlier
// one); the target of every postsynaptic neuron is its summed input weight now.
// A PeriodMs of 0 removes it.
func (n *Network) SetNormalization(id ProjID, r Normalization) error {
	pr, err := n.proj(id)
	if err != nil {
		return err
	}
	if err := checkFinite("SetNormalization", r.PeriodMs, r.WMin, r.WMax); err != nil {
		return err
	}
	if r.PeriodMs < 0 || r.WMin > r.WMax || (r.Mode != Subtractive && r.Mode != Multiplicative) {
		return fmt.Errorf("snn: Normalization: PeriodMs = %v, WMin = %v, WMax = %v, Mode = %d: need PeriodMs >= 0, WMin <= WMax and a known mode", r.PeriodMs, r.WMin, r.WMax, r.Mode)
	}
	keep := n.norms[:0]
	for _, old := range n.norms {
		if old.pr != pr {
			keep = append(keep, old)
		}
	}
	n.norms = keep
	n.ready = false
	if r.PeriodMs == 0 {
		return nil
	}
	rule := &normRule{pr: pr, r: r, every: max(int64(math.Round(r.PeriodMs/n.dt)), 1)}
	rule.target = make([]float64, len(pr.rowPtr)-1)
	for j := range rule.target {
		for k := pr.rowPtr[j]; k < pr.rowPtr[j+1]; k++ {
			rule.target[j] += pr.w[k]
		}
	}
	n.norms = append(n.norms, rule)
	return nil
}

// SetPlastic switches vSTDP and iSTDP on or off (normalisation is not affected), like the
// original's stdpdelay. It may be called from a hook registered with Every.
func (n *Network) SetPlastic(on bool) { n.plastic = on }

// LTPUpdates returns the number of LTP synapse updates (vSTDP, every rule) since the network
// was built: the synapses visited because their postsynaptic neuron was depolarised
// (docs/MODEL.md 5.1), the figure the Brian2 comparison counts (about 39 M per simulated second
// for the trained 30 × 80 network under stimulation).
func (n *Network) LTPUpdates() int64 {
	t := n.ltpDone
	for _, wk := range n.workers {
		t += wk.ltp
	}
	return t
}

// SetRuleActive switches the vSTDP and iSTDP rules attached to projection id on or off
// without detaching them (a rule is active when attached); an inactive rule keeps its traces
// up to date but changes no weight. It lets one projection learn while the others stay frozen
// (the read-out's E→R training on a frozen network, docs/MODEL.md 7.3). Normalisation is not
// affected.
func (n *Network) SetRuleActive(id ProjID, on bool) error {
	pr, err := n.proj(id)
	if err != nil {
		return err
	}
	pr.inactive = !on
	return nil
}

// RuleActive reports whether projection id has a vSTDP or iSTDP rule attached and active.
func (n *Network) RuleActive(id ProjID) bool {
	pr, err := n.proj(id)
	if err != nil || pr.inactive {
		return false
	}
	for _, r := range n.vrules {
		if r.pr == pr {
			return true
		}
	}
	for _, r := range n.irules {
		if r.pr == pr {
			return true
		}
	}
	return false
}

// Plastic reports whether vSTDP and iSTDP are on.
func (n *Network) Plastic() bool { return n.plastic }

// SetWeights replaces the weights of the existing synapses of projection id with the
// corresponding entries of w (post × pre); entries where there is no synapse are ignored.
func (n *Network) SetWeights(id ProjID, w mat.Matrix) error {
	pr, err := n.proj(id)
	if err != nil {
		return err
	}
	nPost, nPre := n.pops[pr.post].n, n.pops[pr.pre].n
	if r, c := w.Dims(); r != nPost || c != nPre {
		return fmt.Errorf("snn: SetWeights: matrix is %d×%d, want post × pre = %d×%d", r, c, nPost, nPre)
	}
	// Checked first: on an error the weights stay as they were.
	for j := 0; j < nPost; j++ {
		for k := pr.rowPtr[j]; k < pr.rowPtr[j+1]; k++ {
			if x := w.At(j, int(pr.col[k])); bad(x) {
				return fmt.Errorf("snn: SetWeights: weight[%d][%d] = %v: must be finite", j, pr.col[k], x)
			}
		}
	}
	for j := 0; j < nPost; j++ {
		for k := pr.rowPtr[j]; k < pr.rowPtr[j+1]; k++ {
			pr.w[k] = w.At(j, int(pr.col[k]))
		}
	}
	pr.ver++ // the delivery copy is stale
	return nil
}

// normalize runs the normalisation rules due at step s on the worker's postsynaptic rows:
// per row, one sweep sums the weights (rowSum4) and a second one, while the row is still in the
// L1 cache, shifts or scales them and clips them (shiftClip, scaleClip).
func (n *Network) normalize(wk *worker, s int64) {
	for _, r := range n.norms {
		if s%r.every != 0 {
			continue
		}
		pr := r.pr
		j0, j1 := wk.lo[pr.post], wk.hi[pr.post]
		ptr, target := pr.rowPtr[j0:j1+1], r.target[j0:j1]
		ptr = ptr[:len(target)+1]
		w, lo, hi := pr.w, r.r.WMin, r.r.WMax
		sub := r.r.Mode == Subtractive
		bug := -1
		if pr.post == int(PopE) && pr.pre == int(PopE) {
			bug = n.bug - j0
		}
		for j, t := range target {
			row := w[ptr[j]:ptr[j+1]]
			if len(row) == 0 {
				continue
			}
			if j == bug {
				// Section 9 item 7: the original divides by zero for this row; its E
				// inputs end at the floor.
				for q := range row {
					row[q] = lo
				}
				continue
			}
			sum := rowSum4(row)
			if sub {
				shiftClip(row, (sum-t)/float64(len(row)), lo, hi)
			} else if sum > 0 {
				scaleClip(row, t/sum, lo, hi)
			}
		}
	}
}

// rowSum4 sums x with four independent accumulators (the single-accumulator loop is bound
// by the latency of the additions; normalisation sums 1.15 M weights every 20 ms).
func rowSum4(x []float64) float64 {
	var s0, s1, s2, s3 float64
	i := 0
	for ; i+4 <= len(x); i += 4 {
		r := x[i : i+4 : i+4] // one bounds check instead of four
		s0 += r[0]
		s1 += r[1]
		s2 += r[2]
		s3 += r[3]
	}
	for ; i < len(x); i++ {
		s0 += x[i]
	}
	return (s0 + s1) + (s2 + s3)
}

// Clipping. The weight passes clip every weight they touch to [lo, hi]. Go's min and max of
// float64 cost about ten instructions each on amd64 (they must order −0 below +0 and propagate
// NaN), twice the cost of the rest of a pass. The kernels below instead select the bits of the
// bound with a conditional move (fastClip; 2 compares, 2 CMOVs). That gives the same bits as
// min(max(y, lo), hi) for every y whenever lo ≠ 0 and hi ≠ 0: the two differ only where y
// equals a bound numerically but not bitwise, i.e. at ±0 (a NaN y passes through both ways).
// With a zero bound the kernels fall back to min and max (addSoft also has a kernel for the
// read-out's floor +0, where y <= +0 selects +0), so results are bit-identical to the plain
// loop in every case (TestClipKernels, FuzzClipKernels).

// fastClip reports whether the conditional-move kernels are exact for the bounds lo, hi.
func fastClip(lo, hi float64) bool { return lo != 0 && hi != 0 }

// shiftClip sets row[q] = min(max(row[q]−d, lo), hi) (subtractive normalisation).
func shiftClip(row []float64, d, lo, hi float64) {
	if !fastClip(lo, hi) {
		for q, x := range row {
			row[q] = min(max(x-d, lo), hi)
		}
		return
	}
	q := 0
	if useVector && len(row) >= 4 { // the vector path (clip_amd64.s), four weights at a time
		q = len(row) &^ 3
		shiftClipKernel(&row[0], q, d, lo, hi)
	}
	lb, hb := math.Float64bits(lo), math.Float64bits(hi)
	for ; q+4 <= len(row); q += 4 { // unrolled: the loop control was a third of the work
		r := row[q : q+4 : q+4]
		r[0] = clipBits(r[0]-d, lo, hi, lb, hb)
		r[1] = clipBits(r[1]-d, lo, hi, lb, hb)
		r[2] = clipBits(r[2]-d, lo, hi, lb, hb)
		r[3] = clipBits(r[3]-d, lo, hi, lb, hb)
	}
	for ; q < len(row); q++ {
		row[q] = clipBits(row[q]-d, lo, hi, lb, hb)
	}
}

// clipBits returns y clipped to [lo, hi] by selecting the bits lb of lo or hb of hi (see
// fastClip).
func clipBits(y, lo, hi float64, lb, hb uint64) float64 {
	b := math.Float64bits(y)
	if y < lo {
		b = lb
	}
	if y > hi {
		b = hb
	}
	return math.Float64frombits(b)
}

// scaleClip sets row[q] = min(max(row[q]·f, lo), hi) (multiplicative normalisation).
func scaleClip(row []float64, f, lo, hi float64) {
	if !fastClip(lo, hi) {
		for q, x := range row {
			row[q] = min(max(x*f, lo), hi)
		}
		return
	}
	q := 0
	if useVector && len(row) >= 4 {
		q = len(row) &^ 3
		scaleClipKernel(&row[0], q, f, lo, hi)
	}
	lb, hb := math.Float64bits(lo), math.Float64bits(hi)
	for ; q < len(row); q++ {
		row[q] = clipBits(row[q]*f, lo, hi, lb, hb)
	}
}

// addCapped sets row[q] = min(row[q] + f·x[col[q]], hi) for the synapses of one postsynaptic
// row (hard-bound LTP and the postsynaptic branch of iSTDP); len(row) must be len(col).
func addCapped(row []float64, col []int32, x []float64, f, hi float64) {
	row = row[:len(col)]
	if hi == 0 {
		for q, i := range col {
			row[q] = min(row[q]+f*x[i], hi)
		}
		return
	}
	hb := math.Float64bits(hi)
	q := 0
	if useVector && len(col) >= 4 && len(x) > 0 { // the vector path (clip_amd64.s)
		// The kernel does not check col: x holds one value per presynaptic neuron, and col
		// indexes them (a projection's invariant).
		q = len(col) &^ 3
		addCappedKernel(&row[0], &col[0], &x[0], q, f, hi)
	}
	for ; q+4 <= len(col); q += 4 { // unrolled like shiftClip
		c, r := col[q:q+4:q+4], row[q:q+4:q+4]
		r[0] = capBits(r[0]+f*x[c[0]], hi, hb)
		r[1] = capBits(r[1]+f*x[c[1]], hi, hb)
		r[2] = capBits(r[2]+f*x[c[2]], hi, hb)
		r[3] = capBits(r[3]+f*x[c[3]], hi, hb)
	}
	for ; q < len(col); q++ {
		row[q] = capBits(row[q]+f*x[col[q]], hi, hb)
	}
}

// capBits returns min(y, hi) for hi ≠ 0 by selecting the bits hb of hi (see fastClip).
func capBits(y, hi float64, hb uint64) float64 {
	b := math.Float64bits(y)
	if y > hi {
		b = hb
	}
	return math.Float64frombits(b)
}

// addSoft sets row[q] = min(max(row[q] + f·x[col[q]]·(1 − row[q]·inv), lo), hi) for one
// postsynaptic row (soft-bound LTP, inv = 1/WMax); len(row) must be len(col).
func addSoft(row []float64, col []int32, x []float64, f, inv, lo, hi float64) {
	row = row[:len(col)]
	if math.Float64bits(lo) == 0 && hi != 0 {
		// The read-out's floor +0: y <= +0 selects +0 (max(−0, +0) is +0; a NaN y passes).
		hb := math.Float64bits(hi)
		for q, i := range col {
			y := row[q] + f*x[i]*(1-row[q]*inv)
			b := math.Float64bits(y)
			if y <= 0 {
				b = 0
			}
			if y > hi {
				b = hb
			}
			row[q] = math.Float64frombits(b)
		}
		return
	}
	if !fastClip(lo, hi) {
		for q, i := range col {
			row[q] = min(max(row[q]+f*x[i]*(1-row[q]*inv), lo), hi)
		}
		return
	}
	lb, hb := math.Float64bits(lo), math.Float64bits(hi)
	for q, i := range col {
		row[q] = clipBits(row[q]+f*x[i]*(1-row[q]*inv), lo, hi, lb, hb)
	}
}

// updatePreTraces decays the x̄ traces of the vSTDP rules whose presynaptic population is pi
// over the worker's range and adds 1 for the step's spikes.
func (n *Network) updatePreTraces(wk *worker, pi int, spikes []int32) {
	for _, r := range n.vrules {
		if r.pr.pre != pi {
			continue
		}
		decayTraces(r.xb[wk.lo[pi]:wk.hi[pi]], r.dX)
		for _, i := range spikes {
			if int(i) != n.bug || pi != int(PopE) { // section 9 item 7: no trace
				r.xb[i]++
			}
		}
	}
}

// spikePlasticity applies LTD and presynaptic iSTDP for spike entries q0 … q1−1 of projection
// pr, after their weights have been delivered.
func (n *Network) spikePlasticity(pr *projection, q0, q1 int32) {
	post := n.pops[pr.post]
	for _, r := range n.vrules {
		if r.pr != pr {
			continue
		}
		for q := q0; q < q1; q++ {
			j := pr.outPost[q]
			if u := post.um[j]; u > r.r.ThetaLTD {
				syn := pr.outSyn[q]
				pr.w[syn] = max(pr.w[syn]-r.r.ALTD*(u-r.r.ThetaLTD), r.r.WMin)
			}
		}
	}
	for _, r := range n.irules {
		if r.pr != pr {
			continue
		}
		for q := q0; q < q1; q++ {
			syn := pr.outSyn[q]
			pr.w[syn] = min(max(pr.w[syn]+r.r.Eta*(post.y[pr.outPost[q]]-r.alpha), r.r.WMin), r.r.WMax)
		}
	}
}

// stepPlasticity applies LTP (when ltp is true; with several workers, ltpShare does it) and
// postsynaptic iSTDP of step c on the worker's rows. LTP streams the rows of the postsynaptic
// neurons above both LTP thresholds (ltpRow: addCapped, addSoft). The test of the thresholds
// is a branch: only a few neurons in a thousand pass it in a step, so it is well predicted,
// and a branch-free scan that lists them cost more than it saved.
func (n *Network) stepPlasticity(wk *worker, c int, ltp bool) {
	for _, r := range n.vrules {
		pr := r.pr
		if !ltp || !pr.plastic {
			continue
		}
		post := n.pops[pr.post]
		for j := wk.lo[pr.post]; j < wk.hi[pr.post]; j++ {
			if f, ok := r.ltpFactor(post, j); ok {
				wk.ltp += int64(r.ltpRow(j, f))
			}
		}
	}
	for _, r := range n.irules {
		pr := r.pr
		if !pr.plastic {
			continue
		}
		y, eta, wmax := n.pops[pr.pre].y, r.r.Eta, r.r.WMax
		pi := pr.post
		for _, j := range wk.buf[pi][wk.start[pi][c]:wk.start[pi][c+1]] {
			k0, k1 := pr.rowPtr[j], pr.rowPtr[j+1]
			addCapped(pr.w[k0:k1], pr.col[k0:k1], y, eta, wmax)
		}
	}
}

// ltpFactor returns dt·A_LTP·(V−θ_LTP)·(ū+−θ_LTD) of postsynaptic neuron j, and whether it is
// depolarised enough for LTP (docs/MODEL.md 5.1).
func (r *vstdpRule) ltpFactor(post *population, j int) (float64, bool) {
	th, tl := r.r.ThetaLTP, r.r.ThetaLTD
	v, up := post.v[j], post.up[j]
	if v <= th || up <= tl {
		return 0, false
	}
	return r.dtA * (v - th) * (up - tl), true
}

// ltpRow applies LTP with factor f to the row of postsynaptic neuron j and returns the
// number of synapses it visited.
func (r *vstdpRule) ltpRow(j int, f float64) int {
	pr := r.pr
	k0, k1 := pr.rowPtr[j], pr.rowPtr[j+1]
	row, col := pr.w[k0:k1], pr.col[k0:k1]
	if r.r.SoftBound {
		// The soft factor keeps w below WMax whenever f·x̄ < WMax; the cap is for larger
		// steps.
		addSoft(row, col, r.xb, f, 1/r.r.WMax, r.r.WMin, r.r.WMax)
	} else {
		addCapped(row, col, r.xb, f, r.r.WMax)
	}
	return int(k1 - k0)
}
