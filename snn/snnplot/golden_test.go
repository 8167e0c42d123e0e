package snnplot

import (
	"bytes"
	"flag"
	"image"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"testing"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/plot/vg"

	"github.com/gosnn/gosnn/snn"
	"github.com/gosnn/gosnn/snn/analysis"
	"github.com/gosnn/gosnn/snn/audio"
	"github.com/gosnn/gosnn/snn/readout"
)

// update regenerates the golden images: go test ./snn/snnplot -run Golden -update
var update = flag.Bool("update", false, "rewrite testdata/golden/*.png from the current output")

// Golden comparison tolerance: a pixel differs when one of its channels differs by more than
// pixelTol (of 255); an image matches when at most maxDiffFraction of its pixels differ. This
// absorbs antialiasing and font-rasterisation noise but not a moved axis, a missing panel or a
// changed colour.
const (
	pixelTol        = 24
	maxDiffFraction = 0.002
)

// goldenCase renders one figure from seeded synthetic data (never the authors' data).
type goldenCase struct {
	name string
	w, h vg.Length
	draw func(t *testing.T) Drawer
}

// must turns a (value, error) result into a function that returns the value or fails the test:
// must(Raster(...))(t).
func must[T any](v T, err error) func(t testing.TB) T {
	return func(t testing.TB) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

func goldenCases() []goldenCase {
	const w, h = 12 * vg.Centimeter, 8 * vg.Centimeter
	spikes, cl := synthReplay(1, 30, 80, 600, 15, 1000)
	weights, wcl := synthWeights(1, 30, 20, 150)
	tgt, act := synthReadout()
	return []goldenCase{
		{"raster", w, h, func(t *testing.T) Drawer {
			return must(Raster(spikes, cl, RasterOptions{Title: "replay"}))(t)
		}},
		{"raster_window", w, h, func(t *testing.T) Drawer {
			return must(Raster(spikes, cl, RasterOptions{T0: 200, T1: 700, From: 600, To: 1800, DotSize: 1.5}))(t)
		}},
		{"population_rates", w, h, func(t *testing.T) Drawer {
			return must(PopulationRates(spikes, 2400, 600, RateOptions{Sigma: 5}))(t)
		}},
		{"cluster_rates", w, h, func(t *testing.T) Drawer {
			return must(ClusterRates(spikes, cl, RateOptions{T0: 0, T1: 500}))(t)
		}},
		{"cluster_rate_map", w, h, func(t *testing.T) Drawer {
			return must(ClusterRateMap(spikes, cl, RateOptions{}, HeatOptions{}))(t)
		}},
		{"weights", 10 * vg.Centimeter, 8 * vg.Centimeter, func(t *testing.T) Drawer {
			return must(Weights(weights, WeightOptions{Clusters: wcl, HeatOptions: HeatOptions{MaxPixels: 150}}))(t)
		}},
		{"block_means", 10 * vg.Centimeter, 8 * vg.Centimeter, func(t *testing.T) Drawer {
			return must(BlockMeans(weights, wcl, HeatOptions{Title: "E→E block means"}))(t)
		}},
		{"readout", w, h, func(t *testing.T) Drawer {
			return must(Readout(tgt, act, ReadoutOptions{TargetDt: 0.1, Elements: []string{"A", "B", "C"}}))(t)
		}},
		{"readout_lines", w, h, func(t *testing.T) Drawer {
			return must(Readout(tgt, act, ReadoutOptions{TargetDt: 0.1, Elements: []string{"A", "B", "C"}, Lines: true}))(t)
		}},
		{"column", 12 * vg.Centimeter, 10 * vg.Centimeter, func(t *testing.T) Drawer {
			r := must(Raster(spikes, cl, RasterOptions{T1: 500, Title: "raster above cluster rates"}))(t)
			c := must(ClusterRates(spikes, cl, RateOptions{T1: 500}))(t)
			f := Column(r, c)
			f.RowHeights = []float64{2, 1}
			return f
		}},
		{"replay", w, h, func(t *testing.T) Drawer {
			st, err := analysis.AnalyzeReplay(spikes, cl, 0, 1000, analysis.DefaultReplayOptions())
			if err != nil {
				t.Fatal(err)
			}
			return must(Replay(st, ""))(t)
		}},
		{"pattern_readout", w, h, func(t *testing.T) Drawer {
			_, ro := smallReadout(t)
			return must(PatternReadout(ro, synthReplayResult(ro.Size()), 0, ReadoutOptions{Title: "ABCBA replay"}))(t)
		}},
		{"readout_rows", 14 * vg.Centimeter, 12 * vg.Centimeter, func(t *testing.T) Drawer {
			_, ro := smallReadout(t)
			res := synthReplayResult(ro.Size())
			res.RTimes = [][]float64{{180, 190, 640}, {260, 300, 700}, {340}}
			return must(ReadoutRows(ro, res, 0, ReadoutRowsOptions{Marks: []float64{500}, MarkLabel: "deletion"}))(t)
		}},
		{"readout_selection", 12 * vg.Centimeter, 10 * vg.Centimeter, func(t *testing.T) Drawer {
			ro := twoGroupReadout(t)
			a, b := synthReplayResult(ro.Size()), synthReplayResult(ro.Size())
			for j := range 5 {
				if j >= 3 {
					clear(a.Rates[j])
				} else {
					clear(b.Rates[j])
				}
			}
			copy(b.Rates[3], a.Rates[0]) // D plays where A did
			copy(b.Rates[4], a.Rates[1])
			return must(ReadoutSelection(ro, []*readout.ReplayResult{a, b}, []int{0, 1}, ""))(t)
		}},
		{"spectrogram", w, h, func(t *testing.T) Drawer {
			return must(Spectrogram(synthChirp(t), SpectrogramOptions{MaxHz: 8000, HeatOptions: HeatOptions{Title: "rising chirp"}}))(t)
		}},
		{"readout_freqs", w, h, func(t *testing.T) Drawer {
			// The chirp as a supervisor (rows high to low) drawn by frequency: it rises in both.
			s := synthChirp(t)
			rows := make([][]float64, 0, 40)
			var freqs []float64
			for f := 45; f > 5; f-- {
				rows = append(rows, s.Mag[f])
				freqs = append(freqs, s.Freq[f])
			}
			m := must(Rows(rows))(t)
			return must(Readout(m, m, ReadoutOptions{Freqs: freqs}))(t)
		}},
		{"spectrum", 8 * vg.Centimeter, 8 * vg.Centimeter, func(t *testing.T) Drawer {
			ev := make([]complex128, 0, 60)
			for k := range 30 {
				ev = append(ev, circulantEigenvalue(k, 30, 0.5, 0.35, 0.1), complex(0.05*float64(k%5)-0.1, 0))
			}
			return must(Spectrum(ev, SpectrumOptions{Circle: 1}))(t)
		}},
	}
}

// synthChirp returns the spectrogram of a tone rising from 1 to 7 kHz over 200 ms.
func synthChirp(t *testing.T) *audio.Spectrogram {
	const fs = 44100.0
	x := make([]float64, int(0.2*fs))
	phase := 0.0
	for n := range x {
		phase += 2 * math.Pi * (1000 + 6000*float64(n)/float64(len(x))) / fs
		x[n] = math.Sin(phase)
	}
	s, err := audio.NewSpectrogram(x, fs, audio.DefaultSpectrogramParams())
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// twoGroupReadout returns an ABCBA + DEDED read-out on a small network, without training.
func twoGroupReadout(t *testing.T) *readout.Layer {
	t.Helper()
	cfg := snn.DefaultConfig()
	cfg.NE, cfg.NI, cfg.Clusters, cfg.Seed, cfg.Threads = 40, 10, 4, 2, 1
	net, err := snn.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ro, err := readout.New(net, readout.DefaultConfig(), readout.ABCBA(), readout.DEDED())
	if err != nil {
		t.Fatal(err)
	}
	return ro
}

// synthReadout returns an ABCBA target at 0.1 ms (3 x 4000, 80 ms per element) and a
// read-out rate at 1 ms (3 x 400) that follows it with a 5 ms lag and a ramp.
func synthReadout() (target, activity *mat.Dense) {
	target = mat.NewDense(3, 4000, nil)
	activity = mat.NewDense(3, 400, nil)
	seq := []int{0, 1, 2, 1, 0}
	for j := range 4000 {
		target.Set(seq[j/800], j, 1)
	}
	for j := range 400 {
		if j >= 5 {
			k := seq[(j-5)/80]
			activity.Set(k, j, 20+float64((j-5)%80))
		}
	}
	return target, activity
}

func TestGolden(t *testing.T) {
	for _, gc := range goldenCases() {
		t.Run(gc.name, func(t *testing.T) {
			got, err := Encode(gc.draw(t), gc.w, gc.h, "png")
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join("testdata", "golden", gc.name+".png")
			if *update {
				writeGolden(t, path, got)
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (regenerate with: go test ./snn/snnplot -run Golden -update)", err)
			}
			if n, total, err := pixelDiff(got, want); err != nil || float64(n) > maxDiffFraction*float64(total) {
				out := filepath.Join(t.TempDir(), gc.name+".png")
				_ = os.WriteFile(out, got, 0o644)
				if err != nil {
					t.Fatalf("%s: %v; got image kept in %s", path, err, out)
				}
				t.Fatalf("%s: %d of %d pixels differ (allowed %.1f%%); got image kept in %s (run with -update if the change is intended)",
					path, n, total, 100*maxDiffFraction, out)
			}
		})
	}
}

// writeGolden stores got at path, compressed as much as PNG allows, unless the existing golden
// already has exactly the same pixels (so -update does not churn unchanged files).
func writeGolden(t *testing.T, path string, got []byte) {
	t.Helper()
	if old, err := os.ReadFile(path); err == nil && samePixels(old, got) {
		return
	}
	img, err := png.Decode(bytes.NewReader(got))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := (&png.Encoder{CompressionLevel: png.BestCompression}).Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// samePixels reports whether two PNGs decode to identical pixels.
func samePixels(a, b []byte) bool {
	ia, err := png.Decode(bytes.NewReader(a))
	if err != nil {
		return false
	}
	ib, err := png.Decode(bytes.NewReader(b))
	if err != nil || ia.Bounds() != ib.Bounds() {
		return false
	}
	r := ia.Bounds()
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			if ia.At(x, y) != ib.At(x, y) {
				r1, g1, b1, a1 := ia.At(x, y).RGBA()
				r2, g2, b2, a2 := ib.At(x, y).RGBA()
				if r1 != r2 || g1 != g2 || b1 != b2 || a1 != a2 {
					return false
				}
			}
		}
	}
	return true
}

// pixelDiff decodes two PNGs and counts the pixels whose colour differs by more than pixelTol
// in some channel.
func pixelDiff(a, b []byte) (n, total int, err error) {
	ia, err := png.Decode(bytes.NewReader(a))
	if err != nil {
		return 0, 0, err
	}
	ib, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		return 0, 0, err
	}
	if ia.Bounds() != ib.Bounds() {
		return 0, 0, errSize{ia.Bounds(), ib.Bounds()}
	}
	r := ia.Bounds()
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			r1, g1, b1, a1 := ia.At(x, y).RGBA()
			r2, g2, b2, a2 := ib.At(x, y).RGBA()
			if far(r1, r2) || far(g1, g2) || far(b1, b2) || far(a1, a2) {
				n++
			}
		}
	}
	return n, r.Dx() * r.Dy(), nil
}

