/* test_mmcif.c — CIF tokenizer, block parser and the mmCIF reader. */
#include "structure/cif.h"
#include "testutil.h"

#include <math.h>

/* ---- helpers ------------------------------------------------------------------ */

/* Lex all of text; kinds/values into arrays; returns token count. */
static int lex_all(const char *text, pa_diags *d, pai_cif_tok *toks, int max)
{
    pai_cif_lexer lx;
    pai_cif_lexer_init(&lx, text, strlen(text), 0, d, "t.cif");
    int n = 0;
    while (n < max) {
        int k = pai_cif_next(&lx, &toks[n]);
        if (k == PAI_CIF_END)
            break;
        n++;
    }
    return n;
}

static int tok_is(const pai_cif_tok *t, int kind, const char *s)
{
    return t->kind == kind && t->n == strlen(s) && memcmp(t->p, s, t->n) == 0;
}

static char *read_file(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long sz = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)sz + 1);
    *n = fread(buf, 1, (size_t)sz, f);
    buf[*n] = '\0';
    fclose(f);
    return buf;
}

/* Block parser recorder: counts categories/rows, remembers one column. */
typedef struct {
    int cats, rows, ends;
    char want_cat[64];
    char seen[16][128];
    int nseen;
    size_t last_nitems;
} rec_t;

static int rec_begin(void *ud, pai_str cat, const pai_str *items, size_t n, int loop, long line)
{
    rec_t *r = ud;
    (void)items;
    (void)loop;
    (void)line;
    r->cats++;
    r->last_nitems = n;
    return strlen(r->want_cat) == cat.n && memcmp(r->want_cat, cat.p, cat.n) == 0;
}

static int rec_row(void *ud, const pai_cif_tok *v)
{
    rec_t *r = ud;
    if (r->nseen < 16)
        snprintf(r->seen[r->nseen++], 128, "%.*s", (int)v[r->last_nitems - 1].n,
                 v[r->last_nitems - 1].p);
    r->rows++;
    return 0;
}

static int rec_end(void *ud)
{
    ((rec_t *)ud)->ends++;
    return 0;
}

static int parse_text(const char *text, const char *cat, rec_t *r, pa_diags *d, pai_str *name)
{
    pai_cif_lexer lx;
    pai_cif_lexer_init(&lx, text, strlen(text), 0, d, "t.cif");
    memset(r, 0, sizeof *r);
    snprintf(r->want_cat, sizeof r->want_cat, "%s", cat);
    pai_cif_handler h = {r, rec_begin, rec_row, rec_end};
    pai_cif_scratch s = {0};
    int rc = pai_cif_parse_block(&lx, &h, &s, name);
    pai_cif_scratch_free(&s);
    return rc;
}

static int has_diag(const pa_diags *d, int code)
{
    for (size_t i = 0; i < pa_diags_count(d); i++)
        if (pa_diags_get(d, i)->code == code)
            return 1;
    return 0;
}

/* ---- tokenizer ------------------------------------------------------------------- */

START_TEST(test_lex_basic_kinds)
{
    pai_cif_tok t[32];
    const char *text = "data_1ABC\n# comment\n_entry.id 1ABC\nloop_\n_a.x\n_a.y\n1 ?\n. 'q'\n"
                       "save_frame\nsave_\nglobal_\nstop_\n";
    int n = lex_all(text, NULL, t, 32);
    ck_assert_int_eq(n, 14);
    ck_assert(tok_is(&t[0], PAI_CIF_DATA, "1ABC"));
    ck_assert(tok_is(&t[1], PAI_CIF_TAG, "_entry.id"));
    ck_assert(tok_is(&t[2], PAI_CIF_VALUE, "1ABC"));
    ck_assert_int_eq(t[2].line, 3);
    ck_assert_int_eq(t[2].col, 11);
    ck_assert_int_eq(t[3].kind, PAI_CIF_LOOP);
    ck_assert_int_eq(t[7].vtype, PAI_CIF_V_UNKNOWN);
    ck_assert_int_eq(t[8].vtype, PAI_CIF_V_NA);
    ck_assert(tok_is(&t[9], PAI_CIF_VALUE, "q"));
    ck_assert_int_eq(t[9].vtype, PAI_CIF_V_QUOTED);
    ck_assert(tok_is(&t[10], PAI_CIF_SAVE, "frame"));
    ck_assert_int_eq(t[11].kind, PAI_CIF_SAVE_END);
    ck_assert_int_eq(t[12].kind, PAI_CIF_GLOBAL);
    ck_assert_int_eq(t[13].kind, PAI_CIF_STOP);
}
END_TEST

START_TEST(test_lex_quoted_unknown_is_a_string)
{
    pai_cif_tok t[8];
    int n = lex_all("'?' \".\" ?x .5", NULL, t, 8);
    ck_assert_int_eq(n, 4);
    ck_assert_int_eq(t[0].vtype, PAI_CIF_V_QUOTED);
    ck_assert(tok_is(&t[0], PAI_CIF_VALUE, "?"));
    ck_assert_int_eq(t[1].vtype, PAI_CIF_V_QUOTED);
    ck_assert_int_eq(t[2].vtype, PAI_CIF_V_PLAIN);
    ck_assert(tok_is(&t[3], PAI_CIF_VALUE, ".5"));
    ck_assert_int_eq(t[3].vtype, PAI_CIF_V_PLAIN);
}
END_TEST

