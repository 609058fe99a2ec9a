/* fuzz_fasta.c — libFuzzer target: FASTA from memory (plain or compressed), with the
 * default cleaning and, when the first byte is odd, strict mode with diagnostics. */
#include "fuzz_util.h"

/* Cleaned sequences hold upper-case letters only. */
static void check_records(const pa_seqlist *l)
{
    size_t n = pa_seqlist_count(l);
    for (size_t i = 0; i < n; i++) {
        pa_seq_record r;
        FUZZ_CHECK(pa_seqlist_get(l, i, &r) == 0);
        fuzz_str(r.id);
        fuzz_str(r.description);
        FUZZ_CHECK(r.seq != NULL && strlen(r.seq) == r.len);
        for (size_t k = 0; k < r.len; k++)
            FUZZ_CHECK(r.seq[k] >= 'A' && r.seq[k] <= 'Z');
    }
    pa_seq_record r;
    FUZZ_CHECK(pa_seqlist_get(l, n, &r) < 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    pa_seqlist *l = NULL;
    pa_diags *d = NULL;
    pa_fasta_opts o = PA_FASTA_OPTS_INIT;
    o.strict = size && (data[0] & 1);
    if (pa_diags_new(&d))
        return 0;
    int rc = pa_fasta_read_memory_ex(data, size, "fuzz.fasta", &o, &l, d);
    if (rc != 0) {
        FUZZ_CHECK(rc < 0 && l == NULL);
    } else {
        FUZZ_CHECK(pa_diags_count_at_least(d, PA_SEV_ERROR) == 0);
        check_records(l);
    }
    for (size_t i = 0; i < pa_diags_count(d); i++)
        fuzz_str(pa_diags_get(d, i)->message);
    pa_seqlist_free(l);
    pa_diags_free(d);
    return 0;
}
