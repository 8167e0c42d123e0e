package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"os/signal"
	"path/filepath"
	"strings"

	"github.com/gosnn/gosnn/maesdata"
	"github.com/gosnn/gosnn/snn"
	"github.com/gosnn/gosnn/snn/audio"
	"github.com/gosnn/gosnn/snn/readout"
	"github.com/gosnn/gosnn/snn/snnio"
)

// gosnn exp readout: read-out training then replay (docs/MODEL.md 7.3-7.5) as a batch job.

func init() {
	registerExp("readout", "train read-out neurons on a pattern, then replay it (docs/MODEL.md 7.3-7.5)",
		func(args []string) int { return readoutCmd(args, os.Stdout, os.Stderr) })
}

// readoutFlags are the flags of gosnn exp readout.
type readoutFlags struct {
	command       string // the command line, recorded in the lock of --out
	weights       string
	pattern       string
	wav           string
	clusters      int
	clusterSize   int
	ne            int
	ring          int
	trainMs       float64
	replayMs      float64
	blockMs       float64
	deleteAtMs    float64
	deleteFrac    float64
	hFeedback     bool
	requireSpikes bool
	threshold     snn.ThresholdMode
	out           string
	seed          uint64
	threads       int
	json          bool
}

func parseReadoutFlags(args []string, stderr io.Writer) (*readoutFlags, int) {
	fs := flag.NewFlagSet("exp readout", flag.ContinueOnError)
	f := &readoutFlags{}
	fs.StringVar(&f.weights, "weights", "", "trained weight matrix (.mat, .npy or text), post × pre, E first (default: the authors' "+maesdata.Weights+", found as gosnn data path says)")
	fs.StringVar(&f.pattern, "pattern", "abcba", "abcba, two (ABCBA and DEDED), song (needs --wav), or a FILE: .mat matrix, .wav recording, or an interval list")
	fs.StringVar(&f.wav, "wav", "", "the meadowlark recording for --pattern song (default: the authors' "+maesdata.Song+")")
	fs.IntVar(&f.clusters, "clusters", 0, "number of E clusters (default: from --cluster-size or the file name's ncNNN)")
	fs.IntVar(&f.clusterSize, "cluster-size", 0, "E cluster size (default: the file name's ncNNN)")
	fs.IntVar(&f.ne, "ne", 0, "number of E neurons (default: 4/5 of the matrix size)")
	fs.IntVar(&f.ring, "ring", 0, "extend the trained clock to this many clusters (readout.ExtendRing) before training; 0 keeps it")
	train := fs.String("train", "", "training time (default 12s; 24s for two; 6s for song)")
	replay := fs.String("replay", "2s", "replay time")
	block := fs.String("block", "2s", "alternation block when training several patterns")
	del := fs.String("delete-at", "", "time into each replay at which E→R weights are deleted (default 1s, never for two and song; \"off\" for never)")
	fs.Float64Var(&f.deleteFrac, "delete-frac", 1.0/3, "fraction of E→R weights deleted")
	fs.BoolVar(&f.hFeedback, "h-feedback", false, "keep the R↔H loop during replay ([R]); default [M]: R gets E input only")
	fs.BoolVar(&f.requireSpikes, "require-spikes", false, "cycle detection without the [M] quirk (a silent window starts no cycle)")
	thr := fs.String("readout-threshold", "set", "how V_T jumps at an R or S spike: set (V_T,rest + A_T, docs/MODEL.md section 9 item 8) or increment ([M]: V_T += A_T)")
	fs.StringVar(&f.out, "out", "", "directory for report.json, weights.mat (trained E→R weights), rates.mat and e_spikes.csv (created; files replaced atomically)")
	fs.Uint64Var(&f.seed, "seed", 1, "random seed (initial state, Poisson input, deletion)")
	fs.IntVar(&f.threads, "threads", 0, "worker threads (0: GOMAXPROCS)")
	fs.BoolVar(&f.json, "json", false, "print the report as JSON instead of a table")
	if code := parseFlags(fs, args, stderr, "gosnn exp readout [--weights FILE] [--pattern abcba|two|song|FILE] [--train 12s] [--replay 2s] [--out DIR] [--json]"); code >= 0 {
		return nil, code
	}
	fail := func(format string, a ...any) (*readoutFlags, int) {
		fmt.Fprintf(stderr, "gosnn exp readout: "+format+"\n", a...)
		return nil, 2
	}
	if err := authorsDefault(&f.weights, maesdata.Weights); err != nil {
		return fail("--weights FILE is required: %v", err)
	}
	if f.clusters < 0 || f.clusterSize < 0 || f.ne < 0 || f.threads < 0 || f.ring < 0 {
		return fail("--clusters, --cluster-size, --ne, --ring and --threads must be >= 0")
	}
	if f.clusters > 0 && f.clusterSize > 0 {
		return fail("give --clusters or --cluster-size, not both")
	}
	if f.pattern == "song" {
		if err := authorsDefault(&f.wav, maesdata.Song); err != nil {
			return fail("--pattern song needs --wav FILE (meadowlark.wav): %v", err)
		}
	}
	if f.deleteFrac < 0 || f.deleteFrac > 1 || math.IsNaN(f.deleteFrac) {
		return fail("--delete-frac must be in [0, 1]")
	}
	switch *thr {
	case thresholdName(snn.ThresholdSet):
		f.threshold = snn.ThresholdSet
	case thresholdName(snn.ThresholdIncrement):
		f.threshold = snn.ThresholdIncrement
	default:
		return fail("--readout-threshold %q: want set or increment", *thr)
	}
	if *train == "" {
		switch f.pattern {
		case "two":
			*train = "24s"
		case "song":
			*train = "6s"
		default:
			*train = "12s"
		}
	}
	if *del == "" {
		*del = "1s"
		if f.pattern == "two" || f.pattern == "song" {
			*del = "off"
		}
	}
	var err error
	if f.trainMs, err = parseSimDuration(*train); err != nil {
		return fail("--train: %v", err)
	}
	if f.replayMs, err = parseSimDuration(*replay); err != nil {
		return fail("--replay: %v", err)
	}
	if f.blockMs, err = parseSimDuration(*block); err != nil {
		return fail("--block: %v", err)
	}
	f.deleteAtMs = -1
	if *del != "off" {
		if f.deleteAtMs, err = parseSimDuration(*del); err != nil {
			return fail("--delete-at: %v", err)
		}
	}
	return f, -1
}

