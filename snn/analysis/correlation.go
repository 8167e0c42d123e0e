package analysis

import (
	"errors"
	"fmt"
	"math"
)

// MatrixCorrelation returns the Pearson correlation of two matrices of the same shape, taken over
// all entries. It returns an error for different shapes, empty matrices, or zero variance.
func MatrixCorrelation(a, b [][]float64) (float64, error) {
	if len(a) != len(b) || len(a) == 0 {
		return 0, fmt.Errorf("analysis: correlation: %d rows vs %d rows", len(a), len(b))
	}
	var sx, sy, sxx, syy, sxy, n float64
	for i := range a {
		if len(a[i]) != len(b[i]) {
			return 0, fmt.Errorf("analysis: correlation: row %d has %d vs %d columns", i, len(a[i]), len(b[i]))
		}
		for k, u := range a[i] {
			v := b[i][k]
			sx += u
			sy += v
			sxx += u * u
			syy += v * v
			sxy += u * v
			n++
		}
	}
	den := math.Sqrt((n*sxx - sx*sx) * (n*syy - sy*sy))
	if !(den > 0) {
		return 0, errors.New("analysis: correlation: zero variance or no entries")
	}
	return (n*sxy - sx*sy) / den, nil
}
