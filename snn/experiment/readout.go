package experiment

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"

	"github.com/gosnn/gosnn/snn/analysis"

	"github.com/gosnn/gosnn/maesdata"
	"github.com/gosnn/gosnn/snn"
	"github.com/gosnn/gosnn/snn/audio"
	"github.com/gosnn/gosnn/snn/readout"
	"github.com/gosnn/gosnn/snn/snnio"
)

// ReadoutOptions are the options of kind "readout": read-out neurons trained on a pattern on
// top of a trained clock network, then replays of it (docs/MODEL.md 7.3-7.5,
// readout.RunExperiment). With Env.Dir set, Run locks it and writes there report.json (the
// ReadoutResult), weights.mat (variable W, the trained read-out × E weights), rates.mat
// (rates1, rates2, …: read-out × steps at dt, one per replay) and e_spikes.csv (the E spikes of
// training and replays), each atomically. It does not resume.
type ReadoutOptions struct {
	// Weights is the trained weight matrix (.mat, .npy or text), post × pre, E first; "": the
	// authors' FF60b_2400_nc160.mat (package maesdata).
	Weights string `json:"weights"`
	// Pattern is "abcba" (the default), "two" (ABCBA and DEDED), "song" (from Wav), or a file:
	// a .mat matrix, a .wav recording or an interval list (readout.LoadPattern).
	Pattern string `json:"pattern"`
	// Wav is the meadowlark recording for pattern song; "": the authors' meadowlark.wav.
	Wav string `json:"wav"`
	// Clusters is the number of E clusters; 0: from ClusterSize, else the file name's ncNNN.
	Clusters int `json:"clusters"`
	// ClusterSize is the E cluster size; 0: from Clusters, else the file name's ncNNN.
	ClusterSize int `json:"cluster_size"`
	// NE is the number of E neurons; 0: 4/5 of the matrix size.
	NE int `json:"ne"`
	// Ring extends the trained clock to this many clusters (readout.ExtendRing) before
	// training; 0 keeps it.
	Ring int `json:"ring"`
	// TrainMs is the training time, ms; 0: the pattern's (12 000; 24 000 for two; 6000 for song).
	TrainMs float64 `json:"train_ms"`
	// ReplayMs is the length of each replay, ms (2000).
	ReplayMs float64 `json:"replay_ms"`
	// BlockMs is the alternation block when training several patterns, ms (2000).
	BlockMs float64 `json:"block_ms"`
	// DeleteAtMs is the time into each replay at which E→R weights are deleted, ms; 0: the
	// pattern's (1000; never for two and song); < 0: never.
	DeleteAtMs float64 `json:"delete_at_ms"`
	// DeleteFrac is the fraction of E→R weights deleted (1/3).
	DeleteFrac float64 `json:"delete_frac"`
	// HFeedback keeps the R↔H loop during replay ([R]); false is [M]: R gets E input only.
	HFeedback bool `json:"h_feedback"`
	// RequireSpikes detects cycles without the [M] quirk (a silent window starts no cycle).
	RequireSpikes bool `json:"require_spikes"`
	// ReadoutThreshold is how V_T jumps at an R or S spike: "set" (V_T,rest + A_T,
	// docs/MODEL.md section 9 item 8; the default) or "increment" ([M]: V_T += A_T).
	ReadoutThreshold string `json:"readout_threshold"`
	// Seed seeds the initial state, the Poisson input and the deletion (1).
	Seed uint64 `json:"seed"`
}

// DefaultReadoutOptions returns the defaults of kind "readout": ABCBA on the authors' matrix.
func DefaultReadoutOptions() *ReadoutOptions {
	return &ReadoutOptions{Pattern: "abcba", ReplayMs: 2000, BlockMs: 2000, DeleteFrac: 1.0 / 3, ReadoutThreshold: "set", Seed: 1}
}

// Kind returns "readout".
func (o *ReadoutOptions) Kind() string { return "readout" }

