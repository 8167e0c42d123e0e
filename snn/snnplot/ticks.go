package snnplot

import (
	"math"
	"strconv"

	"gonum.org/v1/plot"
)

// plainTicks wraps plot.DefaultTicks and writes labels without trailing zeros
// ("2500" rather than "2500.00").
type plainTicks struct{}

// Ticks implements plot.Ticker.
func (plainTicks) Ticks(min, max float64) []plot.Tick {
	ts := plot.DefaultTicks{}.Ticks(min, max)
	for i := range ts {
		if ts[i].Label != "" {
			ts[i].Label = strconv.FormatFloat(ts[i].Value, 'g', 6, 64)
		}
	}
	return ts
}

// cellTicks labels an index axis of a heatmap whose n cells each span one data unit: cell i
// covers [i, i+1) (with flip, [n−i−1, n−i), so that cell 0 is at the top), and its label,
// i + base, sits on the cell's centre. Labels are integers chosen as plot.DefaultTicks would
// choose them over the visible cells; with names, every visible cell i is labelled names[i].
type cellTicks struct {
	n     float64
	flip  bool
	base  int
	names []string
}

// pos returns the data coordinate of the centre of cell i.
func (t cellTicks) pos(i float64) float64 {
	if t.flip {
		return t.n - i - 0.5
	}
	return i + 0.5
}

// Ticks implements plot.Ticker.
func (t cellTicks) Ticks(min, max float64) []plot.Tick {
	// The cells whose centres are visible.
	lo, hi := math.Ceil(min-0.5), math.Floor(max-0.5)
	if t.flip {
		lo, hi = math.Ceil(t.n-max-0.5), math.Floor(t.n-min-0.5)
	}
	lo, hi = math.Max(lo, 0), math.Min(hi, t.n-1)
	if hi < lo {
		return nil
	}
	b := float64(t.base)
	var ts []plot.Tick
	if t.names != nil {
		for i := int(lo); i <= int(hi) && i < len(t.names); i++ {
			ts = append(ts, plot.Tick{Value: t.pos(float64(i)), Label: t.names[i]})
		}
		return ts
	}
	if hi-lo < 1 {
		return []plot.Tick{{Value: t.pos(lo), Label: strconv.FormatFloat(lo+b, 'f', 0, 64)}}
	}
	for _, tk := range (plot.DefaultTicks{}).Ticks(lo+b, hi+b) {
		i := tk.Value - b
		if i != math.Round(i) || i < lo || i > hi {
			continue
		}
		if tk.Label != "" {
			tk.Label = strconv.FormatFloat(tk.Value, 'f', 0, 64)
		}
		tk.Value = t.pos(i)
		ts = append(ts, tk)
	}
	return ts
}
