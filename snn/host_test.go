package snn

import (
	"context"
	"errors"
	"testing"
)

// TestHostChoice: a run reports to the host its context carries (WithHost), else to the
// network's own (SetHost), else to none; the chosen host's context stops the run.
func TestHostChoice(t *testing.T) {
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	tests := []struct {
		name          string
		own, inCtx    bool // hosts attached with SetHost and carried by the context
		wantOwn, want int  // reports expected at the network's host and at the context's
	}{
		{name: "none"},
		{name: "own", own: true, wantOwn: 2},
		{name: "context wins", own: true, inCtx: true, want: 2},
		{name: "context only", inCtx: true, want: 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			n := smallNet(t, 1, 1)
			own := &testHost{ctx: context.Background()}
			other := &testHost{ctx: context.Background()}
			if tc.own {
				n.SetHost(own)
			}
			ctx := context.Background()
			if tc.inCtx {
				ctx = WithHost(ctx, other)
			}
			if err := n.RunContext(ctx, 5); err != nil { // 50 steps: Start and Final only
				t.Fatal(err)
			}
			if len(own.reports) != tc.wantOwn || len(other.reports) != tc.want {
				t.Fatalf("network's host got %d reports, context's host %d; want %d and %d",
					len(own.reports), len(other.reports), tc.wantOwn, tc.want)
			}
			for _, r := range [][]Progress{own.reports, other.reports} {
				if len(r) == 0 {
					continue
				}
				first, last := r[0], r[len(r)-1]
				if !first.Start || first.Final || first.Done != 0 || !last.Final || last.Start || last.Done != 5 {
					t.Errorf("reports %+v: want a Start report at 0 ms and a Final one at 5 ms", r)
				}
				if len(last.Pops) != 2 || last.Pops[0] != "E" || last.Pops[1] != "I" || len(last.Rates) != 2 {
					t.Errorf("final report names %v for %d rates, want [E I]", last.Pops, len(last.Rates))
				}
			}
			// The chosen host's context stops the run; the other host's does not.
			other.ctx, own.ctx = cancelled, context.Background()
			err := n.RunContext(ctx, 1000)
			if tc.inCtx != errors.Is(err, context.Canceled) {
				t.Errorf("context's host cancelled: err = %v", err)
			}
			other.ctx, own.ctx = context.Background(), cancelled
			err = n.RunContext(ctx, 1000)
			if (tc.own && !tc.inCtx) != errors.Is(err, context.Canceled) {
				t.Errorf("network's host cancelled: err = %v", err)
			}
		})
	}
}

// TestHostFromContext: WithHost stores a host, HostFromContext returns it, and a nil host or
// a context without one gives nil.
func TestHostFromContext(t *testing.T) {
	h := &testHost{}
	if got := HostFromContext(WithHost(context.Background(), h)); got != h {
		t.Errorf("HostFromContext(WithHost(h)) = %v", got)
	}
	if got := HostFromContext(context.Background()); got != nil {
		t.Errorf("HostFromContext(Background) = %v", got)
	}
	if got := HostFromContext(WithHost(context.Background(), nil)); got != nil {
		t.Errorf("HostFromContext(WithHost(nil)) = %v", got)
	}
	n := smallNet(t, 1, 1)
	n.SetHost(h)
	if err := n.RunContext(WithHost(context.Background(), nil), 1); err != nil || len(h.reports) != 2 {
		t.Errorf("WithHost(nil): err %v, %d reports to the network's host, want 2", err, len(h.reports))
	}
}

// TestHostSetupBuild: Setup.Build attaches the setup's Host, and no host without one.
func TestHostSetupBuild(t *testing.T) {
	s := ReducedSetup(3, 20)
	n, err := s.Build()
	if err != nil {
		t.Fatal(err)
	}
	if n.Host() != nil {
		t.Errorf("Build without Setup.Host: host %v", n.Host())
	}
	h := &testHost{ctx: context.Background()}
	s.Host = h
	n, err = s.Build()
	if err != nil {
		t.Fatal(err)
	}
	if n.Host() != h {
		t.Fatalf("Build with Setup.Host: host %v", n.Host())
	}
	if err := n.Run(1); err != nil || len(h.reports) != 2 {
		t.Errorf("run of a built network: err %v, %d reports, want 2", err, len(h.reports))
	}
}

// TestHostFinalOnPanic: when a hook panics, the host still gets the run's Final report, and
// the network can run again afterwards.
func TestHostFinalOnPanic(t *testing.T) {
	n := smallNet(t, 1, 1)
	h := &countingHost{ctx: context.Background()}
	n.SetHost(h)
	if err := n.Every(1, func(float64) { panic("hook") }); err != nil {
		t.Fatal(err)
	}
	func() {
		defer func() {
			if r := recover(); r != "hook" {
				t.Errorf("recovered %v, want the hook's panic", r)
			}
		}()
		_ = n.Run(5)
	}()
	if h.starts != 1 || h.finals != 1 {
		t.Errorf("run with a panicking hook: %d Start and %d Final reports, want 1 and 1", h.starts, h.finals)
	}
	if n.running.Load() {
		t.Error("the network is still marked running after the panic")
	}
}
