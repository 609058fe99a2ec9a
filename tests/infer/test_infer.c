/* test_infer.c — ONNX loader, operators against PyTorch references, malformed models,
 * the default model, concurrency. Data: tests/data/infer (tools/make_infer_testdata.py). */
#include "common/pai.h"
#include "infer/infer_int.h"
#include "testutil.h"

#include <math.h>
#include <panalyzer/executor.h>
#include <panalyzer/infer.h>
#include <pthread.h>
#include <stdint.h>

/* ---- helpers ---------------------------------------------------------------------- */
static unsigned char *slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    ck_assert_msg(f != NULL, "cannot open %s", path);
    fseek(f, 0, SEEK_END);
    long sz = ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char *buf = malloc((size_t)sz + 1);
    ck_assert_uint_eq(fread(buf, 1, (size_t)sz, f), (size_t)sz);
    fclose(f);
    *n = (size_t)sz;
    return buf;
}

static const char *data_path(const char *name, const char *ext)
{
    static char buf[1024], rel[256];
    snprintf(rel, sizeof rel, "infer/%s%s", name, ext);
    return pa_test_data(rel, buf, sizeof buf);
}

typedef struct {
    unsigned nin, nout;
    pa_tensor t[16];
    unsigned char *raw;
} io_file;

static void io_read(const char *name, io_file *io)
{
    size_t n, at = 12;
    io->raw = slurp(data_path(name, ".io"), &n);
    ck_assert(n >= 12 && !memcmp(io->raw, "PAIO", 4));
    memcpy(&io->nin, io->raw + 4, 4);
    memcpy(&io->nout, io->raw + 8, 4);
    ck_assert_uint_le(io->nin + io->nout, 16);
    for (unsigned i = 0; i < io->nin + io->nout; i++) {
        pa_tensor *t = &io->t[i];
        uint32_t dt, nd;
        memcpy(&dt, io->raw + at, 4);
        memcpy(&nd, io->raw + at + 4, 4);
        at += 8;
        t->dtype = (int)dt;
        t->ndim = (int)nd;
        memcpy(t->shape, io->raw + at, 8 * nd);
        at += 8 * nd;
        t->data = io->raw + at; /* the file keeps 8-byte alignment for int64 only by luck:
                                   copy to be safe */
        size_t bytes = pa_tensor_numel(t) * (dt == PA_DT_FLOAT32 ? 4 : 8);
        void *copy = malloc(bytes + 1);
        memcpy(copy, io->raw + at, bytes);
        t->data = copy;
        at += bytes;
        ck_assert_uint_le(at, n);
    }
}

static void io_free(io_file *io)
{
    for (unsigned i = 0; i < io->nin + io->nout; i++)
        free(io->t[i].data);
    free(io->raw);
}

static double max_err(const pa_tensor *a, const pa_tensor *ref)
{
    ck_assert_int_eq(a->ndim, ref->ndim);
    for (int d = 0; d < a->ndim; d++)
        ck_assert_int_eq(a->shape[d], ref->shape[d]);
    ck_assert_int_eq(a->dtype, ref->dtype);
    double e = 0;
    size_t n = pa_tensor_numel(a);
    for (size_t i = 0; i < n; i++) {
        double x = a->dtype == PA_DT_FLOAT32 ? ((float *)a->data)[i] : ((int64_t *)a->data)[i];
        double y = a->dtype == PA_DT_FLOAT32 ? ((float *)ref->data)[i]
                                             : ((int64_t *)ref->data)[i];
        double d = fabs(x - y) / (1.0 + fabs(y));
        e = d > e || isnan(d) ? (isnan(d) ? INFINITY : d) : e;
    }
    return e;
}

/* ---- operator cases ------------------------------------------------------------------ */
START_TEST(test_operator_cases_match_pytorch)
{
    char buf[1024];
    FILE *f = fopen(pa_test_data("infer/cases.txt", buf, sizeof buf), "r");
    ck_assert_ptr_nonnull(f);
    char name[128];
    int ncases = 0;
    while (fscanf(f, "%127s", name) == 1) {
        pa_model *m;
        int rc = pa_model_load(&m, data_path(name, ".onnx"), NULL);
        ck_assert_msg(rc == 0, "%s: %s", name, pa_last_error());
        io_file io;
        io_read(name, &io);
        ck_assert_uint_eq(pa_model_num_inputs(m), io.nin);
        pa_tensor out[4];
        rc = pa_model_run(m, NULL, io.t, io.nin, out, io.nout);
        ck_assert_msg(rc == 0, "%s: run: %s", name, pa_last_error());
        for (unsigned k = 0; k < io.nout; k++) {
            double e = max_err(&out[k], &io.t[io.nin + k]);
            ck_assert_msg(e <= 1e-4, "%s: output %u differs from PyTorch by %g", name, k, e);
            pa_tensor_clear(&out[k]);
        }
        io_free(&io);
        pa_model_free(m);
        ncases++;
    }
    fclose(f);
    ck_assert_int_ge(ncases, 20);
}
END_TEST

