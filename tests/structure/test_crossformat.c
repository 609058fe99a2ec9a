/* test_crossformat.c — one entry read from PDB, mmCIF and PDBML gives the same
 * model: per model the same atoms in the same order, coordinates within 1e-3,
 * atom and residue names, author residue numbers and author chain IDs.
 * Chain *counts* are not compared: mmCIF/PDBML split chains by label_asym_id
 * (waters and ligands get their own chains), PDB files by chain ID and TER. */
#include "testutil.h"

#include <math.h>
#include <panalyzer.h>

typedef struct {
    const char *id;
    const char *files[3]; /* paths under $PA_SHARED_DATA/structures, NULL-terminated */
} entry;

static const entry entries[] = {
    {"1CBN", {"pdb/1CBN.pdb", "pdbml/1CBN.xml", "compressed/1CBN.xml.gz"}},
    {"2VQC", {"pdb/2VQC.pdb", "pdbml/2VQC.xml", "cif/2vqc.cif"}},
    {"1aki", {"pdb/1aki.pdb", "cif/1aki.cif", NULL}},
    {"1l2y", {"pdb/1l2y.pdb", "cif/1l2y.cif", NULL}},
    {"1DPO", {"pdb/1DPO.pdb", "pdbml/1DPO.xml", NULL}},
    {"1HAG", {"pdb/1HAG.pdb", "pdbml/1HAG.xml", NULL}},
    {"1NSA", {"pdb/1NSA.pdb", "pdbml/1NSA.xml", NULL}},
    {"3BTT", {"pdb/3BTT.pdb", "pdbml/3BTT.xml", NULL}},
    {"1GBT", {"cif/1GBT.cif", "pdbml/1GBT.xml", NULL}},
    {"1gya", {"pdb/1gya.pdb", "cif/1gya.cif", NULL}},
    {"2axd", {"pdb/2axd.pdb", "cif/2axd.cif", NULL}},
    {"3nig", {"pdb/3nig.pdb", "cif/3nig.cif", NULL}},
    {"1SSU", {"pdb/1SSU_mod.pdb", "cif/1SSU_mod.cif", NULL}},
    /* 1ubq: pdb/1ubq.pdb is a different deposition-derived file (1271 atoms with
     * hydrogens added, no SEQRES) from cif/1ubq.cif (660 atoms): not comparable. */
};

static pa_structure *read_one(const char *rel)
{
    char r[512], path[4096];
    snprintf(r, sizeof r, "structures/%s", rel);
    if (!pa_shared_data(r, path, sizeof path))
        return NULL;
    pa_reader_opts o = PA_READER_OPTS_INIT;
    o.altloc = PA_ALTLOC_ALL;
    pa_structure *s = NULL;
    int rc = pa_structure_read(path, &o, &s, NULL);
    ck_assert_msg(rc == 0, "%s: %s", rel, pa_last_error());
    return s;
}

/* Compare b against the reference a, model by model and atom by atom. */
static void compare(const pa_structure *a, const pa_structure *b, const char *an, const char *bn)
{
    ck_assert_msg(pa_structure_model_count(a) == pa_structure_model_count(b),
                  "%s vs %s: %zu vs %zu models", an, bn, pa_structure_model_count(a),
                  pa_structure_model_count(b));
    pa_atom_columns aa, ba;
    pa_residue_columns ar, br;
    pa_structure_atoms(a, &aa);
    pa_structure_atoms(b, &ba);
    pa_structure_residues(a, &ar);
    pa_structure_residues(b, &br);
    for (size_t m = 0; m < pa_structure_model_count(a); m++) {
        pa_model_info ma, mb;
        pa_structure_model(a, m, &ma);
        pa_structure_model(b, m, &mb);
        ck_assert_msg(ma.atom_count == mb.atom_count, "%s vs %s model %zu: %u vs %u atoms", an,
                      bn, m + 1, ma.atom_count, mb.atom_count);
        for (uint32_t k = 0; k < ma.atom_count; k++) {
            size_t i = ma.atom_begin + k, j = mb.atom_begin + k;
            ck_assert_msg(fabsf(aa.x[i] - ba.x[j]) < 1e-3f && fabsf(aa.y[i] - ba.y[j]) < 1e-3f &&
                              fabsf(aa.z[i] - ba.z[j]) < 1e-3f,
                          "%s vs %s: atom %u coordinates differ", an, bn, k);
            ck_assert_msg(strcmp(&aa.name[i * PA_NAME_STRIDE], &ba.name[j * PA_NAME_STRIDE]) == 0,
                          "%s vs %s: atom %u name %s vs %s", an, bn, k,
                          &aa.name[i * PA_NAME_STRIDE], &ba.name[j * PA_NAME_STRIDE]);
            ck_assert_int_eq(aa.altloc[i], ba.altloc[j]);
            uint32_t ri = aa.residue[i], rj = ba.residue[j];
            ck_assert_msg(strcmp(&ar.name[ri * PA_NAME_STRIDE], &br.name[rj * PA_NAME_STRIDE]) == 0,
                          "%s vs %s: atom %u residue %s vs %s", an, bn, k,
                          &ar.name[ri * PA_NAME_STRIDE], &br.name[rj * PA_NAME_STRIDE]);
            ck_assert_msg(ar.seq_id[ri] == br.seq_id[rj] && ar.icode[ri] == br.icode[rj],
                          "%s vs %s: atom %u residue number %d%c vs %d%c", an, bn, k,
                          ar.seq_id[ri], ar.icode[ri] ? ar.icode[ri] : ' ', br.seq_id[rj],
                          br.icode[rj] ? br.icode[rj] : ' ');
            pa_chain_info ca, cb;
            pa_structure_chain(a, ar.chain[ri], &ca);
            pa_structure_chain(b, br.chain[rj], &cb);
            ck_assert_msg(strcmp(ca.auth_id, cb.auth_id) == 0, "%s vs %s: atom %u chain %s vs %s",
                          an, bn, k, ca.auth_id, cb.auth_id);
        }
    }
}

START_TEST(test_same_entry_all_formats)
{
    const entry *e = &entries[_i];
    pa_structure *ref = read_one(e->files[0]);
    if (!ref)
        return; /* shared corpus absent */
    for (int f = 1; f < 3 && e->files[f]; f++) {
        pa_structure *s = read_one(e->files[f]);
        ck_assert_ptr_nonnull(s);
        compare(ref, s, e->files[0], e->files[f]);
        pa_structure_free(s);
    }
    pa_structure_free(ref);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("crossformat");
    TCase *tc = tcase_create("crossformat");
    tcase_set_timeout(tc, 120);
    tcase_add_loop_test(tc, test_same_entry_all_formats, 0, (int)(sizeof entries / sizeof entries[0]));
    suite_add_tcase(s, tc);
    return pa_run_suite(s);
}
