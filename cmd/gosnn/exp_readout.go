package main

import (
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"strings"

	"github.com/gosnn/gosnn/maesdata"
	"github.com/gosnn/gosnn/snn/analysis"
	"github.com/gosnn/gosnn/snn/experiment"
)

// gosnn exp readout: read-out training then replay (docs/MODEL.md 7.3-7.5) as a batch job.

func init() {
	registerExp("readout", "train read-out neurons on a pattern, then replay it (docs/MODEL.md 7.3-7.5)",
		func(args []string) int { return readoutCmd(args, os.Stdout, os.Stderr) })
}

// readoutFlags are the flags of gosnn exp readout: the options and how to run and print them.
type readoutFlags struct {
	opts    *experiment.ReadoutOptions
	command string // the command line, recorded in the lock of --out
	out     string
	threads int
	json    bool
}

func parseReadoutFlags(args []string, stderr io.Writer) (*readoutFlags, int) {
	fs := flag.NewFlagSet("exp readout", flag.ContinueOnError)
	o := experiment.DefaultReadoutOptions()
	f := &readoutFlags{opts: o}
	fs.StringVar(&o.Weights, "weights", "", "trained weight matrix (.mat, .npy or text), post × pre, E first (default: the authors' "+maesdata.Weights+", found as gosnn data path says)")
	fs.StringVar(&o.Pattern, "pattern", "abcba", "abcba, two (ABCBA and DEDED), song (needs --wav), or a FILE: .mat matrix, .wav recording, or an interval list")
	fs.StringVar(&o.Wav, "wav", "", "the meadowlark recording for --pattern song (default: the authors' "+maesdata.Song+")")
	fs.IntVar(&o.Clusters, "clusters", 0, "number of E clusters (default: from --cluster-size or the file name's ncNNN)")
	fs.IntVar(&o.ClusterSize, "cluster-size", 0, "E cluster size (default: the file name's ncNNN)")
	fs.IntVar(&o.NE, "ne", 0, "number of E neurons (default: 4/5 of the matrix size)")
	fs.IntVar(&o.Ring, "ring", 0, "extend the trained clock to this many clusters (readout.ExtendRing) before training; 0 keeps it")
	train := fs.String("train", "", "training time (default 12s; 24s for two; 6s for song)")
	replay := fs.String("replay", "2s", "replay time")
	block := fs.String("block", "2s", "alternation block when training several patterns")
	del := fs.String("delete-at", "", "time into each replay at which E→R weights are deleted (default 1s, never for two and song; \"off\" for never)")
	fs.Float64Var(&o.DeleteFrac, "delete-frac", 1.0/3, "fraction of E→R weights deleted")
	fs.BoolVar(&o.HFeedback, "h-feedback", false, "keep the R↔H loop during replay ([R]); default [M]: R gets E input only")
	fs.BoolVar(&o.RequireSpikes, "require-spikes", false, "cycle detection without the [M] quirk (a silent window starts no cycle)")
	fs.StringVar(&o.ReadoutThreshold, "readout-threshold", "set", "how V_T jumps at an R or S spike: set (V_T,rest + A_T, docs/MODEL.md section 9 item 8) or increment ([M]: V_T += A_T)")
	fs.StringVar(&f.out, "out", "", "directory for report.json, weights.mat (trained E→R weights), rates.mat and e_spikes.csv (created; files replaced atomically)")
	fs.Uint64Var(&o.Seed, "seed", 1, "random seed (initial state, Poisson input, deletion)")
	fs.IntVar(&f.threads, "threads", 0, threadsUsage)
	fs.BoolVar(&f.json, "json", false, "print the report as JSON instead of a table")
	if code := parseFlags(fs, args, stderr, "gosnn exp readout [--weights FILE] [--pattern abcba|two|song|FILE] [--train 12s] [--replay 2s] [--out DIR] [--json]"); code >= 0 {
		return nil, code
	}
	fail := func(format string, a ...any) (*readoutFlags, int) {
		fmt.Fprintf(stderr, "gosnn exp readout: "+format+"\n", a...)
		return nil, 2
	}
	if err := authorsDefault(&o.Weights, maesdata.Weights); err != nil {
		return fail("--weights FILE is required: %v", err)
	}
	if o.Clusters < 0 || o.ClusterSize < 0 || o.NE < 0 || f.threads < 0 || o.Ring < 0 {
		return fail("--clusters, --cluster-size, --ne, --ring and --threads must be >= 0")
	}
	if o.Clusters > 0 && o.ClusterSize > 0 {
		return fail("give --clusters or --cluster-size, not both")
	}
	if o.Pattern == "song" {
		if err := authorsDefault(&o.Wav, maesdata.Song); err != nil {
			return fail("--pattern song needs --wav FILE (meadowlark.wav): %v", err)
		}
	}
	if o.DeleteFrac < 0 || o.DeleteFrac > 1 || math.IsNaN(o.DeleteFrac) {
		return fail("--delete-frac must be in [0, 1]")
	}
	if o.ReadoutThreshold != "set" && o.ReadoutThreshold != "increment" {
		return fail("--readout-threshold %q: want set or increment", o.ReadoutThreshold)
	}
	var err error
	if *train != "" {
		if o.TrainMs, err = parseSimDuration(*train); err != nil {
			return fail("--train: %v", err)
		}
	}
	if o.ReplayMs, err = parseSimDuration(*replay); err != nil {
		return fail("--replay: %v", err)
	}
	if o.BlockMs, err = parseSimDuration(*block); err != nil {
		return fail("--block: %v", err)
	}
	switch *del {
	case "": // the pattern's default
	case "off":
		o.DeleteAtMs = -1
	default:
		if o.DeleteAtMs, err = parseSimDuration(*del); err != nil {
			return fail("--delete-at: %v", err)
		}
	}
	if err := o.Validate(); err != nil {
		return fail("%s", flagError(o.Kind(), err))
	}
	return f, -1
}

