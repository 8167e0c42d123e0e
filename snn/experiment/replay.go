package experiment

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"time"

	"github.com/gosnn/gosnn/maesdata"
	"github.com/gosnn/gosnn/snn"
	"github.com/gosnn/gosnn/snn/analysis"
	"github.com/gosnn/gosnn/snn/snnio"
	"gonum.org/v1/gonum/mat"
)

// ReplayOptions are the options of kind "replay": spontaneous replay of a trained weight
// matrix with frozen weights (docs/MODEL.md A7). It writes no files and does not resume (a
// run is seconds to minutes).
type ReplayOptions struct {
	// Weights is the weight matrix file (.mat, .npy or text), post × pre, E first; "" means
	// the authors' FF60b_2400_nc160.mat (package maesdata).
	Weights string `json:"weights"`
	// Clusters is the number of E clusters; 0: from ClusterSize, else the file name's ncNNN.
	Clusters int `json:"clusters"`
	// ClusterSize is the E cluster size; 0: from Clusters, else the file name's ncNNN.
	ClusterSize int `json:"cluster_size"`
	// NE is the number of E neurons; 0: 4/5 of the matrix size.
	NE int `json:"ne"`
	// DurationMs is the simulated time, ms (10 000).
	DurationMs float64 `json:"duration_ms"`
	// Seed seeds the initial state and the Poisson input (1).
	Seed uint64 `json:"seed"`
	// Threshold is how the E neurons' adaptive threshold jumps at a spike: "set" (V_T =
	// V_T,rest + A_T, [J]; the default, also for "") or "increment" (V_T += A_T, [M]);
	// docs/MODEL.md section 9 item 8, acceptance item A9.
	Threshold string `json:"threshold,omitempty"`
	// Control, when set, replays a hand-made control network of the authors' package
	// (docs/MODEL.md 7.5 item 6) instead of a weight file: "clustered" (snn.HandMadeClustered(Mult,
	// Seed), 30 clusters) or "synfire" (snn.SynfireRing(Seed): 12 groups of 10 neurons along
	// the ring). Weights, Clusters, ClusterSize and NE are then not given.
	Control string `json:"control,omitempty"`
	// Mult is the size of the clustered control, N_E = 2400·Mult (0: 1).
	Mult float64 `json:"mult,omitempty"`
	// Order is the expected direction of the replay: "up" (cluster k → k+1; the default, also
	// for "") or "down" (k+1 → k, the direction of the clustered control's forward blocks).
	Order string `json:"order,omitempty"`
}

// DefaultReplayOptions returns the defaults of kind "replay": 10 s on the authors' matrix.
func DefaultReplayOptions() *ReplayOptions {
	return &ReplayOptions{DurationMs: 10000, Seed: 1}
}

// Kind returns "replay".
func (o *ReplayOptions) Kind() string { return "replay" }

// Validate reports the first invalid field.
func (o *ReplayOptions) Validate() error {
	if err := checkGeometry(o.Clusters, o.ClusterSize, o.NE); err != nil {
		return fmt.Errorf("experiment: replay: %w", err)
	}
	switch {
	case o.Threshold != "" && o.Threshold != "set" && o.Threshold != "increment":
		return fmt.Errorf("experiment: replay: threshold %q: want set or increment", o.Threshold)
	case o.Control != "" && o.Control != "clustered" && o.Control != "synfire":
		return fmt.Errorf("experiment: replay: control %q: want clustered or synfire (or none)", o.Control)
	case o.Control != "" && (o.Weights != "" || o.Clusters != 0 || o.ClusterSize != 0 || o.NE != 0):
		return fmt.Errorf("experiment: replay: control %s builds its own network: weights, clusters, cluster_size and ne must not be given", o.Control)
	case !(o.Mult >= 0) || math.IsInf(o.Mult, 0):
		return fmt.Errorf("experiment: replay: mult = %v: must be finite and > 0 (or 0 for 1)", o.Mult)
	case o.Mult != 0 && o.Control != "clustered":
		return fmt.Errorf("experiment: replay: mult = %v: only for control clustered", o.Mult)
	case o.Order != "" && o.Order != "up" && o.Order != "down":
		return fmt.Errorf("experiment: replay: order %q: want up or down", o.Order)
	}
	return checkMs("replay", "duration_ms", o.DurationMs)
}

// configure applies the options that change the network's configuration (Threshold).
func (o *ReplayOptions) configure(cfg *snn.Config) {
	cfg.E.Threshold = snn.ThresholdSet
	if o.Threshold == "increment" {
		cfg.E.Threshold = snn.ThresholdIncrement
	}
}

// ReplayResult is the result of kind "replay" (the record of gosnn exp replay --json).
type ReplayResult struct {
	Weights         string            `json:"weights"` // the weight file read
	Neurons         int               `json:"neurons"`
	Clusters        int               `json:"clusters"`
	ClusterSize     int               `json:"cluster_size"`
	Seed            uint64            `json:"seed"`
	Threads         int               `json:"threads"`
	Control         string            `json:"control,omitempty"` // the hand-made control replayed (Weights is then "")
	PeriodMs        analysis.OptFloat `json:"period_ms"`         // median cycle; null when no full cycle was seen
	StepMs          analysis.OptFloat `json:"step_ms"`           // median time between successive clusters, in the expected order
	Transitions     int               `json:"transitions"`
	InOrderFraction analysis.OptFloat `json:"in_order_fraction"` // in the expected order (Order)
	// Order is the expected order ("up" or "down") and OppositeFraction the fraction of the
	// transitions in the other direction.
	Order            string            `json:"order"`
	OppositeFraction analysis.OptFloat `json:"opposite_fraction"`
	ActiveFraction   float64           `json:"active_fraction"`
	RateEHz          float64           `json:"rate_e_hz"`
	RateIHz          float64           `json:"rate_i_hz"`
	SimSeconds       float64           `json:"sim_seconds"`
	WallSeconds      float64           `json:"wall_seconds"`
}

