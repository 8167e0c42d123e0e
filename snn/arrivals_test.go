package snn

import (
	"fmt"
	"math"
	"reflect"
	"strconv"
	"testing"
	"time"
)

// TestArrivalsLayout: the offsets the arrivals kernel uses (arrivals_amd64.h) are those of
// arrVec.
func TestArrivalsLayout(t *testing.T) {
	checkLayout(t, "arrivals_amd64.h", "r_", reflect.TypeFor[arrVec]())
}

// arrivalsCase describes populations for the comparison of the two arrivals paths.
type arrivalsCase struct {
	n                int
	rates            []float64 // kHz, cycled over the neurons (0: no drive, next = +Inf)
	weights          []float64 // cycled over the neurons
	negToInh, drvInh bool
	seed             uint64
	change           bool // the rates move along the cycle every 97 steps (as SetRate does)
}

// arrivalsPops builds two identical populations for c (the same rates, weights, streams and
// first arrival times) and the kinetics to step them with.
func arrivalsPops(t testing.TB, c arrivalsCase) ([2]*population, kin) {
	net := mustNet(t, emptyConfig())
	var pops [2]*population
	for k := range pops {
		pops[k] = net.pops[mustPop(t, net, "X"+strconv.Itoa(k), DefaultE(), c.n, Drive{})]
	}
	for _, p := range pops {
		for i := range c.n {
			p.rate[i], p.extW[i] = c.rates[i%len(c.rates)], c.weights[i%len(c.weights)]
			p.rng[i] = streamSeed(c.seed, 7, uint64(i))
			p.next[i] = p.rng[i].exp() / p.rate[i] // +Inf at rate 0
			p.inE[i], p.inI[i] = float64(i), -float64(i)
		}
	}
	k := net.kinetics(pops[0])
	k.negToInh, k.drvInh = c.negToInh, c.drvInh
	return pops, k
}

// compareArrivals fails if the arrival state of a (pure Go) and b (vector) differ in a bit.
func compareArrivals(t *testing.T, step int, a, b *population) {
	t.Helper()
	for name, x := range map[string][2][]float64{
		"next": {a.next, b.next}, "inE": {a.inE, b.inE}, "inI": {a.inI, b.inI},
	} {
		if i, ok := sameBits(x[0], x[1]); !ok {
			t.Fatalf("step %d: %s[%d]: Go %v, vector %v", step, name, i, x[0][i], x[1][i])
		}
	}
	if !reflect.DeepEqual(a.rng, b.rng) {
		t.Fatalf("step %d: streams differ", step)
	}
}

// runArrivals steps both populations of c from step 1 to steps (dt 0.1 ms), the first on the
// pure-Go path and the second on the vector path, comparing them after every step; it
// returns the number of arrivals seen (the growth of the inputs over the weight).
func runArrivals(t *testing.T, c arrivalsCase, steps int) int {
	t.Helper()
	pops, k := arrivalsPops(t, c)
	hits := make([]int32, c.n)
	count := 0
	for s := 1; s <= steps; s++ {
		tm := float64(s) * 0.1
		if c.change && s%97 == 0 {
			for _, p := range pops {
				for i := range c.n {
					p.setRate(i, c.rates[(i+s/97)%len(c.rates)], tm)
				}
			}
		}
		before := append([]float64(nil), pops[0].next...)
		for path, p := range pops {
			withPath(path == 1, func() { arrivals(p, 0, c.n, tm, &k, hits) })
		}
		compareArrivals(t, s, pops[0], pops[1])
		for _, x := range before {
			if x <= tm {
				count++
			}
		}
	}
	return count
}

