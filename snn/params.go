package snn

import (
	"fmt"
	"math"
)

// Model selects the membrane equation of a population. Each model is defined, validated and
// stepped in its own file, model_<name>.go (AdEx in model_adex.go, LIF in model_lif.go;
// model.go describes the seam); a Model that no file defines is refused by
// NeuronParams.Validate.
type Model int

// ThresholdMode says how the adaptive threshold V_T jumps at a spike (docs/MODEL.md section 9, item 8).
type ThresholdMode int

const (
	// ThresholdSet sets V_T = VTRest + AT after a spike ([J], the default for Go).
	ThresholdSet ThresholdMode = iota
	// ThresholdIncrement adds AT to the current V_T ([M], read-out-phase code).
	ThresholdIncrement
)

// String returns "ThresholdSet" or "ThresholdIncrement".
func (m ThresholdMode) String() string {
	switch m {
	case ThresholdSet:
		return "ThresholdSet"
	case ThresholdIncrement:
		return "ThresholdIncrement"
	}
	return fmt.Sprintf("ThresholdMode(%d)", int(m))
}

// Channel is a synaptic channel: excitatory or inhibitory conductance (docs/MODEL.md section 4.1).
type Channel int

const (
	// Exc is the excitatory conductance (reversal Synapses.EExc, rise/decay 1/6 ms).
	Exc Channel = iota
	// Inh is the inhibitory conductance (reversal Synapses.EInh, rise/decay 0.5/2 ms).
	Inh
)

// String returns "Exc" or "Inh".
func (c Channel) String() string {
	switch c {
	case Exc:
		return "Exc"
	case Inh:
		return "Inh"
	}
	return fmt.Sprintf("Channel(%d)", int(c))
}

// NeuronParams are the parameters of one population's neuron model (docs/MODEL.md section 3).
// Units: mV, ms, pF, nS, pA.
type NeuronParams struct {
	Model  Model   // membrane equation; its doc (e.g. AdEx, LIF) says which fields below it uses
	C      float64 // membrane capacitance, pF (docs/MODEL.md 3.1: 300)
	TauM   float64 // membrane time constant C/g_L, ms (3.1: τ_E = 20; 3.2: τ_I = 20)
	EL     float64 // leak reversal, mV (3.1: −70 for E; 3.2: −62 for I)
	DeltaT float64 // AdEx slope factor Δ_T, mV (3.1: 2); other models: see their doc
	VTRest float64 // AdEx threshold at rest V_T,rest, mV (3.1: −52); other models: see their doc
	AT     float64 // AdEx threshold jump A_T after a spike, mV (3.1: 10); other models: see their doc
	TauT   float64 // AdEx threshold time constant τ_T, ms (3.1: 30); other models: see their doc
	VReset float64 // reset potential, mV (3.1, 3.2: −60)
	VPeak  float64 // spike when V > VPeak after the Euler step, mV (3.1: 20; LIF threshold 3.2: −52)
	TauRef float64 // refractory period, ms (3.1, 3.2: 5; R, S, H: 1)
	A      float64 // AdEx subthreshold adaptation a, nS (3.1: 0); other models: see their doc
	B      float64 // AdEx spike-triggered adaptation b, pA (3.1: 1000; R, S: 0); other models: see their doc
	TauW   float64 // AdEx adaptation time constant τ_w, ms (3.1: 100); other models: see their doc
	// Threshold says how V_T jumps at a spike (docs/MODEL.md section 9 item 8; default ThresholdSet).
	Threshold ThresholdMode
	// VInitLow and VInitHigh bound the uniform initial membrane potential, mV (docs/MODEL.md 3.1,
	// section 9 item 13: U[−60, −52]; set both to −60 for the [R] replication's initial state).
	VInitLow, VInitHigh float64
	// SharedRefractory gives the whole population one refractory clock: a spike of any neuron
	// makes every neuron refractory for TauRef, and the neurons are updated in index order, so a
	// later neuron cannot spike in the step of an earlier one. It reproduces [M]'s read-out
	// interneurons H (docs/MODEL.md section 9 item 14); the default, false, is per-neuron
	// refractoriness. Such a population is stepped by one worker. Only models whose doc says
	// so accept it (LIF).
	SharedRefractory bool
}

// DefaultE returns the parameters of the recurrent excitatory neurons (docs/MODEL.md section 3.1).
func DefaultE() NeuronParams {
	return NeuronParams{
		Model: AdEx, C: 300, TauM: 20, EL: -70, DeltaT: 2, VTRest: -52, AT: 10, TauT: 30,
		VReset: -60, VPeak: 20, TauRef: 5, A: 0, B: 1000, TauW: 100,
		Threshold: ThresholdSet, VInitLow: -60, VInitHigh: -52,
	}
}

