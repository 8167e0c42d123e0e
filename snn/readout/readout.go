package readout

// The read-out layer (docs/MODEL.md sections 1, 3.3-3.5, 4.4, 5.4 and 7.3-7.5).
//
// Conventions: times in ms, rates in kHz, weights in pF (nS·ms), potentials in mV, as in
// package snn. Read-out neurons are numbered 0 … Size()−1 across pattern groups in
// order (Group gives each group's range); E neurons are the network's 0 … NE−1. E→R weights
// are a read-out × E matrix (row = postsynaptic R, as the package's post × pre convention).
// A Pattern is element × time at the network's dt (column k is k·dt after the cycle start).
// The layer steps in lockstep with the network, after each network step and in the same
// order (inputs of the previous step, Poisson arrivals, conductances, traces, membrane,
// spikes delivered for the next step, then plasticity with this step's spikes), through a hook
// registered with Network.Every; it reads E spikes from a spike monitor and never changes the
// network. Files: readout.go (layer), readout_rules.go (pure rules and measures),
// readout_experiment.go (protocol and report), readout_ring.go (longer clock), pattern.go,
// song.go (the bird-song supervisor), engine.go (copies of core helpers).

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/gosnn/gosnn/snn"
	"github.com/gosnn/gosnn/snn/analysis"
)

