package experiment

import (
	"cmp"
	"context"
	"fmt"
	"runtime"
	"strings"
	"time"

	"github.com/gosnn/gosnn/maesdata"
	"github.com/gosnn/gosnn/snn"
	"github.com/gosnn/gosnn/snn/readout"
)

// BenchScenarios describes the scenarios of kind "bench", by name.
var BenchScenarios = map[string]string{
	"static":  "full-size network (2400 E, 600 I, p = 0.2), spontaneous input, no plasticity",
	"plastic": "static plus E→E vSTDP, I→E iSTDP and E→E normalisation (docs/MODEL.md 5.1-5.3), spontaneous input",
	"train":   "plastic plus the training stimulus schedule and drive of docs/MODEL.md 7.1",
	"readout": "ABCBA read-out training (docs/MODEL.md 7.3) on the authors' trained nc160 matrix (needs their data: gosnn data)",
}

// BenchSizes describes the network sizes of kind "bench" (BenchOptions.Size), by name: the
// size family of docs/MODEL.md 4.2 (N_E = 2400·mult, N_I = N_E/4, p = 0.2, initial weights
// ×1/√mult: snn.Config.Scaled) and the 80-cluster song network.
var BenchSizes = map[string]string{
	"0.5x": "1200 E, 300 I in 30 clusters of 40, weights ×√2 (snn.Config.Scaled(0.5)), ≈ 0.45 M synapses",
	"1x":   "the paper's 2400 E, 600 I in 30 clusters of 80, ≈ 1.8 M synapses",
	"2x":   "4800 E, 1200 I in 30 clusters of 160, weights ×1/√2 (snn.Config.Scaled(2)), ≈ 7.2 M synapses",
	"80c":  "the song network: 6400 E in 80 clusters of 80, 1600 I, weights ×1/√(8/3) (snn.Config.Scaled(8/3)), ≈ 12.8 M synapses",
}

// BenchSizeOrder lists the names of BenchSizes from the smallest network to the largest.
var BenchSizeOrder = []string{"0.5x", "1x", "2x", "80c"}

// benchConfig returns the configuration of size (a BenchSizes name) for the scenarios built
// from the paper's setup.
func benchConfig(c snn.Config, size string) snn.Config {
	switch size {
	case "0.5x":
		return c.Scaled(0.5)
	case "2x":
		return c.Scaled(2)
	case "80c":
		c = c.Scaled(8.0 / 3)
		c.Clusters = 80
		return c
	}
	return c
}

// BenchOptions are the options of kind "bench": the simulator's speed on a standard
// scenario. It writes no files and does not resume.
type BenchOptions struct {
	// Scenario is static (the default), plastic, train or readout (BenchScenarios).
	Scenario string `json:"scenario"`
	// DurationMs is the simulated time, ms (2000).
	DurationMs float64 `json:"duration_ms"`
	// Seed is the random seed (1).
	Seed uint64 `json:"seed"`
	// Size is the network size (BenchSizes; "" means "1x"). The readout scenario runs only
	// at 1x (the authors' matrix).
	Size string `json:"size"`
}

// DefaultBenchOptions returns the defaults of kind "bench": 2 s of the static scenario at 1x.
func DefaultBenchOptions() *BenchOptions {
	return &BenchOptions{Scenario: "static", DurationMs: 2000, Seed: 1, Size: "1x"}
}

// Kind returns "bench".
func (o *BenchOptions) Kind() string { return "bench" }

// Validate reports the first invalid field.
func (o *BenchOptions) Validate() error {
	if _, ok := BenchScenarios[o.Scenario]; !ok {
		return fmt.Errorf("experiment: bench: unknown scenario %q (known: static, plastic, train, readout)", o.Scenario)
	}
	if _, ok := BenchSizes[o.Size]; !ok && o.Size != "" {
		return fmt.Errorf("experiment: bench: unknown size %q (known: %s)", o.Size, strings.Join(BenchSizeOrder, ", "))
	}
	if o.Scenario == "readout" && o.Size != "" && o.Size != "1x" {
		return fmt.Errorf("experiment: bench: size %q: the readout scenario runs only at 1x (the authors' matrix)", o.Size)
	}
	return checkMs("bench", "duration_ms", o.DurationMs)
}