START_TEST(test_lex_embedded_quotes)
{
    pai_cif_tok t[8];
    /* A quote closes only when followed by whitespace or the end. */
    int n = lex_all("'O5'' \"a\"b\" 'it's' \"x'y\"", NULL, t, 8);
    ck_assert_int_eq(n, 4);
    ck_assert(tok_is(&t[0], PAI_CIF_VALUE, "O5'"));
    ck_assert(tok_is(&t[1], PAI_CIF_VALUE, "a\"b"));
    ck_assert(tok_is(&t[2], PAI_CIF_VALUE, "it's"));
    ck_assert(tok_is(&t[3], PAI_CIF_VALUE, "x'y"));
}
END_TEST

START_TEST(test_lex_text_field)
{
    pai_cif_tok t[8];
    const char *text = "_a.b\n;line one\n  line two; not end\n;\n_c.d x;y\n";
    int n = lex_all(text, NULL, t, 8);
    ck_assert_int_eq(n, 4);
    ck_assert_int_eq(t[1].vtype, PAI_CIF_V_TEXT);
    ck_assert(tok_is(&t[1], PAI_CIF_VALUE, "line one\n  line two; not end"));
    ck_assert_int_eq(t[2].line, 5); /* lines counted through the field */
    ck_assert(tok_is(&t[3], PAI_CIF_VALUE, "x;y")); /* ';' not at line start */
}
END_TEST

START_TEST(test_lex_crlf)
{
    pai_cif_tok t[8];
    const char *text = "data_x\r\n_a.b 'v w'\r\n;text\r\n;\r\n_c.d 1\r\n";
    int n = lex_all(text, NULL, t, 8);
    ck_assert_int_eq(n, 6);
    ck_assert(tok_is(&t[2], PAI_CIF_VALUE, "v w"));
    ck_assert(tok_is(&t[3], PAI_CIF_VALUE, "text"));
    ck_assert(tok_is(&t[5], PAI_CIF_VALUE, "1"));
    ck_assert_int_eq(t[5].line, 5);
}
END_TEST

START_TEST(test_lex_comment_inside_value_is_value)
{
    pai_cif_tok t[8];
    int n = lex_all("a#b # c d\n'#q' e", NULL, t, 8);
    ck_assert_int_eq(n, 3);
    ck_assert(tok_is(&t[0], PAI_CIF_VALUE, "a#b"));
    ck_assert(tok_is(&t[1], PAI_CIF_VALUE, "#q"));
    ck_assert(tok_is(&t[2], PAI_CIF_VALUE, "e"));
}
END_TEST

START_TEST(test_lex_reserved_words_case_insensitive)
{
    pai_cif_tok t[8];
    int n = lex_all("DATA_X Loop_ STOP_ Global_ loop_x data", NULL, t, 8);
    ck_assert_int_eq(n, 6);
    ck_assert_int_eq(t[0].kind, PAI_CIF_DATA);
    ck_assert_int_eq(t[1].kind, PAI_CIF_LOOP);
    ck_assert_int_eq(t[2].kind, PAI_CIF_STOP);
    ck_assert_int_eq(t[3].kind, PAI_CIF_GLOBAL);
    ck_assert_int_eq(t[4].kind, PAI_CIF_VALUE);
    ck_assert_int_eq(t[5].kind, PAI_CIF_VALUE);
}
END_TEST

START_TEST(test_lex_unterminated_quote)
{
    pa_diags *d;
    pa_diags_new(&d);
    pai_cif_tok t[8];
    int n = lex_all("_a.b 'open value\n_c.d 2\n", d, t, 8);
    ck_assert_int_eq(n, 4); /* recovers at the end of the line */
    ck_assert(tok_is(&t[1], PAI_CIF_VALUE, "open value"));
    ck_assert(tok_is(&t[3], PAI_CIF_VALUE, "2"));
    ck_assert_int_eq(pa_diags_count_at_least(d, PA_SEV_ERROR), 1);
    const pa_diag *g = pa_diags_get(d, 0);
    ck_assert_int_eq(g->code, PA_D_SYNTAX);
    ck_assert_int_eq(g->line, 1);
    ck_assert_int_eq(g->column, 6);
    pa_diags_free(d);
}
END_TEST

START_TEST(test_lex_unterminated_text_field)
{
    pa_diags *d;
    pa_diags_new(&d);
    pai_cif_tok t[8];
    int n = lex_all("_a.b\n;never closed\nmore\n", d, t, 8);
    ck_assert_int_eq(n, 2);
    ck_assert(has_diag(d, PA_D_TRUNCATED));
    ck_assert_int_eq(pa_diags_get(d, 0)->line, 2);
    pa_diags_free(d);
}
END_TEST

START_TEST(test_lex_utf8_and_bom)
{
    pai_cif_tok t[8];
    const char *text = "\xEF\xBB\xBF" "data_u\n_a.b \xCE\x98\xCE\x99 'x \xC4\x86'\n";
    int n = lex_all(text, NULL, t, 8);
    ck_assert_int_eq(n, 4);
    ck_assert(tok_is(&t[0], PAI_CIF_DATA, "u"));
    ck_assert(tok_is(&t[2], PAI_CIF_VALUE, "\xCE\x98\xCE\x99"));
    ck_assert(tok_is(&t[3], PAI_CIF_VALUE, "x \xC4\x86"));
}
END_TEST

START_TEST(test_lex_empty_and_blank)
{
    pai_cif_tok t[2];
    ck_assert_int_eq(lex_all("", NULL, t, 2), 0);
    ck_assert_int_eq(lex_all("  \n\n# only a comment", NULL, t, 2), 0);
}
END_TEST

/* ---- numbers -------------------------------------------------------------------- */

