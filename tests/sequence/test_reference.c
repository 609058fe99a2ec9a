/* test_reference.c — observed and full sequences of every chain in the shared
 * corpus against ../shared/data/structures/reference.tsv (made with gemmi 0.5.7).
 * Requires >= 99 % of reference chains to agree on both sequences; prints every
 * disagreement (each is explained in tests/sequence/REFERENCE_DIFFERENCES.md).
 * Like the reference, one-letter codes come from the built-in table only
 * (use_modres = 0).
 * Files whose format the readers report as unsupported are skipped and counted. */
#include "panalyzer.h"
#include "testutil.h"

typedef struct {
    char *path, *chain, *obs, *seqres;
} ref_row;

static char *field(char **p)
{
    char *s = *p, *t = strchr(s, '\t');
    if (t) {
        *t = '\0';
        *p = t + 1;
    } else {
        s[strcspn(s, "\r\n")] = '\0';
        *p = s + strlen(s);
    }
    return s;
}

static size_t load(const char *tsv, ref_row **rows)
{
    FILE *f = fopen(tsv, "r");
    ck_assert_ptr_nonnull(f);
    size_t n = 0, cap = 0;
    char *line = NULL;
    size_t lcap = 0;
    *rows = NULL;
    for (int first = 1; getline(&line, &lcap, f) > 0; first = 0) {
        if (first)
            continue; /* header */
        char *p = line;
        ref_row r;
        r.path = strdup(field(&p));
        field(&p); /* model */
        r.chain = strdup(field(&p));
        field(&p); /* polymer type */
        field(&p); /* n observed */
        r.obs = strdup(field(&p));
        r.seqres = strdup(field(&p));
        if (n == cap) {
            cap = cap ? 2 * cap : 512;
            *rows = realloc(*rows, cap * sizeof **rows);
        }
        (*rows)[n++] = r;
    }
    free(line);
    fclose(f);
    return n;
}

static void show(const char *what, const char *path, const char *chain, const char *ref,
                 const char *got)
{
    printf("DIFF %s chain %s %s\n  ref: %.120s%s\n  got: %.120s%s\n", path, chain, what, ref,
           strlen(ref) > 120 ? "..." : "", got, strlen(got) > 120 ? "..." : "");
}

START_TEST(test_reference_agreement)
{
    char dir[1024], tsv[1200], path[2048];
    ck_assert_ptr_nonnull(pa_shared_data("structures", dir, sizeof dir));
    snprintf(tsv, sizeof tsv, "%s/reference.tsv", dir);
    ref_row *rows;
    size_t n = load(tsv, &rows);
    size_t agree = 0, counted = 0, skipped = 0, unread = 0;
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j < n && !strcmp(rows[j].path, rows[i].path))
            j++;
        snprintf(path, sizeof path, "%s/%s", dir, rows[i].path);
        pa_reader_opts ro = PA_READER_OPTS_INIT;
        ro.first_model_only = 1;
        pa_structure *s = NULL;
        pa_seqset *q = NULL;
        int rc = pa_structure_read(path, &ro, &s, NULL);
        if (rc == PA_EUNSUPPORTED) {
            printf("SKIP %s: %s\n", rows[i].path, pa_last_error());
            skipped += j - i;
            i = j;
            continue;
        }
        /* gemmi ignores MODRES: compare table against table (MODRES use is a
         * documented convention difference, tested in test_sequence.c) */
        pa_seqset_opts so = PA_SEQSET_OPTS_INIT;
        so.use_modres = 0;
        if (rc == 0)
            rc = pa_sequence_extract(s, &so, &q);
        if (rc) {
            printf("FAIL %s: %s (%d rows)\n", rows[i].path, pa_last_error(), (int)(j - i));
            unread += j - i;
            counted += j - i;
            pa_structure_free(s);
            i = j;
            continue;
        }
        size_t nq = pa_seqset_count(q);
        char *used = calloc(nq + 1, 1);
        for (size_t k = i; k < j; k++, counted++) {
            pa_chain_seq c;
            size_t m = 0;
            for (; m < nq; m++) {
                pa_seqset_get(q, m, &c);
                if (!used[m] && !strcmp(c.auth_id, rows[k].chain))
                    break;
            }
            if (m == nq) {
                printf("DIFF %s chain %s missing (ref observed %.60s)\n", rows[k].path,
                       rows[k].chain, rows[k].obs);
                continue;
            }
            used[m] = 1;
            int ok = 1;
            if (strcmp(c.observed, rows[k].obs)) {
                show("observed", rows[k].path, rows[k].chain, rows[k].obs, c.observed);
                ok = 0;
            }
            if (strcmp(c.seqres, rows[k].seqres)) {
                show("seqres", rows[k].path, rows[k].chain, rows[k].seqres, c.seqres);
                ok = 0;
            }
            agree += ok;
        }
        for (size_t m = 0; m < nq; m++) {
            pa_chain_seq c;
            pa_seqset_get(q, m, &c);
            if (!used[m])
                printf("EXTRA %s chain %s: %.60s\n", rows[i].path, c.auth_id, c.observed);
        }
        free(used);
        pa_seqset_free(q);
        pa_structure_free(s);
        i = j;
    }
    printf("reference chains: %zu, compared %zu, agree %zu (%.2f %%), unreadable %zu, "
           "skipped (unsupported format) %zu\n",
           n, counted, agree, counted ? 100.0 * agree / counted : 0.0, unread, skipped);
    for (size_t k = 0; k < n; k++) {
        free(rows[k].path);
        free(rows[k].chain);
        free(rows[k].obs);
        free(rows[k].seqres);
    }
    free(rows);
    ck_assert_msg(counted > 0, "nothing compared");
    ck_assert_msg(agree * 100 >= counted * 99, "agreement %zu / %zu below 99 %%", agree, counted);
}
END_TEST

int main(void)
{
    char buf[1024];
    if (!pa_shared_data("structures/reference.tsv", buf, sizeof buf)) {
        printf("shared data absent: skipping\n");
        return 77;
    }
    Suite *s = suite_create("sequence-reference");
    TCase *t = tcase_create("reference");
    tcase_set_timeout(t, 600);
    tcase_add_test(t, test_reference_agreement);
    suite_add_tcase(s, t);
    return pa_run_suite(s);
}
