package snn

import (
	"math"
	"strings"
	"testing"
)

// Izhikevich's (2007) regular-spiking cortical pyramidal neuron.
const (
	izhC, izhK, izhVr, izhVt, izhVPeak = 100.0, 0.7, -60.0, -40.0, 35.0
	izhA, izhB, izhC0, izhD            = 0.03, -2.0, -50.0, 100.0
)

func izhRS() NeuronParams {
	return IzhikevichParams(izhC, izhK, izhVr, izhVt, izhVPeak, izhA, izhB, izhC0, izhD)
}

// TestIzhikevichMatchesEuler: a neuron driven by Poisson input follows Izhikevich's forward
// Euler scheme, written out here from his equations with the raw parameters (k, a, b, c, d)
// and fed with the conductances the network recorded in each step: the same spikes at the
// same steps, and V and u within rounding.
func TestIzhikevichMatchesEuler(t *testing.T) {
	n := mustNet(t, emptyConfig())
	id := mustPop(t, n, "Z", izhRS(), 1, Drive{Rate: 4, Weight: 1.5})
	// An inhibitory input through a second, Poisson-driven population, so both channels act.
	src := mustPop(t, n, "S", DefaultI(), 1, Drive{Rate: 6, Weight: 2})
	if _, err := n.ConnectAll(src, id, Inh, 3); err != nil {
		t.Fatal(err)
	}
	st, err := n.RecordState(id, []int{0}, []Var{VarV, VarW, VarGE, VarGI}, n.DT())
	if err != nil {
		t.Fatal(err)
	}
	sm, _ := n.RecordSpikes(id, nil)
	if err := n.Run(1000); err != nil {
		t.Fatal(err)
	}
	syn := DefaultSynapses()
	dt := n.DT()
	V, U, GE, GI := st.Trace(0, 0), st.Trace(0, 1), st.Trace(0, 2), st.Trace(0, 3)
	v, u := izhVr, 0.0
	var spikes []float64
	steps := 0
	for j, tm := range st.Times() {
		if tm == 0 {
			continue // the initial state
		}
		steps++
		if int(math.Round(tm/dt)) != steps {
			t.Fatalf("sample %d at %v ms, want step %d", j, tm, steps)
		}
		// V and u advance from their previous values (the conductances of this step).
		v, u = v+dt*(izhK*(v-izhVr)*(v-izhVt)-u+GE[j]*(syn.EExc-v)+GI[j]*(syn.EInh-v))/izhC, u+dt*izhA*(izhB*(v-izhVr)-u)
		if v > izhVPeak {
			v, u = izhC0, u+izhD
			spikes = append(spikes, tm)
		}
		if math.Abs(V[j]-v) > 1e-6 || math.Abs(U[j]-u) > 1e-6 {
			t.Fatalf("step %d: V, u = %v, %v; Euler gives %v, %v", steps, V[j], U[j], v, u)
		}
	}
	if steps != 10000 {
		t.Fatalf("%d steps recorded, want 10000", steps)
	}
	got := sm.Spikes().Time
	if len(got) < 5 || len(got) != len(spikes) {
		t.Fatalf("%d spikes, Euler gives %d (want the same, at least 5)", len(got), len(spikes))
	}
	for i := range got {
		if math.Abs(got[i]-spikes[i]) > dt/2 {
			t.Fatalf("spike %d at %v ms, Euler at %v ms", i, got[i], spikes[i])
		}
	}
}

// TestIzhikevichRheobase: with a constant excitatory conductance g the resting state of
// k x(x − Δ) − b x + g(E_E − V_r − x) = 0 (x = V − V_r, Δ = V_t − V_r, u = b x) disappears in a
// saddle-node bifurcation at (kΔ + b + g)² = 4k g (E_E − V_r). Below that conductance the
// neuron settles without firing, above it fires repetitively. The conductance is a Poisson
// drive of 10⁴ events per ms with weight g/10⁴ (mean exactly g, fluctuations about 0.4 %);
// without drive the neuron stays exactly at rest.
func TestIzhikevichRheobase(t *testing.T) {
	e := DefaultSynapses().EExc - izhVr
	// (kΔ + b + g)² = 4k e g  ⇔  g² + (2(kΔ + b) − 4k e) g + (kΔ + b)² = 0, smaller root.
	c := izhK*(izhVt-izhVr) + izhB
	p := 2*c - 4*izhK*e
	gRh := (-p - math.Sqrt(p*p-4*c*c)) / 2
	if gRh <= 0 || math.IsNaN(gRh) {
		t.Fatalf("rheobase conductance %v", gRh)
	}
	for _, tc := range []struct {
		name    string
		g       float64
		minSpk  int
		maxSpk  int
		restful bool
	}{
		{"no drive", 0, 0, 0, true},
		{"0.95 rheobase", 0.95 * gRh, 0, 0, false},
		{"1.05 rheobase", 1.05 * gRh, 3, 1000, false},
		{"3 rheobase", 3 * gRh, 10, 1000, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			n := mustNet(t, emptyConfig())
			d := Drive{}
			if tc.g > 0 {
				d = Drive{Rate: 1e4, Weight: tc.g / 1e4}
			}
			id := mustPop(t, n, "Z", izhRS(), 1, d)
			if err := n.Run(3000); err != nil {
				t.Fatal(err)
			}
			k := int(n.SpikeCount(id))
			if k < tc.minSpk || k > tc.maxSpk {
				t.Errorf("g = %.4g nS (rheobase %.4g): %d spikes in 3 s, want %d … %d", tc.g, gRh, k, tc.minSpk, tc.maxSpk)
			}
			v, _ := n.State(id, VarV)
			u, _ := n.State(id, VarW)
			if tc.restful && (v[0] != izhVr || u[0] != 0) {
				t.Errorf("without input V, u = %v, %v; want exactly %v, 0", v[0], u[0], izhVr)
			}
		})
	}
}

