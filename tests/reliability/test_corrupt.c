/* test_corrupt.c — hostile and malformed input: every file under
 * tests/data/corrupt/<kind> (the committed corpus, made by make_corpus.py),
 * tests/data/corrupt/regress/<fuzz target> (inputs that once crashed a reader
 * or a fuzz target) and, when present, ../shared/data/structures/edge, plus big
 * structure inputs generated at run time. Kinds: structure, fasta, matrix,
 * onnx, input. Each read must end in a clean error code or a result (with
 * diagnostics where something was wrong): no crash, leak, hang or
 * inconsistent model. */
#include "corpus.h"
#include "../../fuzz/onnx_tiny_run.h"

#include <zlib.h>

enum { K_STRUCTURE, K_FASTA, K_MATRIX, K_ONNX, K_INPUT, N_KINDS };
static rel_list files[N_KINDS];

/* rc == 0: a complete, consistent structure; rc < 0: no structure and a reason. */
static void check_outcome(const char *what, int rc, pa_structure *s, const pa_diags *d)
{
    ck_assert_msg(rc <= 0, "%s: pa_structure_read returned %d (expected 0 or < 0)", what, rc);
    if (rc == 0) {
        ck_assert_msg(s != NULL, "%s: success without a structure", what);
        rel_check_structure(s);
    } else {
        ck_assert_msg(s == NULL, "%s: failure (%d) but a structure was returned", what, rc);
        ck_assert_msg(pa_last_error()[0] || (d && pa_diags_count(d) > 0),
                      "%s: error %d without message or diagnostic", what, rc);
    }
    for (size_t i = 0; d && i < pa_diags_count(d); i++) {
        const pa_diag *g = pa_diags_get(d, i);
        char line[256];
        ck_assert_ptr_nonnull(g);
        rel_touch_str(g->file, 1 << 16);
        rel_touch_str(g->message, 1 << 20);
        ck_assert_int_ge(pa_diag_format(g, line, sizeof line), 0);
    }
}

/* One buffer through every entry point and a few option sets (the first
 * nvariants of them: big generated inputs use fewer to stay quick under ASan). */
static void read_all_ways(const char *name, const char *path, const unsigned char *buf, size_t n,
                          int nvariants)
{
    static const pa_reader_opts base = PA_READER_OPTS_INIT;
    pa_reader_opts variants[4] = {base, base, base, base};
    variants[1].strict = 1;
    variants[2].altloc = PA_ALTLOC_ALL;
    variants[2].keep_anisou = 1;
    variants[3].altloc = PA_ALTLOC_OCCUPANCY;
    variants[3].first_model_only = 1;
    variants[3].skip_hydrogens = 1;
    variants[3].max_diagnostics = 3;

    for (int v = 0; v < nvariants; v++) {
        pa_diags *d;
        pa_structure *s = NULL;
        ck_assert_int_eq(pa_diags_new(&d), 0);
        pa_clear_error();
        int rc = path ? pa_structure_read(path, &variants[v], &s, d)
                      : pa_structure_read_memory(buf, n, name, &variants[v], &s, d);
        check_outcome(name, rc, s, d);
        pa_structure_free(s);

        /* The memory path must agree with the file path on success vs failure. */
        if (path) {
            pa_structure *m = NULL;
            pa_diags_clear(d);
            int rm = pa_structure_read_memory(buf, n, name, &variants[v], &m, d);
            check_outcome(name, rm, m, d);
            ck_assert_msg((rm == 0) == (rc == 0), "%s: file read %d but memory read %d", name, rc, rm);
            pa_structure_free(m);
        }
        pa_diags_free(d);
    }

    /* Iterate every block, as a multi-block CIF reader would. A bad block may
     * fail and the next one still be read; a fatal error may repeat. After
     * PA_END the reader stays at the end. */
    pa_reader *r = NULL;
    if (pa_reader_open_memory(&r, buf, n, name, NULL) == 0) {
        pa_structure *s;
        int rc = 0, calls = 0, errors_in_row = 0;
        while (errors_in_row < 3 && (rc = pa_reader_next(r, &s)) != PA_END) {
            ck_assert_msg(rc <= 0, "%s: pa_reader_next returned %d", name, rc);
            if (rc == 0) {
                rel_check_structure(s);
                pa_structure_free(s);
                errors_in_row = 0;
            } else {
                errors_in_row++;
            }
            ck_assert_msg(++calls < 1000000, "%s: reader does not end", name);
        }
        if (rc == PA_END) {
            s = NULL;
            ck_assert_int_eq(pa_reader_next(r, &s), PA_END);
            ck_assert_ptr_null(s);
        }
        ck_assert_ptr_nonnull(pa_reader_diagnostics(r));
        (void)pa_reader_format(r);
        pa_reader_free(r);
    } else {
        ck_assert_ptr_null(r);
    }
}