START_TEST(test_numbers)
{
    double v;
    long i;
    ck_assert_int_eq(pai_cif_parse_double("12.345", 6, &v), 0);
    ck_assert(fabs(v - 12.345) < 1e-12);
    ck_assert_int_eq(pai_cif_parse_double("-0.5", 4, &v), 0);
    ck_assert(v == -0.5);
    ck_assert_int_eq(pai_cif_parse_double("1.5e3", 5, &v), 0);
    ck_assert(v == 1500.0);
    ck_assert_int_eq(pai_cif_parse_double("78.33(12)", 9, &v), 0);
    ck_assert(fabs(v - 78.33) < 1e-12);
    ck_assert_int_eq(pai_cif_parse_double("5.", 2, &v), 0);
    ck_assert(v == 5.0);
    ck_assert_int_eq(pai_cif_parse_double(".25", 3, &v), 0);
    ck_assert(v == 0.25);
    ck_assert_int_eq(pai_cif_parse_double("abc", 3, &v), -1);
    ck_assert_int_eq(pai_cif_parse_double("1.2.3", 5, &v), -1);
    ck_assert_int_eq(pai_cif_parse_double("-", 1, &v), -1);
    ck_assert_int_eq(pai_cif_parse_double("1e999", 5, &v), -1);
    ck_assert_int_eq(pai_cif_parse_double("nan", 3, &v), -1);
    ck_assert_int_eq(pai_cif_parse_int("-42", 3, &i), 0);
    ck_assert_int_eq(i, -42);
    ck_assert_int_eq(pai_cif_parse_int("+7(2)", 5, &i), 0);
    ck_assert_int_eq(i, 7);
    ck_assert_int_eq(pai_cif_parse_int("4x", 2, &i), -1);
    ck_assert_int_eq(pai_cif_parse_int("99999999999999999999", 20, &i), -1);
}
END_TEST

/* ---- block parser ------------------------------------------------------------------ */

START_TEST(test_block_pairs_and_loops)
{
    rec_t r;
    pai_str name;
    const char *text = "data_B1\n_cell.length_a 10\n_cell.length_b 20\n_entry.id X\n"
                       "loop_\n_atom_site.id\n_atom_site.x\n1 a\n2 b\n3 c\n"
                       "_cell.length_c 30\n";
    ck_assert_int_eq(parse_text(text, "_atom_site", &r, NULL, &name), 0);
    ck_assert_int_eq(name.n, 2);
    ck_assert_int_eq(r.cats, 4); /* _cell (2 pairs), _entry, atom_site loop, _cell again */
    ck_assert_int_eq(r.rows, 3);
    ck_assert_int_eq(r.ends, 1);
    ck_assert_str_eq(r.seen[2], "c");
    ck_assert_int_eq(parse_text(text, "_cell", &r, NULL, &name), 0);
    ck_assert_int_eq(r.rows, 2);
    ck_assert_str_eq(r.seen[0], "20");
}
END_TEST

START_TEST(test_block_multiple_blocks)
{
    const char *text = "data_A\n_entry.id A\ndata_B\n_entry.id B\n";
    pai_cif_lexer lx;
    pai_cif_lexer_init(&lx, text, strlen(text), 0, NULL, "t");
    rec_t r = {0};
    snprintf(r.want_cat, sizeof r.want_cat, "_entry");
    pai_cif_handler h = {&r, rec_begin, rec_row, rec_end};
    pai_cif_scratch s = {0};
    pai_str name;
    ck_assert_int_eq(pai_cif_parse_block(&lx, &h, &s, &name), 0);
    ck_assert(name.n == 1 && name.p[0] == 'A');
    ck_assert_int_eq(lx.line, 3); /* rewound to the next data_ */
    ck_assert_int_eq(pai_cif_parse_block(&lx, &h, &s, &name), 0);
    ck_assert(name.n == 1 && name.p[0] == 'B');
    ck_assert_int_eq(pai_cif_parse_block(&lx, &h, &s, &name), PA_END);
    ck_assert_int_eq(r.rows, 2);
    ck_assert_str_eq(r.seen[1], "B");
    pai_cif_scratch_free(&s);
}
END_TEST

START_TEST(test_block_loop_count_mismatch)
{
    rec_t r;
    pai_str name;
    pa_diags *d;
    pa_diags_new(&d);
    const char *text = "data_x\nloop_\n_a.p\n_a.q\n1 2\n3 4\n5\n_b.z 1\n";
    ck_assert_int_eq(parse_text(text, "_a", &r, d, &name), 0);
    ck_assert_int_eq(r.rows, 2); /* complete rows kept */
    ck_assert(has_diag(d, PA_D_LOOP_COUNT));
    ck_assert_int_eq(pa_diags_get(d, 0)->severity, PA_SEV_ERROR);
    ck_assert_int_eq(pa_diags_get(d, 0)->line, 2);
    pa_diags_free(d);
}
END_TEST

START_TEST(test_block_truncated_mid_row)
{
    rec_t r;
    pai_str name;
    pa_diags *d;
    pa_diags_new(&d);
    const char *text = "data_x\nloop_\n_a.p\n_a.q\n_a.r\n1 2 3\n4 5 6\n7 8";
    ck_assert_int_eq(parse_text(text, "_a", &r, d, &name), 0);
    ck_assert_int_eq(r.rows, 2);
    ck_assert(has_diag(d, PA_D_TRUNCATED));
    ck_assert(!has_diag(d, PA_D_LOOP_COUNT));
    pa_diags_free(d);
}
END_TEST