/* Models with the operators ONNX Runtime's quantiser writes (tools/make_quant_testdata.py)
 * against numpy references of the ONNX definitions: within one output quantisation step
 * where the output is requantised (a rounding tie may fall either way), else 1e-4. QDQ
 * weights are folded at load, so the int8 / bf16 paths apply to them too. */
START_TEST(test_quantised_models_match_reference)
{
    char buf[1024];
    FILE *f = fopen(pa_test_data("infer/quant_cases.txt", buf, sizeof buf), "r");
    ck_assert_ptr_nonnull(f);
    char name[128];
    double step;
    int ncases = 0;
    while (fscanf(f, "%127s %lf", name, &step) == 2) {
        io_file io;
        io_read(name, &io);
        for (int prec = 0; prec < 3; prec++) {
            pa_model *m;
            pa_model_opts mo = PA_MODEL_OPTS_INIT;
            mo.precision = prec;
            ck_assert_msg(pa_model_load(&m, data_path(name, ".onnx"), &mo) == 0, "%s: %s", name,
                          pa_last_error());
            pa_tensor out;
            ck_assert_msg(pa_model_run(m, NULL, io.t, io.nin, &out, 1) == 0, "%s: run: %s", name,
                          pa_last_error());
            const float *y = out.data, *r = io.t[io.nin].data;
            /* reduced precisions: the float weights are requantised / rounded once more */
            double tol = step + (prec ? 0.05 : 1e-4);
            for (size_t i = 0; i < pa_tensor_numel(&out); i++)
                ck_assert_msg(fabs(y[i] - r[i]) <= tol * (1 + fabs(r[i])),
                              "%s (%s): y[%zu] = %g, reference %g", name, pa_model_kernel(m), i,
                              y[i], r[i]);
            pa_tensor_clear(&out);
            pa_model_free(m);
        }
        io_free(&io);
        ncases++;
    }
    fclose(f);
    ck_assert_int_ge(ncases, 4);
}
END_TEST

/* Malformed scales / zero points: PA_EINVAL naming the node, at load when they are
 * constants (DequantizeLinear folding), at run otherwise. */
START_TEST(test_malformed_quantisation_fails_cleanly)
{
    const char *at_load[] = {"bad_scale_count", "bad_zero_point_count", "bad_scale_type"};
    pa_model *m;
    for (int i = 0; i < 3; i++) {
        ck_assert_int_eq(pa_model_load(&m, data_path(at_load[i], ".onnx"), NULL), PA_EINVAL);
        ck_assert_ptr_nonnull(strstr(pa_last_error(), "DequantizeLinear"));
    }
    ck_assert_int_eq(pa_model_load(&m, data_path("bad_zero_scale", ".onnx"), NULL), 0);
    float x[16] = {0};
    pa_tensor in = {PA_DT_FLOAT32, 3, {1, 2, 8}, x}, out;
    ck_assert_int_eq(pa_model_run(m, NULL, &in, 1, &out, 1), PA_EINVAL);
    ck_assert_ptr_nonnull(strstr(pa_last_error(), "scale must be positive"));
    ck_assert_ptr_null(out.data);
    pa_model_free(m);
}
END_TEST

START_TEST(test_introspection_and_arguments)
{
    pa_model *m;
    ck_assert_int_eq(pa_model_load(&m, data_path("conv1d", ".onnx"), NULL), 0);
    ck_assert_uint_eq(pa_model_num_inputs(m), 1);
    ck_assert_uint_eq(pa_model_num_outputs(m), 1);
    ck_assert_uint_ge(pa_model_num_nodes(m), 1);
    pa_tensor_info info;
    ck_assert_int_eq(pa_model_input_info(m, 0, &info), 0);
    ck_assert_str_eq(info.name, "in0");
    ck_assert_int_eq(info.dtype, PA_DT_FLOAT32);
    ck_assert_int_eq(info.ndim, 3);
    ck_assert_int_eq(info.shape[0], -1);
    ck_assert_int_eq(info.shape[1], 4);
    ck_assert_int_eq(pa_model_output_info(m, 0, &info), 0);
    ck_assert_str_eq(info.name, "out");
    ck_assert_int_eq(pa_model_input_info(m, 1, &info), PA_EINVAL);

    float x[2 * 4 * 3] = {0};
    int64_t ids[6] = {0};
    pa_tensor in = {PA_DT_FLOAT32, 3, {2, 4, 3}, x}, out;
    pa_tensor bad_type = {PA_DT_INT64, 3, {2, 4, 3}, ids};
    pa_tensor bad_rank = {PA_DT_FLOAT32, 2, {4, 3}, x};
    pa_tensor bad_dim = {PA_DT_FLOAT32, 3, {2, 5, 3}, x};
    ck_assert_int_eq(pa_model_run(m, NULL, &bad_type, 1, &out, 1), PA_EINVAL);
    ck_assert_int_eq(pa_model_run(m, NULL, &bad_rank, 1, &out, 1), PA_EINVAL);
    ck_assert_int_eq(pa_model_run(m, NULL, &bad_dim, 1, &out, 1), PA_EINVAL);
    ck_assert_int_eq(pa_model_run(m, NULL, &in, 0, &out, 1), PA_EINVAL);
    ck_assert_int_eq(pa_model_run(m, NULL, &in, 1, &out, 2), PA_EINVAL);
    ck_assert_int_eq(pa_model_run(NULL, NULL, &in, 1, &out, 1), PA_EINVAL);
    /* length 3 with kernel span 9 and padding 4 each side: 3 outputs */
    ck_assert_int_eq(pa_model_run(m, NULL, &in, 1, &out, 1), 0);
    ck_assert_int_eq(out.shape[2], 3);
    pa_tensor_clear(&out);
    pa_tensor_clear(NULL);
    ck_assert_int_eq(pa_model_warmup(m, 2, 16, 2), 0);
    pa_model_free(m);
    pa_model_free(NULL);
    ck_assert_int_eq(pa_model_load(&m, "/nonexistent/x.onnx", NULL), PA_EIO);
    ck_assert_int_eq(pa_model_load_memory(&m, "", 0, NULL), PA_EFORMAT);
    ck_assert_int_eq(pa_model_load(NULL, "x", NULL), PA_EINVAL);
}
END_TEST

