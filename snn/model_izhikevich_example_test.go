package snn_test

import (
	"fmt"

	"github.com/gosnn/gosnn/snn"
)

// Izhikevich's regular-spiking neuron as a population of its own, driven by a dense Poisson
// input (100 events per ms of 0.03 pF: a nearly constant 3-nS excitatory conductance). It
// fires tonically and adapts: the first interspike interval is shorter than the last.
func ExampleIzhikevichParams() {
	cfg := snn.DefaultConfig()
	cfg.NE, cfg.NI, cfg.Clusters = 0, 0, 0
	net, err := snn.New(cfg)
	if err != nil {
		fmt.Println(err)
		return
	}
	rs := snn.IzhikevichParams(100, 0.7, -60, -40, 35, 0.03, -2, -50, 100)
	id, err := net.AddPopulation("RS", rs, 1, snn.Drive{Rate: 100, Weight: 0.03})
	if err != nil {
		fmt.Println(err)
		return
	}
	mon, _ := net.RecordSpikes(id, nil)
	if err := net.Run(1000); err != nil {
		fmt.Println(err)
		return
	}
	t := mon.Spikes().Time
	first, last := t[1]-t[0], t[len(t)-1]-t[len(t)-2]
	fmt.Println("model:", rs.Model)
	fmt.Println("spikes in 1 s:", len(t))
	fmt.Printf("first and last interspike interval: %.1f ms, %.1f ms\n", first, last)
	// Output:
	// model: Izhikevich
	// spikes in 1 s: 23
	// first and last interspike interval: 36.2 ms, 41.8 ms
}
