package paper

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/gosnn/gosnn/sweep"
)

// TestRunJobs makes the quick runs of A2 and A11 two at a time (in this process: the test
// binary is not gosnn) and checks from the log that the two trainings ran side by side, that
// each replay started only after the training it reads had finished, that no more than two
// ran at once, and that a second call skips all four.
func TestRunJobs(t *testing.T) {
	if testing.Short() {
		t.Skip("two short trainings and their replays (about 10 s)")
	}
	out := t.TempDir()
	var log bytes.Buffer
	cfg := RunConfig{Out: out, Scale: Quick, IDs: []string{"A2", "A11"}, Log: &log, Threads: 1, Jobs: 2}
	sum, err := Run(context.Background(), cfg)
	if err != nil {
		t.Fatalf("%v\n%s", err, log.String())
	}
	want := []string{"train-main", "train-nc160", "replay-main", "replay-trained-nc160"}
	if !slices.Equal(sum.Ran, want) {
		t.Fatalf("ran %v, want %v (in the order of the catalogue)\n%s", sum.Ran, want, log.String())
	}
	// The order of starts and ends in the log.
	var events []string
	for _, l := range strings.Split(log.String(), "\n") {
		name, rest, ok := strings.Cut(strings.TrimPrefix(l, "paper: "), ": ")
		if !ok || !strings.HasPrefix(l, "paper: ") {
			continue
		}
		switch {
		case strings.Contains(rest, " run into "):
			events = append(events, "start "+name)
		case strings.HasPrefix(rest, "finished in "):
			events = append(events, "end "+name)
		}
	}
	at := func(e string) int {
		i := slices.Index(events, e)
		if i < 0 {
			t.Fatalf("no %q in the log's events %v", e, events)
		}
		return i
	}
	if at("start train-nc160") > at("end train-main") && at("start train-main") > at("end train-nc160") {
		t.Errorf("the trainings ran one after the other: %v", events)
	}
	for _, p := range [][2]string{{"train-main", "replay-main"}, {"train-nc160", "replay-trained-nc160"}} {
		if at("start "+p[1]) < at("end "+p[0]) {
			t.Errorf("%s started before %s finished: %v", p[1], p[0], events)
		}
	}
	busy, most := 0, 0
	for _, e := range events {
		if strings.HasPrefix(e, "start ") {
			busy++
		} else {
			busy--
		}
		most = max(most, busy)
	}
	if most != 2 {
		t.Errorf("at most %d runs at once, want 2: %v", most, events)
	}
	for _, n := range want {
		if _, err := os.Stat(filepath.Join(runDir(out, n), recordFile)); err != nil {
			t.Errorf("run %s: %v", n, err)
		}
	}
	sum, err = Run(context.Background(), cfg)
	if err != nil || len(sum.Ran) != 0 || !slices.Equal(sum.Skipped, want) {
		t.Errorf("second call: ran %v, skipped %v, %v: want all four skipped", sum.Ran, sum.Skipped, err)
	}
	// One run alone: it must be one of the entries' runs.
	cfg.OneRun = "replay-main"
	if sum, err := Run(context.Background(), cfg); err != nil || !slices.Equal(sum.Skipped, []string{"replay-main"}) {
		t.Errorf("OneRun replay-main: skipped %v, %v", sum.Skipped, err)
	}
	cfg.IDs, cfg.OneRun = []string{"A2"}, "replay-main"
	if _, err := Run(context.Background(), cfg); err == nil || !strings.Contains(err.Error(), "not one of the entries' runs") {
		t.Errorf("OneRun of another entry's run: %v, want an error", err)
	}
}

