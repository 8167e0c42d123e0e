package analysis_test

import (
	"math"
	"math/cmplx"
	"testing"

	"github.com/gosnn/gosnn/internal/testskip"

	"github.com/gosnn/gosnn/snn"
	"github.com/gosnn/gosnn/snn/analysis"
	"github.com/gosnn/gosnn/snn/snnio"
)

// TestTimingVariabilityAuthors fits timePoints.mat (79 trials × 80 clusters, docs/MODEL.md A10):
// the √t law must beat the linear fit, with the published numbers.
func TestTimingVariabilityAuthors(t *testing.T) {
	mf, err := snnio.ReadMatFile(testskip.AuthorsFile(t, "timePoints.mat"))
	if err != nil {
		t.Fatal(err)
	}
	tp, err := mf.Matrix("timePoints")
	if err != nil {
		t.Fatal(err)
	}
	f, err := analysis.TimingVariability(tp)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("k = %.4f ms^½, RMSE √t %.4f ms, linear %.4f ms (slope %.5f), affine %.4f ms; first step %.2f ms", f.SqrtK, f.SqrtRMSE, f.LinRMSE, f.LinSlope, f.AffineRMSE, f.MeanMs[1])
	if !(f.SqrtRMSE < f.LinRMSE) || !(f.SqrtRMSE < f.AffineRMSE) {
		t.Errorf("√t fit RMSE %.3f does not beat the linear fits (%.3f through 0, %.3f affine)", f.SqrtRMSE, f.LinRMSE, f.AffineRMSE)
	}
	if math.Abs(f.SqrtK-0.21) > 0.01 || math.Abs(f.SqrtRMSE-0.22) > 0.02 || math.Abs(f.LinRMSE-0.82) > 0.03 {
		t.Errorf("k = %.3f, RMSE √ %.3f, linear %.3f; docs/MODEL.md A10 has 0.21, 0.22, 0.82", f.SqrtK, f.SqrtRMSE, f.LinRMSE)
	}
	// The variance grows linearly from a small jitter: SD² ≈ 0.65 + 0.044·t.
	if !(f.VarSlope > 0.03 && f.VarSlope < 0.06) || !(math.Abs(f.VarIntercept) < 2) {
		t.Errorf("variance line %.3f + %.4f·t: want a slope of ≈ 0.044 ms²/ms and an intercept under 2 ms²", f.VarIntercept, f.VarSlope)
	}
	if math.Abs(f.MeanMs[1]-22.8) > 0.1 {
		t.Errorf("first step %.2f ms, want ≈ 22.8 (A10)", f.MeanMs[1])
	}
}

