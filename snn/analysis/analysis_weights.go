package analysis

// Weight-matrix analysis (issue 3; docs/MODEL.md 7.5 item 5 and section 8 A2, A4, A5, A6, A16).
//
// Conventions: w is a full network matrix, post × pre (w.At(i, j) is the weight from j onto
// i), E neurons first (indices 0…nE−1), then I. A zero entry means "no synapse"; "mean over
// existing synapses" averages the non-zero entries only, "mean including zeros" averages all
// possible synapses (the diagonal, which holds no autapses, is excluded). Weight units are
// those of the matrix (the paper's pF, docs/MODEL.md 4.1). Mismatched shapes (a cluster bound past
// the matrix, a non-square matrix) are reported as errors.

import (
	"fmt"
	"math"
	"math/cmplx"
	"sort"

	"github.com/gosnn/gosnn/snn"
	"gonum.org/v1/gonum/mat"
)

func analysisCheckSquare(w mat.Matrix, nE int) (int, error) {
	if w == nil {
		return 0, fmt.Errorf("analysis: nil weight matrix")
	}
	r, c := w.Dims()
	if r != c {
		return 0, fmt.Errorf("analysis: weight matrix is %d×%d, want square", r, c)
	}
	if nE < 0 || nE > r {
		return 0, fmt.Errorf("analysis: %d E neurons in a %d-neuron matrix", nE, r)
	}
	return r, nil
}

// BlockMeans holds E→E weight means by cluster relation (docs/MODEL.md section 8 A2). For K
// clusters and the natural order: Within is every pair inside one cluster; Forward is
// cluster k → k+1 for k = 0…K−2 (rows of cluster k+1, columns of cluster k); Wrap is the
// closing forward link K−1 → 0 (rows of cluster 0, columns of cluster K−1); Backward is
// k+1 → k for k = 0…K−2 together with the closing backward link 0 → K−1; Other is every
// remaining pair of distinct clusters. With K = 2 the two off-diagonal blocks are Forward
// (0 → 1) and Wrap (1 → 0); with K = 1 there is only Within.
type BlockMeans struct {
	Clusters int // number of clusters K
	// Means over existing synapses (non-zero entries); NaN for a class with none.
	Within, Forward, Backward, Wrap, Other float64
	// Means including absent synapses (zeros), diagonal excluded; NaN for an empty class.
	WithinAll, ForwardAll, BackwardAll, WrapAll, OtherAll float64
	// FeedForwardIndex is (Forward − Backward)/(Forward + Backward) from the means over
	// existing synapses: 0 for a symmetric chain, towards 1 for a purely forward one.
	FeedForwardIndex float64
}

// EEBlockMeans returns the E→E block means of w by cluster relation (see BlockMeans). Only
// neurons inside the clusters are used.
func EEBlockMeans(w mat.Matrix, cl snn.Clusters) (BlockMeans, error) {
	if err := analysisCheckClusters(cl); err != nil {
		return BlockMeans{}, err
	}
	K := cl.Count()
	if _, err := analysisCheckSquare(w, cl.Bounds[K]); err != nil {
		return BlockMeans{}, err
	}
	const (
		within = iota
		forward
		backward
		wrap
		other
	)
	class := func(post, pre int) int {
		switch {
		case post == pre:
			return within
		case post == pre+1:
			return forward
		case pre == K-1 && post == 0:
			return wrap
		case pre == post+1 || pre == 0 && post == K-1:
			return backward
		}
		return other
	}
	var sum [5]float64
	var n, nAll [5]int
	sums, cnt, cntAll := analysisBlockSums(w, cl)
	for a := 0; a < K; a++ {
		for b := 0; b < K; b++ {
			c := class(a, b)
			sum[c] += sums[a*K+b]
			n[c] += cnt[a*K+b]
			nAll[c] += cntAll[a*K+b]
		}
	}
	ratio := func(s float64, n int) float64 {
		if n == 0 {
			return math.NaN()
		}
		return s / float64(n)
	}
	bm := BlockMeans{
		Clusters:    K,
		Within:      ratio(sum[within], n[within]),
		Forward:     ratio(sum[forward], n[forward]),
		Backward:    ratio(sum[backward], n[backward]),
		Wrap:        ratio(sum[wrap], n[wrap]),
		Other:       ratio(sum[other], n[other]),
		WithinAll:   ratio(sum[within], nAll[within]),
		ForwardAll:  ratio(sum[forward], nAll[forward]),
		BackwardAll: ratio(sum[backward], nAll[backward]),
		WrapAll:     ratio(sum[wrap], nAll[wrap]),
		OtherAll:    ratio(sum[other], nAll[other]),
	}
	bm.FeedForwardIndex = (bm.Forward - bm.Backward) / (bm.Forward + bm.Backward)
	return bm, nil
}

