/* bench_infer.c — timing driver for the inference engine (run by bench/infer/run_bench.py,
 * which times PyTorch on the same models in the same run and prints the ratios).
 *
 *   bench_infer ss MODEL|- B L SECONDS        [B, L] random ids through the model
 *   bench_infer image MODEL N C H W SECONDS   a float [N, C, H, W] input
 *   bench_infer predict MODEL|- TSV THREADS BATCH   pa_predict_ss over the seq column
 *   bench_infer accuracy MODEL|- TSV          Q3 (Q8), probability error of bf16/int8 vs fp32
 *   bench_infer gemm M N K SECONDS            cblas_sgemm GFLOP/s (single thread)
 *   bench_infer fma SECONDS                   FMA peak GFLOP/s of one core (AVX-512, AVX2)
 * Each prints one JSON object per line. PA_BENCH_PRECISION=fp32|bf16|int8 loads the model in
 * that precision; "kernel" says which convolution path ran (after dispatch). */
#include <cblas.h>
#include <panalyzer.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

void openblas_set_num_threads(int);

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* CPU seconds of this process: on a shared machine, the time we actually ran. */
static double cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double pct(double *v, int n, double p)
{
    int k = (int)(p * n + 0.5) - 1; /* nearest rank */
    return v[k < 0 ? 0 : k >= n ? n - 1 : k];
}

static const char *g_kernel = "";

static void report(const char *what, double *lat, int n, double items, double cpu)
{
    qsort(lat, (size_t)n, sizeof *lat, cmp_d);
    double tot = 0;
    for (int i = 0; i < n; i++)
        tot += lat[i];
    printf("{\"bench\":\"%s\",\"runs\":%d,\"p50_ms\":%.3f,\"p95_ms\":%.3f,\"p99_ms\":%.3f,"
           "\"items_per_s\":%.1f,\"cpu_items_per_s\":%.1f,\"kernel\":\"%s\"}\n",
           what, n, 1e3 * pct(lat, n, .5), 1e3 * pct(lat, n, .95), 1e3 * pct(lat, n, .99),
           items * n / tot, items * n / cpu, g_kernel);
}

static pa_model *load(const char *path)
{
    pa_model *m;
    pa_model_opts o = PA_MODEL_OPTS_INIT;
    const char *p = getenv("PA_BENCH_PRECISION");
    int rc = p && *p ? pa_precision_parse(p, &o.precision) : 0;
    if (!rc)
        rc = strcmp(path, "-") ? pa_model_load(&m, path, &o) : pa_model_load_default_opts(&m, &o);
    if (rc) {
        fprintf(stderr, "bench_infer: %s\n", pa_last_error());
        exit(1);
    }
    g_kernel = pa_model_kernel(m);
    return m;
}

/* Run the model repeatedly on `in` for about `seconds` (at least 3 runs). */
static void time_runs(const char *what, pa_model *m, pa_tensor *in, double seconds, double items)
{
    pa_infer_ws *ws;
    pa_infer_ws_new(&ws);
    pa_tensor out;
    if (pa_model_run(m, ws, in, 1, &out, 1)) { /* warm-up */
        fprintf(stderr, "bench_infer: %s\n", pa_last_error());
        exit(1);
    }
    pa_tensor_clear(&out);
    int cap = 4096, n = 0;
    double *lat = malloc(cap * sizeof *lat), t_end = now() + seconds, c0 = cpu_now();
    while (n < cap && (n < 3 || now() < t_end)) {
        double t0 = now();
        pa_model_run(m, ws, in, 1, &out, 1);
        lat[n++] = now() - t0;
        pa_tensor_clear(&out);
    }
    report(what, lat, n, items, cpu_now() - c0);
    free(lat);
    pa_infer_ws_free(ws);
}

static int bench_ss(char **a)
{
    pa_model *m = load(a[0]);
    int64_t B = atol(a[1]), L = atol(a[2]);
    int64_t *ids = malloc((size_t)(B * L) * sizeof *ids);
    srand(1);
    for (int64_t i = 0; i < B * L; i++)
        ids[i] = 1 + rand() % 20;
    pa_tensor in = {PA_DT_INT64, 2, {B, L}, ids};
    char what[64];
    snprintf(what, sizeof what, "ss_b%lld_l%lld", (long long)B, (long long)L);
    time_runs(what, m, &in, atof(a[3]), (double)(B * L));
    free(ids);
    pa_model_free(m);
    return 0;
}

