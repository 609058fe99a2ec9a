/* test_edge.c — malformed input: every edge file gives a structure or a clean
 * error with diagnostics; never a crash, leak or hang. */
#include "common/pai.h"
#include "panalyzer/io.h"
#include "panalyzer/structure.h"
#include "testutil.h"

#include <dirent.h>

static size_t count_code(const pa_diags *d, int code)
{
    size_t n = 0;
    for (size_t i = 0; i < pa_diags_count(d); i++)
        n += pa_diags_get(d, i)->code == code;
    return n;
}

/* Read rel under tests/data; returns rc, fills *atoms (0 on failure) and d. */
static int read_edge(const char *rel, const pa_reader_opts *o, size_t *atoms, pa_diags *d)
{
    char p[1024];
    pa_structure *s = NULL;
    pa_diags_clear(d);
    int rc = pa_structure_read(pa_test_data(rel, p, sizeof p), o, &s, d);
    pa_atom_columns a = {0};
    if (!rc)
        pa_structure_atoms(s, &a);
    *atoms = a.n;
    if (rc) {
        ck_assert_ptr_null(s);
        ck_assert_msg(pa_diags_count_at_least(d, PA_SEV_ERROR) > 0, "%s: failed without diagnostics",
                      rel);
        ck_assert_str_ne(pa_last_error(), "");
    }
    pa_structure_free(s);
    return rc;
}

START_TEST(test_empty_and_garbage)
{
    pa_diags *d;
    pa_diags_new(&d);
    size_t n;
    ck_assert_int_eq(read_edge("pdb/edge/empty.pdb", NULL, &n, d), PA_EFORMAT);
    ck_assert_uint_eq(count_code(d, PA_D_EMPTY), 1);
    ck_assert_int_eq(read_edge("pdb/edge/whitespace_only.pdb", NULL, &n, d), PA_EFORMAT);
    ck_assert_uint_eq(count_code(d, PA_D_EMPTY), 1);
    ck_assert_int_eq(read_edge("pdb/edge/header_only.pdb", NULL, &n, d), PA_EFORMAT);
    ck_assert_uint_eq(count_code(d, PA_D_EMPTY), 1);
    ck_assert_int_eq(read_edge("pdb/edge/garbage_random.pdb", NULL, &n, d), PA_EFORMAT);
    ck_assert_uint_eq(count_code(d, PA_D_UNKNOWN_FORMAT), 1);
    ck_assert_int_eq(read_edge("pdb/edge/1crn_truncated.pdb.gz", NULL, &n, d), PA_ETRUNCATED);
    ck_assert_uint_eq(count_code(d, PA_D_COMPRESSION), 1);
    ck_assert_ptr_nonnull(strstr(pa_last_error(), "truncated"));
    pa_diags_free(d);
}
END_TEST

