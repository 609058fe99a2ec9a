/* test_pdbml.c — the streaming PDBML (PDBx XML) reader. */
#include "structure/builder.h"
#include "panalyzer/io.h"
#include "testutil.h"

#include <math.h>
#include <time.h>
#include <unistd.h>

static int has_diag(const pa_diags *d, int code)
{
    for (size_t i = 0; i < pa_diags_count(d); i++)
        if (pa_diags_get(d, i)->code == code)
            return 1;
    return 0;
}

static int read_path(const char *path, pa_altloc_policy alt, int first_model, pa_structure **s,
                     pa_diags *d)
{
    pa_input *in;
    int rc = pa_input_open(&in, path);
    if (rc < 0)
        return rc;
    pa_reader_opts o = PA_READER_OPTS_INIT;
    o.altloc = alt;
    o.first_model_only = first_model;
    rc = pai_read_pdbml(in, &o, d, path, s);
    pa_input_close(in);
    return rc;
}

static int read_mem(const char *text, pa_structure **s, pa_diags *d)
{
    pa_input *in;
    int rc = pa_input_open_memory(&in, text, strlen(text), "mem.xml");
    if (rc < 0)
        return rc;
    pa_reader_opts o = PA_READER_OPTS_INIT;
    o.altloc = PA_ALTLOC_ALL;
    rc = pai_read_pdbml(in, &o, d, "mem.xml", s);
    pa_input_close(in);
    return rc;
}

static size_t model1_atoms(const pa_structure *s)
{
    pa_model_info m;
    ck_assert_int_eq(pa_structure_model(s, 0, &m), 0);
    return m.atom_count;
}

#define HEAD                                                                                    \
    "<?xml version=\"1.0\" encoding=\"UTF-8\" ?>\n"                                             \
    "<PDBx:datablock datablockName=\"MEM1\" xmlns:PDBx=\"http://pdbml.pdb.org/schema/pdbx-v40.xsd\"" \
    " xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">\n"

START_TEST(test_small_1cbn)
{
    char path[1024];
    pa_diags *d;
    pa_diags_new(&d);
    pa_structure *s;
    ck_assert_int_eq(read_path(pa_test_data("pdbml/1CBN_small.xml", path, sizeof path),
                               PA_ALTLOC_ALL, 0, &s, d),
                     0);
    ck_assert_int_eq(pa_diags_count_at_least(d, PA_SEV_ERROR), 0);
    ck_assert_int_eq(pa_structure_format(s), PA_FORMAT_PDBML);
    ck_assert_str_eq(pa_structure_id(s), "1CBN");
    ck_assert_int_eq(model1_atoms(s), 40);
    pa_atom_columns a;
    pa_residue_columns r;
    pa_structure_atoms(s, &a);
    pa_structure_residues(s, &r);
    ck_assert(fabsf(a.x[0] - 16.864f) < 1e-4f && fabsf(a.y[0] - 14.059f) < 1e-4f &&
              fabsf(a.z[0] - 3.442f) < 1e-4f);
    ck_assert(fabsf(a.b_factor[0] - 6.22f) < 1e-4f);
    ck_assert(fabsf(a.occupancy[0] - 0.80f) < 1e-4f);
    ck_assert_int_eq(a.altloc[0], 'A');
    ck_assert_int_eq(a.serial[0], 1);
    ck_assert_str_eq(a.name, "N");
    ck_assert_str_eq(a.element, "N");
    ck_assert_str_eq(r.name, "THR");
    ck_assert_int_eq(r.seq_id[0], 1);
    pa_chain_info c;
    pa_structure_chain(s, 0, &c);
    ck_assert_str_eq(c.auth_id, "A");
    ck_assert_str_eq(c.entity_id, "1");
    pa_entity_info e;
    ck_assert_int_ge(pa_structure_entity_count(s), 1);
    pa_structure_entity(s, 0, &e);
    ck_assert_int_eq(e.type, PA_POLY_PROTEIN);
    ck_assert_int_eq(e.seq_len, 46);
    ck_assert_str_eq(e.seq_names, "THR");
    ck_assert_ptr_nonnull(e.one_letter_can);
    ck_assert_int_eq(strlen(e.one_letter_can), 46);
    double cell[6];
    const char *sg;
    ck_assert_int_eq(pa_structure_cell(s, cell, &sg), 0);
    ck_assert(fabs(cell[0] - 40.763) < 1e-9 && fabs(cell[4] - 90.61) < 1e-9);
    ck_assert_str_eq(sg, "P 1 21 1");
    pa_structure_free(s);
    pa_diags_free(d);
}
END_TEST

