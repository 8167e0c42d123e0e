package analysis

import (
	"math"
	"testing"
)

func TestMatrixCorrelation(t *testing.T) {
	a := [][]float64{{1, 2}, {3, 4}}
	if c, _ := MatrixCorrelation(a, [][]float64{{2, 4}, {6, 8}}); math.Abs(c-1) > 1e-12 {
		t.Errorf("scaled copy: %v", c)
	}
	if c, _ := MatrixCorrelation(a, [][]float64{{4, 3}, {2, 1}}); math.Abs(c+1) > 1e-12 {
		t.Errorf("reversed: %v", c)
	}
	for _, b := range [][][]float64{{{1, 1}, {1, 1}}, {{1, 2}}, {{1}, {2}}} {
		if _, err := MatrixCorrelation(a, b); err == nil {
			t.Errorf("%v: no error", b)
		}
	}
}
