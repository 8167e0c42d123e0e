package protocol

import (
	"fmt"
	"math"

	"github.com/gosnn/gosnn/snn"
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

// Protocol is a sequence of phases run one after another by Run.
type Protocol []Phase

// DurationMs returns the total simulated time of p.
func (p Protocol) DurationMs() float64 {
	t := 0.0
	for _, ph := range p {
		t += ph.DurationMs
	}
	return t
}

// Paper returns the training pipeline of docs/MODEL.md 7.1 after network construction:
// 3 s of training, then 30 × (120 s training + 2 s recording), then 30 × (120 s plastic
// spontaneous activity + 3 s recording): 7353 s. (The original's 5-s warm-up before and 5-s
// raster after are left to the caller.)
func Paper() Protocol {
	p := Protocol{Stimulate(nil, 3000)}
	for i := 0; i < 30; i++ {
		p = append(p, Stimulate(nil, 120000), Record(2000))
	}
	for i := 0; i < 30; i++ {
		p = append(p, Spontaneous(120000, true), Record(3000))
	}
	return p
}

// Short returns a shortened pipeline for quick experiments and demonstrations with
// the shape of Paper: 8 × (15 s training + 2 s recording), then 4 × (10 s plastic
// spontaneous activity + 3 s recording): 188 s. On the full 30 × 80 network with the paper's
// rules it only starts the learning (docs/MODEL.md A2 needs the paper's hour); with ReducedSetup
// it learns a chain that replays (TestLearnChain uses the same 120 s + 40 s).
func Short() Protocol {
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
			return fmt.Errorf("protocol: protocol phase %d: DurationMs = %v: must be finite and >= 0", i, ph.DurationMs)
		}
		if bad(ph.PlasticDelayMs) || ph.PlasticDelayMs < 0 {
			return fmt.Errorf("protocol: protocol phase %d: PlasticDelayMs = %v: must be finite and >= 0", i, ph.PlasticDelayMs)
		}
		switch ph.Kind {
		case PhaseSpontaneous, PhaseRecord:
		case PhaseStimulate:
			if bad(ph.OnMs) || bad(ph.SlotMs) || ph.OnMs <= 0 || ph.SlotMs <= 0 || ph.OnMs+1 > ph.SlotMs {
				return fmt.Errorf("protocol: protocol phase %d: OnMs = %v, SlotMs = %v: need 0 < OnMs and OnMs + 1 <= SlotMs", i, ph.OnMs, ph.SlotMs)
			}
			if bad(ph.ExtraRate) || ph.ExtraRate < 0 {
				return fmt.Errorf("protocol: protocol phase %d: ExtraRate = %v kHz: must be finite and >= 0", i, ph.ExtraRate)
			}
			for _, c := range ph.Order {
				if c < 0 || c >= k {
					return fmt.Errorf("protocol: protocol phase %d: Order names cluster %d, the network has %d", i, c, k)
				}
			}
		default:
			return fmt.Errorf("protocol: protocol phase %d: unknown kind %d", i, int(ph.Kind))
		}
	}
	return nil
}

// SequenceSchedule returns the stimulus schedule of a PhaseStimulate phase for k clusters:
// stimulus s = 1, 2, … targets order[s mod len(order)] (nil order: 0 … k−1) during
// (slotMs·s + 1, slotMs·s + 1 + onMs) ms, with extraRate kHz, for stimuli starting before
// durationMs (a stimulus running past the end is cut there).
func SequenceSchedule(order []int, k int, onMs, slotMs, extraRate, durationMs float64) []snn.Stimulus {
	if order == nil {
		order = make([]int, max(k, 0))
		for i := range order {
			order[i] = i
		}
	}
	if len(order) == 0 || bad(durationMs) || slotMs <= 0 || onMs <= 0 {
		return nil
	}
	var out []snn.Stimulus
	for s := 1; slotMs*float64(s)+1 < durationMs; s++ {
		start := slotMs*float64(s) + 1
		out = append(out, snn.Stimulus{Cluster: order[s%len(order)], StartMs: start, StopMs: math.Min(start+onMs, durationMs), ExtraRate: extraRate})
	}
	return out
}

func bad(x float64) bool { return math.IsNaN(x) || math.IsInf(x, 0) }

// checkOrder reports an order that names a cluster outside 0 … k−1 or one twice (as
// analysis.ChainFromBlocks does).
func checkOrder(order []int, k int) error {
	seen := make([]bool, k)
	for _, c := range order {
		if c < 0 || c >= k {
			return fmt.Errorf("protocol: order names cluster %d, there are %d", c, k)
		}
		if seen[c] {
			return fmt.Errorf("protocol: order names cluster %d twice", c)
		}
		seen[c] = true
	}
	return nil
}
