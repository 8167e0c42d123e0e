package snn

import (
	"fmt"
	"testing"
)

// docs/MODEL.md section 9 item 14: with NeuronParams.SharedRefractory (the [M] bug-compat switch
// for H) one refractory clock serves the whole population, so no two spikes (of any neurons)
// are closer than the refractory period; with the default, per-neuron refractoriness, strongly
// driven neurons fire independently and some spikes of different neurons fall closer together.
// The shared population is one worker's, so the result is the same with 1 and 2 threads.
func TestSharedRefractory(t *testing.T) {
	for _, threads := range []int{1, 2} {
		for _, shared := range []bool{false, true} {
			t.Run(fmt.Sprintf("threads=%d/shared=%v", threads, shared), func(t *testing.T) {
				net := mustNet(t, emptyConfig())
				if err := net.SetThreads(threads); err != nil {
					t.Fatal(err)
				}
				p := DefaultInterneuron()
				p.SharedRefractory = shared
				// 40 kHz × 20 pF: far above threshold.
				id := mustPop(t, net, "H", p, 4, Drive{Rate: 40, Weight: 20})
				mon, err := net.RecordSpikes(id, nil)
				if err != nil {
					t.Fatal(err)
				}
				if err := net.Run(2000); err != nil {
					t.Fatal(err)
				}
				times := mon.Spikes().Time
				if len(times) < 100 {
					t.Fatalf("only %d H spikes in 2 s; the drive should make them fire often", len(times))
				}
				ref := p.TauRef + net.DT()/2
				minGap := 1e9
				for k := 1; k < len(times); k++ {
					minGap = min(minGap, times[k]-times[k-1])
				}
				if shared && minGap <= ref {
					t.Errorf("shared refractoriness: two H spikes %.2f ms apart, want > %v", minGap, p.TauRef)
				}
				if !shared && minGap > ref {
					t.Errorf("per-neuron refractoriness: closest H spikes %.2f ms apart; independent neurons should come closer than %v", minGap, p.TauRef)
				}
			})
		}
	}
}
