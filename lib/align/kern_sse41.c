/* kern_sse41.c — striped kernels for SSE4.1 (128-bit); only called after a CPU check. */
#if defined(__x86_64__) || defined(__i386__)
#ifndef __clang__
#pragma GCC target("sse4.1")
#endif
#include "align/align_int.h"

#include <immintrin.h>
#include <string.h>
#ifdef __clang__ /* clang ignores "#pragma GCC target" */
#pragma clang attribute push(__attribute__((target("sse4.1"))), apply_to = function)
#endif

#define VT __m128i
#define VOR _mm_or_si128
#define VLOAD(p) _mm_load_si128(p)
#define VSTORE(p, v) _mm_store_si128((p), (v))
#define VSTOREU(p, v) _mm_storeu_si128((p), (v))

#define FN k_sse41_8
#define ET uint8_t
#define WBITS 8
#define VADD _mm_adds_epu8
#define VSUB _mm_subs_epu8
#define VMAX _mm_max_epu8
#define VSET1(x) _mm_set1_epi8((char)(x))
#define VLANE0(x) _mm_cvtsi32_si128((x) & 0xff)
/* a > b somewhere iff the saturating difference is nonzero */
#define VANYGT(a, b) (!_mm_testz_si128(_mm_subs_epu8((a), (b)), _mm_subs_epu8((a), (b))))
#define VSHL1(v) _mm_slli_si128((v), 1)
#include "align/striped_tmpl.h"

#define FN k_sse41_16
#define ET int16_t
#define WBITS 16
#define VADD _mm_adds_epi16
#define VSUB _mm_subs_epi16
#define VMAX _mm_max_epi16
#define VSET1(x) _mm_set1_epi16((short)(x))
#define VLANE0(x) _mm_cvtsi32_si128((x) & 0xffff)
#define VANYGT(a, b) (_mm_movemask_epi8(_mm_cmpgt_epi16((a), (b))) != 0)
#define VSHL1(v) _mm_slli_si128((v), 2)
#include "align/striped_tmpl.h"

#define FN k_sse41_32
#define ET int32_t
#define WBITS 32
#define VADD _mm_add_epi32
#define VSUB _mm_sub_epi32
#define VMAX _mm_max_epi32
#define VSET1(x) _mm_set1_epi32((int)(x))
#define VLANE0(x) _mm_cvtsi32_si128((int)(x))
#define VANYGT(a, b) (_mm_movemask_epi8(_mm_cmpgt_epi32((a), (b))) != 0)
#define VSHL1(v) _mm_slli_si128((v), 4)
#include "align/striped_tmpl.h"

#include "align/inter_lookup.h"

static inline void i_sse41_prof8(__m128i *prof, const uint8_t *tv, const pai_ibatch *b)
{
    __m128i t = _mm_loadu_si128((const __m128i *)tv), hi = _mm_slli_epi16(t, 3);
    for (int ri = 0; ri < b->nrows; ri++)
        prof[b->rows[ri]] = pai_lookup128(PAI_ROW8(b, ri), t, hi);
}

static inline void i_sse41_prof16(__m128i *prof, const uint8_t *tv, const pai_ibatch *b)
{
    __m128i t = _mm_loadl_epi64((const __m128i *)tv), hi = _mm_slli_epi16(t, 3);
    for (int ri = 0; ri < b->nrows; ri++)
        prof[b->rows[ri]] = _mm_cvtepi8_epi16(pai_lookup128(PAI_ROW8(b, ri), t, hi));
}

#define FN i_sse41_i8
#define ET int8_t
#define WBITS 8
#define VADDS _mm_adds_epi8
#define VSUBS _mm_subs_epi8
#define VMAX _mm_max_epi8
#define VSET1(x) _mm_set1_epi8((char)(x))
#define PROF i_sse41_prof8
#define MASKGT(a, b) ((uint64_t)_mm_movemask_epi8(_mm_cmpgt_epi8((a), (b))))
#define MASKEQ(a, b) ((uint64_t)_mm_movemask_epi8(_mm_cmpeq_epi8((a), (b))))
#include "align/inter_tmpl.h"

#define FN i_sse41_i16
#define ET int16_t
#define WBITS 16
#define VADDS _mm_adds_epi16
#define VSUBS _mm_subs_epi16
#define VMAX _mm_max_epi16
#define VSET1(x) _mm_set1_epi16((short)(x))
#define PROF i_sse41_prof16
#define MASKGT(a, b) pai_pairbits((uint32_t)_mm_movemask_epi8(_mm_cmpgt_epi16((a), (b))))
#define MASKEQ(a, b) pai_pairbits((uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi16((a), (b))))
#include "align/inter_tmpl.h"

#ifdef __clang__
#pragma clang attribute pop
#endif
const pai_kernel_fn pai_kernels_sse41[3] = {k_sse41_8, k_sse41_16, k_sse41_32};
const pai_inter_fn pai_inter_sse41[2] = {i_sse41_i8, i_sse41_i16};
#else
#include "align/align_int.h"
const pai_kernel_fn pai_kernels_sse41[3] = {NULL, NULL, NULL};
const pai_inter_fn pai_inter_sse41[2] = {NULL, NULL};
#endif
