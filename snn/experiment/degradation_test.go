package experiment

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// cancelOnLine cancels a context when a line containing its marker is written to it.
type cancelOnLine struct {
	marker string
	cancel context.CancelFunc
	buf    bytes.Buffer
}

func (w *cancelOnLine) Write(p []byte) (int, error) {
	w.buf.Write(p)
	if strings.Contains(string(p), w.marker) {
		w.cancel()
	}
	return len(p), nil
}

// TestDegradationResume: a degradation run interrupted after its first chunk leaves a state
// that a second Run with the same options and directory resumes from, to the same block means
// as an uninterrupted run; the result has the start and every chunk, the live weights move,
// and the state file is gone at the end while degradation.csv holds a line per chunk. A state
// of other options is refused.
func TestDegradationResume(t *testing.T) {
	o := small(t)["degradation"].(*DegradationOptions)
	o.Chunks = 3
	whole, err := o.Run(context.Background(), Env{Dir: t.TempDir(), Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	want := whole.(*DegradationResult)
	if len(want.Chunks) != 4 || want.Chunks[0].EndMs != 0 || want.Chunks[3].EndMs != 3*o.ChunkMs || want.Resumed != 0 {
		t.Fatalf("chunks %+v, resumed %d: want the start and 3 chunks", want.Chunks, want.Resumed)
	}
	if want.Chunks[3].Forward == want.Chunks[0].Forward && want.Chunks[3].Backward == want.Chunks[0].Backward {
		t.Error("the live weights did not change")
	}

	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	log := &cancelOnLine{marker: "chunk 1/3", cancel: cancel}
	if _, err := o.Run(ctx, Env{Dir: dir, Threads: 1, Log: log}); !errors.Is(err, context.Canceled) {
		t.Fatalf("interrupted run: %v, want context.Canceled", err)
	}
	if _, err := os.Stat(filepath.Join(dir, degradationState)); err != nil {
		t.Fatalf("no state after the interrupt: %v", err)
	}
	other := *o
	other.Seed++
	if _, err := other.Run(context.Background(), Env{Dir: dir, Threads: 1}); err == nil || !strings.Contains(err.Error(), "other options") {
		t.Errorf("a state of other options: error %v, want one saying so", err)
	}
	var log2 bytes.Buffer
	res, err := o.Run(context.Background(), Env{Dir: dir, Threads: 2, Log: &log2})
	if err != nil {
		t.Fatal(err)
	}
	got := res.(*DegradationResult)
	if got.Resumed != 1 || !strings.Contains(log2.String(), "resumed") {
		t.Errorf("resumed %d chunks, log %q: want 1, said", got.Resumed, log2.String())
	}
	if !reflect.DeepEqual(got.Chunks, want.Chunks) {
		t.Errorf("resumed run's chunks differ from the uninterrupted run's:\n%+v\n%+v", got.Chunks, want.Chunks)
	}
	if _, err := os.Stat(filepath.Join(dir, degradationState)); err == nil {
		t.Error("the state file is left after the run finished")
	}
	csv, err := os.ReadFile(filepath.Join(dir, "degradation.csv"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(csv)), "\n")
	if len(lines) != 5 || !strings.HasPrefix(lines[0], "end_ms,forward,backward,forward_0") {
		t.Errorf("degradation.csv: %d lines, header %q; want a header and 4 lines", len(lines), lines[0])
	}
}

// TestReplayControl: a replay of a hand-made control needs no weight file, and its two
// orders measure the same transitions: what is in order one way is the opposite the other. A
// clustered control with fewer E neurons than clusters is an error.
func TestReplayControl(t *testing.T) {
	for _, mult := range []float64{0.005, 0.33} {
		o := &ReplayOptions{Control: "clustered", Mult: mult, DurationMs: 10, Seed: 1}
		if _, err := o.Run(context.Background(), Env{Threads: 1}); err == nil || !strings.Contains(err.Error(), "divisor of NE") {
			t.Errorf("mult %v: error %v, want one about the clusters", mult, err)
		}
	}
	for _, tt := range []struct {
		control string
		mult    float64
	}{{"clustered", 0.5}, {"synfire", 0}} {
		t.Run(tt.control, func(t *testing.T) {
			var res [2]*ReplayResult
			for i, order := range []string{"up", "down"} {
				o := &ReplayOptions{Control: tt.control, Mult: tt.mult, Order: order, DurationMs: 600, Seed: 2}
				if err := o.Validate(); err != nil {
					t.Fatal(err)
				}
				r, err := o.Run(context.Background(), Env{Threads: 1})
				if err != nil {
					t.Fatal(err)
				}
				res[i] = r.(*ReplayResult)
			}
			up, down := res[0], res[1]
			if up.Control != tt.control || up.Weights != "" || up.Order != "up" || down.Order != "down" {
				t.Errorf("result control %q, weights %q, orders %q and %q", up.Control, up.Weights, up.Order, down.Order)
			}
			if up.Transitions == 0 || up.Transitions != down.Transitions ||
				up.InOrderFraction != down.OppositeFraction || up.OppositeFraction != down.InOrderFraction {
				t.Errorf("up: %d transitions, %v in order, %v opposite; down: %d, %v, %v",
					up.Transitions, up.InOrderFraction, up.OppositeFraction, down.Transitions, down.InOrderFraction, down.OppositeFraction)
			}
		})
	}
}
