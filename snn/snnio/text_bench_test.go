package snnio

import (
	"bytes"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// BenchmarkReadText1000 reads a 1000×1000 tab-separated matrix with 10 % non-zero weights,
// shaped like a Julia writedlm weight file (a 3000×3000 file is 9 times larger).
func BenchmarkReadText1000(b *testing.B) {
	rng := rand.New(rand.NewPCG(3, 4))
	m := mat.NewDense(1000, 1000, nil)
	raw := m.RawMatrix().Data
	for i := range raw {
		if rng.Float64() < 0.1 {
			raw[i] = 1.45 + 30*rng.Float64()
		}
	}
	var buf bytes.Buffer
	if err := WriteText(&buf, m, '\t'); err != nil {
		b.Fatal(err)
	}
	data := buf.Bytes()
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for b.Loop() {
		if _, err := ReadText(bytes.NewReader(data)); err != nil {
			b.Fatal(err)
		}
	}
}
