package snn

import (
	"bufio"
	"context"
	"encoding/binary"
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

	"gonum.org/v1/gonum/mat"
)

// ProtocolOptions adjusts RunProtocol. The zero value runs in memory with the training drive
// of docs/MODEL.md 4.3 and reports nothing on the way.
type ProtocolOptions struct {
	// Dir, if set, makes the run resumable: after every phase the full weight matrix is saved
	// atomically to Dir/weights-NNNN.npy and the progress to Dir/state.json (atomic); the
	// E→E cluster-block matrix of every recording phase goes to Dir/blocks-NNNN.npy, and the
	// E spikes of the last recording phase to Dir/spikes-NNNN.npy (n × 2: time in ms, neuron),
	// so that a resumed run still reports them. A later
	// RunProtocol with the same Dir and protocol on a network built the same way (same
	// configuration, seed and rules) loads the last snapshot and goes on with the next phase.
	// Neuron state is not saved: a resumed run starts from the network's current state
	// (docs/MODEL.md section 9 item 5: the original re-initialises it every 2-min call anyway).
	Dir string
	// Drive is the E drive during stimulation (zero: DefaultTrainingDrive).
	Drive TrainingDrive
	// Replay configures the analysis of recording phases (and the block means); a nil Order
	// defaults to the order of the last stimulation phase before the recording when that
	// order names every cluster, else to the natural order.
	Replay ReplayOptions
	// KeepSpikes keeps the spikes of every recording phase in the report; by default only the
	// last recording keeps them (the paper protocol records 150 s of spikes).
	KeepSpikes bool
	// OnPhase, if set, is called after every phase with its report (also for phases that a
	// resumed run skips, with Resumed set), on the goroutine that runs the protocol.
	OnPhase func(PhaseReport)
}

// PhaseReport describes one finished phase of a protocol.
type PhaseReport struct {
	Index int       // phase index in the protocol
	Kind  PhaseKind // what the phase did
	// Resumed marks a phase done by an earlier run (from Dir/state.json): the replay details
	// (activations, per-cluster steps) are then not available, nor are Spikes, except for the
	// last recording phase, whose spikes Dir keeps.
	Resumed bool
	// StartMs and EndMs are protocol times (the sum of the durations of the phases before).
	StartMs, EndMs float64
	RateE, RateI   float64 // mean E and I rates over the phase, Hz
	// Blocks are the E→E block means after the phase in the expected order (ChainBlockMeans).
	Blocks ChainMeans
	// Replay is the replay analysis of a recording phase (nil otherwise).
	Replay *ReplayStats `json:",omitempty"`
	// Spikes are the E spikes of a recording phase, in network time (see KeepSpikes).
	Spikes *Spikes       `json:"-"`
	Wall   time.Duration // wall time of the phase
}

// ProtocolReport is the result of RunProtocol.
type ProtocolReport struct {
	Phases  []PhaseReport
	Resumed int           // phases skipped because an earlier run with the same Dir did them
	Wall    time.Duration // wall time of this run
}