// Validate reports the first invalid field.
func (o *ReadoutOptions) Validate() error {
	fail := func(format string, a ...any) error {
		return fmt.Errorf("experiment: readout: "+format, a...)
	}
	if o.Pattern == "" {
		return fail("pattern is empty: want abcba, two, song or a file")
	}
	if err := checkGeometry(o.Clusters, o.ClusterSize, o.NE); err != nil {
		return fail("%w", err)
	}
	switch {
	case o.Ring < 0:
		return fail("ring = %d: must be >= 0", o.Ring)
	case !(o.TrainMs >= 0) || math.IsInf(o.TrainMs, 0):
		return fail("train_ms = %v: must be finite and > 0 (or 0 for the pattern's)", o.TrainMs)
	case math.IsNaN(o.DeleteAtMs) || math.IsInf(o.DeleteAtMs, 0):
		return fail("delete_at_ms = %v: must be finite", o.DeleteAtMs)
	case !(o.DeleteFrac >= 0 && o.DeleteFrac <= 1):
		return fail("delete_frac = %v: must be in [0, 1]", o.DeleteFrac)
	case o.ReadoutThreshold != "set" && o.ReadoutThreshold != "increment":
		return fail("readout_threshold %q: want set or increment", o.ReadoutThreshold)
	}
	if err := checkMs("readout", "replay_ms", o.ReplayMs); err != nil {
		return err
	}
	return checkMs("readout", "block_ms", o.BlockMs)
}

// ReadoutResult is the result of kind "readout" (report.json and the record of gosnn exp
// readout --json): the run's parameters, summary figures of the first replay's first pattern
// at the top level, and readout.RunExperiment's report.
type ReadoutResult struct {
	Weights     string `json:"weights"` // the weight file read
	Pattern     string `json:"pattern"`
	Clusters    int    `json:"clusters"`
	ClusterSize int    `json:"cluster_size"`
	Seed        uint64 `json:"seed"`
	Threads     int    `json:"threads"`
	Threshold   string `json:"readout_threshold"` // set or increment
	// TrainStarts is the number of patterns started during training.
	TrainStarts int `json:"train_cycle_starts"`
	// ClockPeriodMs is the median period of the clock during training.
	ClockPeriodMs analysis.OptFloat `json:"clock_period_ms"`
	// Error, ErrorReversed, Correlation and CyclesInOrder are those of pattern 0 in the first
	// replay (before the deletion): docs/MODEL.md 7.4's error (row to row), the same with the
	// authors' reversed-row formula (readout.ReversedRows, section 9 item 20), the Pearson
	// correlation of target and rates, and the fraction of clock cycles with every element in
	// order.
	Error         analysis.OptFloat `json:"error"`
	ErrorReversed analysis.OptFloat `json:"error_reversed_rows"`
	Correlation   analysis.OptFloat `json:"correlation"`
	CyclesInOrder analysis.OptFloat `json:"cycles_in_order_fraction"`
	Report        *readout.Report   `json:"report"`
}

// Kind returns "readout".
func (r *ReadoutResult) Kind() string { return "readout" }

// Run loads the weights, trains the read-out and replays it; the files go into env.Dir if set.
func (o *ReadoutOptions) Run(ctx context.Context, env Env) (Result, error) {
	if err := o.Validate(); err != nil {
		return nil, err
	}
	r, err := o.run(ctx, env)
	if err != nil {
		return nil, wrap("readout", err)
	}
	return r, nil
}

// protocol returns the read-out protocol of the options, pattern defaults resolved.
func (o *ReadoutOptions) protocol() readout.Protocol {
	prot := readout.DefaultProtocol()
	several := o.Pattern == "two" || o.Pattern == "song"
	prot.TrainMs = o.TrainMs
	if prot.TrainMs == 0 {
		switch o.Pattern {
		case "two":
			prot.TrainMs = 24000
		case "song":
			prot.TrainMs = 6000
		default:
			prot.TrainMs = 12000
		}
	}
	prot.DeleteAt = o.DeleteAtMs
	if o.DeleteAtMs == 0 {
		prot.DeleteAt = 1000
		if several {
			prot.DeleteAt = -1
		}
	}
	if prot.DeleteAt < 0 {
		prot.DeleteAt = -1
	}
	prot.ReplayMs, prot.BlockMs = o.ReplayMs, o.BlockMs
	prot.DeleteFrac, prot.HFeedback = o.DeleteFrac, o.HFeedback
	return prot
}

// patterns resolves Pattern.
func (o *ReadoutOptions) patterns(dt float64) ([]*readout.Pattern, error) {
	switch o.Pattern {
	case "abcba":
		return []*readout.Pattern{readout.ABCBA()}, nil
	case "two":
		return []*readout.Pattern{readout.ABCBA(), readout.DEDED()}, nil
	case "song":
		wav, err := authorsFile(o.Wav, maesdata.Song, "pattern song without wav: the default is")
		if err != nil {
			return nil, err
		}
		a, err := audio.ReadWAVFile(wav)
		if err != nil {
			return nil, err
		}
		p, err := readout.SongSupervisor(a, readout.DefaultSongSupervisorParams(), readout.SupervisorOn)
		if err != nil {
			return nil, err
		}
		return []*readout.Pattern{p}, nil
	}
	p, err := readout.LoadPattern(o.Pattern, dt, 0)
	if err != nil {
		return nil, err
	}
	return []*readout.Pattern{p}, nil
}

