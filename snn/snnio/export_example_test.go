package snnio

import (
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/gosnn/gosnn/snn"
)

func ExampleSaveSpikes() {
	dir, err := os.MkdirTemp("", "spikes")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	// Spike times are step × dt, as the simulator records them: 212 × 0.1 ms is
	// 21.200000000000003 in float64. The file holds them on the 0.1-ms grid.
	dt := 0.1
	steps := []int64{212, 1003}
	sp := &snn.Spikes{}
	for i, s := range steps {
		sp.Time = append(sp.Time, float64(s)*dt)
		sp.Neuron = append(sp.Neuron, int32(17+i))
	}
	fmt.Println(sp.Time[0])
	path := filepath.Join(dir, "spikes.csv")
	if err := SaveSpikes(path, sp, dt); err != nil {
		log.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Print(string(data))
	back, err := LoadSpikes(path)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(back.Time, back.Neuron)
	// Output:
	// 21.200000000000003
	// time_ms,neuron
	// 21.2,17
	// 100.3,18
	// [21.2 100.3] [17 18]
}
