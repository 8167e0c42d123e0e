package snnplot

import (
	"image"
	"math"
	"strconv"
	"testing"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"

	"github.com/gosnn/gosnn/snn"
	"github.com/gosnn/gosnn/snn/analysis"
	"github.com/gosnn/gosnn/snn/audio"
	"github.com/gosnn/gosnn/snn/readout"
)

// darkestRow draws p alone, without axes or title, so that its data area fills the image, and
// returns the height (0 at the bottom, 1 at the top) of the darkest pixel in the column at
// fraction xf of the width: on the sequential colour map the largest value.
func darkestRow(t *testing.T, p *plot.Plot, xf float64) float64 {
	t.Helper()
	q := *p
	q.HideAxes()
	q.Title.Text = ""
	c := vgimg.New(200, 200)
	q.Draw(draw.New(c))
	img := c.Image()
	b := img.Bounds()
	x := b.Min.X + int(xf*float64(b.Dx()))
	best, by := math.Inf(1), -1
	for y := b.Min.Y; y < b.Max.Y; y++ {
		r, g, bl, _ := img.At(x, y).RGBA()
		if l := 0.3*float64(r) + 0.59*float64(g) + 0.11*float64(bl); l < best {
			best, by = l, y
		}
	}
	return 1 - (float64(by-b.Min.Y)+0.5)/float64(b.Dy())
}

// A rising chirp (1 to 7 kHz over 200 ms) must rise in every figure that shows it: the
// spectrogram, and the target and replay panels of a read-out figure whose rows run from high to
// low frequency, as the song supervisor's do (issue #14: the song was upside down between
// them).
func TestSongFiguresSameWayUp(t *testing.T) {
	const fs = 44100.0
	x := make([]float64, int(0.2*fs))
	phase := 0.0
	for n := range x {
		f := 1000 + 6000*float64(n)/float64(len(x))
		phase += 2 * math.Pi * f / fs
		x[n] = math.Sin(phase)
	}
	s, err := audio.NewSpectrogram(x, fs, audio.DefaultSpectrogramParams())
	if err != nil {
		t.Fatal(err)
	}
	fig, err := Spectrogram(s, SpectrogramOptions{MaxHz: 8000})
	if err != nil {
		t.Fatal(err)
	}
	p := fig.Rows[0][0]
	if p.Y.Label.Text != "frequency (kHz)" || p.Y.Max < 7.9 || p.Y.Max > 8.1 {
		t.Errorf("spectrogram y axis %q up to %v, want frequency (kHz) up to 8", p.Y.Label.Text, p.Y.Max)
	}
	early, late := darkestRow(t, p, 0.1), darkestRow(t, p, 0.9)
	if !(late > early+0.4) {
		t.Errorf("spectrogram: chirp at height %.2f early and %.2f late, want it rising", early, late)
	}
	// A supervisor-like matrix: row r is bin TopBin − r (high to low), 0.1 ms per column.
	sp := readout.SongSupervisorParams{Spectrogram: audio.DefaultSpectrogramParams(), TopBin: 46, Bands: 42,
		StartFrame: 0, Frames: len(s.Time), Columns: 2000, DT: 0.1}
	a := &audio.Audio{SampleRate: int(fs), Channels: [][]float64{x}}
	rows, err := readout.SongSupervisorMatrix(a, sp)
	if err != nil {
		t.Fatal(err)
	}
	m, err := Rows(rows)
	if err != nil {
		t.Fatal(err)
	}
	freqs := sp.BandFrequencies(int(fs))
	if freqs[0] <= freqs[1] {
		t.Fatalf("supervisor rows should run from high to low frequency: %v", freqs[:2])
	}
	f, err := Readout(m, m, ReadoutOptions{TargetDt: 0.1, ActivityDt: 0.1, Freqs: freqs})
	if err != nil {
		t.Fatal(err)
	}
	for i, name := range []string{"target", "replay"} {
		p := f.Rows[i][0]
		if p.Y.Label.Text != "frequency (kHz)" {
			t.Errorf("%s: y label %q", name, p.Y.Label.Text)
		}
		early, late := darkestRow(t, p, 0.1), darkestRow(t, p, 0.9)
		if !(late > early+0.4) {
			t.Errorf("%s: chirp at height %.2f early and %.2f late, want it rising", name, early, late)
		}
	}
	for _, bad := range [][]float64{freqs[:3], append([]float64{math.NaN()}, freqs[1:]...), append([]float64{1e6}, freqs[1:]...)} {
		if _, err := Readout(m, m, ReadoutOptions{Freqs: bad}); err == nil {
			t.Errorf("frequencies %v...: no error", bad[:2])
		}
	}
	if _, err := Spectrogram(nil, SpectrogramOptions{}); err == nil {
		t.Error("nil spectrogram: no error")
	}
	if _, err := Spectrogram(s, SpectrogramOptions{MinHz: 30000, MaxHz: 40000}); err == nil {
		t.Error("empty frequency range: no error")
	}
}

