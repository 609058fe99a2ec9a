/* test_pdb.c — the PDB reader on real files, hand-made files and the shared corpus. */
#include "common/pai.h"
#include "panalyzer/structure.h"
#include "testutil.h"

#include <math.h>

static pa_structure *read_ok(const char *path, const pa_reader_opts *o)
{
    pa_structure *s = NULL;
    pa_diags *d;
    pa_diags_new(&d);
    int rc = pa_structure_read(path, o, &s, d);
    if (rc) {
        char buf[512];
        for (size_t i = 0; i < pa_diags_count(d); i++) {
            pa_diag_format(pa_diags_get(d, i), buf, sizeof buf);
            fprintf(stderr, "%s\n", buf);
        }
    }
    ck_assert_msg(rc == 0, "%s: %s", path, pa_last_error());
    pa_diags_free(d);
    return s;
}

static pa_structure *read_data(const char *rel, const pa_reader_opts *o)
{
    char p[1024];
    return read_ok(pa_test_data(rel, p, sizeof p), o);
}

static pa_structure *read_text(const char *text, const pa_reader_opts *o, pa_diags *d)
{
    pa_structure *s = NULL;
    int rc = pa_structure_read_memory(text, strlen(text), "inline.pdb", o, &s, d);
    ck_assert_msg(rc == 0, "%s", pa_last_error());
    return s;
}

START_TEST(test_1crn)
{
    pa_structure *s = read_data("pdb/1crn.pdb", NULL);
    ck_assert_int_eq(pa_structure_format(s), PA_FORMAT_PDB);
    ck_assert_str_eq(pa_structure_id(s), "1CRN");
    ck_assert_uint_eq(pa_structure_model_count(s), 1);
    ck_assert_uint_eq(pa_structure_chain_count(s), 1);
    pa_atom_columns a;
    pa_residue_columns r;
    pa_structure_atoms(s, &a);
    pa_structure_residues(s, &r);
    ck_assert_uint_eq(a.n, 327);
    ck_assert_uint_eq(r.n, 46);
    ck_assert_str_eq(a.name, "N");
    ck_assert_str_eq(a.element, "N");
    ck_assert_int_eq(a.serial[0], 1);
    ck_assert(fabsf(a.x[0] - 17.047f) < 1e-4f && fabsf(a.y[0] - 14.099f) < 1e-4f);
    ck_assert(fabsf(a.z[0] - 3.625f) < 1e-4f && fabsf(a.b_factor[0] - 13.79f) < 1e-4f);
    ck_assert_str_eq(r.name, "THR");
    ck_assert_int_eq(r.seq_id[0], 1);
    ck_assert_uint_eq(r.atom_begin[0], 0);
    ck_assert_uint_eq(r.atom_begin[r.n], a.n);
    ck_assert_int_eq(r.label_seq_id[0], PA_SEQ_ID_NONE);
    pa_chain_info c;
    ck_assert_int_eq(pa_structure_chain(s, 0, &c), 0);
    ck_assert_str_eq(c.auth_id, "A");
    ck_assert_str_eq(c.label_id, "A");
    ck_assert_str_eq(c.entity_id, "A");
    ck_assert_uint_eq(c.residue_count, 46);
    ck_assert_uint_eq(c.atom_count, 327);
    ck_assert_uint_eq(pa_structure_entity_count(s), 1);
    pa_entity_info e;
    ck_assert_int_eq(pa_structure_entity(s, 0, &e), 0);
    ck_assert_str_eq(e.id, "A");
    ck_assert_int_eq(e.type, PA_POLY_PROTEIN);
    ck_assert_uint_eq(e.seq_len, 46);
    ck_assert_str_eq(e.seq_names, "THR");
    ck_assert_uint_eq(c.entity, 0);
    double cell[6];
    const char *sg;
    ck_assert_int_eq(pa_structure_cell(s, cell, &sg), 0);
    ck_assert(fabs(cell[0] - 40.96) < 1e-9 && fabs(cell[4] - 90.77) < 1e-9);
    ck_assert_str_eq(sg, "P 1 21 1");
    ck_assert_int_eq(pa_structure_chain(s, 1, &c), PA_ERANGE);
    pa_model_info m;
    ck_assert_int_eq(pa_structure_model(s, 0, &m), 0);
    ck_assert_int_eq(m.number, 1);
    ck_assert_uint_eq(m.atom_count, 327);
    pa_structure_free(s);
}
END_TEST

