package readout

import (
	"math"
	"math/rand/v2"
	"reflect"
	"sort"
	"testing"

	"github.com/gosnn/gosnn/snn"
)

func TestReadoutPlasticityUpdate(t *testing.T) {
	p := snn.DefaultReadoutPlasticity()
	const dt = 0.1
	tests := []struct {
		name             string
		w, xbar          float64
		spiked           bool
		v, uPlus, uMinus float64
		want             float64
	}{
		{"below theta LTP: nothing", 3, 1, false, -50, -40, -80, 3},
		{"uPlus below theta LTD: nothing", 3, 1, false, 0, -71, -80, 3},
		{"LTP at w = 0", 0, 2, false, -39, -60, -80, dt * 0.0008 * 1 * 2 * 10 * 10},
		{"LTP soft factor at w = 12.5", 12.5, 2, false, -39, -60, -80, 12.5 + dt*0.0008*0.5*2*10*10},
		{"LTP vanishes at the bound", 25, 2, false, -39, -60, -80, 25},
		{"LTD on a presynaptic spike", 1, 0, true, -60, -60, -60, 1 - dt*0.0014*10},
		{"LTD needs uMinus above theta", 1, 0, true, -60, -60, -75, 1},
		{"LTD floor at 0", 0.0001, 0, true, -60, -60, -50, 0},
		{"no spike, no LTD", 1, 0, false, -60, -60, -50, 1},
	}
	for _, tc := range tests {
		got := SynapseUpdate(&p, tc.w, dt, tc.xbar, tc.spiked, tc.v, tc.uPlus, tc.uMinus)
		if math.Abs(got-tc.want) > 1e-12 {
			t.Errorf("%s: got %v, want %v", tc.name, got, tc.want)
		}
	}
	// Hard bound ([R]): no soft factor, capped at WMax.
	h := p
	h.SoftBound = false
	if got, want := SynapseUpdate(&h, 12.5, dt, 2, false, -39, -60, -80), 12.5+dt*0.0008*2*10*10; math.Abs(got-want) > 1e-12 {
		t.Errorf("hard bound LTP: got %v, want %v", got, want)
	}
	if got := SynapseUpdate(&h, 24.99, dt, 1000, false, 19, 19, -80); got != 25 {
		t.Errorf("hard bound cap: got %v, want 25", got)
	}
}

// The soft bound keeps every weight in [0, WMax) under any sequence of LTP and LTD steps with
// realistic per-step increments, and weights approach the bound without reaching it.
func TestReadoutPlasticitySoftBoundProperty(t *testing.T) {
	p := snn.DefaultReadoutPlasticity()
	r := rand.New(rand.NewPCG(1, 2))
	for trial := 0; trial < 200; trial++ {
		w := r.Float64() * 25
		for step := 0; step < 2000; step++ {
			v := -70 + 89*r.Float64() // up to the 20-mV cut-off
			w = SynapseUpdate(&p, w, 0.1, 3*r.Float64(), r.IntN(50) == 0, v, -70+60*r.Float64(), -70+60*r.Float64())
			if !(w >= 0 && w < 25) {
				t.Fatalf("trial %d step %d: weight %v outside [0, 25)", trial, step, w)
			}
		}
	}
	// Pure LTP converges towards 25 geometrically.
	w := 0.0
	for step := 0; step < 20000; step++ {
		w = SynapseUpdate(&p, w, 0.1, 1, false, -29, -50, -80)
	}
	if !(w > 24.9 && w < 25) {
		t.Errorf("after sustained LTP w = %v, want just below 25", w)
	}
}

func TestReadoutPlasticityValidate(t *testing.T) {
	p := snn.DefaultReadoutPlasticity()
	if err := readoutCheckPlasticity(p); err != nil {
		t.Fatal(err)
	}
	for _, mut := range []func(*snn.VoltageSTDP){
		func(p *snn.VoltageSTDP) { p.WMax = 0 },
		func(p *snn.VoltageSTDP) { p.TauX = math.NaN() },
		func(p *snn.VoltageSTDP) { p.ALTP = -1 },
		func(p *snn.VoltageSTDP) { p.ThetaLTD = math.Inf(1) },
		func(p *snn.VoltageSTDP) { p.WMin = 30 },
	} {
		q := p
		mut(&q)
		if err := readoutCheckPlasticity(q); err == nil {
			t.Errorf("%+v: no error", q)
		}
	}
}

