/* fuzz_align.c — libFuzzer target: sequences for the batch kernels. The first byte
 * picks mode, gap costs and free ends; the rest is a query line then up to 80 target
 * lines (any bytes). The inter-sequence kernels, the striped kernels and the scalar
 * reference must give the same score and end cell for every pair. */
#include "fuzz_util.h"

#include <stdlib.h>

enum { MAXT = 80 };

static int run(const char *q, char **t, size_t nt, pa_align_opts o, pa_isa isa,
               pa_align_kernel k, pa_hit **h, size_t *nh)
{
    pa_batch_opts bo = PA_BATCH_OPTS_INIT;
    bo.kernel = k;
    o.isa = isa;
    return pa_align_many(NULL, &q, NULL, 1, (const char *const *)t, NULL, nt, &o, &bo, h, nh);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    unsigned c = data[0];
    char *lines[MAXT + 1];
    size_t n = 0, at = 1;
    while (at <= size && n < MAXT + 1) { /* NUL-terminated copies of the lines */
        const uint8_t *e = memchr(data + at, '\n', size - at);
        size_t len = e ? (size_t)(e - (data + at)) : size - at;
        lines[n] = malloc(len + 1);
        memcpy(lines[n], data + at, len);
        lines[n][len] = 0;
        n++;
        at += len + 1;
    }
    pa_align_opts o = PA_ALIGN_OPTS_INIT;
    o.mode = (pa_align_mode)(c % 3);
    o.gap_extend = (int)((c >> 5) % 3);
    o.gap_open = o.gap_extend + (int)((c >> 2) % 8);
    o.free_ends = c & 15;
    pa_hit *ref = NULL, *h = NULL;
    size_t nref = 0, nh = 0;
    int rr = run(lines[0], lines + 1, n - 1, o, PA_ISA_SCALAR, PA_KERNEL_AUTO, &ref, &nref);
    static const pa_isa isas[] = {PA_ISA_SSE41, PA_ISA_AVX2, PA_ISA_AVX512};
    for (size_t i = 0; i < 3; i++)
        for (int k = PA_KERNEL_INTER; k <= PA_KERNEL_STRIPED; k++) {
            int rc = run(lines[0], lines + 1, n - 1, o, isas[i], (pa_align_kernel)k, &h, &nh);
            if (rc == PA_EUNSUPPORTED)
                continue;
            FUZZ_CHECK(rc == rr);
            for (size_t x = 0; rc == 0 && x < nh; x++) {
                FUZZ_CHECK(nh == nref && h[x].target == ref[x].target);
                FUZZ_CHECK(h[x].aln.score == ref[x].aln.score);
                FUZZ_CHECK(h[x].aln.qend == ref[x].aln.qend && h[x].aln.tend == ref[x].aln.tend);
            }
            pa_hits_free(h, nh);
            h = NULL, nh = 0;
        }
    pa_hits_free(ref, nref);
    for (size_t i = 0; i < n; i++)
        free(lines[i]);
    return 0;
}
