package snnplot_test

import (
	"bytes"
	"fmt"
	"image/color"
	"image/png"
	"log"
	"math"
	"os"
	"path/filepath"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/plot/vg"

	"github.com/gosnn/gosnn/snn"
	"github.com/gosnn/gosnn/snn/analysis"
	"github.com/gosnn/gosnn/snn/audio"
	"github.com/gosnn/gosnn/snn/readout"
	"github.com/gosnn/gosnn/snn/snnplot"
)

// replay returns a small spike record over 400 ms: 5 clusters of 4 E neurons firing in turn,
// one cluster every 20 ms (a 100 ms cycle), and 4 I neurons (indices 20 to 23) firing in turn
// every 5 ms.
func replay() (*snn.Spikes, snn.Clusters) {
	cl := snn.UniformClusters(5, 4)
	s := &snn.Spikes{}
	for t := 0.0; t < 400; t += 0.5 {
		if math.Mod(t, 20) == 0 {
			k := int(t/20) % 5
			for n := cl.Bounds[k]; n < cl.Bounds[k+1]; n++ {
				s.Time = append(s.Time, t)
				s.Neuron = append(s.Neuron, int32(n))
			}
		}
		if math.Mod(t, 5) == 0 {
			s.Time = append(s.Time, t)
			s.Neuron = append(s.Neuron, int32(20+int(t/5)%4))
		}
	}
	return s, cl
}

// size prints the format and pixel size of a PNG.
func size(b []byte) {
	cfg, err := png.DecodeConfig(bytes.NewReader(b))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("PNG %dx%d\n", cfg.Width, cfg.Height)
}

func ExampleRaster() {
	s, cl := replay()
	p, err := snnplot.Raster(s, cl, snnplot.RasterOptions{T0: 0, T1: 100, NE: 20, Title: "replay"})
	if err != nil {
		log.Fatal(err)
	}
	b, err := snnplot.Encode(p, 12*vg.Centimeter, 8*vg.Centimeter, "png")
	if err != nil {
		log.Fatal(err)
	}
	size(b)
	fmt.Println(p.X.Label.Text, "/", p.Y.Label.Text)
	// Output:
	// PNG 454x302
	// time (ms) / neuron index
}

func ExamplePopulationRates() {
	s, _ := replay()
	// In 10 ms bins: E has 4 of 20 neurons firing in every other bin (20 Hz per neuron, then
	// 0); I has 2 spikes of 4 neurons in every bin (50 Hz).
	p, err := snnplot.PopulationRates(s, 20, 4, snnplot.RateOptions{Bin: 10, Sigma: -1})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(p.Y.Label.Text, p.Y.Min, math.Round(p.Y.Max/1.2)) // 20 % headroom for the legend
	// Output:
	// rate (Hz) 0 50
}

func ExampleClusterRateMap() {
	s, cl := replay()
	f, err := snnplot.ClusterRateMap(s, cl, snnplot.RateOptions{}, snnplot.HeatOptions{Title: "cluster rates"})
	if err != nil {
		log.Fatal(err)
	}
	b, err := f.PNG() // at the figure's default size
	if err != nil {
		log.Fatal(err)
	}
	size(b)
	// Output:
	// PNG 605x378
}

func ExampleWeights() {
	// A 1200x1200 post x pre matrix with 10 clusters of 100 along the diagonal; it is
	// block-averaged to 600x600 before drawing.
	cl := snn.UniformClusters(10, 100)
	w := mat.NewDense(1200, 1200, nil)
	for i := range 1200 {
		for j := range 1200 {
			if k := cl.Of(i); k >= 0 && k == cl.Of(j) {
				w.Set(i, j, 25)
			} else {
				w.Set(i, j, 1.5)
			}
		}
	}
	f, err := snnplot.Weights(w, snnplot.WeightOptions{Clusters: cl})
	if err != nil {
		log.Fatal(err)
	}
	dir, err := os.MkdirTemp("", "snnplot")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "weights.png")
	if err := f.Save(path); err != nil { // atomic write
		log.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		log.Fatal(err)
	}
	size(b)
	// Output:
	// PNG 529x454
}

