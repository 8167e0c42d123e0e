package protocol

import (
	"context"
	"fmt"

	"github.com/gosnn/gosnn/snn"
	"github.com/gosnn/gosnn/snn/analysis"
)

// DegradationChunk is the state of the live E→E weights after one chunk of Degradation.
type DegradationChunk struct {
	EndMs float64 // network time at the end of the chunk, ms
	// ForwardBlocks[j] is the mean weight from cluster j onto cluster j+1 (mod K) and
	// BackwardBlocks[j] from cluster j+1 onto cluster j, zero entries included (all pairs of
	// the block); Forward and Backward are their means over j.
	ForwardBlocks, BackwardBlocks []float64
	Forward, Backward             float64
}

// Degradation runs the authors' open-loop weight-degradation test sim_degradation
// (docs/MODEL.md 7.2): the network runs chunks phases of spontaneous activity of chunkMs each
// (Spontaneous(chunkMs, true): plasticity from 1 s into each chunk, as the consolidation calls
// of 7.1) while every recurrent projection (E→E, E→I, I→E, I→I) delivers spikes with a frozen
// copy of its weights taken at the start (snn.Network.SetOpenLoop), so the activity is that of
// the starting matrix and the plasticity acting on the live weights does not feed back. It
// returns the block means of the live E→E weights at the start (element 0) and after every
// chunk, in the cluster order of n (the forward direction is j → j+1). At the end the
// projections it switched to open loop deliver with the live weights again. A projection that
// is open loop already keeps its frozen copy and stays open loop: a test resumed from a saved
// state (build the network from the starting matrix, SetOpenLoop, then ReadState) or run in
// parts goes on with the starting matrix's activity. The rules must be attached
// (snn.Setup.Build).
func Degradation(ctx context.Context, n *snn.Network, chunks int, chunkMs float64) ([]DegradationChunk, error) {
	if chunks < 0 || bad(chunkMs) || chunkMs <= 0 {
		return nil, fmt.Errorf("protocol: Degradation: %d chunks of %v ms: need chunks >= 0 and a duration > 0", chunks, chunkMs)
	}
	if n.Clusters().Count() < 2 {
		return nil, fmt.Errorf("protocol: Degradation: %d clusters, need at least 2", n.Clusters().Count())
	}
	var ids []snn.ProjID // the projections switched to open loop here
	defer func() {
		for _, id := range ids {
			_ = n.SetOpenLoop(id, false)
		}
	}()
	for _, id := range []snn.ProjID{snn.ProjEtoE, snn.ProjEtoI, snn.ProjItoE, snn.ProjItoI} {
		if n.OpenLoop(id) {
			continue
		}
		if err := n.SetOpenLoop(id, true); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	first, err := degradationBlocks(n)
	if err != nil {
		return nil, err
	}
	out := []DegradationChunk{first}
	p := make(Protocol, chunks)
	for i := range p {
		p[i] = Spontaneous(chunkMs, true)
	}
	var perr error
	_, err = Run(ctx, n, p, Options{OnPhase: func(PhaseReport) {
		c, err := degradationBlocks(n)
		if err != nil && perr == nil {
			perr = err
		}
		out = append(out, c)
	}})
	if err == nil {
		err = perr
	}
	return out, err
}

// degradationBlocks returns the forward and backward block means (zeros included) of the
// live E→E weights of n.
func degradationBlocks(n *snn.Network) (DegradationChunk, error) {
	w, err := n.Weights(snn.ProjEtoE)
	if err != nil {
		return DegradationChunk{}, err
	}
	b, err := analysis.ClusterBlockMatrix(w, n.Clusters(), false)
	if err != nil {
		return DegradationChunk{}, err
	}
	k := n.Clusters().Count()
	c := DegradationChunk{EndMs: n.Time(), ForwardBlocks: make([]float64, k), BackwardBlocks: make([]float64, k)}
	for j := 0; j < k; j++ {
		c.ForwardBlocks[j] = b.At((j+1)%k, j)
		c.BackwardBlocks[j] = b.At(j, (j+1)%k)
		c.Forward += c.ForwardBlocks[j] / float64(k)
		c.Backward += c.BackwardBlocks[j] / float64(k)
	}
	return c, nil
}
