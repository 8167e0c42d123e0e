#include "textflag.h"
#include "simd_amd64.h"

// func lifKernel(a *adexVec, i, end int) (next, mask int)
//
// The LIF update (lifGo, without SharedRefractory) of the neurons i, i+1, … in blocks of four,
// until end (end − i a multiple of 4) or a block in which a neuron spiked; it returns the
// index after the last block done and the lanes of it that spiked (mask bits 0-3; V is then
// the value after the Euler step, reset by lifSpike). Same operations in the same order as
// lifGo, no FMA.
TEXT ·lifKernel(SB), NOSPLIT, $0-40
	MOVQ a+0(FP), DI
	MOVQ i+8(FP), SI
	MOVQ end+16(FP), DX
	SHLQ $3, SI
	SHLQ $3, DX
	MOVQ a_v(DI), AX
	MOVQ a_xrE(DI), R8
	MOVQ a_xdE(DI), R9
	MOVQ a_xrI(DI), R10
	MOVQ a_xdI(DI), R11
	MOVQ a_inE(DI), R12
	MOVQ a_inI(DI), R13
	MOVQ a_last(DI), R14

lifLoop:
	CMPQ SI, DX
	JGE  lifDone

	// 4c: conductances (gE in Y0, gI in Y1); 4a: the trace y.
	CONDUCTANCES
	CMPQ a_traces(DI), $0
	JEQ  lifMembrane
	DECAY(a_y, a_dY)

lifMembrane:
	// 4e: V + dt·((E_L − V)/τ_m + (gE(E_E − V) + gI(E_I − V))/C).
	VMOVUPD (AX)(SI*1), Y2
	VMOVUPD a_el(DI), Y4
	VSUBPD  Y2, Y4, Y4
	VMULPD  a_invTau(DI), Y4, Y4
	VMOVUPD a_eExc(DI), Y5
	VSUBPD  Y2, Y5, Y5
	VMULPD  Y0, Y5, Y5
	VMOVUPD a_eInh(DI), Y6
	VSUBPD  Y2, Y6, Y6
	VMULPD  Y1, Y6, Y6
	VADDPD  Y6, Y5, Y5
	VMULPD  a_invC(DI), Y5, Y5
	VADDPD  Y5, Y4, Y4
	FINISH(Y7, Y4)
	TESTQ   R15, R15
	JZ      lifLoop
	SHRQ    $3, SI
	MOVQ    SI, next+24(FP)
	MOVQ    R15, mask+32(FP)
	VZEROUPPER
	RET

lifDone:
	SHRQ $3, SI
	MOVQ SI, next+24(FP)
	MOVQ $0, mask+32(FP)
	VZEROUPPER
	RET