func (o *ReadoutOptions) run(ctx context.Context, env Env) (*ReadoutResult, error) {
	if env.Dir != "" {
		// Lock the directory for the whole run, so that a second run cannot mix its files with ours.
		lock, err := lockDir(env, "readout")
		if err != nil {
			return nil, err
		}
		defer lock.Release()
	}
	path, err := authorsFile(o.Weights, maesdata.Weights, "weights not given: the default is")
	if err != nil {
		return nil, err
	}
	wf, err := loadWeightFile(path, o.NE, o.Clusters, o.ClusterSize)
	if err != nil {
		return nil, err
	}
	if o.Ring > 0 {
		w, err := readout.ExtendRing(wf.w, wf.ne, wf.k, o.Ring, o.Seed)
		if err != nil {
			return nil, err
		}
		wf.ne = wf.ne / wf.k * o.Ring
		wf.n, _ = w.Dims()
		wf.k, wf.w = o.Ring, w
	}
	net, err := wf.network(path, o.Seed, env.Threads, nil)
	if err != nil {
		return nil, err
	}
	attachHost(net, env)
	pats, err := o.patterns(net.DT())
	if err != nil {
		return nil, err
	}
	threshold := snn.ThresholdSet
	if o.ReadoutThreshold == "increment" {
		threshold = snn.ThresholdIncrement
	}
	rc := readout.DefaultConfig()
	rc.Seed = o.Seed
	rc.RequireSpikes = o.RequireSpikes
	rc.R.Threshold, rc.S.Threshold = threshold, threshold
	rep, ro, results, err := readout.RunExperiment(ctx, net, rc, o.protocol(), pats...)
	if err != nil {
		return nil, err
	}
	nan := analysis.OptFloat(math.NaN())
	out := &ReadoutResult{Weights: path, Pattern: o.Pattern, Clusters: wf.k, ClusterSize: wf.ne / wf.k,
		Seed: o.Seed, Threads: net.Threads(), Threshold: o.ReadoutThreshold, Report: rep,
		TrainStarts: rep.TrainStarts, ClockPeriodMs: rep.ClockPeriod, Error: nan, ErrorReversed: nan, Correlation: nan, CyclesInOrder: nan}
	if len(rep.Replays) > 0 && len(rep.Replays[0].Groups) > 0 {
		g := rep.Replays[0].Groups[0]
		out.Error, out.ErrorReversed, out.Correlation, out.CyclesInOrder = g.Error, g.ErrorReversed, g.Correlation, g.CyclesInOrderFrac
	}
	if env.Dir != "" {
		if err := saveReadout(env.Dir, out, ro, net.DT(), results); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// saveReadout writes report.json, weights.mat, rates.mat and e_spikes.csv into dir.
func saveReadout(dir string, out *ReadoutResult, ro *readout.Layer, dt float64, results []*readout.ReplayResult) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	js, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		return err
	}
	if err := writeFileAtomic(filepath.Join(dir, "report.json"), append(js, '\n')); err != nil {
		return err
	}
	if err := snnio.SaveSpikes(filepath.Join(dir, "e_spikes.csv"), ro.ESpikes(), dt); err != nil {
		return err
	}
	wm := ro.Weights()
	if err := snnio.WriteMatFile(filepath.Join(dir, "weights.mat"), snnio.MatVar{Name: "W", Class: "double", Rows: len(wm), Cols: len(wm[0]), Data: flatten(wm)}); err != nil {
		return err
	}
	var vars []snnio.MatVar
	for i, r := range results {
		if len(r.Rates) == 0 || len(r.Rates[0]) == 0 {
			continue
		}
		vars = append(vars, snnio.MatVar{Name: fmt.Sprintf("rates%d", i+1), Class: "double", Rows: len(r.Rates), Cols: len(r.Rates[0]), Data: flatten(r.Rates)})
	}
	if len(vars) > 0 {
		return snnio.WriteMatFile(filepath.Join(dir, "rates.mat"), vars...)
	}
	return nil
}

func flatten(m [][]float64) []float64 {
	var out []float64
	for _, row := range m {
		out = append(out, row...)
	}
	return out
}
