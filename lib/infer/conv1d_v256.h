/* conv1d_v256.h — the fp32 vector macros of conv1d_tmpl.h for AVX2 + FMA (8 lanes), shared by
 * the fp32 and int8 (AVX-VNNI) kernels; included after the target pragmas and <immintrin.h>. */

/* Lane mask of the first n lanes (n in 0..8). */
static inline __m256i tail8(int n)
{
    return _mm256_cmpgt_epi32(_mm256_set1_epi32(n), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}

/* a / b with rcp (12 bits) and one Newton step (~22 bits): the reduced precisions' VDIV_FAST */
static inline __m256 rcp_nr(__m256 b)
{
    __m256 r = _mm256_rcp_ps(b);
    return _mm256_mul_ps(r, _mm256_fnmadd_ps(b, r, _mm256_set1_ps(2.0f)));
}

#define VT __m256
#define VM __m256i
#define VW 8
#define VZERO _mm256_setzero_ps()
#define VSET1 _mm256_set1_ps
#define VLOADU _mm256_loadu_ps
#define VLOADM(p, k) _mm256_maskload_ps((p), (k))
#define VSTOREU _mm256_storeu_ps
#define VSTOREM(p, k, v) _mm256_maskstore_ps((p), (k), (v))
#define VTAIL tail8
#define VFMA _mm256_fmadd_ps
#define VADD _mm256_add_ps
#define VSUB _mm256_sub_ps
#define VMUL _mm256_mul_ps
#define VDIV _mm256_div_ps
#define VMIN _mm256_min_ps
#define VMAX _mm256_max_ps
/* 32-bit integer lanes (the int8 kernel's accumulators) */
#define VI __m256i
#define VI_ZERO _mm256_setzero_si256()
#define VI_LOADU(p) _mm256_loadu_si256((const __m256i *)(p))
#define VI_SET1 _mm256_set1_epi32
#define VI_SUB _mm256_sub_epi32
#define VI_TOF _mm256_cvtepi32_ps
