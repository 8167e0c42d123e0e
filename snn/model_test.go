package snn

import (
	"strings"
	"testing"
)

// TestModelRegistry: every registered model is complete and named; a Model no file defines is
// refused by Validate (never stepped as another model) and prints as Model(n).
func TestModelRegistry(t *testing.T) {
	seen := map[string]bool{}
	for m := Model(0); m < maxModels; m++ {
		im := m.impl()
		if im == nil {
			continue
		}
		if im.name == "" || im.validate == nil || im.derive == nil {
			t.Errorf("model %d is incomplete: %+v", int(m), im)
		}
		if seen[im.name] || m.String() != im.name {
			t.Errorf("model %d: name %q duplicate or String %q", int(m), im.name, m.String())
		}
		seen[im.name] = true
	}
	for _, name := range []string{"AdEx", "LIF"} {
		if !seen[name] {
			t.Errorf("model %s not registered", name)
		}
	}
	for _, m := range []Model{-1, maxModels, maxModels - 1} {
		if m.impl() != nil {
			continue
		}
		if got, want := m.String(), "Model("; !strings.HasPrefix(got, want) {
			t.Errorf("String of unknown model %d = %q", int(m), got)
		}
		p := DefaultE()
		p.Model = m
		if err := p.Validate("P"); err == nil || !strings.Contains(err.Error(), "P.Model") {
			t.Errorf("Validate of model %d: %v, want an unknown-model error", int(m), err)
		}
		n := mustNet(t, emptyConfig())
		if _, err := n.AddPopulation("X", p, 3, Drive{}); err == nil {
			t.Errorf("AddPopulation accepted model %d", int(m))
		}
	}
}

// TestModelCapabilities: the state variables, SharedRefractory and vSTDP are accepted only for
// models that have them.
func TestModelCapabilities(t *testing.T) {
	shared := DefaultE()
	shared.SharedRefractory = true
	if err := shared.Validate("E"); err == nil || !strings.Contains(err.Error(), "E.SharedRefractory") {
		t.Errorf("AdEx with SharedRefractory: %v, want an error", err)
	}
	sharedI := DefaultInterneuron()
	sharedI.SharedRefractory = true
	if err := sharedI.Validate("H"); err != nil {
		t.Errorf("LIF with SharedRefractory: %v", err)
	}
	cfg := emptyConfig()
	cfg.Traces = true
	n := mustNet(t, cfg)
	a := mustPop(t, n, "A", DefaultE(), 2, Drive{})
	l := mustPop(t, n, "L", DefaultI(), 2, Drive{})
	for _, tc := range []struct {
		pop  PopID
		v    Var
		want bool
	}{
		{a, VarV, true}, {a, VarVT, true}, {a, VarW, true}, {a, VarUMinus, true}, {a, VarXBar, true}, {a, VarY, true},
		{l, VarV, true}, {l, VarGE, true}, {l, VarY, true},
		{l, VarVT, false}, {l, VarW, false}, {l, VarUMinus, false}, {l, VarUPlus, false}, {l, VarXBar, false},
	} {
		_, err := n.State(tc.pop, tc.v)
		_, err2 := n.RecordState(tc.pop, []int{0}, []Var{tc.v}, 1)
		if (err == nil) != tc.want || (err2 == nil) != tc.want {
			t.Errorf("%s %v: State error %v, RecordState error %v; want available = %v", n.PopName(tc.pop), tc.v, err, err2, tc.want)
		}
	}
	pr, err := n.ConnectAll(a, l, Exc, 1)
	if err != nil {
		t.Fatal(err)
	}
	if err := n.SetVoltageSTDP(pr, DefaultEEPlasticity()); err == nil || !strings.Contains(err.Error(), "LIF") {
		t.Errorf("SetVoltageSTDP onto LIF: %v, want an error", err)
	}
}
