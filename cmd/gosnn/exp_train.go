package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"os/signal"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/gosnn/gosnn/internal/dirlock"
	"github.com/gosnn/gosnn/snn"
	"github.com/gosnn/gosnn/snn/analysis"
	"github.com/gosnn/gosnn/snn/protocol"
	"github.com/gosnn/gosnn/snn/snnio"
)

// trainSummary is DIR/summary.json and the record printed by gosnn exp train --json.
type trainSummary struct {
	Protocol      string   `json:"protocol"`
	Preset        string   `json:"preset"`
	Dir           string   `json:"dir"`
	Weights       string   `json:"weights"` // final full weight matrix (post × pre), for gosnn exp replay
	Spikes        string   `json:"spikes,omitempty"`
	Neurons       int      `json:"neurons"`
	Clusters      int      `json:"clusters"`
	ClusterSize   int      `json:"cluster_size"`
	Order         []int    `json:"order"`
	LTPGain       float64  `json:"ltp_gain"`
	Seed          uint64   `json:"seed"`
	Threads       int      `json:"threads"`
	Phases        int      `json:"phases"`
	Resumed       int      `json:"phases_resumed"`
	Within        optFloat `json:"ee_within_mean"`
	Forward       optFloat `json:"ee_forward_mean"`
	Backward      optFloat `json:"ee_backward_mean"`
	Other         optFloat `json:"ee_other_mean"`
	FFIndex       optFloat `json:"feedforward_index"`
	EERowMeanMin  optFloat `json:"ee_row_mean_min"`
	EERowMeanMax  optFloat `json:"ee_row_mean_max"`
	IEMean        optFloat `json:"ie_mean"`
	IEMedian      optFloat `json:"ie_median"`
	IEAtFloor     optFloat `json:"ie_fraction_at_floor"`
	PeriodMs      optFloat `json:"period_ms"`
	InOrder       optFloat `json:"in_order_fraction"`
	Transitions   int      `json:"transitions"`
	RateEHz       optFloat `json:"rate_e_hz"` // last recording phase
	RateIHz       optFloat `json:"rate_i_hz"`
	SimSeconds    float64  `json:"sim_seconds"` // protocol time, resumed phases included
	WallSeconds   float64  `json:"wall_seconds"`
	CPUSeconds    float64  `json:"cpu_seconds"`
	PeakRSSMB     float64  `json:"peak_rss_mb"`
	LTPUpdates    int64    `json:"ltp_updates"` // this run only
	SpectrumTopRe optFloat `json:"reduced_spectrum_max_re"`
	SpectrumTopIm optFloat `json:"reduced_spectrum_max_abs_im"`
}

type trainFlags struct {
	protocol, preset, dir string
	clusters, size        int
	order                 []int
	ltpGain, timeScale    float64
	seed                  uint64
	threads               int
	json                  bool
	lastEBug              bool
	command               string // the command line, recorded in the directory's lock
}

