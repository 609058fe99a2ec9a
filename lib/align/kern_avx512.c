/* kern_avx512.c — striped kernels for AVX-512BW (512-bit); only called after a CPU check. */
#if defined(__x86_64__) || defined(__i386__)
#ifndef __clang__
#pragma GCC target("avx512f,avx512bw")
#endif
#include "align/align_int.h"

#include <immintrin.h>
#include <string.h>
#ifdef __clang__ /* clang ignores "#pragma GCC target" */
#pragma clang attribute push(__attribute__((target("avx512f,avx512bw"))), apply_to = function)
#endif

#define VT __m512i
#define VOR _mm512_or_si512
#define VLOAD(p) _mm512_load_si512(p)
#define VSTORE(p, v) _mm512_store_si512((p), (v))
#define VSTOREU(p, v) _mm512_storeu_si512((p), (v))
/* shift the whole register up by b bytes, zeros in: bring each 128-bit lane's
 * lower neighbour alongside, then byte-align within lanes */
#define SHLB(v, b) \
    _mm512_alignr_epi8((v), _mm512_alignr_epi32((v), _mm512_setzero_si512(), 12), 16 - (b))
#define LANE0(x) _mm512_maskz_set1_epi32(1, (int)(x))

#define FN k_avx512_8
#define ET uint8_t
#define WBITS 8
#define VADD _mm512_adds_epu8
#define VSUB _mm512_subs_epu8
#define VMAX _mm512_max_epu8
#define VSET1(x) _mm512_set1_epi8((char)(x))
#define VLANE0(x) LANE0((x) & 0xff)
#define VANYGT(a, b) (_mm512_cmpgt_epu8_mask((a), (b)) != 0)
#define VSHL1(v) SHLB(v, 1)
#include "align/striped_tmpl.h"

#define FN k_avx512_16
#define ET int16_t
#define WBITS 16
#define VADD _mm512_adds_epi16
#define VSUB _mm512_subs_epi16
#define VMAX _mm512_max_epi16
#define VSET1(x) _mm512_set1_epi16((short)(x))
#define VLANE0(x) LANE0((x) & 0xffff)
#define VANYGT(a, b) (_mm512_cmpgt_epi16_mask((a), (b)) != 0)
#define VSHL1(v) SHLB(v, 2)
#include "align/striped_tmpl.h"

#define FN k_avx512_32
#define ET int32_t
#define WBITS 32
#define VADD _mm512_add_epi32
#define VSUB _mm512_sub_epi32
#define VMAX _mm512_max_epi32
#define VSET1(x) _mm512_set1_epi32((int)(x))
#define VLANE0(x) LANE0(x)
#define VANYGT(a, b) (_mm512_cmpgt_epi32_mask((a), (b)) != 0)
#define VSHL1(v) _mm512_alignr_epi32((v), _mm512_setzero_si512(), 15)
#include "align/striped_tmpl.h"

#ifdef __clang__
#pragma clang attribute pop
#endif
const pai_kernel_fn pai_kernels_avx512[3] = {k_avx512_8, k_avx512_16, k_avx512_32};
#else
#include "align/align_int.h"
const pai_kernel_fn pai_kernels_avx512[3] = {NULL, NULL, NULL};
#endif
