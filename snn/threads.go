package snn

import (
	"runtime"
	"slices"
)

// minNeuronsPerWorker is the default thread rule's threshold: a run with Threads = 0 uses one
// worker per minNeuronsPerWorker neurons, at least one and at most runtime.GOMAXPROCS(0).
//
// The rule follows the scaling model t(T) = W/T + b·B + S of the wall time per step: W the
// work of a step (about 35 ns per neuron, 1 thread, static), B the barriers per step (1
// static, 3 with plasticity), b the cost of one barrier (0.2-0.3 µs with 2 goroutines on the
// 2-core development machine), S the serial part (under 0.1 µs). With 250 neurons per worker
// the barriers cost at most about 10 % of a worker's share of a plastic step, so every added
// worker still shortens the step. Measured on 2 cores (TestMeasureThreadsBySize, 10th
// percentile of the step times): 2 threads took 0.57 of 1 thread's time at 150 neurons and
// 0.55-0.6 at 300-1500 (static). Below 250 neurons a network runs on one thread, without
// goroutines or barriers: on a machine loaded by other jobs a descheduled worker stalls all
// the others at every barrier, which costs far more than a small network gains.
const minNeuronsPerWorker = 250

// defaultThreads returns the worker count of a run with Threads = 0: neurons/minNeuronsPerWorker
// clamped to [1, procs].
func defaultThreads(neurons, procs int) int {
	return max(1, min(procs, neurons/minNeuronsPerWorker))
}

// runThreads returns the worker count of the next chunk: the one set, or the load
// adaptation's, which starts over at defaultThreads whenever the network's size changes it.
func (n *Network) runThreads() int {
	if n.threads > 0 {
		return n.threads
	}
	if m := defaultThreads(n.totalNeurons(), runtime.GOMAXPROCS(0)); m != n.auto.max {
		n.auto.reset(m)
	}
	return n.auto.cur
}

// totalNeurons returns the number of neurons of all populations.
func (n *Network) totalNeurons() int {
	total := 0
	for _, p := range n.pops {
		total += p.n
	}
	return total
}

// Load adaptation of the default thread count. A worker that the operating system deschedules
// (other jobs on the machine's cores) stalls the others at every barrier, so on a loaded
// machine the size rule's count can be several times slower than one thread (measured on 2
// cores with the other core busy: static, 2 threads 1.07-1.25 wall s per simulated s, 1 thread
// 0.35-0.40). With Threads = 0 a run therefore measures the wall time of its chunks and now
// and then tries a neighbouring count: half the current one, or twice it up to the size rule's
// count. It keeps the neighbour when the neighbour's median step is clearly shorter, and
// otherwise probes less and less often. Results do not depend on the count (every neuron and
// row is computed by one worker with the same operations), so changing it between chunks
// changes no spike.
const (
	autoProbeChunks = 3    // chunks a probe runs at the neighbouring count
	autoHistory     = 8    // chunks of the current count whose median the probe is compared with
	autoFirstProbe  = 8    // chunks between probes at first and after a change (a chunk is chunkSteps steps)
	autoMaxInterval = 1024 // at most this many chunks between probes
	autoGain        = 0.9  // a neighbour is kept when its median step is under this fraction
	autoMinSteps    = chunkSteps / 2
)

// autoThreads chooses the worker count of runs with Threads = 0 (see above). Its decisions
// depend only on the step times observe is given.
type autoThreads struct {
	max      int       // the size rule's count (defaultThreads); 0: not set up yet
	home     int       // the count the run keeps between probes
	cur      int       // the count of the next chunk
	hist     []float64 // per-step times of the last chunks at home (a ring of autoHistory)
	pos      int       // next slot of hist
	probe    []float64 // per-step times of the chunks of the probe in progress
	since    int       // chunks at home since the last probe
	interval int       // chunks at home between probes
	down     bool      // the next probe tries half the count (else twice it)
}

// reset starts over with the size rule's count max.
func (a *autoThreads) reset(max int) {
	*a = autoThreads{max: max, home: max, cur: max, interval: autoFirstProbe, down: true}
}

// observe records that a chunk of steps steps ran in sec seconds of wall time at the count
// a.cur, and decides the count of the next chunk. Chunks shorter than autoMinSteps (ended
// early by an event or a hook) are not counted: their fixed costs would weigh too much.
func (a *autoThreads) observe(steps int, sec float64) {
	if a.max <= 1 || steps < autoMinSteps {
		return
	}
	t := sec / float64(steps)
	if a.cur != a.home { // probing
		a.probe = append(a.probe, t)
		if len(a.probe) < autoProbeChunks {
			return
		}
		if len(a.hist) > 0 && median(a.probe) < autoGain*median(a.hist) {
			a.home, a.interval = a.cur, autoFirstProbe
			a.hist, a.pos = a.hist[:0], 0
		} else {
			a.interval = min(2*a.interval, autoMaxInterval)
		}
		a.cur, a.probe, a.since = a.home, a.probe[:0], 0
		return
	}
	if len(a.hist) < autoHistory {
		a.hist = append(a.hist, t)
	} else {
		a.hist[a.pos] = t
		a.pos = (a.pos + 1) % autoHistory
	}
	a.since++
	if a.since < a.interval || len(a.hist) < autoHistory {
		return
	}
	lower, upper := max(1, a.home/2), min(a.max, 2*a.home)
	next := lower
	if (!a.down && upper != a.home) || lower == a.home {
		next = upper
	}
	a.down = !a.down
	if next != a.home {
		a.cur = next
	}
}

// median returns the median of xs (sorting a copy).
func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}
