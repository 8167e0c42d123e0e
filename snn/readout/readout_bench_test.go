package readout

import (
	"context"
	"testing"
)

// BenchmarkReadoutTrain measures 100 ms of read-out training (docs/MODEL.md 7.3: supervisors on,
// E→R plasticity) with ABCBA and DEDED on the 400-neuron test network, network included;
// BenchmarkReadoutTrain/none is the same network without a read-out, for the layer's cost.
func BenchmarkReadoutTrain(b *testing.B) {
	b.Run("none", func(b *testing.B) {
		net := readoutTestNet(b, 1)
		for i := 0; i < b.N; i++ {
			if err := net.Run(100); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("ABCBA+DEDED", func(b *testing.B) {
		net := readoutTestNet(b, 1)
		ro, err := New(net, DefaultConfig(), ABCBA(), DEDED())
		if err != nil {
			b.Fatal(err)
		}
		for i := 0; i < b.N; i++ {
			if _, err := ro.Train(context.Background(), 100, 0); err != nil {
				b.Fatal(err)
			}
		}
	})
}
