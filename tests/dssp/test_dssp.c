/* test_dssp.c — lib/dssp: hand-built geometries, files checked against stored
 * mkdssp 4.2 output (tests/data/dssp, every column of the table), and the
 * awkward inputs: missing backbone atoms, CA-only chains, altlocs, insertion
 * codes, chain breaks, NMR models. */
#include "common/pai.h"
#include "dssp/dssp_impl.h"
#include "testutil.h"

#include <dirent.h>
#include <float.h>
#include <panalyzer.h>

static pa_structure *read_file(const char *rel, pa_altloc_policy altloc)
{
    char path[1024];
    pa_reader_opts ro = PA_READER_OPTS_INIT;
    ro.altloc = altloc;
    pa_structure *s = NULL;
    ck_assert_int_eq(pa_structure_read(pa_test_data(rel, path, sizeof path), &ro, &s, NULL), 0);
    return s;
}

static pa_structure *read_text(const char *text)
{
    pa_structure *s = NULL;
    ck_assert_int_eq(pa_structure_read_memory(text, strlen(text), "mem.pdb", NULL, &s, NULL), 0);
    return s;
}

static pa_dssp *run(const pa_structure *s, unsigned model, pa_diags *diags)
{
    pa_dssp_opts o = PA_DSSP_OPTS_INIT;
    o.model = model;
    pa_dssp *d = NULL;
    ck_assert_int_eq(pa_dssp_compute(s, &o, &d, diags), 0);
    return d;
}

static void expect_ss8(const char *rel, const char *want)
{
    pa_structure *s = read_file(rel, PA_ALTLOC_ALL);
    pa_dssp *d = run(s, 0, NULL);
    ck_assert_str_eq(pa_dssp_ss8(d), want);
    pa_dssp_free(d);
    pa_structure_free(s);
}

START_TEST(ideal_alpha_helix) { expect_ss8("dssp/helix.pdb", "-HHHHHHHHHHHH-"); }
END_TEST

START_TEST(ideal_310_helix) { expect_ss8("dssp/helix310.pdb", "-GGGGGG-"); }
END_TEST

START_TEST(beta_hairpin)
{
    expect_ss8("dssp/hairpin.pdb", "--EEETTEEE--");
    pa_structure *s = read_file("dssp/hairpin.pdb", PA_ALTLOC_ALL);
    pa_dssp *d = run(s, 0, NULL);
    pa_dssp_residue r;
    ck_assert_int_eq(pa_dssp_get(d, 2, &r), 0); /* residue 3 pairs with 10, antiparallel */
    ck_assert_int_eq(r.bridge_partner[0], 10);
    ck_assert_int_eq(r.bridge_label[0], 'A');
    ck_assert_int_eq(r.sheet, 'A');
    ck_assert_int_eq(pa_dssp_get(d, 12, &r), PA_ERANGE);
    pa_dssp_free(d);
    pa_structure_free(s);
}
END_TEST

/* The residue table of the classic output, from the "  #  RESIDUE" line on. */
static const char *table_of(const char *text)
{
    const char *t = strstr(text, "  #  RESIDUE");
    ck_assert_ptr_nonnull(t);
    return t;
}

