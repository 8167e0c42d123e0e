package snn

import (
	"fmt"
	"math"
	"sort"
)

// Stimulus is one entry of a stimulus schedule: the E neurons of cluster Cluster (0-based)
// receive ExtraRate kHz more external Poisson input in the steps with StartMs <= t < StopMs
// (t the time at the end of the step, as in [J]), with times relative to the moment the
// schedule is installed (docs/MODEL.md section 2, step 2, and section 9 item 23).
type Stimulus struct {
	Cluster         int
	StartMs, StopMs float64
	ExtraRate       float64 // kHz
}

// TrainingSchedule returns the RNN training schedule of docs/MODEL.md section 7.1 for the given
// number of clusters over durationMs: stimulus s = 1, 2, … targets cluster s mod clusters
// (0-based; the first hits cluster 1, i.e. the second) during [15s + 1, 15s + 10) ms with
// 18 kHz extra input, so each cluster is driven for 9 ms (90 steps of 0.1 ms) followed by a
// 6-ms pause.
func TrainingSchedule(clusters int, durationMs float64) []Stimulus {
	var out []Stimulus
	if clusters <= 0 || bad(durationMs) {
		return nil
	}
	for s := 1; 15*float64(s)+1 < durationMs; s++ {
		out = append(out, Stimulus{Cluster: s % clusters, StartMs: 15*float64(s) + 1, StopMs: 15*float64(s) + 10, ExtraRate: 18})
	}
	return out
}

// TrainingDrive gives the external drive weights of the E neurons during a stimulus schedule
// (docs/MODEL.md 4.3): neurons at the baseline rate get OffWeight (the net −0.8 of [J]), the others
// OnWeight.
type TrainingDrive struct {
	BaseRate  float64 // kHz (4.5)
	OnWeight  float64 // pF (1.6)
	OffWeight float64 // pF (−0.8; its channel is Config.NegativeExt)
}

// DefaultTrainingDrive returns the values of docs/MODEL.md 4.3.
func DefaultTrainingDrive() TrainingDrive {
	return TrainingDrive{BaseRate: 4.5, OnWeight: 1.6, OffWeight: -0.8}
}

// stimEvent switches one stimulus on or off before step step.
type stimEvent struct {
	step  int64
	on    bool
	stim  Stimulus
	drive TrainingDrive
}

// ScheduleStimuli installs a stimulus schedule on the E population, with times relative to
// now, and sets the drive weights of all E neurons per d at once. Rates change before the
// first step with t >= start and back before the first step with t >= stop (t being the time
// at the end of the step, as in [J]: a 9-ms window is 90 steps of 0.1 ms); a neuron's drive
// weight follows its rate (OffWeight at d.BaseRate, OnWeight otherwise). It replaces any
// schedule still pending. An empty schedule with d's zero value removes it, leaving rates and
// drive weights as they are: to return to spontaneous input, also call SetRates and
// SetDriveWeight with Config.ExtE (protocol.Run does this at the end of every stimulation
// phase).
func (n *Network) ScheduleStimuli(st []Stimulus, d TrainingDrive) error {
	k := n.clusters.Count()
	for i, s := range st {
		if s.Cluster < 0 || s.Cluster >= k {
			return fmt.Errorf("snn: ScheduleStimuli: stimulus %d: cluster %d out of range [0, %d)", i, s.Cluster, k)
		}
		if bad(s.StartMs) || bad(s.StopMs) || s.StartMs < 0 || s.StopMs <= s.StartMs {
			return fmt.Errorf("snn: ScheduleStimuli: stimulus %d: window (%v, %v) ms invalid", i, s.StartMs, s.StopMs)
		}
		if bad(s.ExtraRate) || s.ExtraRate < 0 {
			return fmt.Errorf("snn: ScheduleStimuli: stimulus %d: ExtraRate = %v kHz: must be finite and >= 0", i, s.ExtraRate)
		}
	}
	if bad(d.BaseRate) || bad(d.OnWeight) || bad(d.OffWeight) {
		return fmt.Errorf("snn: ScheduleStimuli: TrainingDrive %+v: values must be finite", d)
	}
	n.events = n.events[:0]
	now := n.step
	const eps = 1e-9
	for _, s := range st {
		on := now + int64(math.Ceil(s.StartMs/n.dt-eps)) // first step with t >= start
		off := now + int64(math.Ceil(s.StopMs/n.dt-eps)) // first step with t >= stop
		if off <= on {
			continue
		}
		n.events = append(n.events, stimEvent{step: on, on: true, stim: s, drive: d}, stimEvent{step: off, on: false, stim: s, drive: d})
	}
	sort.SliceStable(n.events, func(a, b int) bool { return n.events[a].step < n.events[b].step })
	if len(st) > 0 || d != (TrainingDrive{}) {
		e := n.pops[PopE]
		for i := 0; i < e.n; i++ {
			e.extW[i] = d.weightFor(e.rate[i])
		}
	}
	return nil
}

func (d TrainingDrive) weightFor(rate float64) float64 {
	if math.Abs(rate-d.BaseRate) < 1e-9 {
		return d.OffWeight
	}
	return d.OnWeight
}

// applyEvents applies the stimulus events due before step n.step+1.
func (n *Network) applyEvents() {
	e := n.pops[PopE]
	t := n.Time()
	for len(n.events) > 0 && n.events[0].step <= n.step+1 {
		ev := n.events[0]
		n.events = n.events[1:]
		lo, hi := n.clusters.Bounds[ev.stim.Cluster], n.clusters.Bounds[ev.stim.Cluster+1]
		dr := ev.stim.ExtraRate
		if !ev.on {
			dr = -dr
		}
		for i := lo; i < hi; i++ {
			e.setRate(i, max(e.rate[i]+dr, 0), t)
			e.extW[i] = ev.drive.weightFor(e.rate[i])
		}
	}
}
