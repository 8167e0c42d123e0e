package snnplot

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/gosnn/gosnn/snn"
	"github.com/gosnn/gosnn/snn/analysis"
)

// recorder is a vg.Canvas that records filled paths and their colours.
type recorder struct {
	col     color.Color
	fills   []fill
	strokes []vg.Path
}

type fill struct {
	col   color.Color
	rects []vg.Rectangle // bounding box of each closed sub-path
}

func (r *recorder) SetLineWidth(vg.Length)                 {}
func (r *recorder) SetLineDash([]vg.Length, vg.Length)     {}
func (r *recorder) SetColor(c color.Color)                 { r.col = c }
func (r *recorder) Rotate(float64)                         {}
func (r *recorder) Translate(vg.Point)                     {}
func (r *recorder) Scale(float64, float64)                 {}
func (r *recorder) Push()                                  {}
func (r *recorder) Pop()                                   {}
func (r *recorder) Stroke(p vg.Path)                       { r.strokes = append(r.strokes, p) }
func (r *recorder) FillString(font.Face, vg.Point, string) {}
func (r *recorder) DrawImage(vg.Rectangle, image.Image)    {}
func (r *recorder) Size() (vg.Length, vg.Length)           { return 400, 300 }
func (r *recorder) Fill(p vg.Path) {
	f := fill{col: r.col}
	var cur vg.Rectangle
	open := false
	for _, c := range p {
		switch c.Type {
		case vg.MoveComp:
			cur = vg.Rectangle{Min: c.Pos, Max: c.Pos}
			open = true
		case vg.LineComp:
			cur.Min.X, cur.Min.Y = min(cur.Min.X, c.Pos.X), min(cur.Min.Y, c.Pos.Y)
			cur.Max.X, cur.Max.Y = max(cur.Max.X, c.Pos.X), max(cur.Max.Y, c.Pos.Y)
		case vg.CloseComp:
			if open {
				f.rects = append(f.rects, cur)
			}
			open = false
		}
	}
	r.fills = append(r.fills, f)
}

// drawDots draws a raster plot on a recording canvas and returns the recorded dot fills
// (the background fill dropped) and the data area.
func drawDots(t *testing.T, p *plot.Plot) (*recorder, draw.Canvas) {
	t.Helper()
	rec := &recorder{}
	dc := draw.New(rec)
	p.Draw(dc)
	if len(rec.fills) == 0 || !sameColor(rec.fills[0].col, p.BackgroundColor) {
		t.Fatalf("first fill is not the background")
	}
	rec.fills = rec.fills[1:]
	return rec, p.DataCanvas(dc)
}

func sameColor(a, b color.Color) bool {
	r1, g1, b1, a1 := a.RGBA()
	r2, g2, b2, a2 := b.RGBA()
	return r1 == r2 && g1 == g2 && b1 == b2 && a1 == a2
}

func TestRasterDots(t *testing.T) {
	cl := snn.UniformClusters(2, 10) // E 0-19 clustered, 20-24 unclustered E, 25-29 I
	s := &snn.Spikes{
		Time:   []float64{10, 10, 10.01, 20, 30, 40, 50, 200},
		Neuron: []int32{3, 3, 3, 15, 22, 27, 29, 5},
	}
	p, err := Raster(s, cl, RasterOptions{T0: 0, T1: 100, To: 30, NE: 25})
	if err != nil {
		t.Fatal(err)
	}
	rec, data := drawDots(t, p)
	want := []struct {
		col color.Color
		n   int
	}{
		{ClusterColor(0), 1},  // three spikes of neuron 3 on one dot; the one at 200 ms is outside
		{ClusterColor(1), 1},  // neuron 15
		{UnclusteredColor, 1}, // neuron 22
		{InhibitoryColor, 2},  // neurons 27 and 29
	}
	if len(rec.fills) != len(want) {
		t.Fatalf("%d filled paths, want %d", len(rec.fills), len(want))
	}
	for i, w := range want {
		if !sameColor(rec.fills[i].col, w.col) {
			t.Errorf("path %d colour %v, want %v", i, rec.fills[i].col, w.col)
		}
		if len(rec.fills[i].rects) != w.n {
			t.Errorf("path %d has %d dots, want %d", i, len(rec.fills[i].rects), w.n)
		}
	}
	// The dot of neuron 15 at 20 ms sits where the axes put (20, 15), 1 pt wide.
	trX, trY := p.Transforms(&data)
	r := rec.fills[1].rects[0]
	cx, cy := (r.Min.X+r.Max.X)/2, (r.Min.Y+r.Max.Y)/2
	if math.Abs(float64(cx-trX(20))) > 1e-9 || math.Abs(float64(cy-trY(15))) > 1e-9 {
		t.Errorf("dot centre (%v, %v), want (%v, %v)", cx, cy, trX(20), trY(15))
	}
	if w := r.Max.X - r.Min.X; math.Abs(float64(w-1)) > 1e-9 {
		t.Errorf("dot width %v, want 1 pt", w)
	}
}

