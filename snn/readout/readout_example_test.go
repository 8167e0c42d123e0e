package readout_test

import (
	"context"
	"fmt"
	"strings"

	"github.com/gosnn/gosnn/snn"
	"github.com/gosnn/gosnn/snn/readout"
)

// Build a supervisor pattern from "on" intervals and read back its element order.
func ExamplePatternFromIntervals() {
	p, err := readout.PatternFromIntervals(2, 300, 0.1, readout.SupervisorOn, readout.SupervisorBaseline,
		[]string{"X", "Y"}, []readout.Interval{{Element: 0, Start: 25, End: 100}, {Element: 1, Start: 100, End: 300}})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(p.Elements(), p.Steps(), p.Duration())
	fmt.Println(p.Rates[0][249], p.Rates[0][250], p.Rates[1][250], p.Rates[1][1000])
	for _, e := range p.ElementOrder() {
		fmt.Print(p.Name(e), " ")
	}
	fmt.Println()
	// Output:
	// 2 3001 300
	// 1 10 1 10
	// X Y
}

// Interval lists can be read from text, one "ELEMENT START END" per line.
func ExampleParseIntervals() {
	iv, names, end, err := readout.ParseIntervals(strings.NewReader("# DEDED\nD 25 100\nE 100 175\nD 175 250\n"))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(names, end, len(iv))
	// Output: [D E] 250 3
}

// The error measure of docs/MODEL.md 7.4 normalises both matrices, so a read-out that follows the
// target up to scale and offset has error 0, and a silent one has the mean of the normalised
// target: the fraction of on-time, 3750 of 3 × 4001 columns for ABCBA.
func ExampleError() {
	target := readout.ABCBA().Rates
	scaled := make([][]float64, len(target))
	silent := make([][]float64, len(target))
	for e, row := range target {
		scaled[e] = make([]float64, len(row))
		silent[e] = make([]float64, len(row))
		for k, v := range row {
			scaled[e][k] = 3*v + 7
		}
	}
	e1, _ := readout.Error(target, scaled)
	e2, _ := readout.Error(target, silent)
	fmt.Printf("%.3f %.3f\n", e1, e2)
	// Output: 0.000 0.312
}

// The authors' reversed-row error (docs/MODEL.md section 9 item 20) beside gosnn's row-to-row
// error: a perfect ABCBA replay scores 0 row to row, but not with the rows reversed (A and C
// swap; B, the middle row, stays).
func ExampleErrorWith() {
	target := readout.ABCBA().Rates
	rowToRow, _ := readout.ErrorWith(readout.RowToRow, target, target)
	reversed, _ := readout.ErrorWith(readout.ReversedRows, target, target)
	fmt.Printf("%v %.3f %v\n", rowToRow, reversed, reversed > 0)
	// Output: 0 0.375 true
}

// The cyclic order of ABCBA: the last A merges with the next cycle's first A.
func ExampleCyclicOrder() {
	p := readout.ABCBA()
	for _, e := range readout.CyclicOrder(p.ElementOrder()) {
		fmt.Print(p.Name(e))
	}
	fmt.Println()
	tr, errs := readout.OrderErrors([]int{2, 1, 0, 1, 2, 2, 0}, readout.CyclicOrder(p.ElementOrder()))
	fmt.Println(tr, errs)
	// Output:
	// ABCB
	// 5 1
}

// The bird-song supervisor's rows run from high to low frequency: 45 bands of 172 Hz from
// 8441 Hz (row 0) down to 861 Hz.
func ExampleSongSupervisorParams_BandFrequencies() {
	f := readout.DefaultSongSupervisorParams().BandFrequencies(44100)
	fmt.Printf("%d bands: %.0f, %.0f, ..., %.0f Hz\n", len(f), f[0], f[1], f[len(f)-1])
	// Output: 45 bands: 8441, 8269, ..., 861 Hz
}

// The soft bound: LTP shrinks as the weight approaches WMax = 25.
func ExampleSynapseUpdate() {
	p := snn.DefaultReadoutPlasticity()
	for _, w := range []float64{0, 12.5, 24, 25} {
		fmt.Printf("%.4f ", readout.SynapseUpdate(&p, w, 0.1, 1, false, -39, -60, -80)-w)
	}
	fmt.Println()
	// Output: 0.0080 0.0040 0.0003 0.0000
}

// Attach a read-out layer to a (here small, random) network, train it on ABCBA and replay.
// On the authors' trained matrix, RunExperiment does all of this and reports the
// measures of docs/MODEL.md 7.4 and A14.
func ExampleNew() {
	cfg := snn.DefaultConfig()
	cfg.NE, cfg.NI, cfg.Clusters, cfg.Threads = 400, 100, 5, 1
	net, err := snn.New(cfg)
	if err != nil {
		fmt.Println(err)
		return
	}
	ro, err := readout.New(net, readout.DefaultConfig(), readout.ABCBA())
	if err != nil {
		fmt.Println(err)
		return
	}
	tr, err := ro.Train(context.Background(), 500, 0)
	if err != nil {
		fmt.Println(err)
		return
	}
	grown, inBounds := 0, true
	for _, row := range ro.Weights() {
		for _, w := range row {
			if w > 0 {
				grown++
			}
			inBounds = inBounds && w >= 0 && w < 25
		}
	}
	res, err := ro.Replay(context.Background(), 200, readout.DefaultReplayOptions())
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(ro.Size(), len(tr.CycleStarts) > 0, grown > 0, inBounds, len(res.Rates), len(res.Rates[0]))
	// Output: 3 true true true 3 2000
}
