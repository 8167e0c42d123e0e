package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"time"

	"github.com/gosnn/gosnn/maesdata"
	"github.com/gosnn/gosnn/snn"
	"github.com/gosnn/gosnn/snn/analysis"
	"github.com/gosnn/gosnn/snn/snnio"
	"gonum.org/v1/gonum/mat"
)

// gosnn exp runs batch experiments. Each experiment is a sub-subcommand registered from an
// init function with registerExp, in its own file (replay lives here; train and readout can
// be added beside it).

type expCommand struct {
	summary string
	run     func(args []string) int
}

var expCommands = map[string]expCommand{}

// registerExp adds an experiment "gosnn exp NAME"; it is called from init functions only.
func registerExp(name, summary string, run func(args []string) int) {
	if _, dup := expCommands[name]; dup {
		panic("gosnn: duplicate experiment " + name)
	}
	expCommands[name] = expCommand{summary, run}
}

func init() {
	register("exp", "run a batch experiment (gosnn exp -h lists them)", runExp)
	registerExp("replay", "spontaneous replay of a trained weight matrix with frozen weights (docs/MODEL.md A7)",
		func(args []string) int { return replayCmd(args, os.Stdout, os.Stderr) })
	registerExp("train", "train the recurrent network with the stimulus protocol of docs/MODEL.md 7.1 and save the weights",
		func(args []string) int { return trainCmd(args, os.Stdout, os.Stderr) })
}

func expUsage() {
	stderr := os.Stderr
	fmt.Fprintln(stderr, "usage: gosnn exp EXPERIMENT [flags]")
	fmt.Fprintln(stderr, "\nexperiments:")
	names := make([]string, 0, len(expCommands))
	for n := range expCommands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(stderr, "  %-10s %s\n", n, expCommands[n].summary)
	}
	fmt.Fprintln(stderr, "\n'gosnn exp EXPERIMENT -h' shows its flags.")
}

func runExp(args []string) int {
	stderr := os.Stderr
	if len(args) == 0 {
		expUsage()
		return 2
	}
	switch args[0] {
	case "-h", "-help", "--help", "help":
		expUsage()
		return 0
	}
	c, ok := expCommands[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "gosnn exp: unknown experiment %q\n", args[0])
		expUsage()
		return 2
	}
	return c.run(args[1:])
}

// replayResult is the JSON record printed by gosnn exp replay --json.
type replayResult struct {
	Weights         string   `json:"weights"`
	Neurons         int      `json:"neurons"`
	Clusters        int      `json:"clusters"`
	ClusterSize     int      `json:"cluster_size"`
	Seed            uint64   `json:"seed"`
	Threads         int      `json:"threads"`
	PeriodMs        optFloat `json:"period_ms"` // null when no full cycle was seen
	StepMs          optFloat `json:"step_ms"`
	Transitions     int      `json:"transitions"`
	InOrderFraction optFloat `json:"in_order_fraction"`
	ActiveFraction  float64  `json:"active_fraction"`
	RateEHz         float64  `json:"rate_e_hz"`
	RateIHz         float64  `json:"rate_i_hz"`
	SimSeconds      float64  `json:"sim_seconds"`
	WallSeconds     float64  `json:"wall_seconds"`
}

// optFloat is a float64 that encodes NaN and ±Inf as JSON null (for example the period of
// a network that does not replay).
type optFloat float64

// MarshalJSON implements json.Marshaler.
func (f optFloat) MarshalJSON() ([]byte, error) {
	x := float64(f)
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return []byte("null"), nil
	}
	return json.Marshal(x)
}

// replayFlags are the flags of gosnn exp replay.
type replayFlags struct {
	weights     string
	clusters    int
	clusterSize int
	ne          int
	durMs       float64
	seed        uint64
	threads     int
	json        bool
}

