package snn

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"hash/fnv"
	"io"
	"math"
)

// State snapshots: WriteState writes everything a continued run of the network depends on,
// ReadState puts it back into a network built the same way, so that a run stopped part-way
// (a killed job) continues bit for bit as if it had never stopped.
//
// The format is binary and little-endian:
//
//	header   magic "GOSNNST\x00" (8 bytes), version uint32 (1), body length uint64
//	body     see below
//	trailer  CRC-32 (IEEE) uint32 of header and body
//
// The body, where f64 is a float64 (IEEE bits), u8/u32/u64/i64 integers, str a u32 length and
// the bytes, and f64[n] n values without a count:
//
//	dt f64, seed u64, bug i64 (Config.LastENeuronBug's neuron, −1 when off)
//	step i64, resets i64, LTP updates i64, plastic u8
//	u32 populations, each: name str, size n u32, model i32, traces u8 (1 when ū−, ū+, x̄, y
//	  exist), spikes i64, lastAny i64; n neuron records (V, V_T, w, the four conductance
//	  auxiliaries, the two pending inputs, next Poisson arrival: f64 each; last spike step
//	  i64); rates f64[n], drive weights f64[n], random stream states u64[n]; with traces
//	  ū− f64[n], ū+ f64[n], x̄ f64[n], y f64[n]
//	u32 projections, each: pre u32, post u32, channel u8, synapses m u64, FNV-1a 64 hash of
//	  the connectivity u64, rule inactive u8, weights f64[m]
//	u32 vSTDP rules, each: projection u32, ALTP, ALTD, ThetaLTP, ThetaLTD, TauX, WMin, WMax
//	  f64, SoftBound u8, presynaptic x̄ f64[size of pre]
//	u32 iSTDP rules, each: projection u32, Eta, R0, WMin, WMax f64
//	u32 normalisations, each: projection u32, PeriodMs f64, Mode u8, WMin, WMax f64, targets
//	  f64[size of post]
//	u32 pending stimulus events (ScheduleStimuli), each: step i64, on u8, cluster i32,
//	  StartMs, StopMs, ExtraRate, BaseRate, OnWeight, OffWeight f64
//
// Not part of the state: monitors (a resumed run records from where it resumes), hooks and
// OnStep functions (the caller registers them again), the host and the thread count (results
// do not depend on it). The structure (dt, seed, populations, projections and their
// connectivity, rules and their parameters) is checked, not restored: ReadState refuses a
// network built differently.

const (
	stateMagic   = "GOSNNST\x00"
	stateVersion = 1
	stateHeader  = 8 + 4 + 8
)

// WriteState writes the network's dynamic state to w in the format above. It may be called
// between runs or from a hook registered with Every (the network then stands at a step
// boundary).
func (n *Network) WriteState(w io.Writer) error {
	var e stateEnc
	e.f64(n.dt)
	e.u64(n.seed)
	e.i64(int64(n.bug))
	e.i64(n.step)
	e.i64(int64(n.resets))
	e.i64(n.LTPUpdates())
	e.bool(n.plastic)
	e.u32(uint32(len(n.pops)))
	for _, p := range n.pops {
		e.str(p.name)
		e.u32(uint32(p.n))
		e.u32(uint32(int32(p.p.Model)))
		e.bool(p.um != nil)
		e.i64(p.spikes)
		e.i64(p.lastAny)
		for i := range p.n {
			for _, x := range [...]float64{p.v[i], p.vt[i], p.w[i], p.xrE[i], p.xdE[i], p.xrI[i], p.xdI[i], p.inE[i], p.inI[i], p.next[i]} {
				e.f64(x)
			}
			e.i64(p.last[i])
		}
		e.f64s(p.rate)
		e.f64s(p.extW)
		for _, s := range p.rng {
			e.u64(uint64(s))
		}
		if p.um != nil {
			e.f64s(p.um)
			e.f64s(p.up)
			e.f64s(p.xb)
			e.f64s(p.y)
		}
	}
	e.u32(uint32(len(n.projs)))
	for _, pr := range n.projs {
		e.u32(uint32(pr.pre))
		e.u32(uint32(pr.post))
		e.u8(uint8(pr.ch))
		e.u64(uint64(len(pr.w)))
		e.u64(pr.connHash())
		e.bool(pr.inactive)
		e.f64s(pr.w)
	}
	e.u32(uint32(len(n.vrules)))
	for _, r := range n.vrules {
		e.u32(uint32(n.projIndex(r.pr)))
		e.vstdp(r.r)
		e.f64s(r.xb)
	}
	e.u32(uint32(len(n.irules)))
	for _, r := range n.irules {
		e.u32(uint32(n.projIndex(r.pr)))
		e.istdp(r.r)
	}
	e.u32(uint32(len(n.norms)))
	for _, r := range n.norms {
		e.u32(uint32(n.projIndex(r.pr)))
		e.norm(r.r)
		e.f64s(r.target)
	}
	e.u32(uint32(len(n.events)))
	for _, ev := range n.events {
		e.i64(ev.step)
		e.bool(ev.on)
		e.u32(uint32(int32(ev.stim.Cluster)))
		for _, x := range [...]float64{ev.stim.StartMs, ev.stim.StopMs, ev.stim.ExtraRate, ev.drive.BaseRate, ev.drive.OnWeight, ev.drive.OffWeight} {
			e.f64(x)
		}
	}
	body := e.b
	out := make([]byte, 0, stateHeader+len(body)+4)
	out = append(out, stateMagic...)
	out = binary.LittleEndian.AppendUint32(out, stateVersion)
	out = binary.LittleEndian.AppendUint64(out, uint64(len(body)))
	out = append(out, body...)
	out = binary.LittleEndian.AppendUint32(out, crc32.ChecksumIEEE(out))
	if _, err := w.Write(out); err != nil {
		return fmt.Errorf("snn: WriteState: %w", err)
	}
	return nil
}

