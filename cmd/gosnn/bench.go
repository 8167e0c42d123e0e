package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"runtime/pprof"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"

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
	threads := fs.Int("threads", 0, threadsUsage)
	fs.Uint64Var(&o.Seed, "seed", 1, "random seed")
	asJSON := fs.Bool("json", false, "print one JSON object instead of a table (--scale, --threads-sweep: a JSON array)")
	fs.StringVar(&o.Size, "size", "1x", "network size: "+strings.Join(experiment.BenchSizeOrder, ", ")+" (0.5x-2x: the paper's size family; 80c: the 80-cluster song network)")
	scale := fs.Bool("scale", false, "run every size of --sizes, each in its own child process (peak RSS per size), and print one row per size")
	sizes := fs.String("sizes", strings.Join(experiment.BenchSizeOrder, ","), "the sizes --scale runs, comma-separated")
	sweep := fs.Bool("threads-sweep", false, "run 1, 2, … up to --threads (0: GOMAXPROCS) threads, each in its own child process, and print one row per thread count")
	if code := parseFlags(fs, args, stderr, "gosnn bench [--scenario "+strings.Join(names, "|")+"] [--size "+strings.Join(experiment.BenchSizeOrder, "|")+
		"] [--duration 2s] [--threads N] [--seed N] [--json] [--cpuprofile FILE] [--scale [--sizes LIST]] [--threads-sweep]"); code >= 0 {
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
	if _, ok := experiment.BenchSizes[o.Size]; !ok {
		fmt.Fprintf(stderr, "gosnn bench: unknown size %q (known: %s)\n", o.Size, strings.Join(experiment.BenchSizeOrder, ", "))
		return 2
	}
	if *scale || *sweep {
		if *scale && *sweep {
			fmt.Fprintln(stderr, "gosnn bench: --scale and --threads-sweep exclude each other")
			return 2
		}
		if *cpuprof != "" {
			fmt.Fprintln(stderr, "gosnn bench: --cpuprofile profiles one run: not with --scale or --threads-sweep")
			return 2
		}
		if o.Scenario == "readout" {
			fmt.Fprintln(stderr, "gosnn bench: --scale and --threads-sweep run the static, plastic or train scenario")
			return 2
		}
		var runs []benchRun
		if *scale {
			list, err := parseSizes(*sizes)
			if err != nil {
				fmt.Fprintf(stderr, "gosnn bench: --sizes: %v\n", err)
				return 2
			}
			for _, sz := range list {
				runs = append(runs, benchRun{size: sz, threads: *threads})
			}
		} else {
			maxT := *threads
			if maxT == 0 {
				maxT = runtime.GOMAXPROCS(0)
			}
			for t := 1; t <= maxT; t++ {
				runs = append(runs, benchRun{size: o.Size, threads: t})
			}
		}
		return benchFamily(o, *dur, runs, *sweep, *asJSON, stdout, stderr)
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

// benchRun is one child run of --scale or --threads-sweep.
type benchRun struct {
	size    string
	threads int
}

// parseSizes parses the --sizes list: known names, none twice.
func parseSizes(list string) ([]string, error) {
	var out []string
	seen := map[string]bool{}
	for _, f := range strings.Split(list, ",") {
		f = strings.TrimSpace(f)
		if _, ok := experiment.BenchSizes[f]; !ok {
			return nil, fmt.Errorf("unknown size %q (known: %s)", f, strings.Join(experiment.BenchSizeOrder, ", "))
		}
		if seen[f] {
			return nil, fmt.Errorf("size %q given twice", f)
		}
		seen[f] = true
		out = append(out, f)
	}
	return out, nil
}

// benchChild returns the command that runs gosnn bench with args in a child process (tests
// replace it).
var benchChild = func(args []string) (*exec.Cmd, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	return exec.Command(exe, append([]string{"bench"}, args...)...), nil
}

// benchFamily runs each of runs in its own child process (gosnn bench --json with the
// run's size and threads), so that the peak RSS of each is its own, and prints a table or a
// JSON array of the records.
func benchFamily(o *experiment.BenchOptions, dur string, runs []benchRun, sweep, asJSON bool, stdout, stderr io.Writer) int {
	var res []*experiment.BenchResult
	for _, r := range runs {
		args := []string{"--scenario", o.Scenario, "--size", r.size, "--duration", dur,
			"--threads", strconv.Itoa(r.threads), "--seed", strconv.FormatUint(o.Seed, 10), "--json"}
		cmd, err := benchChild(args)
		if err != nil {
			fmt.Fprintf(stderr, "gosnn bench: %v\n", err)
			return 1
		}
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, stderr
		if err := cmd.Run(); err != nil {
			fmt.Fprintf(stderr, "gosnn bench: size %s, %d threads: %v\n", r.size, r.threads, err)
			return 1
		}
		var br experiment.BenchResult
		if err := json.Unmarshal(out.Bytes(), &br); err != nil {
			fmt.Fprintf(stderr, "gosnn bench: size %s, %d threads: the child printed %q: %v\n", r.size, r.threads, out.String(), err)
			return 1
		}
		res = append(res, &br)
	}
	if asJSON {
		if err := json.NewEncoder(stdout).Encode(res); err != nil {
			fmt.Fprintf(stderr, "gosnn bench: %v\n", err)
			return 1
		}
		return 0
	}
	fmt.Fprintf(stdout, "scenario %s, %s simulated, seed %d (rtf: wall / simulated; speed-up: rtf at 1 thread / rtf)\n", o.Scenario, dur, o.Seed)
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "size\tneurons\tsynapses\tthreads\trtf\tcpu/sim\tspeed-up\tbuild s\tpeak RSS MB\trate E Hz\trate I Hz\t\n")
	for _, r := range res {
		speed := "-"
		if base := res[0]; sweep && base.RTF > 0 {
			speed = fmt.Sprintf("%.2f", base.RTF/r.RTF)
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%.3f\t%.3f\t%s\t%.2f\t%.1f\t%.2f\t%.2f\t\n", r.Size, r.Neurons, r.Synapses, r.Threads,
			r.RTF, r.CPUSeconds/r.SimSeconds, speed, r.BuildSecs, r.PeakRSSMB, r.RateEHz, r.RateIHz)
	}
	if err := tw.Flush(); err != nil {
		fmt.Fprintf(stderr, "gosnn bench: %v\n", err)
		return 1
	}
	return 0
}

func printBenchTable(w io.Writer, r *experiment.BenchResult) error {
	_, err := fmt.Fprintf(w, `scenario       %s
size           %s
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
`, r.Scenario, r.Size, r.Neurons, r.Synapses, r.Threads, r.SimSeconds, r.WallSeconds, r.BuildSecs, r.CPUSeconds,
		r.RTF, r.SpikesE, r.SpikesI, r.RateEHz, r.RateIHz, r.PeakRSSMB, r.LTPUpdates, r.LTPPerSec)
	return err
}

// threadsUsage is the help of every --threads flag.
const threadsUsage = "worker threads (0: adapted to the machine's load, starting from one per 250 neurons up to GOMAXPROCS; results do not depend on it)"
