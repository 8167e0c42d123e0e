package snn

import (
	"context"
	"errors"
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

// countingHost counts Context calls and final reports.
type countingHost struct {
	contexts, finals int
}

func (h *countingHost) Context() context.Context { h.contexts++; return context.Background() }
func (h *countingHost) Progress(p Progress) {
	if p.Final {
		h.finals++
	}
}

// A host is asked for its context once per run and gets one final report per run, whether the
// run was started with Run or RunContext (hosts may pair the two, as the session does).
func TestHostContextOncePerRun(t *testing.T) {
	n := smallNet(t, 1, 1)
	h := &countingHost{}
	n.SetHost(h)
	if err := n.Run(2); err != nil {
		t.Fatal(err)
	}
	if err := n.RunContext(context.Background(), 2); err != nil {
		t.Fatal(err)
	}
	if h.contexts != 2 || h.finals != 2 {
		t.Errorf("two runs: %d Context calls and %d final reports, want 2 and 2", h.contexts, h.finals)
	}
}