START_TEST(test_block_stop_and_save)
{
    rec_t r;
    pai_str name;
    const char *text = "data_x\nloop_\n_a.p\n1\n2\nstop_\n_a.q 3\nsave_fr\n_a.p 9\nsave_\n"
                       "loop_\n_a.p\n4\n";
    ck_assert_int_eq(parse_text(text, "_a", &r, NULL, &name), 0);
    ck_assert_int_eq(r.rows, 4); /* loop (2) + pair (1) + loop (1); the save frame skipped */
    ck_assert_str_eq(r.seen[2], "3");
    ck_assert_str_eq(r.seen[3], "4");
}
END_TEST

START_TEST(test_block_no_data)
{
    rec_t r;
    pai_str name;
    ck_assert_int_eq(parse_text("# nothing\n", "_a", &r, NULL, &name), PA_END);
    ck_assert_int_eq(parse_text("", "_a", &r, NULL, &name), PA_END);
}
END_TEST

START_TEST(test_block_empty_loop_and_missing_value)
{
    rec_t r;
    pai_str name;
    pa_diags *d;
    pa_diags_new(&d);
    const char *text = "data_x\n_b.tag\n_c.v 1\nloop_\n_c.p\n_c.q\n";
    ck_assert_int_eq(parse_text(text, "_c", &r, d, &name), 0);
    ck_assert_int_eq(r.rows, 1);
    ck_assert_int_eq(r.ends, 2); /* the empty loop is still a category */
    ck_assert(has_diag(d, PA_D_SYNTAX)); /* _b.tag has no value */
    pa_diags_free(d);
}
END_TEST

/* The shared corpus edge files through the block parser. */
static int parse_file_rows(const char *rel, const char *cat, pa_diags *d, int *blocks)
{
    char path[1024];
    size_t n;
    if (!pa_shared_data(rel, path, sizeof path))
        return -1;
    char *buf = read_file(path, &n);
    ck_assert_ptr_nonnull(buf);
    pai_cif_lexer lx;
    pai_cif_lexer_init(&lx, buf, n, 0, d, rel);
    rec_t r = {0};
    snprintf(r.want_cat, sizeof r.want_cat, "%s", cat);
    pai_cif_handler h = {&r, rec_begin, rec_row, rec_end};
    pai_cif_scratch s = {0};
    pai_str name;
    *blocks = 0;
    while (pai_cif_parse_block(&lx, &h, &s, &name) == 0)
        (*blocks)++;
    pai_cif_scratch_free(&s);
    free(buf);
    return r.rows;
}

START_TEST(test_edge_files_tokenize)
{
    int blocks;
    pa_diags *d;
    pa_diags_new(&d);
    int rows = parse_file_rows("structures/edge/testFileWithStopTokens.cif",
                               "_pdbx_reference_molecule_list", d, &blocks);
    if (rows < 0)
        goto done; /* shared corpus absent */
    ck_assert_int_eq(rows, 2);
    ck_assert_int_eq(pa_diags_count_at_least(d, PA_SEV_ERROR), 0);
    rows = parse_file_rows("structures/edge/unicode-test.cif", "_my_category", d, &blocks);
    ck_assert_int_eq(rows, 8);
    ck_assert_int_eq(pa_diags_count_at_least(d, PA_SEV_ERROR), 0);
    rows = parse_file_rows("structures/edge/eol-test.cif", "_entity_poly", d, &blocks);
    ck_assert_int_ge(rows, 1);
    ck_assert_int_eq(pa_diags_count_at_least(d, PA_SEV_ERROR), 0);
    rows = parse_file_rows("structures/cif/1ubq.cif", "_atom_site", d, &blocks);
    ck_assert_int_eq(rows, 660);
    ck_assert_int_eq(blocks, 1);
    ck_assert_int_eq(pa_diags_count_at_least(d, PA_SEV_ERROR), 0);
    rows = parse_file_rows("structures/edge/1aki_truncated_in_loop.cif", "_atom_site", d, &blocks);
    ck_assert_int_gt(rows, 100);
    ck_assert(has_diag(d, PA_D_TRUNCATED));
    pa_diags_clear(d);
    parse_file_rows("structures/edge/1aki_unterminated_quote.cif", "_atom_site", d, &blocks);
    ck_assert(has_diag(d, PA_D_SYNTAX));
    pa_diags_clear(d);
    parse_file_rows("structures/edge/1aki_unterminated_textfield.cif", "_atom_site", d, &blocks);
    ck_assert(has_diag(d, PA_D_TRUNCATED));
    pa_diags_clear(d);
    rows = parse_file_rows("structures/edge/garbage_random.cif", "_atom_site", d, &blocks);
    ck_assert_int_eq(rows, 0); /* no crash; whatever diagnostics */
done:
    pa_diags_free(d);
}
END_TEST

/* ---- mmCIF reader ------------------------------------------------------------------- */

typedef struct {
    char *buf;
    size_t n, pos;
} cifbuf;

static int load(const char *path, cifbuf *cb)
{
    cb->buf = read_file(path, &cb->n);
    cb->pos = 0;
    return cb->buf ? 0 : -1;
}

/* Read the next block of cb with the given altloc policy. */
static int read_block(cifbuf *cb, pa_altloc_policy alt, int first_model, pa_structure **s,
                      pa_diags *d)
{
    pa_reader_opts o = PA_READER_OPTS_INIT;
    o.altloc = alt;
    o.first_model_only = first_model;
    return pai_read_mmcif(cb->buf, cb->n, &cb->pos, &o, d, "test.cif", s);
}

static int read_text(const char *text, pa_altloc_policy alt, pa_structure **s, pa_diags *d)
{
    size_t pos = 0;
    pa_reader_opts o = PA_READER_OPTS_INIT;
    o.altloc = alt;
    return pai_read_mmcif(text, strlen(text), &pos, &o, d, "mem.cif", s);
}

