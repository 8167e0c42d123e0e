package experiment

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"path/filepath"
	"time"

	"github.com/gosnn/gosnn/snn"
	"github.com/gosnn/gosnn/snn/analysis"
	"github.com/gosnn/gosnn/snn/protocol"
	"github.com/gosnn/gosnn/snn/snnio"
)

// TrainOptions are the options of kind "train": the recurrent network trained with the
// stimulus protocol of docs/MODEL.md 7.1 (package protocol).
//
// Run needs Env.Dir. It locks it, writes there after every phase a snapshot (protocol.Options.Dir:
// weights-NNNN.npy, state.json, ...) and at the end the final weights
// trained_N_ncM.npy, spikes.csv (the E spikes of the last recording phase) and summary.json
// (the TrainResult). A second Run with the same options and Dir resumes after the last
// finished phase (a finished run is resumed entirely and only rewrites the files).
type TrainOptions struct {
	// Protocol is "paper" (docs/MODEL.md 7.1, 7353 s) or "short" (188 s; the default).
	Protocol string `json:"protocol"`
	// Preset is "paper" (docs/MODEL.md; the default), "reduced" (snn.ReducedSetup, fast
	// learning) or "nc160" (snn.ClusterSizeSetup: the settings of the authors' 15 × 160
	// matrix, N_E = 2400; with ClusterSize 200 those of their nc200 matrix).
	Preset string `json:"preset"`
	// Clusters is the number of E clusters; 0: the preset's (30 for paper and reduced,
	// 2400/ClusterSize for nc160, whose N_E is fixed at 2400).
	Clusters int `json:"clusters"`
	// ClusterSize is the number of E neurons per cluster; 0: the preset's (80 for paper, 20
	// for reduced, 160 for nc160).
	ClusterSize int `json:"cluster_size"`
	// Order is the stimulation order, a permutation of the cluster indices; nil: 0, 1, …, K−1.
	Order []int `json:"order"`
	// LTPGain is an extra factor on the E→E LTP amplitude, on top of the preset (1).
	LTPGain float64 `json:"ltp_gain"`
	// IEBounds, when given, replaces the preset's bounds of the I→E weights under iSTDP:
	// [min, max] in pF (nil: 48.7 and 243 for paper and reduced, 40 and 200 for nc160). A
	// network whose initial I→E weights are scaled down (ReducedConfig: the 80-cluster network's
	// 62.87/√(8/3) = 38.5) starts below the paper's floor, which iSTDP's clipping then raises.
	IEBounds []float64 `json:"ie_bounds,omitempty"`
	// EEBounds, when given, replaces the preset's bounds of the E→E weights, under vSTDP and
	// normalisation alike: [min, max] in pF (nil: the preset's, 1.45 and 32.68 for paper). In a
	// network whose initial E→E weights are scaled down (the 80-cluster network's mean
	// 2.83/√(8/3) = 1.73), the paper's floor holds most of the input budget that
	// normalisation preserves at the floor and leaves the forward weights no room.
	EEBounds []float64 `json:"ee_bounds,omitempty"`
	// TimeScale multiplies every phase duration (1; e.g. 0.01 for a smoke test).
	TimeScale float64 `json:"time_scale"`
	// Phases, when > 0, ends the training after the protocol's first Phases phases (0: all):
	// a protocol cut short, e.g. after the stimulation round whose recording first shows the
	// chain, before further rounds can undo it (docs/MODEL.md section 9 item 25). A run with
	// another Phases is another protocol: it does not resume the snapshots of this one.
	Phases int `json:"phases,omitempty"`
	// Seed is the random seed (1).
	Seed uint64 `json:"seed"`
	// LastEBug reproduces the original's last-E-neuron bug (docs/MODEL.md section 9 item 7,
	// snn.Config.LastENeuronBug).
	LastEBug bool `json:"last_e_bug"`
}

// DefaultTrainOptions returns the defaults of kind "train": the short protocol on the paper's
// network.
func DefaultTrainOptions() *TrainOptions {
	return &TrainOptions{Protocol: "short", Preset: "paper", LTPGain: 1, TimeScale: 1, Seed: 1}
}

