package protocol

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/gosnn/gosnn/internal/cpustat"

	"github.com/gosnn/gosnn/internal/atomicfile"

	"github.com/gosnn/gosnn/snn"
	"github.com/gosnn/gosnn/snn/analysis"
	"github.com/gosnn/gosnn/snn/snnio"
	"gonum.org/v1/gonum/mat"
)

// Options adjusts Run. The zero value runs in memory with the training drive
// of docs/MODEL.md 4.3 and reports nothing on the way.
type Options struct {
	// Dir, if set, makes the run resumable: after every phase the full weight matrix is saved
	// atomically to Dir/weights-NNNN.npy and the progress to Dir/state.json (atomic); the
	// E→E cluster-block matrix of every recording phase goes to Dir/blocks-NNNN.npy, and the
	// E spikes of the last recording phase to Dir/spikes-NNNN.npy (n × 2: time in ms, neuron),
	// so that a resumed run still reports them. A later
	// Run with the same Dir and protocol on a network built the same way (same
	// configuration, seed and rules) loads the last snapshot and goes on with the next phase.
	// Neuron state is not saved: a resumed run starts from the network's current state
	// (docs/MODEL.md section 9 item 5: the original re-initialises it every 2-min call anyway).
	Dir string
	// Drive is the E drive during stimulation (zero: DefaultTrainingDrive).
	Drive snn.TrainingDrive
	// Replay configures the analysis of recording phases (and the block means); a nil Order
	// defaults to the order of the last stimulation phase before the recording when that
	// order names every cluster, else to the natural order.
	Replay analysis.ReplayOptions
	// KeepSpikes keeps the spikes of every recording phase in the report; by default only the
	// last recording keeps them (the paper protocol records 150 s of spikes).
	KeepSpikes bool
	// OnPhase, if set, is called after every phase with its report (also for phases that a
	// resumed run skips, with Resumed set), on the goroutine that runs the protocol.
	OnPhase func(PhaseReport)
	// Tag joins the fingerprint that Dir/state.json keeps: the network's Fingerprint covers
	// its populations, clusters, seed, synapse count and rules, not its initial weights, so a
	// caller that sets weights some other way names them here (as experiment.Clock does
	// for EEWeight), and a Dir of another tag is refused instead of resumed. "" adds nothing.
	Tag string
}

// PhaseReport describes one finished phase of a protocol.
type PhaseReport struct {
	Index int       // phase index in the protocol
	Kind  PhaseKind // what the phase did
	// Resumed marks a phase done by an earlier run (from Dir/state.json): the replay details
	// (activations, per-cluster steps) are then not available, only its summary (period,
	// median step, in-order and active fractions), nor are Spikes, except for the last
	// recording phase, whose spikes Dir keeps.
	Resumed bool
	// StartMs and EndMs are protocol times (the sum of the durations of the phases before).
	StartMs, EndMs float64
	RateE, RateI   float64 // mean E and I rates over the phase, Hz
	// Blocks are the E→E block means after the phase in the expected order (ChainBlockMeans).
	Blocks analysis.ChainMeans
	// Replay is the replay analysis of a recording phase (nil otherwise).
	Replay *analysis.ReplayStats `json:",omitempty"`
	// Spikes are the E spikes of a recording phase, in network time (see KeepSpikes).
	Spikes *snn.Spikes   `json:"-"`
	Wall   time.Duration // wall time of the phase
	// CPUSeconds is the process's CPU time over the phase, all threads (0 for a phase
	// resumed from a directory written before it was recorded).
	CPUSeconds float64
}

// Report is the result of Run.
type Report struct {
	Phases  []PhaseReport
	Resumed int           // phases skipped because an earlier run with the same Dir did them
	Wall    time.Duration // wall time of this run
}

