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
