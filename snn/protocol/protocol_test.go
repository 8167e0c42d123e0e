package protocol

import (
	"context"
	"errors"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/gosnn/gosnn/internal/snntest"

	"github.com/gosnn/gosnn/snn"
	"github.com/gosnn/gosnn/snn/analysis"
	"github.com/gosnn/gosnn/snn/snnio"
	"gonum.org/v1/gonum/mat"
)

// The default Stimulate phase in the natural order is the §7.1 schedule of TrainingSchedule.
func TestSequenceScheduleMatchesTraining(t *testing.T) {
	for _, k := range []int{1, 3, 30} {
		for _, d := range []float64{10, 16, 1000, 4501} {
			ph := Stimulate(nil, d)
			got := SequenceSchedule(ph.Order, k, ph.OnMs, ph.SlotMs, ph.ExtraRate, d)
			want := snn.TrainingSchedule(k, d)
			// TrainingSchedule does not cut the last stimulus at the end; compare the starts
			// and clusters and the stops up to the end.
			if len(got) != len(want) {
				t.Fatalf("k=%d d=%v: %d stimuli, want %d", k, d, len(got), len(want))
			}
			for i := range got {
				w := want[i]
				w.StopMs = math.Min(w.StopMs, d)
				if got[i] != w {
					t.Fatalf("k=%d d=%v: stimulus %d = %+v, want %+v", k, d, i, got[i], w)
				}
			}
		}
	}
}

func TestSequenceSchedulePermuted(t *testing.T) {
	order := []int{2, 0, 3, 1}
	st := SequenceSchedule(order, 4, 5, 10, 7, 100)
	if len(st) != 9 {
		t.Fatalf("%d stimuli, want 9 (starts 11 … 91)", len(st))
	}
	for i, s := range st {
		n := i + 1
		want := snn.Stimulus{Cluster: order[n%4], StartMs: 10*float64(n) + 1, StopMs: 10*float64(n) + 6, ExtraRate: 7}
		if s != want {
			t.Errorf("stimulus %d = %+v, want %+v", i, s, want)
		}
	}
	if SequenceSchedule(nil, 0, 9, 15, 18, 100) != nil || SequenceSchedule(order, 4, 9, 15, 18, math.NaN()) != nil {
		t.Error("empty order or NaN duration should give no schedule")
	}
}

func TestProtocolValues(t *testing.T) {
	p := Paper()
	if len(p) != 121 {
		t.Errorf("paper protocol has %d phases, want 1 + 60 + 60", len(p))
	}
	if d := p.DurationMs(); d != 3000+30*122000+30*123000 {
		t.Errorf("paper protocol lasts %v ms, want 7353000", d)
	}
	nStim, nRec, nSpont := 0, 0, 0
	for _, ph := range p {
		switch ph.Kind {
		case PhaseStimulate:
			nStim++
			if !ph.Plastic || ph.PlasticDelayMs != 0 || ph.OnMs != 9 || ph.SlotMs != 15 || ph.ExtraRate != 18 {
				t.Errorf("stimulation phase %+v", ph)
			}
		case PhaseRecord:
			nRec++
			if ph.Plastic {
				t.Errorf("recording phase is plastic: %+v", ph)
			}
		case PhaseSpontaneous:
			nSpont++
			if !ph.Plastic || ph.PlasticDelayMs != 1000 {
				t.Errorf("consolidation phase %+v, want plastic from 1 s", ph)
			}
		}
	}
	if nStim != 31 || nRec != 60 || nSpont != 30 {
		t.Errorf("phases: %d stimulate, %d record, %d spontaneous", nStim, nRec, nSpont)
	}
	if err := p.Validate(30); err != nil {
		t.Error(err)
	}
	if err := Short().Validate(30); err != nil {
		t.Error(err)
	}
	if s := PhaseRecord.String(); s != "record" {
		t.Errorf("PhaseRecord.String() = %q", s)
	}
}

