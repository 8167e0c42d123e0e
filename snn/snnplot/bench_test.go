package snnplot

import (
	"image/color"
	"testing"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg/draw"
)

// Raster benchmarks: the full 3000-neuron network (30 clusters of 80 E, 600 I) replaying,
// over windows giving about 10k, 50k and 200k spikes; each op builds the plot and encodes a
// 16 x 10 cm PNG.
func benchRaster(b *testing.B, dur float64) {
	s, cl := synthReplay(1, 30, 80, 600, 15, dur)
	defer func() { b.ReportMetric(float64(s.Len()), "spikes") }()
	b.ResetTimer()
	for b.Loop() {
		p, err := Raster(s, cl, RasterOptions{})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := Encode(p, DefaultWidth, DefaultHeight, "png"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkRasterSmall(b *testing.B)  { benchRaster(b, 650) }
func BenchmarkRasterMedium(b *testing.B) { benchRaster(b, 3300) }
func BenchmarkRasterLarge(b *testing.B)  { benchRaster(b, 13000) }

// BenchmarkRasterScatterMedium is the baseline Raster replaces: the same spikes drawn with
// plotter.Scatter, one glyph per spike, one scatter per cluster.
func BenchmarkRasterScatterMedium(b *testing.B) {
	s, cl := synthReplay(1, 30, 80, 600, 15, 3300)
	defer func() { b.ReportMetric(float64(s.Len()), "spikes") }()
	groups := make([]plotter.XYs, cl.Count()+1)
	for k, t := range s.Time {
		g := cl.Of(int(s.Neuron[k]))
		if g < 0 {
			g = cl.Count()
		}
		groups[g] = append(groups[g], plotter.XY{X: t, Y: float64(s.Neuron[k])})
	}
	b.ResetTimer()
	for b.Loop() {
		p := plot.New()
		for g, xy := range groups {
			sc, err := plotter.NewScatter(xy)
			if err != nil {
				b.Fatal(err)
			}
			sc.GlyphStyle = draw.GlyphStyle{Shape: draw.BoxGlyph{}, Radius: 0.5, Color: color.Black}
			if g < cl.Count() {
				sc.GlyphStyle.Color = ClusterColor(g)
			}
			p.Add(sc)
		}
		if _, err := Encode(p, DefaultWidth, DefaultHeight, "png"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkWeights3000 draws the full 3000 x 3000 weight matrix (block-averaged to 600 x 600)
// with cluster boundaries and a colour bar, encoded as PNG.
func BenchmarkWeights3000(b *testing.B) {
	w, cl := synthWeights(1, 30, 80, 600)
	b.ResetTimer()
	for b.Loop() {
		f, err := Weights(w, WeightOptions{Clusters: cl})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := f.PNG(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkClusterRateMap bins 10 s of spikes of the 3000-neuron network into 30 clusters x
// 10000 1-ms bins, smooths them and draws the heatmap.
func BenchmarkClusterRateMap(b *testing.B) {
	s, cl := synthReplay(1, 30, 80, 600, 15, 10000)
	defer func() { b.ReportMetric(float64(s.Len()), "spikes") }()
	b.ResetTimer()
	for b.Loop() {
		f, err := ClusterRateMap(s, cl, RateOptions{}, HeatOptions{})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := f.PNG(); err != nil {
			b.Fatal(err)
		}
	}
}
