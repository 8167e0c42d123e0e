package snn

// LIF is the leaky integrate-and-fire neuron of docs/MODEL.md section 3.2 (I and H neurons):
//
//	C dV/dt = g_L(E_L − V) + g_E(E_E − V) + g_I(E_I − V),   g_L = C/τ_m,
//
// with a fixed threshold: when V > VPeak after the Euler step, V = VReset. It uses C, TauM,
// EL, VReset, VPeak, TauRef, VInitLow and VInitHigh; DeltaT, VTRest, AT, TauT, A, B, TauW and
// Threshold are unused (and not validated). It has no VarVT or VarW, keeps only the iSTDP
// trace y (it cannot be the postsynaptic side of vSTDP), and it is the one model that honours
// NeuronParams.SharedRefractory (the read-out's H, docs/MODEL.md section 9 item 14).
const LIF Model = 1

func init() {
	registerModel(LIF, &modelImpl{
		name:             "LIF",
		validate:         func(*NeuronParams, string) error { return nil },
		derive:           func(*NeuronParams, float64) stepper { return lif{} },
		sharedRefractory: true,
	})
}

// lif has no constants beyond the shared ones in kin.
type lif struct{}

// step runs §2 steps 4a-4e for the LIF neurons lo … hi−1 of p (see stepper): no exponential
// term, fixed threshold VPeak, no adaptation.
//
// With SharedRefractory (k.shared) a neuron is refractory after the last spike of any neuron
// of the population, including one earlier in this step (the population is one worker's).
func (lif) step(k *kin, p *population, lo, hi int, s int64, t float64, buf []int32, cnt int32) int32 {
	nrn := p.nrn[lo:hi]
	shared := k.shared
	for i := range nrn {
		nr := &nrn[i]
		ie, ii := nr.inE, nr.inI
		nr.inE, nr.inI = 0, 0
		re := nr.xrE*k.dRE + ie
		de := nr.xdE*k.dDE + ie
		ri := nr.xrI*k.dRI + ii
		di := nr.xdI*k.dDI + ii
		nr.xrE, nr.xdE, nr.xrI, nr.xdI = re, de, ri, di
		gE := (de - re) * k.nE
		gI := (di - ri) * k.nI
		if k.traces {
			p.y[lo+i] = decayTrace(p.y[lo+i], k.dY)
		}
		last := nr.last
		if shared {
			last = p.lastAny
		}
		if s > last+k.ref {
			v := nr.v
			v += k.dt * ((k.el-v)*k.invTau + (gE*(k.eExc-v)+gI*(k.eInh-v))*k.invC)
			if v > k.vPeak {
				v = k.vReset
				nr.last = s
				if shared {
					p.lastAny = s
				}
				if k.traces {
					p.y[lo+i]++
				}
				buf[cnt] = int32(lo + i)
				cnt++
			}
			nr.v = v
		}
		// 4f: iSTDP runs in the delivery phase (deliver, plasticity.go).
	}
	return cnt
}
