package snn

// The vector path of the external Poisson input (§2 step 4b, arrivals in step.go). On amd64
// with AVX2 assembly kernels (arrivals_amd64.s) take the neurons in blocks of four: a scan
// lists the blocks with an arrival due (next arrival time <= t), then passes over that list
// add one arrival to every due lane of a block (its drive weight joins its pending input, its
// own SplitMix64 stream advances, and the next interval is drawn with the fast path of the
// ziggurat, rng.exp, the layer's entries read from zigPair, and divided by the lane's rate)
// and keep the blocks with a lane still due, until none is. A draw that leaves the fast path
// (2.2 % of draws: the wedges and the tail need more random numbers) is finished in Go from
// the word the kernel drew (rng.expSlow); a block with a due lane of negative weight under
// negToInh, and the neurons after the last whole block of four, are done by the pure-Go code
// (arrivalsGo). Every neuron gets the same operations in the same order on both paths, so
// they give bit-identical inputs, arrival times and streams (TestArrivalsBitIdentical,
// FuzzArrivalsKernel).

// arrVec is the argument block of the arrivals kernel: the population's arrays (element 0),
// the ziggurat's tables and the constants, each repeated in four lanes. The kernel reads it by
// offset: keep the order in step with the offsets in arrivals_amd64.h (TestArrivalsLayout).
type arrVec struct {
	next, in, extW, rate *float64
	rng                  *rng
	zig                  *[2]float64 // zigPair
	negToInh             int64       // 1: a block with a due lane of negative weight goes to Go
	t                    [4]float64
	gamma, m1, m1hi      [4]uint64 // SplitMix64's increment, mix64's first multiplier and its high half
	m2, m2hi             [4]uint64 // mix64's second multiplier and its high half
	lo32, low9, magic    [4]uint64 // 2³²−1, 0x1fe, the bits of 2⁵²
}

// bcastU returns x in four lanes.
func bcastU(x uint64) [4]uint64 { return [4]uint64{x, x, x, x} }

// set fills a for the neurons of p at time t, adding to the excitatory input, or to the
// inhibitory one if the drive arrives through that channel.
func (a *arrVec) set(p *population, t float64, k *kin) {
	a.next, a.in, a.extW, a.rate, a.rng = &p.next[0], &p.inE[0], &p.extW[0], &p.rate[0], &p.rng[0]
	a.negToInh = 0
	switch {
	case k.drvInh:
		a.in = &p.inI[0]
	case k.negToInh:
		a.negToInh = 1
	}
	a.zig = &zigPair[0]
	a.t = bcast(t)
	const m1, m2 = 0xbf58476d1ce4e5b9, 0x94d049bb133111eb
	a.gamma = bcastU(0x9e3779b97f4a7c15)
	a.m1, a.m1hi, a.m2, a.m2hi = bcastU(m1), bcastU(m1>>32), bcastU(m2), bcastU(m2>>32)
	a.lo32, a.low9, a.magic = bcastU(1<<32-1), bcastU(0x1fe), bcastU(0x4330000000000000)
}

// arrivalsVector runs arrivals for the neurons lo … hi−1 of p on the vector path: the blocks
// of four with an arrival due are listed (in hits), then the kernel passes over the list,
// each pass adding one arrival to every due lane and keeping the blocks with a lane still due,
// until none is left. Go finishes the draws that left the ziggurat's fast path and the blocks
// with negative weights under negToInh, and takes the neurons after the last whole block.
func arrivalsVector(p *population, lo, hi int, t float64, k *kin, hits []int32) {
	end := lo + (hi-lo)&^3
	if end > lo {
		var a arrVec
		a.set(p, t, k)
		list := hits[:(end-lo)/4]
		n := arrivalsScan(&a, &list[0], lo, end)
		for n > 0 {
			pos, out := 0, 0
			for pos < n {
				var m int
				pos, out, m = arrivalsKernel(&a, &list[0], pos, n, out)
				if pos == n {
					break
				}
				j := int(list[pos])
				if m&16 != 0 { // a negative weight under negToInh: this block in Go
					var h [4]int32
					arrivalsGo(p, j, j+4, t, k, h[:])
				} else {
					for b := range 4 {
						if m&(1<<b) != 0 {
							i := j + b
							r := &p.rng[i]
							p.next[i] += r.expSlow(mix64(uint64(*r))) / p.rate[i]
						}
					}
					list[out] = int32(j)
					out++
				}
				pos++
			}
			n = out
		}
	}
	if end < hi {
		arrivalsGo(p, end, hi, t, k, hits)
	}
}
