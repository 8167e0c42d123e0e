package experiment

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/gosnn/gosnn/internal/testskip"
	"github.com/gosnn/gosnn/maesdata"
	"github.com/gosnn/gosnn/snn"
	"github.com/gosnn/gosnn/snn/analysis"
	"github.com/gosnn/gosnn/snn/snnio"
)

// smallWeights writes the weight matrix of a random 200 E + 50 I network, 5 clusters of 40,
// to dir/rand_250_nc40.npy and returns its path.
func smallWeights(t *testing.T, dir string) string {
	t.Helper()
	cfg := snn.DefaultConfig()
	cfg.NE, cfg.NI, cfg.Clusters = 200, 50, 5
	n, err := snn.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "rand_250_nc40.npy")
	if err := snnio.SaveWeights(path, n.WeightMatrix()); err != nil {
		t.Fatal(err)
	}
	return path
}

// smallPattern writes a two-element interval pattern (readout.ParseIntervals) and returns
// its path.
func smallPattern(t *testing.T, dir string) string {
	t.Helper()
	path := filepath.Join(dir, "xy.txt")
	if err := os.WriteFile(path, []byte("X 25 100\nY 100 175\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// small returns fast options of every kind, with fields changed from the defaults.
func small(t *testing.T) map[string]Options {
	dir := t.TempDir()
	w := smallWeights(t, dir)
	return map[string]Options{
		"replay":      &ReplayOptions{Weights: w, ClusterSize: 40, DurationMs: 200, Seed: 3, Threshold: "set", Order: "up"},
		"train":       &TrainOptions{Protocol: "short", Preset: "reduced", Clusters: 4, ClusterSize: 20, Order: []int{2, 0, 3, 1}, LTPGain: 1.5, IEBounds: []float64{48.7, 243}, EEBounds: []float64{1.45, 32.68}, TimeScale: 0.005, Phases: 20, Seed: 2},
		"readout":     &ReadoutOptions{Weights: w, Pattern: smallPattern(t, dir), TrainMs: 400, ReplayMs: 300, BlockMs: 2000, DeleteAtMs: 150, DeleteFrac: 0.25, ReadoutThreshold: "increment", Seed: 4},
		"bench":       &BenchOptions{Scenario: "plastic", DurationMs: 20, Seed: 5},
		"clock":       &Clock{K: 4, Size: 20, Seed: 6, LastRecordingMs: 1000, TimeScale: 0.01},
		"spontaneous": smallSpontaneous(),
		"degradation": &DegradationOptions{Weights: w, ClusterSize: 40, NE: 200, Preset: "paper", Chunks: 2, ChunkMs: 1100, Seed: 7},
		// A second replay: a hand-made control instead of a weight file (the key is not a kind).
		"replay control": &ReplayOptions{Control: "clustered", Mult: 0.1, Order: "down", DurationMs: 200, Seed: 3, Threshold: "increment"},
	}
}

// TestKinds checks that every kind has a small case here and Default gives its options.
func TestKinds(t *testing.T) {
	cases := small(t)
	if got, want := Kinds(), []string{"bench", "clock", "degradation", "readout", "replay", "spontaneous", "train"}; !reflect.DeepEqual(got, want) {
		t.Errorf("Kinds() = %v, want %v", got, want)
	}
	for _, k := range Kinds() {
		o, err := Default(k)
		if err != nil || o.Kind() != k {
			t.Errorf("Default(%q) = %v, %v", k, o, err)
		}
		if err := o.Validate(); err != nil {
			t.Errorf("Default(%q) invalid: %v", k, err)
		}
		if _, ok := cases[k]; !ok {
			t.Errorf("kind %q has no small case", k)
		}
	}
}

// TestOptionsRoundTrip: EncodeOptions then DecodeOptions gives the options back, and
// DecodeKind of the bare fields too.
func TestOptionsRoundTrip(t *testing.T) {
	keys := map[string]map[string]bool{} // by kind: the JSON keys of its cases
	nfields := map[string]int{}
	for kind, o := range small(t) {
		js, err := EncodeOptions(o)
		if err != nil {
			t.Fatal(err)
		}
		back, err := DecodeOptions(js)
		if err != nil {
			t.Fatalf("%s: %v in %s", kind, err, js)
		}
		if !reflect.DeepEqual(back, o) {
			t.Errorf("%s: decoded %+v, want %+v", kind, back, o)
		}
		var env Envelope
		if err := json.Unmarshal(js, &env); err != nil || env.Kind != o.Kind() || env.Schema != SchemaVersion {
			t.Errorf("%s: envelope %+v (%v)", kind, env, err)
		}
		if back, err := DecodeKind(o.Kind(), env.Options); err != nil || !reflect.DeepEqual(back, o) {
			t.Errorf("%s: DecodeKind %+v, %v", kind, back, err)
		}
		// The fields are flat and JSON-named: every field of the options is a key (of one
		// of the kind's cases: fields that exclude each other are omitted when empty).
		var fields map[string]any
		if err := json.Unmarshal(env.Options, &fields); err != nil {
			t.Fatal(err)
		}
		if keys[o.Kind()] == nil {
			keys[o.Kind()] = map[string]bool{}
		}
		for k := range fields {
			keys[o.Kind()][k] = true
		}
		nfields[o.Kind()] = reflect.TypeOf(o).Elem().NumField()
	}
	for kind, n := range nfields {
		if len(keys[kind]) != n {
			t.Errorf("%s: %d JSON fields for %d struct fields: %v", kind, len(keys[kind]), n, keys[kind])
		}
	}
}

// TestDecodeErrors: invalid values are refused naming the field, unknown fields naming them.
func TestDecodeErrors(t *testing.T) {
	for _, tc := range []struct {
		kind, fields, want string
	}{
		{"replay", `{"duration_ms": 0}`, "duration_ms"},
		{"replay", `{"clusters": -1}`, "clusters"},
		{"replay", `{"cluster_size": -2}`, "cluster_size"},
		{"replay", `{"ne": -1}`, "ne = -1"},
		{"replay", `{"clusters": 3, "cluster_size": 4}`, "clusters and cluster_size"},
		{"replay", `{"durationMs": 5}`, `unknown field "durationMs"`},
		{"replay", `{"threshold": "reset"}`, "threshold"},
		{"replay", `{"control": "ring"}`, `control "ring"`},
		{"replay", `{"control": "clustered", "weights": "w.npy"}`, "must not be given"},
		{"replay", `{"control": "synfire", "cluster_size": 10}`, "must not be given"},
		{"replay", `{"control": "clustered", "mult": -1}`, "mult"},
		{"replay", `{"mult": 2}`, "only for control clustered"},
		{"replay", `{"order": "sideways"}`, "order"},
		{"degradation", `{"chunks": 0}`, "chunks"},
		{"degradation", `{"chunk_ms": 1000}`, "chunk_ms"},
		{"degradation", `{"preset": "tiny"}`, "preset"},
		{"degradation", `{"clusters": 3, "cluster_size": 4}`, "clusters and cluster_size"},
		{"degradation", `{"ne": -1}`, "ne = -1"},
		{"train", `{"protocol": "long"}`, "protocol"},
		{"train", `{"preset": "tiny"}`, "preset"},
		{"train", `{"clusters": -1}`, "clusters"},
		{"train", `{"preset": "nc160", "clusters": 30}`, "nc160"},
		{"train", `{"preset": "nc160", "cluster_size": 7}`, "nc160"},
		{"train", `{"cluster_size": -1}`, "cluster_size"},
		{"train", `{"ltp_gain": -1}`, "ltp_gain"},
		{"train", `{"time_scale": 0}`, "time_scale"},
		{"train", `{"ie_bounds": [30]}`, "ie_bounds"},
		{"train", `{"ie_bounds": [150, 30]}`, "ie_bounds"},
		{"train", `{"ie_bounds": [-1, 30]}`, "ie_bounds"},
		{"train", `{"ee_bounds": [2, 1]}`, "ee_bounds"},
		{"train", `{"phases": -1}`, "phases"},
		{"train", `{"phases": 25}`, "phases = 25: want 0 (all) to 24"},
		{"train", `{"protocol": "paper", "phases": 122}`, "to 121"},
		{"train", `{"clusters": 3, "order": [0, 1]}`, "order"},
		{"train", `{"clusters": 3, "order": [0, 1, 1]}`, "order"},
		{"train", `{"seeds": 1}`, `unknown field "seeds"`},
		{"readout", `{"pattern": ""}`, "pattern"},
		{"readout", `{"ring": -1}`, "ring"},
		{"readout", `{"train_ms": -1}`, "train_ms"},
		{"readout", `{"replay_ms": 0}`, "replay_ms"},
		{"readout", `{"block_ms": 0}`, "block_ms"},
		{"readout", `{"delete_frac": 2}`, "delete_frac"},
		{"readout", `{"readout_threshold": "reset"}`, "readout_threshold"},
		{"readout", `{"trainMs": 1}`, `unknown field "trainMs"`},
		{"bench", `{"scenario": "nope"}`, `scenario "nope"`},
		{"bench", `{"duration_ms": -5}`, "duration_ms"},
		{"bench", `{"threads": 2}`, `unknown field "threads"`},
		{"nope", `{}`, `unknown kind "nope"`},
	} {
		_, err := DecodeKind(tc.kind, []byte(tc.fields))
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "experiment: ") {
			t.Errorf("%s %s: error %v, want one naming %q", tc.kind, tc.fields, err, tc.want)
		}
	}
	if _, err := DecodeOptions([]byte(`{"schema": 99, "kind": "bench"}`)); err == nil || !strings.Contains(err.Error(), "schema 99") {
		t.Errorf("newer schema: %v", err)
	}
}

// cancelHost cancels the run's context at the first progress report of a run; its own
// context is never cancelled, so that the run must stop through the context Run was given.
type cancelHost struct {
	cancel context.CancelFunc
	once   sync.Once
}

func (h *cancelHost) Context() context.Context { return context.Background() }
func (h *cancelHost) Progress(snn.Progress)    { h.once.Do(h.cancel) }

// TestCancel: a run of every kind whose context is cancelled while it runs stops with the
// context's error, well before its (long) simulated time.
func TestCancel(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the full-size network")
	}
	long := small(t)
	long["replay"].(*ReplayOptions).DurationMs = 1e7
	long["train"].(*TrainOptions).TimeScale = 100
	long["readout"].(*ReadoutOptions).TrainMs = 1e7
	long["bench"].(*BenchOptions).DurationMs = 1e7
	long["degradation"].(*DegradationOptions).ChunkMs = 1e7
	long["replay control"].(*ReplayOptions).DurationMs = 1e7
	for kind, o := range long {
		ctx, cancel := context.WithCancel(context.Background())
		h := &cancelHost{cancel: cancel}
		res, err := o.Run(ctx, Env{Dir: t.TempDir(), Threads: 1, Host: h})
		cancel()
		if !errors.Is(err, context.Canceled) || res != nil {
			t.Errorf("%s: result %v, error %v; want context.Canceled", kind, res, err)
		}
	}
}

// stable returns the JSON object of r without the fields that depend on the machine or the
// run's directory (wall and CPU times, memory, threads, paths) at any depth.
func stable(t *testing.T, r Result, drop ...string) map[string]any {
	t.Helper()
	js, err := EncodeResult(r)
	if err != nil {
		t.Fatal(err)
	}
	var env struct {
		Result map[string]any `json:"result"`
	}
	if err := json.Unmarshal(js, &env); err != nil {
		t.Fatal(err)
	}
	var clean func(v any)
	clean = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, x := range v {
				if lk := strings.ToLower(k); strings.Contains(lk, "wall") || strings.Contains(lk, "cpu") || k == "rtf" || k == "peak_rss_mb" || k == "build_seconds" || k == "threads" {
					delete(v, k)
					continue
				}
				clean(x)
			}
		case []any:
			for _, x := range v {
				clean(x)
			}
		}
	}
	clean(env.Result)
	for _, k := range drop {
		delete(env.Result, k)
	}
	return env.Result
}