// Kind returns "replay".
func (r *ReplayResult) Kind() string { return "replay" }

// Run simulates the frozen network and analyses its replay (analysis.AnalyzeReplay), and
// writes env.Dir/spikes.csv when env.Dir is set.
func (o *ReplayOptions) Run(ctx context.Context, env Env) (Result, error) {
	if err := o.Validate(); err != nil {
		return nil, err
	}
	r, err := o.run(ctx, env)
	if err != nil {
		return nil, wrap("replay", err)
	}
	return r, nil
}

// control builds the hand-made control network of the options and its E count.
func (o *ReplayOptions) control(threads int) (*snn.Network, int, error) {
	var (
		cfg snn.Config
		w   *mat.Dense
		cl  snn.Clusters
	)
	if o.Control == "synfire" {
		cfg, w, cl = snn.SynfireRing(o.Seed)
	} else {
		mult := o.Mult
		if mult == 0 {
			mult = 1
		}
		// The size first: HandMadeClustered needs clusters of at least one neuron.
		if c := snn.DefaultConfig().Scaled(mult); c.Validate() != nil {
			return nil, 0, fmt.Errorf("control clustered, mult %v: %w", mult, c.Validate())
		}
		cfg, w = snn.HandMadeClustered(mult, o.Seed)
	}
	cfg.Threads = threads
	o.configure(&cfg)
	net, err := snn.NewFromWeights(cfg, w, cl)
	if err != nil {
		return nil, 0, fmt.Errorf("control %s: %w", o.Control, err)
	}
	return net, cfg.NE, nil
}

func (o *ReplayOptions) run(ctx context.Context, env Env) (*ReplayResult, error) {
	var (
		net  *snn.Network
		path string
		err  error
		wf   = &weightFile{}
	)
	if o.Control != "" {
		if net, wf.ne, err = o.control(env.Threads); err != nil {
			return nil, err
		}
		wf.n, wf.k = net.Size(snn.PopE)+net.Size(snn.PopI), net.Clusters().Count()
	} else {
		if path, err = authorsFile(o.Weights, maesdata.Weights, "weights not given: the default is"); err != nil {
			return nil, err
		}
		if wf, err = loadWeightFile(path, o.NE, o.Clusters, o.ClusterSize); err != nil {
			return nil, err
		}
		if net, err = wf.network(path, o.Seed, env.Threads, o.configure); err != nil {
			return nil, err
		}
	}
	attachHost(net, env)
	sm, err := net.RecordSpikes(snn.PopE, nil)
	if err != nil {
		return nil, err
	}
	t0 := time.Now()
	if err := net.RunContext(ctx, o.DurationMs); err != nil {
		return nil, err
	}
	wall := time.Since(t0).Seconds()
	k := net.Clusters().Count()
	up, down := analysis.DefaultReplayOptions(), analysis.DefaultReplayOptions()
	down.Order = make([]int, k)
	for i := range down.Order {
		down.Order[i] = k - 1 - i
	}
	if o.Order == "down" {
		up, down = down, up
	}
	st, err := analysis.AnalyzeReplay(sm.Spikes(), net.Clusters(), 0, net.Time(), up)
	if err != nil {
		return nil, err
	}
	opp, err := analysis.AnalyzeReplay(sm.Spikes(), net.Clusters(), 0, net.Time(), down)
	if err != nil {
		return nil, err
	}
	if env.Dir != "" {
		if err := os.MkdirAll(env.Dir, 0o755); err != nil {
			return nil, err
		}
		if err := snnio.SaveSpikes(filepath.Join(env.Dir, "spikes.csv"), sm.Spikes(), net.DT()); err != nil {
			return nil, err
		}
	}
	n, ne := wf.n, wf.ne
	sim := net.Time() / 1000
	order := o.Order
	if order == "" {
		order = "up"
	}
	r := &ReplayResult{
		Weights: path, Neurons: n, Clusters: k, ClusterSize: ne / k, Seed: o.Seed, Threads: net.Threads(),
		Control: o.Control, Order: order, OppositeFraction: analysis.OptFloat(opp.InOrderFraction),
		PeriodMs: analysis.OptFloat(st.PeriodMs), StepMs: analysis.OptFloat(st.StepMs), Transitions: st.Transitions,
		InOrderFraction: analysis.OptFloat(st.InOrderFraction), ActiveFraction: st.ActiveFraction,
		SimSeconds: sim, WallSeconds: wall,
	}
	if ne > 0 {
		r.RateEHz = float64(net.SpikeCount(snn.PopE)) / float64(ne) / sim
	}
	if n > ne {
		r.RateIHz = float64(net.SpikeCount(snn.PopI)) / float64(n-ne) / sim
	}
	return r, nil
}
