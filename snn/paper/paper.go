package paper

import (
	"fmt"
	"strings"

	"github.com/gosnn/gosnn/snn/experiment"
)

// Scale selects the version of every run: Quick (seconds to minutes on 2 cores, a smoke test of
// the pipeline whose verdicts say how the quick runs compare) or Full (the paper's scale, hours
// to days of CPU).
type Scale string

// The two scales.
const (
	Quick Scale = "quick"
	Full  Scale = "full"
)

// ParseScale returns the scale named s ("quick" or "full").
func ParseScale(s string) (Scale, error) {
	switch Scale(s) {
	case Quick, Full:
		return Scale(s), nil
	}
	return "", fmt.Errorf("paper: scale %q: want quick or full", s)
}

// Verdict is how an entry's measurement compares with its reference.
type Verdict string

// The verdicts.
const (
	Agrees      Verdict = "agrees"       // the suggested check passes
	Disagrees   Verdict = "disagrees"    // it fails
	NotRun      Verdict = "not run"      // a run it needs is not in the output directory
	NoReference Verdict = "no reference" // measured, but there is nothing to compare with
)

// RunSpec is one named experiment run of the catalogue: its options at each scale. The run's
// directory is OUT/runs/NAME.
type RunSpec struct {
	// Name names the run and its directory.
	Name string
	// About says what the run is, in a few words.
	About string
	// After names runs whose outputs this one reads (a trained weight matrix): they run first.
	After []string
	// Quick and Full return the run's options at each scale, given the output directory (a run
	// that reads another's outputs finds them there). Nil: the run is not part of that scale.
	// An error (options that do not validate, or another run's output not there yet) makes
	// the run unavailable at that scale.
	Quick, Full func(out string) (experiment.Options, error)
	// Data lists the authors' files (package maesdata) the run reads.
	Data []string
}

// data returns the authors' files the run reads at scale s (nil when it is not part of s).
func (r RunSpec) data(s Scale) []string {
	if (s == Full && r.Full == nil) || (s == Quick && r.Quick == nil) {
		return nil
	}
	return r.Data
}

// Options returns the run's options at scale s; ok is false when the run is not part of s.
func (r RunSpec) Options(s Scale, out string) (o experiment.Options, ok bool, err error) {
	f := r.Quick
	if s == Full {
		f = r.Full
	}
	if f == nil {
		return nil, false, nil
	}
	o, err = f(out)
	if err != nil {
		return nil, true, fmt.Errorf("paper: run %s: %w", r.Name, err)
	}
	return o, true, nil
}

// Entry is one item of the catalogue: a figure of the paper (ID "Fig1" … "Fig7"), an
// acceptance item of docs/MODEL.md section 8 (ID "A1" … "A17") or one of the authors' controls
// (ID "C1" … "C4").
type Entry struct {
	// ID is "Fig1" … "Fig7", "A1" … "A17" or "C1" … "C4".
	ID string
	// Title says what the entry is about.
	Title string
	// Reference is what the paper or the authors' data say.
	Reference string
	// Source is the provenance tag of the reference (docs/MODEL.md's letters: P the paper, D the
	// authors' data, M their MATLAB code, S gosnn's own simulations of the original dynamics, J
	// their Julia code; [?] an inference).
	Source string
	// Check is the suggested check of docs/MODEL.md section 8 (or the figure's), in words.
	Check string
	// Pending names what other changes will add to the entry (a preset, an option), "" when
	// nothing.
	Pending string
	// Runs names the runs (RunSpec.Name) whose outputs the check reads; none means the check
	// reads no run (it inspects the protocol, say).
	Runs []string
	// Sweeps names the sweeps (SweepSpec.Name) whose tasks decide the check: the verdict waits
	// for every one of their tasks.
	Sweeps []string
	// Beside names sweeps the check shows beside those of Sweeps without waiting for them: the
	// report lists how far they have come and draws their finished tasks; Run makes them after
	// the sweeps of Sweeps.
	Beside []string
	// Prefer names runs that the check reads instead of some of Runs once they have finished:
	// versions made with a longer protocol (the 80-cluster network trained with the paper's
	// own protocol). Run makes them after the others; the report lists them but does not wait
	// for them: until they finish, the check reads Runs.
	Prefer []string
	// eval turns the runs found into an outcome.
	eval func(*Context) Outcome
}

// Outcome is what an entry's check made of the runs found.
type Outcome struct {
	// Measured lists the measured values, "name = value" each.
	Measured []string
	// Verdict compares them with the reference.
	Verdict Verdict
	// Note explains the verdict where it needs it.
	Note string
	// Figure is the entry's figure (nil: none): drawn to figures/ID.png.
	Figure Drawer
}

// Catalogue returns every entry, figures first, then the acceptance items in order, then the
// controls.
func Catalogue() []Entry {
	out := make([]Entry, len(entries))
	copy(out, entries)
	return out
}

// Runs returns the run specifications, in the order they run (a run after those it reads).
func Runs() []RunSpec {
	out := make([]RunSpec, len(runSpecs))
	copy(out, runSpecs)
	return out
}

// runSpec returns the specification named name.
func runSpec(name string) (RunSpec, bool) {
	for _, r := range runSpecs {
		if r.Name == name {
			return r, true
		}
	}
	return RunSpec{}, false
}

// Select returns the entries with the IDs given (case-insensitive), in catalogue order; no IDs
// means all. An unknown ID is an error that lists the known ones.
func Select(ids []string) ([]Entry, error) {
	if len(ids) == 0 {
		return Catalogue(), nil
	}
	want := map[string]bool{}
	for _, id := range ids {
		id = strings.TrimSpace(id)
		if id == "" {
			continue
		}
		found := false
		for _, e := range entries {
			if strings.EqualFold(e.ID, id) {
				want[e.ID], found = true, true
			}
		}
		if !found {
			known := make([]string, len(entries))
			for i, e := range entries {
				known[i] = e.ID
			}
			return nil, fmt.Errorf("paper: unknown entry %q (known: %s)", id, strings.Join(known, ", "))
		}
	}
	var out []Entry
	for _, e := range entries {
		if want[e.ID] {
			out = append(out, e)
		}
	}
	return out, nil
}

// runsOf returns the names of the runs the entries need, with the runs those read, in run
// order.
func runsOf(es []Entry) []string {
	need := map[string]bool{}
	var add func(string)
	add = func(n string) {
		if need[n] {
			return
		}
		need[n] = true
		if r, ok := runSpec(n); ok {
			for _, a := range r.After {
				add(a)
			}
		}
	}
	for _, e := range es {
		for _, n := range e.Runs {
			add(n)
		}
		for _, n := range e.Prefer {
			add(n)
		}
	}
	var out []string
	for _, r := range runSpecs {
		if need[r.Name] {
			out = append(out, r.Name)
		}
	}
	return out
}
