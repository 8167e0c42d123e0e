package snn

// Balancing the workers' shares. The ranges of T workers are equal at first, but the cores
// that run them need not be equally fast: a machine's cores may differ (performance and
// efficiency cores), and on a shared virtual machine one vCPU was slower than the other by
// 3-5 µs of a 20-µs step for whole runs, so that every step waited for it. The balancer
// times one chunk in balanceEvery on every worker (its time outside the barriers) and, after
// balanceSamples of them, moves the cuts between the ranges towards shares proportional to
// each worker's measured speed (half the way), when that moves a cut by more than
// balanceStep of the neurons. The cuts apply to every population alike (workerRange); a cut
// rebuilds the worker set of that count (prepare). Results do not depend on the ranges:
// every neuron and row is computed by one worker with the same operations, and spikes are
// delivered in global index order.

import "math"

const (
	balanceEvery   = 8    // one chunk in this many is timed
	balanceSamples = 8    // timed chunks per decision
	balanceStep    = 0.01 // a cut moves only by more than this fraction of the neurons
	balanceMin     = 0.25 // no worker's share falls below this fraction of 1/T
)

// balancer gathers the timed chunks of the current worker count.
type balancer struct {
	t       int       // the worker count being timed
	chunks  int       // chunks run since the count was set
	samples int       // timed chunks gathered since the last decision
	busy    []float64 // per worker: seconds outside the barriers in those chunks
}

// timeChunk reports whether the next chunk of t workers is to be timed.
func (b *balancer) timeChunk(t int) bool {
	if t != b.t {
		*b = balancer{t: t, busy: make([]float64, t)}
	}
	b.chunks++
	return b.chunks%balanceEvery == 0
}

// balance records the timed chunk the workers just ran and, after balanceSamples of them,
// moves the cuts of their count if that pays (see above).
func (n *Network) balance() {
	b := &n.bal
	for k, wk := range n.workers {
		b.busy[k] += wk.busy.Seconds()
	}
	b.samples++
	if b.samples < balanceSamples {
		return
	}
	T := len(n.workers)
	if cut := nextCut(n.cuts[T], b.busy); cut != nil {
		if n.cuts == nil {
			n.cuts = map[int][]float64{}
		}
		n.cuts[T], n.recut = cut, true
	}
	b.samples = 0
	clear(b.busy)
}

// nextCut returns the cuts that move the shares of the current ones (nil: equal) half the way
// towards shares proportional to the speeds share/busy, or nil when those shares' cuts lie
// within balanceStep of the current ones (or a worker was not timed).
func nextCut(cut []float64, busy []float64) []float64 {
	T := len(busy)
	share := make([]float64, T)
	var speed float64
	for k := range T {
		share[k] = 1 / float64(T)
		if cut != nil {
			share[k] = cut[k+1] - cut[k]
		}
		if busy[k] <= 0 || share[k] <= 0 {
			return nil
		}
		speed += share[k] / busy[k]
	}
	next := make([]float64, T+1)
	var was, target float64 // the current and the target cut after worker k
	moved := false
	for k := range T {
		t := share[k] / busy[k] / speed
		was, target = was+share[k], target+t
		if k < T-1 && math.Abs(target-was) > balanceStep {
			moved = true
		}
		next[k+1] = next[k] + max(share[k]+(t-share[k])/2, balanceMin/float64(T))
	}
	if !moved {
		return nil
	}
	for k := 1; k <= T; k++ {
		next[k] /= next[T] // the floor may have added a little: back to a sum of 1
	}
	next[T] = 1
	return next
}
