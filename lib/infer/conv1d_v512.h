/* conv1d_v512.h — the fp32 vector macros of conv1d_tmpl.h for AVX-512 (16 lanes), shared by
 * the fp32, int8 and bf16 kernels; included after the target pragmas and <immintrin.h>. */
#define VT __m512
#define VM __mmask16
#define VW 16
#define VZERO _mm512_setzero_ps()
#define VSET1 _mm512_set1_ps
#define VLOADU _mm512_loadu_ps
#define VLOADM(p, k) _mm512_maskz_loadu_ps((k), (p))
#define VSTOREU _mm512_storeu_ps
#define VSTOREM(p, k, v) _mm512_mask_storeu_ps((p), (k), (v))
#define VTAIL(n) ((__mmask16)((1u << (n)) - 1u))
#define VFMA _mm512_fmadd_ps
#define VADD _mm512_add_ps
#define VSUB _mm512_sub_ps
#define VMUL _mm512_mul_ps
#define VDIV _mm512_div_ps
#define VMIN _mm512_min_ps
#define VMAX _mm512_max_ps
/* 32-bit integer lanes (the int8 kernel's accumulators) */
#define VI __m512i
#define VI_ZERO _mm512_setzero_si512()
#define VI_LOADU(p) _mm512_loadu_si512((const void *)(p))
#define VI_SET1 _mm512_set1_epi32
#define VI_SUB _mm512_sub_epi32
#define VI_TOF _mm512_cvtepi32_ps

/* a / b with rcp14 and one Newton step (~23 bits): the reduced precisions' VDIV_FAST */
static inline __m512 rcp_nr(__m512 b)
{
    __m512 r = _mm512_rcp14_ps(b);
    return _mm512_mul_ps(r, _mm512_fnmadd_ps(b, r, _mm512_set1_ps(2.0f)));
}