// thresholdName is the --readout-threshold spelling of a threshold rule.
func thresholdName(m snn.ThresholdMode) string {
	if m == snn.ThresholdIncrement {
		return "increment"
	}
	return "set"
}

// readoutOutput is what gosnn exp readout prints and saves.
type readoutOutput struct {
	Weights     string          `json:"weights"`
	Pattern     string          `json:"pattern"`
	Clusters    int             `json:"clusters"`
	ClusterSize int             `json:"cluster_size"`
	Seed        uint64          `json:"seed"`
	Threads     int             `json:"threads"`
	Threshold   string          `json:"readout_threshold"` // --readout-threshold: set or increment
	Report      *readout.Report `json:"report"`
}

func readoutCmd(args []string, stdout, stderr io.Writer) int {
	f, code := parseReadoutFlags(args, stderr)
	if f == nil {
		return code
	}
	f.command = strings.TrimSpace("gosnn exp readout " + strings.Join(args, " "))
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	out, err := runReadout(ctx, f, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "gosnn exp readout: %v\n", err)
		return 1
	}
	if f.json {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		err = enc.Encode(out)
	} else {
		err = printReadoutTable(stdout, out)
	}
	if err != nil {
		fmt.Fprintf(stderr, "gosnn exp readout: %v\n", err)
		return 1
	}
	return 0
}

// readoutPatterns resolves --pattern.
func readoutPatterns(f *readoutFlags, dt float64) ([]*readout.Pattern, error) {
	switch f.pattern {
	case "abcba":
		return []*readout.Pattern{readout.ABCBA()}, nil
	case "two":
		return []*readout.Pattern{readout.ABCBA(), readout.DEDED()}, nil
	case "song":
		a, err := audio.ReadWAVFile(f.wav)
		if err != nil {
			return nil, err
		}
		p, err := readout.SongSupervisor(a, readout.DefaultSongSupervisorParams(), readout.SupervisorOn)
		if err != nil {
			return nil, err
		}
		return []*readout.Pattern{p}, nil
	}
	p, err := readout.LoadPattern(f.pattern, dt, 0)
	if err != nil {
		return nil, err
	}
	return []*readout.Pattern{p}, nil
}

