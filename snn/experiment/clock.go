package experiment

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/gosnn/gosnn/snn/analysis"
	"github.com/gosnn/gosnn/snn/protocol"

	"github.com/gosnn/gosnn/snn"
)

// Clock is the "clock" kind: the reduced network of K clusters of Size E neurons
// (snn.ReducedSetup) trained with protocol.Short, its last recording stretched to
// LastRecordingMs and every phase then multiplied by TimeScale (1; 0.01 for a smoke test), and the replay of that last recording measured (notebook 6: how cluster
// size and count set the step and the period). With Paper, the network is instead the
// authors' variant (snn.PaperSetup with K × Size E neurons, a quarter as many I,
// Config.WithClusterSize(Size)) trained with protocol.Paper (hours of CPU), and
// LastRecordingMs is not used. With NE, the network has NE E neurons in NE/Size clusters
// (a family at a fixed network size); with Paper, NE must be 2400, and the network is the
// authors' cluster-size variant (snn.ClusterSizeSetup(Size), the settings of their nc160 and
// nc200 matrices), trained with protocol.Paper.
//
// Given Env.Dir, Run locks it and keeps there the protocol's snapshots (protocol.Options.Dir:
// weights after every phase, state.json), so that a run cancelled part-way (an interrupt,
// SIGTERM from Slurm) resumes after its last finished phase; the phases after a resume start
// from the saved weights with a fresh neuron state, so a resumed run is not bit-identical to
// an uninterrupted one. Without Env.Dir it keeps nothing and starts again every time (and
// gives the same result).
type Clock struct {
	K               int     `json:"K"`               // clusters (15)
	Size            int     `json:"Size"`            // E neurons per cluster (20)
	Seed            uint64  `json:"Seed"`            // seed of every random draw (1)
	LastRecordingMs float64 `json:"LastRecordingMs"` // duration of the last recording, ms (6000)
	Paper           bool    `json:"Paper"`           // the paper's rules and protocol (false)
	TimeScale       float64 `json:"TimeScale"`       // multiplies every phase duration (1)
	// NE, when > 0, fixes the number of E neurons: NE/Size clusters (K must be that, or 0 for
	// it). With Paper it must be 2400: the authors' cluster-size variants
	// (snn.ClusterSizeSetup(Size)), the networks of their matrices for clusters of 80 to 200
	// and of the steps their data give (docs/MODEL.md section 4.2 and A11).
	NE int `json:"NE"`
	// EEWeight, when > 0, is the initial E→E weight, pF, in place of the setup's own (with
	// Paper, 2.83·√(0.2/p) of the size rule, which makes a neuron's E→E input grow with the
	// cluster size at a fixed number of clusters; 2.83 holds it at the 30 × 80 network's).
	// The normalisation keeps each neuron's E→E input at its initial sum, so this sets the
	// budget the training shares out (docs/MODEL.md 4.2). It joins the training's
	// fingerprint: a directory trained with another weight is refused.
	EEWeight float64 `json:"EEWeight"`
}

// variantsNE is the number of E neurons of the authors' cluster-size variants
// (snn.ClusterSizeSetup).
const variantsNE = 2400

// Clusters returns the number of clusters: K, or NE/Size when NE is set and K is 0.
func (o *Clock) Clusters() int {
	if o.NE > 0 && o.K == 0 && o.Size > 0 {
		return o.NE / o.Size
	}
	return o.K
}

// ClockResult is the result of a Clock run. Step and period are null (NaN, null in JSON) when the last
// recording has no in-order transition or no repeated activation.
type ClockResult struct {
	StepMs      analysis.OptFloat `json:"StepMs"`      // median interval of the in-order transitions
	PassMs      analysis.OptFloat `json:"PassMs"`      // K × StepMs: one uninterrupted pass
	PeriodMs    analysis.OptFloat `json:"PeriodMs"`    // median interval between activations of one cluster
	InOrder     int               `json:"InOrder"`     // in-order transitions
	Transitions int               `json:"Transitions"` // all transitions
	Active      float64           `json:"Active"`      // fraction of the recording with a cluster active
	RateE       float64           `json:"RateE"`       // mean E rate in the last recording, Hz
	Within      float64           `json:"Within"`      // mean E→E weight within clusters, pF
	Forward     float64           `json:"Forward"`     // from each cluster to the next one, pF
	Backward    float64           `json:"Backward"`    // from each cluster to the previous one, pF
	WallS       float64           `json:"WallS"`       // wall time of the training, s (every phase, resumed ones included)
	CPUS        float64           `json:"CPUS"`        // CPU time of the training, s (every phase, resumed ones included)
}

// DefaultClock returns 15 clusters of 20 neurons, seed 1, a last recording of 6 s, time
// scale 1.
func DefaultClock() *Clock {
	return &Clock{K: 15, Size: 20, Seed: 1, LastRecordingMs: 6000, TimeScale: 1}
}

// Kind returns "clock".
func (*Clock) Kind() string { return "clock" }

// Kind returns "clock".
func (ClockResult) Kind() string { return "clock" }