// Kind returns "train".
func (o *TrainOptions) Kind() string { return "train" }

// clusterSize is ClusterSize or the preset's.
func (o *TrainOptions) clusterSize() int {
	switch {
	case o.ClusterSize != 0:
		return o.ClusterSize
	case o.Preset == "reduced":
		return 20
	case o.Preset == "nc160":
		return 160
	}
	return 80
}

// nc160NE is the number of E neurons of the nc160 preset (snn.ClusterSizeSetup).
const nc160NE = 2400

// clusters is Clusters or the preset's.
func (o *TrainOptions) clusters() int {
	switch {
	case o.Clusters != 0:
		return o.Clusters
	case o.Preset == "nc160":
		if size := o.clusterSize(); size > 0 {
			return nc160NE / size
		}
	}
	return 30
}

// Validate reports the first invalid field.
func (o *TrainOptions) Validate() error {
	fail := func(format string, a ...any) error {
		return fmt.Errorf("experiment: train: "+format, a...)
	}
	switch {
	case o.Protocol != "paper" && o.Protocol != "short":
		return fail("protocol %q: want paper or short", o.Protocol)
	case o.Preset != "paper" && o.Preset != "reduced" && o.Preset != "nc160":
		return fail("preset %q: want paper, reduced or nc160", o.Preset)
	case o.Clusters < 0:
		return fail("clusters = %d: must be > 0 (or 0 for the preset's)", o.Clusters)
	case o.ClusterSize < 0:
		return fail("cluster_size = %d: must be > 0 (or 0 for the preset's)", o.ClusterSize)
	case o.Preset == "nc160" && o.clusters()*o.clusterSize() != nc160NE:
		return fail("preset nc160: %d clusters of %d: the preset has %d E neurons, so cluster_size must divide %d and clusters be %d/cluster_size (or 0)",
			o.clusters(), o.clusterSize(), nc160NE, nc160NE, nc160NE)
	case !(o.LTPGain >= 0) || math.IsInf(o.LTPGain, 0):
		return fail("ltp_gain = %v: must be finite and >= 0", o.LTPGain)
	case !(o.TimeScale > 0) || math.IsInf(o.TimeScale, 0):
		return fail("time_scale = %v: must be finite and > 0", o.TimeScale)
	case !validBounds(o.IEBounds):
		return fail("ie_bounds = %v: want [min, max] with 0 <= min < max, finite (pF)", o.IEBounds)
	case !validBounds(o.EEBounds):
		return fail("ee_bounds = %v: want [min, max] with 0 <= min < max, finite (pF)", o.EEBounds)
	case o.Phases < 0 || o.Phases > len(o.fullProtocol()):
		return fail("phases = %d: want 0 (all) to %d, the phases of the %s protocol", o.Phases, len(o.fullProtocol()), o.Protocol)
	}
	if o.Order != nil {
		seen := map[int]bool{}
		for _, c := range o.Order {
			if c < 0 || c >= o.clusters() || seen[c] {
				return fail("order: cluster %d out of range [0, %d) or repeated", c, o.clusters())
			}
			seen[c] = true
		}
		if len(o.Order) != o.clusters() {
			return fail("order: %d clusters given, want a permutation of all %d", len(o.Order), o.clusters())
		}
	}
	return nil
}

// validBounds reports whether b is nil or [min, max] with 0 <= min < max, finite.
func validBounds(b []float64) bool {
	return b == nil || (len(b) == 2 && b[0] >= 0 && b[1] > b[0] && !math.IsInf(b[1], 0))
}