START_TEST(test_corpus_structure)
{
    const char *path = files[K_STRUCTURE].path[_i];
    const char *name = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
    size_t n;
    unsigned char *buf = rel_slurp(path, &n);
    ck_assert_msg(buf != NULL, "cannot read %s", path);
    read_all_ways(name, path, buf, n, 4);
    /* Forced formats (as the per-format fuzz targets read it). */
    for (int f = PA_FORMAT_PDB; f <= PA_FORMAT_PDBML; f++) {
        pa_reader_opts o = PA_READER_OPTS_INIT;
        o.format = (pa_format)f;
        pa_structure *s = NULL;
        pa_clear_error();
        int rc = pa_structure_read_memory(buf, n, name, &o, &s, NULL);
        check_outcome(name, rc, s, NULL);
        pa_structure_free(s);
    }
    free(buf);
}
END_TEST

START_TEST(test_corpus_fasta)
{
    const char *path = files[K_FASTA].path[_i];
    size_t n;
    unsigned char *buf = rel_slurp(path, &n);
    ck_assert_msg(buf != NULL, "cannot read %s", path);
    for (int by_path = 0; by_path < 2; by_path++) {
        pa_seqlist *l = NULL;
        pa_clear_error();
        int rc = by_path ? pa_fasta_read(path, &l) : pa_fasta_read_memory(buf, n, "x.fasta", &l);
        ck_assert_msg(rc <= 0, "%s: %d", path, rc);
        if (rc == 0) {
            for (size_t i = 0; i < pa_seqlist_count(l); i++) {
                pa_seq_record r;
                ck_assert_int_eq(pa_seqlist_get(l, i, &r), 0);
                rel_touch_str(r.id, (size_t)1 << 30);
                rel_touch_str(r.description, (size_t)1 << 30);
                ck_assert_uint_eq(strlen(r.seq), r.len);
            }
        } else {
            ck_assert_ptr_null(l);
            ck_assert_msg(pa_last_error()[0], "%s: error %d without message", path, rc);
        }
        pa_seqlist_free(l);
    }
    free(buf);
}
END_TEST

START_TEST(test_corpus_matrix)
{
    const char *path = files[K_MATRIX].path[_i];
    size_t n;
    unsigned char *buf = rel_slurp(path, &n);
    ck_assert_msg(buf != NULL, "cannot read %s", path);
    /* An exact-size copy: the parser must not rely on a terminating NUL. */
    char *exact = malloc(n ? n : 1);
    memcpy(exact, buf, n);
    for (int by_path = 0; by_path < 2; by_path++) {
        pa_matrix *m = NULL;
        pa_clear_error();
        int rc = by_path ? pa_matrix_load(&m, path) : pa_matrix_parse(&m, exact, n, "x.mat");
        ck_assert_msg(rc <= 0, "%s: %d", path, rc);
        if (rc == 0) {
            int lo, hi;
            pa_matrix_range(m, &lo, &hi);
            ck_assert_int_le(lo, hi);
            for (int a = 0; a < 256; a += 3)
                for (int b = 0; b < 256; b += 3) {
                    int v = pa_matrix_score(m, (char)a, (char)b);
                    ck_assert(v >= lo && v <= hi);
                }
        } else {
            ck_assert_ptr_null(m);
            ck_assert_msg(pa_last_error()[0], "%s: error %d without message", path, rc);
        }
        pa_matrix_free(m);
    }
    free(exact);
    free(buf);
}
END_TEST

START_TEST(test_corpus_onnx)
{
    const char *path = files[K_ONNX].path[_i];
    size_t n;
    unsigned char *buf = rel_slurp(path, &n);
    ck_assert_msg(buf != NULL, "cannot read %s", path);
    for (int by_path = 0; by_path < 2; by_path++) {
        pa_model *m = NULL;
        pa_clear_error();
        pa_model_opts o = PA_MODEL_OPTS_INIT; /* as a service running untrusted models */
        o.max_run_bytes = (size_t)256 << 20;
        int rc = by_path ? pa_model_load(&m, path, &o) : pa_model_load_memory(&m, buf, n, &o);
        ck_assert_msg(rc <= 0, "%s: %d", path, rc);
        if (rc == 0) {
            for (size_t i = 0; i < pa_model_num_inputs(m); i++) {
                pa_tensor_info ti;
                ck_assert_int_eq(pa_model_input_info(m, i, &ti), 0);
                rel_touch_str(ti.name, 1 << 20);
                ck_assert(ti.ndim >= 0 && ti.ndim <= PA_TENSOR_MAX_DIMS);
            }
            if (!by_path)
                ck_assert_msg(pa_onnx_tiny_run(m) == 0, "%s: bad run", path);
        } else {
            ck_assert_ptr_null(m);
            ck_assert_msg(pa_last_error()[0], "%s: error %d without message", path, rc);
        }
        pa_model_free(m);
    }
    free(buf);
}
END_TEST

