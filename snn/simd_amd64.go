package snn

import "golang.org/x/sys/cpu"

// haveVector says whether the processor has the vector path's instructions (AVX2, which
// includes the operating system's support of the YMM registers).
var haveVector = cpu.X86.HasAVX2

// adexKernel is the AdEx kernel (model_adex_amd64.s).
//
//go:noescape
func adexKernel(a *adexVec, i, end int) (next, mask int)

// lifKernel is the LIF kernel (model_lif_amd64.s).
//
//go:noescape
func lifKernel(a *adexVec, i, end int) (next, mask int)
