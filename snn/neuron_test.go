package snn

import (
	"math"
	"testing"
)

// emptyConfig is a Config with no recurrent neurons, for single-neuron tests.
func emptyConfig() Config {
	cfg := DefaultConfig()
	cfg.NE, cfg.NI, cfg.Clusters = 0, 0, 0
	cfg.Threads = 1
	return cfg
}

func mustNet(t testing.TB, cfg Config) *Network {
	t.Helper()
	n, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func mustPop(t testing.TB, n *Network, name string, p NeuronParams, size int, d Drive) PopID {
	t.Helper()
	id, err := n.AddPopulation(name, p, size, d)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// TestLIFInterspikeInterval: a LIF neuron whose leak reversal lies above threshold (a constant
// suprathreshold input) fires regularly. The interval must match the exact solution of the
// Euler recursion V_{n+1} = V_n + dt(E_L − V_n)/τ, and the continuous-time interval
// τ_ref + τ·ln((V_reset − E_L)/(V_th − E_L)) to within one step.
func TestLIFInterspikeInterval(t *testing.T) {
	for _, tc := range []struct {
		name            string
		el, tau, tauRef float64
	}{
		{"EL=-40,tau=20,ref=5", -40, 20, 5},
		{"EL=-30,tau=10,ref=1", -30, 10, 1},
		{"EL=-50,tau=20,ref=0", -50, 20, 0},
		{"EL=0,tau=5,ref=2", 0, 5, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			n := mustNet(t, emptyConfig())
			p := DefaultI()
			p.EL, p.TauM, p.TauRef = tc.el, tc.tau, tc.tauRef
			p.VInitLow, p.VInitHigh = p.VReset, p.VReset
			id := mustPop(t, n, "L", p, 1, Drive{})
			sm, _ := n.RecordSpikes(id, nil)
			if err := n.Run(500); err != nil {
				t.Fatal(err)
			}
			sp := sm.Spikes()
			if sp.Len() < 3 {
				t.Fatalf("only %d spikes", sp.Len())
			}
			dt := n.DT()
			// Exact discrete interval: steps until V_n > V_th starting from V_reset.
			steps := 0
			v := p.VReset
			for v <= p.VPeak {
				v += dt * (p.EL - v) / p.TauM
				steps++
			}
			ref := int(math.Round(p.TauRef / dt))
			want := float64(ref+steps) * dt
			cont := p.TauRef + p.TauM*math.Log((p.VReset-p.EL)/(p.VPeak-p.EL))
			for k := 1; k < sp.Len(); k++ {
				isi := sp.Time[k] - sp.Time[k-1]
				if math.Abs(isi-want) > 1e-9 {
					t.Fatalf("interval %d = %v ms, want %v ms (Euler)", k, isi, want)
				}
				if math.Abs(isi-cont) > dt {
					t.Fatalf("interval %d = %v ms, continuous-time value %v ms", k, isi, cont)
				}
			}
		})
	}
}

// singleSpiker adds a LIF neuron that fires exactly once, at its first possible crossing,
// and never again (τ_ref is huge); it returns its population.
func singleSpiker(t *testing.T, n *Network) PopID {
	p := DefaultI()
	p.EL, p.TauRef = 100, 1e9
	p.VInitLow, p.VInitHigh = -53, -53
	return mustPop(t, n, "A", p, 1, Drive{})
}

// TestConductanceKernel: one spike of weight W produces g(t) whose time integral is W and
// whose peak time and value match the difference of exponentials of docs/MODEL.md 4.1.
func TestConductanceKernel(t *testing.T) {
	for _, ch := range []Channel{Exc, Inh} {
		t.Run(ch.String(), func(t *testing.T) {
			const W = 3.0
			n := mustNet(t, emptyConfig())
			a := singleSpiker(t, n)
			b := mustPop(t, n, "B", DefaultI(), 1, Drive{})
			if _, err := n.ConnectOneToOne(a, b, ch, W); err != nil {
				t.Fatal(err)
			}
			v := VarGE
			tr, td := 1.0, 6.0
			if ch == Inh {
				v, tr, td = VarGI, 0.5, 2
			}
			sa, _ := n.RecordSpikes(a, nil)
			sm, err := n.RecordState(b, []int{0}, []Var{v}, n.DT())
			if err != nil {
				t.Fatal(err)
			}
			if err := n.Run(200); err != nil {
				t.Fatal(err)
			}
			if sa.Spikes().Len() != 1 {
				t.Fatalf("driver spiked %d times, want 1", sa.Spikes().Len())
			}
			ts := sa.Spikes().Time[0]
			g, times := sm.Trace(0, 0), sm.Times()
			integral, peak, tpeak := 0.0, 0.0, 0.0
			for k, x := range g {
				if x < 0 {
					t.Fatalf("g(%v) = %v < 0", times[k], x)
				}
				if times[k] <= ts && x != 0 {
					t.Fatalf("g(%v) = %v before the spike at %v", times[k], x, ts)
				}
				integral += x * n.DT()
				if x > peak {
					peak, tpeak = x, times[k]
				}
			}
			if math.Abs(integral-W) > 1e-6*W {
				t.Errorf("integral of g = %v, want W = %v", integral, W)
			}
			// Continuous kernel, with the one-step delay: arrival at ts + dt.
			tp := math.Log(td/tr) * tr * td / (td - tr)
			gp := W * (math.Exp(-tp/td) - math.Exp(-tp/tr)) / (td - tr)
			if got := tpeak - ts - n.DT(); math.Abs(got-tp) > 0.15 {
				t.Errorf("peak at %v ms after arrival, want %v", got, tp)
			}
			if math.Abs(peak-gp) > 0.06*gp {
				t.Errorf("peak g = %v nS, want %v", peak, gp)
			}
		})
	}
}

// TestAdExJumpsAndDecay: after a spike V_T = V_T,rest + A_T (or += A_T) and w jumps by b;
// both then relax exactly as the Euler recursion of docs/MODEL.md 3.1 says.
func TestAdExJumpsAndDecay(t *testing.T) {
	for _, mode := range []ThresholdMode{ThresholdSet, ThresholdIncrement} {
		n := mustNet(t, emptyConfig())
		p := DefaultE()
		p.EL = -45 // above V_T,rest: fires without input
		p.TauRef = 1e9
		p.Threshold = mode
		p.VInitLow, p.VInitHigh = -50, -50
		id := mustPop(t, n, "E1", p, 1, Drive{})
		sm, _ := n.RecordSpikes(id, nil)
		st, err := n.RecordState(id, []int{0}, []Var{VarVT, VarW, VarV}, n.DT())
		if err != nil {
			t.Fatal(err)
		}
		if err := n.Run(300); err != nil {
			t.Fatal(err)
		}
		if sm.Spikes().Len() != 1 {
			t.Fatalf("%d spikes, want 1", sm.Spikes().Len())
		}
		ts := sm.Spikes().Time[0]
		vt, w, v, times := st.Trace(0, 0), st.Trace(0, 1), st.Trace(0, 2), st.Times()
		k0 := -1
		for k := range times {
			if math.Abs(times[k]-ts) < 1e-9 {
				k0 = k
			}
		}
		if k0 < 1 {
			t.Fatal("spike step not sampled")
		}
		wantVT := p.VTRest + p.AT
		if mode == ThresholdIncrement {
			// V_T relaxed during the previous steps of this step, then the jump.
			wantVT = vt[k0-1] + n.DT()*(p.VTRest-vt[k0-1])/p.TauT + p.AT
		}
		if math.Abs(vt[k0]-wantVT) > 1e-9 {
			t.Errorf("mode %v: V_T after spike = %v, want %v", mode, vt[k0], wantVT)
		}
		wantW := w[k0-1]*(1-n.DT()/p.TauW) + p.B
		if math.Abs(w[k0]-wantW) > 1e-9 {
			t.Errorf("w after spike = %v, want %v", w[k0], wantW)
		}
		if v[k0] != p.VReset {
			t.Errorf("V after spike = %v, want V_reset %v", v[k0], p.VReset)
		}
		for k := k0 + 1; k < len(times); k++ {
			m := float64(k - k0)
			if e := p.VTRest + (vt[k0]-p.VTRest)*math.Pow(1-n.DT()/p.TauT, m); math.Abs(vt[k]-e) > 1e-9 {
				t.Fatalf("V_T(%v) = %v, want %v", times[k], vt[k], e)
			}
			if e := w[k0] * math.Pow(1-n.DT()/p.TauW, m); math.Abs(w[k]-e) > 1e-9*p.B {
				t.Fatalf("w(%v) = %v, want %v", times[k], w[k], e)
			}
			if v[k] != p.VReset {
				t.Fatalf("V(%v) = %v while refractory, want %v", times[k], v[k], p.VReset)
			}
		}
	}
}

// TestPoissonInput: arrivals of the per-neuron renewal process have mean and variance
// rate·T (Poisson counts), and a rate change takes effect from the next interval.
func TestPoissonInput(t *testing.T) {
	n := mustNet(t, emptyConfig())
	const rate, T, N = 2.0, 50.0, 4000 // kHz, ms, neurons
	id := mustPop(t, n, "P", DefaultI(), N, Drive{Rate: rate, Weight: 1})
	p := n.pops[id]
	counts := make([]float64, N)
	arrivals(p, 0, N, T, &kin{}, make([]int32, N))
	for i := 0; i < N; i++ {
		counts[i] = p.inE[i]
	}
	mean, vr := meanVar(counts)
	want := rate * T
	se := math.Sqrt(want / N)
	if math.Abs(mean-want) > 5*se {
		t.Errorf("mean count %v, want %v ± %v", mean, want, 5*se)
	}
	if math.Abs(vr/want-1) > 0.1 {
		t.Errorf("variance %v, want %v (Poisson)", vr, want)
	}
	// Rate 0 stops the input after the interval already drawn; SetRate restarts it.
	if err := n.SetRates(id, 0, N, 0); err != nil {
		t.Fatal(err)
	}
	arrivals(p, 0, N, 1e6, &kin{}, make([]int32, N))
	for i := 0; i < N; i++ {
		if !math.IsInf(p.next[i], 1) {
			t.Fatalf("neuron %d: next arrival %v with rate 0", i, p.next[i])
		}
	}
	if err := n.SetRate(id, 3, 1); err != nil {
		t.Fatal(err)
	}
	if math.IsInf(p.next[3], 1) || p.next[3] < n.Time() {
		t.Errorf("restarted neuron: next arrival %v", p.next[3])
	}
}

func meanVar(x []float64) (float64, float64) {
	m := 0.0
	for _, v := range x {
		m += v
	}
	m /= float64(len(x))
	s := 0.0
	for _, v := range x {
		s += (v - m) * (v - m)
	}
	return m, s / float64(len(x)-1)
}

// TestExpDraw: the ziggurat exponential has mean 1 and variance 1.
func TestExpDraw(t *testing.T) {
	r := streamSeed(7, 1, 0)
	x := make([]float64, 400000)
	for i := range x {
		x[i] = r.exp()
		if x[i] < 0 || bad(x[i]) {
			t.Fatalf("draw %v", x[i])
		}
	}
	m, v := meanVar(x)
	if math.Abs(m-1) > 0.01 || math.Abs(v-1) > 0.02 {
		t.Errorf("mean %v variance %v, want 1 and 1", m, v)
	}
	// Tail: P(X > 3) = e^-3.
	c := 0
	for _, v := range x {
		if v > 3 {
			c++
		}
	}
	if f := float64(c) / float64(len(x)); math.Abs(f-math.Exp(-3)) > 0.003 {
		t.Errorf("P(X>3) = %v, want %v", f, math.Exp(-3))
	}
}

// TestThresholdModes: at a second spike while V_T is still raised, ThresholdSet puts V_T at
// V_T,rest + A_T and ThresholdIncrement adds A_T to the relaxed value (docs/MODEL.md 3.1, §9 item 8).
func TestThresholdModes(t *testing.T) {
	for _, mode := range []ThresholdMode{ThresholdSet, ThresholdIncrement} {
		n := mustNet(t, emptyConfig())
		p := DefaultE()
		p.EL, p.TauRef, p.B, p.Threshold = 0, 2, 0, mode
		id := mustPop(t, n, "E1", p, 1, Drive{})
		st, _ := n.RecordState(id, []int{0}, []Var{VarVT}, n.DT())
		sm, _ := n.RecordSpikes(id, nil)
		if err := n.Run(20); err != nil {
			t.Fatal(err)
		}
		sp := sm.Spikes()
		if sp.Len() < 2 {
			t.Fatalf("%v: spikes %v, want at least 2", mode, sp.Time)
		}
		vt := st.Trace(0, 0)
		k := int(math.Round(sp.Time[1]/n.DT())) - 1 // sample of the second spike step
		relaxed := vt[k-1] + n.DT()*(p.VTRest-vt[k-1])/p.TauT
		want := p.VTRest + p.AT
		if mode == ThresholdIncrement {
			want = relaxed + p.AT
			if want <= p.VTRest+p.AT+1 {
				t.Fatalf("V_T had relaxed to %v before the second spike: test does not discriminate", relaxed)
			}
		}
		if math.Abs(vt[k]-want) > 1e-9 {
			t.Errorf("%v: V_T after the second spike %v, want %v", mode, vt[k], want)
		}
	}
}

// TestDecayTraceFlushesSubnormals checks the trace decay of the step loop: normal values decay
// as x − d·x, and a trace left alone reaches exactly 0 instead of sticking at a subnormal
// number that the decay can no longer shrink (which made long plastic runs slow).
func TestDecayTraceFlushesSubnormals(t *testing.T) {
	const d = 0.1 / 3.5 // dt/τ of x̄
	for _, x := range []float64{1, 0.5, 3e-200, 1e-300} {
		if got, want := decayTrace(x, d), x-d*x; got != want {
			t.Errorf("decayTrace(%g) = %g, want %g", x, got, want)
		}
	}
	if got := decayTrace(0x1p-1022, d); got != 0 {
		t.Errorf("a trace decaying below the smallest normal number is %g, want 0", got)
	}
	// Without the flush the plain decay gets stuck above 0.
	stuck := 1.0
	for i := 0; i < 100000; i++ {
		stuck -= d * stuck
	}
	if stuck == 0 {
		t.Fatal("the plain decay reached 0: the flush would be unneeded (check the test's premise)")
	}
	x, steps := 1.0, 0
	for x != 0 && steps < 100000 {
		x = decayTrace(x, d)
		steps++
	}
	if x != 0 {
		t.Fatalf("after %d steps the trace is %g, want 0", steps, x)
	}
	t.Logf("plain decay stuck at %g; decayTrace reaches 0 after %d steps (%.2f s at dt = 0.1 ms)", stuck, steps, float64(steps)*1e-4)
}

// TestNoSubnormalState switches a network's input off and lets it fall silent: after 3 s
// every state variable that decays towards 0 (conductances, adaptation, spike traces) must
// be exactly 0 or a normal number, not stuck at a subnormal one (slow arithmetic: see
// minNormal in step.go).
func TestNoSubnormalState(t *testing.T) {
	cfg := DefaultConfig()
	cfg.NE, cfg.NI, cfg.Clusters = 400, 100, 5
	cfg.Threads, cfg.Seed, cfg.Traces = 1, 3, true
	n := mustNet(t, cfg)
	n.Run(100)
	if err := n.SetRates(PopE, 0, n.Size(PopE), 0); err != nil {
		t.Fatal(err)
	}
	if err := n.SetRates(PopI, 0, n.Size(PopI), 0); err != nil {
		t.Fatal(err)
	}
	n.Run(3000) // x̄ needs about 2.5 s to fall from 1 below the normal range; conductances 0.7 s
	sub := func(x float64) bool { return x != 0 && math.Abs(x) < 0x1p-1022 }
	count, zeros := 0, 0
	for _, p := range n.pops {
		for i := range p.v {
			for _, x := range []float64{p.xrE[i], p.xdE[i], p.xrI[i], p.xdI[i], p.w[i], p.xb[i], p.y[i]} {
				if sub(x) {
					count++
				}
				if x == 0 {
					zeros++
				}
			}
		}
	}
	if count > 0 {
		t.Errorf("%d state variables are subnormal after the network fell silent", count)
	}
	if zeros == 0 {
		t.Error("no state variable decayed to 0: the test did not exercise the decay")
	}
}