START_TEST(test_altloc_policies)
{
    pa_reader_opts o = PA_READER_OPTS_INIT;
    o.altloc = PA_ALTLOC_ALL;
    pa_structure *s = read_data("pdb/altlocs.pdb", &o);
    pa_atom_columns a;
    pa_structure_atoms(s, &a);
    ck_assert_uint_eq(a.n, 57);
    ck_assert_int_eq(a.altloc[0], 'A');
    ck_assert_int_eq(a.altloc[1], 'B');
    pa_structure_free(s);
    s = read_data("pdb/altlocs.pdb", NULL); /* FIRST */
    pa_structure_atoms(s, &a);
    ck_assert_uint_lt(a.n, 57);
    for (size_t i = 0; i < a.n; i++)
        ck_assert(a.altloc[i] == '\0' || a.altloc[i] == 'A');
    pa_structure_free(s);

    /* OCCUPANCY: B has the higher mean occupancy */
    const char *t =
        "ATOM      1  N   SER A   1       1.000   1.000   1.000  1.00 10.00           N\n"
        "ATOM      2  CA ASER A   1       2.000   1.000   1.000  0.30 10.00           C\n"
        "ATOM      3  CA BSER A   1       2.100   1.000   1.000  0.70 10.00           C\n"
        "ATOM      4  OG ASER A   1       3.000   1.000   1.000  0.30 10.00           O\n"
        "ATOM      5  OG BSER A   1       3.100   1.000   1.000  0.70 10.00           O\n";
    o.altloc = PA_ALTLOC_OCCUPANCY;
    s = read_text(t, &o, NULL);
    pa_structure_atoms(s, &a);
    ck_assert_uint_eq(a.n, 3);
    ck_assert_int_eq(a.altloc[1], 'B');
    ck_assert_int_eq(a.serial[2], 5);
    pa_structure_free(s);
    o.altloc = PA_ALTLOC_FIRST;
    s = read_text(t, &o, NULL);
    pa_structure_atoms(s, &a);
    ck_assert_uint_eq(a.n, 3);
    ck_assert_int_eq(a.altloc[1], 'A');
    pa_structure_free(s);
}
END_TEST

/* Microheterogeneity: two residue types at one position; FIRST keeps one. */
START_TEST(test_microheterogeneity)
{
    const char *t =
        "ATOM      1  N  ASER A   5       1.000   1.000   1.000  0.60 10.00           N\n"
        "ATOM      2  CA ASER A   5       2.000   1.000   1.000  0.60 10.00           C\n"
        "ATOM      3  N  BTHR A   5       1.000   1.100   1.000  0.40 10.00           N\n"
        "ATOM      4  CA BTHR A   5       2.000   1.100   1.000  0.40 10.00           C\n"
        "ATOM      5  N   GLY A   6       3.000   1.000   1.000  1.00 10.00           N\n";
    pa_structure *s = read_text(t, NULL, NULL);
    pa_residue_columns r;
    pa_structure_residues(s, &r);
    ck_assert_uint_eq(r.n, 2);
    ck_assert_str_eq(r.name, "SER");
    ck_assert_str_eq(r.name + PA_NAME_STRIDE, "GLY");
    pa_structure_free(s);
    pa_reader_opts o = PA_READER_OPTS_INIT;
    o.altloc = PA_ALTLOC_ALL;
    s = read_text(t, &o, NULL);
    pa_structure_residues(s, &r);
    ck_assert_uint_eq(r.n, 3);
    pa_structure_free(s);
}
END_TEST

