package analysis

import "gonum.org/v1/gonum/mat"

// ThreeNodeToy returns the weight matrix of the three-node toy model of the paper's Fig 7
// (docs/MODEL.md 7.5 item 5, A16), post × pre like every gosnn weight matrix, with the
// magnitudes of the inhibitory column positive: three E nodes 0, 1, 2 (E "clusters" of one
// neuron) with self-weight delta, clockwise weight epsilon (node i → i+1: element
// (i+1 mod 3, i)) and anticlockwise weight 1 (node i+1 → i), and a central I node 3.
// ReducedSpectrum(w, snn.UniformClusters(3, 1), 3, 1) gives its eigenvalues.
//
// The I coupling. The E block is circulant, C = δ·I + ε·P + Pᵀ, so its eigenvectors are
// v_m = (1, ω^m, ω^{2m}), ω = e^{2πi/3}, with eigenvalues δ + ε·ω^{−m} + ω^m: for m = 1, 2 the
// pair Re = (2δ − ε − 1)/2, Im = ∓(√3/2)(ε − 1). The I node receives the sum of the E
// activities and inhibits every E node alike, so for m = 1, 2 (components summing to zero)
// (v_m, 0) stays an eigenvector of the whole matrix with the same eigenvalue, whatever the
// coupling. The coupling only shapes the uniform mode (u, u, u, z), on which the matrix acts
// as [[s, −β], [3α, −γ]] with s = δ + ε + 1 the row sum of C, α the E→I weight, β the I→E
// and γ the I→I weight. ThreeNodeToy takes α = 1, γ = s + 3 and β = (s(s + 3) + 2)/3: trace
// −3 and determinant 2, so the uniform mode has the real eigenvalues −1 and −2 (the
// inhibition balances the excitation), and the complex pair dominates whenever
// (2δ − ε − 1)/2 > −1.
func ThreeNodeToy(delta, epsilon float64) *mat.Dense {
	s := delta + epsilon + 1
	beta, gamma := (s*(s+3)+2)/3, s+3
	w := mat.NewDense(4, 4, nil)
	for i := 0; i < 3; i++ {
		w.Set(i, i, delta)
		w.Set((i+1)%3, i, epsilon) // clockwise: i → i+1
		w.Set(i, (i+1)%3, 1)       // anticlockwise: i+1 → i
		w.Set(3, i, 1)             // E → I
		w.Set(i, 3, beta)          // I → E (negated by ReducedWeights)
	}
	w.Set(3, 3, gamma)
	return w
}
