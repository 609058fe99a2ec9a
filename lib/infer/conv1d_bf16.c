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

/* 16 lanes of fp32 as bf16 (round to nearest even) in the low halves of 32-bit lanes. */
static inline __m512i bf16_low(__m512 v)
{
    return _mm512_cvtepu16_epi32((__m256i)_mm512_cvtneps_pbh(v));
}

/* Input transform of one channel at columns t.. (as WIN_IN in conv1d_wino_tmpl.h); row k of
 * the result into out[k] (AMAX rows; those past a are not used). */
static inline void bt_apply(const pai_wino *w, const float *xc, const int64_t *off,
                            __m512 out[PAI_WINO_AMAX])
{
    __m512 xv[PAI_WINO_AMAX];
#pragma GCC unroll 8
    for (int l = 0; l < PAI_WINO_AMAX; l++)
        xv[l] = l < w->a ? _mm512_loadu_ps(xc + off[l]) : _mm512_setzero_ps();
#pragma GCC unroll 8
    for (int k = 0; k < PAI_WINO_AMAX; k++) {
        __m512 acc = _mm512_mul_ps(_mm512_set1_ps(w->bt[k][0]), xv[0]);
#pragma GCC unroll 8
        for (int l = 1; l < PAI_WINO_AMAX; l++)
            acc = _mm512_fmadd_ps(_mm512_set1_ps(w->bt[k][l]), xv[l], acc);
        out[k] = acc;
    }
}

/* The input transform straight into bf16 channel pairs Vb [a][G][Tv] (the sequence's first
 * column, as g->V in fp32): no fp32 V in memory. */
static void wino_in_bf16(const pai_wino_job *g, uint32_t *Vb)
{
    const pai_wino *w = g->w;
    int64_t G = (g->C + 1) / 2;
    for (int64_t p = 0; p < G; p++) {
        const float *lo = g->X + 2 * p * g->Xs, *hi = lo + g->Xs;
        int pair = 2 * p + 1 < g->C;
        for (int64_t t = 0; t < g->T; t += 16) {
            __m512 a[PAI_WINO_AMAX], b[PAI_WINO_AMAX];
            bt_apply(w, lo + t, g->off, a);
            if (pair)
                bt_apply(w, hi + t, g->off, b);
            for (int k = 0; k < w->a; k++) {
                __m512i v = bf16_low(a[k]);
                if (pair)
                    v = _mm512_or_si512(v, _mm512_slli_epi32(bf16_low(b[k]), 16));
                _mm512_storeu_si512((void *)(Vb + (k * G + p) * g->Tv + t), v);
            }
        }
    }
}

#ifdef __clang__
#pragma clang attribute pop
#endif
const pai_wino_in_bf16_fn pai_wino_in_bf16_avx512 = wino_in_bf16;
const pai_conv1d_fn pai_conv1d_bf16_avx512 = conv1d_bf16_avx512,
                    pai_conv1d_bf16_cols_avx512 = conv1d_bf16_cols_avx512;
#else
#include "infer/infer_int.h"
const pai_conv1d_fn pai_conv1d_bf16_avx512 = NULL, pai_conv1d_bf16_cols_avx512 = NULL;
const pai_wino_in_bf16_fn pai_wino_in_bf16_avx512 = NULL;
#endif
