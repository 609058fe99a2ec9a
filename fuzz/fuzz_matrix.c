/* fuzz_matrix.c — libFuzzer target: NCBI substitution-matrix text. */
#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    pa_matrix *m = NULL;
    int rc = pa_matrix_parse(&m, (const char *)data, size, "fuzz");
    if (rc != 0) {
        FUZZ_CHECK(rc < 0 && m == NULL);
        return 0;
    }
    int lo, hi;
    pa_matrix_range(m, &lo, &hi);
    FUZZ_CHECK(lo <= hi);
    fuzz_str(pa_matrix_name(m));
    /* Every byte pair scores inside the range. */
    for (int a = 0; a < 256; a += 7)
        for (int b = 0; b < 256; b += 5) {
            int s = pa_matrix_score(m, (char)a, (char)b);
            FUZZ_CHECK(s >= lo && s <= hi);
        }
    /* And the matrix drives an alignment without trouble. */
    pa_alignment al = {0};
    pa_align_opts o = PA_ALIGN_OPTS_INIT;
    o.matrix = m;
    if (pa_align("ACDEFGHIKLMNPQRSTVWYXBZUO*", 26, "WYVTSRQPNMLKIHGFEDCA", 20, &o, &al) == 0)
        pa_alignment_clear(&al);
    pa_matrix_free(m);
    return 0;
}
