package snn

import "math"

// This file holds the per-step schedule (MODEL.md section 2), written once. One step s
// (t = s·dt) runs in two phases, separated by one barrier when there are several workers:
//
//  1. integrate (each worker on its own contiguous range of every population, populations in
//     order): for each neuron, the §2 steps 4a-4f, spikes collected per worker and population;
//  2. deliver (each worker into the postsynaptic neurons of its own range): the spikes of the
//     step, in global index order, add their weights to the input buffers the neurons consume
//     in step s+1 (the one-step recurrent delay of §2).
//
// Because every worker writes only the state and inputs of its own neurons, and spikes are
// visited in global index order in both phases, results are identical for any thread count.

// Time constants of the plasticity traces (MODEL.md sections 5.1 and 5.2), ms.
const (
	tauUMinus = 10  // ū−, the LTD voltage trace
	tauUPlus  = 7   // ū+, the LTP voltage trace
	tauXBar   = 3.5 // x̄, the presynaptic trace of E neurons
	tauY      = 20  // y, the iSTDP trace of every neuron
)

// kin holds per-population constants derived from the parameters and dt (cached decay factors).
type kin struct {
	dRE, dDE, dRI, dDI float64 // 1 − dt/τ of the conductance auxiliaries
	nE, nI             float64 // 1/(τ_decay − τ_rise)
	eExc, eInh         float64 // reversal potentials
	dt, invTau, invC   float64
	el, vReset, vPeak  float64
	deltaT, invDeltaT  float64
	vtRest, aT, dtT    float64 // dtT = dt/τ_T
	a, b, dtW          float64 // dtW = dt/τ_w
	increment          bool    // ThresholdIncrement
	ref                int64   // refractory period in steps
	negToInh           bool
	traces             bool
	dUM, dUP, dX, dY   float64 // dt/τ of the traces
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
		deltaT: q.DeltaT, invDeltaT: 1 / q.DeltaT,
		vtRest: q.VTRest, aT: q.AT, dtT: dt / q.TauT,
		a: q.A, b: q.B, dtW: dt / q.TauW,
		increment: q.Threshold == ThresholdIncrement,
		ref:       int64(math.Round(q.TauRef / dt)),
		negToInh:  n.negToInh,
		traces:    n.traces,
		dUM:       dt / tauUMinus, dUP: dt / tauUPlus, dX: dt / tauXBar, dY: dt / tauY,
	}
}

// poisson adds the external arrivals of neuron i with times <= t (MODEL.md section 2: no delay)
// to its inputs and draws the following intervals at the current rate.
func (p *population) poisson(i int, t float64, negToInh bool, ie, ii float64) (float64, float64) {
	r := &p.rng[i]
	for p.next[i] <= t {
		w := p.extW[i]
		if w < 0 && negToInh {
			ii -= w
		} else {
			ie += w
		}
		p.next[i] += r.exp() / p.rate[i]
	}
	return ie, ii
}

// stepAdEx runs §2 steps 4a-4f for the AdEx neurons lo … hi−1 of p at step s (time t), appends
// the local indices of the neurons that spiked to buf from position cnt and returns the new count.
func stepAdEx(k *kin, p *population, lo, hi int, s int64, t float64, buf []int32, cnt int32) int32 {
	V, VT, W := p.v[lo:hi], p.vt[lo:hi], p.w[lo:hi]
	xrE, xdE, xrI, xdI := p.xrE[lo:hi], p.xdE[lo:hi], p.xrI[lo:hi], p.xdI[lo:hi]
	inE, inI, last, next := p.inE[lo:hi], p.inI[lo:hi], p.last[lo:hi], p.next[lo:hi]
	xrE, xdE, xrI, xdI = xrE[:len(V)], xdE[:len(V)], xrI[:len(V)], xdI[:len(V)]
	inE, inI, last, next = inE[:len(V)], inI[:len(V)], last[:len(V)], next[:len(V)]
	VT, W = VT[:len(V)], W[:len(V)]
	for i := range V {
		// 4a: iSTDP trace decay (below, with the other traces).
		// 4b: external Poisson arrivals join the previous-step input.
		ie, ii := inE[i], inI[i]
		inE[i], inI[i] = 0, 0
		if next[i] <= t {
			ie, ii = p.poisson(lo+i, t, k.negToInh, ie, ii)
		}
		// 4c: conductance auxiliaries (MODEL.md 4.1).
		re := xrE[i]*k.dRE + ie
		de := xdE[i]*k.dDE + ie
		ri := xrI[i]*k.dRI + ii
		di := xdI[i]*k.dDI + ii
		xrE[i], xdE[i], xrI[i], xdI[i] = re, de, ri, di
		gE := (de - re) * k.nE
		gI := (di - ri) * k.nI
		// 4d: threshold, adaptation and traces from the previous-step V.
		v := V[i]
		vt := VT[i] + k.dtT*(k.vtRest-VT[i])
		w := W[i] + k.dtW*(k.a*(v-k.el)-W[i])
		if k.traces {
			j := lo + i
			p.um[j] += k.dUM * (v - p.um[j])
			p.up[j] += k.dUP * (v - p.up[j])
			p.xb[j] -= k.dX * p.xb[j]
			p.y[j] -= k.dY * p.y[j]
		}
		// 4e: membrane update unless refractory; spike, reset and jumps.
		if s > last[i]+k.ref {
			v += k.dt * ((k.el-v+k.deltaT*math.Exp((v-vt)*k.invDeltaT))*k.invTau +
				(gE*(k.eExc-v)+gI*(k.eInh-v)-w)*k.invC)
			if v > k.vPeak {
				v = k.vReset
				last[i] = s
				if k.increment {
					vt += k.aT
				} else {
					vt = k.vtRest + k.aT
				}
				w += k.b
				if k.traces {
					p.y[lo+i]++
					p.xb[lo+i]++
				}
				buf[cnt] = int32(lo + i)
				cnt++
			}
			V[i] = v
		}
		VT[i], W[i] = vt, w
		// 4f: plasticity of this neuron's synapses runs in the delivery phase, where every
		// trace of the step is final (deliver, plasticity.go).
	}
	return cnt
}

