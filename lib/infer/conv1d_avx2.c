/* conv1d_avx2.c — the direct 1-D convolution for AVX2 + FMA: 4 output channels x 3 vectors
 * of 8 positions (12 accumulators of the 16 registers); only called after a CPU check. */
#if defined(__x86_64__) || defined(__i386__)
#ifndef __clang__
#pragma GCC target("avx2,fma")
#endif
#include "infer/infer_int.h"

#include <immintrin.h>
#ifdef __clang__ /* clang ignores "#pragma GCC target" */
#pragma clang attribute push(__attribute__((target("avx2,fma"))), apply_to = function)
#endif

/* Lane mask of the first n lanes (n in 0..8). */
static inline __m256i tail8(int n)
{
    return _mm256_cmpgt_epi32(_mm256_set1_epi32(n), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}

#define FN conv1d_avx2
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
#include "infer/conv1d_tmpl.h"

#ifdef __clang__
#pragma clang attribute pop
#endif
const pai_conv1d_fn pai_conv1d_avx2 = conv1d_avx2;
#else
#include "infer/infer_int.h"
const pai_conv1d_fn pai_conv1d_avx2 = NULL;
#endif