/* ---- malformed input ----------------------------------------------------------------- */
START_TEST(test_unsupported_operator_is_named)
{
    pa_model *m = (pa_model *)1;
    int rc = pa_model_load(&m, data_path("unsupported", ".onnx"), NULL);
    ck_assert_int_eq(rc, PA_EUNSUPPORTED);
    ck_assert_ptr_null(m);
    ck_assert_ptr_nonnull(strstr(pa_last_error(), "the_hardmax"));
    ck_assert_ptr_nonnull(strstr(pa_last_error(), "Hardmax"));
}
END_TEST

static int try_model(const unsigned char *buf, size_t n, const pa_tensor *in)
{
    pa_model *m = NULL;
    int rc = pa_model_load_memory(&m, buf, n, NULL);
    if (rc) {
        ck_assert_ptr_null(m);
        ck_assert_int_lt(rc, 0);
        ck_assert_str_ne(pa_last_error(), "");
        return rc;
    }
    if (in) {
        pa_tensor out[2];
        if (pa_model_num_inputs(m) == 1 && pa_model_run(m, NULL, in, 1, out, 1) == 0)
            pa_tensor_clear(&out[0]);
    }
    pa_model_free(m);
    return 0;
}

START_TEST(test_truncated_models_fail_cleanly)
{
    const char *names[] = {"conv1d", "reshape_dynamic", "pad", "batchnorm"};
    for (size_t k = 0; k < 4; k++) {
        size_t n;
        unsigned char *buf = slurp(data_path(names[k], ".onnx"), &n);
        ck_assert_int_eq(try_model(buf, n, NULL), 0);
        for (size_t cut = 0; cut < n; cut += (size_t)pa_test_stride()) {
            unsigned char *part = malloc(cut + 1); /* exact size: ASan sees overreads */
            memcpy(part, buf, cut);
            int rc = try_model(part, cut, NULL);
            ck_assert_msg(rc < 0, "%s cut at %zu loaded", names[k], cut);
            free(part);
        }
        free(buf);
    }
}
END_TEST

START_TEST(test_corrupted_models_do_not_crash)
{
    const char *names[] = {"conv1d", "reshape_dynamic", "slice_concat", "embedding", "gemm"};
    uint64_t s = 12345;
    for (size_t k = 0; k < 5; k++) {
        size_t n;
        unsigned char *buf = slurp(data_path(names[k], ".onnx"), &n);
        io_file io;
        io_read(names[k], &io);
        for (int iter = 0; iter < 600; iter += pa_test_stride()) {
            unsigned char *c = malloc(n);
            memcpy(c, buf, n);
            for (int f = 0; f < 1 + iter % 3; f++) {
                s = s * 6364136223846793005ull + 1442695040888963407ull;
                size_t pos = (size_t)(s >> 33) % n;
                c[pos] = (unsigned char)(iter & 1 ? c[pos] ^ (1u << ((s >> 20) & 7))
                                                  : (s >> 40));
            }
            try_model(c, n, io.nin == 1 ? &io.t[0] : NULL);
            free(c);
        }
        io_free(&io);
        free(buf);
    }
    unsigned char junk[4096];
    for (size_t i = 0; i < sizeof junk; i++)
        junk[i] = (unsigned char)(i * 131 + 7);
    ck_assert_int_lt(try_model(junk, sizeof junk, NULL), 0);
    ck_assert_int_lt(try_model((const unsigned char *)"not an onnx file\n", 17, NULL), 0);
}
END_TEST

START_TEST(test_allocation_failures_are_clean)
{
    size_t n;
    unsigned char *buf = slurp(data_path("reshape_dynamic", ".onnx"), &n);
    io_file io;
    io_read("reshape_dynamic", &io);
    int ok = 0;
    for (uint64_t k = 1; k < 400 && !ok; k++) {
        pa_model *m = NULL;
        pa_tensor out;
        pai_alloc_fail_after(k);
        int rc = pa_model_load_memory(&m, buf, n, NULL);
        if (rc == 0) {
            rc = pa_model_run(m, NULL, io.t, 1, &out, 1);
            if (rc == 0) {
                pa_tensor_clear(&out);
                ok = 1;
            }
            pa_model_free(m);
        }
        pai_alloc_fail_after(0);
        if (rc)
            ck_assert_int_lt(rc, 0);
    }
    ck_assert(ok);
    io_free(&io);
    free(buf);
}
END_TEST

