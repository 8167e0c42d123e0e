package snn

import (
	"context"
	"errors"
	"math"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"
)

func TestValidate(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(c *Config)
		want string // substring of the error; "" means valid
	}{
		{"default", func(c *Config) {}, ""},
		{"dt zero", func(c *Config) { c.DT = 0 }, "Config.DT = 0"},
		{"dt NaN", func(c *Config) { c.DT = math.NaN() }, "Config.DT = NaN"},
		{"negative tau", func(c *Config) { c.E.TauW = -1 }, "Config.E.TauW = -1: time constant must be > 0"},
		{"NaN capacitance", func(c *Config) { c.I.C = math.NaN() }, "Config.I.C = NaN"},
		{"p above 1", func(c *Config) { c.EtoE.P = 1.5 }, "Config.EtoE.P = 1.5"},
		{"p negative", func(c *Config) { c.ItoI.P = -0.1 }, "Config.ItoI.P = -0.1"},
		{"negative weight", func(c *Config) { c.ItoE.W = -3 }, "Config.ItoE.W = -3"},
		{"clusters do not divide", func(c *Config) { c.Clusters = 7 }, "Config.Clusters = 7"},
		{"zero clusters", func(c *Config) { c.Clusters = 0 }, "Config.Clusters = 0"},
		{"negative rate", func(c *Config) { c.ExtE.Rate = -1 }, "Config.ExtE.Rate = -1"},
		{"reset above peak", func(c *Config) { c.I.VReset = -40 }, "Config.I.VReset = -40"},
		{"equal syn taus", func(c *Config) { c.Synapses.TauDecayE = 1 }, "Config.Synapses.TauDecayE = 1"},
		{"negative refractory", func(c *Config) { c.E.TauRef = -1 }, "Config.E.TauRef = -1"},
		{"negative threads", func(c *Config) { c.Threads = -2 }, "Config.Threads = -2"},
		{"unknown model", func(c *Config) { c.E.Model = 9 }, "Config.E.Model"},
		{"LIF ignores AdEx fields", func(c *Config) { c.I.TauW = -1 }, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := DefaultConfig()
			tc.edit(&c)
			err := c.Validate()
			if tc.want == "" {
				if err != nil {
					t.Fatalf("unexpected error %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "snn: ") {
				t.Fatalf("error %v, want one containing %q", err, tc.want)
			}
			if _, err := New(c); err == nil {
				t.Fatal("New accepted an invalid Config")
			}
		})
	}
}

func TestScaledAndClusterSize(t *testing.T) {
	c := DefaultConfig().Scaled(8.0 / 3)
	if c.NE != 6400 || c.NI != 1600 {
		t.Errorf("Scaled(8/3): NE %d NI %d, want 6400 1600", c.NE, c.NI)
	}
	if math.Abs(c.EtoE.W-2.83*math.Sqrt(3.0/8)) > 1e-12 {
		t.Errorf("Scaled weight %v", c.EtoE.W)
	}
	c.Clusters = 80
	if err := c.Validate(); err != nil {
		t.Error(err)
	}
	v := DefaultConfig().WithClusterSize(160)
	if v.Clusters != 15 || v.EtoE.P != 0.1 || v.ItoE.P != 0.1 || math.Abs(v.EtoE.W-2.83*math.Sqrt2) > 1e-12 {
		t.Errorf("WithClusterSize(160) = %+v", v)
	}
	if c7 := DefaultConfig().WithClusterSize(7); c7.Validate() == nil {
		t.Error("cluster size 7 does not divide 2400 but validated")
	}
}