// Total returns the wall and CPU time of all the phases, those of earlier runs that this one
// resumed included: what the whole protocol cost, however often it was interrupted.
func (r *Report) Total() (wall time.Duration, cpuSeconds float64) {
	for _, p := range r.Phases {
		wall += p.Wall
		cpuSeconds += p.CPUSeconds
	}
	return wall, cpuSeconds
}

// LastRecording returns the report of the last recording phase, or nil when there is none
// or it was resumed without its spikes (from a directory written before they were kept).
func (r *Report) LastRecording() *PhaseReport {
	for i := len(r.Phases) - 1; i >= 0; i-- {
		if r.Phases[i].Kind == PhaseRecord {
			if r.Phases[i].Resumed && r.Phases[i].Spikes == nil {
				return nil
			}
			return &r.Phases[i]
		}
	}
	return nil
}

// protocolState is Dir/state.json.
type protocolState struct {
	Version     int           `json:"version"`
	Fingerprint string        `json:"fingerprint"` // the protocol and network the run belongs to
	PhasesDone  int           `json:"phases_done"`
	Weights     string        `json:"weights"` // file name in Dir of the snapshot after PhasesDone phases
	Phases      []phaseRecord `json:"phases"`  // summaries of the finished phases
	// Spikes is the file name in Dir of the E spikes of phase SpikesPhase, the last
	// recording phase done ("" in directories written before spikes were kept).
	Spikes      string `json:"spikes,omitempty"`
	SpikesPhase int    `json:"spikes_phase,omitempty"`
}

// phaseRecord is the summary of a finished phase kept in the state file.
type phaseRecord struct {
	Index                            int       `json:"index"`
	Kind                             PhaseKind `json:"kind"`
	StartMs, EndMs                   float64
	RateE, RateI                     analysis.OptFloat
	Within, Forward, Backward, Other analysis.OptFloat
	PeriodMs, InOrderFraction        analysis.OptFloat `json:",omitempty"`
	Transitions, InOrder             int               `json:",omitempty"`
	// StepMs and ActiveFraction complete the replay analysis of a recording phase (nil in
	// state files written before they were kept: NaN when resumed).
	StepMs, ActiveFraction *analysis.OptFloat `json:",omitempty"`
	WallSeconds            float64
	CPUSeconds             float64 `json:",omitempty"`
}

func recordOf(pr PhaseReport) phaseRecord {
	r := phaseRecord{Index: pr.Index, Kind: pr.Kind, StartMs: pr.StartMs, EndMs: pr.EndMs,
		RateE: analysis.OptFloat(pr.RateE), RateI: analysis.OptFloat(pr.RateI), Within: analysis.OptFloat(pr.Blocks.Within), Forward: analysis.OptFloat(pr.Blocks.Forward),
		Backward: analysis.OptFloat(pr.Blocks.Backward), Other: analysis.OptFloat(pr.Blocks.Other), WallSeconds: pr.Wall.Seconds(), CPUSeconds: pr.CPUSeconds}
	if pr.Replay != nil {
		r.PeriodMs, r.InOrderFraction = analysis.OptFloat(pr.Replay.PeriodMs), analysis.OptFloat(pr.Replay.InOrderFraction)
		r.Transitions, r.InOrder = pr.Replay.Transitions, pr.Replay.InOrder
		step, active := analysis.OptFloat(pr.Replay.StepMs), analysis.OptFloat(pr.Replay.ActiveFraction)
		r.StepMs, r.ActiveFraction = &step, &active
	}
	return r
}

