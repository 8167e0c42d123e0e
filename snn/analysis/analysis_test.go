package analysis

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"strings"
	"testing"

	"github.com/gosnn/gosnn/snn"
)

// tBurst appends a burst of cluster k (neurons cl.Bounds[k]…) centred on centre ms: neuron
// number m of the cluster spikes once at centre + offset(m), with offsets spread symmetrically
// over −2…+2 ms in whole milliseconds, so identical bursts shifted by whole milliseconds give
// identical binned traces.
func tBurst(sp *snn.Spikes, cl snn.Clusters, k int, centre float64) {
	for m := 0; m < cl.Size(k); m++ {
		off := float64(m%5 - 2)
		sp.Time = append(sp.Time, centre+off)
		sp.Neuron = append(sp.Neuron, int32(cl.Bounds[k]+m))
	}
}

// tSortSpikes sorts a spike record by time, as monitors produce it.
func tSortSpikes(sp *snn.Spikes) {
	idx := make([]int, sp.Len())
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return sp.Time[idx[a]] < sp.Time[idx[b]] })
	t := make([]float64, len(idx))
	n := make([]int32, len(idx))
	for i, j := range idx {
		t[i], n[i] = sp.Time[j], sp.Neuron[j]
	}
	sp.Time, sp.Neuron = t, n
}

// tReplay builds a replay of cycles cycles in which the clusters fire in the order given by
// orderOf(cycle) (nil: natural order), one every stepMs, starting at startMs, with
// background spikes of the I neurons (which must not count).
func tReplay(cl snn.Clusters, cycles int, stepMs, startMs float64, orderOf func(cycle int) []int) *snn.Spikes {
	sp := &snn.Spikes{}
	K := cl.Count()
	for c := 0; c < cycles; c++ {
		var order []int
		if orderOf != nil {
			order = orderOf(c)
		}
		for i := 0; i < K; i++ {
			k := i
			if order != nil {
				k = order[i]
			}
			tBurst(sp, cl, k, startMs+float64(c*K+i)*stepMs)
		}
	}
	nE := cl.Bounds[K]
	end := startMs + float64(cycles*K)*stepMs
	for t := 0.25; t < end; t += 3 {
		sp.Time = append(sp.Time, t)
		sp.Neuron = append(sp.Neuron, int32(nE+int(t)%50))
	}
	tSortSpikes(sp)
	return sp
}

func TestAnalyzeReplayPerfect(t *testing.T) {
	cases := []struct {
		clusters, size int
		stepMs         float64
	}{
		{15, 160, 23},  // the nc160 network's step (docs/MODEL.md A7)
		{30, 80, 15},   // the training cycle of the main network (A1)
		{4, 10, 60},    // few clusters, long steps
		{8, 20, 45.25}, // a step that is not a whole number of bins
	}
	for _, c := range cases {
		t.Run(fmt.Sprintf("%dx%d_step%g", c.clusters, c.size, c.stepMs), func(t *testing.T) {
			cl := snn.UniformClusters(c.clusters, c.size)
			cycles := 6
			start := 100.5
			sp := tReplay(cl, cycles, c.stepMs, start, nil)
			t1 := start + float64(cycles*c.clusters)*c.stepMs + 100
			st, err := AnalyzeReplay(sp, cl, 0, t1, DefaultReplayOptions())
			if err != nil {
				t.Fatal(err)
			}
			n := cycles * c.clusters
			if len(st.Activations) != n {
				t.Fatalf("%d activations, want %d", len(st.Activations), n)
			}
			period := float64(c.clusters) * c.stepMs
			// A period of whole bins shifts every burst of a cluster by whole bins, so the
			// detected period is exact.
			if math.Abs(st.PeriodMs-period) > 1 || (period == math.Trunc(period) && st.PeriodMs != period) {
				t.Errorf("period %v ms, want %v", st.PeriodMs, period)
			}
			if st.Transitions != n-1 || st.InOrder != n-1 || st.InOrderFraction != 1 {
				t.Errorf("transitions %d, in order %d (%v), want %d all in order", st.Transitions, st.InOrder, st.InOrderFraction, n-1)
			}
			if math.Abs(st.StepMs-c.stepMs) > 1 {
				t.Errorf("step %v ms, want %v", st.StepMs, c.stepMs)
			}
			for k, s := range st.ClusterStepMs {
				if math.Abs(s-c.stepMs) > 1 {
					t.Errorf("cluster %d step %v ms, want %v", k, s, c.stepMs)
				}
			}
			for i, a := range st.Activations {
				want := start + float64(i)*c.stepMs
				if a.Cluster != i%c.clusters || math.Abs(a.TimeMs-want) > 0.5 {
					t.Errorf("activation %d = cluster %d at %v, want cluster %d at %v", i, a.Cluster, a.TimeMs, i%c.clusters, want)
					break
				}
				if !(a.PeakHz > 20) || !(a.StartMs < a.TimeMs && a.TimeMs < a.EndMs) {
					t.Errorf("activation %d: peak %v Hz, span [%v, %v] around %v", i, a.PeakHz, a.StartMs, a.EndMs, a.TimeMs)
					break
				}
			}
			if !(st.ActiveFraction > 0 && st.ActiveFraction < 1) {
				t.Errorf("active fraction %v, want in (0, 1)", st.ActiveFraction)
			}
		})
	}
}