// Config describes the read-out layer of docs/MODEL.md sections 1, 3.3-3.5, 4.4 and 5.4:
// R neurons taught by supervisor neurons S through plastic E→R synapses, with interneurons H.
type Config struct {
	R, S, H    snn.NeuronParams // neuron models (DefaultReadout, DefaultReadout, DefaultInterneuron)
	Plasticity snn.VoltageSTDP  // E→R rule (section 5.4; DefaultReadoutPlasticity: soft bound 25, τ_x = 5 ms)

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

	// SharedHRefractory reproduces the [M] bug of docs/MODEL.md section 9 item 14: one refractory
	// clock for all H neurons, so a spike of any H makes every H refractory for H.TauRef.
	// The default (false) is per-neuron refractoriness, as in [R].
	SharedHRefractory bool

	Seed uint64 // seed of the read-out layer's random draws (initial state, Poisson input, deletion)
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

// roPop is a small population of the read-out layer (R, S or H), as a struct of arrays. It
// follows the same per-step order as the network's populations (docs/MODEL.md section 2 step 4).
type roPop struct {
	k                  kin
	lif                bool
	v, vt, w, um, up   []float64
	xrE, xdE, xrI, xdI []float64
	inE, inI           []float64
	last               []int64
	rate, extW, next   []float64 // excitatory Poisson drive
	rng                []rng
	irate, inext       []float64 // inhibitory Poisson drive (replay selection)
	irng               []rng
	iw                 []float64
	spk                []int32

	sharedRef bool  // one refractory clock for the whole population (section 9 item 14)
	lastAny   int64 // its last spike step
}

func newRoPop(n *snn.Network, p snn.NeuronParams, size int, seed uint64, kind uint64) *roPop {
	q := &roPop{k: kinetics(n, p), lif: p.Model == snn.LIF}
	f := func() []float64 { return make([]float64, size) }
	q.v, q.vt, q.w, q.um, q.up = f(), f(), f(), f(), f()
	q.xrE, q.xdE, q.xrI, q.xdI, q.inE, q.inI = f(), f(), f(), f(), f(), f()
	q.rate, q.extW, q.next, q.irate, q.inext, q.iw = f(), f(), f(), f(), f(), f()
	q.last = make([]int64, size)
	q.rng = make([]rng, size)
	q.irng = make([]rng, size)
	q.lastAny = math.MinInt64 / 2
	init := streamSeed(seed, kind, 1<<32)
	for i := range q.v {
		q.v[i] = p.VInitLow + (p.VInitHigh-p.VInitLow)*init.float()
		// ū± start uniform in [−60, −52] (docs/MODEL.md 5.4).
		q.um[i] = -60 + 8*init.float()
		q.up[i] = -60 + 8*init.float()
		q.vt[i] = p.VTRest
		q.last[i] = math.MinInt64 / 2
		q.rng[i] = streamSeed(seed, kind, uint64(i))
		q.irng[i] = streamSeed(seed, kind+1, uint64(i))
		q.next[i] = math.Inf(1)
		q.inext[i] = math.Inf(1)
	}
	return q
}

// setRate changes the excitatory Poisson rate of neuron i at time t (ms). As in [M], a pending
// arrival keeps its time; a neuron whose rate was 0 (no pending arrival) draws a new one, so a
// zero rate pauses the input instead of stopping it for good (docs/MODEL.md 7.5 item 2).
func (q *roPop) setRate(i int, kHz, w, t float64) {
	q.extW[i] = w
	if kHz == q.rate[i] {
		return
	}
	q.rate[i] = kHz
	switch {
	case kHz <= 0:
		q.next[i] = math.Inf(1)
	case math.IsInf(q.next[i], 1):
		q.next[i] = t + q.rng[i].exp()/kHz
	}
}

func (q *roPop) setInhRate(i int, kHz, w, t float64) {
	q.iw[i] = w
	if kHz == q.irate[i] {
		return
	}
	q.irate[i] = kHz
	switch {
	case kHz <= 0:
		q.inext[i] = math.Inf(1)
	case math.IsInf(q.inext[i], 1):
		q.inext[i] = t + q.irng[i].exp()/kHz
	}
}

// quiet returns every neuron to rest with no synaptic input in flight (V = E_L, V_T at rest,
// no adaptation, conductances and pending inputs 0): the state a separate replay run of [M]
// (generateSequence.m) starts from. Replay calls it so that the conductances the supervisor
// built up during training do not make R fire at replay onset.
func (q *roPop) quiet() {
	for i := range q.v {
		q.v[i], q.vt[i], q.w[i] = q.k.el, q.k.vtRest, 0
		q.xrE[i], q.xdE[i], q.xrI[i], q.xdI[i] = 0, 0, 0, 0
		q.inE[i], q.inI[i] = 0, 0
	}
}

// step integrates every neuron at step s (time t) and collects the spikes in q.spk.
func (q *roPop) step(s int64, t float64) {
	k := &q.k
	q.spk = q.spk[:0]
	for i := range q.v {
		ie, ii := q.inE[i], q.inI[i]
		q.inE[i], q.inI[i] = 0, 0
		for q.next[i] <= t {
			ie += q.extW[i]
			q.next[i] += q.rng[i].exp() / q.rate[i]
		}
		for q.inext[i] <= t {
			ii += q.iw[i]
			q.inext[i] += q.irng[i].exp() / q.irate[i]
		}
		re := flushSubnormal(q.xrE[i]*k.dRE + ie)
		de := flushSubnormal(q.xdE[i]*k.dDE + ie)
		ri := flushSubnormal(q.xrI[i]*k.dRI + ii)
		di := flushSubnormal(q.xdI[i]*k.dDI + ii)
		q.xrE[i], q.xdE[i], q.xrI[i], q.xdI[i] = re, de, ri, di
		gE := (de - re) * k.nE
		gI := (di - ri) * k.nI
		v := q.v[i]
		if q.lif {
			last := q.last[i]
			if q.sharedRef {
				last = q.lastAny
			}
			if s > last+k.ref {
				v += k.dt * ((k.el-v)*k.invTau + (gE*(k.eExc-v)+gI*(k.eInh-v))*k.invC)
				if v > k.vPeak {
					v = k.vReset
					q.last[i] = s
					q.lastAny = s
					q.spk = append(q.spk, int32(i))
				}
				q.v[i] = v
			}
			continue
		}
		vt := q.vt[i] + k.dtT*(k.vtRest-q.vt[i])
		w := flushSubnormal(q.w[i] + k.dtW*(k.a*(v-k.el)-q.w[i]))
		q.um[i] += k.dUM * (v - q.um[i])
		q.up[i] += k.dUP * (v - q.up[i])
		if s > q.last[i]+k.ref {
			v += k.dt * ((k.el-v+k.deltaT*math.Exp((v-vt)*k.invDeltaT))*k.invTau +
				(gE*(k.eExc-v)+gI*(k.eInh-v)-w)*k.invC)
			if v > k.vPeak {
				v = k.vReset
				q.last[i] = s
				if k.increment {
					vt += k.aT
				} else {
					vt = k.vtRest + k.aT
				}
				w += k.b
				q.spk = append(q.spk, int32(i))
			}
			q.v[i] = v
		}
		q.vt[i], q.w[i] = vt, w
	}
}

// Phases of the read-out layer.
const (
	roIdle = iota
	roTrain
	roReplay
)

// Layer is the read-out layer attached to a network (docs/MODEL.md sections 1 and 4.4): one R,
// one S and one H neuron per pattern element, for one or more patterns ("groups", each with
// its own R neurons), and all-to-all plastic E→R synapses starting at 0. It steps in lockstep
// with the network through a per-step hook (Network.Every) and reads the E spikes of each step
// from a spike monitor; the network's own weights are not touched (frozen RNN, section 7.3).
//
// Train and Replay run the network; between them the layer is idle. A Layer is not safe for
// concurrent use, and only one Layer should be attached to a network.
type Layer struct {
	net    *snn.Network
	cfg    Config
	groups []*Pattern
	first  []int // first R index of each group
	nR, nE int

	w    []float64 // E→R weights, post-major: w[j*nE+i]
	xbar []float64 // presynaptic traces of the E neurons (τ = Plasticity.TauX)
	dX   float64   // dt/τ_x
	r, s *roPop
	h    *roPop
	mon  *snn.SpikeMonitor
	cur  int // next unread entry of mon

	phase     int
	det       *CycleDetector
	block     int64 // steps a start blocks the detector
	playGroup int   // group whose pattern is playing, −1 none
	playStart int64 // step at which it started
	blockEnd  int64
	alternate int64 // training: steps per group block (0: group 0 only)
	phase0    int64 // step at which the phase started
	hOn       bool  // H feedback active
	sOn       bool  // S→R active
	plastic   bool

	starts  []float64   // cycle starts of the phase, ms
	startG  []int       // group played at each start (training)
	rTimes  [][]float64 // R spike times of the phase, ms
	deleteS int64       // replay: step of the E→R deletion, −1 none
	delFrac float64
	deleted int
}

// New attaches a read-out layer for the given patterns to net. Every pattern must have
// the network's time step as its resolution. It registers a per-step hook and an E spike
// monitor on net.
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
	ro.w = make([]float64, ro.nR*ro.nE)
	ro.xbar = make([]float64, ro.nE)
	ro.dX = net.DT() / cfg.Plasticity.TauX
	const kind = 0x5245_4144_4f55_0000 // "READOU": streams distinct from the network's
	ro.r = newRoPop(net, cfg.R, ro.nR, cfg.Seed, kind)
	ro.s = newRoPop(net, cfg.S, ro.nR, cfg.Seed, kind+2)
	ro.h = newRoPop(net, cfg.H, ro.nR, cfg.Seed, kind+4)
	ro.h.sharedRef = cfg.SharedHRefractory
	if ro.mon, err = net.RecordSpikes(snn.PopE, nil); err != nil {
		return nil, err
	}
	ro.cur = len(ro.mon.Spikes().Time)
	if err := net.Every(net.DT(), ro.hook); err != nil {
		return nil, err
	}
	return ro, nil
}

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
	out := make([][]float64, ro.nR)
	for j := range out {
		out[j] = append([]float64(nil), ro.w[j*ro.nE:(j+1)*ro.nE]...)
	}
	return out
}

