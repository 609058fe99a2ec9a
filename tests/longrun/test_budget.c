/* The pipeline's memory budget (max_bytes): estimates, admission of files over
 * the budget one at a time with a warning, the same results as without a
 * budget, and older option versions that do not have the field. */
#include "pipeline/pipeline_int.h"
#include "testutil.h"


enum { NFILES = 12 };

typedef struct {
    size_t n, warned, atoms;
} tally;

static int count(void *ctx, const pa_result *r)
{
    tally *t = ctx;
    pa_result_summary s;
    ck_assert_int_eq(pa_result_status(r), 0);
    ck_assert_int_eq(pa_result_summary_get(r, &s), 0);
    const pa_diags *d = pa_result_diagnostics(r);
    for (size_t i = 0; i < pa_diags_count(d); i++) {
        const pa_diag *g = pa_diags_get(d, i);
        if (g->code == PA_D_LIMIT && g->severity == PA_SEV_WARNING &&
            strstr(g->message, "memory budget"))
            t->warned++;
    }
    t->n++;
    t->atoms += s.atoms;
    return 0;
}

static void files(char bufs[NFILES][512], const char *paths[NFILES])
{
    static const char *names[] = {"pipeline/1crn.pdb", "pipeline/1ubq.cif",
                                  "pipeline/1aki.pdb.gz"};
    for (int i = 0; i < NFILES; i++)
        paths[i] = pa_test_data(names[i % 3], bufs[i], sizeof bufs[i]);
}

static tally run_with(unsigned version, size_t max_bytes, int threads)
{
    char bufs[NFILES][512];
    const char *paths[NFILES];
    files(bufs, paths);
    pa_pipeline_opts o = PA_PIPELINE_OPTS_INIT;
    o.version = version;
    o.threads = threads;
    o.chunk = 3; /* ignored under a budget */
    o.max_bytes = max_bytes;
    tally t = {0};
    ck_assert_int_eq(pa_pipeline_run(NULL, paths, NFILES, &o, count, &t, NULL), 0);
    ck_assert_uint_eq(t.n, NFILES);
    return t;
}

START_TEST(test_budget_admission)
{
    tally free_run = run_with(PA_PIPELINE_OPTS_VERSION, 0, 2);
    ck_assert_uint_eq(free_run.warned, 0);
    /* every file over a 1-byte budget: each runs alone, with a warning */
    tally tight = run_with(PA_PIPELINE_OPTS_VERSION, 1, 2);
    ck_assert_uint_eq(tight.warned, NFILES);
    ck_assert_uint_eq(tight.atoms, free_run.atoms);
    tally roomy = run_with(PA_PIPELINE_OPTS_VERSION, (size_t)1 << 30, 2);
    ck_assert_uint_eq(roomy.warned, 0);
    /* version 3 callers have no max_bytes: whatever follows is not read */
    tally v3 = run_with(3, 1, 2);
    ck_assert_uint_eq(v3.warned, 0);
}
END_TEST

START_TEST(test_budget_estimates)
{
    char p[512], gz[512];
    pa_test_data("pipeline/1crn.pdb", p, sizeof p);
    pa_test_data("pipeline/1aki.pdb.gz", gz, sizeof gz);
    struct stat sp, sg;
    ck_assert_int_eq(stat(p, &sp), 0);
    ck_assert_int_eq(stat(gz, &sg), 0);
    size_t ep = pai_budget_estimate(p, 0, 1), eg = pai_budget_estimate(gz, 0, 1);
    /* raw bytes + a text copy + the parsed structure; without the raw bytes, less */
    ck_assert_uint_ge(ep, 2 * (size_t)sp.st_size);
    ck_assert_uint_le(ep, 4 * (size_t)sp.st_size);
    ck_assert_uint_eq(pai_budget_estimate(p, 0, 0), ep - (size_t)sp.st_size);
    /* gzip: from the ISIZE trailer, several times the compressed size */
    ck_assert_uint_ge(eg, 3 * (size_t)sg.st_size);
    ck_assert_uint_gt(pai_budget_estimate(p, 1, 1), ep); /* the ss stage costs more */
    ck_assert_uint_eq(pai_budget_estimate("/nonexistent/x.pdb", 0, 1), 0);
    ck_assert_uint_eq(pai_budget_estimate(getenv("PA_TEST_DATA"), 0, 1), 0); /* a directory */
}
END_TEST

/* Compressed headers, well-formed or not: estimates never below the file size,
 * and sizes the header records are used. */
START_TEST(test_budget_headers)
{
    unsigned char b[64] = {0};
    /* gzip whose ISIZE trailer says 1 MiB */
    memcpy(b, "\x1f\x8b\x08", 3);
    b[60] = 0x00, b[61] = 0x00, b[62] = 0x10, b[63] = 0x00;
    char *p = pa_write_temp(b, 64);
    ck_assert_uint_ge(pai_budget_estimate(p, 0, 1), (size_t)3 << 19); /* text + parse */
    unlink(p);
    free(p);
    /* zstd single-segment frames with content sizes of 1, 2, 4 and 8 bytes */
    for (unsigned flag = 0; flag < 4; flag++) {
        memset(b, 0, sizeof b);
        memcpy(b, "\x28\xb5\x2f\xfd", 4);
        b[4] = (unsigned char)(flag << 6 | 1 << 5);
        b[5] = 0x00, b[6] = 0x00, b[7] = 0x20; /* 2 MiB when the field is >= 3 bytes */
        p = pa_write_temp(b, sizeof b);
        size_t e = pai_budget_estimate(p, 0, 1);
        ck_assert_uint_ge(e, sizeof b);
        if (flag >= 2)
            ck_assert_uint_ge(e, (size_t)2 << 20);
        unlink(p);
        free(p);
    }
    /* truncated headers and random bytes: no crash, at least the file size */
    srand(15);
    for (size_t n = 0; n < sizeof b; n += pa_test_quick() ? 7 : 1) {
        for (size_t i = 0; i < n; i++)
            b[i] = (unsigned char)rand();
        if (n > 1 && (n & 1))
            memcpy(b, n & 2 ? "\x1f\x8b" : "\x28\xb5\x2f\xfd", n & 2 ? 2 : (n < 4 ? n : 4));
        p = pa_write_temp(b, n);
        ck_assert_uint_ge(pai_budget_estimate(p, n & 4, 1), n);
        unlink(p);
        free(p);
    }
}
END_TEST

int main(void)
{
    Suite *s = suite_create("longrun");
    TCase *tc = tcase_create("budget");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_budget_admission);
    tcase_add_test(tc, test_budget_estimates);
    tcase_add_test(tc, test_budget_headers);
    suite_add_tcase(s, tc);
    return pa_run_suite(s);
}