func (r phaseRecord) report() PhaseReport {
	pr := PhaseReport{Index: r.Index, Kind: r.Kind, Resumed: true, StartMs: r.StartMs, EndMs: r.EndMs,
		RateE: float64(r.RateE), RateI: float64(r.RateI), Wall: time.Duration(r.WallSeconds * float64(time.Second)), CPUSeconds: r.CPUSeconds}
	pr.Blocks = analysis.ChainMeans{Within: float64(r.Within), Forward: float64(r.Forward), Backward: float64(r.Backward), Other: float64(r.Other)}
	pr.Blocks.FeedForwardIndex = (pr.Blocks.Forward - pr.Blocks.Backward) / (pr.Blocks.Forward + pr.Blocks.Backward)
	if r.Kind == PhaseRecord {
		pr.Replay = &analysis.ReplayStats{PeriodMs: float64(r.PeriodMs), InOrderFraction: float64(r.InOrderFraction), Transitions: r.Transitions, InOrder: r.InOrder,
			StepMs: math.NaN(), ActiveFraction: math.NaN()}
		if r.StepMs != nil {
			pr.Replay.StepMs = float64(*r.StepMs)
		}
		if r.ActiveFraction != nil {
			pr.Replay.ActiveFraction = float64(*r.ActiveFraction)
		}
	}
	return pr
}

// fingerprint identifies the protocol p on the network n with Options.Tag tag
// (Dir/state.json).
func fingerprint(n *snn.Network, p Protocol, tag string) string {
	var b strings.Builder
	b.WriteString(n.Fingerprint())
	for _, ph := range p {
		fmt.Fprintf(&b, "%s/%g/%v/%g/%v/%g/%g/%g|", ph.Kind, ph.DurationMs, ph.Plastic, ph.PlasticDelayMs, ph.Order, ph.OnMs, ph.SlotMs, ph.ExtraRate)
	}
	if tag != "" {
		fmt.Fprintf(&b, "tag=%q", tag)
	}
	return b.String()
}

// phaseHost decorates the host of a protocol's runs: their reports carry the phase.
type phaseHost struct {
	snn.Host
	phase, phases int
}

// Progress passes p on with its place in the protocol.
func (h phaseHost) Progress(p snn.Progress) {
	p.Phase, p.Phases = h.phase, h.phases
	h.Host.Progress(p)
}

