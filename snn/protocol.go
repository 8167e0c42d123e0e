package snn

import (
	"fmt"
	"math"
)

// PhaseKind says what a protocol phase does (docs/MODEL.md sections 7.1 and 7.2).
type PhaseKind int

const (
	// PhaseStimulate drives the clusters one after another in Phase.Order with the training
	// input of docs/MODEL.md 4.3 (stimulated cluster 22.5 kHz × +1.6, everyone else net −0.8).
	PhaseStimulate PhaseKind = iota
	// PhaseSpontaneous runs with the spontaneous input (E 4.5 kHz × 1.6, I 2.25 kHz × 1.52).
	PhaseSpontaneous
	// PhaseRecord is spontaneous activity with plasticity frozen whose E spikes are recorded
	// and analysed for replay (the 2-s and 3-s recordings of docs/MODEL.md 7.1).
	PhaseRecord
)

// String names the kind.
func (k PhaseKind) String() string {
	switch k {
	case PhaseStimulate:
		return "stimulate"
	case PhaseSpontaneous:
		return "spontaneous"
	case PhaseRecord:
		return "record"
	}
	return fmt.Sprintf("PhaseKind(%d)", int(k))
}

// Phase is one step of a Protocol. Build it with Stimulate, Spontaneous or Record and adjust
// the fields if needed. Normalisation (if attached) runs in every phase; vSTDP and iSTDP run
// while Plastic is set, from PlasticDelayMs after the phase start (the original's stdpdelay).
type Phase struct {
	Kind       PhaseKind
	DurationMs float64
	// Plastic switches vSTDP and iSTDP on for the phase (after PlasticDelayMs).
	Plastic        bool
	PlasticDelayMs float64
	// Stimulation (PhaseStimulate only). Order lists the clusters in the order they are
	// stimulated, cyclically (nil: 0, 1, …, K−1). Stimulus s = 1, 2, … targets
	// Order[s mod len(Order)] during (SlotMs·s + 1, SlotMs·s + 1 + OnMs) ms from the phase
	// start, with ExtraRate kHz on top of the 4.5 kHz baseline: with the defaults (9 ms on in
	// 15-ms slots, 18 kHz) and the natural order this is exactly TrainingSchedule (§7.1).
	Order     []int
	OnMs      float64 // 9
	SlotMs    float64 // 15
	ExtraRate float64 // 18 kHz
}

// Stimulate returns a training phase of durationMs with plasticity on from the start: the
// clusters are stimulated in the given order (nil for the natural order), 9 ms on in each
// 15-ms slot, as in docs/MODEL.md 7.1.
func Stimulate(order []int, durationMs float64) Phase {
	return Phase{Kind: PhaseStimulate, DurationMs: durationMs, Plastic: true, Order: order, OnMs: 9, SlotMs: 15, ExtraRate: 18}
}

// Spontaneous returns a phase of spontaneous activity; with plastic set, vSTDP and iSTDP act
// from 1 s after its start, as in the 120-s consolidation calls of docs/MODEL.md 7.1 step 4.
func Spontaneous(durationMs float64, plastic bool) Phase {
	ph := Phase{Kind: PhaseSpontaneous, DurationMs: durationMs, Plastic: plastic}
	if plastic {
		ph.PlasticDelayMs = math.Min(1000, durationMs)
	}
	return ph
}

// Record returns a recording phase: spontaneous activity, plasticity off, E spikes recorded
// and analysed (docs/MODEL.md 7.1 steps 3 and 4).
func Record(durationMs float64) Phase {
	return Phase{Kind: PhaseRecord, DurationMs: durationMs}
}

// Protocol is a sequence of phases run one after another by RunProtocol.
type Protocol []Phase

// DurationMs returns the total simulated time of p.
func (p Protocol) DurationMs() float64 {
	t := 0.0
	for _, ph := range p {
		t += ph.DurationMs
	}
	return t
}

// PaperProtocol returns the training pipeline of docs/MODEL.md 7.1 after network construction:
// 3 s of training, then 30 × (120 s training + 2 s recording), then 30 × (120 s plastic
// spontaneous activity + 3 s recording): 7353 s. (The original's 5-s warm-up before and 5-s
// raster after are left to the caller.)
func PaperProtocol() Protocol {
	p := Protocol{Stimulate(nil, 3000)}
	for i := 0; i < 30; i++ {
		p = append(p, Stimulate(nil, 120000), Record(2000))
	}
	for i := 0; i < 30; i++ {
		p = append(p, Spontaneous(120000, true), Record(3000))
	}
	return p
}

