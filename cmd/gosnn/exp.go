package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/gosnn/gosnn/maesdata"
	"github.com/gosnn/gosnn/snn"
	"github.com/gosnn/gosnn/snn/experiment"
)

// gosnn exp runs batch experiments: the kinds of package snn/experiment. Each experiment is a
// sub-subcommand registered from an init function with registerExp, in its own file; it parses
// its flags into the kind's Options, calls runOptions and prints the Result (a table, or JSON
// with --json). "gosnn exp run FILE.json" runs any options envelope.

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
	registerExp("run", "run the experiment of an options file (JSON envelope) and print the result envelope",
		func(args []string) int { return expRunCmd(args, os.Stdin, os.Stdout, os.Stderr) })
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

// runOptions runs o until it ends or an interrupt (SIGINT or SIGTERM) cancels it, with the progress of
// its networks every 10 s and its log lines on stderr; command describes it in the lock of
// dir.
func runOptions(o experiment.Options, dir string, threads int, command string, stderr io.Writer) (experiment.Result, error) {
	ctx, stop := interruptContext()
	defer stop()
	host := &stderrHost{ctx: ctx, w: stderr, last: time.Now()}
	name := "gosnn exp " + o.Kind()
	if o.Kind() == "bench" {
		name = "gosnn bench"
	}
	log := &logWriter{w: stderr, prefix: name + ": "}
	return o.Run(ctx, experiment.Env{Dir: dir, Threads: threads, Host: host, Log: log, Command: command})
}

// logWriter writes an experiment's log lines to w: the per-phase progress lines ("phase
// 3/24 ...") as they are, the other lines (notices) after prefix.
type logWriter struct {
	w      io.Writer
	prefix string
}

func (l *logWriter) Write(p []byte) (int, error) {
	var b strings.Builder
	for _, line := range strings.SplitAfter(string(p), "\n") {
		if line == "" {
			continue
		}
		if !strings.HasPrefix(line, "phase ") {
			b.WriteString(l.prefix)
		}
		b.WriteString(line)
	}
	if _, err := io.WriteString(l.w, b.String()); err != nil {
		return 0, err
	}
	return len(p), nil
}

// stderrHost reports run progress on stderr at most every 10 s of wall time; runs made side
// by side in one process may share it.
type stderrHost struct {
	ctx  context.Context
	w    io.Writer
	mu   sync.Mutex // guards last
	last time.Time
}

func (h *stderrHost) Context() context.Context { return h.ctx }

func (h *stderrHost) Progress(p snn.Progress) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if p.Final || time.Since(h.last) < 10*time.Second {
		return
	}
	h.last = time.Now()
	rate := 0.0
	if len(p.Rates) > 0 {
		rate = p.Rates[0]
	}
	label := "run"
	if p.Phases > 0 {
		label = fmt.Sprintf("phase %d/%d", p.Phase+1, p.Phases)
	}
	fmt.Fprintf(h.w, "  %s: %.0f/%.0f s simulated, E %.2f Hz, %.0f s wall\n", label, p.Done/1000, p.Total/1000, rate, p.Wall.Seconds())
}

