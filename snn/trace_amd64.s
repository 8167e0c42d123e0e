#include "textflag.h"

// func decayKernel(x *float64, n int, d, minNormal float64)
//
// The decay of a spike trace on the vector path (updatePreTraces), four values at a time:
// x[i] − d·x[i], then 0 where the result is below minNormal (ordered: a NaN passes), the
// operations of decayTrace and of the DECAY step of the neuron kernels; n a multiple of 4.
TEXT ·decayKernel(SB), NOSPLIT, $0-32
	MOVQ         x+0(FP), DI
	MOVQ         n+8(FP), CX
	VBROADCASTSD d+16(FP), Y1
	VBROADCASTSD minNormal+24(FP), Y2
	SHLQ         $3, CX
	XORQ         SI, SI

decayLoop:
	CMPQ    SI, CX
	JGE     decayDone
	VMOVUPD (DI)(SI*1), Y0
	VMULPD  Y1, Y0, Y3
	VSUBPD  Y3, Y0, Y0
	VCMPPD  $0x01, Y2, Y0, Y3
	VANDNPD Y0, Y3, Y0
	VMOVUPD Y0, (DI)(SI*1)
	ADDQ    $32, SI
	JMP     decayLoop

decayDone:
	VZEROUPPER
	RET
