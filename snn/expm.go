package snn

import "math"

// expm returns e^x for the AdEx spike-initiation term, where math.Exp dominated the cost of the
// neuron update (an assembly call that forces every live value of the loop to be spilled).
// With x·64/ln2 = 64e + j + f it computes 2^e · 2^(j/64) · e^r, |r| <= ln2/128, from a table
// of 2^(j/64) and the degree-5 Taylor polynomial of e^r (truncation error below 4e-17); the
// relative error against math.Exp stays within a few ulp (tested). Arguments outside
// (−700, 700), NaN and infinities go to math.Exp. adex.stepGo carries a written-out copy
// and the AdEx vector kernel (model_adex_amd64.s) the same operations four lanes wide.
func expm(x float64) float64 {
	if !(x > -700 && x < 700) {
		return math.Exp(x)
	}
	kf := (x*expInvStep + expRound) - expRound // round to nearest, as an integral float
	r := (x - kf*expStepHi) - kf*expStepLo
	p := 1 + r*(1+r*(1.0/2+r*(1.0/6+r*(1.0/24+r*(1.0/120)))))
	k := int64(kf)
	return math.Float64frombits(math.Float64bits(expTable[k&63]*p) + uint64(k>>6)<<52)
}

const (
	expInvStep = 64 / math.Ln2
	expRound   = 0x1.8p52                        // adding and subtracting rounds to an integer
	expStepHi  = 6.93147180369123816490e-01 / 64 // ln2/64, high part (exact multiples)
	expStepLo  = 1.90821492927058770002e-10 / 64 // ln2/64, low part
)

// expTable holds 2^(j/64) for j = 0 … 63; read-only after init.
var expTable [64]float64

func init() {
	for j := range expTable {
		expTable[j] = math.Exp2(float64(j) / 64)
	}
}