// Tick labels of index axes sit on cell centres, and clusters are numbered from 1 in every
// figure (issue #14).
func TestHeatmapTicksOnCellCentres(t *testing.T) {
	labels := func(tk plot.Ticker, lo, hi float64) map[string]float64 {
		out := map[string]float64{}
		for _, x := range tk.Ticks(lo, hi) {
			if x.Label != "" {
				out[x.Label] = x.Value
			}
		}
		return out
	}
	// A 3 x 4 matrix, row 0 at the top: row i spans [3−i−1, 3−i), column j [j, j+1).
	hm, err := Heatmap(denseOf(3, 4), HeatOptions{})
	if err != nil {
		t.Fatal(err)
	}
	p := hm.Rows[0][0]
	ys, xs := labels(p.Y.Tick.Marker, p.Y.Min, p.Y.Max), labels(p.X.Tick.Marker, p.X.Min, p.X.Max)
	for i := range 3 {
		if v, ok := ys[strconv.Itoa(i)]; ok && v != 3-float64(i)-0.5 {
			t.Errorf("row %d labelled at y = %v, want its centre %v", i, v, 3-float64(i)-0.5)
		}
	}
	for j := range 4 {
		if v, ok := xs[strconv.Itoa(j)]; ok && v != float64(j)+0.5 {
			t.Errorf("column %d labelled at x = %v, want its centre %v", j, v, float64(j)+0.5)
		}
	}
	if len(ys) < 2 || len(xs) < 2 {
		t.Errorf("too few labels: rows %v, columns %v", ys, xs)
	}
	for l, v := range ys {
		if v != math.Floor(v)+0.5 {
			t.Errorf("y label %q at %v, not on a cell centre", l, v)
		}
	}
	// Cluster block means of 5 clusters: cluster 1 is the top row and the left column.
	cl := snn.UniformClusters(5, 4)
	bm, err := BlockMeans(denseOf(20, 20), cl, HeatOptions{})
	if err != nil {
		t.Fatal(err)
	}
	p = bm.Rows[0][0]
	ys, xs = labels(p.Y.Tick.Marker, p.Y.Min, p.Y.Max), labels(p.X.Tick.Marker, p.X.Min, p.X.Max)
	if _, ok := ys["0"]; ok {
		t.Errorf("block means: a cluster is labelled 0: %v", ys)
	}
	for k := 1; k <= 5; k++ {
		if v, ok := ys[strconv.Itoa(k)]; ok && v != 5-float64(k)+0.5 {
			t.Errorf("block means: cluster %d labelled at y = %v, want %v", k, v, 5-float64(k)+0.5)
		}
		if v, ok := xs[strconv.Itoa(k)]; ok && v != float64(k)-0.5 {
			t.Errorf("block means: cluster %d labelled at x = %v, want %v", k, v, float64(k)-0.5)
		}
	}
	if ys["1"] != 4.5 || xs["5"] != 4.5 {
		t.Errorf("block means: cluster labels %v (y) and %v (x), want 1 on the top row and 5 on the right column", ys, xs)
	}
	// Cluster rate map: cluster 1 at the bottom, on the centre of its row.
	sp := &snn.Spikes{}
	for k := range 20 {
		sp.Time = append(sp.Time, float64(k))
		sp.Neuron = append(sp.Neuron, int32(k))
	}
	cm, err := ClusterRateMap(sp, cl, RateOptions{T0: 0, T1: 50}, HeatOptions{})
	if err != nil {
		t.Fatal(err)
	}
	p = cm.Rows[0][0]
	if got := labels(p.Y.Tick.Marker, p.Y.Min, p.Y.Max); got["1"] != 0.5 || got["0"] != 0 {
		t.Errorf("cluster rate map labels %v, want cluster 1 at 0.5", got)
	}
	// The replay plot numbers clusters from 1 too.
	rp, err := Replay(analysis.ReplayStats{Clusters: 5, Activations: []analysis.Activation{{Cluster: 0, TimeMs: 1}, {Cluster: 4, TimeMs: 5}}}, "")
	if err != nil {
		t.Fatal(err)
	}
	if rp.Y.Min != 0.5 || rp.Y.Max != 5.5 {
		t.Errorf("replay plot clusters span [%v, %v], want [0.5, 5.5] for clusters 1..5", rp.Y.Min, rp.Y.Max)
	}
}