func TestProtocolValidateErrors(t *testing.T) {
	bad := func(f func(*Phase)) Protocol {
		ph := Stimulate([]int{0, 1}, 100)
		f(&ph)
		return Protocol{ph}
	}
	for _, tc := range []struct {
		name string
		p    Protocol
		want string
	}{
		{"negative duration", bad(func(p *Phase) { p.DurationMs = -1 }), "DurationMs"},
		{"NaN delay", bad(func(p *Phase) { p.PlasticDelayMs = math.NaN() }), "PlasticDelayMs"},
		{"on longer than slot", bad(func(p *Phase) { p.OnMs = 15 }), "OnMs"},
		{"zero slot", bad(func(p *Phase) { p.SlotMs = 0 }), "SlotMs"},
		{"negative rate", bad(func(p *Phase) { p.ExtraRate = -1 }), "ExtraRate"},
		{"cluster out of range", bad(func(p *Phase) { p.Order = []int{0, 5} }), "cluster 5"},
		{"unknown kind", Protocol{{Kind: 9}}, "unknown kind"},
	} {
		err := tc.p.Validate(3)
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "protocol: ") {
			t.Errorf("%s: error %v, want one naming %q", tc.name, err, tc.want)
		}
	}
}

func tinyPlasticNet(t *testing.T, seed uint64) *snn.Network {
	t.Helper()
	cfg := snn.ReducedConfig(3, 20)
	cfg.Seed = seed
	cfg.Threads = 1
	n := snntest.MustNet(t, cfg)
	attachPaperRules(t, n)
	return n
}

// attachPaperRules attaches the paper's vSTDP, iSTDP and normalisation (docs/MODEL.md 5.1-5.3).
func attachPaperRules(t testing.TB, n *snn.Network) {
	t.Helper()
	if err := n.SetVoltageSTDP(snn.ProjEtoE, snn.DefaultEEPlasticity()); err != nil {
		t.Fatal(err)
	}
	if err := n.SetInhibitorySTDP(snn.ProjItoE, snn.DefaultIEPlasticity()); err != nil {
		t.Fatal(err)
	}
	if err := n.SetNormalization(snn.ProjEtoE, snn.DefaultNormalization()); err != nil {
		t.Fatal(err)
	}
}

// Run leaves the network spontaneous and frozen, reports every phase, and records
// spikes only in recording phases.
func TestRunProtocolPhases(t *testing.T) {
	n := tinyPlasticNet(t, 1)
	p := Protocol{Stimulate([]int{2, 1, 0}, 200), Record(100), Spontaneous(100, true)}
	p[2].PlasticDelayMs = 40
	var seen []int
	rep, err := Run(context.Background(), n, p, Options{OnPhase: func(r PhaseReport) { seen = append(seen, r.Index) }})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(seen, []int{0, 1, 2}) || len(rep.Phases) != 3 || rep.Resumed != 0 {
		t.Fatalf("phases seen %v, report %d phases, resumed %d", seen, len(rep.Phases), rep.Resumed)
	}
	if n.Plastic() {
		t.Error("network left plastic")
	}
	if math.Abs(n.Time()-400) > 1e-9 {
		t.Errorf("network time %v, want 400 ms", n.Time())
	}
	rec := rep.LastRecording()
	if rec == nil || rec.Index != 1 || rec.Replay == nil || rec.Spikes == nil {
		t.Fatalf("last recording %+v", rec)
	}
	for _, tt := range rec.Spikes.Time {
		if tt <= 200 || tt > 300 {
			t.Fatalf("recorded spike at %v ms, outside the recording phase (200, 300]", tt)
		}
	}
	if rep.Phases[2].StartMs != 300 || rep.Phases[2].EndMs != 400 {
		t.Errorf("phase 2 times %v-%v", rep.Phases[2].StartMs, rep.Phases[2].EndMs)
	}
	// E input is back to the spontaneous drive.
	for i := 0; i < n.Size(snn.PopE); i++ {
		d := n.Drive(snn.PopE)
		if r, w := n.PoissonInput(snn.PopE, i); r != d.Rate || w != d.Weight {
			t.Fatalf("E neuron %d: rate %v weight %v after the protocol, want %v %v", i, r, w, d.Rate, d.Weight)
		}
	}
}