// Validate reports the first invalid field.
func (o *Clock) Validate() error {
	switch {
	case o.NE < 0:
		return fmt.Errorf("experiment: clock NE = %d: must be >= 0 (0: K × Size)", o.NE)
	case o.NE > 0 && (o.Size < 1 || o.NE%o.Size != 0 || o.Clusters()*o.Size != o.NE):
		return fmt.Errorf("experiment: clock NE = %d with K = %d, Size = %d: Size must divide NE and K be NE/Size (or 0)", o.NE, o.K, o.Size)
	case o.NE > 0 && o.Paper && o.NE != variantsNE:
		return fmt.Errorf("experiment: clock NE = %d with Paper: the authors' cluster-size variants have %d E neurons", o.NE, variantsNE)
	}
	if o.Clusters() < 2 || o.Size < 1 {
		return fmt.Errorf("experiment: clock K = %d, Size = %d: want K >= 2 and Size >= 1", o.K, o.Size)
	}
	if o.Clusters()*o.Size > 20000 {
		return fmt.Errorf("experiment: clock K × Size = %d: more than 20000 E neurons", o.Clusters()*o.Size)
	}
	if math.IsNaN(o.LastRecordingMs) || math.IsInf(o.LastRecordingMs, 0) || o.LastRecordingMs <= 0 {
		return fmt.Errorf("experiment: clock LastRecordingMs = %v: must be finite and > 0", o.LastRecordingMs)
	}
	if math.IsInf(o.TimeScale, 0) || !(o.TimeScale > 0) {
		return fmt.Errorf("experiment: clock TimeScale = %v: must be finite and > 0", o.TimeScale)
	}
	if math.IsInf(o.EEWeight, 0) || !(o.EEWeight >= 0) {
		return fmt.Errorf("experiment: clock EEWeight = %v: must be finite and >= 0 (0: the setup's own)", o.EEWeight)
	}
	return nil
}

// tag is the training's fingerprint tag (protocol.Options.Tag): the options that change the
// network's weights but not its Fingerprint.
func (o *Clock) tag() string {
	if o.EEWeight > 0 {
		return fmt.Sprintf("EEWeight=%g", o.EEWeight)
	}
	return ""
}

// setup returns the network and rules of the options, and the protocol (o valid).
func (o *Clock) setup(threads int) (snn.Setup, protocol.Protocol) {
	var s snn.Setup
	var prot protocol.Protocol
	switch {
	case o.Paper && o.NE > 0:
		s = snn.ClusterSizeSetup(o.Size)
		prot = protocol.Paper()
	case o.Paper:
		s = snn.PaperSetup()
		s.Config.NE, s.Config.NI, s.Config.Clusters = o.K*o.Size, o.K*o.Size/4, o.K
		s.Config = s.Config.WithClusterSize(o.Size)
		prot = protocol.Paper()
	default:
		s = snn.ReducedSetup(o.Clusters(), o.Size)
		prot = protocol.Short()
		prot[len(prot)-1].DurationMs = o.LastRecordingMs
	}
	for i := range prot {
		prot[i].DurationMs *= o.TimeScale
		prot[i].PlasticDelayMs *= o.TimeScale
	}
	if o.EEWeight > 0 {
		s.Config.EtoE.W = o.EEWeight
	}
	s.Config.Seed, s.Config.Threads = o.Seed, threads
	return s, prot
}

// Run trains the network and measures its replay, resuming from Env.Dir's snapshots.
func (o *Clock) Run(ctx context.Context, env Env) (Result, error) {
	if err := o.Validate(); err != nil {
		return nil, err
	}
	s, prot := o.setup(env.Threads)
	net, err := s.Build()
	if err != nil {
		return nil, fmt.Errorf("experiment: clock: %w", err)
	}
	if env.Host != nil {
		net.SetHost(env.Host)
	}
	popt := protocol.Options{Tag: o.tag(), OnPhase: func(r protocol.PhaseReport) {
		if !r.Resumed {
			env.logf("phase %d/%d %-11s %6.0f s  E %.2f Hz  within %.2f fwd %.2f bwd %.2f",
				r.Index+1, len(prot), r.Kind, r.EndMs/1000, r.RateE, r.Blocks.Within, r.Blocks.Forward, r.Blocks.Backward)
		}
	}}
	if env.Dir != "" {
		lock, err := lockDir(env, "clock")
		if err != nil {
			return nil, fmt.Errorf("experiment: clock: %w", err)
		}
		defer lock.Release()
		popt.Dir = env.Dir
	}
	start, cpu0 := time.Now(), cpuSeconds()
	rep, err := protocol.Run(ctx, net, prot, popt)
	if err != nil {
		return nil, fmt.Errorf("experiment: clock: %w", err)
	}
	if rep.Resumed > 0 {
		env.logf("resumed after phase %d of %d from %s", rep.Resumed, len(prot), env.Dir)
	}
	rec := rep.LastRecording()
	if rec == nil || rec.Replay == nil {
		return nil, fmt.Errorf("experiment: clock: the protocol has no recording")
	}
	wall, cpu := rep.Total() // every phase, those of an earlier, interrupted Run included
	st := rec.Replay
	active := st.ActiveFraction
	if math.IsNaN(active) {
		active = 0
	}
	return ClockResult{
		StepMs: analysis.OptFloat(st.StepMs), PassMs: analysis.OptFloat(float64(o.Clusters()) * st.StepMs), PeriodMs: analysis.OptFloat(st.PeriodMs),
		InOrder: st.InOrder, Transitions: st.Transitions, Active: active, RateE: rec.RateE,
		Within: rec.Blocks.Within, Forward: rec.Blocks.Forward, Backward: rec.Blocks.Backward,
		WallS: max(time.Since(start), wall).Seconds(), CPUS: max(cpuSeconds()-cpu0, cpu),
	}, nil
}
