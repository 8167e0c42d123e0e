package snn

import (
	"fmt"
	"math"
	"sync/atomic"

	"gonum.org/v1/gonum/mat"
)

// PopID identifies a population of a Network. The recurrent network always has PopE (0) and
// PopI (1); AddPopulation returns the IDs of further populations (R, S, H, ...).
type PopID int

// The two populations of every Network.
const (
	PopE PopID = 0 // excitatory neurons, global indices 0 … NE−1
	PopI PopID = 1 // inhibitory neurons, global indices NE … NE+NI−1
)

// ProjID identifies a projection (a set of synapses from one population to another through
// one channel). The four recurrent pathways are created first, in this order.
type ProjID int

// The recurrent projections of every Network (docs/MODEL.md section 4.2).
const (
	ProjEtoE ProjID = 0 // E→E, excitatory channel
	ProjEtoI ProjID = 1 // E→I, excitatory channel
	ProjItoE ProjID = 2 // I→E, inhibitory channel
	ProjItoI ProjID = 3 // I→I, inhibitory channel
)

// population holds the state of one population (local indices), as a structure of arrays:
// the state the step loop touches for every neuron and step (cells), the drive, the random
// streams and the plasticity traces, one array per variable, so that the neuron update can
// run on four neurons at a time (the vector path of model_adex_amd64.go).
type population struct {
	name string
	p    NeuronParams
	off  int // global index of local neuron 0
	n    int

	cells                   // hot state, one array per variable
	rate, extW    []float64 // external Poisson drive: kHz and weight
	rng           []rng     // per-neuron Poisson stream
	um, up, xb, y []float64 // plasticity traces ū−, ū+, x̄, y (docs/MODEL.md section 5); nil when off

	d      Drive // drive given at construction
	out    []int // projections whose presynaptic population this is
	spikes int64 // spikes since construction

	lastAny int64 // step of the population's last spike (NeuronParams.SharedRefractory)
}

// cells is the state the step loop touches for every neuron in every step, one array per
// variable (all of the population's length).
type cells struct {
	v, vt, w           []float64 // membrane potential (mV), adaptive threshold (mV), adaptation (pA)
	xrE, xdE, xrI, xdI []float64 // conductance auxiliaries (docs/MODEL.md 4.1), rise and decay, per channel
	inE, inI           []float64 // input of the previous step, consumed in the next step (section 2)
	next               []float64 // time of the next external Poisson arrival, ms
	last               []int64   // step of the last spike
}

// makeCells returns the cells of n neurons, all zero, their arrays staggered (stagger.go).
func makeCells(n int) cells {
	f := staggered[float64](n, 10, phaseCells)
	return cells{v: f[0], vt: f[1], w: f[2], xrE: f[3], xdE: f[4], xrI: f[5], xdI: f[6], inE: f[7], inI: f[8],
		next: f[9], last: staggered[int64](n, 1, phaseLast)[0]}
}

// copyFrom copies the state of src (of the same length) into c.
func (c *cells) copyFrom(src *cells) {
	copy(c.v, src.v)
	copy(c.vt, src.vt)
	copy(c.w, src.w)
	copy(c.xrE, src.xrE)
	copy(c.xdE, src.xdE)
	copy(c.xrI, src.xrI)
	copy(c.xdI, src.xdI)
	copy(c.inE, src.inE)
	copy(c.inI, src.inI)
	copy(c.next, src.next)
	copy(c.last, src.last)
}

// projection is a sparse synapse set. Weights are stored contiguously by postsynaptic neuron
// (CSR post → pre, as LTP and normalisation need); outPost/outSyn index them by presynaptic
// neuron for spike delivery.
type projection struct {
	pre, post int
	ch        Channel
	rowPtr    []int32   // len nPost+1: synapses of post j are rowPtr[j] … rowPtr[j+1]−1
	col       []int32   // presynaptic local index of each synapse
	w         []float64 // weight of each synapse, pF
	outPtr    []int32   // len nPre+1: outgoing entries of pre i
	outPost   []int32   // postsynaptic local index, ascending per pre
	outSyn    []int32   // index into w
	split     []int32   // per pre i and worker k: first outgoing entry of i whose post belongs to k or later
	plastic   bool      // an active vSTDP or iSTDP rule is attached (set for each chunk)
	inactive  bool      // SetRuleActive(false)
	frozen    []float64 // SetOpenLoop: the weights spikes are delivered with (nil: w)
	// The delivery copy (delivery.go): the weights spikes are delivered with, in the order of
	// outSyn, valid while wdOK and wdVer == ver; ver counts the writes of w and frozen made
	// outside the rules (SetWeights, SetWeightRows, ReadState, SetOpenLoop), seenVer is ver at
	// the start of the last chunk, since the presynaptic spike count when the weights last
	// changed, and useWd says that the current chunk delivers from wd.
	wd                  []float64
	wdOK, useWd         bool
	ver, wdVer, seenVer uint64
	since               int64
}