// An interrupted protocol with a Dir resumes after its last finished phase, from the saved
// weights; a finished one resumes to nothing; another protocol in the same Dir is refused.
func TestRunProtocolResume(t *testing.T) {
	dir := t.TempDir()
	p := Protocol{Stimulate(nil, 150), Record(50), Stimulate(nil, 150)}
	n := tinyPlasticNet(t, 2)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var afterFirst *mat.Dense
	_, err := Run(ctx, n, p, Options{Dir: dir, OnPhase: func(r PhaseReport) {
		if r.Index == 1 {
			afterFirst = n.WeightMatrix()
			cancel()
		}
	}})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("interrupted run: error %v, want context.Canceled", err)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "weights-*.npy"))
	if len(files) != 1 || filepath.Base(files[0]) != "weights-0002.npy" {
		t.Fatalf("snapshots %v, want only weights-0002.npy", files)
	}
	if _, err := os.Stat(filepath.Join(dir, "blocks-0002.npy")); err != nil {
		t.Errorf("recording snapshot: %v", err)
	}
	if pr, err := ReadProgress(dir); err != nil || pr.PhasesDone != 2 || pr.EndMs != 200 || !(pr.WallSeconds > 0) || !(pr.CPUSeconds > 0) {
		t.Errorf("ReadProgress after two phases: %+v, %v: want 2 phases to 200 ms with their cost", pr, err)
	}
	if pr, err := ReadProgress(t.TempDir()); err != nil || pr != (Progress{}) {
		t.Errorf("ReadProgress of an empty directory: %+v, %v: want nothing", pr, err)
	}
	snap, err := snnio.LoadWeights(files[0])
	if err != nil {
		t.Fatal(err)
	}
	if !mat.Equal(snap, afterFirst) {
		t.Error("snapshot after phase 1 differs from the interrupted run's weights")
	}
	probe := tinyPlasticNet(t, 2)
	if err := snnio.ReadWeightsNpy(probe, files[0]); err != nil || !mat.Equal(probe.WeightMatrix(), snap) {
		t.Errorf("readWeightsNpy: %v", err)
	}
	// A damaged snapshot is an error and leaves the weights as they were.
	before := probe.WeightMatrix()
	b, err := os.ReadFile(files[0])
	if err != nil {
		t.Fatal(err)
	}
	cut := filepath.Join(t.TempDir(), "cut.npy")
	if err := os.WriteFile(cut, b[:len(b)-8], 0o644); err != nil {
		t.Fatal(err)
	}
	if err := snnio.ReadWeightsNpy(tinyPlasticNet(t, 2), cut); err == nil || !strings.Contains(err.Error(), "truncated") {
		t.Errorf("truncated snapshot: err = %v, want a truncation error", err)
	}
	if err := snnio.ReadWeightsNpy(probe, cut); err == nil || !mat.Equal(probe.WeightMatrix(), before) {
		t.Errorf("truncated snapshot changed the weights (err %v)", err)
	}

	m := tinyPlasticNet(t, 2)
	var resumed []int
	rep, err := Run(context.Background(), m, p, Options{Dir: dir, OnPhase: func(r PhaseReport) {
		if r.Resumed {
			resumed = append(resumed, r.Index)
		}
	}})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Resumed != 2 || !reflect.DeepEqual(resumed, []int{0, 1}) || len(rep.Phases) != 3 {
		t.Fatalf("resumed %d %v, %d phases", rep.Resumed, resumed, len(rep.Phases))
	}
	if math.Abs(m.Time()-150) > 1e-9 {
		t.Errorf("resumed run simulated %v ms, want only the last phase (150)", m.Time())
	}
	if rep.Phases[2].StartMs != 200 {
		t.Errorf("phase 2 starts at protocol time %v, want 200", rep.Phases[2].StartMs)
	}
	// The cost of the whole protocol counts the phases of the interrupted run: each phase
	// of 50-150 simulated ms costs CPU time, which the state file kept.
	for _, ph := range rep.Phases {
		if !(ph.CPUSeconds > 0) || !(ph.Wall > 0) {
			t.Errorf("phase %d (resumed %v): wall %v, CPU %v s, want both > 0", ph.Index, ph.Resumed, ph.Wall, ph.CPUSeconds)
		}
	}
	if wall, cpu := rep.Total(); !(cpu > rep.Phases[2].CPUSeconds) || !(wall > rep.Phases[2].Wall) {
		t.Errorf("Total() = %v, %v s: want more than the last phase alone (%v, %v s)", wall, cpu, rep.Phases[2].Wall, rep.Phases[2].CPUSeconds)
	}

	// Finished: nothing left to run.
	again := tinyPlasticNet(t, 2)
	rep, err = Run(context.Background(), again, p, Options{Dir: dir})
	if err != nil || rep.Resumed != 3 || again.Time() != 0 {
		t.Errorf("finished protocol: err %v, resumed %d, time %v", err, rep.Resumed, again.Time())
	}
	if pr, err := ReadProgress(dir); err != nil || pr.PhasesDone != 3 || pr.EndMs != 350 {
		t.Errorf("ReadProgress when finished: %+v, %v: want 3 phases to 350 ms", pr, err)
	}
	// Another protocol or network in the same Dir.
	if _, err := Run(context.Background(), tinyPlasticNet(t, 2), p[:2], Options{Dir: dir}); err == nil || !strings.Contains(err.Error(), "another protocol") {
		t.Errorf("other protocol: %v", err)
	}
	if _, err := Run(context.Background(), tinyPlasticNet(t, 3), p, Options{Dir: dir}); err == nil {
		t.Error("other seed accepted")
	}
	// The same network and protocol with a tag (weights set some other way) is another run.
	if _, err := Run(context.Background(), tinyPlasticNet(t, 2), p, Options{Dir: dir, Tag: "EEWeight=2"}); err == nil || !strings.Contains(err.Error(), "another protocol") {
		t.Errorf("other tag: %v", err)
	}
	other := tinyPlasticNet(t, 2)
	r := snn.DefaultEEPlasticity()
	r.ALTP *= 2
	other.SetVoltageSTDP(snn.ProjEtoE, r)
	if _, err := Run(context.Background(), other, p, Options{Dir: dir}); err == nil {
		t.Error("other E→E rule accepted")
	}
	// A damaged state file is reported, not ignored.
	os.WriteFile(filepath.Join(dir, "state.json"), []byte("{"), 0o644)
	if _, err := Run(context.Background(), tinyPlasticNet(t, 2), p, Options{Dir: dir}); err == nil || !strings.HasPrefix(err.Error(), "protocol: ") {
		t.Errorf("damaged state: %v", err)
	}
	if _, err := ReadProgress(dir); err == nil || !strings.HasPrefix(err.Error(), "protocol: ") {
		t.Errorf("ReadProgress of a damaged state: %v, want an error", err)
	}
}

