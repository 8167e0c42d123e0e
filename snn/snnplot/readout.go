package snnplot

import (
	"fmt"
	"image/color"
	"math"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
)

// ReadoutOptions configures Readout. The zero value draws two heatmaps with 1 ms per column
// starting at 0 ms.
type ReadoutOptions struct {
	// T0 is the time of column 0 of both matrices, in ms.
	T0 float64
	// TargetDt and ActivityDt are the time steps (ms per column) of the target and the
	// activity; zero means 1 ms. Supervisor patterns are often at 0.1 ms (docs/MODEL.md section 7.3)
	// and read-out rates in 1 ms bins: the panels are aligned in time either way.
	TargetDt, ActivityDt float64
	// Elements names the sequence elements (rows), e.g. "A", "B", "C"; it labels the y axis
	// (or the legend with Lines). Nil means row indices.
	Elements []string
	// Lines draws one line per element in each panel instead of heatmaps.
	Lines bool
	// Freqs gives the frequency (Hz) each element codes, e.g. the band centres of a song's
	// supervisor (readout.SongSupervisorParams.BandFrequencies). With Freqs the heatmaps place the
	// rows by frequency, lowest at the bottom, on a frequency axis in kHz (as Spectrogram),
	// whatever the order of the rows, and Elements is not used. The frequencies must be
	// distinct and evenly spaced. Lines ignores Freqs.
	Freqs []float64
	// MaxPixels bounds the heatmap resolution as in HeatOptions; zero means DefaultMaxPixels.
	MaxPixels int
	// Title is the title of the top panel; empty means none.
	Title string
	// ActivityLabel names the activity and its unit (colour bar or y axis of the lower
	// panel); empty means "rate (Hz)".
	ActivityLabel string
}

// Readout draws a read-out target pattern (element x time, e.g. the supervisor pattern,
// values in [0, 1]) above the read-out activity (element x time, e.g. rates in Hz), aligned in
// time, as two heatmaps with their own colour bars or (opt.Lines) two line panels. Element 0
// is at the bottom of each heatmap, or, with opt.Freqs, the lowest frequency. The two matrices must have the same number of rows.
// Patterns and read-out rates kept as [][]float64 (rows[element][column]) can be passed
// through Rows.
func Readout(target, activity mat.Matrix, opt ReadoutOptions) (*Figure, error) {
	if err := checkMatrix("Readout target", target); err != nil {
		return nil, err
	}
	if err := checkMatrix("Readout activity", activity); err != nil {
		return nil, err
	}
	rt, ct := target.Dims()
	ra, ca := activity.Dims()
	if rt != ra {
		return nil, fmt.Errorf("snnplot: Readout: target has %d elements (rows) but activity has %d", rt, ra)
	}
	if opt.Elements != nil && len(opt.Elements) != rt {
		return nil, fmt.Errorf("snnplot: Readout: %d element names for %d elements", len(opt.Elements), rt)
	}
	dtT, dtA := opt.TargetDt, opt.ActivityDt
	for _, v := range []float64{opt.T0, dtT, dtA} {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("snnplot: Readout: option value %v is not finite", v)
		}
	}
	if dtT < 0 || dtA < 0 {
		return nil, fmt.Errorf("snnplot: Readout: negative time step (TargetDt %v, ActivityDt %v)", dtT, dtA)
	}
	if dtT == 0 {
		dtT = 1
	}
	if dtA == 0 {
		dtA = 1
	}
	t0 := opt.T0
	t1 := t0 + math.Max(float64(ct)*dtT, float64(ca)*dtA)
	if !(t1 > t0) || math.IsInf(t1-t0, 0) {
		return nil, fmt.Errorf("snnplot: Readout: time span [%v, %v] is empty or too wide to draw", t0, t1)
	}
	var top, bottom *plot.Plot
	var f *Figure
	if opt.Lines {
		var err error
		if top, err = elementLines(target, t0, dtT, opt.Elements, "target"); err != nil {
			return nil, err
		}
		if bottom, err = elementLines(activity, t0, dtA, nil, orDefault(opt.ActivityLabel, "read-out rate (Hz)")); err != nil {
			return nil, err
		}
		f = Column(top, bottom)
	} else {
		ylabel := "element"
		y0, yn := 0.0, float64(rt)
		cells := true
		if opt.Freqs != nil {
			// Rows placed by frequency, lowest at the bottom, on a kHz axis.
			order, lo, hi, err := frequencyAxis(opt.Freqs, rt)
			if err != nil {
				return nil, err
			}
			target, activity = freqRows{target, order}, freqRows{activity, order}
			y0, yn, cells, ylabel = lo, hi, false, "frequency (kHz)"
		}
		ft, pt, err := heatFigure(HeatOptions{MaxPixels: opt.MaxPixels}, "target", heatPanel{
			m: target, x0: t0, x1: t0 + float64(ct)*dtT, y0: y0, yn: yn, yCells: cells, ylabel: ylabel})
		if err != nil {
			return nil, err
		}
		fa, pa, err := heatFigure(HeatOptions{MaxPixels: opt.MaxPixels}, orDefault(opt.ActivityLabel, "rate (Hz)"), heatPanel{
			m: activity, x0: t0, x1: t0 + float64(ca)*dtA, y0: y0, yn: yn, yCells: cells, ylabel: ylabel,
			xlabel: "time (ms)"})
		if err != nil {
			return nil, err
		}
		top, bottom = pt[0], pa[0]
		f = &Figure{Rows: append(ft.Rows, fa.Rows...), FixedWidths: ft.FixedWidths}
		if opt.Elements != nil && opt.Freqs == nil {
			top.Y.Tick.Marker = cellTicks{n: float64(rt), names: opt.Elements}
			bottom.Y.Tick.Marker = cellTicks{n: float64(ra), names: opt.Elements}
		}
	}
	top.Title.Text = opt.Title
	top.X.Label.Text = ""
	for _, p := range []*plot.Plot{top, bottom} {
		p.X.Min, p.X.Max = t0, t1
	}
	bottom.X.Label.Text = "time (ms)"
	return f, nil
}

