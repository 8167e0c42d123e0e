#include "textflag.h"
#include "arrivals_amd64.h"

// CMPPD predicates.
#define LT_OS 0x01
#define LE_OS 0x02

// MUL64(z, c, chi, t1, t2): z = z·c mod 2⁶⁴ in each 64-bit lane, with the constant c and its
// high half chi (fields of arrVec): lo·lo + ((hi·lo + lo·hi) << 32). Uses t1, t2.
#define MUL64(z, c, chi, t1, t2) \
	VPMULUDQ c(DI), z, t1; \
	VPSRLQ   $32, z, t2; \
	VPMULUDQ c(DI), t2, t2; \
	VPMULUDQ chi(DI), z, z; \
	VPADDQ   t2, z, z; \
	VPSLLQ   $32, z, z; \
	VPADDQ   t1, z, z

// func arrivalsScan(a *arrVec, list *int32, i, end int) (n int)
//
// The first indices of the blocks of four neurons i, i+4, … < end (end − i a multiple of 4)
// in which a neuron has an arrival due (next <= t) into list, without a branch; it returns
// their number.
TEXT ·arrivalsScan(SB), NOSPLIT, $0-40
	MOVQ    a+0(FP), DI
	MOVQ    list+8(FP), BX
	MOVQ    i+16(FP), SI
	MOVQ    end+24(FP), DX
	MOVQ    r_next(DI), R8
	VMOVUPD r_t(DI), Y15
	XORQ    CX, CX

scanLoop:
	CMPQ      SI, DX
	JGE       scanDone
	VMOVUPD   (R8)(SI*8), Y0
	VCMPPD    $LE_OS, Y15, Y0, Y0
	VMOVMSKPD Y0, AX
	MOVL      SI, (BX)(CX*4)
	NEGQ      AX // carry = some lane due
	ADCQ      $0, CX
	ADDQ      $4, SI
	JMP       scanLoop

scanDone:
	MOVQ CX, n+32(FP)
	VZEROUPPER
	RET

// func arrivalsKernel(a *arrVec, list *int32, pos, n, out int) (npos, nout, mask int)
//
// One pass of arrivals over the blocks of four neurons whose first indices are list[pos …
// n−1]: in each block, the lanes due (next <= t) add their weight to their input, advance
// their stream (SplitMix64: state + γ, then mix64) and draw x = float64(j)·zigWe[i] from the
// word's low 32 bits j and its layer byte i (zigPair: four scalar loads, measured faster than
// gathers on AMD Zen 3), which is rng.exp's result where j < zigKe[i] (the ziggurat's fast
// path), and add x/rate to their next arrival time. Lanes not due keep their values (blends).
// A block with a lane still due is appended to list[out …] (in place: out <= pos). Same
// operations in the same order as arrivalsGo, no FMA.
//
// It returns early, at the block list[npos], (a) after that block if a due lane left the fast
// path: that lane's input and stream have advanced, but not its next arrival time (the draw
// is for Go to finish, rng.expSlow), mask holds those lanes (bits 0-3) and the block is not
// appended; (b) before that block, with mask 16, if negToInh and a due lane has a negative
// weight (sign bit set). Otherwise it returns npos = n and mask 0.
//
// Registers: R8-R13 the arrays and the table, BX list, CX pos, DX n, R15 out, SI the block;
// Y15 t, Y14 γ, Y13 2⁵²; per block Y0 next, Y1 input, Y2 weight, Y3 rate, Y4 stream state,
// Y5 the due lanes.
TEXT ·arrivalsKernel(SB), NOSPLIT, $0-64
	MOVQ    a+0(FP), DI
	MOVQ    list+8(FP), BX
	MOVQ    pos+16(FP), CX
	MOVQ    n+24(FP), DX
	MOVQ    out+32(FP), R15
	MOVQ    r_next(DI), R8
	MOVQ    r_in(DI), R9
	MOVQ    r_extW(DI), R10
	MOVQ    r_rate(DI), R11
	MOVQ    r_rng(DI), R12
	MOVQ    r_zig(DI), R13
	VMOVUPD r_t(DI), Y15
	VMOVDQU r_gamma(DI), Y14
	VMOVDQU r_magic(DI), Y13