// stepLIF is stepAdEx for LIF neurons (MODEL.md 3.2): no exponential term, fixed threshold
// VPeak, no adaptation.
func stepLIF(k *kin, p *population, lo, hi int, s int64, t float64, buf []int32, cnt int32) int32 {
	V := p.v[lo:hi]
	xrE, xdE, xrI, xdI := p.xrE[lo:hi], p.xdE[lo:hi], p.xrI[lo:hi], p.xdI[lo:hi]
	inE, inI, last, next := p.inE[lo:hi], p.inI[lo:hi], p.last[lo:hi], p.next[lo:hi]
	xrE, xdE, xrI, xdI = xrE[:len(V)], xdE[:len(V)], xrI[:len(V)], xdI[:len(V)]
	inE, inI, last, next = inE[:len(V)], inI[:len(V)], last[:len(V)], next[:len(V)]
	for i := range V {
		ie, ii := inE[i], inI[i]
		inE[i], inI[i] = 0, 0
		if next[i] <= t {
			ie, ii = p.poisson(lo+i, t, k.negToInh, ie, ii)
		}
		re := xrE[i]*k.dRE + ie
		de := xdE[i]*k.dDE + ie
		ri := xrI[i]*k.dRI + ii
		di := xdI[i]*k.dDI + ii
		xrE[i], xdE[i], xrI[i], xdI[i] = re, de, ri, di
		gE := (de - re) * k.nE
		gI := (di - ri) * k.nI
		if k.traces {
			p.y[lo+i] -= k.dY * p.y[lo+i]
		}
		if s > last[i]+k.ref {
			v := V[i]
			v += k.dt * ((k.el-v)*k.invTau + (gE*(k.eExc-v)+gI*(k.eInh-v))*k.invC)
			if v > k.vPeak {
				v = k.vReset
				last[i] = s
				if k.traces {
					p.y[lo+i]++
				}
				buf[cnt] = int32(lo + i)
				cnt++
			}
			V[i] = v
		}
		// 4f: iSTDP runs in the delivery phase (deliver, plasticity.go).
	}
	return cnt
}

// integrate runs phase 1 of step s (chunk-relative index c) on the worker's ranges.
func (n *Network) integrate(wk *worker, s int64, c int) {
	t := float64(s) * n.dt
	if len(n.norms) > 0 {
		n.normalize(wk, s) // §2 step 1
	}
	for pi, p := range n.pops {
		cnt := wk.cnt[pi] // start[pi][c] already holds it (start[pi][0] is always 0)
		k := &wk.kin[pi]
		if p.p.Model == AdEx {
			cnt = stepAdEx(k, p, wk.lo[pi], wk.hi[pi], s, t, wk.buf[pi], cnt)
		} else {
			cnt = stepLIF(k, p, wk.lo[pi], wk.hi[pi], s, t, wk.buf[pi], cnt)
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
// index order, add their weights into the next-step inputs of this worker's neurons.
func (n *Network) deliver(wk *worker, c int) {
	stride := len(n.workers) + 1
	id := wk.id
	for pi, p := range n.pops {
		if len(p.out) == 0 {
			continue
		}
		for _, u := range n.workers {
			for _, i := range u.buf[pi][u.start[pi][c]:u.start[pi][c+1]] {
				for _, pj := range p.out {
					pr := n.projs[pj]
					post := n.pops[pr.post]
					acc := post.inE
					if pr.ch == Inh {
						acc = post.inI
					}
					b := int(i)*stride + id
					q0, q1 := pr.split[b], pr.split[b+1]
					op, os := pr.outPost[q0:q1], pr.outSyn[q0:q1]
					os = os[:len(op)]
					w := pr.w
					for q, j := range op {
						acc[j] += w[os[q]]
					}
					// §2 step 4f, spike-triggered plasticity: LTD (vSTDP) and the
					// presynaptic branch of iSTDP (MODEL.md 5.1-5.2).
					if n.plasticNow && pr.plastic {
						n.spikePlasticity(pr, q0, q1)
					}
				}
			}
		}
	}
	// §2 step 4f, continuous plasticity: LTP and the postsynaptic branch of iSTDP.
	if n.plasticNow {
		n.stepPlasticity(wk, c)
	}
}