START_TEST(test_insertion_codes)
{
    pa_reader_opts o = PA_READER_OPTS_INIT;
    o.altloc = PA_ALTLOC_ALL;
    pa_diags *d;
    pa_diags_new(&d);
    char p[1024];
    pa_structure *s = NULL;
    ck_assert_int_eq(pa_structure_read(pa_test_data("pdb/insertion_codes.pdb", p, sizeof p), &o,
                                       &s, d), 0);
    pa_residue_columns r;
    pa_structure_residues(s, &r);
    ck_assert_uint_eq(r.n, 2);
    ck_assert_int_eq(r.seq_id[0], 465);
    ck_assert_int_eq(r.icode[0], 'A');
    ck_assert_int_eq(r.icode[1], 'B');
    pa_atom_columns a;
    pa_structure_atoms(s, &a);
    ck_assert_uint_eq(a.n, 6);
    /* the same C atom twice and CD2 three times: duplicate-atom warnings */
    size_t dups = 0;
    for (size_t i = 0; i < pa_diags_count(d); i++)
        dups += pa_diags_get(d, i)->code == PA_D_DUPLICATE_ATOM;
    ck_assert_uint_ge(dups, 2);
    ck_assert(fabsf(a.occupancy[5] - 999.99f) < 1e-3f);
    pa_diags_free(d);
    pa_structure_free(s);
}
END_TEST

START_TEST(test_multi_model)
{
    pa_structure *s = read_data("pdb/multi-models-example.pdb", NULL);
    ck_assert_uint_eq(pa_structure_model_count(s), 2);
    pa_model_info m;
    pa_structure_model(s, 1, &m);
    ck_assert_int_eq(m.number, 2);
    ck_assert_uint_eq(m.atom_count, 9);
    ck_assert_uint_eq(m.atom_begin, 9);
    ck_assert_uint_eq(pa_structure_chain_count(s), 2);
    pa_chain_info c;
    pa_structure_chain(s, 1, &c);
    ck_assert_uint_eq(c.model, 1);
    pa_atom_columns a;
    pa_structure_atoms(s, &a);
    ck_assert_str_eq(a.element + 4 * 6, "CA"); /* calcium from the element column */
    pa_structure_free(s);
    pa_reader_opts o = PA_READER_OPTS_INIT;
    o.first_model_only = 1;
    s = read_data("pdb/multi-models-example.pdb", &o);
    ck_assert_uint_eq(pa_structure_model_count(s), 1);
    pa_structure_atoms(s, &a);
    ck_assert_uint_eq(a.n, 9);
    pa_structure_free(s);
}
END_TEST

START_TEST(test_hybrid36)
{
    pa_structure *s = read_data("pdb/hybrid36.pdb", NULL);
    ck_assert_str_eq(pa_structure_id(s), "9HY3");
    pa_atom_columns a;
    pa_residue_columns r;
    pa_structure_atoms(s, &a);
    pa_structure_residues(s, &r);
    ck_assert_uint_eq(a.n, 6);
    const int32_t serial[] = {99998, 99999, 100000, 100001, 100035, 43770016};
    for (int i = 0; i < 6; i++)
        ck_assert_int_eq(a.serial[i], serial[i]);
    ck_assert_uint_eq(r.n, 4);
    ck_assert_int_eq(r.seq_id[0], 9999);
    ck_assert_int_eq(r.seq_id[1], 10000);
    ck_assert_int_eq(r.seq_id[2], 10001);
    ck_assert_int_eq(r.seq_id[3], 1223056);
    pa_structure_free(s);
}
END_TEST

START_TEST(test_modres_seqres)
{
    pa_structure *s = read_data("pdb/pdb5fc2_sep_modres.pdb", NULL);
    ck_assert_str_eq(pa_structure_modres_parent(s, "SEP"), "SER");
    ck_assert_ptr_null(pa_structure_modres_parent(s, "ALA"));
    pa_entity_info e;
    ck_assert_int_eq(pa_structure_entity(s, 0, &e), 0);
    ck_assert_uint_eq(e.seq_len, 9);
    ck_assert_str_eq(e.seq_names + 2 * PA_NAME_STRIDE, "SEP");
    ck_assert_int_eq(e.type, PA_POLY_PROTEIN);
    pa_structure_free(s);
}
END_TEST