// ReadState reads a state written by WriteState into the network, which must have been built
// the same way (same dt, seed, populations, projections and connectivity, rules): a network
// that differs is refused with an error naming the difference, as are a truncated or corrupt
// stream (version header, checksum) and a network that is running. On error nothing of the
// network changes. Monitors keep what they recorded and record on from the restored time.
func (n *Network) ReadState(r io.Reader) error {
	if n.running.Load() {
		return errors.New("snn: ReadState: the network is running")
	}
	var h [stateHeader]byte
	if _, err := io.ReadFull(r, h[:]); err != nil {
		return fmt.Errorf("snn: ReadState: reading the header: %w", err)
	}
	if string(h[:8]) != stateMagic {
		return errors.New("snn: ReadState: not a network state (bad magic)")
	}
	if v := binary.LittleEndian.Uint32(h[8:]); v != stateVersion {
		return fmt.Errorf("snn: ReadState: state version %d, this build reads version %d", v, stateVersion)
	}
	size := binary.LittleEndian.Uint64(h[12:])
	if size > math.MaxInt64-8 {
		return fmt.Errorf("snn: ReadState: body length %d is corrupt", size)
	}
	// ReadAll grows with what the stream holds, so a corrupt length allocates nothing more.
	rest, err := io.ReadAll(io.LimitReader(r, int64(size)+4))
	if err != nil {
		return fmt.Errorf("snn: ReadState: %w", err)
	}
	if uint64(len(rest)) != size+4 {
		return fmt.Errorf("snn: ReadState: truncated state: %d bytes after the header, want %d", len(rest), size+4)
	}
	sum := crc32.ChecksumIEEE(h[:])
	sum = crc32.Update(sum, crc32.IEEETable, rest[:size])
	if got := binary.LittleEndian.Uint32(rest[size:]); got != sum {
		return fmt.Errorf("snn: ReadState: checksum mismatch (stored %08x, computed %08x): the state is corrupt", got, sum)
	}
	st, err := n.decodeState(&stateDec{b: rest[:size]})
	if err != nil {
		return fmt.Errorf("snn: ReadState: %w", err)
	}
	st.apply(n)
	return nil
}

// savedState is a decoded state, checked against the network and not yet applied.
type savedState struct {
	step, resets, ltp int64
	plastic           bool
	pops              []savedPop
	weights           [][]float64
	inactive          []bool
	vxb               [][]float64
	targets           [][]float64
	events            []stimEvent
}

type savedPop struct {
	spikes, lastAny int64
	cells           cells
	rate, extW      []float64
	rng             []rng
	um, up, xb, y   []float64
}