// TestAnalyzeReplayShuffled checks that a replay whose clusters fire in a random order each
// cycle is not scored as sequential, and that a fixed permuted order is recognised when it
// is the expected one.
func TestAnalyzeReplayShuffled(t *testing.T) {
	cl := snn.UniformClusters(10, 20)
	rng := rand.New(rand.NewPCG(1, 2))
	sp := tReplay(cl, 8, 50, 100.5, func(int) []int { return rng.Perm(10) })
	st, err := AnalyzeReplay(sp, cl, 0, 100.5+80*50+100, DefaultReplayOptions())
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Activations) != 80 {
		t.Fatalf("%d activations, want 80", len(st.Activations))
	}
	if st.InOrderFraction > 0.5 {
		t.Errorf("shuffled replay scored %v in order", st.InOrderFraction)
	}

	perm := []int{3, 7, 1, 0, 9, 2, 5, 8, 6, 4}
	sp = tReplay(cl, 5, 50, 100.5, func(int) []int { return perm })
	opt := DefaultReplayOptions()
	st, err = AnalyzeReplay(sp, cl, 0, 100.5+50*50+100, opt)
	if err != nil {
		t.Fatal(err)
	}
	if st.InOrderFraction > 0.2 {
		t.Errorf("permuted replay scored %v against the natural order", st.InOrderFraction)
	}
	opt.Order = perm
	st, err = AnalyzeReplay(sp, cl, 0, 100.5+50*50+100, opt)
	if err != nil {
		t.Fatal(err)
	}
	if st.InOrderFraction != 1 || st.PeriodMs != 500 {
		t.Errorf("permuted replay against its own order: fraction %v, period %v; want 1, 500", st.InOrderFraction, st.PeriodMs)
	}
	f, n, err := OrderFraction(st.Activations, perm)
	if err != nil || f != 1 || n != 49 {
		t.Errorf("OrderFraction = %v, %d, %v; want 1, 49", f, n, err)
	}
}