static size_t model1_atoms(const pa_structure *s)
{
    pa_model_info m;
    ck_assert_int_eq(pa_structure_model(s, 0, &m), 0);
    return m.atom_count;
}

START_TEST(test_read_1ubq)
{
    char path[1024];
    cifbuf cb;
    ck_assert_int_eq(load(pa_test_data("cif/1ubq.cif", path, sizeof path), &cb), 0);
    pa_diags *d;
    pa_diags_new(&d);
    pa_structure *s;
    ck_assert_int_eq(read_block(&cb, PA_ALTLOC_ALL, 0, &s, d), 0);
    ck_assert_int_eq(pa_diags_count_at_least(d, PA_SEV_ERROR), 0);
    ck_assert_str_eq(pa_structure_id(s), "1UBQ");
    ck_assert_int_eq(pa_structure_format(s), PA_FORMAT_MMCIF);
    ck_assert_int_eq(pa_structure_model_count(s), 1);
    ck_assert_int_eq(model1_atoms(s), 660);
    pa_atom_columns a;
    pa_residue_columns r;
    pa_structure_atoms(s, &a);
    pa_structure_residues(s, &r);
    ck_assert(fabsf(a.x[0] - 27.340f) < 1e-4f && fabsf(a.y[0] - 24.430f) < 1e-4f &&
              fabsf(a.z[0] - 2.614f) < 1e-4f);
    ck_assert(fabsf(a.b_factor[1] - 10.38f) < 1e-4f);
    ck_assert_str_eq(&a.name[PA_NAME_STRIDE], "CA");
    ck_assert_str_eq(&a.element[4], "C");
    ck_assert_str_eq(r.name, "MET");
    ck_assert_int_eq(r.seq_id[0], 1);
    ck_assert_int_eq(r.label_seq_id[0], 1);
    pa_chain_info c;
    pa_structure_chain(s, 0, &c);
    ck_assert_str_eq(c.auth_id, "A");
    ck_assert_str_eq(c.label_id, "A");
    ck_assert_int_ge(pa_structure_entity_count(s), 1);
    pa_entity_info e;
    pa_structure_entity(s, 0, &e);
    ck_assert_int_eq(e.type, PA_POLY_PROTEIN);
    ck_assert_int_eq(e.seq_len, 76);
    ck_assert_ptr_nonnull(e.one_letter_can);
    ck_assert_int_eq(strlen(e.one_letter_can), 76);
    ck_assert(strncmp(e.one_letter_can, "MQIFVKTLTG", 10) == 0);
    double cell[6];
    const char *sg;
    ck_assert_int_eq(pa_structure_cell(s, cell, &sg), 0);
    ck_assert(fabs(cell[0] - 50.84) < 1e-6);
    ck_assert_str_eq(sg, "P 21 21 21");
    pa_structure_free(s);
    ck_assert_int_eq(read_block(&cb, PA_ALTLOC_ALL, 0, &s, d), PA_END);
    pa_diags_free(d);
    free(cb.buf);
}
END_TEST

START_TEST(test_read_handmade_two_blocks)
{
    char path[1024];
    cifbuf cb;
    ck_assert_int_eq(load(pa_test_data("cif/two_blocks.cif", path, sizeof path), &cb), 0);
    pa_diags *d;
    pa_diags_new(&d);
    pa_structure *s;
    ck_assert_int_eq(read_block(&cb, PA_ALTLOC_ALL, 0, &s, d), 0);
    ck_assert_int_eq(pa_diags_count_at_least(d, PA_SEV_ERROR), 0);
    ck_assert_str_eq(pa_structure_id(s), "TST1");
    pa_atom_columns a;
    pa_structure_atoms(s, &a);
    ck_assert_int_eq(a.n, 7);
    ck_assert(a.x[0] == 1.0f && a.y[0] == 2.0f && a.z[0] == 3.0f); /* columns reordered */
    ck_assert(a.x[6] == 10.0f && a.z[6] == -1.25f);
    ck_assert(a.occupancy[0] == 1.0f); /* absent column -> default */
    ck_assert_int_eq(pa_structure_chain_count(s), 2);
    pa_chain_info c;
    pa_structure_chain(s, 0, &c);
    ck_assert_str_eq(c.auth_id, "A"); /* no auth_asym_id: label used */
    ck_assert_str_eq(c.entity_id, "1");
    pa_residue_columns r;
    pa_structure_residues(s, &r);
    ck_assert_int_eq(r.n, 4);
    ck_assert_int_eq(r.seq_id[1], 2); /* no auth_seq_id: label_seq_id used */
    ck_assert_int_eq(r.hetero[2], 1);
    ck_assert_int_eq(r.label_seq_id[3], PA_SEQ_ID_NONE);
    pa_entity_info e;
    int found = 0;
    for (size_t i = 0; i < pa_structure_entity_count(s); i++) {
        pa_structure_entity(s, i, &e);
        if (strcmp(e.id, "1") == 0) {
            found = 1;
            ck_assert_int_eq(e.type, PA_POLY_PROTEIN);
            ck_assert_int_eq(e.seq_len, 4); /* microheterogeneity: first of ALA/VAL */
            ck_assert_str_eq(&e.seq_names[PA_NAME_STRIDE], "ALA");
            ck_assert_str_eq(e.one_letter_can, "GASG");
        }
    }
    ck_assert(found);
    ck_assert_str_eq(pa_structure_modres_parent(s, "SEP"), "SER");
    double cell[6];
    const char *sg;
    ck_assert_int_eq(pa_structure_cell(s, cell, &sg), 0);
    ck_assert(cell[2] == 30.5 && cell[4] == 100.0);
    ck_assert_str_eq(sg, "P 1 21 1");
    pa_structure_free(s);

    ck_assert_int_eq(read_block(&cb, PA_ALTLOC_ALL, 0, &s, d), 0);
    ck_assert_str_eq(pa_structure_id(s), "SECOND"); /* no _entry.id: block name */
    ck_assert_int_eq(pa_structure_model_count(s), 2);
    pa_structure_chain(s, 0, &c);
    ck_assert_str_eq(c.auth_id, "X");
    ck_assert_str_eq(c.label_id, "C");
    pa_structure_atoms(s, &a);
    pa_structure_residues(s, &r);
    ck_assert_str_eq(a.name, "O5'");
    ck_assert_int_eq(a.charge[1], -1);
    ck_assert_int_eq(r.seq_id[0], 10);
    ck_assert_int_eq(r.icode[0], 'A');
    pa_structure_free(s);
    ck_assert_int_eq(read_block(&cb, PA_ALTLOC_ALL, 0, &s, d), PA_END);
    pa_diags_free(d);
    free(cb.buf);
}
END_TEST