func runReadout(ctx context.Context, f *readoutFlags, stderr io.Writer) (*readoutOutput, error) {
	if f.out != "" {
		// Lock --out for the whole run, so that a second run cannot mix its files with ours.
		if err := os.MkdirAll(f.out, 0o755); err != nil {
			return nil, err
		}
		lock, err := lockRunDir(f.out, f.command, "gosnn exp readout", stderr)
		if err != nil {
			return nil, err
		}
		defer lock.Release()
	}
	wf, err := loadWeightFile(f.weights, f.ne, f.clusters, f.clusterSize)
	if err != nil {
		return nil, err
	}
	w, n, ne, k := wf.w, wf.n, wf.ne, wf.k
	if f.ring > 0 {
		w, err = readout.ExtendRing(w, ne, k, f.ring, f.seed)
		if err != nil {
			return nil, err
		}
		ne = ne / k * f.ring
		n, _ = w.Dims()
		k = f.ring
	}
	cfg := snn.DefaultConfig()
	cfg.NE, cfg.NI, cfg.Clusters = ne, n-ne, k
	cfg.Seed, cfg.Threads = f.seed, f.threads
	net, err := snn.NewFromWeights(cfg, w, snn.Clusters{})
	if err != nil {
		return nil, weightsError(f.weights, err)
	}
	pats, err := readoutPatterns(f, net.DT())
	if err != nil {
		return nil, err
	}
	rc := readout.DefaultConfig()
	rc.Seed = f.seed
	rc.RequireSpikes = f.requireSpikes
	rc.R.Threshold, rc.S.Threshold = f.threshold, f.threshold
	prot := readout.DefaultProtocol()
	prot.TrainMs, prot.ReplayMs, prot.BlockMs = f.trainMs, f.replayMs, f.blockMs
	prot.DeleteAt, prot.DeleteFrac, prot.HFeedback = f.deleteAtMs, f.deleteFrac, f.hFeedback
	rep, ro, results, err := readout.RunExperiment(ctx, net, rc, prot, pats...)
	if err != nil {
		return nil, err
	}
	out := &readoutOutput{Weights: f.weights, Pattern: f.pattern, Clusters: k, ClusterSize: ne / k,
		Seed: f.seed, Threads: net.Threads(), Threshold: thresholdName(f.threshold), Report: rep}
	if f.out != "" {
		if err := saveReadout(f.out, out, ro, results); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// saveReadout writes report.json, weights.mat (variable W, the trained read-out × E
// weights), rates.mat (variables rates1, rates2, … one per replay, read-out × steps at dt)
// and e_spikes.csv (the E spikes of training and replays) into dir.
func saveReadout(dir string, out *readoutOutput, ro *readout.Layer, results []*readout.ReplayResult) error {
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
	if err := writeSpikesCSV(filepath.Join(dir, "e_spikes.csv"), ro.ESpikes()); err != nil {
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

// writeSpikesCSV writes a spike record as CSV (header time_ms,neuron; one spike per line),
// atomically.
func writeSpikesCSV(path string, sp *snn.Spikes) error {
	var b strings.Builder
	b.WriteString("time_ms,neuron\n")
	for i, t := range sp.Time {
		fmt.Fprintf(&b, "%.1f,%d\n", t, sp.Neuron[i])
	}
	return writeFileAtomic(path, []byte(b.String()))
}

// writeFileAtomic writes data to a temporary file beside path and renames it onto path.
func writeFileAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	_, err = tmp.Write(data)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp.Name(), 0o644)
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		os.Remove(tmp.Name())
	}
	return err
}

func fmtOpt(x readout.OptFloat, format string) string {
	v := float64(x)
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "n/a"
	}
	return fmt.Sprintf(format, v)
}

func printReadoutTable(w io.Writer, o *readoutOutput) error {
	r := o.Report
	var b strings.Builder
	fmt.Fprintf(&b, "weights %s (%d clusters of %d), pattern %s, seed %d, %d threads, R/S threshold rule %s\n", o.Weights, o.Clusters, o.ClusterSize, o.Pattern, o.Seed, o.Threads, o.Threshold)
	fmt.Fprintf(&b, "training %.1f s: %d cycle starts, clock period %s ms, wall %.1f s\n", r.TrainMs/1000, r.TrainStarts, fmtOpt(r.ClockPeriod, "%.0f"), r.TrainWallS)
	for g, gr := range r.Groups {
		fmt.Fprintf(&b, "pattern %d: elements %s, expected cyclic order %s, %d training starts\n", g, short(gr.Elements), short(gr.Expected), gr.Starts)
		for e := range gr.Elements {
			if len(gr.Elements) > 12 && e >= 6 && e < len(gr.Elements)-3 {
				if e == 6 {
					fmt.Fprintf(&b, "  …\n")
				}
				continue
			}
			fmt.Fprintf(&b, "  R %-7s weight mass in windows %s, mean weight %.2f, max %.2f, %d training spikes\n",
				gr.Elements[e], fmtOpt(gr.WeightMass[e], "%.2f"), gr.MeanWeight[e], gr.MaxWeight[e], gr.RSpikes[e])
		}
	}
	for _, rr := range r.Replays {
		sel := "none"
		if rr.Select >= 0 {
			sel = fmt.Sprint(rr.Select)
		}
		fmt.Fprintf(&b, "replay (selected %s): %d weights deleted, wall %.1f s\n", sel, rr.Deleted, rr.WallS)
		for g, st := range rr.Groups {
			fmt.Fprintf(&b, "  pattern %d: error %s, correlation %s; spikes %v\n", g, fmtOpt(st.Error, "%.3f"), fmtOpt(st.Correlation, "%.3f"), st.RSpikes)
			fmt.Fprintf(&b, "    before: order %s (%d/%d transitions wrong), cycles in order %d/%d\n", short(st.Order), st.OrderErrors, st.Transitions, st.CyclesInOrder, st.Cycles)
			if len(st.OrderAfter) > 0 || st.CyclesAfter > 0 {
				fmt.Fprintf(&b, "    after:  order %s (%d/%d transitions wrong), cycles in order %d/%d\n", short(st.OrderAfter), st.OrderErrorsAfter, st.TransitionsAfter, st.CyclesInOrderAft, st.CyclesAfter)
			}
		}
	}
	fmt.Fprintf(&b, "total wall time %.1f s\n", r.TotalWallS)
	_, err := io.WriteString(w, b.String())
	return err
}

func short(s []string) string {
	if len(s) > 24 {
		return strings.Join(s[:24], " ") + fmt.Sprintf(" … (%d)", len(s))
	}
	if len(s) == 0 {
		return "(none)"
	}
	return strings.Join(s, " ")
}
