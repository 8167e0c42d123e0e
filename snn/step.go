package snn

import "math"

// This file holds the per-step schedule (docs/MODEL.md section 2), written once. One step s
// (t = s·dt) runs in two phases, separated by one barrier when there are several workers:
//
//  1. integrate (each worker on its own contiguous range of every population, populations in
//     order): for each neuron, the §2 steps 4a-4f (the per-neuron loop of each model lives in
//     its model file, model_*.go: see model.go), spikes collected per worker and population;
//  2. deliver (each worker into the postsynaptic neurons of its own range): the spikes of the
//     step, in global index order, add their weights to the input buffers the neurons consume
//     in step s+1 (the one-step recurrent delay of §2).
//
// Because every worker writes only the state and inputs of its own neurons, and spikes are
// visited in global index order in both phases, results are identical for any thread count.

// Time constants of the plasticity traces (docs/MODEL.md sections 5.1 and 5.2), ms.
const (
	tauUMinus = 10  // ū−, the LTD voltage trace
	tauUPlus  = 7   // ū+, the LTP voltage trace
	tauXBar   = 3.5 // x̄, the presynaptic trace of E neurons
	tauY      = 20  // y, the iSTDP trace of every neuron
)

// kin holds per-population constants derived from the parameters and dt (cached decay
// factors) that every neuron model shares, and the model's stepper with its own constants.
type kin struct {
	dRE, dDE, dRI, dDI float64 // 1 − dt/τ of the conductance auxiliaries
	nE, nI             float64 // 1/(τ_decay − τ_rise)
	eExc, eInh         float64 // reversal potentials
	dt, invTau, invC   float64
	el, vReset, vPeak  float64
	ref                int64 // refractory period in steps
	negToInh           bool  // a negative drive weight goes to the inhibitory channel
	drvInh             bool  // the drive arrives through the inhibitory channel (Drive.Channel)
	shared             bool  // one refractory clock for the population (SharedRefractory)
	traces             bool
	dUM, dUP, dX, dY   float64 // dt/τ of the traces
	model              stepper // the model's §2 steps 4a-4e (model.go)
}

func (n *Network) kinetics(p *population) kin {
	dt := n.dt
	s := n.syn
	q := p.p
	return kin{
		dRE: 1 - dt/s.TauRiseE, dDE: 1 - dt/s.TauDecayE, dRI: 1 - dt/s.TauRiseI, dDI: 1 - dt/s.TauDecayI,
		nE: 1 / (s.TauDecayE - s.TauRiseE), nI: 1 / (s.TauDecayI - s.TauRiseI),
		eExc: s.EExc, eInh: s.EInh,
		dt: dt, invTau: 1 / q.TauM, invC: 1 / q.C,
		el: q.EL, vReset: q.VReset, vPeak: q.VPeak,
		ref:      int64(math.Round(q.TauRef / dt)),
		negToInh: n.negToInh,
		drvInh:   p.d.Channel == Inh,
		shared:   q.SharedRefractory,
		traces:   p.um != nil,
		dUM:      dt / tauUMinus, dUP: dt / tauUPlus, dX: dt / tauXBar, dY: dt / tauY,
		model: q.Model.impl().derive(&q, dt),
	}
}

// arrivals runs §2 step 4b for the neurons lo … hi−1 of p ahead of the neuron loop: every
// neuron whose next arrival time is <= t adds its drive weight to its pending input, once per
// arrival, and draws the following interval from its own stream (rng.exp divided by its
// rate), until its next arrival lies after t. If the rate changes, only the next interval
// drawn uses it (§2). hits is scratch of at least hi−lo entries. On the vector path
// (arrivals.go) an assembly kernel does this four neurons at a time, with the same results.
func arrivals(p *population, lo, hi int, t float64, k *kin, hits []int32) {
	if useVector {
		arrivalsVector(p, lo, hi, t, k, hits)
		return
	}
	arrivalsGo(p, lo, hi, t, k, hits)
}

