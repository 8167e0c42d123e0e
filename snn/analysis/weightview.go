package analysis

import (
	"github.com/gosnn/gosnn/snn"
	"gonum.org/v1/gonum/mat"
)

// WeightView is a read-only view of a network's full recurrent weight matrix (the layout of
// snn.Network.WeightMatrix: post × pre, E first) that reads it row by row from the synapse
// storage (snn.Network.WeightRow) instead of copying it: it holds one row, NE+NI numbers,
// where WeightMatrix allocates (NE+NI)² (512 MB for the 80-cluster network of docs/MODEL.md
// 7.5 item 2). At is fast when the elements are read row by row, as every function of this
// package that takes a weight matrix does (block means, input statistics, I→E summaries, the
// reduced model); reading column by column costs a whole row per element. The view reads the
// network's current weights: it must not be used while the network runs.
type WeightView struct {
	n    *snn.Network
	size int
	cur  int // the row held in row, −1 for none
	row  []float64
}

// NewWeightView returns a view of the weights of n.
func NewWeightView(n *snn.Network) *WeightView {
	size := n.Size(snn.PopE) + n.Size(snn.PopI)
	return &WeightView{n: n, size: size, cur: -1, row: make([]float64, size)}
}

// Dims returns the size of the matrix, NE+NI twice.
func (v *WeightView) Dims() (r, c int) { return v.size, v.size }

// At returns the weight from neuron j onto neuron i (0 where there is no synapse). It panics
// if i or j is out of range, as mat.Dense.At does.
func (v *WeightView) At(i, j int) float64 {
	if i < 0 || i >= v.size || j < 0 || j >= v.size {
		panic(mat.ErrIndexOutOfRange)
	}
	if i != v.cur {
		v.n.WeightRow(i, v.row)
		v.cur = i
	}
	return v.row[j]
}

// T returns the transpose of the view (read column by column: slow; see WeightView).
func (v *WeightView) T() mat.Matrix { return mat.Transpose{Matrix: v} }
