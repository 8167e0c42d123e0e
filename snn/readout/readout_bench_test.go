package readout

import (
	"fmt"
	"testing"
)

// BenchmarkReadoutLearn measures one step of E→R plasticity (docs/MODEL.md 5.4) for 2400 E neurons,
// with 1 E spike per step (≈ 4 kHz population rate, the spontaneous 2.7 Hz × 2400 is 6.5 spikes
// per ms) and every R neuron depolarised above θ_LTP, the worst case (every R neuron doing LTP).
func BenchmarkReadoutLearn(b *testing.B) {
	net := readoutTestNet(b, 1)
	for _, nR := range []int{3, 5, 45} {
		b.Run(fmt.Sprintf("R%d", nR), func(b *testing.B) {
			const nE = 2400
			ro := &Layer{net: net, cfg: DefaultConfig(), nE: nE, nR: nR,
				w: make([]float64, nR*nE), xbar: make([]float64, nE), dX: 0.1 / 5}
			ro.r = newRoPop(net, ro.cfg.R, nR, 1, 9)
			for i := range ro.xbar {
				ro.xbar[i] = float64(i%7) * 0.1
			}
			for j := 0; j < nR; j++ {
				ro.r.v[j], ro.r.up[j], ro.r.um[j] = -40, -50, -55
			}
			spk := []int32{0}
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				spk[0] = int32(i % nE)
				ro.learn(spk)
				// Keep x̄ from decaying to zero over the run.
				ro.xbar[i%nE] = 1
			}
		})
	}
}

// BenchmarkReadoutStep measures a whole read-out step (S, H, R integration, delivery, learning)
// during training on the 400-neuron test network, excluding the network's own step.
func BenchmarkReadoutStep(b *testing.B) {
	net := readoutTestNet(b, 1)
	ro, err := New(net, DefaultConfig(), ABCBA(), DEDED())
	if err != nil {
		b.Fatal(err)
	}
	ro.begin(roTrain)
	ro.sOn, ro.hOn, ro.plastic = true, true, true
	for j := 0; j < ro.nR; j++ {
		ro.s.setRate(j, 10, 1.78, 0)
		ro.h.setRate(j, 1, 1.78, 0)
	}
	b.ResetTimer()
	s := net.Steps()
	for i := 0; i < b.N; i++ {
		s++
		ro.hookAt(s, float64(s)*net.DT())
	}
}
