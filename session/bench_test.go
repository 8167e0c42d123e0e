package session

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/gosnn/gosnn/stdlib"
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

// BenchmarkInterrupt measures how long Execute takes to return after the context of a cell
// running a 60-s simulation of the full-size network (docs/MODEL.md defaults) is cancelled
// (target: <= 200 ms), and checks that the network then runs on.
func BenchmarkInterrupt(b *testing.B) {
	s := newTestSession(b)
	mustRun(b, s, `import "github.com/gosnn/gosnn/snn"
net, err := snn.New(snn.DefaultConfig())
if err != nil { panic(err) }`)
	var total, worst time.Duration
	for i := 0; i < b.N; i++ {
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error)
		go func() {
			_, err := s.Execute(ctx, "net.Run(60000)", nil)
			done <- err
		}()
		time.Sleep(200 * time.Millisecond)
		t0 := time.Now()
		cancel()
		err := <-done
		d := time.Since(t0)
		var ue *Error
		if !errors.As(err, &ue) || ue.Name != ErrInterrupted {
			b.Fatalf("err = %v, want Interrupted", err)
		}
		total += d
		worst = max(worst, d)
		mustRun(b, s, "t0 := net.Time()\nif err := net.Run(1); err != nil { panic(err) }\nif net.Time() <= t0 { panic(\"no progress\") }")
	}
	b.ReportMetric(float64(total.Microseconds())/1000/float64(b.N), "ms/interrupt")
	b.ReportMetric(float64(worst.Microseconds())/1000, "ms-worst")
}

// BenchmarkDocs measures decoding the embedded doc index (done once per process, in the
// background when the first session starts).
func BenchmarkDocs(b *testing.B) {
	for i := 0; i < b.N; i++ {
		var docs map[string]*stdlib.DocPackage
		if err := json.Unmarshal(stdlib.DocsJSON(), &docs); err != nil || len(docs) == 0 {
			b.Fatal(err)
		}
	}
}

// BenchmarkInterpretedLoop measures a tight interpreted loop (one op = 100000 iterations of
// a statement with an index, a conversion and a call), where the line marks cost most.
func BenchmarkInterpretedLoop(b *testing.B) {
	s := newTestSession(b)
	mustRun(b, s, "x := []int{1, 2, 3}\nsum := 0.0\nfunc half(v float64) float64 { return v / 2 }")
	ctx := context.Background()
	cell := "for i := 0; i < 100000; i++ {\n\tsum += half(float64(x[i%3]))\n}"
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := s.Execute(ctx, cell, nil); err != nil {
			b.Fatal(err)
		}
	}
}