// TrainResult is the result of kind "train" (DIR/summary.json and the record of gosnn exp
// train --json). The E→E means are after training; rates and replay are those of the last
// recording phase.
type TrainResult struct {
	Protocol     string            `json:"protocol"`
	Preset       string            `json:"preset"`
	Dir          string            `json:"dir"`
	Weights      string            `json:"weights"` // final full weight matrix (post × pre), for kind replay
	Spikes       string            `json:"spikes,omitempty"`
	Neurons      int               `json:"neurons"`
	Clusters     int               `json:"clusters"`
	ClusterSize  int               `json:"cluster_size"`
	Order        []int             `json:"order"`
	LTPGain      float64           `json:"ltp_gain"`
	Seed         uint64            `json:"seed"`
	Threads      int               `json:"threads"`
	Phases       int               `json:"phases"`
	Resumed      int               `json:"phases_resumed"`
	Within       analysis.OptFloat `json:"ee_within_mean"`
	Forward      analysis.OptFloat `json:"ee_forward_mean"`
	Backward     analysis.OptFloat `json:"ee_backward_mean"`
	Other        analysis.OptFloat `json:"ee_other_mean"`
	FFIndex      analysis.OptFloat `json:"feedforward_index"`
	EERowMeanMin analysis.OptFloat `json:"ee_row_mean_min"` // smallest mean incoming E→E weight of an E neuron (analysis.EEInputStats)
	EERowMeanMax analysis.OptFloat `json:"ee_row_mean_max"`
	IEMean       analysis.OptFloat `json:"ie_mean"` // analysis.IEWeightSummary, bounds of the preset's I→E rule
	IEMedian     analysis.OptFloat `json:"ie_median"`
	IEAtFloor    analysis.OptFloat `json:"ie_fraction_at_floor"`
	PeriodMs     analysis.OptFloat `json:"period_ms"`
	InOrder      analysis.OptFloat `json:"in_order_fraction"`
	Transitions  int               `json:"transitions"`
	RateEHz      analysis.OptFloat `json:"rate_e_hz"` // last recording phase
	RateIHz      analysis.OptFloat `json:"rate_i_hz"`
	SimSeconds   float64           `json:"sim_seconds"`  // protocol time, resumed phases included
	WallSeconds  float64           `json:"wall_seconds"` // this run (a resumed run: since it resumed)
	CPUSeconds   float64           `json:"cpu_seconds"`
	// TotalWallSeconds and TotalCPUSeconds are the sums over every phase of the protocol, the
	// phases of the earlier runs it resumed included (protocol.Report.Total): what the
	// training cost. Phases finished by a gosnn that did not record CPU time count 0 CPU.
	TotalWallSeconds float64           `json:"total_wall_seconds"`
	TotalCPUSeconds  float64           `json:"total_cpu_seconds"`
	PeakRSSMB        float64           `json:"peak_rss_mb"`
	LTPUpdates       int64             `json:"ltp_updates"`             // this run only
	SpectrumTopRe    analysis.OptFloat `json:"reduced_spectrum_max_re"` // largest Re and |Im| of analysis.ReducedSpectrum (block means, K/3 I groups)
	SpectrumTopIm    analysis.OptFloat `json:"reduced_spectrum_max_abs_im"`
}

// Kind returns "train".
func (r *TrainResult) Kind() string { return "train" }

// setup returns the network and rules of the options.
func (o *TrainOptions) setup(threads int) snn.Setup {
	setup := presetSetup(o.Preset, o.clusters(), o.clusterSize())
	setup.EE.ALTP *= o.LTPGain
	if len(o.IEBounds) == 2 {
		setup.IE.WMin, setup.IE.WMax = o.IEBounds[0], o.IEBounds[1]
	}
	if len(o.EEBounds) == 2 {
		setup.EE.WMin, setup.EE.WMax = o.EEBounds[0], o.EEBounds[1]
		setup.Norm.WMin, setup.Norm.WMax = o.EEBounds[0], o.EEBounds[1]
	}
	setup.Config.Seed, setup.Config.Threads = o.Seed, threads
	setup.Config.LastENeuronBug = o.LastEBug
	return setup
}

// presetSetup returns the network and rules of preset ("paper", "reduced" or "nc160", see
// TrainOptions.Preset) with k clusters of size.
func presetSetup(preset string, k, size int) snn.Setup {
	switch preset {
	case "reduced":
		return snn.ReducedSetup(k, size)
	case "nc160":
		return snn.ClusterSizeSetup(size)
	}
	setup := snn.PaperSetup()
	if k != 30 || size != 80 {
		setup.Config = snn.ReducedConfig(k, size)
	}
	return setup
}

