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
#define XV __m512bh
#define AT __m512
#define AZERO _mm512_setzero_ps()
#define XLOAD(p) ((__m512bh)_mm512_loadu_si512((const void *)(p)))
#define WSET(w) ((__m512bh)_mm512_set1_epi32((int)(w)))
#define DOT(a, x, w) _mm512_dpbf16_ps((a), (x), (w))
#define EPI_SETUP(j, m) ((void)0)
#define EPI(a) (a)
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
const pai_conv1d_fn pai_conv1d_bf16_avx512 = conv1d_bf16_avx512;
#else
#include "infer/infer_int.h"
const pai_conv1d_fn pai_conv1d_bf16_avx512 = NULL;
#endif
