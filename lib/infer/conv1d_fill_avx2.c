/* conv1d_fill_avx2.c — the reduced-precision kernels' input rows, vectorised with AVX2 (every
 * CPU with AVX512-VNNI, AVX-VNNI or AVX512_BF16 has it): the int8 activation range, its
 * quantisation into quads of channels, and the bf16 rounding into pairs. At 4x (int8) the
 * speed of the fp32 dot products, a scalar fill would cost as much as the convolution. */
#if defined(__x86_64__) || defined(__i386__)
#ifndef __clang__
#pragma GCC target("avx2,fma")
#endif
#include "infer/infer_int.h"

#include <immintrin.h>
#include <math.h>
#include <string.h>
#ifdef __clang__ /* clang ignores "#pragma GCC target" */
#pragma clang attribute push(__attribute__((target("avx2,fma"))), apply_to = function)
#endif

static float hreduce(__m256 v, int max)
{
    float t[8];
    _mm256_storeu_ps(t, v);
    float r = t[0];
    for (int i = 1; i < 8; i++)
        r = max ? (t[i] > r ? t[i] : r) : (t[i] < r ? t[i] : r);
    return r;
}

static void range(const float *x, size_t n, float *lo, float *hi)
{
    __m256 vlo = _mm256_setzero_ps(), vhi = _mm256_setzero_ps();
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        __m256 v = _mm256_loadu_ps(x + i);
        vlo = _mm256_min_ps(vlo, v);
        vhi = _mm256_max_ps(vhi, v);
    }
    *lo = hreduce(vlo, 0);
    *hi = hreduce(vhi, 1);
    for (; i < n; i++) {
        *lo = x[i] < *lo ? x[i] : *lo;
        *hi = x[i] > *hi ? x[i] : *hi;
    }
}

/* Channel c's byte of quantised lanes (c past C: the zero point). */
static inline __m256i quant8(const float *row, __m256 inv, __m256i zp)
{
    __m256i q = _mm256_add_epi32(_mm256_cvtps_epi32(_mm256_mul_ps(_mm256_loadu_ps(row), inv)), zp);
    return _mm256_min_epi32(_mm256_max_epi32(q, _mm256_setzero_si256()), _mm256_set1_epi32(255));
}

static void fill_int8(const pai_conv1d_pack *pk, const float *x, int64_t W, int64_t pl,
                      int64_t xs, void *dst, pai_conv1d_job *j)
{
    float lo, hi;
    range(x, (size_t)(pk->C * W), &lo, &hi);
    float sc = hi > lo ? (hi - lo) / 255.0f : 1.0f, inv = 1.0f / sc;
    long zp = lrintf(-lo * inv);
    zp = zp < 0 ? 0 : zp > 255 ? 255 : zp;
    uint32_t pad = (uint32_t)zp * 0x01010101u;
    __m256 vinv = _mm256_set1_ps(inv);
    __m256i vzp = _mm256_set1_epi32((int)zp);
    for (int64_t g = 0; g < pk->G; g++) {
        uint32_t *d = (uint32_t *)dst + g * xs;
        for (int64_t p = 0; p < pl; p++)
            d[p] = pad;
        for (int64_t p = pl + W; p < xs; p++)
            d[p] = pad;
        int64_t p = 0;
        for (; p + 8 <= W; p += 8) {
            __m256i acc = _mm256_setzero_si256();
            for (int k = 0; k < 4; k++) {
                int64_t c = g * 4 + k;
                __m256i q = c < pk->C ? quant8(x + c * W + p, vinv, vzp) : vzp;
                acc = _mm256_or_si256(acc, _mm256_slli_epi32(q, 8 * k));
            }
            _mm256_storeu_si256((__m256i *)(d + pl + p), acc);
        }
        for (; p < W; p++) { /* the tail, as the scalar path */
            uint32_t v = 0;
            for (int k = 0; k < 4; k++) {
                int64_t c = g * 4 + k;
                long q = c < pk->C ? lrintf(x[c * W + p] * inv) + zp : zp;
                v |= (uint32_t)(q < 0 ? 0 : q > 255 ? 255 : q) << (8 * k);
            }
            d[pl + p] = v;
        }
    }
    j->xscale = sc;
    j->xzp = (int32_t)zp;
}

/* bf16 bits of 8 floats (round to nearest even), in the low (hi = 0) or high half of lanes. */
static inline __m256i bf16x8(const float *row, int high)
{
    __m256i u = _mm256_castps_si256(_mm256_loadu_ps(row));
    __m256i odd = _mm256_and_si256(_mm256_srli_epi32(u, 16), _mm256_set1_epi32(1));
    __m256i r = _mm256_add_epi32(u, _mm256_add_epi32(_mm256_set1_epi32(0x7FFF), odd));
    return high ? _mm256_and_si256(r, _mm256_set1_epi32((int)0xFFFF0000u)) : _mm256_srli_epi32(r, 16);
}

static uint32_t bf16_bits(float f, int high)
{
    uint32_t u;
    memcpy(&u, &f, 4);
    u += 0x7FFFu + ((u >> 16) & 1u);
    return high ? u & 0xFFFF0000u : u >> 16;
}

static void fill_bf16(const pai_conv1d_pack *pk, const float *x, int64_t W, int64_t pl,
                      int64_t xs, void *dst, pai_conv1d_job *j)
{
    (void)j;
    for (int64_t g = 0; g < pk->G; g++) {
        uint32_t *d = (uint32_t *)dst + g * xs;
        const float *r0 = x + 2 * g * W, *r1 = 2 * g + 1 < pk->C ? r0 + W : NULL;
        memset(d, 0, (size_t)pl * 4);
        memset(d + pl + W, 0, (size_t)(xs - pl - W) * 4);
        int64_t p = 0;
        for (; p + 8 <= W; p += 8) {
            __m256i v = bf16x8(r0 + p, 0);
            if (r1)
                v = _mm256_or_si256(v, bf16x8(r1 + p, 1));
            _mm256_storeu_si256((__m256i *)(d + pl + p), v);
        }
        for (; p < W; p++)
            d[pl + p] = bf16_bits(r0[p], 0) | (r1 ? bf16_bits(r1[p], 1) : 0);
    }
}

#ifdef __clang__
#pragma clang attribute pop
#endif
const pai_conv1d_fill_fn pai_conv1d_fill_int8_avx2 = fill_int8, pai_conv1d_fill_bf16_avx2 = fill_bf16;
#else
#include "infer/infer_int.h"
const pai_conv1d_fill_fn pai_conv1d_fill_int8_avx2 = NULL, pai_conv1d_fill_bf16_avx2 = NULL;
#endif
