package readout

// The read-out layer (docs/MODEL.md sections 1, 3.3-3.5, 4.4, 5.4 and 7.3-7.5).
//
// Conventions: times in ms, rates in kHz, weights in pF (nS·ms), potentials in mV, as in the
// rest of the package. Read-out neurons are numbered 0 … Size()−1 across pattern groups in
// order (Group gives each group's range); E neurons are the network's 0 … NE−1. E→R weights
// are a read-out × E matrix (row = postsynaptic R, as the package's post × pre convention).
// A Pattern is element × time at the network's dt (column k is k·dt after the cycle start).
// The layer integrates nothing itself: R, S and H are populations of the network (AddPopulation),
// E→R, S→R, R→H and H→R are its projections, the E→R rule is the core's snn.VoltageSTDP with a soft
// bound, and the supervisors are the S neurons' Poisson drives, whose rates a function
// registered with snn.Network.OnStep sets every step from the cycle detector and the pattern.
// Files: readout.go (layer), readout_rules.go (pure rules and measures),
// readout_experiment.go (protocol and report), readout_ring.go (longer clock), pattern.go,
// spectrogram.go, wav.go.

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"gonum.org/v1/gonum/mat"

	"github.com/gosnn/gosnn/snn"
	"github.com/gosnn/gosnn/snn/analysis"
)

// Config describes the read-out layer of docs/MODEL.md sections 1, 3.3-3.5, 4.4 and 5.4:
// R neurons taught by supervisor neurons S through plastic E→R synapses, with interneurons H.
type Config struct {
	// R, S, H are the neuron models (snn.DefaultReadout, snn.DefaultReadout, snn.DefaultInterneuron).
	// H.SharedRefractory = true reproduces the [M] bug of docs/MODEL.md section 9 item 14: one
	// refractory clock for all H neurons; the default is per-neuron refractoriness, as in [R].
	R, S, H    snn.NeuronParams
	Plasticity snn.VoltageSTDP // E→R rule (section 5.4; snn.DefaultReadoutPlasticity: soft bound 25, τ_x = 5 ms)

	WSR, WRH, WHR float64 // S→R, R→H (excitatory) and H→R (inhibitory) one-to-one weights, pF (200)
	SWeight       float64 // weight of the supervisor Poisson input to S, pF (1.78)
	Baseline      float64 // supervisor rate while no element is on, kHz (1)
	HRate         float64 // Poisson rate to H during training, kHz (1)
	HWeight       float64 // its weight, pF (1.78)
	InhRate       float64 // inhibitory Poisson rate onto non-selected R during replay, kHz (1; section 4.3)
	InhWeight     float64 // its weight, pF (200)

	DetectWindow  float64 // cycle-detection window, ms (10; section 7.3)
	DetectBurnIn  float64 // no detection before this time into a phase, ms (50)
	RefCluster    int     // cluster whose activation starts a cycle (0 = the paper's cluster 1)
	RequireSpikes bool    // drop the [M] quirk: an all-silent window does not start a cycle

	ErrorLead float64 // the error window starts this long after the second cycle start, ms (35; section 7.4)

	// Seed is the seed of the deletion draws (Replay's DeleteAt). The R, S and H populations
	// draw their initial state and Poisson input from the network's seed, as every population.
	Seed uint64
}

// DefaultConfig returns the read-out parameters of docs/MODEL.md (section 9 defaults: soft
// bound, [M] cycle detection with its quirk, per-neuron H refractoriness).
func DefaultConfig() Config {
	return Config{
		R: snn.DefaultReadout(), S: snn.DefaultReadout(), H: snn.DefaultInterneuron(),
		Plasticity: snn.DefaultReadoutPlasticity(),
		WSR:        200, WRH: 200, WHR: 200,
		SWeight: 1.78, Baseline: SupervisorBaseline, HRate: 1, HWeight: 1.78,
		InhRate: 1, InhWeight: 200,
		DetectWindow: 10, DetectBurnIn: 50, ErrorLead: 35,
		Seed: 1,
	}
}

