package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/pprof"
	"sort"
	"strings"

	"github.com/gosnn/gosnn/snn/experiment"
)

func init() {
	register("bench", "benchmark the simulator on a standard scenario", runBench)
}

// benchResult is the JSON record printed by gosnn bench --json.
type benchResult = experiment.BenchResult

func runBench(args []string) int { return benchCmd(args, os.Stdout, os.Stderr) }

// benchCmd is gosnn bench with its output streams: it runs experiment.BenchOptions.
func benchCmd(args []string, stdout, stderr io.Writer) int {
	names := make([]string, 0, len(experiment.BenchScenarios))
	for n := range experiment.BenchScenarios {
		names = append(names, n)
	}
	sort.Strings(names)
	o := experiment.DefaultBenchOptions()
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.StringVar(&o.Scenario, "scenario", "static", "scenario: static, plastic, train or readout (the authors' nc160 matrix: gosnn data)")
	cpuprof := fs.String("cpuprofile", "", "write a CPU profile of the run (build included) to this file")
	dur := fs.String("duration", "2s", "simulated time (Go duration, e.g. 2s, 500ms)")
	threads := fs.Int("threads", 0, "worker threads (0: GOMAXPROCS)")
	fs.Uint64Var(&o.Seed, "seed", 1, "random seed")
	asJSON := fs.Bool("json", false, "print one JSON object instead of a table")
	if code := parseFlags(fs, args, stderr, "gosnn bench [--scenario "+strings.Join(names, "|")+"] [--duration 2s] [--threads N] [--seed N] [--json] [--cpuprofile FILE]"); code >= 0 {
		return code
	}
	var err error
	if o.DurationMs, err = parseSimDuration(*dur); err != nil {
		fmt.Fprintf(stderr, "gosnn bench: --duration: %v\n", err)
		return 2
	}
	if *threads < 0 {
		fmt.Fprintf(stderr, "gosnn bench: --threads %d: must be >= 0\n", *threads)
		return 2
	}
	if _, ok := experiment.BenchScenarios[o.Scenario]; !ok {
		fmt.Fprintf(stderr, "gosnn bench: unknown scenario %q (known: %s)\n", o.Scenario, strings.Join(names, ", "))
		return 2
	}
	if *cpuprof != "" {
		f, err := os.Create(*cpuprof)
		if err != nil {
			fmt.Fprintf(stderr, "gosnn bench: %v\n", err)
			return 1
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			fmt.Fprintf(stderr, "gosnn bench: %v\n", err)
			return 1
		}
		defer pprof.StopCPUProfile()
	}
	res, err := runOptions(o, "", *threads, "", stderr)
	if err != nil {
		return expFailed("gosnn bench", err, "", stderr)
	}
	if err := printResult(stdout, res.(*experiment.BenchResult), *asJSON, false, printBenchTable); err != nil {
		fmt.Fprintf(stderr, "gosnn bench: %v\n", err)
		return 1
	}
	return 0
}

func printBenchTable(w io.Writer, r *experiment.BenchResult) error {
	_, err := fmt.Fprintf(w, `scenario       %s
neurons        %d
synapses       %d
threads        %d
simulated      %.3f s
wall           %.3f s (build %.3f s)
cpu            %.3f s
rtf            %.3f (wall / simulated)
spikes E / I   %d / %d
rate E / I     %.2f / %.2f Hz
peak RSS       %.1f MB
LTP updates    %d (%.3g per simulated second)
`, r.Scenario, r.Neurons, r.Synapses, r.Threads, r.SimSeconds, r.WallSeconds, r.BuildSecs, r.CPUSeconds,
		r.RTF, r.SpikesE, r.SpikesI, r.RateEHz, r.RateIHz, r.PeakRSSMB, r.LTPUpdates, r.LTPPerSec)
	return err
}
