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

/* GELU for the bf16 Winograd epilogue: erf(z) ~ z P(z^2) / Q(z^2) with z clamped to +-3, P and
 * Q of degree 2 and 3 (fitted to |error| <= 1e-4, 2e-4 with rcp14): 14 operations instead of
 * 22, and 20 times below the 2^-9 rounding the next layer applies to its input anyway. */
static inline __m512 gelu_bf16(__m512 v)
{
    __m512 z = _mm512_mul_ps(v, _mm512_set1_ps(0.70710678118f));
    z = _mm512_max_ps(_mm512_set1_ps(-3.0f), _mm512_min_ps(z, _mm512_set1_ps(3.0f)));
    __m512 u = _mm512_mul_ps(z, z);
    __m512 p = _mm512_fmadd_ps(_mm512_set1_ps(0.02978527471546348f), u,
                               _mm512_set1_ps(0.1872765886900487f));
    p = _mm512_fmadd_ps(p, u, _mm512_set1_ps(1.1282612160750416f));
    __m512 q = _mm512_fmadd_ps(_mm512_set1_ps(0.0034657618886363706f), u,
                               _mm512_set1_ps(0.09467877593392272f));
    q = _mm512_fmadd_ps(q, u, _mm512_set1_ps(0.4983416159455815f));
    q = _mm512_fmadd_ps(q, u, _mm512_set1_ps(1.0f));
    __m512 e = _mm512_mul_ps(_mm512_mul_ps(z, p), _mm512_rcp14_ps(q));
    __m512 h = _mm512_mul_ps(v, _mm512_set1_ps(0.5f));
    return _mm512_fmadd_ps(h, e, h);
}
#define GELU_FAST(v) gelu_bf16(v)
#include "infer/conv1d_tmpl.h"
#define WIN_OUT wino_out_bf16
#define WIN_BLOCK wino_block_bf16
#include "infer/conv1d_wino_tmpl.h"

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

/* sum_l b[l] x[l] over l = first, first + 2, .. <= last */
static inline __m512 half_dot(const float *b, const __m512 *x, int first, int last)
{
    __m512 acc = _mm512_mul_ps(_mm512_set1_ps(b[first]), x[first]);
#pragma GCC unroll 4
    for (int l = first + 2; l <= last; l += 2)
        acc = _mm512_fmadd_ps(_mm512_set1_ps(b[l]), x[l], acc);
    return acc;
}

/* The same for a = 8 and the symmetric points (w->sym, wino.c symmetrize): row 0 (point 0)
 * has even terms only, row 7 (infinity) odd ones, rows 2j + 1, 2j + 2 (points +-p) are
 * E + O and E - O of one even half (terms 2, 4, 6) and one odd half (1, 3, 5): 32
 * operations instead of 64. */
static inline void bt_apply_sym(const pai_wino *w, const float *xc, const int64_t *off,
                                __m512 out[PAI_WINO_AMAX])
{
    __m512 x[8];
#pragma GCC unroll 8
    for (int l = 0; l < 8; l++)
        x[l] = _mm512_loadu_ps(xc + off[l]);
    out[0] = half_dot(w->bt[0], x, 0, 6);
    out[7] = half_dot(w->bt[7], x, 1, 7);
#pragma GCC unroll 3
    for (int k = 1; k < 7; k += 2) {
        __m512 e = half_dot(w->bt[k], x, 2, 6), o = half_dot(w->bt[k], x, 1, 5);
        out[k] = _mm512_add_ps(e, o);
        out[k + 1] = _mm512_sub_ps(e, o);
    }
}

/* Rows of two channels as bf16 pairs: lane t = (lo[t], hi[t]), lo in the low half. */
static inline __m512i bf16_pairs(__m512 lo, __m512 hi, __m512i inter)
{
    return _mm512_permutexvar_epi16(inter, (__m512i)_mm512_cvtne2ps_pbh(hi, lo));
}

/* The input transform straight into bf16 channel pairs: pairs [p0, p0 + np), split into X
 * (channel 2 * p0 first), to Vb [a][(C + 1) / 2][Tv] (the sequence's first column, as g->V
 * in fp32): no fp32 V in memory. */
static void wino_in_bf16(const pai_wino_job *g, const float *X, int64_t p0, int64_t np,
                         uint32_t *Vb)
{
    const pai_wino *w = g->w;
    int64_t G = (g->C + 1) / 2;
    __m512i inter = _mm512_set_epi16(31, 15, 30, 14, 29, 13, 28, 12, 27, 11, 26, 10, 25, 9,
                                     24, 8, 23, 7, 22, 6, 21, 5, 20, 4, 19, 3, 18, 2, 17, 1,
                                     16, 0);
    for (int64_t p = p0; p < p0 + np; p++) {
        const float *lo = X + 2 * (p - p0) * g->Xs, *hi = lo + g->Xs;
        int pair = 2 * p + 1 < g->C;
        for (int64_t t = 0; t < g->T; t += 16) {
            __m512 a[PAI_WINO_AMAX], b[PAI_WINO_AMAX];
            if (w->sym) {
                bt_apply_sym(w, lo + t, g->off, a);
                if (pair)
                    bt_apply_sym(w, hi + t, g->off, b);
            } else {
                bt_apply(w, lo + t, g->off, a);
                if (pair)
                    bt_apply(w, hi + t, g->off, b);
            }
            for (int k = 0; k < w->a; k++)
                _mm512_storeu_si512((void *)(Vb + (k * G + p) * g->Tv + t),
                                    bf16_pairs(a[k], pair ? b[k] : _mm512_setzero_ps(), inter));
        }
    }
}

#ifdef __clang__
#pragma clang attribute pop
#endif
const pai_wino_in_bf16_fn pai_wino_in_bf16_avx512 = wino_in_bf16;
const pai_wino_fn pai_wino_out_bf16_avx512 = wino_out_bf16;
const pai_conv1d_fn pai_conv1d_bf16_avx512 = conv1d_bf16_avx512,
                    pai_conv1d_bf16_cols_avx512 = conv1d_bf16_cols_avx512;
#else
#include "infer/infer_int.h"
const pai_conv1d_fn pai_conv1d_bf16_avx512 = NULL, pai_conv1d_bf16_cols_avx512 = NULL;
const pai_wino_in_bf16_fn pai_wino_in_bf16_avx512 = NULL;
const pai_wino_fn pai_wino_out_bf16_avx512 = NULL;
#endif