static int bench_image(char **a)
{
    pa_model *m = load(a[0]);
    int64_t N = atol(a[1]), C = atol(a[2]), H = atol(a[3]), W = atol(a[4]);
    size_t n = (size_t)(N * C * H * W);
    float *x = malloc(n * sizeof *x);
    for (size_t i = 0; i < n; i++)
        x[i] = (float)((i * 2654435761u) % 1000) / 1000.0f - 0.5f;
    pa_tensor in = {PA_DT_FLOAT32, 4, {N, C, H, W}, x};
    char what[64];
    snprintf(what, sizeof what, "image_n%lld", (long long)N);
    time_runs(what, m, &in, atof(a[5]), (double)N);
    free(x);
    pa_model_free(m);
    return 0;
}

/* Columns seq, ss3, ss8, mask of a TSV with a header (absent columns stay NULL). */
typedef struct {
    size_t n, res;
    char **col[4];
} tsv;

static void tsv_read(const char *path, tsv *t)
{
    static const char *const names[4] = {"seq", "ss3", "ss8", "mask"};
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "bench_infer: cannot open %s\n", path);
        exit(1);
    }
    size_t cap = 1024;
    int idx[4] = {-1, -1, -1, -1}, header = 1;
    memset(t, 0, sizeof *t);
    for (int c = 0; c < 4; c++)
        t->col[c] = calloc(cap, sizeof(char *));
    static char line[1 << 16];
    while (fgets(line, sizeof line, f)) {
        char *fields[8], *save;
        int nf = 0;
        for (char *x = strtok_r(line, "\t\n", &save); x && nf < 8; x = strtok_r(NULL, "\t\n", &save))
            fields[nf++] = x;
        if (header) {
            for (int k = 0; k < nf; k++)
                for (int c = 0; c < 4; c++)
                    idx[c] = strcmp(fields[k], names[c]) ? idx[c] : k;
            header = 0;
            continue;
        }
        if (idx[0] < 0 || idx[0] >= nf)
            continue;
        if (t->n == cap) {
            cap *= 2;
            for (int c = 0; c < 4; c++)
                t->col[c] = realloc(t->col[c], cap * sizeof(char *));
        }
        for (int c = 0; c < 4; c++)
            t->col[c][t->n] = idx[c] >= 0 && idx[c] < nf ? strdup(fields[idx[c]]) : NULL;
        t->res += strlen(fields[idx[0]]);
        t->n++;
    }
    fclose(f);
}

static void tsv_free(tsv *t)
{
    for (int c = 0; c < 4; c++) {
        for (size_t i = 0; i < t->n; i++)
            free(t->col[c][i]);
        free(t->col[c]);
    }
}

static int bench_predict(char **a)
{
    pa_model *m = load(a[0]);
    tsv t;
    tsv_read(a[1], &t);
    char **seqs = t.col[0];
    size_t n = t.n, res = t.res;
    int threads = atoi(a[2]);
    pa_executor *ex = NULL;
    pa_executor_opts eo = PA_EXECUTOR_OPTS_INIT;
    eo.threads = threads;
    if (threads > 1)
        pa_executor_new(&ex, &eo);
    pa_metrics *met;
    pa_metrics_new(&met);
    pa_ss_opts o = PA_SS_OPTS_INIT;
    o.batch = atoi(a[3]);
    o.executor = ex;
    pa_ss_result *r;
    pa_predict_ss(m, (const char *const *)seqs, n < 64 ? n : 64, &o, &r); /* warm-up */
    pa_ss_result_free(r);
    o.metrics = met;
    double t0 = now();
    if (pa_predict_ss(m, (const char *const *)seqs, n, &o, &r)) {
        fprintf(stderr, "bench_infer: %s\n", pa_last_error());
        return 1;
    }
    double dt = now() - t0;
    pa_stage_stats st;
    pa_metrics_stage(met, "ss_batch", &st);
    printf("{\"bench\":\"predict_t%d_b%d\",\"sequences\":%zu,\"residues\":%zu,\"seconds\":%.3f,"
           "\"items_per_s\":%.1f,\"batch_p50_ms\":%.3f,\"batch_p95_ms\":%.3f,"
           "\"batch_p99_ms\":%.3f}\n",
           threads, o.batch, n, res, dt, res / dt, st.p50_ns / 1e6, st.p95_ns / 1e6,
           st.p99_ns / 1e6);
    pa_ss_result_free(r);
    pa_metrics_free(met);
    pa_executor_free(ex);
    tsv_free(&t);
    pa_model_free(m);
    return 0;
}

