//go:build !amd64

package snn

// haveVector: the vector path exists on amd64 only.
const haveVector = false

func adexKernel(a *adexVec, i, end int) (next, mask int) { panic("snn: no vector kernel") }

func lifKernel(a *adexVec, i, end int) (next, mask int) { panic("snn: no vector kernel") }

func arrivalsScan(a *arrVec, list *int32, i, end int) (n int) { panic("snn: no vector kernel") }

func arrivalsKernel(a *arrVec, list *int32, pos, n, out int) (npos, nout, mask int) {
	panic("snn: no vector kernel")
}

func shiftClipKernel(row *float64, n int, a, lo, hi float64) { panic("snn: no vector kernel") }

func scaleClipKernel(row *float64, n int, a, lo, hi float64) { panic("snn: no vector kernel") }

func decayKernel(x *float64, n int, d, minNormal float64) { panic("snn: no vector kernel") }

func addCappedKernel(row *float64, col *int32, x *float64, n int, f, hi float64) {
	panic("snn: no vector kernel")
}