// TestWeightAnalysisAuthors checks the analysis on the authors' trained 15 × 160 matrix
// against docs/MODEL.md section 8: block means (A2), per-neuron E→E means (A5), the I→E
// distribution (A6) and complex leading eigenvalues of the reduced model (A16).
func TestWeightAnalysisAuthors(t *testing.T) {
	w, err := snnio.LoadWeights(testskip.AuthorsFile(t, "FF60b_2400_nc160.mat"))
	if err != nil {
		t.Fatal(err)
	}
	cl := snn.UniformClusters(15, 160)
	bm, err := analysis.EEBlockMeans(w, cl)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name      string
		got, want float64
		tol       float64
	}{
		{"within", bm.Within, 29.2, 0.1},
		{"forward", bm.Forward, 10.1, 0.1},
		{"backward", bm.Backward, 3.5, 0.1},
		{"other", bm.Other, 1.454, 0.005},
		{"wrap", bm.Wrap, 10.4, 0.1},
	} {
		if math.Abs(c.got-c.want) > c.tol {
			t.Errorf("A2 %s mean = %.4f, want %.3f ± %.3f", c.name, c.got, c.want, c.tol)
		}
	}
	if !(bm.FeedForwardIndex > 0.4) {
		t.Errorf("feed-forward index %v, want clearly positive", bm.FeedForwardIndex)
	}
	// A5: per-neuron mean E→E weight; the last E neuron (the original's off-by-one bug,
	// docs/MODEL.md 9 item 7) has all its inputs at the floor 1.45 and is left out.
	st, err := analysis.EEInputStats(w, 2400)
	if err != nil {
		t.Fatal(err)
	}
	if m := st.Mean[2399]; math.Abs(m-1.45) > 1e-9 {
		t.Errorf("last E neuron's mean input %v, want the floor 1.45", m)
	}
	means := st.Mean[:2399]
	avg := 0.0
	within1 := 0
	for i, m := range means {
		avg += m
		if math.Abs(m-4) <= 0.04 {
			within1++
		}
		if math.Abs(m-4) > 0.08 {
			t.Fatalf("neuron %d mean input %v, more than 2%% from the initial 4.0", i, m)
		}
	}
	avg /= float64(len(means))
	if avg < 4.01 || avg > 4.02 {
		t.Errorf("A5 average per-neuron mean %v, want 4.01–4.02", avg)
	}
	if med := analysis.Median(means); med < 4.01 || med > 4.02 {
		t.Errorf("A5 median per-neuron mean %v, want 4.01–4.02", med)
	}
	if f := float64(within1) / float64(len(means)); f < 0.9 {
		t.Errorf("only %.1f%% of per-neuron means within 1%% of 4.0", 100*f)
	}
	// A6: I→E weights between the old bounds 40 and 200.
	ie, err := analysis.IEWeightSummary(w, 2400, analysis.SummaryOptions{Floor: 40, Cap: 200, Tol: 1e-6})
	if err != nil {
		t.Fatal(err)
	}
	if ie.Median < 40.5 || ie.Median > 41.5 || ie.Mean < 78 || ie.Mean > 86 || ie.FracAtCap < 0.01 || ie.FracAtCap > 0.02 {
		t.Errorf("A6 I→E summary: median %.2f (≈41), mean %.2f (81–85), at cap %.4f (≈1.5%%)", ie.Median, ie.Mean, ie.FracAtCap)
	}
	// Bimodal: the bins at the floor and at the cap hold the most weights.
	first, last := ie.Counts[0], ie.Counts[len(ie.Counts)-1]
	for b, c := range ie.Counts[1 : len(ie.Counts)-1] {
		if c >= first || c >= last {
			t.Errorf("histogram bin %d (%d) is not below the end bins (%d, %d): not bimodal", b+1, c, first, last)
		}
	}
	// A16: the reduced model (15 E clusters, 10 I groups of 60) has complex leading eigenvalues.
	ev, err := analysis.ReducedSpectrum(w, cl, 2400, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(ev) != 25 {
		t.Fatalf("%d eigenvalues, want 25", len(ev))
	}
	if cmplx.Abs(ev[1]-cmplx.Conj(ev[0])) > 1e-6*cmplx.Abs(ev[0]) {
		t.Errorf("leading eigenvalues %v, %v: want a complex-conjugate pair", ev[0], ev[1])
	}
	// Its imaginary part is that of the slowest mode of the circulant E block of the authors'
	// block means (section 9 item 22): (forward − backward)·sin(2π/15).
	r, err := analysis.ReducedWeights(w, cl, 2400, 10)
	if err != nil {
		t.Fatal(err)
	}
	fwd, bwd := 0.0, 0.0
	for k := 0; k < 15; k++ {
		fwd += r.At((k+1)%15, k) / 15
		bwd += r.At(k, (k+1)%15) / 15
	}
	wantIm := (fwd - bwd) * math.Sin(2*math.Pi/15)
	t.Logf("leading eigenvalue %.4f; block means forward %.4f, backward %.4f: (f − g)·sin(2π/15) = %.4f", ev[0], fwd, bwd, wantIm)
	if math.Abs(math.Abs(imag(ev[0]))-wantIm) > 0.2*wantIm {
		t.Errorf("leading eigenvalue %v: |Im| differs from (f − g)·sin(2π/15) = %.4f by more than 20 %%", ev[0], wantIm)
	}
}