// readoutOutput is what gosnn exp readout prints and saves.
type readoutOutput = experiment.ReadoutResult

func readoutCmd(args []string, stdout, stderr io.Writer) int {
	f, code := parseReadoutFlags(args, stderr)
	if f == nil {
		return code
	}
	f.command = strings.TrimSpace("gosnn exp readout " + strings.Join(args, " "))
	res, err := runOptions(f.opts, f.out, f.threads, f.command, stderr)
	if err != nil {
		return expFailed("gosnn exp readout", err, "", stderr)
	}
	if err := printResult(stdout, res.(*experiment.ReadoutResult), f.json, true, printReadoutTable); err != nil {
		fmt.Fprintf(stderr, "gosnn exp readout: %v\n", err)
		return 1
	}
	return 0
}

func fmtOpt(x analysis.OptFloat, format string) string {
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
			delayed := ""
			if e < len(gr.ResponseLatency) && e < len(gr.WeightMassNominal) {
				delayed = fmt.Sprintf(" (windows delayed by its latency %s ms; %s in the supervisor's)",
					fmtOpt(gr.ResponseLatency[e], "%.1f"), fmtOpt(gr.WeightMassNominal[e], "%.2f"))
			}
			fmt.Fprintf(&b, "  R %-7s weight mass in windows %s%s, mean weight %.2f, max %.2f, %d training spikes\n",
				gr.Elements[e], fmtOpt(gr.WeightMass[e], "%.2f"), delayed, gr.MeanWeight[e], gr.MaxWeight[e], gr.RSpikes[e])
		}
	}
	for _, rr := range r.Replays {
		sel := "none"
		if rr.Select >= 0 {
			sel = fmt.Sprint(rr.Select)
		}
		fmt.Fprintf(&b, "replay (selected %s): %d weights deleted, wall %.1f s\n", sel, rr.Deleted, rr.WallS)
		for g, st := range rr.Groups {
			fmt.Fprintf(&b, "  pattern %d: error %s ([M]'s reversed rows %s), correlation %s; spikes %v\n", g, fmtOpt(st.Error, "%.3f"), fmtOpt(st.ErrorReversed, "%.3f"), fmtOpt(st.Correlation, "%.3f"), st.RSpikes)
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