// Network is a simulated spiking network: the recurrent E/I network of docs/MODEL.md plus any
// populations added with AddPopulation. Its methods are not safe for concurrent use.
type Network struct {
	dt       float64
	syn      Synapses
	negToInh bool
	traces   bool
	// bug is the index in E of the neuron of Config.LastENeuronBug (docs/MODEL.md section 9
	// item 7), −1 when off; bugDrive is its external drive and bugKin its (I) kinetics.
	bug      int
	bugDrive Drive
	bugKin   kin
	seed     uint64
	clusters Clusters
	pops     []*population
	projs    []*projection
	step     int64 // completed steps; the time is step·dt
	ltpDone  int64 // LTP updates of workers that prepare has replaced

	threads int
	ready   bool // workers and splits match the current populations and threads
	workers []*worker
	sets    map[int]*threadSet // every worker count prepared since the last change
	auto    autoThreads        // the load adaptation of Threads = 0 (threads.go)
	cuts    map[int][]float64  // per worker count: the balancer's cuts (nil: equal ranges)
	bal     balancer           // times chunks of the current count (balance.go)
	recut   bool               // the cuts of the current count moved: prepare rebuilds its set
	prof    *stepProf          // thread-scaling instrumentation (scaling.go): nil outside tests

	spikeMons []*SpikeMonitor
	stateMons []*StateMonitor
	rateMons  []*RateMonitor
	hooks     []hook
	controls  []func(Step) // OnStep
	host      Host
	running   atomic.Bool // a RunContext is in progress

	vrules     []*vstdpRule
	irules     []*istdpRule
	norms      []*normRule
	plastic    bool // SetPlastic
	plasticNow bool // plastic and some rule is attached, fixed for one chunk

	events []stimEvent // pending stimulus switches, by step
	resets int         // ResetState calls, for fresh initial-state streams
}

type hook struct {
	every int64
	f     func(tMs float64)
}

// New builds the recurrent network of cfg (docs/MODEL.md section 6): NE E neurons in cfg.Clusters
// equal clusters of consecutive indices, NI I neurons, Bernoulli connectivity without
// autapses on the four pathways, uniform initial weights, and the initial state of 6.4.
// All randomness derives from cfg.Seed. A network that needs more memory than the machine has
// available (MemAvailable, or the cgroup limit) is refused with an error that says both.
func New(cfg Config) (*Network, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	_, syn := memoryEstimate(cfg)
	if err := checkMemory(float64(cfg.NE+cfg.NI), syn, availableMemory()); err != nil {
		return nil, err
	}
	n := newEmpty(cfg)
	for k, pw := range []struct {
		pre, post int
		ch        Channel
		p         Pathway
	}{{0, 0, Exc, cfg.EtoE}, {0, 1, Exc, cfg.EtoI}, {1, 0, Inh, cfg.ItoE}, {1, 1, Inh, cfg.ItoI}} {
		r := streamSeed(cfg.Seed, 16+uint64(k), 0)
		pr := bernoulli(n.pops[pw.pre].n, n.pops[pw.post].n, pw.p.P, pw.p.W, pw.pre == pw.post, &r)
		pr.pre, pr.post, pr.ch = pw.pre, pw.post, pw.ch
		n.addProjection(pr)
	}
	return n, nil
}

