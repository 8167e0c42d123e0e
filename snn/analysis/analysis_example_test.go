package analysis

import (
	"fmt"

	"github.com/gosnn/gosnn/snn"
)

func ExampleDetectActivations() {
	// Two clusters of 10 E neurons; cluster 1 fires a burst around 100 ms, cluster 0 around
	// 130 ms, each member once within ±2 ms.
	cl := snn.UniformClusters(2, 10)
	sp := &snn.Spikes{}
	for _, burst := range []struct {
		k      int
		centre float64
	}{{1, 100.5}, {0, 130.5}} {
		for m := 0; m < 10; m++ {
			sp.Time = append(sp.Time, burst.centre+float64(m%5-2))
			sp.Neuron = append(sp.Neuron, int32(10*burst.k+m))
		}
	}
	acts, err := DetectActivations(sp, cl, 0, 200, DefaultActivationOptions())
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, a := range acts {
		fmt.Printf("cluster %d at %.1f ms (above 20 Hz from %.0f to %.0f ms)\n", a.Cluster, a.TimeMs, a.StartMs, a.EndMs)
	}
	// Output:
	// cluster 1 at 100.5 ms (above 20 Hz from 94 to 107 ms)
	// cluster 0 at 130.5 ms (above 20 Hz from 124 to 137 ms)
}

func ExamplePopulationRate() {
	// Neurons 0-2 are E, 3 is I; 6 spikes in a 200-ms window.
	sp := &snn.Spikes{
		Time:   []float64{10, 50, 90, 120, 150, 199},
		Neuron: []int32{0, 1, 3, 0, 3, 2},
	}
	e, _ := PopulationRate(sp, 0, 3, 0, 200)
	i, _ := PopulationRate(sp, 3, 4, 0, 200)
	fmt.Printf("E %.1f Hz, I %.1f Hz\n", e, i)
	// Output:
	// E 6.7 Hz, I 10.0 Hz
}