func TestReadoutRates(t *testing.T) {
	// One spike on the grid: the kernel, centred on the spike, peak 1.
	r, err := Rates([][]float64{{5}, {}}, 0, 0.1, 101)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range r[0] {
		if want := Kernel(float64(k)*0.1 - 5); math.Abs(v-want) > 1e-12 {
			t.Fatalf("rate[%d] = %v, want %v", k, v, want)
		}
	}
	if r[0][50] != 1 {
		t.Errorf("peak %v, want 1 at the spike", r[0][50])
	}
	for _, v := range r[1] {
		if v != 0 {
			t.Fatal("silent neuron has a rate")
		}
	}
	// Superposition, off-grid spikes, and spikes outside the grid that still reach into it.
	r2, _ := Rates([][]float64{{5, 5.03, -20}}, 0, 0.1, 101)
	for k, v := range r2[0] {
		tk := float64(k) * 0.1
		want := Kernel(tk-5) + Kernel(tk-5.03) + Kernel(tk+20)
		if math.Abs(v-want) > 1e-12 {
			t.Fatalf("rate[%d] = %v, want %v", k, v, want)
		}
	}
	// The kernel's width: exp(−t²/250) is 1/e at t = √250 ms.
	if v := Kernel(math.Sqrt(250)); math.Abs(v-1/math.E) > 1e-15 {
		t.Errorf("kernel at sqrt(250) = %v", v)
	}
	if _, err := Rates([][]float64{{math.NaN()}}, 0, 0.1, 10); err == nil {
		t.Error("NaN spike time accepted")
	}
	if _, err := Rates(nil, 0, 0, 10); err == nil {
		t.Error("dt = 0 accepted")
	}
}

func TestReadoutError(t *testing.T) {
	target := [][]float64{{1, 10, 10, 1}, {10, 1, 1, 10}}
	tests := []struct {
		name  string
		rates [][]float64
		want  float64
	}{
		{"identical", target, 0},
		{"affine image", [][]float64{{3, 21, 21, 3}, {21, 3, 3, 21}}, 0},
		{"complement", [][]float64{{9, 0, 0, 9}, {0, 9, 9, 0}}, 1},
		{"silent read-out", [][]float64{{0, 0, 0, 0}, {0, 0, 0, 0}}, 0.5},
		{"half right", [][]float64{{0, 1, 1, 0}, {0, 0, 0, 0}}, 0.25},
	}
	for _, tc := range tests {
		got, err := Error(target, tc.rates)
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(got-tc.want) > 1e-12 {
			t.Errorf("%s: error %v, want %v", tc.name, got, tc.want)
		}
	}
	for _, bad := range [][][]float64{nil, {{1, 2, 3, 4}}, {{1, 2, 3}, {1, 2, 3}}, {{1, 2, 3, math.NaN()}, {1, 2, 3, 4}}} {
		if _, err := Error(target, bad); err == nil {
			t.Errorf("rates %v: no error", bad)
		}
	}
}