func parseReplayFlags(args []string, stderr io.Writer) (*replayFlags, int) {
	fs := flag.NewFlagSet("exp replay", flag.ContinueOnError)
	f := &replayFlags{}
	fs.StringVar(&f.weights, "weights", "", "weight matrix file (.mat, .npy or text), post × pre, E first (default: the authors' "+maesdata.Weights+", found as gosnn data path says)")
	fs.IntVar(&f.clusters, "clusters", 0, "number of E clusters (default: from --cluster-size or the file name's ncNNN)")
	fs.IntVar(&f.clusterSize, "cluster-size", 0, "E cluster size (default: the file name's ncNNN)")
	fs.IntVar(&f.ne, "ne", 0, "number of E neurons (default: 4/5 of the matrix size)")
	dur := fs.String("duration", "10s", "simulated time (Go duration)")
	fs.Uint64Var(&f.seed, "seed", 1, "random seed (initial state and Poisson input)")
	fs.IntVar(&f.threads, "threads", 0, "worker threads (0: GOMAXPROCS)")
	fs.BoolVar(&f.json, "json", false, "print one JSON object instead of a table")
	if code := parseFlags(fs, args, stderr, "gosnn exp replay [--weights FILE] [--clusters K | --cluster-size M] [--duration 10s] [--seed N] [--threads N] [--json]"); code >= 0 {
		return nil, code
	}
	fail := func(format string, a ...any) (*replayFlags, int) {
		fmt.Fprintf(stderr, "gosnn exp replay: "+format+"\n", a...)
		return nil, 2
	}
	if err := authorsDefault(&f.weights, maesdata.Weights); err != nil {
		return fail("--weights FILE is required: %v", err)
	}
	if f.clusters < 0 || f.clusterSize < 0 || f.ne < 0 || f.threads < 0 {
		return fail("--clusters, --cluster-size, --ne and --threads must be >= 0")
	}
	if f.clusters > 0 && f.clusterSize > 0 {
		return fail("give --clusters or --cluster-size, not both")
	}
	var err error
	if f.durMs, err = parseSimDuration(*dur); err != nil {
		return fail("--duration: %v", err)
	}
	return f, -1
}

// replayCmd is gosnn exp replay with its output streams.
func replayCmd(args []string, stdout, stderr io.Writer) int {
	f, code := parseReplayFlags(args, stderr)
	if f == nil {
		return code
	}
	res, err := replay(f)
	if err != nil {
		fmt.Fprintf(stderr, "gosnn exp replay: %v\n", err)
		return 1
	}
	if f.json {
		err = json.NewEncoder(stdout).Encode(res)
	} else {
		err = printReplayTable(stdout, res)
	}
	if err != nil {
		fmt.Fprintf(stderr, "gosnn exp replay: %v\n", err)
		return 1
	}
	return 0
}

// weightFile is a full weight matrix (post × pre, E first) with its E count and clusters.
type weightFile struct {
	w     *mat.Dense
	n, ne int // all neurons, E neurons
	k     int // clusters of equal size
}

// loadWeightFile reads path and works out the E neurons (ne, else 4/5 of the matrix) and the
// clusters (clusters, else clusterSize, else the ncNNN in the file name), which must divide
// the E neurons.
func loadWeightFile(path string, ne, clusters, clusterSize int) (*weightFile, error) {
	w, err := snnio.LoadWeights(path)
	if err != nil {
		return nil, err
	}
	n, _ := w.Dims()
	if ne == 0 {
		ne = n * 4 / 5
	}
	if ne > n {
		return nil, fmt.Errorf("--ne %d exceeds the matrix size %d", ne, n)
	}
	k := clusters
	switch {
	case k > 0:
	case clusterSize > 0:
		if ne%clusterSize != 0 {
			return nil, fmt.Errorf("--cluster-size %d does not divide the %d E neurons", clusterSize, ne)
		}
		k = ne / clusterSize
	default:
		size, ok := snnio.ClusterSizeFromName(path)
		if !ok {
			return nil, fmt.Errorf("cannot tell the clusters of %s: give --clusters K or --cluster-size M (or name the file ...ncNNN...)", path)
		}
		if size <= 0 || ne%size != 0 {
			return nil, fmt.Errorf("cluster size %d from the name of %s does not divide the %d E neurons", size, path, ne)
		}
		k = ne / size
	}
	if ne%k != 0 {
		return nil, fmt.Errorf("--clusters %d does not divide the %d E neurons", k, ne)
	}
	return &weightFile{w: w, n: n, ne: ne, k: k}, nil
}