// DefaultI returns the parameters of the recurrent inhibitory neurons (docs/MODEL.md section 3.2).
func DefaultI() NeuronParams {
	return NeuronParams{
		Model: LIF, C: 300, TauM: 20, EL: -62, VReset: -60, VPeak: -52, TauRef: 5,
		VTRest: -52, DeltaT: 2, AT: 0, TauT: 30, TauW: 100,
		VInitLow: -60, VInitHigh: -52,
	}
}

// DefaultReadout returns the parameters of the read-out neurons R and the supervisor neurons S:
// the E model with b = 0, τ_w = 10 ms and τ_ref = 1 ms (docs/MODEL.md sections 3.3 and 3.4).
func DefaultReadout() NeuronParams {
	p := DefaultE()
	p.B = 0
	p.TauW = 10
	p.TauRef = 1
	return p
}

// DefaultInterneuron returns the parameters of the read-out interneurons H: the I model with
// τ_ref = 1 ms (docs/MODEL.md section 3.5), refractory per neuron (section 9 item 14).
func DefaultInterneuron() NeuronParams {
	p := DefaultI()
	p.TauRef = 1
	return p
}

// Synapses are the conductance kinetics shared by all populations (docs/MODEL.md section 4.1).
type Synapses struct {
	TauRiseE  float64 // excitatory rise time constant, ms (1)
	TauDecayE float64 // excitatory decay time constant, ms (6)
	TauRiseI  float64 // inhibitory rise time constant, ms (0.5)
	TauDecayI float64 // inhibitory decay time constant, ms (2)
	EExc      float64 // excitatory reversal potential, mV (0)
	EInh      float64 // inhibitory reversal potential, mV (−75)
}

// DefaultSynapses returns the kinetics of docs/MODEL.md section 4.1.
func DefaultSynapses() Synapses {
	return Synapses{TauRiseE: 1, TauDecayE: 6, TauRiseI: 0.5, TauDecayI: 2, EExc: 0, EInh: -75}
}

// Pathway is one recurrent pathway: Bernoulli connection probability and uniform initial
// weight (docs/MODEL.md section 4.2). Weights are in "pF" = nS·ms, the integral of the conductance.
type Pathway struct {
	P float64 // connection probability in [0, 1]
	W float64 // initial weight, pF (nS·ms), >= 0
}

// Drive is external Poisson input to every neuron of a population (docs/MODEL.md section 4.3).
type Drive struct {
	Rate   float64 // kHz (events per ms); 0 switches the input off
	Weight float64 // pF per event; negative values are the training's net inhibition (4.3)
	// Channel is the conductance the events arrive through: Exc (default; a negative weight
	// then goes where Config.NegativeExt says) or Inh (the weight, >= 0, adds to the inhibitory
	// conductance: the inhibitory Poisson input that silences non-selected read-out neurons,
	// section 4.3).
	Channel Channel
}

// Config describes the recurrent E/I network of docs/MODEL.md sections 1-4 and 6.
// DefaultConfig returns the published values; Validate checks them.
type Config struct {
	DT       float64 // Euler time step, ms (docs/MODEL.md section 2: 0.1)
	NE       int     // number of excitatory neurons (section 1: 2400)
	NI       int     // number of inhibitory neurons (section 1: 600)
	Clusters int     // number of E clusters of equal size; must divide NE (section 1: 30)

	E, I     NeuronParams // neuron models (sections 3.1 and 3.2)
	Synapses Synapses     // conductance kinetics (section 4.1)

	EtoE Pathway // E→E (section 4.2: p 0.2, W 2.83)
	EtoI Pathway // E→I (section 4.2: p 0.2, W 1.96)
	ItoE Pathway // I→E (section 4.2: p 0.2, W 62.87)
	ItoI Pathway // I→I (section 4.2: p 0.2, W 20.91)

	ExtE Drive // spontaneous external input to E (section 4.3: 4.5 kHz × 1.6)
	ExtI Drive // spontaneous external input to I (section 4.3: 2.25 kHz × 1.52)

	// NegativeExt is the channel that receives external events of negative weight, the
	// training's net −0.8 input (docs/MODEL.md section 9 item 1): Exc adds them to the excitatory
	// conductance as [J] does (default for Go); Inh adds |w| to the inhibitory channel as [R] does.
	NegativeExt Channel

	// Traces enables the plasticity traces ū−, ū+, x̄ (E) and y (all) of docs/MODEL.md section 5.
	// They cost time and are off for static runs; plasticity turns them on.
	Traces bool

	// LastENeuronBug reproduces the off-by-one of the original training code (docs/MODEL.md
	// section 9 item 7: [J] tests cc < Ne where it means cc <= Ne). The last E neuron (index
	// NE−1) is then integrated with the I model and parameters and receives the I external
	// drive (ExtI) whatever the stimulus; its spikes enter the inhibitory conductance of their
	// targets with its E weights; it has no vSTDP traces, so its outgoing E synapses get no
	// LTP and its spikes cause no LTD; and E→E normalisation, which divides by zero for it in
	// the original, holds its E inputs at the floor Normalization.WMin. iSTDP treats it as an
	// E neuron (section 9 item 19). The default, false, is the fixed behaviour (default for
	// Go). It needs NE >= 1 and a LIF I model.
	LastENeuronBug bool

	Seed    uint64 // seed of every random draw (connectivity, initial state, Poisson input)
	Threads int    // worker goroutines; 0: adapted to the size and the load (Network.Threads)
}

