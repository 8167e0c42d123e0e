package snnplot

import (
	"math"
	"strings"
	"testing"

	"github.com/gosnn/gosnn/snn"
	"github.com/gosnn/gosnn/snn/readout"
)

// smallReadout returns a read-out layer for ABCBA on a small network, without training.
func smallReadout(t *testing.T) (*snn.Network, *readout.Layer) {
	t.Helper()
	cfg := snn.DefaultConfig()
	cfg.NE, cfg.NI, cfg.Clusters, cfg.Seed, cfg.Threads = 40, 10, 4, 2, 1
	net, err := snn.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ro, err := readout.New(net, readout.DefaultConfig(), readout.ABCBA())
	if err != nil {
		t.Fatal(err)
	}
	return net, ro
}

func TestPatternReadout(t *testing.T) {
	net, ro := smallReadout(t)
	p := ro.Patterns()[0]
	// A synthetic replay of 1 s from t = 100 ms with cycle starts at 150 and 600 ms.
	const cols = 10000
	res := &readout.ReplayResult{Start: 100, End: 1100, DT: 0.1, CycleStarts: []float64{150, 600}}
	for j := range ro.Size() {
		row := make([]float64, cols)
		for k := range row {
			row[k] = float64(j*cols + k)
		}
		res.Rates = append(res.Rates, row)
	}
	target, activity, err := replayPanels(ro, res, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(target) != 3 || len(activity) != 3 || len(target[0]) != cols {
		t.Fatalf("panels %dx%d and %d rows, want 3x%d and 3", len(target), len(target[0]), len(activity), cols)
	}
	norm := p.Normalized()
	// Column k is time Start + (k+1)·DT: the cycle starts at 150 and 600 ms are columns 499
	// and 4999.
	for _, tc := range []struct{ col, k int }{{499, 0}, {499 + 1000, 1000}, {499 + 3999, 3999}, {4999 + 2500, 2500}} {
		for e := range 3 {
			if target[e][tc.col] != norm[e][tc.k] {
				t.Errorf("target[%d][%d] = %v, want pattern column %d = %v", e, tc.col, target[e][tc.col], tc.k, norm[e][tc.k])
			}
		}
	}
	for e := range 3 {
		if target[e][100] != 0 {
			t.Errorf("target before the first cycle start is %v, want 0", target[e][100])
		}
	}
	if activity[2][5] != float64(2*cols+5) {
		t.Errorf("activity is not the group's rows")
	}
	f, err := PatternReadout(ro, res, 0, ReadoutOptions{Title: "ABCBA replay"})
	if err != nil {
		t.Fatal(err)
	}
	top := f.Rows[0][0]
	if math.Abs(top.X.Min-100.1) > 1e-9 || math.Abs(top.X.Max-1100.1) > 1e-6 {
		t.Errorf("time axis [%v, %v], want [100.1, 1100.1]", top.X.Min, top.X.Max)
	}
	if _, err := f.PNG(); err != nil {
		t.Error(err)
	}
	fl, err := PatternReadout(ro, res, 0, ReadoutOptions{Lines: true})
	if err != nil {
		t.Fatal(err)
	}
	if got := fl.Rows[1][0].Y.Label.Text; got != "read-out activity" {
		t.Errorf("activity label %q", got)
	}
	for _, tc := range []struct {
		name string
		run  func() error
		want string
	}{
		{"group", func() error { _, err := PatternReadout(ro, res, 1, ReadoutOptions{}); return err }, "group 1"},
		{"nil", func() error { _, err := PatternReadout(nil, res, 0, ReadoutOptions{}); return err }, "nil"},
		{"no cycles", func() error {
			r := *res
			r.CycleStarts = nil
			_, err := PatternReadout(ro, &r, 0, ReadoutOptions{})
			return err
		}, "no cycle start"},
		{"rows", func() error {
			r := *res
			r.Rates = r.Rates[:1]
			_, err := PatternReadout(ro, &r, 0, ReadoutOptions{})
			return err
		}, "1 read-out rows"},
	} {
		if err := tc.run(); err == nil || !strings.HasPrefix(err.Error(), "snnplot: ") || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err %v, want %q", tc.name, err, tc.want)
		}
	}

	w, err := ReadoutWeights(ro, net.Clusters(), HeatOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.PNG(); err != nil {
		t.Error(err)
	}
	if _, err := ReadoutWeights(nil, net.Clusters(), HeatOptions{}); err == nil {
		t.Errorf("nil read-out: no error")
	}
}