// Run runs the phases of p one after another (docs/MODEL.md 7.1, 7.2) on a network
// whose rules are attached (SetVoltageSTDP, SetInhibitorySTDP, SetNormalization). Every phase
// is one or two Runs, so the host (the one ctx carries, else the network's) sees their
// progress, with Progress.Phase and Phases set, and an interrupt stops the protocol at the end
// of the current chunk; with opt.Dir set, a later call resumes after the last finished
// phase. Between phases the E input returns to the population's spontaneous drive and
// plasticity is switched off; when the protocol ends, the network is left that way.
func Run(ctx context.Context, n *snn.Network, p Protocol, opt Options) (*Report, error) {
	k := n.Clusters().Count()
	if err := p.Validate(k); err != nil {
		return nil, err
	}
	if opt.Replay.Order != nil {
		if err := checkOrder(opt.Replay.Order, k); err != nil {
			return nil, fmt.Errorf("protocol: Run: Replay.Order: %w", err)
		}
	}
	drive := opt.Drive
	if drive == (snn.TrainingDrive{}) {
		drive = snn.DefaultTrainingDrive()
	}
	spont := n.Drive(snn.PopE)
	rep := &Report{}
	start := time.Now()
	fp := fingerprint(n, p, opt.Tag)
	st := &protocolState{Version: 1, Fingerprint: fp}
	if opt.Dir != "" {
		if err := os.MkdirAll(opt.Dir, 0o755); err != nil {
			return nil, fmt.Errorf("protocol: Run: %w", err)
		}
		old, err := readProtocolState(opt.Dir)
		if err != nil {
			return nil, err
		}
		if old != nil {
			if old.Fingerprint != fp {
				return nil, fmt.Errorf("protocol: Run: %s belongs to another protocol or network (fingerprint %q, this run %q); use a new directory", filepath.Join(opt.Dir, stateFile), old.Fingerprint, fp)
			}
			if old.PhasesDone > 0 {
				if err := snnio.ReadWeightsNpy(n, filepath.Join(opt.Dir, old.Weights)); err != nil {
					return nil, fmt.Errorf("protocol: Run: resuming from %s: %w", old.Weights, err)
				}
			}
			st = old
			var sp *snn.Spikes
			if old.Spikes != "" {
				if sp, err = readSpikesNpy(filepath.Join(opt.Dir, old.Spikes)); err != nil {
					return nil, fmt.Errorf("protocol: Run: resuming from %s: %w", old.Spikes, err)
				}
			}
			for _, r := range old.Phases {
				pr := r.report()
				if sp != nil && pr.Index == old.SpikesPhase && pr.Kind == PhaseRecord {
					pr.Spikes = sp
				}
				rep.Phases = append(rep.Phases, pr)
				if opt.OnPhase != nil {
					opt.OnPhase(pr)
				}
			}
			rep.Resumed = old.PhasesDone
		}
	}
	var lastOrder []int
	tProt := 0.0
	host := snn.HostFromContext(ctx)
	if host == nil {
		host = n.Host()
	}
	for i, ph := range p {
		if ph.Kind == PhaseStimulate {
			lastOrder = ph.Order
		}
		if i < st.PhasesDone {
			tProt += ph.DurationMs
			continue
		}
		order := opt.Replay.Order
		if order == nil && len(lastOrder) == k {
			order = lastOrder // a stimulation order that covers every cluster
		}
		phCtx := ctx
		if host != nil {
			phCtx = snn.WithHost(ctx, phaseHost{Host: host, phase: i, phases: len(p)})
		}
		pr, err := runPhase(phCtx, n, i, ph, drive, spont, order, opt.Replay)
		if err != nil {
			return rep, err
		}
		pr.StartMs, pr.EndMs = tProt, tProt+ph.DurationMs
		tProt += ph.DurationMs
		if ph.Kind == PhaseRecord && !opt.KeepSpikes {
			for j := range rep.Phases {
				rep.Phases[j].Spikes = nil
			}
		}
		rep.Phases = append(rep.Phases, pr)
		if opt.Dir != "" {
			if err := saveState(n, opt.Dir, st, i+1, pr); err != nil {
				return rep, err
			}
		}
		if opt.OnPhase != nil {
			opt.OnPhase(pr)
		}
	}
	rep.Wall = time.Since(start)
	return rep, nil
}

// runPhase runs one phase and leaves the network with spontaneous E input and plasticity off.
func runPhase(ctx context.Context, n *snn.Network, i int, ph Phase, drive snn.TrainingDrive, spont snn.Drive, order []int, ropt analysis.ReplayOptions) (PhaseReport, error) {
	pr := PhaseReport{Index: i, Kind: ph.Kind}
	t0, cpu0 := time.Now(), cpustat.Seconds()
	c0e, c0i := n.SpikeCount(snn.PopE), n.SpikeCount(snn.PopI)
	ts := n.Time()
	ne := n.Size(snn.PopE)
	var mon *snn.SpikeMonitor
	switch ph.Kind {
	case PhaseStimulate:
		sched := SequenceSchedule(ph.Order, n.Clusters().Count(), ph.OnMs, ph.SlotMs, ph.ExtraRate, ph.DurationMs)
		if err := n.ScheduleStimuli(sched, drive); err != nil {
			return pr, err
		}
	case PhaseRecord:
		mon, _ = n.RecordSpikes(snn.PopE, nil)
		defer n.StopSpikes(mon)
	}
	restore := func() error {
		n.SetPlastic(false)
		if ph.Kind != PhaseStimulate {
			return nil
		}
		if err := n.ScheduleStimuli(nil, snn.TrainingDrive{}); err != nil {
			return err
		}
		if err := n.SetRates(snn.PopE, 0, ne, spont.Rate); err != nil {
			return err
		}
		return n.SetDriveWeight(snn.PopE, 0, ne, spont.Weight)
	}
	delay := 0.0
	if ph.Plastic {
		delay = math.Min(ph.PlasticDelayMs, ph.DurationMs)
	}
	n.SetPlastic(false)
	var err error
	if delay > 0 {
		err = n.RunContext(ctx, delay)
	}
	if err == nil {
		n.SetPlastic(ph.Plastic && ph.Kind != PhaseRecord)
		err = n.RunContext(ctx, ph.DurationMs-delay)
	}
	if rerr := restore(); err == nil {
		err = rerr
	}
	if err != nil {
		return pr, err
	}
	dur := (n.Time() - ts) / 1000
	if dur > 0 {
		pr.RateE = float64(n.SpikeCount(snn.PopE)-c0e) / float64(max(ne, 1)) / dur
		pr.RateI = float64(n.SpikeCount(snn.PopI)-c0i) / float64(max(n.Size(snn.PopI), 1)) / dur
	}
	if k := n.Clusters().Count(); k > 0 {
		b, err := eeBlocks(n)
		if err != nil {
			return pr, err
		}
		if pr.Blocks, err = analysis.ChainFromBlocks(b, k, order); err != nil {
			return pr, err
		}
	}
	if mon != nil {
		pr.Spikes = mon.Spikes()
		ro := ropt
		if ro.Detect == (analysis.ActivationOptions{}) {
			ro.Detect = analysis.DefaultReplayOptions().Detect
		}
		ro.Order = order
		rs, err := analysis.AnalyzeReplay(pr.Spikes, n.Clusters(), ts, n.Time(), ro)
		if err != nil {
			return pr, err
		}
		pr.Replay = &rs
	}
	pr.Wall, pr.CPUSeconds = time.Since(t0), cpustat.Seconds()-cpu0
	return pr, nil
}

