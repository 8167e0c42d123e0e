package analysis

import (
	"fmt"
	"math"
	"math/cmplx"
	"strings"
	"testing"

	"github.com/gosnn/gosnn/snn"
	"gonum.org/v1/gonum/mat"
)

// tChain returns a post × pre matrix of K clusters of size n (no I neurons) whose E→E
// entries take the value of their cluster relation: d within, f forward (k → k+1, the wrap
// included unless wrap != f), g backward, o elsewhere; the diagonal is zero.
func tChain(K, n int, d, f, wrap, g, o float64) *mat.Dense {
	N := K * n
	w := mat.NewDense(N, N, nil)
	for i := 0; i < N; i++ {
		for j := 0; j < N; j++ {
			if i == j {
				continue
			}
			a, b := i/n, j/n // post, pre clusters
			v := o
			switch {
			case a == b:
				v = d
			case a == b+1:
				v = f
			case b == K-1 && a == 0:
				v = wrap
			case b == a+1 || b == 0 && a == K-1:
				v = g
			}
			w.Set(i, j, v)
		}
	}
	return w
}

func TestEEBlockMeansSynthetic(t *testing.T) {
	const K, n = 5, 4
	w := tChain(K, n, 5, 3, 4, 2, 1)
	// Remove one within-cluster and two "other" synapses.
	w.Set(0, 1, 0)
	w.Set(0, 12, 0)
	w.Set(19, 5, 0)
	bm, err := EEBlockMeans(w, snn.UniformClusters(K, n))
	if err != nil {
		t.Fatal(err)
	}
	withinPairs := float64(K * n * (n - 1))
	otherPairs := float64(K*(K-3)) * n * n // each cluster has K−3 "other" partners as post
	cases := []struct {
		name      string
		got, want float64
	}{
		{"Within", bm.Within, 5},
		{"Forward", bm.Forward, 3},
		{"Wrap", bm.Wrap, 4},
		{"Backward", bm.Backward, 2},
		{"Other", bm.Other, 1},
		{"WithinAll", bm.WithinAll, 5 * (withinPairs - 1) / withinPairs},
		{"ForwardAll", bm.ForwardAll, 3},
		{"BackwardAll", bm.BackwardAll, 2},
		{"OtherAll", bm.OtherAll, (otherPairs - 2) / otherPairs},
		{"FeedForwardIndex", bm.FeedForwardIndex, (3.0 - 2) / (3 + 2)},
	}
	for _, c := range cases {
		if math.Abs(c.got-c.want) > 1e-12 {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
	cb, err := ClusterBlockMatrix(w, snn.UniformClusters(K, n), true)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		a, b int
		want float64
	}{{1, 0, 3}, {0, 4, 4}, {0, 1, 2}, {4, 0, 2}, {2, 0, 1}, {3, 3, 5}} {
		if got := cb.At(c.a, c.b); got != c.want {
			t.Errorf("block (%d, %d) = %v, want %v", c.a, c.b, got, c.want)
		}
	}
	cbAll, _ := ClusterBlockMatrix(w, snn.UniformClusters(K, n), false)
	if got, want := cbAll.At(0, 0), 5*11.0/12; math.Abs(got-want) > 1e-12 {
		t.Errorf("block (0, 0) with zeros = %v, want %v", got, want)
	}
}

func TestEEBlockMeansFewClusters(t *testing.T) {
	// K = 2: forward 0 → 1 and wrap 1 → 0, no backward or other block.
	bm, err := EEBlockMeans(tChain(2, 3, 5, 3, 4, 2, 1), snn.UniformClusters(2, 3))
	if err != nil {
		t.Fatal(err)
	}
	if bm.Forward != 3 || bm.Wrap != 4 || !math.IsNaN(bm.Backward) || !math.IsNaN(bm.Other) {
		t.Errorf("K = 2: %+v", bm)
	}
	bm, err = EEBlockMeans(tChain(1, 3, 5, 3, 4, 2, 1), snn.UniformClusters(1, 3))
	if err != nil || bm.Within != 5 || !math.IsNaN(bm.Forward) {
		t.Errorf("K = 1: %+v %v", bm, err)
	}
}

func TestEEInputStatsAndSummary(t *testing.T) {
	// 3 E neurons, 1 I neuron; post × pre.
	w := mat.NewDense(4, 4, []float64{
		0, 2, 4, 50,
		1, 0, 0, 60,
		0, 0, 0, 0,
		3, 3, 3, 0,
	})
	st, err := EEInputStats(w, 3)
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(st.Sum, st.Count) != "[6 1 0] [2 1 0]" || st.Mean[0] != 3 || st.Mean[1] != 1 || !math.IsNaN(st.Mean[2]) {
		t.Errorf("EEInputStats = %+v", st)
	}
	ie, err := IEWeightSummary(w, 3, SummaryOptions{Floor: 50, Cap: 60, Bins: 2})
	if err != nil {
		t.Fatal(err)
	}
	if ie.N != 2 || ie.Mean != 55 || ie.FracAtFloor != 0.5 || ie.FracAtCap != 0.5 || fmt.Sprint(ie.Counts) != "[1 1]" {
		t.Errorf("IEWeightSummary = %+v", ie)
	}
	s, err := SummarizeWeights([]float64{40, 40, 41, 100, 200}, SummaryOptions{Floor: 40, Cap: 200, Bins: 4})
	if err != nil {
		t.Fatal(err)
	}
	if s.N != 5 || s.Median != 41 || math.Abs(s.Mean-84.2) > 1e-12 || s.Min != 40 || s.Max != 200 ||
		s.FracAtFloor != 0.4 || s.FracAtCap != 0.2 ||
		fmt.Sprint(s.Edges) != "[40 80 120 160 200]" || fmt.Sprint(s.Counts) != "[3 1 0 1]" {
		t.Errorf("SummarizeWeights = %+v", s)
	}
	s, _ = SummarizeWeights([]float64{1, 2, 3, 4}, SummaryOptions{Bins: 3})
	if !math.IsNaN(s.FracAtFloor) || fmt.Sprint(s.Edges) != "[1 2 3 4]" || fmt.Sprint(s.Counts) != "[1 1 2]" {
		t.Errorf("unbounded summary = %+v", s)
	}
}

func TestSpectra(t *testing.T) {
	// One E and one I neuron exciting and inhibiting each other: [[0, −1], [1, 0]] has ±i.
	ev, err := SignedSpectrum(mat.NewDense(2, 2, []float64{0, 1, 1, 0}), 1)
	if err != nil {
		t.Fatal(err)
	}
	if cmplx.Abs(ev[0]-1i) > 1e-12 || cmplx.Abs(ev[1]+1i) > 1e-12 {
		t.Errorf("eigenvalues %v, want [i −i]", ev)
	}
	// A cyclic chain of K clusters of n neurons (docs/MODEL.md A16). With TotalInput the
	// reduced matrix is circulant with eigenvalues (n−1)d + n·f·e^{−2πim/K} + n·g·e^{2πim/K}
	// + n·o·(…), whose largest imaginary part is n·|f − g|·max_m |sin(2πm/K)|; the authors'
	// BlockMean (the default) divides every entry, and so every eigenvalue, by n.
	const K, n = 6, 5
	for _, form := range []struct {
		form  ReducedForm
		scale float64 // entries relative to the total input
	}{{BlockMean, 1.0 / n}, {TotalInput, 1}} {
		for _, c := range []struct{ f, g float64 }{{3, 3}, {3, 2}, {6, 2}, {2, 6}} {
			w := tChain(K, n, 5, c.f, c.f, c.g, 1)
			r, err := ReducedWeightsWith(form.form, w, snn.UniformClusters(K, n), K*n, 0)
			if err != nil {
				t.Fatal(err)
			}
			if got, want := r.At(1, 0), n*c.f*form.scale; math.Abs(got-want) > 1e-12 {
				t.Errorf("%v: reduced forward entry %v, want %v", form.form, got, want)
			}
			if got, want := r.At(0, 0), (n-1)*5*form.scale; math.Abs(got-want) > 1e-12 {
				t.Errorf("%v: reduced within entry %v, want %v", form.form, got, want)
			}
			ev, err := ReducedSpectrumWith(form.form, w, snn.UniformClusters(K, n), K*n, 0)
			if err != nil {
				t.Fatal(err)
			}
			maxIm := 0.0
			for _, v := range ev {
				maxIm = math.Max(maxIm, math.Abs(imag(v)))
			}
			want := n * math.Abs(c.f-c.g) * math.Sin(math.Pi/3) * form.scale
			if math.Abs(maxIm-want) > 1e-9 {
				t.Errorf("%v f=%v g=%v: max |Im| = %v, want %v", form.form, c.f, c.g, maxIm, want)
			}
			// The leading eigenvalue is the row sum (all rows are equal): (n−1)d + n(f+g+o·(K−3)).
			lead := ((n-1)*5 + n*(c.f+c.g+float64(K-3))) * form.scale
			if math.Abs(real(ev[0])-lead) > 1e-9 || math.Abs(imag(ev[0])) > 1e-9 {
				t.Errorf("%v: leading eigenvalue %v, want %v", form.form, ev[0], lead)
			}
			if form.form == BlockMean {
				r0, _ := ReducedWeights(w, snn.UniformClusters(K, n), K*n, 0)
				ev0, _ := ReducedSpectrum(w, snn.UniformClusters(K, n), K*n, 0)
				if !mat.Equal(r0, r) || fmt.Sprint(ev0) != fmt.Sprint(ev) {
					t.Errorf("ReducedWeights/ReducedSpectrum are not the BlockMean form")
				}
			}
		}
	}
	// With I groups of a size other than the clusters': columns of I groups are negative,
	// and the two forms differ in shape, not only by a factor. All-ones off the diagonal,
	// two E clusters of 2 and two I groups of 1.
	w := mat.NewDense(6, 6, nil)
	for i := 0; i < 6; i++ {
		for j := 0; j < 6; j++ {
			if i != j {
				w.Set(i, j, 1)
			}
		}
	}
	for _, c := range []struct {
		form ReducedForm
		want []float64
	}{
		// Block means: a cluster's own block is 2 ones in 4 entries.
		{BlockMean, []float64{0.5, 1, -1, -1, 1, 0.5, -1, -1, 1, 1, 0, -1, 1, 1, -1, 0}},
		// Total input: a neuron gets 1 from its own cluster, 2 from the other.
		{TotalInput, []float64{1, 2, -1, -1, 2, 1, -1, -1, 2, 2, 0, -1, 2, 2, -1, 0}},
	} {
		r, err := ReducedWeightsWith(c.form, w, snn.UniformClusters(2, 2), 4, 2)
		if err != nil {
			t.Fatal(err)
		}
		if want := mat.NewDense(4, 4, c.want); !mat.EqualApprox(r, want, 1e-12) {
			t.Errorf("%v with I groups:\n%v\nwant\n%v", c.form, mat.Formatted(r), mat.Formatted(want))
		}
	}
	if _, err := ReducedWeightsWith(ReducedForm(5), w, snn.UniformClusters(2, 2), 4, 2); err == nil || !strings.Contains(err.Error(), "unknown reduced form") {
		t.Errorf("unknown form: %v", err)
	}
}

func TestWeightAnalysisErrors(t *testing.T) {
	sq := mat.NewDense(4, 4, nil)
	cases := []struct {
		name string
		err  error
		want string
	}{
		{"not square", func() error { _, err := EEInputStats(mat.NewDense(2, 3, nil), 2); return err }(), "2×3, want square"},
		{"nE", func() error { _, err := EEInputStats(sq, 5); return err }(), "5 E neurons in a 4-neuron"},
		{"clusters past matrix", func() error { _, err := EEBlockMeans(sq, snn.UniformClusters(3, 2)); return err }(), "6 E neurons in a 4-neuron"},
		{"block", func() error { _, err := BlockWeights(sq, 0, 5, 0, 1); return err }(), "outside a 4×4"},
		{"empty", func() error { _, err := SummarizeWeights(nil, SummaryOptions{}); return err }(), "no weights"},
		{"nan", func() error { _, err := SummarizeWeights([]float64{math.NaN()}, SummaryOptions{}); return err }(), "NaN"},
		{"ie empty", func() error { _, err := IEWeightSummary(sq, 2, SummaryOptions{}); return err }(), "no weights"},
		{"groups", func() error { _, err := ReducedWeights(sq, snn.UniformClusters(1, 2), 2, 3); return err }(), "3 I groups for 2 I neurons"},
		{"groups zero", func() error { _, err := ReducedWeights(sq, snn.UniformClusters(1, 2), 2, 0); return err }(), "0 I groups"},
		{"nil", func() error { _, err := SignedSpectrum(nil, 0); return err }(), "nil weight matrix"},
		{"nan spectrum", func() error {
			_, err := SignedSpectrum(mat.NewDense(2, 2, []float64{math.NaN(), 0, 0, 1}), 2)
			return err
		}(), "NaN"},
	}
	for _, c := range cases {
		if c.err == nil || !strings.Contains(c.err.Error(), c.want) || !strings.HasPrefix(c.err.Error(), "analysis: ") {
			t.Errorf("%s: err = %v, want analysis: ...%s", c.name, c.err, c.want)
		}
	}
}

func ExampleEEBlockMeans() {
	// Three clusters of two E neurons in a ring 0 → 1 → 2 → 0, post × pre: weights 5 within a
	// cluster, 3 forward (rows of cluster k+1, columns of cluster k), 1 backward.
	w := mat.NewDense(6, 6, []float64{
		0, 5, 1, 1, 3, 3,
		5, 0, 1, 1, 3, 3,
		3, 3, 0, 5, 1, 1,
		3, 3, 5, 0, 1, 1,
		1, 1, 3, 3, 0, 5,
		1, 1, 3, 3, 5, 0,
	})
	bm, err := EEBlockMeans(w, snn.UniformClusters(3, 2))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("within %.0f, forward %.0f, wrap %.0f, backward %.0f, feed-forward index %.2f\n",
		bm.Within, bm.Forward, bm.Wrap, bm.Backward, bm.FeedForwardIndex)
	// Output:
	// within 5, forward 3, wrap 3, backward 1, feed-forward index 0.50
}

func ExampleReducedSpectrum() {
	// Three clusters of two E neurons with strong forward links and no inhibition: the
	// reduced 3×3 model has a complex pair, the signature of sequential activity (docs/MODEL.md A16).
	w := mat.NewDense(6, 6, []float64{
		0, 1, 0, 0, 4, 4,
		1, 0, 0, 0, 4, 4,
		4, 4, 0, 1, 0, 0,
		4, 4, 1, 0, 0, 0,
		0, 0, 4, 4, 0, 1,
		0, 0, 4, 4, 1, 0,
	})
	ev, err := ReducedSpectrum(w, snn.UniformClusters(3, 2), 6, 0)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, v := range ev {
		fmt.Printf("%.3f\n", v)
	}
	// Output:
	// (4.500+0.000i)
	// (-1.500+3.464i)
	// (-1.500-3.464i)
}