START_TEST(test_recoverable)
{
    pa_diags *d;
    pa_diags_new(&d);
    size_t n;
    ck_assert_int_eq(read_edge("pdb/edge/1crn_crlf.pdb", NULL, &n, d), 0);
    ck_assert_uint_eq(n, 327);
    ck_assert_int_eq(read_edge("pdb/edge/1crn_no_final_newline.pdb", NULL, &n, d), 0);
    ck_assert_uint_eq(n, 327);
    ck_assert_uint_eq(count_code(d, PA_D_TRUNCATED), 0);
    ck_assert_int_eq(read_edge("pdb/edge/1crn_gzip_named.pdb", NULL, &n, d), 0);
    ck_assert_uint_eq(n, 327);
    ck_assert_int_eq(read_edge("pdb/edge/1crn_pdb_named.cif", NULL, &n, d), 0);
    ck_assert_uint_eq(n, 327);
    ck_assert_int_eq(read_edge("pdb/edge/short_atom_lines.pdb", NULL, &n, d), 0);
    ck_assert_uint_eq(n, 9);
    ck_assert_int_eq(read_edge("pdb/edge/atom_id_0.pdb", NULL, &n, d), 0);
    ck_assert_uint_eq(n, 2);

    /* "********" coordinates: the three atoms are skipped with error diagnostics */
    ck_assert_int_eq(read_edge("pdb/edge/1crn_coord_overflow.pdb", NULL, &n, d), 0);
    ck_assert_uint_eq(n, 324);
    ck_assert_uint_eq(count_code(d, PA_D_BAD_NUMBER), 3);
    ck_assert_uint_eq(pa_diags_count_at_least(d, PA_SEV_ERROR), 3);
    pa_reader_opts strict = PA_READER_OPTS_INIT;
    strict.strict = 1;
    ck_assert_int_eq(read_edge("pdb/edge/1crn_coord_overflow.pdb", &strict, &n, d), PA_EFORMAT);
    ck_assert_int_eq(read_edge("pdb/1crn.pdb", &strict, &n, d), 0);

    /* NUL bytes: the damaged line is skipped */
    ck_assert_int_eq(read_edge("pdb/edge/1crn_nul_bytes.pdb", NULL, &n, d), 0);
    ck_assert_uint_ge(count_code(d, PA_D_ENCODING), 1);
    ck_assert_uint_ge(n, 320);

    /* the file is cut inside the B-factor of its last atom */
    ck_assert_int_eq(read_edge("pdb/edge/1aki_truncated_midline.pdb", NULL, &n, d), 0);
    ck_assert_uint_eq(n, 228);
    ck_assert_uint_eq(count_code(d, PA_D_TRUNCATED), 1);

    ck_assert_int_eq(read_edge("pdb/edge/models_no_endmdl.pdb", NULL, &n, d), 0);
    ck_assert_uint_ge(count_code(d, PA_D_MODEL), 1);
    ck_assert_int_eq(read_edge("pdb/edge/ensemble_error_4.pdb", NULL, &n, d), 0);
    ck_assert_uint_ge(count_code(d, PA_D_MODEL), 1);
    pa_diags_free(d);
}
END_TEST

START_TEST(test_truncated_last_atom)
{
    const char *t = "ATOM      1  N   ALA A   1       1.000   1.000   1.000  1.00 10.00           N\n"
                    "ATOM      2  CA  ALA A   1       2.000   1.0";
    pa_diags *d;
    pa_diags_new(&d);
    pa_structure *s;
    ck_assert_int_eq(pa_structure_read_memory(t, strlen(t), "t.pdb", NULL, &s, d), 0);
    pa_atom_columns a;
    pa_structure_atoms(s, &a);
    ck_assert_uint_eq(a.n, 1);
    ck_assert_uint_eq(count_code(d, PA_D_TRUNCATED), 1);
    ck_assert_int_eq(pa_diags_get(d, 0)->line, 2);
    pa_structure_free(s);
    pa_diags_free(d);
}
END_TEST

START_TEST(test_duplicate_model_numbers)
{
    const char *t = "MODEL        1\n"
                    "ATOM      1  N   ALA A   1       1.000   1.000   1.000  1.00 10.00           N\n"
                    "ENDMDL\n"
                    "MODEL        1\n"
                    "ATOM      1  N   ALA A   1       1.100   1.000   1.000  1.00 10.00           N\n"
                    "ENDMDL\n"
                    "ENDMDL\n";
    pa_diags *d;
    pa_diags_new(&d);
    pa_structure *s;
    ck_assert_int_eq(pa_structure_read_memory(t, strlen(t), "t.pdb", NULL, &s, d), 0);
    ck_assert_uint_eq(pa_structure_model_count(s), 2);
    ck_assert_uint_eq(count_code(d, PA_D_MODEL), 2); /* duplicate number, ENDMDL without MODEL */
    pa_structure_free(s);
    pa_diags_free(d);
}
END_TEST

/* Every file of the shared edge corpus: no crash, and a failure always comes
 * with an error diagnostic. */