START_TEST(test_read_altloc_and_af)
{
    char path[1024];
    cifbuf cb;
    pa_structure *s;
    ck_assert_int_eq(load(pa_test_data("cif/altloc.cif", path, sizeof path), &cb), 0);
    ck_assert_int_eq(read_block(&cb, PA_ALTLOC_ALL, 0, &s, NULL), 0);
    ck_assert_int_eq(model1_atoms(s), 34);
    pa_structure_free(s);
    cb.pos = 0;
    ck_assert_int_eq(read_block(&cb, PA_ALTLOC_FIRST, 0, &s, NULL), 0);
    ck_assert_int_lt(model1_atoms(s), 34);
    pa_structure_free(s);
    free(cb.buf);

    ck_assert_int_eq(load(pa_test_data("cif/AF-P41068-F1-model_v4.cif", path, sizeof path), &cb), 0);
    ck_assert_int_eq(read_block(&cb, PA_ALTLOC_ALL, 0, &s, NULL), 0);
    ck_assert_int_eq(model1_atoms(s), 1539);
    ck_assert_str_eq(pa_structure_id(s), "AF-P41068-F1");
    pa_structure_free(s);
    free(cb.buf);

    ck_assert_int_eq(load(pa_test_data("cif/1SSU_mod.cif", path, sizeof path), &cb), 0);
    ck_assert_int_eq(read_block(&cb, PA_ALTLOC_ALL, 0, &s, NULL), 0);
    ck_assert_int_eq(pa_structure_model_count(s), 2);
    ck_assert_int_eq(model1_atoms(s), 2);
    pa_structure_free(s);
    cb.pos = 0;
    ck_assert_int_eq(read_block(&cb, PA_ALTLOC_ALL, 1, &s, NULL), 0);
    ck_assert_int_eq(pa_structure_model_count(s), 1);
    pa_structure_free(s);
    free(cb.buf);
}
END_TEST

START_TEST(test_read_minimal_and_bad_numbers)
{
    pa_diags *d;
    pa_diags_new(&d);
    pa_structure *s;
    /* Only coordinates and names: everything else defaults. */
    const char *t = "data_min\nloop_\n_atom_site.label_atom_id\n_atom_site.label_comp_id\n"
                    "_atom_site.Cartn_x\n_atom_site.Cartn_y\n_atom_site.Cartn_z\n"
                    "CA ALA 1 2 3\nCA GLY 4 5 oops\nCA SER 7 8 9\n";
    ck_assert_int_eq(read_text(t, PA_ALTLOC_ALL, &s, d), 0);
    ck_assert_int_eq(pa_structure_model_count(s), 1);
    pa_atom_columns a;
    pa_structure_atoms(s, &a);
    ck_assert_int_eq(a.n, 2); /* the atom with a non-numeric coordinate is dropped */
    ck_assert(has_diag(d, PA_D_BAD_NUMBER));
    const pa_diag *g = pa_diags_get(d, 0);
    ck_assert_int_eq(g->line, 9);
    pa_structure_free(s);
    pa_diags_free(d);
}
END_TEST

START_TEST(test_read_block_lines)
{
    /* Diagnostics of later blocks carry absolute line numbers. */
    const char *t = "data_a\nloop_\n_atom_site.label_atom_id\n_atom_site.Cartn_x\n"
                    "_atom_site.Cartn_y\n_atom_site.Cartn_z\nCA 1 2 3\n"
                    "data_b\nloop_\n_atom_site.label_atom_id\n_atom_site.Cartn_x\n"
                    "_atom_site.Cartn_y\n_atom_site.Cartn_z\nCA 1 2 3\nCB 1 x 3\n";
    pa_diags *d;
    pa_diags_new(&d);
    pa_reader_opts o = PA_READER_OPTS_INIT;
    size_t pos = 0;
    pa_structure *s;
    for (int pass = 0; pass < 2; pass++) {
        pos = 0;
        pa_diags_clear(d);
        ck_assert_int_eq(pai_read_mmcif(t, strlen(t), &pos, &o, d, "b.cif", &s), 0);
        pa_structure_free(s);
        ck_assert_int_eq(pai_read_mmcif(t, strlen(t), &pos, &o, d, "b.cif", &s), 0);
        pa_structure_free(s);
        ck_assert_int_eq(pa_diags_count(d), 2); /* bad number + skipped atom */
        ck_assert_int_eq(pa_diags_get(d, 0)->code, PA_D_BAD_NUMBER);
        ck_assert_int_eq(pa_diags_get(d, 0)->line, 15);
        ck_assert_int_eq(pa_diags_get(d, 0)->column, 6);
        ck_assert_int_eq(pai_read_mmcif(t, strlen(t), &pos, &o, d, "b.cif", &s), PA_END);
    }
    /* Resuming without the cache (a copy of the buffer) counts the same lines. */
    char *copy = strdup(t);
    pos = strstr(copy, "data_b") - copy;
    pa_diags_clear(d);
    ck_assert_int_eq(pai_read_mmcif(copy, strlen(copy), &pos, &o, d, "b.cif", &s), 0);
    pa_structure_free(s);
    ck_assert_int_eq(pa_diags_get(d, 0)->line, 15);
    free(copy);
    pa_diags_free(d);
}
END_TEST