// arrivalsGo is arrivals in pure Go: a branch-free scan collects the neurons with an arrival
// due (in hits), then each of them adds its arrivals and draws its intervals. This keeps the
// unpredictable "is an arrival due" test out of the loop that draws.
func arrivalsGo(p *population, lo, hi int, t float64, k *kin, hits []int32) {
	next := p.next[lo:hi]
	hits = hits[:len(next)]
	n := 0
	for i := range next {
		hits[n] = int32(i)
		n += b2i(next[i] <= t)
	}
	inE, inI := p.inE[lo:hi], p.inI[lo:hi]
	extW, rate, rg := p.extW[lo:hi], p.rate[lo:hi], p.rng[lo:hi]
	negToInh, drvInh := k.negToInh, k.drvInh
	for _, i := range hits[:n] {
		w, rt, r := extW[i], rate[i], &rg[i]
		nx := next[i]
		if drvInh { // Drive.Channel Inh: the weight (>= 0) adds to the inhibitory input
			ii := inI[i]
			for nx <= t {
				ii += w
				nx += r.exp() / rt
			}
			inI[i], next[i] = ii, nx
			continue
		}
		ie, ii := inE[i], inI[i]
		for nx <= t {
			if w < 0 && negToInh {
				ii -= w
			} else {
				ie += w
			}
			nx += r.exp() / rt
		}
		inE[i], inI[i], next[i] = ie, ii, nx
	}
}

// fixedArrivals is arrivals for neuron i of p with drive d instead of its population's rates
// (the last E neuron under Config.LastENeuronBug).
func fixedArrivals(p *population, i int, d Drive, t float64) {
	r := &p.rng[i]
	for p.next[i] <= t {
		p.inE[i] += d.Weight
		p.next[i] += r.exp() / d.Rate
	}
}

// b2i is 1 for true and 0 for false (compiled without a branch).
func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// Subnormal numbers. A state variable that decays towards 0 without input (a spike trace of
// a silent neuron, a conductance without arrivals, the adaptation current) ends up at a tiny
// subnormal number that the decay can no longer shrink (x − d·x rounds back to x), and every
// later operation on it runs at the processor's slow subnormal speed: a 2-thread plastic run
// cost 0.39 s per simulated second over 2 s but 0.67 over 8 s (stale x̄ traces), and a
// network whose input was switched off ran about 20 times slower after a second (stale
// conductances). The step loop therefore flushes subnormal results to 0. That changes no
// spike and no weight: a subnormal value added to a membrane potential or a weight of order 1
// leaves it unchanged, and a spike sets a trace to exactly 1 either way. Spike traces are
// flushed in every step (decayTrace, a cheap test of a value ≥ 0); conductances and
// adaptation every flushEvery steps (flushState: a test in every step cost 7-10 % of the
// step), so they spend at most 100 ms at subnormal values.

// minNormal is the smallest normal float64.
const minNormal = 0x1p-1022

// flushEvery is the period of flushState, in steps.
const flushEvery = 1000

// decayTrace returns the spike trace x (≥ 0) after one Euler step of decay at rate d = dt/τ,
// flushed to 0 below minNormal.
func decayTrace(x, d float64) float64 {
	x -= float64(d * x) // no fused multiply-add: the vector kernels do the same (simd.go)
	if x < minNormal {
		return 0
	}
	return x
}

// decayTraces applies decayTrace to every x[i], four at a time on the vector path
// (trace_amd64.s, the same operations).
func decayTraces(x []float64, d float64) {
	i := 0
	if useVector && len(x) >= 4 {
		i = len(x) &^ 3
		decayKernel(&x[0], i, d, minNormal)
	}
	for ; i < len(x); i++ {
		x[i] = decayTrace(x[i], d)
	}
}

// flushSubnormal returns x, or 0 if x is subnormal.
func flushSubnormal(x float64) float64 {
	if math.Abs(x) < minNormal {
		return 0
	}
	return x
}