// TestReadoutErrorFormulas: the authors' reversed-row formula (docs/MODEL.md section 9 item 20)
// against gosnn's row-to-row one on hand-made three-element cases: a perfect replay, the same
// replay upside down (the two swap), and a replay symmetric under row reversal (they agree).
func TestReadoutErrorFormulas(t *testing.T) {
	target := [][]float64{{10, 0, 0, 0}, {0, 10, 0, 0}, {0, 0, 10, 10}}
	tests := []struct {
		name              string
		rates             [][]float64
		rowToRow, reverse float64
	}{
		// Normalised, the target is {1 0 0 0; 0 1 0 0; 0 0 1 1}. Swapping rows 0 and 2
		// mismatches 3 values in each of them: 6 of 12.
		{"perfect replay", target, 0, 6.0 / 12},
		{"upside down", [][]float64{{0, 0, 10, 10}, {0, 10, 0, 0}, {10, 0, 0, 0}}, 6.0 / 12, 0},
		// {1 1 1 1; 0 0 0 0; 1 1 1 1}: 3 + 1 + 2 mismatches either way.
		{"symmetric rows", [][]float64{{5, 5, 5, 5}, {0, 0, 0, 0}, {5, 5, 5, 5}}, 6.0 / 12, 6.0 / 12},
		// {1 0 0 0; 0 0 0 0; 0 0 0 0}: row to row 0 + 1 + 2 = 3; reversed 1 + 1 + 3 = 5.
		{"first element only", [][]float64{{8, 0, 0, 0}, {0, 0, 0, 0}, {0, 0, 0, 0}}, 3.0 / 12, 5.0 / 12},
	}
	for _, tc := range tests {
		for _, f := range []struct {
			formula ErrorFormula
			want    float64
		}{{RowToRow, tc.rowToRow}, {ReversedRows, tc.reverse}} {
			got, err := ErrorWith(f.formula, target, tc.rates)
			if err != nil {
				t.Fatal(err)
			}
			if math.Abs(got-f.want) > 1e-12 {
				t.Errorf("%s, %v: error %v, want %v", tc.name, f.formula, got, f.want)
			}
		}
	}
	if e, _ := Error(target, target); e != 0 {
		t.Errorf("Error is not the row-to-row form: %v", e)
	}
	rates := [][]float64{{1, 2, 3, 4}, {5, 6, 7, 8}, {9, 9, 9, 9}}
	before := [][]float64{{1, 2, 3, 4}, {5, 6, 7, 8}, {9, 9, 9, 9}}
	if _, err := ErrorWith(ReversedRows, target, rates); err != nil || !reflect.DeepEqual(rates, before) {
		t.Errorf("ReversedRows changed its argument (%v) or failed: %v", rates, err)
	}
	if _, err := ErrorWith(ErrorFormula(7), target, rates); err == nil {
		t.Error("unknown formula accepted")
	}
	if ReversedRows.String() != "reversed-rows" || RowToRow.String() != "row-to-row" {
		t.Errorf("names %q, %q", RowToRow, ReversedRows)
	}
}

// clusterSpikes returns one spike of each neuron of cluster k of cl.
func clusterSpikes(cl snn.Clusters, k int) []int32 {
	var s []int32
	for i := cl.Bounds[k]; i < cl.Bounds[k+1]; i++ {
		s = append(s, int32(i))
	}
	return s
}

func TestCycleDetector(t *testing.T) {
	cl := snn.UniformClusters(4, 10)
	// Clusters 1, 2, 3, 0, 1, … take turns, each spiking for 5 steps; window 3 steps, burn-in 4.
	run := func(requireSpikes bool, silentLead int) []int {
		d, err := NewCycleDetector(cl, 3, 4, 0, requireSpikes)
		if err != nil {
			t.Fatal(err)
		}
		var hits []int
		step := 0
		for ; step < silentLead; step++ {
			if d.Observe(nil) {
				hits = append(hits, step)
			}
		}
		for c := 0; c < 12; c++ {
			k := (c + 1) % 4
			for q := 0; q < 5; q++ {
				if d.Observe(clusterSpikes(cl, k)) {
					hits = append(hits, step)
				}
				step++
			}
		}
		return hits
	}
	// Cluster 0 spikes in steps 15-19, 35-39, 55-59. With a 3-step window it leads from its
	// second step (20 spikes against 10 of the previous cluster) to the first step of the next
	// cluster (20 against 10).
	got := run(true, 0)
	var want []int
	for _, s0 := range []int{15, 35, 55} {
		for s := s0 + 1; s <= min(s0+5, 59); s++ { // the run ends with step 59
			want = append(want, s)
		}
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("hits %v, want %v", got, want)
	}
	// The [M] quirk: a silent window makes cluster 0 the argmax, which reports a start after the
	// burn-in; RequireSpikes removes it.
	if got := run(false, 8); len(got) == 0 || got[0] != 4 {
		t.Errorf("quirk: first hit %v, want step 4 (end of burn-in, silent window)", got)
	}
	if got := run(true, 8); len(got) == 0 || got[0] != 16+8 {
		t.Errorf("no quirk: first hit %v, want step 24", got)
	}
	if _, err := NewCycleDetector(cl, 0, 0, 0, false); err == nil {
		t.Error("window 0 accepted")
	}
	if _, err := NewCycleDetector(cl, 1, 0, 4, false); err == nil {
		t.Error("reference cluster 4 of 4 accepted")
	}
	if _, err := NewCycleDetector(snn.Clusters{}, 1, 0, 0, false); err == nil {
		t.Error("no clusters accepted")
	}
}

