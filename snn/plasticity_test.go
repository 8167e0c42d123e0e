package snn

import (
	"math"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// quietAdEx is an AdEx population of one neuron that sits at −40 mV (above θ_LTP) and never
// fires (its threshold is far away).
func quietAdEx(t *testing.T, n *Network) PopID {
	p := DefaultE()
	p.EL, p.VTRest = -40, 0
	p.VInitLow, p.VInitHigh = -40, -40
	return mustPop(t, n, "B", p, 1, Drive{})
}

func weight(t *testing.T, n *Network, id ProjID) float64 {
	w, err := n.Weights(id)
	if err != nil {
		t.Fatal(err)
	}
	return w.At(0, 0)
}

// TestLTD: one presynaptic spike depresses the synapse by A_LTD·(ū− − θ_LTD) (docs/MODEL.md 5.1).
func TestLTD(t *testing.T) {
	n := mustNet(t, emptyConfig())
	a := singleSpiker(t, n)
	b := quietAdEx(t, n)
	pr, _ := n.ConnectOneToOne(a, b, Exc, 5)
	r := DefaultEEPlasticity()
	r.ALTP, r.ALTD, r.WMin = 0, 1e-3, 0
	if err := n.SetVoltageSTDP(pr, r); err != nil {
		t.Fatal(err)
	}
	n.SetPlastic(true)
	um, _ := n.RecordState(b, []int{0}, []Var{VarUMinus}, n.DT())
	sa, _ := n.RecordSpikes(a, nil)
	if err := n.Run(2); err != nil {
		t.Fatal(err)
	}
	if sa.Spikes().Len() != 1 {
		t.Fatalf("driver spikes %v", sa.Spikes().Time)
	}
	k := int(math.Round(sa.Spikes().Time[0]/n.DT())) - 1
	u := um.Trace(0, 0)[k] // ū− at the spike step
	want := 5 - r.ALTD*(u-r.ThetaLTD)
	if got := weight(t, n, pr); math.Abs(got-want) > 1e-12 {
		t.Errorf("weight %v, want %v (ū− = %v)", got, want, u)
	}
	// Frozen: no change.
	n2 := mustNet(t, emptyConfig())
	a2, b2 := singleSpiker(t, n2), quietAdEx(t, n2)
	pr2, _ := n2.ConnectOneToOne(a2, b2, Exc, 5)
	n2.SetVoltageSTDP(pr2, r)
	n2.Run(2)
	if got := weight(t, n2, pr2); got != 5 {
		t.Errorf("weight changed to %v with plasticity off", got)
	}
}

// TestLTP: after one presynaptic spike, a depolarised postsynaptic neuron potentiates the
// synapse by Σ dt·A_LTP·x̄·(V − θ+)(ū+ − θ−), with x̄ decaying with τ_x; hard and soft bounds.
func TestLTP(t *testing.T) {
	for _, soft := range []bool{false, true} {
		n := mustNet(t, emptyConfig())
		a := singleSpiker(t, n)
		b := quietAdEx(t, n)
		w0 := 5.0
		pr, _ := n.ConnectOneToOne(a, b, Exc, w0)
		r := DefaultEEPlasticity()
		r.ALTD, r.WMin, r.WMax, r.SoftBound = 0, 0, 40, soft
		if err := n.SetVoltageSTDP(pr, r); err != nil {
			t.Fatal(err)
		}
		n.SetPlastic(true)
		st, _ := n.RecordState(b, []int{0}, []Var{VarV, VarUPlus}, n.DT())
		sa, _ := n.RecordSpikes(a, nil)
		if err := n.Run(30); err != nil {
			t.Fatal(err)
		}
		if sa.Spikes().Len() != 1 {
			t.Fatalf("driver spikes %v", sa.Spikes().Time)
		}
		ks := int(math.Round(sa.Spikes().Time[0]/n.DT())) - 1
		v, up := st.Trace(0, 0), st.Trace(0, 1)
		dt := n.DT()
		w := w0
		x := 0.0
		for s := range v {
			x -= dt / r.TauX * x
			if s == ks {
				x++ // the driver's spike
			}
			f := dt * r.ALTP * x * (v[s] - r.ThetaLTP) * (up[s] - r.ThetaLTD)
			if v[s] <= r.ThetaLTP || up[s] <= r.ThetaLTD {
				t.Fatalf("post not depolarised: V %v ū+ %v", v[s], up[s])
			}
			if soft {
				w = max(w+f*(1-w/r.WMax), r.WMin)
			} else {
				w = min(w+f, r.WMax)
			}
		}
		got := weight(t, n, pr)
		if math.Abs(got-w) > 1e-12*w || got <= w0 {
			t.Errorf("soft %v: weight %v, want %v (from %v)", soft, got, w, w0)
		}
	}
	// Hard cap.
	n := mustNet(t, emptyConfig())
	a, b := singleSpiker(t, n), quietAdEx(t, n)
	pr, _ := n.ConnectOneToOne(a, b, Exc, 5)
	r := DefaultEEPlasticity()
	r.ALTP, r.WMax = 1, 6
	n.SetVoltageSTDP(pr, r)
	n.SetPlastic(true)
	n.Run(10)
	if got := weight(t, n, pr); got != 6 {
		t.Errorf("weight %v, want the cap 6", got)
	}
}

// TestISTDP: a presynaptic I spike changes W by η(y_post − 2r₀τ_y); a postsynaptic spike by
// η·y_pre (docs/MODEL.md 5.2).
func TestISTDP(t *testing.T) {
	n := mustNet(t, emptyConfig())
	a := singleSpiker(t, n) // fires once, early
	p := DefaultI()
	p.EL, p.TauRef = -40, 1e9
	p.VInitLow, p.VInitHigh = -60, -60
	b := mustPop(t, n, "B", p, 1, Drive{}) // fires once, at step 102 without input
	pr, _ := n.ConnectOneToOne(a, b, Inh, 100)
	r := DefaultIEPlasticity()
	r.WMin, r.WMax = 0, 1000
	if err := n.SetInhibitorySTDP(pr, r); err != nil {
		t.Fatal(err)
	}
	n.SetPlastic(true)
	sb, _ := n.RecordSpikes(b, nil)
	sa, _ := n.RecordSpikes(a, nil)
	if err := n.Run(40); err != nil {
		t.Fatal(err)
	}
	if sb.Spikes().Len() != 1 || sa.Spikes().Len() != 1 {
		t.Fatalf("post spikes %v, pre spikes %v", sb.Spikes().Time, sa.Spikes().Time)
	}
	steps := math.Round((sb.Spikes().Time[0] - sa.Spikes().Time[0]) / n.DT())
	yPre := math.Pow(1-n.DT()/20, steps)
	want := 100 - 2*r.R0*20 + yPre
	if got := weight(t, n, pr); math.Abs(got-want) > 1e-12 {
		t.Errorf("weight %v, want %v", got, want)
	}
}

// TestNormalization: after a normalisation step every row sums to its target (subtractive
// and multiplicative), as long as no weight is clipped.
func TestNormalization(t *testing.T) {
	for _, mode := range []NormMode{Subtractive, Multiplicative} {
		for _, th := range []int{1, 2} {
			n := smallNet(t, th, 4)
			before, _ := n.Weights(ProjEtoE)
			r := DefaultNormalization()
			r.PeriodMs, r.Mode, r.WMin, r.WMax = 1, mode, 0, 100
			if err := n.SetNormalization(ProjEtoE, r); err != nil {
				t.Fatal(err)
			}
			pert := mat.DenseCopyOf(before)
			rg := streamSeed(3, 3, 3)
			rows, cols := pert.Dims()
			for i := 0; i < rows; i++ {
				for j := 0; j < cols; j++ {
					if x := pert.At(i, j); x != 0 {
						pert.Set(i, j, x*(0.5+rg.float()))
					}
				}
			}
			if err := n.SetWeights(ProjEtoE, pert); err != nil {
				t.Fatal(err)
			}
			if err := n.Run(1); err != nil {
				t.Fatal(err)
			}
			after, _ := n.Weights(ProjEtoE)
			changed := false
			for i := 0; i < rows; i++ {
				s0, s1 := 0.0, 0.0
				for j := 0; j < cols; j++ {
					s0 += before.At(i, j)
					s1 += after.At(i, j)
					if (before.At(i, j) == 0) != (after.At(i, j) == 0) {
						t.Fatalf("synapse (%d,%d) appeared or vanished", i, j)
					}
					if after.At(i, j) != pert.At(i, j) {
						changed = true
					}
				}
				if math.Abs(s1-s0) > 1e-9*s0 {
					t.Fatalf("mode %v: row %d sums to %v, target %v", mode, i, s1, s0)
				}
			}
			if !changed {
				t.Fatal("normalisation changed nothing")
			}
		}
	}
	// Clipping to the bounds.
	n := smallNet(t, 1, 4)
	r := DefaultNormalization()
	r.PeriodMs, r.WMin, r.WMax = 1, 2.9, 3
	n.SetNormalization(ProjEtoE, r)
	n.Run(1)
	w, _ := n.Weights(ProjEtoE)
	for _, x := range w.RawMatrix().Data {
		if x != 0 && (x < 2.9 || x > 3) {
			t.Fatalf("weight %v outside [2.9, 3]", x)
		}
	}
}

// TestPlasticThreadsIdentical: with all rules on, any thread count gives the same weights.
func TestPlasticThreadsIdentical(t *testing.T) {
	var ref []*mat.Dense
	for _, th := range []int{1, 2, 3} {
		n := smallNet(t, th, 8)
		n.SetRates(PopE, 0, 400, 6)
		attachPaperRules(t, n)
		n.SetPlastic(true)
		if err := n.Run(200); err != nil {
			t.Fatal(err)
		}
		ee, _ := n.Weights(ProjEtoE)
		ie, _ := n.Weights(ProjItoE)
		if ref == nil {
			ref = []*mat.Dense{ee, ie}
			init := mustNet(t, func() Config { c := DefaultConfig(); c.NE, c.NI, c.Clusters, c.Seed = 400, 100, 5, 8; return c }())
			w0, _ := init.Weights(ProjEtoE)
			if mat.Equal(w0, ee) {
				t.Fatal("E→E weights did not change")
			}
			continue
		}
		if !mat.Equal(ee, ref[0]) || !mat.Equal(ie, ref[1]) {
			t.Fatalf("threads %d: weights differ from threads 1", th)
		}
	}
}

func TestPlasticityErrors(t *testing.T) {
	n := smallNet(t, 1, 1)
	r := DefaultEEPlasticity()
	r.TauX = 0
	if err := n.SetVoltageSTDP(ProjEtoE, r); err == nil {
		t.Error("TauX 0 accepted")
	}
	if err := n.SetVoltageSTDP(ProjEtoI, DefaultEEPlasticity()); err == nil {
		t.Error("vSTDP onto LIF accepted")
	}
	if err := n.SetVoltageSTDP(9, DefaultEEPlasticity()); err == nil {
		t.Error("missing projection accepted")
	}
	ir := DefaultIEPlasticity()
	ir.WMin = 500
	if err := n.SetInhibitorySTDP(ProjItoE, ir); err == nil {
		t.Error("WMin > WMax accepted")
	}
	nr := DefaultNormalization()
	nr.PeriodMs = math.NaN()
	if err := n.SetNormalization(ProjEtoE, nr); err == nil {
		t.Error("NaN period accepted")
	}
	if err := n.SetWeights(ProjEtoE, mat.NewDense(3, 3, nil)); err == nil {
		t.Error("wrong shape accepted")
	}
	// A bad weight in the last row is an error that leaves every weight as it was.
	before, _ := n.Weights(ProjEtoE)
	bad := mat.DenseCopyOf(before)
	bad.Scale(2, bad)
	rows, cols := bad.Dims()
	for i := 0; i < cols; i++ {
		bad.Set(rows-1, i, math.Inf(1))
	}
	if err := n.SetWeights(ProjEtoE, bad); err == nil || !strings.Contains(err.Error(), "must be finite") {
		t.Errorf("an infinite weight: error %v, want must be finite", err)
	}
	if after, _ := n.Weights(ProjEtoE); !mat.Equal(after, before) {
		t.Error("SetWeights with a bad weight changed the weights")
	}
}

// blockMeans returns the mean existing E→E weight within clusters, from cluster k to k+1
// (forward), from k+1 to k (backward) and between all other pairs, for equal clusters of size.
func blockMeans(w *mat.Dense, ne, size int) (within, fwd, bwd, other float64) {
	var s, c [4]float64
	k := ne / size
	for i := 0; i < ne; i++ {
		for j := 0; j < ne; j++ {
			x := w.At(i, j)
			if x == 0 {
				continue
			}
			post, pre := i/size, j/size
			b := 3
			switch {
			case post == pre:
				b = 0
			case post == (pre+1)%k:
				b = 1
			case pre == (post+1)%k:
				b = 2
			}
			s[b] += x
			c[b]++
		}
	}
	return s[0] / c[0], s[1] / c[1], s[2] / c[2], s[3] / c[3]
}

// TestTrainingDirection: 2 s of the training protocol of docs/MODEL.md 7.1 on the full network, with
// all plasticity on, moves the weights the way A2 describes: within-cluster E→E weights grow,
// forward (k→k+1) ends above backward (k+1→k), the other pairs lose weight through
// normalisation, and iSTDP lowers I→E weights while E rates are below r₀ = 3 Hz.
func TestTrainingDirection(t *testing.T) {
	if testing.Short() {
		t.Skip("long: 2 s of the full network with plasticity")
	}
	n := mustNet(t, DefaultConfig())
	ie0 := meanNonZero(mustWeights(t, n, ProjItoE))
	n.SetVoltageSTDP(ProjEtoE, DefaultEEPlasticity())
	n.SetInhibitorySTDP(ProjItoE, DefaultIEPlasticity())
	n.SetNormalization(ProjEtoE, DefaultNormalization())
	n.SetPlastic(true)
	if err := n.ScheduleStimuli(TrainingSchedule(30, 2000), DefaultTrainingDrive()); err != nil {
		t.Fatal(err)
	}
	if err := n.Run(2000); err != nil {
		t.Fatal(err)
	}
	within, fwd, bwd, other := blockMeans(mustWeights(t, n, ProjEtoE), 2400, 80)
	ie := meanNonZero(mustWeights(t, n, ProjItoE))
	rate := float64(n.SpikeCount(PopE)) / 2400 / 2
	t.Logf("within %.4f forward %.4f backward %.4f other %.4f; I→E %.2f → %.2f; E rate %.2f Hz", within, fwd, bwd, other, ie0, ie, rate)
	if !(within > other+0.01) || !(fwd > bwd) || !(other < 2.83) {
		t.Errorf("E→E blocks: within %.4f forward %.4f backward %.4f other %.4f", within, fwd, bwd, other)
	}
	if rate < 3 && !(ie < ie0) {
		t.Errorf("E rate %.2f Hz below r₀ but I→E mean went %.2f → %.2f", rate, ie0, ie)
	}
}

func mustWeights(t *testing.T, n *Network, id ProjID) *mat.Dense {
	w, err := n.Weights(id)
	if err != nil {
		t.Fatal(err)
	}
	return w
}

func meanNonZero(w *mat.Dense) float64 {
	s, c := 0.0, 0.0
	for _, x := range w.RawMatrix().Data {
		if x != 0 {
			s += x
			c++
		}
	}
	return s / c
}

// attachPaperRules attaches the paper's vSTDP, iSTDP and normalisation (docs/MODEL.md 5.1-5.3).
func attachPaperRules(t testing.TB, n *Network) {
	t.Helper()
	if err := n.SetVoltageSTDP(ProjEtoE, DefaultEEPlasticity()); err != nil {
		t.Fatal(err)
	}
	if err := n.SetInhibitorySTDP(ProjItoE, DefaultIEPlasticity()); err != nil {
		t.Fatal(err)
	}
	if err := n.SetNormalization(ProjEtoE, DefaultNormalization()); err != nil {
		t.Fatal(err)
	}
}
