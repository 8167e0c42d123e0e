package snn

import (
	"context"
	"errors"
	"testing"
)

// TestHostFactory: with a factory installed, every constructor (New, NewFromWeights and
// Setup.Build, which compiled code calls) attaches its host, so runs report progress and stop
// with the host's context; SetHost overrides it; without a factory networks have no host.
func TestHostFactory(t *testing.T) {
	var hosts []*testHost
	SetHostFactory(func(n *Network) Host {
		h := &testHost{ctx: context.Background()}
		hosts = append(hosts, h)
		return h
	})
	defer SetHostFactory(nil)
	cfg := ReducedConfig(3, 20)
	a := mustNet(t, cfg)
	w := a.WeightMatrix()
	b, err := NewFromWeights(cfg, w, Clusters{})
	if err != nil {
		t.Fatal(err)
	}
	c, err := ReducedSetup(3, 20).Build()
	if err != nil {
		t.Fatal(err)
	}
	if len(hosts) != 3 {
		t.Fatalf("factory called %d times for 3 networks", len(hosts))
	}
	for i, n := range []*Network{a, b, c} {
		if err := n.Run(5); err != nil {
			t.Fatal(err)
		}
		if r := hosts[i].reports; len(r) == 0 || !r[len(r)-1].Final {
			t.Errorf("network %d: host got %d reports, want a final one", i, len(r))
		}
	}
	// The host's context stops the run of a Build network.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	hosts[2].ctx = ctx
	if err := c.Run(1000); !errors.Is(err, context.Canceled) {
		t.Errorf("Build network with a cancelled host context: Run = %v, want context.Canceled", err)
	}
	// SetHost overrides the factory's host.
	own := &testHost{ctx: context.Background()}
	c.SetHost(own)
	if err := c.Run(5); err != nil || len(own.reports) == 0 {
		t.Errorf("after SetHost: err %v, %d reports to the new host", err, len(own.reports))
	}
	SetHostFactory(nil)
	d := mustNet(t, cfg)
	if d.host != nil {
		t.Error("network built after SetHostFactory(nil) has a host")
	}
}