/* ---- default model ----------------------------------------------------------------------- */
/* The built-in model is embedded from models/ss3.onnx; a build without it has none. */
static int have_default(void)
{
    size_t n = 0;
    char buf[1024];
    pa_model_default_data(&n);
    FILE *f = fopen(pa_test_data("infer/ss3_ref.txt", buf, sizeof buf), "r");
    if (f)
        fclose(f);
    return n > 0 && f != NULL;
}

typedef struct {
    char *seq[16];
    float *prob[16];
    size_t n;
} ref_set;

/* file: per line a sequence, a tab, w probabilities per residue (PyTorch's). */
static void ref_read(ref_set *r, const char *file, int w)
{
    char buf[1024];
    size_t sz;
    char *txt = (char *)slurp(pa_test_data(file, buf, sizeof buf), &sz);
    txt[sz] = '\0';
    r->n = 0;
    for (char *line = strtok(txt, "\n"); line; line = strtok(NULL, "\n")) {
        if (line[0] == '#')
            continue;
        char *tab = strchr(line, '\t');
        ck_assert_ptr_nonnull(tab);
        *tab = '\0';
        size_t len = strlen(line);
        r->seq[r->n] = strdup(line);
        r->prob[r->n] = malloc((size_t)w * len * sizeof(float));
        char *p = tab + 1;
        for (size_t i = 0; i < (size_t)w * len; i++)
            r->prob[r->n][i] = strtof(p, &p), p += *p ? 1 : 0;
        r->n++;
    }
    free(txt);
}

static void ref_free(ref_set *r)
{
    for (size_t i = 0; i < r->n; i++) {
        free(r->seq[i]);
        free(r->prob[i]);
    }
}

static int max_index(const float *p, int w)
{
    int b = 0;
    for (int k = 1; k < w; k++)
        b = p[k] > p[b] ? k : b;
    return b;
}

static void check_against_ref(const ref_set *ref, const pa_ss_result *res)
{
    ck_assert_uint_eq(res->n, ref->n);
    for (size_t i = 0; i < ref->n; i++) {
        size_t len = strlen(ref->seq[i]);
        ck_assert_uint_eq(res->len[i], len);
        ck_assert_uint_eq(strlen(res->ss3[i]), len);
        for (size_t j = 0; j < 3 * len; j++)
            ck_assert_msg(fabsf(res->prob[i][j] - ref->prob[i][j]) < 1e-4,
                          "seq %zu residue %zu: %g vs %g", i, j / 3, res->prob[i][j],
                          ref->prob[i][j]);
        for (size_t j = 0; j < len; j++) {
            const float *q = ref->prob[i] + 3 * j;
            char c = res->ss3[i][j];
            ck_assert(c == 'H' || c == 'E' || c == 'C');
            float pc = q[c == 'H' ? 0 : c == 'E' ? 1 : 2];
            ck_assert(pc >= q[0] - 1e-4f && pc >= q[1] - 1e-4f && pc >= q[2] - 1e-4f);
        }
    }
}

START_TEST(test_default_model_matches_pytorch)
{
    if (!have_default())
        return;
    size_t sz;
    ck_assert_ptr_nonnull(pa_model_default_data(&sz));
    ck_assert_uint_gt(sz, 1000);
    pa_model *m;
    ck_assert_int_eq(pa_model_load_default(&m), 0);
    pa_tensor_info info;
    ck_assert_int_eq(pa_model_input_info(m, 0, &info), 0);
    ck_assert_int_eq(info.dtype, PA_DT_INT64);
    /* GELU subgraphs, residual Adds and mask Muls fused into the convolutions: 13 Conv,
     * 4 Transpose, 2 Gather, 2 Softmax (the 3- and the 8-state head) */
    ck_assert_uint_eq(pa_model_num_nodes(m), 21);
    ck_assert_uint_eq(pa_model_num_outputs(m), 2);
    ref_set ref;
    ref_read(&ref, "infer/ss3_ref.txt", 3);
    ck_assert_uint_ge(ref.n, 3);
    /* batch 1 (each sequence alone, as the reference) and batch 16 (padded together) */
    int batches[2] = {1, 16};
    for (int b = 0; b < 2; b++) {
        pa_ss_opts o = PA_SS_OPTS_INIT;
        o.batch = batches[b];
        o.probs = 1;
        pa_ss_result *res;
        ck_assert_int_eq(pa_predict_ss(m, (const char *const *)ref.seq, ref.n, &o, &res), 0);
        check_against_ref(&ref, res);
        pa_ss_result_free(res);
    }
    /* the 8-state head against PyTorch, padded in a batch */
    ref_set ref8;
    ref_read(&ref8, "infer/ss8_ref.txt", 8);
    pa_ss_opts o8 = PA_SS_OPTS_INIT;
    o8.probs = o8.ss8 = 1;
    pa_ss_result *r8;
    ck_assert_int_eq(pa_predict_ss(m, (const char *const *)ref8.seq, ref8.n, &o8, &r8), 0);
    for (size_t i = 0; i < ref8.n; i++)
        for (size_t j = 0; j < 8 * r8->len[i]; j++) {
            ck_assert_msg(fabsf(r8->prob8[i][j] - ref8.prob[i][j]) < 1e-4, "seq %zu: %g vs %g", i,
                          r8->prob8[i][j], ref8.prob[i][j]);
            if (j % 8 == 0) /* the letter is the most probable state */
                ck_assert_int_eq(r8->ss8[i][j / 8],
                                 "HGIEBTSC"[max_index(r8->prob8[i] + j, 8)]);
        }
    pa_ss_result_free(r8);
    ref_free(&ref8);
    /* version-1 options (no ss8 field) are still accepted */
    pa_ss_opts v1 = PA_SS_OPTS_INIT;
    v1.version = 1;
    ck_assert_int_eq(pa_predict_ss(m, (const char *const *)ref.seq, 1, &v1, &r8), 0);
    ck_assert_ptr_null(r8->ss8);
    pa_ss_result_free(r8);
    /* m = NULL uses the shared built-in model; lowercase and empty sequences work */
    const char *seqs[3] = {"mkvlaa", "", "MKVLAA"};
    pa_ss_result *res;
    ck_assert_int_eq(pa_predict_ss(NULL, seqs, 3, NULL, &res), 0);
    ck_assert_ptr_null(res->prob);
    ck_assert_str_eq(res->ss3[1], "");
    ck_assert_str_eq(res->ss3[0], res->ss3[2]);
    pa_ss_result_free(res);
    pa_ss_result_free(NULL);
    pa_ss_opts bad = PA_SS_OPTS_INIT;
    bad.version = 99;
    ck_assert_int_eq(pa_predict_ss(m, seqs, 3, &bad, &res), PA_EINVAL);
    ck_assert_int_eq(pa_predict_ss(m, seqs, 3, NULL, NULL), PA_EINVAL);
    ref_free(&ref);
    pa_model_free(m);
}
END_TEST

