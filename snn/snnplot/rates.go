package snnplot

import (
	"fmt"
	"image/color"
	"math"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/gosnn/gosnn/snn"
	"github.com/gosnn/gosnn/snn/analysis"
)

// RateOptions configures the rate figures. The zero value uses 1 ms bins smoothed with a
// Gaussian of sigma 3 ms (the cluster-activation method of docs/MODEL.md section 8 A7) over the
// whole record.
type RateOptions struct {
	// T0 and T1 bound the time window in ms; if T1 <= T0 the window is the whole record.
	T0, T1 float64
	// Bin is the bin width in ms (at least 1 µs); zero means 1 ms.
	Bin float64
	// Sigma is the standard deviation of the Gaussian smoothing kernel in ms; zero means 3 ms
	// and a negative value turns smoothing off.
	Sigma float64
	// Colors gives the colour of cluster k (ClusterRates); nil means ClusterColor.
	Colors func(k int) color.Color
	// Title is the plot title; empty means none.
	Title string
	// Activations, if set, are marked on the cluster figures: at (time, peak rate) on
	// ClusterRates and at (time, cluster) on ClusterRateMap, e.g. the output of
	// analysis.DetectActivations, to check the detector by eye.
	Activations []analysis.Activation
}

// maxBins bounds the number of time bins of a rate figure (10^6: over 16 minutes in 1 ms
// bins), so that a mistaken window cannot allocate gigabytes.
const maxBins = 1_000_000

// maxCells bounds bins x clusters of the per-cluster rate figures (80 MB of float64).
const maxCells = 10_000_000

// rateSeries holds binned, optionally smoothed rates (Hz per neuron) of several groups.
type rateSeries struct {
	t0, bin float64
	rates   [][]float64 // rates[g][b]
}

// times returns the centre of each bin in ms.
func (r rateSeries) xys(g int) plotter.XYs {
	xy := make(plotter.XYs, len(r.rates[g]))
	for b, v := range r.rates[g] {
		xy[b].X = r.t0 + (float64(b)+0.5)*r.bin
		xy[b].Y = v
	}
	return xy
}

// window resolves the time window of opt against the record.
func (o RateOptions) window(s *snn.Spikes) (t0, t1, bin, sigma float64, err error) {
	for _, v := range []float64{o.T0, o.T1, o.Bin, o.Sigma} {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return 0, 0, 0, 0, fmt.Errorf("snnplot: rate options hold a non-finite value %v", v)
		}
	}
	bin, sigma = o.Bin, o.Sigma
	switch {
	case bin < 0:
		return 0, 0, 0, 0, fmt.Errorf("snnplot: bin width %v ms is negative", bin)
	case bin > 0 && bin < 1e-3:
		return 0, 0, 0, 0, fmt.Errorf("snnplot: bin width %v ms is below 1 µs", bin)
	case bin == 0:
		bin = 1
	}
	if sigma == 0 {
		sigma = 3
	}
	t0, t1 = o.T0, o.T1
	if t1 <= t0 {
		t0, t1 = 0, bin
		if len(s.Time) > 0 {
			lo, hi := math.Inf(1), math.Inf(-1)
			for _, t := range s.Time {
				lo, hi = math.Min(lo, t), math.Max(hi, t)
			}
			t0, t1 = math.Floor(lo), math.Floor(hi)+1
		}
	}
	if !(t1 > t0) || math.IsInf(t1-t0, 0) {
		return 0, 0, 0, 0, fmt.Errorf("snnplot: time window [%v, %v) is empty or too wide to draw", t0, t1)
	}
	if (t1-t0)/bin > maxBins {
		return 0, 0, 0, 0, fmt.Errorf("snnplot: window [%v, %v) ms in bins of %v ms has more than %d bins", t0, t1, bin, maxBins)
	}
	return t0, t1, bin, sigma, nil
}

// checkSpikes reports a malformed spike record.
func checkSpikes(what string, s *snn.Spikes) error {
	if s == nil {
		return fmt.Errorf("snnplot: %s: nil spike record", what)
	}
	if len(s.Time) != len(s.Neuron) {
		return fmt.Errorf("snnplot: %s: spike record has %d times but %d neuron indices", what, len(s.Time), len(s.Neuron))
	}
	for k, t := range s.Time {
		if math.IsNaN(t) || math.IsInf(t, 0) {
			return fmt.Errorf("snnplot: %s: spike %d has time %v", what, k, t)
		}
		if s.Neuron[k] < 0 {
			return fmt.Errorf("snnplot: %s: spike %d has negative neuron index %d", what, k, s.Neuron[k])
		}
	}
	return nil
}

