package snn

import (
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"
)

// Hand-made control networks of the authors' package (docs/MODEL.md 7.5 item 6): networks
// whose structure is written down instead of learned, to check that the simulator replays a
// given structure. Both return a configuration and a full weight matrix (post × pre, E first)
// for NewFromWeights; HandMadeClustered's matrix can also be written to a file for
// `gosnn exp replay` (snnio.WriteWeights, default input).

// HandMadeClustered returns the clustered control matrix of the authors'
// createWeightMatrixEIF.m [M] (docs/MODEL.md 7.5 item 6) for the network of size mult (N_E =
// 2400·mult in 30 clusters, N_I = 600·mult, Config.Scaled): every ordered pair of neurons is
// connected with probability 0.2 per pathway, no autapses, and the weights are, all
// multiplied by 1/sqrt(mult):
//
//   - E→I 2.83 (w_IE of [M], "to I from E"), I→E 108.9 (w_EI), I→I 36.22 (w_II);
//   - E→E: within a cluster 22.5 times the weight between unrelated clusters, and 9 times
//     that weight in the "forward" blocks, which, read with the post × pre convention of the
//     .mat files as in [M], point from cluster k+1 to cluster k (rows of cluster k, columns of
//     cluster k+1, cyclically: cluster 0 to cluster 29). [M] gives w_EE = 4.32; gosnn reads it
//     as the mean E→E weight of the matrix (the mean of the trained matrices stays at its
//     initial value, since normalisation keeps every row sum), which for 30 clusters of 80
//     gives 49.0 within, 19.6 forward and 2.18 between other clusters. This reading is ours:
//     the documents give the ratios and w_EE, not how they combine.
//
// Replay on this matrix therefore runs through the clusters in decreasing order. seed draws
// the connectivity; the Config's Seed is seed too.
func HandMadeClustered(mult float64, seed uint64) (Config, *mat.Dense) {
	c := DefaultConfig().Scaled(mult)
	c.Seed = seed
	f := 1 / math.Sqrt(mult)
	const p, ratioIn, ratioFwd, wEE = 0.2, 22.5, 9.0, 4.32
	ne, ni, k := c.NE, c.NI, c.Clusters
	size := ne / k
	out := wEE * float64(ne) / (float64(size)*(ratioIn+ratioFwd) + float64(ne-2*size)) * f
	rng := rand.New(rand.NewPCG(seed, 0x68616e646d616465)) // "handmade"
	n := ne + ni
	w := mat.NewDense(n, n, nil)
	for i := 0; i < n; i++ { // post
		for j := 0; j < n; j++ { // pre
			if i == j || rng.Float64() >= p {
				continue
			}
			var v float64
			switch {
			case i < ne && j < ne:
				a, b := i/size, j/size
				switch {
				case a == b:
					v = ratioIn * out
				case b == (a+1)%k:
					v = ratioFwd * out
				default:
					v = out
				}
			case i >= ne && j < ne:
				v = 2.83 * f
			case i < ne:
				v = 108.9 * f
			default:
				v = 36.22 * f
			}
			w.Set(i, j, v)
		}
	}
	return c, w
}

// SynfireRing returns the synfire-ring control of the authors' package (docs/MODEL.md 7.5
// item 6): 120 E and 30 I neurons, each E neuron i exciting E neuron i+1 (mod 120) with
// weight 800 and no other E→E synapse, the E neurons driven at 2.75 kHz (weight 1.6) instead
// of 4.5 kHz. The documents do not give the E↔I pathways of this control; gosnn uses the
// paper's (probability 0.2, weights 1.96, 62.87 and 20.91). The clusters returned, 12 groups
// of 10 consecutive E neurons, are for the replay analysis: activity runs around the ring in
// increasing index order, one neuron after the other. seed draws the E↔I connectivity.
func SynfireRing(seed uint64) (Config, *mat.Dense, Clusters) {
	c := DefaultConfig()
	c.NE, c.NI, c.Clusters, c.Seed = 120, 30, 12, seed
	c.ExtE.Rate = 2.75
	rng := rand.New(rand.NewPCG(seed, 0x73796e66697265)) // "synfire"
	n := c.NE + c.NI
	w := mat.NewDense(n, n, nil)
	for i := 0; i < c.NE; i++ {
		w.Set((i+1)%c.NE, i, 800)
	}
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			if i == j || (i < c.NE && j < c.NE) || rng.Float64() >= 0.2 {
				continue
			}
			switch {
			case i >= c.NE && j < c.NE:
				w.Set(i, j, c.EtoI.W)
			case i < c.NE:
				w.Set(i, j, c.ItoE.W)
			default:
				w.Set(i, j, c.ItoI.W)
			}
		}
	}
	return c, w, UniformClusters(12, 10)
}
