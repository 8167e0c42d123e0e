package snnplot

import (
	"fmt"

	"gonum.org/v1/gonum/mat"
)

// Rows wraps a slice of equal-length rows (element x time, as snn keeps patterns and read-out
// rates: rows[element][column]) as a mat.Matrix without copying, so that it can be passed to
// Readout or Heatmap. Later changes to rows show through. It returns an error if rows is
// empty or ragged.
func Rows(rows [][]float64) (mat.Matrix, error) {
	if len(rows) == 0 || len(rows[0]) == 0 {
		return nil, fmt.Errorf("snnplot: Rows: no data (%d rows)", len(rows))
	}
	for i, r := range rows {
		if len(r) != len(rows[0]) {
			return nil, fmt.Errorf("snnplot: Rows: row %d has %d columns, row 0 has %d", i, len(r), len(rows[0]))
		}
	}
	return rowsMatrix(rows), nil
}

// rowsMatrix is a mat.Matrix over [][]float64 with equal-length rows.
type rowsMatrix [][]float64

// Dims implements mat.Matrix.
func (m rowsMatrix) Dims() (r, c int) { return len(m), len(m[0]) }

// At implements mat.Matrix; like gonum's matrices it panics on an index out of range.
func (m rowsMatrix) At(i, j int) float64 {
	if i < 0 || i >= len(m) || j < 0 || j >= len(m[0]) {
		panic(fmt.Sprintf("snnplot: index (%d, %d) out of range of a %dx%d matrix", i, j, len(m), len(m[0])))
	}
	return m[i][j]
}

// T implements mat.Matrix.
func (m rowsMatrix) T() mat.Matrix { return mat.Transpose{Matrix: m} }
