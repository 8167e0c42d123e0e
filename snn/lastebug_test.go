package snn

import (
	"testing"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
)

// TestLastENeuronBugChannelAndDrive: with Config.LastENeuronBug (docs/MODEL.md section 9 item 7)
// the last E neuron is driven by the I input even when E has none, stays below the I
// threshold, and its spikes reach their targets through the inhibitory conductance; without
// the switch it is an ordinary, here undriven and silent, E neuron.
func TestLastENeuronBugChannelAndDrive(t *testing.T) {
	// 3 E + 1 I; one synapse, E2 → E0 (row = post, column = pre).
	w := mat.NewDense(4, 4, nil)
	w.Set(0, 2, 5)
	for _, tc := range []struct {
		bug         bool
		wantSpikes  bool
		wantGE, wGI bool // E0's conductances become non-zero
	}{
		{bug: false},
		{bug: true, wantSpikes: true, wGI: true},
	} {
		cfg := DefaultConfig()
		cfg.NE, cfg.NI, cfg.Clusters = 3, 1, 1
		cfg.ExtE.Rate = 0 // E gets no external input
		cfg.LastENeuronBug = tc.bug
		n, err := NewFromWeights(cfg, w, Clusters{})
		if err != nil {
			t.Fatal(err)
		}
		mon, err := n.RecordSpikes(PopE, nil)
		if err != nil {
			t.Fatal(err)
		}
		sm, err := n.RecordState(PopE, []int{0, 2}, []Var{VarGE, VarGI, VarV}, 0.1)
		if err != nil {
			t.Fatal(err)
		}
		if err := n.Run(300); err != nil {
			t.Fatal(err)
		}
		var last int
		for _, i := range mon.Spikes().Neuron {
			if i == 2 {
				last++
			}
		}
		if (last > 0) != tc.wantSpikes {
			t.Errorf("bug=%v: last E neuron fired %d spikes, want spikes: %v", tc.bug, last, tc.wantSpikes)
		}
		gE, gI, v2 := floats.Max(sm.Trace(0, 0)), floats.Max(sm.Trace(0, 1)), floats.Max(sm.Trace(1, 2))
		if (gE > 0) != tc.wantGE || (gI > 0) != tc.wGI {
			t.Errorf("bug=%v: E0's max g_E = %v, g_I = %v; want non-zero g_E %v, g_I %v", tc.bug, gE, gI, tc.wantGE, tc.wGI)
		}
		if tc.bug && v2 > cfg.I.VPeak {
			t.Errorf("bug: last E neuron reached V = %v mV, above the I threshold %v (it should step as an I neuron)", v2, cfg.I.VPeak)
		}
	}
}

// TestLastENeuronBugPlasticity: under plasticity the bug neuron's E→E inputs sit at the
// normalisation floor (the original's division by zero), its outgoing E→E synapses get no
// LTP (no presynaptic trace) while others do, the run is the same for any thread count, and
// without the switch the neuron's inputs are ordinary.
func TestLastENeuronBugPlasticity(t *testing.T) {
	run := func(bug bool, threads int) (*mat.Dense, int) {
		cfg := DefaultConfig()
		cfg.NE, cfg.NI, cfg.Clusters, cfg.Seed, cfg.Threads = 400, 100, 5, 8, threads
		cfg.LastENeuronBug = bug
		// The bug neuron has the I drive of the Config, whatever SetRates does later: a strong
		// one makes it fire; the I population gets its usual rate back.
		cfg.ExtI.Rate = 10
		n := mustNet(t, cfg)
		n.SetRates(PopE, 0, 400, 6)
		n.SetRates(PopI, 0, 100, DefaultConfig().ExtI.Rate)
		attachPaperRules(t, n)
		n.SetPlastic(true)
		mon, err := n.RecordSpikes(PopE, []int{399})
		if err != nil {
			t.Fatal(err)
		}
		if err := n.Run(200); err != nil {
			t.Fatal(err)
		}
		ee, err := n.Weights(ProjEtoE)
		if err != nil {
			t.Fatal(err)
		}
		return ee, mon.Spikes().Len()
	}
	w1, spikes := run(true, 1)
	if spikes == 0 {
		t.Fatal("the bug neuron never fired: the test exercises nothing")
	}
	floor := DefaultNormalization().WMin
	init := DefaultConfig().EtoE.W
	var inputs int
	for i := 0; i < 400; i++ {
		if x := w1.At(399, i); x != 0 {
			inputs++
			if x != floor {
				t.Fatalf("bug: input weight %d → 399 = %v, want the floor %v", i, x, floor)
			}
		}
	}
	if inputs == 0 {
		t.Fatal("neuron 399 has no E inputs")
	}
	// Subtractive normalisation shifts every input of a neuron alike, so the bug neuron's
	// outgoing weights move a little; LTP, which needs its trace, must not add to them.
	maxOut, maxOther := 0.0, 0.0
	for j := 0; j < 400; j++ {
		for i := 0; i < 400; i++ {
			if i == 399 {
				maxOut = max(maxOut, w1.At(j, i)-init)
			} else {
				maxOther = max(maxOther, w1.At(j, i)-init)
			}
		}
	}
	t.Logf("largest growth: outgoing from the bug neuron %.4f, any other synapse %.4f", maxOut, maxOther)
	if maxOther < 0.05 {
		t.Fatalf("largest E→E growth %v: LTP barely ran, the test exercises nothing", maxOther)
	}
	if maxOut > 0.1*maxOther {
		t.Errorf("an outgoing weight of the bug neuron grew by %v (others by up to %v): LTP without a presynaptic trace", maxOut, maxOther)
	}
	if w2, _ := run(true, 2); !mat.Equal(w1, w2) {
		t.Error("bug: 2 threads give different weights from 1 thread")
	}
	w0, _ := run(false, 1)
	atFloor := true
	for i := 0; i < 400; i++ {
		if x := w0.At(399, i); x != 0 && x != floor {
			atFloor = false
		}
	}
	if atFloor {
		t.Error("without the switch neuron 399's inputs are all at the floor too")
	}
}

// TestLastENeuronBugValidate: the switch needs a LIF I model.
func TestLastENeuronBugValidate(t *testing.T) {
	cfg := DefaultConfig()
	cfg.LastENeuronBug = true
	cfg.I.Model = AdEx
	if err := cfg.Validate(); err == nil {
		t.Error("LastENeuronBug with an AdEx I model: no error")
	}
}