START_TEST(test_read_no_atom_site)
{
    pa_diags *d;
    pa_diags_new(&d);
    pa_structure *s = (pa_structure *)1;
    ck_assert_int_eq(read_text("data_x\n_entry.id X\n", PA_ALTLOC_ALL, &s, d), PA_EFORMAT);
    ck_assert_ptr_null(s);
    ck_assert(has_diag(d, PA_D_EMPTY));
    ck_assert_ptr_nonnull(strstr(pa_diags_get(d, 0)->message, "no _atom_site"));
    pa_diags_clear(d);
    ck_assert_int_eq(read_text("", PA_ALTLOC_ALL, &s, d), PA_EFORMAT);
    ck_assert(has_diag(d, PA_D_EMPTY));
    pa_diags_clear(d);
    ck_assert_int_eq(read_text("# only a comment\n", PA_ALTLOC_ALL, &s, d), PA_EFORMAT);
    pa_diags_clear(d);
    /* CIF 1 core (small molecule) tags */
    const char *sm = "data_1011031\n_cell_length_a 4.358\nloop_\n_atom_site_label\n"
                     "_atom_site_fract_x\nSi1 0.0\nC1 0.25\n";
    ck_assert_int_eq(read_text(sm, PA_ALTLOC_ALL, &s, d), PA_EUNSUPPORTED);
    ck_assert(has_diag(d, PA_D_UNSUPPORTED));
    pa_diags_free(d);
}
END_TEST

START_TEST(test_read_strict_mode)
{
    pa_diags *d;
    pa_diags_new(&d);
    pa_structure *s;
    const char *t = "data_x\n_struct.title 'open\nloop_\n_atom_site.label_atom_id\n"
                    "_atom_site.Cartn_x\n_atom_site.Cartn_y\n_atom_site.Cartn_z\nCA 1 2 3\n";
    ck_assert_int_eq(read_text(t, PA_ALTLOC_ALL, &s, d), 0); /* lenient: recovered */
    ck_assert(has_diag(d, PA_D_SYNTAX));
    pa_structure_free(s);
    size_t pos = 0;
    pa_reader_opts o = PA_READER_OPTS_INIT;
    o.strict = 1;
    ck_assert_int_lt(pai_read_mmcif(t, strlen(t), &pos, &o, d, "x", &s), 0);
    pa_diags_free(d);
}
END_TEST

