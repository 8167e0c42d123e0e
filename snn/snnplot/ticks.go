package snnplot

import (
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

// flippedTicks labels an axis whose data coordinate y shows index n - y, so that a matrix can
// be drawn with row 0 at the top on an ordinary (increasing) axis.
type flippedTicks struct{ n float64 }

// Ticks implements plot.Ticker.
func (f flippedTicks) Ticks(min, max float64) []plot.Tick {
	ts := plainTicks{}.Ticks(f.n-max, f.n-min)
	for i := range ts {
		ts[i].Value = f.n - ts[i].Value
	}
	return ts
}