static char *slurp(const char *rel)
{
    char path[1024];
    FILE *f = fopen(pa_test_data(rel, path, sizeof path), "rb");
    ck_assert_ptr_nonnull(f);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    ck_assert_ptr_nonnull(buf);
    ck_assert_int_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

/* Line by line, so that a failure names the first differing line. */
static void same_table(const char *want, const char *got)
{
    int line = 1;
    while (*want || *got) {
        const char *we = strchr(want, '\n'), *ge = strchr(got, '\n');
        size_t wl = we ? (size_t)(we - want) : strlen(want), gl = ge ? (size_t)(ge - got) : strlen(got);
        ck_assert_msg(wl == gl && memcmp(want, got, wl) == 0, "table line %d:\n want %.*s\n got  %.*s", line,
                      (int)wl, want, (int)gl, got);
        want += wl + (we != NULL);
        got += gl + (ge != NULL);
        line++;
    }
}

static const char *const stored[][2] = {
    {"dssp/helix.pdb", "dssp/helix.dssp"},       {"dssp/helix310.pdb", "dssp/helix310.dssp"},
    {"dssp/hairpin.pdb", "dssp/hairpin.dssp"},   {"dssp/1CRN.cif.gz", "dssp/1CRN.dssp"},
    {"dssp/4cxl.cif.gz", "dssp/4cxl.dssp"},      {"dssp/1GBT.cif.gz", "dssp/1GBT.dssp"},
    {"dssp/3str.cif.gz", "dssp/3str.dssp"},
};

START_TEST(classic_matches_mkdssp)
{
    pa_structure *s = read_file(stored[_i][0], PA_ALTLOC_ALL);
    pa_dssp *d = run(s, 0, NULL);
    char *text = NULL, *want = slurp(stored[_i][1]);
    size_t len = 0;
    ck_assert_int_eq(pa_dssp_format_classic(d, s, &text, &len), 0);
    ck_assert_uint_eq(strlen(text), len);
    same_table(table_of(want), table_of(text));
    pa_free(text);
    free(want);
    pa_dssp_free(d);
    pa_structure_free(s);
}
END_TEST

/* ---- synthetic edge cases, built from the ideal helix ---------------------- */

/* helix.pdb's ATOM lines, filtered/edited by keep(): 1 keep, 0 drop. */
static char *helix_text(int (*edit)(char *line, int res, const char *atom))
{
    char *src = slurp("dssp/helix.pdb"), *out = calloc(strlen(src) * 3 + 64, 1);
    ck_assert_ptr_nonnull(out);
    char *p = src, *o = out;
    for (char *nl; (nl = strchr(p, '\n')); p = nl + 1) {
        char line[128] = {0};
        size_t n = (size_t)(nl - p) < sizeof line - 1 ? (size_t)(nl - p) : sizeof line - 1;
        memcpy(line, p, n);
        if (!strncmp(line, "ATOM", 4)) {
            char atom[5] = {0};
            sscanf(line + 12, "%4s", atom);
            if (!edit(line, atoi(line + 22), atom))
                continue;
        }
        o += sprintf(o, "%s\n", line);
    }
    free(src);
    return out;
}

static int drop_o7(char *line, int res, const char *atom) { (void)line; return !(res == 7 && !strcmp(atom, "O")); }

/* The edited helix, read and run with a diagnostics list. */
typedef struct {
    char *text;
    pa_structure *s;
    pa_diags *dg;
    pa_dssp *d;
} edited;

static edited run_edited(int (*edit)(char *line, int res, const char *atom))
{
    edited e;
    e.text = helix_text(edit);
    e.s = read_text(e.text);
    ck_assert_int_eq(pa_diags_new(&e.dg), 0);
    e.d = run(e.s, 0, e.dg);
    return e;
}

static void edited_free(edited *e)
{
    pa_diags_free(e->dg);
    pa_dssp_free(e->d);
    pa_structure_free(e->s);
    free(e->text);
}

START_TEST(missing_backbone_atom)
{
    edited e = run_edited(drop_o7);
    pa_dssp *d = e.d;
    pa_diags *dg = e.dg;
    ck_assert_uint_eq(pa_dssp_count(d), 13); /* residue 7 left out, not guessed */
    ck_assert_int_eq(pa_dssp_residue_ss(d, 6), '-');
    ck_assert_uint_ge(pa_diags_count(dg), 1);
    ck_assert_ptr_nonnull(strstr(pa_diags_get(dg, 0)->message, "left out"));
    pa_dssp_residue r;
    pa_dssp_get(d, 6, &r); /* residue 8: its N is far from residue 6's C: a break */
    ck_assert_int_eq(r.number, 8);
    ck_assert_int_eq(r.brk, PA_DSSP_BREAK_GAP);
    edited_free(&e);
}
END_TEST

static int ca_only(char *line, int res, const char *atom) { (void)line, (void)res; return !strcmp(atom, "CA"); }

START_TEST(ca_only_chain)
{
    edited e = run_edited(ca_only);
    pa_dssp *d = e.d;
    pa_diags *dg = e.dg;
    ck_assert_uint_eq(pa_dssp_count(d), 0);
    ck_assert_str_eq(pa_dssp_ss8(d), "");
    int said = 0;
    for (size_t i = 0; i < pa_diags_count(dg); i++)
        said |= strstr(pa_diags_get(dg, i)->message, "CA atoms only") != NULL;
    ck_assert_msg(said, "no CA-only diagnostic");
    char *classic;
    ck_assert_int_eq(pa_dssp_format_classic(d, e.s, &classic, NULL), 0);
    pa_free(classic);
    edited_free(&e);
}
END_TEST

/* Residue 5 twice, as altlocs A and B (B shifted 0.1 A). */
static int altloc5(char *line, int res, const char *atom)
{
    (void)atom;
    if (res == 5)
        line[16] = 'A';
    return 1;
}

START_TEST(altlocs)
{
    char *text = helix_text(altloc5), *b = strstr(text, "ATOM   ") ? text : NULL;
    ck_assert_ptr_nonnull(b);
    /* append the B conformer of residue 5 right after its A atoms */
    char *with_b = calloc(strlen(text) * 2, 1), *o = with_b;
    for (char *p = text, *nl; (nl = strchr(p, '\n')); p = nl + 1) {
        o += sprintf(o, "%.*s\n", (int)(nl - p), p);
        if (!strncmp(p, "ATOM", 4) && p[16] == 'A' && !strncmp(p + 12, " O  ", 4)) {
            for (char *q = text, *ql; (ql = strchr(q, '\n')); q = ql + 1)
                if (!strncmp(q, "ATOM", 4) && q[16] == 'A') {
                    char line[128] = {0};
                    memcpy(line, q, (size_t)(ql - q));
                    line[16] = 'B';
                    double x = atof(line + 30) + 0.1;
                    char num[9];
                    snprintf(num, sizeof num, "%8.3f", x);
                    memcpy(line + 30, num, 8);
                    o += sprintf(o, "%s\n", line);
                }
        }
    }
    pa_altloc_policy pol[2] = {PA_ALTLOC_ALL, PA_ALTLOC_FIRST};
    for (int k = 0; k < 2; k++) {
        pa_reader_opts ro = PA_READER_OPTS_INIT;
        ro.altloc = pol[k];
        pa_structure *s;
        ck_assert_int_eq(pa_structure_read_memory(with_b, strlen(with_b), "alt.pdb", &ro, &s, NULL), 0);
        pa_dssp *d = run(s, 0, NULL);
        ck_assert_str_eq(pa_dssp_ss8(d), "-HHHHHHHHHHHH-");
        pa_dssp_free(d);
        pa_structure_free(s);
    }
    free(with_b);
    free(text);
}
END_TEST

/* Residue 8 renumbered 7A: insertion codes are carried to the output. */
static int icode8(char *line, int res, const char *atom)
{
    (void)atom;
    if (res == 8) {
        memcpy(line + 22, "   7", 4);
        line[26] = 'A';
    }
    return 1;
}

/* The classic text of e contains needle. */
static void classic_has(const edited *e, const char *needle)
{
    char *classic;
    ck_assert_int_eq(pa_dssp_format_classic(e->d, e->s, &classic, NULL), 0);
    ck_assert_msg(strstr(classic, needle) != NULL, "no '%s' in the classic output", needle);
    pa_free(classic);
}

START_TEST(insertion_codes)
{
    edited e = run_edited(icode8);
    ck_assert_str_eq(pa_dssp_ss8(e.d), "-HHHHHHHHHHHH-");
    classic_has(&e, "    8    7AA G  H");
    edited_free(&e);
}
END_TEST

/* Residues 8..14 moved 20 A away: two chains' worth of pieces, no helix across. */
static int split8(char *line, int res, const char *atom)
{
    (void)atom;
    if (res >= 8) {
        double x = atof(line + 30) + 20;
        char num[9];
        snprintf(num, sizeof num, "%8.3f", x);
        memcpy(line + 30, num, 8);
    }
    return 1;
}

START_TEST(chain_break)
{
    edited e = run_edited(split8);
    pa_dssp *d = e.d;
    ck_assert_uint_eq(pa_dssp_count(d), 14);
    pa_dssp_residue r;
    pa_dssp_get(d, 7, &r);
    ck_assert_int_eq(r.number, 9);
    ck_assert_int_eq(r.brk, PA_DSSP_BREAK_GAP);
    pa_dssp_get(d, 6, &r);
    ck_assert(r.psi == 360); /* no angle across the break */
    ck_assert_str_eq(pa_dssp_ss8(d), "-HHHHH--HHHHH-"); /* as mkdssp 4.2 */
    classic_has(&e, "\n    8        ! ");
    edited_free(&e);
}
END_TEST

START_TEST(nmr_models)
{
    char *helix = slurp("dssp/helix.pdb"), *hairpin = slurp("dssp/hairpin.pdb");
    size_t n = strlen(helix) + strlen(hairpin) + 64;
    char *text = malloc(n), *o = text;
    const char *parts[2] = {helix, hairpin};
    for (int m = 0; m < 2; m++) {
        o += sprintf(o, "MODEL        %d\n", m + 1);
        for (const char *p = parts[m], *nl; (nl = strchr(p, '\n')); p = nl + 1)
            if (!strncmp(p, "ATOM", 4))
                o += sprintf(o, "%.*s\n", (int)(nl - p), p);
        o += sprintf(o, "ENDMDL\n");
    }
    pa_structure *s = read_text(text);
    ck_assert_uint_eq(pa_structure_model_count(s), 2);
    pa_dssp *d0 = run(s, 0, NULL), *d1 = run(s, 1, NULL);
    ck_assert_str_eq(pa_dssp_ss8(d0), "-HHHHHHHHHHHH-");
    ck_assert_str_eq(pa_dssp_ss8(d1), "--EEETTEEE--");
    /* chain letters of model 2 residues */
    pa_seqset_opts so = PA_SEQSET_OPTS_INIT;
    so.model = 1;
    pa_seqset *q;
    ck_assert_int_eq(pa_sequence_extract(s, &so, &q), 0);
    pa_chain_seq c;
    ck_assert_int_eq(pa_seqset_get(q, 0, &c), 0);
    char ss[64];
    ck_assert_int_eq(pa_dssp_chain_ss8(d1, &c, ss, sizeof ss), 0);
    ck_assert_str_eq(ss, "--EEETTEEE--");
    ck_assert_int_eq(pa_dssp_chain_ss8(d0, &c, ss, sizeof ss), 0); /* other model: nothing */
    ck_assert_str_eq(ss, "------------");
    ck_assert_int_eq(pa_dssp_chain_ss8(d1, &c, ss, 4), PA_EINVAL);
    pa_seqset_free(q);
    pa_dssp_opts mo = PA_DSSP_OPTS_INIT;
    mo.model = 2;
    pa_dssp *d2 = (pa_dssp *)1;
    ck_assert_int_eq(pa_dssp_compute(s, &mo, &d2, NULL), PA_ERANGE);
    ck_assert_ptr_null(d2);
    pa_dssp_free(d0);
    pa_dssp_free(d1);
    pa_structure_free(s);
    free(text);
    free(helix);
    free(hairpin);
}
END_TEST

START_TEST(arguments)
{
    pa_structure *s = read_file("dssp/helix.pdb", PA_ALTLOC_ALL);
    pa_dssp *d;
    ck_assert_int_eq(pa_dssp_compute(NULL, NULL, &d, NULL), PA_EINVAL);
    ck_assert_int_eq(pa_dssp_compute(s, NULL, NULL, NULL), PA_EINVAL);
    pa_dssp_opts o = PA_DSSP_OPTS_INIT;
    o.version = 99;
    ck_assert_int_eq(pa_dssp_compute(s, &o, &d, NULL), PA_EINVAL);
    o = (pa_dssp_opts)PA_DSSP_OPTS_INIT;
    o.pp_stretch = 4;
    ck_assert_int_eq(pa_dssp_compute(s, &o, &d, NULL), PA_EINVAL);
    o.pp_stretch = 2;
    o.accessibility = 0;
    ck_assert_int_eq(pa_dssp_compute(s, &o, &d, NULL), 0);
    pa_dssp_residue r;
    pa_dssp_get(d, 3, &r);
    ck_assert(r.acc == 0);
    ck_assert(pa_dssp_surface(d) == 0);
    pa_dssp_free(d);
    pa_dssp_free(NULL);
    ck_assert_uint_eq(pa_dssp_count(NULL), 0);
    ck_assert_int_eq(pa_dssp_ss3('G'), 'H');
    ck_assert_int_eq(pa_dssp_ss3('B'), 'E');
    ck_assert_int_eq(pa_dssp_ss3('P'), 'C');
    ck_assert_int_eq(pa_dssp_ss3('-'), 'C');
    pa_structure_free(s);
}
END_TEST

/* Every allocation failing in turn: a clean error, never a crash or a leak. */
START_TEST(allocation_failures)
{
    pa_structure *s = read_file("dssp/hairpin.pdb", PA_ALTLOC_ALL);
    for (uint64_t k = 1; k < 400; k += (uint64_t)pa_test_stride()) {
        pa_dssp *d = NULL;
        pai_alloc_fail_after(k);
        int rc = pa_dssp_compute(s, NULL, &d, NULL);
        char *text = NULL;
        if (rc == 0)
            rc = pa_dssp_format_classic(d, s, &text, NULL);
        pai_alloc_fail_after(0);
        ck_assert(rc == 0 || rc == PA_ENOMEM);
        pa_free(text);
        pa_dssp_free(d);
    }
    pa_structure_free(s);
}
END_TEST

/* Every mmCIF of the shared corpus: no failure; skipped when the corpus is absent. */
START_TEST(shared_corpus_runs)
{
    static const char *files[] = {"structures/cif/1l2y.cif", "structures/cif/4YVS.cif",
                                  "structures/edge/1MOM_min_no_atoms.cif"};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        char path[1024];
        if ((pa_test_quick() && i == 1) || !pa_shared_data(files[i], path, sizeof path))
            continue; /* 4YVS (26k atoms) is too slow under valgrind */
        pa_structure *s;
        if (pa_structure_read(path, NULL, &s, NULL))
            continue;
        for (size_t m = 0; m < pa_structure_model_count(s); m += (size_t)pa_test_stride()) {
            pa_dssp_opts o = PA_DSSP_OPTS_INIT;
            o.model = (unsigned)m;
            pa_dssp *d;
            ck_assert_int_eq(pa_dssp_compute(s, &o, &d, NULL), 0);
            pa_dssp_free(d);
        }
        pa_structure_free(s);
    }
}
END_TEST