// ShortProtocol returns a shortened pipeline for quick experiments and demonstrations with
// the shape of PaperProtocol: 8 × (15 s training + 2 s recording), then 4 × (10 s plastic
// spontaneous activity + 3 s recording): 188 s. On the full 30 × 80 network with the paper's
// rules it only starts the learning (docs/MODEL.md A2 needs the paper's hour); with ReducedSetup
// it learns a chain that replays (TestLearnChain uses the same 120 s + 40 s).
func ShortProtocol() Protocol {
	var p Protocol
	for i := 0; i < 8; i++ {
		p = append(p, Stimulate(nil, 15000), Record(2000))
	}
	for i := 0; i < 4; i++ {
		p = append(p, Spontaneous(10000, true), Record(3000))
	}
	return p
}

// Validate checks the phases for a network with k clusters.
func (p Protocol) Validate(k int) error {
	for i, ph := range p {
		if bad(ph.DurationMs) || ph.DurationMs < 0 {
			return fmt.Errorf("snn: protocol phase %d: DurationMs = %v: must be finite and >= 0", i, ph.DurationMs)
		}
		if bad(ph.PlasticDelayMs) || ph.PlasticDelayMs < 0 {
			return fmt.Errorf("snn: protocol phase %d: PlasticDelayMs = %v: must be finite and >= 0", i, ph.PlasticDelayMs)
		}
		switch ph.Kind {
		case PhaseSpontaneous, PhaseRecord:
		case PhaseStimulate:
			if bad(ph.OnMs) || bad(ph.SlotMs) || ph.OnMs <= 0 || ph.SlotMs <= 0 || ph.OnMs+1 > ph.SlotMs {
				return fmt.Errorf("snn: protocol phase %d: OnMs = %v, SlotMs = %v: need 0 < OnMs and OnMs + 1 <= SlotMs", i, ph.OnMs, ph.SlotMs)
			}
			if bad(ph.ExtraRate) || ph.ExtraRate < 0 {
				return fmt.Errorf("snn: protocol phase %d: ExtraRate = %v kHz: must be finite and >= 0", i, ph.ExtraRate)
			}
			for _, c := range ph.Order {
				if c < 0 || c >= k {
					return fmt.Errorf("snn: protocol phase %d: Order names cluster %d, the network has %d", i, c, k)
				}
			}
		default:
			return fmt.Errorf("snn: protocol phase %d: unknown kind %d", i, int(ph.Kind))
		}
	}
	return nil
}

// SequenceSchedule returns the stimulus schedule of a PhaseStimulate phase for k clusters:
// stimulus s = 1, 2, … targets order[s mod len(order)] (nil order: 0 … k−1) during
// (slotMs·s + 1, slotMs·s + 1 + onMs) ms, with extraRate kHz, for stimuli starting before
// durationMs (a stimulus running past the end is cut there).
func SequenceSchedule(order []int, k int, onMs, slotMs, extraRate, durationMs float64) []Stimulus {
	if order == nil {
		order = make([]int, max(k, 0))
		for i := range order {
			order[i] = i
		}
	}
	if len(order) == 0 || bad(durationMs) || slotMs <= 0 || onMs <= 0 {
		return nil
	}
	var out []Stimulus
	for s := 1; slotMs*float64(s)+1 < durationMs; s++ {
		start := slotMs*float64(s) + 1
		out = append(out, Stimulus{Cluster: order[s%len(order)], StartMs: start, StopMs: math.Min(start+onMs, durationMs), ExtraRate: extraRate})
	}
	return out
}

// Setup bundles a network configuration with the plasticity rules of a training run
// (docs/MODEL.md sections 4-5), so that one call builds a network ready for RunProtocol.
type Setup struct {
	Config Config
	EE     VoltageSTDP    // E→E vSTDP (5.1)
	IE     InhibitorySTDP // I→E iSTDP (5.2)
	Norm   Normalization  // E→E normalisation (5.3)
	// Host, when set, is attached (SetHost) to every network Build returns. The interactive
	// session sets it in the setups that the snn functions called in a cell return, so that
	// a network built by compiled code reports progress and stops on an interrupt too.
	Host Host `json:"-" display:"-"`
}

