package snnio

import (
	"bytes"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// FuzzReadNpy feeds arbitrary bytes to ReadNpy: it must never panic, and what it accepts must
// have as many values as its shape says and convert to a matrix when it is 2-d.
func FuzzReadNpy(f *testing.F) {
	var b bytes.Buffer
	WriteNpy(&b, mat.NewDense(2, 3, []float64{1, 2, 3, 4, 5, 6}))
	f.Add(b.Bytes())
	b.Reset()
	WriteNpyVector(&b, []float64{1, 2})
	f.Add(b.Bytes())
	f.Add(tNpy(2, tNpyDict(">i4", true, "(2, 1)"), []byte{0, 0, 0, 1, 0, 0, 0, 2}))
	f.Add(tNpy(3, tNpyDict("|b1", false, "()"), []byte{1}))
	f.Add(tNpy(1, tNpyDict("<f2", false, "(1, 1, 2)"), []byte{0, 0x3c, 0, 0xc0}))
	f.Fuzz(func(t *testing.T, data []byte) {
		a, err := ReadNpy(bytes.NewReader(data))
		if err != nil {
			return
		}
		n := 1
		for _, d := range a.Shape {
			n *= d
		}
		if len(a.Data) != n {
			t.Fatalf("shape %v with %d values", a.Shape, len(a.Data))
		}
		if len(a.Shape) == 2 && n > 0 {
			m, err := a.Matrix()
			if err != nil {
				t.Fatalf("2-d array %v does not convert: %v", a.Shape, err)
			}
			var buf bytes.Buffer
			if err := WriteNpy(&buf, m); err != nil {
				t.Fatal(err)
			}
			back, err := ReadNpy(&buf)
			if err != nil {
				t.Fatalf("cannot read back: %v", err)
			}
			for k := range a.Data {
				if a.Data[k] != back.Data[k] && a.Data[k] == a.Data[k] {
					t.Fatalf("round trip changed value %d", k)
				}
			}
		}
	})
}
