package snn

import (
	"reflect"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// TestOpenLoop: with every recurrent projection open loop (SetOpenLoop), a plastic network
// spikes exactly as the same network with plasticity off (the activity runs on the frozen
// weights), while its live weights learn; closed loop, the same plastic network spikes
// differently. Switching off restores delivery with the live weights.
func TestOpenLoop(t *testing.T) {
	ids := []ProjID{ProjEtoE, ProjEtoI, ProjItoE, ProjItoI}
	run := func(plastic, open bool) (*Spikes, *Network) {
		s := ReducedSetup(4, 20)
		s.Config.Seed, s.Config.Threads = 5, 2
		n, err := s.Build()
		if err != nil {
			t.Fatal(err)
		}
		for _, id := range ids {
			if err := n.SetOpenLoop(id, open); err != nil {
				t.Fatal(err)
			}
		}
		n.SetPlastic(plastic)
		sm, _ := n.RecordSpikes(PopE, nil)
		if err := n.Run(1500); err != nil {
			t.Fatal(err)
		}
		return sm.Spikes(), n
	}
	frozen, fn := run(false, false)
	open, on := run(true, true)
	closed, _ := run(true, false)
	if frozen.Len() < 100 {
		t.Fatalf("only %d E spikes", frozen.Len())
	}
	if !reflect.DeepEqual(open, frozen) {
		t.Errorf("open loop: %d spikes, not those of the frozen network (%d)", open.Len(), frozen.Len())
	}
	if reflect.DeepEqual(closed, frozen) {
		t.Error("closed loop: plasticity did not change the activity (the test cannot tell open from closed)")
	}
	if mat.Equal(on.WeightMatrix(), fn.WeightMatrix()) {
		t.Error("open loop: the live weights did not learn")
	}
	for _, id := range ids {
		if !on.OpenLoop(id) {
			t.Errorf("projection %d not reported open loop", id)
		}
		if err := on.SetOpenLoop(id, false); err != nil || on.OpenLoop(id) {
			t.Errorf("projection %d: switching off: %v", id, err)
		}
	}
	if err := on.SetOpenLoop(ProjID(99), true); err == nil {
		t.Error("projection 99 accepted")
	}
}