START_TEST(test_memory_rows_nil_and_unknown_items)
{
    pa_diags *d;
    pa_diags_new(&d);
    pa_structure *s;
    const char *x = HEAD
        "<PDBx:unknown_thingCategory><PDBx:unknown_thing id=\"1\"><PDBx:deep><PDBx:x>1</PDBx:x>"
        "</PDBx:deep></PDBx:unknown_thing></PDBx:unknown_thingCategory>\n"
        "<PDBx:atom_siteCategory>\n"
        "<PDBx:atom_site id=\"7\"><PDBx:Cartn_x> 1.5 </PDBx:Cartn_x><PDBx:Cartn_y>2</PDBx:Cartn_y>"
        "<PDBx:Cartn_z>-3.25</PDBx:Cartn_z><PDBx:label_atom_id>CA</PDBx:label_atom_id>"
        "<PDBx:label_comp_id>GLY</PDBx:label_comp_id><PDBx:label_asym_id>B</PDBx:label_asym_id>"
        "<PDBx:auth_asym_id>Z</PDBx:auth_asym_id><PDBx:auth_seq_id>12</PDBx:auth_seq_id>"
        "<PDBx:label_alt_id xsi:nil=\"true\"/><PDBx:pdbx_PDB_ins_code xsi:nil=\"true\"/>"
        "<PDBx:pdbx_formal_charge>2</PDBx:pdbx_formal_charge><PDBx:some_new_item>q</PDBx:some_new_item>"
        "<PDBx:occupancy xsi:nil=\"true\"/></PDBx:atom_site>\n"
        "<PDBx:atom_site id=\"8\"><PDBx:Cartn_x>4</PDBx:Cartn_x><PDBx:Cartn_y>5</PDBx:Cartn_y>"
        "<PDBx:Cartn_z>6</PDBx:Cartn_z><PDBx:label_atom_id>C</PDBx:label_atom_id>"
        "<PDBx:label_comp_id>GLY</PDBx:label_comp_id><PDBx:label_asym_id>B</PDBx:label_asym_id>"
        "<PDBx:auth_asym_id>Z</PDBx:auth_asym_id><PDBx:auth_seq_id>12</PDBx:auth_seq_id>"
        "<PDBx:label_alt_id>B</PDBx:label_alt_id></PDBx:atom_site>\n"
        "</PDBx:atom_siteCategory>\n"
        "<PDBx:entity_poly_seqCategory>"
        "<PDBx:entity_poly_seq entity_id=\"1\" mon_id=\"GLY\" num=\"1\"/>"
        "<PDBx:entity_poly_seq entity_id=\"1\" mon_id=\"ALA\" num=\"2\"/>"
        "<PDBx:entity_poly_seq entity_id=\"1\" mon_id=\"SER\" num=\"2\"/>"
        "</PDBx:entity_poly_seqCategory>\n"
        "<PDBx:pdbx_struct_mod_residueCategory><PDBx:pdbx_struct_mod_residue id=\"1\">"
        "<PDBx:label_comp_id>MSE</PDBx:label_comp_id><PDBx:parent_comp_id>MET</PDBx:parent_comp_id>"
        "</PDBx:pdbx_struct_mod_residue></PDBx:pdbx_struct_mod_residueCategory>\n"
        "</PDBx:datablock>\n";
    ck_assert_int_eq(read_mem(x, &s, d), 0);
    ck_assert_int_eq(pa_diags_count_at_least(d, PA_SEV_ERROR), 0);
    ck_assert_str_eq(pa_structure_id(s), "MEM1"); /* datablockName */
    pa_atom_columns a;
    pa_structure_atoms(s, &a);
    ck_assert_int_eq(a.n, 2);
    ck_assert(a.x[0] == 1.5f && a.z[0] == -3.25f);
    ck_assert_int_eq(a.serial[0], 7);
    ck_assert_int_eq(a.altloc[0], '\0');
    ck_assert_int_eq(a.altloc[1], 'B');
    ck_assert_int_eq(a.charge[0], 2);
    ck_assert(a.occupancy[0] == 1.0f); /* nil -> default */
    pa_chain_info c;
    pa_structure_chain(s, 0, &c);
    ck_assert_str_eq(c.auth_id, "Z");
    ck_assert_str_eq(c.label_id, "B");
    pa_entity_info e;
    pa_structure_entity(s, 0, &e);
    ck_assert_int_eq(e.seq_len, 2);
    ck_assert_str_eq(&e.seq_names[PA_NAME_STRIDE], "ALA");
    ck_assert_str_eq(pa_structure_modres_parent(s, "MSE"), "MET");
    pa_structure_free(s);
    pa_diags_free(d);
}
END_TEST