// elementLines plots each row of m against time, one line per element, with a legend if
// names is not nil.
func elementLines(m mat.Matrix, t0, dt float64, names []string, ylabel string) (*plot.Plot, error) {
	r, c := m.Dims()
	p := plot.New()
	p.Y.Label.Text = ylabel
	p.X.Tick.Marker, p.Y.Tick.Marker = plainTicks{}, plainTicks{}
	for k := range r {
		xy := make(plotter.XYs, c)
		for j := range c {
			xy[j].X = t0 + float64(j)*dt
			xy[j].Y = m.At(k, j)
			if math.IsNaN(xy[j].Y) || math.IsInf(xy[j].Y, 0) {
				return nil, fmt.Errorf("snnplot: Readout: %s row %d column %d is %v", ylabel, k, j, xy[j].Y)
			}
		}
		l, err := plotter.NewLine(xy)
		if err != nil {
			return nil, fmt.Errorf("snnplot: Readout: %w", err)
		}
		l.Color = color.Color(ClusterColor(k))
		l.Width = vg.Points(1)
		p.Add(l)
		if names != nil {
			p.Legend.Add(names[k], l)
		}
	}
	p.Legend.Top = true
	// A constant series gets a visible range even when its value is too large for the
	// plot's own padding of ±1.
	ymin, ymax := math.Inf(1), math.Inf(-1)
	for k := range r {
		for j := range c {
			ymin, ymax = math.Min(ymin, m.At(k, j)), math.Max(ymax, m.At(k, j))
		}
	}
	switch {
	case !(ymax > ymin):
		d := math.Max(1, 1e-6*math.Abs(ymin))
		p.Y.Min, p.Y.Max = ymin-d, ymax+d
	case names != nil && !math.IsInf(ymax-ymin, 0):
		p.Y.Max = ymax + 0.3*(ymax-ymin) // headroom for the legend
	}
	return p, nil
}
