package snn

import "math"

// expm returns e^x for the AdEx spike-initiation term, where math.Exp dominated the cost of the
// neuron update (an assembly call that forces every live value of the loop to be spilled).
// It reduces x = k·ln2 + r with |r| <= ln2/2 and evaluates the degree-12 Taylor polynomial of
// e^r in Estrin form; the relative error against math.Exp stays within a few ulp (tested).
// Arguments outside (−700, 700), NaN and infinities go to math.Exp.
func expm(x float64) float64 {
	if !(x > -700 && x < 700) {
		return math.Exp(x)
	}
	k := math.Floor(x*1.44269504088896338700 + 0.5)
	r := (x - k*6.93147180369123816490e-01) - k*1.90821492927058770002e-10
	r2 := r * r
	r4 := r2 * r2
	p := (1 + r + r2*(1.0/2+r*(1.0/6))) + r4*((1.0/24+r*(1.0/120))+r2*(1.0/720+r*(1.0/5040))) +
		r4*r4*((1.0/40320+r*(1.0/362880))+r2*(1.0/3628800+r*(1.0/39916800))+r4*(1.0/479001600))
	return math.Float64frombits(math.Float64bits(p) + uint64(int64(k))<<52)
}