// traces returns the per-neuron rates (Hz) of the groups of neurons given by bounds (group g
// is neurons bounds[g] <= i < bounds[g+1]) in bins of bin ms over [t0, t1), smoothed with a
// Gaussian of sigma ms when sigma > 0. It uses analysis.ClusterRateTraces, the implementation the
// activation detector of docs/MODEL.md section 8 A7 thresholds, so figures show exactly what the
// analysis sees (spikes up to 4 sigma outside the window contribute: no dip at the edges).
func traces(what string, s *snn.Spikes, bounds []int, t0, t1, bin, sigma float64) (rateSeries, error) {
	if nb := math.Ceil((t1 - t0) / bin); nb*float64(len(bounds)-1) > maxCells {
		return rateSeries{}, fmt.Errorf("snnplot: %s: %d series x %.0f bins exceed %d values; use a shorter window or wider bins", what, len(bounds)-1, nb, maxCells)
	}
	opt := analysis.DefaultActivationOptions()
	opt.BinMs, opt.SigmaMs = bin, max(sigma, 0)
	tr, err := analysis.ClusterRateTraces(s, snn.Clusters{Bounds: bounds}, t0, t1, opt)
	if err != nil {
		return rateSeries{}, fmt.Errorf("snnplot: %s: %w", what, err)
	}
	return rateSeries{t0: t0, bin: bin, rates: tr}, nil
}

// Population colours of PopulationRates.
var (
	// ExcitatoryRateColor is the colour of the E population rate.
	ExcitatoryRateColor color.Color = color.NRGBA{R: 0x1f, G: 0x5f, B: 0xb4, A: 0xff}
	// InhibitoryRateColor is the colour of the I population rate.
	InhibitoryRateColor color.Color = color.NRGBA{R: 0xc0, G: 0x39, B: 0x2b, A: 0xff}
)

// PopulationRates plots the mean rate per neuron (Hz) of the E population (neurons 0 to
// ne-1) and the I population (ne to ne+ni-1) against time (ms). With ni = 0 only E is drawn.
func PopulationRates(s *snn.Spikes, ne, ni int, opt RateOptions) (*plot.Plot, error) {
	if err := checkSpikes("PopulationRates", s); err != nil {
		return nil, err
	}
	if ne <= 0 || ni < 0 {
		return nil, fmt.Errorf("snnplot: PopulationRates: population sizes ne = %d, ni = %d (ne must be positive, ni non-negative)", ne, ni)
	}
	t0, t1, bin, sigma, err := opt.window(s)
	if err != nil {
		return nil, err
	}
	bounds := []int{0, ne}
	if ni > 0 {
		bounds = append(bounds, ne+ni)
	}
	r, err := traces("PopulationRates", s, bounds, t0, t1, bin, sigma)
	if err != nil {
		return nil, err
	}
	p := plot.New()
	p.Title.Text = opt.Title
	p.X.Label.Text = "time (ms)"
	p.Y.Label.Text = "rate (Hz)"
	p.X.Tick.Marker, p.Y.Tick.Marker = plainTicks{}, plainTicks{}
	names := []string{"E", "I"}
	cols := []color.Color{ExcitatoryRateColor, InhibitoryRateColor}
	for g := range r.rates {
		l, err := plotter.NewLine(r.xys(g))
		if err != nil {
			return nil, fmt.Errorf("snnplot: PopulationRates: %w", err)
		}
		l.Color = cols[g]
		l.Width = vg.Points(1)
		p.Add(l)
		p.Legend.Add(names[g], l)
	}
	p.Legend.Top = true
	p.X.Min, p.X.Max = t0, t1
	p.Y.Min = 0
	// Headroom for the legend in the top right corner.
	top := 0.0
	for _, r := range r.rates {
		for _, v := range r {
			top = math.Max(top, v)
		}
	}
	if top > 0 {
		p.Y.Max = 1.2 * top
	}
	return p, nil
}

// ClusterRates plots the mean rate per neuron (Hz) of each cluster against time (ms), one
// line per cluster in the cluster palette: during replay the clusters peak one after the
// other. For many clusters ClusterRateMap is often easier to read.
func ClusterRates(s *snn.Spikes, c snn.Clusters, opt RateOptions) (*plot.Plot, error) {
	r, t0, t1, err := clusterSeries("ClusterRates", s, c, opt)
	if err != nil {
		return nil, err
	}
	colors := opt.Colors
	if colors == nil {
		colors = func(k int) color.Color { return ClusterColor(k) }
	}
	p := plot.New()
	p.Title.Text = opt.Title
	p.X.Label.Text = "time (ms)"
	p.Y.Label.Text = "cluster rate (Hz)"
	p.X.Tick.Marker, p.Y.Tick.Marker = plainTicks{}, plainTicks{}
	for k := range r.rates {
		l, err := plotter.NewLine(r.xys(k))
		if err != nil {
			return nil, fmt.Errorf("snnplot: ClusterRates: %w", err)
		}
		l.Color = colors(k)
		l.Width = vg.Points(1)
		p.Add(l)
	}
	if err := addActivations(p, opt.Activations, c.Count(), colors, false); err != nil {
		return nil, err
	}
	p.X.Min, p.X.Max = t0, t1
	p.Y.Min = 0
	return p, nil
}

