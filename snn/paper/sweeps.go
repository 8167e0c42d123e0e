package paper

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"slices"

	"github.com/gosnn/gosnn/snn/experiment"
	"github.com/gosnn/gosnn/snn/protocol"
	"github.com/gosnn/gosnn/sweep"
)

// SweepSpec is a family of runs of the catalogue made as one sweep (package sweep) into
// OUT/sweeps/NAME: Run makes its tasks on this machine, one at a time (so that each task's
// CPU time is its own); `gosnn sweep run OUT/sweeps/NAME/spec.json -out OUT/sweeps/NAME
// -executor slurm` makes the same tasks as one Slurm job array. The report reads the tasks'
// results, whichever executor made them.
type SweepSpec struct {
	// Name names the sweep and its directory.
	Name string
	// About says what the sweep is, in a few words.
	About string
	// Quick and Full return the sweep at each scale (nil: not part of that scale).
	Quick, Full func() sweep.Spec
}

// Spec returns the sweep at scale s; ok is false when it is not part of s.
func (w SweepSpec) Spec(s Scale) (spec sweep.Spec, ok bool) {
	f := w.Quick
	if s == Full {
		f = w.Full
	}
	if f == nil {
		return sweep.Spec{}, false
	}
	return f(), true
}

// sizeFamily returns the sweep of the clock kind over cluster size with the base options
// given.
func sizeFamily(base string, sizes ...any) func() sweep.Spec {
	return func() sweep.Spec {
		return sweep.Spec{Kind: "clock", Options: json.RawMessage(base), Params: []sweep.Param{sweep.Values("Size", sizes...)}}
	}
}

// sweepSpecs are the sweeps of the catalogue.
var sweepSpecs = []SweepSpec{
	{
		Name: "sizes",
		About: "the network-size family of Fig 3 and A17 (it decides A17; Fig 3 shows it beside sizes-2400): 30 clusters of 80, 120, 160 and 200 E neurons (2400-6000 E, " +
			"a quarter as many I) with the paper's rules and protocol; p·size = 16 and E→E weight 2.83·√(0.2/p) " +
			"(snn.Config.WithClusterSize, the authors' nc160/nc200 rule: 480 E→E inputs per neuron at every size), " +
			"other weights unchanged, a documented choice since the authors' parameters for the larger networks " +
			"are not known (quick: 15 reduced clusters of 10, 20 and 40, 0.1 of the short protocol)",
		Quick: sizeFamily(`{"K": 15, "LastRecordingMs": 3000, "TimeScale": 0.1}`, 10, 20, 40),
		Full:  sizeFamily(`{"K": 30, "Paper": true}`, 80, 120, 160, 200),
	},
	{
		Name: "sizes-2400",
		About: "the authors' cluster-size variants at N_E = 2400 (it decides Fig 3), the networks of their matrices for clusters of 80 to 200 " +
			"and of the steps their data give (22.9 ms at 160, 27 ms at 200): 30 × 80, 20 × 120, 15 × 160 and 12 × 200 " +
			"with the settings of their nc160 and nc200 trainings (snn.ClusterSizeSetup: p·size = 16 and E→E weight " +
			"2.83·√(0.2/p), so that a neuron's E→E inputs fall from 480 to 192 as their weight grows; E→I and I→I not " +
			"rescaled; I→E bounds 40 and 200) and the paper's protocol; 120 and 200 first, 160 last (the training of " +
			"run train-nc160 again) (quick: 120 E in 12 reduced clusters of 10, 6 of 20 and 3 of 40, 0.1 of the short protocol)",
		Quick: sizeFamily(`{"K": 0, "NE": 120, "LastRecordingMs": 3000, "TimeScale": 0.1}`, 10, 20, 40),
		Full:  sizeFamily(`{"K": 0, "NE": 2400, "Paper": true}`, 120, 200, 80, 160),
	},
	{
		Name: "sizes-budget",
		About: "the test of why the 30-cluster family speeds up (A17; docs/MODEL.md 4.2): 30 clusters of 120 and 160 E neurons as in sweep sizes, " +
			"but with the initial E→E weight held at the 30 × 80 network's 2.83 pF (experiment clock EEWeight), so that every neuron's E→E input, " +
			"the budget the normalisation keeps, is 1358 pF at every size (sizes' 30 × 80 is the same network at 80); full scale only " +
			"(the reduced families keep their weights at every size anyway)",
		Full: sizeFamily(`{"K": 30, "Paper": true, "EEWeight": 2.83}`, 120, 160),
	},
}

// Sweeps returns the sweep specifications.
func Sweeps() []SweepSpec {
	out := make([]SweepSpec, len(sweepSpecs))
	copy(out, sweepSpecs)
	return out
}

// sweepSpec returns the sweep named name.
func sweepSpec(name string) (SweepSpec, bool) {
	for _, w := range sweepSpecs {
		if w.Name == name {
			return w, true
		}
	}
	return SweepSpec{}, false
}

// sweepDir returns the directory of sweep name under out.
func sweepDir(out, name string) string { return filepath.Join(out, "sweeps", name) }

// sweepsOf returns the names of the sweeps the entries need: those that decide an entry
// (Entry.Sweeps), then those shown beside (Entry.Beside), each in catalogue order.
func sweepsOf(es []Entry) []string {
	decide, beside := map[string]bool{}, map[string]bool{}
	for _, e := range es {
		for _, n := range e.Sweeps {
			decide[n] = true
		}
		for _, n := range e.Beside {
			beside[n] = true
		}
	}
	var out []string
	for _, need := range []map[string]bool{decide, beside} {
		for _, w := range sweepSpecs {
			if need[w.Name] && !slices.Contains(out, w.Name) {
				out = append(out, w.Name)
			}
		}
	}
	return out
}

