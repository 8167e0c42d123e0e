package snn

import (
	"math"
	"runtime"
	"slices"
	"testing"
	"time"
)

// TestNextCut runs the balancer's rule on workers of fixed speeds (busy time = share / speed)
// until it stops moving the cuts: the busy times end within a few per cent of each other, in
// a few decisions, and equal speeds never move a cut.
func TestNextCut(t *testing.T) {
	for _, tc := range []struct {
		name    string
		speed   []float64
		moves   int // at most this many decisions move the cuts
		spread  float64
		noMoves bool
	}{
		{"equal", []float64{1, 1}, 0, 0, true},
		{"equal, 4", []float64{2, 2, 2, 2}, 0, 0, true},
		{"second 20 % slower", []float64{1, 0.8}, 8, 0.05, false},
		{"first 15 % slower", []float64{0.85, 1}, 8, 0.05, false},
		{"performance and efficiency cores", []float64{1, 1, 0.5, 0.5}, 10, 0.05, false},
		{"one 5 times slower: floor", []float64{1, 0.2}, 10, 1, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			T := len(tc.speed)
			var cut []float64
			moves := 0
			busy := make([]float64, T)
			for range 50 {
				for k := range T {
					share := 1 / float64(T)
					if cut != nil {
						share = cut[k+1] - cut[k]
					}
					busy[k] = share / tc.speed[k]
				}
				next := nextCut(cut, busy)
				if next == nil {
					break
				}
				moves++
				if next[0] != 0 || next[T] != 1 || !slices.IsSorted(next) {
					t.Fatalf("cuts %v: want rising from 0 to 1", next)
				}
				for k := range T {
					if next[k+1]-next[k] < balanceMin/float64(T)*0.99 {
						t.Fatalf("cuts %v: worker %d below the floor share", next, k)
					}
				}
				cut = next
			}
			if tc.noMoves && moves > 0 {
				t.Fatalf("equal speeds moved the cuts %d times (%v)", moves, cut)
			}
			if moves > tc.moves {
				t.Errorf("%d decisions moved the cuts, want at most %d", moves, tc.moves)
			}
			lo, hi := slices.Min(busy), slices.Max(busy)
			if (hi-lo)/hi > tc.spread {
				t.Errorf("busy times %v after %d moves: spread %.3f, want at most %.3f", busy, moves, (hi-lo)/hi, tc.spread)
			}
		})
	}
	if nextCut(nil, []float64{1, 0}) != nil {
		t.Error("a worker not timed (busy 0) moved the cuts")
	}
}