// DefaultConfig returns the main network of docs/MODEL.md: 2400 E in 30 clusters of 80, 600 I,
// p = 0.2 on all four pathways, spontaneous input, seed 1.
func DefaultConfig() Config {
	return Config{
		DT: 0.1, NE: 2400, NI: 600, Clusters: 30,
		E: DefaultE(), I: DefaultI(), Synapses: DefaultSynapses(),
		EtoE: Pathway{0.2, 2.83}, EtoI: Pathway{0.2, 1.96},
		ItoE: Pathway{0.2, 62.87}, ItoI: Pathway{0.2, 20.91},
		ExtE: Drive{Rate: 4.5, Weight: 1.6}, ExtI: Drive{Rate: 2.25, Weight: 1.52},
		NegativeExt: Exc,
		Seed:        1,
	}
}

// Scaled returns c with the size-scaling rule of docs/MODEL.md section 4.2 applied: N_E and N_I
// multiplied by mult (rounded, clusters kept at the same count) and the initial weights
// multiplied by 1/sqrt(mult). mult = 8/3 gives the 6400 E / 1600 I song network.
func (c Config) Scaled(mult float64) Config {
	f := 1 / math.Sqrt(mult)
	c.NE = int(math.Round(float64(c.NE) * mult))
	c.NI = int(math.Round(float64(c.NI) * mult))
	c.EtoE.W *= f
	c.EtoI.W *= f
	c.ItoE.W *= f
	c.ItoI.W *= f
	return c
}

// WithClusterSize returns c with E clusters of the given size at fixed N_E, following the
// authors' cluster-size variants (docs/MODEL.md section 4.2): p·size = 16 on all four pathways and
// the E→E weight 2.83·sqrt(0.2/p) for the 80-neuron default; other weights unchanged.
func (c Config) WithClusterSize(size int) Config {
	if size <= 0 {
		c.Clusters = 0
		return c
	}
	p := 16 / float64(size)
	c.Clusters = c.NE / size
	if c.Clusters*size != c.NE {
		c.Clusters = -size // Validate reports the mismatch
	}
	c.EtoE = Pathway{p, 2.83 * math.Sqrt(0.2/p)}
	c.EtoI.P, c.ItoE.P, c.ItoI.P = p, p, p
	return c
}

// fieldError formats a validation error naming the field and its value.
func fieldError(field string, v any, why string) error {
	return fmt.Errorf("snn: %s = %v: %s", field, v, why)
}

func bad(x float64) bool { return math.IsNaN(x) || math.IsInf(x, 0) }

// Validate checks the neuron parameters: the fields every model uses (C, TauM, EL, VReset,
// VPeak, TauRef, VInitLow, VInitHigh, SharedRefractory), then those of its Model (see the
// Model's doc); name prefixes field names in the error.
func (p *NeuronParams) Validate(name string) error {
	im := p.Model.impl()
	if im == nil {
		return fieldError(name+".Model", p.Model, "unknown model")
	}
	type f struct {
		n string
		v float64
	}
	for _, x := range []f{{"C", p.C}, {"TauM", p.TauM}, {"EL", p.EL}, {"VReset", p.VReset}, {"VPeak", p.VPeak},
		{"TauRef", p.TauRef}, {"VInitLow", p.VInitLow}, {"VInitHigh", p.VInitHigh}} {
		if bad(x.v) {
			return fieldError(name+"."+x.n, x.v, "must be a finite number")
		}
	}
	if p.C <= 0 {
		return fieldError(name+".C", p.C, "must be > 0")
	}
	if p.TauM <= 0 {
		return fieldError(name+".TauM", p.TauM, "time constant must be > 0")
	}
	if p.TauRef < 0 {
		return fieldError(name+".TauRef", p.TauRef, "refractory period must be >= 0")
	}
	if p.VReset >= p.VPeak {
		return fieldError(name+".VReset", p.VReset, fmt.Sprintf("must be below VPeak (%v)", p.VPeak))
	}
	if p.VInitLow > p.VInitHigh {
		return fieldError(name+".VInitLow", p.VInitLow, fmt.Sprintf("must not exceed VInitHigh (%v)", p.VInitHigh))
	}
	if p.SharedRefractory && !im.sharedRefractory {
		return fieldError(name+".SharedRefractory", p.SharedRefractory, fmt.Sprintf("not supported by the %v model", p.Model))
	}
	return im.validate(p, name)
}

