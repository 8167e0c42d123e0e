package snnplot

import (
	"fmt"
	"image/color"
	"math"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/gosnn/gosnn/snn"
	"github.com/gosnn/gosnn/snn/analysis"
)

// This file holds convenience figures that take the simulator's own types (networks,
// monitors, replay statistics) rather than plain data.

// NetworkRaster is Raster with the E population size and the clusters taken from net: neurons
// of populations after E (I, and read-out populations added later) are drawn as I neurons.
func NetworkRaster(net *snn.Network, s *snn.Spikes, opt RasterOptions) (*plot.Plot, error) {
	if net == nil {
		return nil, fmt.Errorf("snnplot: NetworkRaster: nil network")
	}
	if opt.NE == 0 {
		opt.NE = net.Size(snn.PopE)
	}
	return Raster(s, net.Clusters(), opt)
}

// MonitorRates plots the population rates (Hz per neuron) counted by a rate monitor of net
// against time (ms), one line per population (E and I when ids is empty), named after the
// populations. The bins are the monitor's; no smoothing is applied.
func MonitorRates(m *snn.RateMonitor, net *snn.Network, title string, ids ...snn.PopID) (*plot.Plot, error) {
	if m == nil || net == nil {
		return nil, fmt.Errorf("snnplot: MonitorRates: nil monitor or network")
	}
	if len(ids) == 0 {
		ids = []snn.PopID{snn.PopE, snn.PopI}
	}
	starts := m.BinTimes()
	if len(starts) == 0 {
		return nil, fmt.Errorf("snnplot: MonitorRates: the monitor has no bins yet (run the network first)")
	}
	bin := net.DT()
	if len(starts) > 1 {
		bin = starts[1] - starts[0]
	}
	p := plot.New()
	p.Title.Text = title
	p.X.Label.Text = "time (ms)"
	p.Y.Label.Text = "rate (Hz)"
	p.X.Tick.Marker, p.Y.Tick.Marker = plainTicks{}, plainTicks{}
	for i, id := range ids {
		if net.Size(id) == 0 {
			return nil, fmt.Errorf("snnplot: MonitorRates: population %d does not exist or is empty", id)
		}
		r := m.Rates(id)
		xy := make(plotter.XYs, len(r))
		for b, v := range r {
			xy[b] = plotter.XY{X: starts[b] + bin/2, Y: v}
		}
		l, err := plotter.NewLine(xy)
		if err != nil {
			return nil, fmt.Errorf("snnplot: MonitorRates: %w", err)
		}
		switch id {
		case snn.PopE:
			l.Color = ExcitatoryRateColor
		case snn.PopI:
			l.Color = InhibitoryRateColor
		default:
			l.Color = ClusterColor(i)
		}
		l.Width = vg.Points(1)
		p.Add(l)
		p.Legend.Add(net.PopName(id), l)
	}
	p.Legend.Top = true
	p.X.Min, p.X.Max = starts[0], starts[len(starts)-1]+bin
	p.Y.Min = 0
	return p, nil
}

// MonitorClusterRateMap draws the per-cluster rates (Hz per neuron) counted by a rate monitor
// of net as a heatmap, cluster against time, like ClusterRateMap.
func MonitorClusterRateMap(m *snn.RateMonitor, net *snn.Network, heat HeatOptions) (*Figure, error) {
	if m == nil || net == nil {
		return nil, fmt.Errorf("snnplot: MonitorClusterRateMap: nil monitor or network")
	}
	K := net.Clusters().Count()
	starts := m.BinTimes()
	if K == 0 || len(starts) == 0 {
		return nil, fmt.Errorf("snnplot: MonitorClusterRateMap: %d clusters and %d bins: nothing to draw", K, len(starts))
	}
	bin := net.DT()
	if len(starts) > 1 {
		bin = starts[1] - starts[0]
	}
	rm := mat.NewDense(K, len(starts), nil)
	for k := range K {
		rm.SetRow(k, m.ClusterRates(k))
	}
	f, _, err := heatFigure(heat, "rate (Hz)", heatPanel{
		m: rm, x0: starts[0], x1: starts[0] + float64(len(starts))*bin, yn: float64(K), yCells: true, base: 1,
		xlabel: orDefault(heat.XLabel, "time (ms)"),
		ylabel: orDefault(heat.YLabel, "cluster"),
		title:  heat.Title,
	})
	return f, err
}

// Replay plots the cluster activations of a replay analysis (analysis.AnalyzeReplay): one dot per
// activation at (time of its peak, cluster number: snn's cluster k is drawn as k+1) in the
// cluster's colour, with successive
// activations of clusters k and k+1 (the natural order) joined by grey lines, so that sequential replay shows
// as a staircase of rising diagonals. The default title states the cycle period and the
// fraction of in-order transitions.
func Replay(st analysis.ReplayStats, title string) (*plot.Plot, error) {
	K := st.Clusters
	if K <= 0 {
		return nil, fmt.Errorf("snnplot: Replay: %d clusters", K)
	}
	if len(st.Activations) == 0 {
		return nil, fmt.Errorf("snnplot: Replay: no activations to draw")
	}
	p := plot.New()
	p.Title.Text = title
	if title == "" {
		p.Title.Text = fmt.Sprintf("%d activations, %d of %d transitions in order", len(st.Activations), st.InOrder, st.Transitions)
		if !math.IsNaN(st.PeriodMs) {
			p.Title.Text += fmt.Sprintf(", period %.0f ms", st.PeriodMs)
		}
	}
	p.X.Label.Text = "time (ms)"
	p.Y.Label.Text = "cluster"
	p.X.Tick.Marker, p.Y.Tick.Marker = plainTicks{}, plainTicks{}
	byCluster := make([]plotter.XYs, K)
	var segs []plotter.XYs
	for i, a := range st.Activations {
		if a.Cluster < 0 || a.Cluster >= K {
			return nil, fmt.Errorf("snnplot: Replay: activation %d of cluster %d, outside 0..%d", i, a.Cluster, K-1)
		}
		if math.IsNaN(a.TimeMs) || math.IsInf(a.TimeMs, 0) {
			return nil, fmt.Errorf("snnplot: Replay: activation %d at time %v", i, a.TimeMs)
		}
		byCluster[a.Cluster] = append(byCluster[a.Cluster], plotter.XY{X: a.TimeMs, Y: float64(a.Cluster + 1)})
		if i > 0 {
			prev := st.Activations[i-1]
			if a.Cluster == (prev.Cluster+1)%K && a.Cluster != 0 {
				segs = append(segs, plotter.XYs{{X: prev.TimeMs, Y: float64(prev.Cluster + 1)}, {X: a.TimeMs, Y: float64(a.Cluster + 1)}})
			}
		}
	}
	for _, s := range segs {
		l, err := plotter.NewLine(s)
		if err != nil {
			return nil, fmt.Errorf("snnplot: Replay: %w", err)
		}
		l.Color = color.Gray{Y: 0xa0}
		l.Width = vg.Points(0.7)
		p.Add(l)
	}
	for k, xy := range byCluster {
		if len(xy) == 0 {
			continue
		}
		sc, err := plotter.NewScatter(xy)
		if err != nil {
			return nil, fmt.Errorf("snnplot: Replay: %w", err)
		}
		sc.GlyphStyle = draw.GlyphStyle{Shape: draw.CircleGlyph{}, Radius: 2, Color: ClusterColor(k)}
		p.Add(sc)
	}
	p.Y.Min, p.Y.Max = 0.5, float64(K)+0.5
	return p, nil
}
