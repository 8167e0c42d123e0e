package snn

import (
	"math"
	"testing"
)

// TestExpm: expm agrees with math.Exp to a few ulp over the whole range and passes special
// values through; the copy written out in the AdEx step (model_adex.go) is checked through the AdEx tests.
func TestExpm(t *testing.T) {
	worst := 0.0
	for x := -710.0; x < 710; x += 0.00731 {
		e, f := math.Exp(x), expm(x)
		if e == 0 || math.IsInf(e, 1) {
			if f != e {
				t.Fatalf("expm(%v) = %v, want %v", x, f, e)
			}
			continue
		}
		if d := math.Abs(f-e) / e; d > worst {
			worst = d
		}
	}
	t.Logf("worst relative error %g", worst)
	if worst > 1e-15 {
		t.Errorf("worst relative error %g", worst)
	}
	for _, x := range []float64{math.NaN(), math.Inf(1), math.Inf(-1), 0, -745, 710, 1e-300} {
		e, f := math.Exp(x), expm(x)
		if !(e == f || (math.IsNaN(e) && math.IsNaN(f))) {
			t.Errorf("expm(%v) = %v, want %v", x, f, e)
		}
	}
}

// TestStepAdExExp: the membrane update with the written-out exponential matches the formula
// of docs/MODEL.md 3.1 evaluated with math.Exp, for potentials across the whole range.
func TestStepAdExExp(t *testing.T) {
	n := mustNet(t, emptyConfig())
	p := DefaultE()
	p.B = 0
	id := mustPop(t, n, "X", p, 200, Drive{})
	pop := n.pops[id]
	for i := range pop.v {
		pop.v[i] = -80 + 100*float64(i)/200 // −80 … +20 mV
		pop.vt[i] = -52 + 10*float64(i%7)/7
	}
	beforeV := append([]float64(nil), pop.v...)
	beforeVT := append([]float64(nil), pop.vt...)
	if err := n.Run(n.DT()); err != nil {
		t.Fatal(err)
	}
	k := n.kinetics(pop)
	ad := k.model.(*adex)
	for i, bv := range beforeV {
		vt := beforeVT[i] + ad.dtT*(ad.vtRest-beforeVT[i])
		v := bv + k.dt*((k.el-bv+ad.deltaT*math.Exp((bv-vt)*ad.invDeltaT))*k.invTau)
		if v > p.VPeak {
			continue
		}
		if got := pop.v[i]; math.Abs(got-v) > 1e-12*math.Abs(v) {
			t.Errorf("V from %v: %v, want %v", bv, got, v)
		}
	}
}
