package protocol

import (
	"context"
	"testing"

	"github.com/gosnn/gosnn/snn"
	"github.com/gosnn/gosnn/snn/analysis"
)

// Scientific acceptance of issue 3 on a reduced network (ReducedSetup: the paper's
// in-degrees with clusters of 20, A_LTP ×20; see learnK, learnSize): repeated sequential
// stimulation carves a feed-forward chain into the E→E weights (forward > backward > other),
// and spontaneous activity afterwards replays the clusters in the trained order, also when
// that order is a permutation.
const (
	learnK, learnSize = 30, 20
	learnTrainMs      = 120000 // stimulated training with plasticity
	learnConsolMs     = 40000  // plastic spontaneous activity (consolidation)
	learnRecordMs     = 5000   // frozen recording
)

func TestLearnChain(t *testing.T) {
	if testing.Short() {
		t.Skip("long: a few minutes of simulated training of a 750-neuron network")
	}
	perm := []int{0, 17, 5, 22, 9, 28, 13, 2, 24, 11, 19, 6, 27, 15, 3, 21, 8, 26, 12, 1, 18, 25, 7, 14, 29, 4, 20, 10, 23, 16}
	for _, tc := range []struct {
		name  string
		order []int
	}{{"natural", nil}, {"permuted", perm}} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			learnAndReplay(t, tc.order)
		})
	}
}

func learnAndReplay(t *testing.T, order []int) {
	s := snn.ReducedSetup(learnK, learnSize)
	s.Config.Seed = 7
	s.Config.Threads = 1
	n, err := s.Build()
	if err != nil {
		t.Fatal(err)
	}
	ee0, _ := n.Weights(snn.ProjEtoE)
	cons := Spontaneous(learnConsolMs, true)
	cons.PlasticDelayMs = 0
	p := Protocol{Stimulate(order, learnTrainMs), cons, Record(learnRecordMs)}
	rep, err := Run(context.Background(), n, p, Options{OnPhase: func(r PhaseReport) {
		t.Logf("phase %d %s: E %.2f Hz, within %.2f forward %.2f backward %.2f other %.2f", r.Index, r.Kind, r.RateE,
			r.Blocks.Within, r.Blocks.Forward, r.Blocks.Backward, r.Blocks.Other)
	}})
	if err != nil {
		t.Fatal(err)
	}
	b := rep.Phases[len(rep.Phases)-1].Blocks
	if !(b.Forward > b.Backward && b.Backward > b.Other) || !(b.Within > b.Forward) {
		t.Errorf("E→E blocks along the trained order: within %.3f forward %.3f backward %.3f other %.3f; want within > forward > backward > other", b.Within, b.Forward, b.Backward, b.Other)
	}
	// Normalisation keeps every neuron's summed E input near its start (A5; clipping allows
	// a small excess).
	ee, _ := n.Weights(snn.ProjEtoE)
	for j := 0; j < n.Size(snn.PopE); j++ {
		s0, s1 := rowSum(ee0, j), rowSum(ee, j)
		if d := (s1 - s0) / s0; d < -0.01 || d > 0.02 {
			t.Fatalf("E neuron %d: summed E→E input %.2f → %.2f (%.2f %%)", j, s0, s1, 100*d)
		}
	}
	rec := rep.LastRecording()
	st := rec.Replay
	t.Logf("replay: E %.2f Hz, period %.1f ms, in order %.3f (%d/%d), active %.2f", rec.RateE, st.PeriodMs, st.InOrderFraction, st.InOrder, st.Transitions, st.ActiveFraction)
	if st.Transitions < 30 || st.InOrderFraction < 0.6 {
		t.Errorf("replay: %d of %d transitions follow the trained order (%.2f), want >= 60 %% of at least 30", st.InOrder, st.Transitions, st.InOrderFraction)
	}
	if order != nil {
		// The natural order is not what was learned: few transitions follow it.
		nat, err := analysis.ReplayFromActivations(st.Activations, learnK, nil)
		if err != nil {
			t.Fatal(err)
		}
		if nat.InOrderFraction > 0.2 {
			t.Errorf("replay after permuted training follows the natural order in %.2f of transitions", nat.InOrderFraction)
		}
	}
}

func rowSum(w interface{ At(i, j int) float64 }, j int) float64 {
	type dims interface{ Dims() (int, int) }
	_, c := w.(dims).Dims()
	s := 0.0
	for i := 0; i < c; i++ {
		s += w.At(j, i)
	}
	return s
}
