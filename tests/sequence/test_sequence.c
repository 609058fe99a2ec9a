/* test_sequence.c — residue table, FASTA reader/writer, chain sequence extraction. */
#include "common/pai.h"
#include "panalyzer.h"
#include "testutil.h"

/* ---- residue table ------------------------------------------------------- */
START_TEST(test_standard_and_modified)
{
    static const struct {
        const char *name;
        char code;
        pa_monomer_kind kind;
    } cases[] = {
        {"ALA", 'A', PA_MONOMER_AMINO_ACID}, {"TRP", 'W', PA_MONOMER_AMINO_ACID},
        {"MSE", 'M', PA_MONOMER_AMINO_ACID}, {"SEP", 'S', PA_MONOMER_AMINO_ACID},
        {"TPO", 'T', PA_MONOMER_AMINO_ACID}, {"PTR", 'Y', PA_MONOMER_AMINO_ACID},
        {"HYP", 'P', PA_MONOMER_AMINO_ACID}, {"MLY", 'K', PA_MONOMER_AMINO_ACID},
        {"CSO", 'C', PA_MONOMER_AMINO_ACID}, {"PCA", 'E', PA_MONOMER_AMINO_ACID},
        {"SEC", 'U', PA_MONOMER_AMINO_ACID}, {"PYL", 'O', PA_MONOMER_AMINO_ACID},
        {"DAL", 'A', PA_MONOMER_AMINO_ACID}, {"UNK", 'X', PA_MONOMER_AMINO_ACID},
        {"DA", 'A', PA_MONOMER_DNA},         {"DT", 'T', PA_MONOMER_DNA},
        {"A", 'A', PA_MONOMER_RNA},          {"U", 'U', PA_MONOMER_RNA},
        {"PSU", 'U', PA_MONOMER_RNA},        {"5MU", 'U', PA_MONOMER_RNA},
        {"OMG", 'G', PA_MONOMER_RNA},        {"HOH", 'X', PA_MONOMER_WATER},
        {"SO4", 'X', PA_MONOMER_OTHER},      {"ZN", 'X', PA_MONOMER_OTHER},
        {"XYZ", 'X', PA_MONOMER_UNKNOWN},    {"", 'X', PA_MONOMER_UNKNOWN},
        {"ALANINE", 'X', PA_MONOMER_UNKNOWN}, {"ala", 'X', PA_MONOMER_UNKNOWN},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ck_assert_msg(pa_residue_one_letter(cases[i].name) == cases[i].code, "%s", cases[i].name);
        ck_assert_msg(pa_residue_kind(cases[i].name) == cases[i].kind, "%s", cases[i].name);
    }
    ck_assert_int_eq(pa_residue_one_letter(NULL), 'X');
    ck_assert_str_eq(pa_monomer_kind_name(PA_MONOMER_DNA), "dna");
    ck_assert_str_eq(pa_polymer_type_name(PA_POLY_PROTEIN), "protein");
    ck_assert_str_eq(pa_polymer_type_name(PA_POLY_HYBRID), "hybrid");
    ck_assert_str_eq(pa_polymer_type_name((pa_polymer_type)99), "none");
}
END_TEST

/* ---- FASTA ------------------------------------------------------------------- */
static void check_small(const pa_seqlist *l)
{
    pa_seq_record r;
    ck_assert_int_eq(pa_seqlist_count(l), 3);
    ck_assert_int_eq(pa_seqlist_get(l, 0, &r), 0);
    ck_assert_str_eq(r.id, "sp|P1|ONE");
    ck_assert_str_eq(r.description, "first protein");
    ck_assert_str_eq(r.seq, "MKVLLAGGT");
    ck_assert_int_eq(r.len, 9);
    ck_assert_int_eq(pa_seqlist_get(l, 1, &r), 0);
    ck_assert_str_eq(r.id, "two");
    ck_assert_str_eq(r.description, "");
    ck_assert_str_eq(r.seq, "ACGU");
    ck_assert_int_eq(pa_seqlist_get(l, 2, &r), 0);
    ck_assert_str_eq(r.id, "empty");
    ck_assert_str_eq(r.description, "desc");
    ck_assert_str_eq(r.seq, "");
    ck_assert_int_eq(pa_seqlist_get(l, 3, &r), PA_ERANGE);
}

