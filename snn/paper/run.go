package paper

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/gosnn/gosnn/internal/atomicfile"
	"github.com/gosnn/gosnn/maesdata"
	"github.com/gosnn/gosnn/snn"
	"github.com/gosnn/gosnn/snn/experiment"
	"github.com/gosnn/gosnn/sweep"
)

// Record is OUT/runs/NAME/run.json, written atomically when a run has finished: what made it,
// its options and result envelopes (package experiment) and its cost.
type Record struct {
	Name  string `json:"name"`
	Scale Scale  `json:"scale"`
	// Command is the command line that made the run (RunConfig.Command).
	Command string `json:"command"`
	// Rerun is the gosnn exp run command that makes the same run alone, from
	// OUT/runs/NAME/options.json.
	Rerun   string          `json:"rerun"`
	Options json.RawMessage `json:"options"`
	Result  json.RawMessage `json:"result"`
	// Threads is RunConfig.Threads, or GOMAXPROCS (the most the adaptive count uses) when
	// that was 0.
	Threads int `json:"threads"`
	// WallSeconds and CPUSeconds are what the run cost: for a training or a degradation test
	// resumed after an interruption, the sums over all its phases or chunks
	// (experiment.TrainResult and DegradationResult: TotalWallSeconds, TotalCPUSeconds), not
	// only the last call's.
	WallSeconds float64 `json:"wall_seconds"`
	CPUSeconds  float64 `json:"cpu_seconds"`
}

// RunConfig configures Run.
type RunConfig struct {
	// Out is the output directory: runs go to Out/runs/NAME.
	Out string
	// Scale selects the runs' versions.
	Scale Scale
	// IDs selects the entries whose runs and sweeps are made (nil: all).
	IDs []string
	// Threads is the number of worker threads per run (0: the simulator's own count, one per
	// 250 neurons up to GOMAXPROCS, adapted to the machine's load: snn.Network.Threads).
	Threads int
	// Command is the command line, recorded in every run's Record ("" means a description).
	Command string
	// Log receives a line per run started, skipped or finished, and the runs' own log lines
	// (nil: none).
	Log io.Writer
	// Host receives the progress of the runs' networks (nil: none).
	Host snn.Host
	// Executor makes the tasks of the sweeps (nil: sweep.Local, one task at a time in this
	// process); sweep.Local with Workers > 1 runs several at once, each in a gosnn process of
	// its own so that its CPU time is its own; sweep.Slurm submits them as one job array.
	Executor sweep.Executor
	// Jobs is the number of runs made at once (0 or 1: one after the other, in this process).
	// Several at once, each is made in a gosnn process of its own, `gosnn paper run --scale S
	// --out OUT --run NAME`, so that its CPU time and memory are its own (Binary), and a run
	// starts once the runs it reads (RunSpec.After) are settled. The sweeps follow the runs.
	Jobs int
	// Binary is the gosnn binary of the runs made side by side ("": this program if it is
	// gosnn, sweep.SelfBinary; otherwise they are made in this process, where the CPU times
	// they record include those of the runs beside them).
	Binary string
	// OneRun, when not "", makes that run alone, one of the entries' runs (the runs it reads
	// must have finished), and no sweep: what a process of Jobs, or a Slurm job, makes.
	OneRun string
	// Slurm are the Slurm options of the runs' jobs when Executor is a sweep.Slurm (each run
	// not finished is then submitted as a batch job of its own, submitRuns, instead of made
	// here) and of the sweeps' arrays, written into their spec.json; when zero, a sweep keeps
	// those its spec.json has.
	Slurm sweep.SlurmOptions
}

// RunSummary says what Run did with each run and sweep it considered (a sweep is named
// "sweep NAME").
type RunSummary struct {
	Ran, Skipped, Unavailable []string // finished now; finished before; not available (not part of the scale, or needs something)
	// Queued are the runs left to Slurm jobs (RunConfig.Slurm): submitted now or queued
	// before, "NAME (job ID)" each.
	Queued []string
}

// recordFile is the name of a run's record in its directory.
const recordFile = "run.json"

// runDir returns the directory of run name under out.
func runDir(out, name string) string { return filepath.Join(out, "runs", name) }

