#include "textflag.h"

// The clipping passes of normalisation on the vector path (plasticity.go): four weights at a
// time, the same operations as the pure-Go loops (shiftClip, scaleClip with fastClip bounds):
// the shifted or scaled weight y, then the bits of lo where y < lo and of hi where y > hi,
// both compared on y (ordered: a NaN y passes), hi last.

#define LT_OQ $0x11
#define GT_OQ $0x1e

// CLIP_PASS(OP) sets row[q] = clip(row[q] OP a) for q < n (n a multiple of 4), with the
// arguments (row *float64, n int, a, lo, hi float64) of the function it is the body of.
#define CLIP_PASS(OP) \
	MOVQ         row+0(FP), DI; \
	MOVQ         n+8(FP), CX; \
	VBROADCASTSD a+16(FP), Y1; \
	VBROADCASTSD lo+24(FP), Y2; \
	VBROADCASTSD hi+32(FP), Y3; \
	SHLQ         $3, CX; \
	XORQ         SI, SI; \
loop: \
	CMPQ      SI, CX; \
	JGE       done; \
	VMOVUPD   (DI)(SI*1), Y0; \
	OP        Y1, Y0, Y0; \
	VCMPPD    LT_OQ, Y2, Y0, Y4; \
	VCMPPD    GT_OQ, Y3, Y0, Y5; \
	VBLENDVPD Y4, Y2, Y0, Y0; \
	VBLENDVPD Y5, Y3, Y0, Y0; \
	VMOVUPD   Y0, (DI)(SI*1); \
	ADDQ      $32, SI; \
	JMP       loop; \
done: \
	VZEROUPPER; \
	RET

// func shiftClipKernel(row *float64, n int, a, lo, hi float64)
//
// row[q] = clip(row[q] − a).
TEXT ·shiftClipKernel(SB), NOSPLIT, $0-40
	CLIP_PASS(VSUBPD)

// func scaleClipKernel(row *float64, n int, a, lo, hi float64)
//
// row[q] = clip(row[q]·a).
TEXT ·scaleClipKernel(SB), NOSPLIT, $0-40
	CLIP_PASS(VMULPD)

// func addCappedKernel(row *float64, col *int32, x *float64, n int, f, hi float64)
//
// Hard-bound LTP on one postsynaptic row (addCapped with hi ≠ 0), four weights at a time:
// y = row[q] + f·x[col[q]], then the bits of hi where y > hi (ordered: a NaN y passes), the
// operations of capBits; the four x[col[q]] read by scalar loads (a gather is slower on AMD
// Zen 3). n a multiple of 4.
TEXT ·addCappedKernel(SB), NOSPLIT, $0-48
	MOVQ         row+0(FP), DI
	MOVQ         col+8(FP), CX
	MOVQ         x+16(FP), DX
	MOVQ         n+24(FP), BX
	VBROADCASTSD f+32(FP), Y4
	VBROADCASTSD hi+40(FP), Y5
	XORQ         SI, SI

capLoop:
	CMPQ        SI, BX
	JGE         capDone
	MOVLQSX     (CX)(SI*4), AX
	VMOVSD      (DX)(AX*8), X1
	MOVLQSX     4(CX)(SI*4), AX
	VMOVHPD     (DX)(AX*8), X1, X1
	MOVLQSX     8(CX)(SI*4), AX
	VMOVSD      (DX)(AX*8), X2
	MOVLQSX     12(CX)(SI*4), AX
	VMOVHPD     (DX)(AX*8), X2, X2
	VINSERTF128 $1, X2, Y1, Y1
	VMULPD      Y4, Y1, Y1
	VMOVUPD     (DI)(SI*8), Y0
	VADDPD      Y1, Y0, Y0
	VCMPPD      GT_OQ, Y5, Y0, Y3
	VBLENDVPD   Y3, Y5, Y0, Y0
	VMOVUPD     Y0, (DI)(SI*8)
	ADDQ        $4, SI
	JMP         capLoop

capDone:
	VZEROUPPER
	RET
