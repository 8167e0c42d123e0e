package snnplot

import (
	"fmt"
	"image"
	"image/color"
	"math"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/palette"
	"gonum.org/v1/plot/palette/moreland"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// DefaultMaxPixels is the default largest number of image cells per side of a heatmap: bigger
// matrices are block-averaged down to at most this size before drawing.
const DefaultMaxPixels = 600

// HeatOptions configures the heatmaps drawn by Heatmap, Weights, BlockMeans and Readout.
// The zero value chooses everything automatically.
type HeatOptions struct {
	// ColorMap maps values to colours; its Min and Max are overwritten. Nil means a diverging
	// blue-white-red map centred on 0 when the data have both signs, and a perceptually
	// uniform sequential map (white for the smallest value, Kindlmann reversed) otherwise.
	ColorMap palette.ColorMap
	// Min and Max fix the value range of the colour map; values outside are clamped. If
	// Max <= Min the range is that of the (downsampled) data.
	Min, Max float64
	// MaxPixels is the largest number of cells per side; bigger matrices are block-averaged
	// (each image cell is the mean of a block of matrix entries). Zero means DefaultMaxPixels.
	MaxPixels int
	// NoColorBar omits the colour bar.
	NoColorBar bool
	// Title, XLabel, YLabel and ValueLabel (the colour bar's label) override the defaults of
	// each figure; empty means the default.
	Title, XLabel, YLabel, ValueLabel string
}

// grid is a dense row-major matrix of cell values to draw, with the extent of each axis in
// data units.
type grid struct {
	rows, cols int
	v          []float64
}

// downsample block-averages m to at most maxPix cells per side (the factors of the two axes
// are independent). NaN entries are ignored in a block's mean; a block of only NaN gives NaN.
func downsample(m mat.Matrix, maxPix int) grid {
	r, c := m.Dims()
	fr := max(1, (r+maxPix-1)/maxPix)
	fc := max(1, (c+maxPix-1)/maxPix)
	g := grid{rows: (r + fr - 1) / fr, cols: (c + fc - 1) / fc}
	sum := make([]float64, g.rows*g.cols)
	cnt := make([]float64, g.rows*g.cols)
	add := func(i, j int, v float64) {
		if math.IsNaN(v) {
			return
		}
		k := (i/fr)*g.cols + j/fc
		sum[k] += v
		cnt[k]++
	}
	if rm, ok := m.(mat.RawMatrixer); ok {
		// Fast path: sum each run of fc contiguous entries of a row at once; only runs whose
		// sum is NaN are revisited entry by entry.
		raw := rm.RawMatrix()
		for i := range r {
			row := raw.Data[i*raw.Stride : i*raw.Stride+c]
			base := (i / fr) * g.cols
			for bj := range g.cols {
				j0, j1 := bj*fc, min(bj*fc+fc, c)
				s := 0.0
				for _, v := range row[j0:j1] {
					s += v
				}
				if !math.IsNaN(s) {
					sum[base+bj] += s
					cnt[base+bj] += float64(j1 - j0)
					continue
				}
				for j := j0; j < j1; j++ {
					add(i, j, row[j])
				}
			}
		}
	} else {
		for i := range r {
			for j := range c {
				add(i, j, m.At(i, j))
			}
		}
	}
	for k := range sum {
		if cnt[k] == 0 {
			sum[k] = math.NaN()
		} else {
			sum[k] /= cnt[k]
		}
	}
	g.v = sum
	return g
}

// flipped returns g with its rows in reverse order.
func (g grid) flipped() grid {
	out := grid{rows: g.rows, cols: g.cols, v: make([]float64, len(g.v))}
	for i := range g.rows {
		copy(out.v[i*g.cols:(i+1)*g.cols], g.v[(g.rows-1-i)*g.cols:(g.rows-i)*g.cols])
	}
	return out
}

// valueRange returns the range of the finite values of g, or (0, 1) if there are none.
func (g grid) valueRange() (lo, hi float64) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, v := range g.v {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			continue
		}
		lo, hi = math.Min(lo, v), math.Max(hi, v)
	}
	if lo > hi {
		return 0, 1
	}
	return lo, hi
}

// colorScale is a colour map with a precomputed lookup table.
type colorScale struct {
	cmap   palette.ColorMap
	lo, hi float64
	lut    []color.NRGBA
	nan    color.NRGBA
}