START_TEST(test_bad_documents)
{
    pa_diags *d;
    pa_diags_new(&d);
    pa_structure *s = (pa_structure *)1;
    ck_assert_int_eq(read_mem("", &s, d), PA_EFORMAT);
    ck_assert_ptr_null(s);
    ck_assert(has_diag(d, PA_D_EMPTY));
    pa_diags_clear(d);
    ck_assert_int_eq(read_mem("<?xml version=\"1.0\"?><root><a/></root>", &s, d), PA_EFORMAT);
    ck_assert(has_diag(d, PA_D_UNKNOWN_FORMAT));
    pa_diags_clear(d);
    ck_assert_int_eq(read_mem("this is not xml at all", &s, d), PA_EFORMAT);
    ck_assert(has_diag(d, PA_D_SYNTAX));
    ck_assert_int_gt(pa_diags_get(d, 0)->line, 0);
    pa_diags_clear(d);
    ck_assert_int_eq(read_mem(HEAD "<PDBx:atom_siteCategory><PDBx:atom_site id=\"1\">"
                                   "<PDBx:Cartn_x>1</PDBx:Cartn_x>",
                              &s, d),
                     PA_ETRUNCATED);
    ck_assert(has_diag(d, PA_D_TRUNCATED));
    pa_diags_clear(d);
    ck_assert_int_eq(read_mem(HEAD "<PDBx:atom_siteCategory><PDBx:atom_site id=\"1\">"
                                   "<PDBx:Cartn_x>1</PDBx:Cartn_y></PDBx:atom_site>"
                                   "</PDBx:atom_siteCategory></PDBx:datablock>\n",
                              &s, d),
                     PA_EFORMAT);
    ck_assert(has_diag(d, PA_D_SYNTAX));
    pa_diags_clear(d);
    ck_assert_int_eq(read_mem(HEAD "<PDBx:entryCategory><PDBx:entry id=\"X\"/></PDBx:entryCategory>"
                                   "</PDBx:datablock>",
                              &s, d),
                     PA_EFORMAT);
    ck_assert(has_diag(d, PA_D_EMPTY)); /* valid PDBML without atom_site */
    pa_diags_free(d);
}
END_TEST

/* Adversarial input fails cleanly and fast (and the default limits stay on). */
START_TEST(test_hostile_documents)
{
    char path[1024];
    pa_diags *d;
    pa_diags_new(&d);
    pa_structure *s;
    clock_t t0 = clock();
    ck_assert_int_eq(read_path(pa_test_data("pdbml/billion_laughs.xml", path, sizeof path),
                               PA_ALTLOC_ALL, 0, &s, d),
                     PA_EFORMAT);
    /* libxml2 stops at the entity loop, or we reject the DOCTYPE, whichever comes first */
    ck_assert(has_diag(d, PA_D_LIMIT) || has_diag(d, PA_D_UNSUPPORTED));
    ck_assert_int_le(pa_diags_count(d), 3);
    pa_diags_clear(d);
    ck_assert_int_lt(read_path(pa_test_data("pdbml/deep_nesting.xml", path, sizeof path),
                               PA_ALTLOC_ALL, 0, &s, d),
                     0);
    ck_assert_int_ge(pa_diags_count_at_least(d, PA_SEV_ERROR), 1);
    /* generous bound: both must stop at the first offending construct */
    ck_assert_int_lt((double)(clock() - t0) / CLOCKS_PER_SEC, 10.0);
    pa_diags_free(d);
}
END_TEST

/* libxml2 must never print: run failing parses with stderr redirected to a file. */
START_TEST(test_libxml_is_silent)
{
    char tmpl[] = "/tmp/pa_pdbml_stderrXXXXXX";
    int fd = mkstemp(tmpl);
    ck_assert_int_ge(fd, 0);
    fflush(stderr);
    int saved = dup(2);
    dup2(fd, 2);
    pa_diags *d;
    pa_diags_new(&d);
    pa_structure *s;
    read_mem("<a><b></a>", &s, d);
    read_mem("<?xml version=\"1.0\" encoding=\"bogus-enc\"?><a/>", &s, d);
    read_mem("\x01\x02\x03<<<>>>", &s, d);
    char path[1024];
    read_path(pa_test_data("pdbml/deep_nesting.xml", path, sizeof path), PA_ALTLOC_ALL, 0, &s, d);
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    off_t size = lseek(fd, 0, SEEK_END);
    close(fd);
    unlink(tmpl);
    ck_assert_int_eq(size, 0);
    ck_assert_int_ge(pa_diags_count(d), 3);
    pa_diags_free(d);
}
END_TEST