START_TEST(test_corpus_input)
{
    const char *path = files[K_INPUT].path[_i];
    size_t n;
    unsigned char *buf = rel_slurp(path, &n);
    ck_assert_msg(buf != NULL, "cannot read %s", path);
    pa_input *in = NULL;
    if (pa_input_open_memory(&in, buf, n, "x") == 0) {
        char *all = NULL;
        size_t got;
        int rc = pa_input_read_all(in, &all, &got, (size_t)256 << 20);
        ck_assert_int_le(rc, 0);
        pa_free(all);
        pa_input_close(in);
    }
    free(buf);
}
END_TEST

/* ---- generated inputs ------------------------------------------------------ */
typedef struct {
    char *s;
    size_t n, cap;
} gen;

static void gput(gen *g, const char *s, size_t n)
{
    if (g->n + n + 1 > g->cap) {
        while (g->n + n + 1 > g->cap)
            g->cap = g->cap ? 2 * g->cap : 4096;
        g->s = realloc(g->s, g->cap);
        ck_assert_ptr_nonnull(g->s);
    }
    memcpy(g->s + g->n, s, n);
    g->n += n;
    g->s[g->n] = 0;
}
static void gstr(gen *g, const char *s) { gput(g, s, strlen(s)); }
static void grep(gen *g, const char *s, size_t times)
{
    for (size_t i = 0; i < times; i++)
        gstr(g, s);
}
static void gfill(gen *g, char c, size_t n)
{
    char block[4096];
    memset(block, c, sizeof block);
    while (n) {
        size_t k = n < sizeof block ? n : sizeof block;
        gput(g, block, k);
        n -= k;
    }
}

/* Sizes of the generated giants; valgrind runs (PA_TEST_QUICK) take 1/8 of them, still
 * beyond every internal buffer and libxml2's depth limit. */
#define MB (pa_test_quick() ? (size_t)1 << 17 : (size_t)1 << 20)
#define REPS (pa_test_quick() ? 12500 : 100000)
static const char *PDB_ATOM =
    "ATOM      1  CA  ALA A   1       1.000   2.000   3.000  1.00 10.00           C  \n";
static const char *CIF_HEAD = "data_x\nloop_\n_atom_site.group_PDB\n_atom_site.id\n"
                              "_atom_site.label_atom_id\n_atom_site.label_comp_id\n"
                              "_atom_site.label_asym_id\n_atom_site.label_seq_id\n"
                              "_atom_site.Cartn_x\n_atom_site.Cartn_y\n_atom_site.Cartn_z\n";
static const char *XML_OPEN = "<?xml version=\"1.0\"?>\n<PDBx:datablock datablockName=\"x\" "
                              "xmlns:PDBx=\"http://pdbml.pdb.org/schema/pdbx-v40.xsd\">\n"
                              "<PDBx:atom_siteCategory>\n<PDBx:atom_site id=\"1\">\n";
static const char *XML_CLOSE = "</PDBx:atom_site>\n</PDBx:atom_siteCategory>\n</PDBx:datablock>\n";