func ExampleReadout() {
	// Target ABCBA at 0.1 ms per column (100 ms per element) and read-out rates in 1 ms bins.
	target := mat.NewDense(3, 5000, nil)
	activity := mat.NewDense(3, 500, nil)
	seq := []int{0, 1, 2, 1, 0}
	for j := range 5000 {
		target.Set(seq[j/1000], j, 1)
	}
	for j := range 500 {
		activity.Set(seq[j/100], j, 40)
	}
	f, err := snnplot.Readout(target, activity, snnplot.ReadoutOptions{
		TargetDt: 0.1, Elements: []string{"A", "B", "C"}, Title: "ABCBA"})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(f.Rows), "rows")
	top, bottom := f.Rows[0][0], f.Rows[1][0]
	fmt.Println(top.X.Min, top.X.Max, bottom.X.Min, bottom.X.Max, bottom.X.Label.Text)
	// Output:
	// 2 rows
	// 0 500 0 500 time (ms)
}

func ExampleSpectrum() {
	// Eigenvalues of a 3-cluster ring with self-weight 0.5, forward 0.4 and backward 0.1:
	// a real eigenvalue 1 and a complex pair (docs/MODEL.md section 8 A16).
	w := mat.NewDense(3, 3, []float64{
		0.5, 0.1, 0.4,
		0.4, 0.5, 0.1,
		0.1, 0.4, 0.5,
	})
	var e mat.Eigen
	if !e.Factorize(w, mat.EigenNone) {
		log.Fatal("no convergence")
	}
	ev := e.Values(nil)
	for _, z := range ev {
		fmt.Printf("%.3f\n", z)
	}
	p, err := snnplot.Spectrum(ev, snnplot.SpectrumOptions{Circle: 1})
	if err != nil {
		log.Fatal(err)
	}
	// Both axes span the same range, so a square rendering is undistorted.
	fmt.Println(p.X.Max-p.X.Min == p.Y.Max-p.Y.Min)
	// Output:
	// (1.000+0.000i)
	// (0.250+0.260i)
	// (0.250-0.260i)
	// true
}

func ExampleColumn() {
	// A raster above the cluster rates, sharing the time axis.
	s, cl := replay()
	r, err := snnplot.Raster(s, cl, snnplot.RasterOptions{T1: 200, NE: 20})
	if err != nil {
		log.Fatal(err)
	}
	c, err := snnplot.ClusterRates(s, cl, snnplot.RateOptions{T1: 200})
	if err != nil {
		log.Fatal(err)
	}
	f := snnplot.Column(r, c)
	f.RowHeights = []float64{2, 1}
	f.Width, f.Height = 16*vg.Centimeter, 12*vg.Centimeter
	b, err := f.PNG()
	if err != nil {
		log.Fatal(err)
	}
	size(b)
	// Output:
	// PNG 605x454
}

func ExampleClusterColor() {
	// 80 clusters all get different colours; I neurons and unclustered E neurons have
	// colours of their own.
	seen := map[color.NRGBA]bool{}
	for k := range 80 {
		seen[snnplot.ClusterColor(k)] = true
	}
	fmt.Println(len(seen), "distinct colours")
	// Output:
	// 80 distinct colours
}

func ExampleReplay() {
	// The example record replays 5 clusters in order, one every 20 ms: a 100 ms cycle.
	s, cl := replay()
	st, err := analysis.AnalyzeReplay(s, cl, 0, 400, analysis.DefaultReplayOptions())
	if err != nil {
		log.Fatal(err)
	}
	p, err := snnplot.Replay(st, "replay")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(st.InOrderFraction, st.PeriodMs, "ms")
	fmt.Println(p.Title.Text, p.Y.Min, p.Y.Max)
	// Clusters are numbered from 1 in figures: 1 to 5.
	// Output:
	// 1 100 ms
	// replay 0.5 5.5
}