START_TEST(test_fasta_files)
{
    static const char *names[] = {"sequence/small.fa", "sequence/small.fa.gz",
                                  "sequence/small.fa.zst"};
    char p[512];
    for (size_t i = 0; i < 3; i++) {
        pa_seqlist *l;
        ck_assert_msg(pa_fasta_read(pa_test_data(names[i], p, sizeof p), &l) == 0, "%s: %s",
                      names[i], pa_last_error());
        check_small(l);
        pa_seqlist_free(l);
    }
    pa_seqlist *l = (pa_seqlist *)1;
    ck_assert_int_eq(pa_fasta_read(pa_test_data("sequence/missing.fa", p, sizeof p), &l), PA_EIO);
    ck_assert_ptr_null(l);
}
END_TEST

START_TEST(test_fasta_memory_and_errors)
{
    pa_seqlist *l;
    ck_assert_int_eq(pa_fasta_read_memory("", 0, "empty", &l), 0);
    ck_assert_int_eq(pa_seqlist_count(l), 0);
    pa_seqlist_free(l);
    ck_assert_int_eq(pa_fasta_read_memory("\n  \n", 4, "blank", &l), 0);
    pa_seqlist_free(l);
    const char *noeol = ">a\nMK";
    ck_assert_int_eq(pa_fasta_read_memory(noeol, strlen(noeol), NULL, &l), 0);
    pa_seq_record r;
    pa_seqlist_get(l, 0, &r);
    ck_assert_str_eq(r.seq, "MK");
    pa_seqlist_free(l);

    const char *junk = "MKV\n>a\nMK\n";
    ck_assert_int_eq(pa_fasta_read_memory(junk, strlen(junk), "j.fa", &l), PA_EFORMAT);
    ck_assert_ptr_null(l);
    ck_assert_ptr_nonnull(strstr(pa_last_error(), "j.fa:1"));
    const char bin[] = ">a\nMK\x01V\n";
    ck_assert_int_eq(pa_fasta_read_memory(bin, sizeof bin - 1, "b.fa", &l), PA_EFORMAT);
    ck_assert_ptr_nonnull(strstr(pa_last_error(), "b.fa:2"));
    ck_assert_int_eq(pa_fasta_read_memory(NULL, 0, NULL, NULL), PA_EINVAL);
}
END_TEST

/* FASTA input hygiene: one row per input, what the default and strict readers make of it. */
START_TEST(test_fasta_hygiene_table)
{
    static const struct {
        const char *text, *seq; /* seq: default result */
        size_t warnings;
        const char *strict_err; /* NULL: strict reads it too; else in pa_last_error() */
    } rows[] = {
        {">a\nmkvlaaglllw*\n", "MKVLAAGLLLW", 0, NULL},
        {">a\nMKV LLA\t12 GG\n34\n", "MKVLLAGG", 0, NULL},
        {">a\nMK-V.L\n", "MKVL", 1, "h.fa:2:3: record 'a': '-' at position 3"},
        {">a\nMK*V\n", "MKV", 1, "record 'a': '*' at position 3"},
        {">a\nMKV**\n", "MKV", 1, "'*' at position 4"},
        {">a\nMKV\n*\n>b\nac?gt\n", "MKV", 1, "record 'b': '?' at position 3"},
        {">a\n1 mkv 10\n", "MKV", 0, NULL},
        {">a\nMK*\nvl\n", "MKVL", 1, "h.fa:2:3: record 'a': '*' at position 3"},
        {">a\nmK\tv\r\n\n>b\n", "MKV", 0, NULL},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        pa_seqlist *l;
        pa_diags *d;
        pa_diags_new(&d);
        const char *t = rows[i].text;
        ck_assert_int_eq(pa_fasta_read_memory_ex(t, strlen(t), "h.fa", NULL, &l, d), 0);
        pa_seq_record r;
        ck_assert_int_eq(pa_seqlist_get(l, 0, &r), 0);
        ck_assert_str_eq(r.seq, rows[i].seq);
        ck_assert_int_eq(r.len, strlen(rows[i].seq));
        ck_assert_int_eq(pa_diags_count(d), rows[i].warnings);
        if (rows[i].warnings) {
            const pa_diag *g = pa_diags_get(d, 0);
            ck_assert_int_eq(g->severity, PA_SEV_WARNING);
            ck_assert_ptr_nonnull(strstr(g->message, "record '"));
            ck_assert_ptr_nonnull(strstr(g->message, "position"));
            ck_assert_str_eq(g->file, "h.fa");
        }
        pa_seqlist_free(l);
        pa_diags_clear(d);
        pa_fasta_opts o = PA_FASTA_OPTS_INIT;
        o.strict = 1;
        int rc = pa_fasta_read_memory_ex(t, strlen(t), "h.fa", &o, &l, d);
        if (!rows[i].strict_err) {
            ck_assert_int_eq(rc, 0);
            pa_seqlist_free(l);
        } else {
            ck_assert_int_eq(rc, PA_EFORMAT);
            ck_assert_ptr_null(l);
            ck_assert_msg(strstr(pa_last_error(), rows[i].strict_err), "%s", pa_last_error());
            ck_assert_int_eq(pa_diags_count_at_least(d, PA_SEV_ERROR), 1);
            ck_assert_ptr_null(strstr(pa_diags_get(d, 0)->message, "h.fa"));
        }
        pa_diags_free(d);
    }
    pa_fasta_opts bad = PA_FASTA_OPTS_INIT;
    bad.version = PA_FASTA_OPTS_VERSION + 1;
    pa_seqlist *none = (pa_seqlist *)1;
    ck_assert_int_eq(pa_fasta_read_memory_ex(">a\nM\n", 5, "v", &bad, &none, NULL), PA_EINVAL);
    ck_assert_ptr_null(none);
    /* the default entry points clean the same way */
    pa_seqlist *l;
    ck_assert_int_eq(pa_fasta_read_memory(">a\nmk-v*\n", 9, "x", &l), 0);
    pa_seq_record r;
    pa_seqlist_get(l, 0, &r);
    ck_assert_str_eq(r.seq, "MKV");
    pa_seqlist_free(l);
}
END_TEST