func (n *Network) decodeState(d *stateDec) (*savedState, error) {
	if dt := d.f64(); d.err == nil && dt != n.dt {
		return nil, fmt.Errorf("different network: state has dt = %v ms, network %v ms", dt, n.dt)
	}
	if s := d.u64(); d.err == nil && s != n.seed {
		return nil, fmt.Errorf("different network: state has seed %d, network %d", s, n.seed)
	}
	if b := d.i64(); d.err == nil && b != int64(n.bug) {
		return nil, fmt.Errorf("different network: state has LastENeuronBug neuron %d, network %d", b, n.bug)
	}
	st := &savedState{step: d.i64(), resets: d.i64(), ltp: d.i64(), plastic: d.bool()}
	if d.err == nil && (st.step < 0 || st.resets < 0 || st.ltp < 0) {
		return nil, errors.New("corrupt state: negative step or counter")
	}
	if np := d.u32(); d.err == nil && int(np) != len(n.pops) {
		return nil, fmt.Errorf("different network: state has %d populations, network %d", np, len(n.pops))
	}
	for pi, p := range n.pops {
		if d.err != nil {
			break
		}
		name, size, model, traces := d.str(), d.u32(), int32(d.u32()), d.bool()
		if d.err != nil {
			break
		}
		if name != p.name || int(size) != p.n || Model(model) != p.p.Model || traces != (p.um != nil) {
			return nil, fmt.Errorf("different network: population %d is %s of %d %v neurons, %s, in the state, %s of %d %v neurons, %s, in the network",
				pi, name, size, Model(model), onOff(traces), p.name, p.n, p.p.Model, onOff(p.um != nil))
		}
		sp := savedPop{spikes: d.i64(), lastAny: d.i64()}
		if !d.need(p.n * 88) {
			break
		}
		c := makeCells(p.n)
		for i := range p.n {
			for _, x := range [...]*float64{&c.v[i], &c.vt[i], &c.w[i], &c.xrE[i], &c.xdE[i], &c.xrI[i], &c.xdI[i], &c.inE[i], &c.inI[i], &c.next[i]} {
				*x = d.f64()
			}
			c.last[i] = d.i64()
		}
		sp.cells = c
		sp.rate, sp.extW = d.f64s(p.n), d.f64s(p.n)
		if d.need(p.n * 8) {
			sp.rng = make([]rng, p.n)
			for i := range sp.rng {
				sp.rng[i] = rng(d.u64())
			}
		}
		if traces {
			sp.um, sp.up, sp.xb, sp.y = d.f64s(p.n), d.f64s(p.n), d.f64s(p.n), d.f64s(p.n)
		}
		st.pops = append(st.pops, sp)
	}
	if np := d.u32(); d.err == nil && int(np) != len(n.projs) {
		return nil, fmt.Errorf("different network: state has %d projections, network %d", np, len(n.projs))
	}
	for k, pr := range n.projs {
		if d.err != nil {
			break
		}
		pre, post, ch, m, hash, inactive := d.u32(), d.u32(), Channel(d.u8()), d.u64(), d.u64(), d.bool()
		if d.err != nil {
			break
		}
		if int(pre) != pr.pre || int(post) != pr.post || ch != pr.ch {
			return nil, fmt.Errorf("different network: projection %d is %d→%d (channel %v) in the state, %d→%d (channel %v) in the network", k, pre, post, ch, pr.pre, pr.post, pr.ch)
		}
		if m != uint64(len(pr.w)) {
			return nil, fmt.Errorf("different network: projection %d has %d synapses in the state, %d in the network", k, m, len(pr.w))
		}
		if hash != pr.connHash() {
			return nil, fmt.Errorf("different network: projection %d connects other neuron pairs in the state than in the network", k)
		}
		st.weights = append(st.weights, d.f64s(len(pr.w)))
		st.inactive = append(st.inactive, inactive)
	}
	if c := d.u32(); d.err == nil && int(c) != len(n.vrules) {
		return nil, fmt.Errorf("different network: state has %d vSTDP rules, network %d", c, len(n.vrules))
	}
	for k, r := range n.vrules {
		if d.err != nil {
			break
		}
		id, rr := d.u32(), d.vstdp()
		if d.err != nil {
			break
		}
		if int(id) != n.projIndex(r.pr) || rr != r.r {
			return nil, fmt.Errorf("different network: vSTDP rule %d is %+v on projection %d in the state, %+v on projection %d in the network", k, rr, id, r.r, n.projIndex(r.pr))
		}
		st.vxb = append(st.vxb, d.f64s(len(r.xb)))
	}
	if c := d.u32(); d.err == nil && int(c) != len(n.irules) {
		return nil, fmt.Errorf("different network: state has %d iSTDP rules, network %d", c, len(n.irules))
	}
	for k, r := range n.irules {
		if d.err != nil {
			break
		}
		id, rr := d.u32(), d.istdp()
		if d.err == nil && (int(id) != n.projIndex(r.pr) || rr != r.r) {
			return nil, fmt.Errorf("different network: iSTDP rule %d is %+v on projection %d in the state, %+v on projection %d in the network", k, rr, id, r.r, n.projIndex(r.pr))
		}
	}
	if c := d.u32(); d.err == nil && int(c) != len(n.norms) {
		return nil, fmt.Errorf("different network: state has %d normalisations, network %d", c, len(n.norms))
	}
	for k, r := range n.norms {
		if d.err != nil {
			break
		}
		id, rr := d.u32(), d.norm()
		if d.err != nil {
			break
		}
		if int(id) != n.projIndex(r.pr) || rr != r.r {
			return nil, fmt.Errorf("different network: normalisation %d is %+v on projection %d in the state, %+v on projection %d in the network", k, rr, id, r.r, n.projIndex(r.pr))
		}
		st.targets = append(st.targets, d.f64s(len(r.target)))
	}
	ne := d.u32()
	if d.err == nil && !d.need(int(ne)*(8+1+4+6*8)) {
		ne = 0
	}
	k := n.clusters.Count()
	for i := 0; i < int(ne) && d.err == nil; i++ {
		ev := stimEvent{step: d.i64(), on: d.bool()}
		ev.stim.Cluster = int(int32(d.u32()))
		ev.stim.StartMs, ev.stim.StopMs, ev.stim.ExtraRate = d.f64(), d.f64(), d.f64()
		ev.drive = TrainingDrive{BaseRate: d.f64(), OnWeight: d.f64(), OffWeight: d.f64()}
		if d.err == nil && (ev.stim.Cluster < 0 || ev.stim.Cluster >= k || ev.step <= st.step ||
			(i > 0 && ev.step < st.events[i-1].step)) {
			return nil, fmt.Errorf("corrupt state: stimulus event %d (cluster %d of %d, step %d, now %d)", i, ev.stim.Cluster, k, ev.step, st.step)
		}
		st.events = append(st.events, ev)
	}
	if d.err != nil {
		return nil, d.err
	}
	if len(d.b) != 0 {
		return nil, fmt.Errorf("corrupt state: %d bytes left over", len(d.b))
	}
	return st, nil
}

