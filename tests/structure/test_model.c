/* test_model.c — the builder and the columnar model, driven directly. */
#include "common/pai.h"
#include "structure/builder.h"
#include "testutil.h"

#include <math.h>

static pai_str S(const char *s) { return (pai_str){s, strlen(s)}; }

static pai_atom_rec rec(const char *name, const char *res, int seq, const char *auth,
                        const char *label, const char *ent, float x)
{
    pai_atom_rec a = {0};
    a.model = 1;
    a.name = S(name);
    a.resname = S(res);
    a.seq_id = seq;
    a.label_seq_id = seq;
    a.auth_chain = S(auth);
    a.label_chain = S(label);
    a.entity_id = S(ent);
    a.x = x;
    a.occupancy = 1.0f;
    return a;
}

START_TEST(test_mmcif_style_entities)
{
    pa_diags *d;
    pa_diags_new(&d);
    pai_builder *b;
    ck_assert_int_eq(pai_builder_new(&b, NULL, d, "m.cif", PA_FORMAT_MMCIF), 0);
    ck_assert_int_eq(pai_builder_entity_type(b, S("1"), S("polypeptide(L)")), 0);
    ck_assert_int_eq(pai_builder_entity_seq(b, S("1"), 1, S("MET")), 0);
    ck_assert_int_eq(pai_builder_entity_seq(b, S("1"), 2, S("ALA")), 0);
    ck_assert_int_eq(pai_builder_entity_seq(b, S("1"), 2, S("GLY")), 0); /* microheterogeneity */
    ck_assert_int_eq(pai_builder_entity_can(b, S("1"), S("M A\n")), 0);
    ck_assert_int_eq(pai_builder_entity_type(b, S("2"), S("")), 0);
    ck_assert_int_eq(pai_builder_asym_entity(b, S("B"), S("2")), 0);
    ck_assert_int_eq(pai_builder_modres(b, S("MSE"), S("MET")), 0);
    pai_atom_rec a = rec("N", "MET", 1, "A", "A", "1", 0.0f);
    ck_assert_int_eq(pai_builder_atom(b, &a), 0);
    a = rec("C", "MET", 1, "A", "A", "1", 1.0f);
    pai_builder_atom(b, &a);
    a = rec("N", "ALA", 2, "A", "A", "1", 2.3f);
    pai_builder_atom(b, &a);
    a = rec("O", "HOH", 1, "A", "B", "", 10.0f); /* same auth chain, new label: new chain */
    a.label_seq_id = PA_SEQ_ID_NONE;
    a.hetero = 1;
    pai_builder_atom(b, &a);
    ck_assert_int_eq(pai_builder_set_id(b, S("1ABC")), 0);
    double cell[6] = {10, 20, 30, 90, 90, 120};
    ck_assert_int_eq(pai_builder_set_cell(b, cell, S("P 1")), 0);
    pa_structure *s;
    ck_assert_int_eq(pai_builder_finish(b, &s), 0);
    pai_builder_free(b);

    ck_assert_str_eq(pa_structure_id(s), "1ABC");
    ck_assert_uint_eq(pa_structure_chain_count(s), 2);
    pa_chain_info c;
    pa_structure_chain(s, 1, &c);
    ck_assert_str_eq(c.auth_id, "A");
    ck_assert_str_eq(c.label_id, "B");
    ck_assert_str_eq(c.entity_id, "2"); /* through struct_asym */
    ck_assert_uint_eq(c.entity, 1);
    pa_entity_info e;
    pa_structure_entity(s, 0, &e);
    ck_assert_int_eq(e.type, PA_POLY_PROTEIN);
    ck_assert_uint_eq(e.seq_len, 2);
    ck_assert_str_eq(e.seq_names + PA_NAME_STRIDE, "ALA");
    ck_assert_str_eq(e.one_letter_can, "MA");
    pa_structure_entity(s, 1, &e);
    ck_assert_int_eq(e.type, PA_POLY_NONE);
    ck_assert_str_eq(pa_structure_modres_parent(s, "MSE"), "MET");
    pa_residue_columns r;
    pa_structure_residues(s, &r);
    ck_assert_uint_eq(r.n, 3);
    ck_assert_int_eq(r.label_seq_id[1], 2);
    ck_assert_uint_eq(r.chain[2], 1);
    ck_assert_int_eq(r.hetero[2], 1);
    /* element inferred from the name */
    pa_atom_columns at;
    pa_structure_atoms(s, &at);
    ck_assert_str_eq(at.element + 4, "C");
    ck_assert_uint_eq(pa_diags_count(d), 0); /* C-N 1.3 A: no break; sequence present */
    pa_structure_free(s);
    pa_diags_free(d);
}
END_TEST

