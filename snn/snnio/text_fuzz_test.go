package snnio

import (
	"bytes"
	"math"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// FuzzReadText feeds arbitrary text to ReadText: it must never panic, and a matrix it accepts
// must survive WriteText and ReadText unchanged.
func FuzzReadText(f *testing.F) {
	var b bytes.Buffer
	WriteText(&b, mat.NewDense(2, 3, []float64{1, 2.5, -3, 4e-5, 0, math.Inf(1)}), '\t')
	f.Add(b.String())
	f.Add("1,2\n3,4\n")
	f.Add("# c\n 1  2 \r\n\n3 4")
	f.Add("true\tfalse\nNaN\t-Inf\n")
	f.Fuzz(func(t *testing.T, s string) {
		m, err := ReadText(strings.NewReader(s))
		if err != nil {
			return
		}
		var buf bytes.Buffer
		if err := WriteText(&buf, m, '\t'); err != nil {
			t.Fatal(err)
		}
		back, err := ReadText(&buf)
		if err != nil {
			t.Fatalf("cannot read back %q: %v", buf.String(), err)
		}
		r, c := m.Dims()
		if br, bc := back.Dims(); br != r || bc != c {
			t.Fatalf("round trip %d×%d -> %d×%d", r, c, br, bc)
		}
		for i := 0; i < r; i++ {
			for j := 0; j < c; j++ {
				x, y := m.At(i, j), back.At(i, j)
				if x != y && !(math.IsNaN(x) && math.IsNaN(y)) {
					t.Fatalf("round trip changed [%d,%d]: %v -> %v", i, j, x, y)
				}
			}
		}
	})
}
