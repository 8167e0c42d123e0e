package snn

import (
	"fmt"
	"testing"
)

// benchNet builds a static network of the main model scaled to ne E neurons (ne/4 I).
func benchNet(b *testing.B, ne, threads int) *Network {
	b.Helper()
	cfg := DefaultConfig()
	cfg.NE, cfg.NI = ne, ne/4
	cfg.Clusters = ne / 80
	cfg.Threads = threads
	n, err := New(cfg)
	if err != nil {
		b.Fatal(err)
	}
	if err := n.Run(100); err != nil { // settle
		b.Fatal(err)
	}
	return n
}

// benchSteps reports the cost of 100 ms of simulated time (1000 steps) per iteration.
func benchSteps(b *testing.B, ne int) {
	for _, th := range []int{1, 2} {
		b.Run(fmt.Sprintf("threads=%d", th), func(b *testing.B) {
			n := benchNet(b, ne, th)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if err := n.Run(100); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkStepSmall: 400 E + 100 I.
func BenchmarkStepSmall(b *testing.B) { benchSteps(b, 400) }

// BenchmarkStepMedium: 1200 E + 300 I.
func BenchmarkStepMedium(b *testing.B) { benchSteps(b, 1200) }

// BenchmarkStepLarge: the full 2400 E + 600 I network of docs/MODEL.md.
func BenchmarkStepLarge(b *testing.B) { benchSteps(b, 2400) }

func BenchmarkExpDraw(b *testing.B) {
	r := streamSeed(1, 1, 1)
	s := 0.0
	for i := 0; i < b.N; i++ {
		s += r.exp()
	}
	if s < 0 {
		b.Fatal(s)
	}
}

// BenchmarkTrainFull: 100 ms of the full network with every rule on under the training
// schedule (the bench "train" scenario); reports LTP synapse updates per simulated second.
func BenchmarkTrainFull(b *testing.B) {
	for _, th := range []int{1, 2} {
		b.Run(fmt.Sprintf("threads=%d", th), func(b *testing.B) {
			s := PaperSetup()
			s.Config.Threads = th
			n, err := s.Build()
			if err != nil {
				b.Fatal(err)
			}
			n.SetPlastic(true)
			if err := n.ScheduleStimuli(TrainingSchedule(30, 1e7), DefaultTrainingDrive()); err != nil {
				b.Fatal(err)
			}
			if err := n.Run(100); err != nil {
				b.Fatal(err)
			}
			u0, t0 := n.LTPUpdates(), n.Time()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if err := n.Run(100); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(n.LTPUpdates()-u0)/((n.Time()-t0)/1000), "ltp/s")
		})
	}
}
