/* test_allocfail.c — allocation-failure injection. For each small operation
 * (read a PDB / mmCIF / PDBML, gzip or zstd input, FASTA, a matrix, extract
 * sequences, align, load an ONNX model and predict), count the pai_*
 * allocations of a successful run, then rerun it once for every n up to that
 * count with the n-th allocation failing. Each run must return a negative code
 * with a message and leave no leak (checked by LeakSanitizer in the ASan
 * build) and no half-built result. Allocations inside libxml2, zlib and zstd
 * do not go through pai_* and are not injected. */
#include "common/pai.h"
#include "corpus.h"

#include <zlib.h>
#include <zstd.h>

typedef int (*op_fn)(const void *ctx);

typedef struct {
    const char *name;
    op_fn run;
    const void *ctx;
    /* 1: the operation may absorb a failed allocation of a cache (and then
     * checks that its result equals the clean run's) */
    int may_absorb;
} alloc_case;

/* ---- operations ---------------------------------------------------------- */
typedef struct {
    const char *file; /* under tests/data/reliability */
    int compress;     /* 0 none, 1 gzip, 2 zstd: compressed in memory first */
    int by_path;      /* read through pa_structure_read(path) instead of memory */
} read_ctx;

static unsigned char *load_input(const read_ctx *c, size_t *n)
{
    char p[4096];
    size_t raw_n;
    unsigned char *raw = rel_slurp(pa_test_data(c->file, p, sizeof p), &raw_n);
    ck_assert_msg(raw != NULL, "cannot read %s", c->file);
    if (c->compress == 0) {
        *n = raw_n;
        return raw;
    }
    size_t cap = raw_n + 1024;
    unsigned char *z = malloc(cap);
    ck_assert_ptr_nonnull(z);
    if (c->compress == 1) {
        z_stream zs = {0};
        ck_assert_int_eq(deflateInit2(&zs, 6, Z_DEFLATED, 16 + 15, 8, Z_DEFAULT_STRATEGY), Z_OK);
        zs.next_in = raw;
        zs.avail_in = (uInt)raw_n;
        zs.next_out = z;
        zs.avail_out = (uInt)cap;
        ck_assert_int_eq(deflate(&zs, Z_FINISH), Z_STREAM_END);
        *n = zs.total_out;
        deflateEnd(&zs);
    } else {
        size_t k = ZSTD_compress(z, cap, raw, raw_n, 3);
        ck_assert(!ZSTD_isError(k));
        *n = k;
    }
    free(raw);
    return z;
}

static int op_read_structure(const void *ctx)
{
    const read_ctx *c = ctx;
    pa_diags *d = NULL;
    pa_structure *s = NULL;
    int rc = pa_diags_new(&d);
    if (rc != 0)
        return rc;
    if (c->by_path) {
        char p[4096];
        rc = pa_structure_read(pa_test_data(c->file, p, sizeof p), NULL, &s, d);
    } else {
        size_t n;
        unsigned char *buf = load_input(c, &n);
        rc = pa_structure_read_memory(buf, n, c->file, NULL, &s, d);
        free(buf);
    }
    if (rc == 0) {
        rel_check_structure(s);
        ck_assert_uint_gt(pa_structure_chain_count(s), 0);
    } else {
        ck_assert_ptr_null(s);
    }
    pa_structure_free(s);
    pa_diags_free(d);
    return rc;
}

/* All blocks through the iterator API. */
static int op_reader_iterate(const void *ctx)
{
    const read_ctx *c = ctx;
    size_t n;
    unsigned char *buf = load_input(c, &n);
    pa_reader *r = NULL;
    int rc = pa_reader_open_memory(&r, buf, n, c->file, NULL);
    if (rc == 0) {
        pa_structure *s;
        while ((rc = pa_reader_next(r, &s)) == 0) {
            rel_check_structure(s);
            pa_structure_free(s);
        }
        if (rc == PA_END)
            rc = 0;
        pa_reader_free(r);
    } else {
        ck_assert_ptr_null(r);
    }
    free(buf);
    return rc;
}

static int op_input_read_all(const void *ctx)
{
    size_t n;
    unsigned char *buf = load_input(ctx, &n);
    pa_input *in = NULL;
    int rc = pa_input_open_memory(&in, buf, n, "mem");
    if (rc == 0) {
        char *all = NULL;
        size_t got = 0;
        rc = pa_input_read_all(in, &all, &got, 0);
        if (rc == 0)
            ck_assert_uint_gt(got, 0);
        else
            ck_assert_ptr_null(all);
        pa_free(all);
        pa_input_close(in);
    } else {
        ck_assert_ptr_null(in);
    }
    free(buf);
    return rc;
}

static int op_diags(const void *ctx)
{
    (void)ctx;
    pa_diags *a = NULL, *b = NULL;
    int rc = pa_diags_new(&a);
    if (rc == 0)
        rc = pa_diags_new(&b);
    for (int i = 0; rc == 0 && i < 20; i++)
        rc = pai_diag(a, PA_SEV_WARNING, PA_D_OTHER, "f.pdb", i, 1, "message number %d", i);
    if (rc == 0)
        rc = pa_diags_extend(b, a);
    pa_diags_free(a);
    pa_diags_free(b);
    return rc;
}

