package snnplot

import (
	"fmt"
	"image/color"
	"math"
	"strconv"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/gosnn/gosnn/snn/readout"
)

// ReadoutRowsOptions configures ReadoutRows.
type ReadoutRowsOptions struct {
	// Marks are network times (ms) marked by a dashed red line across the replay panels, e.g.
	// the deletion of E->R synapses (res.Start + DeleteAt); MarkLabel says what they mark in
	// the title ("deletion", say).
	Marks     []float64
	MarkLabel string
	// NoRaster omits the bottom row, the raster of the group's read-out spikes.
	NoRaster bool
	// Title is the figure's title, above the replay column; empty means a default naming the
	// elements.
	Title string
}

// ReadoutRows draws the replay of read-out group g in the layout of the paper's Fig 4: one row
// per element (read-out neuron), with, side by side, the element's target (its min-max
// normalised pattern over one pattern length, on the left) and its replay (on the right: the
// read-out activity, the spike train smoothed with the kernel of docs/MODEL.md section 7.4, over
// the target laid from every detected cycle start as a grey band, in the same time as the
// network). opt.Marks draws lines at given times (the deletion of a third of the E->R
// synapses, say). A last row shows the raster of the group's read-out spikes, one line per
// element. It returns an error if g is not a group of ro or the replay detected no cycle start.
func ReadoutRows(ro *readout.Layer, res *readout.ReplayResult, g int, opt ReadoutRowsOptions) (*Figure, error) {
	if ro == nil || res == nil {
		return nil, fmt.Errorf("snnplot: ReadoutRows: nil read-out or replay result")
	}
	pats := ro.Patterns()
	if g < 0 || g >= len(pats) {
		return nil, fmt.Errorf("snnplot: ReadoutRows: group %d outside 0..%d", g, len(pats)-1)
	}
	for _, m := range opt.Marks {
		if math.IsNaN(m) || math.IsInf(m, 0) {
			return nil, fmt.Errorf("snnplot: ReadoutRows: mark at %v ms", m)
		}
	}
	target, activity, err := replayPanels(ro, res, g)
	if err != nil {
		return nil, fmt.Errorf("snnplot: ReadoutRows: %w", trimPrefix(err))
	}
	p := pats[g]
	norm := p.Normalized()
	from, to := ro.Group(g)
	if !opt.NoRaster && len(res.RTimes) < to {
		return nil, fmt.Errorf("snnplot: ReadoutRows: the replay holds spike times of %d R neurons, the raster of group %d needs %d", len(res.RTimes), g, to)
	}
	t0, t1 := res.Start, res.Start+float64(len(activity[0]))*res.DT
	f := &Figure{ColWidths: []float64{1.6, 4}}
	for e := range activity {
		name := p.Name(e)
		col := ClusterColor(e)
		// Left: the target over one pattern length.
		left := plot.New()
		left.Y.Label.Text = name
		left.X.Tick.Marker, left.Y.Tick.Marker = endTicks{}, plainTicks{}
		if err := addTrace(left, norm[e], 0, p.DT, nil, col, true); err != nil {
			return nil, err
		}
		left.X.Min, left.X.Max = 0, p.Duration()
		left.Y.Min, left.Y.Max = 0, 1.05
		// Right: the replay over the target laid from each cycle start.
		right := plot.New()
		right.X.Tick.Marker, right.Y.Tick.Marker = plainTicks{}, twoTicks{}
		peak := 0.0
		for _, v := range activity[e] {
			peak = math.Max(peak, v)
		}
		scale := math.Max(peak, 1)
		if err := addTrace(right, target[e], t0+res.DT, res.DT, func(v float64) float64 { return v * scale }, color.Gray{Y: 0xd8}, true); err != nil {
			return nil, err
		}
		if err := addTrace(right, activity[e], t0+res.DT, res.DT, nil, col, false); err != nil {
			return nil, err
		}
		right.Add(vMarks{xs: opt.Marks})
		right.X.Min, right.X.Max = t0, t1
		right.Y.Min, right.Y.Max = 0, 1.05*scale
		if e == 0 {
			left.Title.Text = "target"
			right.Title.Text = opt.Title
			if right.Title.Text == "" {
				right.Title.Text = fmt.Sprintf("replay of %s (grey: target)", strings.Join(namesOf(p), " "))
				if len(opt.Marks) > 0 && opt.MarkLabel != "" {
					right.Title.Text += "; red: " + opt.MarkLabel
				}
			}
		}
		f.Rows = append(f.Rows, []*plot.Plot{left, right})
	}
	last := f.Rows[len(f.Rows)-1]
	last[0].X.Label.Text = "time in pattern (ms)"
	if opt.NoRaster {
		last[1].X.Label.Text = "time (ms)"
	} else {
		r := plot.New()
		r.X.Label.Text = "time (ms)"
		r.Y.Label.Text = "spikes"
		r.X.Tick.Marker = plainTicks{}
		names := namesOf(p)
		r.Y.Tick.Marker = cellTicks{n: float64(len(activity)), names: names}
		for e := range activity {
			var xy plotter.XYs
			for _, t := range res.RTimes[from+e] {
				if t >= t0 && t <= t1 {
					xy = append(xy, plotter.XY{X: t, Y: float64(e) + 0.5})
				}
			}
			if len(xy) == 0 {
				continue
			}
			sc, err := plotter.NewScatter(xy)
			if err != nil {
				return nil, fmt.Errorf("snnplot: ReadoutRows: %w", err)
			}
			sc.GlyphStyle = draw.GlyphStyle{Shape: barGlyph{}, Radius: 3, Color: ClusterColor(e)}
			r.Add(sc)
		}
		r.Add(vMarks{xs: opt.Marks})
		r.X.Min, r.X.Max = t0, t1
		r.Y.Min, r.Y.Max = 0, float64(len(activity))
		f.Rows = append(f.Rows, []*plot.Plot{nil, r})
	}
	f.Width, f.Height = 18*vg.Centimeter, vg.Length(3.2*float64(len(f.Rows))+1)*vg.Centimeter
	return f, nil
}