func TestRasterWindowAndRange(t *testing.T) {
	s, cl := synthReplay(3, 4, 10, 10, 15, 300)
	p, err := Raster(s, cl, RasterOptions{T0: 100, T1: 200, From: 10, To: 20})
	if err != nil {
		t.Fatal(err)
	}
	if p.X.Min != 100 || p.X.Max != 200 {
		t.Errorf("x range [%v, %v], want [100, 200]", p.X.Min, p.X.Max)
	}
	rec, data := drawDots(t, p)
	// Only cluster 1 (neurons 10-19) is in range: one colour, all dots inside the data area.
	if len(rec.fills) != 1 || !sameColor(rec.fills[0].col, ClusterColor(1)) {
		t.Fatalf("got %d paths (first colour %v), want one path in the colour of cluster 1", len(rec.fills), rec.fills)
	}
	for _, r := range rec.fills[0].rects {
		if r.Min.X < data.Min.X || r.Max.X > data.Max.X || r.Min.Y < data.Min.Y || r.Max.Y > data.Max.Y {
			t.Fatalf("dot %v outside the data area %v", r, data.Rectangle)
		}
	}
	// Whole-record defaults: the window covers every spike.
	p, err = Raster(s, cl, RasterOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if p.X.Min > s.Time[0] || p.X.Max <= s.Time[len(s.Time)-1] {
		t.Errorf("default window [%v, %v) misses spikes from %v to %v", p.X.Min, p.X.Max, s.Time[0], s.Time[len(s.Time)-1])
	}
}

func TestActivationMarks(t *testing.T) {
	s, cl := synthReplay(4, 6, 10, 10, 20, 600)
	acts, err := analysis.DetectActivations(s, cl, 0, 600, analysis.DefaultActivationOptions())
	if err != nil {
		t.Fatal(err)
	}
	if len(acts) < 6 {
		t.Fatalf("%d activations detected in a synthetic replay", len(acts))
	}
	p, err := ClusterRates(s, cl, RateOptions{T1: 300, Activations: acts})
	if err != nil {
		t.Fatal(err)
	}
	if p.X.Max != 300 {
		t.Errorf("activations after the window widened the axis to %v", p.X.Max)
	}
	// On the recording canvas the marks are filled glyphs in the cluster colours.
	rec := &recorder{}
	p.Draw(draw.New(rec))
	marked := map[color.Color]bool{}
	for _, f := range rec.fills[1:] {
		marked[f.col] = true
	}
	for k := range cl.Count() {
		if !marked[ClusterColor(k)] {
			t.Errorf("no activation mark in the colour of cluster %d", k)
		}
	}
	f, err := ClusterRateMap(s, cl, RateOptions{T1: 300, Activations: acts}, HeatOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if m := f.Rows[0][0]; m.X.Max != 300 || m.Y.Max != 6 {
		t.Errorf("rate map ranges [.., %v] x [.., %v], want 300 and 6", m.X.Max, m.Y.Max)
	}
	bad := []analysis.Activation{{Cluster: 9, TimeMs: 10}}
	if _, err := ClusterRates(s, cl, RateOptions{Activations: bad}); err == nil || !strings.Contains(err.Error(), "cluster 9") {
		t.Errorf("activation of a missing cluster: err %v", err)
	}
}

func TestEmptyRecord(t *testing.T) {
	// A record without spikes still gives figures (empty axes), not errors or panics.
	empty := &snn.Spikes{}
	cl := snn.UniformClusters(3, 4)
	p, err := Raster(empty, cl, RasterOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !(p.X.Max > p.X.Min) || !(p.Y.Max > p.Y.Min) {
		t.Errorf("empty raster ranges x [%v, %v], y [%v, %v]", p.X.Min, p.X.Max, p.Y.Min, p.Y.Max)
	}
	q, err := PopulationRates(empty, 12, 3, RateOptions{T1: 50})
	if err != nil {
		t.Fatal(err)
	}
	f, err := ClusterRateMap(empty, cl, RateOptions{T1: 50}, HeatOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range []Drawer{p, q, f} {
		if _, err := Encode(d, 200, 150, "png"); err != nil {
			t.Error(err)
		}
	}
}

func TestClusterColorDistinct(t *testing.T) {
	// 80 clusters: all colours differ clearly, and neighbours (replayed one after the other)
	// differ strongly. Distances are Euclidean in OKLab (1 = black to white).
	const n = 80
	labs := make([][3]float64, n)
	for k := range n {
		labs[k] = toOKLab(ClusterColor(k))
	}
	minAll, minNext := math.Inf(1), math.Inf(1)
	for i := range n {
		for j := i + 1; j < n; j++ {
			minAll = math.Min(minAll, dist(labs[i], labs[j]))
		}
		if i+1 < n {
			minNext = math.Min(minNext, dist(labs[i], labs[i+1]))
		}
	}
	if minAll < 0.02 {
		t.Errorf("two of %d cluster colours are %.3f apart in OKLab; want >= 0.02", n, minAll)
	}
	if minNext < 0.15 {
		t.Errorf("neighbouring cluster colours are only %.3f apart in OKLab; want >= 0.15", minNext)
	}
	for _, c := range []color.Color{UnclusteredColor, InhibitoryColor} {
		for k := range 30 {
			if d := dist(toOKLab(c), labs[k]); d < 0.05 {
				t.Errorf("colour %v is %.3f from cluster %d", c, d, k)
			}
		}
	}
	if ClusterColor(-5) != ClusterColor(5) {
		t.Errorf("ClusterColor(-5) != ClusterColor(5)")
	}
}

func toOKLab(c color.Color) [3]float64 {
	r, g, b, _ := c.RGBA()
	lin := func(v uint32) float64 {
		x := float64(v) / 0xffff
		if x <= 0.04045 {
			return x / 12.92
		}
		return math.Pow((x+0.055)/1.055, 2.4)
	}
	R, G, B := lin(r), lin(g), lin(b)
	l := math.Cbrt(0.4122214708*R + 0.5363325363*G + 0.0514459929*B)
	m := math.Cbrt(0.2119034982*R + 0.6806995451*G + 0.1073969566*B)
	s := math.Cbrt(0.0883024619*R + 0.2817188376*G + 0.6299787005*B)
	return [3]float64{
		0.2104542553*l + 0.7936177850*m - 0.0040720468*s,
		1.9779984951*l - 2.4285922050*m + 0.4505937099*s,
		0.0259040371*l + 0.7827717662*m - 0.8086757660*s,
	}
}

func dist(a, b [3]float64) float64 {
	return math.Sqrt((a[0]-b[0])*(a[0]-b[0]) + (a[1]-b[1])*(a[1]-b[1]) + (a[2]-b[2])*(a[2]-b[2]))
}

func TestOKLCHRoundTrip(t *testing.T) {
	// oklchToSRGB is the inverse of toOKLab up to 8-bit rounding.
	for _, tc := range []struct{ l, c, h float64 }{{0.5, 0.1, 30}, {0.7, 0.05, 200}, {0.62, 0.12, 300}, {1, 0, 0}} {
		col, ok := oklchToSRGB(tc.l, tc.c, tc.h)
		if !ok {
			t.Errorf("%v: out of gamut", tc)
			continue
		}
		lab := toOKLab(col)
		a, b := tc.c*math.Cos(tc.h*math.Pi/180), tc.c*math.Sin(tc.h*math.Pi/180)
		if d := dist(lab, [3]float64{tc.l, a, b}); d > 0.01 {
			t.Errorf("%v: round trip is %.4f off (%v)", tc, d, lab)
		}
	}
	if _, ok := oklchToSRGB(0.5, 0.4, 140); ok {
		t.Errorf("a chroma of 0.4 at L 0.5 is reported inside the sRGB gamut")
	}
}

func TestRateTraces(t *testing.T) {
	// Two groups: neurons 0-1 (size 2) and 2 (size 1); neuron 3 is in neither.
	s := &snn.Spikes{
		Time:   []float64{0, 0.5, 1, 2.9, 3, 9.99, 10},
		Neuron: []int32{0, 1, 2, 0, 3, 2, 2},
	}
	r, err := traces("test", s, []int{0, 2, 3}, 0, 10, 2, -1)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		g, b int
		want float64
	}{
		{0, 0, 2 * 1000 / (2 * 2.0)}, // spikes at 0 and 0.5 ms, 2 neurons, 2 ms bin: 500 Hz
		{0, 1, 1 * 1000 / (2 * 2.0)}, // 2.9 ms
		{1, 0, 1 * 1000 / (1 * 2.0)}, // 1 ms
		{1, 4, 1 * 1000 / (1 * 2.0)}, // 9.99 ms; 10 ms is outside [0, 10)
		{1, 2, 0},
	}
	if len(r.rates) != 2 || len(r.rates[0]) != 5 {
		t.Fatalf("%d series of %d bins, want 2 of 5", len(r.rates), len(r.rates[0]))
	}
	for _, tc := range tests {
		if got := r.rates[tc.g][tc.b]; got != tc.want {
			t.Errorf("group %d bin %d: %v Hz, want %v", tc.g, tc.b, got, tc.want)
		}
	}
	xy := r.xys(0)
	if xy[0].X != 1 || xy[4].X != 9 {
		t.Errorf("bin centres %v ... %v, want 1 ... 9", xy[0].X, xy[4].X)
	}

	// One neuron firing every ms from -50 to 150 ms: smoothed with sigma 3 ms, the rate in
	// [0, 100) is 1000 Hz everywhere, edges included (spikes outside the window count).
	reg := &snn.Spikes{}
	for t := -50.0; t < 150; t++ {
		reg.Time = append(reg.Time, t+0.25)
		reg.Neuron = append(reg.Neuron, 0)
	}
	r, err = traces("test", reg, []int{0, 1}, 0, 100, 1, 3)
	if err != nil {
		t.Fatal(err)
	}
	for b, v := range r.rates[0] {
		if math.Abs(v-1000) > 1e-9 {
			t.Fatalf("bin %d: %v Hz, want 1000", b, v)
		}
	}
	// A single spike smoothed with sigma 3 ms keeps its mass and peaks at 1/(sqrt(2pi) 3 ms).
	one := &snn.Spikes{Time: []float64{50.5}, Neuron: []int32{0}}
	r, err = traces("test", one, []int{0, 1}, 0, 100, 1, 3)
	if err != nil {
		t.Fatal(err)
	}
	sum := 0.0
	for _, v := range r.rates[0] {
		sum += v / 1000
	}
	if math.Abs(sum-1) > 1e-9 {
		t.Errorf("smoothed spike has mass %v, want 1", sum)
	}
	if peak := 1000 / (math.Sqrt(2*math.Pi) * 3); math.Abs(r.rates[0][50]-peak) > 0.01*peak {
		t.Errorf("peak %v Hz, want about %v", r.rates[0][50], peak)
	}
	// Too many values for a figure is an error, not an allocation of gigabytes.
	if _, err := traces("test", one, []int{0, 1, 2, 3}, 0, 4e6, 1, 3); err == nil || !strings.Contains(err.Error(), "exceed") {
		t.Errorf("3 series of 4e6 bins: err %v", err)
	}
}

func TestDownsample(t *testing.T) {
	// 5x4 matrix, at most 2 cells per side: blocks of 3 rows x 2 columns (the last row block
	// has 2 rows).
	m := mat.NewDense(5, 4, []float64{
		1, 2, 3, 4,
		5, 6, 7, 8,
		9, 10, 11, 12,
		13, 14, 15, 16,
		17, 18, 19, math.NaN(),
	})
	g := downsample(m, 2)
	if g.rows != 2 || g.cols != 2 {
		t.Fatalf("downsampled to %dx%d, want 2x2", g.rows, g.cols)
	}
	want := []float64{
		(1 + 2 + 5 + 6 + 9 + 10) / 6.0, (3 + 4 + 7 + 8 + 11 + 12) / 6.0,
		(13 + 14 + 17 + 18) / 4.0, (15 + 16 + 19) / 3.0, // NaN ignored
	}
	for i, w := range want {
		if math.Abs(g.v[i]-w) > 1e-12 {
			t.Errorf("cell %d = %v, want %v", i, g.v[i], w)
		}
	}
	// Small matrices are kept as they are; a non-Dense matrix goes through At.
	g = downsample(m.T(), 600)
	if g.rows != 4 || g.cols != 5 || g.v[1] != 5 {
		t.Errorf("transpose: %dx%d, cell (0,1) = %v; want 4x5 and 5", g.rows, g.cols, g.v[1])
	}
	if f := g.flipped(); f.v[0] != 4 || f.v[f.cols*(f.rows-1)] != 1 {
		t.Errorf("flipped grid starts with %v and its last row with %v; want 4 and 1", f.v[0], f.v[f.cols*(f.rows-1)])
	}
}

func TestColorScale(t *testing.T) {
	s, err := newColorScale(nil, 0, 10)
	if err != nil {
		t.Fatal(err)
	}
	lo, hi := s.at(-5), s.at(20)
	if lo != s.at(0) || hi != s.at(10) {
		t.Errorf("values outside the range are not clamped")
	}
	if lo == hi {
		t.Errorf("lowest and highest values have the same colour")
	}
	// Sequential map: lightness falls monotonically from the lowest to the highest value.
	prev := math.Inf(1)
	for v := 0.0; v <= 10; v += 0.5 {
		l := toOKLab(s.at(v))[0]
		if l > prev+0.01 {
			t.Errorf("lightness rises from %.3f to %.3f at %v", prev, l, v)
		}
		prev = l
	}
	// Data with both signs: diverging map centred on 0, symmetric range.
	d, err := newColorScale(nil, -1, 3)
	if err != nil {
		t.Fatal(err)
	}
	if d.lo != -3 || d.hi != 3 {
		t.Errorf("diverging range [%v, %v], want [-3, 3]", d.lo, d.hi)
	}
	mid := toOKLab(d.at(0))
	if math.Hypot(mid[1], mid[2]) > 0.03 {
		t.Errorf("zero maps to a coloured %v; want a near-neutral", d.at(0))
	}
	// A flat range is widened rather than breaking the colour bar.
	if f, err := newColorScale(nil, 4, 4); err != nil || !(f.hi > f.lo) {
		t.Errorf("flat range: [%v, %v], err %v", f.lo, f.hi, err)
	}
}

// TestClusterBlockMatrixSynth checks analysis.ClusterBlockMatrix, which BlockMeans draws, on the
// synthetic weights of these tests.
func TestClusterBlockMatrixSynth(t *testing.T) {
	// synthWeights gives exact block values over existing synapses (see below); including
	// zeros they shrink by the connection density (about 0.2).
	w, cl := synthWeights(7, 6, 10, 15)
	b, err := analysis.ClusterBlockMatrix(w, cl, true)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		k, l int
		want float64
	}{{0, 0, 25}, {1, 0, 10}, {0, 1, 3.5}, {3, 0, 1.45}, {0, 5, 10}, {5, 0, 3.5}} {
		if got := b.At(tc.k, tc.l); math.Abs(got-tc.want) > 1e-9 {
			t.Errorf("block (%d, %d) = %v, want %v", tc.k, tc.l, got, tc.want)
		}
	}
	z, err := analysis.ClusterBlockMatrix(w, cl, false)
	if err != nil {
		t.Fatal(err)
	}
	if r := z.At(0, 0) / 25; r < 0.1 || r > 0.3 {
		t.Errorf("within-cluster density %v, want about 0.2", r)
	}
}

func TestBlockMeansOrientation(t *testing.T) {
	// synthWeights sets every existing E->E synapse to 25 within a cluster, 10 forward
	// (k -> k+1: rows of k+1, columns of k), 3.5 backward and 1.45 elsewhere. In the drawn
	// heatmap, the cell of row k and column l (row 0 at the top) must have the colour of that
	// value.
	w, cl := synthWeights(7, 6, 10, 15)
	f, err := BlockMeans(w, cl, HeatOptions{})
	if err != nil {
		t.Fatal(err)
	}
	const width, height = 400, 300 // pt
	img, err := png.Decode(bytes.NewReader(must(Encode(f, width, height, "png"))(t)))
	if err != nil {
		t.Fatal(err)
	}
	scale, err := newColorScale(nil, 1.45, 25)
	if err != nil {
		t.Fatal(err)
	}
	cells := f.layout(draw.New(&recorder{}))
	p := f.Rows[0][0]
	data := p.DataCanvas(cells[0][0])
	trX, trY := p.Transforms(&data)
	K := cl.Count()
	px := func(l vg.Length) int { return int(float64(l) * 96 / 72) }
	for k := range K {
		for l := range K {
			want := 1.45
			switch {
			case k == l:
				want = 25
			case k == (l+1)%K:
				want = 10
			case l == (k+1)%K:
				want = 3.5
			}
			x, y := trX(float64(l)+0.5), trY(float64(K-k)-0.5)
			got := color.NRGBAModel.Convert(img.At(px(x), px(height-y))).(color.NRGBA)
			exp := scale.at(want)
			if d := dist(toOKLab(got), toOKLab(exp)); d > 0.02 {
				t.Errorf("cell (%d, %d): colour %v, want %v (value %v)", k, l, got, exp, want)
			}
		}
	}
}

func TestErrors(t *testing.T) {
	ok := &snn.Spikes{Time: []float64{1, 2}, Neuron: []int32{0, 1}}
	cl := snn.UniformClusters(2, 1)
	sq := mat.NewDense(2, 2, []float64{1, 2, 3, 4})
	tests := []struct {
		name string
		run  func() error
		want string
	}{
		{"raster nil", func() error { _, err := Raster(nil, cl, RasterOptions{}); return err }, "nil spike record"},
		{"raster lengths", func() error {
			_, err := Raster(&snn.Spikes{Time: []float64{1}}, cl, RasterOptions{})
			return err
		}, "1 times but 0 neuron"},
		{"raster negative neuron", func() error {
			_, err := Raster(&snn.Spikes{Time: []float64{1}, Neuron: []int32{-1}}, cl, RasterOptions{})
			return err
		}, "negative neuron index"},
		{"raster NaN time", func() error {
			_, err := Raster(&snn.Spikes{Time: []float64{math.NaN()}, Neuron: []int32{0}}, cl, RasterOptions{})
			return err
		}, "time NaN"},
		{"raster window", func() error { _, err := Raster(ok, cl, RasterOptions{T1: math.Inf(1)}); return err }, "not finite"},
		{"raster bounds", func() error {
			_, err := Raster(ok, snn.Clusters{Bounds: []int{0, 5, 3}}, RasterOptions{})
			return err
		}, "decrease"},
		{"raster bounds start", func() error {
			_, err := Raster(ok, snn.Clusters{Bounds: []int{1, 5}}, RasterOptions{})
			return err
		}, "start at 1"},
		{"raster NE", func() error { _, err := Raster(ok, cl, RasterOptions{NE: -1}); return err }, "NE = -1"},
		{"rates sizes", func() error { _, err := PopulationRates(ok, 0, 1, RateOptions{}); return err }, "ne = 0"},
		{"rates bin", func() error { _, err := PopulationRates(ok, 1, 1, RateOptions{Bin: -1}); return err }, "negative"},
		{"rates bins", func() error { _, err := PopulationRates(ok, 1, 1, RateOptions{T1: 1e9, Bin: 0.1}); return err }, "more than 1000000 bins"},
		{"cluster rates none", func() error { _, err := ClusterRates(ok, snn.Clusters{}, RateOptions{}); return err }, "no clusters"},
		{"rate map NaN", func() error {
			_, err := ClusterRateMap(ok, cl, RateOptions{Sigma: math.NaN()}, HeatOptions{})
			return err
		}, "non-finite"},
		{"heatmap nil", func() error { _, err := Heatmap(nil, HeatOptions{}); return err }, "nil matrix"},
		{"heatmap pixels", func() error { _, err := Heatmap(sq, HeatOptions{MaxPixels: -1}); return err }, "MaxPixels"},
		{"heatmap range", func() error { _, err := Heatmap(sq, HeatOptions{Max: math.NaN()}); return err }, "not finite"},
		{"weights clusters", func() error {
			_, err := Weights(sq, WeightOptions{Clusters: snn.Clusters{Bounds: []int{0, 2, 1}}})
			return err
		}, "decrease"},
		{"block means size", func() error { _, err := BlockMeans(sq, snn.UniformClusters(2, 2), HeatOptions{}); return err }, "2-neuron matrix"},
		{"readout rows", func() error { _, err := Readout(sq, mat.NewDense(3, 2, nil), ReadoutOptions{}); return err }, "2 elements"},
		{"readout names", func() error {
			_, err := Readout(sq, sq, ReadoutOptions{Elements: []string{"A"}})
			return err
		}, "1 element names"},
		{"readout dt", func() error { _, err := Readout(sq, sq, ReadoutOptions{TargetDt: -1}); return err }, "negative time step"},
		{"readout lines NaN", func() error {
			_, err := Readout(sq, mat.NewDense(2, 1, []float64{math.NaN(), 0}), ReadoutOptions{Lines: true})
			return err
		}, "is NaN"},
		{"spectrum empty", func() error { _, err := Spectrum(nil, SpectrumOptions{}); return err }, "no eigenvalues"},
		{"spectrum NaN", func() error {
			_, err := Spectrum([]complex128{complex(math.NaN(), 0)}, SpectrumOptions{})
			return err
		}, "eigenvalue 0"},
		{"spectrum circle", func() error { _, err := Spectrum([]complex128{1}, SpectrumOptions{Circle: -1}); return err }, "circle radius"},
		{"spectrum square", func() error { _, err := SpectrumOf(mat.NewDense(2, 3, nil), SpectrumOptions{}); return err }, "not square"},
		{"encode format", func() error { _, err := Encode(NewFigure(), 10, 10, "bmp"); return err }, "bmp"},
		{"encode size", func() error { _, err := Encode(NewFigure(), 0, 10, "png"); return err }, "must be positive"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.run()
			if err == nil {
				t.Fatalf("no error, want one containing %q", tc.want)
			}
			if !strings.HasPrefix(err.Error(), "snnplot: ") || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q, want prefix %q and %q", err, "snnplot: ", tc.want)
			}
		})
	}
}