// TestLineWriter checks that the output of a run made in a child process reaches the log in
// whole lines, each with the run's prefix, however the pipe cut it.
func TestLineWriter(t *testing.T) {
	tests := []struct {
		name   string
		writes []string
		want   string
		last   string
	}{
		{"whole lines", []string{"a\nb\n"}, "[r] a\n[r] b\n", "b\n"},
		{"cut lines", []string{"ab", "c\nd", "e\n"}, "[r] abc\n[r] de\n", "de\n"},
		{"unfinished last line", []string{"a\nb"}, "[r] a\n[r] b\n", "b\n"},
		{"blank line kept, not last", []string{"x\n\n"}, "[r] x\n[r] \n", "x\n"},
		{"nothing", nil, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			w := &lineWriter{w: &b, prefix: "[r] "}
			for _, s := range tt.writes {
				if n, err := w.Write([]byte(s)); n != len(s) || err != nil {
					t.Fatalf("Write(%q) = %d, %v", s, n, err)
				}
			}
			w.flush()
			if b.String() != tt.want || string(w.last) != tt.last {
				t.Errorf("wrote %q, last %q; want %q, %q", b.String(), w.last, tt.want, tt.last)
			}
		})
	}
}

// idleExecutor runs nothing: what a submitted array looks like before Slurm starts it.
type idleExecutor struct{}

func (idleExecutor) Run(context.Context, *sweep.Sweep, func(sweep.Status)) error { return nil }

// TestSweepSlurmOptions: RunConfig.Slurm goes into the sweeps' spec.json; a later call
// without it keeps them (a user may also have written them there by hand), one with others
// replaces them.
func TestSweepSlurmOptions(t *testing.T) {
	out := t.TempDir()
	slurmOf := func(name string) sweep.SlurmOptions {
		t.Helper()
		s, err := sweep.Open(sweepDir(out, name))
		if err != nil {
			t.Fatal(err)
		}
		return s.Spec.Slurm
	}
	cfg := RunConfig{Out: out, Scale: Quick, IDs: []string{"Fig3"}, Executor: idleExecutor{},
		Slurm: sweep.SlurmOptions{Partition: "long", Time: "4:00:00", Extra: []string{"--qos=low"}}}
	for _, tc := range []struct {
		name  string
		slurm sweep.SlurmOptions
		want  string
	}{
		{"given", cfg.Slurm, "long"},
		{"kept", sweep.SlurmOptions{}, "long"},
		{"replaced", sweep.SlurmOptions{Partition: "short"}, "short"},
	} {
		cfg.Slurm = tc.slurm
		if _, err := Run(context.Background(), cfg); err != nil {
			t.Fatal(err)
		}
		for _, n := range []string{"sizes", "sizes-2400"} {
			if got := slurmOf(n); got.Partition != tc.want || (tc.want == "long" && got.Time != "4:00:00") {
				t.Errorf("%s: sweep %s has Slurm options %+v, want partition %s", tc.name, n, got, tc.want)
			}
		}
	}
}

// TestCancelSweeps: Cancel stops an entry's unfinished sweep (it marks it so that nothing is
// requeued) and leaves a finished one, and a run never submitted, alone.
func TestCancelSweeps(t *testing.T) {
	out := t.TempDir()
	if _, err := Run(context.Background(), RunConfig{Out: out, Scale: Quick, IDs: []string{"Fig3"}, Executor: idleExecutor{}}); err != nil {
		t.Fatal(err)
	}
	finishSweep(t, out, "sizes-2400", Quick, map[int]float64{10: 5, 20: 6, 40: 7}, map[int]float64{10: 60, 20: 36, 40: 21})
	got, err := Cancel(context.Background(), out, []string{"Fig3", "A11"}, nil)
	if err != nil || !slices.Equal(got, []string{"sweep sizes"}) {
		t.Fatalf("Cancel: %v, %v; want only the unfinished sweep sizes", got, err)
	}
	for name, want := range map[string]bool{"sizes": true, "sizes-2400": false} {
		if _, err := os.Stat(filepath.Join(sweepDir(out, name), "cancelled")); (err == nil) != want {
			t.Errorf("sweep %s marked cancelled: %v, want %v", name, err == nil, want)
		}
	}
}