func TestConnectivity(t *testing.T) {
	cfg := DefaultConfig()
	cfg.NE, cfg.NI, cfg.Clusters = 800, 200, 10
	n := mustNet(t, cfg)
	W := n.WeightMatrix()
	for i := 0; i < 1000; i++ {
		if W.At(i, i) != 0 {
			t.Fatalf("autapse on neuron %d", i)
		}
	}
	for _, b := range []struct {
		id         ProjID
		r0, c0, nr int
		nc         int
		w          float64
	}{{ProjEtoE, 0, 0, 800, 800, 2.83}, {ProjEtoI, 800, 0, 200, 800, 1.96}, {ProjItoE, 0, 800, 800, 200, 62.87}, {ProjItoI, 800, 800, 200, 200, 20.91}} {
		cnt := 0
		for i := 0; i < b.nr; i++ {
			for j := 0; j < b.nc; j++ {
				if x := W.At(b.r0+i, b.c0+j); x != 0 {
					cnt++
					if x != b.w {
						t.Fatalf("projection %d: weight %v, want %v", b.id, x, b.w)
					}
				}
			}
		}
		pairs := b.nr * b.nc
		if b.r0 == b.c0 {
			pairs -= b.nr
		}
		exp := 0.2 * float64(pairs)
		if math.Abs(float64(cnt)-exp) > 5*math.Sqrt(exp*0.8) {
			t.Errorf("projection %d: %d synapses, expected %v", b.id, cnt, exp)
		}
		if cnt != n.NumSynapses(b.id) {
			t.Errorf("projection %d: NumSynapses %d, matrix has %d", b.id, n.NumSynapses(b.id), cnt)
		}
	}
	// Round trip through NewFromWeights gives the same network.
	m, err := NewFromWeights(cfg, W, Clusters{})
	if err != nil {
		t.Fatal(err)
	}
	if !mat.Equal(m.WeightMatrix(), W) {
		t.Error("NewFromWeights(WeightMatrix()) differs")
	}
	// Uneven explicit clusters are kept as given.
	u, err := NewFromWeights(cfg, W, Clusters{Bounds: []int{0, 100, 350, 790}})
	if err != nil {
		t.Fatal(err)
	}
	if u.Clusters().Count() != 3 || u.Clusters().Size(1) != 250 {
		t.Errorf("clusters %v", u.Clusters())
	}
	// Same seed, same connectivity; other seed, other connectivity.
	if !mat.Equal(mustNet(t, cfg).WeightMatrix(), W) {
		t.Error("same seed gave another matrix")
	}
	cfg.Seed = 2
	if mat.Equal(mustNet(t, cfg).WeightMatrix(), W) {
		t.Error("different seeds gave the same matrix")
	}
}

func TestNewFromWeightsErrors(t *testing.T) {
	cfg := DefaultConfig()
	cfg.NE, cfg.NI, cfg.Clusters = 8, 2, 2
	for _, tc := range []struct {
		name string
		w    *mat.Dense
		cl   Clusters
		want string
	}{
		{"nil", nil, Clusters{}, "nil weight matrix"},
		{"not square", mat.NewDense(10, 9, nil), Clusters{}, "must be square"},
		{"wrong size", mat.NewDense(9, 9, nil), Clusters{}, "Config.NE+Config.NI"},
		{"negative", func() *mat.Dense { m := mat.NewDense(10, 10, nil); m.Set(3, 4, -1); return m }(), Clusters{}, "weight[3][4] = -1"},
		{"NaN", func() *mat.Dense { m := mat.NewDense(10, 10, nil); m.Set(9, 1, math.NaN()); return m }(), Clusters{}, "weight[9][1] = NaN"},
		{"clusters too big", mat.NewDense(10, 10, nil), Clusters{Bounds: []int{0, 5, 9}}, "exceeds"},
		{"clusters not increasing", mat.NewDense(10, 10, nil), Clusters{Bounds: []int{0, 5, 5}}, "must increase"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := NewFromWeights(cfg, tc.w, tc.cl)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want %q", err, tc.want)
			}
		})
	}
}

// smallNet is a 400 E / 100 I network of the main model.
func smallNet(t testing.TB, threads int, seed uint64) *Network {
	cfg := DefaultConfig()
	cfg.NE, cfg.NI, cfg.Clusters = 400, 100, 5
	cfg.Threads, cfg.Seed = threads, seed
	return mustNet(t, cfg)
}