// BenchResult is the result of kind "bench" (the record of gosnn bench --json). The spike
// counts depend on the options only; the times on the machine.
type BenchResult struct {
	Scenario    string  `json:"scenario"`
	Size        string  `json:"size"`     // BenchSizes name
	Neurons     int     `json:"neurons"`  // E and I (the read-out layer's populations are not counted)
	Synapses    int     `json:"synapses"` // snn.Network.TotalSynapses
	Threads     int     `json:"threads"`
	Seed        uint64  `json:"seed"`
	SimSeconds  float64 `json:"sim_seconds"`
	WallSeconds float64 `json:"wall_seconds"`
	CPUSeconds  float64 `json:"cpu_seconds"`
	BuildSecs   float64 `json:"build_seconds"`
	RTF         float64 `json:"rtf"` // wall seconds per simulated second
	SpikesE     int64   `json:"spikes_e"`
	SpikesI     int64   `json:"spikes_i"`
	RateEHz     float64 `json:"rate_e_hz"`
	RateIHz     float64 `json:"rate_i_hz"`
	PeakRSSMB   float64 `json:"peak_rss_mb"`
	GoVersion   string  `json:"go_version"`
	// LTPUpdates counts the E→E synapses LTP visited during the run (snn.Network.LTPUpdates),
	// LTPPerSec the same per simulated second (Brian2 reference: about 39 M for train).
	LTPUpdates int64   `json:"ltp_updates"`
	LTPPerSec  float64 `json:"ltp_updates_per_sim_second"`
}

// Kind returns "bench".
func (r *BenchResult) Kind() string { return "bench" }

// Run builds the scenario's network (timed as build_seconds) and runs it (timed as
// wall_seconds and cpu_seconds).
func (o *BenchOptions) Run(ctx context.Context, env Env) (Result, error) {
	if err := o.Validate(); err != nil {
		return nil, err
	}
	r, err := o.run(ctx, env)
	if err != nil {
		return nil, wrap("bench", err)
	}
	return r, nil
}

// build returns the scenario's network and the function that runs it.
func (o *BenchOptions) build(ctx context.Context, threads int) (*snn.Network, func() error, error) {
	if o.Scenario == "readout" {
		return o.buildReadout(ctx, threads)
	}
	setup := snn.PaperSetup()
	setup.Config = benchConfig(setup.Config, o.Size)
	setup.Config.Threads, setup.Config.Seed = threads, o.Seed
	var (
		n   *snn.Network
		err error
	)
	if o.Scenario == "static" {
		n, err = snn.New(setup.Config)
	} else {
		n, err = setup.Build()
	}
	if err != nil {
		return nil, nil, err
	}
	if o.Scenario != "static" {
		n.SetPlastic(true)
	}
	if o.Scenario == "train" {
		if err := n.ScheduleStimuli(snn.TrainingSchedule(setup.Config.Clusters, o.DurationMs), snn.DefaultTrainingDrive()); err != nil {
			return nil, nil, err
		}
	}
	return n, func() error { return n.RunContext(ctx, o.DurationMs) }, nil
}

// buildReadout attaches an ABCBA read-out layer to the authors' nc160 network.
func (o *BenchOptions) buildReadout(ctx context.Context, threads int) (*snn.Network, func() error, error) {
	path, err := authorsFile("", maesdata.Weights, "scenario readout runs on")
	if err != nil {
		return nil, nil, err
	}
	wf, err := loadWeightFile(path, 0, 0, 0)
	if err != nil {
		return nil, nil, err
	}
	n, err := wf.network(path, o.Seed, threads, nil)
	if err != nil {
		return nil, nil, err
	}
	rc := readout.DefaultConfig()
	rc.Seed = o.Seed
	ro, err := readout.New(n, rc, readout.ABCBA())
	if err != nil {
		return nil, nil, err
	}
	return n, func() error {
		_, err := ro.Train(ctx, o.DurationMs, readout.DefaultProtocol().BlockMs)
		return err
	}, nil
}

func (o *BenchOptions) run(ctx context.Context, env Env) (*BenchResult, error) {
	t0 := time.Now()
	n, run, err := o.build(ctx, env.Threads)
	if err != nil {
		return nil, err
	}
	attachHost(n, env)
	build := time.Since(t0)
	cpu0 := cpuSeconds()
	ltp0 := n.LTPUpdates()
	spE, spI := n.SpikeCount(snn.PopE), n.SpikeCount(snn.PopI)
	t1 := time.Now()
	if err := run(); err != nil {
		return nil, err
	}
	wall := time.Since(t1).Seconds()
	cpu := cpuSeconds() - cpu0
	sim := o.DurationMs / 1000
	ne, ni := n.Size(snn.PopE), n.Size(snn.PopI)
	r := &BenchResult{
		Scenario: o.Scenario, Size: cmp.Or(o.Size, "1x"), Neurons: ne + ni, Synapses: n.TotalSynapses(), Threads: n.Threads(), Seed: o.Seed,
		SimSeconds: sim, WallSeconds: wall, CPUSeconds: cpu, BuildSecs: build.Seconds(), RTF: wall / sim,
		SpikesE: n.SpikeCount(snn.PopE) - spE, SpikesI: n.SpikeCount(snn.PopI) - spI,
		PeakRSSMB: peakRSSMB(), GoVersion: runtime.Version(),
		LTPUpdates: n.LTPUpdates() - ltp0,
	}
	r.LTPPerSec = float64(r.LTPUpdates) / sim
	r.RateEHz = float64(r.SpikesE) / float64(ne) / sim
	r.RateIHz = float64(r.SpikesI) / float64(ni) / sim
	return r, nil
}
