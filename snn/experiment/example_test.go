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