static void gen_case(int which, gen *g, const char **name)
{
    switch (which) {
    case 0: *name = "long_line.pdb"; gstr(g, PDB_ATOM); gstr(g, "REMARK "); gfill(g, 'A', MB); gstr(g, "\n"); gstr(g, PDB_ATOM); break;
    case 1: *name = "long_atom_line.pdb"; gstr(g, "ATOM  "); gfill(g, '9', MB); gstr(g, "\n"); break;
    case 2: *name = "long_line_no_newline.pdb"; gfill(g, 'X', MB); break;
    case 3: *name = "long_token.cif"; gstr(g, CIF_HEAD); gstr(g, "ATOM 1 CA ALA A 1 1 2 "); gfill(g, '3', MB); gstr(g, "\n"); break;
    case 4: *name = "long_quoted.cif"; gstr(g, "data_x\n_struct.title '"); gfill(g, 'q', MB); gstr(g, "'\n"); gstr(g, CIF_HEAD); gstr(g, "ATOM 1 CA ALA A 1 1 2 3\n"); break;
    case 5: *name = "long_unterminated_quote.cif"; gstr(g, CIF_HEAD); gstr(g, "ATOM 1 CA ALA A 1 1 2 '"); gfill(g, 'q', MB); break;
    case 6: *name = "long_textfield.cif"; gstr(g, "data_x\n_struct.title\n;"); gfill(g, 't', MB); gstr(g, "\n;\n"); gstr(g, CIF_HEAD); gstr(g, "ATOM 1 CA ALA A 1 1 2 3\n"); break;
    case 7: *name = "long_tag.cif"; gstr(g, "data_x\n_"); gfill(g, 'a', MB); gstr(g, " 1\n"); break;
    case 8: *name = "long_block_name.cif"; gstr(g, "data_"); gfill(g, 'b', MB); gstr(g, "\n_a.b 1\n"); break;
    case 9: *name = "many_columns.cif"; gstr(g, "data_x\nloop_\n"); grep(g, "_atom_site.c\n", REPS); gstr(g, "1 2 3\n"); break;
    case 10: *name = "many_blocks.cif"; grep(g, "data_b\n_a.b 1\n", REPS); break;
    case 11: *name = "many_models.pdb"; grep(g, "MODEL        1\nENDMDL\n", REPS); gstr(g, PDB_ATOM); break;
    case 12: *name = "many_chains.pdb";
        for (int i = 0; i < REPS / 2; i++) {
            char line[128];
            snprintf(line, sizeof line, "ATOM  %5d  CA  ALA %c%4d       1.000   2.000   3.000  1.00 10.00           C  \nTER\n",
                     i % 100000, 33 + i % 90, i % 10000);
            gstr(g, line);
        }
        break;
    case 13: *name = "long_xml_text.xml"; gstr(g, XML_OPEN); gstr(g, "<PDBx:Cartn_x>"); gfill(g, '1', MB); gstr(g, "</PDBx:Cartn_x>\n"); gstr(g, XML_CLOSE); break;
    case 14: *name = "long_xml_attr.xml"; gstr(g, XML_OPEN); gstr(g, "<PDBx:Cartn_x a=\""); gfill(g, 'v', MB); gstr(g, "\">1</PDBx:Cartn_x>\n"); gstr(g, XML_CLOSE); break;
    case 15: *name = "long_xml_name.xml"; gstr(g, XML_OPEN); gstr(g, "<PDBx:"); gfill(g, 'n', MB); gstr(g, ">1</PDBx:"); gfill(g, 'n', MB); gstr(g, ">\n"); gstr(g, XML_CLOSE); break;
    case 16: *name = "deep_xml.xml"; gstr(g, XML_OPEN); grep(g, "<a>", REPS); grep(g, "</a>", REPS); gstr(g, XML_CLOSE); break;
    case 17: *name = "deep_xml_unclosed.xml"; gstr(g, XML_OPEN); grep(g, "<PDBx:atom_site>", REPS); break;
    case 18: *name = "many_xml_attrs.xml"; gstr(g, XML_OPEN); gstr(g, "<PDBx:Cartn_x");
        for (int i = 0; i < REPS / 5; i++) {
            char a[32];
            snprintf(a, sizeof a, " a%d=\"1\"", i);
            gstr(g, a);
        }
        gstr(g, ">1</PDBx:Cartn_x>\n"); gstr(g, XML_CLOSE); break;
    case 19: *name = "many_diagnostics.pdb"; grep(g, "ATOM      1  CA  ALA A   1       abc     def     ghi  1.00 10.00           C  \n", REPS); break;
    default: *name = NULL;
    }
}
#define N_GEN 20

START_TEST(test_generated)
{
    gen g = {0};
    const char *name;
    gen_case(_i, &g, &name);
    ck_assert_ptr_nonnull(name);
    read_all_ways(name, NULL, (const unsigned char *)g.s, g.n, 2);
    free(g.s);
}
END_TEST

/* A gzip stream that inflates 1000-fold: the reader must finish (it may refuse
 * with a size limit) without crashing. 16 MB of blank lines. */
START_TEST(test_gzip_bomb)
{
    size_t n = 16 * MB;
    unsigned char *plain = malloc(n);
    ck_assert_ptr_nonnull(plain);
    memset(plain, '\n', n);
    uLongf zn = compressBound((uLong)n) + 64;
    unsigned char *z = malloc(zn);
    z_stream zs = {0};
    ck_assert_int_eq(deflateInit2(&zs, 9, Z_DEFLATED, 16 + 15, 9, Z_DEFAULT_STRATEGY), Z_OK);
    zs.next_in = plain;
    zs.avail_in = (uInt)n;
    zs.next_out = z;
    zs.avail_out = (uInt)zn;
    ck_assert_int_eq(deflate(&zs, Z_FINISH), Z_STREAM_END);
    size_t zlen = zs.total_out;
    deflateEnd(&zs);
    free(plain);
    read_all_ways("bomb.pdb.gz", NULL, z, zlen, 1);
    free(z);
}
END_TEST