/* Inputs that once broke the dssp fuzz target (tests/data/corrupt/regress/dssp): every
 * model of whatever the readers make of them, plus the classic text. */
START_TEST(fuzz_regressions)
{
    char dir[1024];
    DIR *dp = opendir(pa_test_data("corrupt/regress/dssp", dir, sizeof dir));
    ck_assert_ptr_nonnull(dp);
    int seen = 0;
    for (struct dirent *e; (e = readdir(dp));) {
        if (e->d_name[0] == '.')
            continue;
        char path[2048];
        pa_structure *s;
        pa_join_path(dir, e->d_name, path, sizeof path);
        seen++;
        if (pa_structure_read(path, NULL, &s, NULL))
            continue;
        for (size_t m = 0; m < pa_structure_model_count(s); m++) {
            pa_dssp_opts o = PA_DSSP_OPTS_INIT;
            o.model = (unsigned)m;
            pa_dssp *d;
            if (pa_dssp_compute(s, &o, &d, NULL) == 0) {
                char *text;
                if (pa_dssp_format_classic(d, s, &text, NULL) == 0)
                    pa_free(text);
                pa_dssp_free(d);
            }
        }
        pa_structure_free(s);
    }
    closedir(dp);
    ck_assert_int_gt(seen, 0);
}
END_TEST