START_TEST(test_seqlist_add)
{
    pa_seqlist *l;
    ck_assert_int_eq(pa_seqlist_new(&l), 0);
    for (int i = 0; i < 100; i++) {
        char id[16];
        snprintf(id, sizeof id, "s%d", i);
        ck_assert_int_eq(pa_seqlist_add(l, id, i % 2 ? "odd" : NULL, "ACDEFGHIKLMNPQRSTVWY"), 0);
    }
    pa_seq_record r;
    ck_assert_int_eq(pa_seqlist_get(l, 77, &r), 0);
    ck_assert_str_eq(r.id, "s77");
    ck_assert_str_eq(r.description, "odd");
    ck_assert_int_eq(r.len, 20);
    ck_assert_int_eq(pa_seqlist_add(l, NULL, NULL, "A"), PA_EINVAL);
    pa_seqlist_free(l);
    pa_seqlist_free(NULL);
}
END_TEST

START_TEST(test_fasta_alloc_failures)
{
    const char *text = ">a x\nMKV\n>b\nAC\nGT\n>c\n";
    for (uint64_t k = 1; k < 200; k++) {
        pa_seqlist *l = NULL;
        pai_alloc_fail_after(k);
        int rc = pa_fasta_read_memory(text, strlen(text), "m", &l);
        pai_alloc_fail_after(0);
        if (rc == 0) {
            ck_assert_int_eq(pa_seqlist_count(l), 3);
            pa_seqlist_free(l);
            return;
        }
        ck_assert_int_eq(rc, PA_ENOMEM);
        ck_assert_ptr_null(l);
    }
    ck_abort_msg("never succeeded");
}
END_TEST

/* ---- extraction from small PDB texts -------------------------------------------- */
static void atom(pai_buf *b, const char *rec, int serial, const char *name, const char *res,
                 char chain, int seq, double x, const char *el)
{
    pai_buf_printf(b, "%-6s%5d %-4s %3s %c%4d    %8.3f%8.3f%8.3f%6.2f%6.2f          %2s\n", rec,
                   serial, name, res, chain, seq, x, 0.0, 0.0, 1.0, 20.0, el);
}

/* Residues of a peptide: N, CA, C atoms 3.8 A apart along x (CA-CA connected). */
static void residue(pai_buf *b, int *serial, const char *rec, const char *res, char chain, int seq,
                    double x)
{
    atom(b, rec, (*serial)++, "N", res, chain, seq, x - 1.0, "N");
    atom(b, rec, (*serial)++, "CA", res, chain, seq, x, "C");
    atom(b, rec, (*serial)++, "C", res, chain, seq, x + 1.0, "C");
}