// TestThreads: the result of every kind is the same with 1 and 2 worker threads.
func TestThreads(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the full-size network")
	}
	for kind, o := range small(t) {
		var got [2]map[string]any
		for i, threads := range []int{1, 2} {
			r, err := o.Run(context.Background(), Env{Dir: t.TempDir(), Threads: threads})
			if err != nil {
				t.Fatalf("%s, %d threads: %v", kind, threads, err)
			}
			if r.Kind() != o.Kind() {
				t.Errorf("%s: result of kind %q", kind, r.Kind())
			}
			got[i] = stable(t, r, "dir", "weights", "spikes")
		}
		if !reflect.DeepEqual(got[0], got[1]) {
			t.Errorf("%s: 1 thread %v\n2 threads %v", kind, got[0], got[1])
		}
	}
}

// TestTrainResume: an interrupted train run leaves snapshots that a second Run with the same
// options and directory resumes from, to a result of the same protocol (every phase, the
// full simulated time) that is reproducible (resuming a copy of the same snapshot gives the
// same result); a finished run re-run resumes every phase and gives its result again.
func TestTrainResume(t *testing.T) {
	o := small(t)["train"].(*TrainOptions)
	o.TimeScale = 0.02
	full, err := o.Run(context.Background(), Env{Dir: t.TempDir(), Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	_, err = o.Run(ctx, Env{Dir: dir, Threads: 1, Log: logFunc(func(line string) {
		if strings.HasPrefix(line, "phase 5/") {
			cancel()
		}
	})})
	cancel()
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("interrupted run: %v", err)
	}
	copyDir := t.TempDir()
	copyFiles(t, dir, copyDir)
	var results [2]*TrainResult
	for i, d := range []string{dir, copyDir} {
		r, err := o.Run(context.Background(), Env{Dir: d, Threads: 1})
		if err != nil {
			t.Fatalf("resume in %s: %v", d, err)
		}
		results[i] = r.(*TrainResult)
	}
	f, r := full.(*TrainResult), results[0]
	if r.Resumed != 5 || r.Phases != f.Phases || r.SimSeconds != f.SimSeconds || !reflect.DeepEqual(r.Order, f.Order) || r.Spikes == "" {
		t.Errorf("resumed run: %d of %d phases resumed, %v s, order %v, spikes %q; uninterrupted: %d phases, %v s, order %v",
			r.Resumed, r.Phases, r.SimSeconds, r.Order, r.Spikes, f.Phases, f.SimSeconds, f.Order)
	}
	if a, b := stable(t, results[0], "dir", "weights", "spikes"), stable(t, results[1], "dir", "weights", "spikes"); !reflect.DeepEqual(a, b) {
		t.Errorf("two resumptions of one snapshot differ:\n%v\n%v", a, b)
	}
	// A finished run resumes entirely, to the same result.
	again, err := o.Run(context.Background(), Env{Dir: dir, Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	a := again.(*TrainResult)
	if a.Resumed != a.Phases {
		t.Errorf("finished run: %d of %d phases resumed", a.Resumed, a.Phases)
	}
	if x, y := stable(t, a, "phases_resumed", "ltp_updates"), stable(t, r, "phases_resumed", "ltp_updates"); !reflect.DeepEqual(x, y) {
		t.Errorf("re-run of a finished run:\n%v\nwant\n%v", x, y)
	}
}

// logFunc is an io.Writer calling f with each line written.
type logFunc func(line string)

func (f logFunc) Write(p []byte) (int, error) {
	for _, l := range strings.Split(strings.TrimRight(string(p), "\n"), "\n") {
		f(l)
	}
	return len(p), nil
}

// copyFiles copies the regular files of dir into to.
func copyFiles(t *testing.T, dir, to string) {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		if !e.Type().IsRegular() {
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(to, e.Name()), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestTrainPhases: a training cut short after its first phases is the same training as the
// full protocol up to there: its final weights are the full run's snapshot after that phase,
// and its summary counts only those phases.
func TestTrainPhases(t *testing.T) {
	o := small(t)["train"].(*TrainOptions)
	o.TimeScale = 0.02
	const cut = 6
	full := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	_, err := o.Run(ctx, Env{Dir: full, Threads: 1, Log: logFunc(func(line string) {
		if strings.HasPrefix(line, fmt.Sprintf("phase %d/", cut)) {
			cancel()
		}
	})})
	cancel()
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("full protocol, interrupted after phase %d: %v", cut, err)
	}
	want, err := os.ReadFile(filepath.Join(full, fmt.Sprintf("weights-%04d.npy", cut)))
	if err != nil {
		t.Fatal(err)
	}
	short := *o
	short.Phases = cut
	res, err := short.Run(context.Background(), Env{Dir: t.TempDir(), Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	r := res.(*TrainResult)
	got, err := os.ReadFile(r.Weights)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("weights after %d phases differ from the full protocol's snapshot after phase %d", cut, cut)
	}
	var sim float64
	for _, ph := range o.protocol()[:cut] {
		sim += ph.DurationMs / 1000
	}
	if r.Phases != cut || r.SimSeconds != sim || math.IsNaN(float64(r.RateEHz)) {
		t.Errorf("cut-short run: %d phases, %v s simulated, E rate %v; want %d phases, %v s and the rate of its last recording",
			r.Phases, r.SimSeconds, r.RateEHz, cut, sim)
	}
}

// TestTrainNeedsDir: train refuses to run without a directory.
func TestTrainNeedsDir(t *testing.T) {
	_, err := small(t)["train"].Run(context.Background(), Env{})
	if !errors.Is(err, ErrNoDir) || !strings.Contains(err.Error(), "Env.Dir") {
		t.Errorf("error %v, want one about Env.Dir", err)
	}
}

// TestReadoutFiles: with Env.Dir, readout writes its files and report.json is the result.
func TestReadoutFiles(t *testing.T) {
	dir := t.TempDir()
	res, err := small(t)["readout"].Run(context.Background(), Env{Dir: dir, Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	r := res.(*ReadoutResult)
	if r.Clusters != 5 || r.Threshold != "increment" || r.Report == nil || r.TrainStarts != r.Report.TrainStarts || len(r.Report.Replays) != 1 || r.Report.Replays[0].Deleted == 0 {
		t.Errorf("result %+v", r)
	}
	// Both error formulas of docs/MODEL.md section 9 item 20, from the same window.
	g := r.Report.Replays[0].Groups[0]
	t.Logf("error %v, reversed rows %v", r.Error, r.ErrorReversed)
	if math.IsNaN(float64(r.Error)) != math.IsNaN(float64(r.ErrorReversed)) || !sameOpt(r.ErrorReversed, g.ErrorReversed) || !sameOpt(r.Error, g.Error) {
		t.Errorf("errors %v (reversed rows %v), pattern 0 of the report %v (%v)", r.Error, r.ErrorReversed, g.Error, g.ErrorReversed)
	}
	for _, f := range []string{"report.json", "weights.mat", "rates.mat", "e_spikes.csv"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Error(err)
		}
	}
	b, err := os.ReadFile(filepath.Join(dir, "report.json"))
	if err != nil {
		t.Fatal(err)
	}
	var onDisk ReadoutResult
	if err := json.Unmarshal(b, &onDisk); err != nil || onDisk.Report.TrainStarts != r.Report.TrainStarts || onDisk.Seed != 4 {
		t.Errorf("report.json %+v (%v)", onDisk, err)
	}
}

// sameOpt says whether a and b are equal or both NaN.
func sameOpt(a, b analysis.OptFloat) bool {
	return a == b || (math.IsNaN(float64(a)) && math.IsNaN(float64(b)))
}

// FuzzDecodeOptions: any input decodes to valid options or to an error, never a panic, and
// decoded options encode and decode to themselves.
func FuzzDecodeOptions(f *testing.F) {
	f.Add([]byte(`{"schema": 1, "kind": "replay", "options": {"duration_ms": 50, "clusters": 5}}`))
	f.Add([]byte(`{"schema": 1, "kind": "train", "options": {"order": [1, 0], "clusters": 2}}`))
	f.Add([]byte(`{"schema": 1, "kind": "readout", "options": {"delete_at_ms": -1}}`))
	f.Add([]byte(`{"kind": "bench"}`))
	f.Add([]byte(`{"schema": 2, "kind": "bench"}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		o, err := DecodeOptions(data)
		if err != nil {
			return
		}
		if err := o.Validate(); err != nil {
			t.Fatalf("decoded invalid options %+v: %v", o, err)
		}
		js, err := EncodeOptions(o)
		if err != nil {
			t.Fatal(err)
		}
		back, err := DecodeOptions(js)
		if err != nil || !reflect.DeepEqual(back, o) {
			t.Fatalf("%s: round trip %+v, %v; want %+v", js, back, err, o)
		}
	})
}

// TestBenchReadout runs the read-out scenario on the authors' matrix when it is present, and
// checks that without it the error says what is missing and how to get it.
func TestBenchReadout(t *testing.T) {
	o := &BenchOptions{Scenario: "readout", DurationMs: 50, Seed: 1}
	t.Run("absent", func(t *testing.T) {
		t.Setenv(maesdata.EnvVar, "")
		t.Setenv("XDG_DATA_HOME", t.TempDir())
		t.Chdir(t.TempDir())
		_, err := o.Run(context.Background(), Env{Threads: 1})
		if err == nil || !strings.Contains(err.Error(), "scenario readout runs on the authors' "+maesdata.Weights) || !strings.Contains(err.Error(), "gosnn data fetch") {
			t.Errorf("error %v", err)
		}
	})
	testskip.AuthorsFile(t, maesdata.Weights)
	if testing.Short() {
		t.Skip("builds the 3000-neuron network of the authors")
	}
	res, err := o.Run(context.Background(), Env{Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	r := res.(*BenchResult)
	if r.Scenario != "readout" || r.Neurons != 3000 || r.SpikesE == 0 || r.SimSeconds != 0.05 {
		t.Errorf("result %+v", r)
	}
}

// TestWithFields: fields set by JSON name, the original unchanged, unknown names and invalid
// values refused naming them.
func TestWithFields(t *testing.T) {
	base := DefaultTrainOptions()
	o, err := WithFields(base, map[string]any{"seed": 7, "preset": "reduced", "order": []int{1, 0}, "clusters": 2, "time_scale": 0.5})
	if err != nil {
		t.Fatal(err)
	}
	want := DefaultTrainOptions()
	want.Seed, want.Preset, want.Order, want.Clusters, want.TimeScale = 7, "reduced", []int{1, 0}, 2, 0.5
	if !reflect.DeepEqual(o, want) {
		t.Errorf("got %+v, want %+v", o, want)
	}
	if !reflect.DeepEqual(base, DefaultTrainOptions()) {
		t.Errorf("the base changed: %+v", base)
	}
	big := DefaultReplayOptions()
	big.Seed = 1<<60 + 1
	if o, err := WithFields(big, map[string]any{"ne": 100}); err != nil || o.(*ReplayOptions).Seed != big.Seed || o.(*ReplayOptions).NE != 100 {
		t.Errorf("large seed: %+v, %v", o, err)
	}
	for _, tc := range []struct {
		fields map[string]any
		want   string
	}{
		{map[string]any{"Seed": 1}, `no field "Seed"`},
		{map[string]any{"clusters": -1}, "clusters = -1"},
		{map[string]any{"seed": "two"}, "seed"},
	} {
		if _, err := WithFields(base, tc.fields); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: error %v, want %q", tc.fields, err, tc.want)
		}
	}
}

// TestReplaySpikesFile checks that a replay run with a directory writes its E spikes there,
// as many as it counted, and none without one.
func TestReplaySpikesFile(t *testing.T) {
	o := small(t)["replay"].(*ReplayOptions)
	dir := t.TempDir()
	res, err := o.Run(context.Background(), Env{Dir: dir, Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	sp, err := snnio.LoadSpikes(filepath.Join(dir, "spikes.csv"))
	if err != nil {
		t.Fatal(err)
	}
	r := res.(*ReplayResult)
	ne := r.Clusters * r.ClusterSize
	want := int(math.Round(r.RateEHz * float64(ne) * r.SimSeconds))
	if sp.Len() == 0 || sp.Len() != want {
		t.Errorf("spikes.csv has %d spikes, the run counted %d E spikes", sp.Len(), want)
	}
	for _, n := range sp.Neuron {
		if int(n) >= ne {
			t.Fatalf("spikes.csv holds neuron %d, not an E neuron (%d)", n, ne)
		}
	}
}

// TestReplayThreshold: the replay's threshold option selects the E neurons' threshold rule
// (the rules themselves: snn.TestThresholdModes), "set" by default.
func TestReplayThreshold(t *testing.T) {
	for _, tt := range []struct {
		threshold string
		want      snn.ThresholdMode
	}{{"", snn.ThresholdSet}, {"set", snn.ThresholdSet}, {"increment", snn.ThresholdIncrement}} {
		o := &ReplayOptions{Threshold: tt.threshold, DurationMs: 1}
		if err := o.Validate(); err != nil {
			t.Fatal(err)
		}
		cfg := snn.DefaultConfig()
		cfg.E.Threshold = snn.ThresholdMode(-1)
		o.configure(&cfg)
		if cfg.E.Threshold != tt.want || cfg.I != snn.DefaultConfig().I {
			t.Errorf("threshold %q: E rule %v, I %+v; want %v, I unchanged", tt.threshold, cfg.E.Threshold, cfg.I, tt.want)
		}
	}
}

// TestClockResume: a clock run interrupted part-way resumes in the same directory after its
// last finished phase, and a finished run run again resumes every phase and gives the same
// result, replay summary (step, active fraction) included; a run with another EEWeight into
// that directory is refused.
func TestClockResume(t *testing.T) {
	o := &Clock{K: 4, Size: 20, Seed: 3, LastRecordingMs: 4000, TimeScale: 0.05}
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	var lines []string
	_, err := o.Run(ctx, Env{Dir: dir, Threads: 1, Log: logFunc(func(line string) {
		lines = append(lines, line)
		if strings.HasPrefix(line, "phase 5/") {
			cancel()
		}
	})})
	cancel()
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("interrupted run: %v (log %q)", err, lines)
	}
	var log bytes.Buffer
	first, err := o.Run(context.Background(), Env{Dir: dir, Threads: 1, Log: &log})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(log.String(), "resumed after phase 5 of 24") || strings.Contains(log.String(), "phase 5/24") {
		t.Errorf("resumed run's log, want it to resume after phase 5 and not redo it:\n%s", log.String())
	}
	again, err := o.Run(context.Background(), Env{Dir: dir, Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	a, b := stable(t, first), stable(t, again)
	if !reflect.DeepEqual(a, b) {
		t.Errorf("a finished run resumed entirely differs:\n%v\n%v", a, b)
	}
	if first.(ClockResult).Active == 0 && first.(ClockResult).Transitions > 0 {
		t.Errorf("active fraction 0 with %d transitions", first.(ClockResult).Transitions)
	}
	// Another initial E→E weight is another training: its directory is not resumed.
	heavier := *o
	heavier.EEWeight = 2 * snn.ReducedConfig(4, 20).EtoE.W
	if _, err := heavier.Run(context.Background(), Env{Dir: dir, Threads: 1}); err == nil || !strings.Contains(err.Error(), "another protocol or network") {
		t.Errorf("a run with another EEWeight into the directory: err = %v, want a refusal", err)
	}
}

// TestTrainIEBounds checks that ie_bounds and ee_bounds replace the preset's I→E and E→E
// bounds (E→E in vSTDP and normalisation alike) and that without them each preset keeps its own.
func TestTrainIEBounds(t *testing.T) {
	tests := []struct {
		fields       string
		min, max     float64
		eeMin, eeMax float64
	}{
		{`{}`, 48.7, 243, 1.45, 32.68},
		{`{"preset": "nc160"}`, 40, 200, 1.45, 32.68},
		{`{"ie_bounds": [29.8, 148.8]}`, 29.8, 148.8, 1.45, 32.68},
		{`{"preset": "nc160", "ie_bounds": [10, 20], "ee_bounds": [0.9, 30]}`, 10, 20, 0.9, 30},
	}
	for _, tt := range tests {
		o, err := DecodeKind("train", []byte(tt.fields))
		if err != nil {
			t.Fatalf("%s: %v", tt.fields, err)
		}
		st := o.(*TrainOptions).setup(1)
		if st.IE.WMin != tt.min || st.IE.WMax != tt.max {
			t.Errorf("%s: I→E bounds %v, %v; want %v, %v", tt.fields, st.IE.WMin, st.IE.WMax, tt.min, tt.max)
		}
		if st.EE.WMin != tt.eeMin || st.EE.WMax != tt.eeMax || st.Norm.WMin != tt.eeMin || st.Norm.WMax != tt.eeMax {
			t.Errorf("%s: E→E bounds %v, %v (normalisation %v, %v); want %v, %v", tt.fields, st.EE.WMin, st.EE.WMax, st.Norm.WMin, st.Norm.WMax, tt.eeMin, tt.eeMax)
		}
	}
}
