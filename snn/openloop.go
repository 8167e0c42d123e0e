package snn

// SetOpenLoop switches projection id to open loop (on) or back (off), for the authors'
// weight-degradation test sim_degradation (docs/MODEL.md 7.2): in open loop, spikes are
// delivered with a frozen copy of the projection's weights taken at the call, while its
// plasticity rules (vSTDP, iSTDP, normalisation) keep acting on the live weights, which no
// longer feed back into the activity. Weights, WeightMatrix, WeightRow and the weight setters
// read and write the live weights; the snapshot is not part of the state WriteState saves.
// Switching off delivers with the live weights again (with whatever they have become);
// switching on again takes a new snapshot.
func (n *Network) SetOpenLoop(id ProjID, on bool) error {
	pr, err := n.proj(id)
	if err != nil {
		return err
	}
	pr.frozen = nil
	if on {
		pr.frozen = append(make([]float64, 0, len(pr.w)), pr.w...)
	}
	pr.ver++ // the delivery copy is stale
	return nil
}

// OpenLoop reports whether projection id delivers spikes with a frozen copy of its weights
// (SetOpenLoop).
func (n *Network) OpenLoop(id ProjID) bool {
	pr, err := n.proj(id)
	return err == nil && pr.frozen != nil
}