// TestIzhikevichThreads: a recurrent Izhikevich population with an inhibitory LIF population
// gives the same spikes for 1 and 2 threads, with finite state, also under a very strong drive.
func TestIzhikevichThreads(t *testing.T) {
	for _, w := range []float64{1, 50} {
		var ref []int32
		var refT []float64
		for _, th := range []int{1, 2} {
			cfg := emptyConfig()
			cfg.Threads = th
			cfg.Traces = true
			n := mustNet(t, cfg)
			z := mustPop(t, n, "Z", izhRS(), 60, Drive{Rate: 4, Weight: w})
			in := mustPop(t, n, "I", DefaultI(), 15, Drive{Rate: 2, Weight: 1})
			for _, c := range []struct {
				pre, post PopID
				ch        Channel
				w         float64
			}{{z, z, Exc, 0.3}, {z, in, Exc, 0.5}, {in, z, Inh, 2}} {
				if _, err := n.ConnectAll(c.pre, c.post, c.ch, c.w); err != nil {
					t.Fatal(err)
				}
			}
			sm, _ := n.RecordSpikes(z, nil)
			if err := n.Run(500); err != nil {
				t.Fatal(err)
			}
			for _, v := range []Var{VarV, VarW, VarY} {
				x, err := n.State(z, v)
				if err != nil {
					t.Fatal(err)
				}
				for i, y := range x {
					if math.IsNaN(y) || math.IsInf(y, 0) {
						t.Fatalf("weight %v: %v[%d] = %v", w, v, i, y)
					}
				}
			}
			sp := sm.Spikes()
			if th == 1 {
				ref, refT = sp.Neuron, sp.Time
				if len(ref) < 60 {
					t.Fatalf("weight %v: only %d spikes", w, len(ref))
				}
				continue
			}
			if len(sp.Neuron) != len(ref) {
				t.Fatalf("weight %v: %d spikes with 2 threads, %d with 1", w, len(sp.Neuron), len(ref))
			}
			for i := range ref {
				if sp.Neuron[i] != ref[i] || sp.Time[i] != refT[i] {
					t.Fatalf("weight %v: spike %d differs between 1 and 2 threads", w, i)
				}
			}
		}
	}
}

// TestIzhikevichValidate: the fields the model uses are checked, the AdEx-only ones are not,
// and the capabilities it lacks are refused.
func TestIzhikevichValidate(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(*NeuronParams)
		want string // "" means valid
	}{
		{"regular spiking", func(*NeuronParams) {}, ""},
		{"threshold at rest", func(p *NeuronParams) { p.VTRest = p.EL }, "Z.VTRest = -60"},
		{"NaN b", func(p *NeuronParams) { p.A = math.NaN() }, "Z.A = NaN"},
		{"infinite d", func(p *NeuronParams) { p.B = math.Inf(1) }, "Z.B = +Inf"},
		{"zero TauW", func(p *NeuronParams) { p.TauW = 0 }, "Z.TauW = 0"},
		{"negative TauM", func(p *NeuronParams) { p.TauM = -1 }, "Z.TauM = -1"},
		{"reset above peak", func(p *NeuronParams) { p.VReset = 40 }, "Z.VReset = 40"},
		{"shared refractory", func(p *NeuronParams) { p.SharedRefractory = true }, "Z.SharedRefractory"},
		{"AdEx fields ignored", func(p *NeuronParams) { p.DeltaT, p.TauT, p.Threshold = -1, math.NaN(), 7 }, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := izhRS()
			tc.edit(&p)
			err := p.Validate("Z")
			if tc.want == "" {
				if err != nil {
					t.Fatalf("unexpected error %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "snn: ") {
				t.Fatalf("error %v, want one containing %q", err, tc.want)
			}
		})
	}
	n := mustNet(t, emptyConfig())
	z := mustPop(t, n, "Z", izhRS(), 2, Drive{})
	if _, err := n.State(z, VarVT); err == nil {
		t.Error("State(VarVT) of an Izhikevich population accepted")
	}
	pr, err := n.ConnectAll(z, z, Exc, 1)
	if err != nil {
		t.Fatal(err)
	}
	if err := n.SetVoltageSTDP(pr, DefaultEEPlasticity()); err == nil {
		t.Error("SetVoltageSTDP onto an Izhikevich population accepted")
	}
	if got := Izhikevich.String(); got != "Izhikevich" {
		t.Errorf("String = %q", got)
	}
}