// Validate reports the first invalid field.
func (c *Config) Validate() error {
	for _, np := range []struct {
		name string
		p    *snn.NeuronParams
	}{{"R", &c.R}, {"S", &c.S}, {"H", &c.H}} {
		if err := np.p.Validate("Config." + np.name); err != nil {
			return err
		}
	}
	if err := readoutCheckPlasticity(c.Plasticity); err != nil {
		return err
	}
	for _, f := range []struct {
		name string
		v    float64
	}{{"WSR", c.WSR}, {"WRH", c.WRH}, {"WHR", c.WHR}, {"SWeight", c.SWeight}, {"Baseline", c.Baseline},
		{"HRate", c.HRate}, {"HWeight", c.HWeight}, {"InhRate", c.InhRate}, {"InhWeight", c.InhWeight},
		{"DetectBurnIn", c.DetectBurnIn}, {"ErrorLead", c.ErrorLead}} {
		if bad(f.v) || f.v < 0 {
			return fmt.Errorf("readout: Config.%s = %v: must be finite and >= 0", f.name, f.v)
		}
	}
	if bad(c.DetectWindow) || c.DetectWindow <= 0 {
		return fmt.Errorf("readout: Config.DetectWindow = %v: must be > 0", c.DetectWindow)
	}
	return nil
}

// Phases of the read-out layer.
const (
	roIdle = iota
	roTrain
	roReplay
)

// Layer is the read-out layer attached to a network (docs/MODEL.md sections 1 and 4.4): one R,
// one S and one H neuron per pattern element, for one or more patterns ("groups", each with
// its own R neurons), and all-to-all plastic E→R synapses starting at 0. R, S and H are
// populations of the network and the synapses its projections (PopR, ProjER, ...), so the
// network integrates them with its own neurons, in the same step; a function registered with
// snn.Network.OnStep runs the cycle detector and the supervisor schedule after every step. The
// network's own weights are not touched (frozen RNN, section 7.3).
//
// Train and Replay run the network; between them the layer is idle (no supervisor input, no
// learning). A Layer is not safe for concurrent use, and only one Layer should be attached
// to a network.
type Layer struct {
	net    *snn.Network
	cfg    Config
	groups []*Pattern
	first  []int // first R index of each group
	nR, nE int

	r, s, h        snn.PopID
	er, sr, rh, hr snn.ProjID
	mon            *snn.SpikeMonitor // E spikes since the layer was attached
	eSpk, rSpk     []int32           // scratch: the step's E and R spikes
	phase          int
	det            *CycleDetector
	block          int64 // steps a start blocks the detector
	playGroup      int   // group whose pattern is playing, −1 none
	playStart      int64 // step whose S input is the pattern's column 0
	blockEnd       int64
	alternate      int64       // training: steps per group block (0: group 0 only)
	phase0         int64       // step at which the phase started
	starts         []float64   // cycle starts of the phase, ms
	startG         []int       // group played at each start (training)
	rTimes         [][]float64 // R spike times of the phase, ms
	deleteS        int64       // replay: step of the E→R deletion, −1 none
	delFrac        float64
	deleted        int
}