// apply puts a checked state into the network.
func (st *savedState) apply(n *Network) {
	n.step, n.resets, n.plastic = st.step, int(st.resets), st.plastic
	for _, wk := range n.workers {
		wk.ltp = 0
	}
	n.ltpDone = st.ltp
	for pi, p := range n.pops {
		sp := &st.pops[pi]
		p.spikes, p.lastAny = sp.spikes, sp.lastAny
		p.cells.copyFrom(&sp.cells)
		copy(p.rate, sp.rate)
		copy(p.extW, sp.extW)
		copy(p.rng, sp.rng)
		if p.um != nil {
			copy(p.um, sp.um)
			copy(p.up, sp.up)
			copy(p.xb, sp.xb)
			copy(p.y, sp.y)
		}
	}
	for k, pr := range n.projs {
		copy(pr.w, st.weights[k])
		pr.ver++ // the delivery copy is stale
		pr.inactive = st.inactive[k]
	}
	for k, r := range n.vrules {
		copy(r.xb, st.vxb[k])
	}
	for k, r := range n.norms {
		copy(r.target, st.targets[k])
	}
	n.events = append(n.events[:0], st.events...)
}

func onOff(traces bool) string {
	if traces {
		return "with traces"
	}
	return "without traces"
}

func (n *Network) projIndex(pr *projection) int {
	for k, q := range n.projs {
		if q == pr {
			return k
		}
	}
	return -1
}

// connHash is the FNV-1a 64 hash of the projection's connectivity (rowPtr and col).
func (pr *projection) connHash() uint64 {
	h := fnv.New64a()
	var b [4]byte
	for _, s := range [][]int32{pr.rowPtr, pr.col} {
		for _, x := range s {
			binary.LittleEndian.PutUint32(b[:], uint32(x))
			h.Write(b[:])
		}
		h.Write([]byte{0xff})
	}
	return h.Sum64()
}