func far(a, b uint32) bool {
	d := int(a>>8) - int(b>>8)
	return d > pixelTol || d < -pixelTol
}

type errSize struct{ got, want image.Rectangle }

func (e errSize) Error() string {
	return "image size " + e.got.Size().String() + " differs from golden " + e.want.Size().String()
}

func TestPixelDiffDetectsChanges(t *testing.T) {
	// The comparison itself must be able to fail: a golden against a shifted raster differs.
	spikes, cl := synthReplay(1, 30, 80, 600, 15, 1000)
	a := must(Encode(must(Raster(spikes, cl, RasterOptions{}))(t), 300, 200, "png"))(t)
	b := must(Encode(must(Raster(spikes, cl, RasterOptions{T0: 10, T1: 1010}))(t), 300, 200, "png"))(t)
	n, total, err := pixelDiff(a, b)
	if err != nil {
		t.Fatal(err)
	}
	if float64(n) <= maxDiffFraction*float64(total) {
		t.Errorf("shifted raster passes the golden comparison: %d of %d pixels differ", n, total)
	}
	if n, _, err := pixelDiff(a, a); err != nil || n != 0 {
		t.Errorf("identical images: %d pixels differ, err %v", n, err)
	}
	c := must(Encode(must(Raster(spikes, cl, RasterOptions{}))(t), 301, 200, "png"))(t)
	if _, _, err := pixelDiff(a, c); err == nil {
		t.Errorf("images of different sizes compare without error")
	}
}
