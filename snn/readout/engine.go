package readout

// The read-out layer's own integrator needs these copies of core internals (the same
// algorithms, so the same random numbers and the same results as the network's populations).

import (
	"errors"
	"fmt"
	"math"

	"github.com/gosnn/gosnn/snn"
)

// Trace time constants (ms), as in the core (docs/MODEL.md 5.1, 5.4).
const (
	tauUMinus = 10  // ū−, the LTD voltage trace
	tauUPlus  = 7   // ū+, the LTP voltage trace
	tauXBar   = 3.5 // x̄, the presynaptic trace of E neurons
	tauY      = 20  // y, the iSTDP trace of every neuron
)

const minNormal = 0x1p-1022

// flushSubnormal returns 0 for subnormal x (as the core does).
func flushSubnormal(x float64) float64 {
	if math.Abs(x) < minNormal {
		return 0
	}
	return x
}

func bad(x float64) bool { return math.IsNaN(x) || math.IsInf(x, 0) }

type kin struct {
	dRE, dDE, dRI, dDI float64 // 1 − dt/τ of the conductance auxiliaries
	nE, nI             float64 // 1/(τ_decay − τ_rise)
	eExc, eInh         float64 // reversal potentials
	dt, invTau, invC   float64
	el, vReset, vPeak  float64
	deltaT, invDeltaT  float64
	vtRest, aT, dtT    float64 // dtT = dt/τ_T
	a, b, dtW          float64 // dtW = dt/τ_w
	increment          bool    // ThresholdIncrement
	ref                int64   // refractory period in steps
	dUM, dUP, dX, dY   float64 // dt/τ of the traces
}

func kinetics(n *snn.Network, q snn.NeuronParams) kin {
	dt := n.DT()
	s := n.SynapseParams()
	return kin{
		dRE: 1 - dt/s.TauRiseE, dDE: 1 - dt/s.TauDecayE, dRI: 1 - dt/s.TauRiseI, dDI: 1 - dt/s.TauDecayI,
		nE: 1 / (s.TauDecayE - s.TauRiseE), nI: 1 / (s.TauDecayI - s.TauRiseI),
		eExc: s.EExc, eInh: s.EInh,
		dt: dt, invTau: 1 / q.TauM, invC: 1 / q.C,
		el: q.EL, vReset: q.VReset, vPeak: q.VPeak,
		deltaT: q.DeltaT, invDeltaT: 1 / q.DeltaT,
		vtRest: q.VTRest, aT: q.AT, dtT: dt / q.TauT,
		a: q.A, b: q.B, dtW: dt / q.TauW,
		increment: q.Threshold == snn.ThresholdIncrement,
		ref:       int64(math.Round(q.TauRef / dt)),
		dUM:       dt / tauUMinus, dUP: dt / tauUPlus, dX: dt / tauXBar, dY: dt / tauY,
	}
}

// rng is a SplitMix64 generator: one 64-bit word of state, so every neuron can own its own
// deterministic stream (seeded from the network seed and the neuron's global index), which
// makes results independent of the thread count.
type rng uint64

// streamSeed derives the initial state of stream (kind, index) from the network seed.
func streamSeed(seed uint64, kind uint64, index uint64) rng {
	s := rng(seed ^ 0x243f6a8885a308d3)
	s.next()
	s = rng(uint64(s) ^ mix64(kind*0x9e3779b97f4a7c15+index+1))
	s.next()
	return s
}

func mix64(z uint64) uint64 {
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// next returns 64 uniformly distributed random bits.
func (r *rng) next() uint64 {
	*r += 0x9e3779b97f4a7c15
	return mix64(uint64(*r))
}

// float returns a uniform number in [0, 1).
func (r *rng) float() float64 {
	return float64(r.next()>>11) * (1.0 / (1 << 53))
}

// exp returns an exponentially distributed number with mean 1, using the ziggurat method of
// Marsaglia and Tsang (2000) with 256 layers; the tables are built once in init.
func (r *rng) exp() float64 {
	for {
		u := r.next()
		j := uint32(u)
		i := uint8(u >> 32)
		x := float64(j) * zigWe[i]
		if j < zigKe[i] {
			return x
		}
		if i == 0 {
			return zigR - math.Log(1-r.float())
		}
		if zigFe[i]+r.float()*(zigFe[i-1]-zigFe[i]) < math.Exp(-x) {
			return x
		}
	}
}

const zigR = 7.69711747013104972 // start of the exponential tail for 256 layers

// Ziggurat tables: read-only after init.
var (
	zigKe [256]uint32
	zigWe [256]float64
	zigFe [256]float64
)

func init() {
	const m2 = 1 << 32
	const ve = 3.949659822581572e-3 // area of each layer
	de := zigR
	tde := de
	q := ve / math.Exp(-de)
	zigKe[0] = uint32((de / q) * m2)
	zigKe[1] = 0
	zigWe[0] = q / m2
	zigWe[255] = de / m2
	zigFe[0] = 1
	zigFe[255] = math.Exp(-de)
	for i := 254; i >= 1; i-- {
		de = -math.Log(ve/de + math.Exp(-de))
		zigKe[i+1] = uint32((de / tde) * m2)
		tde = de
		zigFe[i] = math.Exp(-de)
		zigWe[i] = de / m2
	}
}

// checkClusters reports clusters that are empty or not increasing (as the analysis package does).
func checkClusters(cl snn.Clusters) error {
	if cl.Count() < 1 {
		return errors.New("readout: no clusters (Clusters.Bounds needs at least 2 entries)")
	}
	if cl.Bounds[0] < 0 {
		return fmt.Errorf("readout: Clusters.Bounds[0] = %d, want >= 0", cl.Bounds[0])
	}
	for k := 0; k < cl.Count(); k++ {
		if cl.Bounds[k+1] <= cl.Bounds[k] {
			return fmt.Errorf("readout: Clusters.Bounds not increasing at %d (%d, %d)", k, cl.Bounds[k], cl.Bounds[k+1])
		}
	}
	return nil
}
