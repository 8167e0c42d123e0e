// Offsets of the fields of arrVec (arrivals.go) for the arrivals kernel; TestArrivalsLayout
// checks them.
#define r_next 0
#define r_in 8
#define r_extW 16
#define r_rate 24
#define r_rng 32
#define r_zig 40
#define r_negToInh 48
#define r_t 56
#define r_gamma 88
#define r_m1 120
#define r_m1hi 152
#define r_m2 184
#define r_m2hi 216
#define r_lo32 248
#define r_low9 280
#define r_magic 312