// TestUnevenRangesBitIdentical runs the plastic, monitored train scenario with uneven cuts
// (2 and 3 workers) and compares spikes, a monitored V_T trace, weights and LTP counts with
// one thread; it also checks that the ranges follow the cuts.
func TestUnevenRangesBitIdentical(t *testing.T) {
	if runtime.GOMAXPROCS(0) < 3 {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(3))
	}
	run := func(threads int, cut []float64) ([]float64, []int32, []float64, []float64, int64) {
		n := scalingNet(t, "train", threads)
		if cut != nil {
			n.cuts = map[int][]float64{threads: cut}
		}
		sm, err := n.RecordSpikes(PopE, nil)
		if err != nil {
			t.Fatal(err)
		}
		st, err := n.RecordState(PopE, []int{0, 700, 2399}, []Var{VarVT}, 0.1)
		if err != nil {
			t.Fatal(err)
		}
		if err := n.Run(60); err != nil {
			t.Fatal(err)
		}
		if cut != nil {
			lo, hi := n.workers[1].lo[PopE], n.workers[1].hi[PopE]
			if want := int(math.Round(cut[1] * 2400)); lo != want || hi != int(math.Round(cut[2]*2400)) {
				t.Fatalf("cuts %v: worker 1 has E %d-%d", cut, lo, hi)
			}
			// Each worker delivers exactly into its own range.
			T := len(n.workers)
			for _, pr := range n.projs {
				for i := range n.pops[pr.pre].n {
					for k, wk := range n.workers {
						for _, j := range pr.outPost[pr.split[i*(T+1)+k]:pr.split[i*(T+1)+k+1]] {
							if int(j) < wk.lo[pr.post] || int(j) >= wk.hi[pr.post] {
								t.Fatalf("cuts %v: worker %d delivers to neuron %d outside %d-%d", cut, k, j, wk.lo[pr.post], wk.hi[pr.post])
							}
						}
					}
				}
			}
		}
		sp := sm.Spikes()
		return sp.Time, sp.Neuron, slices.Clone(st.Trace(1, 0)), n.WeightMatrix().RawMatrix().Data, n.LTPUpdates()
	}
	t0, n0, tr0, w0, l0 := run(1, nil)
	if len(t0) == 0 || l0 == 0 {
		t.Fatalf("%d spikes, %d LTP updates: the test shows nothing", len(t0), l0)
	}
	for _, cut := range [][]float64{{0, 0.3, 1}, {0, 0.5, 0.55, 1}} {
		ti, ni, tri, wi, li := run(len(cut)-1, cut)
		if !slices.Equal(t0, ti) || !slices.Equal(n0, ni) || !slices.Equal(tr0, tri) || !slices.Equal(w0, wi) || l0 != li {
			t.Errorf("cuts %v: spikes %d (1 thread %d), LTP %d (%d), trace or weights equal: %v %v",
				cut, len(ti), len(t0), li, l0, slices.Equal(tr0, tri), slices.Equal(w0, wi))
		}
	}
}

// TestBalanceRecuts feeds the balancer timed chunks in which worker 1 is 25 % slower: after
// balanceSamples of them the cuts move towards worker 0 and the next prepare rebuilds the
// ranges from them; they converge to the shares of the speeds, and equal busy times then
// leave them alone.
func TestBalanceRecuts(t *testing.T) {
	if runtime.GOMAXPROCS(0) < 2 {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(2))
	}
	n := scalingNet(t, "static", 2)
	n.prepare()
	feed := func(busy0, busy1 float64) {
		for range balanceSamples {
			n.bal.timeChunk(2)
			n.workers[0].busy = time.Duration(busy0 * 1e9)
			n.workers[1].busy = time.Duration(busy1 * 1e9)
			n.balance()
		}
	}
	feed(1, 1.25)
	cut := n.cuts[2]
	if !n.recut || cut == nil || !(cut[1] > 0.5 && cut[1] < 0.56) {
		t.Fatalf("worker 1 25 %% slower: cuts %v, recut %v, want the first cut moved up half way to 0.556", cut, n.recut)
	}
	n.prepare()
	if n.recut || n.workers[0].hi[PopE] != int(math.Round(cut[1]*2400)) || n.workers[1].lo[PopE] != n.workers[0].hi[PopE] {
		t.Fatalf("after prepare: recut %v, worker 0 E up to %d, worker 1 from %d (cut %v)", n.recut, n.workers[0].hi[PopE], n.workers[1].lo[PopE], cut)
	}
	// Worker 1 stays 25 % slower (busy = share / speed): the cuts converge near 1/1.8.
	for range 10 {
		c := n.cuts[2][1]
		feed(c, (1-c)/0.8)
		n.prepare()
	}
	if c := n.cuts[2][1]; math.Abs(c-1/1.8) > balanceStep {
		t.Fatalf("converged to cut %v, want within %v of %v", c, balanceStep, 1/1.8)
	}
	// Equal busy times: no move.
	before := slices.Clone(n.cuts[2])
	feed(1, 1)
	if n.recut || !slices.Equal(n.cuts[2], before) {
		t.Fatalf("equal busy times moved the cuts: %v → %v", before, n.cuts[2])
	}
}
