package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gosnn/gosnn/snn"
	"gonum.org/v1/gonum/mat"
)

func TestReplayFlags(t *testing.T) {
	dir := t.TempDir()
	noName := filepath.Join(dir, "w.npy")
	if err := snn.SaveWeights(noName, smallWeights(t)); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args []string
		code int
		msg  string
	}{
		{nil, 2, "--weights FILE is required"},
		{[]string{"--weights", "x.mat", "--clusters", "3", "--cluster-size", "4"}, 2, "not both"},
		{[]string{"--weights", "x.mat", "--duration", "soon"}, 2, "is not a duration"},
		{[]string{"--weights", "x.mat", "--clusters", "-1"}, 2, "must be >= 0"},
		{[]string{"--weights", filepath.Join(dir, "missing.mat")}, 1, "missing.mat"},
		{[]string{"--weights", noName}, 1, "give --clusters K or --cluster-size M"},
		{[]string{"--weights", noName, "--cluster-size", "7"}, 1, "does not divide"},
		{[]string{"--weights", noName, "--clusters", "7"}, 1, "does not divide"},
		{[]string{"--weights", noName, "--ne", "500"}, 1, "exceeds the matrix size"},
	} {
		var out, errb bytes.Buffer
		if code := replayCmd(tc.args, &out, &errb); code != tc.code || !strings.Contains(errb.String(), tc.msg) {
			t.Errorf("%v: exit %d, stderr %q; want %d and %q", tc.args, code, errb.String(), tc.code, tc.msg)
		}
	}
}

// smallWeights is a 200 E + 50 I random network's matrix.
func smallWeights(t *testing.T) *mat.Dense {
	cfg := snn.DefaultConfig()
	cfg.NE, cfg.NI, cfg.Clusters = 200, 50, 5
	n, err := snn.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return n.WeightMatrix()
}

// TestReplaySmall runs the replay experiment on a small random matrix whose file name gives
// the cluster size, and checks the record (a random network does not replay; only the
// bookkeeping is checked here, A7 is tested in package snn).
func TestReplaySmall(t *testing.T) {
	path := filepath.Join(t.TempDir(), "rand_250_nc40.npy")
	if err := snn.SaveWeights(path, smallWeights(t)); err != nil {
		t.Fatal(err)
	}
	var out, errb bytes.Buffer
	if code := replayCmd([]string{"--weights", path, "--duration", "200ms", "--json", "--threads", "1"}, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	var r replayResult
	if err := json.Unmarshal(out.Bytes(), &r); err != nil {
		t.Fatal(err)
	}
	if r.Clusters != 5 || r.ClusterSize != 40 || r.Neurons != 250 || r.SimSeconds != 0.2 || r.RateEHz <= 0 || r.RateIHz <= 0 {
		t.Errorf("record %+v", r)
	}
	out.Reset()
	if code := replayCmd([]string{"--weights", path, "--duration", "50ms", "--clusters", "10"}, &out, &errb); code != 0 || !strings.Contains(out.String(), "clusters           10 of 20") {
		t.Errorf("exit %d, table %q, stderr %q", code, out.String(), errb.String())
	}
}

// TestReplayA7Command runs the command on the authors' matrix when it is present.
func TestReplayA7Command(t *testing.T) {
	path := filepath.Join("..", "..", "..", "shared", "data", "maes2020", "FF60b_2400_nc160.mat")
	if _, err := os.Stat(path); err != nil {
		t.Skipf("authors' data file %s is absent (ModelDB 257609; see MODEL.md Appendix A)", path)
	}
	if testing.Short() {
		t.Skip("long: 3 s of the full network")
	}
	var out, errb bytes.Buffer
	if code := replayCmd([]string{"--weights", path, "--duration", "3s", "--json"}, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	var r replayResult
	if err := json.Unmarshal(out.Bytes(), &r); err != nil {
		t.Fatal(err)
	}
	if r.Clusters != 15 || r.InOrderFraction < 0.9 || r.PeriodMs < 300 || r.PeriodMs > 390 {
		t.Errorf("record %+v", r)
	}
}

func TestTrainFlags(t *testing.T) {
	for _, tc := range []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"--duration", "x"}, 2, "is not a duration"},
		{[]string{"--spontaneous", "-1s"}, 2, "must be > 0"},
		{[]string{"--threads", "-1"}, 2, "must be >= 0"},
		{[]string{"--duration", "10ms", "--out", filepath.Join(t.TempDir(), "w.xyz")}, 1, "unknown weight file extension"},
		{[]string{"--duration", "10ms", "--out", filepath.Join(t.TempDir(), "no", "dir", "w.npy")}, 1, "cannot save weights"},
		{[]string{"more"}, 2, "unexpected argument"},
	} {
		var out, errb bytes.Buffer
		if code := trainCmd(tc.args, &out, &errb); code != tc.code || !strings.Contains(errb.String(), tc.msg) {
			t.Errorf("%v: exit %d, stderr %q; want %d and %q", tc.args, code, errb.String(), tc.code, tc.msg)
		}
	}
}

// TestTrainShort runs a short training, saves the weights atomically and checks the record:
// normalisation keeps every E→E row mean near 2.83 (A5), and the saved matrix loads back.
func TestTrainShort(t *testing.T) {
	path := filepath.Join(t.TempDir(), "trained.npy")
	var out, errb bytes.Buffer
	if code := trainCmd([]string{"--duration", "100ms", "--spontaneous", "50ms", "--out", path, "--json"}, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	var r map[string]any
	if err := json.Unmarshal(out.Bytes(), &r); err != nil {
		t.Fatal(err)
	}
	if r["sim_seconds"].(float64) != 0.15 || r["clusters"].(float64) != 30 {
		t.Errorf("record %v", r)
	}
	lo, hi := r["ee_row_mean_min"].(float64), r["ee_row_mean_max"].(float64)
	if lo < 2.83*0.99 || hi > 2.83*1.01 {
		t.Errorf("E→E row means %v … %v, want within 1 %% of 2.83", lo, hi)
	}
	w, err := snn.LoadWeights(path)
	if err != nil {
		t.Fatal(err)
	}
	if n, m := w.Dims(); n != 3000 || m != 3000 {
		t.Errorf("saved matrix %d×%d", n, m)
	}
	out.Reset()
	if code := trainCmd([]string{"--duration", "20ms"}, &out, &errb); code != 0 || !strings.Contains(out.String(), "E→E means") {
		t.Errorf("table: exit %d %q", code, out.String())
	}
}
