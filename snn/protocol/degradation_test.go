package protocol

import (
	"context"
	"math"
	"reflect"
	"testing"

	"github.com/gosnn/gosnn/snn"
)

// TestDegradation: the open-loop test (docs/MODEL.md 7.2 sim_degradation) on a small network
// with a hand-set forward chain records the forward and backward block means (zeros
// included) at the start and after each chunk, the plasticity moves the live weights while
// the activity stays that of the starting matrix (the same seeded run repeats exactly), and
// the network is closed loop again afterwards.
func TestDegradation(t *testing.T) {
	build := func() *snn.Network {
		s := snn.ReducedSetup(4, 20)
		s.Config.Seed, s.Config.Threads = 7, 2
		n, err := s.Build()
		if err != nil {
			t.Fatal(err)
		}
		// A forward chain: every existing synapse from cluster j onto cluster j+1 at 20 pF.
		w := n.WeightMatrix()
		for i := 0; i < 80; i++ {
			for j := 0; j < 80; j++ {
				if w.At(i, j) != 0 && i/20 == (j/20+1)%4 {
					w.Set(i, j, 20)
				}
			}
		}
		m, err := snn.NewFromWeights(s.Config, w, snn.Clusters{})
		if err != nil {
			t.Fatal(err)
		}
		if err := m.SetVoltageSTDP(snn.ProjEtoE, s.EE); err != nil {
			t.Fatal(err)
		}
		if err := m.SetInhibitorySTDP(snn.ProjItoE, s.IE); err != nil {
			t.Fatal(err)
		}
		if err := m.SetNormalization(snn.ProjEtoE, s.Norm); err != nil {
			t.Fatal(err)
		}
		return m
	}
	var runs [2][]DegradationChunk
	for r := range runs {
		n := build()
		out, err := Degradation(context.Background(), n, 3, 1500)
		if err != nil {
			t.Fatal(err)
		}
		runs[r] = out
		for _, id := range []snn.ProjID{snn.ProjEtoE, snn.ProjEtoI, snn.ProjItoE, snn.ProjItoI} {
			if n.OpenLoop(id) {
				t.Errorf("projection %d still open loop", id)
			}
		}
	}
	out := runs[0]
	if !reflect.DeepEqual(runs[0], runs[1]) {
		t.Error("two seeded runs differ")
	}
	if len(out) != 4 || out[0].EndMs != 0 || out[3].EndMs != 4500 {
		t.Fatalf("%d chunks, ending at %v … %v ms; want 4 (start + 3), 0 … 4500", len(out), out[0].EndMs, out[len(out)-1].EndMs)
	}
	for i, c := range out {
		t.Logf("t = %4.0f ms: forward %.3f, backward %.3f", c.EndMs, c.Forward, c.Backward)
		if len(c.ForwardBlocks) != 4 || math.IsNaN(c.Forward) || math.IsNaN(c.Backward) {
			t.Errorf("chunk %d: %+v", i, c)
		}
	}
	// At the start the forward blocks hold 20 pF on about p = 0.2 of the pairs (zeros
	// included) and the backward ones the uniform initial weight.
	p := snn.ReducedSetup(4, 20).Config.EtoE
	if math.Abs(out[0].Forward-20*p.P) > 0.1*20*p.P || math.Abs(out[0].Backward-p.W*p.P) > 0.1*p.W*p.P {
		t.Errorf("start: forward %.3f (want ≈ %.3f), backward %.3f (want ≈ %.3f)", out[0].Forward, 20*p.P, out[0].Backward, p.W*p.P)
	}
	if out[3].Forward == out[0].Forward && out[3].Backward == out[0].Backward {
		t.Error("the live weights did not change")
	}
	if _, err := Degradation(context.Background(), build(), 1, 0); err == nil {
		t.Error("0-ms chunks accepted")
	}
	// In parts: on a network already open loop (with the starting weights), two calls keep
	// that frozen copy and give what one call of all the chunks gives; the projections stay
	// open loop.
	n := build()
	for _, id := range []snn.ProjID{snn.ProjEtoE, snn.ProjEtoI, snn.ProjItoE, snn.ProjItoI} {
		if err := n.SetOpenLoop(id, true); err != nil {
			t.Fatal(err)
		}
	}
	a, err := Degradation(context.Background(), n, 2, 1500)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Degradation(context.Background(), n, 1, 1500)
	if err != nil {
		t.Fatal(err)
	}
	if parts := append(a, b[1:]...); !reflect.DeepEqual(parts, out) {
		t.Errorf("in two calls:\n%+v\nin one:\n%+v", parts, out)
	}
	if !n.OpenLoop(snn.ProjEtoE) || !n.OpenLoop(snn.ProjItoI) {
		t.Error("projections open loop before the calls were switched back")
	}
}