func TestLTPUpdatesAndStopSpikes(t *testing.T) {
	n := tinyPlasticNet(t, 4)
	if err := n.ScheduleStimuli(SequenceSchedule(nil, 3, 9, 15, 18, 300), snn.DefaultTrainingDrive()); err != nil {
		t.Fatal(err)
	}
	m, _ := n.RecordSpikes(snn.PopE, nil)
	if err := n.Run(100); err != nil {
		t.Fatal(err)
	}
	if n.LTPUpdates() != 0 {
		t.Errorf("LTP updates %d while not plastic", n.LTPUpdates())
	}
	n.StopSpikes(m)
	c := len(m.Spikes().Time)
	n.SetPlastic(true)
	if err := n.Run(200); err != nil {
		t.Fatal(err)
	}
	if len(m.Spikes().Time) != c {
		t.Errorf("stopped monitor grew from %d to %d spikes", c, len(m.Spikes().Time))
	}
	u := n.LTPUpdates()
	if u <= 0 {
		t.Errorf("LTP updates %d after 200 ms of stimulation with plasticity", u)
	}
	// Re-preparing the workers keeps the count.
	n.SetThreads(2)
	if err := n.Run(0.1); err != nil {
		t.Fatal(err)
	}
	if n.LTPUpdates() < u {
		t.Errorf("LTP updates went down from %d to %d after SetThreads", u, n.LTPUpdates())
	}
}

type recHost struct {
	ctx context.Context
	got []snn.Progress
}