START_TEST(test_options_and_fields)
{
    const char *t =
        "SEQRES   1 B    2   DA  DC\n"
        "ATOM      1  P    DA B   1       1.000   1.000   1.000  1.00 10.00           P\n"
        "ATOM      2  O3'  DA B   1       2.000   1.000   1.000  1.00 10.00           O\n"
        "ATOM      3  H1'  DA B   1       2.000   2.000   1.000  1.00 10.00            \n"
        "ATOM      4  P    DC B   2       2.500   1.000   1.000  1.00 10.00           P\n"
        "HETATM    5 ZN    ZN B 101      10.000  10.000  10.000  1.00 10.00\n"
        "HETATM    6  O   HOH B 102      11.000  10.000  10.000  1.00 10.00           O1-\n";
    pa_structure *s = read_text(t, NULL, NULL);
    pa_atom_columns a;
    pa_structure_atoms(s, &a);
    ck_assert_uint_eq(a.n, 6);
    ck_assert_str_eq(a.element + 4 * 2, "H"); /* inferred from the name columns */
    ck_assert_str_eq(a.element + 4 * 4, "ZN");
    ck_assert_int_eq(a.charge[5], -1);
    pa_entity_info e;
    pa_structure_entity(s, 0, &e);
    ck_assert_int_eq(e.type, PA_POLY_DNA);
    pa_residue_columns r;
    pa_structure_residues(s, &r);
    ck_assert_int_eq(r.hetero[2], 1);
    ck_assert_int_eq(r.hetero[0], 0);
    pa_structure_free(s);
    pa_reader_opts o = PA_READER_OPTS_INIT;
    o.skip_hydrogens = 1;
    s = read_text(t, &o, NULL);
    pa_structure_atoms(s, &a);
    ck_assert_uint_eq(a.n, 5);
    pa_structure_free(s);
}
END_TEST

START_TEST(test_chain_break_and_ter)
{
    const char *t =
        "ATOM      1  N   ALA A   1       0.000   0.000   0.000  1.00 10.00           N\n"
        "ATOM      2  C   ALA A   1       1.000   0.000   0.000  1.00 10.00           C\n"
        "ATOM      3  N   ALA A   2       2.300   0.000   0.000  1.00 10.00           N\n"
        "ATOM      4  C   ALA A   2       3.300   0.000   0.000  1.00 10.00           C\n"
        "ATOM      5  N   ALA A   3       9.000   0.000   0.000  1.00 10.00           N\n"
        "ATOM      6  C   ALA A   3      10.000   0.000   0.000  1.00 10.00           C\n"
        "TER       7      ALA A   3\n"
        "HETATM    8  O   HOH A 101      20.000   0.000   0.000  1.00 10.00           O\n";
    pa_diags *d;
    pa_diags_new(&d);
    pa_structure *s = read_text(t, NULL, d);
    size_t breaks = 0, seqres = 0;
    for (size_t i = 0; i < pa_diags_count(d); i++) {
        const pa_diag *g = pa_diags_get(d, i);
        if (g->code == PA_D_CHAIN_BREAK) {
            breaks++;
            ck_assert_int_eq(g->severity, PA_SEV_WARNING); /* no numbering gap */
            ck_assert_int_eq(g->line, 5);
        }
        seqres += g->code == PA_D_MISSING_SEQRES;
    }
    ck_assert_uint_eq(breaks, 1);
    ck_assert_uint_eq(seqres, 1);
    ck_assert_uint_eq(pa_structure_chain_count(s), 2); /* TER splits the reused chain ID */
    pa_diags_free(d);
    pa_structure_free(s);
}
END_TEST

/* Every pdb/ entry of the shared corpus: atoms of model 1 with every altloc
 * must equal MANIFEST's n_atoms_model1 (gemmi's count). */
START_TEST(test_manifest_counts)
{
    char man[1024];
    if (!pa_shared_data("structures/MANIFEST.tsv", man, sizeof man))
        return;
    FILE *f = fopen(man, "r");
    ck_assert_ptr_nonnull(f);
    char line[4096];
    int checked = 0, bad = 0;
    pa_reader_opts o = PA_READER_OPTS_INIT;
    o.altloc = PA_ALTLOC_ALL;
    o.first_model_only = 1;
    while (fgets(line, sizeof line, f)) {
        char path[512], id[64], fmt[32], comp[32];
        if (sscanf(line, "%511[^\t]\t%63[^\t]\t%31[^\t]\t%31[^\t]", path, id, fmt, comp) != 4)
            continue;
        if (strncmp(path, "pdb/", 4) && strncmp(path, "compressed/", 11))
            continue;
        if (strcmp(fmt, "pdb"))
            continue;
        /* column 8: n_atoms_model1 */
        char *c = line;
        for (int k = 0; k < 7 && c; k++) {
            c = strchr(c, '\t');
            if (c)
                c++;
        }
        if (!c || *c == '-')
            continue;
        long want = strtol(c, NULL, 10);
        char rel[600], p[1024];
        snprintf(rel, sizeof rel, "structures/%s", path);
        if (!pa_shared_data(rel, p, sizeof p))
            continue;
        pa_structure *s = NULL;
        int rc = pa_structure_read(p, &o, &s, NULL);
        pa_atom_columns a = {0};
        if (!rc)
            pa_structure_atoms(s, &a);
        if (rc || (long)a.n != want) {
            fprintf(stderr, "%s: rc %d, %zu atoms, manifest %ld (%s)\n", path, rc, a.n, want,
                    pa_last_error());
            bad++;
        }
        checked++;
        pa_structure_free(s);
    }
    fclose(f);
    ck_assert_int_gt(checked, 50);
    ck_assert_int_eq(bad, 0);
}
END_TEST

