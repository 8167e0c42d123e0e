package sweep_test

import (
	"fmt"
	"os"

	"github.com/gosnn/gosnn/snn/experiment"
	"github.com/gosnn/gosnn/sweep"
)

// A sweep of the spontaneous experiment: two network sizes × three seeds, run on this
// machine, then collected into a table with the mean over the seeds.
func Example() {
	o := experiment.DefaultSpontaneous()
	o.NI, o.Clusters, o.DurationMs = 20, 4, 200
	spec, err := sweep.For(o)
	if err != nil {
		panic(err)
	}
	spec.Params = []sweep.Param{sweep.Values("NE", 80, 160)}
	seeds := sweep.Span("Seed", 1, 3, 1)
	spec.Seeds = &seeds

	dir, err := os.MkdirTemp("", "sweep-example")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	if _, err := sweep.Run(spec, dir, sweep.Local{}, nil); err != nil {
		panic(err)
	}
	tb, err := sweep.Collect(dir)
	if err != nil {
		panic(err)
	}
	fmt.Println(tb.Columns)
	for _, s := range tb.Summary("NE", "RateE") {
		fmt.Printf("NE %v: %d seeds, mean rate > 0: %v\n", s.X, s.N, s.Mean > 0)
	}
	// Output:
	// [index id state NE Seed RateE RateI Spikes Hash]
	// NE 80: 3 seeds, mean rate > 0: true
	// NE 160: 3 seeds, mean rate > 0: true
}

// The tasks of a spec: the first axis varies slowest, the seeds fastest.
func ExampleSpec_Expand() {
	spec, err := sweep.ParseSpec([]byte(`{
		"kind": "spontaneous",
		"options": {"NI": 20, "Clusters": 4, "DurationMs": 200},
		"params": [{"name": "NE", "values": [80, 160]}],
		"seeds": {"name": "Seed", "range": {"from": 1, "to": 2, "step": 1}}
	}`))
	if err != nil {
		panic(err)
	}
	tasks, err := spec.Expand()
	if err != nil {
		panic(err)
	}
	for _, t := range tasks {
		fmt.Println(t.Index, string(t.Param("NE")), string(t.Param("Seed")))
	}
	// Output:
	// 0 80 1
	// 1 80 2
	// 2 160 1
	// 3 160 2
}