/* ---- reduced precision on the default model ------------------------------------------- */
/* Columns seq, ss3, mask of tests/data/infer/cb513_subset.tsv (every 6th CB513 chain). */
typedef struct {
    char *txt;
    char *seq[256], *ss3[256], *mask[256];
    size_t n;
} label_set;

static void labels_read(label_set *l, size_t max, size_t maxlen)
{
    char buf[1024];
    size_t sz;
    l->txt = (char *)slurp(pa_test_data("infer/cb513_subset.tsv", buf, sizeof buf), &sz);
    l->txt[sz] = '\0';
    l->n = 0;
    char *save = NULL;
    strtok_r(l->txt, "\n", &save); /* header: id seq ss3 ss8 mask */
    for (char *line; l->n < max && l->n < 256 && (line = strtok_r(NULL, "\n", &save));) {
        char *f[5], *s2 = NULL;
        int nf = 0;
        for (char *t = strtok_r(line, "\t", &s2); t && nf < 5; t = strtok_r(NULL, "\t", &s2))
            f[nf++] = t;
        ck_assert_int_eq(nf, 5);
        if (strlen(f[1]) > maxlen)
            continue;
        l->seq[l->n] = f[1], l->ss3[l->n] = f[2], l->mask[l->n] = f[4];
        l->n++;
    }
}

/* Q3 (percent) of the model on the labelled residues; the result is kept in *res. */
static double q3_of(const pa_model *m, const label_set *l, pa_ss_result **res)
{
    pa_ss_opts o = PA_SS_OPTS_INIT;
    o.probs = 1;
    o.batch = 16;
    ck_assert_int_eq(pa_metrics_new(&o.metrics), 0);
    ck_assert_msg(pa_predict_ss(m, (const char *const *)l->seq, l->n, &o, res) == 0, "%s",
                  pa_last_error());
    /* the metrics say which path ran */
    char stage[64];
    pa_stage_stats st;
    snprintf(stage, sizeof stage, "ss_batch_%s", pa_model_kernel(m));
    ck_assert_int_eq(pa_metrics_stage(o.metrics, stage, &st), 0);
    ck_assert_int_eq(pa_metrics_stage(o.metrics, "ss_batch", &st), 0);
    pa_metrics_free(o.metrics);
    size_t ok = 0, tot = 0;
    for (size_t i = 0; i < l->n; i++)
        for (size_t j = 0; j < (*res)->len[i]; j++)
            if (l->mask[i][j] == '1') {
                ok += (*res)->ss3[i][j] == l->ss3[i][j];
                tot++;
            }
    return 100.0 * (double)ok / (double)(tot ? tot : 1);
}

/* bf16 and int8 on every fast ISA path (forced; bf16 also by Winograd, forced) and by
 * dispatch: Q3 within 0.3 points of fp32 and per-residue probabilities within 0.05 (mean
 * 0.005) of fp32's. */
