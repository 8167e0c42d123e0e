package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"time"

	"github.com/gosnn/gosnn/snn"
)

func init() {
	register("bench", "benchmark the simulator on a standard scenario", runBench)
}

// benchResult is the JSON record printed by gosnn bench --json.
type benchResult struct {
	Scenario    string  `json:"scenario"`
	Neurons     int     `json:"neurons"`
	Synapses    int     `json:"synapses"`
	Threads     int     `json:"threads"`
	Seed        uint64  `json:"seed"`
	SimSeconds  float64 `json:"sim_seconds"`
	WallSeconds float64 `json:"wall_seconds"`
	CPUSeconds  float64 `json:"cpu_seconds"`
	BuildSecs   float64 `json:"build_seconds"`
	RTF         float64 `json:"rtf"`
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

// benchScenarios maps a scenario name to its network configuration.
var benchScenarios = map[string]string{
	"static":  "full-size network (2400 E, 600 I, p = 0.2), spontaneous input, no plasticity",
	"plastic": "static plus E→E vSTDP, I→E iSTDP and E→E normalisation (docs/MODEL.md 5.1-5.3), spontaneous input",
	"train":   "plastic plus the training stimulus schedule and drive of docs/MODEL.md 7.1",
}

func runBench(args []string) int { return benchCmd(args, os.Stdout, os.Stderr) }

// benchCmd is gosnn bench with its output streams.
func benchCmd(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	scenario := fs.String("scenario", "static", "scenario: static, plastic or train")
	cpuprof := fs.String("cpuprofile", "", "write a CPU profile of the run to this file")
	dur := fs.String("duration", "2s", "simulated time (Go duration, e.g. 2s, 500ms)")
	threads := fs.Int("threads", 0, "worker threads (0: GOMAXPROCS)")
	seed := fs.Uint64("seed", 1, "random seed")
	asJSON := fs.Bool("json", false, "print one JSON object instead of a table")
	if code := parseFlags(fs, args, stderr, "gosnn bench [--scenario static|plastic|train] [--duration 2s] [--threads N] [--seed N] [--json] [--cpuprofile FILE]"); code >= 0 {
		return code
	}
	simMs, err := parseSimDuration(*dur)
	if err != nil {
		fmt.Fprintf(stderr, "gosnn bench: --duration: %v\n", err)
		return 2
	}
	if *threads < 0 {
		fmt.Fprintf(stderr, "gosnn bench: --threads %d: must be >= 0\n", *threads)
		return 2
	}
	if _, ok := benchScenarios[*scenario]; !ok {
		fmt.Fprintf(stderr, "gosnn bench: unknown scenario %q (known: static, plastic, train)\n", *scenario)
		return 2
	}
	res, err := bench(*scenario, simMs, *threads, *seed, *cpuprof)
	if err != nil {
		fmt.Fprintf(stderr, "gosnn bench: %v\n", err)
		return 1
	}
	if *asJSON {
		err = json.NewEncoder(stdout).Encode(res)
	} else {
		err = printBenchTable(stdout, res)
	}
	if err != nil {
		fmt.Fprintf(stderr, "gosnn bench: %v\n", err)
		return 1
	}
	return 0
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

func bench(scenario string, simMs float64, threads int, seed uint64, cpuprof string) (*benchResult, error) {
	cfg := snn.DefaultConfig()
	cfg.Threads = threads
	cfg.Seed = seed
	t0 := time.Now()
	n, err := snn.New(cfg)
	if err != nil {
		return nil, err
	}
	if scenario != "static" {
		if err := n.SetVoltageSTDP(snn.ProjEtoE, snn.DefaultEEPlasticity()); err != nil {
			return nil, err
		}
		if err := n.SetInhibitorySTDP(snn.ProjItoE, snn.DefaultIEPlasticity()); err != nil {
			return nil, err
		}
		if err := n.SetNormalization(snn.ProjEtoE, snn.DefaultNormalization()); err != nil {
			return nil, err
		}
		n.SetPlastic(true)
	}
	if scenario == "train" {
		if err := n.ScheduleStimuli(snn.TrainingSchedule(cfg.Clusters, simMs), snn.DefaultTrainingDrive()); err != nil {
			return nil, err
		}
	}
	build := time.Since(t0)
	if cpuprof != "" {
		f, err := os.Create(cpuprof)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return nil, err
		}
		defer pprof.StopCPUProfile()
	}
	cpu0 := cpuSeconds()
	ltp0 := n.LTPUpdates()
	t1 := time.Now()
	if err := n.Run(simMs); err != nil {
		return nil, err
	}
	wall := time.Since(t1).Seconds()
	cpu := cpuSeconds() - cpu0
	sim := simMs / 1000
	ne, ni := n.Size(snn.PopE), n.Size(snn.PopI)
	r := &benchResult{
		Scenario: scenario, Neurons: ne + ni, Synapses: n.TotalSynapses(), Threads: n.Threads(), Seed: seed,
		SimSeconds: sim, WallSeconds: wall, CPUSeconds: cpu, BuildSecs: build.Seconds(), RTF: wall / sim,
		SpikesE: n.SpikeCount(snn.PopE), SpikesI: n.SpikeCount(snn.PopI),
		PeakRSSMB: peakRSSMB(), GoVersion: runtime.Version(),
		LTPUpdates: n.LTPUpdates() - ltp0,
	}
	r.LTPPerSec = float64(r.LTPUpdates) / sim
	r.RateEHz = float64(r.SpikesE) / float64(ne) / sim
	r.RateIHz = float64(r.SpikesI) / float64(ni) / sim
	return r, nil
}

func printBenchTable(w io.Writer, r *benchResult) error {
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

// procStatusKB returns a "kB" field of /proc/self/status (Linux), or -1.
func procStatusKB(field string) float64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return -1
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if rest, ok := strings.CutPrefix(line, field+":"); ok {
			v, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 64)
			if err == nil {
				return v
			}
		}
	}
	return -1
}

// peakRSSMB returns the peak resident set size in MB (-1 where /proc is unavailable).
func peakRSSMB() float64 {
	kb := procStatusKB("VmHWM")
	if kb < 0 {
		return -1
	}
	return kb / 1024
}

// cpuSeconds returns the process's user+system CPU time from /proc/self/stat (Linux), or 0.
func cpuSeconds() float64 {
	b, err := os.ReadFile("/proc/self/stat")
	if err != nil {
		return 0
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return 0
	}
	f := strings.Fields(s[i+1:])
	if len(f) < 13 {
		return 0
	}
	u, err1 := strconv.ParseFloat(f[11], 64)
	k, err2 := strconv.ParseFloat(f[12], 64)
	if err1 != nil || err2 != nil {
		return 0
	}
	return (u + k) / 100 // clock ticks; USER_HZ is 100 on Linux
}