// analysisBlockSums returns, for every pair of clusters (post a, pre b) at index a*K+b, the
// sum of the weights, the number of non-zero weights and the number of possible synapses
// (the diagonal excluded).
func analysisBlockSums(w mat.Matrix, cl snn.Clusters) (sums []float64, nz, all []int) {
	K := cl.Count()
	sums = make([]float64, K*K)
	nz = make([]int, K*K)
	all = make([]int, K*K)
	pre := make([]int, cl.Bounds[K])
	for j := range pre {
		pre[j] = cl.Of(j)
	}
	raw, isDense := w.(mat.RawMatrixer)
	for a := 0; a < K; a++ {
		for i := cl.Bounds[a]; i < cl.Bounds[a+1]; i++ {
			var row []float64
			if isDense {
				rm := raw.RawMatrix()
				row = rm.Data[i*rm.Stride : i*rm.Stride+cl.Bounds[K]]
			}
			for j := cl.Bounds[0]; j < cl.Bounds[K]; j++ {
				b := pre[j]
				if b < 0 {
					continue
				}
				var v float64
				if row != nil {
					v = row[j]
				} else {
					v = w.At(i, j)
				}
				idx := a*K + b
				if i != j {
					all[idx]++
				}
				if v != 0 {
					sums[idx] += v
					nz[idx]++
				}
			}
		}
	}
	return sums, nz, all
}

// ClusterBlockMatrix returns the K×K matrix of E→E block means of w: element (a, b) is the
// mean weight from cluster b onto cluster a (post × pre, like w), over existing synapses
// (existingOnly) or including zeros (diagonal excluded). Blocks with no synapse are NaN
// when existingOnly is set.
func ClusterBlockMatrix(w mat.Matrix, cl snn.Clusters, existingOnly bool) (*mat.Dense, error) {
	if err := analysisCheckClusters(cl); err != nil {
		return nil, err
	}
	K := cl.Count()
	if _, err := analysisCheckSquare(w, cl.Bounds[K]); err != nil {
		return nil, err
	}
	sums, nz, all := analysisBlockSums(w, cl)
	out := mat.NewDense(K, K, nil)
	for a := 0; a < K; a++ {
		for b := 0; b < K; b++ {
			n := all[a*K+b]
			if existingOnly {
				n = nz[a*K+b]
			}
			v := math.NaN()
			if n > 0 {
				v = sums[a*K+b] / float64(n)
			}
			out.Set(a, b, v)
		}
	}
	return out, nil
}

// InputStats holds per-postsynaptic-neuron statistics of incoming weights.
type InputStats struct {
	Sum   []float64 // total incoming weight of each neuron
	Count []int     // number of existing (non-zero) incoming synapses
	Mean  []float64 // Sum/Count, NaN for a neuron without inputs
}

// EEInputStats returns, for each E neuron i (0…nE−1), the sum, count and mean of its
// incoming E→E weights (row i, columns 0…nE−1, non-zero entries). Synaptic normalisation
// keeps these sums fixed (docs/MODEL.md 5.3 and A5: means 4.01–4.02 for nc160).
func EEInputStats(w mat.Matrix, nE int) (InputStats, error) {
	if _, err := analysisCheckSquare(w, nE); err != nil {
		return InputStats{}, err
	}
	st := InputStats{Sum: make([]float64, nE), Count: make([]int, nE), Mean: make([]float64, nE)}
	for i := 0; i < nE; i++ {
		for j := 0; j < nE; j++ {
			if v := w.At(i, j); v != 0 {
				st.Sum[i] += v
				st.Count[i]++
			}
		}
		st.Mean[i] = math.NaN()
		if st.Count[i] > 0 {
			st.Mean[i] = st.Sum[i] / float64(st.Count[i])
		}
	}
	return st, nil
}

