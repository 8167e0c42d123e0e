package main

import (
	"flag"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/gosnn/gosnn/snn/experiment"
)

// trainSummary is DIR/summary.json and the record printed by gosnn exp train --json.
type trainSummary = experiment.TrainResult

type trainFlags struct {
	opts    *experiment.TrainOptions
	dir     string
	threads int
	json    bool
	command string // the command line, recorded in the directory's lock
}

func parseTrainFlags(args []string, stderr io.Writer) (*trainFlags, int) {
	fs := flag.NewFlagSet("exp train", flag.ContinueOnError)
	o := experiment.DefaultTrainOptions()
	f := &trainFlags{opts: o}
	fs.StringVar(&o.Protocol, "protocol", "short", "protocol: paper (docs/MODEL.md 7.1, 7353 s) or short (188 s)")
	fs.StringVar(&o.Preset, "preset", "paper", "network and rules: paper (docs/MODEL.md), reduced (fast-learning preset, snn.ReducedSetup) or nc160 (the authors' 15 × 160 matrix's settings, snn.ClusterSizeSetup)")
	fs.IntVar(&o.Clusters, "clusters", 0, "number of E clusters (default 30; for nc160 2400/cluster size)")
	fs.IntVar(&o.ClusterSize, "cluster-size", 0, "E neurons per cluster (default 80 for paper, 20 for reduced, 160 for nc160)")
	order := fs.String("order", "", "stimulation order, a comma-separated permutation of the cluster indices (default 0,1,…,K−1)")
	fs.Float64Var(&o.LTPGain, "ltp-gain", 1, "extra factor on the E→E LTP amplitude (on top of the preset)")
	ieBounds := fs.String("ie-bounds", "", "MIN,MAX: the I→E weight bounds under iSTDP in pF (default: the preset's)")
	eeBounds := fs.String("ee-bounds", "", "MIN,MAX: the E→E weight bounds under vSTDP and normalisation in pF (default: the preset's)")
	fs.Float64Var(&o.TimeScale, "time-scale", 1, "multiply every phase duration (e.g. 0.01 for a smoke test)")
	fs.IntVar(&o.Phases, "phases", 0, "end the training after the protocol's first N phases (0: all)")
	fs.StringVar(&f.dir, "out", "", "output directory (required); a second run with the same directory resumes")
	fs.Uint64Var(&o.Seed, "seed", 1, "random seed")
	fs.IntVar(&f.threads, "threads", 0, threadsUsage)
	fs.BoolVar(&f.json, "json", false, "print the summary as one JSON object instead of a table")
	fs.BoolVar(&o.LastEBug, "last-e-bug", false, "reproduce the original's last-E-neuron bug (docs/MODEL.md section 9 item 7, snn.Config.LastENeuronBug)")
	if code := parseFlags(fs, args, stderr, "gosnn exp train --out DIR [--protocol paper|short] [--preset paper|reduced|nc160] [--clusters K] [--cluster-size M] [--order LIST] [--ltp-gain G] [--ie-bounds MIN,MAX] [--ee-bounds MIN,MAX] [--time-scale F] [--phases N] [--seed N] [--threads N] [--json]"); code >= 0 {
		return nil, code
	}
	fail := func(format string, a ...any) (*trainFlags, int) {
		fmt.Fprintf(stderr, "gosnn exp train: "+format+"\n", a...)
		return nil, 2
	}
	if f.dir == "" {
		return fail("--out DIR is required")
	}
	if o.Protocol != "paper" && o.Protocol != "short" {
		return fail("--protocol %q: want paper or short", o.Protocol)
	}
	if o.Preset != "paper" && o.Preset != "reduced" && o.Preset != "nc160" {
		return fail("--preset %q: want paper, reduced or nc160", o.Preset)
	}
	if o.Clusters < 0 || o.ClusterSize < 0 || f.threads < 0 {
		return fail("--clusters, --cluster-size must be > 0 and --threads >= 0")
	}
	if !(o.LTPGain >= 0) || math.IsInf(o.LTPGain, 0) || !(o.TimeScale > 0) || math.IsInf(o.TimeScale, 0) {
		return fail("--ltp-gain must be finite and >= 0, --time-scale finite and > 0")
	}
	for _, b := range []struct {
		flag string
		s    *string
		dst  *[]float64
	}{{"--ie-bounds", ieBounds, &o.IEBounds}, {"--ee-bounds", eeBounds, &o.EEBounds}} {
		if *b.s == "" {
			continue
		}
		for _, s := range strings.Split(*b.s, ",") {
			v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
			if err != nil {
				return fail("%s: %q is not a number (want MIN,MAX in pF)", b.flag, s)
			}
			*b.dst = append(*b.dst, v)
		}
	}
	if *order != "" {
		for _, s := range strings.Split(*order, ",") {
			c, err := strconv.Atoi(strings.TrimSpace(s))
			if err != nil {
				return fail("--order: %q is not a cluster index", s)
			}
			o.Order = append(o.Order, c)
		}
	}
	if err := o.Validate(); err != nil {
		return fail("%s", flagError(o.Kind(), err))
	}
	return f, -1
}

// trainCmd is gosnn exp train: it runs experiment.TrainOptions in --out as a batch job with
// progress on stderr (resumable), which writes there the final weights, the spikes of the last
// recording and summary.json.
func trainCmd(args []string, stdout, stderr io.Writer) int {
	f, code := parseTrainFlags(args, stderr)
	if f == nil {
		return code
	}
	f.command = strings.TrimSpace("gosnn exp train " + strings.Join(args, " "))
	res, err := runOptions(f.opts, f.dir, f.threads, f.command, stderr)
	if err != nil {
		return expFailed("gosnn exp train", err, f.dir, stderr)
	}
	if err := printResult(stdout, res.(*experiment.TrainResult), f.json, false, printTrainTable); err != nil {
		fmt.Fprintf(stderr, "gosnn exp train: %v\n", err)
		return 1
	}
	return 0
}

func printTrainTable(w io.Writer, res *experiment.TrainResult) error {
	_, err := fmt.Fprintf(w, `protocol           %s on %s preset, %d × %d (%d phases, %d resumed)
E→E means          within %.3f, forward %.3f, backward %.3f, other %.3f (ff index %.3f)
E→E row means      %.3f … %.3f
I→E                mean %.2f, median %.2f, %.0f %% at the floor
replay             period %.1f ms, in order %.3f of %d transitions
rate E / I         %.2f / %.2f Hz
simulated / wall   %.1f s / %.1f s (CPU %.1f s)
weights            %s
`, res.Protocol, res.Preset, res.Clusters, res.ClusterSize, res.Phases, res.Resumed,
		res.Within, res.Forward, res.Backward, res.Other, res.FFIndex, res.EERowMeanMin, res.EERowMeanMax,
		res.IEMean, res.IEMedian, 100*res.IEAtFloor, res.PeriodMs, res.InOrder, res.Transitions,
		res.RateEHz, res.RateIHz, res.SimSeconds, res.WallSeconds, res.CPUSeconds, res.Weights)
	return err
}