static int op_fasta(const void *ctx)
{
    size_t n;
    unsigned char *buf = load_input(ctx, &n);
    pa_seqlist *l = NULL;
    int rc = pa_fasta_read_memory(buf, n, "small.fasta", &l);
    if (rc == 0)
        ck_assert_uint_eq(pa_seqlist_count(l), 4);
    else
        ck_assert_ptr_null(l);
    pa_seqlist_free(l);
    free(buf);
    return rc;
}

static int op_matrix(const void *ctx)
{
    size_t n;
    unsigned char *buf = load_input(ctx, &n);
    pa_matrix *m = NULL;
    int rc = pa_matrix_parse(&m, (const char *)buf, n, "BLOSUM62");
    if (rc == 0)
        ck_assert_int_eq(pa_matrix_score(m, 'W', 'W'), 11);
    else
        ck_assert_ptr_null(m);
    pa_matrix_free(m);
    free(buf);
    return rc;
}

/* Read a structure, extract its sequences and render them as FASTA. */
static int op_sequences(const void *ctx)
{
    const read_ctx *c = ctx;
    size_t n;
    unsigned char *buf = load_input(c, &n);
    pa_structure *s = NULL;
    pa_seqset *set = NULL;
    char *fa = NULL;
    size_t falen = 0;
    int rc = pa_structure_read_memory(buf, n, c->file, NULL, &s, NULL);
    if (rc == 0)
        rc = pa_sequence_extract(s, NULL, &set);
    if (rc == 0)
        rc = pa_seqset_to_fasta(set, "x", PA_SEQ_OBSERVED, 60, &fa, &falen);
    if (rc == 0)
        ck_assert_uint_gt(falen, 0);
    pa_free(fa);
    pa_seqset_free(set);
    pa_structure_free(s);
    free(buf);
    return rc;
}

static int op_align(const void *ctx)
{
    (void)ctx;
    static const char *q = "MKVLAAGIVALLLAAGCSSSKVLAAGWWYHHEKLMN";
    static const char *t = "GGTTMKVLAGIVALLAAGCSSKVLAAGPQRSTWWYHEKLM";
    pa_align_opts o = PA_ALIGN_OPTS_INIT;
    o.traceback = 1;
    pa_alignment al = {0};
    int rc = pa_align(q, 0, t, 0, &o, &al);
    pa_alignment_clear(&al);
    if (rc)
        return rc;
    o.mode = PA_ALIGN_GLOBAL;
    pa_profile *p = NULL;
    rc = pa_profile_new(&p, q, 0, &o);
    if (rc == 0) {
        rc = pa_profile_align(p, t, 0, &al);
        pa_alignment_clear(&al);
    }
    pa_profile_free(p);
    return rc;
}

/* ctx: NULL (fp32, dispatch by measurement) or "bf16": bf16 by Winograd, forced (the
 * path is fixed, so every run makes the same allocations). */
static int op_onnx(const void *ctx)
{
    int bf = ctx != NULL;
    size_t n;
    const void *data = pa_model_default_data(&n);
    pa_model *m = NULL;
    pa_model_opts mo = PA_MODEL_OPTS_INIT;
    mo.precision = bf ? PA_PRECISION_BF16 : PA_PRECISION_FP32;
    if (bf) {
        setenv("PA_INFER_ISA", "avx512", 1);
        setenv("PA_INFER_WINOGRAD", "1", 1);
    }
    int rc = pa_model_load_memory(&m, data, n, &mo);
    if (bf) {
        unsetenv("PA_INFER_ISA");
        unsetenv("PA_INFER_WINOGRAD");
    }
    if (rc == PA_EUNSUPPORTED && bf) { /* no AVX-512 here: load in fp32 (that case runs it) */
        rc = pa_model_load_memory(&m, data, n, NULL);
        pa_model_free(m);
        return rc;
    }
    if (rc != 0) {
        ck_assert_ptr_null(m);
        return rc;
    }
    const char *seqs[2] = {"MKVLAAGIVALLLAAGCSSS", "GGTTACDEFGHIKLMNPQRSTVWY"};
    static char clean_of[2][2][32]; /* the clean run's prediction, per precision */
    char(*clean)[32] = clean_of[bf];
    pa_ss_opts so = PA_SS_OPTS_INIT;
    so.probs = 1;
    pa_ss_result *r = NULL;
    rc = pa_predict_ss(m, seqs, 2, &so, &r);
    if (rc == 0) {
        ck_assert_uint_eq(strlen(r->ss3[1]), 24);
        for (int i = 0; i < 2; i++) {
            if (!clean[i][0])
                snprintf(clean[i], sizeof clean[i], "%s", r->ss3[i]);
            ck_assert_str_eq(r->ss3[i], clean[i]); /* an absorbed failure changed nothing */
        }
    } else {
        ck_assert_ptr_null(r);
    }
    pa_ss_result_free(r);
    pa_model_free(m);
    return rc;
}