START_TEST(test_polymer_type_strings)
{
    pai_builder *b;
    ck_assert_int_eq(pai_builder_new(&b, NULL, NULL, "t", PA_FORMAT_MMCIF), 0);
    const char *types[] = {"polypeptide(L)", "polydeoxyribonucleotide", "polyribonucleotide",
                           "polydeoxyribonucleotide/polyribonucleotide hybrid",
                           "polysaccharide(D)", "'polypeptide(D)'"};
    const pa_polymer_type want[] = {PA_POLY_PROTEIN, PA_POLY_DNA, PA_POLY_RNA, PA_POLY_HYBRID,
                                    PA_POLY_OTHER, PA_POLY_PROTEIN};
    char id[8];
    for (int i = 0; i < 6; i++) {
        snprintf(id, sizeof id, "%d", i);
        pai_builder_entity_type(b, S(id), S(types[i]));
    }
    pai_atom_rec a = rec("O", "HOH", 1, "A", "A", "", 0.0f);
    pai_builder_atom(b, &a);
    pa_structure *s;
    ck_assert_int_eq(pai_builder_finish(b, &s), 0);
    pai_builder_free(b);
    for (int i = 0; i < 6; i++) {
        pa_entity_info e;
        pa_structure_entity(s, (size_t)i, &e);
        ck_assert_int_eq(e.type, want[i]);
    }
    pa_structure_free(s);
}
END_TEST

START_TEST(test_coordinates_and_empty)
{
    pa_diags *d;
    pa_diags_new(&d);
    pai_builder *b;
    ck_assert_int_eq(pai_builder_new(&b, NULL, d, "t", PA_FORMAT_PDB), 0);
    pai_atom_rec a = rec("CA", "ALA", 1, "A", "", "", NAN);
    pai_builder_atom(b, &a);
    a = rec("CB", "ALA", 1, "A", "", "", 12000.0f);
    pai_builder_atom(b, &a);
    pa_structure *s;
    ck_assert_int_eq(pai_builder_finish(b, &s), 0);
    pai_builder_free(b);
    pa_atom_columns at;
    pa_structure_atoms(s, &at);
    ck_assert_uint_eq(at.n, 1);
    ck_assert_uint_eq(pa_diags_count_at_least(d, PA_SEV_ERROR), 1);
    ck_assert_uint_eq(pa_diags_count(d), 2);
    ck_assert_int_eq(pa_diags_get(d, 1)->code, PA_D_COORD_RANGE);
    pa_structure_free(s);

    pa_diags_clear(d);
    ck_assert_int_eq(pai_builder_new(&b, NULL, d, "t", PA_FORMAT_PDB), 0);
    ck_assert_int_eq(pai_builder_finish(b, &s), PA_EFORMAT);
    ck_assert_int_eq(pa_diags_get(d, 0)->code, PA_D_EMPTY);
    pai_builder_free(b);
    pa_diags_free(d);
    pai_builder_free(NULL);
}
END_TEST

START_TEST(test_builder_alloc_failures)
{
    for (uint64_t f = 1; f < 80; f++) {
        pai_alloc_fail_after(f);
        pai_builder *b = NULL;
        int rc = pai_builder_new(&b, NULL, NULL, "t", PA_FORMAT_MMCIF);
        for (int i = 0; !rc && i < 100; i++) {
            pai_atom_rec a = rec(i % 2 ? "CA" : "N", "ALA", i / 2, i < 50 ? "A" : "B", "", "1",
                                 (float)i);
            rc = pai_builder_atom(b, &a);
        }
        if (!rc)
            rc = pai_builder_entity_seq(b, S("1"), 1, S("ALA"));
        pa_structure *s = NULL;
        if (!rc)
            rc = pai_builder_finish(b, &s);
        pai_alloc_fail_after(0);
        ck_assert(rc == 0 || rc == PA_ENOMEM);
        pa_structure_free(s);
        pai_builder_free(b);
    }
}
END_TEST

int main(void)
{
    return pa_run_tests("model", "model",
                        (const TTest *const[]){test_mmcif_style_entities,
                                                test_polymer_type_strings,
                                                test_coordinates_and_empty,
                                                test_builder_alloc_failures, NULL});
}
