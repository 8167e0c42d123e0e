package snn

// haveVector says whether the processor has the vector path's instructions: AVX2, with the
// operating system saving the YMM registers (CPUID and XGETBV, as the Go runtime checks it).
var haveVector = detectAVX2()

// detectAVX2 reports AVX2 support with OS-enabled YMM state.
func detectAVX2() bool {
	maxLeaf, _, _, _ := cpuid(0, 0)
	if maxLeaf < 7 {
		return false
	}
	_, _, ecx1, _ := cpuid(1, 0)
	const osxsave, avx = 1 << 27, 1 << 28
	if ecx1&osxsave == 0 || ecx1&avx == 0 {
		return false
	}
	if xcr0, _ := xgetbv(); xcr0&6 != 6 { // XMM and YMM state saved by the OS
		return false
	}
	_, ebx7, _, _ := cpuid(7, 0)
	return ebx7&(1<<5) != 0
}

// cpuid executes CPUID with EAX = leaf and ECX = sub (simd_amd64.s).
func cpuid(leaf, sub uint32) (eax, ebx, ecx, edx uint32)

// xgetbv returns XCR0 (simd_amd64.s).
func xgetbv() (eax, edx uint32)

// adexKernel is the AdEx kernel (model_adex_amd64.s).
//
//go:noescape
func adexKernel(a *adexVec, i, end int) (next, mask int)

// lifKernel is the LIF kernel (model_lif_amd64.s).
//
//go:noescape
func lifKernel(a *adexVec, i, end int) (next, mask int)

// arrivalsScan lists the blocks of arrivals' vector path with an arrival due
// (arrivals_amd64.s).
//
//go:noescape
func arrivalsScan(a *arrVec, list *int32, i, end int) (n int)

// arrivalsKernel is one pass of arrivals' vector path over a list of blocks
// (arrivals_amd64.s).
//
//go:noescape
func arrivalsKernel(a *arrVec, list *int32, pos, n, out int) (npos, nout, mask int)

// shiftClipKernel sets row[q] to row[q] − a clipped to [lo, hi] for q < n, n a multiple of 4,
// as shiftClip does with fastClip bounds (clip_amd64.s).
//
//go:noescape
func shiftClipKernel(row *float64, n int, a, lo, hi float64)

// scaleClipKernel sets row[q] to row[q]·a clipped to [lo, hi] for q < n, n a multiple of 4, as
// scaleClip does with fastClip bounds (clip_amd64.s).
//
//go:noescape
func scaleClipKernel(row *float64, n int, a, lo, hi float64)

// decayKernel sets x[i] to decayTrace(x[i], d) for i < n, n a multiple of 4, with minNormal
// its flush bound (trace_amd64.s).
//
//go:noescape
func decayKernel(x *float64, n int, d, minNormal float64)

// addCappedKernel sets row[q] to min(row[q] + f·x[col[q]], hi) for q < n, n a multiple of 4, hi
// ≠ 0, as addCapped does (clip_amd64.s).
//
//go:noescape
func addCappedKernel(row *float64, col *int32, x *float64, n int, f, hi float64)
