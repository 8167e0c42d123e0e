package snn_test

import (
	"math"
	"testing"

	"github.com/gosnn/gosnn/internal/testskip"
	"github.com/gosnn/gosnn/snn"
	"github.com/gosnn/gosnn/snn/analysis"
	"github.com/gosnn/gosnn/snn/snnio"
)

// TestReplayA7 is acceptance check A7 of docs/MODEL.md section 8: on the authors' trained 15 × 160
// matrix with frozen weights, 10 s of spontaneous activity replays the clusters in order with
// a cycle period within 10 % of 345 ms, E rate 1.5-5 Hz and I rate 3-12 Hz.
func TestReplayA7(t *testing.T) {
	path := testskip.AuthorsFile(t, "FF60b_2400_nc160.mat")
	if testing.Short() {
		t.Skip("long: 10 s of the full network (run without -short)")
	}
	w, err := snnio.LoadWeights(path)
	if err != nil {
		t.Fatal(err)
	}
	size, ok := snnio.ClusterSizeFromName(path)
	if !ok || size != 160 {
		t.Fatalf("cluster size from %s: %d %v", path, size, ok)
	}
	cfg := snn.DefaultConfig().WithClusterSize(size)
	cfg.Seed = 3
	n, err := snn.NewFromWeights(cfg, w, snn.Clusters{})
	if err != nil {
		t.Fatal(err)
	}
	if n.Clusters().Count() != 15 {
		t.Fatalf("%d clusters", n.Clusters().Count())
	}
	sm, _ := n.RecordSpikes(snn.PopE, nil)
	const T = 10000.0
	if err := n.Run(T); err != nil {
		t.Fatal(err)
	}
	rateE := float64(n.SpikeCount(snn.PopE)) / 2400 / (T / 1000)
	rateI := float64(n.SpikeCount(snn.PopI)) / 600 / (T / 1000)
	st, err := analysis.AnalyzeReplay(sm.Spikes(), n.Clusters(), 0, T, analysis.DefaultReplayOptions())
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("E %.2f Hz, I %.2f Hz, period %.1f ms, in order %.3f (%d/%d), active %.2f",
		rateE, rateI, st.PeriodMs, st.InOrderFraction, st.InOrder, st.Transitions, st.ActiveFraction)
	if rateE < 1.5 || rateE > 5 {
		t.Errorf("E rate %.2f Hz outside 1.5-5", rateE)
	}
	if rateI < 3 || rateI > 12 {
		t.Errorf("I rate %.2f Hz outside 3-12", rateI)
	}
	if st.InOrderFraction < 0.95 || st.Transitions < 200 {
		t.Errorf("in-order fraction %.3f over %d transitions, want >= 0.95 over many", st.InOrderFraction, st.Transitions)
	}
	if math.Abs(st.PeriodMs-345) > 34.5 {
		t.Errorf("period %.1f ms, want 345 ± 10 %%", st.PeriodMs)
	}
}