// BlockWeights returns the non-zero entries of w in rows r0…r1−1 and columns c0…c1−1, in
// row-major order. For example, with post × pre weights and nE E neurons, the I→E weights are
// BlockWeights(w, 0, nE, nE, n).
func BlockWeights(w mat.Matrix, r0, r1, c0, c1 int) ([]float64, error) {
	r, c := w.Dims()
	if r0 < 0 || r1 > r || r0 > r1 || c0 < 0 || c1 > c || c0 > c1 {
		return nil, fmt.Errorf("analysis: block rows [%d, %d) columns [%d, %d) outside a %d×%d matrix", r0, r1, c0, c1, r, c)
	}
	var out []float64
	for i := r0; i < r1; i++ {
		for j := c0; j < c1; j++ {
			if v := w.At(i, j); v != 0 {
				out = append(out, v)
			}
		}
	}
	return out, nil
}

// SummaryOptions configures SummarizeWeights.
type SummaryOptions struct {
	// Floor and Cap are the bounds of the plastic weights (for I→E of the nc160 matrix,
	// 40 and 200; of the main network, 48.7 and 243: docs/MODEL.md 4.2). When Cap > Floor the
	// histogram spans [Floor, Cap]; otherwise it spans the data.
	Floor, Cap float64
	// Tol is the distance within which a weight counts as at the floor or the cap
	// (0 means 1e-9 × max(1, |bound|)).
	Tol float64
	// Bins is the number of histogram bins (0 means 20).
	Bins int
}

// WeightSummary describes a set of weights (docs/MODEL.md section 8 A6).
type WeightSummary struct {
	N                      int     // number of weights
	Mean, Median, Min, Max float64 // weight statistics
	// FracAtFloor and FracAtCap are the fractions of weights within Tol of Floor and Cap
	// (NaN when Cap <= Floor, i.e. no bounds were given).
	FracAtFloor, FracAtCap float64
	// Edges has Bins+1 increasing bin edges; Counts[b] counts weights in [Edges[b], Edges[b+1])
	// (the last bin includes its upper edge; values outside the range go to the end bins).
	Edges  []float64 // Bins+1 bin edges
	Counts []int     // weights per bin
}

// SummarizeWeights returns the summary statistics and histogram of vals. It is an error if
// vals is empty or holds NaN.
func SummarizeWeights(vals []float64, opt SummaryOptions) (WeightSummary, error) {
	if len(vals) == 0 {
		return WeightSummary{}, fmt.Errorf("analysis: no weights to summarise")
	}
	bins := opt.Bins
	if bins == 0 {
		bins = 20
	}
	if bins < 0 {
		return WeightSummary{}, fmt.Errorf("analysis: SummaryOptions.Bins = %d, want > 0", opt.Bins)
	}
	s := WeightSummary{N: len(vals), Min: math.Inf(1), Max: math.Inf(-1), FracAtFloor: math.NaN(), FracAtCap: math.NaN()}
	sum := 0.0
	for _, v := range vals {
		if math.IsNaN(v) {
			return WeightSummary{}, fmt.Errorf("analysis: NaN weight")
		}
		sum += v
		s.Min = math.Min(s.Min, v)
		s.Max = math.Max(s.Max, v)
	}
	s.Mean = sum / float64(len(vals))
	s.Median = analysisMedian(vals)
	lo, hi := s.Min, s.Max
	if opt.Cap > opt.Floor {
		lo, hi = opt.Floor, opt.Cap
		tol := func(b float64) float64 {
			if opt.Tol > 0 {
				return opt.Tol
			}
			return 1e-9 * math.Max(1, math.Abs(b))
		}
		nf, nc := 0, 0
		for _, v := range vals {
			if math.Abs(v-opt.Floor) <= tol(opt.Floor) {
				nf++
			}
			if math.Abs(v-opt.Cap) <= tol(opt.Cap) {
				nc++
			}
		}
		s.FracAtFloor = float64(nf) / float64(len(vals))
		s.FracAtCap = float64(nc) / float64(len(vals))
	}
	if hi == lo {
		hi = lo + 1
	}
	s.Edges = make([]float64, bins+1)
	for b := range s.Edges {
		s.Edges[b] = lo + (hi-lo)*float64(b)/float64(bins)
	}
	s.Counts = make([]int, bins)
	for _, v := range vals {
		b := int(math.Floor((v - lo) / (hi - lo) * float64(bins)))
		s.Counts[max(0, min(bins-1, b))]++
	}
	return s, nil
}