func parseTrainFlags(args []string, stderr io.Writer) (*trainFlags, int) {
	fs := flag.NewFlagSet("exp train", flag.ContinueOnError)
	f := &trainFlags{}
	fs.StringVar(&f.protocol, "protocol", "short", "protocol: paper (docs/MODEL.md 7.1, 7353 s) or short (188 s)")
	fs.StringVar(&f.preset, "preset", "paper", "network and rules: paper (docs/MODEL.md) or reduced (fast-learning preset, snn.ReducedSetup)")
	fs.IntVar(&f.clusters, "clusters", 0, "number of E clusters (default 30)")
	fs.IntVar(&f.size, "cluster-size", 0, "E neurons per cluster (default 80 for paper, 20 for reduced)")
	order := fs.String("order", "", "stimulation order, a comma-separated permutation of the cluster indices (default 0,1,…,K−1)")
	fs.Float64Var(&f.ltpGain, "ltp-gain", 1, "extra factor on the E→E LTP amplitude (on top of the preset)")
	fs.Float64Var(&f.timeScale, "time-scale", 1, "multiply every phase duration (e.g. 0.01 for a smoke test)")
	fs.StringVar(&f.dir, "out", "", "output directory (required); a second run with the same directory resumes")
	fs.Uint64Var(&f.seed, "seed", 1, "random seed")
	fs.IntVar(&f.threads, "threads", 0, "worker threads (0: GOMAXPROCS)")
	fs.BoolVar(&f.json, "json", false, "print the summary as one JSON object instead of a table")
	fs.BoolVar(&f.lastEBug, "last-e-bug", false, "reproduce the original's last-E-neuron bug (docs/MODEL.md section 9 item 7, snn.Config.LastENeuronBug)")
	if code := parseFlags(fs, args, stderr, "gosnn exp train --out DIR [--protocol paper|short] [--preset paper|reduced] [--clusters K] [--cluster-size M] [--order LIST] [--ltp-gain G] [--time-scale F] [--seed N] [--threads N] [--json]"); code >= 0 {
		return nil, code
	}
	fail := func(format string, a ...any) (*trainFlags, int) {
		fmt.Fprintf(stderr, "gosnn exp train: "+format+"\n", a...)
		return nil, 2
	}
	if f.dir == "" {
		return fail("--out DIR is required")
	}
	if f.protocol != "paper" && f.protocol != "short" {
		return fail("--protocol %q: want paper or short", f.protocol)
	}
	switch f.preset {
	case "paper":
		f.clusters, f.size = orDefault(f.clusters, 30), orDefault(f.size, 80)
	case "reduced":
		f.clusters, f.size = orDefault(f.clusters, 30), orDefault(f.size, 20)
	default:
		return fail("--preset %q: want paper or reduced", f.preset)
	}
	if f.clusters <= 0 || f.size <= 0 || f.threads < 0 {
		return fail("--clusters, --cluster-size must be > 0 and --threads >= 0")
	}
	if !(f.ltpGain >= 0) || math.IsInf(f.ltpGain, 0) || !(f.timeScale > 0) || math.IsInf(f.timeScale, 0) {
		return fail("--ltp-gain must be finite and >= 0, --time-scale finite and > 0")
	}
	if *order != "" {
		for _, s := range strings.Split(*order, ",") {
			c, err := strconv.Atoi(strings.TrimSpace(s))
			if err != nil {
				return fail("--order: %q is not a cluster index", s)
			}
			f.order = append(f.order, c)
		}
		seen := map[int]bool{}
		for _, c := range f.order {
			if c < 0 || c >= f.clusters || seen[c] {
				return fail("--order: cluster %d out of range [0, %d) or repeated", c, f.clusters)
			}
			seen[c] = true
		}
		if len(f.order) != f.clusters {
			return fail("--order: %d clusters given, want a permutation of all %d", len(f.order), f.clusters)
		}
	}
	return f, -1
}

// hasRecording says whether the protocol has a recording phase.
func hasRecording(p protocol.Protocol) bool {
	for _, ph := range p {
		if ph.Kind == protocol.PhaseRecord {
			return true
		}
	}
	return false
}

// lockRunDir takes the lock of an output directory (internal/dirlock) for the rest of the
// run and removes the temporary files a killed run left there, saying so on stderr.
func lockRunDir(dir, command, prefix string, stderr io.Writer) (*dirlock.Lock, error) {
	lock, err := dirlock.Acquire(dir, command)
	if err != nil {
		return nil, err
	}
	removed, err := lock.RemoveStaleTemps()
	if len(removed) > 0 {
		fmt.Fprintf(stderr, "%s: removed %d temporary file(s) left in %s by a killed run: %s\n", prefix, len(removed), dir, strings.Join(removed, ", "))
	}
	if err != nil {
		lock.Release()
		return nil, err
	}
	return lock, nil
}

func orDefault(v, d int) int {
	if v == 0 {
		return d
	}
	return v
}