// fullProtocol is the protocol named by Protocol, all its phases, unscaled.
func (o *TrainOptions) fullProtocol() protocol.Protocol {
	if o.Protocol == "paper" {
		return protocol.Paper()
	}
	return protocol.Short()
}

// protocol returns the phases of the options.
func (o *TrainOptions) protocol() protocol.Protocol {
	prot := o.fullProtocol()
	if o.Phases > 0 {
		prot = prot[:o.Phases]
	}
	for i := range prot {
		prot[i].DurationMs *= o.TimeScale
		prot[i].PlasticDelayMs *= o.TimeScale
		if prot[i].Kind == protocol.PhaseStimulate {
			prot[i].Order = o.Order
		}
	}
	return prot
}

// Run trains the network in env.Dir (required), resuming from its snapshots, and summarises
// the final weights. Progress lines (one per phase) go to env.Log.
func (o *TrainOptions) Run(ctx context.Context, env Env) (Result, error) {
	if err := o.Validate(); err != nil {
		return nil, err
	}
	r, err := o.run(ctx, env)
	if err != nil {
		return nil, wrap("train", err)
	}
	return r, nil
}

func (o *TrainOptions) run(ctx context.Context, env Env) (*TrainResult, error) {
	if env.Dir == "" {
		return nil, ErrNoDir
	}
	setup := o.setup(env.Threads)
	prot := o.protocol()
	// One run at a time in a directory: a second one (another seed, or the same command
	// started twice) would overwrite this one's weights, summary and state.
	lock, err := lockDir(env, "train")
	if err != nil {
		return nil, err
	}
	defer lock.Release()
	k, size := o.clusters(), o.clusterSize()
	weights := filepath.Join(env.Dir, fmt.Sprintf("trained_%d_nc%d.npy", k*size, size))
	if err := checkWritable(weights); err != nil {
		return nil, err
	}
	net, err := setup.Build()
	if err != nil {
		return nil, err
	}
	attachHost(net, env)
	env.logf("%s protocol (%d phases, %.0f s simulated) on %s; output in %s", o.Protocol, len(prot), prot.DurationMs()/1000, net, env.Dir)
	cpu0, t0 := cpuSeconds(), time.Now()
	total := len(prot)
	rep, err := protocol.Run(ctx, net, prot, protocol.Options{Dir: env.Dir, OnPhase: func(r protocol.PhaseReport) {
		if r.Resumed {
			return // a resumed run reports them once, without a line each
		}
		line := fmt.Sprintf("phase %d/%d %-11s %6.0f s  E %.2f Hz  within %.2f fwd %.2f bwd %.2f other %.2f",
			r.Index+1, total, r.Kind, r.EndMs/1000, r.RateE, r.Blocks.Within, r.Blocks.Forward, r.Blocks.Backward, r.Blocks.Other)
		if r.Replay != nil {
			line += fmt.Sprintf("  period %.0f ms, in order %.2f (%d)", r.Replay.PeriodMs, r.Replay.InOrderFraction, r.Replay.Transitions)
		}
		env.logf("%s  [%.0f s wall]", line, time.Since(t0).Seconds())
	}})
	if err != nil {
		return nil, err
	}
	if rep.Resumed > 0 {
		env.logf("resumed after phase %d of %d", rep.Resumed, total)
	}
	if err := snnio.WriteWeightsNpy(net, weights); err != nil {
		return nil, err
	}
	order := o.Order
	if order == nil {
		order = make([]int, k)
		for i := range order {
			order[i] = i
		}
	}
	nan := analysis.OptFloat(math.NaN())
	r := &TrainResult{Protocol: o.Protocol, Preset: o.Preset, Dir: env.Dir, Weights: weights,
		Neurons: net.Size(snn.PopE) + net.Size(snn.PopI), Clusters: k, ClusterSize: size, Order: order,
		LTPGain: o.LTPGain, Seed: o.Seed, Threads: net.Threads(), Phases: total, Resumed: rep.Resumed,
		SimSeconds: prot.DurationMs() / 1000, WallSeconds: time.Since(t0).Seconds(), CPUSeconds: cpuSeconds() - cpu0,
		PeakRSSMB: peakRSSMB(), LTPUpdates: net.LTPUpdates(),
		RateEHz: nan, RateIHz: nan, PeriodMs: nan, InOrder: nan, IEMean: nan, IEMedian: nan, IEAtFloor: nan,
		EERowMeanMin: nan, EERowMeanMax: nan, SpectrumTopRe: nan, SpectrumTopIm: nan}
	tw, tc := rep.Total()
	r.TotalWallSeconds, r.TotalCPUSeconds = tw.Seconds(), tc
	for i := len(rep.Phases) - 1; i >= 0; i-- {
		if ph := rep.Phases[i]; ph.Kind == protocol.PhaseRecord && ph.Replay != nil {
			r.RateEHz, r.RateIHz = analysis.OptFloat(ph.RateE), analysis.OptFloat(ph.RateI)
			r.PeriodMs, r.InOrder, r.Transitions = analysis.OptFloat(ph.Replay.PeriodMs), analysis.OptFloat(ph.Replay.InOrderFraction), ph.Replay.Transitions
			break
		}
	}
	if err := r.summarize(net, setup, o.Order); err != nil {
		return nil, err
	}
	if rec := rep.LastRecording(); rec != nil && rec.Spikes != nil {
		r.Spikes = filepath.Join(env.Dir, "spikes.csv")
		if err := snnio.SaveSpikes(r.Spikes, rec.Spikes, net.DT()); err != nil {
			return nil, err
		}
	} else if hasRecording(prot) {
		env.logf("the spikes of the last recording are not in %s (written by an older gosnn): no spikes.csv", env.Dir)
	}
	js, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return nil, err
	}
	if err := writeFileAtomic(filepath.Join(env.Dir, "summary.json"), append(js, '\n')); err != nil {
		return nil, err
	}
	return r, nil
}