// LastRecording returns the report of the last recording phase, or nil when there is none
// or it was resumed without its spikes (from a directory written before they were kept).
func (r *ProtocolReport) LastRecording() *PhaseReport {
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

// ChainMeans are E→E block means relative to a cyclic cluster order (post × pre blocks,
// means over existing synapses, each block weighted equally): Within a cluster, Forward from
// a cluster to its successor in the order, Backward from a cluster to its predecessor, and
// Other for every other pair of distinct clusters. FeedForwardIndex is
// (Forward − Backward)/(Forward + Backward).
type ChainMeans struct {
	Within, Forward, Backward, Other float64
	FeedForwardIndex                 float64
}

// ChainBlockMeans returns the block means of the E→E part of w (post × pre, E first) for the
// clusters cl along the cyclic order (nil: 0, 1, …, K−1). Blocks without synapses are skipped.
// With the natural order it agrees with EEBlockMeans up to the weighting of blocks (here each
// block counts once; the wrap-around link K−1 → 0 counts as forward).
func ChainBlockMeans(w mat.Matrix, cl Clusters, order []int) (ChainMeans, error) {
	b, err := ClusterBlockMatrix(w, cl, true)
	if err != nil {
		return ChainMeans{}, err
	}
	return chainFromBlocks(b, cl.Count(), order)
}

// chainFromBlocks classifies the K×K block means b (post, pre) along the cyclic order.
func chainFromBlocks(b *mat.Dense, k int, order []int) (ChainMeans, error) {
	next, err := orderSuccessors(order, k)
	if err != nil {
		return ChainMeans{}, err
	}
	var s, c [4]float64
	for post := 0; post < k; post++ {
		for pre := 0; pre < k; pre++ {
			x := b.At(post, pre)
			if math.IsNaN(x) {
				continue
			}
			cls := 3
			switch {
			case post == pre:
				cls = 0
			case next[pre] == post:
				cls = 1
			case next[post] == pre:
				cls = 2
			}
			s[cls] += x
			c[cls]++
		}
	}
	var m [4]float64
	for i := range m {
		m[i] = math.NaN()
		if c[i] > 0 {
			m[i] = s[i] / c[i]
		}
	}
	return ChainMeans{Within: m[0], Forward: m[1], Backward: m[2], Other: m[3],
		FeedForwardIndex: (m[1] - m[2]) / (m[1] + m[2])}, nil
}

// orderSuccessors returns next[c], the cluster after c in the cyclic order (nil: natural); a
// cluster the order does not name has next −1. The order must not repeat a cluster.
func orderSuccessors(order []int, k int) ([]int, error) {
	next := make([]int, k)
	if order == nil {
		for c := range next {
			next[c] = (c + 1) % k
		}
		return next, nil
	}
	for c := range next {
		next[c] = -1
	}
	seen := make([]bool, k)
	for i, c := range order {
		if c < 0 || c >= k {
			return nil, fmt.Errorf("snn: order names cluster %d, there are %d", c, k)
		}
		if seen[c] {
			return nil, fmt.Errorf("snn: order names cluster %d twice", c)
		}
		seen[c] = true
		next[c] = order[(i+1)%len(order)]
	}
	return next, nil
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

// jf is a float64 that JSON-encodes NaN and ±Inf as null (and decodes null as NaN).
type jf float64

func (x jf) MarshalJSON() ([]byte, error) {
	if bad(float64(x)) {
		return []byte("null"), nil
	}
	return json.Marshal(float64(x))
}

func (x *jf) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*x = jf(math.NaN())
		return nil
	}
	return json.Unmarshal(b, (*float64)(x))
}

// phaseRecord is the summary of a finished phase kept in the state file.
type phaseRecord struct {
	Index                            int       `json:"index"`
	Kind                             PhaseKind `json:"kind"`
	StartMs, EndMs                   float64
	RateE, RateI                     jf
	Within, Forward, Backward, Other jf
	PeriodMs, InOrderFraction        jf  `json:",omitempty"`
	Transitions, InOrder             int `json:",omitempty"`
	WallSeconds                      float64
}

func recordOf(pr PhaseReport) phaseRecord {
	r := phaseRecord{Index: pr.Index, Kind: pr.Kind, StartMs: pr.StartMs, EndMs: pr.EndMs,
		RateE: jf(pr.RateE), RateI: jf(pr.RateI), Within: jf(pr.Blocks.Within), Forward: jf(pr.Blocks.Forward),
		Backward: jf(pr.Blocks.Backward), Other: jf(pr.Blocks.Other), WallSeconds: pr.Wall.Seconds()}
	if pr.Replay != nil {
		r.PeriodMs, r.InOrderFraction = jf(pr.Replay.PeriodMs), jf(pr.Replay.InOrderFraction)
		r.Transitions, r.InOrder = pr.Replay.Transitions, pr.Replay.InOrder
	}
	return r
}