// TestArrivalsBitIdentical: the vector path and the pure-Go path of arrivals give
// bit-identical inputs, arrival times and streams over many steps, at every rate from none to
// 100 kHz (ten arrivals per step), mixed rates in one population, rates that change (also to
// and from 0), population sizes with every remainder modulo 4, negative weights with and
// without negToInh and the inhibitory drive channel.
func TestArrivalsBitIdentical(t *testing.T) {
	needVector(t)
	steps := 3000
	if testing.Short() {
		steps = 1000
	}
	for _, tc := range []struct {
		name string
		c    arrivalsCase
	}{
		{"rate 0", arrivalsCase{n: 8, rates: []float64{0}, weights: []float64{1}}},
		{"1 kHz", arrivalsCase{n: 13, rates: []float64{1}, weights: []float64{1.5}}},
		{"4.5 kHz", arrivalsCase{n: 203, rates: []float64{4.5}, weights: []float64{1.78}}},
		{"22.5 kHz", arrivalsCase{n: 81, rates: []float64{22.5}, weights: []float64{1.78}}},
		{"100 kHz", arrivalsCase{n: 6, rates: []float64{100}, weights: []float64{0.5}}},
		{"mixed", arrivalsCase{n: 47, rates: []float64{4.5, 0, 22.5, 1, 100, 2.25, 0.01}, weights: []float64{1.78, 2, 0.1}}},
		{"rate changes", arrivalsCase{n: 30, rates: []float64{4.5, 22.5, 0, 1, 100}, weights: []float64{1.78}, change: true}},
		{"tail only", arrivalsCase{n: 3, rates: []float64{22.5}, weights: []float64{1}}},
		{"negative weights", arrivalsCase{n: 22, rates: []float64{4.5, 22.5}, weights: []float64{1, -2, 3}}},
		{"negToInh", arrivalsCase{n: 22, rates: []float64{4.5, 22.5}, weights: []float64{1, -2, 3, math.Copysign(0, -1)}, negToInh: true}},
		{"negToInh positive", arrivalsCase{n: 16, rates: []float64{22.5}, weights: []float64{1}, negToInh: true}},
		{"drvInh", arrivalsCase{n: 21, rates: []float64{2.25, 22.5}, weights: []float64{1.27}, drvInh: true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.c.seed = 3
			got := runArrivals(t, tc.c, steps)
			if tc.c.rates[0] > 0 && got == 0 {
				t.Fatal("no arrival to compare")
			}
		})
	}
}

// FuzzArrivalsKernel: steps of the vector path of arrivals equal those of the pure-Go path
// bit for bit, for random rates (0 to 1000 kHz, also subnormal), weights (also negative,
// infinite, NaN), stream seeds, sizes and options.
func FuzzArrivalsKernel(f *testing.F) {
	needVector(f)
	for _, sd := range []struct {
		n                uint8
		r1, r2, w1, w2   float64
		seed             uint64
		negToInh, drvInh bool
		steps            uint8
	}{
		{8, 4.5, 22.5, 1.78, 1.78, 1, false, false, 50},
		{13, 100, 0, -1, 2, 2, true, false, 20},
		{5, 1e-300, math.Inf(1), 1, 1, 3, false, true, 5},
		{7, math.NaN(), -3, 0, math.Inf(-1), 4, true, true, 9},
		{24, 1000, 0.001, 1e300, -1e-310, 5, false, false, 3},
	} {
		f.Add(sd.n, sd.r1, sd.r2, sd.w1, sd.w2, sd.seed, sd.negToInh, sd.drvInh, sd.steps)
	}
	f.Fuzz(func(t *testing.T, n uint8, r1, r2, w1, w2 float64, seed uint64, negToInh, drvInh bool, steps uint8) {
		// Rates as the API allows them (finite, >= 0), at most 1000 kHz (100 arrivals a step).
		rate := func(r float64) float64 {
			if r = math.Abs(r); !(r <= 1000) {
				return 0
			}
			return r
		}
		c := arrivalsCase{n: 1 + int(n)%40, rates: []float64{rate(r1), rate(r2), rate(r1) * 0.5}, weights: []float64{w1, w2},
			negToInh: negToInh, drvInh: drvInh, seed: seed}
		runArrivals(t, c, 1+int(steps)%64)
	})
}

// BenchmarkArrivals: the cost of the external input (§2 step 4b, arrivals) per neuron and
// step, on the pure-Go and the vector path, for 2400 neurons at the E drive of the main
// network (4.5 kHz, 0.45 arrivals per step), at the stimulated drive (22.5 kHz, 2.25 per
// step) and at the I drive (2.25 kHz): wall time and (on Unix) the process's CPU time.
func BenchmarkArrivals(b *testing.B) {
	for _, rate := range []float64{4.5, 22.5, 2.25} {
		for _, vector := range []bool{false, true} {
			if vector && !haveVector {
				continue
			}
			b.Run(fmt.Sprintf("rate=%v/vector=%v", rate, vector), func(b *testing.B) {
				const n = 2400
				pops, k := arrivalsPops(b, arrivalsCase{n: n, rates: []float64{rate}, weights: []float64{1.78}, seed: 1})
				p := pops[0]
				hits := make([]int32, n)
				var cpu time.Duration
				withPath(vector, func() {
					b.ResetTimer()
					cpu0 := processCPU()
					for s := range b.N {
						arrivals(p, 0, n, float64(s+1)*0.1, &k, hits)
						if s%1024 == 1023 { // keep the inputs small, as the neuron loop does
							clear(p.inE)
						}
					}
					cpu = processCPU() - cpu0
				})
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/n, "ns/neuron")
				if cpu > 0 {
					b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N)/n, "cpu-ns/neuron")
				}
			})
		}
	}
}
