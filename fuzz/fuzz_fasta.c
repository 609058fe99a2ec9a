/* fuzz_fasta.c — libFuzzer target: FASTA from memory (plain or compressed). */
#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    pa_seqlist *l = NULL;
    int rc = pa_fasta_read_memory(data, size, "fuzz.fasta", &l);
    if (rc != 0) {
        FUZZ_CHECK(rc < 0 && l == NULL);
        return 0;
    }
    size_t n = pa_seqlist_count(l);
    for (size_t i = 0; i < n; i++) {
        pa_seq_record r;
        FUZZ_CHECK(pa_seqlist_get(l, i, &r) == 0);
        fuzz_str(r.id);
        fuzz_str(r.description);
        FUZZ_CHECK(r.seq != NULL && strlen(r.seq) == r.len);
    }
    pa_seq_record r;
    FUZZ_CHECK(pa_seqlist_get(l, n, &r) < 0);
    pa_seqlist_free(l);
    return 0;
}