/* Accuracy of one precision against the labels and against fp32's probabilities. */
static void accuracy_of(const tsv *t, const char *model, int prec, const pa_ss_result *ref)
{
    pa_model *m;
    pa_model_opts mo = PA_MODEL_OPTS_INIT;
    mo.precision = prec;
    if (strcmp(model, "-") ? pa_model_load(&m, model, &mo) : pa_model_load_default_opts(&m, &mo))
        exit(1);
    pa_ss_opts o = PA_SS_OPTS_INIT;
    o.probs = 1;
    o.ss8 = pa_model_num_outputs(m) > 1;
    pa_ss_result *r;
    if (pa_predict_ss(m, (const char *const *)t->col[0], t->n, &o, &r)) {
        fprintf(stderr, "bench_infer: %s\n", pa_last_error());
        exit(1);
    }
    size_t ok3 = 0, ok8 = 0, tot = 0, tot8 = 0, agree = 0, all = 0;
    double err = 0, maxerr = 0;
    for (size_t i = 0; i < t->n; i++)
        for (size_t j = 0; j < r->len[i]; j++) {
            int lab = t->col[3][i] && t->col[3][i][j] == '1' && t->col[1][i];
            ok3 += lab && r->ss3[i][j] == t->col[1][i][j];
            tot += lab;
            if (lab && o.ss8 && t->col[2][i]) {
                char c8 = t->col[2][i][j];
                c8 = strchr("HGIEBTS", c8) && c8 ? c8 : 'C';
                ok8 += r->ss8[i][j] == c8;
                tot8++;
            }
            if (ref) {
                agree += r->ss3[i][j] == ref->ss3[i][j];
                all++;
                for (int k = 0; k < 3; k++) {
                    double e = r->prob[i][3 * j + k] - ref->prob[i][3 * j + k];
                    e = e < 0 ? -e : e;
                    err += e;
                    maxerr = e > maxerr ? e : maxerr;
                }
            }
        }
    printf("{\"bench\":\"accuracy\",\"precision\":\"%s\",\"kernel\":\"%s\",\"q3\":%.3f,"
           "\"q8\":%.3f,\"residues\":%zu,\"prob_mean_abs_err\":%.6f,"
           "\"prob_max_abs_err\":%.5f,\"argmax_agree\":%.5f}\n",
           pa_precision_name(prec), pa_model_kernel(m), 100.0 * ok3 / (tot ? tot : 1),
           tot8 ? 100.0 * ok8 / tot8 : 0.0, tot, all ? err / (3.0 * all) : 0.0, maxerr,
           all ? (double)agree / all : 1.0);
    if (!ref)
        accuracy_of(t, model, PA_PRECISION_BF16, r), accuracy_of(t, model, PA_PRECISION_INT8, r);
    pa_ss_result_free(r);
    pa_model_free(m);
}

static int bench_accuracy(char **a)
{
    tsv t;
    tsv_read(a[1], &t);
    accuracy_of(&t, a[0], PA_PRECISION_FP32, NULL);
    tsv_free(&t);
    return 0;
}

