package snn

import (
	"bytes"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// TestDeliveryCopy: with the delivery copy a network gives the state, bit for bit, of the same
// network delivering from the weights themselves, whatever writes its weights between runs and
// during them; each script is one of the ways the weights change, so a write the copy missed
// delivers stale weights and fails its case.
func TestDeliveryCopy(t *testing.T) {
	scale := func(n *Network, id ProjID, f float64) {
		t.Helper()
		w, err := n.Weights(id)
		if err != nil {
			t.Fatal(err)
		}
		w.Scale(f, w)
		if err := n.SetWeights(id, w); err != nil {
			t.Fatal(err)
		}
	}
	run := func(n *Network, ms float64) {
		t.Helper()
		if err := n.Run(ms); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		name   string
		script func(n *Network)
	}{
		{"frozen", func(n *Network) { run(n, 150) }},
		{"SetWeights between runs", func(n *Network) {
			run(n, 50)
			scale(n, ProjEtoE, 1.6)
			run(n, 50)
			scale(n, ProjItoE, 0.5)
			run(n, 50)
		}},
		{"SetWeightRows between runs", func(n *Network) {
			run(n, 50)
			N := n.Size(PopE) + n.Size(PopI)
			m := n.WeightMatrix()
			m.Scale(1.5, m)
			if err := n.SetWeightRows(func(i int, row []float64) error { mat.Row(row, i, m); return nil }); err != nil {
				t.Fatal(err)
			}
			_ = N
			run(n, 60)
		}},
		{"SetWeights in OnStep", func(n *Network) {
			w, _ := n.Weights(ProjEtoE)
			strong := mat.DenseCopyOf(w)
			strong.Scale(1.7, strong)
			if err := n.OnStep(func(s Step) {
				if s.S == 437 || s.S == 900 { // mid-chunk, then again the next chunk
					if err := n.SetWeights(ProjEtoE, strong); err != nil {
						t.Error(err)
					}
					strong.Scale(0.9, strong)
				}
			}); err != nil {
				t.Fatal(err)
			}
			run(n, 150)
		}},
		{"ReadState", func(n *Network) {
			var before bytes.Buffer
			if err := n.WriteState(&before); err != nil {
				t.Fatal(err)
			}
			run(n, 40)
			scale(n, ProjEtoE, 2)
			run(n, 40)
			if err := n.ReadState(&before); err != nil {
				t.Fatal(err)
			}
			run(n, 60)
		}},
		{"open loop", func(n *Network) {
			attachPaperRules(t, n)
			run(n, 40)
			if err := n.SetOpenLoop(ProjEtoE, true); err != nil {
				t.Fatal(err)
			}
			run(n, 60)
			if err := n.SetOpenLoop(ProjEtoE, false); err != nil {
				t.Fatal(err)
			}
			run(n, 40)
		}},
		{"plastic and frozen phases", func(n *Network) {
			attachPaperRules(t, n)
			for k := 0; k < 3; k++ {
				n.SetPlastic(true)
				run(n, 40)
				n.SetPlastic(false)
				run(n, 30)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var states [2][]byte
			var spikes [2]int64
			defer func(pays float64) { deliveryPays = pays }(deliveryPays)
			deliveryPays = 0 // copy at once, so that the copy is what the scripts exercise
			for k, copyOn := range []bool{false, true} {
				old := useDeliveryCopy
				useDeliveryCopy = copyOn
				n := smallNet(t, 2, 7)
				if err := n.SetRates(PopE, 0, 400, 6); err != nil {
					t.Fatal(err)
				}
				tt.script(n)
				useDeliveryCopy = old
				var b bytes.Buffer
				if err := n.WriteState(&b); err != nil {
					t.Fatal(err)
				}
				states[k], spikes[k] = b.Bytes(), n.SpikeCount(PopE)+n.SpikeCount(PopI)
			}
			if spikes[0] < 100 {
				t.Fatalf("%d spikes: too few to compare", spikes[0])
			}
			if !bytes.Equal(states[0], states[1]) {
				t.Errorf("with the delivery copy: %d spikes and another state; without: %d spikes", spikes[1], spikes[0])
			}
		})
	}
}

// TestDeliveryCopyMemory: without room for a copy, delivery reads the weights themselves, with
// the same results, and tries again later.
func TestDeliveryCopyMemory(t *testing.T) {
	defer func(room func() uint64, pays float64) { deliveryRoom, deliveryPays = room, pays }(deliveryRoom, deliveryPays)
	deliveryPays = 0
	deliveryRoom = func() uint64 { return 1 << 10 } // 1 KiB
	n := smallNet(t, 1, 3)
	if err := n.Run(30); err != nil {
		t.Fatal(err)
	}
	for id, pr := range n.projs {
		if pr.useWd || pr.wd != nil {
			t.Errorf("projection %d: a copy (%d weights) without the memory for it", id, len(pr.wd))
		}
	}
	deliveryRoom = func() uint64 { return 0 } // unknown: copy
	if err := n.Run(30); err != nil {
		t.Fatal(err)
	}
	if !n.projs[ProjEtoE].useWd {
		t.Error("E→E not copied once the memory is there")
	}
}
