package readout

import (
	"testing"

	"github.com/gosnn/gosnn/snn"
)

// docs/MODEL.md section 9 item 14: with the [M] bug-compat switch one refractory clock serves all H
// neurons, so no two H spikes (of any neurons) are closer than the refractory period; with the
// default, per-neuron refractoriness, strongly driven H neurons fire independently and some
// spikes of different neurons fall closer together.
func TestHRefractoriness(t *testing.T) {
	net := smallNet(t, 1, 1)
	for _, shared := range []bool{false, true} {
		p := snn.DefaultInterneuron()
		q := newRoPop(net, p, 4, 3, 11)
		q.sharedRef = shared
		for i := range q.v {
			q.setRate(i, 40, 20, 0) // 40 kHz × 20 pF: far above threshold
		}
		ref := int64(p.TauRef/net.DT() + 0.5)
		var steps []int64
		for s := int64(1); s <= 20000; s++ {
			q.step(s, float64(s)*net.DT())
			for range q.spk {
				steps = append(steps, s)
			}
		}
		if len(steps) < 100 {
			t.Fatalf("shared=%v: only %d H spikes in 2 s; the drive should make them fire often", shared, len(steps))
		}
		minGap := int64(1 << 62)
		for k := 1; k < len(steps); k++ {
			minGap = min(minGap, steps[k]-steps[k-1])
		}
		if shared && minGap <= ref {
			t.Errorf("shared refractoriness: two H spikes %d steps apart, want > %d", minGap, ref)
		}
		if !shared && minGap > ref {
			t.Errorf("per-neuron refractoriness: closest H spikes %d steps apart; independent neurons should come closer than %d", minGap, ref)
		}
	}
}