func ExampleBlockMeans() {
	// 3 clusters of 2 neurons; weights 9 within a cluster, 4 from cluster k to k+1
	// (rows of k+1, columns of k), 0 (no synapse) elsewhere.
	cl := snn.UniformClusters(3, 2)
	w := mat.NewDense(6, 6, nil)
	for i := range 6 {
		for j := range 6 {
			switch ki, kj := cl.Of(i), cl.Of(j); {
			case ki == kj && i != j:
				w.Set(i, j, 9)
			case ki == (kj+1)%3:
				w.Set(i, j, 4)
			}
		}
	}
	b, err := analysis.ClusterBlockMatrix(w, cl, true)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%.0f\n", mat.Formatted(b))
	f, err := snnplot.BlockMeans(w, cl, snnplot.HeatOptions{Title: "block means"})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(f.Rows[0]), "panels: heatmap and colour bar")
	// Output:
	// ⎡  9  NaN    4⎤
	// ⎢  4    9  NaN⎥
	// ⎣NaN    4    9⎦
	// 2 panels: heatmap and colour bar
}

func ExampleHeatmap() {
	// Any element x time data kept as rows, e.g. a pattern, shown without copying.
	rows := [][]float64{
		{0, 1, 2, 3},
		{3, 2, 1, 0},
	}
	m, err := snnplot.Rows(rows)
	if err != nil {
		log.Fatal(err)
	}
	f, err := snnplot.Heatmap(m, snnplot.HeatOptions{XLabel: "time bin", YLabel: "element", NoColorBar: true})
	if err != nil {
		log.Fatal(err)
	}
	p := f.Rows[0][0]
	fmt.Println(p.X.Label.Text, p.X.Min, p.X.Max, "/", p.Y.Label.Text, p.Y.Min, p.Y.Max)
	// Output:
	// time bin 0 4 / element 0 2
}

func ExampleSave() {
	s, cl := replay()
	p, err := snnplot.Raster(s, cl, snnplot.RasterOptions{NE: 20})
	if err != nil {
		log.Fatal(err)
	}
	dir, err := os.MkdirTemp("", "snnplot")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	// The format follows the extension; the file appears complete or not at all.
	for _, name := range []string{"raster.png", "raster.svg", "raster.pdf"} {
		if err := snnplot.Save(p, 10*vg.Centimeter, 6*vg.Centimeter, filepath.Join(dir, name)); err != nil {
			log.Fatal(err)
		}
	}
	ents, err := os.ReadDir(dir)
	if err != nil {
		log.Fatal(err)
	}
	for _, e := range ents {
		fmt.Println(e.Name())
	}
	// Output:
	// raster.pdf
	// raster.png
	// raster.svg
}

func ExampleMonitorRates() {
	// A small network (80 E in 4 clusters, 20 I) counted in 5 ms bins for 50 ms.
	cfg := snn.DefaultConfig()
	cfg.NE, cfg.NI, cfg.Clusters, cfg.Seed, cfg.Threads = 80, 20, 4, 1, 1
	net, err := snn.New(cfg)
	if err != nil {
		log.Fatal(err)
	}
	rm, err := net.RecordRates(5)
	if err != nil {
		log.Fatal(err)
	}
	sm, err := net.RecordSpikes(snn.PopE, nil)
	if err != nil {
		log.Fatal(err)
	}
	if err := net.Run(50); err != nil {
		log.Fatal(err)
	}
	p, err := snnplot.MonitorRates(rm, net, "population rates")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(p.X.Min, p.X.Max, p.Y.Label.Text)
	r, err := snnplot.NetworkRaster(net, sm.Spikes(), snnplot.RasterOptions{T1: 50})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(r.X.Min, r.X.Max)
	// Output:
	// 0 50 rate (Hz)
	// 0 50
}

func ExampleSpectrogram() {
	// A tone rising from 1 to 5 kHz over 100 ms: in the figure it rises, low frequencies at
	// the bottom, on a kHz axis.
	const fs = 44100.0
	x := make([]float64, 4410)
	phase := 0.0
	for n := range x {
		phase += 2 * math.Pi * (1000 + 4000*float64(n)/float64(len(x))) / fs
		x[n] = math.Sin(phase)
	}
	s, err := audio.NewSpectrogram(x, fs, audio.DefaultSpectrogramParams())
	if err != nil {
		log.Fatal(err)
	}
	f, err := snnplot.Spectrogram(s, snnplot.SpectrogramOptions{MaxHz: 8000})
	if err != nil {
		log.Fatal(err)
	}
	p := f.Rows[0][0]
	fmt.Printf("%s from %.2f to %.2f\n", p.Y.Label.Text, p.Y.Min, p.Y.Max)
	// Output:
	// frequency (kHz) from -0.09 to 8.01
}