// flushState sets the subnormal conductances and adaptation currents of the worker's neurons
// to 0 (see minNormal).
func (n *Network) flushState(wk *worker) {
	for pi, p := range n.pops {
		for i := wk.lo[pi]; i < wk.hi[pi]; i++ {
			p.xrE[i], p.xdE[i] = flushSubnormal(p.xrE[i]), flushSubnormal(p.xdE[i])
			p.xrI[i], p.xdI[i] = flushSubnormal(p.xrI[i]), flushSubnormal(p.xdI[i])
			p.w[i] = flushSubnormal(p.w[i])
		}
	}
}

// integrate runs phase 1 of step s (chunk-relative index c) on the worker's ranges.
func (n *Network) integrate(wk *worker, s int64, c int) {
	t := float64(s) * n.dt
	if s%flushEvery == 0 {
		n.flushState(wk)
	}
	if len(n.norms) > 0 {
		n.normalize(wk, s) // §2 step 1
	}
	for pi, p := range n.pops {
		cnt := wk.cnt[pi] // start[pi][c] already holds it (start[pi][0] is always 0)
		k := &wk.kin[pi]
		lo, hi := wk.lo[pi], wk.hi[pi]
		// docs/MODEL.md section 9 item 7 (Config.LastENeuronBug): the last E neuron, the last of
		// its worker's range, steps as an I neuron with the I drive.
		bug := pi == int(PopE) && n.bug >= 0 && hi == n.bug+1 && lo < hi
		if bug {
			hi--
		}
		arrivals(p, lo, hi, t, k, wk.hits[pi])
		cnt = k.model.step(k, p, lo, hi, s, t, wk.buf[pi], cnt)
		if bug {
			fixedArrivals(p, hi, n.bugDrive, t)
			cnt = n.bugKin.model.step(&n.bugKin, p, hi, hi+1, s, t, wk.buf[pi], cnt)
		}
		if len(n.vrules) > 0 {
			n.updatePreTraces(wk, pi, wk.buf[pi][wk.start[pi][c]:cnt])
		}
		wk.cnt[pi] = cnt
		wk.start[pi][c+1] = cnt
	}
	for _, r := range wk.rec {
		m := r.mon
		if s%m.every == 0 {
			m.data[m.base+int(s/m.every-m.first)*len(m.entries)+r.col] = n.value(r.pop, r.v, r.i)
		}
	}
}

// deliver runs phase 2 of step s (chunk-relative index c): the spikes of all workers, in global
// index order, add their weights into the next-step inputs of this worker's neurons, with the
// spike-triggered plasticity. The continuous plasticity (stepPlasticity) follows it.
func (n *Network) deliver(wk *worker, c int) {
	stride := len(n.workers) + 1
	id := wk.id
	for pi, p := range n.pops {
		if len(p.out) == 0 {
			continue
		}
		for _, u := range n.workers {
			for _, i := range u.buf[pi][u.start[pi][c]:u.start[pi][c+1]] {
				// Section 9 item 7: the bug neuron's spikes are inhibitory and, having no
				// traces, cause no plasticity.
				bug := pi == int(PopE) && int(i) == n.bug
				for _, pj := range p.out {
					pr := n.projs[pj]
					post := n.pops[pr.post]
					b := int(i)*stride + id
					q0, q1 := pr.split[b], pr.split[b+1]
					op, os := pr.outPost[q0:q1], pr.outSyn[q0:q1]
					os = os[:len(op)]
					in := post.inE
					if pr.ch != Exc || bug {
						in = post.inI
					}
					if pr.useWd && pr.wdVer == pr.ver { // the delivery copy (delivery.go), in sequence
						wd := pr.wd[q0:q1]
						wd = wd[:len(op)]
						for q, j := range op {
							in[j] += wd[q]
						}
					} else {
						w := pr.w
						if pr.frozen != nil { // SetOpenLoop
							w = pr.frozen
						}
						for q, j := range op {
							in[j] += w[os[q]]
						}
					}
					// §2 step 4f, spike-triggered plasticity: LTD (vSTDP) and the
					// presynaptic branch of iSTDP (docs/MODEL.md 5.1-5.2).
					if n.plasticNow && pr.plastic && !bug {
						n.spikePlasticity(pr, q0, q1)
					}
				}
			}
		}
	}
}