// SetWeights replaces the E→R weights (read-out × E, values in [0, WMax]).
func (ro *Layer) SetWeights(w [][]float64) error {
	if len(w) != ro.nR {
		return fmt.Errorf("readout: Layer.SetWeights: %d rows, want %d", len(w), ro.nR)
	}
	for j, row := range w {
		if len(row) != ro.nE {
			return fmt.Errorf("readout: Layer.SetWeights: row %d has %d columns, want %d", j, len(row), ro.nE)
		}
		for i, v := range row {
			if bad(v) || v < 0 || v > ro.cfg.Plasticity.WMax {
				return fmt.Errorf("readout: Layer.SetWeights: w[%d][%d] = %v outside [0, %v]", j, i, v, ro.cfg.Plasticity.WMax)
			}
		}
	}
	for j, row := range w {
		copy(ro.w[j*ro.nE:], row)
	}
	return nil
}

// DeleteWeights sets each E→R weight to 0 independently with probability frac (the
// robustness test of docs/MODEL.md 7.4) and returns the number of non-zero weights deleted.
func (ro *Layer) DeleteWeights(frac float64, seed uint64) (int, error) {
	if bad(frac) || frac < 0 || frac > 1 {
		return 0, fmt.Errorf("readout: Layer.DeleteWeights: fraction %v outside [0, 1]", frac)
	}
	r := streamSeed(seed, 0x44454c45, 0) // "DELE"
	n := 0
	for q := range ro.w {
		if r.float() < frac {
			if ro.w[q] != 0 {
				n++
			}
			ro.w[q] = 0
		}
	}
	return n, nil
}