// addActivations marks activations on p: at (time, peak rate) in the cluster's colour, or with
// onMap at (time, cluster centre) as rings that show on any heatmap colour.
func addActivations(p *plot.Plot, acts []analysis.Activation, K int, colors func(int) color.Color, onMap bool) error {
	if len(acts) == 0 {
		return nil
	}
	byCluster := make([]plotter.XYs, K)
	for i, a := range acts {
		if a.Cluster < 0 || a.Cluster >= K {
			return fmt.Errorf("snnplot: activation %d is of cluster %d, outside 0..%d", i, a.Cluster, K-1)
		}
		if math.IsNaN(a.TimeMs) || math.IsInf(a.TimeMs, 0) || math.IsNaN(a.PeakHz) || math.IsInf(a.PeakHz, 0) {
			return fmt.Errorf("snnplot: activation %d has time %v and peak %v", i, a.TimeMs, a.PeakHz)
		}
		y := a.PeakHz
		if onMap {
			y = float64(a.Cluster) + 0.5
		}
		byCluster[a.Cluster] = append(byCluster[a.Cluster], plotter.XY{X: a.TimeMs, Y: y})
	}
	for k, xy := range byCluster {
		if len(xy) == 0 {
			continue
		}
		sc, err := plotter.NewScatter(xy)
		if err != nil {
			return fmt.Errorf("snnplot: activations: %w", err)
		}
		if onMap {
			sc.GlyphStyle = draw.GlyphStyle{Shape: draw.RingGlyph{}, Radius: 2.5, Color: color.White}
			p.Add(sc)
			inner, _ := plotter.NewScatter(xy)
			inner.GlyphStyle = draw.GlyphStyle{Shape: draw.RingGlyph{}, Radius: 1.5, Color: color.Black}
			p.Add(inner)
			continue
		}
		sc.GlyphStyle = draw.GlyphStyle{Shape: draw.CircleGlyph{}, Radius: 2, Color: colors(k)}
		p.Add(sc)
	}
	return nil
}

func clusterSeries(what string, s *snn.Spikes, c snn.Clusters, opt RateOptions) (rateSeries, float64, float64, error) {
	if err := checkSpikes(what, s); err != nil {
		return rateSeries{}, 0, 0, err
	}
	if err := checkClusters(c); err != nil {
		return rateSeries{}, 0, 0, err
	}
	if c.Count() == 0 {
		return rateSeries{}, 0, 0, fmt.Errorf("snnplot: %s: no clusters", what)
	}
	t0, t1, bin, sigma, err := opt.window(s)
	if err != nil {
		return rateSeries{}, 0, 0, err
	}
	r, err := traces(what, s, c.Bounds, t0, t1, bin, sigma)
	if err != nil {
		return rateSeries{}, 0, 0, err
	}
	return r, t0, t1, nil
}

// ClusterRateMap draws the mean rate per neuron (Hz) of each cluster as a heatmap, cluster
// against time (ms), cluster 0 at the bottom (as in Raster), with a colour bar. Replay shows
// as a diagonal band. The heatmap options set the colour range and map; their labels override
// the defaults.
func ClusterRateMap(s *snn.Spikes, c snn.Clusters, opt RateOptions, heat HeatOptions) (*Figure, error) {
	r, t0, _, err := clusterSeries("ClusterRateMap", s, c, opt)
	if err != nil {
		return nil, err
	}
	K, nb := len(r.rates), len(r.rates[0])
	m := mat.NewDense(K, nb, nil)
	for k := range K {
		m.SetRow(k, r.rates[k])
	}
	f, plots, err := heatFigure(heat, "rate (Hz)", heatPanel{
		m: m, x0: t0, x1: t0 + float64(nb)*r.bin, yn: float64(K), yCells: true, base: 1,
		xlabel: orDefault(heat.XLabel, "time (ms)"),
		ylabel: orDefault(heat.YLabel, "cluster"),
		title:  orDefault(heat.Title, opt.Title),
	})
	if err != nil {
		return nil, err
	}
	p := plots[0]
	x0, x1, y0, y1 := p.X.Min, p.X.Max, p.Y.Min, p.Y.Max
	if err := addActivations(p, opt.Activations, K, nil, true); err != nil {
		return nil, err
	}
	p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = x0, x1, y0, y1 // marks outside the window are clipped
	return f, nil
}
