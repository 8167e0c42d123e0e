package experiment_test

import (
	"context"
	"fmt"
	"os"

	"github.com/gosnn/gosnn/snn/experiment"
)

// A small training run from JSON fields, as a sweep task or a notebook would start it: the
// options are the kind's defaults overlaid with the fields given, and the run's files go into
// Env.Dir (a second Run there would resume).
func ExampleDecodeKind() {
	opts, err := experiment.DecodeKind("train", []byte(`{"preset": "reduced", "clusters": 4, "cluster_size": 20, "time_scale": 0.005}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	dir, err := os.MkdirTemp("", "train")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	res, err := opts.Run(context.Background(), experiment.Env{Dir: dir, Threads: 1})
	if err != nil {
		fmt.Println(err)
		return
	}
	r := res.(*experiment.TrainResult)
	fmt.Printf("%s: %d neurons, %d phases (%d resumed), %.2f s simulated\n", r.Kind(), r.Neurons, r.Phases, r.Resumed, r.SimSeconds)
	// Output:
	// train: 100 neurons, 24 phases (0 resumed), 0.94 s simulated
}

// The JSON envelope of options: what gosnn exp run FILE.json reads.
func ExampleEncodeOptions() {
	o := experiment.DefaultBenchOptions()
	o.Scenario, o.DurationMs = "plastic", 500
	js, err := experiment.EncodeOptions(o)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(string(js))
	// Output:
	// {
	//   "schema": 1,
	//   "kind": "bench",
	//   "options": {
	//     "scenario": "plastic",
	//     "duration_ms": 500,
	//     "seed": 1,
	//     "size": "1x"
	//   }
	// }
}

// A replay of the authors' synfire-ring control (docs/MODEL.md 7.5 item 6): no weight file,
// the network is built by snn.SynfireRing; its 120 neurons are read as 12 groups of 10, which
// the activity visits in increasing order.
func ExampleReplayOptions_control() {
	opts, err := experiment.DecodeKind("replay", []byte(`{"control": "synfire", "duration_ms": 1000, "seed": 2}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	res, err := opts.Run(context.Background(), experiment.Env{Threads: 1})
	if err != nil {
		fmt.Println(err)
		return
	}
	r := res.(*experiment.ReplayResult)
	fmt.Printf("%s: %d groups of %d; %d transitions, %.3f in order %s, %.3f the other way; period %.1f ms\n",
		r.Control, r.Clusters, r.ClusterSize, r.Transitions, float64(r.InOrderFraction), r.Order, float64(r.OppositeFraction), float64(r.PeriodMs))
	// Output:
	// synfire: 12 groups of 10; 43 transitions, 1.000 in order up, 0.000 the other way; period 255.5 ms
}