// Run makes the runs of the entries cfg.IDs at cfg.Scale into cfg.Out, one after the other
// (cfg.Jobs at a time: runSideBySide), then the tasks of their sweeps (runSweep, with
// cfg.Executor).
// A run whose record exists with the same options is skipped; one without a record runs (a
// train or degradation run resumes from its snapshots). Cancelling ctx stops the current run, leaving what a
// later Run resumes from. The authors' files a run needs are checked first: a missing one is
// an error that says how to get it (gosnn data). Runs whose options do not validate at this
// scale (a preset not there yet) are listed in Unavailable and skipped.
func Run(ctx context.Context, cfg RunConfig) (RunSummary, error) {
	var sum RunSummary
	es, err := Select(cfg.IDs)
	if err != nil {
		return sum, err
	}
	if cfg.Out == "" {
		return sum, errors.New("paper: no output directory")
	}
	out, err := filepath.Abs(cfg.Out)
	if err != nil {
		return sum, fmt.Errorf("paper: %w", err)
	}
	names := runsOf(es)
	if cfg.OneRun != "" {
		if !slices.Contains(names, cfg.OneRun) {
			return sum, fmt.Errorf("paper: run %q is not one of the entries' runs (%s)", cfg.OneRun, strings.Join(names, ", "))
		}
		names = []string{cfg.OneRun}
	}
	for _, n := range names {
		r, _ := runSpec(n)
		if err := checkData(r, cfg.Scale); err != nil {
			return sum, err
		}
	}
	var logMu sync.Mutex // runs made side by side log through it
	logf := func(format string, a ...any) {
		if cfg.Log != nil {
			logMu.Lock()
			defer logMu.Unlock()
			fmt.Fprintf(cfg.Log, "paper: "+format+"\n", a...)
		}
	}
	if sl, ok := cfg.Executor.(sweep.Slurm); ok && cfg.OneRun == "" {
		if err := submitRuns(ctx, cfg, sl, out, names, &sum, logf); err != nil {
			return sum, err
		}
	} else if cfg.Jobs > 1 && len(names) > 1 {
		if err := runSideBySide(ctx, cfg, out, names, &sum, &logMu, logf); err != nil {
			return sum, err
		}
	} else {
		for _, n := range names {
			st, err := makeRun(ctx, cfg, out, n, logf, nil)
			if err != nil {
				return sum, err
			}
			sum.add(n, st)
		}
	}
	if cfg.OneRun != "" {
		return sum, nil
	}
	for _, n := range sweepsOf(es) {
		w, _ := sweepSpec(n)
		spec, ok := w.Spec(cfg.Scale)
		if !ok {
			logf("sweep %s: not part of the %s scale", n, cfg.Scale)
			sum.Unavailable = append(sum.Unavailable, "sweep "+n)
			continue
		}
		ran, err := runSweep(ctx, cfg, out, w, spec, logf)
		if err != nil {
			return sum, err
		}
		if ran {
			sum.Ran = append(sum.Ran, "sweep "+n)
		} else {
			sum.Skipped = append(sum.Skipped, "sweep "+n)
		}
	}
	return sum, nil
}

// checkData returns an error when an authors' file the run needs at scale s is not found.
func checkData(r RunSpec, s Scale) error {
	for _, f := range r.data(s) {
		if _, err := maesdata.Find(f); err != nil {
			return fmt.Errorf("paper: run %s needs the authors' %s, which is not found: %s", r.Name, f, maesdata.Missing)
		}
	}
	return nil
}

// runStatus is what became of a run Run considered.
type runStatus int

const (
	runRan         runStatus = iota // made now
	runSkipped                      // finished before
	runUnavailable                  // not part of the scale, or needs something not there
)

// add counts run n with status st.
func (sum *RunSummary) add(n string, st runStatus) {
	switch st {
	case runRan:
		sum.Ran = append(sum.Ran, n)
	case runSkipped:
		sum.Skipped = append(sum.Skipped, n)
	default:
		sum.Unavailable = append(sum.Unavailable, n)
	}
}

// makeRun makes run n of the catalogue at cfg.Scale into out unless it is unavailable or
// finished before: in this process with runOne when child is nil, else with child (a gosnn
// process of its own, runSideBySide).
func makeRun(ctx context.Context, cfg RunConfig, out, n string, logf func(string, ...any), child func(context.Context, string) error) (runStatus, error) {
	r, _ := runSpec(n)
	o, ok, err := r.Options(cfg.Scale, out)
	if !ok {
		logf("%s: not part of the %s scale", n, cfg.Scale)
		return runUnavailable, nil
	}
	if err != nil {
		logf("%s: skipped", strings.TrimPrefix(err.Error(), "paper: "))
		return runUnavailable, nil
	}
	if child == nil {
		ran, err := runOne(ctx, cfg, out, r, o, logf)
		if err != nil || !ran {
			return runSkipped, err
		}
		return runRan, nil
	}
	env, done, err := finishedBefore(out, n, o, logf)
	if err != nil || done {
		return runSkipped, err
	}
	if err := child(ctx, n); err != nil {
		return runUnavailable, err
	}
	if done, err := recorded(runDir(out, n), n, env); err != nil || !done {
		return runUnavailable, fmt.Errorf("paper: run %s ended without its record (%s): %v", n, filepath.Join(runDir(out, n), recordFile), err)
	}
	return runRan, nil
}

// finishedBefore returns the options envelope of run n and whether out holds its record with
// those options (it then logs that the run is skipped); a record of other options is an
// error.
func finishedBefore(out, n string, o experiment.Options, logf func(string, ...any)) ([]byte, bool, error) {
	env, err := experiment.EncodeOptions(o)
	if err != nil {
		return nil, false, fmt.Errorf("paper: run %s: %w", n, err)
	}
	done, err := recorded(runDir(out, n), n, env)
	if done {
		logf("%s: finished before (%s), skipped", n, runDir(out, n))
	}
	return env, done, err
}

