package snn_test

import (
	"math"
	"testing"

	"github.com/gosnn/gosnn/snn"
	"github.com/gosnn/gosnn/snn/analysis"
)

// TestSynfireRing: on the synfire-ring control (docs/MODEL.md 7.5 item 6) activity runs around
// the ring: almost every spike of E neuron i+1 follows a spike of neuron i within a few ms,
// and the groups of 10 neurons activate in increasing order.
func TestSynfireRing(t *testing.T) {
	cfg, w, cl := snn.SynfireRing(2)
	n, err := snn.NewFromWeights(cfg, w, cl)
	if err != nil {
		t.Fatal(err)
	}
	sm, _ := n.RecordSpikes(snn.PopE, nil)
	const T = 2000.0
	if err := n.Run(T); err != nil {
		t.Fatal(err)
	}
	sp := sm.Spikes()
	last := make([]float64, 120)
	for i := range last {
		last[i] = math.Inf(-1)
	}
	followed, total := 0, 0
	var lags []float64
	for k, tm := range sp.Time {
		i := int(sp.Neuron[k])
		prev := (i + 119) % 120
		if tm > 50 {
			total++
			if d := tm - last[prev]; d > 0 && d <= 5 {
				followed++
				lags = append(lags, d)
			}
		}
		last[i] = tm
	}
	st, err := analysis.AnalyzeReplay(sp, cl, 0, T, analysis.DefaultReplayOptions())
	if err != nil {
		t.Fatal(err)
	}
	lag := 0.0
	for _, d := range lags {
		lag += d / float64(len(lags))
	}
	t.Logf("%d E spikes after 50 ms, %d follow the predecessor within 5 ms (mean lag %.2f ms); groups: period %.1f ms, in order %.3f of %d",
		total, followed, lag, st.PeriodMs, st.InOrderFraction, st.Transitions)
	if total < 500 || float64(followed) < 0.9*float64(total) {
		t.Errorf("%d of %d spikes follow their predecessor: want a travelling wave (>= 90 %% of >= 500 spikes)", followed, total)
	}
	if st.Transitions < 20 || st.InOrderFraction < 0.8 {
		t.Errorf("groups in order %.3f of %d transitions, want >= 0.8 of >= 20", st.InOrderFraction, st.Transitions)
	}
}

// TestHandMadeClustered: the clustered control of createWeightMatrixEIF (docs/MODEL.md 7.5 item
// 6) replays its clusters in the direction of its forward blocks, read post × pre: from
// cluster k+1 to cluster k.
func TestHandMadeClustered(t *testing.T) {
	cfg, w := snn.HandMadeClustered(1, 3)
	n, err := snn.NewFromWeights(cfg, w, snn.Clusters{})
	if err != nil {
		t.Fatal(err)
	}
	sm, _ := n.RecordSpikes(snn.PopE, nil)
	const T = 2000.0
	if err := n.Run(T); err != nil {
		t.Fatal(err)
	}
	K := n.Clusters().Count()
	down := make([]int, K)
	for i := range down {
		down[i] = K - 1 - i
	}
	opt := analysis.DefaultReplayOptions()
	opt.Order = down
	st, err := analysis.AnalyzeReplay(sm.Spikes(), n.Clusters(), 0, T, opt)
	if err != nil {
		t.Fatal(err)
	}
	up, err := analysis.AnalyzeReplay(sm.Spikes(), n.Clusters(), 0, T, analysis.DefaultReplayOptions())
	if err != nil {
		t.Fatal(err)
	}
	rateE := float64(n.SpikeCount(snn.PopE)) / float64(cfg.NE) / (T / 1000)
	rateI := float64(n.SpikeCount(snn.PopI)) / float64(cfg.NI) / (T / 1000)
	t.Logf("E %.2f Hz, I %.2f Hz; decreasing order %.3f of %d transitions (period %.1f ms), increasing %.3f",
		rateE, rateI, st.InOrderFraction, st.Transitions, st.PeriodMs, up.InOrderFraction)
	if st.Transitions < 30 || st.InOrderFraction < 0.8 || up.InOrderFraction > 0.2 {
		t.Errorf("decreasing order %.3f of %d transitions, increasing %.3f: want replay from cluster k+1 to k",
			st.InOrderFraction, st.Transitions, up.InOrderFraction)
	}
}
