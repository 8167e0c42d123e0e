package snnplot

import (
	"image/color"
	"testing"
	"time"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// cpuPerOp reports the process CPU time per op ("cpu-ms/op") when the benchmark ends; call it
// after setup, as defer cpuPerOp(b)().
func cpuPerOp(b *testing.B) func() {
	start, ok := cpuTime()
	return func() {
		end, _ := cpuTime()
		if ok && b.N > 0 {
			b.ReportMetric(float64(end-start)/float64(time.Millisecond)/float64(b.N), "cpu-ms/op")
		}
	}
}

// Raster benchmarks: the full 3000-neuron network (30 clusters of 80 E, 600 I) replaying,
// over windows giving about 10k, 50k and 200k spikes; each op builds the plot and encodes a
// 16 x 10 cm PNG.
func benchRaster(b *testing.B, dur float64) {
	s, cl := synthReplay(1, 30, 80, 600, 15, dur)
	defer func() { b.ReportMetric(float64(s.Len()), "spikes") }()
	defer cpuPerOp(b)()
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

// scatterRaster is the baseline Raster replaces: one plotter.Scatter per cluster, one box
// glyph per spike.
func scatterRaster(b *testing.B, dur float64) (*plot.Plot, int) {
	s, cl := synthReplay(1, 30, 80, 600, 15, dur)
	groups := make([]plotter.XYs, cl.Count()+1)
	for k, t := range s.Time {
		g := cl.Of(int(s.Neuron[k]))
		if g < 0 {
			g = cl.Count()
		}
		groups[g] = append(groups[g], plotter.XY{X: t, Y: float64(s.Neuron[k])})
	}
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
	return p, s.Len()
}

// BenchmarkRasterScatterMedium is BenchmarkRasterMedium with the plotter.Scatter baseline.
func BenchmarkRasterScatterMedium(b *testing.B) {
	p, n := scatterRaster(b, 3300)
	defer func() { b.ReportMetric(float64(n), "spikes") }()
	defer cpuPerOp(b)()
	b.ResetTimer()
	for b.Loop() {
		if _, err := Encode(p, DefaultWidth, DefaultHeight, "png"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRasterDrawMedium and BenchmarkScatterDrawMedium time drawing alone (no PNG
// encoding) of about 50k spikes on a 16 x 10 cm image canvas.
func BenchmarkRasterDrawMedium(b *testing.B) {
	s, cl := synthReplay(1, 30, 80, 600, 15, 3300)
	p, err := Raster(s, cl, RasterOptions{})
	if err != nil {
		b.Fatal(err)
	}
	defer cpuPerOp(b)()
	b.ResetTimer()
	for b.Loop() {
		p.Draw(draw.New(vgimg.New(DefaultWidth, DefaultHeight)))
	}
}

func BenchmarkScatterDrawMedium(b *testing.B) {
	p, _ := scatterRaster(b, 3300)
	defer cpuPerOp(b)()
	b.ResetTimer()
	for b.Loop() {
		p.Draw(draw.New(vgimg.New(DefaultWidth, DefaultHeight)))
	}
}

// BenchmarkWeights3000 draws the full 3000 x 3000 weight matrix (block-averaged to 600 x 600)
// with cluster boundaries and a colour bar, encoded as PNG.
func BenchmarkWeights3000(b *testing.B) {
	w, cl := synthWeights(1, 30, 80, 600)
	defer cpuPerOp(b)()
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
	defer cpuPerOp(b)()
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
