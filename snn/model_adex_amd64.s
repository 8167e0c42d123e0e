#include "textflag.h"
#include "simd_amd64.h"

// func adexKernel(a *adexVec, i, end int) (next, mask int)
//
// The AdEx update (adex.stepGo) of the neurons i, i+1, … in blocks of four, until end (end − i
// a multiple of 4) or a block that needs Go: it returns after the first block in which a
// neuron spiked (next = the index after the block, mask bits 0-3 = the lanes that spiked; V is
// then the value after the Euler step, reset by adex.spike), or a block with an exponential
// argument outside (−700, 700) or NaN, which it leaves untouched (mask = 16), or at end (next =
// end, mask = 0). Same operations in the same order as adex.stepGo, no FMA.
TEXT ·adexKernel(SB), NOSPLIT, $0-40
	MOVQ a+0(FP), DI
	MOVQ i+8(FP), SI
	MOVQ end+16(FP), DX
	SHLQ $3, SI
	SHLQ $3, DX
	MOVQ a_v(DI), AX
	MOVQ a_vt(DI), BX
	MOVQ a_w(DI), CX
	MOVQ a_xrE(DI), R8
	MOVQ a_xdE(DI), R9
	MOVQ a_xrI(DI), R10
	MOVQ a_xdI(DI), R11
	MOVQ a_inE(DI), R12
	MOVQ a_inI(DI), R13
	MOVQ a_last(DI), R14

adexLoop:
	CMPQ SI, DX
	JGE  adexDone

	// 4d: V_T from the previous-step V_T, and the exponential's argument x = (V − V_T)/Δ_T,
	// checked before anything of the block is stored.
	VMOVUPD (AX)(SI*1), Y2
	VMOVUPD (BX)(SI*1), Y3
	VMOVUPD a_vtRest(DI), Y4
	VSUBPD  Y3, Y4, Y4
	VMULPD  a_dtT(DI), Y4, Y4
	VADDPD  Y4, Y3, Y3
	VSUBPD  Y3, Y2, Y4
	VMULPD  a_invDeltaT(DI), Y4, Y4
	VCMPPD  $LT_OS, a_lim(DI), Y4, Y5
	VCMPPD  $GT_OS, a_negLim(DI), Y4, Y6
	VANDPD  Y6, Y5, Y5
	VMOVMSKPD Y5, R15
	CMPQ    R15, $15
	JNE     adexSlow

	// e^x as expm: x·64/ln2 rounded (t, whose low mantissa bits hold the integer m), r, the
	// polynomial q, 2^((m&63)/64) from the table (four scalar loads: VGATHERQPD made the
	// kernel 7-13 % slower on AMD Zen 3), and m>>6 added to the exponent.
	VMULPD  a_invStep(DI), Y4, Y5
	VADDPD  a_round(DI), Y5, Y5
	VSUBPD  a_round(DI), Y5, Y6
	VMULPD  a_stepHi(DI), Y6, Y7
	VSUBPD  Y7, Y4, Y7
	VMULPD  a_stepLo(DI), Y6, Y6
	VSUBPD  Y6, Y7, Y7
	VMULPD  a_c120(DI), Y7, Y6
	VADDPD  a_c24(DI), Y6, Y6
	VMULPD  Y7, Y6, Y6
	VADDPD  a_c6(DI), Y6, Y6
	VMULPD  Y7, Y6, Y6
	VADDPD  a_c2(DI), Y6, Y6
	VMULPD  Y7, Y6, Y6
	VADDPD  a_one(DI), Y6, Y6
	VMULPD  Y7, Y6, Y6
	VADDPD  a_one(DI), Y6, Y6
	VPAND   a_mask63(DI), Y5, Y4
	VPSLLQ  $3, Y4, Y4
	VPBROADCASTQ a_table(DI), Y10
	VPADDQ  Y10, Y4, Y4
	VMOVQ   X4, R15
	VMOVSD  (R15), X9
	VPEXTRQ $1, X4, R15
	VMOVHPD (R15), X9, X9
	VEXTRACTI128 $1, Y4, X10
	VMOVQ   X10, R15
	VMOVSD  (R15), X11
	VPEXTRQ $1, X10, R15
	VMOVHPD (R15), X11, X11
	VINSERTF128 $1, X11, Y9, Y9
	VMULPD  Y9, Y6, Y6
	VPSRLQ  $6, Y5, Y5
	VPSLLQ  $52, Y5, Y5
	VPADDQ  Y5, Y6, Y6

	// 4d: w from the previous-step V and w; store V_T and w.
	VSUBPD  a_el(DI), Y2, Y7
	VMULPD  a_a(DI), Y7, Y7
	VMOVUPD (CX)(SI*1), Y8
	VSUBPD  Y8, Y7, Y7
	VMULPD  a_dtW(DI), Y7, Y7
	VADDPD  Y7, Y8, Y8
	VMOVUPD Y8, (CX)(SI*1)
	VMOVUPD Y3, (BX)(SI*1)

	// 4c: conductances (gE in Y0, gI in Y1).
	CONDUCTANCES

	// 4a/4d: traces.
	CMPQ a_traces(DI), $0
	JEQ  adexMembrane
	FOLLOW(a_um, a_dUM)
	FOLLOW(a_up, a_dUP)
	DECAY(a_xb, a_dX)
	DECAY(a_y, a_dY)

adexMembrane:
	// 4e: V + dt·(((E_L − V) + Δ_T·e^x)/τ_m + (gE(E_E − V) + gI(E_I − V) − w)/C).
	VMOVUPD a_el(DI), Y4
	VSUBPD  Y2, Y4, Y4
	VMULPD  a_deltaT(DI), Y6, Y6
	VADDPD  Y6, Y4, Y4
	VMULPD  a_invTau(DI), Y4, Y4
	VMOVUPD a_eExc(DI), Y5
	VSUBPD  Y2, Y5, Y5
	VMULPD  Y0, Y5, Y5
	VMOVUPD a_eInh(DI), Y6
	VSUBPD  Y2, Y6, Y6
	VMULPD  Y1, Y6, Y6
	VADDPD  Y6, Y5, Y5
	VSUBPD  Y8, Y5, Y5
	VMULPD  a_invC(DI), Y5, Y5
	VADDPD  Y5, Y4, Y4
	FINISH(Y7, Y4)
	TESTQ   R15, R15
	JZ      adexLoop
	SHRQ    $3, SI
	MOVQ    SI, next+24(FP)
	MOVQ    R15, mask+32(FP)
	VZEROUPPER
	RET

adexSlow:
	ADDQ $32, SI
	SHRQ $3, SI
	MOVQ SI, next+24(FP)
	MOVQ $16, mask+32(FP)
	VZEROUPPER
	RET

adexDone:
	SHRQ $3, SI
	MOVQ SI, next+24(FP)
	MOVQ $0, mask+32(FP)
	VZEROUPPER
	RET