/* ---- the cases ------------------------------------------------------------- */
static const read_ctx pdb = {"reliability/small.pdb", 0, 0};
static const read_ctx pdb_path = {"reliability/small.pdb", 0, 1};
static const read_ctx pdb_gz = {"reliability/small.pdb", 1, 0};
static const read_ctx pdb_zst = {"reliability/small.pdb", 2, 0};
static const read_ctx cif = {"reliability/small.cif", 0, 0};
static const read_ctx cif_gz = {"reliability/small.cif", 1, 0};
static const read_ctx xml = {"reliability/small.xml", 0, 0};
static const read_ctx xml_zst = {"reliability/small.xml", 2, 0};

static const read_ctx fasta = {"reliability/small.fasta", 0, 0};
static const read_ctx fasta_gz = {"reliability/small.fasta", 1, 0};
static const read_ctx matrix = {"reliability/BLOSUM62", 0, 0};

static const alloc_case cases[] = {
    {"diags", op_diags, NULL, 0},
    {"input plain", op_input_read_all, &pdb, 0},
    {"input gzip", op_input_read_all, &pdb_gz, 0},
    {"input zstd", op_input_read_all, &pdb_zst, 0},
    {"read pdb", op_read_structure, &pdb, 0},
    {"read pdb by path", op_read_structure, &pdb_path, 0},
    {"read pdb.gz", op_read_structure, &pdb_gz, 0},
    {"read pdb.zst", op_read_structure, &pdb_zst, 0},
    {"iterate pdb", op_reader_iterate, &pdb, 0},
    {"read cif", op_read_structure, &cif, 0},
    {"read cif.gz", op_read_structure, &cif_gz, 0},
    {"iterate cif", op_reader_iterate, &cif, 0},
    {"read pdbml", op_read_structure, &xml, 0},
    {"read pdbml.zst", op_read_structure, &xml_zst, 0},
    {"fasta", op_fasta, &fasta, 0},
    {"fasta.gz", op_fasta, &fasta_gz, 0},
    {"matrix", op_matrix, &matrix, 0},
    {"sequences pdb", op_sequences, &pdb, 0},
    {"sequences cif", op_sequences, &cif, 0},
    {"align", op_align, NULL, 0},
    /* the inference workspace drops a buffer it cannot pool: harmless */
    {"onnx + predict_ss", op_onnx, NULL, 1},
    {"onnx bf16 winograd + predict_ss", op_onnx, "bf16", 1},
};
#define N_CASES (int)(sizeof cases / sizeof cases[0])

START_TEST(test_fail_every_allocation)
{
    const alloc_case *c = &cases[_i];
    /* a first run fills the process-wide caches (the measured Winograd choice of a Conv
     * shape), so that every later run makes the same allocations */
    c->run(c->ctx);
    pai_alloc_fail_after(0);
    int rc = c->run(c->ctx);
    uint64_t total = pai_alloc_fail_after(0);
    if (rc == PA_EUNSUPPORTED) { /* that reader is not in the library yet */
        fprintf(stderr, "note: %s skipped: %s\n", c->name, pa_last_error());
        return;
    }
    ck_assert_msg(rc == 0, "%s: clean run failed: %d %s", c->name, rc, pa_last_error());
    ck_assert_msg(total > 0, "%s: no allocation went through pai_*", c->name);
    int enomem = 0, absorbed = 0;
    /* PA_ALLOCFAIL_STRIDE=k tests every k-th allocation only (slow tools: valgrind). */
    const char *st = getenv("PA_ALLOCFAIL_STRIDE");
    uint64_t stride = st && atoi(st) > 0 ? (uint64_t)atoi(st) : 1;
    for (uint64_t n = 1; n <= total; n += stride) {
        pa_clear_error();
        pai_alloc_fail_after(n);
        rc = c->run(c->ctx);
        uint64_t used = pai_alloc_fail_after(0);
        ck_assert_msg(used >= n, "%s: allocation %llu never happened", c->name, (unsigned long long)n);
        if (rc == 0 && c->may_absorb) {
            absorbed++;
            continue;
        }
        ck_assert_msg(rc < 0, "%s: allocation %llu of %llu failed but the call returned %d", c->name,
                      (unsigned long long)n, (unsigned long long)total, rc);
        ck_assert_msg(pa_last_error()[0], "%s: allocation %llu: error %d without message", c->name,
                      (unsigned long long)n, rc);
        enomem += rc == PA_ENOMEM;
    }
    if (getenv("PA_REL_VERBOSE"))
        fprintf(stderr, "%-18s %4llu allocations, %d of them fail with PA_ENOMEM, %d absorbed\n",
                c->name, (unsigned long long)total, enomem, absorbed);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("allocfail");
    TCase *tc = tcase_create("inject");
    tcase_set_timeout(tc, 120);
    tcase_add_loop_test(tc, test_fail_every_allocation, 0, N_CASES);
    suite_add_tcase(s, tc);
    return pa_run_suite(s);
}
