#include "textflag.h"

// The clipping passes of normalisation on the vector path (clip.go): four weights at a time,
// the same operations as the pure-Go loops (shiftClip, scaleClip with fastClip bounds): the
// shifted or scaled weight y, then the bits of lo where y < lo and of hi where y > hi, both
// compared on y (ordered: a NaN y passes), hi last.

#define LT_OQ $0x11
#define GT_OQ $0x1e

// CLIP4 clips Y0 (y) to [Y2 (lo), Y3 (hi)].
#define CLIP4 \
	VCMPPD    LT_OQ, Y2, Y0, Y4; \
	VCMPPD    GT_OQ, Y3, Y0, Y5; \
	VBLENDVPD Y4, Y2, Y0, Y0; \
	VBLENDVPD Y5, Y3, Y0, Y0

// func shiftClipKernel(row *float64, n int, d, lo, hi float64)
//
// row[q] = clip(row[q] − d) for q < n (n a multiple of 4).
TEXT ·shiftClipKernel(SB), NOSPLIT, $0-40
	MOVQ         row+0(FP), DI
	MOVQ         n+8(FP), CX
	VBROADCASTSD d+16(FP), Y1
	VBROADCASTSD lo+24(FP), Y2
	VBROADCASTSD hi+32(FP), Y3
	SHLQ         $3, CX
	XORQ         SI, SI

shiftLoop:
	CMPQ    SI, CX
	JGE     shiftDone
	VMOVUPD (DI)(SI*1), Y0
	VSUBPD  Y1, Y0, Y0
	CLIP4
	VMOVUPD Y0, (DI)(SI*1)
	ADDQ    $32, SI
	JMP     shiftLoop

shiftDone:
	VZEROUPPER
	RET

// func scaleClipKernel(row *float64, n int, f, lo, hi float64)
//
// row[q] = clip(row[q]·f) for q < n (n a multiple of 4).
TEXT ·scaleClipKernel(SB), NOSPLIT, $0-40
	MOVQ         row+0(FP), DI
	MOVQ         n+8(FP), CX
	VBROADCASTSD f+16(FP), Y1
	VBROADCASTSD lo+24(FP), Y2
	VBROADCASTSD hi+32(FP), Y3
	SHLQ         $3, CX
	XORQ         SI, SI

scaleLoop:
	CMPQ    SI, CX
	JGE     scaleDone
	VMOVUPD (DI)(SI*1), Y0
	VMULPD  Y1, Y0, Y0
	CLIP4
	VMOVUPD Y0, (DI)(SI*1)
	ADDQ    $32, SI
	JMP     scaleLoop

scaleDone:
	VZEROUPPER
	RET
