/* conv1d_int8_avxvnni.c — the direct 1-D convolution in int8 for AVX2 + AVX-VNNI (the VEX
 * vpdpbusd of CPUs without AVX-512): 4 output channels x 3 vectors of 8 positions; only
 * called after a CPU check. */
#if defined(__x86_64__) || defined(__i386__)
#ifndef __clang__
#pragma GCC target("avx2,fma,avxvnni")
#endif
#include "infer/infer_int.h"

#include <immintrin.h>
#ifdef __clang__ /* clang ignores "#pragma GCC target" */
#pragma clang attribute push(__attribute__((target("avx2,fma,avxvnni"))), apply_to = function)
#endif

/* Lane mask of the first n lanes (n in 0..8). */
static inline __m256i tail8(int n)
{
    return _mm256_cmpgt_epi32(_mm256_set1_epi32(n), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}

#define FN conv1d_int8_avxvnni
#define MR PAI_CONV1D_MR_AVX2
#define NVMAX 3
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
#define VMUL _mm256_mul_ps
#define VDIV _mm256_div_ps
#define VMIN _mm256_min_ps
#define VMAX _mm256_max_ps
#define XT uint32_t
#define XV __m256i
#define AT __m256i
#define AZERO _mm256_setzero_si256()
#define XLOAD(p) _mm256_loadu_si256((const __m256i *)(p))
#define WSET(w) _mm256_set1_epi32((int)(w))
#define DOT(a, x, w) _mm256_dpbusd_avx_epi32((a), (x), (w))
#define EPI_SETUP(j, m)                                                        \
    __m256i zpw_ = _mm256_set1_epi32((j)->xzp * pk->wsum[m]);                  \
    __m256 sc_ = _mm256_set1_ps((j)->xscale * pk->wscale[m])
#define EPI(a) _mm256_mul_ps(_mm256_cvtepi32_ps(_mm256_sub_epi32((a), zpw_)), sc_)
/* a / b with rcp (12 bits) and one Newton step (~22 bits) */
#define VDIV_FAST(a, b) _mm256_mul_ps((a), rcp_nr(b))
static inline __m256 rcp_nr(__m256 b)
{
    __m256 r = _mm256_rcp_ps(b);
    return _mm256_mul_ps(r, _mm256_fnmadd_ps(b, r, _mm256_set1_ps(2.0f)));
}
#include "infer/conv1d_tmpl.h"

#ifdef __clang__
#pragma clang attribute pop
#endif
const pai_conv1d_fn pai_conv1d_int8_avxvnni = conv1d_int8_avxvnni;
#else
#include "infer/infer_int.h"
const pai_conv1d_fn pai_conv1d_int8_avxvnni = NULL;
#endif