const stateFile = "state.json"

// Progress is how far a Run into a directory has come, as its state file records it.
type Progress struct {
	PhasesDone int     // phases finished and saved
	EndMs      float64 // protocol time at the end of the last of them
	// WallSeconds and CPUSeconds are summed over those phases (CPU time is 0 for phases
	// saved before it was recorded).
	WallSeconds, CPUSeconds float64
}

// ReadProgress returns the progress saved in dir by Run (Options.Dir): the zero Progress when
// dir holds no state file, an error when it holds an unreadable or inconsistent one.
func ReadProgress(dir string) (Progress, error) {
	st, err := readProtocolState(dir)
	if err != nil || st == nil {
		return Progress{}, err
	}
	p := Progress{PhasesDone: st.PhasesDone}
	for _, r := range st.Phases {
		p.EndMs = r.EndMs
		p.WallSeconds += r.WallSeconds
		p.CPUSeconds += r.CPUSeconds
	}
	return p, nil
}

func readProtocolState(dir string) (*protocolState, error) {
	b, err := os.ReadFile(filepath.Join(dir, stateFile))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("protocol: Run: %w", err)
	}
	var st protocolState
	if err := json.Unmarshal(b, &st); err != nil {
		return nil, fmt.Errorf("protocol: Run: %s: %w", filepath.Join(dir, stateFile), err)
	}
	if st.Version != 1 || st.PhasesDone < 0 || st.PhasesDone != len(st.Phases) || (st.PhasesDone > 0 && (st.Weights == "" || filepath.Base(st.Weights) != st.Weights)) ||
		st.Spikes != "" && filepath.Base(st.Spikes) != st.Spikes {
		return nil, fmt.Errorf("protocol: Run: %s is inconsistent (version %d, %d phases done, %d reports, weights %q)", filepath.Join(dir, stateFile), st.Version, st.PhasesDone, len(st.Phases), st.Weights)
	}
	return &st, nil
}