static pa_structure *read_text(const pai_buf *b)
{
    pa_structure *s = NULL;
    pa_diags *d;
    pa_diags_new(&d);
    int rc = pa_structure_read_memory(b->s, b->len, "t.pdb", NULL, &s, d);
    if (rc) {
        char msg[256];
        for (size_t i = 0; i < pa_diags_count(d); i++) {
            pa_diag_format(pa_diags_get(d, i), msg, sizeof msg);
            fprintf(stderr, "%s\n", msg);
        }
    }
    pa_diags_free(d);
    ck_assert_msg(rc == 0, "read failed: %s", pa_last_error());
    return s;
}

/* SEQRES MET ALA GLY SER LYS VAL LEU GLU; observed 2-3 and 6-8 (SER LYS missing),
 * then a water after TER, and a ligand-only chain B. */
static void build_gapped(pai_buf *b)
{
    pai_buf_puts(b, "SEQRES   1 A    8  MET ALA GLY SER LYS VAL LEU GLU                      \n");
    int serial = 1;
    double x = 0;
    residue(b, &serial, "ATOM", "ALA", 'A', 2, x += 3.8);
    residue(b, &serial, "ATOM", "GLY", 'A', 3, x += 3.8);
    residue(b, &serial, "ATOM", "VAL", 'A', 6, x += 3.8);
    residue(b, &serial, "ATOM", "LEU", 'A', 7, x += 3.8);
    residue(b, &serial, "ATOM", "MSE", 'A', 8, x += 3.8);
    pai_buf_printf(b, "TER    %4d      MSE A   8\n", serial++);
    atom(b, "HETATM", serial++, "O", "HOH", 'A', 101, 50.0, "O");
    atom(b, "HETATM", serial++, "S", "SO4", 'B', 201, 60.0, "S");
    pai_buf_puts(b, "END\n");
}

START_TEST(test_extract_gapped_pdb)
{
    pai_buf b = {0};
    build_gapped(&b);
    pa_structure *s = read_text(&b);
    pa_seqset *q;
    ck_assert_int_eq(pa_sequence_extract(s, NULL, &q), 0);
    ck_assert_int_eq(pa_seqset_count(q), 1);
    pa_chain_seq c;
    ck_assert_int_eq(pa_seqset_get(q, 0, &c), 0);
    ck_assert_str_eq(c.auth_id, "A");
    ck_assert_int_eq(c.polymer_type, PA_POLY_PROTEIN);
    ck_assert_int_eq(c.n_observed, 5);
    ck_assert_str_eq(c.observed, "AGVLM");
    ck_assert_str_eq(c.seqres, "MAGSKVLE");
    static const int32_t want[] = {1, 2, 5, 6, 7};
    for (int i = 0; i < 5; i++)
        ck_assert_int_eq(c.map[i], want[i]);
    pa_residue_columns rc;
    pa_structure_residues(s, &rc);
    ck_assert_str_eq(rc.name + c.residue[4] * PA_NAME_STRIDE, "MSE");
    ck_assert_int_eq(pa_seqset_get(q, 1, &c), PA_ERANGE);

    char *fa;
    size_t len;
    ck_assert_int_eq(pa_seqset_to_fasta(q, "t", PA_SEQ_OBSERVED, 3, &fa, &len), 0);
    ck_assert_str_eq(fa, ">t_A protein model=1 length=5\nAGV\nLM\n");
    ck_assert_int_eq(len, strlen(fa));
    pa_free(fa);
    ck_assert_int_eq(pa_seqset_to_fasta(q, NULL, PA_SEQ_SEQRES, 0, &fa, NULL), 0);
    ck_assert_str_eq(fa, ">seq_A protein model=1 length=8\nMAGSKVLE\n");
    pa_free(fa);
    pa_seqset_free(q);

    pa_seqset_opts o = PA_SEQSET_OPTS_INIT;
    o.include_nonpolymer = 1;
    ck_assert_int_eq(pa_sequence_extract(s, &o, &q), 0);
    ck_assert_int_ge(pa_seqset_count(q), 2);
    pa_seqset_get(q, pa_seqset_count(q) - 1, &c);
    ck_assert_str_eq(c.auth_id, "B");
    ck_assert_int_eq(c.polymer_type, PA_POLY_NONE);
    pa_seqset_free(q);
    o.model = 5;
    ck_assert_int_eq(pa_sequence_extract(s, &o, &q), PA_ERANGE);
    pa_structure_free(s);
    pai_buf_free(&b);
}
END_TEST

