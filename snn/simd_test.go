package snn

import (
	"bufio"
	"fmt"
	"math"
	"os"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"
)

// needVector skips a test of the vector path on a processor without it.
func needVector(t testing.TB) {
	t.Helper()
	if !haveVector {
		t.Skip("no vector path on this processor (amd64 with AVX2)")
	}
}

// withPath runs f with the vector path on (vector) or off, restoring the switch after.
func withPath(vector bool, f func()) {
	old := useVector
	useVector = vector
	defer func() { useVector = old }()
	f()
}

// TestVectorLayout: the offsets the kernels use (simd_amd64.h) are those of adexVec.
func TestVectorLayout(t *testing.T) {
	checkLayout(t, "simd_amd64.h", "a_", reflect.TypeFor[adexVec]())
}

// checkLayout checks that the "#define PREFIXfield offset" lines of the assembly header file
// give the offset of every field of the struct type ty (blank fields aside), and no others.
func checkLayout(t *testing.T, file, prefix string, ty reflect.Type) {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	def := map[string]uintptr{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fs := strings.Fields(sc.Text())
		if len(fs) == 3 && fs[0] == "#define" && strings.HasPrefix(fs[1], prefix) {
			n, err := strconv.Atoi(fs[2])
			if err != nil {
				t.Fatalf("%s: %v", sc.Text(), err)
			}
			def[strings.TrimPrefix(fs[1], prefix)] = uintptr(n)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	seen := 0
	for i := range ty.NumField() {
		fl := ty.Field(i)
		if fl.Name == "_" {
			continue
		}
		off, ok := def[fl.Name]
		switch {
		case !ok:
			t.Errorf("%s.%s has no offset in %s", ty.Name(), fl.Name, file)
		case off != fl.Offset:
			t.Errorf("%s.%s: offset %d in %s, %d in Go", ty.Name(), fl.Name, off, file, fl.Offset)
		}
		seen++
	}
	if seen != len(def) {
		t.Errorf("%s defines %d offsets, %s has %d fields", file, len(def), ty.Name(), seen)
	}
}

// pathRun is what one run records: every spike, the state of every neuron and the E→E weights.
type pathRun struct {
	spikes []Spikes
	state  [][]float64
	last   [][]int64
	w      []float64
}

// runPath runs a small AdEx E / LIF I network (sizes not multiples of 4) for steps steps
// with the given options on the vector path or the pure-Go path.
//
// With extra, three more populations driven by E and by Poisson input join: a LIF one with
// SharedRefractory (pure Go on both paths), an Izhikevich one (pure Go) and a second AdEx one
// of 9 neurons with ThresholdSet.
func runPath(t *testing.T, vector bool, threads, steps int, plastic, stim, increment, extra bool) pathRun {
	t.Helper()
	var r pathRun
	withPath(vector, func() {
		var extraMons []*SpikeMonitor
		s := ReducedSetup(7, 29) // 203 E, 50 I
		s.Config.Threads, s.Config.Seed = threads, 3
		if increment {
			s.Config.E.Threshold = ThresholdIncrement
		}
		var n *Network
		var err error
		if plastic {
			n, err = s.Build()
			n.SetPlastic(true)
		} else {
			n, err = New(s.Config)
		}
		if err != nil {
			t.Fatal(err)
		}
		if extra {
			shared := DefaultI()
			shared.SharedRefractory = true
			for _, x := range []struct {
				name string
				p    NeuronParams
				size int
			}{
				{"L", shared, 13},
				{"Z", IzhikevichParams(100, 0.7, -60, -40, 35, 0.03, -2, -50, 100), 11},
				{"A", DefaultE(), 9},
			} {
				id, err := n.AddPopulation(x.name, x.p, x.size, Drive{Rate: 3, Weight: 2})
				if err != nil {
					t.Fatal(err)
				}
				if _, err := n.ConnectAll(PopE, id, Exc, 0.5); err != nil {
					t.Fatal(err)
				}
				m, err := n.RecordSpikes(id, nil)
				if err != nil {
					t.Fatal(err)
				}
				extraMons = append(extraMons, m)
			}
		}
		if stim {
			if err := n.ScheduleStimuli(TrainingSchedule(s.Config.Clusters, float64(steps)*n.DT()), DefaultTrainingDrive()); err != nil {
				t.Fatal(err)
			}
		} else if err := n.SetRates(PopE, 0, 100, 7); err != nil { // more drive: more spikes
			t.Fatal(err)
		}
		mons := []*SpikeMonitor{}
		for _, id := range []PopID{PopE, PopI} {
			m, err := n.RecordSpikes(id, nil)
			if err != nil {
				t.Fatal(err)
			}
			mons = append(mons, m)
		}
		if err := n.Run(float64(steps) * n.DT()); err != nil {
			t.Fatal(err)
		}
		for _, m := range append(mons, extraMons...) {
			r.spikes = append(r.spikes, *m.Spikes())
		}
		for _, p := range n.pops {
			c := p.cells
			r.state = append(r.state, c.v, c.vt, c.w, c.xrE, c.xdE, c.xrI, c.xdI, c.inE, c.inI, c.next, p.um, p.up, p.xb, p.y)
			r.last = append(r.last, c.last)
		}
		w, err := n.Weights(ProjEtoE)
		if err != nil {
			t.Fatal(err)
		}
		r.w = w.RawMatrix().Data
	})
	return r
}

// sameBits says whether a and b hold the same float64 values bit for bit (any NaN equals any NaN).
func sameBits(a, b []float64) (int, bool) {
	if len(a) != len(b) {
		return -1, false
	}
	for i := range a {
		if math.Float64bits(a[i]) != math.Float64bits(b[i]) && !(math.IsNaN(a[i]) && math.IsNaN(b[i])) {
			return i, false
		}
	}
	return 0, true
}

// TestVectorBitIdentical: the vector path and the pure-Go path give bit-identical spikes,
// states and weights over 3000 steps (AdEx E, LIF I, with and without traces, plasticity and
// stimulus, for 1-3 threads, so that worker ranges have every remainder modulo 4).
func TestVectorBitIdentical(t *testing.T) {
	needVector(t)
	steps := 3000
	if testing.Short() {
		steps = 1000
	}
	for _, tc := range []struct {
		name                            string
		plastic, stim, increment, extra bool
	}{
		{"static", false, false, false, false},
		{"static increment", false, false, true, false},
		{"plastic", true, false, false, false},
		{"train", true, true, false, false},
		{"more models", true, false, false, true},
	} {
		for _, th := range []int{1, 2, 3} {
			t.Run(tc.name+"/"+strconv.Itoa(th), func(t *testing.T) {
				g := runPath(t, false, th, steps, tc.plastic, tc.stim, tc.increment, tc.extra)
				v := runPath(t, true, th, steps, tc.plastic, tc.stim, tc.increment, tc.extra)
				if g.spikes[0].Len() < 20 || g.spikes[1].Len() < 20 {
					t.Fatalf("too few spikes to compare: %d E, %d I", g.spikes[0].Len(), g.spikes[1].Len())
				}
				for k := range g.spikes {
					if !reflect.DeepEqual(g.spikes[k], v.spikes[k]) {
						t.Fatalf("population %d: spikes differ: %d in Go, %d vector", k, g.spikes[k].Len(), v.spikes[k].Len())
					}
					if k >= 2 && g.spikes[k].Len() == 0 {
						t.Errorf("extra population %d never spiked", k)
					}
				}
				for k := range g.state {
					if i, ok := sameBits(g.state[k], v.state[k]); !ok {
						t.Fatalf("state array %d differs at %d: Go %v, vector %v", k, i, g.state[k][i], v.state[k][i])
					}
				}
				if !reflect.DeepEqual(g.last, v.last) {
					t.Fatal("last spike steps differ")
				}
				if i, ok := sameBits(g.w, v.w); !ok {
					t.Fatalf("weight %d differs: Go %v, vector %v", i, g.w[i], v.w[i])
				}
			})
		}
	}
}

// kernelCase sets up two identical populations (AdEx E or LIF I parameters, traces on when
// traces) of n neurons whose state derives from the fuzz values: lane `lane` holds them as
// given, the others variations of them, and runs one step (step s) of the pure-Go path on
// the first and of the vector path on the second, failing on any difference.
func kernelCase(t *testing.T, lif, traces bool, n int, lane int, v, vt, w, ie, ii, xr, xd, u, y float64, ago int64) {
	cfg := emptyConfig()
	cfg.Traces = traces
	net := mustNet(t, cfg)
	q := DefaultE()
	if lif {
		q = DefaultI()
	}
	var pops [2]*population
	for k := range pops {
		pops[k] = net.pops[mustPop(t, net, "X"+strconv.Itoa(k), q, n, Drive{})]
	}
	const s = 1000
	for _, p := range pops {
		for i := range n {
			d := float64(i - lane)
			if i == lane {
				d = 0
			}
			p.v[i], p.vt[i], p.w[i] = v+0.37*d, vt-0.11*d, w*(1+0.1*d)
			p.inE[i], p.inI[i] = ie*(1+0.5*d), ii*(1-0.25*d)
			p.xrE[i], p.xdE[i], p.xrI[i], p.xdI[i] = xr, xd, xr*0.5, xd*(1+d)
			p.last[i] = s - ago - int64(i-lane)
			if traces {
				p.um[i], p.up[i], p.xb[i], p.y[i] = u, u+d, y*(1+d), y*math.Exp(-d)
			}
		}
	}
	k := net.kinetics(pops[0])
	var bufs [2][]int32
	var cnts [2]int32
	for path, p := range pops {
		bufs[path] = make([]int32, n)
		withPath(path == 1, func() {
			cnts[path] = k.model.step(&k, p, 0, n, s, float64(s)*net.DT(), bufs[path], 0)
		})
	}
	if cnts[0] != cnts[1] || !reflect.DeepEqual(bufs[0][:cnts[0]], bufs[1][:cnts[1]]) {
		t.Fatalf("spikes: Go %v, vector %v", bufs[0][:cnts[0]], bufs[1][:cnts[1]])
	}
	a, b := pops[0], pops[1]
	for name, x := range map[string][2][]float64{
		"v": {a.v, b.v}, "vt": {a.vt, b.vt}, "w": {a.w, b.w}, "xrE": {a.xrE, b.xrE}, "xdE": {a.xdE, b.xdE},
		"xrI": {a.xrI, b.xrI}, "xdI": {a.xdI, b.xdI}, "inE": {a.inE, b.inE}, "inI": {a.inI, b.inI},
		"um": {a.um, b.um}, "up": {a.up, b.up}, "xb": {a.xb, b.xb}, "y": {a.y, b.y},
	} {
		if i, ok := sameBits(x[0], x[1]); !ok {
			t.Fatalf("%s[%d]: Go %v, vector %v", name, i, x[0][i], x[1][i])
		}
	}
	if !reflect.DeepEqual(a.last, b.last) {
		t.Fatalf("last: Go %v, vector %v", a.last, b.last)
	}
}

// FuzzVectorKernel: one step of the vector path equals one step of the pure-Go path bit for
// bit, for AdEx and LIF, with and without traces, any number of neurons (whole blocks of
// four and a tail) and any state: near threshold, refractory, spiking, exponential arguments
// beyond the kernel's range (huge, negative, infinite, NaN).
func FuzzVectorKernel(f *testing.F) {
	needVector(f)
	type seed struct {
		lif, traces                    bool
		n, lane                        uint8
		v, vt, w, ie, ii, xr, xd, u, y float64
		ago                            int8
	}
	for _, sd := range []seed{
		{false, true, 8, 3, -65, -52, 10, 1, 2, 3, 4, -60, 0.5, 100},       // ordinary
		{false, false, 7, 6, 19.9, -52, 0, 50, 0, 300, 400, 0, 0, 100},     // spiking, tail lane
		{false, true, 5, 1, -59.9, -60, 0, 0, 0, 0, 0, 0, 1e-310, 3},       // refractory, subnormal trace
		{false, true, 4, 0, 2000, -52, 0, 0, 0, 0, 0, 0, 0, 100},           // x > 700
		{false, true, 12, 9, -2000, -52, 0, 0, 0, 0, 0, 0, 0, 100},         // x < −700
		{false, false, 9, 2, math.NaN(), -52, 0, 0, 0, 0, 0, 0, 0, 100},    // NaN
		{false, false, 6, 4, math.Inf(1), -52, 0, 0, 0, 0, 0, 0, 0, 100},   // +Inf
		{false, true, 11, 10, -49.5, -50, 80, 0, 1, 2, 3, -50, 1, 0},       // just refractory
		{true, true, 8, 5, -50.01, -52, 0, 10, 0, 20, 30, 0, 0.2, 100},     // LIF near threshold
		{true, false, 3, 1, -55, 0, 0, 0, 5, 1, 2, 0, 0, 1},                // LIF tail only
		{true, true, 13, 12, -49.99, 0, 0, 1000, 0, 0, 1e3, 0, 1e-320, 50}, // LIF spike in tail
	} {
		f.Add(sd.lif, sd.traces, sd.n, sd.lane, sd.v, sd.vt, sd.w, sd.ie, sd.ii, sd.xr, sd.xd, sd.u, sd.y, sd.ago)
	}
	f.Fuzz(func(t *testing.T, lif, traces bool, n, lane uint8, v, vt, w, ie, ii, xr, xd, u, y float64, ago int8) {
		nn := 1 + int(n)%24
		kernelCase(t, lif, traces, nn, int(lane)%nn, v, vt, w, ie, ii, xr, xd, u, y, int64(ago))
	})
}

// BenchmarkNeuronStep: the cost of the neuron update (§2 steps 4a-4e) per neuron and step, on
// the pure-Go path and the vector path, for the E (AdEx) and I (LIF) populations of the main
// network after it has settled, with and without traces: wall time and (on Unix) the process's
// CPU time per neuron and step, which includes the state restores (see below).
func BenchmarkNeuronStep(b *testing.B) {
	for _, traces := range []bool{false, true} {
		cfg := DefaultConfig()
		cfg.Threads, cfg.Traces = 1, traces
		n, err := New(cfg)
		if err != nil {
			b.Fatal(err)
		}
		if err := n.Run(200); err != nil { // settle
			b.Fatal(err)
		}
		for _, id := range []PopID{PopE, PopI} {
			p := n.pops[id]
			for _, vector := range []bool{false, true} {
				if vector && !haveVector {
					continue
				}
				name := fmt.Sprintf("%v/traces=%v/vector=%v", p.p.Model, traces, vector)
				b.Run(name, func(b *testing.B) {
					k := n.kinetics(p)
					buf := make([]int32, p.n)
					s := n.step
					// The state is put back every 256 steps (the neurons get no input
					// here, so their state would drift to rest and to subnormal numbers).
					save := makeCells(p.n)
					save.copyFrom(&p.cells)
					var cpu time.Duration
					withPath(vector, func() {
						b.ResetTimer()
						cpu0 := processCPU()
						defer func() { cpu = processCPU() - cpu0 }()
						for i := range b.N {
							if i%256 == 255 {
								b.StopTimer()
								p.cells.copyFrom(&save)
								b.StartTimer()
							}
							s++
							k.model.step(&k, p, 0, p.n, s, float64(s)*n.dt, buf, 0)
						}
					})
					p.cells.copyFrom(&save)
					b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(p.n), "ns/neuron")
					if cpu > 0 { // the process's CPU time, less disturbed by a busy machine
						b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N)/float64(p.n), "cpu-ns/neuron")
					}
				})
			}
		}
	}
}