START_TEST(test_default_model_reduced_precision)
{
    if (!have_default())
        return;
    label_set l;
    /* the whole subset (22k residues) in optimised builds; sanitizer / debug builds check the
     * same paths on 12 short chains (the kernels unoptimised are ~100x slower) */
#ifdef __OPTIMIZE__
    labels_read(&l, pa_test_quick() ? 6 : 256, pa_test_quick() ? 100 : 100000);
#else
    labels_read(&l, 12, 100);
#endif
    pa_model *m;
    pa_ss_result *ref, *res;
    ck_assert_int_eq(pa_model_load_default(&m), 0);
    double q_ref = q3_of(m, &l, &ref);
    pa_model_free(m);
    const char *isas[4] = {"avx512", "avx2", NULL, "avx512"}; /* the last: bf16 Winograd */
    for (int prec = PA_PRECISION_BF16; prec <= PA_PRECISION_INT8; prec++)
        for (int k = 0; k < 4; k++) {
            if (prec == PA_PRECISION_BF16 ? k == 1 : k == 3)
                continue; /* no AVX2 bf16 kernel: that would be fp32 again */
            if (k == 3)
                setenv("PA_INFER_WINOGRAD", "1", 1);
            else
                unsetenv("PA_INFER_WINOGRAD");
            if (isas[k])
                setenv("PA_INFER_ISA", isas[k], 1);
            else
                unsetenv("PA_INFER_ISA");
            pa_model_opts mo = PA_MODEL_OPTS_INIT;
            mo.precision = prec;
            if (pa_model_load_default_opts(&m, &mo)) /* an ISA this CPU lacks */
                continue;
            double q = q3_of(m, &l, &res), err = 0, maxerr = 0;
            size_t cnt = 0;
            for (size_t i = 0; i < l.n; i++)
                for (size_t j = 0; j < 3 * res->len[i]; j++, cnt++) {
                    double e = fabs(res->prob[i][j] - ref->prob[i][j]);
                    err += e;
                    maxerr = e > maxerr ? e : maxerr;
                }
            err /= (double)(cnt ? cnt : 1);
            ck_assert_msg(fabs(q - q_ref) <= 0.3 && maxerr < 0.05 && err < 0.005,
                          "%s: Q3 %.3f vs fp32 %.3f, probability error mean %.5f max %.4f",
                          pa_model_kernel(m), q, q_ref, err, maxerr);
            ck_assert(k != 3 || pa_model_precision(m) != PA_PRECISION_BF16 ||
                      !strcmp(pa_model_kernel(m), "bf16-avx512-winograd"));
            fprintf(stderr, "%s: Q3 %.3f vs fp32 %.3f, probability error mean %.5f max %.4f\n",
                    pa_model_kernel(m), q, q_ref, err, maxerr);
            pa_ss_result_free(res);
            pa_model_free(m);
        }
    unsetenv("PA_INFER_ISA");
    unsetenv("PA_INFER_WINOGRAD");
    pa_ss_result_free(ref);
    free(l.txt);
}
END_TEST

/* fp32 Winograd (forced, each fast ISA) against the direct kernel on the built-in model: Q3
 * on the stored subset unchanged (within 0.05 points) and per-residue probabilities within
 * 1e-4 of the direct path's. */
START_TEST(test_default_model_winograd)
{
    if (!have_default())
        return;
    label_set l;
#ifdef __OPTIMIZE__
    labels_read(&l, pa_test_quick() ? 6 : 128, pa_test_quick() ? 100 : 100000);
#else
    labels_read(&l, 12, 100);
#endif
    const char *isas[2] = {"avx512", "avx2"};
    for (int k = 0; k < 2; k++) {
        pa_model *m;
        pa_ss_result *ref, *res;
        setenv("PA_INFER_ISA", isas[k], 1);
        setenv("PA_INFER_WINOGRAD", "0", 1);
        if (pa_model_load_default(&m)) /* an ISA this CPU lacks */
            continue;
        double q_ref = q3_of(m, &l, &ref), maxerr = 0;
        pa_model_free(m);
        setenv("PA_INFER_WINOGRAD", "1", 1);
        ck_assert_int_eq(pa_model_load_default(&m), 0);
        ck_assert_ptr_nonnull(strstr(pa_model_kernel(m), "-winograd"));
        double q = q3_of(m, &l, &res);
        for (size_t i = 0; i < l.n; i++)
            for (size_t j = 0; j < 3 * res->len[i]; j++)
                maxerr = fmax(maxerr, fabs(res->prob[i][j] - ref->prob[i][j]));
        ck_assert_msg(fabs(q - q_ref) <= 0.05 && maxerr <= 1e-4,
                      "%s: Q3 %.3f vs direct %.3f, probability error max %.3g",
                      pa_model_kernel(m), q, q_ref, maxerr);
        fprintf(stderr, "%s: Q3 %.3f (direct %.3f), max probability error %.3g\n",
                pa_model_kernel(m), q, q_ref, maxerr);
        pa_ss_result_free(ref);
        pa_ss_result_free(res);
        pa_model_free(m);
    }
    unsetenv("PA_INFER_ISA");
    unsetenv("PA_INFER_WINOGRAD");
    free(l.txt);
}
END_TEST

START_TEST(test_default_model_truncated)
{
    if (!have_default())
        return;
    size_t n;
    const unsigned char *data = pa_model_default_data(&n);
    for (int k = 0; k < 120; k += pa_test_stride()) {
        size_t cut = (size_t)((double)n * k / 120.0) + (size_t)k * 7 % 97;
        if (cut >= n)
            continue;
        unsigned char *part = malloc(cut + 1);
        memcpy(part, data, cut);
        ck_assert_int_lt(try_model(part, cut, NULL), 0);
        free(part);
    }
}
END_TEST

