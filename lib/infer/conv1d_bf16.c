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

#ifdef __clang__
#pragma clang attribute pop
#endif
const pai_conv1d_fn pai_conv1d_bf16_avx512 = conv1d_bf16_avx512;
#else
#include "infer/infer_int.h"
const pai_conv1d_fn pai_conv1d_bf16_avx512 = NULL;
#endif
