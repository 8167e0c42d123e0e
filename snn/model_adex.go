package snn

import (
	"math"
	"strings"
)

// AdEx is the exponential integrate-and-fire neuron with adaptive threshold and
// spike-triggered adaptation of docs/MODEL.md section 3.1 (E, R and S neurons):
//
//	C dV/dt = g_L(E_L − V) + g_L Δ_T exp((V − V_T)/Δ_T) + g_E(E_E − V) + g_I(E_I − V) − w
//	τ_T dV_T/dt = V_T,rest − V_T,   τ_w dw/dt = a(V − E_L) − w,
//
// with g_L = C/τ_m; when V > VPeak after the Euler step: V = VReset, V_T jumps by AT
// (Threshold: to VTRest + AT or by +AT) and w += B. It uses every field of NeuronParams,
// keeps the vSTDP traces ū−, ū+, x̄ and has the state variables VarVT and VarW.
const AdEx Model = 0

func init() {
	registerModel(AdEx, &modelImpl{
		name: "AdEx", validate: validateAdEx, vt: true, w: true, vstdpPost: true,
		derive: func(q *NeuronParams, dt float64) stepper {
			return &adex{
				deltaT: q.DeltaT, invDeltaT: 1 / q.DeltaT,
				vtRest: q.VTRest, aT: q.AT, dtT: dt / q.TauT,
				a: q.A, b: q.B, dtW: dt / q.TauW,
				increment: q.Threshold == ThresholdIncrement,
			}
		},
	})
}

// validateAdEx checks DeltaT, VTRest, AT, TauT, A, B, TauW and Threshold.
func validateAdEx(p *NeuronParams, name string) error {
	for _, x := range []struct {
		n string
		v float64
	}{{"DeltaT", p.DeltaT}, {"VTRest", p.VTRest}, {"AT", p.AT}, {"TauT", p.TauT},
		{"A", p.A}, {"B", p.B}, {"TauW", p.TauW}} {
		if bad(x.v) {
			return fieldError(name+"."+x.n, x.v, "must be a finite number")
		}
	}
	for _, x := range []struct {
		n string
		v float64
	}{{"DeltaT", p.DeltaT}, {"TauT", p.TauT}, {"TauW", p.TauW}} {
		if x.v <= 0 {
			what := "must be > 0"
			if strings.HasPrefix(x.n, "Tau") {
				what = "time constant must be > 0"
			}
			return fieldError(name+"."+x.n, x.v, what)
		}
	}
	if p.Threshold != ThresholdSet && p.Threshold != ThresholdIncrement {
		return fieldError(name+".Threshold", p.Threshold, "unknown threshold mode")
	}
	return nil
}

// adex holds the AdEx constants derived from the parameters and dt.
type adex struct {
	deltaT, invDeltaT float64
	vtRest, aT, dtT   float64 // dtT = dt/τ_T
	a, b, dtW         float64 // dtW = dt/τ_w
	increment         bool    // ThresholdIncrement
}

// step runs §2 steps 4a-4e for the AdEx neurons lo … hi−1 of p (see stepper): on the vector
// path (simd.go) when the processor has it, else stepGo; both give bit-identical results.
func (ad *adex) step(k *kin, p *population, lo, hi int, s int64, t float64, buf []int32, cnt int32) int32 {
	if useVector {
		return ad.stepVector(k, p, lo, hi, s, buf, cnt)
	}
	return ad.stepGo(k, p, lo, hi, s, buf, cnt)
}

