package protocol

import (
	"context"
	"testing"

	"github.com/gosnn/gosnn/snn"
)

// BenchmarkProtocolReduced: one second of snn.ReducedSetup(30, 20) training through Run.
func BenchmarkProtocolReduced(b *testing.B) {
	s := snn.ReducedSetup(30, 20)
	s.Config.Threads = 1
	n, err := s.Build()
	if err != nil {
		b.Fatal(err)
	}
	p := Protocol{Stimulate(nil, 1000)}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := Run(context.Background(), n, p, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