/* Without TER, trailing ligands and waters are cut off by residue kind. */
START_TEST(test_extract_no_ter_no_seqres)
{
    pai_buf b = {0};
    int serial = 1;
    double x = 0;
    residue(&b, &serial, "ATOM", "GLY", 'A', 1, x += 3.8);
    residue(&b, &serial, "ATOM", "SER", 'A', 2, x += 3.8);
    residue(&b, &serial, "HETATM", "SEP", 'A', 3, x += 3.8);
    residue(&b, &serial, "ATOM", "LYS", 'A', 4, x += 3.8);
    atom(&b, "HETATM", serial++, "C1", "GOL", 'A', 301, 70.0, "C");
    atom(&b, "HETATM", serial++, "O", "HOH", 'A', 401, 80.0, "O");
    pai_buf_puts(&b, "END\n");
    pa_structure *s = read_text(&b);
    pa_seqset *q;
    ck_assert_int_eq(pa_sequence_extract(s, NULL, &q), 0);
    ck_assert_int_eq(pa_seqset_count(q), 1);
    pa_chain_seq c;
    pa_seqset_get(q, 0, &c);
    ck_assert_str_eq(c.observed, "GSSK");
    ck_assert_str_eq(c.seqres, "");
    ck_assert_int_eq(c.map[0], -1);
    pa_seqset_free(q);
    pa_structure_free(s);
    pai_buf_free(&b);
}
END_TEST

/* MODRES names the parent of a component the table does not know. */
START_TEST(test_extract_modres)
{
    pai_buf b = {0};
    pai_buf_puts(&b, "MODRES 1XYZ XYZ A    2  SER  PHOSPHOSERINE-LIKE                                \n");
    int serial = 1;
    double x = 0;
    residue(&b, &serial, "ATOM", "GLY", 'A', 1, x += 3.8);
    residue(&b, &serial, "HETATM", "XYZ", 'A', 2, x += 3.8);
    residue(&b, &serial, "ATOM", "LYS", 'A', 3, x += 3.8);
    pai_buf_puts(&b, "TER\nEND\n");
    pa_structure *s = read_text(&b);
    pa_seqset *q;
    pa_chain_seq c;
    ck_assert_int_eq(pa_sequence_extract(s, NULL, &q), 0);
    pa_seqset_get(q, 0, &c);
    ck_assert_str_eq(c.observed, "GSK");
    pa_seqset_free(q);
    pa_seqset_opts o = PA_SEQSET_OPTS_INIT;
    o.use_modres = 0;
    ck_assert_int_eq(pa_sequence_extract(s, &o, &q), 0);
    pa_seqset_get(q, 0, &c);
    ck_assert_str_eq(c.observed, "GXK");
    pa_seqset_free(q);
    pa_structure_free(s);
    pai_buf_free(&b);
}
END_TEST

/* mmCIF: chains per label_asym_id, polymer by entity_poly, map from label_seq_id,
 * two models. */
static const char small_cif[] =
    "data_TEST\n"
    "loop_\n_entity_poly.entity_id\n_entity_poly.type\n1 'polypeptide(L)'\n"
    "loop_\n_entity_poly_seq.entity_id\n_entity_poly_seq.num\n_entity_poly_seq.mon_id\n"
    "1 1 MET\n1 2 GLY\n1 3 SER\n1 4 MSE\n1 5 LYS\n"
    "loop_\n_entity.id\n_entity.type\n1 polymer\n2 water\n"
    "loop_\n_atom_site.group_PDB\n_atom_site.id\n_atom_site.type_symbol\n"
    "_atom_site.label_atom_id\n_atom_site.label_alt_id\n_atom_site.label_comp_id\n"
    "_atom_site.label_asym_id\n_atom_site.label_entity_id\n_atom_site.label_seq_id\n"
    "_atom_site.pdbx_PDB_ins_code\n_atom_site.Cartn_x\n_atom_site.Cartn_y\n_atom_site.Cartn_z\n"
    "_atom_site.occupancy\n_atom_site.B_iso_or_equiv\n_atom_site.auth_seq_id\n"
    "_atom_site.auth_asym_id\n_atom_site.pdbx_PDB_model_num\n"
    "ATOM 1 C CA . GLY A 1 2 ? 3.8 0 0 1 10 12 X 1\n"
    "ATOM 2 C CA . MSE A 1 4 ? 7.6 0 0 1 10 14 X 1\n"
    "ATOM 3 C CA . LYS A 1 5 ? 11.4 0 0 1 10 15 X 1\n"
    "HETATM 4 O O . HOH B 2 . ? 20 0 0 1 10 101 X 1\n"
    "ATOM 5 C CA . GLY A 1 2 ? 3.8 1 0 1 10 12 X 2\n"
    "ATOM 6 C CA . MSE A 1 4 ? 7.6 1 0 1 10 14 X 2\n";

