package readout

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sort"

	"github.com/gosnn/gosnn/snn"
	"github.com/gosnn/gosnn/snn/analysis"
)

// Protocol is a read-out experiment: training, then one replay per selection (docs/MODEL.md
// 7.3-7.5). DefaultProtocol gives the ABCBA protocol of the paper.
type Protocol struct {
	TrainMs    float64 // training time (12 000 ms for one sequence, 24 000 for two, 6000 for the song)
	BlockMs    float64 // with several patterns, training alternates every BlockMs (2000); 0 trains pattern 0 only
	ReplayMs   float64 // length of each replay (2000 ms)
	Selections []int   // pattern selected in each replay (−1: none); nil: −1 for one pattern, 0, 1, … for several
	DeleteAt   float64 // time into each replay at which E→R weights are deleted, ms (1000); < 0: never
	DeleteFrac float64 // fraction deleted (1/3)
	HFeedback  bool    // keep the H loop during replay ([R]); false is [M]
	Threshold  float64 // read-out activation threshold, rate units (0.5: any spike counts)
	MinOverlap float64 // a cluster is "active during an element" if this fraction of its activity falls in the element's windows (0.25)
}

// DefaultProtocol returns the ABCBA protocol: 12 s of training, 2 s of replay with one
// third of the E→R weights deleted after 1 s.
func DefaultProtocol() Protocol {
	return Protocol{TrainMs: 12000, BlockMs: 2000, ReplayMs: 2000, DeleteAt: 1000, DeleteFrac: 1.0 / 3,
		Threshold: 0.5, MinOverlap: 0.25}
}

// Report is the outcome of RunExperiment, ready for JSON.
type Report struct {
	TrainMs      float64           `json:"train_ms"`             // simulated training time, ms
	TrainWallS   float64           `json:"train_wall_s"`         // wall-clock time of the training, s
	TrainStarts  int               `json:"train_cycle_starts"`   // patterns started during training
	TrainStartMs float64           `json:"train_start_ms"`       // network time at which training began, ms
	StartTimes   []float64         `json:"train_start_times_ms"` // network times at which a pattern started, ms
	StartGroups  []int             `json:"train_start_groups"`   // pattern group started at each of StartTimes
	ClockPeriod  analysis.OptFloat `json:"clock_period_ms"`      // median period of the reference cluster during training, ms
	Groups       []GroupReport     `json:"patterns"`             // one per pattern, in group order
	Replays      []ReplayReport    `json:"replays"`              // one per selection
	TotalWallS   float64           `json:"total_wall_s"`         // wall-clock time of training and replays, s
	NumReadouts  int               `json:"readouts"`             // R neurons over all patterns
	MinOverlap   float64           `json:"min_overlap"`          // Protocol.MinOverlap used for the weight mass
	ActThreshold float64           `json:"activation_threshold"` // Protocol.Threshold used for the orders
}

// GroupReport describes one trained pattern.
type GroupReport struct {
	Elements []string `json:"elements"`              // element (R neuron) names
	Expected []string `json:"expected_cyclic_order"` // CyclicOrder of the pattern, by name
	Starts   int      `json:"training_starts"`       // complete presentations of this pattern
	RSpikes  []int    `json:"training_r_spikes"`     // spikes of each R neuron during training
	// WeightMass is A14 per R neuron (WeightMassInWindows): the fraction of its E→R weight
	// from clusters active in its element's windows, each window delayed by the R's
	// ResponseLatency, the time the supervisor takes to make it fire.
	WeightMass []analysis.OptFloat `json:"weight_mass_in_windows"`
	// WeightMassNominal is the same fraction with the windows not delayed (the supervisor's
	// own timing): on a clock whose clusters last about as long as the latency, a cluster
	// straddling a window's end falls out although its R fires with it.
	WeightMassNominal []analysis.OptFloat `json:"weight_mass_in_nominal_windows"`
	// ResponseLatency is, per R neuron, the median delay from the onset of one of its
	// element's windows to its first spike in that window during training, ms (NaN if it
	// never fired in one; then its windows are not delayed).
	ResponseLatency []analysis.OptFloat `json:"response_latency_ms"`
	MeanWeight      []float64           `json:"mean_weight"` // mean E→R weight per R neuron, pF
	MaxWeight       []float64           `json:"max_weight"`  // largest E→R weight per R neuron, pF
}

