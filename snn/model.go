package snn

import "fmt"

// The neuron-model seam. Everything that differs between neuron models lives in one file per
// model, model_<name>.go (e.g. model_adex.go, model_lif.go): the Model constant and its doc,
// the validation of the NeuronParams fields the model uses, the derived constants, the
// per-neuron loop of docs/MODEL.md section 2 steps 4c-4e, the state variables it has and
// whether it keeps the postsynaptic vSTDP traces. Each such file registers its model from an
// init function with registerModel; the models table below is written only there, during
// package initialisation, and only read afterwards. The rest of the core (Validate, kinetics,
// integrate, value, checkVar, SetVoltageSTDP) asks the table and names no model.
//
// To add a model: copy model_lif.go to model_<name>.go, pick an unused Model number, and write
// its validation and step function; see CONTRIBUTING.md at the repository root.

// maxModels bounds the Model values (0 … maxModels−1).
const maxModels = 16

// models maps a Model to its implementation; nil entries are unknown models. It is filled
// by the model files' init functions only (registerModel) and read-only afterwards.
var models [maxModels]*modelImpl

// modelImpl is the implementation of one neuron model.
type modelImpl struct {
	// name is Model.String's result, e.g. "AdEx".
	name string
	// validate checks the fields of p that the model uses beyond the common ones
	// (NeuronParams.Validate checks C, TauM, EL, VReset, VPeak, TauRef, VInitLow, VInitHigh for
	// every model); name prefixes field names in the error (use fieldError).
	validate func(p *NeuronParams, name string) error
	// derive returns the model's stepper for parameters p (already validated) and time step
	// dt: the model's constants, computed once per population when the workers are built.
	derive func(p *NeuronParams, dt float64) stepper
	// vt and w say whether the model has the state variables VarVT and VarW (the neuron
	// cells' vt and w arrays); State and RecordState refuse the others.
	vt, w bool
	// vstdpPost says whether the step keeps the postsynaptic vSTDP traces ū−, ū+ and x̄ (the
	// population may be the postsynaptic side of SetVoltageSTDP). Every model decays the
	// iSTDP trace y and adds 1 to it at a spike (docs/MODEL.md 5.2).
	vstdpPost bool
	// sharedRefractory says whether the step honours NeuronParams.SharedRefractory (kin.shared,
	// population.lastAny); Validate refuses SharedRefractory for the other models.
	sharedRefractory bool
}

// stepper is a model's per-neuron loop with its derived constants.
type stepper interface {
	// step runs docs/MODEL.md section 2 steps 4c-4e (4a's decay of the traces included) for
	// the neurons lo … hi−1 of p at step s (time t, after step 4b: arrivals has added the
	// external input to inE/inI), appends the indices within p (lo+i) of the neurons that
	// spiked to buf from position cnt and returns the new count. k holds the constants every
	// model shares (conductances, membrane, refractoriness, traces). It is called once per
	// population and worker range per step, so a call costs nothing per neuron.
	step(k *kin, p *population, lo, hi int, s int64, t float64, buf []int32, cnt int32) int32
}

// registerModel enters impl as the implementation of m. It is called only from the model
// files' init functions; a duplicate or out-of-range Model is a programming error and panics
// at package initialisation.
func registerModel(m Model, impl *modelImpl) {
	if m < 0 || int(m) >= maxModels || models[m] != nil {
		panic(fmt.Sprintf("snn: registerModel(%d, %q): Model out of range or already registered", int(m), impl.name))
	}
	models[m] = impl
}

// impl returns the implementation of m, or nil for an unknown model.
func (m Model) impl() *modelImpl {
	if m < 0 || int(m) >= maxModels {
		return nil
	}
	return models[m]
}

// String returns the model's name ("AdEx", "LIF", …), or Model(n) for an unknown one.
func (m Model) String() string {
	if im := m.impl(); im != nil {
		return im.name
	}
	return fmt.Sprintf("Model(%d)", int(m))
}

// hasVar says whether a population of model m has state variable v; every model has V, GE,
// GI and the traces (which need Config.Traces or a rule, see checkVar), VT and W only some.
func (im *modelImpl) hasVar(v Var) bool {
	switch v {
	case VarVT:
		return im.vt
	case VarW:
		return im.w
	case VarUMinus, VarUPlus, VarXBar:
		return im.vstdpPost
	}
	return true
}
