package snn

import (
	"bufio"
	"math"
	"os"
	"reflect"
	"strconv"
	"strings"
	"testing"
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
	f, err := os.Open("simd_amd64.h")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	def := map[string]uintptr{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fs := strings.Fields(sc.Text())
		if len(fs) == 3 && fs[0] == "#define" && strings.HasPrefix(fs[1], "a_") {
			n, err := strconv.Atoi(fs[2])
			if err != nil {
				t.Fatalf("%s: %v", sc.Text(), err)
			}
			def[strings.TrimPrefix(fs[1], "a_")] = uintptr(n)
		}
	}
	ty := reflect.TypeFor[adexVec]()
	seen := 0
	for i := range ty.NumField() {
		fl := ty.Field(i)
		if fl.Name == "_" {
			continue
		}
		off, ok := def[fl.Name]
		switch {
		case !ok:
			t.Errorf("adexVec.%s has no offset in simd_amd64.h", fl.Name)
		case off != fl.Offset:
			t.Errorf("adexVec.%s: offset %d in simd_amd64.h, %d in Go", fl.Name, off, fl.Offset)
		}
		seen++
	}
	if seen != len(def) {
		t.Errorf("simd_amd64.h defines %d offsets, adexVec has %d fields", len(def), seen)
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
func runPath(t *testing.T, vector bool, threads, steps int, plastic, stim, increment bool) pathRun {
	t.Helper()
	var r pathRun
	withPath(vector, func() {
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
		if stim {
			if err := n.ScheduleStimuli(TrainingSchedule(s.Config.Clusters, float64(steps)*n.DT()), DefaultTrainingDrive()); err != nil {
				t.Fatal(err)
			}
		} else if err := n.SetRates(PopE, 0, 100, 7); err != nil { // more drive: more spikes
			t.Fatal(err)
		}
		var mons []*SpikeMonitor
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
		for _, m := range mons {
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
		name                     string
		plastic, stim, increment bool
	}{
		{"static", false, false, false},
		{"static increment", false, false, true},
		{"plastic", true, false, false},
		{"train", true, true, false},
	} {
		for _, th := range []int{1, 2, 3} {
			t.Run(tc.name+"/"+strconv.Itoa(th), func(t *testing.T) {
				g := runPath(t, false, th, steps, tc.plastic, tc.stim, tc.increment)
				v := runPath(t, true, th, steps, tc.plastic, tc.stim, tc.increment)
				if g.spikes[0].Len() < 20 || g.spikes[1].Len() < 20 {
					t.Fatalf("too few spikes to compare: %d E, %d I", g.spikes[0].Len(), g.spikes[1].Len())
				}
				for k := range g.spikes {
					if !reflect.DeepEqual(g.spikes[k], v.spikes[k]) {
						t.Fatalf("population %d: spikes differ: %d in Go, %d vector", k, g.spikes[k].Len(), v.spikes[k].Len())
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