func TestDetectActivationsMergeThresholdEdges(t *testing.T) {
	cl := snn.UniformClusters(2, 50)
	sp := &snn.Spikes{}
	tBurst(sp, cl, 0, 200.5)
	tBurst(sp, cl, 0, 225.5) // 25 ms later: merged with the first
	tBurst(sp, cl, 0, 400.5)
	tBurst(sp, cl, 0, 460.5) // 60 ms later: separate
	tBurst(sp, cl, 1, 2.5)   // cut by the window start: dropped
	tBurst(sp, cl, 1, 998.5) // cut by the window end: dropped
	// A weak event: 5 of 50 neurons of cluster 1 spike around 600 ms, peak rate below 20 Hz.
	for m := 0; m < 5; m++ {
		sp.Time = append(sp.Time, 600.5+float64(m-2)*3)
		sp.Neuron = append(sp.Neuron, int32(50+m))
	}
	acts, err := DetectActivations(sp, cl, 0, 1000, DefaultActivationOptions())
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, a := range acts {
		got = append(got, fmt.Sprintf("%d@%g", a.Cluster, a.TimeMs))
	}
	// The merged pair has two equal peaks; the first is kept.
	want := []string{"0@200.5", "0@400.5", "0@460.5"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("activations %v, want %v", got, want)
	}
	// With merging off the pair splits.
	opt := DefaultActivationOptions()
	opt.MergeMs = 0
	acts, err = DetectActivations(sp, cl, 0, 1000, opt)
	if err != nil {
		t.Fatal(err)
	}
	if len(acts) != 4 {
		t.Errorf("without merging: %d activations, want 4", len(acts))
	}
	// A lower threshold finds the weak event.
	opt = DefaultActivationOptions()
	opt.ThresholdHz = 2
	acts, _ = DetectActivations(sp, cl, 0, 1000, opt)
	found := false
	for _, a := range acts {
		if a.Cluster == 1 && math.Abs(a.TimeMs-600.5) < 1 {
			found = true
		}
	}
	if !found {
		t.Errorf("weak event not found at a 2 Hz threshold: %+v", acts)
	}
}

func TestClusterRateTracesMass(t *testing.T) {
	// Smoothing preserves spike counts: the integral of the rate trace equals the number of
	// spikes per neuron when the spikes lie well inside the window.
	cl := snn.UniformClusters(3, 10)
	sp := &snn.Spikes{}
	tBurst(sp, cl, 1, 50.5)
	tBurst(sp, cl, 1, 70.5)
	tr, err := ClusterRateTraces(sp, cl, 0, 120, DefaultActivationOptions())
	if err != nil {
		t.Fatal(err)
	}
	if len(tr) != 3 || len(tr[1]) != 120 {
		t.Fatalf("traces %d×%d, want 3×120", len(tr), len(tr[1]))
	}
	sum := 0.0
	for _, r := range tr[1] {
		sum += r / 1000 // Hz × 1 ms
	}
	if math.Abs(sum-2) > 1e-9 {
		t.Errorf("integral of cluster 1's rate = %v spikes per neuron, want 2", sum)
	}
	for _, k := range []int{0, 2} {
		for _, r := range tr[k] {
			if r != 0 {
				t.Fatalf("silent cluster %d has rate %v", k, r)
			}
		}
	}
	// Spikes just outside the window contribute near its edge.
	sp = &snn.Spikes{Time: []float64{-1}, Neuron: []int32{0}}
	tr, _ = ClusterRateTraces(sp, cl, 0, 10, DefaultActivationOptions())
	if !(tr[0][0] > 0) {
		t.Error("a spike 1 ms before the window does not reach its first bin")
	}
}

func TestRates(t *testing.T) {
	// 4 neurons; neuron 0 spikes at 10, 20, 30 ms; neuron 3 at 5 ms and at 150 ms (outside).
	sp := &snn.Spikes{Time: []float64{5, 10, 20, 30, 150}, Neuron: []int32{3, 0, 0, 0, 3}}
	r, err := PopulationRate(sp, 0, 4, 0, 100)
	if err != nil || r != 10 { // 4 spikes / 4 neurons / 0.1 s
		t.Errorf("PopulationRate = %v, %v; want 10", r, err)
	}
	r, _ = PopulationRate(sp, 0, 1, 0, 100)
	if r != 30 {
		t.Errorf("neuron 0 rate = %v, want 30", r)
	}
	rates, err := ClusterRates(sp, snn.Clusters{Bounds: []int{0, 2, 4}}, 0, 100)
	if err != nil || rates[0] != 15 || rates[1] != 5 {
		t.Errorf("ClusterRates = %v, %v; want [15 5]", rates, err)
	}
	b, err := BinnedRate(sp, 0, 4, 0, 40, 10)
	want := []float64{25, 25, 25, 25} // one spike per 10-ms bin over 4 neurons
	if err != nil || fmt.Sprint(b) != fmt.Sprint(want) {
		t.Errorf("BinnedRate = %v, %v; want %v", b, err, want)
	}
}