// IEWeightSummary summarises the existing I→E weights of w (rows 0…nE−1, columns nE…N−1).
func IEWeightSummary(w mat.Matrix, nE int, opt SummaryOptions) (WeightSummary, error) {
	n, err := analysisCheckSquare(w, nE)
	if err != nil {
		return WeightSummary{}, err
	}
	vals, err := BlockWeights(w, 0, nE, nE, n)
	if err != nil {
		return WeightSummary{}, err
	}
	return SummarizeWeights(vals, opt)
}

// SignedSpectrum returns the eigenvalues of w with its inhibitory columns (presynaptic
// neurons nE…N−1) negated, the matrix whose spectrum docs/MODEL.md 7.5 item 5 plots. Eigenvalues
// are sorted by decreasing real part, then decreasing imaginary part. The cost is O(N³):
// minutes for N = 3000 (BenchmarkSignedSpectrumFF60b); ReducedSpectrum is instantaneous.
func SignedSpectrum(w mat.Matrix, nE int) ([]complex128, error) {
	n, err := analysisCheckSquare(w, nE)
	if err != nil {
		return nil, err
	}
	s := mat.NewDense(n, n, nil)
	s.Copy(w)
	for i := 0; i < n; i++ {
		for j := nE; j < n; j++ {
			s.Set(i, j, -s.At(i, j))
		}
	}
	return analysisEigen(s)
}

func analysisEigen(m *mat.Dense) ([]complex128, error) {
	var eig mat.Eigen
	if ok := eig.Factorize(m, mat.EigenNone); !ok {
		return nil, fmt.Errorf("analysis: eigenvalue decomposition did not converge")
	}
	vals := eig.Values(nil)
	sort.Slice(vals, func(i, j int) bool {
		if real(vals[i]) != real(vals[j]) {
			return real(vals[i]) > real(vals[j])
		}
		return imag(vals[i]) > imag(vals[j])
	})
	for _, v := range vals {
		if cmplx.IsNaN(v) {
			return nil, fmt.Errorf("analysis: eigenvalues contain NaN (non-finite weights?)")
		}
	}
	return vals, nil
}

// ReducedForm names how the reduced model averages a block of the weight matrix
// (docs/MODEL.md section 9 item 22).
type ReducedForm int

const (
	// BlockMean is the authors' reduced_model.m [M]: element (a, b) is the mean of the block
	// of w with rows in group a and columns in group b, zeros included (the default).
	BlockMean ReducedForm = iota
	// TotalInput multiplies the block mean by the size of the presynaptic group b: the mean
	// over the neurons of group a of the total weight each receives from group b. With
	// groups of equal size the spectrum is BlockMean's times that size; with E clusters and
	// I groups of different sizes its shape differs too.
	TotalInput
)

// String returns "block-mean" or "total-input".
func (f ReducedForm) String() string {
	switch f {
	case BlockMean:
		return "block-mean"
	case TotalInput:
		return "total-input"
	}
	return fmt.Sprintf("ReducedForm(%d)", int(f))
}

