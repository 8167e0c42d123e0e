package snn

import (
	"math"
	"testing"
)

func TestTrainingSchedule(t *testing.T) {
	st := TrainingSchedule(30, 900)
	if len(st) != 59 {
		t.Fatalf("%d stimuli in 900 ms, want 59", len(st))
	}
	if st[0].Cluster != 1 || st[0].StartMs != 16 || st[0].StopMs != 25 || st[0].ExtraRate != 18 {
		t.Errorf("first stimulus %+v", st[0])
	}
	if st[28].Cluster != 29 || st[29].Cluster != 0 {
		t.Errorf("wrap-around: %+v %+v", st[28], st[29])
	}
	// docs/MODEL.md A1: one cycle through 30 clusters lasts 450 ms; each cluster 9 ms on.
	if d := st[30].StartMs - st[0].StartMs; d != 450 {
		t.Errorf("cycle %v ms, want 450", d)
	}
	for _, s := range st {
		if s.StopMs-s.StartMs != 9 {
			t.Fatalf("stimulus %+v not 9 ms long", s)
		}
	}
	if TrainingSchedule(0, 100) != nil {
		t.Error("schedule for 0 clusters")
	}
}

// TestScheduleStimuli: rates and drive weights switch exactly for the steps with
// start < t < stop, and the baseline neurons carry the net negative weight.
func TestScheduleStimuli(t *testing.T) {
	cfg := DefaultConfig()
	cfg.NE, cfg.NI, cfg.Clusters, cfg.Threads = 30, 10, 3, 2
	n := mustNet(t, cfg)
	if err := n.Run(3); err != nil { // the schedule is relative to its installation
		t.Fatal(err)
	}
	st := []Stimulus{{Cluster: 1, StartMs: 1, StopMs: 2.5, ExtraRate: 18}, {Cluster: 2, StartMs: 2, StopMs: 4, ExtraRate: 10}}
	d := DefaultTrainingDrive()
	if err := n.ScheduleStimuli(st, d); err != nil {
		t.Fatal(err)
	}
	e := n.pops[PopE]
	for i := 0; i < 30; i++ {
		if e.extW[i] != -0.8 {
			t.Fatalf("neuron %d: drive weight %v at baseline, want -0.8", i, e.extW[i])
		}
	}
	t0 := n.Time()
	bad := 0
	n.Every(n.DT(), func(tm float64) {
		rel := tm - t0
		for _, c := range []struct {
			i      int
			lo, hi float64
			rate   float64
		}{{0, -1, -1, 0}, {15, 1, 2.5, 18}, {25, 2, 4, 10}} {
			want, w := 4.5, -0.8
			if rel > c.lo+1e-9 && rel < c.hi-1e-9 {
				want, w = 4.5+c.rate, 1.6
			}
			if math.Abs(e.rate[c.i]-want) > 1e-9 || e.extW[c.i] != w {
				t.Errorf("t = %.1f: neuron %d rate %v weight %v, want %v %v", rel, c.i, e.rate[c.i], e.extW[c.i], want, w)
				bad++
			}
		}
	})
	if err := n.Run(6); err != nil {
		t.Fatal(err)
	}
	if bad > 0 {
		t.Fatalf("%d mismatches", bad)
	}
	if err := n.ScheduleStimuli([]Stimulus{{Cluster: 3, StartMs: 1, StopMs: 2}}, d); err == nil {
		t.Error("cluster out of range accepted")
	}
	if err := n.ScheduleStimuli([]Stimulus{{Cluster: 0, StartMs: 2, StopMs: 1}}, d); err == nil {
		t.Error("reversed window accepted")
	}
}
