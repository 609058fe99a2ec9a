/* test_reader.c — the reader front end: sniffing, iteration, options, diagnostics. */
#include "common/pai.h"
#include "panalyzer/structure.h"
#include "structure/builder.h"
#include "testutil.h"

static const char *atom_line =
    "ATOM      1  N   ALA A   1       1.000   1.000   1.000  1.00 10.00           N\n";

START_TEST(test_sniff)
{
    ck_assert_int_eq(pai_sniff_format("data_1ABC\n", 10), PA_FORMAT_MMCIF);
    ck_assert_int_eq(pai_sniff_format("  \n# c\nloop_\n", 14), PA_FORMAT_MMCIF);
    ck_assert_int_eq(pai_sniff_format("<?xml version", 13), PA_FORMAT_PDBML);
    ck_assert_int_eq(pai_sniff_format("<PDBx:datablock", 15), PA_FORMAT_PDBML);
    ck_assert_int_eq(pai_sniff_format("HEADER    X\n", 12), PA_FORMAT_PDB);
    ck_assert_int_eq(pai_sniff_format("#REMARK x\nATOM      4", 20), PA_FORMAT_PDB);
    ck_assert_int_eq(pai_sniff_format("\xef\xbb\xbf" "CRYST1", 9), PA_FORMAT_PDB);
    ck_assert_int_eq(pai_sniff_format("hello world\n", 12), PA_FORMAT_AUTO);
    ck_assert_int_eq(pai_sniff_format("\x01\x02\x03", 3), PA_FORMAT_AUTO);
    ck_assert_str_eq(pa_format_name(PA_FORMAT_PDB), "pdb");
    ck_assert_str_eq(pa_format_name(PA_FORMAT_MMCIF), "mmcif");
    ck_assert_str_eq(pa_format_name(PA_FORMAT_PDBML), "pdbml");
    ck_assert_str_eq(pa_format_name(PA_FORMAT_AUTO), "auto");
}
END_TEST

START_TEST(test_iterate_pdb)
{
    char p[1024];
    pa_reader *r;
    ck_assert_int_eq(pa_reader_open(&r, pa_test_data("pdb/1crn.pdb", p, sizeof p), NULL), 0);
    ck_assert_int_eq(pa_reader_format(r), PA_FORMAT_PDB);
    pa_structure *s;
    ck_assert_int_eq(pa_reader_next(r, &s), 0);
    ck_assert_str_eq(pa_structure_name(s), p);
    pa_structure_free(s);
    ck_assert_int_eq(pa_reader_next(r, &s), PA_END);
    ck_assert_ptr_null(s);
    ck_assert_int_eq(pa_reader_next(r, &s), PA_END);
    ck_assert_ptr_nonnull(pa_reader_diagnostics(r));
    pa_reader_free(r);
    pa_reader_free(NULL);
    pa_structure_free(NULL);
}
END_TEST

START_TEST(test_bom_and_memory)
{
    char buf[256];
    snprintf(buf, sizeof buf, "\xef\xbb\xbf%s", atom_line);
    pa_reader *r;
    ck_assert_int_eq(pa_reader_open_memory(&r, buf, strlen(buf), "bom.pdb", NULL), 0);
    pa_structure *s;
    ck_assert_int_eq(pa_reader_next(r, &s), 0);
    const pa_diags *d = pa_reader_diagnostics(r);
    int bom = 0;
    for (size_t i = 0; i < pa_diags_count(d); i++)
        bom |= pa_diags_get(d, i)->code == PA_D_ENCODING &&
               pa_diags_get(d, i)->severity == PA_SEV_INFO;
    ck_assert(bom);
    pa_atom_columns a;
    pa_structure_atoms(s, &a);
    ck_assert_uint_eq(a.n, 1);
    ck_assert_str_eq(pa_structure_name(s), "bom.pdb");
    pa_structure_free(s);
    pa_reader_free(r);
}
END_TEST

