package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/gosnn/gosnn/internal/dirlock"
	"github.com/gosnn/gosnn/internal/testskip"
	"github.com/gosnn/gosnn/snn"
	"github.com/gosnn/gosnn/snn/experiment"
	"github.com/gosnn/gosnn/snn/snnio"
	"gonum.org/v1/gonum/mat"
)

func TestReplayFlags(t *testing.T) {
	hideAuthorsData(t)
	dir := t.TempDir()
	noName := filepath.Join(dir, "w.npy")
	if err := snnio.SaveWeights(noName, smallWeights(t)); err != nil {
		t.Fatal(err)
	}
	// Bad entries: the error names the file as well as the entry.
	nan, neg := filepath.Join(dir, "nan.npy"), filepath.Join(dir, "neg.npy")
	for path, x := range map[string]float64{nan: math.NaN(), neg: -0.5} {
		w := smallWeights(t)
		w.Set(3, 7, x)
		if err := snnio.SaveWeights(path, w); err != nil {
			t.Fatal(err)
		}
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
		{[]string{"--weights", noName}, 1, "--clusters K or --cluster-size M"},
		{[]string{"--weights", noName, "--cluster-size", "7"}, 1, "does not divide"},
		{[]string{"--weights", noName, "--clusters", "7"}, 1, "does not divide"},
		{[]string{"--weights", noName, "--ne", "500"}, 1, "exceeds the matrix size"},
		{[]string{"--weights", nan, "--clusters", "5"}, 1, nan + ": snn: NewFromWeights: weight[3][7] = NaN"},
		{[]string{"--weights", neg, "--clusters", "5"}, 1, neg + ": snn: NewFromWeights: weight[3][7] = -0.5"},
		{[]string{"--control", "ring"}, 2, `--control "ring": want clustered or synfire`},
		{[]string{"--control", "clustered", "--weights", noName}, 2, "must not be given"},
		{[]string{"--control", "synfire", "--mult", "2"}, 2, "--mult = 2: only for control clustered"},
		{[]string{"--control", "synfire", "--order", "left"}, 2, `--order "left"`},
	} {
		var out, errb bytes.Buffer
		if code := replayCmd(tc.args, &out, &errb); code != tc.code || !strings.Contains(errb.String(), tc.msg) {
			t.Errorf("%v: exit %d, stderr %q; want %d and %q", tc.args, code, errb.String(), tc.code, tc.msg)
		}
	}
}

