package snn

import (
	"context"
	"errors"
	"fmt"
	"math"
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// chunkSteps is the number of steps between two returns to the calling goroutine, where the
// context is checked, monitors are filled, V is checked for NaN/Inf and progress is reported:
// 100 steps = 10 ms of simulated time at dt = 0.1 ms.
const chunkSteps = 100

// Host receives the progress of runs and supplies the context that stops them: the interactive
// session gives one to every network a cell or compiled code creates, so that an interrupt
// stops a Run and progress reaches the front end.
//
// A run finds its host in one way: the host carried by the run's context (WithHost), else the
// network's own (SetHost), else none. snn keeps no other record of hosts.
type Host interface {
	// Context returns a context whose cancellation stops the run (as if the run's own context
	// were cancelled). It must be free of side effects: a run asks for it once, when it starts.
	Context() context.Context
	// Progress receives the progress reports of a run, on the goroutine that called Run: a
	// Start report when the run begins, reports at most every 100 ms of wall time, and a Final
	// report on every return path after the Start report.
	Progress(p Progress)
}

// Progress reports how far a run has got.
type Progress struct {
	Time  float64       // network time, ms
	Done  float64       // simulated time of this run so far, ms
	Total float64       // simulated time requested by this run, ms
	Wall  time.Duration // wall-clock time since the run started
	Rates []float64     // mean rate of each population over this run so far, Hz
	Pops  []string      // population names, in the order of Rates
	Start bool          // true for the first report of a run, sent before its first step
	Final bool          // true for the last report of a run
	// Phase and Phases locate the run in a protocol (protocol.Run): phase Phase (0-based) of
	// Phases; both are 0 outside protocols.
	Phase, Phases int
}

// SetHost attaches a host to the network (nil detaches it): runs whose context carries no host
// (WithHost) report to it.
func (n *Network) SetHost(h Host) { n.host = h }

// Host returns the host attached with SetHost, or nil.
func (n *Network) Host() Host { return n.host }

// hostKey is the context key of WithHost.
type hostKey struct{}

// WithHost returns a copy of ctx that carries h: runs given that context report to h instead
// of the network's own host (SetHost), and stop when h's context is cancelled. With a nil h,
// runs given the context use the network's host.
func WithHost(ctx context.Context, h Host) context.Context {
	return context.WithValue(ctx, hostKey{}, h)
}

// HostFromContext returns the host carried by ctx (WithHost), or nil.
func HostFromContext(ctx context.Context) Host {
	if ctx == nil {
		return nil
	}
	h, _ := ctx.Value(hostKey{}).(Host)
	return h
}

// runHost is the host of a run given ctx: the context's, else the network's.
func (n *Network) runHost(ctx context.Context) Host {
	if h := HostFromContext(ctx); h != nil {
		return h
	}
	return n.host
}

// Run simulates durationMs milliseconds with context.Background(), so that the network's host
// (SetHost), if any, receives the progress and the host's context stops the run. See
// RunContext.
func (n *Network) Run(durationMs float64) error {
	return n.run(context.Background(), durationMs)
}

// RunContext simulates durationMs milliseconds (rounded to whole steps). The run's host is the one
// ctx carries (WithHost), else the network's (SetHost). It checks ctx, and the host's context when
// there is a host (so that an interrupt in a notebook also stops runs given context.Background()),
// every chunkSteps steps and returns an error wrapping the context's error when either is
// cancelled; the network then stands at a consistent step and can run on. It returns an error
// naming the population and time when a membrane potential becomes NaN or infinite (the state is
// then unusable). Progress goes to the host, if any: a Start report before the first step, reports
// at most every 100 ms of wall time, and a Final report on every return path after the Start
// report (and when a hook panics). Runs of one network cannot overlap: a second RunContext while
// one is running returns an error at once (and reports nothing).
func (n *Network) RunContext(ctx context.Context, durationMs float64) error {
	if ctx == nil {
		ctx = context.Background()
	}
	return n.run(ctx, durationMs)
}

func (n *Network) run(ctx context.Context, durationMs float64) error {
	if bad(durationMs) || durationMs < 0 {
		return fmt.Errorf("snn: run duration = %v ms: must be finite and >= 0", durationMs)
	}
	if !n.running.CompareAndSwap(false, true) {
		return errors.New("snn: the network is already running (runs of one network cannot overlap)")
	}
	defer n.running.Store(false)
	host := n.runHost(ctx)
	var hostCtx context.Context
	if host != nil {
		hostCtx = host.Context()
	}
	cancelled := func() error {
		if err := ctx.Err(); err != nil {
			return err
		}
		if hostCtx != nil {
			return hostCtx.Err()
		}
		return nil
	}
	steps := int64(math.Round(durationMs / n.dt))
	n.prepare()
	start := time.Now()
	s0 := n.step
	end := n.step + steps
	counts0 := make([]int64, len(n.pops))
	for i, p := range n.pops {
		counts0[i] = p.spikes
	}
	lastReport := start
	progress := func(now time.Time, first, final bool) Progress {
		done := float64(n.step-s0) * n.dt
		pr := Progress{Time: n.Time(), Done: done, Total: float64(steps) * n.dt, Wall: now.Sub(start),
			Start: first, Final: final}
		pr.Rates = make([]float64, len(n.pops))
		pr.Pops = make([]string, len(n.pops))
		for i, p := range n.pops {
			pr.Pops[i] = p.name
			var c0 int64 // a population a hook added during the run counts from 0
			if i < len(counts0) {
				c0 = counts0[i]
			}
			if p.n > 0 && done > 0 {
				pr.Rates[i] = float64(p.spikes-c0) / float64(p.n) / (done / 1000)
			}
		}
		return pr
	}
	report := func() {
		if host == nil {
			return
		}
		if now := time.Now(); now.Sub(lastReport) >= 100*time.Millisecond {
			lastReport = now
			host.Progress(progress(now, false, false))
		}
	}
	if host != nil {
		host.Progress(progress(start, true, false))
		// The Final report, on every return path and when a hook panics, comes after the
		// network is free again: a host that counts runs in flight may start the next one.
		defer func() {
			pr := progress(time.Now(), false, true)
			n.running.Store(false)
			host.Progress(pr)
		}()
	}
	for n.step < end {
		if err := cancelled(); err != nil {
			return fmt.Errorf("snn: run interrupted at t = %.1f ms: %w", n.Time(), err)
		}
		n.applyEvents()
		n.prepare() // a hook may have added populations, monitors or changed the threads
		c := min(end-n.step, chunkSteps)
		if len(n.events) > 0 {
			c = min(c, n.events[0].step-n.step-1)
		}
		for _, h := range n.hooks {
			if due := h.every - n.step%h.every; due < c {
				c = due
			}
		}
		t0 := time.Now()
		n.runChunk(int(c))
		if n.threads == 0 {
			n.auto.observe(int(c), time.Since(t0).Seconds())
		}
		if err := n.checkFinite(int(c)); err != nil {
			return err
		}
		for _, h := range n.hooks {
			if n.step%h.every == 0 {
				h.f(n.Time())
			}
		}
		report()
	}
	return nil
}

// Every registers f to be called on the goroutine that runs the network after every step
// whose time is a multiple of everyMs (rounded to whole steps, at least one), with the time in
// ms. f may change rates and weights of drives (SetRate, SetDriveWeight); it is how stimulus
// schedules and closed-loop protocols are written.
func (n *Network) Every(everyMs float64, f func(tMs float64)) error {
	if bad(everyMs) || everyMs <= 0 {
		return fmt.Errorf("snn: Every: interval = %v ms: must be > 0", everyMs)
	}
	if f == nil {
		return fmt.Errorf("snn: Every: nil function")
	}
	k := max(int64(math.Round(everyMs/n.dt)), 1)
	n.hooks = append(n.hooks, hook{every: k, f: f})
	return nil
}

// Step is what a function registered with OnStep sees of the step that has just ended.
type Step struct {
	n *Network
	c int   // index of the step in its chunk
	S int64 // the step number s (its time is s·dt)
}

// Time returns the time of the step, ms.
func (st Step) Time() float64 { return float64(st.S) * st.n.dt }

// Spikes appends to dst the local indices (ascending) of the neurons of population id that
// spiked in the step, and returns the extended slice.
func (st Step) Spikes(id PopID, dst []int32) []int32 {
	for _, u := range st.n.workers {
		dst = append(dst, u.buf[id][u.start[id][st.c]:u.start[id][st.c+1]]...)
	}
	return dst
}

// OnStep registers f to run after every step, once the step's spikes are delivered and before
// the next step begins (docs/MODEL.md section 2: it is the stimulus bookkeeping of the next
// step), on one goroutine while the workers wait. Unlike Every it does not end the chunk of
// steps between two returns to the caller, so it costs little even though it runs every step.
// f sees the step's spikes (Step.Spikes) and may change drives (SetRate, SetRates,
// SetDriveWeight) and weights (SetWeights, SetWeightRows) for the following steps; SetPlastic
// takes effect at the next chunk. It must not add populations, projections, rules or
// monitors, change the threads, nor run the network. A closed-loop protocol (the read-out's
// supervisor, docs/MODEL.md 7.3) is written with it.
func (n *Network) OnStep(f func(Step)) error {
	if f == nil {
		return fmt.Errorf("snn: OnStep: nil function")
	}
	n.controls = append(n.controls, f)
	return nil
}

// control runs the OnStep functions for step s (chunk index c).
func (n *Network) control(s int64, c int) {
	st := Step{n: n, c: c, S: s}
	n.step = s // step s has ended: Time and SetRate see it
	for _, f := range n.controls {
		f(st)
	}
}

// worker is one thread's share: a contiguous range of every population.
type worker struct {
	id     int
	lo, hi []int      // per population
	kin    []kin      // per population
	buf    [][]int32  // per population: local indices of the chunk's spikes
	cnt    []int32    // per population: entries used in buf
	start  [][]int32  // per population: start[c] is the first entry of chunk step c
	hits   [][]int32  // per population: scratch for arrivals
	rows   []ltpEntry // rows of this worker's range due for LTP in the step (share.go)
	rec    []recEntry
	ltp    int64         // LTP synapse updates by this worker (LTPUpdates)
	spins  int           // adaptive spin budget of its barrier waits (barrier.wait)
	busy   time.Duration // a chunk timed for the balancer: time not spent waiting
	waited time.Duration // time spent at barriers in that chunk
	_      [56]byte
}

// recEntry is one state-monitor column owned by a worker.
type recEntry struct {
	mon *StateMonitor
	col int
	pop *population
	i   int
	v   Var
}

// prepare (re)builds the workers and the per-worker delivery splits when populations,
// projections, monitors or the thread count have changed.
//
// The workers and splits of every count used since the last change are kept (threadSet), so
// that the load adaptation of Threads = 0 (threads.go) switches between counts at no cost.
// Only the current count's workers hold LTP counts; the others' are folded into ltpDone.
func (n *Network) prepare() {
	T := n.runThreads()
	if n.ready && len(n.workers) == T && !n.recut {
		return
	}
	for _, wk := range n.workers {
		n.ltpDone += wk.ltp
		wk.ltp = 0
	}
	if !n.ready {
		n.sets = nil
	}
	if n.recut { // the balancer moved the cuts of this count (balance.go)
		delete(n.sets, T)
		n.recut = false
	}
	if set, ok := n.sets[T]; ok {
		n.workers = set.workers
		for i, pr := range n.projs {
			pr.split = set.splits[i]
		}
		n.ready = true
		return
	}
	n.workers = make([]*worker, T)
	if n.bug >= 0 {
		// Section 9 item 7: the last E neuron steps with the I kinetics.
		n.bugKin = n.kinetics(n.pops[PopI])
	}
	for k := range n.workers {
		wk := &worker{id: k, spins: barrierSpins}
		for _, p := range n.pops {
			lo, hi := workerRange(p, k, T, n.cuts[T])
			wk.lo = append(wk.lo, lo)
			wk.hi = append(wk.hi, hi)
			kn := n.kinetics(p)
			wk.kin = append(wk.kin, kn)
			per := chunkSteps/int(kn.ref+1) + 1
			size := (hi - lo) * per
			if n.bug >= 0 && len(wk.lo) == int(PopE)+1 {
				size += chunkSteps/int(n.bugKin.ref+1) + 1 // room for its spikes
			}
			wk.buf = append(wk.buf, make([]int32, size))
			wk.start = append(wk.start, make([]int32, chunkSteps+1))
			wk.hits = append(wk.hits, make([]int32, hi-lo))
		}
		wk.cnt = make([]int32, len(n.pops))
		n.workers[k] = wk
	}
	for _, pr := range n.projs {
		post := n.pops[pr.post]
		nPre := n.pops[pr.pre].n
		pr.split = make([]int32, nPre*(T+1))
		for i := 0; i < nPre; i++ {
			q := pr.outPtr[i]
			for k := 0; k < T; k++ {
				l, _ := workerRange(post, k, T, n.cuts[T])
				lo := int32(l)
				for q < pr.outPtr[i+1] && pr.outPost[q] < lo {
					q++
				}
				pr.split[i*(T+1)+k] = q
			}
			pr.split[i*(T+1)+T] = pr.outPtr[i+1]
		}
	}
	for _, m := range n.stateMons {
		for col, e := range m.entries {
			p := n.pops[e.pop]
			for _, wk := range n.workers {
				if e.i >= wk.lo[e.pop] && e.i < wk.hi[e.pop] {
					wk.rec = append(wk.rec, recEntry{mon: m, col: col, pop: p, i: e.i, v: e.v})
				}
			}
		}
	}
	set := &threadSet{workers: n.workers}
	for _, pr := range n.projs {
		set.splits = append(set.splits, pr.split)
	}
	if n.sets == nil {
		n.sets = map[int]*threadSet{}
	}
	n.sets[T] = set
	n.ready = true
}

// threadSet is what prepare builds for one worker count: the workers and, per projection, the
// split of each presynaptic neuron's outgoing synapses among them (projection.split).
type threadSet struct {
	workers []*worker
	splits  [][]int32
}

// workerRange returns the range [lo, hi) of population p that worker k of T steps: contiguous
// ranges, of equal size when cut is nil, else from cut[k]·n to cut[k+1]·n (cut: T+1 rising
// fractions from 0 to 1, set by the balancer, balance.go); a population with SharedRefractory
// is worker 0's alone (its neurons are updated in index order).
func workerRange(p *population, k, T int, cut []float64) (lo, hi int) {
	if p.p.SharedRefractory {
		if k == 0 {
			return 0, p.n
		}
		return p.n, p.n
	}
	if cut == nil {
		return k * p.n / T, (k + 1) * p.n / T
	}
	at := func(f float64) int { return min(p.n, max(0, int(math.Round(f*float64(p.n))))) }
	return at(cut[k]), at(cut[k+1])
}

// barrier is a reusable barrier for the workers of one chunk. Waiters spin for a short
// while (a step takes tens of microseconds, so the others usually arrive soon), then yield,
// then sleep on a condition variable, so that an oversubscribed machine does not burn a core
// on a descheduled partner.
type barrier struct {
	n        int32
	count    atomic.Int32
	gen      atomic.Uint32
	sleepers atomic.Int32
	mu       sync.Mutex
	cond     sync.Cond
}

func newBarrier(n int) *barrier {
	b := &barrier{n: int32(n)}
	b.cond.L = &b.mu
	return b
}

const (
	// busy polls before yielding: one step of the full network takes 20-40 µs per worker, and
	// a waiter that falls asleep costs a futex wake-up per step. Measured on 2 cores (gosnn
	// bench --scenario static --threads 2): 400 spins rtf 0.49, 30 000 0.33, 100 000 0.28.
	barrierSpins  = 100000
	barrierYields = 40 // runtime.Gosched calls before sleeping
	// minSpins is the floor of a worker's adaptive spin budget (worker.spins).
	minSpins = 500
	// sleepShort separates a partner that was a little late from one that was descheduled
	// (barrier.wait): a few steps of the full network, far below a scheduler time slice.
	sleepShort = 200 * time.Microsecond
)

// wait waits until all workers have arrived. spins is the caller's spin budget, adapted to
// what spinning achieves. A wait that ends while spinning raises it by 1/32; one that ends
// while yielding doubles it; one that has to sleep measures how long it slept: a short sleep
// (under sleepShort: the partner was only a little late, as it is when the budget is below
// the usual imbalance between workers) doubles the budget, a long one (the partner was
// descheduled: on a machine whose cores run other jobs a spinning waiter takes the core it
// needs) halves it, down to minSpins. The clock is read only on the sleeping path. Measured
// on 2 cores: at load average 4 (train, 2 threads, 2 s) a fixed 100 000 spins took 3.7 wall
// s per simulated s and 1 000 spins 1.8 (1 thread: 1.6); on a quiet machine, halving after
// every sleep trapped the budget at minSpins (static, 2 threads: 0.51-0.66 against
// 0.34-0.39 with a fixed budget).
func (b *barrier) wait(spins *int) {
	g := b.gen.Load()
	if b.count.Add(1) == b.n {
		b.count.Store(0)
		b.mu.Lock()
		b.gen.Add(1)
		if b.sleepers.Load() > 0 {
			b.cond.Broadcast()
		}
		b.mu.Unlock()
		return
	}
	budget := *spins
	for i := 0; i < budget+barrierYields; i++ {
		if b.gen.Load() != g {
			if i < budget {
				*spins = min(budget+budget/32+1, barrierSpins)
			} else {
				*spins = min(2*budget, barrierSpins) // ended while yielding: a little late
			}
			return
		}
		if i >= budget {
			runtime.Gosched()
		}
	}
	t0 := time.Now()
	b.mu.Lock()
	b.sleepers.Add(1)
	for b.gen.Load() == g {
		b.cond.Wait()
	}
	b.sleepers.Add(-1)
	b.mu.Unlock()
	if time.Since(t0) < sleepShort {
		*spins = min(2*budget, barrierSpins)
	} else {
		*spins = max(budget/2, minSpins)
	}
}

// runChunk simulates c <= chunkSteps steps and then feeds the monitors.
func (n *Network) runChunk(c int) {
	s0 := n.step + 1
	for _, m := range n.stateMons {
		m.grow(s0, s0+int64(c)-1)
	}
	for _, wk := range n.workers {
		clear(wk.cnt)
	}
	for _, pr := range n.projs {
		pr.plastic = false
	}
	active := false
	for _, r := range n.vrules {
		r.pr.plastic = !r.pr.inactive
		active = active || r.pr.plastic
	}
	for _, r := range n.irules {
		r.pr.plastic = !r.pr.inactive
		active = active || r.pr.plastic
	}
	n.plasticNow = n.plastic && active
	n.prepareDelivery()
	ctl := len(n.controls) > 0
	prof := n.prof
	var t0 int64
	if prof != nil {
		if len(prof.w) < len(n.workers) {
			prof.w = append(prof.w, make([]profWorker, len(n.workers)-len(prof.w))...)
		}
		prof.steps += int64(c)
		prof.chunks++
		prof.stepStart = time.Now()
		defer prof.lock()()
	}
	if len(n.workers) == 1 {
		wk := n.workers[0]
		for k := 0; k < c; k++ {
			var t int64
			if prof != nil {
				t = prof.now()
			}
			n.integrate(wk, s0+int64(k), k)
			if prof != nil {
				t = prof.lap(0, phIntegrate, t)
			}
			n.deliver(wk, k)
			if prof != nil {
				t = prof.lap(0, phDeliver, t)
			}
			if n.plasticNow {
				n.stepPlasticity(wk, k, true)
			}
			if prof != nil {
				t = prof.lap(0, phLTP, t)
			}
			if ctl {
				n.control(s0+int64(k), k)
			}
			if prof != nil {
				prof.lap(0, phControl, t)
				prof.endStep(0)
			}
		}
	} else {
		n.runWorkers(s0, c, ctl)
	}
	if prof != nil {
		t0 = prof.now()
		defer func() { prof.serial += prof.now() - t0 }()
	}
	n.collect(s0, c)
	n.step = s0 + int64(c) - 1
}

// runWorkers runs c steps on the workers, worker 0 on the calling goroutine.
func (n *Network) runWorkers(s0 int64, c int, ctl bool) {
	b := newBarrier(len(n.workers))
	var wg sync.WaitGroup
	// With plasticity, a second barrier keeps workers from updating traces (in the
	// next integration) that others still read in delivery. Control functions run on
	// worker 0 between two barriers: after every delivery, before any integration.
	b2 := n.plasticNow || ctl
	// With LTP shared among the workers (share.go), a barrier separates the deliveries from it.
	shared := n.ltpShared()
	prof := n.prof
	// One chunk in balanceEvery is timed per worker for the balancer (balance.go).
	timed := n.bal.timeChunk(len(n.workers))
	wait := func(wk *worker) {
		if !timed {
			b.wait(&wk.spins)
			return
		}
		t0 := time.Now()
		b.wait(&wk.spins)
		wk.waited += time.Since(t0)
	}
	body := func(wk *worker) {
		if timed {
			start := time.Now()
			wk.waited = 0
			defer func() { wk.busy = time.Since(start) - wk.waited }()
		}
		var t int64
		if prof != nil {
			defer prof.lock()()
			t = prof.now()
			if wk.id == 0 {
				prof.stepStart = time.Now()
			}
		}
		for k := 0; k < c; k++ {
			n.integrate(wk, s0+int64(k), k)
			if prof != nil {
				t = prof.lap(wk.id, phIntegrate, t)
			}
			wait(wk)
			if prof != nil {
				t = prof.lap(wk.id, phWait1, t)
			}
			n.deliver(wk, k)
			if prof != nil {
				t = prof.lap(wk.id, phDeliver, t)
			}
			if n.plasticNow {
				ltp0 := wk.ltp
				n.stepPlasticity(wk, k, !shared)
				if shared {
					n.ltpCollect(wk)
					if prof != nil {
						t = prof.lap(wk.id, phDeliver, t)
					}
					wait(wk)
					if prof != nil {
						t = prof.lap(wk.id, phWaitLTP, t)
					}
					n.ltpShare(wk)
				}
				if prof != nil {
					t = prof.lap(wk.id, phLTP, t)
					prof.addLTP(wk, ltp0)
				}
			}
			if b2 {
				wait(wk)
				if prof != nil {
					t = prof.lap(wk.id, phWait2, t)
				}
			}
			if ctl {
				if wk.id == 0 {
					n.control(s0+int64(k), k)
				}
				wait(wk)
				if prof != nil {
					t = prof.lap(wk.id, phControl, t)
				}
			}
			if prof != nil {
				prof.endStep(wk.id)
			}
		}
	}
	for _, wk := range n.workers[1:] {
		wg.Add(1)
		go func() {
			defer wg.Done()
			body(wk)
		}()
	}
	body(n.workers[0])
	wg.Wait()
	if timed {
		n.balance()
	}
}

// collect passes the chunk's spikes, in time and then index order, to the spike counters and
// monitors.
func (n *Network) collect(s0 int64, c int) {
	for k := 0; k < c; k++ {
		s := s0 + int64(k)
		t := float64(s) * n.dt
		for pi, p := range n.pops {
			for _, u := range n.workers {
				sp := u.buf[pi][u.start[pi][k]:u.start[pi][k+1]]
				p.spikes += int64(len(sp))
				if len(sp) == 0 {
					continue
				}
				for _, m := range n.spikeMons {
					if m.pop == pi {
						m.add(t, p.off, sp)
					}
				}
				for _, m := range n.rateMons {
					m.add(n, s, pi, sp)
				}
			}
		}
	}
}

// checkFinite returns an error naming the population and time when a membrane potential is
// NaN or infinite.
func (n *Network) checkFinite(c int) error {
	for _, p := range n.pops {
		for i := range p.v {
			if v := p.v[i]; bad(v) {
				return fmt.Errorf("snn: numerical blow-up in population %s: V[%d] = %v at t = %g ms (first seen in the %g ms before)",
					p.name, i, v, n.Time(), float64(c)*n.dt)
			}
		}
	}
	return nil
}
