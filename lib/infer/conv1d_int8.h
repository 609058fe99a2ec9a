/* conv1d_int8.h — the int8 definitions of conv1d_tmpl.h for either width: included after
 * conv1d_v512.h or conv1d_v256.h (their integer macros VI..) and a DOT (vpdpbusd of the
 * ISA); the rescale epilogue is written once here. */
#define XT uint32_t
#define XV VI
#define AT VI
#define AZERO VI_ZERO
#define XLOAD(p) VI_LOADU(p)
#define WSET(w) VI_SET1((int)(w))
/* y = (acc - zp * sum(w)) * scale_x * scale_w[m] (+ bias in the tile) */
#define EPI_SETUP(j, m)                                                        \
    VI zpw_ = VI_SET1((j)->xzp * pk->wsum[m]);                                 \
    VT sc_ = VSET1((j)->xscale * pk->wscale[m])
#define EPI(a) VMUL(VI_TOF(VI_SUB((a), zpw_)), sc_)
#define VDIV_FAST(a, b) VMUL((a), rcp_nr(b))