func newColorScale(cmap palette.ColorMap, lo, hi float64) (*colorScale, error) {
	if cmap == nil {
		if lo < 0 && hi > 0 {
			d := moreland.SmoothBlueRed()
			a := math.Max(-lo, hi)
			lo, hi = -a, a
			d.SetMin(lo)
			d.SetMax(hi)
			cmap = d
		} else {
			cmap = palette.Reverse(moreland.Kindlmann())
		}
	}
	if !(hi > lo) {
		d := math.Max(math.Abs(lo)*1e-6, 0.5)
		lo, hi = lo-d, hi+d
	}
	if math.IsInf(hi-lo, 0) || math.IsNaN(hi-lo) {
		return nil, fmt.Errorf("snnplot: colour range [%v, %v] is too wide; set HeatOptions.Min and Max", lo, hi)
	}
	cmap.SetMin(lo)
	cmap.SetMax(hi)
	s := &colorScale{cmap: cmap, lo: lo, hi: hi, lut: make([]color.NRGBA, 256),
		nan: color.NRGBA{R: 0xdd, G: 0xdd, B: 0xdd, A: 0xff}}
	// Query just inside the range: wrapped maps (palette.Reverse) can round the end points
	// outside it.
	eps := (hi - lo) * 1e-9
	for i := range s.lut {
		v := math.Min(hi-eps, math.Max(lo+eps, lo+(hi-lo)*float64(i)/255))
		c, err := cmap.At(v)
		if err != nil {
			return nil, fmt.Errorf("snnplot: colour map: %w", err)
		}
		s.lut[i] = color.NRGBAModel.Convert(c).(color.NRGBA)
	}
	return s, nil
}

func (s *colorScale) at(v float64) color.NRGBA {
	if math.IsNaN(v) {
		return s.nan
	}
	x := (v - s.lo) / (s.hi - s.lo) * 255
	switch {
	case x >= 255:
		return s.lut[255]
	case x > 0:
		return s.lut[int(math.Round(x))]
	}
	return s.lut[0]
}

// image renders g with row 0 at the top. Small grids are enlarged by an integer factor per
// axis so that smoothing by the renderer does not blur the cells.
func (s *colorScale) image(g grid) *image.NRGBA {
	fy, fx := max(1, DefaultMaxPixels/g.rows), max(1, DefaultMaxPixels/g.cols)
	img := image.NewNRGBA(image.Rect(0, 0, g.cols*fx, g.rows*fy))
	for i := range g.rows {
		for j := range g.cols {
			c := s.at(g.v[i*g.cols+j])
			for y := i * fy; y < (i+1)*fy; y++ {
				off := img.PixOffset(j*fx, y)
				for x := range fx {
					img.Pix[off+4*x], img.Pix[off+4*x+1], img.Pix[off+4*x+2], img.Pix[off+4*x+3] = c.R, c.G, c.B, c.A
				}
			}
		}
	}
	return img
}

// heatPanel describes one heatmap panel: a matrix drawn over the data rectangle
// [x0, x1] x [y0, yn] (y0 is 0 except on frequency axes). With flipY matrix row 0 is at the top, so the y axis reads as a row
// index increasing downwards; otherwise row 0 is at the bottom. xCells and yCells mark index
// axes (one data unit per cell, x0 = 0 for x): their tick labels sit on cell centres and
// number the cells from base (1 for clusters, 0 otherwise); other axes get plain ticks.
type heatPanel struct {
	m              mat.Matrix
	x0, x1, y0, yn float64
	xlabel, ylabel string
	title          string
	flipY          bool
	xCells, yCells bool
	base           int
}

// heatPlot builds the plot of one heatmap panel with the given colour scale.
func heatPlot(hp heatPanel, g grid, s *colorScale) *plot.Plot {
	p := plot.New()
	p.Title.Text = hp.title
	p.X.Label.Text = hp.xlabel
	p.Y.Label.Text = hp.ylabel
	if !hp.flipY {
		g = g.flipped()
	}
	p.Add(safeImage{plotter.NewImage(s.image(g), hp.x0, hp.y0, hp.x1, hp.yn)})
	p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = hp.x0, hp.x1, hp.y0, hp.yn
	p.X.Tick.Marker, p.Y.Tick.Marker = plainTicks{}, plainTicks{}
	if hp.xCells {
		p.X.Tick.Marker = cellTicks{n: hp.x1, base: hp.base}
	}
	if hp.yCells {
		p.Y.Tick.Marker = cellTicks{n: hp.yn, flip: hp.flipY, base: hp.base}
	}
	p.X.Padding, p.Y.Padding = 0, 0
	return p
}

// colorBarPlot returns a vertical colour bar for s.
func colorBarPlot(s *colorScale, label string) *plot.Plot {
	p := plot.New()
	p.Add(safeColorBar{&plotter.ColorBar{ColorMap: s.cmap, Vertical: true}})
	p.HideX()
	p.Y.Label.Text = label
	p.Y.Tick.Marker = plainTicks{}
	p.Y.Padding = 0
	return p
}

// checkMatrix reports a nil or empty matrix.
func checkMatrix(what string, m mat.Matrix) error {
	if m == nil {
		return fmt.Errorf("snnplot: %s: nil matrix", what)
	}
	if r, c := m.Dims(); r == 0 || c == 0 {
		return fmt.Errorf("snnplot: %s: empty %dx%d matrix", what, r, c)
	}
	return nil
}

func (o HeatOptions) maxPixels() (int, error) {
	switch {
	case o.MaxPixels < 0:
		return 0, fmt.Errorf("snnplot: MaxPixels = %d is negative", o.MaxPixels)
	case o.MaxPixels == 0:
		return DefaultMaxPixels, nil
	}
	return o.MaxPixels, nil
}