// TestReplayControl: gosnn exp replay --control runs a hand-made control without a weight
// file (the authors' data hidden) and names it in the table.
func TestReplayControl(t *testing.T) {
	hideAuthorsData(t)
	var out, errb bytes.Buffer
	if code := replayCmd([]string{"--control", "synfire", "--duration", "600ms", "--seed", "2", "--threads", "1"}, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	for _, want := range []string{"control synfire", "clusters           12 of 10", "(order up; "} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("table %q: want %q", out.String(), want)
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
	if err := snnio.SaveWeights(path, smallWeights(t)); err != nil {
		t.Fatal(err)
	}
	var out, errb bytes.Buffer
	if code := replayCmd([]string{"--weights", path, "--duration", "200ms", "--json", "--threads", "1"}, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	var r experiment.ReplayResult
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

// authorsFile returns the path of a file of the authors' data found by maesdata.Find, and
// skips the test when it is absent (third-party data, never committed; docs/MODEL.md Appendix A).
func authorsFile(t *testing.T, name string) string {
	t.Helper()
	return testskip.AuthorsFile(t, name)
}

// TestReplayA7Command runs the command on the authors' matrix when it is present.
func TestReplayA7Command(t *testing.T) {
	path := authorsFile(t, "FF60b_2400_nc160.mat")
	if testing.Short() {
		t.Skip("long: 3 s of the full network")
	}
	var out, errb bytes.Buffer
	if code := replayCmd([]string{"--weights", path, "--duration", "3s", "--json"}, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	var r experiment.ReplayResult
	if err := json.Unmarshal(out.Bytes(), &r); err != nil {
		t.Fatal(err)
	}
	if r.Clusters != 15 || r.InOrderFraction < 0.9 || r.PeriodMs < 300 || r.PeriodMs > 390 {
		t.Errorf("record %+v", r)
	}
}

func TestTrainFlags(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "f")
	if err := os.WriteFile(file, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{}, 2, "--out DIR is required"},
		{[]string{"--out", dir, "--protocol", "long"}, 2, "want paper or short"},
		{[]string{"--out", dir, "--preset", "tiny"}, 2, "want paper, reduced or nc160"},
		{[]string{"--out", dir, "--threads", "-1"}, 2, "must be"},
		{[]string{"--out", dir, "--clusters", "-3"}, 2, "must be > 0"},
		{[]string{"--out", dir, "--time-scale", "0"}, 2, "--time-scale"},
		{[]string{"--out", dir, "--ltp-gain", "NaN"}, 2, "--ltp-gain"},
		{[]string{"--out", dir, "--order", "0,x"}, 2, "not a cluster index"},
		{[]string{"--out", dir, "--ie-bounds", "30,x"}, 2, "--ie-bounds"},
		{[]string{"--out", dir, "--ie-bounds", "30"}, 2, "--ie-bounds = [30]"},
		{[]string{"--out", dir, "--ee-bounds", "1,x"}, 2, "--ee-bounds"},
		{[]string{"--out", dir, "--preset", "reduced", "--order", "0,30"}, 2, "out of range"},
		{[]string{"--out", dir, "--order", "0,1,2"}, 2, "permutation of all 30"},
		{[]string{"--out", dir, "--order", "1,1"}, 2, "repeated"},
		{[]string{"--out", dir, "--preset", "nc160", "--clusters", "30"}, 2, "preset nc160: 30 clusters of 160"},
		{[]string{"--out", dir, "--preset", "nc160", "--order", "0,1,2"}, 2, "permutation of all 15"},
		{[]string{"--out", dir, "more"}, 2, "unexpected argument"},
		{[]string{"--out", file, "--time-scale", "0.0001"}, 1, "gosnn exp train: "},
	} {
		var out, errb bytes.Buffer
		if code := trainCmd(tc.args, &out, &errb); code != tc.code || !strings.Contains(errb.String(), tc.msg) {
			t.Errorf("%v: exit %d, stderr %q; want %d and %q", tc.args, code, errb.String(), tc.code, tc.msg)
		}
	}
}

// TestTrainShort runs the short protocol, time-scaled, on the reduced preset with a permuted
// order, checks the summary and the files in DIR, that a second run resumes everything, and
// that gosnn exp replay reads the weights.
func TestTrainShort(t *testing.T) {
	dir := t.TempDir()
	args := []string{"--preset", "reduced", "--clusters", "4", "--cluster-size", "20", "--order", "2,0,3,1",
		"--time-scale", "0.005", "--threads", "1", "--out", dir, "--json"}
	var out, errb bytes.Buffer
	if code := trainCmd(args, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	var r map[string]any
	if err := json.Unmarshal(out.Bytes(), &r); err != nil {
		t.Fatal(err)
	}
	if r["clusters"].(float64) != 4 || r["neurons"].(float64) != 100 || r["phases"].(float64) != 24 || r["phases_resumed"].(float64) != 0 {
		t.Errorf("record %v", r)
	}
	if d := r["sim_seconds"].(float64) - 188*0.005; d > 1e-9 || d < -1e-9 {
		t.Errorf("sim_seconds %v, want 0.94", r["sim_seconds"])
	}
	if !strings.Contains(errb.String(), "phase 24/24") {
		t.Errorf("no progress for the last phase on stderr: %q", errb.String())
	}
	w, err := snnio.LoadWeights(r["weights"].(string))
	if err != nil {
		t.Fatal(err)
	}
	if n, m := w.Dims(); n != 100 || m != 100 {
		t.Errorf("saved matrix %d×%d", n, m)
	}
	if size, ok := snnio.ClusterSizeFromName(r["weights"].(string)); !ok || size != 20 {
		t.Errorf("weights file name %s does not give the cluster size", r["weights"])
	}
	for _, name := range []string{"summary.json", "state.json", "spikes.csv", "weights-0024.npy", "blocks-0024.npy"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			t.Errorf("missing %s: %v", name, err)
		}
	}
	// Resume: nothing is left to do; the table form.
	out.Reset()
	errb.Reset()
	if code := trainCmd(args[:len(args)-1], &out, &errb); code != 0 || !strings.Contains(out.String(), "24 resumed") || !strings.Contains(errb.String(), "resumed after phase 24") {
		t.Errorf("resume: exit %d, out %q, err %q", code, out.String(), errb.String())
	}
	out.Reset()
	if code := replayCmd([]string{"--weights", r["weights"].(string), "--duration", "50ms", "--json"}, &out, &errb); code != 0 {
		t.Errorf("exp replay on the trained weights: exit %d: %s", code, errb.String())
	}
}

// FuzzTrainFlags: any --order value gives a clean exit code (no panic) and never runs.
func FuzzTrainFlags(f *testing.F) {
	for _, s := range []string{"0,1,2", "", "x", "1,,2", "-1", "2,1,0", "99999999999999999999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, order string) {
		var errb bytes.Buffer
		fl, code := parseTrainFlags([]string{"--out", t.TempDir(), "--clusters", "3", "--order", order}, &errb)
		if fl == nil && code != 2 && code != 0 {
			t.Fatalf("order %q: code %d", order, code)
		}
		if fl != nil && fl.opts.Order != nil && len(fl.opts.Order) != 3 {
			t.Fatalf("order %q accepted as %v", order, fl.opts.Order)
		}
	})
}

// TestTrainResumeAfterFinalWrite simulates a run killed with SIGKILL while it wrote its final
// weights, after the protocol was done: the directory holds the last snapshot, no
// trained_*.npy, spikes.csv or summary.json, and the writers' temporary files. The rerun
// must remove the temporaries and write all three, spikes included (they used to be lost:
// the resumed recording had no spikes).
func TestTrainResumeAfterFinalWrite(t *testing.T) {
	dir := t.TempDir()
	args := []string{"--preset", "reduced", "--clusters", "4", "--cluster-size", "20",
		"--time-scale", "0.05", "--threads", "1", "--out", dir, "--json"}
	var out, errb bytes.Buffer
	if code := trainCmd(args, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	spikes, err := os.ReadFile(filepath.Join(dir, "spikes.csv"))
	if err != nil || strings.Count(string(spikes), "\n") < 2 {
		t.Fatalf("first run: spikes.csv %d bytes, %v", len(spikes), err)
	}
	weights, _ := filepath.Glob(filepath.Join(dir, "trained_*.npy"))
	if len(weights) != 1 {
		t.Fatalf("trained weights: %v", weights)
	}
	for _, p := range []string{weights[0], filepath.Join(dir, "spikes.csv"), filepath.Join(dir, "summary.json")} {
		if err := os.Remove(p); err != nil {
			t.Fatal(err)
		}
	}
	temps := []string{"." + filepath.Base(weights[0]) + ".tmp-123456", ".state.json.tmp-42", ".summary.json.tmp777"}
	for _, n := range temps {
		if err := os.WriteFile(filepath.Join(dir, n), []byte("partial"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	out.Reset()
	errb.Reset()
	if code := trainCmd(args, &out, &errb); code != 0 {
		t.Fatalf("rerun: exit %d: %s", code, errb.String())
	}
	var r trainSummary
	if err := json.Unmarshal(out.Bytes(), &r); err != nil {
		t.Fatal(err)
	}
	if r.Resumed != r.Phases || r.Spikes != filepath.Join(dir, "spikes.csv") {
		t.Errorf("rerun summary: %d of %d phases resumed, spikes %q", r.Resumed, r.Phases, r.Spikes)
	}
	if again, err := os.ReadFile(filepath.Join(dir, "spikes.csv")); err != nil || !bytes.Equal(again, spikes) {
		t.Errorf("rerun spikes.csv: %d bytes (%v), want the first run's %d", len(again), err, len(spikes))
	}
	var onDisk map[string]any
	if b, err := os.ReadFile(filepath.Join(dir, "summary.json")); err != nil || json.Unmarshal(b, &onDisk) != nil || onDisk["spikes"] == nil {
		t.Errorf("summary.json %v without spikes (%v)", onDisk, err)
	}
	if _, err := os.Stat(weights[0]); err != nil {
		t.Errorf("weights not rewritten: %v", err)
	}
	for _, n := range temps {
		if _, err := os.Stat(filepath.Join(dir, n)); !os.IsNotExist(err) {
			t.Errorf("stale temporary %s still there (%v)", n, err)
		}
	}
	if !strings.Contains(errb.String(), "removed 3 temporary file(s)") {
		t.Errorf("stderr does not report the removed temporaries: %q", errb.String())
	}
}

// TestExpOutDirLocked checks that a run into a directory another run holds fails at once,
// naming the holder, and leaves the directory alone (issue 13: two runs into one --out both
// exited 0, one silently overwriting the other).
func TestExpOutDirLocked(t *testing.T) {
	dir := t.TempDir()
	stale := filepath.Join(dir, ".state.json.tmp-1")
	if err := os.WriteFile(stale, []byte("owned by the live run"), 0o644); err != nil {
		t.Fatal(err)
	}
	lock, err := dirlock.Acquire(dir, "gosnn exp train --seed 1")
	if err != nil {
		t.Fatal(err)
	}
	defer lock.Release()
	w := filepath.Join(t.TempDir(), "w_250_nc40.npy")
	if err := snnio.SaveWeights(w, smallWeights(t)); err != nil {
		t.Fatal(err)
	}
	want := fmt.Sprintf("gosnn: %s is in use by pid %d (gosnn exp train --seed 1, started ", dir, os.Getpid())
	for name, run := range map[string]func(stdout, stderr *bytes.Buffer) int{
		"train": func(o, e *bytes.Buffer) int {
			return trainCmd([]string{"--preset", "reduced", "--clusters", "4", "--cluster-size", "20", "--time-scale", "0.005", "--seed", "2", "--out", dir}, o, e)
		},
		"readout": func(o, e *bytes.Buffer) int {
			return readoutCmd([]string{"--weights", w, "--out", dir}, o, e)
		},
	} {
		var out, errb bytes.Buffer
		if code := run(&out, &errb); code != 1 || !strings.Contains(errb.String(), want) {
			t.Errorf("%s: exit %d, stderr %q; want 1 and %q", name, code, errb.String(), want)
		}
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 2 {
		t.Errorf("the refused runs wrote into %s: %v", dir, ents)
	}
	if _, err := os.Stat(stale); err != nil {
		t.Errorf("the live run's temporary file was removed: %v", err)
	}
}

// TestExpRun runs an options file with gosnn exp run (from a file and from stdin) and checks
// the result envelope, and that bad files are refused naming the problem.
func TestExpRun(t *testing.T) {
	dir := t.TempDir()
	w := filepath.Join(dir, "rand_250_nc40.npy")
	if err := snnio.SaveWeights(w, smallWeights(t)); err != nil {
		t.Fatal(err)
	}
	o := experiment.DefaultReplayOptions()
	o.Weights, o.DurationMs = w, 100
	js, err := experiment.EncodeOptions(o)
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "replay.json")
	if err := os.WriteFile(file, js, 0o644); err != nil {
		t.Fatal(err)
	}
	var results []map[string]any
	for _, args := range [][]string{{"--threads", "1", file}, {"--threads", "1", "-"}} {
		var out, errb bytes.Buffer
		if code := expRunCmd(args, bytes.NewReader(js), &out, &errb); code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, errb.String())
		}
		var env struct {
			Schema int            `json:"schema"`
			Kind   string         `json:"kind"`
			Result map[string]any `json:"result"`
		}
		if err := json.Unmarshal(out.Bytes(), &env); err != nil {
			t.Fatalf("%v: %v in %s", args, err, out.String())
		}
		if env.Schema != experiment.SchemaVersion || env.Kind != "replay" || env.Result["clusters"] != 5.0 || env.Result["sim_seconds"] != 0.1 {
			t.Errorf("%v: envelope %+v", args, env)
		}
		delete(env.Result, "wall_seconds")
		results = append(results, env.Result)
	}
	if !reflect.DeepEqual(results[0], results[1]) {
		t.Errorf("file and stdin give different results:\n%v\n%v", results[0], results[1])
	}
	train := filepath.Join(dir, "train.json")
	if err := os.WriteFile(train, []byte(`{"schema": 1, "kind": "train", "options": {"preset": "reduced", "clusters": 4}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(dir, "bad.json")
	if err := os.WriteFile(bad, []byte(`{"schema": 1, "kind": "replay", "options": {"duration": 5}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args []string
		code int
		msg  string
	}{
		{nil, 2, "give one options file"},
		{[]string{filepath.Join(dir, "missing.json")}, 1, "missing.json"},
		{[]string{bad}, 2, `unknown field "duration"`},
		{[]string{"--threads", "-1", file}, 2, "--threads -1"},
		{[]string{file, file}, 2, "unexpected argument"},
		{[]string{train}, 2, "give --out DIR"},
	} {
		var out, errb bytes.Buffer
		if code := expRunCmd(tc.args, strings.NewReader(""), &out, &errb); code != tc.code || !strings.Contains(errb.String(), tc.msg) {
			t.Errorf("%v: exit %d, stderr %q; want %d and %q", tc.args, code, errb.String(), tc.code, tc.msg)
		}
	}
}