func (r phaseRecord) report() PhaseReport {
	pr := PhaseReport{Index: r.Index, Kind: r.Kind, Resumed: true, StartMs: r.StartMs, EndMs: r.EndMs,
		RateE: float64(r.RateE), RateI: float64(r.RateI), Wall: time.Duration(r.WallSeconds * float64(time.Second))}
	pr.Blocks = ChainMeans{Within: float64(r.Within), Forward: float64(r.Forward), Backward: float64(r.Backward), Other: float64(r.Other)}
	pr.Blocks.FeedForwardIndex = (pr.Blocks.Forward - pr.Blocks.Backward) / (pr.Blocks.Forward + pr.Blocks.Backward)
	if r.Kind == PhaseRecord {
		pr.Replay = &ReplayStats{PeriodMs: float64(r.PeriodMs), InOrderFraction: float64(r.InOrderFraction), Transitions: r.Transitions, InOrder: r.InOrder}
	}
	return pr
}

func (n *Network) protocolFingerprint(p Protocol) string {
	var b strings.Builder
	fmt.Fprintf(&b, "N=%d", len(n.pops))
	for _, q := range n.pops {
		fmt.Fprintf(&b, ",%s:%d", q.name, q.n)
	}
	fmt.Fprintf(&b, ";K=%d;seed=%d;syn=%d;", n.clusters.Count(), n.seed, n.TotalSynapses())
	if n.bug >= 0 {
		b.WriteString("bug7;") // Config.LastENeuronBug
	}
	for _, r := range n.vrules {
		fmt.Fprintf(&b, "v%v;", r.r)
	}
	for _, r := range n.irules {
		fmt.Fprintf(&b, "i%v;", r.r)
	}
	for _, r := range n.norms {
		fmt.Fprintf(&b, "n%v;", r.r)
	}
	for _, ph := range p {
		fmt.Fprintf(&b, "%s/%g/%v/%g/%v/%g/%g/%g|", ph.Kind, ph.DurationMs, ph.Plastic, ph.PlasticDelayMs, ph.Order, ph.OnMs, ph.SlotMs, ph.ExtraRate)
	}
	return b.String()
}

// RunProtocol runs the phases of p one after another with context.Background() and the
// network's host (see RunProtocolContext).
func (n *Network) RunProtocol(p Protocol, opt ProtocolOptions) (*ProtocolReport, error) {
	return n.RunProtocolContext(context.Background(), p, opt)
}

// phaseHost decorates the host of a protocol's runs: their reports carry the phase.
type phaseHost struct {
	Host
	phase, phases int
}

// Progress passes p on with its place in the protocol.
func (h phaseHost) Progress(p Progress) {
	p.Phase, p.Phases = h.phase, h.phases
	h.Host.Progress(p)
}

