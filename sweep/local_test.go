package sweep

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gosnn/gosnn/internal/cpustat"
	"github.com/gosnn/gosnn/internal/testskip"
)

func TestMain(m *testing.M) {
	code := testskip.Run(m)
	if binDir != "" {
		os.RemoveAll(binDir)
	}
	os.Exit(code)
}

// smallSpec is a grid of small spontaneous networks: 2 sizes × seeds.
func smallSpec(seeds ...any) Spec {
	return Spec{
		Kind:    "spontaneous",
		Options: []byte(`{"NI": 20, "Clusters": 4, "DurationMs": 200}`),
		Params:  []Param{Values("NE", 80, 160)},
		Seeds:   &Param{Name: "Seed", Values: Values("Seed", seeds...).Values},
	}
}

// results returns the result files of every task, by task id.
func results(t *testing.T, s *Sweep) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, task := range s.Tasks {
		b, err := os.ReadFile(filepath.Join(s.TaskDir(task), resultFile))
		if err != nil {
			t.Fatalf("task %d: %v", task.Index, err)
		}
		out[task.ID] = string(b)
	}
	return out
}

// TestLocalRunResume runs a sweep, reruns it (nothing is run again), and checks that a
// second directory gives the same results, that Collect tabulates them and that Summary
// averages over the seeds.
func TestLocalRunResume(t *testing.T) {
	dir := t.TempDir()
	s, err := Prepare(smallSpec(1, 2, 3), dir)
	if err != nil {
		t.Fatal(err)
	}
	var last Status
	if err := (Local{Workers: 2}).Run(context.Background(), s, func(st Status) { last = st }); err != nil {
		t.Fatal(err)
	}
	if !last.Complete() || last.Total != 6 {
		t.Fatalf("last progress %v, want 6/6 done", last)
	}
	first := results(t, s)
	if err := (Local{}).Run(context.Background(), s, nil); err != nil {
		t.Fatal(err)
	}
	for _, task := range s.Tasks {
		if n := s.Attempts(task); n != 1 {
			t.Errorf("task %d: %d attempts after a rerun, want 1 (a done task is skipped)", task.Index, n)
		}
	}
	s2, err := Prepare(smallSpec(1, 2, 3), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if err := (Local{Workers: 1}).Run(context.Background(), s2, nil); err != nil {
		t.Fatal(err)
	}
	second := results(t, s2)
	for id, r := range first {
		if second[id] != r {
			t.Errorf("task %s: results differ between runs:\n%s\n%s", id, r, second[id])
		}
	}
	if _, err := Prepare(smallSpec(1, 2), dir); err == nil || !strings.Contains(err.Error(), "another sweep") {
		t.Errorf("Prepare of another spec in the same dir: err = %v", err)
	}
	tb, err := Collect(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(tb.Rows) != 6 || tb.Seed != "Seed" || strings.Join(tb.Params, ",") != "NE" {
		t.Fatalf("table: %d rows, params %v, seed %q", len(tb.Rows), tb.Params, tb.Seed)
	}
	for _, c := range []string{"NE", "Seed", "RateE", "RateI", "Spikes", "Hash"} {
		if tb.Float(0, c) != tb.Float(0, c) && c != "Hash" {
			t.Errorf("column %s of row 0 is not a number: %v", c, tb.Rows[0][c])
		}
	}
	stats := tb.Summary("NE", "RateE")
	if len(stats) != 2 || stats[0].N != 3 || stats[0].X != 80 || stats[1].X != 160 {
		t.Fatalf("summary %+v", stats)
	}
	mean := (tb.Float(0, "RateE") + tb.Float(1, "RateE") + tb.Float(2, "RateE")) / 3
	if d := stats[0].Mean - mean; d > 1e-12 || d < -1e-12 {
		t.Errorf("mean %v, want %v", stats[0].Mean, mean)
	}
	for _, f := range []string{"results.csv", "results.json"} {
		if b, err := os.ReadFile(filepath.Join(dir, f)); err != nil || !strings.Contains(string(b), "RateE") {
			t.Errorf("%s: %v", f, err)
		}
	}
	if _, err := tb.Plot("NE", "RateE"); err != nil {
		t.Error(err)
	}
}

// TestLocalCancel cancels a running sweep once a task has written a snapshot: Run returns
// the context's error, no task fails, the interrupted tasks keep their snapshot; a rerun on
// the same directory resumes them from it (their attempt logs say so, from a time > 0) and
// gives the results of an uninterrupted sweep. The tasks run in this process, or with a
// gosnn binary each in a process of its own (interrupted by a signal).
func TestLocalCancel(t *testing.T) {
	t.Run("in this process", func(t *testing.T) { testLocalCancel(t, "") })
	t.Run("child processes", func(t *testing.T) { testLocalCancel(t, gosnnBinary(t)) })
}

func testLocalCancel(t *testing.T, bin string) {
	spec := smallSpec(1, 2)
	spec.Options = []byte(`{"NI": 20, "Clusters": 4, "DurationMs": 4000}`)
	s, err := Prepare(spec, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() { // cancel once the first snapshot of a task is there
		for ctx.Err() == nil {
			for _, task := range s.Tasks {
				if _, err := os.Stat(filepath.Join(s.TaskDir(task), "state.bin")); err == nil {
					cancel()
				}
			}
			time.Sleep(10 * time.Millisecond)
		}
	}()
	err = Local{Workers: 2, Binary: bin}.Run(ctx, s, nil)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	st, err := s.Status(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if st.Done == len(s.Tasks) || st.Failed != 0 || st.Running != 0 {
		t.Errorf("after cancel: %v", st)
	}
	interrupted := map[string]bool{}
	for _, task := range s.Tasks {
		_, errState := os.Stat(filepath.Join(s.TaskDir(task), "state.bin"))
		if errState == nil && !s.Done(task) {
			interrupted[task.ID] = true
		}
	}
	if len(interrupted) == 0 {
		t.Fatal("no task was interrupted with a snapshot")
	}
	if err := (Local{Workers: 2, Binary: bin}).Run(context.Background(), s, nil); err != nil {
		t.Fatal(err)
	}
	for _, task := range s.Tasks {
		if interrupted[task.ID] {
			if from := resumedFrom(t, s, task); from <= 0 {
				t.Errorf("task %d: rerun resumed from %v ms, want a time > 0", task.Index, from)
			}
		}
	}
	ref, err := Prepare(spec, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if err := (Local{Workers: 2, Binary: bin}).Run(context.Background(), ref, nil); err != nil {
		t.Fatal(err)
	}
	sameResults(t, s, ref)
}

// resumedFrom returns the time a task last resumed from, according to its attempt log, or
// −1 when it never resumed.
func resumedFrom(t *testing.T, s *Sweep, task Task) float64 {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(s.TaskDir(task), attemptsFile))
	if err != nil {
		t.Fatal(err)
	}
	from := -1.0
	for _, line := range strings.Split(string(data), "\n") {
		_, rest, ok := strings.Cut(line, "/state.bin at t = ")
		if !ok || !strings.Contains(line, "spontaneous: resumed from ") {
			continue
		}
		if _, err := fmt.Sscanf(rest, "%f ms", &from); err != nil {
			t.Fatalf("task %d: attempt log line %q: %v", task.Index, line, err)
		}
	}
	return from
}

// TestLocalFailure checks that a task failing at run time (a numerical blow-up) is retried
// Retries times and reported with its error, while the others finish.
func TestLocalFailure(t *testing.T) {
	spec := smallSpec(1)
	spec.Params = append(spec.Params, Values("ExtEWeight", 1.6, 1e308))
	spec.Retries = 2
	s, err := Prepare(spec, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	err = Local{}.Run(context.Background(), s, nil)
	if err == nil || !strings.Contains(err.Error(), "2 failed") {
		t.Fatalf("err = %v, want 2 failed", err)
	}
	st, _ := s.Status(context.Background(), nil)
	if st.Done != 2 || st.Failed != 2 {
		t.Fatalf("status %v", st)
	}
	for _, ts := range st.Tasks {
		if ts.State != Failed {
			continue
		}
		if ts.Attempts != 3 || ts.Failure.ExitCode != 1 || !strings.Contains(ts.Failure.Stderr, "NaN") {
			t.Errorf("task %d: %d attempts, failure %+v", ts.Index, ts.Attempts, ts.Failure)
		}
	}
	if rep := st.Report(); !strings.Contains(rep, "failed with exit code 1 after 3 attempt(s)") {
		t.Errorf("report:\n%s", rep)
	}
}

func jsonMarshalIndent(v any) ([]byte, error) { return json.MarshalIndent(v, "", "  ") }

// TestLocalSeparateProcesses runs two tasks at once with a gosnn binary: each runs in a
// process of its own, so that the CPU time it reports is its own: this process spends almost
// none of it (in this process it would spend all of it, and each task would report the
// other's as its own), and the results are those of a sweep run in this process one task at
// a time.
func TestLocalSeparateProcesses(t *testing.T) {
	bin := gosnnBinary(t)
	spec := Spec{Kind: "clock", Options: []byte(`{"K": 4, "LastRecordingMs": 1000, "TimeScale": 0.02}`), Params: []Param{Values("Size", 20, 30)}}
	s, err := Prepare(spec, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	cpu0 := cpustat.Seconds()
	if err := (Local{Workers: 2, Binary: bin}).Run(context.Background(), s, nil); err != nil {
		t.Fatal(err)
	}
	ours := cpustat.Seconds() - cpu0
	tasks := 0.0
	for _, r := range results(t, s) {
		var env struct{ Result struct{ CPUS float64 } }
		if err := json.Unmarshal([]byte(r), &env); err != nil || env.Result.CPUS <= 0 {
			t.Fatalf("result %s: CPU %v, %v", r, env.Result.CPUS, err)
		}
		tasks += env.Result.CPUS
	}
	if ours > 0.25*tasks {
		t.Errorf("this process used %.2f s of CPU while the tasks reported %.2f s: they ran here", ours, tasks)
	}
	ref, err := Prepare(spec, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if err := (Local{Workers: 1}).Run(context.Background(), ref, nil); err != nil {
		t.Fatal(err)
	}
	// The results hold the tasks' wall and CPU times; the rest must agree.
	strip := func(r string) string {
		var m map[string]any
		if err := json.Unmarshal([]byte(r), &m); err != nil {
			t.Fatal(err)
		}
		res := m["result"].(map[string]any)
		delete(res, "WallS")
		delete(res, "CPUS")
		b, _ := json.Marshal(m)
		return string(b)
	}
	a, b := results(t, s), results(t, ref)
	for id := range a {
		if strip(a[id]) != strip(b[id]) {
			t.Errorf("task %s: results differ between child processes and this process:\n%s\n%s", id, a[id], b[id])
		}
	}
}

// TestLocalChildCannotStart: when the child processes cannot run (a missing binary), each
// task is recorded as failed with the reason, after its retries, and Run says so.
func TestLocalChildCannotStart(t *testing.T) {
	spec := smallSpec(1)
	spec.Retries = 1
	s, err := Prepare(spec, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(t.TempDir(), "gosnn")
	err = Local{Workers: 2, Binary: missing}.Run(context.Background(), s, nil)
	if err == nil || !strings.Contains(err.Error(), "2 failed") {
		t.Fatalf("err = %v, want 2 failed", err)
	}
	st, err := s.Status(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, ts := range st.Tasks {
		if ts.State != Failed || ts.Failure == nil || ts.Failure.Failures != 2 || !strings.Contains(ts.Failure.Error, missing) || ts.Attempts != 2 {
			t.Errorf("task %d: state %v, %d attempts, failure %+v: want failed twice, naming %s", ts.Index, ts.State, ts.Attempts, ts.Failure, missing)
		}
	}
}
