package snnplot

import (
	"math"
	"testing"

	"github.com/gosnn/gosnn/internal/testskip"
	"github.com/gosnn/gosnn/snn/analysis"
	"github.com/gosnn/gosnn/snn/snnio"

	"gonum.org/v1/gonum/mat"

	"github.com/gosnn/gosnn/snn"
)

// loadAuthors loads the authors' trained 15 x 160 matrix (3000 x 3000, post x pre).
func loadAuthors(t testing.TB) (*mat.Dense, snn.Clusters) {
	path := testskip.AuthorsFile(t, "FF60b_2400_nc160.mat")
	w, err := snnio.LoadWeights(path)
	if err != nil {
		t.Fatal(err)
	}
	size, ok := snnio.ClusterSizeFromName(path)
	if !ok {
		t.Fatalf("no cluster size in %s", path)
	}
	return w, snn.UniformClusters(2400/size, size)
}

// TestAuthorsMatrix draws the authors' trained matrix: the full heatmap renders, and in the
// block-mean heatmap the diagonal (within-cluster, about 29 pF, docs/MODEL.md section 8 A2) is the
// darkest colour and the forward subdiagonal (about 10 pF) darker than the backward one.
func TestAuthorsMatrix(t *testing.T) {
	if testing.Short() {
		t.Skip("loads a 3000x3000 matrix")
	}
	w, cl := loadAuthors(t)
	f, err := Weights(w, WeightOptions{Clusters: cl, HeatOptions: HeatOptions{Title: "FF60b_2400_nc160"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.PNG(); err != nil {
		t.Fatal(err)
	}
	b, err := analysis.ClusterBlockMatrix(w, cl, true)
	if err != nil {
		t.Fatal(err)
	}
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, v := range b.RawMatrix().Data {
		lo, hi = math.Min(lo, v), math.Max(hi, v)
	}
	s, err := newColorScale(nil, lo, hi)
	if err != nil {
		t.Fatal(err)
	}
	K := cl.Count()
	for k := range K {
		within := toOKLab(s.at(b.At(k, k)))[0]
		fwd := toOKLab(s.at(b.At((k+1)%K, k)))[0]
		bwd := toOKLab(s.at(b.At(k, (k+1)%K)))[0]
		if !(within < fwd && fwd < bwd) {
			t.Errorf("cluster %d: lightness within %.2f, forward %.2f, backward %.2f; want increasing", k, within, fwd, bwd)
		}
	}
	g, err := BlockMeans(w, cl, HeatOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := g.PNG(); err != nil {
		t.Fatal(err)
	}
	ev, err := analysis.ReducedSpectrum(w, cl, 2400, 1)
	if err != nil {
		t.Fatal(err)
	}
	p, err := Spectrum(ev, SpectrumOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Encode(p, 200, 200, "png"); err != nil {
		t.Fatal(err)
	}
}

// BenchmarkWeightsAuthors draws the authors' 3000 x 3000 matrix (block-averaged to 600 x 600)
// with cluster boundaries, encoded as PNG.
func BenchmarkWeightsAuthors(b *testing.B) {
	w, cl := loadAuthors(b)
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