func (h *recHost) Context() context.Context { return h.ctx }
func (h *recHost) Progress(p snn.Progress)  { h.got = append(h.got, p) }

// The host sees the progress of every phase with its place in the protocol, and nothing
// protocol-related after the protocol.
func TestRunProtocolHostProgress(t *testing.T) {
	n := tinyPlasticNet(t, 5)
	h := &recHost{ctx: context.Background()}
	n.SetHost(h)
	p := Protocol{Stimulate(nil, 30), Record(20)}
	if _, err := Run(context.Background(), n, p, Options{}); err != nil {
		t.Fatal(err)
	}
	var finals []int
	for _, g := range h.got {
		if g.Phases != 2 {
			t.Fatalf("progress %+v: Phases %d, want 2", g, g.Phases)
		}
		if g.Final {
			finals = append(finals, g.Phase)
		}
	}
	if !reflect.DeepEqual(finals, []int{0, 1}) {
		t.Errorf("final reports of phases %v, want [0 1]", finals)
	}
	h.got = nil
	if err := n.Run(10); err != nil {
		t.Fatal(err)
	}
	if len(h.got) == 0 || h.got[len(h.got)-1].Phases != 0 {
		t.Errorf("progress after the protocol: %+v", h.got)
	}
}

// Stimulating only some clusters is allowed; recordings are then analysed in the natural order.
func TestRunProtocolPartialOrder(t *testing.T) {
	n := tinyPlasticNet(t, 6)
	rep, err := Run(context.Background(), n, Protocol{Stimulate([]int{2, 0}, 60), Record(20)}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.LastRecording().Replay == nil {
		t.Error("no replay analysis")
	}
}

// The streaming writer and the CSR block means agree with the dense paths.
func TestWriteWeightsNpyAndBlocks(t *testing.T) {
	n := tinyPlasticNet(t, 8)
	n.SetPlastic(true)
	if err := n.ScheduleStimuli(SequenceSchedule(nil, 3, 9, 15, 18, 200), snn.DefaultTrainingDrive()); err != nil {
		t.Fatal(err)
	}
	if err := n.Run(200); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "w.npy")
	if err := snnio.WriteWeightsNpy(n, path); err != nil {
		t.Fatal(err)
	}
	got, err := snnio.LoadWeights(path)
	if err != nil {
		t.Fatal(err)
	}
	if !mat.Equal(got, n.WeightMatrix()) {
		t.Error("WriteWeightsNpy differs from WeightMatrix")
	}
	ee, _ := n.Weights(snn.ProjEtoE)
	want, err := analysis.ClusterBlockMatrix(ee, n.Clusters(), true)
	if err != nil {
		t.Fatal(err)
	}
	if b, err := eeBlocks(n); err != nil || !mat.EqualApprox(b, want, 1e-12) {
		t.Errorf("eeBlocks (%v)\n%v\nwant\n%v", err, mat.Formatted(b), mat.Formatted(want))
	}
	if err := snnio.WriteWeightsNpy(n, filepath.Join(t.TempDir(), "no", "dir", "w.npy")); err == nil || !strings.HasPrefix(err.Error(), "snnio: ") {
		t.Errorf("unwritable path: %v", err)
	}
}

