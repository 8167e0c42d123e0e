package snn

// Izhikevich is the simple model of Izhikevich (2007, "Dynamical Systems in Neuroscience",
// chapter 8) with conductance-based synaptic input:
//
//	C dV/dt = k(V − V_r)(V − V_t) − u + g_E(E_E − V) + g_I(E_I − V)
//	du/dt = a(b(V − V_r) − u)
//
// and when V > VPeak after the Euler step: V = c, u += d. The Euler step follows Izhikevich's
// own code: V and u both advance from their previous-step values. Its parameters map onto
// NeuronParams as follows (IzhikevichParams does it):
//
//	C       C, capacitance (pF)
//	EL      V_r, resting potential (mV)
//	VTRest  V_t, instantaneous threshold (mV), above EL
//	TauM    C/(k(V_t − V_r)), the membrane time constant at rest: k = C/(TauM(VTRest − EL))
//	VPeak   V_peak, spike cut-off (mV)
//	VReset  c, reset potential (mV)
//	TauW    1/a, recovery time constant (ms)
//	A       b (nS): du/dt = (A(V − EL) − u)/TauW, AdEx's subthreshold adaptation
//	B       d (pA), the jump of u at a spike, AdEx's spike-triggered adaptation
//	TauRef  refractory period (ms; 0 in Izhikevich's model)
//
// DeltaT, AT, TauT and Threshold are unused. u is the neuron's adaptation current, VarW; the
// model has no VarVT, keeps only the iSTDP trace y (it cannot be the postsynaptic side of
// vSTDP) and does not support SharedRefractory.
const Izhikevich Model = 2

func init() {
	registerModel(Izhikevich, &modelImpl{
		name: "Izhikevich", validate: validateIzhikevich, w: true,
		derive: func(q *NeuronParams, dt float64) stepper {
			return &izhikevich{
				kC: 1 / (q.TauM * (q.VTRest - q.EL)), vt: q.VTRest,
				a: q.A, d: q.B, dtW: dt / q.TauW,
			}
		},
	})
}

// IzhikevichParams returns the NeuronParams of an Izhikevich neuron with Izhikevich's (2007)
// parameters: capacitance C (pF), k (nS/mV), resting potential vr and threshold vt (mV), spike
// cut-off vPeak (mV), recovery rate a (1/ms), b (nS), reset c (mV) and jump d (pA); no
// refractory period, initial V = vr. His regular-spiking cortical pyramidal neuron is
// IzhikevichParams(100, 0.7, -60, -40, 35, 0.03, -2, -50, 100).
func IzhikevichParams(C, k, vr, vt, vPeak, a, b, c, d float64) NeuronParams {
	return NeuronParams{
		Model: Izhikevich, C: C, TauM: C / (k * (vt - vr)), EL: vr, VTRest: vt, VPeak: vPeak,
		VReset: c, A: b, B: d, TauW: 1 / a, VInitLow: vr, VInitHigh: vr,
	}
}

// validateIzhikevich checks VTRest, A, B and TauW.
func validateIzhikevich(p *NeuronParams, name string) error {
	for _, x := range []struct {
		n string
		v float64
	}{{"VTRest", p.VTRest}, {"A", p.A}, {"B", p.B}, {"TauW", p.TauW}} {
		if bad(x.v) {
			return fieldError(name+"."+x.n, x.v, "must be a finite number")
		}
	}
	if p.VTRest <= p.EL {
		return fieldError(name+".VTRest", p.VTRest, "the threshold V_t must be above the resting potential EL (k > 0)")
	}
	if p.TauW <= 0 {
		return fieldError(name+".TauW", p.TauW, "time constant must be > 0 (TauW = 1/a)")
	}
	return nil
}

// izhikevich holds the constants derived from the parameters and dt.
type izhikevich struct {
	kC, vt float64 // kC = k/C, 1/(mV·ms); vt = V_t
	a, d   float64 // b (nS) and d (pA) of Izhikevich, NeuronParams.A and .B
	dtW    float64 // dt·a = dt/TauW
}

// step runs §2 steps 4a-4e for the Izhikevich neurons lo … hi−1 of p (see stepper).
func (m *izhikevich) step(k *kin, p *population, lo, hi int, s int64, t float64, buf []int32, cnt int32) int32 {
	v0, w0 := p.v[lo:hi], p.w[lo:hi]
	xrE, xdE, xrI, xdI := p.xrE[lo:hi], p.xdE[lo:hi], p.xrI[lo:hi], p.xdI[lo:hi]
	inE, inI, last := p.inE[lo:hi], p.inI[lo:hi], p.last[lo:hi]
	for i := range v0 {
		// 4c: conductance auxiliaries (docs/MODEL.md 4.1), as in every model.
		ie, ii := inE[i], inI[i]
		inE[i], inI[i] = 0, 0
		re := xrE[i]*k.dRE + ie
		de := xdE[i]*k.dDE + ie
		ri := xrI[i]*k.dRI + ii
		di := xdI[i]*k.dDI + ii
		xrE[i], xdE[i], xrI[i], xdI[i] = re, de, ri, di
		gE := (de - re) * k.nE
		gI := (di - ri) * k.nI
		// 4a/4d: the iSTDP trace and u from the previous-step V and u.
		if k.traces {
			p.y[lo+i] = decayTrace(p.y[lo+i], k.dY)
		}
		v, u := v0[i], w0[i]
		w0[i] = u + m.dtW*(m.a*(v-k.el)-u)
		// 4e: membrane update unless refractory; spike, reset and jump of u.
		if s > last[i]+k.ref {
			v += k.dt * (m.kC*(v-k.el)*(v-m.vt) + (gE*(k.eExc-v)+gI*(k.eInh-v)-u)*k.invC)
			if v > k.vPeak {
				v = k.vReset
				w0[i] += m.d
				last[i] = s
				if k.traces {
					p.y[lo+i]++
				}
				buf[cnt] = int32(lo + i)
				cnt++
			}
			v0[i] = v
		}
	}
	return cnt
}
