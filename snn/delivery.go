package snn

// The delivery copy. Spikes are delivered presynaptic neuron by presynaptic neuron, but the
// weights are stored by postsynaptic row (as LTP and normalisation need them), so delivering
// a spike reads its weights scattered over the whole projection: on the paper's network most
// of these reads miss the caches. A projection whose weights cannot change during a chunk of
// steps (no active vSTDP or iSTDP rule while plasticity is on, no normalisation, or an open
// loop's frozen copy) delivers from wd instead, its weights copied in delivery order, which a
// spike reads in sequence: the same values added in the same order, so the same results
// (TestDeliveryCopy).
//
// The copy is rebuilt at the start of a chunk when it is stale (after a write of the weights:
// SetWeights, SetWeightRows, ReadState and SetOpenLoop count them in ver; or after a chunk in
// which the rules changed them) and it pays: once the spikes delivered from the weights since
// they last changed would have read half as many weights as the copy holds (deliveryPays), so
// a network that fires little does not pay for a copy (about 100 ms and 8 bytes per synapse
// for the 12.8 M synapses of the 80-cluster network) it would hardly use; and only when the
// copy takes at most half the memory still available. A projection written during the
// previous chunk (by an OnStep function, say) waits for a chunk without writes, so weights
// rewritten at every step are never copied; a write during a chunk makes that chunk fall back
// on the weights themselves at once (deliver compares wdVer with ver).

// useDeliveryCopy switches the delivery copy on; tests switch it off to compare.
var useDeliveryCopy = true

// deliveryPays is the number of weights read by deliveries from a stale projection, as a
// fraction of its synapses, after which its copy is rebuilt: the presynaptic population's
// spikes since the weights changed, per presynaptic neuron. Tests set it to 0.
var deliveryPays = 0.5

// prepareDelivery decides, at the start of a chunk, which projections deliver from their copy,
// rebuilding stale copies that pay.
func (n *Network) prepareDelivery() {
	for _, pr := range n.projs {
		spikes := n.pops[pr.pre].spikes
		mutable := pr.frozen == nil && (n.normalised(pr) || n.plasticNow && pr.plastic)
		pr.useWd = false
		switch {
		case !useDeliveryCopy:
		case mutable: // the rules will change the weights
			pr.wdOK, pr.since = false, spikes
		case pr.wdOK && pr.wdVer == pr.ver:
			pr.useWd = true
		case pr.ver != pr.seenVer: // written during the last chunk (or before this run)
			pr.since = spikes
		case float64(spikes-pr.since) >= deliveryPays*float64(n.pops[pr.pre].n):
			// The spikes since the weights changed × the mean out-degree ≥ deliveryPays ×
			// the synapses.
			if pr.buildDelivery() {
				pr.useWd = true
			} else {
				pr.since = spikes // no room: try again after as many spikes
			}
		}
		pr.seenVer = pr.ver
	}
}

// normalised reports whether a normalisation rule acts on pr (in every step, plastic or not).
func (n *Network) normalised(pr *projection) bool {
	for _, r := range n.norms {
		if r.pr == pr {
			return true
		}
	}
	return false
}

// buildDelivery copies the weights spikes are delivered with into wd, in delivery order. It
// reports false, copying nothing, when the copy is not allocated yet and would take more than
// half the memory the machine has available (availableMemory; the copy is an optimisation,
// never worth an out-of-memory failure).
func (pr *projection) buildDelivery() bool {
	w := pr.w
	if pr.frozen != nil {
		w = pr.frozen
	}
	if len(pr.wd) != len(pr.outSyn) {
		need := uint64(len(pr.outSyn)) * 8
		if avail := deliveryRoom(); avail != 0 && 2*need > avail {
			return false
		}
		pr.wd = make([]float64, len(pr.outSyn))
	}
	wd := pr.wd[:len(pr.outSyn)]
	for q, k := range pr.outSyn {
		wd[q] = w[k]
	}
	pr.wdOK, pr.wdVer = true, pr.ver
	return true
}

// deliveryRoom returns the memory available for a delivery copy (availableMemory); tests
// replace it.
var deliveryRoom = availableMemory
