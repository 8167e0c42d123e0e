package analysis

import (
	"fmt"
	"math"

	"github.com/gosnn/gosnn/snn"
	"gonum.org/v1/gonum/mat"
)

// ChainMeans are E→E block means relative to a cyclic cluster order (post × pre blocks,
// means over existing synapses, each block weighted equally): Within a cluster, Forward from
// a cluster to its successor in the order, Backward from a cluster to its predecessor, and
// Other for every other pair of distinct clusters. FeedForwardIndex is
// (Forward − Backward)/(Forward + Backward).
type ChainMeans struct {
	Within, Forward, Backward, Other float64
	FeedForwardIndex                 float64
}

// ChainBlockMeans returns the block means of the E→E part of w (post × pre, E first) for the
// clusters cl along the cyclic order (nil: 0, 1, …, K−1). Blocks without synapses are skipped.
// With the natural order it agrees with EEBlockMeans up to the weighting of blocks (here each
// block counts once; the wrap-around link K−1 → 0 counts as forward).
func ChainBlockMeans(w mat.Matrix, cl snn.Clusters, order []int) (ChainMeans, error) {
	b, err := ClusterBlockMatrix(w, cl, true)
	if err != nil {
		return ChainMeans{}, err
	}
	return ChainFromBlocks(b, cl.Count(), order)
}

// ChainFromBlocks classifies the k×k block means b (post, pre; NaN: no synapses) along the
// cyclic order (nil: natural), as ChainBlockMeans does.
func ChainFromBlocks(b *mat.Dense, k int, order []int) (ChainMeans, error) {
	next, err := orderSuccessors(order, k)
	if err != nil {
		return ChainMeans{}, err
	}
	var s, c [4]float64
	for post := 0; post < k; post++ {
		for pre := 0; pre < k; pre++ {
			x := b.At(post, pre)
			if math.IsNaN(x) {
				continue
			}
			cls := 3
			switch {
			case post == pre:
				cls = 0
			case next[pre] == post:
				cls = 1
			case next[post] == pre:
				cls = 2
			}
			s[cls] += x
			c[cls]++
		}
	}
	var m [4]float64
	for i := range m {
		m[i] = math.NaN()
		if c[i] > 0 {
			m[i] = s[i] / c[i]
		}
	}
	return ChainMeans{Within: m[0], Forward: m[1], Backward: m[2], Other: m[3],
		FeedForwardIndex: (m[1] - m[2]) / (m[1] + m[2])}, nil
}

// orderSuccessors returns next[c], the cluster after c in the cyclic order (nil: natural); a
// cluster the order does not name has next −1. The order must not repeat a cluster.
func orderSuccessors(order []int, k int) ([]int, error) {
	next := make([]int, k)
	if order == nil {
		for c := range next {
			next[c] = (c + 1) % k
		}
		return next, nil
	}
	for c := range next {
		next[c] = -1
	}
	seen := make([]bool, k)
	for i, c := range order {
		if c < 0 || c >= k {
			return nil, fmt.Errorf("analysis: order names cluster %d, there are %d", c, k)
		}
		if seen[c] {
			return nil, fmt.Errorf("analysis: order names cluster %d twice", c)
		}
		seen[c] = true
		next[c] = order[(i+1)%len(order)]
	}
	return next, nil
}