arrLoop:
	CMPQ      CX, DX
	JGE       arrDone
	MOVLQSX   (BX)(CX*4), SI
	VMOVUPD   (R8)(SI*8), Y0
	VCMPPD    $LE_OS, Y15, Y0, Y5
	VMOVUPD   (R10)(SI*8), Y2
	CMPQ      r_negToInh(DI), $0
	JEQ       arrLoad
	VANDPD    Y5, Y2, Y6
	VMOVMSKPD Y6, AX
	TESTQ     AX, AX
	JNZ       arrNeg

arrLoad:
	VMOVUPD (R9)(SI*8), Y1
	VMOVUPD (R11)(SI*8), Y3
	VMOVDQU (R12)(SI*8), Y4

	// The weight joins the input of the due lanes.
	VADDPD    Y2, Y1, Y6
	VBLENDVPD Y5, Y6, Y1, Y1
	VMOVUPD   Y1, (R9)(SI*8)

	// The due lanes' streams advance; u = mix64(state) in Y6.
	VPADDQ    Y14, Y4, Y6
	VBLENDVPD Y5, Y6, Y4, Y4
	VMOVDQU   Y4, (R12)(SI*8)
	VPSRLQ    $30, Y4, Y7
	VPXOR     Y4, Y7, Y6
	MUL64(Y6, r_m1, r_m1hi, Y7, Y8)
	VPSRLQ    $27, Y6, Y7
	VPXOR     Y7, Y6, Y6
	MUL64(Y6, r_m2, r_m2hi, Y7, Y8)
	VPSRLQ    $31, Y6, Y7
	VPXOR     Y7, Y6, Y6

	// j = uint32(u) in Y7; its layer i = uint8(u >> 32) as the byte offset 16·i of
	// zigPair[i] in Y8; zigWe[i] in Y10, float64(zigKe[i]) in Y11 (two lanes per load, then
	// unpacked).
	VPAND        r_lo32(DI), Y6, Y7
	VPSRLQ       $31, Y6, Y8
	VPAND        r_low9(DI), Y8, Y8
	VMOVQ        X8, AX
	VMOVUPD      (R13)(AX*8), X10
	VPEXTRQ      $1, X8, AX
	VMOVUPD      (R13)(AX*8), X11
	VEXTRACTI128 $1, Y8, X8
	VMOVQ        X8, AX
	VINSERTF128  $1, (R13)(AX*8), Y10, Y10
	VPEXTRQ      $1, X8, AX
	VINSERTF128  $1, (R13)(AX*8), Y11, Y11
	VUNPCKHPD    Y11, Y10, Y9
	VUNPCKLPD    Y11, Y10, Y10

	// float64(j) exactly: the bits of 2⁵² + j, minus 2⁵². The fast path holds where
	// j < zigKe[i]: Y11 the due lanes with it, Y12 those without.
	VPOR     Y13, Y7, Y7
	VSUBPD   Y13, Y7, Y7
	VCMPPD   $LT_OS, Y9, Y7, Y11
	VANDNPD  Y5, Y11, Y12
	VANDPD   Y5, Y11, Y11

	// x = float64(j)·zigWe[i]; next += x/rate in the due lanes on the fast path.
	VMULPD    Y10, Y7, Y7
	VDIVPD    Y3, Y7, Y7
	VADDPD    Y7, Y0, Y6
	VBLENDVPD Y11, Y6, Y0, Y0
	VMOVUPD   Y0, (R8)(SI*8)

	VMOVMSKPD Y12, AX
	TESTQ     AX, AX
	JNZ       arrSlow

	// Append the block if a lane is still due (without a branch).
	VCMPPD    $LE_OS, Y15, Y0, Y5
	VMOVMSKPD Y5, AX
	MOVL      SI, (BX)(R15*4)
	NEGQ      AX
	ADCQ      $0, R15
	INCQ      CX
	JMP       arrLoop

arrNeg:
	MOVQ $16, AX

arrSlow:
	MOVQ CX, npos+40(FP)
	MOVQ R15, nout+48(FP)
	MOVQ AX, mask+56(FP)
	VZEROUPPER
	RET

arrDone:
	MOVQ CX, npos+40(FP)
	MOVQ R15, nout+48(FP)
	MOVQ $0, mask+56(FP)
	VZEROUPPER
	RET
