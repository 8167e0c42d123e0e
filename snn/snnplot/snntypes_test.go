package snnplot

import (
	"math"
	"strings"
	"testing"

	"github.com/gosnn/gosnn/snn"
	"github.com/gosnn/gosnn/snn/analysis"
)

func TestNetworkFigures(t *testing.T) {
	cfg := snn.DefaultConfig()
	cfg.NE, cfg.NI, cfg.Clusters = 80, 20, 4
	cfg.Seed = 3
	cfg.Threads = 1
	net, err := snn.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	sm, err := net.RecordSpikes(snn.PopE, nil)
	if err != nil {
		t.Fatal(err)
	}
	rm, err := net.RecordRates(5)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := MonitorRates(rm, net, ""); err == nil {
		t.Errorf("MonitorRates before any run: no error")
	}
	if err := net.Run(100); err != nil {
		t.Fatal(err)
	}
	p, err := MonitorRates(rm, net, "rates")
	if err != nil {
		t.Fatal(err)
	}
	if p.X.Min != 0 || math.Abs(p.X.Max-100) > 1e-9 {
		t.Errorf("MonitorRates x range [%v, %v], want [0, 100]", p.X.Min, p.X.Max)
	}
	if _, err := Encode(p, 300, 200, "png"); err != nil {
		t.Error(err)
	}
	if _, err := MonitorRates(rm, net, "", snn.PopID(7)); err == nil || !strings.HasPrefix(err.Error(), "snnplot: ") {
		t.Errorf("missing population: err %v", err)
	}
	f, err := MonitorClusterRateMap(rm, net, HeatOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.PNG(); err != nil {
		t.Error(err)
	}
	r, err := NetworkRaster(net, sm.Spikes(), RasterOptions{T1: 100})
	if err != nil {
		t.Fatal(err)
	}
	if r.Y.Max < 79 {
		t.Errorf("raster y range ends at %v, below the E neurons", r.Y.Max)
	}
	if _, err := NetworkRaster(nil, sm.Spikes(), RasterOptions{}); err == nil {
		t.Errorf("nil network: no error")
	}
}

func TestReplay(t *testing.T) {
	s, cl := synthReplay(5, 10, 20, 20, 15, 1000)
	st, err := analysis.AnalyzeReplay(s, cl, 0, 1000, analysis.DefaultReplayOptions())
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Activations) < 10 {
		t.Fatalf("only %d activations detected in a synthetic replay", len(st.Activations))
	}
	p, err := Replay(st, "")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(p.Title.Text, "in order") || !strings.Contains(p.Title.Text, "period") {
		t.Errorf("default title %q lacks the replay statistics", p.Title.Text)
	}
	if p.Y.Min != 0.5 || p.Y.Max != 10.5 { // clusters 1 to 10
		t.Errorf("y range [%v, %v], want [0.5, 10.5]", p.Y.Min, p.Y.Max)
	}
	if _, err := Encode(p, 300, 200, "png"); err != nil {
		t.Error(err)
	}
	bad := st
	bad.Activations = append([]analysis.Activation(nil), st.Activations...)
	bad.Activations[0].Cluster = 99
	for _, tc := range []struct {
		st   analysis.ReplayStats
		want string
	}{
		{analysis.ReplayStats{}, "0 clusters"},
		{analysis.ReplayStats{Clusters: 3}, "no activations"},
		{bad, "cluster 99"},
	} {
		if _, err := Replay(tc.st, ""); err == nil || !strings.HasPrefix(err.Error(), "snnplot: ") || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Replay(%+v): err %v, want %q", tc.st.Clusters, err, tc.want)
		}
	}
}
