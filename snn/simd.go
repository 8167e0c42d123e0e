package snn

// The vector path. On amd64 processors with AVX2, the AdEx and LIF updates run four neurons
// at a time in assembly kernels (model_adex_amd64.s, model_lif_amd64.s) over the structure of
// arrays of the population (cells); a block of four in which a neuron spiked returns to Go for
// the reset and jumps (adex.spike, lifSpike), in index order, and a block whose exponential
// argument leaves (−700, 700) (or is NaN) is left to the pure-Go loop. The kernels compute the
// same operations in the same order as the pure-Go loops (adex.stepGo, lifGo), without fused
// multiply-adds, so both paths give bit-identical states and spikes; the neurons after the
// last whole block of four run in Go.
//
// The external Poisson arrivals (arrivals, §2 step 4b) have their own kernel
// (arrivals_amd64.s, arrivals.go): four neurons at a time, in passes over the blocks with an
// arrival due, the interval drawn by the fast path of the ziggurat (rng.exp) with the
// layer's table entries read by scalar loads (faster than gathers on AMD Zen 3); the draws
// that leave the fast path are finished in Go (rng.expSlow), so the arrival times, inputs and
// streams are bit-identical to arrivalsGo's.

// useVector selects the vector path; it is true when the processor has it, and tests set it to
// false to force the pure-Go path.
var useVector = haveVector

// adexVec is the argument block of the AdEx and LIF kernels: the population's arrays (element 0) and
// the constants, each repeated in four lanes. The kernel reads it by offset: keep the order in
// step with the offsets in simd_amd64.h (TestVectorLayout checks them).
type adexVec struct {
	v, vt, w, xrE, xdE, xrI, xdI, inE, inI  *float64
	last                                    *int64
	um, up, xb, y                           *float64
	table                                   *float64
	traces                                  int64    // 1 when the traces are kept
	sRef                                    [4]int64 // s − refractory steps
	dRE, dDE, dRI, dDI, nE, nI              [4]float64
	eExc, eInh, dt, invTau, invC, el, vPeak [4]float64
	dUM, dUP, dX, dY, minNormal             [4]float64
	vtRest, dtT, a, dtW, invDeltaT, deltaT  [4]float64
	lim, negLim                             [4]float64 // ±700, the exponential's range
	invStep, round, stepHi, stepLo          [4]float64
	c120, c24, c6, c2, one                  [4]float64
	mask63                                  [4]int64
}

// bcast returns x in four lanes.
func bcast(x float64) [4]float64 { return [4]float64{x, x, x, x} }

// setConsts fills the constants of a from k and ad (nil for LIF) at step s.
func (a *adexVec) setConsts(k *kin, ad *adex, s int64) {
	a.sRef = [4]int64{s - k.ref, s - k.ref, s - k.ref, s - k.ref}
	a.dRE, a.dDE, a.dRI, a.dDI = bcast(k.dRE), bcast(k.dDE), bcast(k.dRI), bcast(k.dDI)
	a.nE, a.nI = bcast(k.nE), bcast(k.nI)
	a.eExc, a.eInh, a.dt, a.invTau, a.invC = bcast(k.eExc), bcast(k.eInh), bcast(k.dt), bcast(k.invTau), bcast(k.invC)
	a.el, a.vPeak = bcast(k.el), bcast(k.vPeak)
	a.dUM, a.dUP, a.dX, a.dY, a.minNormal = bcast(k.dUM), bcast(k.dUP), bcast(k.dX), bcast(k.dY), bcast(minNormal)
	a.traces = 0
	if k.traces {
		a.traces = 1
	}
	if ad != nil {
		a.vtRest, a.dtT, a.a, a.dtW = bcast(ad.vtRest), bcast(ad.dtT), bcast(ad.a), bcast(ad.dtW)
		a.invDeltaT, a.deltaT = bcast(ad.invDeltaT), bcast(ad.deltaT)
	}
	a.lim, a.negLim = bcast(700), bcast(-700)
	a.invStep, a.round, a.stepHi, a.stepLo = bcast(expInvStep), bcast(expRound), bcast(expStepHi), bcast(expStepLo)
	a.c120, a.c24, a.c6, a.c2, a.one = bcast(1.0/120), bcast(1.0/24), bcast(1.0/6), bcast(1.0/2), bcast(1)
	a.mask63 = [4]int64{63, 63, 63, 63}
}

// setArrays points a at the arrays of p.
func (a *adexVec) setArrays(p *population) {
	a.v, a.vt, a.w = &p.v[0], &p.vt[0], &p.w[0]
	a.xrE, a.xdE, a.xrI, a.xdI = &p.xrE[0], &p.xdE[0], &p.xrI[0], &p.xdI[0]
	a.inE, a.inI, a.last = &p.inE[0], &p.inI[0], &p.last[0]
	a.um, a.up, a.xb, a.y = nil, nil, nil, nil
	if p.um != nil {
		a.um, a.up, a.xb, a.y = &p.um[0], &p.up[0], &p.xb[0], &p.y[0]
	}
	a.table = &expTable[0]
}

// stepVector runs the AdEx update of the neurons lo … hi−1 on the vector path.
func (ad *adex) stepVector(k *kin, p *population, lo, hi int, s int64, buf []int32, cnt int32) int32 {
	end := lo + (hi-lo)&^3
	if end == lo {
		return ad.stepGo(k, p, lo, hi, s, buf, cnt)
	}
	var a adexVec
	a.setConsts(k, ad, s)
	a.setArrays(p)
	for i := lo; i < end; {
		j, m := adexKernel(&a, i, end)
		switch {
		case m&16 != 0: // an exponential out of the kernel's range: this block in Go
			cnt = ad.stepGo(k, p, j-4, j, s, buf, cnt)
		case m != 0:
			for b := range 4 {
				if m&(1<<b) != 0 {
					ad.spike(k, p, j-4+b, s)
					buf[cnt] = int32(j - 4 + b)
					cnt++
				}
			}
		}
		i = j
	}
	return ad.stepGo(k, p, end, hi, s, buf, cnt)
}

// lifVector runs the LIF update (without SharedRefractory) of the neurons lo … hi−1 on the
// vector path.
func lifVector(k *kin, p *population, lo, hi int, s int64, buf []int32, cnt int32) int32 {
	end := lo + (hi-lo)&^3
	if end == lo {
		return lifGo(k, p, lo, hi, s, buf, cnt)
	}
	var a adexVec
	a.setConsts(k, nil, s)
	a.setArrays(p)
	for i := lo; i < end; {
		j, m := lifKernel(&a, i, end)
		for b := range 4 {
			if m&(1<<b) != 0 {
				lifSpike(k, p, j-4+b, s)
				buf[cnt] = int32(j - 4 + b)
				cnt++
			}
		}
		i = j
	}
	return lifGo(k, p, end, hi, s, buf, cnt)
}