START_TEST(test_errors_leave_diagnostics)
{
    pa_diags *d;
    pa_diags_new(&d);
    pa_structure *s = (pa_structure *)1;
    ck_assert_int_eq(pa_structure_read("/nonexistent/x.pdb", NULL, &s, d), PA_EIO);
    ck_assert_ptr_null(s);
    ck_assert_uint_eq(pa_diags_count(d), 1);
    ck_assert_int_eq(pa_diags_get(d, 0)->code, PA_D_IO);
    ck_assert_str_eq(pa_diags_get(d, 0)->file, "/nonexistent/x.pdb");
    ck_assert_ptr_nonnull(strstr(pa_last_error(), "/nonexistent/x.pdb"));
    pa_diags_clear(d);
    ck_assert_int_eq(pa_structure_read_memory("\x83\xa4" "data", 6, "x.bcif", NULL, &s, d),
                     PA_EUNSUPPORTED);
    ck_assert_int_eq(pa_diags_get(d, 0)->code, PA_D_UNSUPPORTED);
    pa_diags_free(d);
    pa_reader *r;
    ck_assert_int_eq(pa_reader_open(NULL, "x", NULL), PA_EINVAL);
    ck_assert_int_eq(pa_reader_open_memory(&r, "junk junk\n", 10, "j", NULL), PA_EFORMAT);
    ck_assert_ptr_null(r);
}
END_TEST

START_TEST(test_options)
{
    pa_reader_opts o = PA_READER_OPTS_INIT;
    o.version = 99;
    pa_structure *s;
    ck_assert_int_eq(pa_structure_read_memory(atom_line, strlen(atom_line), "o", &o, &s, NULL),
                     PA_EINVAL);
    o = (pa_reader_opts)PA_READER_OPTS_INIT;
    o.altloc = 7;
    ck_assert_int_eq(pa_structure_read_memory(atom_line, strlen(atom_line), "o", &o, &s, NULL),
                     PA_EINVAL);
    /* forced format: PDB text read as mmCIF fails cleanly */
    o = (pa_reader_opts)PA_READER_OPTS_INIT;
    o.format = PA_FORMAT_MMCIF;
    pa_diags *d;
    pa_diags_new(&d);
    ck_assert_int_lt(pa_structure_read_memory(atom_line, strlen(atom_line), "o", &o, &s, d), 0);
    ck_assert_uint_gt(pa_diags_count_at_least(d, PA_SEV_ERROR), 0);
    /* max_diagnostics caps the list (warnings: bad occupancies) */
    pa_diags_clear(d);
    char big[20000] = "";
    for (int i = 0; i < 100; i++)
        strcat(big, "ATOM      1  N   ALA A   1       1.000   1.000   1.000  x.xx 10.00           N\n");
    strcat(big, atom_line);
    o = (pa_reader_opts)PA_READER_OPTS_INIT;
    o.max_diagnostics = 10;
    pa_reader *r;
    ck_assert_int_eq(pa_reader_open_memory(&r, big, strlen(big), "big", &o), 0);
    ck_assert_int_eq(pa_reader_next(r, &s), 0);
    ck_assert_uint_le(pa_diags_count(pa_reader_diagnostics(r)), 11);
    pa_structure_free(s);
    pa_reader_free(r);
    pa_diags_free(d);
}
END_TEST

START_TEST(test_other_formats_dispatch)
{
    char p[1024];
    pa_reader *r;
    if (pa_shared_data("structures/cif/1CRN.cif", p, sizeof p)) {
        ck_assert_int_eq(pa_reader_open(&r, p, NULL), 0);
        ck_assert_int_eq(pa_reader_format(r), PA_FORMAT_MMCIF);
        pa_reader_free(r);
    }
    if (pa_shared_data("structures/compressed/1CBN.xml.gz", p, sizeof p)) {
        ck_assert_int_eq(pa_reader_open(&r, p, NULL), 0);
        ck_assert_int_eq(pa_reader_format(r), PA_FORMAT_PDBML);
        pa_reader_free(r);
    }
}
END_TEST

int main(void)
{
    Suite *s = suite_create("reader");
    TCase *tc = tcase_create("reader");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_sniff);
    tcase_add_test(tc, test_iterate_pdb);
    tcase_add_test(tc, test_bom_and_memory);
    tcase_add_test(tc, test_errors_leave_diagnostics);
    tcase_add_test(tc, test_options);
    tcase_add_test(tc, test_other_formats_dispatch);
    suite_add_tcase(s, tc);
    return pa_run_suite(s);
}