func replay(f *replayFlags) (*replayResult, error) {
	wf, err := loadWeightFile(f.weights, f.ne, f.clusters, f.clusterSize)
	if err != nil {
		return nil, err
	}
	w, n, ne, k := wf.w, wf.n, wf.ne, wf.k
	cfg := snn.DefaultConfig()
	cfg.NE, cfg.NI, cfg.Clusters = ne, n-ne, k
	cfg.Seed, cfg.Threads = f.seed, f.threads
	net, err := snn.NewFromWeights(cfg, w, snn.Clusters{})
	if err != nil {
		return nil, weightsError(f.weights, err)
	}
	sm, err := net.RecordSpikes(snn.PopE, nil)
	if err != nil {
		return nil, err
	}
	t0 := time.Now()
	if err := net.Run(f.durMs); err != nil {
		return nil, err
	}
	wall := time.Since(t0).Seconds()
	st, err := analysis.AnalyzeReplay(sm.Spikes(), net.Clusters(), 0, net.Time(), analysis.DefaultReplayOptions())
	if err != nil {
		return nil, err
	}
	sim := net.Time() / 1000
	r := &replayResult{
		Weights: f.weights, Neurons: n, Clusters: k, ClusterSize: ne / k, Seed: f.seed, Threads: net.Threads(),
		PeriodMs: optFloat(st.PeriodMs), StepMs: optFloat(st.StepMs), Transitions: st.Transitions,
		InOrderFraction: optFloat(st.InOrderFraction), ActiveFraction: st.ActiveFraction,
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

func printReplayTable(w io.Writer, r *replayResult) error {
	_, err := fmt.Fprintf(w, `weights            %s
neurons            %d
clusters           %d of %d
period             %.1f ms (median cycle)
step               %.1f ms (median between successive clusters)
in order           %.3f of %d transitions
active             %.3f of the time
rate E / I         %.2f / %.2f Hz
simulated / wall   %.1f s / %.1f s
`, r.Weights, r.Neurons, r.Clusters, r.ClusterSize, r.PeriodMs, r.StepMs, r.InOrderFraction, r.Transitions,
		r.ActiveFraction, r.RateEHz, r.RateIHz, r.SimSeconds, r.WallSeconds)
	return err
}

// weightsError names the weight file in an error about the network built from it (a NaN or
// negative entry: "snn: NewFromWeights: weight[3][7] = NaN: ..." says where in the matrix,
// this says in which file).
func weightsError(path string, err error) error {
	return fmt.Errorf("%s: %w", path, err)
}

// checkWritable fails early, before a long run, when the weights could not be saved to path:
// it saves a 1×1 matrix in the same format to a temporary name in the same directory.
func checkWritable(path string) error {
	probe := filepath.Join(filepath.Dir(path), ".gosnn-probe-"+strconv.Itoa(os.Getpid())+filepath.Ext(path))
	if err := snnio.SaveWeights(probe, mat.NewDense(1, 1, []float64{1})); err != nil {
		return fmt.Errorf("cannot save weights to %s: %w", path, err)
	}
	return os.Remove(probe)
}

// rowMeanRange returns the smallest and largest mean existing input weight of a row (A5).
func rowMeanRange(w mat.Matrix) (lo, hi float64) {
	lo, hi = math.Inf(1), math.Inf(-1)
	r, c := w.Dims()
	for i := 0; i < r; i++ {
		s, n := 0.0, 0
		for j := 0; j < c; j++ {
			if x := w.At(i, j); x != 0 {
				s += x
				n++
			}
		}
		if n > 0 {
			lo, hi = min(lo, s/float64(n)), max(hi, s/float64(n))
		}
	}
	return lo, hi
}