/* ---- the pipeline's dssp stage ------------------------------------------------ */

typedef struct {
    int files;
    char ss8[2][64];
    int has_q3;
    size_t ok, n;
} stage_seen;

static int on_result(void *ctx, const pa_result *r)
{
    stage_seen *st = ctx;
    ck_assert_int_eq(pa_result_status(r), 0);
    const char *d8 = pa_result_chain_dssp(r, 0), *d3 = pa_result_chain_dssp3(r, 0);
    if (d8) {
        snprintf(st->ss8[pa_result_index(r)], 64, "%s", d8);
        ck_assert_uint_eq(strlen(d3), strlen(d8));
        ck_assert_int_eq(d3[2], pa_dssp_ss3(d8[2]));
    }
    size_t ok, n;
    int rc = pa_result_chain_q3(r, 0, &ok, &n);
    if (rc == 0) {
        st->has_q3++;
        st->ok += ok, st->n += n;
        ck_assert_uint_le(ok, n);
    } else {
        ck_assert_int_eq(rc, PA_ENOTFOUND);
    }
    ck_assert_ptr_null(pa_result_chain_dssp(r, 99));
    ck_assert_int_eq(pa_result_chain_q3(r, 99, &ok, &n), PA_ERANGE);
    st->files++;
    return 0;
}

