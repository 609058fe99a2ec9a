/* fuzz_dssp.c — libFuzzer target: DSSP on whatever the structure readers make of
 * the input (seeded by the structure fuzzers' corpus): every model, the classic
 * text, the per-chain strings; invariants trap. */
#include "fuzz_util.h"

static void check_dssp(const pa_structure *s, const pa_dssp *d)
{
    size_t n = pa_dssp_count(d);
    FUZZ_CHECK(strlen(pa_dssp_ss8(d)) == n);
    int last = 0;
    for (size_t i = 0; i < n; i++) {
        pa_dssp_residue r;
        FUZZ_CHECK(pa_dssp_get(d, i, &r) == 0);
        FUZZ_CHECK(r.number > last); /* numbers only grow */
        last = r.number;
        FUZZ_CHECK(pa_dssp_find(d, r.residue) == (long)i);
        FUZZ_CHECK(strchr("HGIEBTSP ", r.ss) != NULL);
        FUZZ_CHECK(!(r.acc < 0));
    }
    char *text = NULL;
    size_t len = 0;
    if (pa_dssp_format_classic(d, s, &text, &len) == 0) {
        FUZZ_CHECK(strlen(text) == len);
        pa_free(text);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    pa_reader_opts ro = fuzz_reader_opts(size, PA_FORMAT_AUTO);
    pa_structure *s = NULL;
    if (pa_structure_read_memory(data, size, "fuzz", &ro, &s, NULL) != 0)
        return 0;
    size_t models = pa_structure_model_count(s);
    for (size_t m = 0; m < models && m < 4; m++) {
        pa_dssp_opts o = PA_DSSP_OPTS_INIT;
        o.model = (unsigned)m;
        o.accessibility = (size >> 6) & 1;
        o.pp_stretch = 2 + (int)((size >> 7) & 1);
        pa_dssp *d = NULL;
        if (pa_dssp_compute(s, &o, &d, NULL) != 0)
            continue;
        check_dssp(s, d);
        pa_seqset_opts so = PA_SEQSET_OPTS_INIT;
        so.model = (unsigned)m;
        pa_seqset *q = NULL;
        if (pa_sequence_extract(s, &so, &q) == 0) {
            for (size_t i = 0; i < pa_seqset_count(q); i++) {
                pa_chain_seq c;
                char buf[4096];
                if (pa_seqset_get(q, i, &c) == 0 && c.n_observed < sizeof buf &&
                    pa_dssp_chain_ss8(d, &c, buf, sizeof buf) == 0)
                    FUZZ_CHECK(strlen(buf) == c.n_observed);
            }
            pa_seqset_free(q);
        }
        pa_dssp_free(d);
    }
    pa_structure_free(s);
    return 0;
}
