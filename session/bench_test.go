package session

import (
	"context"
	"testing"
)

// BenchmarkNew measures a session with every symbol ready (target: <= 150 ms).
func BenchmarkNew(b *testing.B) {
	for i := 0; i < b.N; i++ {
		s, err := New(Options{})
		if err != nil {
			b.Fatal(err)
		}
		s.Close()
	}
}

// BenchmarkTrivialCell measures a cell with a statement and a result (target: <= 200 µs).
func BenchmarkTrivialCell(b *testing.B) {
	s := newTestSession(b)
	mustRun(b, s, "x := 0")
	ctx := context.Background()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		res, err := s.Execute(ctx, "x++\nx", nil)
		if err != nil || res == nil {
			b.Fatal(res, err)
		}
	}
}

// BenchmarkTrivialCellCapture is BenchmarkTrivialCell with output capture on and a print.
func BenchmarkTrivialCellCapture(b *testing.B) {
	if !captureSupported {
		b.Skip("output capture is not supported here")
	}
	s, err := New(Options{Capture: true})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	rec := &recorder{}
	ctx := context.Background()
	if _, err := s.Execute(ctx, `import "fmt"`, rec); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := s.Execute(ctx, `fmt.Print("")`, rec); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkComplete measures completion of a package's members.
func BenchmarkComplete(b *testing.B) {
	s := newTestSession(b)
	for i := 0; i < b.N; i++ {
		if m, _, _ := s.Complete("snn.", 4); len(m) == 0 {
			b.Fatal("no matches")
		}
	}
}
