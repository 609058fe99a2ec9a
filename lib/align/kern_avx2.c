/* kern_avx2.c — striped kernels for AVX2 (256-bit); only called after a CPU check. */
#if defined(__x86_64__) || defined(__i386__)
#ifndef __clang__
#pragma GCC target("avx2")
#endif
#include "align/align_int.h"

#include <immintrin.h>
#include <string.h>
#ifdef __clang__ /* clang ignores "#pragma GCC target" */
#pragma clang attribute push(__attribute__((target("avx2"))), apply_to = function)
#endif

#define VT __m256i
#define VOR _mm256_or_si256
#define VLOAD(p) _mm256_load_si256(p)
#define VSTORE(p, v) _mm256_store_si256((p), (v))
#define VSTOREU(p, v) _mm256_storeu_si256((p), (v))
/* shift the whole register up by b bytes, zeros in */
#define SHLB(v, b) _mm256_alignr_epi8((v), _mm256_permute2x128_si256((v), (v), 0x08), 16 - (b))
#define LANE0(x) _mm256_setr_epi32((int)(x), 0, 0, 0, 0, 0, 0, 0)

#define FN k_avx2_8
#define ET uint8_t
#define WBITS 8
#define VADD _mm256_adds_epu8
#define VSUB _mm256_subs_epu8
#define VMAX _mm256_max_epu8
#define VSET1(x) _mm256_set1_epi8((char)(x))
#define VLANE0(x) LANE0((x) & 0xff)
/* a > b somewhere iff the saturating difference is nonzero */
#define VANYGT(a, b) (!_mm256_testz_si256(_mm256_subs_epu8((a), (b)), _mm256_subs_epu8((a), (b))))
#define VSHL1(v) SHLB(v, 1)
#include "align/striped_tmpl.h"

#define FN k_avx2_16
#define ET int16_t
#define WBITS 16
#define VADD _mm256_adds_epi16
#define VSUB _mm256_subs_epi16
#define VMAX _mm256_max_epi16
#define VSET1(x) _mm256_set1_epi16((short)(x))
#define VLANE0(x) LANE0((x) & 0xffff)
#define VANYGT(a, b) (_mm256_movemask_epi8(_mm256_cmpgt_epi16((a), (b))) != 0)
#define VSHL1(v) SHLB(v, 2)
#include "align/striped_tmpl.h"

#define FN k_avx2_32
#define ET int32_t
#define WBITS 32
#define VADD _mm256_add_epi32
#define VSUB _mm256_sub_epi32
#define VMAX _mm256_max_epi32
#define VSET1(x) _mm256_set1_epi32((int)(x))
#define VLANE0(x) LANE0(x)
#define VANYGT(a, b) (_mm256_movemask_epi8(_mm256_cmpgt_epi32((a), (b))) != 0)
#define VSHL1(v) SHLB(v, 4)
#include "align/striped_tmpl.h"

#include "align/inter_lookup.h"

static inline void i_avx2_prof8(__m256i *prof, const uint8_t *tv, const pai_ibatch *b)
{
    __m256i t = _mm256_loadu_si256((const __m256i *)tv), hi = _mm256_slli_epi16(t, 3);
    for (int ri = 0; ri < b->nrows; ri++) {
        int a = b->rows[ri];
        const __m128i *row = (const __m128i *)(PAI_ROW8(b, ri));
        __m256i lo = _mm256_broadcastsi128_si256(_mm_loadu_si128(row));
        __m256i up = _mm256_broadcastsi128_si256(_mm_loadu_si128(row + 1));
        prof[a] = _mm256_blendv_epi8(_mm256_shuffle_epi8(lo, t), _mm256_shuffle_epi8(up, t), hi);
    }
}

static inline void i_avx2_prof16(__m256i *prof, const uint8_t *tv, const pai_ibatch *b)
{
    __m128i t = _mm_loadu_si128((const __m128i *)tv), hi = _mm_slli_epi16(t, 3);
    for (int ri = 0; ri < b->nrows; ri++)
        prof[b->rows[ri]] = _mm256_cvtepi8_epi16(pai_lookup128(PAI_ROW8(b, ri), t, hi));
}

#define FN i_avx2_i8
#define ET int8_t
#define WBITS 8
#define VADDS _mm256_adds_epi8
#define VSUBS _mm256_subs_epi8
#define VMAX _mm256_max_epi8
#define VSET1(x) _mm256_set1_epi8((char)(x))
#define PROF i_avx2_prof8
#define MASKGT(a, b) ((uint64_t)(uint32_t)_mm256_movemask_epi8(_mm256_cmpgt_epi8((a), (b))))
#define MASKEQ(a, b) ((uint64_t)(uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8((a), (b))))
#include "align/inter_tmpl.h"

#define FN i_avx2_i16
#define ET int16_t
#define WBITS 16
#define VADDS _mm256_adds_epi16
#define VSUBS _mm256_subs_epi16
#define VMAX _mm256_max_epi16
#define VSET1(x) _mm256_set1_epi16((short)(x))
#define PROF i_avx2_prof16
#define MASKGT(a, b) pai_pairbits((uint32_t)_mm256_movemask_epi8(_mm256_cmpgt_epi16((a), (b))))
#define MASKEQ(a, b) pai_pairbits((uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi16((a), (b))))
#include "align/inter_tmpl.h"

#ifdef __clang__
#pragma clang attribute pop
#endif
const pai_kernel_fn pai_kernels_avx2[3] = {k_avx2_8, k_avx2_16, k_avx2_32};
const pai_inter_fn pai_inter_avx2[2] = {i_avx2_i8, i_avx2_i16};
#else
#include "align/align_int.h"
const pai_kernel_fn pai_kernels_avx2[3] = {NULL, NULL, NULL};
const pai_inter_fn pai_inter_avx2[2] = {NULL, NULL};
#endif