// ReadoutSelection draws replays in which external inhibition selected one group of the
// read-out (readout.ReplayOptions.Select, docs/MODEL.md section 7.5 item 1): one column per
// replay, one row per read-out neuron of every group, each panel the neuron's read-out activity
// (spike train smoothed with the read-out kernel). The panels of neurons inhibited in a replay
// (those outside group selected[i]) are shaded grey over the replay, so the figure shows the
// selected sequence playing and the others silent. selected[i] is the group selected in
// reps[i].
func ReadoutSelection(ro *readout.Layer, reps []*readout.ReplayResult, selected []int, title string) (*Figure, error) {
	if ro == nil || len(reps) == 0 || len(reps) != len(selected) {
		return nil, fmt.Errorf("snnplot: ReadoutSelection: need a read-out and one selected group per replay (%d replays, %d groups)", len(reps), len(selected))
	}
	pats := ro.Patterns()
	var names []string
	group := make([]int, 0, ro.Size())
	for g, p := range pats {
		for e := range p.Elements() {
			names = append(names, p.Name(e))
			group = append(group, g)
		}
	}
	f := &Figure{}
	for range group {
		f.Rows = append(f.Rows, make([]*plot.Plot, len(reps)))
	}
	for c, res := range reps {
		sel := selected[c]
		if res == nil || sel < 0 || sel >= len(pats) {
			return nil, fmt.Errorf("snnplot: ReadoutSelection: replay %d: nil, or selected group %d outside 0..%d", c, sel, len(pats)-1)
		}
		if len(res.Rates) != len(group) || !(res.DT > 0) {
			return nil, fmt.Errorf("snnplot: ReadoutSelection: replay %d holds %d read-out rows, the read-out has %d", c, len(res.Rates), len(group))
		}
		// One y range per replay, so that silent rows look silent.
		peak := 1.0
		for _, r := range res.Rates {
			for _, v := range r {
				peak = math.Max(peak, v)
			}
		}
		t0 := res.Start
		t1 := t0 + float64(len(res.Rates[0]))*res.DT
		for j, r := range res.Rates {
			p := plot.New()
			p.X.Tick.Marker, p.Y.Tick.Marker = plainTicks{}, twoTicks{}
			if group[j] != sel {
				p.Add(shade{col: color.Gray{Y: 0xe4}})
			}
			if err := addTrace(p, r, t0+res.DT, res.DT, nil, ClusterColor(j), false); err != nil {
				return nil, err
			}
			p.X.Min, p.X.Max = t0, t1
			p.Y.Min, p.Y.Max = 0, 1.05*peak
			if c == 0 {
				p.Y.Label.Text = names[j]
			}
			if j == 0 {
				p.Title.Text = fmt.Sprintf("selecting %s (grey: inhibited)", strings.Join(namesOf(pats[sel]), " "))
				if title != "" && c == 0 {
					p.Title.Text = title + ": " + p.Title.Text
				}
			}
			if j == len(group)-1 {
				p.X.Label.Text = "time (ms)"
			}
			f.Rows[j][c] = p
		}
	}
	f.Width, f.Height = vg.Length(9*len(reps)+2)*vg.Centimeter, vg.Length(2.2*float64(len(group))+1.5)*vg.Centimeter
	return f, nil
}

