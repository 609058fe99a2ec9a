/* chains.c — read a structure, print each chain's sequence and its predicted
 * secondary structure (the built-in model).
 *
 *   cc chains.c $(pkg-config --cflags --libs panalyzer) -o chains
 *   ./chains 1crn.pdb
 */
#include <panalyzer.h>
#include <stdio.h>
#include <stdlib.h>

static int fail(const char *what, int rc)
{
    fprintf(stderr, "%s: %s (%s)\n", what, pa_last_error(), pa_strerror(rc));
    return EXIT_FAILURE;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s STRUCTURE-FILE\n", argv[0]);
        return EXIT_FAILURE;
    }
    pa_diags *diags;
    pa_structure *s;
    int rc = pa_diags_new(&diags);
    if (rc < 0)
        return fail("pa_diags_new", rc);
    rc = pa_structure_read(argv[1], NULL, &s, diags);
    for (size_t i = 0; i < pa_diags_count(diags); i++) { /* the caller decides what to print */
        char line[512];
        pa_diag_format(pa_diags_get(diags, i), line, sizeof line);
        fprintf(stderr, "%s\n", line);
    }
    pa_diags_free(diags);
    if (rc < 0)
        return fail(argv[1], rc);

    pa_seqset *set;
    rc = pa_sequence_extract(s, NULL, &set); /* chains of the first model */
    pa_structure_free(s);                    /* the set keeps its own copies */
    if (rc < 0)
        return fail("pa_sequence_extract", rc);

    size_t n = pa_seqset_count(set);
    const char **seqs = malloc((n ? n : 1) * sizeof *seqs);
    if (!seqs) {
        pa_seqset_free(set);
        return fail("malloc", PA_ENOMEM);
    }
    pa_chain_seq c;
    for (size_t i = 0; i < n; i++) {
        pa_seqset_get(set, i, &c);
        seqs[i] = c.observed;
    }
    pa_ss_result *ss = NULL;
    rc = pa_predict_ss(NULL, seqs, n, NULL, &ss); /* NULL model: the built-in one */
    for (size_t i = 0; rc == 0 && i < n; i++) {
        pa_seqset_get(set, i, &c);
        printf("chain %s (%s)\nseq %s\nss  %s\n", c.auth_id, pa_polymer_type_name(c.polymer_type),
               c.observed, ss->ss3[i]);
    }
    pa_ss_result_free(ss);
    free(seqs);
    pa_seqset_free(set);
    return rc < 0 ? fail("pa_predict_ss", rc) : EXIT_SUCCESS;
}