// RunProtocolContext runs the phases of p one after another (docs/MODEL.md 7.1, 7.2) on a network
// whose rules are attached (SetVoltageSTDP, SetInhibitorySTDP, SetNormalization). Every phase
// is one or two Runs, so the host (the one ctx carries, else the network's) sees their progress,
// with Progress.Phase and Phases set, and an interrupt stops the protocol at the end of the
// current chunk; with opt.Dir set, a later call resumes after the last finished
// phase. Between phases the E input returns to the population's spontaneous drive and
// plasticity is switched off; when the protocol ends, the network is left that way.
func (n *Network) RunProtocolContext(ctx context.Context, p Protocol, opt ProtocolOptions) (*ProtocolReport, error) {
	k := n.clusters.Count()
	if err := p.Validate(k); err != nil {
		return nil, err
	}
	if opt.Replay.Order != nil {
		if _, err := orderSuccessors(opt.Replay.Order, k); err != nil {
			return nil, fmt.Errorf("snn: RunProtocol: Replay.Order: %w", err)
		}
	}
	drive := opt.Drive
	if drive == (TrainingDrive{}) {
		drive = DefaultTrainingDrive()
	}
	e := n.pops[PopE]
	spont := e.d
	rep := &ProtocolReport{}
	start := time.Now()
	fp := n.protocolFingerprint(p)
	st := &protocolState{Version: 1, Fingerprint: fp}
	if opt.Dir != "" {
		if err := os.MkdirAll(opt.Dir, 0o755); err != nil {
			return nil, fmt.Errorf("snn: RunProtocol: %w", err)
		}
		old, err := readProtocolState(opt.Dir)
		if err != nil {
			return nil, err
		}
		if old != nil {
			if old.Fingerprint != fp {
				return nil, fmt.Errorf("snn: RunProtocol: %s belongs to another protocol or network (fingerprint %q, this run %q); use a new directory", filepath.Join(opt.Dir, stateFile), old.Fingerprint, fp)
			}
			if old.PhasesDone > 0 {
				if err := n.readWeightsNpy(filepath.Join(opt.Dir, old.Weights)); err != nil {
					return nil, fmt.Errorf("snn: RunProtocol: resuming from %s: %w", old.Weights, err)
				}
			}
			st = old
			var sp *Spikes
			if old.Spikes != "" {
				if sp, err = readSpikesNpy(filepath.Join(opt.Dir, old.Spikes)); err != nil {
					return nil, fmt.Errorf("snn: RunProtocol: resuming from %s: %w", old.Spikes, err)
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
	host := HostFromContext(ctx)
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
			phCtx = WithHost(ctx, phaseHost{Host: host, phase: i, phases: len(p)})
		}
		pr, err := n.runPhase(phCtx, i, ph, drive, spont, order, opt.Replay)
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
			if err := n.saveProtocolState(opt.Dir, st, i+1, pr); err != nil {
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
func (n *Network) runPhase(ctx context.Context, i int, ph Phase, drive TrainingDrive, spont Drive, order []int, ropt ReplayOptions) (PhaseReport, error) {
	pr := PhaseReport{Index: i, Kind: ph.Kind}
	t0 := time.Now()
	c0e, c0i := n.SpikeCount(PopE), n.SpikeCount(PopI)
	ts := n.Time()
	e := n.pops[PopE]
	var mon *SpikeMonitor
	switch ph.Kind {
	case PhaseStimulate:
		sched := SequenceSchedule(ph.Order, n.clusters.Count(), ph.OnMs, ph.SlotMs, ph.ExtraRate, ph.DurationMs)
		if err := n.ScheduleStimuli(sched, drive); err != nil {
			return pr, err
		}
	case PhaseRecord:
		mon, _ = n.RecordSpikes(PopE, nil)
		defer n.StopSpikes(mon)
	}
	restore := func() error {
		n.SetPlastic(false)
		if ph.Kind != PhaseStimulate {
			return nil
		}
		if err := n.ScheduleStimuli(nil, TrainingDrive{}); err != nil {
			return err
		}
		if err := n.SetRates(PopE, 0, e.n, spont.Rate); err != nil {
			return err
		}
		return n.SetDriveWeight(PopE, 0, e.n, spont.Weight)
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
		pr.RateE = float64(n.SpikeCount(PopE)-c0e) / float64(max(e.n, 1)) / dur
		pr.RateI = float64(n.SpikeCount(PopI)-c0i) / float64(max(n.pops[PopI].n, 1)) / dur
	}
	if k := n.clusters.Count(); k > 0 {
		b, err := chainFromBlocks(n.eeBlockMatrix(), k, order)
		if err != nil {
			return pr, err
		}
		pr.Blocks = b
	}
	if mon != nil {
		pr.Spikes = mon.Spikes()
		ro := ropt
		if ro.Detect == (ActivationOptions{}) {
			ro.Detect = DefaultReplayOptions().Detect
		}
		ro.Order = order
		rs, err := AnalyzeReplay(pr.Spikes, n.clusters, ts, n.Time(), ro)
		if err != nil {
			return pr, err
		}
		pr.Replay = &rs
	}
	pr.Wall = time.Since(t0)
	return pr, nil
}

const stateFile = "state.json"

func readProtocolState(dir string) (*protocolState, error) {
	b, err := os.ReadFile(filepath.Join(dir, stateFile))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("snn: RunProtocol: %w", err)
	}
	var st protocolState
	if err := json.Unmarshal(b, &st); err != nil {
		return nil, fmt.Errorf("snn: RunProtocol: %s: %w", filepath.Join(dir, stateFile), err)
	}
	if st.Version != 1 || st.PhasesDone < 0 || st.PhasesDone != len(st.Phases) || (st.PhasesDone > 0 && (st.Weights == "" || filepath.Base(st.Weights) != st.Weights)) ||
		st.Spikes != "" && filepath.Base(st.Spikes) != st.Spikes {
		return nil, fmt.Errorf("snn: RunProtocol: %s is inconsistent (version %d, %d phases done, %d reports, weights %q)", filepath.Join(dir, stateFile), st.Version, st.PhasesDone, len(st.Phases), st.Weights)
	}
	return &st, nil
}

// saveProtocolState writes the snapshot after done phases: weights first, then the state file
// that names them, then removes the previous snapshot (a crash at any point leaves a
// consistent pair).
func (n *Network) saveProtocolState(dir string, st *protocolState, done int, pr PhaseReport) error {
	name := fmt.Sprintf("weights-%04d.npy", done)
	if err := n.WriteWeightsNpy(filepath.Join(dir, name)); err != nil {
		return err
	}
	if b := n.eeBlockMatrix(); pr.Kind == PhaseRecord && b != nil {
		if err := WriteNpyFile(filepath.Join(dir, fmt.Sprintf("blocks-%04d.npy", done)), b); err != nil {
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
		return fmt.Errorf("snn: RunProtocol: %w", err)
	}
	if err := ioWriteAtomic(filepath.Join(dir, stateFile), func(w io.Writer) error {
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
func writeSpikesNpy(path string, s *Spikes) error {
	n := s.Len()
	return ioWriteAtomic(path, func(w io.Writer) error {
		return writeNpy(w, []int{n, 2}, func(buf []byte) []byte {
			for i, t := range s.Time {
				buf = binary.LittleEndian.AppendUint64(buf, math.Float64bits(t))
				buf = binary.LittleEndian.AppendUint64(buf, math.Float64bits(float64(s.Neuron[i])))
			}
			return buf
		}, 2*n)
	})
}

// readSpikesNpy reads spikes written by writeSpikesNpy.
func readSpikesNpy(path string) (*Spikes, error) {
	a, err := ReadNpyFile(path)
	if err != nil {
		return nil, err
	}
	if len(a.Shape) != 2 || a.Shape[1] != 2 {
		return nil, fmt.Errorf("%s: shape %v, want n × 2 (time, neuron)", path, a.Shape)
	}
	n := a.Shape[0]
	s := &Spikes{Time: make([]float64, n), Neuron: make([]int32, n)}
	for i := 0; i < n; i++ {
		t, c := a.Data[2*i], a.Data[2*i+1]
		if bad(t) || !(c >= 0 && c <= math.MaxInt32 && c == math.Trunc(c)) {
			return nil, fmt.Errorf("%s: row %d (%v, %v) is not a spike (finite time, neuron index)", path, i, t, c)
		}
		s.Time[i], s.Neuron[i] = t, int32(c)
	}
	return s, nil
}

// readWeightsNpy sets the weights of the four main projections from a C-order .npy matrix in
// the layout of WeightMatrix (as WriteWeightsNpy writes it), row by row: a resume needs no
// dense copy (the whole file and a dense matrix would take 144 MB for the 3000-neuron
// network). Entries where there is no synapse are ignored, as in SetWeights. The weights
// change only if the whole file is valid.
func (n *Network) readWeightsNpy(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	r := bufio.NewReaderSize(f, 1<<16)
	h, dt, _, err := readNpyHeader(r)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	ne, ni := n.pops[PopE].n, n.pops[PopI].n
	N := ne + ni
	if len(h.shape) != 2 || h.shape[0] != N || h.shape[1] != N || h.fortran {
		return fmt.Errorf("%s: shape %v (Fortran order %v), want a C-order %d×%d matrix", path, h.shape, h.fortran, N, N)
	}
	w := make([][]float64, ProjItoI+1)
	for id := range w {
		w[id] = make([]float64, len(n.projs[id].w))
	}
	raw := make([]byte, N*dt.size)
	for i := 0; i < N; i++ {
		if _, err := io.ReadFull(r, raw); err != nil {
			return fmt.Errorf("%s: truncated at row %d of %d", path, i, N)
		}
		badCol := -1
		n.rowSynapses(i, func(id ProjID, k int32, c int) {
			x := dt.get(raw[c*dt.size:])
			if bad(x) && badCol < 0 {
				badCol = c
			}
			w[id][k] = x
		})
		if badCol >= 0 {
			return fmt.Errorf("%s: weight[%d][%d] = %v: must be finite", path, i, badCol, dt.get(raw[badCol*dt.size:]))
		}
	}
	for id, ws := range w {
		copy(n.projs[id].w, ws)
	}
	return nil
}

// rowSynapses calls f(id, k, c) for every synapse k of the four main projections whose
// postsynaptic neuron has global index i, with c the global index of its presynaptic neuron:
// row i of the full weight matrix (the layout of WeightMatrix).
func (n *Network) rowSynapses(i int, f func(id ProjID, k int32, c int)) {
	for id := ProjEtoE; id <= ProjItoI; id++ {
		pr := n.projs[id]
		post, pre := n.pops[pr.post], n.pops[pr.pre]
		j := i - post.off
		if j < 0 || j >= post.n {
			continue
		}
		for k := pr.rowPtr[j]; k < pr.rowPtr[j+1]; k++ {
			f(id, k, pre.off+int(pr.col[k]))
		}
	}
}

// WriteWeightsNpy writes the full recurrent weight matrix (the layout of WeightMatrix: post ×
// pre, E first, float64, C order) to path as .npy, atomically, row by row from the synapse
// storage: unlike SaveWeights(path, n.WeightMatrix()) it needs no dense copy (72 MB for the
// 3000-neuron network, twice). LoadWeights reads it back.
func (n *Network) WriteWeightsNpy(path string) error {
	ne, ni := n.pops[PopE].n, n.pops[PopI].n
	N := ne + ni
	return ioWriteAtomic(path, func(w io.Writer) error {
		dict := fmt.Sprintf("{'descr': '<f8', 'fortran_order': False, 'shape': (%d, %d), }", N, N)
		total := 10 + len(dict) + 1
		hdr := dict + strings.Repeat(" ", (64-total%64)%64) + "\n"
		head := append([]byte(npyMagic), 1, 0, byte(len(hdr)), byte(len(hdr)>>8))
		if _, err := w.Write(append(head, hdr...)); err != nil {
			return fmt.Errorf("snn: npy: %w", err)
		}
		row := make([]float64, N)
		buf := make([]byte, 8*N)
		for i := 0; i < N; i++ {
			clear(row)
			n.rowSynapses(i, func(id ProjID, k int32, c int) { row[c] = n.projs[id].w[k] })
			for q, x := range row {
				binary.LittleEndian.PutUint64(buf[8*q:], math.Float64bits(x))
			}
			if _, err := w.Write(buf); err != nil {
				return fmt.Errorf("snn: npy: %w", err)
			}
		}
		return nil
	})
}

// eeBlockMatrix returns the K×K matrix of mean existing E→E weights (post cluster, pre
// cluster), NaN for blocks without synapses, straight from the synapse storage (the same as
// ClusterBlockMatrix(Weights(ProjEtoE), clusters, true) without the dense copy).
func (n *Network) eeBlockMatrix() *mat.Dense {
	k := n.clusters.Count()
	if k == 0 {
		return nil
	}
	s := make([]float64, k*k)
	c := make([]float64, k*k)
	pr := n.projs[ProjEtoE]
	of := make([]int, n.pops[PopE].n)
	for i := range of {
		of[i] = n.clusters.Of(i)
	}
	for j := 0; j+1 < len(pr.rowPtr); j++ {
		a := of[j]
		if a < 0 {
			continue
		}
		for q := pr.rowPtr[j]; q < pr.rowPtr[j+1]; q++ {
			if b := of[pr.col[q]]; b >= 0 {
				s[a*k+b] += pr.w[q]
				c[a*k+b]++
			}
		}
	}
	for i := range s {
		if c[i] == 0 {
			s[i] = math.NaN()
		} else {
			s[i] /= c[i]
		}
	}
	return mat.NewDense(k, k, s)
}