START_TEST(test_alloc_failures)
{
    char path[1024];
    pa_test_data("pdbml/1CBN_small.xml", path, sizeof path);
    int ok = 0;
    for (uint64_t k = 1; k < 2000 && !ok; k++) {
        pa_diags *d = NULL;
        pa_diags_new(&d);
        pa_structure *s = NULL;
        pai_alloc_fail_after(k);
        int rc = read_path(path, PA_ALTLOC_ALL, 0, &s, d);
        pai_alloc_fail_after(0);
        if (rc == 0) {
            ok = 1;
            pa_structure_free(s);
        } else {
            ck_assert_int_lt(rc, 0);
            ck_assert_ptr_null(s);
        }
        pa_diags_free(d);
    }
    ck_assert(ok);
}
END_TEST

/* ---- shared corpus ------------------------------------------------------------------- */

START_TEST(test_shared_edge_files)
{
    char path[1024];
    if (!pa_shared_data("structures/edge", path, sizeof path))
        return;
    static const struct {
        const char *file;
        int rc, diag;
        size_t atoms;
    } cases[] = {
        {"structures/edge/empty.xml", PA_EFORMAT, PA_D_EMPTY, 0},
        {"structures/edge/1CBN_truncated.xml", PA_ETRUNCATED, PA_D_TRUNCATED, 0},
        {"structures/edge/1cbn_sifts_not_pdbml.xml", PA_EFORMAT, PA_D_UNKNOWN_FORMAT, 0},
        {"structures/edge/2VQC_pdbml_named.cif", 0, PA_D_NONE, 607},
        {"structures/compressed/1CBN.xml.gz", 0, PA_D_NONE, 777},
        {"structures/compressed/1CBN.xml.zst", 0, PA_D_NONE, 777},
    };
    pa_diags *d;
    pa_diags_new(&d);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ck_assert(pa_shared_data(cases[i].file, path, sizeof path));
        pa_diags_clear(d);
        pa_structure *s = NULL;
        int rc = read_path(path, PA_ALTLOC_ALL, 0, &s, d);
        ck_assert_msg(rc == cases[i].rc, "%s: rc %d", cases[i].file, rc);
        if (cases[i].diag != PA_D_NONE)
            ck_assert_msg(has_diag(d, cases[i].diag), "%s: diagnostic missing", cases[i].file);
        if (rc == 0)
            ck_assert_int_eq(model1_atoms(s), cases[i].atoms);
        pa_structure_free(s);
    }
    pa_diags_free(d);
}
END_TEST

START_TEST(test_shared_manifest_counts)
{
    char path[4096], line[2048];
    if (!pa_shared_data("structures/MANIFEST.tsv", path, sizeof path))
        return;
    FILE *f = fopen(path, "r");
    ck_assert_ptr_nonnull(f);
    int files = 0;
    while (fgets(line, sizeof line, f)) {
        char *col[10] = {0};
        pa_split_tabs(line, col, 10);
        if (!col[8] || strncmp(col[0], "pdbml/", 6) != 0)
            continue;
        char rel[2100];
        snprintf(rel, sizeof rel, "structures/%s", col[0]);
        ck_assert(pa_shared_data(rel, path, sizeof path));
        pa_diags *d;
        pa_diags_new(&d);
        pa_structure *s;
        int rc = read_path(path, PA_ALTLOC_ALL, 0, &s, d);
        ck_assert_msg(rc == 0, "%s: rc %d (%s)", col[0], rc, pa_last_error());
        ck_assert_msg(model1_atoms(s) == (size_t)atol(col[7]), "%s: %zu atoms, manifest %s",
                      col[0], model1_atoms(s), col[7]);
        ck_assert_msg(pa_structure_model_count(s) == (size_t)atol(col[6]), "%s: models", col[0]);
        ck_assert_msg(strcasecmp(pa_structure_id(s), col[1]) == 0, "%s: id %s", col[0],
                      pa_structure_id(s));
        for (size_t i = 0; i < pa_diags_count(d); i++) {
            const pa_diag *g = pa_diags_get(d, i);
            ck_assert_msg(g->code != PA_D_SYNTAX && g->code != PA_D_BAD_NUMBER &&
                              g->code != PA_D_TRUNCATED,
                          "%s:%ld: %s", col[0], g->line, g->message);
        }
        pa_structure_free(s);
        pa_diags_free(d);
        files++;
    }
    fclose(f);
    ck_assert_int_ge(files, 8);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("pdbml");
    TCase *tc = tcase_create("pdbml");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_small_1cbn);
    tcase_add_test(tc, test_memory_rows_nil_and_unknown_items);
    tcase_add_test(tc, test_bad_documents);
    tcase_add_test(tc, test_hostile_documents);
    tcase_add_test(tc, test_libxml_is_silent);
    tcase_add_test(tc, test_alloc_failures);
    tcase_add_test(tc, test_shared_edge_files);
    tcase_add_test(tc, test_shared_manifest_counts);
    suite_add_tcase(s, tc);
    return pa_run_suite(s);
}