START_TEST(test_shared_edge_dir)
{
    char dir[1024];
    if (!pa_shared_data("structures/edge", dir, sizeof dir))
        return;
    DIR *dp = opendir(dir);
    ck_assert_ptr_nonnull(dp);
    struct dirent *e;
    int files = 0;
    pa_diags *d;
    pa_diags_new(&d);
    while ((e = readdir(dp))) {
        if (e->d_name[0] == '.')
            continue;
        char p[2048];
        snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
        pa_diags_clear(d);
        pa_reader *r;
        int rc = pa_reader_open(&r, p, NULL);
        if (rc) {
            pa_structure *s = NULL;
            ck_assert_int_eq(pa_structure_read(p, NULL, &s, d), rc);
            ck_assert_msg(pa_diags_count_at_least(d, PA_SEV_ERROR) > 0, "%s", e->d_name);
            files++;
            continue;
        }
        pa_structure *s;
        int blocks = 0;
        while ((rc = pa_reader_next(r, &s)) == 0 && blocks < 100) {
            pa_structure_free(s);
            blocks++;
        }
        if (rc < 0)
            ck_assert_msg(pa_diags_count_at_least(pa_reader_diagnostics(r), PA_SEV_ERROR) > 0,
                          "%s failed (%d) without an error diagnostic", e->d_name, rc);
        pa_reader_free(r);
        files++;
    }
    closedir(dp);
    pa_diags_free(d);
    ck_assert_int_gt(files, 30);
    char p[1024];
    if (pa_shared_data("structures/edge/1aki.bcif", p, sizeof p)) {
        pa_structure *s;
        ck_assert_int_eq(pa_structure_read(p, NULL, &s, NULL), PA_EUNSUPPORTED);
    }
    if (pa_shared_data("structures/edge/duplicate_model_number.pdb", p, sizeof p)) {
        pa_structure *s;
        pa_diags_new(&d);
        /* despite its name (and MANIFEST's note) this file has models 1 and 2 */
        ck_assert_int_eq(pa_structure_read(p, NULL, &s, d), 0);
        ck_assert_uint_eq(pa_structure_model_count(s), 2);
        pa_structure_free(s);
        pa_diags_free(d);
    }
}
END_TEST

/* Deterministic mutations of a real file: flipped bytes, cuts, inserted NULs. */
START_TEST(test_mutations)
{
    char p[1024];
    char *orig;
    size_t n;
    ck_assert_int_eq(pa_read_file(pa_test_data("pdb/1crn.pdb", p, sizeof p), &orig, &n), 0);
    char *buf = malloc(n + 1);
    uint32_t x = 2024;
    for (int it = 0; it < 300; it++) {
        memcpy(buf, orig, n);
        size_t len = n;
        int flips = 1 + it % 40;
        for (int k = 0; k < flips; k++) {
            x = x * 1664525u + 1013904223u;
            size_t at = (x >> 8) % n;
            x = x * 1664525u + 1013904223u;
            buf[at] = (char)(x >> 24);
        }
        if (it % 3 == 0) {
            x = x * 1664525u + 1013904223u;
            len = (x >> 8) % n;
        }
        pa_structure *s = NULL;
        pa_diags *d;
        pa_diags_new(&d);
        int rc = pa_structure_read_memory(buf, len, "mut.pdb", NULL, &s, d);
        if (rc)
            ck_assert_uint_gt(pa_diags_count_at_least(d, PA_SEV_ERROR), 0);
        pa_structure_free(s);
        pa_diags_free(d);
    }
    free(buf);
    pa_free(orig);
}
END_TEST

/* Every allocation failing in turn: a clean PA_ENOMEM, nothing leaked. */
START_TEST(test_alloc_failures)
{
    char p[1024];
    const char *path = pa_test_data("pdb/multi-models-example.pdb", p, sizeof p);
    pai_alloc_fail_after(0);
    pa_structure *s = NULL;
    ck_assert_int_eq(pa_structure_read(path, NULL, &s, NULL), 0);
    pa_structure_free(s);
    for (uint64_t f = 1; f < 400; f++) {
        pa_diags *d = NULL;
        pa_diags_new(&d);
        pai_alloc_fail_after(f);
        s = NULL;
        int rc = pa_structure_read(path, NULL, &s, d);
        pai_alloc_fail_after(0);
        ck_assert_msg(rc == 0 || rc == PA_ENOMEM, "fail at %llu: rc %d (%s)",
                      (unsigned long long)f, rc, pa_last_error());
        pa_structure_free(s);
        pa_diags_free(d);
    }
}
END_TEST

int main(void)
{
    Suite *s = suite_create("edge");
    TCase *tc = tcase_create("edge");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_empty_and_garbage);
    tcase_add_test(tc, test_recoverable);
    tcase_add_test(tc, test_truncated_last_atom);
    tcase_add_test(tc, test_duplicate_model_numbers);
    tcase_add_test(tc, test_shared_edge_dir);
    tcase_add_test(tc, test_mutations);
    tcase_add_test(tc, test_alloc_failures);
    suite_add_tcase(s, tc);
    return pa_run_suite(s);
}