START_TEST(test_null_and_empty_arguments)
{
    pa_structure *s = NULL;
    ck_assert_int_lt(pa_structure_read(NULL, NULL, &s, NULL), 0);
    ck_assert_ptr_null(s);
    ck_assert_int_lt(pa_structure_read("x.pdb", NULL, NULL, NULL), 0);
    ck_assert_int_lt(pa_structure_read("/nonexistent/dir/x.pdb", NULL, &s, NULL), 0);
    ck_assert_ptr_null(s);
    ck_assert_int_lt(pa_structure_read_memory(NULL, 10, "x", NULL, &s, NULL), 0);
    ck_assert_ptr_null(s);
    ck_assert_int_lt(pa_structure_read_memory("", 0, "empty", NULL, &s, NULL), 0);
    ck_assert_ptr_null(s);
    /* A directory is not a structure file. */
    ck_assert_int_lt(pa_structure_read(".", NULL, &s, NULL), 0);
    ck_assert_ptr_null(s);
    /* Options from the future (unknown version) are refused or ignored, never misread. */
    pa_reader_opts o = PA_READER_OPTS_INIT;
    o.version = 9999;
    int rc = pa_structure_read_memory(PDB_ATOM, strlen(PDB_ATOM), "v.pdb", &o, &s, NULL);
    ck_assert_int_le(rc, 0);
    pa_structure_free(s);
    pa_reader *r = NULL;
    ck_assert_int_lt(pa_reader_open(&r, NULL, NULL), 0);
    ck_assert_ptr_null(r);
    ck_assert_int_lt(pa_reader_next(NULL, &s), 0);
    pa_reader_free(NULL);
    pa_structure_free(NULL);
}
END_TEST

static void add_loop(Suite *s, const char *name, const TTest *t, int kind, int timeout)
{
    if (!files[kind].n)
        return;
    TCase *tc = tcase_create(name);
    tcase_set_timeout(tc, timeout);
    tcase_add_loop_test(tc, t, 0, files[kind].n);
    suite_add_tcase(s, tc);
}

int main(void)
{
    static const struct {
        const char *dir;
        int kind;
    } dirs[] = {
        {"corrupt/structure", K_STRUCTURE}, {"corrupt/regress/structure", K_STRUCTURE},
        {"corrupt/regress/pdb", K_STRUCTURE}, {"corrupt/regress/mmcif", K_STRUCTURE},
        {"corrupt/regress/pdbml", K_STRUCTURE}, {"corrupt/fasta", K_FASTA},
        {"corrupt/regress/fasta", K_FASTA}, {"corrupt/matrix", K_MATRIX},
        {"corrupt/regress/matrix", K_MATRIX}, {"corrupt/onnx", K_ONNX},
        {"corrupt/regress/onnx", K_ONNX}, {"corrupt/regress/input", K_INPUT},
    };
    char dir[4096];
    for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++)
        rel_list_dir(&files[dirs[i].kind], pa_test_data(dirs[i].dir, dir, sizeof dir));
    if (pa_shared_data("structures/edge", dir, sizeof dir))
        rel_list_dir(&files[K_STRUCTURE], dir);

    Suite *s = suite_create("corrupt");
    add_loop(s, "structure", test_corpus_structure, K_STRUCTURE, 30);
    add_loop(s, "fasta", test_corpus_fasta, K_FASTA, 30);
    add_loop(s, "matrix", test_corpus_matrix, K_MATRIX, 30);
    add_loop(s, "onnx", test_corpus_onnx, K_ONNX, 30);
    add_loop(s, "input", test_corpus_input, K_INPUT, 30);

    TCase *tc = tcase_create("arguments");
    tcase_add_test(tc, test_null_and_empty_arguments);
    suite_add_tcase(s, tc);

    TCase *big = tcase_create("generated");
    tcase_set_timeout(big, 60);
    tcase_add_loop_test(big, test_generated, 0, N_GEN);
    tcase_add_test(big, test_gzip_bomb);
    suite_add_tcase(s, big);

    int rc = pa_run_suite(s);
    for (int k = 0; k < N_KINDS; k++)
        rel_list_free(&files[k]);
    return rc;
}
