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

// step runs §2 steps 4a-4e for the AdEx neurons lo … hi−1 of p (see stepper).
func (ad *adex) step(k *kin, p *population, lo, hi int, s int64, t float64, buf []int32, cnt int32) int32 {
	nrn := p.nrn[lo:hi]
	for i := range nrn {
		nr := &nrn[i]
		// 4a: iSTDP trace decay (below, with the other traces).
		// 4b: the external Poisson arrivals have joined the previous-step input (arrivals).
		ie, ii := nr.inE, nr.inI
		nr.inE, nr.inI = 0, 0
		// 4c: conductance auxiliaries (docs/MODEL.md 4.1).
		re := nr.xrE*k.dRE + ie
		de := nr.xdE*k.dDE + ie
		ri := nr.xrI*k.dRI + ii
		di := nr.xdI*k.dDI + ii
		nr.xrE, nr.xdE, nr.xrI, nr.xdI = re, de, ri, di
		gE := (de - re) * k.nE
		gI := (di - ri) * k.nI
		// 4d: threshold, adaptation and traces from the previous-step V.
		v := nr.v
		vt := nr.vt + ad.dtT*(ad.vtRest-nr.vt)
		w := nr.w + ad.dtW*(ad.a*(v-k.el)-nr.w)
		if k.traces {
			j := lo + i
			p.um[j] += k.dUM * (v - p.um[j])
			p.up[j] += k.dUP * (v - p.up[j])
			p.xb[j] = decayTrace(p.xb[j], k.dX)
			p.y[j] = decayTrace(p.y[j], k.dY)
		}
		// 4e: membrane update unless refractory; spike, reset and jumps.
		if s > nr.last+k.ref {
			// e^x of the spike-initiation term: expm written out, so that the loop makes no
			// call in the common case (see expm).
			x := (v - vt) * ad.invDeltaT
			var ex float64
			if x > -700 && x < 700 {
				kf := (x*expInvStep + expRound) - expRound
				r := (x - kf*expStepHi) - kf*expStepLo
				q := 1 + r*(1+r*(1.0/2+r*(1.0/6+r*(1.0/24+r*(1.0/120)))))
				m := int64(kf)
				ex = math.Float64frombits(math.Float64bits(expTable[m&63]*q) + uint64(m>>6)<<52)
			} else {
				ex = math.Exp(x)
			}
			v += k.dt * ((k.el-v+ad.deltaT*ex)*k.invTau + (gE*(k.eExc-v)+gI*(k.eInh-v)-w)*k.invC)
			if v > k.vPeak {
				v = k.vReset
				nr.last = s
				if ad.increment {
					vt += ad.aT
				} else {
					vt = ad.vtRest + ad.aT
				}
				w += ad.b
				if k.traces {
					p.y[lo+i]++
					p.xb[lo+i]++
				}
				buf[cnt] = int32(lo + i)
				cnt++
			}
			nr.v = v
		}
		nr.vt, nr.w = vt, w
		// 4f: plasticity of this neuron's synapses runs in the delivery phase, where every
		// trace of the step is final (deliver, plasticity.go).
	}
	return cnt
}
