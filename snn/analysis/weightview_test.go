package analysis_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/gosnn/gosnn/internal/snntest"
	"github.com/gosnn/gosnn/snn"
	"github.com/gosnn/gosnn/snn/analysis"
	"gonum.org/v1/gonum/mat"
)

// TestWeightView: the row-by-row view gives every element of WeightMatrix, and the analyses
// the trainings run on it (block means, reduced model, input and I→E statistics) give the
// same numbers, bit for bit, as on the dense copy.
func TestWeightView(t *testing.T) {
	net := snntest.SmallNet(t, 1, 3)
	// Distinct E→E weights, so that a summation order or a misplaced element shows.
	ne0 := net.Size(snn.PopE)
	rnd := rand.New(rand.NewPCG(1, 2))
	m := mat.NewDense(ne0, ne0, nil)
	for i := range ne0 {
		for j := range ne0 {
			m.Set(i, j, 1+30*rnd.Float64())
		}
	}
	if err := net.SetWeights(snn.ProjEtoE, m); err != nil {
		t.Fatal(err)
	}
	dense := net.WeightMatrix()
	view := analysis.NewWeightView(net)
	r, c := view.Dims()
	if dr, dc := dense.Dims(); r != dr || c != dc {
		t.Fatalf("view %d×%d, dense %d×%d", r, c, dr, dc)
	}
	for _, order := range []string{"rows", "columns"} {
		for a := 0; a < r; a++ {
			for b := 0; b < c; b++ {
				i, j := a, b
				if order == "columns" {
					i, j = b, a
				}
				if got, want := view.At(i, j), dense.At(i, j); got != want {
					t.Fatalf("%s: At(%d, %d) = %v, want %v", order, i, j, got, want)
				}
			}
		}
	}
	if got, want := view.T().At(1, 0), dense.At(0, 1); got != want {
		t.Errorf("T().At(1, 0) = %v, want %v", got, want)
	}
	ne, cl := net.Size(snn.PopE), net.Clusters()
	same := func(name string, a, b *mat.Dense) {
		t.Helper()
		ra, rb := a.RawMatrix(), b.RawMatrix()
		for k := range ra.Data {
			if math.Float64bits(ra.Data[k]) != math.Float64bits(rb.Data[k]) && !(math.IsNaN(ra.Data[k]) && math.IsNaN(rb.Data[k])) {
				t.Fatalf("%s: element %d differs: %v vs %v", name, k, ra.Data[k], rb.Data[k])
			}
		}
	}
	bv, err := analysis.ClusterBlockMatrix(view, cl, true)
	if err != nil {
		t.Fatal(err)
	}
	bd, _ := analysis.ClusterBlockMatrix(dense, cl, true)
	same("block means", bv, bd)
	rv, err := analysis.ReducedWeights(view, cl, ne, 2)
	if err != nil {
		t.Fatal(err)
	}
	rd, _ := analysis.ReducedWeights(dense, cl, ne, 2)
	same("reduced weights", rv, rd)
	iv, err := analysis.IEWeightSummary(view, ne, analysis.SummaryOptions{})
	if err != nil {
		t.Fatal(err)
	}
	id, _ := analysis.IEWeightSummary(dense, ne, analysis.SummaryOptions{})
	if iv.Mean != id.Mean || iv.Median != id.Median {
		t.Errorf("I→E summary: view %+v, dense %+v", iv, id)
	}
	for _, bad := range [][2]int{{-1, 0}, {0, r}} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("At(%d, %d) did not panic", bad[0], bad[1])
				}
			}()
			view.At(bad[0], bad[1])
		}()
	}
}