// ReplayReport describes one replay.
type ReplayReport struct {
	Select      int                `json:"select"`          // selected pattern, −1 for none
	Deleted     int                `json:"deleted_weights"` // non-zero E→R weights deleted
	WallS       float64            `json:"wall_s"`          // wall-clock time, s
	CycleStarts []float64          `json:"cycle_starts_ms"` // detector starts (blocked one pattern length after each), ms
	Groups      []GroupReplayStats `json:"patterns"`        // one per pattern
}

// GroupReplayStats is the replay of one pattern's read-outs. "Before" and "after" refer
// to the E→R deletion (the whole replay is "before" without deletion).
type GroupReplayStats struct {
	Error             analysis.OptFloat `json:"error"`                           // docs/MODEL.md 7.4, from 35 ms after the second cycle start
	ErrorReversed     analysis.OptFloat `json:"error_reversed_rows"`             // the same window with the authors' formula (ReversedRows, section 9 item 20)
	Correlation       analysis.OptFloat `json:"correlation"`                     // Pearson correlation of target and rates in the same window
	RSpikes           []int             `json:"r_spikes"`                        // spikes of each R neuron
	Order             []string          `json:"order_before"`                    // activations (by peak), repeats collapsed
	OrderAfter        []string          `json:"order_after"`                     // the same after the deletion
	Transitions       int               `json:"transitions_before"`              // transitions in Order
	OrderErrors       int               `json:"order_errors_before"`             // of which out of order (OrderErrors)
	TransitionsAfter  int               `json:"transitions_after"`               // transitions in OrderAfter
	OrderErrorsAfter  int               `json:"order_errors_after"`              // of which out of order
	Cycles            int               `json:"cycles_before"`                   // whole clock cycles (reference-cluster activations) before the deletion
	CyclesInOrder     int               `json:"cycles_in_order_before"`          // of which every element fired in order
	CyclesAfter       int               `json:"cycles_after"`                    // whole clock cycles after the deletion
	CyclesInOrderFrac analysis.OptFloat `json:"cycles_in_order_fraction_before"` // CyclesInOrder/Cycles
	CyclesInOrderAft  int               `json:"cycles_in_order_after"`           // cycles after the deletion with every element in order
}

