package snn

import (
	"context"
	"errors"
	"math"
	"strings"
	"testing"
	"time"
)

// A run given context.Background() still stops when the host's context is cancelled (a
// notebook interrupt reaches runs started through APIs that take an explicit context), and
// the host gets a final progress report.
func TestRunContextHonoursHostContext(t *testing.T) {
	n := smallNet(t, 1, 1)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	h := &testHost{ctx: ctx}
	n.SetHost(h)
	err := n.RunContext(context.Background(), 1e6)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("RunContext with a cancelled host context: err = %v, want context.Canceled", err)
	}
	if len(h.reports) == 0 || !h.reports[len(h.reports)-1].Final {
		t.Errorf("no final progress report after the interrupt: %+v", h.reports)
	}
	n.SetHost(nil)
	if err := n.RunContext(context.Background(), 5); err != nil {
		t.Fatalf("the network does not run on after the interrupt: %v", err)
	}
}

// Runs of one network cannot overlap: a second run returns an error at once and the first
// run is unaffected.
func TestRunContextRejectsOverlap(t *testing.T) {
	n := smallNet(t, 1, 1)
	ctx, cancel := context.WithCancel(context.Background())
	first := make(chan error, 1)
	go func() { first <- n.RunContext(ctx, 1e7) }()
	deadline := time.Now().Add(10 * time.Second)
	for !n.running.Load() {
		if time.Now().After(deadline) {
			t.Fatal("the first run did not start")
		}
		time.Sleep(time.Millisecond)
	}
	err := n.RunContext(context.Background(), 1)
	if err == nil || !strings.Contains(err.Error(), "already running") {
		t.Errorf("overlapping run: err = %v, want an 'already running' error", err)
	}
	cancel()
	if err := <-first; !errors.Is(err, context.Canceled) {
		t.Errorf("first run: err = %v, want context.Canceled", err)
	}
	if err := n.RunContext(context.Background(), 1); err != nil {
		t.Errorf("run after the first returned: %v", err)
	}
}

// countingHost counts Start and Final reports.
type countingHost struct {
	ctx            context.Context
	starts, finals int
}

func (h *countingHost) Context() context.Context { return h.ctx }
func (h *countingHost) Progress(p Progress) {
	if p.Start {
		h.starts++
	}
	if p.Final {
		h.finals++
	}
}

// A host gets one Start and one Final report per run, on every return path (a finished run,
// an interrupted one, a numerical blow-up), whether the run was started with Run or
// RunContext: the session counts runs in flight by them. An overlapping run, refused at once,
// reports nothing.
func TestHostStartFinalPerRun(t *testing.T) {
	n := smallNet(t, 1, 1)
	h := &countingHost{ctx: context.Background()}
	n.SetHost(h)
	if err := n.Run(2); err != nil {
		t.Fatal(err)
	}
	if err := n.RunContext(context.Background(), 2); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := n.RunContext(ctx, 2); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled run: %v", err)
	}
	n.running.Store(true) // as if another run were in progress
	if err := n.Run(2); err == nil {
		t.Fatal("overlapping run accepted")
	}
	n.running.Store(false)
	if h.starts != 3 || h.finals != 3 {
		t.Errorf("three runs and a refused one: %d Start and %d Final reports, want 3 and 3", h.starts, h.finals)
	}
	// A blow-up ends the run with an error and a Final report too.
	b := smallNet(t, 1, 1)
	hb := &countingHost{ctx: context.Background()}
	b.SetHost(hb)
	b.pops[PopE].v[0] = math.NaN()
	if err := b.Run(2); err == nil || !strings.Contains(err.Error(), "blow-up") {
		t.Fatalf("NaN V: err = %v", err)
	}
	if hb.starts != 1 || hb.finals != 1 {
		t.Errorf("run with a blow-up: %d Start and %d Final reports, want 1 and 1", hb.starts, hb.finals)
	}
}
