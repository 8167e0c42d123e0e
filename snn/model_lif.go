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
// term, fixed threshold VPeak, no adaptation. Without SharedRefractory it takes the vector
// path (simd.go) when the processor has it; both paths give bit-identical results.
func (lif) step(k *kin, p *population, lo, hi int, s int64, t float64, buf []int32, cnt int32) int32 {
	if useVector && !k.shared {
		return lifVector(k, p, lo, hi, s, buf, cnt)
	}
	return lifGo(k, p, lo, hi, s, buf, cnt)
}

// lifGo is the pure-Go LIF update of the neurons lo … hi−1, the reference for the vector
// kernel (model_lif_amd64.s): the same operations in the same order, no fused multiply-add
// (see adex.stepGo).
//
// With SharedRefractory (k.shared) a neuron is refractory after the last spike of any neuron
// of the population, including one earlier in this step (the population is one worker's).
func lifGo(k *kin, p *population, lo, hi int, s int64, buf []int32, cnt int32) int32 {
	v0 := p.v[lo:hi]
	xrE, xdE, xrI, xdI := p.xrE[lo:hi], p.xdE[lo:hi], p.xrI[lo:hi], p.xdI[lo:hi]
	inE, inI, last := p.inE[lo:hi], p.inI[lo:hi], p.last[lo:hi]
	shared := k.shared
	sRef := s - k.ref
	for i := range v0 {
		ie, ii := inE[i], inI[i]
		inE[i], inI[i] = 0, 0
		re := float64(xrE[i]*k.dRE) + ie
		de := float64(xdE[i]*k.dDE) + ie
		ri := float64(xrI[i]*k.dRI) + ii
		di := float64(xdI[i]*k.dDI) + ii
		xrE[i], xdE[i], xrI[i], xdI[i] = re, de, ri, di
		gE := (de - re) * k.nE
		gI := (di - ri) * k.nI
		if k.traces {
			p.y[lo+i] = decayTrace(p.y[lo+i], k.dY)
		}
		l := last[i]
		if shared {
			l = p.lastAny
		}
		if sRef > l {
			v := v0[i]
			a := (k.el - v) * k.invTau
			b := (float64(gE*(k.eExc-v)) + float64(gI*(k.eInh-v))) * k.invC
			v += float64(k.dt * (a + b))
			v0[i] = v
			if v > k.vPeak {
				lifSpike(k, p, lo+i, s)
				buf[cnt] = int32(lo + i)
				cnt++
			}
		}
		// 4f: iSTDP runs in the delivery phase (deliver, plasticity.go).
	}
	return cnt
}

// lifSpike applies §2 step 4e's spike to LIF neuron j of p at step s: reset, refractory
// clock(s), trace y +1.
func lifSpike(k *kin, p *population, j int, s int64) {
	p.v[j] = k.vReset
	p.last[j] = s
	if k.shared {
		p.lastAny = s
	}
	if k.traces {
		p.y[j]++
	}
}