// eSpikes returns the E spikes of the step that just ended (time t) from the monitor.
func (ro *Layer) eSpikes(t float64) []int32 {
	sp := ro.mon.Spikes()
	lo := ro.cur
	hi := lo
	for hi < len(sp.Time) && sp.Time[hi] <= t+1e-9 {
		hi++
	}
	ro.cur = hi
	return sp.Neuron[lo:hi]
}

// hook runs the read-out layer for the step that the network has just completed.
func (ro *Layer) hook(t float64) { ro.hookAt(ro.net.Steps(), t) }

// hookAt is hook at network step s (time t).
func (ro *Layer) hookAt(s int64, t float64) {
	spk := ro.eSpikes(t)
	if ro.phase == roIdle {
		return
	}
	local := s - ro.phase0
	// Cycle detection and the supervisor schedule (docs/MODEL.md 7.3).
	if ro.det.Observe(spk) && s >= ro.blockEnd {
		g := 0
		if ro.alternate > 0 {
			g = int((local-1)/ro.alternate) % len(ro.groups)
		}
		if ro.phase == roReplay {
			g = -1
		}
		ro.starts = append(ro.starts, t)
		ro.startG = append(ro.startG, g)
		ro.blockEnd = s + ro.block
		if ro.phase == roTrain {
			ro.playGroup, ro.playStart = g, s
		}
	}
	if ro.phase == roTrain {
		ro.supervise(s, t)
	}
	if ro.deleteS >= 0 && s == ro.deleteS {
		n, _ := ro.DeleteWeights(ro.delFrac, ro.cfg.Seed+7)
		ro.deleted += n
	}
	// Integrate S, H, R with the previous-step inputs (section 2).
	if ro.sOn {
		ro.s.step(s, t)
	}
	if ro.hOn {
		ro.h.step(s, t)
	}
	ro.r.step(s, t)
	for _, j := range ro.r.spk {
		ro.rTimes[j] = append(ro.rTimes[j], t)
	}
	// Deliver this step's spikes into the next step's inputs.
	if ro.sOn {
		for _, j := range ro.s.spk {
			ro.r.inE[j] += ro.cfg.WSR
		}
	}
	if ro.hOn {
		for _, j := range ro.r.spk {
			ro.h.inE[j] += ro.cfg.WRH
		}
		for _, j := range ro.h.spk {
			ro.r.inI[j] += ro.cfg.WHR
		}
	}
	nE := ro.nE
	for j := 0; j < ro.nR; j++ {
		row := ro.w[j*nE : (j+1)*nE]
		var in float64
		for _, i := range spk {
			in += row[i]
		}
		ro.r.inE[j] += in
	}
	if ro.plastic {
		ro.learn(spk)
	}
}

// supervise sets the S and H Poisson rates for step s (docs/MODEL.md 7.3).
func (ro *Layer) supervise(s int64, t float64) {
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
			ro.s.setRate(ro.first[g]+e, rate, ro.cfg.SWeight, t)
		}
	}
}