// TestThreadsIdentical: the same seed gives the same spikes and state for any thread count.
func TestThreadsIdentical(t *testing.T) {
	var ref *Spikes
	var refV []float64
	for _, th := range []int{1, 2, 3, 4} {
		n := smallNet(t, th, 5)
		// Drive the network harder so that both populations spike a lot.
		if err := n.SetRates(PopE, 0, 400, 6); err != nil {
			t.Fatal(err)
		}
		mE, _ := n.RecordSpikes(PopE, nil)
		mI, _ := n.RecordSpikes(PopI, nil)
		if err := n.Run(300); err != nil {
			t.Fatal(err)
		}
		sp := &Spikes{Time: append(mE.Spikes().Time, mI.Spikes().Time...), Neuron: append(mE.Spikes().Neuron, mI.Spikes().Neuron...)}
		v, _ := n.State(PopE, VarV)
		if ref == nil {
			ref, refV = sp, v
			if mE.Spikes().Len() < 100 || mI.Spikes().Len() < 100 {
				t.Fatalf("too few spikes to compare: %d E, %d I", mE.Spikes().Len(), mI.Spikes().Len())
			}
			continue
		}
		if sp.Len() != ref.Len() {
			t.Fatalf("threads %d: %d spikes, threads 1: %d", th, sp.Len(), ref.Len())
		}
		for k := range sp.Time {
			if sp.Time[k] != ref.Time[k] || sp.Neuron[k] != ref.Neuron[k] {
				t.Fatalf("threads %d: spike %d differs", th, k)
			}
		}
		for i := range v {
			if v[i] != refV[i] {
				t.Fatalf("threads %d: V[%d] = %v, threads 1: %v", th, i, v[i], refV[i])
			}
		}
	}
}

// TestRunSplitting: one 200-ms run equals two 100-ms runs and a run split by hooks.
func TestRunSplitting(t *testing.T) {
	a, b := smallNet(t, 2, 3), smallNet(t, 1, 3)
	if err := a.Run(200); err != nil {
		t.Fatal(err)
	}
	calls := 0
	if err := b.Every(7.3, func(float64) { calls++ }); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 2; i++ {
		if err := b.Run(100); err != nil {
			t.Fatal(err)
		}
	}
	if calls != int(2000/73) {
		t.Errorf("hook called %d times, want %d", calls, 2000/73)
	}
	va, _ := a.State(PopE, VarV)
	vb, _ := b.State(PopE, VarV)
	for i := range va {
		if va[i] != vb[i] {
			t.Fatalf("V[%d]: %v vs %v", i, va[i], vb[i])
		}
	}
	if a.Time() != 200 || a.Steps() != 2000 {
		t.Errorf("time %v steps %d", a.Time(), a.Steps())
	}
}

type testHost struct {
	ctx     context.Context
	reports []Progress
}

func (h *testHost) Context() context.Context { return h.ctx }
func (h *testHost) Progress(p Progress)      { h.reports = append(h.reports, p) }

// TestCancel: a cancelled host context stops Run with an error wrapping context.Canceled at
// a consistent step; the network then runs on.
func TestCancel(t *testing.T) {
	n := smallNet(t, 2, 1)
	ctx, cancel := context.WithCancel(context.Background())
	h := &testHost{ctx: ctx}
	n.SetHost(h)
	stopAt := 0.0
	if err := n.Every(50, func(tm float64) {
		if stopAt == 0 {
			stopAt = tm
			cancel()
		}
	}); err != nil {
		t.Fatal(err)
	}
	err := n.Run(1000)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Run returned %v, want context.Canceled", err)
	}
	if n.Time() != stopAt {
		t.Errorf("stopped at %v ms, cancelled at %v ms", n.Time(), stopAt)
	}
	if len(h.reports) == 0 || !h.reports[len(h.reports)-1].Final {
		t.Error("no final progress report")
	}
	n.SetHost(nil)
	if err := n.Run(20); err != nil {
		t.Fatalf("run after cancel: %v", err)
	}
	if math.Abs(n.Time()-stopAt-20) > 1e-9 {
		t.Errorf("time %v after resuming", n.Time())
	}
}

// TestProgress: the final report covers the whole run with the right rates.
func TestProgress(t *testing.T) {
	n := smallNet(t, 1, 1)
	h := &testHost{ctx: context.Background()}
	n.SetHost(h)
	if err := n.Run(100); err != nil {
		t.Fatal(err)
	}
	p := h.reports[len(h.reports)-1]
	if !p.Final || p.Done != 100 || p.Total != 100 || p.Time != 100 {
		t.Fatalf("final report %+v", p)
	}
	want := float64(n.SpikeCount(PopI)) / 100 / 0.1
	if math.Abs(p.Rates[PopI]-want) > 1e-9 {
		t.Errorf("I rate %v, want %v", p.Rates[PopI], want)
	}
}

