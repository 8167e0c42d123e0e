package snnplot

import (
	"fmt"
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/gosnn/gosnn/snn"
)

// RasterOptions configures Raster. The zero value draws every spike of the record, clusters
// in the default palette.
type RasterOptions struct {
	// T0 and T1 bound the time window in ms (T0 <= t < T1). If T1 <= T0 the window is the
	// whole record, from its first to just after its last spike.
	T0, T1 float64
	// From and To bound the neurons shown (From <= i < To, global indices). If To <= From the
	// range runs from From to the largest index in the record.
	From, To int
	// NE is the number of E neurons; neurons with index >= NE are drawn as I neurons. Zero
	// means the number of clustered neurons (the last cluster bound), which is right when
	// every E neuron is in a cluster (docs/MODEL.md section 1). With neither NE nor clusters every
	// neuron is drawn in the Inhibitory colour.
	NE int
	// Colors gives the colour of cluster k; nil means ClusterColor.
	Colors func(k int) color.Color
	// Unclustered and Inhibitory colour E neurons in no cluster and I neurons; nil means
	// UnclusteredColor and InhibitoryColor.
	Unclustered, Inhibitory color.Color
	// DotSize is the side of the square drawn for a spike; zero means 1 pt.
	DotSize vg.Length
	// Title is the plot title; empty means none.
	Title string
}

// Raster returns a spike raster: one dot per spike at (time in ms, neuron index), E neurons
// coloured by cluster. The dots are drawn by a dedicated plotter that merges spikes falling on
// the same dot, so tens of thousands of spikes render quickly in PNG and stay small in SVG.
//
// It returns an error if the record is malformed (Time and Neuron of different lengths, a
// negative neuron index, a time that is not finite) or the options are inconsistent.
func Raster(s *snn.Spikes, c snn.Clusters, opt RasterOptions) (*plot.Plot, error) {
	if s == nil {
		return nil, fmt.Errorf("snnplot: Raster: nil spike record")
	}
	if len(s.Time) != len(s.Neuron) {
		return nil, fmt.Errorf("snnplot: Raster: spike record has %d times but %d neuron indices", len(s.Time), len(s.Neuron))
	}
	if err := checkClusters(c); err != nil {
		return nil, err
	}
	if math.IsNaN(opt.T0) || math.IsNaN(opt.T1) || math.IsInf(opt.T0, 0) || math.IsInf(opt.T1, 0) {
		return nil, fmt.Errorf("snnplot: Raster: time window [%v, %v) is not finite", opt.T0, opt.T1)
	}
	if opt.NE < 0 {
		return nil, fmt.Errorf("snnplot: Raster: NE = %d is negative", opt.NE)
	}
	if opt.From < 0 {
		return nil, fmt.Errorf("snnplot: Raster: From = %d is negative", opt.From)
	}
	if opt.DotSize < 0 || math.IsNaN(float64(opt.DotSize)) {
		return nil, fmt.Errorf("snnplot: Raster: DotSize %v is negative", opt.DotSize)
	}
	maxN := -1
	tmin, tmax := math.Inf(1), math.Inf(-1)
	for k, t := range s.Time {
		n := s.Neuron[k]
		if n < 0 {
			return nil, fmt.Errorf("snnplot: Raster: spike %d has negative neuron index %d", k, n)
		}
		if math.IsNaN(t) || math.IsInf(t, 0) {
			return nil, fmt.Errorf("snnplot: Raster: spike %d has time %v", k, t)
		}
		maxN = max(maxN, int(n))
		tmin, tmax = math.Min(tmin, t), math.Max(tmax, t)
	}
	t0, t1 := opt.T0, opt.T1
	if t1 <= t0 {
		t0, t1 = 0, 1
		if len(s.Time) > 0 {
			t0, t1 = math.Floor(tmin), math.Floor(tmax)+1
		}
	}
	if !(t1 > t0) || math.IsInf(t1-t0, 0) {
		return nil, fmt.Errorf("snnplot: Raster: time window [%v, %v) is empty or too wide to draw", t0, t1)
	}
	from, to := opt.From, opt.To
	if to <= from {
		to = max(maxN+1, from+1)
	}
	ne := opt.NE
	if ne == 0 && c.Count() > 0 {
		ne = c.Bounds[c.Count()]
	}
	colors := opt.Colors
	if colors == nil {
		colors = func(k int) color.Color { return ClusterColor(k) }
	}
	unclustered, inhibitory := opt.Unclustered, opt.Inhibitory
	if unclustered == nil {
		unclustered = UnclusteredColor
	}
	if inhibitory == nil {
		inhibitory = InhibitoryColor
	}
	dot := opt.DotSize
	if dot == 0 {
		dot = 1
	}

	// Group spikes by colour: group k < K is cluster k, then unclustered E, then I.
	K := c.Count()
	groups := make([][]float64, K+2) // interleaved (t, n) pairs
	for k, t := range s.Time {
		n := int(s.Neuron[k])
		if t < t0 || t >= t1 || n < from || n >= to {
			continue
		}
		g := K + 1
		if n < ne {
			g = c.Of(n)
			if g < 0 {
				g = K
			}
		}
		groups[g] = append(groups[g], t, float64(n))
	}
	r := &rasterDots{dot: dot}
	for g, pts := range groups {
		if len(pts) == 0 {
			continue
		}
		var col color.Color
		switch {
		case g < K:
			col = colors(g)
		case g == K:
			col = unclustered
		default:
			col = inhibitory
		}
		r.groups = append(r.groups, dotGroup{color: col, pts: pts})
	}
	r.xmin, r.xmax = t0, t1
	r.ymin, r.ymax = float64(from)-0.5, float64(to)-0.5

	p := plot.New()
	p.Title.Text = opt.Title
	p.X.Label.Text = "time (ms)"
	p.Y.Label.Text = "neuron index"
	p.Add(r)
	p.X.Tick.Marker, p.Y.Tick.Marker = plainTicks{}, plainTicks{}
	p.X.Min, p.X.Max = t0, t1
	p.Y.Min, p.Y.Max = r.ymin, r.ymax
	return p, nil
}