// recorded reports whether dir holds the record of run n with the options env; a record of
// other options is an error.
func recorded(dir, n string, env []byte) (bool, error) {
	rec, err := readRecord(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return false, nil
	case err != nil:
		return false, err
	case !bytes.Equal(compactJSON(rec.Options), compactJSON(env)):
		return false, fmt.Errorf("paper: %s holds a run %s with other options (scale %s): give another --out or remove it", dir, n, rec.Scale)
	}
	return true, nil
}

// runOne makes one run unless its record exists with the same options; it reports whether it
// ran.
func runOne(ctx context.Context, cfg RunConfig, out string, r RunSpec, o experiment.Options, logf func(string, ...any)) (bool, error) {
	dir := runDir(out, r.Name)
	env, done, err := finishedBefore(out, r.Name, o, logf)
	if err != nil || done {
		return false, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return false, fmt.Errorf("paper: %w", err)
	}
	optPath := filepath.Join(dir, "options.json")
	if prev, err := os.ReadFile(optPath); err == nil && !bytes.Equal(compactJSON(prev), compactJSON(env)) {
		// An unfinished run of other options: resuming its snapshots would mix the two.
		return false, fmt.Errorf("paper: %s holds an unfinished run %s with other options: give another --out or remove it", dir, r.Name)
	}
	if err := atomicfile.WriteFile(optPath, append(env, '\n'), 0o644); err != nil {
		return false, fmt.Errorf("paper: %w", err)
	}
	command := cfg.Command
	if command == "" {
		command = fmt.Sprintf("paper.Run (scale %s)", cfg.Scale)
	}
	logf("%s: %s (%s run into %s)", r.Name, r.About, o.Kind(), dir)
	var log io.Writer
	if cfg.Log != nil {
		log = &prefixWriter{w: cfg.Log, prefix: "  " + r.Name + ": "}
	}
	cpu0, t0 := cpuSeconds(), time.Now()
	res, err := o.Run(ctx, experiment.Env{Dir: dir, Threads: cfg.Threads, Host: cfg.Host, Log: log, Command: command})
	if err != nil {
		return false, fmt.Errorf("paper: run %s: %w", r.Name, err)
	}
	wall, cpu := time.Since(t0).Seconds(), cpuSeconds()-cpu0
	switch tr := res.(type) {
	case *experiment.TrainResult:
		wall, cpu = max(wall, tr.TotalWallSeconds), max(cpu, tr.TotalCPUSeconds)
	case *experiment.DegradationResult:
		wall, cpu = max(wall, tr.TotalWallSeconds), max(cpu, tr.TotalCPUSeconds)
	}
	renv, err := experiment.EncodeResult(res)
	if err != nil {
		return false, fmt.Errorf("paper: run %s: %w", r.Name, err)
	}
	threads := cfg.Threads
	if threads == 0 {
		threads = gomaxprocs()
	}
	rec := Record{Name: r.Name, Scale: cfg.Scale, Command: command,
		Rerun:   fmt.Sprintf("gosnn exp run --out %s %s", dir, optPath),
		Options: env, Result: renv, Threads: threads, WallSeconds: wall, CPUSeconds: cpu}
	js, err := json.MarshalIndent(rec, "", "  ")
	if err != nil {
		return false, fmt.Errorf("paper: %w", err)
	}
	if err := atomicfile.WriteFile(filepath.Join(dir, recordFile), append(js, '\n'), 0o644); err != nil {
		return false, fmt.Errorf("paper: %w", err)
	}
	logf("%s: finished in %.0f s wall, %.0f s CPU", r.Name, wall, cpu)
	return true, nil
}

// readRecord reads DIR/run.json.
func readRecord(dir string) (*Record, error) {
	b, err := os.ReadFile(filepath.Join(dir, recordFile))
	if err != nil {
		return nil, err
	}
	var rec Record
	if err := json.Unmarshal(b, &rec); err != nil {
		return nil, fmt.Errorf("paper: %s: %w", filepath.Join(dir, recordFile), err)
	}
	return &rec, nil
}

// compactJSON returns b without insignificant white space (b itself if it is not JSON).
func compactJSON(b []byte) []byte {
	var buf bytes.Buffer
	if err := json.Compact(&buf, b); err != nil {
		return b
	}
	return buf.Bytes()
}

// prefixWriter writes each line after a prefix.
type prefixWriter struct {
	w      io.Writer
	prefix string
}

func (p *prefixWriter) Write(b []byte) (int, error) {
	var out bytes.Buffer
	for _, line := range bytes.SplitAfter(b, []byte("\n")) {
		if len(line) == 0 {
			continue
		}
		out.WriteString(p.prefix)
		out.Write(line)
	}
	if _, err := p.w.Write(out.Bytes()); err != nil {
		return 0, err
	}
	return len(b), nil
}
