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
// start <= t < stop, and the baseline neurons carry the net negative weight.
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
			if rel > c.lo-1e-9 && rel < c.hi-1e-9 {
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

// TestTrainingWindowSteps: in the paper's training schedule (docs/MODEL.md 7.1) every 9-ms
// window [15s + 1, 15s + 10) ms is on for exactly 90 steps of 0.1 ms, from the step ending at
// 15s + 1 ms to the one ending at 15s + 9.9 ms, as in [J] (section 9 item 23); the other
// clusters stay at the baseline.
func TestTrainingWindowSteps(t *testing.T) {
	cfg := DefaultConfig()
	cfg.NE, cfg.NI, cfg.Clusters, cfg.Threads = 60, 15, 30, 1
	n := mustNet(t, cfg)
	if err := n.Run(2.5); err != nil { // the schedule is relative to its installation
		t.Fatal(err)
	}
	const T = 950.0 // two cycles through the 30 clusters and a bit
	st := TrainingSchedule(30, T)
	if err := n.ScheduleStimuli(st, DefaultTrainingDrive()); err != nil {
		t.Fatal(err)
	}
	e := n.pops[PopE]
	t0 := n.Time()
	onSteps := make([][]int, len(st)) // steps (numbered from the installation) each stimulus was on
	n.Every(n.DT(), func(tm float64) {
		step := int(math.Round((tm - t0) / n.DT()))
		on := 0
		for c := 0; c < 30; c++ {
			if e.rate[2*c] > 4.5+1e-9 {
				on++
				for k, s := range st {
					if s.Cluster == c && float64(step)*0.1 > s.StartMs-15 && float64(step)*0.1 < s.StopMs+5 {
						onSteps[k] = append(onSteps[k], step)
					}
				}
			}
		}
		if on > 1 {
			t.Fatalf("step %d: %d clusters on at once", step, on)
		}
	})
	if err := n.Run(T); err != nil {
		t.Fatal(err)
	}
	checked := 0
	for k, s := range st {
		if s.StopMs > T {
			continue // cut short by the end of the run
		}
		checked++
		steps := onSteps[k]
		first, last := int(math.Round(s.StartMs*10)), int(math.Round(s.StopMs*10))-1
		if len(steps) != 90 || steps[0] != first || steps[len(steps)-1] != last {
			t.Fatalf("stimulus %d %+v: on for %d steps, %v … %v; want 90 steps, %d … %d",
				k, s, len(steps), steps[:min(1, len(steps))], steps[max(len(steps)-1, 0):], first, last)
		}
	}
	if checked < 60 {
		t.Errorf("%d windows checked, want at least 60", checked)
	}
}