// trainCmd is gosnn exp train: it builds the network of --preset, runs --protocol as a batch
// job with progress on stderr and snapshots in --out (resumable), and writes there the final
// weights, the spikes of the last recording and summary.json.
func trainCmd(args []string, stdout, stderr io.Writer) int {
	f, code := parseTrainFlags(args, stderr)
	if f == nil {
		return code
	}
	f.command = strings.TrimSpace("gosnn exp train " + strings.Join(args, " "))
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	res, err := trainRun(ctx, f, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "gosnn exp train: %v\n", err)
		if errors.Is(err, context.Canceled) {
			fmt.Fprintf(stderr, "gosnn exp train: interrupted; run the same command again to resume from %s\n", f.dir)
		}
		return 1
	}
	if f.json {
		err = json.NewEncoder(stdout).Encode(res)
	} else {
		_, err = fmt.Fprintf(stdout, `protocol           %s on %s preset, %d × %d (%d phases, %d resumed)
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
	}
	if err != nil {
		fmt.Fprintf(stderr, "gosnn exp train: %v\n", err)
		return 1
	}
	return 0
}

// stderrHost reports run progress on stderr at most every 10 s of wall time.
type stderrHost struct {
	ctx   context.Context
	w     io.Writer
	phase string
	last  time.Time
}

func (h *stderrHost) Context() context.Context { return h.ctx }

func (h *stderrHost) Progress(p snn.Progress) {
	if p.Final || time.Since(h.last) < 10*time.Second {
		return
	}
	h.last = time.Now()
	rate := 0.0
	if len(p.Rates) > 0 {
		rate = p.Rates[0]
	}
	fmt.Fprintf(h.w, "  %s: %.0f/%.0f s simulated, E %.2f Hz, %.0f s wall\n", h.phase, p.Done/1000, p.Total/1000, rate, p.Wall.Seconds())
}

func trainRun(ctx context.Context, f *trainFlags, stderr io.Writer) (*trainSummary, error) {
	var setup snn.Setup
	if f.preset == "reduced" {
		setup = snn.ReducedSetup(f.clusters, f.size)
	} else {
		setup = snn.PaperSetup()
		if f.clusters != 30 || f.size != 80 {
			setup.Config = snn.ReducedConfig(f.clusters, f.size)
		}
	}
	setup.EE.ALTP *= f.ltpGain
	setup.Config.Seed, setup.Config.Threads = f.seed, f.threads
	setup.Config.LastENeuronBug = f.lastEBug
	prot := protocol.Short()
	if f.protocol == "paper" {
		prot = protocol.Paper()
	}
	for i := range prot {
		prot[i].DurationMs *= f.timeScale
		prot[i].PlasticDelayMs *= f.timeScale
		if prot[i].Kind == protocol.PhaseStimulate {
			prot[i].Order = f.order
		}
	}
	if err := os.MkdirAll(f.dir, 0o755); err != nil {
		return nil, err
	}
	// One run at a time in a directory: a second one (another seed, or the same command
	// started twice) would overwrite this one's weights, summary and state.
	lock, err := lockRunDir(f.dir, f.command, "gosnn exp train", stderr)
	if err != nil {
		return nil, err
	}
	defer lock.Release()
	weights := filepath.Join(f.dir, fmt.Sprintf("trained_%d_nc%d.npy", f.clusters*f.size, f.size))
	if err := checkWritable(weights); err != nil {
		return nil, err
	}
	net, err := setup.Build()
	if err != nil {
		return nil, err
	}
	host := &stderrHost{ctx: ctx, w: stderr, last: time.Now()}
	net.SetHost(host)
	fmt.Fprintf(stderr, "gosnn exp train: %s protocol (%d phases, %.0f s simulated) on %s; output in %s\n", f.protocol, len(prot), prot.DurationMs()/1000, net, f.dir)
	cpu0, t0 := cpuSeconds(), time.Now()
	total := len(prot)
	host.phase = fmt.Sprintf("phase 1/%d %s", total, prot[0].Kind)
	rep, err := protocol.Run(ctx, net, prot, protocol.Options{Dir: f.dir, OnPhase: func(r protocol.PhaseReport) {
		// The progress label names the next phase, also after phases restored from a
		// snapshot (a resumed run reports them once, without a line each).
		if r.Index+1 < total {
			host.phase = fmt.Sprintf("phase %d/%d %s", r.Index+2, total, prot[r.Index+1].Kind)
		}
		if r.Resumed {
			return
		}
		line := fmt.Sprintf("phase %d/%d %-11s %6.0f s  E %.2f Hz  within %.2f fwd %.2f bwd %.2f other %.2f",
			r.Index+1, total, r.Kind, r.EndMs/1000, r.RateE, r.Blocks.Within, r.Blocks.Forward, r.Blocks.Backward, r.Blocks.Other)
		if r.Replay != nil {
			line += fmt.Sprintf("  period %.0f ms, in order %.2f (%d)", r.Replay.PeriodMs, r.Replay.InOrderFraction, r.Replay.Transitions)
		}
		fmt.Fprintf(stderr, "%s  [%.0f s wall]\n", line, time.Since(t0).Seconds())
	}})
	if err != nil {
		return nil, err
	}
	if rep.Resumed > 0 {
		fmt.Fprintf(stderr, "gosnn exp train: resumed after phase %d of %d\n", rep.Resumed, total)
	}
	if err := snnio.WriteWeightsNpy(net, weights); err != nil {
		return nil, err
	}
	w := net.WeightMatrix()
	ne := net.Size(snn.PopE)
	nAll, _ := w.Dims()
	k := f.clusters
	order := f.order
	if order == nil {
		order = make([]int, k)
		for i := range order {
			order[i] = i
		}
	}
	r := &trainSummary{Protocol: f.protocol, Preset: f.preset, Dir: f.dir, Weights: weights,
		Neurons: net.Size(snn.PopE) + net.Size(snn.PopI), Clusters: k, ClusterSize: f.size, Order: order,
		LTPGain: f.ltpGain, Seed: f.seed, Threads: net.Threads(), Phases: total, Resumed: rep.Resumed,
		SimSeconds: prot.DurationMs() / 1000, WallSeconds: time.Since(t0).Seconds(), CPUSeconds: cpuSeconds() - cpu0,
		PeakRSSMB: peakRSSMB(), LTPUpdates: net.LTPUpdates()}
	r.RateEHz, r.RateIHz, r.PeriodMs, r.InOrder = optFloat(math.NaN()), optFloat(math.NaN()), optFloat(math.NaN()), optFloat(math.NaN())
	for i := len(rep.Phases) - 1; i >= 0; i-- {
		if ph := rep.Phases[i]; ph.Kind == protocol.PhaseRecord && ph.Replay != nil {
			r.RateEHz, r.RateIHz = optFloat(ph.RateE), optFloat(ph.RateI)
			r.PeriodMs, r.InOrder, r.Transitions = optFloat(ph.Replay.PeriodMs), optFloat(ph.Replay.InOrderFraction), ph.Replay.Transitions
			break
		}
	}
	ee := w.Slice(0, ne, 0, ne)
	cm, err := analysis.ChainBlockMeans(ee, net.Clusters(), f.order)
	if err != nil {
		return nil, err
	}
	r.Within, r.Forward, r.Backward, r.Other, r.FFIndex = optFloat(cm.Within), optFloat(cm.Forward), optFloat(cm.Backward), optFloat(cm.Other), optFloat(cm.FeedForwardIndex)
	lo, hi := rowMeanRange(ee)
	r.EERowMeanMin, r.EERowMeanMax = optFloat(lo), optFloat(hi)
	var vals []float64
	floor := 0
	for i := 0; i < ne; i++ {
		for j := ne; j < nAll; j++ {
			x := w.At(i, j)
			if x == 0 {
				continue
			}
			vals = append(vals, x)
			if x <= setup.IE.WMin+1e-9 {
				floor++
			}
		}
	}
	sort.Float64s(vals)
	r.IEMean, r.IEMedian, r.IEAtFloor = optFloat(math.NaN()), optFloat(math.NaN()), optFloat(math.NaN())
	if len(vals) > 0 {
		s := 0.0
		for _, x := range vals {
			s += x
		}
		r.IEMean, r.IEMedian, r.IEAtFloor = optFloat(s/float64(len(vals))), optFloat(vals[len(vals)/2]), optFloat(float64(floor)/float64(len(vals)))
	}
	r.SpectrumTopRe, r.SpectrumTopIm = optFloat(math.NaN()), optFloat(math.NaN())
	if ev, err := analysis.ReducedSpectrum(w, net.Clusters(), ne, max(k/3, 1)); err == nil && len(ev) > 0 {
		re, im := math.Inf(-1), 0.0
		for _, z := range ev {
			re, im = math.Max(re, real(z)), math.Max(im, math.Abs(imag(z)))
		}
		r.SpectrumTopRe, r.SpectrumTopIm = optFloat(re), optFloat(im)
	}
	if rec := rep.LastRecording(); rec != nil && rec.Spikes != nil {
		r.Spikes = filepath.Join(f.dir, "spikes.csv")
		if err := writeSpikesCSV(r.Spikes, rec.Spikes); err != nil {
			return nil, err
		}
	} else if hasRecording(prot) {
		fmt.Fprintf(stderr, "gosnn exp train: the spikes of the last recording are not in %s (written by an older gosnn): no spikes.csv\n", f.dir)
	}
	js, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return nil, err
	}
	if err := writeFileAtomic(filepath.Join(f.dir, "summary.json"), append(js, '\n')); err != nil {
		return nil, err
	}
	return r, nil
}