func TestAnalysisErrors(t *testing.T) {
	cl := snn.UniformClusters(2, 5)
	good := &snn.Spikes{Time: []float64{1}, Neuron: []int32{0}}
	opt := DefaultActivationOptions()
	cases := []struct {
		name string
		err  error
		want string
	}{
		{"nil spikes", func() error { _, err := DetectActivations(nil, cl, 0, 1, opt); return err }(), "nil *Spikes"},
		{"mismatch", func() error {
			_, err := ClusterRates(&snn.Spikes{Time: []float64{1, 2}, Neuron: []int32{0}}, cl, 0, 1)
			return err
		}(), "2 times but 1 neurons"},
		{"window", func() error { _, err := PopulationRate(good, 0, 1, 5, 5); return err }(), "time window [5, 5)"},
		{"nan window", func() error { _, err := BinnedRate(good, 0, 1, math.NaN(), 5, 1); return err }(), "not finite"},
		{"range", func() error { _, err := PopulationRate(good, 3, 3, 0, 5); return err }(), "neuron range [3, 3)"},
		{"bin", func() error { _, err := BinnedRate(good, 0, 1, 0, 5, 0); return err }(), "bin width 0"},
		{"no clusters", func() error { _, err := ClusterRates(good, snn.Clusters{}, 0, 1); return err }(), "no clusters"},
		{"bad bounds", func() error { _, err := ClusterRates(good, snn.Clusters{Bounds: []int{0, 5, 5}}, 0, 1); return err }(), "not increasing"},
		{"sigma", func() error {
			o := opt
			o.SigmaMs = -1
			_, err := DetectActivations(good, cl, 0, 10, o)
			return err
		}(), "SigmaMs = -1"},
		{"threshold", func() error {
			o := opt
			o.ThresholdHz = 0
			_, err := DetectActivations(good, cl, 0, 10, o)
			return err
		}(), "ThresholdHz = 0"},
		{"too many bins", func() error {
			o := opt
			o.BinMs = 1e-6
			_, err := DetectActivations(good, cl, 0, 1e6, o)
			return err
		}(), "too many"},
		{"order", func() error {
			o := DefaultReplayOptions()
			o.Order = []int{0, 0}
			_, err := AnalyzeReplay(good, cl, 0, 10, o)
			return err
		}(), "not a permutation"},
		{"order length", func() error { _, _, err := OrderFraction(nil, []int{}); return err }(), "0 clusters"},
		{"activation cluster", func() error {
			_, err := ReplayFromActivations([]Activation{{Cluster: 5}}, 2, nil)
			return err
		}(), "cluster 5"},
		{"unsorted", func() error {
			_, err := ReplayFromActivations([]Activation{{TimeMs: 5}, {TimeMs: 1}}, 2, nil)
			return err
		}(), "not sorted"},
	}
	for _, c := range cases {
		if c.err == nil || !strings.Contains(c.err.Error(), c.want) || !strings.HasPrefix(c.err.Error(), "analysis: ") {
			t.Errorf("%s: err = %v, want analysis: ...%s", c.name, c.err, c.want)
		}
	}
}

func ExampleAnalyzeReplay() {
	// Three clusters of 20 E neurons replay in order, one cluster every 25 ms, for 4 cycles.
	cl := snn.UniformClusters(3, 20)
	sp := &snn.Spikes{}
	for i := 0; i < 12; i++ {
		k := i % 3
		centre := 50.5 + 25*float64(i)
		for m := 0; m < 20; m++ { // each member spikes once within ±2 ms of the centre
			sp.Time = append(sp.Time, centre+float64(m%5-2))
			sp.Neuron = append(sp.Neuron, int32(20*k+m))
		}
	}
	st, err := AnalyzeReplay(sp, cl, 0, 400, DefaultReplayOptions())
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%d activations, period %.0f ms, step %.0f ms, %d/%d transitions in order\n",
		len(st.Activations), st.PeriodMs, st.StepMs, st.InOrder, st.Transitions)
	a := st.Activations[0]
	fmt.Printf("first: cluster %d at %.1f ms, peak %.0f Hz\n", a.Cluster, a.TimeMs, a.PeakHz)
	// Output:
	// 12 activations, period 75 ms, step 25 ms, 11/11 transitions in order
	// first: cluster 0 at 50.5 ms, peak 120 Hz
}
