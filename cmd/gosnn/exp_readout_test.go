package main

import (
	"bytes"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gosnn/gosnn/snn/snnio"
)

func TestReadoutFlags(t *testing.T) {
	hideAuthorsData(t)
	for _, tc := range []struct {
		args []string
		code int
		msg  string
	}{
		{nil, 2, "--weights FILE is required"},
		{[]string{"--weights", "x.mat", "--pattern", "song"}, 2, "needs --wav"},
		{[]string{"--weights", "x.mat", "--train", "soon"}, 2, "--train"},
		{[]string{"--weights", "x.mat", "--delete-frac", "2"}, 2, "--delete-frac"},
		{[]string{"--weights", "x.mat", "--ring", "-1"}, 2, "must be >= 0"},
		{[]string{"--weights", "x.mat", "--readout-threshold", "reset"}, 2, "want set or increment"},
		{[]string{"--weights", "x.mat", "extra"}, 2, "unexpected argument"},
		{[]string{"--weights", filepath.Join(t.TempDir(), "missing.mat")}, 1, "missing.mat"},
	} {
		var out, errb bytes.Buffer
		if code := readoutCmd(tc.args, &out, &errb); code != tc.code || !strings.Contains(errb.String(), tc.msg) {
			t.Errorf("%v: exit %d, stderr %q; want %d and %q", tc.args, code, errb.String(), tc.code, tc.msg)
		}
	}
}

// TestReadoutSmall runs a short read-out experiment end to end on a small random matrix with
// a pattern given as an interval file, and checks the JSON report and the saved files. (A
// random network has no clock; the acceptance figures are measured on the authors' matrix.)
func TestReadoutSmall(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "rand_250_nc40.npy")
	if err := snnio.SaveWeights(path, smallWeights(t)); err != nil {
		t.Fatal(err)
	}
	pat := filepath.Join(dir, "xy.txt")
	if err := os.WriteFile(pat, []byte("X 25 100\nY 100 175\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out")
	var stdout, stderr bytes.Buffer
	code := readoutCmd([]string{"--weights", path, "--pattern", pat, "--train", "400ms", "--replay", "300ms",
		"--delete-at", "150ms", "--threads", "1", "--out", out, "--json"}, &stdout, &stderr)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	var res readoutOutput
	if err := json.Unmarshal(stdout.Bytes(), &res); err != nil {
		t.Fatalf("%v in %s", err, stdout.String())
	}
	r := res.Report
	if res.Threshold != "set" {
		t.Errorf("default threshold rule recorded as %q, want set", res.Threshold)
	}
	if res.Clusters != 5 || r.NumReadouts != 2 || len(r.Groups) != 1 || len(r.Replays) != 1 {
		t.Fatalf("report %+v", r)
	}
	if g := r.Groups[0]; strings.Join(g.Elements, "") != "XY" || strings.Join(g.Expected, "") != "XY" {
		t.Errorf("elements %v expected %v", g.Elements, g.Expected)
	}
	if r.Replays[0].Deleted <= 0 {
		t.Errorf("no weight deleted (%d)", r.Replays[0].Deleted)
	}
	if len(r.StartTimes) != r.TrainStarts || len(r.StartGroups) != r.TrainStarts {
		t.Errorf("%d training starts, %d start times, %d start groups", r.TrainStarts, len(r.StartTimes), len(r.StartGroups))
	}
	for _, f := range []string{"report.json", "weights.mat", "rates.mat", "e_spikes.csv"} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Error(err)
		}
	}
	mf, err := snnio.ReadMatFile(filepath.Join(out, "weights.mat"))
	if err != nil {
		t.Fatal(err)
	}
	v, ok := mf.Var("W")
	if !ok || v.Rows != 2 || v.Cols != 200 {
		t.Fatalf("weights.mat: W %v %d×%d", ok, v.Rows, v.Cols)
	}
	// weights.mat holds the trained weights: the replay's deletion does not stay.
	for j, want := range r.Groups[0].MeanWeight {
		sum := 0.0
		for i := 0; i < v.Cols; i++ {
			sum += v.Data[j*v.Cols+i] // row-major
		}
		if got := sum / float64(v.Cols); math.Abs(got-want) > 1e-9*math.Max(1, want) {
			t.Errorf("weights.mat row %d: mean %v, the report's trained mean %v", j, got, want)
		}
	}
	csv, err := os.ReadFile(filepath.Join(out, "e_spikes.csv"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(csv)), "\n")
	if lines[0] != "time_ms,neuron" || len(lines) < 2 {
		t.Errorf("e_spikes.csv: %d lines, header %q", len(lines), lines[0])
	}
	// The table output mentions the error and the orders.
	stdout.Reset()
	code = readoutCmd([]string{"--weights", path, "--pattern", "two", "--train", "300ms", "--replay", "200ms", "--threads", "1"}, &stdout, &stderr)
	if code != 0 || !strings.Contains(stdout.String(), "pattern 1: error") || !strings.Contains(stdout.String(), "replay (selected 1)") {
		t.Errorf("exit %d, table:\n%s\nstderr %s", code, stdout.String(), stderr.String())
	}
}
