package snnplot

import (
	"fmt"
	"image/color"
	"math"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/gosnn/gosnn/snn"
)

// WeightOptions configures Weights.
type WeightOptions struct {
	HeatOptions
	// Clusters, if it has clusters, draws their boundaries over the matrix (thin lines
	// between neurons Bounds[k]-1 and Bounds[k] on both axes).
	Clusters snn.Clusters
	// BoundaryColor is the colour of the cluster boundaries; nil means a translucent grey.
	BoundaryColor color.Color
}

// Weights draws a weight matrix in the project's convention, post x pre (row i is the
// postsynaptic neuron, column j the presynaptic one, E neurons first; MODEL.md section 4.2),
// as a heatmap with row 0 at the top and a colour bar in pF (the paper's weight unit, MODEL.md
// section 4.1). Matrices larger than opt.MaxPixels (default 600) on a side are block-averaged
// first: a 3000x3000 matrix becomes a 600x600 image of 5x5 block means, so zeros (absent
// synapses) lower the shown values in proportion to the connection density.
func Weights(w mat.Matrix, opt WeightOptions) (*Figure, error) {
	if err := checkMatrix("Weights", w); err != nil {
		return nil, err
	}
	if err := checkClusters(opt.Clusters); err != nil {
		return nil, err
	}
	r, c := w.Dims()
	f, plots, err := heatFigure(opt.HeatOptions, "weight (pF)", heatPanel{
		m: w, x0: 0, x1: float64(c), yn: float64(r), flipY: true,
		xlabel: orDefault(opt.XLabel, "presynaptic neuron"),
		ylabel: orDefault(opt.YLabel, "postsynaptic neuron"),
		title:  opt.Title,
	})
	if err != nil {
		return nil, err
	}
	if opt.Clusters.Count() > 0 {
		col := opt.BoundaryColor
		if col == nil {
			col = color.NRGBA{R: 0x50, G: 0x50, B: 0x50, A: 0x80}
		}
		plots[0].Add(boundaryLines{
			bounds: opt.Clusters.Bounds, nx: float64(c), ny: float64(r),
			style: draw.LineStyle{Color: col, Width: 0.5},
		})
	}
	f.Width, f.Height = 14*vg.Centimeter, 12*vg.Centimeter
	return f, nil
}

// ClusterBlockMeans returns the K x K matrix of mean weights between clusters: entry (k, l) is
// the mean of w over the rows of cluster k (postsynaptic) and the columns of cluster l
// (presynaptic). With nonzeroOnly the mean is over existing synapses (nonzero entries), as in
// MODEL.md section 8 A2; a block without any is NaN. w is post x pre and must cover the
// clustered neurons.
func ClusterBlockMeans(w mat.Matrix, c snn.Clusters, nonzeroOnly bool) (*mat.Dense, error) {
	if err := checkMatrix("ClusterBlockMeans", w); err != nil {
		return nil, err
	}
	if err := checkClusters(c); err != nil {
		return nil, err
	}
	K := c.Count()
	if K == 0 {
		return nil, fmt.Errorf("snnplot: ClusterBlockMeans: no clusters")
	}
	r, cols := w.Dims()
	if n := c.Bounds[K]; n > r || n > cols {
		return nil, fmt.Errorf("snnplot: ClusterBlockMeans: clusters cover %d neurons but the matrix is %dx%d", n, r, cols)
	}
	sum := make([]float64, K*K)
	cnt := make([]float64, K*K)
	n := c.Bounds[K]
	colCluster := make([]int, n)
	for j := range n {
		colCluster[j] = c.Of(j)
	}
	for i := range n {
		ki := c.Of(i)
		if ki < 0 {
			continue
		}
		for j := range n {
			kj := colCluster[j]
			if kj < 0 {
				continue
			}
			v := w.At(i, j)
			if math.IsNaN(v) || (nonzeroOnly && v == 0) {
				continue
			}
			sum[ki*K+kj] += v
			cnt[ki*K+kj]++
		}
	}
	for k := range sum {
		if cnt[k] == 0 {
			sum[k] = math.NaN()
		} else {
			sum[k] /= cnt[k]
		}
	}
	return mat.NewDense(K, K, sum), nil
}

// BlockMeans draws the cluster-by-cluster mean E->E weights of w (post x pre) over existing
// synapses (see ClusterBlockMeans) as a K x K heatmap, cluster 0 at the top left: the
// diagonal shows within-cluster weights, the first subdiagonal the forward k -> k+1 weights.
// To draw a block matrix computed elsewhere, use Heatmap.
func BlockMeans(w mat.Matrix, c snn.Clusters, opt HeatOptions) (*Figure, error) {
	b, err := ClusterBlockMeans(w, c, true)
	if err != nil {
		return nil, err
	}
	K := float64(c.Count())
	f, _, err := heatFigure(opt, "mean weight (pF)", heatPanel{
		m: b, x0: 0, x1: K, yn: K, flipY: true,
		xlabel: orDefault(opt.XLabel, "presynaptic cluster"),
		ylabel: orDefault(opt.YLabel, "postsynaptic cluster"),
		title:  opt.Title,
	})
	if err != nil {
		return nil, err
	}
	f.Width, f.Height = 14*vg.Centimeter, 12*vg.Centimeter
	return f, nil
}