// NewFromWeights builds the recurrent network from a full weight matrix w in post × pre
// orientation (row = postsynaptic neuron, column = presynaptic; E first, then I; docs/MODEL.md
// section 4.2), as returned by LoadWeights. Every non-zero entry is a synapse. The matrix must
// be (cfg.NE+cfg.NI) square with non-negative finite entries. cl gives the E clusters; if it is
// empty, cfg.Clusters equal clusters are used. Neuron parameters, inputs and the seed (for the
// initial state and the Poisson input) come from cfg; its pathway fields are ignored.
func NewFromWeights(cfg Config, w *mat.Dense, cl Clusters) (*Network, error) {
	if w == nil {
		return nil, fmt.Errorf("snn: NewFromWeights: nil weight matrix")
	}
	r, c := w.Dims()
	if r != c {
		return nil, fmt.Errorf("snn: NewFromWeights: weight matrix is %d×%d, must be square", r, c)
	}
	if cfg.NE+cfg.NI != r {
		return nil, fmt.Errorf("snn: NewFromWeights: weight matrix is %d×%d but Config.NE+Config.NI = %d+%d = %d", r, c, cfg.NE, cfg.NI, cfg.NE+cfg.NI)
	}
	if cl.Count() > 0 {
		if err := checkClusters(cl, cfg.NE); err != nil {
			return nil, err
		}
		// The bounds are used as given; Validate only needs a divisor of NE.
		cfg.Clusters = 1
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	raw := w.RawMatrix()
	if err := checkWeightsMemory(raw.Data, raw.Stride, r, availableMemory()); err != nil {
		return nil, err
	}
	n := newEmpty(cfg)
	if cl.Count() > 0 {
		n.clusters = Clusters{Bounds: append([]int(nil), cl.Bounds...)}
	}
	ne := cfg.NE
	for _, b := range []struct {
		pre, post int
		ch        Channel
		r0, c0    int
	}{{0, 0, Exc, 0, 0}, {0, 1, Exc, ne, 0}, {1, 0, Inh, 0, ne}, {1, 1, Inh, ne, ne}} {
		pre, post := n.pops[b.pre], n.pops[b.post]
		pr, err := fromDense(w, b.r0, b.c0, post.n, pre.n)
		if err != nil {
			return nil, err
		}
		pr.pre, pr.post, pr.ch = b.pre, b.post, b.ch
		n.addProjection(pr)
	}
	return n, nil
}

func checkClusters(cl Clusters, ne int) error {
	if err := cl.Validate(); err != nil {
		return err
	}
	if b := cl.Bounds; b[len(b)-1] > ne {
		return fmt.Errorf("snn: Clusters.Bounds[%d] = %d: exceeds the number of E neurons (%d)", len(b)-1, b[len(b)-1], ne)
	}
	return nil
}

func newEmpty(cfg Config) *Network {
	n := &Network{
		dt: cfg.DT, syn: cfg.Synapses, negToInh: cfg.NegativeExt == Inh, traces: cfg.Traces,
		seed: cfg.Seed, threads: cfg.Threads, bug: -1,
	}
	if cfg.LastENeuronBug {
		n.bug, n.bugDrive = cfg.NE-1, cfg.ExtI
	}
	if cfg.Clusters > 0 {
		n.clusters = UniformClusters(cfg.Clusters, cfg.NE/cfg.Clusters)
	}
	n.addPop("E", cfg.E, cfg.NE, cfg.ExtE)
	n.addPop("I", cfg.I, cfg.NI, cfg.ExtI)
	return n
}

func (n *Network) addPop(name string, p NeuronParams, size int, d Drive) PopID {
	off := 0
	if len(n.pops) > 0 {
		last := n.pops[len(n.pops)-1]
		off = last.off + last.n
	}
	id := len(n.pops)
	pop := &population{name: name, p: p, off: off, n: size}
	pop.cells = makeCells(size)
	ext := staggered[float64](size, 2, phaseRate)
	pop.rate, pop.extW = ext[0], ext[1]
	pop.rng = make([]rng, size)
	if n.traces {
		tr := staggered[float64](size, 4, phaseTraces)
		pop.um, pop.up, pop.xb, pop.y = tr[0], tr[1], tr[2], tr[3]
	}
	pop.d = d
	n.initState(pop, uint64(id))
	n.pops = append(n.pops, pop)
	n.ready = false
	return PopID(id)
}

// initState sets the initial state of docs/MODEL.md section 6 item 4 at the current time: V uniform in
// [VInitLow, VInitHigh], V_T at rest, no adaptation, empty conductances and inputs, traces at
// V (ū) or 0, not refractory, external drive as given at construction, first Poisson arrival
// drawn afresh. stream selects the random stream of the initial V.
func (n *Network) initState(pop *population, stream uint64) {
	p, d := pop.p, pop.d
	init := streamSeed(n.seed, 2, stream)
	t := n.Time()
	pop.lastAny = math.MinInt64 / 2
	clear(pop.xb)
	clear(pop.y)
	for i := 0; i < pop.n; i++ {
		v := p.VInitLow + (p.VInitHigh-p.VInitLow)*init.float()
		pop.v[i], pop.vt[i], pop.w[i] = v, p.VTRest, 0
		pop.xrE[i], pop.xdE[i], pop.xrI[i], pop.xdI[i] = 0, 0, 0, 0
		pop.inE[i], pop.inI[i] = 0, 0
		pop.last[i] = math.MinInt64 / 2
		pop.rate[i] = d.Rate
		pop.extW[i] = d.Weight
		if pop.rng[i] == 0 {
			pop.rng[i] = streamSeed(n.seed, 1, uint64(pop.off+i))
		}
		pop.next[i] = t + pop.rng[i].exp()/d.Rate // +Inf when the rate is 0
		if pop.um != nil {
			// docs/MODEL.md section 9 item 6: traces start at the initial V (default for Go).
			pop.um[i], pop.up[i] = v, v
		}
	}
	if n.bug >= 0 && pop.off == 0 && n.bug < pop.n {
		// Section 9 item 7: the last E neuron (the first population is E) has the I drive.
		i, d := n.bug, n.bugDrive
		pop.rate[i], pop.extW[i] = d.Rate, d.Weight
		pop.next[i] = t + pop.rng[i].exp()/d.Rate
	}
}

// Rest puts every neuron of population id at rest with no synaptic input in flight: V = E_L,
// V_T at rest, no adaptation, conductances and pending inputs 0; refractory clocks, drives,
// traces and weights are kept. It is the state a separate run of the original starts from
// (the read-out's replay, docs/MODEL.md 7.4, starts R, S and H at rest).
func (n *Network) Rest(id PopID) error {
	p, err := n.pop(id)
	if err != nil {
		return err
	}
	for i := range p.v {
		p.v[i], p.vt[i], p.w[i] = p.p.EL, p.p.VTRest, 0
		p.xrE[i], p.xdE[i], p.xrI[i], p.xdI[i] = 0, 0, 0, 0
		p.inE[i], p.inI[i] = 0, 0
	}
	return nil
}

// ResetState re-initialises the state of every neuron as at construction (docs/MODEL.md section 6 item 4) with
// fresh random initial potentials, keeping the weights, the time, monitors and rules: the
// original re-initialises the state at every sim() call (docs/MODEL.md section 9 item 5; the
// default for Go is continuous state, so call this only for bug-compatibility). It also
// restores every population's drive to its construction value and drops pending stimuli.
func (n *Network) ResetState() {
	n.resets++
	for id, p := range n.pops {
		n.initState(p, uint64(id)+uint64(n.resets)<<32)
	}
	for _, r := range n.vrules {
		clear(r.xb)
	}
	n.events = n.events[:0]
}

// bernoulli draws a post × pre Bernoulli(p) connection pattern with uniform weight w,
// skipping the diagonal when noSelf (docs/MODEL.md section 4.2).
func bernoulli(nPre, nPost int, p, w float64, noSelf bool, r *rng) *projection {
	pr := &projection{rowPtr: make([]int32, nPost+1)}
	est := int(p*float64(nPre)*float64(nPost)*1.01) + 16
	pr.col = make([]int32, 0, est)
	var thr uint64
	all := p >= 1
	if !all {
		thr = uint64(p * (1 << 63) * 2)
	}
	for j := 0; j < nPost; j++ {
		if p > 0 {
			for i := 0; i < nPre; i++ {
				if noSelf && i == j {
					continue
				}
				if all || r.next() < thr {
					pr.col = append(pr.col, int32(i))
				}
			}
		}
		pr.rowPtr[j+1] = int32(len(pr.col))
	}
	pr.w = make([]float64, len(pr.col))
	for k := range pr.w {
		pr.w[k] = w
	}
	return pr
}

// fromDense reads the block of w starting at (r0, c0) of size nPost × nPre.
func fromDense(w *mat.Dense, r0, c0, nPost, nPre int) (*projection, error) {
	raw := w.RawMatrix()
	row := func(j int) []float64 { return raw.Data[(r0+j)*raw.Stride+c0:][:nPre] }
	// Count first, so that the synapse arrays are allocated once at their final size (growing
	// them by append held up to twice the memory while a large matrix was read).
	nnz := 0
	for j := 0; j < nPost; j++ {
		for _, x := range row(j) {
			if x != 0 {
				nnz++
			}
		}
	}
	pr := &projection{rowPtr: make([]int32, nPost+1), col: make([]int32, 0, nnz), w: make([]float64, 0, nnz)}
	for j := 0; j < nPost; j++ {
		for i, x := range row(j) {
			if x == 0 {
				continue
			}
			if bad(x) || x < 0 {
				return nil, fmt.Errorf("snn: NewFromWeights: weight[%d][%d] = %v: weights must be finite and >= 0", r0+j, c0+i, x)
			}
			pr.col = append(pr.col, int32(i))
			pr.w = append(pr.w, x)
		}
		pr.rowPtr[j+1] = int32(len(pr.col))
	}
	return pr, nil
}

// addProjection builds the pre → post delivery index and registers the projection.
func (n *Network) addProjection(pr *projection) ProjID {
	nPre := n.pops[pr.pre].n
	pr.outPtr = make([]int32, nPre+1)
	for _, i := range pr.col {
		pr.outPtr[i+1]++
	}
	for i := 0; i < nPre; i++ {
		pr.outPtr[i+1] += pr.outPtr[i]
	}
	pr.outPost = make([]int32, len(pr.col))
	pr.outSyn = make([]int32, len(pr.col))
	fill := append([]int32(nil), pr.outPtr[:nPre]...)
	for j := 0; j+1 < len(pr.rowPtr); j++ {
		for k := pr.rowPtr[j]; k < pr.rowPtr[j+1]; k++ {
			i := pr.col[k]
			pr.outPost[fill[i]] = int32(j)
			pr.outSyn[fill[i]] = k
			fill[i]++
		}
	}
	n.projs = append(n.projs, pr)
	n.pops[pr.pre].out = append(n.pops[pr.pre].out, len(n.projs)-1)
	n.ready = false
	return ProjID(len(n.projs) - 1)
}

// AddPopulation adds a population of size neurons with model p and external Poisson drive d
// (for example the read-out populations R, S and H of docs/MODEL.md sections 3.3-3.5). Its global
// indices follow those of the populations added before. The new neurons start in the state of
// docs/MODEL.md section 6 item 4 at the current time.
func (n *Network) AddPopulation(name string, p NeuronParams, size int, d Drive) (PopID, error) {
	if size < 0 {
		return 0, fmt.Errorf("snn: AddPopulation(%q): size = %d: must be >= 0", name, size)
	}
	if err := p.Validate("NeuronParams"); err != nil {
		return 0, fmt.Errorf("snn: AddPopulation(%q): %w", name, err)
	}
	if err := validateDrive("Drive", d); err != nil {
		return 0, fmt.Errorf("snn: AddPopulation(%q): %w", name, err)
	}
	return n.addPop(name, p, size, d), nil
}

func (n *Network) pop(id PopID) (*population, error) {
	if id < 0 || int(id) >= len(n.pops) {
		return nil, fmt.Errorf("snn: population %d does not exist (the network has %d)", id, len(n.pops))
	}
	return n.pops[id], nil
}

func (n *Network) checkConnect(pre, post PopID, ch Channel) (*population, *population, error) {
	a, err := n.pop(pre)
	if err != nil {
		return nil, nil, err
	}
	b, err := n.pop(post)
	if err != nil {
		return nil, nil, err
	}
	if ch != Exc && ch != Inh {
		return nil, nil, fmt.Errorf("snn: channel %v: must be Exc or Inh", ch)
	}
	return a, b, nil
}

// ConnectAll connects every neuron of pre to every neuron of post (no autapses when pre ==
// post) through channel ch with weight w (pF), e.g. the plastic E→R read-out projection of
// docs/MODEL.md section 4.4, which starts at 0.
func (n *Network) ConnectAll(pre, post PopID, ch Channel, w float64) (ProjID, error) {
	a, b, err := n.checkConnect(pre, post, ch)
	if err != nil {
		return 0, err
	}
	if bad(w) {
		return 0, fmt.Errorf("snn: ConnectAll: weight = %v: must be finite", w)
	}
	r := rng(0)
	pr := bernoulli(a.n, b.n, 1, w, pre == post, &r)
	pr.pre, pr.post, pr.ch = int(pre), int(post), ch
	return n.addProjection(pr), nil
}

// ConnectOneToOne connects neuron i of pre to neuron i of post for every i through channel ch
// with weight w (pF); the populations must have equal sizes (S→R, R→H, H→R; section 4.4).
func (n *Network) ConnectOneToOne(pre, post PopID, ch Channel, w float64) (ProjID, error) {
	a, b, err := n.checkConnect(pre, post, ch)
	if err != nil {
		return 0, err
	}
	if a.n != b.n {
		return 0, fmt.Errorf("snn: ConnectOneToOne: sizes differ (%s has %d, %s has %d)", a.name, a.n, b.name, b.n)
	}
	if bad(w) {
		return 0, fmt.Errorf("snn: ConnectOneToOne: weight = %v: must be finite", w)
	}
	pr := &projection{pre: int(pre), post: int(post), ch: ch, rowPtr: make([]int32, b.n+1)}
	for j := 0; j < b.n; j++ {
		pr.col = append(pr.col, int32(j))
		pr.w = append(pr.w, w)
		pr.rowPtr[j+1] = int32(j + 1)
	}
	return n.addProjection(pr), nil
}

// ConnectMatrix connects pre to post through channel ch with the synapses given by the
// non-zero entries of w, a post × pre matrix (row = postsynaptic neuron).
func (n *Network) ConnectMatrix(pre, post PopID, ch Channel, w *mat.Dense) (ProjID, error) {
	a, b, err := n.checkConnect(pre, post, ch)
	if err != nil {
		return 0, err
	}
	if w == nil {
		return 0, fmt.Errorf("snn: ConnectMatrix: nil matrix")
	}
	if r, c := w.Dims(); r != b.n || c != a.n {
		return 0, fmt.Errorf("snn: ConnectMatrix: matrix is %d×%d, want post × pre = %d×%d", r, c, b.n, a.n)
	}
	pr, err := fromDense(w, 0, 0, b.n, a.n)
	if err != nil {
		return 0, err
	}
	pr.pre, pr.post, pr.ch = int(pre), int(post), ch
	return n.addProjection(pr), nil
}

// Weights returns a copy of the weights of projection id as a dense post × pre matrix
// (absent synapses are 0).
func (n *Network) Weights(id ProjID) (*mat.Dense, error) {
	if id < 0 || int(id) >= len(n.projs) {
		return nil, fmt.Errorf("snn: projection %d does not exist (the network has %d)", id, len(n.projs))
	}
	pr := n.projs[id]
	m := mat.NewDense(max(n.pops[pr.post].n, 1), max(n.pops[pr.pre].n, 1), nil)
	for j := 0; j+1 < len(pr.rowPtr); j++ {
		for k := pr.rowPtr[j]; k < pr.rowPtr[j+1]; k++ {
			m.Set(j, int(pr.col[k]), pr.w[k])
		}
	}
	return m, nil
}

// WeightMatrix returns the full recurrent weight matrix (E and I, post × pre, E first), the
// layout NewFromWeights and SaveWeights use.
func (n *Network) WeightMatrix() *mat.Dense {
	ne, ni := n.pops[0].n, n.pops[1].n
	m := mat.NewDense(max(ne+ni, 1), max(ne+ni, 1), nil)
	for id := ProjEtoE; id <= ProjItoI; id++ {
		pr := n.projs[id]
		r0, c0 := n.pops[pr.post].off, n.pops[pr.pre].off
		for j := 0; j+1 < len(pr.rowPtr); j++ {
			for k := pr.rowPtr[j]; k < pr.rowPtr[j+1]; k++ {
				m.Set(r0+j, c0+int(pr.col[k]), pr.w[k])
			}
		}
	}
	return m
}

// NumSynapses returns the number of synapses of projection id (0 if it does not exist).
func (n *Network) NumSynapses(id ProjID) int {
	if id < 0 || int(id) >= len(n.projs) {
		return 0
	}
	return len(n.projs[id].w)
}

// NumProjections returns the number of projections (the recurrent four first).
func (n *Network) NumProjections() int { return len(n.projs) }

// TotalSynapses returns the number of synapses of all projections.
func (n *Network) TotalSynapses() int {
	t := 0
	for _, pr := range n.projs {
		t += len(pr.w)
	}
	return t
}

// Size returns the number of neurons of population id (0 if it does not exist).
func (n *Network) Size(id PopID) int {
	if id < 0 || int(id) >= len(n.pops) {
		return 0
	}
	return n.pops[id].n
}

// Offset returns the global index of the first neuron of population id.
func (n *Network) Offset(id PopID) int {
	if id < 0 || int(id) >= len(n.pops) {
		return 0
	}
	return n.pops[id].off
}

// PopName returns the name of population id ("E", "I", or the name given to AddPopulation).
func (n *Network) PopName(id PopID) string {
	if id < 0 || int(id) >= len(n.pops) {
		return ""
	}
	return n.pops[id].name
}

// NumPops returns the number of populations.
func (n *Network) NumPops() int { return len(n.pops) }

// Clusters returns the E clusters.
func (n *Network) Clusters() Clusters { return n.clusters }

// DT returns the time step in ms.
func (n *Network) DT() float64 { return n.dt }

// Time returns the simulated time in ms.
func (n *Network) Time() float64 { return float64(n.step) * n.dt }

// Steps returns the number of completed time steps.
func (n *Network) Steps() int64 { return n.step }

// SpikeCount returns the number of spikes population id has emitted since construction.
func (n *Network) SpikeCount(id PopID) int64 {
	if id < 0 || int(id) >= len(n.pops) {
		return 0
	}
	return n.pops[id].spikes
}

// Threads returns the number of worker goroutines the next chunk of steps uses: the number set
// (Config.Threads, SetThreads), or, when that is 0, the count the load adaptation has chosen,
// which starts at the default for the network's current size (one worker per 250 neurons, at
// least 1 and at most runtime.GOMAXPROCS(0)) and moves by factors of two while other jobs
// keep the cores busy (see the package documentation).
func (n *Network) Threads() int { return n.runThreads() }

// SetThreads sets the number of worker goroutines (0: adapted to the size and the load, see
// Threads). Results do not depend on it.
func (n *Network) SetThreads(t int) error {
	if t < 0 {
		return fmt.Errorf("snn: SetThreads(%d): must be >= 0", t)
	}
	if t != n.threads {
		n.threads = t
		n.ready = false
	}
	return nil
}

// SetRate sets the external Poisson rate (kHz) of neuron i of population id. As in the
// original (docs/MODEL.md section 2), the interval already drawn is kept and only the next one uses
// the new rate; a neuron whose input was off (rate 0) draws its next arrival from now.
func (n *Network) SetRate(id PopID, i int, kHz float64) error {
	p, err := n.pop(id)
	if err != nil {
		return err
	}
	if i < 0 || i >= p.n {
		return fmt.Errorf("snn: SetRate: neuron %d out of range [0, %d) of population %s", i, p.n, p.name)
	}
	if bad(kHz) || kHz < 0 {
		return fmt.Errorf("snn: SetRate: rate = %v kHz: must be finite and >= 0", kHz)
	}
	p.setRate(i, kHz, n.Time())
	return nil
}

func (p *population) setRate(i int, kHz, t float64) {
	p.rate[i] = kHz
	if !(p.next[i] < math.Inf(1)) && kHz > 0 { // +Inf, or NaN from a zero draw at rate 0
		p.next[i] = t + p.rng[i].exp()/kHz
	}
}

// DriveRates returns a copy of the external Poisson rates (kHz) of the neurons of population
// id.
func (n *Network) DriveRates(id PopID) []float64 {
	p, err := n.pop(id)
	if err != nil {
		return nil
	}
	return append([]float64(nil), p.rate...)
}

// SetRates sets the external Poisson rate (kHz) of every neuron in [from, to) of population
// id (see SetRate).
func (n *Network) SetRates(id PopID, from, to int, kHz float64) error {
	p, err := n.pop(id)
	if err != nil {
		return err
	}
	if from < 0 || to > p.n || from > to {
		return fmt.Errorf("snn: SetRates: range [%d, %d) invalid for population %s of %d neurons", from, to, p.name, p.n)
	}
	if bad(kHz) || kHz < 0 {
		return fmt.Errorf("snn: SetRates: rate = %v kHz: must be finite and >= 0", kHz)
	}
	t := n.Time()
	for i := from; i < to; i++ {
		p.setRate(i, kHz, t)
	}
	return nil
}

// SetDriveWeight sets the weight (pF) of the external Poisson events of neurons [from, to) of
// population id. Negative weights model the training's net inhibition (docs/MODEL.md section 4.3)
// and go to the channel chosen by Config.NegativeExt.
func (n *Network) SetDriveWeight(id PopID, from, to int, w float64) error {
	p, err := n.pop(id)
	if err != nil {
		return err
	}
	if from < 0 || to > p.n || from > to {
		return fmt.Errorf("snn: SetDriveWeight: range [%d, %d) invalid for population %s of %d neurons", from, to, p.name, p.n)
	}
	if bad(w) {
		return fmt.Errorf("snn: SetDriveWeight: weight = %v: must be finite", w)
	}
	for i := from; i < to; i++ {
		p.extW[i] = w
	}
	return nil
}

// Var names a state variable for State and state monitors.
type Var int

// State variables.
const (
	VarV      Var = iota // membrane potential, mV
	VarVT                // adaptive threshold V_T, mV (models that have it, e.g. AdEx: see the Model's doc)
	VarW                 // adaptation current w, pA (models that have it, e.g. AdEx: see the Model's doc)
	VarGE                // excitatory conductance, nS
	VarGI                // inhibitory conductance, nS
	VarUMinus            // LTD voltage trace ū−, mV (Config.Traces; models with vSTDP traces, e.g. AdEx)
	VarUPlus             // LTP voltage trace ū+, mV (Config.Traces; models with vSTDP traces, e.g. AdEx)
	VarXBar              // presynaptic trace x̄ (Config.Traces; models with vSTDP traces, e.g. AdEx)
	VarY                 // iSTDP trace y (Config.Traces)
)

var varNames = [...]string{"V", "VT", "W", "GE", "GI", "UMinus", "UPlus", "XBar", "Y"}

// String returns the variable's name.
func (v Var) String() string {
	if v >= 0 && int(v) < len(varNames) {
		return varNames[v]
	}
	return fmt.Sprintf("Var(%d)", int(v))
}

// value returns variable v of local neuron i.
func (n *Network) value(p *population, v Var, i int) float64 {
	switch v {
	case VarV:
		return p.v[i]
	case VarVT:
		return p.vt[i]
	case VarW:
		return p.w[i]
	case VarGE:
		return (p.xdE[i] - p.xrE[i]) / (n.syn.TauDecayE - n.syn.TauRiseE)
	case VarGI:
		return (p.xdI[i] - p.xrI[i]) / (n.syn.TauDecayI - n.syn.TauRiseI)
	case VarUMinus:
		return p.um[i]
	case VarUPlus:
		return p.up[i]
	case VarXBar:
		return p.xb[i]
	case VarY:
		return p.y[i]
	}
	return math.NaN()
}

func checkVar(p *population, v Var) error {
	if v < 0 || int(v) >= len(varNames) {
		return fmt.Errorf("snn: unknown state variable %d", int(v))
	}
	if !p.p.Model.impl().hasVar(v) {
		return fmt.Errorf("snn: population %s is %v and has no state variable %v", p.name, p.p.Model, v)
	}
	if v >= VarUMinus && p.um == nil {
		return fmt.Errorf("snn: state variable %v of population %s needs traces: Config.Traces, or a plasticity rule that uses them", v, p.name)
	}
	return nil
}

// State returns a copy of variable v of every neuron of population id.
func (n *Network) State(id PopID, v Var) ([]float64, error) {
	p, err := n.pop(id)
	if err != nil {
		return nil, err
	}
	if err := checkVar(p, v); err != nil {
		return nil, err
	}
	out := make([]float64, p.n)
	for i := range out {
		out[i] = n.value(p, v, i)
	}
	return out, nil
}