func TestSpectrumRanges(t *testing.T) {
	ev := []complex128{complex(10, 1), complex(12, -3), complex(11, 0)}
	for _, circle := range []float64{0, 1, 20} {
		p, err := Spectrum(ev, SpectrumOptions{Circle: circle})
		if err != nil {
			t.Fatal(err)
		}
		if dx, dy := p.X.Max-p.X.Min, p.Y.Max-p.Y.Min; math.Abs(dx-dy) > 1e-9*dx {
			t.Errorf("circle %v: x range %v and y range %v differ", circle, dx, dy)
		}
		for _, z := range ev {
			if real(z) < p.X.Min || real(z) > p.X.Max || imag(z) < p.Y.Min || imag(z) > p.Y.Max {
				t.Errorf("circle %v: eigenvalue %v outside [%v, %v] x [%v, %v]", circle, z, p.X.Min, p.X.Max, p.Y.Min, p.Y.Max)
			}
		}
		if circle > 0 && (p.X.Min > -circle || p.X.Max < circle || p.Y.Min > -circle || p.Y.Max < circle) {
			t.Errorf("circle %v not inside the plot", circle)
		}
	}
	// A single eigenvalue still gets a drawable window.
	p, err := Spectrum([]complex128{complex(5, 0)}, SpectrumOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !(p.X.Max > p.X.Min) || !(p.Y.Max > p.Y.Min) {
		t.Errorf("single eigenvalue: ranges [%v, %v] x [%v, %v]", p.X.Min, p.X.Max, p.Y.Min, p.Y.Max)
	}
}

func TestBoundaryLines(t *testing.T) {
	// Four clusters of 5 in a 25x25 matrix: 3 inner bounds and the bound at 20 (the end of the
	// clusters) give 4 vertical and 4 horizontal lines; bounds 0 and 25 would lie on the frame.
	p := plot.New()
	p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = 0, 25, 0, 25
	rec := &recorder{}
	c := draw.New(rec)
	boundaryLines{bounds: snn.UniformClusters(4, 5).Bounds, nx: 25, ny: 25, style: draw.LineStyle{Width: 1}}.Plot(c, p)
	if len(rec.strokes) != 8 {
		t.Errorf("%d boundary lines, want 8", len(rec.strokes))
	}
}

func TestRows(t *testing.T) {
	rows := [][]float64{{1, 2, 3}, {4, 5, 6}}
	m, err := Rows(rows)
	if err != nil {
		t.Fatal(err)
	}
	if r, c := m.Dims(); r != 2 || c != 3 || m.At(1, 2) != 6 || m.T().At(2, 1) != 6 {
		t.Errorf("Rows: %dx%d, At(1,2) = %v", r, c, m.At(1, 2))
	}
	rows[0][0] = 9
	if m.At(0, 0) != 9 {
		t.Errorf("Rows copied the data")
	}
	func() {
		defer func() {
			if recover() == nil {
				t.Errorf("At out of range did not panic")
			}
		}()
		m.At(2, 0)
	}()
	for _, bad := range [][][]float64{nil, {{}}, {{1, 2}, {3}}} {
		if _, err := Rows(bad); err == nil || !strings.HasPrefix(err.Error(), "snnplot: Rows: ") {
			t.Errorf("Rows(%v): err %v", bad, err)
		}
	}
	if _, err := Readout(m, m, ReadoutOptions{}); err != nil {
		t.Errorf("Readout over Rows: %v", err)
	}
}

func TestFigureAlignsPanels(t *testing.T) {
	// Two stacked panels whose y tick labels differ in width: the data areas start at the
	// same x and have the same width.
	a, b := plot.New(), plot.New()
	la, _ := plotter.NewLine(plotter.XYs{{X: 0, Y: 0}, {X: 10, Y: 1}})
	lb, _ := plotter.NewLine(plotter.XYs{{X: 0, Y: 0}, {X: 10, Y: 123456}})
	a.Add(la)
	b.Add(lb)
	a.Y.Label.Text, b.Y.Label.Text = "a", "b"
	f := Column(a, b)
	rec := &recorder{}
	dc := draw.New(rec)
	cells := f.layout(dc)
	da, db := a.DataCanvas(cells[0][0]), b.DataCanvas(cells[1][0])
	if math.Abs(float64(da.Min.X-db.Min.X)) > 1e-9 || math.Abs(float64(da.Max.X-db.Max.X)) > 1e-9 {
		t.Errorf("data areas not aligned: [%v, %v] vs [%v, %v]", da.Min.X, da.Max.X, db.Min.X, db.Max.X)
	}
	if !(da.Min.Y > db.Max.Y) {
		t.Errorf("top panel (y from %v) overlaps bottom panel (up to %v)", da.Min.Y, db.Max.Y)
	}
	// A fixed-width column keeps its width.
	g := &Figure{Rows: [][]*plot.Plot{{a, b}}, FixedWidths: []vg.Length{0, 100}}
	cells = g.layout(dc)
	if w := cells[0][1].Max.X - cells[0][1].Min.X; math.Abs(float64(w-100)) > 1e-9 {
		t.Errorf("fixed column is %v wide, want 100", w)
	}
}

func TestSaveAndRender(t *testing.T) {
	s, cl := synthReplay(2, 5, 10, 10, 15, 200)
	p, err := Raster(s, cl, RasterOptions{})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "r.png")
	if err := Save(p, 300, 150, path); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := png.DecodeConfig(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Width != 400 || cfg.Height != 200 { // 300 x 150 pt at 96 dpi
		t.Errorf("PNG is %dx%d, want 400x200", cfg.Width, cfg.Height)
	}
	// An unknown format fails without leaving any file behind.
	if err := Save(p, 300, 150, filepath.Join(dir, "r.bmp")); err == nil {
		t.Errorf("saving as .bmp: no error")
	}
	if err := Save(p, 300, 150, filepath.Join(dir, "noext")); err == nil {
		t.Errorf("saving without extension: no error")
	}
	ents, _ := os.ReadDir(dir)
	if len(ents) != 1 {
		var names []string
		for _, e := range ents {
			names = append(names, e.Name())
		}
		t.Errorf("directory holds %v, want only r.png", names)
	}
	// Saving into a missing directory is an error, not a panic.
	if err := Save(p, 300, 150, filepath.Join(dir, "missing", "r.png")); err == nil {
		t.Errorf("saving into a missing directory: no error")
	}
	// A Figure renders at its own size as PNG and SVG.
	f := Column(p)
	f.Width, f.Height = 150, 75
	pb, err := f.PNG()
	if err != nil {
		t.Fatal(err)
	}
	if cfg, err := png.DecodeConfig(bytes.NewReader(pb)); err != nil || cfg.Width != 200 || cfg.Height != 100 {
		t.Errorf("Figure.PNG: %dx%d, err %v; want 200x100", cfg.Width, cfg.Height, err)
	}
	if svg := f.SVG(); !strings.Contains(svg, "<svg") || !strings.Contains(svg, "</svg>") {
		t.Errorf("Figure.SVG does not look like SVG: %.80q", svg)
	}
	if err := f.Save(filepath.Join(dir, "f.svg")); err != nil {
		t.Errorf("Figure.Save: %v", err)
	}
	// An empty figure draws nothing and does not panic.
	if _, err := NewFigure().PNG(); err != nil {
		t.Errorf("empty figure: %v", err)
	}
}