// stepGo is the pure-Go AdEx update of the neurons lo … hi−1. It is the reference for the
// vector kernel (model_adex_amd64.s), which computes the same operations in the same order;
// each product that an addition consumes is rounded on its own (float64(x*y) + z), so that no
// compiler fuses it into an FMA that the kernel does not do.
func (ad *adex) stepGo(k *kin, p *population, lo, hi int, s int64, buf []int32, cnt int32) int32 {
	v0, vt0, w0 := p.v[lo:hi], p.vt[lo:hi], p.w[lo:hi]
	xrE, xdE, xrI, xdI := p.xrE[lo:hi], p.xdE[lo:hi], p.xrI[lo:hi], p.xdI[lo:hi]
	inE, inI, last := p.inE[lo:hi], p.inI[lo:hi], p.last[lo:hi]
	sRef := s - k.ref
	for i := range v0 {
		// 4a: iSTDP trace decay (below, with the other traces).
		// 4b: the external Poisson arrivals have joined the previous-step input (arrivals).
		ie, ii := inE[i], inI[i]
		inE[i], inI[i] = 0, 0
		// 4c: conductance auxiliaries (docs/MODEL.md 4.1).
		re := float64(xrE[i]*k.dRE) + ie
		de := float64(xdE[i]*k.dDE) + ie
		ri := float64(xrI[i]*k.dRI) + ii
		di := float64(xdI[i]*k.dDI) + ii
		xrE[i], xdE[i], xrI[i], xdI[i] = re, de, ri, di
		gE := (de - re) * k.nE
		gI := (di - ri) * k.nI
		// 4d: threshold, adaptation and traces from the previous-step V.
		v := v0[i]
		vt := vt0[i] + float64(ad.dtT*(ad.vtRest-vt0[i]))
		w := w0[i] + float64(ad.dtW*(float64(ad.a*(v-k.el))-w0[i]))
		vt0[i], w0[i] = vt, w
		if k.traces {
			j := lo + i
			p.um[j] += float64(k.dUM * (v - p.um[j]))
			p.up[j] += float64(k.dUP * (v - p.up[j]))
			p.xb[j] = decayTrace(p.xb[j], k.dX)
			p.y[j] = decayTrace(p.y[j], k.dY)
		}
		// 4e: membrane update unless refractory; spike, reset and jumps.
		if sRef > last[i] {
			// e^x of the spike-initiation term: expm written out, so that the loop makes no
			// call in the common case (see expm).
			x := (v - vt) * ad.invDeltaT
			var ex float64
			if x > -700 && x < 700 {
				tf := float64(x*expInvStep) + expRound
				kf := tf - expRound
				r := (x - float64(kf*expStepHi)) - float64(kf*expStepLo)
				q := 1.0/24 + float64(r*(1.0/120))
				q = 1.0/6 + float64(r*q)
				q = 1.0/2 + float64(r*q)
				q = 1 + float64(r*q)
				q = 1 + float64(r*q)
				m := int64(kf)
				ex = math.Float64frombits(math.Float64bits(expTable[m&63]*q) + uint64(m>>6)<<52)
			} else {
				ex = math.Exp(x)
			}
			a := float64((k.el-v)+float64(ad.deltaT*ex)) * k.invTau
			b := (float64(gE*(k.eExc-v)) + float64(gI*(k.eInh-v)) - w) * k.invC
			v += float64(k.dt * (a + b))
			v0[i] = v
			if v > k.vPeak {
				ad.spike(k, p, lo+i, s)
				buf[cnt] = int32(lo + i)
				cnt++
			}
		}
		// 4f: plasticity of this neuron's synapses runs in the delivery phase, where every
		// trace of the step is final (deliver, plasticity.go).
	}
	return cnt
}

// spike applies §2 step 4e's spike to AdEx neuron j of p at step s, whose V after the Euler
// step is above VPeak and whose V_T, w and traces are those of the step: reset, jumps of V_T
// and w, traces y and x̄ +1.
func (ad *adex) spike(k *kin, p *population, j int, s int64) {
	p.v[j] = k.vReset
	p.last[j] = s
	if ad.increment {
		p.vt[j] += ad.aT
	} else {
		p.vt[j] = ad.vtRest + ad.aT
	}
	p.w[j] += ad.b
	if k.traces {
		p.y[j]++
		p.xb[j]++
	}
}