// stateEnc appends little-endian values.
type stateEnc struct{ b []byte }

func (e *stateEnc) u8(x uint8)    { e.b = append(e.b, x) }
func (e *stateEnc) u32(x uint32)  { e.b = binary.LittleEndian.AppendUint32(e.b, x) }
func (e *stateEnc) u64(x uint64)  { e.b = binary.LittleEndian.AppendUint64(e.b, x) }
func (e *stateEnc) i64(x int64)   { e.u64(uint64(x)) }
func (e *stateEnc) f64(x float64) { e.u64(math.Float64bits(x)) }
func (e *stateEnc) str(s string)  { e.u32(uint32(len(s))); e.b = append(e.b, s...) }
func (e *stateEnc) bool(x bool) {
	if x {
		e.u8(1)
	} else {
		e.u8(0)
	}
}
func (e *stateEnc) f64s(x []float64) {
	for _, v := range x {
		e.f64(v)
	}
}
func (e *stateEnc) vstdp(r VoltageSTDP) {
	for _, x := range [...]float64{r.ALTP, r.ALTD, r.ThetaLTP, r.ThetaLTD, r.TauX, r.WMin, r.WMax} {
		e.f64(x)
	}
	e.bool(r.SoftBound)
}
func (e *stateEnc) istdp(r InhibitorySTDP) {
	for _, x := range [...]float64{r.Eta, r.R0, r.WMin, r.WMax} {
		e.f64(x)
	}
}
func (e *stateEnc) norm(r Normalization) {
	e.f64(r.PeriodMs)
	e.u8(uint8(r.Mode))
	e.f64(r.WMin)
	e.f64(r.WMax)
}

// stateDec reads little-endian values; the first shortage sets err and every later read
// returns zero values, so a truncated body never panics.
type stateDec struct {
	b   []byte
	err error
}

// need reports whether k more bytes are there, setting err when not.
func (d *stateDec) need(k int) bool {
	if d.err != nil {
		return false
	}
	if k < 0 || k > len(d.b) {
		d.err = errors.New("corrupt state: body too short for the network's structure")
		return false
	}
	return true
}

func (d *stateDec) take(k int) []byte {
	if !d.need(k) {
		return nil
	}
	x := d.b[:k]
	d.b = d.b[k:]
	return x
}

func (d *stateDec) u8() uint8 {
	if x := d.take(1); x != nil {
		return x[0]
	}
	return 0
}
func (d *stateDec) u32() uint32 {
	if x := d.take(4); x != nil {
		return binary.LittleEndian.Uint32(x)
	}
	return 0
}
func (d *stateDec) u64() uint64 {
	if x := d.take(8); x != nil {
		return binary.LittleEndian.Uint64(x)
	}
	return 0
}
func (d *stateDec) i64() int64   { return int64(d.u64()) }
func (d *stateDec) f64() float64 { return math.Float64frombits(d.u64()) }
func (d *stateDec) bool() bool {
	x := d.u8()
	if x > 1 && d.err == nil {
		d.err = fmt.Errorf("corrupt state: flag byte %d", x)
	}
	return x == 1
}
func (d *stateDec) str() string {
	return string(d.take(int(d.u32())))
}
func (d *stateDec) f64s(k int) []float64 {
	if !d.need(k * 8) {
		return nil
	}
	x := make([]float64, k)
	for i := range x {
		x[i] = d.f64()
	}
	return x
}
func (d *stateDec) vstdp() VoltageSTDP {
	r := VoltageSTDP{ALTP: d.f64(), ALTD: d.f64(), ThetaLTP: d.f64(), ThetaLTD: d.f64(), TauX: d.f64(), WMin: d.f64(), WMax: d.f64()}
	r.SoftBound = d.bool()
	return r
}
func (d *stateDec) istdp() InhibitorySTDP {
	return InhibitorySTDP{Eta: d.f64(), R0: d.f64(), WMin: d.f64(), WMax: d.f64()}
}
func (d *stateDec) norm() Normalization {
	r := Normalization{PeriodMs: d.f64(), Mode: NormMode(d.u8()), WMin: d.f64(), WMax: d.f64()}
	return r
}