/* A run over its pa_model_opts.max_run_bytes fails before allocating, with a clear
 * message; within the budget it equals an unbudgeted run, also with a reused workspace. */
static int run_ids(const pa_model *m, pa_infer_ws *ws, int64_t B, int64_t L, pa_tensor *out)
{
    int64_t *ids = malloc((size_t)(B * L) * sizeof *ids);
    for (int64_t i = 0; i < B * L; i++)
        ids[i] = 1 + i * 7 % 21;
    pa_tensor in = {PA_DT_INT64, 2, {B, L}, ids};
    int rc = pa_model_run(m, ws, &in, 1, out, 1);
    free(ids);
    return rc;
}

START_TEST(test_run_memory_budget)
{
    if (!have_default())
        return;
    size_t sz;
    const void *data = pa_model_default_data(&sz);
    pa_model *free_m, *tight, *roomy, *v1;
    pa_model_opts o = PA_MODEL_OPTS_INIT;
    ck_assert_int_eq(pa_model_load_memory(&free_m, data, sz, &o), 0);
    o.max_run_bytes = 1 << 16;
    ck_assert_int_eq(pa_model_load_memory(&tight, data, sz, &o), 0);
    o.max_run_bytes = (size_t)64 << 20;
    ck_assert_int_eq(pa_model_load_memory(&roomy, data, sz, &o), 0);
    o.version = 1; /* callers built against version 1 have no budget field */
    o.max_run_bytes = 1;
    ck_assert_int_eq(pa_model_load_memory(&v1, data, sz, &o), 0);

    pa_tensor ref, out;
    ck_assert_int_eq(run_ids(free_m, NULL, 2, 64, &ref), 0);
    ck_assert_int_eq(run_ids(tight, NULL, 2, 64, &out), PA_ENOMEM);
    ck_assert_ptr_nonnull(strstr(pa_last_error(), "max_run_bytes"));
    ck_assert_ptr_null(out.data);
    pa_infer_ws *ws;
    ck_assert_int_eq(pa_infer_ws_new(&ws), 0);
    for (int rep = 0; rep < 3; rep++) {
        pa_model *m = rep == 2 ? v1 : roomy;
        ck_assert_int_eq(run_ids(m, ws, 2, 64, &out), 0);
        ck_assert_mem_eq(out.data, ref.data, pa_tensor_numel(&ref) * sizeof(float));
        pa_tensor_clear(&out);
    }
    /* the workspace now holds scratch from big runs: a tight model still fails cleanly */
    ck_assert_int_eq(run_ids(tight, ws, 1, 10, &out), PA_ENOMEM);
    pa_infer_ws_free(ws);
    pa_tensor_clear(&ref);
    pa_model_free(free_m);
    pa_model_free(tight);
    pa_model_free(roomy);
    pa_model_free(v1);
}
END_TEST

/* ---- concurrency ---------------------------------------------------------------------------- */
#define NSEQ 48
static char *gen_seqs[NSEQ];
static size_t nseq(void) { return pa_test_quick() ? 12 : NSEQ; } /* valgrind: fewer */

static void make_seqs(void)
{
    const char *aa = "ACDEFGHIKLMNPQRSTVWYX";
    uint64_t s = 99;
    for (int i = 0; i < NSEQ; i++) {
        size_t len = 5 + (size_t)(i * 37 % (pa_test_quick() ? 30 : 190)); /* valgrind: short */
        gen_seqs[i] = malloc(len + 1);
        for (size_t j = 0; j < len; j++) {
            s = s * 6364136223846793005ull + 1;
            gen_seqs[i][j] = aa[(s >> 33) % 21];
        }
        gen_seqs[i][len] = '\0';
    }
}

typedef struct {
    const pa_model *m;
    const pa_ss_result *serial;
    int ok;
} thread_arg;

static int same_result(const pa_ss_result *a, const pa_ss_result *b)
{
    if (a->n != b->n)
        return 0;
    for (size_t i = 0; i < a->n; i++) {
        if (strcmp(a->ss3[i], b->ss3[i]))
            return 0;
        for (size_t j = 0; j < 3 * a->len[i]; j++)
            if (fabsf(a->prob[i][j] - b->prob[i][j]) > 1e-5f)
                return 0;
    }
    return 1;
}

static void *worker(void *p)
{
    thread_arg *a = p;
    a->ok = 1;
    for (int rep = 0; rep < (pa_test_quick() ? 1 : 3); rep++) {
        pa_ss_opts o = PA_SS_OPTS_INIT;
        o.batch = 8 + rep * 5;
        o.probs = 1;
        pa_ss_result *r;
        if (pa_predict_ss(a->m, (const char *const *)gen_seqs, nseq(), &o, &r)) {
            a->ok = 0;
            return NULL;
        }
        a->ok &= same_result(r, a->serial);
        pa_ss_result_free(r);
    }
    return NULL;
}