START_TEST(test_extract_mmcif)
{
    pa_structure *s = NULL;
    int rc = pa_structure_read_memory(small_cif, sizeof small_cif - 1, "t.cif", NULL, &s, NULL);
    if (rc == PA_EUNSUPPORTED)
        return; /* mmCIF reader not built */
    ck_assert_msg(rc == 0, "%s", pa_last_error());
    pa_seqset *q;
    pa_chain_seq c;
    ck_assert_int_eq(pa_sequence_extract(s, NULL, &q), 0);
    ck_assert_int_eq(pa_seqset_count(q), 1);
    pa_seqset_get(q, 0, &c);
    ck_assert_str_eq(c.auth_id, "X");
    ck_assert_str_eq(c.label_id, "A");
    ck_assert_str_eq(c.entity_id, "1");
    ck_assert_int_eq(c.polymer_type, PA_POLY_PROTEIN);
    ck_assert_str_eq(c.observed, "GMK");
    ck_assert_str_eq(c.seqres, "MGSMK");
    ck_assert_int_eq(c.map[0], 1);
    ck_assert_int_eq(c.map[1], 3);
    ck_assert_int_eq(c.map[2], 4);
    pa_seqset_free(q);
    pa_seqset_opts o = PA_SEQSET_OPTS_INIT;
    o.all_models = 1;
    ck_assert_int_eq(pa_sequence_extract(s, &o, &q), 0);
    ck_assert_int_eq(pa_seqset_count(q), 2);
    pa_seqset_get(q, 1, &c);
    ck_assert_int_eq(c.model, 2);
    ck_assert_str_eq(c.observed, "GM");
    pa_seqset_free(q);
    pa_structure_free(s);
}
END_TEST

START_TEST(test_extract_alloc_failures)
{
    pai_buf b = {0};
    build_gapped(&b);
    pa_structure *s = read_text(&b);
    for (uint64_t k = 1; k < 500; k++) {
        pa_seqset *q = NULL;
        pai_alloc_fail_after(k);
        int rc = pa_sequence_extract(s, NULL, &q);
        pai_alloc_fail_after(0);
        if (rc == 0) {
            ck_assert_int_eq(pa_seqset_count(q), 1);
            pa_seqset_free(q);
            pa_structure_free(s);
            pai_buf_free(&b);
            return;
        }
        ck_assert_int_eq(rc, PA_ENOMEM);
        ck_assert_ptr_null(q);
    }
    ck_abort_msg("never succeeded");
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("sequence");
    TCase *t = tcase_create("table");
    tcase_add_test(t, test_standard_and_modified);
    suite_add_tcase(s, t);
    t = tcase_create("fasta");
    tcase_add_test(t, test_fasta_files);
    tcase_add_test(t, test_fasta_memory_and_errors);
    tcase_add_test(t, test_fasta_hygiene_table);
    tcase_add_test(t, test_seqlist_add);
    tcase_add_test(t, test_fasta_alloc_failures);
    suite_add_tcase(s, t);
    t = tcase_create("extract");
    tcase_add_test(t, test_extract_gapped_pdb);
    tcase_add_test(t, test_extract_no_ter_no_seqres);
    tcase_add_test(t, test_extract_modres);
    tcase_add_test(t, test_extract_mmcif);
    tcase_add_test(t, test_extract_alloc_failures);
    suite_add_tcase(s, t);
    return s;
}

int main(void) { return pa_run_suite(suite()); }
