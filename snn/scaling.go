package snn

import (
	"runtime"
	"time"
)

// Thread-scaling instrumentation (tests and benchmarks only). When Network.prof is non-nil,
// runs record, per worker, the wall time spent in each phase of the step and waiting at each
// barrier, and the time the calling goroutine spends between the workers' chunks (setup,
// collect). When it is nil (always, outside this package's tests) the step loop pays one
// nil test per phase.

// Phases of a step as the instrumentation counts them.
const (
	phIntegrate = iota // normalisation, integration, presynaptic traces, state monitors
	phWait1            // barrier after integration
	phDeliver          // delivery, spike-triggered plasticity, postsynaptic iSTDP
	phWaitLTP          // barrier before the shared LTP work (plasticity, several workers)
	phLTP              // LTP (vSTDP, docs/MODEL.md 5.1)
	phWait2            // barrier after delivery and LTP (plasticity or OnStep functions)
	phControl          // OnStep functions (worker 0) and the barrier after them
	nPhases
)

// phaseNames are the names of the phases, for reports.
var phaseNames = [nPhases]string{"integrate", "wait1", "deliver", "waitLTP", "ltp", "wait2", "control"}

// stepProf accumulates the instrumentation of the runs of one network.
type stepProf struct {
	// clock returns the time in ns (nil: wall time). A clock of the calling thread's CPU
	// time (lockThreads) leaves out the time a loaded machine deschedules the worker.
	clock       func() int64
	lockThreads bool         // workers run locked to their OS threads
	w           []profWorker // per worker
	stepWall    []int32      // wall ns of each step on worker 0 (start to end of its step)
	stepStart   time.Time    // start of worker 0's current step
	serial      int64        // ns on the calling goroutine around the workers' chunks
	steps       int64
	chunks      int64
}

// profWorker is one worker's part of a stepProf. Every worker writes its own at every phase,
// so each is padded to cache lines of its own: shared lines would cost the profiled runs a
// line transfer between cores at every lap and inflate the times of several workers.
type profWorker struct {
	_    [64]byte
	ns   [nPhases]int64 // ns per phase
	cur  int64          // work of the current step so far
	ltp  []int32        // LTP synapse updates of each step (plastic runs)
	work []int32        // ns of work (phases other than waits) of each step
	_    [64]byte
}

// addLTP records the LTP synapse updates of worker wk in a step, given its count before.
func (p *stepProf) addLTP(wk *worker, before int64) {
	w := &p.w[wk.id]
	w.ltp = append(w.ltp, int32(wk.ltp-before))
}

// profEpoch is the origin of the wall clock of stepProf.
var profEpoch = time.Now()

// now returns the profile's clock.
func (p *stepProf) now() int64 {
	if p.clock != nil {
		return p.clock()
	}
	return int64(time.Since(profEpoch))
}

// lap adds the time since t to phase ph of the worker's profile and returns the current time.
func (p *stepProf) lap(id int, ph int, t int64) int64 {
	now := p.now()
	w := &p.w[id]
	w.ns[ph] += now - t
	if ph == phIntegrate || ph == phDeliver || ph == phLTP {
		w.cur += now - t
	}
	return now
}

// endStep records the work of worker id in the step that ends (and, for worker 0, the step's
// wall time).
func (p *stepProf) endStep(id int) {
	w := &p.w[id]
	w.work = append(w.work, int32(w.cur))
	w.cur = 0
	if id == 0 {
		now := time.Now()
		p.stepWall = append(p.stepWall, int32(now.Sub(p.stepStart)))
		p.stepStart = now
	}
}

// lock locks the calling goroutine to its thread when the profile asks for it, and returns
// the function that undoes it.
func (p *stepProf) lock() func() {
	if p == nil || !p.lockThreads {
		return func() {}
	}
	runtime.LockOSThread()
	return runtime.UnlockOSThread
}

// profile switches the instrumentation on (a fresh profile) or off (nil).
func (n *Network) profile(on bool) *stepProf {
	if !on {
		n.prof = nil
		return nil
	}
	n.prof = &stepProf{}
	return n.prof
}