START_TEST(test_concurrent_runs_agree_with_serial)
{
    if (!have_default())
        return;
    make_seqs();
    pa_model *m;
    ck_assert_int_eq(pa_model_load_default(&m), 0);
    pa_ss_opts o = PA_SS_OPTS_INIT;
    o.batch = 1;
    o.probs = 1;
    pa_ss_result *serial;
    ck_assert_int_eq(pa_predict_ss(m, (const char *const *)gen_seqs, nseq(), &o, &serial), 0);

    pthread_t th[6];
    thread_arg args[6];
    int nth = pa_test_quick() ? 2 : 6;
    for (int t = 0; t < nth; t++) {
        args[t] = (thread_arg){m, serial, 0};
        ck_assert_int_eq(pthread_create(&th[t], NULL, worker, &args[t]), 0);
    }
    for (int t = 0; t < nth; t++) {
        pthread_join(th[t], NULL);
        ck_assert_msg(args[t].ok, "thread %d disagrees with the serial run", t);
    }

    pa_executor *ex;
    pa_executor_opts eo = PA_EXECUTOR_OPTS_INIT;
    eo.threads = 4;
    ck_assert_int_eq(pa_executor_new(&ex, &eo), 0);
    pa_metrics *met;
    ck_assert_int_eq(pa_metrics_new(&met), 0);
    o.batch = 4;
    o.executor = ex;
    o.metrics = met;
    pa_ss_result *par;
    ck_assert_int_eq(pa_predict_ss(m, (const char *const *)gen_seqs, nseq(), &o, &par), 0);
    ck_assert(same_result(par, serial));
    pa_stage_stats st;
    ck_assert_int_eq(pa_metrics_stage(met, "ss_batch", &st), 0);
    ck_assert_uint_eq(st.count, nseq() / 4);
    pa_ss_result_free(par);
    pa_metrics_free(met);
    pa_executor_free(ex);
    pa_ss_result_free(serial);
    pa_model_free(m);
    for (int i = 0; i < NSEQ; i++)
        free(gen_seqs[i]);
}
END_TEST

/* Repeated protobuf fields: one value or a packed run; a varint cut off by the packed
 * length is a format error, not truncation of the whole message. */
START_TEST(test_pb_repeated_fields)
{
    static const uint8_t one[] = {0x96, 0x01}, packed[] = {0x03, 0x01, 0x96, 0x01},
                         cut[] = {0x02, 0x01, 0x96, 0x01}, flt[] = {0x00, 0x00, 0x80, 0x3f};
    int64_t *v = NULL;
    size_t n = 0, cap = 0;
    pai_pb r = {one, one + sizeof one};
    ck_assert_int_eq(pai_pb_int64s(&r, PAI_WT_VARINT, &v, &n, &cap), 0);
    r = (pai_pb){packed, packed + sizeof packed};
    ck_assert_int_eq(pai_pb_int64s(&r, PAI_WT_LEN, &v, &n, &cap), 0);
    ck_assert_uint_eq(n, 3);
    ck_assert(v[0] == 150 && v[1] == 1 && v[2] == 150);
    r = (pai_pb){cut, cut + sizeof cut};
    ck_assert_int_eq(pai_pb_int64s(&r, PAI_WT_LEN, &v, &n, &cap), PA_EFORMAT);
    r = (pai_pb){one, one + sizeof one};
    ck_assert_int_eq(pai_pb_int64s(&r, PAI_WT_I32, &v, &n, &cap), PA_EFORMAT);
    pai_free(v);
    float *f = NULL;
    n = cap = 0;
    r = (pai_pb){flt, flt + sizeof flt};
    ck_assert_int_eq(pai_pb_floats(&r, PAI_WT_I32, &f, &n, &cap), 0);
    ck_assert(n == 1 && f[0] == 1.0f);
    r = (pai_pb){flt, flt + sizeof flt};
    ck_assert_int_eq(pai_pb_floats(&r, PAI_WT_VARINT, &f, &n, &cap), PA_EFORMAT);
    pai_free(f);
}
END_TEST

static Suite *infer_suite(void)
{
    Suite *s = suite_create("infer");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, test_operator_cases_match_pytorch);
    tcase_add_test(tc, test_introspection_and_arguments);
    tcase_add_test(tc, test_quantised_models_match_reference);
    tcase_add_test(tc, test_malformed_quantisation_fails_cleanly);
    tcase_add_test(tc, test_unsupported_operator_is_named);
    tcase_add_test(tc, test_pb_repeated_fields);
    tcase_add_test(tc, test_truncated_models_fail_cleanly);
    tcase_add_test(tc, test_corrupted_models_do_not_crash);
    tcase_add_test(tc, test_allocation_failures_are_clean);
    tcase_add_test(tc, test_default_model_matches_pytorch);
    tcase_add_test(tc, test_default_model_truncated);
    tcase_add_test(tc, test_default_model_reduced_precision);
    tcase_add_test(tc, test_default_model_winograd);
    tcase_add_test(tc, test_run_memory_budget);
    tcase_add_test(tc, test_concurrent_runs_agree_with_serial);
    suite_add_tcase(s, tc);
    return s;
}

int main(void) { return pa_run_suite(infer_suite()); }