// checkClusters reports malformed cluster bounds (not starting at 0, decreasing).
func checkClusters(c snn.Clusters) error {
	if len(c.Bounds) == 0 {
		return nil
	}
	if c.Bounds[0] != 0 {
		return fmt.Errorf("snnplot: cluster bounds start at %d, not 0", c.Bounds[0])
	}
	for k := 1; k < len(c.Bounds); k++ {
		if c.Bounds[k] < c.Bounds[k-1] {
			return fmt.Errorf("snnplot: cluster bounds decrease at %d (%d after %d)", k, c.Bounds[k], c.Bounds[k-1])
		}
	}
	return nil
}

// dotsPerFill is the number of dots filled in one path. The scan-line rasteriser behind PNG
// output slows down on paths with very many cells, so long runs are filled in chunks.
const dotsPerFill = 128

type dotGroup struct {
	color color.Color
	pts   []float64 // interleaved (x, y) in data units
}

// rasterDots is a plot.Plotter that draws many small squares, one filled path per colour.
// Spikes that fall on a dot already drawn in the same colour are skipped: they would not
// change the picture but would cost a path segment each.
type rasterDots struct {
	groups                 []dotGroup
	dot                    vg.Length
	xmin, xmax, ymin, ymax float64
}

// DataRange implements plot.DataRanger.
func (r *rasterDots) DataRange() (xmin, xmax, ymin, ymax float64) {
	return r.xmin, r.xmax, r.ymin, r.ymax
}

// Plot implements plot.Plotter.
func (r *rasterDots) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	w, h := c.Max.X-c.Min.X, c.Max.Y-c.Min.Y
	if !(w > 0) || !(h > 0) {
		return
	}
	nx, ny := int(math.Ceil(float64(w/r.dot)))+1, int(math.Ceil(float64(h/r.dot)))+1
	if nx*ny > 1<<24 { // absurdly small dots: fall back to a coarser grid
		f := math.Sqrt(float64(nx*ny) / (1 << 24))
		nx, ny = int(float64(nx)/f)+1, int(float64(ny)/f)+1
	}
	cellW, cellH := w/vg.Length(nx-1), h/vg.Length(ny-1)
	stamp := make([]int32, nx*ny)
	half := r.dot / 2
	for g, grp := range r.groups {
		var path vg.Path
		id := int32(g + 1)
		for i := 0; i+1 < len(grp.pts); i += 2 {
			x, y := trX(grp.pts[i]), trY(grp.pts[i+1])
			if x < c.Min.X || x > c.Max.X || y < c.Min.Y || y > c.Max.Y {
				continue
			}
			cx, cy := int((x-c.Min.X)/cellW), int((y-c.Min.Y)/cellH)
			cell := cy*nx + cx
			if stamp[cell] == id {
				continue
			}
			stamp[cell] = id
			x0, y0 := max(x-half, c.Min.X), max(y-half, c.Min.Y)
			x1, y1 := min(x+half, c.Max.X), min(y+half, c.Max.Y)
			path.Move(vg.Point{X: x0, Y: y0})
			path.Line(vg.Point{X: x1, Y: y0})
			path.Line(vg.Point{X: x1, Y: y1})
			path.Line(vg.Point{X: x0, Y: y1})
			path.Close()
			if len(path) >= 5*dotsPerFill {
				c.SetColor(grp.color)
				c.Fill(path)
				path = path[:0]
			}
		}
		if len(path) > 0 {
			c.SetColor(grp.color)
			c.Fill(path)
		}
	}
}