// TestBlowUp: a numerical blow-up returns an error naming the population and the time.
func TestBlowUp(t *testing.T) {
	n := mustNet(t, emptyConfig())
	p := DefaultI()
	mustPop(t, n, "X", p, 3, Drive{Rate: 5, Weight: 1e308})
	err := n.Run(50)
	if err == nil || !strings.Contains(err.Error(), "population X") || !strings.Contains(err.Error(), "t = ") {
		t.Fatalf("error %v, want a blow-up naming population X and the time", err)
	}
}

func TestRunErrors(t *testing.T) {
	n := smallNet(t, 1, 1)
	for _, d := range []float64{-1, math.NaN(), math.Inf(1)} {
		if err := n.Run(d); err == nil {
			t.Errorf("Run(%v) accepted", d)
		}
	}
	if _, err := n.RecordSpikes(7, nil); err == nil {
		t.Error("RecordSpikes on a missing population")
	}
	if _, err := n.RecordSpikes(PopE, []int{400}); err == nil {
		t.Error("RecordSpikes with neuron out of range")
	}
	if _, err := n.RecordState(PopI, []int{0}, []Var{VarW}, 1); err == nil {
		t.Error("RecordState of w on LIF")
	}
	if _, err := n.RecordState(PopE, []int{0}, []Var{VarUMinus}, 1); err == nil {
		t.Error("RecordState of a trace without Config.Traces")
	}
	if err := n.SetRate(PopE, -1, 1); err == nil {
		t.Error("SetRate with bad neuron")
	}
	if err := n.SetRates(PopE, 0, 10, math.NaN()); err == nil {
		t.Error("SetRates with NaN")
	}
	if _, err := n.ConnectOneToOne(PopE, PopI, Exc, 1); err == nil {
		t.Error("ConnectOneToOne with different sizes")
	}
	if _, err := n.AddPopulation("bad", NeuronParams{}, 3, Drive{}); err == nil {
		t.Error("AddPopulation with zero parameters")
	}
	if err := n.Every(0, func(float64) {}); err == nil {
		t.Error("Every(0)")
	}
	if err := n.SetThreads(-1); err == nil {
		t.Error("SetThreads(-1)")
	}
}

// TestMonitors: monitors agree with each other and with the spike counters, and never change
// the dynamics.
func TestMonitors(t *testing.T) {
	a, b := smallNet(t, 2, 9), smallNet(t, 2, 9)
	all, _ := a.RecordSpikes(PopE, nil)
	some, _ := a.RecordSpikes(PopE, []int{0, 5, 399})
	rm, _ := a.RecordRates(10)
	sm, err := a.RecordState(PopE, []int{3, 4}, []Var{VarV, VarGE}, 0.5)
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Run(250); err != nil {
		t.Fatal(err)
	}
	if err := b.Run(250); err != nil {
		t.Fatal(err)
	}
	if a.SpikeCount(PopE) != b.SpikeCount(PopE) || a.SpikeCount(PopI) != b.SpikeCount(PopI) {
		t.Fatal("monitors changed the dynamics")
	}
	sp := all.Spikes()
	if int64(sp.Len()) != a.SpikeCount(PopE) {
		t.Errorf("monitor has %d spikes, counter %d", sp.Len(), a.SpikeCount(PopE))
	}
	for k := 1; k < sp.Len(); k++ {
		if sp.Time[k] < sp.Time[k-1] || (sp.Time[k] == sp.Time[k-1] && sp.Neuron[k] <= sp.Neuron[k-1]) {
			t.Fatalf("spikes not sorted at %d", k)
		}
	}
	cnt := 0
	for _, i := range sp.Neuron {
		if i == 0 || i == 5 || i == 399 {
			cnt++
		}
	}
	if some.Spikes().Len() != cnt {
		t.Errorf("filtered monitor %d spikes, want %d", some.Spikes().Len(), cnt)
	}
	r := rm.Rates(PopE)
	if len(r) != 25 || len(rm.BinTimes()) != 25 || rm.BinTimes()[1] != 10 {
		t.Fatalf("%d bins, times %v", len(r), rm.BinTimes())
	}
	total := 0.0
	for _, x := range r {
		total += x * 400 * 0.01
	}
	if math.Abs(total-float64(sp.Len())) > 1e-6 {
		t.Errorf("rate bins hold %v spikes, monitor %d", total, sp.Len())
	}
	cl := 0.0
	for k := 0; k < 5; k++ {
		for _, x := range rm.ClusterRates(k) {
			cl += x * 80 * 0.01
		}
	}
	if math.Abs(cl-float64(sp.Len())) > 1e-6 {
		t.Errorf("cluster bins hold %v spikes, monitor %d", cl, sp.Len())
	}
	times := sm.Times()
	if len(times) != 500 || times[0] != 0.5 || times[499] != 250 {
		t.Fatalf("state samples: %d, first %v last %v", len(times), times[0], times[len(times)-1])
	}
	v4 := sm.Trace(1, 0)
	now, _ := a.State(PopE, VarV)
	if v4[len(v4)-1] != now[4] {
		t.Errorf("last V sample %v, state %v", v4[len(v4)-1], now[4])
	}
	if sm.Trace(2, 0) != nil || sm.Trace(0, 2) != nil {
		t.Error("Trace out of range returned data")
	}
}