static void assert_same(const pa_structure *x, const pa_structure *y)
{
    pa_atom_columns a, b;
    pa_structure_atoms(x, &a);
    pa_structure_atoms(y, &b);
    ck_assert_uint_eq(a.n, b.n);
    ck_assert(!memcmp(a.x, b.x, a.n * sizeof(float)));
    ck_assert(!memcmp(a.name, b.name, a.n * PA_NAME_STRIDE));
    ck_assert_uint_eq(pa_structure_chain_count(x), pa_structure_chain_count(y));
    ck_assert_uint_eq(pa_structure_model_count(x), pa_structure_model_count(y));
}

START_TEST(test_compressed_identical)
{
    const char *names[] = {"1DPO", "1HAG", "1NSA", "1aki", "1l2y", "3BTT"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        char rel[256], p0[1024], p1[1024], p2[1024];
        snprintf(rel, sizeof rel, "structures/pdb/%s.pdb", names[i]);
        if (!pa_shared_data(rel, p0, sizeof p0))
            return;
        snprintf(rel, sizeof rel, "structures/compressed/%s.pdb.gz", names[i]);
        ck_assert_ptr_nonnull(pa_shared_data(rel, p1, sizeof p1));
        snprintf(rel, sizeof rel, "structures/compressed/%s.pdb.zst", names[i]);
        ck_assert_ptr_nonnull(pa_shared_data(rel, p2, sizeof p2));
        pa_structure *a = read_ok(p0, NULL), *b = read_ok(p1, NULL), *c = read_ok(p2, NULL);
        assert_same(a, b);
        assert_same(a, c);
        pa_structure_free(a);
        pa_structure_free(b);
        pa_structure_free(c);
    }
}
END_TEST

START_TEST(test_real_files_shared)
{
    char p[1024];
    if (!pa_shared_data("structures/pdb/1ubq.pdb", p, sizeof p))
        return;
    pa_structure *s = read_ok(p, NULL);
    pa_atom_columns a;
    pa_structure_atoms(s, &a);
    ck_assert_uint_eq(a.n, 1271); /* this copy has hydrogens and no SEQRES */
    ck_assert_uint_eq(pa_structure_entity_count(s), 0);
    pa_structure_free(s);
    if (!pa_shared_data("structures/pdb/1l2y.pdb", p, sizeof p))
        return;
    s = read_ok(p, NULL);
    ck_assert_uint_eq(pa_structure_model_count(s), 38);
    pa_model_info m;
    pa_structure_model(s, 37, &m);
    ck_assert_int_eq(m.number, 38);
    ck_assert_uint_eq(m.atom_count, 304);
    pa_structure_free(s);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("pdb");
    TCase *tc = tcase_create("pdb");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_1crn);
    tcase_add_test(tc, test_altloc_policies);
    tcase_add_test(tc, test_microheterogeneity);
    tcase_add_test(tc, test_insertion_codes);
    tcase_add_test(tc, test_multi_model);
    tcase_add_test(tc, test_hybrid36);
    tcase_add_test(tc, test_modres_seqres);
    tcase_add_test(tc, test_options_and_fields);
    tcase_add_test(tc, test_chain_break_and_ter);
    tcase_add_test(tc, test_manifest_counts);
    tcase_add_test(tc, test_compressed_identical);
    tcase_add_test(tc, test_real_files_shared);
    suite_add_tcase(s, tc);
    return pa_run_suite(s);
}