static int bench_gemm(char **a)
{
    openblas_set_num_threads(1);
    int M = atoi(a[0]), N = atoi(a[1]), K = atoi(a[2]);
    float *A = calloc((size_t)M * K, 4), *B = calloc((size_t)K * N, 4), *C = calloc((size_t)M * N, 4);
    for (size_t i = 0; i < (size_t)M * K; i++)
        A[i] = (float)(i % 7) * 0.1f;
    for (size_t i = 0; i < (size_t)K * N; i++)
        B[i] = (float)(i % 5) * 0.1f;
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, M, N, K, 1, A, K, B, N, 0, C, N);
    int runs = 0;
    double t0 = now(), t_end = t0 + atof(a[3]), c0 = cpu_now();
    while (runs < 3 || now() < t_end) {
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, M, N, K, 1, A, K, B, N, 0, C, N);
        runs++;
    }
    double dt = now() - t0, cpu = cpu_now() - c0;
    printf("{\"bench\":\"gemm_%dx%dx%d\",\"gflops\":%.2f,\"cpu_gflops\":%.2f}\n", M, N, K,
           2.0 * M * N * K * runs / dt / 1e9, 2.0 * M * N * K * runs / cpu / 1e9);
    free(A);
    free(B);
    free(C);
    return 0;
}

/* Independent FMA chains (more than latency x ports), 2 FLOPs per lane each. */
#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define FMA_PEAK(name, attr, VT, SET1, FMA, LANES)                                          \
    __attribute__((target(attr))) static double name(long iters)                           \
    {                                                                                      \
        VT a0 = SET1(0.f), a1 = SET1(1.f), a2 = SET1(2.f), a3 = SET1(3.f), a4 = SET1(4.f),  \
           a5 = SET1(5.f), a6 = SET1(6.f), a7 = SET1(7.f), a8 = SET1(8.f), a9 = SET1(9.f),  \
           m = SET1(0.999999f), b = SET1(1e-7f);                                            \
        double c0 = cpu_now();                                                             \
        for (long i = 0; i < iters; i++) {                                                 \
            a0 = FMA(a0, m, b), a1 = FMA(a1, m, b), a2 = FMA(a2, m, b), a3 = FMA(a3, m, b); \
            a4 = FMA(a4, m, b), a5 = FMA(a5, m, b), a6 = FMA(a6, m, b), a7 = FMA(a7, m, b); \
            a8 = FMA(a8, m, b), a9 = FMA(a9, m, b);                                         \
            __asm__ volatile("" : "+v"(a0), "+v"(a1), "+v"(a2), "+v"(a3), "+v"(a4));       \
        }                                                                                  \
        double dt = cpu_now() - c0;                                                        \
        volatile VT sink = a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9;                \
        (void)sink;                                                                        \
        return 10.0 * 2 * LANES * iters / dt / 1e9;                                        \
    }
FMA_PEAK(peak_avx512, "avx512f", __m512, _mm512_set1_ps, _mm512_fmadd_ps, 16)
FMA_PEAK(peak_avx2, "avx2,fma", __m256, _mm256_set1_ps, _mm256_fmadd_ps, 8)

static int bench_fma(char **a)
{
    double best512 = 0, best256 = 0, t_end = now() + atof(a[0]);
    __builtin_cpu_init();
    do { /* best of several short samples: the machine may be shared */
        double g = __builtin_cpu_supports("avx512f") ? peak_avx512(20000000) : 0;
        best512 = g > best512 ? g : best512;
        g = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") ? peak_avx2(20000000) : 0;
        best256 = g > best256 ? g : best256;
    } while (now() < t_end);
    printf("{\"bench\":\"fma\",\"avx512_gflops\":%.2f,\"avx2_gflops\":%.2f}\n", best512,
           best256);
    return 0;
}
#else
static int bench_fma(char **a)
{
    (void)a;
    printf("{\"bench\":\"fma\",\"avx512_gflops\":0,\"avx2_gflops\":0}\n");
    return 0;
}
#endif

int main(int argc, char **argv)
{
    if (argc >= 3 && !strcmp(argv[1], "fma"))
        return bench_fma(argv + 2);
    if (argc >= 6 && !strcmp(argv[1], "ss"))
        return bench_ss(argv + 2);
    if (argc >= 8 && !strcmp(argv[1], "image"))
        return bench_image(argv + 2);
    if (argc >= 4 && !strcmp(argv[1], "accuracy"))
        return bench_accuracy(argv + 2);
    if (argc >= 6 && !strcmp(argv[1], "predict"))
        return bench_predict(argv + 2);
    if (argc >= 6 && !strcmp(argv[1], "gemm"))
        return bench_gemm(argv + 2);
    fprintf(stderr, "usage: see the comment at the top of bench_infer.c\n");
    return 2;
}
