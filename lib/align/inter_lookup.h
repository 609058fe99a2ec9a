/* inter_lookup.h — per target column, the score of one query letter against each
 * lane's target residue: two 16-entry byte shuffles blended on bit 4 of the target
 * code (codes < 32). Included by the SSE4.1 and AVX2 kernel files inside their
 * target-attribute regions. */
static inline __m128i pai_lookup128(const uint8_t *row, __m128i t, __m128i hi)
{
    return _mm_blendv_epi8(_mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)row), t),
                           _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(row + 16)), t), hi);
}
