/* kern_avx512_i8.h — the 8-bit AVX-512BW instantiation of inter_tmpl.h, included by
 * kern_avx512.c twice: the includer defines FN and PROF (score rows by in-lane shuffles,
 * or by VBMI byte permutes). */
#define ET int8_t
#define WBITS 8
#define VADDS _mm512_adds_epi8
#define VSUBS _mm512_subs_epi8
#define VMAX _mm512_max_epi8
#define VSET1(x) _mm512_set1_epi8((char)(x))
#define MASKGT(a, b) ((uint64_t)_mm512_cmpgt_epi8_mask((a), (b)))
#define MASKEQ(a, b) ((uint64_t)_mm512_cmpeq_epi8_mask((a), (b)))
#include "align/inter_tmpl.h"