// ReducedWeights returns the cluster-averaged reduced model of w (docs/MODEL.md 7.5 item 5) as
// the authors compute it: the E neurons grouped by cl, the I neurons nE…N−1 split into
// iGroups consecutive groups of near-equal size, and W = [EE, −EI; IE, −II], where element
// (a, b) is the mean of the block of w with rows in group a and columns in group b, zeros
// included (BlockMean). Inhibitory columns are negative. E neurons outside the clusters are
// ignored. The result is (K + iGroups) square, post × pre. It is
// ReducedWeightsWith(BlockMean, …).
func ReducedWeights(w mat.Matrix, cl snn.Clusters, nE, iGroups int) (*mat.Dense, error) {
	return ReducedWeightsWith(BlockMean, w, cl, nE, iGroups)
}

// ReducedWeightsWith is ReducedWeights with the blocks averaged as form says (TotalInput: the
// block mean times the size of the presynaptic group).
func ReducedWeightsWith(form ReducedForm, w mat.Matrix, cl snn.Clusters, nE, iGroups int) (*mat.Dense, error) {
	if form != BlockMean && form != TotalInput {
		return nil, fmt.Errorf("analysis: unknown reduced form %v", form)
	}
	if err := analysisCheckClusters(cl); err != nil {
		return nil, err
	}
	n, err := analysisCheckSquare(w, nE)
	if err != nil {
		return nil, err
	}
	K := cl.Count()
	if cl.Bounds[K] > nE {
		return nil, fmt.Errorf("analysis: clusters end at %d, past the %d E neurons", cl.Bounds[K], nE)
	}
	nI := n - nE
	if iGroups < 0 || iGroups > nI || (iGroups == 0) != (nI == 0) {
		return nil, fmt.Errorf("analysis: %d I groups for %d I neurons", iGroups, nI)
	}
	// Group bounds: the E clusters, then the ends of the I groups.
	bounds := append([]int(nil), cl.Bounds...)
	for g := 1; g <= iGroups; g++ {
		bounds = append(bounds, nE+g*nI/iGroups)
	}
	G := K + iGroups
	group := func(g int) (int, int) {
		if g == K { // the first I group starts at nE, even when some E neurons are unclustered
			return nE, bounds[K+1]
		}
		return bounds[g], bounds[g+1]
	}
	// Sum every block in one pass over the rows (row by row, so that a WeightView reads each
	// row once); within a block the terms are added in the same order as block by block.
	sums := make([]float64, G*G)
	for a := 0; a < G; a++ {
		a0, a1 := group(a)
		for i := a0; i < a1; i++ {
			for b := 0; b < G; b++ {
				b0, b1 := group(b)
				s := sums[a*G+b]
				for j := b0; j < b1; j++ {
					s += w.At(i, j)
				}
				sums[a*G+b] = s
			}
		}
	}
	out := mat.NewDense(G, G, nil)
	for a := 0; a < G; a++ {
		a0, a1 := group(a)
		for b := 0; b < G; b++ {
			b0, b1 := group(b)
			s := sums[a*G+b]
			v := s / float64(a1-a0) / float64(b1-b0)
			if form == TotalInput {
				v = s / float64(a1-a0)
			}
			if b >= K {
				v = -v
			}
			out.Set(a, b, v)
		}
	}
	return out, nil
}

// ReducedSpectrum returns the eigenvalues of ReducedWeights(w, cl, nE, iGroups) (the authors'
// block means), sorted by decreasing real part, then decreasing imaginary part. A trained
// cyclic chain gives complex pairs whose imaginary parts grow with the forward/backward
// asymmetry (docs/MODEL.md A16).
func ReducedSpectrum(w mat.Matrix, cl snn.Clusters, nE, iGroups int) ([]complex128, error) {
	return ReducedSpectrumWith(BlockMean, w, cl, nE, iGroups)
}

// ReducedSpectrumWith is ReducedSpectrum of ReducedWeightsWith(form, …).
func ReducedSpectrumWith(form ReducedForm, w mat.Matrix, cl snn.Clusters, nE, iGroups int) ([]complex128, error) {
	r, err := ReducedWeightsWith(form, w, cl, nE, iGroups)
	if err != nil {
		return nil, err
	}
	return analysisEigen(r)
}