// TestPropertySweep: over random parameters and inputs, no NaN and the bounds hold:
// V <= VPeak, V >= E_I − margin, V_T within [V_T,rest, V_T,rest + A_T], w >= 0, g >= 0.
func TestPropertySweep(t *testing.T) {
	r := streamSeed(11, 99, 0)
	u := func(lo, hi float64) float64 { return lo + (hi-lo)*r.float() }
	for trial := 0; trial < 12; trial++ {
		cfg := DefaultConfig()
		cfg.NE, cfg.NI, cfg.Clusters = 120, 30, 3
		cfg.Seed = uint64(trial)
		cfg.Threads = 1 + trial%2
		cfg.EtoE = Pathway{u(0, 0.5), u(0, 10)}
		cfg.EtoI = Pathway{u(0, 0.5), u(0, 10)}
		cfg.ItoE = Pathway{u(0, 0.5), u(0, 100)}
		cfg.ItoI = Pathway{u(0, 0.5), u(0, 50)}
		cfg.ExtE = Drive{Rate: u(0, 10), Weight: u(0, 3)}
		cfg.ExtI = Drive{Rate: u(0, 10), Weight: u(0, 3)}
		cfg.E.TauRef = u(0, 5)
		cfg.E.B = u(0, 2000)
		cfg.Traces = trial%3 == 0
		n, err := New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		for step := 0; step < 5; step++ {
			if err := n.Run(40); err != nil {
				t.Fatalf("trial %d: %v", trial, err)
			}
			for _, id := range []PopID{PopE, PopI} {
				p := n.pops[id]
				ge, _ := n.State(id, VarGE)
				gi, _ := n.State(id, VarGI)
				for i := range p.v {
					v, vt, w := p.v[i], p.vt[i], p.w[i]
					if v > p.p.VPeak || v < cfg.Synapses.EInh-1 {
						t.Fatalf("trial %d: %s V[%d] = %v out of bounds", trial, p.name, i, v)
					}
					if ge[i] < -1e-12 || gi[i] < -1e-12 {
						t.Fatalf("trial %d: negative conductance %v %v", trial, ge[i], gi[i])
					}
					if id == PopE && (vt < p.p.VTRest-1e-9 || vt > p.p.VTRest+p.p.AT+1e-9 || w < 0) {
						t.Fatalf("trial %d: V_T %v w %v out of bounds", trial, vt, w)
					}
				}
			}
		}
	}
}