// summarize fills the weight statistics of r from the trained network.
func (r *TrainResult) summarize(net *snn.Network, setup snn.Setup, order []int) error {
	// Row by row from the synapse storage: WeightMatrix would copy (NE+NI)² weights (512 MB
	// for the 80-cluster network).
	w := analysis.NewWeightView(net)
	ne := net.Size(snn.PopE)
	cm, err := analysis.ChainBlockMeans(w, net.Clusters(), order)
	if err != nil {
		return err
	}
	r.Within, r.Forward, r.Backward, r.Other, r.FFIndex = analysis.OptFloat(cm.Within), analysis.OptFloat(cm.Forward), analysis.OptFloat(cm.Backward), analysis.OptFloat(cm.Other), analysis.OptFloat(cm.FeedForwardIndex)
	in, err := analysis.EEInputStats(w, ne)
	if err != nil {
		return err
	}
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, m := range in.Mean {
		if !math.IsNaN(m) { // a neuron without E inputs has no mean
			lo, hi = min(lo, m), max(hi, m)
		}
	}
	r.EERowMeanMin, r.EERowMeanMax = analysis.OptFloat(lo), analysis.OptFloat(hi)
	if ie, err := analysis.IEWeightSummary(w, ne, analysis.SummaryOptions{Floor: setup.IE.WMin, Cap: setup.IE.WMax}); err == nil {
		r.IEMean, r.IEMedian, r.IEAtFloor = analysis.OptFloat(ie.Mean), analysis.OptFloat(ie.Median), analysis.OptFloat(ie.FracAtFloor)
	}
	if ev, err := analysis.ReducedSpectrum(w, net.Clusters(), ne, max(r.Clusters/3, 1)); err == nil && len(ev) > 0 {
		re, im := math.Inf(-1), 0.0
		for _, z := range ev {
			re, im = math.Max(re, real(z)), math.Max(im, math.Abs(imag(z)))
		}
		r.SpectrumTopRe, r.SpectrumTopIm = analysis.OptFloat(re), analysis.OptFloat(im)
	}
	return nil
}

// hasRecording says whether the protocol has a recording phase.
func hasRecording(p protocol.Protocol) bool {
	for _, ph := range p {
		if ph.Kind == protocol.PhaseRecord {
			return true
		}
	}
	return false
}
