/* conv1d_int8_avx512.c — the direct 1-D convolution in int8 for AVX512-VNNI: vpdpbusd sums 4
 * uint8 activations x int8 weights per 32-bit lane (4 input channels of one position), 6
 * output channels x 4 vectors of 16 positions; only called after a CPU check. */
#if defined(__x86_64__) || defined(__i386__)
#ifndef __clang__
#pragma GCC target("avx512f,avx512bw,avx512vnni,fma")
#endif
#include "infer/infer_int.h"

#include <immintrin.h>
#ifdef __clang__ /* clang ignores "#pragma GCC target" */
#pragma clang attribute push(__attribute__((target("avx512f,avx512bw,avx512vnni,fma"))), \
                             apply_to = function)
#endif

#define FN conv1d_int8_avx512
#define MR PAI_CONV1D_MR_AVX512
#define NVMAX 4
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
#define VMUL _mm512_mul_ps
#define VDIV _mm512_div_ps
#define VMIN _mm512_min_ps
#define VMAX _mm512_max_ps
#define XT uint32_t
#define XV __m512i
#define AT __m512i
#define AZERO _mm512_setzero_si512()
#define XLOAD(p) _mm512_loadu_si512((const void *)(p))
#define WSET(w) _mm512_set1_epi32((int)(w))
#define DOT(a, x, w) _mm512_dpbusd_epi32((a), (x), (w))
/* y = (acc - zp * sum(w)) * scale_x * scale_w[m] (+ bias in the tile) */
#define EPI_SETUP(j, m)                                                        \
    __m512i zpw_ = _mm512_set1_epi32((j)->xzp * pk->wsum[m]);                  \
    __m512 sc_ = _mm512_set1_ps((j)->xscale * pk->wscale[m])
#define EPI(a) _mm512_mul_ps(_mm512_cvtepi32_ps(_mm512_sub_epi32((a), zpw_)), sc_)
/* a / b with rcp14 and one Newton step (~23 bits) */
#define VDIV_FAST(a, b) _mm512_mul_ps((a), rcp_nr(b))
static inline __m512 rcp_nr(__m512 b)
{
    __m512 r = _mm512_rcp14_ps(b);
    return _mm512_mul_ps(r, _mm512_fnmadd_ps(b, r, _mm512_set1_ps(2.0f)));
}
#include "infer/conv1d_tmpl.h"

#ifdef __clang__
#pragma clang attribute pop
#endif
const pai_conv1d_fn pai_conv1d_int8_avx512 = conv1d_int8_avx512;
#else
#include "infer/infer_int.h"
const pai_conv1d_fn pai_conv1d_int8_avx512 = NULL;
#endif