// RunExperiment attaches a read-out layer for patterns to net, trains it and replays it
// as prot says, and returns the report and the layer (for its weights and further runs).
// Progress goes through the network's host, if any. The network's weights stay frozen.
func RunExperiment(ctx context.Context, net *snn.Network, cfg Config, prot Protocol, patterns ...*Pattern) (*Report, *Layer, []*ReplayResult, error) {
	if len(patterns) == 0 {
		return nil, nil, nil, errNoPattern
	}
	if bad(prot.TrainMs) || prot.TrainMs < 0 || bad(prot.ReplayMs) || prot.ReplayMs < 0 {
		return nil, nil, nil, fmt.Errorf("readout: readout experiment: train %v ms, replay %v ms: need finite values >= 0", prot.TrainMs, prot.ReplayMs)
	}
	ro, err := New(net, cfg, patterns...)
	if err != nil {
		return nil, nil, nil, err
	}
	rep := &Report{TrainMs: prot.TrainMs, NumReadouts: ro.Size(), MinOverlap: prot.MinOverlap, ActThreshold: prot.Threshold}
	block := prot.BlockMs
	if len(patterns) == 1 {
		block = 0
	}
	tr, err := ro.Train(ctx, prot.TrainMs, block)
	if err != nil {
		return nil, ro, nil, err
	}
	trainR := ro.rTimes // R spike times of the training (the next phase starts a new record)
	rep.TrainWallS = tr.Wall.Seconds()
	rep.TrainStarts = len(tr.CycleStarts)
	rep.TrainStartMs, rep.StartTimes, rep.StartGroups = tr.Start, tr.CycleStarts, tr.Groups
	rep.TotalWallS = rep.TrainWallS
	eSpikes := ro.ESpikes()
	cl := net.Clusters()
	if acts, err := analysis.DetectActivations(eSpikes, cl, tr.Start, tr.End, analysis.DefaultActivationOptions()); err == nil {
		rep.ClockPeriod = analysis.OptFloat(referencePeriod(acts, cfg.RefCluster))
	} else {
		rep.ClockPeriod = analysis.OptFloat(math.NaN())
	}
	weights := ro.Weights()
	for g, p := range patterns {
		gr := GroupReport{}
		for e := 0; e < p.Elements(); e++ {
			gr.Elements = append(gr.Elements, p.Name(e))
		}
		for _, e := range CyclicOrder(p.ElementOrder()) {
			gr.Expected = append(gr.Expected, p.Name(e))
		}
		var starts []float64
		for i, s := range tr.CycleStarts {
			if tr.Groups[i] == g && s+p.Duration() <= tr.End {
				starts = append(starts, s)
			}
		}
		gr.Starts = len(starts)
		a, b := ro.Group(g)
		gr.RSpikes = tr.RSpikes[a:b]
		lat := make([]float64, b-a)
		maxLat := 0.0
		for e := range lat {
			lat[e] = responseLatency(trainR[a+e], starts, p, e)
			gr.ResponseLatency = append(gr.ResponseLatency, analysis.OptFloat(lat[e]))
			if !math.IsNaN(lat[e]) {
				maxLat = math.Max(maxLat, lat[e])
			}
		}
		// The profile runs past the pattern's end by the longest delay, over the
		// presentations that have that much training after them.
		length := math.Ceil(p.Duration() + maxLat)
		var long []float64
		for _, s := range starts {
			if s+length <= tr.End {
				long = append(long, s)
			}
		}
		prof, err := ClusterProfile(eSpikes, cl, long, length, 1)
		if err != nil {
			return nil, ro, nil, err
		}
		mass := WeightMassInWindows(weights[a:b], cl, clusterElementOverlapShifted(prof, 1, p, lat), prot.MinOverlap)
		prof0, err := ClusterProfile(eSpikes, cl, starts, p.Duration(), 1)
		if err != nil {
			return nil, ro, nil, err
		}
		nominal := WeightMassInWindows(weights[a:b], cl, ClusterElementOverlap(prof0, 1, p), prot.MinOverlap)
		for e := range nominal {
			gr.WeightMassNominal = append(gr.WeightMassNominal, analysis.OptFloat(nominal[e]))
		}
		for j := a; j < b; j++ {
			gr.WeightMass = append(gr.WeightMass, analysis.OptFloat(mass[j-a]))
			s, m := 0.0, 0.0
			for _, v := range weights[j] {
				s += v
				m = math.Max(m, v)
			}
			gr.MeanWeight = append(gr.MeanWeight, s/float64(len(weights[j])))
			gr.MaxWeight = append(gr.MaxWeight, m)
		}
		rep.Groups = append(rep.Groups, gr)
	}
	sel := prot.Selections
	if sel == nil {
		if len(patterns) == 1 {
			sel = []int{-1}
		} else {
			for g := range patterns {
				sel = append(sel, g)
			}
		}
	}
	var results []*ReplayResult
	for _, s := range sel {
		opt := ReplayOptions{Select: s, DeleteAt: prot.DeleteAt, DeleteFrac: prot.DeleteFrac, HFeedback: prot.HFeedback}
		if prot.DeleteAt < 0 {
			opt.DeleteAt, opt.DeleteFrac = -1, 0
		}
		res, err := ro.Replay(ctx, prot.ReplayMs, opt)
		if err != nil {
			return nil, ro, nil, err
		}
		results = append(results, res)
		rr := ReplayReport{Select: s, Deleted: res.Deleted, WallS: res.Wall.Seconds(), CycleStarts: res.CycleStarts}
		rep.TotalWallS += rr.WallS
		acts, err := analysis.DetectActivations(eSpikes, cl, res.Start, res.End, analysis.DefaultActivationOptions())
		if err != nil {
			return nil, ro, nil, err
		}
		var bounds []float64
		for _, a := range acts {
			if a.Cluster == cfg.RefCluster {
				bounds = append(bounds, a.StartMs)
			}
		}
		split := res.End
		if opt.DeleteAt >= 0 && opt.DeleteFrac > 0 {
			split = res.Start + opt.DeleteAt
		}
		for g, p := range patterns {
			st := GroupReplayStats{}
			st.Error, st.ErrorReversed, st.Correlation = analysis.OptFloat(math.NaN()), analysis.OptFloat(math.NaN()), analysis.OptFloat(math.NaN())
			if e, err := res.Error(ro, g, cfg.ErrorLead); err == nil {
				st.Error = analysis.OptFloat(e)
				if e, err := res.ErrorWith(ro, g, cfg.ErrorLead, ReversedRows); err == nil {
					st.ErrorReversed = analysis.OptFloat(e)
				}
				if c, err := res.CorrelationAt(ro, g, res.CycleStarts[1]+cfg.ErrorLead); err == nil {
					st.Correlation = analysis.OptFloat(c)
				}
			}
			a, b := ro.Group(g)
			for j := a; j < b; j++ {
				st.RSpikes = append(st.RSpikes, len(res.RTimes[j]))
			}
			expected := CyclicOrder(p.ElementOrder())
			ra := Activations(res.Rates[a:b], res.Start+res.DT, res.DT, prot.Threshold, 20)
			seqB, seqA := activationSeq(ra, res.Start, split), activationSeq(ra, split, res.End)
			st.Transitions, st.OrderErrors = OrderErrors(seqB, expected)
			st.TransitionsAfter, st.OrderErrorsAfter = OrderErrors(seqA, expected)
			st.Order, st.OrderAfter = names(p, seqB), names(p, seqA)
			for k := 0; k+1 < len(bounds); k++ {
				w0, w1 := bounds[k], bounds[k+1]
				ok := cycleInOrder(ra, w0, w1, expected)
				switch {
				case w1 <= split:
					st.Cycles++
					if ok {
						st.CyclesInOrder++
					}
				case w0 >= split:
					st.CyclesAfter++
					if ok {
						st.CyclesInOrderAft++
					}
				}
			}
			st.CyclesInOrderFrac = analysis.OptFloat(math.NaN())
			if st.Cycles > 0 {
				st.CyclesInOrderFrac = analysis.OptFloat(float64(st.CyclesInOrder) / float64(st.Cycles))
			}
			rr.Groups = append(rr.Groups, st)
		}
		rep.Replays = append(rep.Replays, rr)
	}
	return rep, ro, results, nil
}