func TestOrderErrors(t *testing.T) {
	abcb := CyclicOrder(ABCBA().ElementOrder())
	if !reflect.DeepEqual(abcb, []int{0, 1, 2, 1}) {
		t.Fatalf("cyclic order of ABCBA %v", abcb)
	}
	tests := []struct {
		seq         []int
		trans, errs int
	}{
		{[]int{0, 1, 2, 1, 0, 1, 2, 1, 0}, 8, 0},
		{[]int{2, 1, 0, 1, 2}, 4, 0},    // starts mid-cycle
		{[]int{0, 0, 1, 1, 2}, 2, 0},    // repeats collapse
		{[]int{0, 2, 1, 0}, 3, 1},       // A → C skips B
		{[]int{0, 1, 0, 1, 2}, 4, 1},    // B → A where C was due
		{[]int{0, 5, 1}, 2, 2},          // unknown neuron
		{[]int{1, 0, 1, 2, 1, 0}, 5, 0}, // B A: the second B of A B C B
		{[]int{1, 2, 1, 0, 1, 2}, 5, 0}, // B C: the first B
		{[]int{2, 0}, 1, 1},             // C A never happens
		{[]int{1}, 0, 0},
	}
	for _, tc := range tests {
		tr, e := OrderErrors(tc.seq, abcb)
		if tr != tc.trans || e != tc.errs {
			t.Errorf("%v: %d transitions %d errors, want %d %d", tc.seq, tr, e, tc.trans, tc.errs)
		}
	}
	if got := CyclicOrder(DEDED().ElementOrder()); !reflect.DeepEqual(got, []int{0, 1}) {
		t.Errorf("cyclic order of DEDED %v", got)
	}
}

func TestReadoutActivations(t *testing.T) {
	// Neuron 0 spikes at 10 and 15 ms (one activation after merging), neuron 1 at 60 ms.
	r, _ := Rates([][]float64{{10, 15}, {60}}, 0, 0.1, 1000)
	acts := Activations(r, 0, 0.1, 0.5, 20)
	if len(acts) != 2 || acts[0].Neuron != 0 || acts[1].Neuron != 1 {
		t.Fatalf("activations %+v", acts)
	}
	if math.Abs(acts[0].Peak-12.5) > 0.11 || math.Abs(acts[1].Peak-60) > 1e-9 {
		t.Errorf("peaks %v %v, want 12.5 and 60", acts[0].Peak, acts[1].Peak)
	}
	if acts := Activations([][]float64{{0, 0}}, 0, 1, 0.5, 1); acts != nil {
		t.Errorf("silent rates gave %v", acts)
	}
}

func TestWeightMassInWindows(t *testing.T) {
	cl := snn.UniformClusters(3, 2)
	p, _ := PatternFromIntervals(2, 30, 1, 10, 1, nil, []Interval{{0, 0, 10}, {1, 10, 20}})
	// Cluster 0 active in 0-10 ms (element 0), cluster 1 in 10-20 ms (element 1), cluster 2
	// half in each.
	spk := &snn.Spikes{}
	add := func(tm float64, i int32) { spk.Time = append(spk.Time, tm); spk.Neuron = append(spk.Neuron, i) }
	for _, s := range []float64{0, 100} {
		add(s+2, 0)
		add(s+5, 1)
		add(s+8, 4)
		add(s+12, 2)
		add(s+15, 3)
		add(s+18, 5)
	}
	prof, err := ClusterProfile(spk, cl, []float64{0, 100}, 30, 1)
	if err != nil {
		t.Fatal(err)
	}
	if prof[0][2] != 1 || prof[2][8] != 1 || prof[2][18] != 1 {
		t.Fatalf("profile %v", prof)
	}
	ov := ClusterElementOverlap(prof, 1, p)
	want := [][]float64{{1, 0}, {0, 1}, {0.5, 0.5}}
	for k := range want {
		for e := range want[k] {
			if math.Abs(ov[k][e]-want[k][e]) > 1e-12 {
				t.Errorf("overlap[%d][%d] = %v, want %v", k, e, ov[k][e], want[k][e])
			}
		}
	}
	w := [][]float64{{4, 4, 0, 0, 1, 1}, {1, 1, 3, 3, 0, 0}}
	m := WeightMassInWindows(w, cl, ov, 0.6)
	if math.Abs(m[0]-0.8) > 1e-12 || math.Abs(m[1]-0.75) > 1e-12 {
		t.Errorf("mass %v, want [0.8 0.75]", m)
	}
	if m := WeightMassInWindows([][]float64{make([]float64, 6)}, cl, ov, 0.5); !math.IsNaN(m[0]) {
		t.Errorf("zero weights: mass %v, want NaN", m[0])
	}
}