// namesOf returns the element names of p (indices when it has none).
func namesOf(p *readout.Pattern) []string {
	out := make([]string, p.Elements())
	for e := range out {
		out[e] = p.Name(e)
	}
	return out
}

// trimPrefix removes the "snnplot: " prefix of err's message so that it can be wrapped.
func trimPrefix(err error) error {
	s := err.Error()
	for _, pre := range []string{"snnplot: PatternReadout: ", "snnplot: "} {
		if strings.HasPrefix(s, pre) {
			return fmt.Errorf("%s", strings.TrimPrefix(s, pre))
		}
	}
	return err
}

// addTrace adds the series v (column k at time t0 + k·dt, mapped through f if not nil) to p
// as a line, filled down to 0 with fill.
func addTrace(p *plot.Plot, v []float64, t0, dt float64, f func(float64) float64, col color.Color, fill bool) error {
	xy := make(plotter.XYs, len(v))
	for k, y := range v {
		if math.IsNaN(y) || math.IsInf(y, 0) {
			return fmt.Errorf("snnplot: read-out value %v at column %d", y, k)
		}
		if f != nil {
			y = f(y)
		}
		xy[k] = plotter.XY{X: t0 + float64(k)*dt, Y: y}
	}
	l, err := plotter.NewLine(xy)
	if err != nil {
		return fmt.Errorf("snnplot: %w", err)
	}
	l.Color = col
	l.Width = vg.Points(1)
	if fill {
		l.FillColor = col
		l.Width = 0
	}
	p.Add(l)
	return nil
}

// endTicks labels only the two ends of an axis (for narrow panels).
type endTicks struct{}

// Ticks implements plot.Ticker.
func (endTicks) Ticks(min, max float64) []plot.Tick {
	return []plot.Tick{{Value: min, Label: strconv.FormatFloat(min, 'g', 6, 64)}, {Value: max, Label: strconv.FormatFloat(max, 'g', 6, 64)}}
}

// twoTicks labels 0 and the largest value with two significant digits that fits the axis (for
// short panels).
type twoTicks struct{}

// Ticks implements plot.Ticker.
func (twoTicks) Ticks(min, max float64) []plot.Tick {
	ts := []plot.Tick{{Value: 0, Label: "0"}}
	if !(max > 0) || math.IsInf(max, 0) {
		return ts
	}
	e := math.Pow(10, math.Floor(math.Log10(max))-1)
	top := math.Floor(max/e) * e
	if top > 0 && top > min {
		ts = append(ts, plot.Tick{Value: top, Label: strconv.FormatFloat(top, 'g', 2, 64)})
	}
	return ts
}

// vMarks draws dashed red vertical lines at xs across the data area.
type vMarks struct{ xs []float64 }

// Plot implements plot.Plotter.
func (m vMarks) Plot(c draw.Canvas, p *plot.Plot) {
	trX, _ := p.Transforms(&c)
	sty := draw.LineStyle{Color: color.NRGBA{R: 0xd0, G: 0x20, B: 0x20, A: 0xff}, Width: vg.Points(1.2),
		Dashes: []vg.Length{vg.Points(4), vg.Points(2)}}
	for _, x := range m.xs {
		if x >= p.X.Min && x <= p.X.Max {
			c.StrokeLine2(sty, trX(x), c.Min.Y, trX(x), c.Max.Y)
		}
	}
}

// shade fills the whole data area with col.
type shade struct{ col color.Color }

// Plot implements plot.Plotter.
func (s shade) Plot(c draw.Canvas, _ *plot.Plot) {
	c.SetColor(s.col)
	var pa vg.Path
	pa.Move(c.Min)
	pa.Line(vg.Point{X: c.Max.X, Y: c.Min.Y})
	pa.Line(c.Max)
	pa.Line(vg.Point{X: c.Min.X, Y: c.Max.Y})
	pa.Close()
	c.Fill(pa)
}

// barGlyph draws a vertical bar two radii tall: a spike in a raster.
type barGlyph struct{}

// DrawGlyph implements draw.GlyphDrawer.
func (barGlyph) DrawGlyph(c *draw.Canvas, sty draw.GlyphStyle, pt vg.Point) {
	c.StrokeLine2(draw.LineStyle{Color: sty.Color, Width: vg.Points(1)}, pt.X, pt.Y-sty.Radius, pt.X, pt.Y+sty.Radius)
}
