package snn

import (
	"runtime"
	"slices"
	"testing"
)

// TestAutoThreadsController feeds the load adaptation (threads.go) step times from fixed
// costs per worker count and checks where it settles and how often it probes.
func TestAutoThreadsController(t *testing.T) {
	for _, tc := range []struct {
		name    string
		max     int
		cost    map[int]float64 // wall s per step at each count
		want    int             // the count it keeps
		probing float64         // at most this fraction of the chunks in probes
	}{
		{"quiet 2 cores: 2 threads stay", 2, map[int]float64{1: 38e-6, 2: 23e-6}, 2, 0.005},
		{"other core busy: 1 thread", 2, map[int]float64{1: 38e-6, 2: 110e-6}, 1, 0.005},
		{"close call: keep the default", 2, map[int]float64{1: 38e-6, 2: 36e-6}, 2, 0.005},
		{"8 cores, 4 best", 8, map[int]float64{1: 40e-6, 2: 22e-6, 4: 12e-6, 8: 30e-6}, 4, 0.01},
		{"8 cores, 8 best", 8, map[int]float64{1: 40e-6, 2: 22e-6, 4: 12e-6, 8: 7e-6}, 8, 0.005},
		{"8 cores, 1 best", 8, map[int]float64{1: 40e-6, 2: 50e-6, 4: 80e-6, 8: 200e-6}, 1, 0.01},
		{"one core", 1, map[int]float64{1: 40e-6}, 1, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var a autoThreads
			a.reset(tc.max)
			probes, prev := 0, a.cur
			const chunks = 20000
			for range chunks {
				c, ok := tc.cost[a.cur]
				if !ok {
					t.Fatalf("count %d is not a power of two below %d", a.cur, tc.max)
				}
				a.observe(chunkSteps, c*chunkSteps)
				if a.cur != prev && a.cur != a.home {
					probes++
				}
				prev = a.cur
			}
			if a.home != tc.want {
				t.Errorf("settled at %d threads, want %d", a.home, tc.want)
			}
			if f := float64(probes*autoProbeChunks) / chunks; f > tc.probing {
				t.Errorf("%d probes in %d chunks: %.2f %% of the chunks, want at most %.2f %% (the interval doubles)",
					probes, chunks, 100*f, 100*tc.probing)
			}
		})
	}
}

// TestAutoThreadsFollowsLoad: when the cost changes during a run (another job takes a core,
// then leaves), the adaptation follows within a few probe intervals; chunks shorter than
// autoMinSteps are ignored.
func TestAutoThreadsFollowsLoad(t *testing.T) {
	var a autoThreads
	a.reset(2)
	quiet := map[int]float64{1: 38e-6, 2: 23e-6}
	busy := map[int]float64{1: 38e-6, 2: 110e-6}
	run := func(cost map[int]float64, chunks int) {
		for range chunks {
			a.observe(chunkSteps, cost[a.cur]*chunkSteps)
		}
	}
	run(quiet, 5000)
	if a.home != 2 {
		t.Fatalf("quiet: home %d, want 2", a.home)
	}
	run(busy, 2*autoMaxInterval+4*autoHistory)
	if a.home != 1 {
		t.Fatalf("busy: home %d after two probe intervals, want 1", a.home)
	}
	run(quiet, 2*autoMaxInterval+4*autoHistory)
	if a.home != 2 {
		t.Fatalf("quiet again: home %d, want 2", a.home)
	}
	before := a
	for range 10 * autoMaxInterval {
		a.observe(autoMinSteps-1, 1) // short chunks: ignored
	}
	if a.home != before.home || a.cur != before.cur || a.since != before.since {
		t.Fatalf("short chunks changed the state: %+v, then %+v", before, a)
	}
}

// TestAutoThreadsBitIdentical switches the worker count of a plastic, monitored network
// between chunks as the load adaptation does (1, 2 and back, with the prepared worker sets
// reused) and compares spikes, monitored state, weights and LTP counts with a run on one
// thread.
func TestAutoThreadsBitIdentical(t *testing.T) {
	if runtime.GOMAXPROCS(0) < 2 {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(2))
	}
	type out struct {
		spikes *Spikes
		trace  []float64
		w      []float64
		ltp    int64
	}
	run := func(threads int, switching bool) out {
		n := scalingNet(t, "train", threads)
		sm, err := n.RecordSpikes(PopE, nil)
		if err != nil {
			t.Fatal(err)
		}
		st, err := n.RecordState(PopE, []int{0, 1201, 2399}, []Var{VarV, VarVT}, 0.1)
		if err != nil {
			t.Fatal(err)
		}
		used := map[int]bool{}
		for k := range 12 {
			if switching {
				n.auto.cur = []int{2, 1, 1, 2}[k%4]
			}
			if err := n.Run(5); err != nil {
				t.Fatal(err)
			}
			used[len(n.workers)] = true
		}
		if switching && (!used[1] || !used[2] || len(n.sets) != 2) {
			t.Fatalf("switching run used %v worker counts, %d prepared sets", used, len(n.sets))
		}
		return out{sm.Spikes(), slices.Clone(st.Trace(0, 1)), n.WeightMatrix().RawMatrix().Data, n.LTPUpdates()}
	}
	ref, got := run(1, false), run(0, true)
	if !slices.Equal(ref.spikes.Time, got.spikes.Time) || !slices.Equal(ref.spikes.Neuron, got.spikes.Neuron) {
		t.Fatalf("spikes differ: %d at 1 thread, %d switching", ref.spikes.Len(), got.spikes.Len())
	}
	if ref.spikes.Len() == 0 || ref.ltp == 0 {
		t.Fatalf("%d spikes, %d LTP updates: the test shows nothing", ref.spikes.Len(), ref.ltp)
	}
	if !slices.Equal(ref.trace, got.trace) {
		t.Fatal("monitored V_T differs")
	}
	if !slices.Equal(ref.w, got.w) {
		t.Fatal("weights differ")
	}
	if ref.ltp != got.ltp {
		t.Fatalf("LTP updates %d at 1 thread, %d switching", ref.ltp, got.ltp)
	}
}
