package snn

import "runtime"

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

// runThreads returns the worker count runs use: the one set, or defaultThreads for the
// network's current size.
func (n *Network) runThreads() int {
	if n.threads > 0 {
		return n.threads
	}
	return defaultThreads(n.totalNeurons(), runtime.GOMAXPROCS(0))
}

// totalNeurons returns the number of neurons of all populations.
func (n *Network) totalNeurons() int {
	total := 0
	for _, p := range n.pops {
		total += p.n
	}
	return total
}
