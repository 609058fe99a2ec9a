/* kern_avx512.c — striped and inter-sequence kernels for AVX-512BW (512-bit), and the
 * inter-sequence 8-bit kernel with VBMI score rows; only called after a CPU check. */
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

/* Score vectors of one target column. 8-bit: two 16-entry byte shuffles per query
 * letter blended on bit 4 of the target code; 16-bit: one 32-entry word permute. */
static inline void i_avx512_prof8(__m512i *prof, const uint8_t *tv, const pai_ibatch *b)
{
    __m512i t = _mm512_loadu_si512(tv);
    __mmask64 hi = _mm512_test_epi8_mask(t, _mm512_set1_epi8(16));
    for (int ri = 0; ri < b->nrows; ri++) {
        int a = b->rows[ri];
        const __m128i *row = (const __m128i *)(PAI_ROW8(b, ri));
        __m512i lo = _mm512_broadcast_i32x4(_mm_loadu_si128(row));
        __m512i up = _mm512_broadcast_i32x4(_mm_loadu_si128(row + 1));
        prof[a] = _mm512_mask_blend_epi8(hi, _mm512_shuffle_epi8(lo, t),
                                         _mm512_shuffle_epi8(up, t));
    }
}

static inline void i_avx512_prof16(__m512i *prof, const uint8_t *tv, const pai_ibatch *b)
{
    __m512i t = _mm512_cvtepu8_epi16(_mm256_loadu_si256((const __m256i *)tv));
    for (int ri = 0; ri < b->nrows; ri++)
        prof[b->rows[ri]] = _mm512_permutexvar_epi16(t, _mm512_loadu_si512(PAI_ROW16(b, ri)));
}

#define FN i_avx512_i8
#define PROF i_avx512_prof8
#include "align/kern_avx512_i8.h"

#define FN i_avx512_i16
#define ET int16_t
#define WBITS 16
#define VADDS _mm512_adds_epi16
#define VSUBS _mm512_subs_epi16
#define VMAX _mm512_max_epi16
#define VSET1(x) _mm512_set1_epi16((short)(x))
#define PROF i_avx512_prof16
#define MASKGT(a, b) ((uint64_t)_mm512_cmpgt_epi16_mask((a), (b)))
#define MASKEQ(a, b) ((uint64_t)_mm512_cmpeq_epi16_mask((a), (b)))
#include "align/inter_tmpl.h"

#ifdef __clang__
#pragma clang attribute pop
#endif

/* AVX-512 VBMI (called only after its own CPU check): one byte permute (vpermb, 64
 * entries) maps the 64 target codes through a whole score row, where plain AVX-512BW
 * needs two in-lane shuffles and a blend. */
#ifdef __clang__
#pragma clang attribute push(__attribute__((target("avx512f,avx512bw,avx512vbmi"))), \
                             apply_to = function)
#else
#pragma GCC push_options
#pragma GCC target("avx512f,avx512bw,avx512vbmi")
#endif
static inline void i_vbmi_prof8(__m512i *prof, const uint8_t *tv, const pai_ibatch *b)
{
    __m512i t = _mm512_loadu_si512(tv);
    for (int ri = 0; ri < b->nrows; ri++) {
        __m256i row = _mm256_loadu_si256((const __m256i *)PAI_ROW8(b, ri));
        prof[b->rows[ri]] = _mm512_permutexvar_epi8(t, _mm512_broadcast_i64x4(row));
    }
}

#define FN i_vbmi_i8
#define PROF i_vbmi_prof8
#include "align/kern_avx512_i8.h"
#ifdef __clang__
#pragma clang attribute pop
#else
#pragma GCC pop_options
#endif

const pai_kernel_fn pai_kernels_avx512[3] = {k_avx512_8, k_avx512_16, k_avx512_32};
const pai_inter_fn pai_inter_avx512[2] = {i_avx512_i8, i_avx512_i16};
/* 16-bit lanes already permute whole rows (vpermw): the same kernel */
const pai_inter_fn pai_inter_avx512vbmi[2] = {i_vbmi_i8, i_avx512_i16};
#else
#include "align/align_int.h"
const pai_kernel_fn pai_kernels_avx512[3] = {NULL, NULL, NULL};
const pai_inter_fn pai_inter_avx512[2] = {NULL, NULL};
const pai_inter_fn pai_inter_avx512vbmi[2] = {NULL, NULL};
#endif
