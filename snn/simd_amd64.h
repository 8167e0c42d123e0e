// Offsets of the fields of adexVec (simd.go) for the kernels; TestVectorLayout checks them.
#define a_v 0
#define a_vt 8
#define a_w 16
#define a_xrE 24
#define a_xdE 32
#define a_xrI 40
#define a_xdI 48
#define a_inE 56
#define a_inI 64
#define a_last 72
#define a_um 80
#define a_up 88
#define a_xb 96
#define a_y 104
#define a_table 112
#define a_traces 120
#define a_sRef 128
#define a_dRE 160
#define a_dDE 192
#define a_dRI 224
#define a_dDI 256
#define a_nE 288
#define a_nI 320
#define a_eExc 352
#define a_eInh 384
#define a_dt 416
#define a_invTau 448
#define a_invC 480
#define a_el 512
#define a_vPeak 544
#define a_dUM 576
#define a_dUP 608
#define a_dX 640
#define a_dY 672
#define a_minNormal 704
#define a_vtRest 736
#define a_dtT 768
#define a_a 800
#define a_dtW 832
#define a_invDeltaT 864
#define a_deltaT 896
#define a_lim 928
#define a_negLim 960
#define a_invStep 992
#define a_round 1024
#define a_stepHi 1056
#define a_stepLo 1088
#define a_c120 1120
#define a_c24 1152
#define a_c6 1184
#define a_c2 1216
#define a_one 1248
#define a_mask63 1280

// CMPPD predicates.
#define LT_OS 0x01
#define GT_OS 0x0E

// CONDUCTANCES: §2 step 4c for the block at byte offset SI: the inputs (R12, R13) are
// consumed and zeroed, the auxiliaries (R8-R11) advanced; gE in Y0, gI in Y1. Uses Y4, Y5.
#define CONDUCTANCES \
	VMOVUPD (R12)(SI*1), Y0; \
	VMOVUPD (R13)(SI*1), Y1; \
	VXORPD  Y4, Y4, Y4; \
	VMOVUPD Y4, (R12)(SI*1); \
	VMOVUPD Y4, (R13)(SI*1); \
	VMOVUPD (R8)(SI*1), Y4; \
	VMULPD  a_dRE(DI), Y4, Y4; \
	VADDPD  Y0, Y4, Y4; \
	VMOVUPD Y4, (R8)(SI*1); \
	VMOVUPD (R9)(SI*1), Y5; \
	VMULPD  a_dDE(DI), Y5, Y5; \
	VADDPD  Y0, Y5, Y5; \
	VMOVUPD Y5, (R9)(SI*1); \
	VSUBPD  Y4, Y5, Y0; \
	VMULPD  a_nE(DI), Y0, Y0; \
	VMOVUPD (R10)(SI*1), Y4; \
	VMULPD  a_dRI(DI), Y4, Y4; \
	VADDPD  Y1, Y4, Y4; \
	VMOVUPD Y4, (R10)(SI*1); \
	VMOVUPD (R11)(SI*1), Y5; \
	VMULPD  a_dDI(DI), Y5, Y5; \
	VADDPD  Y1, Y5, Y5; \
	VMOVUPD Y5, (R11)(SI*1); \
	VSUBPD  Y4, Y5, Y1; \
	VMULPD  a_nI(DI), Y1, Y1

// DECAY(ptr, d): decayTrace on the trace at pointer field ptr of adexVec with rate field d:
// x − d·x, then 0 below minNormal. Uses R15, Y4, Y5.
#define DECAY(ptr, d) \
	MOVQ    ptr(DI), R15; \
	VMOVUPD (R15)(SI*1), Y4; \
	VMULPD  d(DI), Y4, Y5; \
	VSUBPD  Y5, Y4, Y4; \
	VCMPPD  $LT_OS, a_minNormal(DI), Y4, Y5; \
	VANDNPD Y4, Y5, Y4; \
	VMOVUPD Y4, (R15)(SI*1)

// FOLLOW(ptr, d): the voltage trace at pointer field ptr moves towards V (Y2) at rate d:
// u + d·(V − u). Uses R15, Y4, Y5.
#define FOLLOW(ptr, d) \
	MOVQ    ptr(DI), R15; \
	VMOVUPD (R15)(SI*1), Y4; \
	VSUBPD  Y4, Y2, Y5; \
	VMULPD  d(DI), Y5, Y5; \
	VADDPD  Y5, Y4, Y4; \
	VMOVUPD Y4, (R15)(SI*1)

// FINISH(vnew, sum): V = V + dt·sum into vnew, stored where the neuron is not refractory (last
// step < sRef), and the mask of the neurons that spiked into R15; SI moves to the next block.
// Uses Y5, Y6.
#define FINISH(vnew, sum) \
	VMULPD    a_dt(DI), sum, sum; \
	VADDPD    sum, Y2, vnew; \
	VMOVDQU   a_sRef(DI), Y5; \
	VPCMPGTQ  (R14)(SI*1), Y5, Y5; \
	VBLENDVPD Y5, vnew, Y2, Y2; \
	VMOVUPD   Y2, (AX)(SI*1); \
	VCMPPD    $GT_OS, a_vPeak(DI), vnew, Y6; \
	VANDPD    Y5, Y6, Y6; \
	VMOVMSKPD Y6, R15; \
	ADDQ      $32, SI