static stage_seen run_pipeline(unsigned version, int dssp, int ss, const char *cache)
{
    char a[1024], b[1024];
    const char *paths[2] = {pa_test_data("dssp/helix.pdb", a, sizeof a),
                            pa_test_data("dssp/hairpin.pdb", b, sizeof b)};
    pa_pipeline_opts o = PA_PIPELINE_OPTS_INIT;
    o.version = version;
    o.threads = 2;
    o.dssp = dssp;
    o.predict_ss = ss;
    o.cache_dir = cache;
    stage_seen st;
    memset(&st, 0, sizeof st);
    ck_assert_int_eq(pa_pipeline_run(NULL, paths, 2, &o, on_result, &st, NULL), 0);
    ck_assert_int_eq(st.files, 2);
    return st;
}

START_TEST(pipeline_stage)
{
    stage_seen st = run_pipeline(PA_PIPELINE_OPTS_VERSION, 1, 0, NULL);
    ck_assert_str_eq(st.ss8[0], "-HHHHHHHHHHHH-");
    ck_assert_str_eq(st.ss8[1], "--EEETTEEE--");
    ck_assert_int_eq(st.has_q3, 0); /* no prediction: no Q3 */
    st = run_pipeline(PA_PIPELINE_OPTS_VERSION, 1, 1, NULL);
    ck_assert_int_eq(st.has_q3, 2);
    ck_assert_uint_eq(st.n, 14 + 12);
    /* a version-3 caller's struct has no dssp field: the stage stays off */
    st = run_pipeline(3, 1, 0, NULL);
    ck_assert_str_eq(st.ss8[0], "");
    /* the cache gives back the same strings and counts */
    char dir[] = "/tmp/pa-dssp-cache-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    stage_seen c1 = run_pipeline(PA_PIPELINE_OPTS_VERSION, 1, 1, dir);
    stage_seen c2 = run_pipeline(PA_PIPELINE_OPTS_VERSION, 1, 1, dir);
    ck_assert_mem_eq(&c1, &c2, sizeof c1);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    ck_assert_int_eq(system(cmd), 0);
}
END_TEST