// referencePeriod is the median interval between activations of cluster ref, NaN if fewer
// than two.
func referencePeriod(acts []analysis.Activation, ref int) float64 {
	var ts []float64
	for _, a := range acts {
		if a.Cluster == ref {
			ts = append(ts, a.TimeMs)
		}
	}
	if len(ts) < 2 {
		return math.NaN()
	}
	d := make([]float64, len(ts)-1)
	for i := range d {
		d[i] = ts[i+1] - ts[i]
	}
	sort.Float64s(d)
	if len(d)%2 == 1 {
		return d[len(d)/2]
	}
	return (d[len(d)/2-1] + d[len(d)/2]) / 2
}

// activationSeq returns the neurons of the activations whose peak lies in [t0, t1), in order.
func activationSeq(acts []Activation, t0, t1 float64) []int {
	type pk struct {
		t float64
		n int
	}
	var ps []pk
	for _, a := range acts {
		if a.Peak >= t0 && a.Peak < t1 {
			ps = append(ps, pk{a.Peak, a.Neuron})
		}
	}
	sort.SliceStable(ps, func(i, j int) bool { return ps[i].t < ps[j].t })
	out := make([]int, len(ps))
	for i, p := range ps {
		out[i] = p.n
	}
	return collapse(out)
}

// cycleMinOverlap is how long (ms) a read-out activation must overlap a clock cycle to count
// in it; activations last at least ≈ 26 ms (one spike through Kernel above 0.5), so
// this drops slivers at the cycle boundaries but keeps activations that span them.
const cycleMinOverlap = 10

// cycleInOrder reports whether, within the clock cycle [w0, w1), the read-out activations
// overlapping it by at least cycleMinOverlap (ordered by their onset clipped to the cycle)
// contain every expected element and follow the expected cyclic order without error.
func cycleInOrder(acts []Activation, w0, w1 float64, expected []int) bool {
	type pk struct {
		t float64
		n int
	}
	var ps []pk
	for _, a := range acts {
		if math.Min(a.End, w1)-math.Max(a.Onset, w0) >= cycleMinOverlap {
			ps = append(ps, pk{math.Max(a.Onset, w0), a.Neuron})
		}
	}
	sort.SliceStable(ps, func(i, j int) bool { return ps[i].t < ps[j].t })
	seq := make([]int, len(ps))
	seen := map[int]bool{}
	for i, p := range ps {
		seq[i] = p.n
		seen[p.n] = true
	}
	for _, e := range expected {
		if !seen[e] {
			return false
		}
	}
	_, errs := OrderErrors(seq, expected)
	return errs == 0
}

func names(p *Pattern, seq []int) []string {
	out := make([]string, len(seq))
	for i, e := range seq {
		out[i] = p.Name(e)
	}
	return out
}

// errNoPattern is returned when an experiment is given no pattern.
var errNoPattern = errors.New("readout: readout experiment: no pattern")
