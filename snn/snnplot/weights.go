package snnplot

import (
	"fmt"
	"image/color"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/gosnn/gosnn/snn"
	"github.com/gosnn/gosnn/snn/analysis"
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
// postsynaptic neuron, column j the presynaptic one, E neurons first; docs/MODEL.md section 4.2),
// as a heatmap with row 0 at the top and a colour bar in pF (the paper's weight unit, docs/MODEL.md
// section 4.1). Matrices larger than opt.MaxPixels (default 600) on a side are block-averaged
// first: a 3000x3000 matrix becomes a 600x600 image of 5x5 block means, so zeros (absent
// synapses) lower the shown values in proportion to the connection density. The I->E weights
// are an order of magnitude larger than the E->E ones and set the colour range of the full
// matrix; to see the E->E structure, draw the E block alone (w.Slice(0, nE, 0, nE)) or fix
// HeatOptions.Max.
func Weights(w mat.Matrix, opt WeightOptions) (*Figure, error) {
	if err := checkMatrix("Weights", w); err != nil {
		return nil, err
	}
	if err := checkClusters(opt.Clusters); err != nil {
		return nil, err
	}
	r, c := w.Dims()
	f, plots, err := heatFigure(opt.HeatOptions, "weight (pF)", heatPanel{
		m: w, x0: 0, x1: float64(c), yn: float64(r), flipY: true, xCells: true, yCells: true,
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

// BlockMeans draws the cluster-by-cluster mean E->E weights of w (post x pre) over existing
// synapses, as computed by analysis.ClusterBlockMatrix (docs/MODEL.md section 8 A2), as a K x K heatmap
// with cluster 1 at the top left (clusters are numbered from 1 in figures, see the package
// documentation): the diagonal shows within-cluster weights, the first subdiagonal the
// forward k -> k+1 weights (rows of cluster k+1, columns of cluster k).
// Blocks without synapses are grey. To draw a block matrix computed otherwise (including
// zeros, say), pass it to Heatmap.
func BlockMeans(w mat.Matrix, c snn.Clusters, opt HeatOptions) (*Figure, error) {
	if err := checkMatrix("BlockMeans", w); err != nil {
		return nil, err
	}
	b, err := analysis.ClusterBlockMatrix(w, c, true)
	if err != nil {
		return nil, fmt.Errorf("snnplot: BlockMeans: %w", err)
	}
	K := float64(c.Count())
	f, _, err := heatFigure(opt, "mean weight (pF)", heatPanel{
		m: b, x0: 0, x1: K, yn: K, flipY: true, xCells: true, yCells: true, base: 1,
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