// expRunCmd is gosnn exp run FILE.json: it decodes an options envelope (experiment.DecodeOptions;
// "-" reads stdin), runs it with --out as its directory and prints the result envelope.
func expRunCmd(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("exp run", flag.ContinueOnError)
	dir := fs.String("out", "", "the run's directory: snapshots to resume from and the files the kind writes (required by train)")
	threads := fs.Int("threads", 0, threadsUsage)
	usage := "gosnn exp run [--out DIR] [--threads N] FILE.json (kinds: " + strings.Join(experiment.Kinds(), ", ") + "; - reads stdin)"
	if code := parseFlagsArgs(fs, args, stderr, usage, 1); code >= 0 {
		return code
	}
	if fs.NArg() != 1 {
		fmt.Fprintf(stderr, "gosnn exp run: give one options file\nusage: %s\n", usage)
		return 2
	}
	if *threads < 0 {
		fmt.Fprintf(stderr, "gosnn exp run: --threads %d: must be >= 0\n", *threads)
		return 2
	}
	var data []byte
	var err error
	if fs.Arg(0) == "-" {
		data, err = io.ReadAll(stdin)
	} else {
		data, err = os.ReadFile(fs.Arg(0))
	}
	if err != nil {
		fmt.Fprintf(stderr, "gosnn exp run: %v\n", err)
		return 1
	}
	o, err := experiment.DecodeOptions(data)
	if err != nil {
		fmt.Fprintf(stderr, "gosnn exp run: %s: %v\n", fs.Arg(0), err)
		return 2
	}
	res, err := runOptions(o, *dir, *threads, strings.TrimSpace("gosnn exp run "+strings.Join(args, " ")), stderr)
	if errors.Is(err, experiment.ErrNoDir) {
		fmt.Fprintf(stderr, "gosnn exp run: %v: give --out DIR\n", err)
		return 2
	}
	if err != nil {
		return expFailed("gosnn exp run", err, *dir, stderr)
	}
	js, err := experiment.EncodeResult(res)
	if err == nil {
		_, err = stdout.Write(append(js, '\n'))
	}
	if err != nil {
		fmt.Fprintf(stderr, "gosnn exp run: %v\n", err)
		return 1
	}
	return 0
}

// expFailed reports a failed run on stderr (saying how to resume an interrupted one that has a
// directory) and returns exit status 1.
func expFailed(prefix string, err error, dir string, stderr io.Writer) int {
	fmt.Fprintf(stderr, "%s: %v\n", prefix, err)
	if errors.Is(err, context.Canceled) && dir != "" {
		fmt.Fprintf(stderr, "%s: interrupted; run the same command again to resume from %s\n", prefix, dir)
	}
	return 1
}

// printResult prints res as one JSON object (indented when indent) or with table.
func printResult[R any](stdout io.Writer, res R, asJSON, indent bool, table func(io.Writer, R) error) error {
	if !asJSON {
		return table(stdout, res)
	}
	enc := json.NewEncoder(stdout)
	if indent {
		enc.SetIndent("", "  ")
	}
	return enc.Encode(res)
}

// replayFlags are the flags of gosnn exp replay: the options and how to run and print them.
type replayFlags struct {
	opts    *experiment.ReplayOptions
	threads int
	json    bool
}