func TestCycleInOrder(t *testing.T) {
	abcb := []int{0, 1, 2, 1}
	act := func(n int, on, end float64) Activation {
		return Activation{Neuron: n, Onset: on, End: end, Peak: (on + end) / 2}
	}
	tests := []struct {
		name string
		acts []Activation
		want bool
	}{
		{"A B C B", []Activation{act(0, 10, 80), act(1, 100, 150), act(2, 180, 230), act(1, 250, 300)}, true},
		{"sliver of the previous B ignored", []Activation{act(1, -40, 0.7), act(0, 10, 80), act(1, 100, 150), act(2, 180, 230), act(1, 250, 300)}, true},
		{"A spanning both boundaries counts at both ends", []Activation{act(0, -50, 60), act(1, 100, 150), act(2, 180, 230), act(1, 250, 300), act(0, 320, 420)}, true},
		{"C missing", []Activation{act(0, 10, 80), act(1, 100, 150), act(1, 250, 300)}, false},
		{"C before B", []Activation{act(0, 10, 80), act(2, 100, 150), act(1, 180, 230)}, false},
	}
	for _, tc := range tests {
		if got := cycleInOrder(tc.acts, 0, 345, abcb); got != tc.want {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
}

// TestReplayErrorFormulas: ReplayResult.ErrorWith and ErrorAtWith reverse the rows of the
// group asked for only: group 1 replayed upside down scores 0 with the authors' formula and
// not row to row; group 0 replayed exactly scores the opposite (docs/MODEL.md section 9 item 20).
func TestReplayErrorFormulas(t *testing.T) {
	p0 := &Pattern{DT: 0.1, Rates: [][]float64{{10, 10, 1, 1}, {1, 1, 10, 10}}}
	p1 := &Pattern{DT: 0.1, Rates: [][]float64{{10, 1, 1, 1}, {1, 10, 1, 1}, {1, 1, 10, 10}}}
	ro, err := New(readoutTestNet(t, 1), DefaultConfig(), p0, p1)
	if err != nil {
		t.Fatal(err)
	}
	const pad = 3 // columns before the window
	row := func(v ...float64) []float64 { return append(make([]float64, pad), v...) }
	res := &ReplayResult{Start: 0, DT: 0.1, CycleStarts: []float64{0, 0.1 * pad}, Rates: [][]float64{
		row(5, 5, 0, 0), row(0, 0, 5, 5), // group 0: the pattern
		row(0, 0, 7, 7), row(0, 7, 0, 0), row(7, 0, 0, 0), // group 1: upside down
	}}
	lead := 0.1 // the window starts one step after the second cycle start: column pad
	for _, tc := range []struct {
		g                  int
		rowToRow, reversed bool // whether each error is 0
	}{{0, true, false}, {1, false, true}} {
		for _, f := range []struct {
			formula ErrorFormula
			zero    bool
		}{{RowToRow, tc.rowToRow}, {ReversedRows, tc.reversed}} {
			e, err := res.ErrorWith(ro, tc.g, lead, f.formula)
			if err != nil {
				t.Fatal(err)
			}
			at, err := res.ErrorAtWith(ro, tc.g, res.CycleStarts[1]+lead, f.formula)
			if err != nil || at != e {
				t.Errorf("group %d %v: ErrorAtWith %v (%v), ErrorWith %v", tc.g, f.formula, at, err, e)
			}
			if (e == 0) != f.zero || e < 0 || e > 1 {
				t.Errorf("group %d %v: error %v, want zero: %v", tc.g, f.formula, e, f.zero)
			}
		}
		if e, _ := res.Error(ro, tc.g, lead); (e == 0) != tc.rowToRow {
			t.Errorf("group %d: Error %v is not the row-to-row form", tc.g, e)
		}
	}
}

func TestResponseLatency(t *testing.T) {
	p := ABCBA()
	starts := []float64{1000, 2000, 3000}
	// spikes returns R spike times: in every presentation, the first spike of each window
	// of element e comes delay(i, w) ms after the window's onset, then one every 10 ms.
	spikes := func(e int, delay func(i, w int) float64) []float64 {
		var ts []float64
		for i, s := range starts {
			w := 0
			for _, iv := range ABCBAIntervals {
				if iv.Element != e {
					continue
				}
				for x := iv.Start + delay(i, w); x < iv.End; x += 10 {
					ts = append(ts, s+x)
				}
				w++
			}
		}
		sort.Float64s(ts)
		return ts
	}
	for _, tc := range []struct {
		name string
		e    int
		ts   []float64
		want float64
	}{
		{"constant 12 ms, A", 0, spikes(0, func(int, int) float64 { return 12 }), 12},
		{"constant 7.5 ms, C", 2, spikes(2, func(int, int) float64 { return 7.5 }), 7.5},
		{"median of 4, 14, 24 ms per presentation, B", 1, spikes(1, func(i, _ int) float64 { return 4 + 10*float64(i) }), 14},
		{"median of an even count", 2, spikes(2, func(i, _ int) float64 { return []float64{2, 6, 30}[i] }), 6},
		{"spikes before the window do not count", 2, append([]float64{1170, 2170, 3170}, spikes(2, func(int, int) float64 { return 9 })...), 9},
		{"spikes of another element's window do not count", 2, spikes(1, func(int, int) float64 { return 1 }), math.NaN()},
		{"silent", 0, nil, math.NaN()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sort.Float64s(tc.ts)
			got := responseLatency(tc.ts, starts, p, tc.e)
			if math.IsNaN(tc.want) != math.IsNaN(got) || (!math.IsNaN(got) && math.Abs(got-tc.want) > 1e-9) {
				t.Errorf("latency %v ms, want %v", got, tc.want)
			}
		})
	}
}

// TestClusterElementOverlapShifted: a cluster that straddles the end of an element's window
// belongs to that element once the window is delayed by the read-out's latency.
func TestClusterElementOverlapShifted(t *testing.T) {
	p, _ := PatternFromIntervals(2, 40, 1, 10, 1, nil, []Interval{{0, 0, 20}, {1, 20, 40}})
	// Cluster 0: 10 spikes, one in every other 1-ms bin from 5 to 23 ms (a bin belongs to the
	// column at its centre, rounded); cluster 1 the same 20 ms later.
	prof := [][]float64{make([]float64, 50), make([]float64, 50)}
	for x := 5; x < 25; x += 2 {
		prof[0][x]++
		prof[1][x+20]++
	}
	for _, tc := range []struct {
		name  string
		shift []float64
		want  [][]float64
	}{
		{"no delay", nil, [][]float64{{0.7, 0.3}, {0, 0.7}}},
		{"NaN is no delay", []float64{math.NaN(), math.NaN()}, [][]float64{{0.7, 0.3}, {0, 0.7}}},
		{"delay 5 ms", []float64{5, 5}, [][]float64{{1, 0}, {0, 1}}},
		{"delay of element 1 only", []float64{0, 5}, [][]float64{{0.7, 0}, {0, 1}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ov := clusterElementOverlapShifted(prof, 1, p, tc.shift)
			for k := range tc.want {
				for e := range tc.want[k] {
					if math.Abs(ov[k][e]-tc.want[k][e]) > 1e-12 {
						t.Errorf("overlap[%d][%d] = %v, want %v", k, e, ov[k][e], tc.want[k][e])
					}
				}
			}
		})
	}
	if got, want := clusterElementOverlapShifted(prof, 1, p, nil), ClusterElementOverlap(prof, 1, p); !reflect.DeepEqual(got, want) {
		t.Errorf("ClusterElementOverlap %v differs from no delay %v", want, got)
	}
}
