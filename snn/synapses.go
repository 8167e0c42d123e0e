package snn

import (
	"fmt"
	"strings"
)

// rowSynapses calls f(id, k, c) for every synapse k of the four main projections whose
// postsynaptic neuron has global index i, with c the global index of its presynaptic neuron:
// row i of the full weight matrix (the layout of WeightMatrix).
func (n *Network) rowSynapses(i int, f func(id ProjID, k int32, c int)) {
	for id := ProjEtoE; id <= ProjItoI; id++ {
		pr := n.projs[id]
		post, pre := n.pops[pr.post], n.pops[pr.pre]
		j := i - post.off
		if j < 0 || j >= post.n {
			continue
		}
		for k := pr.rowPtr[j]; k < pr.rowPtr[j+1]; k++ {
			f(id, k, pre.off+int(pr.col[k]))
		}
	}
}

// WeightRow writes row i (postsynaptic neuron i, global index) of WeightMatrix into row
// (length NE+NI), straight from the synapse storage: a whole matrix can be written row by row
// without the dense copy. Zero where there is no synapse.
func (n *Network) WeightRow(i int, row []float64) {
	clear(row)
	n.rowSynapses(i, func(id ProjID, k int32, c int) { row[c] = n.projs[id].w[k] })
}

// SetWeightRows sets the weights of the four main projections row by row, in the layout of
// WeightMatrix: read(i, row) fills row (length NE+NI) with row i. Entries where there is no
// synapse are ignored, as in SetWeights. The weights change only if every row is read and
// every synapse gets a finite weight; an error of read is returned as it is.
func (n *Network) SetWeightRows(read func(i int, row []float64) error) error {
	N := n.pops[PopE].n + n.pops[PopI].n
	w := make([][]float64, ProjItoI+1)
	for id := range w {
		w[id] = make([]float64, len(n.projs[id].w))
	}
	row := make([]float64, N)
	for i := 0; i < N; i++ {
		if err := read(i, row); err != nil {
			return err
		}
		badCol := -1
		n.rowSynapses(i, func(id ProjID, k int32, c int) {
			x := row[c]
			if bad(x) && badCol < 0 {
				badCol = c
			}
			w[id][k] = x
		})
		if badCol >= 0 {
			return fmt.Errorf("weight[%d][%d] = %v: must be finite", i, badCol, row[badCol])
		}
	}
	for id, ws := range w {
		copy(n.projs[id].w, ws)
		n.projs[id].ver++ // the delivery copy is stale
	}
	return nil
}

// Fingerprint describes how the network was built: populations and sizes, clusters, seed,
// synapse count, Config.LastENeuronBug and the attached plasticity rules. Two networks built
// the same way have the same fingerprint (a resumed protocol checks it).
func (n *Network) Fingerprint() string {
	var b strings.Builder
	fmt.Fprintf(&b, "N=%d", len(n.pops))
	for _, q := range n.pops {
		fmt.Fprintf(&b, ",%s:%d", q.name, q.n)
	}
	fmt.Fprintf(&b, ";K=%d;seed=%d;syn=%d;", n.clusters.Count(), n.seed, n.TotalSynapses())
	if n.bug >= 0 {
		b.WriteString("bug7;") // Config.LastENeuronBug
	}
	for _, r := range n.vrules {
		fmt.Fprintf(&b, "v%v;", r.r)
	}
	for _, r := range n.irules {
		fmt.Fprintf(&b, "i%v;", r.r)
	}
	for _, r := range n.norms {
		fmt.Fprintf(&b, "n%v;", r.r)
	}
	return b.String()
}

// Drive returns the drive population id was built with (its spontaneous input); the zero
// Drive for an unknown id.
func (n *Network) Drive(id PopID) Drive {
	if id < 0 || int(id) >= len(n.pops) {
		return Drive{}
	}
	return n.pops[id].d
}

// SynapseParams returns the synaptic parameters the network was built with (Config.Synapses).
func (n *Network) SynapseParams() Synapses { return n.syn }

// PoissonInput returns the current external Poisson rate (kHz) and weight of neuron i (local
// index) of population id, as SetRate and SetDriveWeight set them; zeros for unknown neurons.
func (n *Network) PoissonInput(id PopID, i int) (kHz, weight float64) {
	if id < 0 || int(id) >= len(n.pops) || i < 0 || i >= n.pops[id].n {
		return 0, 0
	}
	p := n.pops[id]
	return p.rate[i], p.extW[i]
}
