package protocol_test

import (
	"context"
	"fmt"

	"github.com/gosnn/gosnn/snn"
	"github.com/gosnn/gosnn/snn/protocol"
)

// The paper's pipeline (docs/MODEL.md 7.1) as a value: 3 s of training, 30 × (120 s training + 2 s
// recording), 30 × (120 s plastic spontaneous + 3 s recording).
func ExamplePaper() {
	p := protocol.Paper()
	fmt.Println(len(p), "phases,", p.DurationMs()/1000, "s")
	for _, ph := range p[:3] {
		fmt.Println(ph.Kind, ph.DurationMs/1000, "s, plastic:", ph.Plastic)
	}
	last := p[len(p)-2]
	fmt.Println(last.Kind, last.DurationMs/1000, "s, plastic from", last.PlasticDelayMs/1000, "s")
	// Output:
	// 121 phases, 7353 s
	// stimulate 3 s, plastic: true
	// stimulate 120 s, plastic: true
	// record 2 s, plastic: false
	// spontaneous 120 s, plastic from 1 s
}

// Stimulation in a user-given order: 9 ms on in each 15-ms slot (docs/MODEL.md 7.1), the first
// stimulus at 16 ms on the second cluster of the order.
func ExampleSequenceSchedule() {
	for _, s := range protocol.SequenceSchedule([]int{2, 0, 1}, 3, 9, 15, 18, 60) {
		fmt.Printf("cluster %d: %g-%g ms, +%g kHz\n", s.Cluster, s.StartMs, s.StopMs, s.ExtraRate)
	}
	// Output:
	// cluster 0: 16-25 ms, +18 kHz
	// cluster 1: 31-40 ms, +18 kHz
	// cluster 2: 46-55 ms, +18 kHz
}

// A protocol on a tiny network built from a Setup: train in a permuted order, consolidate,
// record. With Options.Dir set the run would snapshot its weights after every phase
// and resume after an interruption.
func ExampleRun() {
	s := snn.ReducedSetup(3, 20)
	net, err := s.Build()
	if err != nil {
		fmt.Println(err)
		return
	}
	p := protocol.Protocol{protocol.Stimulate([]int{2, 1, 0}, 300), protocol.Spontaneous(100, true), protocol.Record(100)}
	rep, err := protocol.Run(context.Background(), net, p, protocol.Options{OnPhase: func(r protocol.PhaseReport) {
		fmt.Printf("phase %d %s: %g-%g ms\n", r.Index, r.Kind, r.StartMs, r.EndMs)
	}})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("recorded spikes:", rep.LastRecording().Spikes != nil, "plastic now:", net.Plastic())
	// Output:
	// phase 0 stimulate: 0-300 ms
	// phase 1 spontaneous: 300-400 ms
	// phase 2 record: 400-500 ms
	// recorded spikes: true plastic now: false
}