// learn applies one step of the E→R rule (docs/MODEL.md 5.4): x̄ decays and jumps for this step's E
// spikes, LTD for each spike, LTP for each R neuron above θ_LTP.
func (ro *Layer) learn(spk []int32) {
	pl := &ro.cfg.Plasticity
	dt := ro.net.DT()
	xb := ro.xbar
	d := 1 - ro.dX
	for i, x := range xb {
		// Flush tiny traces to 0: it skips them in LTP and avoids subnormal arithmetic.
		if x < 1e-12 {
			xb[i] = 0
		} else {
			xb[i] = x * d
		}
	}
	for _, i := range spk {
		xb[i]++
	}
	nE := ro.nE
	ltd := pl.ALTD // per presynaptic spike (dt folded in)
	for j := 0; j < ro.nR; j++ {
		row := ro.w[j*nE : (j+1)*nE]
		if um := ro.r.um[j]; um > pl.ThetaLTD && len(spk) > 0 {
			dw := ltd * (um - pl.ThetaLTD)
			for _, i := range spk {
				if v := row[i] - dw; v > pl.WMin {
					row[i] = v
				} else {
					row[i] = pl.WMin
				}
			}
		}
		v, up := ro.r.v[j], ro.r.up[j]
		if v > pl.ThetaLTP && up > pl.ThetaLTD {
			c := dt * pl.ALTP * (v - pl.ThetaLTP) * (up - pl.ThetaLTD)
			wmax := pl.WMax
			if pl.SoftBound {
				inv := 1 / wmax
				for i, x := range xb {
					if x != 0 {
						// The soft factor keeps w below wmax whenever c·x < wmax; the cap is
						// for larger steps.
						v := row[i] + c*(1-row[i]*inv)*x
						if v > wmax {
							v = wmax
						}
						row[i] = v
					}
				}
			} else {
				for i, x := range xb {
					if x != 0 {
						v := row[i] + c*x
						if v > wmax {
							v = wmax
						}
						row[i] = v
					}
				}
			}
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

// end returns the layer to idle and switches its drives off.
func (ro *Layer) end() {
	ro.phase = roIdle
	t := ro.net.Time()
	for j := 0; j < ro.nR; j++ {
		ro.s.setRate(j, 0, 0, t)
		ro.h.setRate(j, 0, 0, t)
		ro.r.setInhRate(j, 0, 0, t)
	}
	ro.plastic = false
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
	ro.sOn, ro.hOn, ro.plastic = true, true, true
	t := ro.net.Time()
	for j := 0; j < ro.nR; j++ {
		ro.s.setRate(j, ro.cfg.Baseline, ro.cfg.SWeight, t)
		ro.h.setRate(j, ro.cfg.HRate, ro.cfg.HWeight, t)
		ro.r.setInhRate(j, 0, 0, t)
	}
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
	ro.sOn, ro.hOn, ro.plastic = false, opt.HFeedback, false
	// Start from rest: R, S and H keep no drive from a preceding training phase.
	ro.r.quiet()
	ro.s.quiet()
	ro.h.quiet()
	t0 := ro.net.Time()
	for g := range ro.groups {
		from, to := ro.Group(g)
		for j := from; j < to; j++ {
			ro.h.setRate(j, 0, 0, t0)
			if opt.Select >= 0 && g != opt.Select {
				ro.r.setInhRate(j, ro.cfg.InhRate, ro.cfg.InhWeight, t0)
			} else {
				ro.r.setInhRate(j, 0, 0, t0)
			}
		}
	}
	if opt.DeleteAt >= 0 && opt.DeleteFrac > 0 {
		ro.deleteS = ro.net.Steps() + int64(math.Round(opt.DeleteAt/ro.net.DT()))
		ro.delFrac = opt.DeleteFrac
		trained := append([]float64(nil), ro.w...)
		defer copy(ro.w, trained)
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
// the pattern, against the pattern, both min-max normalised. It fails if fewer than two cycle
// starts were detected or the window runs past the end of the replay.
func (res *ReplayResult) Error(ro *Layer, g int, lead float64) (float64, error) {
	if len(res.CycleStarts) < 2 {
		return math.NaN(), fmt.Errorf("readout: replay error: %d cycle starts detected, need 2", len(res.CycleStarts))
	}
	return res.ErrorAt(ro, g, res.CycleStarts[1]+lead)
}

// ErrorAt is Error with the window starting at time from (ms).
func (res *ReplayResult) ErrorAt(ro *Layer, g int, from float64) (float64, error) {
	rates, err := res.Window(ro, g, from)
	if err != nil {
		return math.NaN(), err
	}
	return Error(ro.groups[g].Rates, rates)
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
