package snn

import "math"

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
// Marsaglia and Tsang (2000) with 256 layers; the tables are built once in init. The fast
// path (97.8 % of draws) takes one word: its low 32 bits j and its layer byte i give
// x = j·zigWe[i], accepted if j < zigKe[i]; the vector path of arrivals (arrivals_amd64.s)
// computes this for four neurons at a time and leaves the other words to expSlow.
func (r *rng) exp() float64 {
	u := r.next()
	j := uint32(u)
	i := uint8(u >> 32)
	x := float64(j) * zigWe[i]
	if j < zigKe[i] {
		return x
	}
	return r.expSlow(u)
}

// expSlow finishes exp after its word u left the fast path (u's low 32 bits j >= zigKe[i] for
// its layer byte i): the tail beyond zigR (layer 0), the wedge test, or a new draw.
func (r *rng) expSlow(u uint64) float64 {
	for {
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
		u = r.next()
	}
}

const zigR = 7.69711747013104972 // start of the exponential tail for 256 layers

// Ziggurat tables: read-only after init.
var (
	zigKe [256]uint32
	zigWe [256]float64
	zigFe [256]float64

	// zigPair[i] is {zigWe[i], float64(zigKe[i])}, the layer's entries for the fast path in
	// one 16-byte load (the vector path of arrivals).
	zigPair [256][2]float64
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
	for i := range zigPair {
		zigPair[i] = [2]float64{zigWe[i], float64(zigKe[i])}
	}
}