// TestNegativeExtChannel: the training's negative events hyperpolarize through the excitatory
// channel ([J], default) or through the inhibitory one ([R]).
func TestNegativeExtChannel(t *testing.T) {
	for _, ch := range []Channel{Exc, Inh} {
		cfg := emptyConfig()
		cfg.NegativeExt = ch
		n := mustNet(t, cfg)
		id := mustPop(t, n, "T", DefaultE(), 50, Drive{Rate: 4.5, Weight: -0.8})
		if err := n.Run(50); err != nil {
			t.Fatal(err)
		}
		ge, _ := n.State(id, VarGE)
		gi, _ := n.State(id, VarGI)
		m := 0.0
		for i := range ge {
			if ch == Exc && (gi[i] != 0 || ge[i] >= 0) {
				t.Fatalf("Exc: g_E %v g_I %v", ge[i], gi[i])
			}
			if ch == Inh && (ge[i] != 0 || gi[i] <= 0) {
				t.Fatalf("Inh: g_E %v g_I %v", ge[i], gi[i])
			}
			m += ge[i] + gi[i]
		}
		// docs/MODEL.md 4.3: mean |g| = 4.5 kHz × 0.8 pF = 3.6 nS.
		if m = math.Abs(m) / 50; math.Abs(m-3.6) > 0.6 {
			t.Errorf("%v: mean |g| = %v nS, want about 3.6", ch, m)
		}
	}
}

// TestResetState: the state returns to the initial conditions of docs/MODEL.md section 6 item 4 (new random
// potentials), while weights and time are kept.
func TestResetState(t *testing.T) {
	n := smallNet(t, 2, 6)
	v0, _ := n.State(PopE, VarV)
	if err := n.Run(100); err != nil {
		t.Fatal(err)
	}
	w := n.WeightMatrix()
	n.ResetState()
	if n.Time() != 100 {
		t.Errorf("time %v after reset", n.Time())
	}
	v, _ := n.State(PopE, VarV)
	same := 0
	for i := range v {
		if v[i] < -60 || v[i] > -52 {
			t.Fatalf("V[%d] = %v outside [-60, -52]", i, v[i])
		}
		if v[i] == v0[i] {
			same++
		}
	}
	if same > 0 {
		t.Errorf("%d potentials equal the construction values; want a fresh draw", same)
	}
	for _, x := range []Var{VarW, VarGE, VarGI} {
		s, _ := n.State(PopE, x)
		for i := range s {
			if s[i] != 0 {
				t.Fatalf("%v[%d] = %v after reset", x, i, s[i])
			}
		}
	}
	vt, _ := n.State(PopE, VarVT)
	if vt[0] != -52 {
		t.Errorf("V_T %v after reset", vt[0])
	}
	if !mat.Equal(w, n.WeightMatrix()) {
		t.Error("weights changed")
	}
	if err := n.Run(50); err != nil {
		t.Fatal(err)
	}
}

// TestHookChangesNetwork: hooks may change the thread count, add monitors and populations
// between steps.
func TestHookChangesNetwork(t *testing.T) {
	n := smallNet(t, 2, 1)
	done := false
	var sm *StateMonitor
	n.Every(10, func(float64) {
		if done {
			return
		}
		done = true
		if err := n.SetThreads(3); err != nil {
			t.Error(err)
		}
		if _, err := n.AddPopulation("X", DefaultI(), 7, Drive{Rate: 1, Weight: 1}); err != nil {
			t.Error(err)
		}
		var err error
		if sm, err = n.RecordState(PopI, []int{1}, []Var{VarV}, 1); err != nil {
			t.Error(err)
		}
	})
	if err := n.Run(30); err != nil {
		t.Fatal(err)
	}
	if n.Threads() != 3 || n.NumPops() != 3 || len(sm.Times()) != 20 {
		t.Errorf("threads %d, populations %d, samples %d", n.Threads(), n.NumPops(), len(sm.Times()))
	}
}

func TestString(t *testing.T) {
	n := smallNet(t, 2, 1)
	n.AddPopulation("R", DefaultReadout(), 3, Drive{})
	got := n.String()
	for _, want := range []string{"snn.Network: t = 0 ms (dt = 0.1 ms)", "\n  E: 400 neurons, 0 spikes", "\n  I: 100 neurons", "\n  R: 3 neurons", "5 clusters"} {
		if !strings.Contains(got, want) {
			t.Errorf("%q lacks %q", got, want)
		}
	}
}