// FuzzProtocolState: any state file gives an error or a consistent state, never a panic.
func FuzzProtocolState(f *testing.F) {
	f.Add([]byte(`{"version":1,"fingerprint":"x","phases_done":1,"weights":"weights-0001.npy","phases":[{"index":0,"kind":0,"RateE":null}]}`))
	f.Add([]byte(`{"version":1,"phases_done":0,"phases":[]}`))
	f.Add([]byte(`{"version":1,"phases_done":1,"weights":"../x.npy","phases":[{}]}`))
	f.Add([]byte(`{`))
	f.Add([]byte(`{"version":1,"phases_done":1,"weights":"w.npy","spikes":"../s.npy","spikes_phase":0,"phases":[{}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, stateFile), b, 0o644); err != nil {
			t.Fatal(err)
		}
		st, err := readProtocolState(dir)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "protocol: ") {
				t.Fatalf("error without prefix: %v", err)
			}
			return
		}
		if st.PhasesDone != len(st.Phases) || (st.PhasesDone > 0 && filepath.Base(st.Weights) != st.Weights) || st.Spikes != "" && filepath.Base(st.Spikes) != st.Spikes {
			t.Fatalf("inconsistent state accepted: %+v", st)
		}
		for _, r := range st.Phases {
			_ = r.report()
		}
	})
}

// A protocol resumed after its last recording still reports that recording's spikes (kept in
// Dir), so that a run killed after the protocol and rerun loses nothing; only the last
// recording's spikes are kept.
func TestRunProtocolResumeKeepsSpikes(t *testing.T) {
	dir := t.TempDir()
	p := Protocol{Stimulate(nil, 100), Record(400), Record(400)}
	rep, err := Run(context.Background(), tinyPlasticNet(t, 2), p, Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	rec := rep.LastRecording()
	if rec == nil || rec.Index != 2 || rec.Spikes.Len() == 0 {
		t.Fatalf("first run: last recording %+v", rec)
	}
	again := tinyPlasticNet(t, 2)
	rep2, err := Run(context.Background(), again, p, Options{Dir: dir})
	if err != nil || rep2.Resumed != 3 || again.Time() != 0 {
		t.Fatalf("finished protocol: err %v, resumed %d, time %v", err, rep2.Resumed, again.Time())
	}
	rec2 := rep2.LastRecording()
	if rec2 == nil || rec2.Index != 2 || !rec2.Resumed || !reflect.DeepEqual(rec2.Spikes, rec.Spikes) {
		t.Errorf("resumed last recording %+v, want phase 2 with its %d spikes", rec2, rec.Spikes.Len())
	}
	if rep2.Phases[1].Spikes != nil {
		t.Error("an earlier recording's spikes were restored")
	}
	if sp, _ := filepath.Glob(filepath.Join(dir, "spikes-*.npy")); len(sp) != 1 || filepath.Base(sp[0]) != "spikes-0003.npy" {
		t.Errorf("spike snapshots %v, want spikes-0003.npy only", sp)
	}
	// A damaged spike snapshot is an error naming it, not a silent loss.
	if err := os.WriteFile(filepath.Join(dir, "spikes-0003.npy"), []byte("junk"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Run(context.Background(), tinyPlasticNet(t, 2), p, Options{Dir: dir}); err == nil || !strings.Contains(err.Error(), "spikes-0003.npy") {
		t.Errorf("damaged spike snapshot: %v", err)
	}
}

// TestHostProtocolPhases: Run decorates the run's host (the context's one
// here, not the network's) so that every report carries its phase; runs after the protocol,
// and the host itself, carry none.
func TestHostProtocolPhases(t *testing.T) {
	n := tinyPlasticNet(t, 5)
	own := &recHost{ctx: context.Background()}
	n.SetHost(own)
	h := &recHost{ctx: context.Background()}
	p := Protocol{Stimulate(nil, 30), Spontaneous(10, false), Record(20)}
	if _, err := Run(snn.WithHost(context.Background(), h), n, p, Options{}); err != nil {
		t.Fatal(err)
	}
	if len(own.got) != 0 {
		t.Errorf("the network's host got %d reports of a protocol run with a host in its context", len(own.got))
	}
	var starts, finals []int
	for _, r := range h.got {
		if r.Phases != len(p) {
			t.Fatalf("report %+v: Phases %d, want %d", r, r.Phases, len(p))
		}
		if r.Start {
			starts = append(starts, r.Phase)
		}
		if r.Final {
			finals = append(finals, r.Phase)
		}
	}
	if len(starts) < 3 || len(finals) != len(starts) || finals[len(finals)-1] != 2 || starts[0] != 0 {
		t.Errorf("phases of Start reports %v and of Final reports %v", starts, finals)
	}
	if n.Host() != own {
		t.Error("the protocol changed the network's host")
	}
	if err := n.Run(5); err != nil {
		t.Fatal(err)
	}
	if len(own.got) != 2 || own.got[1].Phases != 0 {
		t.Errorf("run after the protocol: %+v", own.got)
	}
}
