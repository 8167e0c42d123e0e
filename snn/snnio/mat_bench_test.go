package snnio

import (
	"testing"

	"github.com/gosnn/gosnn/internal/testskip"
)

// BenchmarkReadMatFF60b reads the authors' 3000×3000 compressed weight matrix
// (FF60b_2400_nc160.mat, 3.7 MB on disk, 72 MB of doubles).
func BenchmarkReadMatFF60b(b *testing.B) {
	path := testskip.AuthorsFile(b, "FF60b_2400_nc160.mat")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ReadMatFile(path); err != nil {
			b.Fatal(err)
		}
	}
}
