package snnplot

import (
	"fmt"
	"image/color"
	"math"

	"gonum.org/v1/plot/vg/draw"

	"github.com/gosnn/gosnn/snn"
	"github.com/gosnn/gosnn/snn/readout"
)

// PatternReadout draws the replay of read-out group g (the g-th pattern given to
// readout.New) with Readout: on top, the group's pattern (min-max normalised, docs/MODEL.md
// section 7.3) laid down from every cycle start the replay detected; below, the read-out
// activity of the group's R neurons (spike trains smoothed with the read-out kernel, docs/MODEL.md
// section 7.4). Time is network time in ms; element names come from the pattern.
// It returns an error if g is not a group of ro or no cycle start was detected.
func PatternReadout(ro *readout.Layer, res *readout.ReplayResult, g int, opt ReadoutOptions) (*Figure, error) {
	if ro == nil || res == nil {
		return nil, fmt.Errorf("snnplot: PatternReadout: nil read-out or replay result")
	}
	pats := ro.Patterns()
	if g < 0 || g >= len(pats) {
		return nil, fmt.Errorf("snnplot: PatternReadout: group %d outside 0..%d", g, len(pats)-1)
	}
	target, activity, err := replayPanels(ro, res, g)
	if err != nil {
		return nil, err
	}
	opt.T0 = res.Start + res.DT
	opt.TargetDt, opt.ActivityDt = res.DT, res.DT
	if opt.Elements == nil && len(pats[g].Names) == len(target) {
		opt.Elements = pats[g].Names
	}
	if opt.ActivityLabel == "" {
		opt.ActivityLabel = "read-out activity"
	}
	tm, err := Rows(target)
	if err != nil {
		return nil, err
	}
	am, err := Rows(activity)
	if err != nil {
		return nil, err
	}
	return Readout(tm, am, opt)
}

// replayPanels returns the target (the normalised pattern of group g tiled from each detected
// cycle start) and the activity rows of group g, both on the replay's grid: column k is time
// res.Start + (k+1)·res.DT, as in readout.ReplayResult.Window.
func replayPanels(ro *readout.Layer, res *readout.ReplayResult, g int) (target, activity [][]float64, err error) {
	p := ro.Patterns()[g]
	from, to := ro.Group(g)
	if to > len(res.Rates) || len(res.Rates) == 0 {
		return nil, nil, fmt.Errorf("snnplot: PatternReadout: the replay holds %d read-out rows, group %d needs rows %d..%d", len(res.Rates), g, from, to-1)
	}
	if !(res.DT > 0) || math.IsInf(res.DT, 0) {
		return nil, nil, fmt.Errorf("snnplot: PatternReadout: replay time step %v ms", res.DT)
	}
	if len(res.CycleStarts) == 0 {
		return nil, nil, fmt.Errorf("snnplot: PatternReadout: no cycle start was detected in the replay, so the target cannot be aligned")
	}
	cols := len(res.Rates[from])
	activity = res.Rates[from:to]
	for j, r := range activity {
		if len(r) != cols {
			return nil, nil, fmt.Errorf("snnplot: PatternReadout: read-out row %d has %d columns, row 0 has %d", j, len(r), cols)
		}
	}
	norm := p.Normalized()
	steps := p.Steps()
	if math.Abs(p.DT-res.DT) > 1e-9*res.DT {
		return nil, nil, fmt.Errorf("snnplot: PatternReadout: pattern step %v ms differs from the replay's %v ms", p.DT, res.DT)
	}
	target = make([][]float64, len(norm))
	for e := range target {
		target[e] = make([]float64, cols)
	}
	for _, start := range res.CycleStarts {
		c0 := int(math.Round((start-res.Start)/res.DT)) - 1
		for k := max(0, -c0); k < steps && c0+k < cols; k++ {
			for e := range target {
				target[e][c0+k] = norm[e][k]
			}
		}
	}
	return target, activity, nil
}

// ReadoutWeights draws the E->R weights of a read-out layer as a heatmap, one row per R neuron
// (row 0 at the top, labelled with its element's name when every pattern names its elements)
// against the presynaptic E neuron, with the boundaries of the network's clusters: after learning, each R neuron's weight sits on the clusters active while its
// element is on (docs/MODEL.md section 8 A14).
func ReadoutWeights(ro *readout.Layer, cl snn.Clusters, opt HeatOptions) (*Figure, error) {
	if ro == nil {
		return nil, fmt.Errorf("snnplot: ReadoutWeights: nil read-out")
	}
	if err := checkClusters(cl); err != nil {
		return nil, err
	}
	w := ro.Weights()
	m, err := Rows(w)
	if err != nil {
		return nil, fmt.Errorf("snnplot: ReadoutWeights: %w", err)
	}
	r, c := m.Dims()
	f, plots, err := heatFigure(opt, "weight (pF)", heatPanel{
		m: m, x0: 0, x1: float64(c), yn: float64(r), flipY: true, xCells: true, yCells: true,
		xlabel: orDefault(opt.XLabel, "presynaptic E neuron"),
		ylabel: orDefault(opt.YLabel, "read-out neuron"),
		title:  opt.Title,
	})
	if err != nil {
		return nil, err
	}
	var names []string
	for _, p := range ro.Patterns() {
		if len(p.Names) != p.Elements() {
			names = nil
			break
		}
		names = append(names, p.Names...)
	}
	if len(names) == r {
		plots[0].Y.Tick.Marker = cellTicks{n: float64(r), flip: true, names: names}
	}
	if cl.Count() > 0 {
		plots[0].Add(boundaryLines{
			bounds: cl.Bounds, nx: float64(c), ny: float64(r), columnsOnly: true,
			style: draw.LineStyle{Color: color.NRGBA{R: 0x50, G: 0x50, B: 0x50, A: 0x80}, Width: 0.5},
		})
	}
	return f, nil
}