// PaperSetup returns the published network (30 clusters of 80) and rules.
func PaperSetup() Setup {
	return Setup{Config: DefaultConfig(), EE: DefaultEEPlasticity(), IE: DefaultIEPlasticity(), Norm: DefaultNormalization()}
}

// ReducedSetup returns a small network that learns in minutes instead of hours, a documented
// preset for tests, demonstrations and notebooks (not the model's default):
//
//   - ReducedConfig(k, size): k clusters of size E neurons with the in-cluster in-degree of
//     the paper (p·size = 16) and weights scaled by the in-degree;
//   - the E→E LTP amplitude ×20 (A_LTP = 1.6e-2);
//   - the E→E upper bound (vSTDP and normalisation) scaled like the summed input weight that
//     normalisation preserves, WMax = 32.68·sqrt(p·NE/480), so that a saturated cluster takes
//     the same share of a neuron's input budget as in the paper and room is left for the
//     forward links (with the paper's bound the within-cluster weights would use up the
//     budget of a small network). Everything else is docs/MODEL.md.
//
// ReducedSetup(30, 20) (600 E, 150 I; every in-degree as in the paper, so the bounds are the
// paper's) learns in 120 s of training and 40 s of plastic spontaneous activity what the
// paper's network learns in two hours: within ≈ 30, forward ≈ 12-13, backward ≈ 3-3.6,
// other ≈ 1.48 (docs/MODEL.md A2: 29.2, 10.1, 3.5, 1.454), with spontaneous replay in the
// trained order (TestLearnChain). With A_LTP ×10 and 200 s of training one seed in three
// lost its forward structure during training; ×20 with the shorter training was stable
// over the seeds tried.
func ReducedSetup(k, size int) Setup {
	c := ReducedConfig(k, size)
	s := PaperSetup()
	s.Config = c
	s.EE.ALTP *= 20
	wmax := 32.68 * math.Sqrt(c.EtoE.P*float64(c.NE)/480)
	s.EE.WMax, s.Norm.WMax = wmax, wmax
	return s
}

// Build returns a new network with the setup's rules attached (plasticity off until a
// protocol phase or SetPlastic switches it on) and the setup's Host, if any.
func (s Setup) Build() (*Network, error) {
	n, err := New(s.Config)
	if err != nil {
		return nil, err
	}
	if err := n.SetVoltageSTDP(ProjEtoE, s.EE); err != nil {
		return nil, err
	}
	if err := n.SetInhibitorySTDP(ProjItoE, s.IE); err != nil {
		return nil, err
	}
	if err := n.SetNormalization(ProjEtoE, s.Norm); err != nil {
		return nil, err
	}
	n.SetHost(s.Host)
	return n, nil
}

// ReducedConfig returns a small version of the network with k clusters of size E neurons:
// NE = k·size, NI = NE/4, connection probability p = min(16/size, 1) on all four pathways
// (the authors' cluster-size variants keep p·size = 16, docs/MODEL.md 4.2), and every initial
// weight scaled by sqrt(paper in-degree / new in-degree) (the 1/sqrt rule of Config.Scaled
// applied to in-degrees). ReducedConfig(30, 80) is DefaultConfig.
func ReducedConfig(k, size int) Config {
	c := DefaultConfig()
	c.NE, c.NI, c.Clusters = k*size, k*size/4, k
	if size <= 0 || k <= 0 {
		return c // Validate reports it
	}
	p := math.Min(16/float64(size), 1)
	fe := math.Sqrt(0.2 * 2400 / (p * float64(c.NE)))
	fi := math.Sqrt(0.2 * 600 / (p * float64(max(c.NI, 1))))
	c.EtoE = Pathway{P: p, W: c.EtoE.W * fe}
	c.EtoI = Pathway{P: p, W: c.EtoI.W * fe}
	c.ItoE = Pathway{P: p, W: c.ItoE.W * fi}
	c.ItoI = Pathway{P: p, W: c.ItoI.W * fi}
	return c
}