// Validate checks the synaptic kinetics; name prefixes field names in the error.
func (s *Synapses) Validate(name string) error {
	for _, x := range []struct {
		n string
		v float64
	}{{"TauRiseE", s.TauRiseE}, {"TauDecayE", s.TauDecayE}, {"TauRiseI", s.TauRiseI}, {"TauDecayI", s.TauDecayI}} {
		if bad(x.v) || x.v <= 0 {
			return fieldError(name+"."+x.n, x.v, "time constant must be > 0")
		}
	}
	if s.TauRiseE == s.TauDecayE {
		return fieldError(name+".TauDecayE", s.TauDecayE, "must differ from TauRiseE")
	}
	if s.TauRiseI == s.TauDecayI {
		return fieldError(name+".TauDecayI", s.TauDecayI, "must differ from TauRiseI")
	}
	if bad(s.EExc) {
		return fieldError(name+".EExc", s.EExc, "must be a finite number")
	}
	if bad(s.EInh) {
		return fieldError(name+".EInh", s.EInh, "must be a finite number")
	}
	return nil
}

func validateDrive(name string, d Drive) error {
	if bad(d.Rate) || d.Rate < 0 {
		return fieldError(name+".Rate", d.Rate, "rate (kHz) must be finite and >= 0")
	}
	if bad(d.Weight) {
		return fieldError(name+".Weight", d.Weight, "must be a finite number")
	}
	switch {
	case d.Channel != Exc && d.Channel != Inh:
		return fieldError(name+".Channel", d.Channel, "must be Exc or Inh")
	case d.Channel == Inh && d.Weight < 0:
		return fieldError(name+".Weight", d.Weight, "must be >= 0 on the Inh channel")
	}
	return nil
}

// Validate checks every field and returns an error naming the first bad field and its value,
// e.g. "snn: Config.E.TauW = -1: time constant must be > 0".
func (c *Config) Validate() error {
	if bad(c.DT) || c.DT <= 0 {
		return fieldError("Config.DT", c.DT, "time step must be > 0")
	}
	if c.NE < 0 {
		return fieldError("Config.NE", c.NE, "must be >= 0")
	}
	if c.NI < 0 {
		return fieldError("Config.NI", c.NI, "must be >= 0")
	}
	if c.NE+c.NI > math.MaxInt32/2 {
		return fieldError("Config.NE", c.NE, "network too large")
	}
	if c.Clusters < 0 || (c.Clusters == 0 && c.NE > 0) || (c.Clusters > 0 && c.NE%c.Clusters != 0) {
		return fieldError("Config.Clusters", c.Clusters, fmt.Sprintf("must be a positive divisor of NE (%d)", c.NE))
	}
	if err := c.E.Validate("Config.E"); err != nil {
		return err
	}
	if err := c.I.Validate("Config.I"); err != nil {
		return err
	}
	if err := c.Synapses.Validate("Config.Synapses"); err != nil {
		return err
	}
	for _, x := range []struct {
		n string
		p Pathway
	}{{"EtoE", c.EtoE}, {"EtoI", c.EtoI}, {"ItoE", c.ItoE}, {"ItoI", c.ItoI}} {
		if bad(x.p.P) || x.p.P < 0 || x.p.P > 1 {
			return fieldError("Config."+x.n+".P", x.p.P, "probability must be in [0, 1]")
		}
		if bad(x.p.W) || x.p.W < 0 {
			return fieldError("Config."+x.n+".W", x.p.W, "weight must be finite and >= 0")
		}
	}
	if err := validateDrive("Config.ExtE", c.ExtE); err != nil {
		return err
	}
	if err := validateDrive("Config.ExtI", c.ExtI); err != nil {
		return err
	}
	if c.NegativeExt != Exc && c.NegativeExt != Inh {
		return fieldError("Config.NegativeExt", c.NegativeExt, "must be Exc or Inh")
	}
	if c.Threads < 0 {
		return fieldError("Config.Threads", c.Threads, "must be >= 0")
	}
	if c.LastENeuronBug && (c.NE < 1 || c.I.Model != LIF) {
		return fieldError("Config.LastENeuronBug", c.LastENeuronBug, "needs NE >= 1 and a LIF I model")
	}
	return nil
}
