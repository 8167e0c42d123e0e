package snn

// Shared LTP. LTP (docs/MODEL.md 5.1) updates the rows of the depolarised postsynaptic
// neurons, and those cluster: under the training stimulus, the stimulated cluster (80
// consecutive E neurons) holds nearly all of them, so with contiguous ranges per worker one
// worker did all the LTP of a step while the others waited (measured with the instrumentation
// of scaling.go: 3 800 synapses per step, all on the busiest worker). With several workers,
// each therefore lists the depolarised rows of its own range after its delivery (ltpCollect),
// and after a barrier every worker updates an equal share, by synapse count, of all the listed
// rows (ltpShare). Every row is updated by exactly one worker with the same operations in the
// same order as in stepPlasticity, so the results do not depend on the thread count.

// ltpEntry is one row due for LTP in a step.
type ltpEntry struct {
	r *vstdpRule
	j int     // postsynaptic neuron
	f float64 // ltpFactor
	n int     // synapses in the row
}

// ltpCollect lists the rows of the worker's range due for LTP in this step.
func (n *Network) ltpCollect(wk *worker) {
	wk.rows = wk.rows[:0]
	for _, r := range n.vrules {
		pr := r.pr
		if !pr.plastic {
			continue
		}
		post := n.pops[pr.post]
		for j := wk.lo[pr.post]; j < wk.hi[pr.post]; j++ {
			if f, ok := r.ltpFactor(post, j); ok {
				wk.rows = append(wk.rows, ltpEntry{r: r, j: j, f: f, n: int(pr.rowPtr[j+1] - pr.rowPtr[j])})
			}
		}
	}
}

// ltpShare applies LTP to the worker's share of the rows all workers listed: the rows, in
// worker order, whose midpoint in the running synapse count falls in the worker's equal part
// of the total.
func (n *Network) ltpShare(wk *worker) {
	total := 0
	for _, u := range n.workers {
		for _, e := range u.rows {
			total += e.n
		}
	}
	if total == 0 {
		return
	}
	T := len(n.workers)
	lo, hi := 2*wk.id*total, 2*(wk.id+1)*total // in units of 1/(2T) synapse
	c := 0
	for _, u := range n.workers {
		for _, e := range u.rows {
			if mid := (2*c + e.n) * T; mid >= lo && mid < hi {
				wk.ltp += int64(e.r.ltpRow(e.j, e.f))
			}
			c += e.n
		}
	}
}

// ltpShared reports whether the chunk's LTP is shared among the workers (several workers and
// a plastic vSTDP rule).
func (n *Network) ltpShared() bool {
	if len(n.workers) < 2 || !n.plasticNow {
		return false
	}
	for _, r := range n.vrules {
		if r.pr.plastic {
			return true
		}
	}
	return false
}