// sweepCommand is the gosnn command that makes the tasks of the sweep in dir (add
// -executor slurm for a cluster).
func sweepCommand(dir string) string {
	return fmt.Sprintf("gosnn sweep run %s -out %s", filepath.Join(dir, "spec.json"), dir)
}

// runSweep makes the tasks of sweep w not done yet in OUT/sweeps/NAME with cfg.Executor (nil:
// here, one at a time); it reports whether it ran any.
func runSweep(ctx context.Context, cfg RunConfig, out string, w SweepSpec, spec sweep.Spec, logf func(string, ...any)) (bool, error) {
	dir := sweepDir(out, w.Name)
	if cfg.Threads > 0 {
		spec.Threads = cfg.Threads
	}
	// The Slurm options: cfg.Slurm's, else those of the spec.json there (a user's edit).
	spec.Slurm = cfg.Slurm
	if reflect.ValueOf(cfg.Slurm).IsZero() {
		if old, err := sweep.Open(dir); err == nil {
			spec.Slurm = old.Spec.Slurm
		}
	}
	s, err := sweep.Prepare(spec, dir)
	if err != nil {
		return false, fmt.Errorf("paper: sweep %s (scale %s): %w", w.Name, cfg.Scale, err)
	}
	done := 0
	for _, t := range s.Tasks {
		if s.Done(t) {
			done++
		}
	}
	if done == len(s.Tasks) {
		logf("sweep %s: finished before (%s), skipped", w.Name, dir)
		return false, nil
	}
	logf("sweep %s: %s (%d of %d tasks to make into %s)", w.Name, w.About, len(s.Tasks)-done, len(s.Tasks), dir)
	x := cfg.Executor
	if x == nil {
		x = sweep.Local{Workers: 1}
	}
	last := done
	err = x.Run(ctx, s, func(st sweep.Status) {
		if st.Done != last {
			last = st.Done
			logf("sweep %s: %d of %d tasks done", w.Name, st.Done, st.Total)
		}
	})
	if err != nil {
		return false, fmt.Errorf("paper: sweep %s: %w", w.Name, err)
	}
	return true, nil
}

// sweepTask is a finished task of a sweep: its options and its result envelope's result.
type sweepTask struct {
	options experiment.Options
	result  json.RawMessage
}

// sweepState reads the sweep name in out: its finished tasks and its task count (a missing
// sweep has none of either).
func sweepState(out, name string) (*sweep.Sweep, []sweepTask, error) {
	dir := sweepDir(out, name)
	if _, err := os.Stat(filepath.Join(dir, "spec.json")); errors.Is(err, fs.ErrNotExist) {
		return nil, nil, nil
	}
	s, err := sweep.Open(dir)
	if err != nil {
		return nil, nil, fmt.Errorf("paper: %w", err)
	}
	var done []sweepTask
	for _, t := range s.Tasks {
		b, err := s.Result(t)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, nil, fmt.Errorf("paper: %w", err)
		}
		var env experiment.Envelope
		if err := json.Unmarshal(b, &env); err != nil {
			return nil, nil, fmt.Errorf("paper: sweep %s, task %d: result: %w", name, t.Index, err)
		}
		o, err := s.Spec.TaskOptions(t)
		if err != nil {
			return nil, nil, fmt.Errorf("paper: sweep %s: %w", name, err)
		}
		done = append(done, sweepTask{options: o, result: env.Result})
	}
	return s, done, nil
}

// sweepScale returns the scale whose version of w has the tasks of s ("" for neither).
func sweepScale(w SweepSpec, s *sweep.Sweep) Scale {
	for _, sc := range []Scale{Quick, Full} {
		spec, ok := w.Spec(sc)
		if !ok {
			continue
		}
		tasks, err := spec.Expand()
		if err != nil || len(tasks) != len(s.Tasks) {
			continue
		}
		same := true
		for i := range tasks {
			same = same && tasks[i].ID == s.Tasks[i].ID
		}
		if same {
			return sc
		}
	}
	return ""
}

// sweepReport describes sweep name of out for the report, and whether every task is done.
func sweepReport(out, name string, scale Scale) (RunReport, bool, error) {
	w, _ := sweepSpec(name)
	dir := sweepDir(out, name)
	rr := RunReport{Name: "sweep " + name, Command: sweepCommand(dir), Rerun: sweepCommand(dir) + " -executor slurm"}
	s, done, err := sweepState(out, name)
	if err != nil {
		return rr, false, err
	}
	if s == nil {
		if _, ok := w.Spec(scale); !ok {
			rr.Status = fmt.Sprintf("not part of the %s scale", scale)
			return rr, true, nil
		}
		rr.Status = "missing"
		return rr, false, nil
	}
	rr.Scale = sweepScale(w, s)
	for _, t := range done {
		var cost struct{ WallS, CPUS float64 }
		if json.Unmarshal(t.result, &cost) == nil {
			rr.WallSeconds += cost.WallS
			rr.CPUSeconds += cost.CPUS
		}
	}
	if len(done) < len(s.Tasks) {
		rr.Status = fmt.Sprintf("missing (%d of %d tasks done)", len(done), len(s.Tasks))
		// The tasks under way say how far they have come (their trainings' state files).
		for _, t := range s.Tasks {
			if _, err := s.Result(t); err == nil {
				continue
			}
			if pr, err := protocol.ReadProgress(s.TaskDir(t)); err == nil && pr.PhasesDone > 0 {
				rr.Status += "; task " + t.PointString() + " " + soFar(pr)
			}
		}
		rr.partial = len(done) > 0
		return rr, false, nil
	}
	rr.Status = fmt.Sprintf("finished (%d tasks)", len(s.Tasks))
	return rr, true, nil
}
