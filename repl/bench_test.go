package repl

import (
	"context"
	"fmt"
	"io"
	"testing"

	"github.com/gosnn/gosnn/notebooks"
	"github.com/gosnn/gosnn/repl/internal/fake"
)

func benchmarkSixel(b *testing.B, w, h int) {
	img := testImage(w, h)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := writeSixel(io.Discard, img); err != nil {
			b.Fatal(err)
		}
	}
}

// A gonum/plot figure in the terminal is typically 640x480 or larger.
func BenchmarkSixelSmall(b *testing.B)  { benchmarkSixel(b, 160, 120) }
func BenchmarkSixelMedium(b *testing.B) { benchmarkSixel(b, 640, 480) }
func BenchmarkSixelLarge(b *testing.B)  { benchmarkSixel(b, 1280, 960) }

func benchmarkNotebook(b *testing.B, cells int) {
	src := make([]string, cells)
	for i := range src {
		src[i] = fmt.Sprintf("code:print line %d\nx := %d\nx\nimage", i, i)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		nb := notebookOf(src...)
		if err := RunNotebook(context.Background(), &fake.Evaluator{}, nb, RunOptions{}); err != nil {
			b.Fatal(err)
		}
		data, err := nb.Marshal()
		if err != nil {
			b.Fatal(err)
		}
		if _, err := notebooks.ParseNotebook(data); err != nil {
			b.Fatal(err)
		}
	}
}

// Run, write and read back a notebook: the runner's own overhead, without an interpreter.
func BenchmarkNotebookSmall(b *testing.B)  { benchmarkNotebook(b, 10) }
func BenchmarkNotebookMedium(b *testing.B) { benchmarkNotebook(b, 100) }
func BenchmarkNotebookLarge(b *testing.B)  { benchmarkNotebook(b, 1000) }
