/* conv1d_bf16.c — the direct 1-D convolution in bf16 for AVX512_BF16: vdpbf16ps sums 2 bf16
 * products (2 input channels of one position) into each fp32 lane, 6 output channels x 4
 * vectors of 16 positions; only called after a CPU check. */
#if defined(__x86_64__) || defined(__i386__)
#ifndef __clang__
#pragma GCC target("avx512f,avx512bw,avx512bf16,fma")
#endif
#include "infer/infer_int.h"

#include <immintrin.h>
#ifdef __clang__ /* clang ignores "#pragma GCC target" */
#pragma clang attribute push(__attribute__((target("avx512f,avx512bw,avx512bf16,fma"))), \
                             apply_to = function)
#endif

#define FN conv1d_bf16_avx512
#define FN_COLS conv1d_bf16_cols_avx512
#define MR PAI_CONV1D_MR_AVX512
#define NVMAX 4
#include "infer/conv1d_v512.h"
#define XT uint32_t
#define XV __m512bh
#define AT __m512
#define AZERO _mm512_setzero_ps()
#define XLOAD(p) ((__m512bh)_mm512_loadu_si512((const void *)(p)))
#define WSET(w) ((__m512bh)_mm512_set1_epi32((int)(w)))
#define DOT(a, x, w) _mm512_dpbf16_ps((a), (x), (w))
#define EPI_SETUP(j, m) ((void)0)
#define EPI(a) (a)
#define VDIV_FAST(a, b) _mm512_mul_ps((a), rcp_nr(b))
#include "infer/conv1d_tmpl.h"

/* 16 fp32 values as bf16 (round to nearest even) in the low or high halves of 32-bit lanes. */
static inline __m512i bf16_lanes(const float *p, int high)
{
    __m512i v = _mm512_cvtepu16_epi32((__m256i)_mm512_cvtneps_pbh(_mm512_loadu_ps(p)));
    return high ? _mm512_slli_epi32(v, 16) : v;
}

/* Winograd's transformed input V [a][C][Tv] (fp32) as bf16 pairs of channels
 * Vb [a][G][Tv] for the bf16 GEMMs: columns [0, n), n a multiple of 16; an odd last channel
 * pairs with zero. */
static void wino_to_bf16(const float *V, int64_t a, int64_t C, int64_t Tv, int64_t n,
                         uint32_t *Vb)
{
    int64_t G = (C + 1) / 2;
    for (int64_t k = 0; k < a; k++)
        for (int64_t g = 0; g < G; g++) {
            const float *lo = V + (k * C + 2 * g) * Tv, *hi = lo + Tv;
            uint32_t *dst = Vb + (k * G + g) * Tv;
            for (int64_t t = 0; t < n; t += 16) {
                __m512i v = bf16_lanes(lo + t, 0);
                if (2 * g + 1 < C)
                    v = _mm512_or_si512(v, bf16_lanes(hi + t, 1));
                _mm512_storeu_si512((void *)(dst + t), v);
            }
        }
}

#ifdef __clang__
#pragma clang attribute pop
#endif
const pai_conv1d_fn pai_conv1d_bf16_avx512 = conv1d_bf16_avx512,
                    pai_conv1d_bf16_cols_avx512 = conv1d_bf16_cols_avx512;
const pai_wino_bf16_fn pai_wino_to_bf16_avx512 = wino_to_bf16;
#else
#include "infer/infer_int.h"
const pai_conv1d_fn pai_conv1d_bf16_avx512 = NULL, pai_conv1d_bf16_cols_avx512 = NULL;
const pai_wino_bf16_fn pai_wino_to_bf16_avx512 = NULL;
#endif
