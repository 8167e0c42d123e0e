package snn_test

import (
	"context"
	"fmt"

	"github.com/gosnn/gosnn/snn"
)

// printHost prints the first and last report of every run.
type printHost struct{ name string }

func (h printHost) Context() context.Context { return context.Background() }

func (h printHost) Progress(p snn.Progress) {
	switch {
	case p.Start:
		fmt.Printf("%s: run of %g ms starts at t = %g ms\n", h.name, p.Total, p.Time)
	case p.Final:
		fmt.Printf("%s: run ends at t = %g ms, phase %d of %d\n", h.name, p.Time, p.Phase, p.Phases)
	}
}

// A run reports to the host its context carries, else to the network's own.
func ExampleWithHost() {
	cfg := snn.ReducedConfig(2, 20)
	net, err := snn.New(cfg)
	if err != nil {
		fmt.Println(err)
		return
	}
	net.SetHost(printHost{"network's host"})
	if err := net.Run(10); err != nil {
		fmt.Println(err)
	}
	ctx := snn.WithHost(context.Background(), printHost{"context's host"})
	if err := net.RunContext(ctx, 5); err != nil {
		fmt.Println(err)
	}
	// Output:
	// network's host: run of 10 ms starts at t = 0 ms
	// network's host: run ends at t = 10 ms, phase 0 of 0
	// context's host: run of 5 ms starts at t = 10 ms
	// context's host: run ends at t = 15 ms, phase 0 of 0
}