// denseOf returns an r x c matrix with distinct entries.
func denseOf(r, c int) rowsMatrix {
	m := make(rowsMatrix, r)
	for i := range m {
		m[i] = make([]float64, c)
		for j := range m[i] {
			m[i][j] = float64(i*c + j)
		}
	}
	return m
}

// The layout of the paper's Fig 4: one row per read-out element with its target and its
// replay side by side, marks at the given times, and a raster of the read-out spikes below.
func TestReadoutRows(t *testing.T) {
	_, ro := smallReadout(t)
	const cols = 10000
	res := &readout.ReplayResult{Start: 100, End: 1100, DT: 0.1, CycleStarts: []float64{150, 600},
		RTimes: [][]float64{{200, 650}, {300}, {}}}
	for j := range ro.Size() {
		row := make([]float64, cols)
		for k := range row {
			row[k] = math.Exp(-math.Pow(float64(k-2000*(j+1))/100, 2))
		}
		res.Rates = append(res.Rates, row)
	}
	f, err := ReadoutRows(ro, res, 0, ReadoutRowsOptions{Marks: []float64{600}, MarkLabel: "deletion"})
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Rows) != 4 {
		t.Fatalf("%d rows, want 3 elements and the raster", len(f.Rows))
	}
	for e, name := range []string{"A", "B", "C"} {
		row := f.Rows[e]
		if len(row) != 2 || row[0] == nil || row[1] == nil {
			t.Fatalf("row %d: %d panels, want target and replay", e, len(row))
		}
		if row[0].Y.Label.Text != name {
			t.Errorf("row %d is labelled %q, want %q", e, row[0].Y.Label.Text, name)
		}
		if row[0].X.Max != 400 || row[1].X.Min != 100 || math.Abs(row[1].X.Max-1100) > 1e-6 {
			t.Errorf("row %d: target over [%v, %v], replay over [%v, %v]", e, row[0].X.Min, row[0].X.Max, row[1].X.Min, row[1].X.Max)
		}
	}
	if f.Rows[3][0] != nil || f.Rows[3][1] == nil || f.Rows[3][1].Y.Label.Text != "spikes" {
		t.Errorf("last row is not the raster under the replays")
	}
	if want := "replay of A B C (grey: target); red: deletion"; f.Rows[0][1].Title.Text != want {
		t.Errorf("title %q, want %q", f.Rows[0][1].Title.Text, want)
	}
	enc, err := f.PNG()
	if err != nil || len(enc) == 0 {
		t.Fatal(err)
	}
	// The mark is drawn: a red pixel column at 600 ms in the first replay panel.
	p := *f.Rows[0][1]
	p.HideAxes()
	p.Title.Text = ""
	c := vgimg.New(vg.Points(500), vg.Points(100))
	p.Draw(draw.New(c))
	img := c.Image()
	if !hasRed(img, img.Bounds().Dx()*(600-100)/1000) {
		t.Error("no deletion mark at 600 ms")
	}
	nr, err := ReadoutRows(ro, res, 0, ReadoutRowsOptions{NoRaster: true})
	if err != nil || len(nr.Rows) != 3 {
		t.Errorf("NoRaster: %v rows, err %v", len(nr.Rows), err)
	}
	for _, bad := range []func() error{
		func() error { _, err := ReadoutRows(ro, res, 1, ReadoutRowsOptions{}); return err },
		func() error { _, err := ReadoutRows(nil, res, 0, ReadoutRowsOptions{}); return err },
		func() error {
			_, err := ReadoutRows(ro, res, 0, ReadoutRowsOptions{Marks: []float64{math.NaN()}})
			return err
		},
	} {
		if err := bad(); err == nil {
			t.Error("bad input: no error")
		}
	}
}

