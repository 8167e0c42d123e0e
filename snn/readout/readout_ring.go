package readout

import (
	"fmt"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"
)

// ExtendRing builds a longer clock from a trained one: a network of K clusters of the same
// size whose every neuron has the input statistics of the trained network w (post × pre, ne E
// neurons in k clusters, then the I neurons). It is the "documented alternative" used for the
// bird song, which needs a period above 600 ms (docs/MODEL.md 7.5 item 2) while only the 15-cluster
// nc160 matrix (period ≈ 345 ms) is available.
//
// For the E neuron at local index l of new cluster c, with c0 = c mod k:
//   - inputs from clusters c−1, c, c+1 (mod K) are copied from the trained row of neuron l of
//     cluster c0, columns of clusters c0−1, c0, c0+1 (mod k): the within, backward and forward
//     blocks;
//   - inputs from every other new cluster are copied from a randomly chosen "other" block of
//     that trained row (offset not in {−1, 0, +1}), each synapse kept with probability
//     (k−3)/(K−3), so the expected number of inputs is unchanged;
//   - I→E inputs are copied from the same trained row.
//
// Each I neuron keeps its trained I→I row; its input from new E cluster c is copied from
// trained cluster c mod k, each synapse kept with probability k/K and its weight multiplied by
// K/k, so the drive from the one active cluster is unchanged. The period grows about K/k-fold.
// k must be at least 4 and K at least k.
func ExtendRing(w *mat.Dense, ne, k, K int, seed uint64) (*mat.Dense, error) {
	if w == nil {
		return nil, fmt.Errorf("readout: ExtendRing: nil matrix")
	}
	n, c := w.Dims()
	if n != c || ne <= 0 || ne > n || k < 4 || ne%k != 0 || K < k {
		return nil, fmt.Errorf("readout: ExtendRing: matrix %d×%d, %d E neurons in %d clusters, %d new clusters: need a square matrix, k >= 4 dividing NE, K >= k", n, c, ne, k, K)
	}
	m := ne / k
	ni := n - ne
	neNew := K * m
	nNew := neNew + ni
	if int64(nNew)*int64(nNew) > 1<<28 {
		return nil, fmt.Errorf("readout: ExtendRing: %d neurons make a dense matrix too large", nNew)
	}
	out := mat.NewDense(nNew, nNew, nil)
	r := rand.New(rand.NewPCG(seed, 0x52494e47)) // "RING"
	keepOther := float64(k-3) / float64(K-3)
	if K == 3 {
		keepOther = 0
	}
	mod := func(a, b int) int { return ((a % b) + b) % b }
	src := make([]float64, n)
	dst := make([]float64, nNew)
	for cNew := 0; cNew < K; cNew++ {
		c0 := mod(cNew, k)
		for l := 0; l < m; l++ {
			mat.Row(src, c0*m+l, w)
			clear(dst)
			for pre := 0; pre < K; pre++ {
				d := mod(pre-cNew, K)
				var from int
				keep := 1.0
				switch {
				case d == 0:
					from = c0
				case d == 1:
					from = mod(c0+1, k)
				case d == K-1:
					from = mod(c0-1, k)
				default:
					// A random trained "other" block: offset 2 … k−2 from c0.
					from = mod(c0+2+int(r.Uint64()%uint64(k-3)), k)
					keep = keepOther
				}
				for q := 0; q < m; q++ {
					v := src[from*m+q]
					if v != 0 && (keep == 1 || r.Float64() < keep) {
						dst[pre*m+q] = v
					}
				}
			}
			copy(dst[neNew:], src[ne:])
			out.SetRow(cNew*m+l, dst)
		}
	}
	keepI := float64(k) / float64(K)
	scale := float64(K) / float64(k)
	for i := 0; i < ni; i++ {
		mat.Row(src, ne+i, w)
		clear(dst)
		for pre := 0; pre < K; pre++ {
			from := mod(pre, k)
			for q := 0; q < m; q++ {
				if v := src[from*m+q]; v != 0 && (keepI == 1 || r.Float64() < keepI) {
					dst[pre*m+q] = v * scale
				}
			}
		}
		copy(dst[neNew:], src[ne:])
		out.SetRow(neNew+i, dst)
	}
	return out, nil
}