// saveState writes the snapshot after done phases: weights first, then the state file
// that names them, then removes the previous snapshot (a crash at any point leaves a
// consistent pair).
func saveState(n *snn.Network, dir string, st *protocolState, done int, pr PhaseReport) error {
	name := fmt.Sprintf("weights-%04d.npy", done)
	if err := snnio.WriteWeightsNpy(n, filepath.Join(dir, name)); err != nil {
		return err
	}
	if b, err := eeBlocks(n); pr.Kind == PhaseRecord && err == nil {
		if err := snnio.WriteNpyFile(filepath.Join(dir, fmt.Sprintf("blocks-%04d.npy", done)), b); err != nil {
			return err
		}
	}
	prevSpikes := st.Spikes
	if pr.Kind == PhaseRecord && pr.Spikes != nil {
		sp := fmt.Sprintf("spikes-%04d.npy", done)
		if err := writeSpikesNpy(filepath.Join(dir, sp), pr.Spikes); err != nil {
			return err
		}
		st.Spikes, st.SpikesPhase = sp, pr.Index
	}
	prev := st.Weights
	st.PhasesDone, st.Weights = done, name
	st.Phases = append(st.Phases, recordOf(pr))
	b, err := json.MarshalIndent(st, "", " ")
	if err != nil {
		return fmt.Errorf("protocol: Run: %w", err)
	}
	if err := atomicfile.Write(filepath.Join(dir, stateFile), 0o644, func(w io.Writer) error {
		_, err := w.Write(append(b, '\n'))
		return err
	}); err != nil {
		return err
	}
	if prev != "" && prev != name {
		os.Remove(filepath.Join(dir, prev))
	}
	if prevSpikes != "" && prevSpikes != st.Spikes {
		os.Remove(filepath.Join(dir, prevSpikes))
	}
	return nil
}

// writeSpikesNpy writes s to path atomically as an n × 2 float64 .npy: time (ms), neuron.
func writeSpikesNpy(path string, s *snn.Spikes) error {
	if err := atomicfile.Write(path, 0o644, func(w io.Writer) error { return snnio.WriteNpy(w, spikeRows{s}) }); err != nil {
		return fmt.Errorf("protocol: %w", err)
	}
	return nil
}

// spikeRows shows a spike record as an n × 2 matrix (time, neuron) to WriteNpy.
type spikeRows struct{ s *snn.Spikes }

func (m spikeRows) Dims() (int, int) { return m.s.Len(), 2 }
func (m spikeRows) T() mat.Matrix    { return mat.Transpose{Matrix: m} }
func (m spikeRows) At(i, j int) float64 {
	if j == 0 {
		return m.s.Time[i]
	}
	return float64(m.s.Neuron[i])
}

// readSpikesNpy reads spikes written by writeSpikesNpy.
func readSpikesNpy(path string) (*snn.Spikes, error) {
	a, err := snnio.ReadNpyFile(path)
	if err != nil {
		return nil, err
	}
	if len(a.Shape) != 2 || a.Shape[1] != 2 {
		return nil, fmt.Errorf("%s: shape %v, want n × 2 (time, neuron)", path, a.Shape)
	}
	n := a.Shape[0]
	s := &snn.Spikes{Time: make([]float64, n), Neuron: make([]int32, n)}
	for i := 0; i < n; i++ {
		t, c := a.Data[2*i], a.Data[2*i+1]
		if bad(t) || !(c >= 0 && c <= math.MaxInt32 && c == math.Trunc(c)) {
			return nil, fmt.Errorf("%s: row %d (%v, %v) is not a spike (finite time, neuron index)", path, i, t, c)
		}
		s.Time[i], s.Neuron[i] = t, int32(c)
	}
	return s, nil
}

// eeBlocks returns the K×K block means of the network's existing E→E weights (post cluster,
// pre cluster; NaN: no synapses), analysis.ClusterBlockMatrix of its E→E weights, read row by
// row (analysis.WeightView): a dense copy would take 328 MB in every phase for the 80-cluster
// network.
func eeBlocks(n *snn.Network) (*mat.Dense, error) {
	return analysis.ClusterBlockMatrix(analysis.NewWeightView(n), n.Clusters(), true)
}
