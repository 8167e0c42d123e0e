package readout

import "math"

// bad reports whether x is NaN or infinite.
func bad(x float64) bool { return math.IsNaN(x) || math.IsInf(x, 0) }