// hasRed reports whether column x (±6 pixels: the axis padding) of img holds a red pixel.
func hasRed(img image.Image, x int) bool {
	b := img.Bounds()
	for dx := -6; dx <= 6; dx++ {
		for y := b.Min.Y; y < b.Max.Y; y++ {
			r, g, bl, _ := img.At(b.Min.X+x+dx, y).RGBA()
			if r > 0xb000 && g < 0x5000 && bl < 0x5000 {
				return true
			}
		}
	}
	return false
}

// The selection figure: one column per replay, one row per read-out neuron of every group,
// the inhibited (non-selected) neurons' panels shaded.
func TestReadoutSelection(t *testing.T) {
	ro := twoGroupReadout(t)
	var reps []*readout.ReplayResult
	for sel := range 2 {
		res := &readout.ReplayResult{Start: 100, End: 200, DT: 0.1}
		for j := range 5 {
			row := make([]float64, 1000)
			if (j < 3) == (sel == 0) {
				row[500] = 1
			}
			res.Rates = append(res.Rates, row)
		}
		reps = append(reps, res)
	}
	f, err := ReadoutSelection(ro, reps, []int{0, 1}, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Rows) != 5 || len(f.Rows[0]) != 2 {
		t.Fatalf("%d x %d panels, want 5 read-out neurons x 2 replays", len(f.Rows), len(f.Rows[0]))
	}
	grey := func(p *plot.Plot) bool {
		q := *p
		q.HideAxes()
		q.Title.Text = ""
		c := vgimg.New(100, 50)
		q.Draw(draw.New(c))
		img := c.Image()
		r, g, b, _ := img.At(img.Bounds().Dx()/3, img.Bounds().Dy()/3).RGBA()
		return r == g && g == b && r < 0xf000
	}
	for j, name := range []string{"A", "B", "C", "D", "E"} {
		if f.Rows[j][0].Y.Label.Text != name {
			t.Errorf("row %d labelled %q, want %q", j, f.Rows[j][0].Y.Label.Text, name)
		}
		for c := range 2 {
			inhibited := (j < 3) != (c == 0)
			if got := grey(f.Rows[j][c]); got != inhibited {
				t.Errorf("replay %d, neuron %s: shaded %v, want %v", c, name, got, inhibited)
			}
		}
	}
	if _, err := ReadoutSelection(ro, reps, []int{0}, ""); err == nil {
		t.Error("mismatched selections: no error")
	}
	if _, err := ReadoutSelection(ro, reps, []int{0, 2}, ""); err == nil {
		t.Error("bad group: no error")
	}
}

// Beside puts figures side by side, keeping each one's columns.
func TestBeside(t *testing.T) {
	a := Column(plot.New(), plot.New())
	a.Width = 10 * vg.Centimeter
	b := &Figure{Rows: [][]*plot.Plot{{plot.New(), nil}}, FixedWidths: []vg.Length{0, 20}}
	f := Beside(a, b)
	if len(f.Rows) != 2 || len(f.Rows[0]) != 3 || len(f.Rows[1]) != 3 {
		t.Fatalf("grid %d x %d, want 2 x 3", len(f.Rows), len(f.Rows[0]))
	}
	if f.Rows[0][0] != a.Rows[0][0] || f.Rows[1][0] != a.Rows[1][0] || f.Rows[0][1] != b.Rows[0][0] || f.Rows[1][1] != nil {
		t.Error("panels not in place")
	}
	if f.FixedWidths[2] != 20 || f.Width != 10*vg.Centimeter+DefaultWidth {
		t.Errorf("fixed widths %v, width %v", f.FixedWidths, f.Width)
	}
	if _, err := f.PNG(); err != nil {
		t.Error(err)
	}
}