func ExampleReadoutOptions_freqs() {
	// Three read-out neurons coding 3, 2 and 1 kHz (high to low, as the song supervisor's
	// rows run): with Freqs the 1-kHz row is drawn at the bottom of both panels.
	target := mat.NewDense(3, 100, nil)
	for j := range 100 {
		target.Set(j*3/100, j, 1) // 3 kHz first, then 2, then 1: a falling tone
	}
	f, err := snnplot.Readout(target, target, snnplot.ReadoutOptions{Freqs: []float64{3000, 2000, 1000}})
	if err != nil {
		log.Fatal(err)
	}
	p := f.Rows[1][0]
	fmt.Println(p.Y.Label.Text, p.Y.Min, p.Y.Max)
	// Output:
	// frequency (kHz) 0.5 3.5
}

// readoutReplay returns an ABCBA read-out on a tiny network and a synthetic 1-s replay with
// cycle starts at 150 and 600 ms, each R neuron firing in its first window.
func readoutReplay() (*readout.Layer, *readout.ReplayResult) {
	cfg := snn.DefaultConfig()
	cfg.NE, cfg.NI, cfg.Clusters, cfg.Seed, cfg.Threads = 40, 10, 4, 1, 1
	net, err := snn.New(cfg)
	if err != nil {
		log.Fatal(err)
	}
	ro, err := readout.New(net, readout.DefaultConfig(), readout.ABCBA(), readout.DEDED())
	if err != nil {
		log.Fatal(err)
	}
	res := &readout.ReplayResult{Start: 0, End: 1000, DT: 0.1, CycleStarts: []float64{150, 600}}
	for j, t := range []float64{200, 270, 350, 190, 260} {
		res.RTimes = append(res.RTimes, []float64{t, t + 450})
		rates, err := readout.Rates(res.RTimes[j:j+1], res.DT, res.DT, 10000)
		if err != nil {
			log.Fatal(err)
		}
		res.Rates = append(res.Rates, rates[0])
	}
	return ro, res
}

func ExampleReadoutRows() {
	ro, res := readoutReplay()
	f, err := snnplot.ReadoutRows(ro, res, 0, snnplot.ReadoutRowsOptions{
		Marks: []float64{500}, MarkLabel: "1/3 of E→R deleted"})
	if err != nil {
		log.Fatal(err)
	}
	// One row per element (target | replay), then the read-out raster.
	for _, row := range f.Rows[:3] {
		fmt.Println(row[0].Y.Label.Text, row[0].X.Max, "ms of target |", row[1].X.Min, "to", row[1].X.Max, "ms of replay")
	}
	fmt.Println(f.Rows[3][1].Y.Label.Text)
	// Output:
	// A 400 ms of target | 0 to 1000 ms of replay
	// B 400 ms of target | 0 to 1000 ms of replay
	// C 400 ms of target | 0 to 1000 ms of replay
	// spikes
}

func ExampleReadoutSelection() {
	// The same replay drawn as if ABCBA (group 0) had been selected: D and E are shaded.
	ro, res := readoutReplay()
	f, err := snnplot.ReadoutSelection(ro, []*readout.ReplayResult{res}, []int{0}, "")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(f.Rows), "read-out neurons,", len(f.Rows[0]), "replay:", f.Rows[0][0].Title.Text)
	// Output:
	// 5 read-out neurons, 1 replay: selecting A B C (grey: inhibited)
}

func ExampleBeside() {
	ro, res := readoutReplay()
	a, err := snnplot.PatternReadout(ro, res, 0, snnplot.ReadoutOptions{Title: "first"})
	if err != nil {
		log.Fatal(err)
	}
	b, err := snnplot.PatternReadout(ro, res, 1, snnplot.ReadoutOptions{Title: "second"})
	if err != nil {
		log.Fatal(err)
	}
	f := snnplot.Beside(a, b) // each: heatmap and colour bar, target above read-out
	fmt.Println(len(f.Rows), "rows of", len(f.Rows[0]), "cells;", f.Rows[0][0].Title.Text, "|", f.Rows[0][2].Title.Text)
	// Output:
	// 2 rows of 4 cells; first | second
}