/* Every allocation failure gives a clean error (ASan checks for leaks). */
START_TEST(test_read_alloc_failures)
{
    char path[1024];
    cifbuf cb;
    ck_assert_int_eq(load(pa_test_data("cif/two_blocks.cif", path, sizeof path), &cb), 0);
    int ok = 0;
    for (uint64_t k = 1; k < 400 && !ok; k++) {
        pa_diags *d = NULL;
        pa_diags_new(&d);
        pa_structure *s = NULL;
        cb.pos = 0;
        pai_alloc_fail_after(k);
        int rc = read_block(&cb, PA_ALTLOC_ALL, 0, &s, d);
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
    free(cb.buf);
}
END_TEST

static int shared_path(const char *rel, char *buf, size_t n)
{
    return pa_shared_data(rel, buf, n) != NULL;
}

START_TEST(test_shared_edge_files)
{
    char path[1024];
    cifbuf cb;
    pa_diags *d;
    pa_structure *s;
    if (!shared_path("structures/edge", path, sizeof path))
        return;
    pa_diags_new(&d);
    static const struct {
        const char *file;
        int rc;
        int diag;
    } cases[] = {
        {"structures/edge/1aki_no_atom_site.cif", PA_EFORMAT, PA_D_EMPTY},
        {"structures/edge/1MOM_min_no_atoms.cif", PA_EFORMAT, PA_D_EMPTY},
        {"structures/edge/0red_reduced.cif", PA_EFORMAT, PA_D_EMPTY},
        {"structures/edge/0emp_empty.cif", PA_EFORMAT, PA_D_EMPTY},
        {"structures/edge/1011031_small_molecule.cif", PA_EUNSUPPORTED, PA_D_UNSUPPORTED},
        {"structures/edge/testFileWithStopTokens.cif", PA_EFORMAT, PA_D_EMPTY},
        {"structures/edge/garbage_random.cif", PA_EFORMAT, PA_D_EMPTY},
        {"structures/edge/1aki_truncated_in_loop.cif", 0, PA_D_TRUNCATED},
        {"structures/edge/1aki_unterminated_quote.cif", 0, PA_D_SYNTAX},
        {"structures/edge/1aki_unterminated_textfield.cif", PA_ETRUNCATED, PA_D_TRUNCATED},
        {"structures/edge/1aki_utf8_bom.cif", 0, PA_D_NONE},
        {"structures/edge/1aki_cif_named.pdb", 0, PA_D_NONE},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ck_assert(shared_path(cases[i].file, path, sizeof path));
        ck_assert_int_eq(load(path, &cb), 0);
        pa_diags_clear(d);
        s = NULL;
        int rc = read_block(&cb, PA_ALTLOC_ALL, 0, &s, d);
        ck_assert_msg(rc == cases[i].rc, "%s: rc %d", cases[i].file, rc);
        if (cases[i].diag != PA_D_NONE)
            ck_assert_msg(has_diag(d, cases[i].diag), "%s: diagnostic %d missing", cases[i].file,
                          cases[i].diag);
        else
            ck_assert_int_eq(pa_diags_count_at_least(d, PA_SEV_ERROR), 0);
        if (rc == 0 && strstr(cases[i].file, "1aki"))
            ck_assert_int_le(model1_atoms(s), 1079);
        if (rc == 0 && cases[i].diag == PA_D_NONE)
            ck_assert_int_eq(model1_atoms(s), 1079);
        pa_structure_free(s);
        free(cb.buf);
    }
    pa_diags_free(d);
}
END_TEST

/* Every mmCIF file of the corpus: atom count of model 1 (all altlocs) and model
 * count as in MANIFEST.tsv; no error diagnostics. */
START_TEST(test_shared_manifest_counts)
{
    char path[4096], line[2048];
    if (!shared_path("structures/MANIFEST.tsv", path, sizeof path))
        return;
    FILE *f = fopen(path, "r");
    ck_assert_ptr_nonnull(f);
    int files = 0;
    while (fgets(line, sizeof line, f)) {
        char *col[10] = {0};
        pa_split_tabs(line, col, 10);
        if (!col[8] || strncmp(col[0], "cif/", 4) != 0)
            continue;
        char rel[2100];
        snprintf(rel, sizeof rel, "structures/%s", col[0]);
        ck_assert(shared_path(rel, path, sizeof path));
        cifbuf cb;
        ck_assert_int_eq(load(path, &cb), 0);
        pa_diags *d;
        pa_diags_new(&d);
        pa_structure *s;
        int rc = read_block(&cb, PA_ALTLOC_ALL, 0, &s, d);
        ck_assert_msg(rc == 0, "%s: rc %d (%s)", col[0], rc, pa_last_error());
        ck_assert_msg(model1_atoms(s) == (size_t)atol(col[7]), "%s: %zu atoms, manifest %s",
                      col[0], model1_atoms(s), col[7]);
        ck_assert_msg(pa_structure_model_count(s) == (size_t)atol(col[6]), "%s: %zu models",
                      col[0], pa_structure_model_count(s));
        for (size_t i = 0; i < pa_diags_count(d); i++) {
            const pa_diag *g = pa_diags_get(d, i);
            /* The builder's own validation (clashes, breaks) may warn; the parser must not err. */
            ck_assert_msg(g->code != PA_D_SYNTAX && g->code != PA_D_LOOP_COUNT &&
                              g->code != PA_D_TRUNCATED && g->code != PA_D_BAD_NUMBER,
                          "%s:%ld: %s", col[0], g->line, g->message);
        }
        pa_structure_free(s);
        pa_diags_free(d);
        free(cb.buf);
        files++;
    }
    fclose(f);
    ck_assert_int_gt(files, 40);
}
END_TEST

Suite *reader_suite(void);
Suite *reader_suite(void)
{
    Suite *s = suite_create("mmcif-reader");
    TCase *tc = tcase_create("reader");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_read_1ubq);
    tcase_add_test(tc, test_read_handmade_two_blocks);
    tcase_add_test(tc, test_read_altloc_and_af);
    tcase_add_test(tc, test_read_minimal_and_bad_numbers);
    tcase_add_test(tc, test_read_block_lines);
    tcase_add_test(tc, test_read_no_atom_site);
    tcase_add_test(tc, test_read_strict_mode);
    tcase_add_test(tc, test_read_alloc_failures);
    tcase_add_test(tc, test_shared_edge_files);
    tcase_add_test(tc, test_shared_manifest_counts);
    suite_add_tcase(s, tc);
    return s;
}

Suite *tokenizer_suite(void);
Suite *tokenizer_suite(void)
{
    Suite *s = suite_create("cif-tokenizer");
    TCase *tc = tcase_create("lexer");
    tcase_add_test(tc, test_lex_basic_kinds);
    tcase_add_test(tc, test_lex_quoted_unknown_is_a_string);
    tcase_add_test(tc, test_lex_embedded_quotes);
    tcase_add_test(tc, test_lex_text_field);
    tcase_add_test(tc, test_lex_crlf);
    tcase_add_test(tc, test_lex_comment_inside_value_is_value);
    tcase_add_test(tc, test_lex_reserved_words_case_insensitive);
    tcase_add_test(tc, test_lex_unterminated_quote);
    tcase_add_test(tc, test_lex_unterminated_text_field);
    tcase_add_test(tc, test_lex_utf8_and_bom);
    tcase_add_test(tc, test_lex_empty_and_blank);
    tcase_add_test(tc, test_numbers);
    suite_add_tcase(s, tc);
    TCase *tb = tcase_create("block");
    tcase_add_test(tb, test_block_pairs_and_loops);
    tcase_add_test(tb, test_block_multiple_blocks);
    tcase_add_test(tb, test_block_loop_count_mismatch);
    tcase_add_test(tb, test_block_truncated_mid_row);
    tcase_add_test(tb, test_block_stop_and_save);
    tcase_add_test(tb, test_block_no_data);
    tcase_add_test(tb, test_block_empty_loop_and_missing_value);
    tcase_add_test(tb, test_edge_files_tokenize);
    suite_add_tcase(s, tb);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(tokenizer_suite());
    srunner_add_suite(sr, reader_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