/* The classic table's own float formatting against printf: random values, halves and
 * exact ties (which printf rounds half to even), negatives rounding to -0.0. */
START_TEST(fixed_matches_printf)
{
    char a[PAI_DSSP_FIXED_MAX + 1], b[PAI_DSSP_FIXED_MAX + 1];
    uint64_t x = 88172645463325252ULL;
    int n = getenv("PA_TEST_QUICK") ? 20000 : 200000;
    for (int i = 0; i < n; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        double u = (double)(x >> 11) / 9007199254740992.0 - 0.5, v;
        switch (i % 5) {
        case 0: v = u * 800; break;
        case 1: v = (double)(int64_t)(u * 2e5) / 20; break; /* x.x5: ties at one decimal */
        case 2: v = (double)(int64_t)(u * 4e5) / 2000; break; /* x.xxx5 */
        case 3: v = (float)(u * 2); break;
        default: v = -(double)(i % 3) * 0.05; break;
        }
        for (int prec = 0; prec <= 3; prec++) {
            *pai_dssp_put_fixed(a, 6, v, prec) = '\0';
            snprintf(b, sizeof b, "%6.*f", prec, v);
            ck_assert_msg(strcmp(a, b) == 0, "%.17g prec %d: [%s] printf [%s]", v, prec, a, b);
        }
    }
    double odd[] = {NAN, INFINITY, -INFINITY, 1e300, -DBL_MAX, 1e15, -0.0, 0.25, -0.25, 0.125, 2.5, 360.0};
    for (size_t i = 0; i < sizeof odd / sizeof *odd; i++) {
        *pai_dssp_put_fixed(a, 6, odd[i], 1) = '\0';
        snprintf(b, sizeof b, "%6.1f", odd[i]);
        ck_assert_str_eq(a, b);
    }
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("dssp");
    TCase *t = tcase_create("core");
    tcase_set_timeout(t, 120);
    tcase_add_test(t, ideal_alpha_helix);
    tcase_add_test(t, ideal_310_helix);
    tcase_add_test(t, beta_hairpin);
    tcase_add_loop_test(t, classic_matches_mkdssp, 0, (int)(sizeof stored / sizeof stored[0]));
    tcase_add_test(t, missing_backbone_atom);
    tcase_add_test(t, ca_only_chain);
    tcase_add_test(t, altlocs);
    tcase_add_test(t, insertion_codes);
    tcase_add_test(t, chain_break);
    tcase_add_test(t, nmr_models);
    tcase_add_test(t, arguments);
    tcase_add_test(t, allocation_failures);
    tcase_add_test(t, shared_corpus_runs);
    tcase_add_test(t, fuzz_regressions);
    tcase_add_test(t, pipeline_stage);
    tcase_add_test(t, fixed_matches_printf);
    suite_add_tcase(s, t);
    return s;
}

int main(void) { return pa_run_suite(suite()); }