func (o HeatOptions) scale(gs ...grid) (*colorScale, error) {
	if math.IsNaN(o.Min) || math.IsNaN(o.Max) || math.IsInf(o.Min, 0) || math.IsInf(o.Max, 0) {
		return nil, fmt.Errorf("snnplot: colour range [%v, %v] is not finite", o.Min, o.Max)
	}
	lo, hi := o.Min, o.Max
	if !(hi > lo) {
		lo, hi = math.Inf(1), math.Inf(-1)
		for _, g := range gs {
			a, b := g.valueRange()
			lo, hi = math.Min(lo, a), math.Max(hi, b)
		}
	}
	return newColorScale(o.ColorMap, lo, hi)
}

func orDefault(s, def string) string {
	if s != "" {
		return s
	}
	return def
}

// colorBarWidth is the width of the colour-bar column: label, tick labels and the bar.
const colorBarWidth vg.Length = 64 // pt

// heatFigure draws panels stacked top to bottom sharing one colour scale, with a colour bar
// beside them unless opt.NoColorBar.
func heatFigure(opt HeatOptions, valueLabel string, panels ...heatPanel) (*Figure, []*plot.Plot, error) {
	maxPix, err := opt.maxPixels()
	if err != nil {
		return nil, nil, err
	}
	gs := make([]grid, len(panels))
	for i, hp := range panels {
		gs[i] = downsample(hp.m, maxPix)
	}
	s, err := opt.scale(gs...)
	if err != nil {
		return nil, nil, err
	}
	f := &Figure{}
	var plots []*plot.Plot
	for i, hp := range panels {
		p := heatPlot(hp, gs[i], s)
		plots = append(plots, p)
		row := []*plot.Plot{p}
		if !opt.NoColorBar && i == 0 {
			row = append(row, colorBarPlot(s, orDefault(opt.ValueLabel, valueLabel)))
		}
		f.Rows = append(f.Rows, row)
	}
	if !opt.NoColorBar {
		f.FixedWidths = []vg.Length{0, colorBarWidth}
		if len(panels) > 1 {
			// The colour bar spans the first panel only; the others get an empty cell.
			for i := 1; i < len(f.Rows); i++ {
				f.Rows[i] = append(f.Rows[i], nil)
			}
		}
	}
	return f, plots, nil
}

// Heatmap draws matrix m as an image, row 0 at the top, with a colour bar. Matrices larger
// than opt.MaxPixels on a side are block-averaged first, so 3000x3000 matrices render quickly.
// Axis labels default to "column" and "row".
func Heatmap(m mat.Matrix, opt HeatOptions) (*Figure, error) {
	if err := checkMatrix("Heatmap", m); err != nil {
		return nil, err
	}
	r, c := m.Dims()
	f, _, err := heatFigure(opt, "value", heatPanel{
		m: m, x0: 0, x1: float64(c), yn: float64(r), flipY: true, xCells: true, yCells: true,
		xlabel: orDefault(opt.XLabel, "column"), ylabel: orDefault(opt.YLabel, "row"), title: opt.Title,
	})
	if err != nil {
		return nil, err
	}
	f.Width, f.Height = 14*vg.Centimeter, 12*vg.Centimeter
	return f, nil
}

// boundaryLines is a plotter drawing cluster boundaries over a heatmap: vertical lines at
// x = b and (unless columnsOnly) horizontal lines at y = n - b for each bound b strictly
// inside (0, n).
type boundaryLines struct {
	bounds      []int
	nx, ny      float64
	style       draw.LineStyle
	columnsOnly bool
}

// Plot implements plot.Plotter.
func (l boundaryLines) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	for _, b := range l.bounds {
		x := float64(b)
		if x > 0 && x < l.nx {
			c.StrokeLine2(l.style, trX(x), trY(0), trX(x), trY(l.ny))
		}
		if y := l.ny - float64(b); !l.columnsOnly && x > 0 && x < l.ny {
			c.StrokeLine2(l.style, trX(0), trY(y), trX(l.nx), trY(y))
		}
	}
}

// safeColorBar is a plotter.ColorBar that draws nothing on a canvas too small to hold it
// (plotter.ColorBar panics there).
type safeColorBar struct{ *plotter.ColorBar }

// Plot implements plot.Plotter.
func (b safeColorBar) Plot(c draw.Canvas, p *plot.Plot) {
	if c.Max.X-c.Min.X < 1 || c.Max.Y-c.Min.Y < 1 {
		return
	}
	b.ColorBar.Plot(c, p)
}

// safeImage is a plotter.Image that draws nothing when the data area is too small to show
// it (the image scaler fails on an empty or inverted rectangle).
type safeImage struct{ *plotter.Image }

// Plot implements plot.Plotter.
func (im safeImage) Plot(c draw.Canvas, p *plot.Plot) {
	if c.Max.X-c.Min.X < 1 || c.Max.Y-c.Min.Y < 1 {
		return
	}
	im.Image.Plot(c, p)
}