func parseReplayFlags(args []string, stderr io.Writer) (*replayFlags, int) {
	fs := flag.NewFlagSet("exp replay", flag.ContinueOnError)
	o := experiment.DefaultReplayOptions()
	f := &replayFlags{opts: o}
	fs.StringVar(&o.Weights, "weights", "", "weight matrix file (.mat, .npy or text), post × pre, E first (default: the authors' "+maesdata.Weights+", found as gosnn data path says)")
	fs.IntVar(&o.Clusters, "clusters", 0, "number of E clusters (default: from --cluster-size or the file name's ncNNN)")
	fs.IntVar(&o.ClusterSize, "cluster-size", 0, "E cluster size (default: the file name's ncNNN)")
	fs.IntVar(&o.NE, "ne", 0, "number of E neurons (default: 4/5 of the matrix size)")
	dur := fs.String("duration", "10s", "simulated time (Go duration)")
	fs.Uint64Var(&o.Seed, "seed", 1, "random seed (initial state and Poisson input)")
	fs.StringVar(&o.Threshold, "threshold", "set", "how an E neuron's adaptive threshold jumps at a spike: set (to V_T,rest + A_T) or increment (by A_T)")
	fs.StringVar(&o.Control, "control", "", "replay a hand-made control of the authors instead of --weights: clustered (snn.HandMadeClustered) or synfire (snn.SynfireRing); docs/MODEL.md 7.5 item 6")
	fs.Float64Var(&o.Mult, "mult", 0, "size of the clustered control, N_E = 2400·mult (0: 1)")
	fs.StringVar(&o.Order, "order", "", "expected direction of the replay: up (cluster k → k+1, the default) or down (k+1 → k, the clustered control's)")
	fs.IntVar(&f.threads, "threads", 0, threadsUsage)
	fs.BoolVar(&f.json, "json", false, "print one JSON object instead of a table")
	if code := parseFlags(fs, args, stderr, "gosnn exp replay [--weights FILE | --control clustered|synfire [--mult X]] [--clusters K | --cluster-size M] [--order up|down] [--duration 10s] [--seed N] [--threshold set|increment] [--threads N] [--json]"); code >= 0 {
		return nil, code
	}
	fail := func(format string, a ...any) (*replayFlags, int) {
		fmt.Fprintf(stderr, "gosnn exp replay: "+format+"\n", a...)
		return nil, 2
	}
	if o.Control == "" {
		if err := authorsDefault(&o.Weights, maesdata.Weights); err != nil {
			return fail("--weights FILE is required: %v", err)
		}
	}
	if o.Clusters < 0 || o.ClusterSize < 0 || o.NE < 0 || f.threads < 0 {
		return fail("--clusters, --cluster-size, --ne and --threads must be >= 0")
	}
	if o.Clusters > 0 && o.ClusterSize > 0 {
		return fail("give --clusters or --cluster-size, not both")
	}
	var err error
	if o.DurationMs, err = parseSimDuration(*dur); err != nil {
		return fail("--duration: %v", err)
	}
	if err := o.Validate(); err != nil {
		return fail("%s", flagError(o.Kind(), err))
	}
	return f, -1
}

// replayCmd is gosnn exp replay with its output streams.
func replayCmd(args []string, stdout, stderr io.Writer) int {
	f, code := parseReplayFlags(args, stderr)
	if f == nil {
		return code
	}
	res, err := runOptions(f.opts, "", f.threads, "", stderr)
	if err != nil {
		return expFailed("gosnn exp replay", err, "", stderr)
	}
	if err := printResult(stdout, res.(*experiment.ReplayResult), f.json, false, printReplayTable); err != nil {
		fmt.Fprintf(stderr, "gosnn exp replay: %v\n", err)
		return 1
	}
	return 0
}

func printReplayTable(w io.Writer, r *experiment.ReplayResult) error {
	weights := r.Weights
	if r.Control != "" {
		weights = "control " + r.Control
	}
	_, err := fmt.Fprintf(w, `weights            %s
neurons            %d
clusters           %d of %d
period             %.1f ms (median cycle)
step               %.1f ms (median between successive clusters)
in order           %.3f of %d transitions (order %s; %.3f the other way)
active             %.3f of the time
rate E / I         %.2f / %.2f Hz
simulated / wall   %.1f s / %.1f s
`, weights, r.Neurons, r.Clusters, r.ClusterSize, r.PeriodMs, r.StepMs, r.InOrderFraction, r.Transitions, r.Order, r.OppositeFraction,
		r.ActiveFraction, r.RateEHz, r.RateIHz, r.SimSeconds, r.WallSeconds)
	return err
}

// flagError rewrites an error of an experiment's Validate ("experiment: train: cluster_size = -1:
// ...") with the field named as its flag ("--cluster-size = -1: ...").
func flagError(kind string, err error) string {
	msg, ok := strings.CutPrefix(err.Error(), "experiment: "+kind+": ")
	if !ok {
		return err.Error()
	}
	field, rest, _ := strings.Cut(msg, " ")
	return "--" + strings.ReplaceAll(field, "_", "-") + " " + rest
}

// parseSimDuration parses a Go duration ("2s", "1500ms") into milliseconds; it must be > 0.
func parseSimDuration(s string) (float64, error) {
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("%q is not a duration such as 2s or 500ms", s)
	}
	if d <= 0 {
		return 0, fmt.Errorf("%q: must be > 0", s)
	}
	return float64(d) / float64(time.Millisecond), nil
}