// New attaches a read-out layer for the given patterns to net: it adds the populations R,
// S and H (in this order, one neuron per pattern element each) and the projections E→R (all to
// all, weight 0, with cfg.Plasticity attached), S→R, R→H and H→R (one to one), registers its
// per-step function (snn.Network.OnStep) and an E spike monitor. Every pattern must have the
// network's time step as its resolution.
func New(net *snn.Network, cfg Config, patterns ...*Pattern) (*Layer, error) {
	if net == nil {
		return nil, errors.New("readout: New: nil network")
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if len(patterns) == 0 {
		return nil, errors.New("readout: New: no pattern")
	}
	ro := &Layer{net: net, cfg: cfg, nE: net.Size(snn.PopE), playGroup: -1, deleteS: -1}
	for g, p := range patterns {
		if p == nil {
			return nil, fmt.Errorf("readout: New: pattern %d is nil", g)
		}
		if err := p.Validate(); err != nil {
			return nil, fmt.Errorf("readout: New: pattern %d: %w", g, err)
		}
		if math.Abs(p.DT-net.DT()) > 1e-9*net.DT() {
			return nil, fmt.Errorf("readout: New: pattern %d has DT = %v ms, the network %v ms", g, p.DT, net.DT())
		}
		ro.groups = append(ro.groups, p)
		ro.first = append(ro.first, ro.nR)
		ro.nR += p.Elements()
	}
	if ro.nE == 0 {
		return nil, errors.New("readout: New: the network has no E neurons")
	}
	det, err := NewCycleDetector(net.Clusters(), max(int(math.Round(cfg.DetectWindow/net.DT())), 1),
		int(math.Round(cfg.DetectBurnIn/net.DT())), cfg.RefCluster, cfg.RequireSpikes)
	if err != nil {
		return nil, err
	}
	ro.det = det
	// R's drive is the inhibitory Poisson input of the replay selection (section 4.3); S's is
	// the supervisor, H's its training input. All start off.
	if ro.r, err = net.AddPopulation("R", cfg.R, ro.nR, snn.Drive{Weight: cfg.InhWeight, Channel: snn.Inh}); err != nil {
		return nil, err
	}
	if ro.s, err = net.AddPopulation("S", cfg.S, ro.nR, snn.Drive{Weight: cfg.SWeight}); err != nil {
		return nil, err
	}
	if ro.h, err = net.AddPopulation("H", cfg.H, ro.nR, snn.Drive{Weight: cfg.HWeight}); err != nil {
		return nil, err
	}
	if ro.er, err = net.ConnectAll(snn.PopE, ro.r, snn.Exc, 0); err != nil {
		return nil, err
	}
	if err := net.SetVoltageSTDP(ro.er, cfg.Plasticity); err != nil {
		return nil, err
	}
	if err := net.SetRuleActive(ro.er, false); err != nil {
		return nil, err
	}
	if ro.sr, err = net.ConnectOneToOne(ro.s, ro.r, snn.Exc, cfg.WSR); err != nil {
		return nil, err
	}
	if ro.rh, err = net.ConnectOneToOne(ro.r, ro.h, snn.Exc, cfg.WRH); err != nil {
		return nil, err
	}
	if ro.hr, err = net.ConnectOneToOne(ro.h, ro.r, snn.Inh, cfg.WHR); err != nil {
		return nil, err
	}
	if ro.mon, err = net.RecordSpikes(snn.PopE, nil); err != nil {
		return nil, err
	}
	if err := net.OnStep(ro.step); err != nil {
		return nil, err
	}
	return ro, nil
}

// PopR, PopS and PopH return the network's populations of the layer's R, S and H neurons.
func (ro *Layer) PopR() snn.PopID { return ro.r }

// PopS returns the population of the supervisor neurons S (see PopR).
func (ro *Layer) PopS() snn.PopID { return ro.s }

// PopH returns the population of the interneurons H (see PopR).
func (ro *Layer) PopH() snn.PopID { return ro.h }

// ProjER returns the plastic E→R projection (read-out × E weights, snn.Network.Weights).
func (ro *Layer) ProjER() snn.ProjID { return ro.er }

// ESpikes returns the E spikes recorded since the layer was attached (the record the cycle
// detector and the plasticity read; it grows as the network runs, so do not modify it).
func (ro *Layer) ESpikes() *snn.Spikes { return ro.mon.Spikes() }

// Size returns the number of read-out neurons (sum of the patterns' elements).
func (ro *Layer) Size() int { return ro.nR }

// Patterns returns the patterns, in group order.
func (ro *Layer) Patterns() []*Pattern { return ro.groups }

// Group returns the R neuron range [from, to) of pattern g.
func (ro *Layer) Group(g int) (from, to int) {
	return ro.first[g], ro.first[g] + ro.groups[g].Elements()
}

// Weights returns a copy of the E→R weights as a read-out × E matrix (row j = R neuron j).
func (ro *Layer) Weights() [][]float64 {
	w, _ := ro.net.Weights(ro.er)
	out := make([][]float64, ro.nR)
	for j := range out {
		out[j] = mat.Row(nil, j, w)
	}
	return out
}

// SetWeights replaces the E→R weights (read-out × E, values in [0, WMax]).
func (ro *Layer) SetWeights(w [][]float64) error {
	if len(w) != ro.nR {
		return fmt.Errorf("readout: Layer.SetWeights: %d rows, want %d", len(w), ro.nR)
	}
	d := mat.NewDense(ro.nR, ro.nE, nil)
	for j, row := range w {
		if len(row) != ro.nE {
			return fmt.Errorf("readout: Layer.SetWeights: row %d has %d columns, want %d", j, len(row), ro.nE)
		}
		for i, v := range row {
			if bad(v) || v < 0 || v > ro.cfg.Plasticity.WMax {
				return fmt.Errorf("readout: Layer.SetWeights: w[%d][%d] = %v outside [0, %v]", j, i, v, ro.cfg.Plasticity.WMax)
			}
		}
		d.SetRow(j, row)
	}
	return ro.net.SetWeights(ro.er, d)
}

// DeleteWeights sets each E→R weight to 0 independently with probability frac (the
// robustness test of docs/MODEL.md 7.4) and returns the number of non-zero weights deleted.
func (ro *Layer) DeleteWeights(frac float64, seed uint64) (int, error) {
	if bad(frac) || frac < 0 || frac > 1 {
		return 0, fmt.Errorf("readout: Layer.DeleteWeights: fraction %v outside [0, 1]", frac)
	}
	w, err := ro.net.Weights(ro.er)
	if err != nil {
		return 0, err
	}
	r := rand.New(rand.NewPCG(seed, 0x44454c45)) // "DELE"
	n := 0
	raw := w.RawMatrix()
	for j := 0; j < raw.Rows; j++ {
		row := raw.Data[j*raw.Stride : j*raw.Stride+raw.Cols]
		for i := range row {
			if r.Float64() < frac {
				if row[i] != 0 {
					n++
				}
				row[i] = 0
			}
		}
	}
	return n, ro.net.SetWeights(ro.er, w)
}

// step runs after every network step (snn.Network.OnStep): cycle detection and the supervisor
// schedule (docs/MODEL.md 7.3) from the step's E spikes, the deletion, and the R spike record.
func (ro *Layer) step(st snn.Step) {
	if ro.phase == roIdle {
		return
	}
	s, t := st.S, st.Time()
	ro.eSpk = st.Spikes(snn.PopE, ro.eSpk[:0])
	if ro.det.Observe(ro.eSpk) && s >= ro.blockEnd {
		g := 0
		if ro.alternate > 0 {
			g = int((s-ro.phase0-1)/ro.alternate) % len(ro.groups)
		}
		if ro.phase == roReplay {
			g = -1
		}
		ro.starts = append(ro.starts, t)
		ro.startG = append(ro.startG, g)
		ro.blockEnd = s + ro.block
		if ro.phase == roTrain {
			// The pattern's column 0 drives S in the next step, the first the start can reach.
			ro.playGroup, ro.playStart = g, s+1
		}
	}
	if ro.phase == roTrain {
		ro.supervise(s + 1)
	}
	if ro.deleteS >= 0 && s == ro.deleteS {
		n, _ := ro.DeleteWeights(ro.delFrac, ro.cfg.Seed+7)
		ro.deleted += n
	}
	ro.rSpk = st.Spikes(ro.r, ro.rSpk[:0])
	for _, j := range ro.rSpk {
		ro.rTimes[j] = append(ro.rTimes[j], t)
	}
}

// supervise sets the supervisor rates (S's Poisson drive) for step s (docs/MODEL.md 7.3).
func (ro *Layer) supervise(s int64) {
	for g, p := range ro.groups {
		k := -1
		if g == ro.playGroup {
			k = int(s - ro.playStart)
			if k >= p.Steps() {
				k = -1
				ro.playGroup = -1
			}
		}
		for e := 0; e < p.Elements(); e++ {
			rate := ro.cfg.Baseline
			if k >= 0 {
				rate = p.Rates[e][k]
			}
			_ = ro.net.SetRate(ro.s, ro.first[g]+e, rate)
		}
	}
}

// begin resets the per-phase records and switches to phase ph.
func (ro *Layer) begin(ph int) {
	ro.phase = ph
	ro.phase0 = ro.net.Steps()
	ro.det, _ = NewCycleDetector(ro.det.clusters, ro.det.window, int(ro.det.burnIn), ro.det.ref, ro.det.requireSpikes)
	ro.starts, ro.startG = nil, nil
	ro.rTimes = make([][]float64, ro.nR)
	ro.blockEnd = 0
	ro.playGroup = -1
	ro.deleteS = -1
	ro.deleted = 0
	maxSteps := 0
	for _, p := range ro.groups {
		maxSteps = max(maxSteps, p.Steps())
	}
	ro.block = int64(maxSteps)
}

// drives sets the Poisson rates of S, H and R for every read-out neuron.
func (ro *Layer) drives(sRate, hRate, rInhRate float64) {
	_ = ro.net.SetRates(ro.s, 0, ro.nR, sRate)
	_ = ro.net.SetRates(ro.h, 0, ro.nR, hRate)
	_ = ro.net.SetRates(ro.r, 0, ro.nR, rInhRate)
}

// end returns the layer to idle and switches its drives off.
func (ro *Layer) end() {
	ro.phase = roIdle
	ro.drives(0, 0, 0)
}

// learnOnly makes the E→R rule the only active plasticity rule of the network and turns
// plasticity on; the returned function restores the previous state.
func (ro *Layer) learnOnly() (restore func()) {
	n := ro.net
	var off []snn.ProjID
	for id := snn.ProjID(0); int(id) < n.NumProjections(); id++ {
		if id != ro.er && n.RuleActive(id) {
			off = append(off, id)
			_ = n.SetRuleActive(id, false)
		}
	}
	_ = n.SetRuleActive(ro.er, true)
	was := n.Plastic()
	n.SetPlastic(true)
	return func() {
		n.SetPlastic(was)
		_ = n.SetRuleActive(ro.er, false)
		for _, id := range off {
			_ = n.SetRuleActive(id, true)
		}
	}
}

// TrainResult summarises a training phase.
type TrainResult struct {
	Start, End  float64   // network time of the phase, ms
	CycleStarts []float64 // times at which a pattern started, ms
	Groups      []int     // pattern group played at each start
	RSpikes     []int     // spikes of each R neuron during training
	Wall        time.Duration
}

// Train runs the network for durMs with the supervisors on and E→R plasticity active (docs/MODEL.md
// 7.3): each time the cycle detector fires while no pattern plays, the current group's pattern
// starts. With several patterns and blockMs > 0 the groups alternate every blockMs (7.5 item 1:
// 2 s blocks, 24 s); with blockMs = 0 only group 0 is trained.
func (ro *Layer) Train(ctx context.Context, durMs, blockMs float64) (*TrainResult, error) {
	if bad(blockMs) || blockMs < 0 {
		return nil, fmt.Errorf("readout: Layer.Train: block = %v ms: must be finite and >= 0", blockMs)
	}
	ro.begin(roTrain)
	defer ro.end()
	ro.alternate = int64(math.Round(blockMs / ro.net.DT()))
	defer ro.learnOnly()()
	t := ro.net.Time()
	ro.drives(ro.cfg.Baseline, ro.cfg.HRate, 0)
	start := time.Now()
	err := ro.net.RunContext(ctx, durMs)
	res := &TrainResult{Start: t, End: ro.net.Time(), CycleStarts: ro.starts, Groups: ro.startG,
		RSpikes: make([]int, ro.nR), Wall: time.Since(start)}
	for j, ts := range ro.rTimes {
		res.RSpikes[j] = len(ts)
	}
	return res, err
}

// ReplayOptions configure a replay phase (docs/MODEL.md 7.4 and 7.5 item 1).
type ReplayOptions struct {
	// Select is the pattern group allowed to replay; the R neurons of every other group get
	// inhibitory Poisson input (InhRate × InhWeight). −1 selects none (all groups free).
	Select int
	// DeleteAt is the time into the replay (ms) at which each E→R weight is deleted with
	// probability DeleteFrac; negative for no deletion. The deletion lasts for the rest of
	// this replay only: the trained weights are restored when it ends (as [M] keeps a copy),
	// so a later replay starts from them. Layer.DeleteWeights deletes for good.
	DeleteAt   float64
	DeleteFrac float64
	// HFeedback keeps the H interneurons and their R↔H loop running, driven by R only, as the
	// replication [R] does; false is [M]: R receives E input only (section 9 item 15).
	HFeedback bool
}

// DefaultReplayOptions returns [M]'s replay: no selection, no deletion, no H feedback.
func DefaultReplayOptions() ReplayOptions {
	return ReplayOptions{Select: -1, DeleteAt: -1}
}

// ReplayResult holds the read-out activity of a replay phase.
type ReplayResult struct {
	Start, End  float64     // network time of the phase, ms
	CycleStarts []float64   // detected cycle starts (detector blocked for one pattern length after each), ms
	RTimes      [][]float64 // spike times of each R neuron, ms
	Rates       [][]float64 // Rates of RTimes on the step grid from Start, R × steps
	DT          float64     // ms per Rates column
	Deleted     int         // E→R weights deleted at DeleteAt
	Wall        time.Duration
}

// Replay runs the network for durMs with the E→R weights frozen and no supervisor (docs/MODEL.md
// 7.4): R neurons are driven by the E neurons alone. R, S and H start from rest, as in a
// separate replay run of [M], so nothing of a preceding training phase carries over.
func (ro *Layer) Replay(ctx context.Context, durMs float64, opt ReplayOptions) (*ReplayResult, error) {
	if opt.Select < -1 || opt.Select >= len(ro.groups) {
		return nil, fmt.Errorf("readout: Layer.Replay: Select = %d outside -1 … %d", opt.Select, len(ro.groups)-1)
	}
	if bad(opt.DeleteAt) || bad(opt.DeleteFrac) || opt.DeleteFrac < 0 || opt.DeleteFrac > 1 {
		return nil, fmt.Errorf("readout: Layer.Replay: DeleteAt = %v, DeleteFrac = %v: need finite values, fraction in [0, 1]", opt.DeleteAt, opt.DeleteFrac)
	}
	ro.begin(roReplay)
	defer ro.end()
	if opt.Select >= 0 {
		ro.block = int64(ro.groups[opt.Select].Steps())
	}
	// Start from rest: R, S and H keep no drive from a preceding training phase. S gets no
	// input; H takes part only with HFeedback (otherwise R→H is cut, so H stays at rest).
	for _, id := range []snn.PopID{ro.r, ro.s, ro.h} {
		if err := ro.net.Rest(id); err != nil {
			return nil, err
		}
	}
	t0 := ro.net.Time()
	ro.drives(0, 0, 0)
	if opt.Select >= 0 {
		for g := range ro.groups {
			if from, to := ro.Group(g); g != opt.Select {
				_ = ro.net.SetRates(ro.r, from, to, ro.cfg.InhRate)
			}
		}
	}
	if !opt.HFeedback {
		rh, err := ro.net.Weights(ro.rh)
		if err != nil {
			return nil, err
		}
		_ = ro.net.SetWeights(ro.rh, mat.NewDense(ro.nR, ro.nR, nil))
		defer func() { _ = ro.net.SetWeights(ro.rh, rh) }()
	}
	if opt.DeleteAt >= 0 && opt.DeleteFrac > 0 {
		ro.deleteS = ro.net.Steps() + int64(math.Round(opt.DeleteAt/ro.net.DT()))
		ro.delFrac = opt.DeleteFrac
		trained, err := ro.net.Weights(ro.er)
		if err != nil {
			return nil, err
		}
		defer func() { _ = ro.net.SetWeights(ro.er, trained) }()
	}
	start := time.Now()
	err := ro.net.RunContext(ctx, durMs)
	res := &ReplayResult{Start: t0, End: ro.net.Time(), CycleStarts: ro.starts, RTimes: ro.rTimes,
		DT: ro.net.DT(), Deleted: ro.deleted, Wall: time.Since(start)}
	steps := int(math.Round((res.End - t0) / res.DT))
	var rerr error
	res.Rates, rerr = Rates(ro.rTimes, t0+res.DT, res.DT, steps)
	if err == nil {
		err = rerr
	}
	return res, err
}

// Error returns the error measure of docs/MODEL.md 7.4 for pattern group g: the group's R rates in
// the window that starts lead ms after the second detected cycle start and lasts as long as
// the pattern, against the pattern, both min-max normalised, row to row. It fails if fewer
// than two cycle starts were detected or the window runs past the end of the replay.
func (res *ReplayResult) Error(ro *Layer, g int, lead float64) (float64, error) {
	return res.ErrorWith(ro, g, lead, RowToRow)
}

// ErrorWith is Error with the rows paired as formula says (ReversedRows: the authors' form,
// docs/MODEL.md section 9 item 20; the rows reversed are those of group g).
func (res *ReplayResult) ErrorWith(ro *Layer, g int, lead float64, formula ErrorFormula) (float64, error) {
	if len(res.CycleStarts) < 2 {
		return math.NaN(), fmt.Errorf("readout: replay error: %d cycle starts detected, need 2", len(res.CycleStarts))
	}
	return res.ErrorAtWith(ro, g, res.CycleStarts[1]+lead, formula)
}

// ErrorAt is Error with the window starting at time from (ms).
func (res *ReplayResult) ErrorAt(ro *Layer, g int, from float64) (float64, error) {
	return res.ErrorAtWith(ro, g, from, RowToRow)
}

// ErrorAtWith is ErrorWith with the window starting at time from (ms).
func (res *ReplayResult) ErrorAtWith(ro *Layer, g int, from float64, formula ErrorFormula) (float64, error) {
	rates, err := res.Window(ro, g, from)
	if err != nil {
		return math.NaN(), err
	}
	return ErrorWith(formula, ro.groups[g].Rates, rates)
}

// CorrelationAt returns the Pearson correlation between pattern g and its read-out rates in the
// window of Window (a scale-free companion of the error measure).
func (res *ReplayResult) CorrelationAt(ro *Layer, g int, from float64) (float64, error) {
	rates, err := res.Window(ro, g, from)
	if err != nil {
		return math.NaN(), err
	}
	return analysis.MatrixCorrelation(ro.groups[g].Rates, rates)
}

// Window returns the rates of group g's R neurons over the pattern's length from time from
// (ms), as rows sharing res.Rates.
func (res *ReplayResult) Window(ro *Layer, g int, from float64) ([][]float64, error) {
	if g < 0 || g >= len(ro.groups) {
		return nil, fmt.Errorf("readout: replay error: group %d outside 0 … %d", g, len(ro.groups)-1)
	}
	p := ro.groups[g]
	c0 := int(math.Round((from-res.Start)/res.DT)) - 1
	if bad(from) || c0 < 0 || len(res.Rates) == 0 || c0+p.Steps() > len(res.Rates[0]) {
		return nil, fmt.Errorf("readout: replay error: window [%g, %g] ms is outside the replay [%g, %g] ms", from, from+p.Duration(), res.Start, res.End)
	}
	a, b := ro.Group(g)
	rates := make([][]float64, b-a)
	for j := range rates {
		rates[j] = res.Rates[a+j][c0 : c0+p.Steps()]
	}
	return rates, nil
}

// Order returns the sequence of R activations of group g (indices within the group) between
// times t0 and t1 (ms), by peak time, from Activations of the group's rates with the
// given threshold (rate units; 0.5 counts every spike) and a 20-ms merge gap.
func (res *ReplayResult) Order(ro *Layer, g int, t0, t1, threshold float64) []int {
	a, b := ro.Group(g)
	acts := Activations(res.Rates[a:b], res.Start+res.DT, res.DT, threshold, 20)
	var seq []int
	for _, x := range acts {
		if x.Peak >= t0 && x.Peak < t1 {
			seq = append(seq, x.Neuron)
		}
	}
	return collapse(seq)
}
