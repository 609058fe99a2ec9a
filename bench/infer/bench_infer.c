/* bench_infer.c — timing driver for the inference engine (run by bench/infer/run_bench.py,
 * which times PyTorch on the same models in the same run and prints the ratios).
 *
 *   bench_infer ss MODEL|- B L SECONDS        [B, L] random ids through the model
 *   bench_infer image MODEL N C H W SECONDS   a float [N, C, H, W] input
 *   bench_infer predict MODEL|- TSV THREADS BATCH   pa_predict_ss over the seq column
 *   bench_infer gemm M N K SECONDS            cblas_sgemm GFLOP/s (single thread)
 *   bench_infer fma SECONDS                   FMA peak GFLOP/s of one core (AVX-512, AVX2)
 * Each prints one JSON object per line. */
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

static void report(const char *what, double *lat, int n, double items, double cpu)
{
    qsort(lat, (size_t)n, sizeof *lat, cmp_d);
    double tot = 0;
    for (int i = 0; i < n; i++)
        tot += lat[i];
    printf("{\"bench\":\"%s\",\"runs\":%d,\"p50_ms\":%.3f,\"p95_ms\":%.3f,\"p99_ms\":%.3f,"
           "\"items_per_s\":%.1f,\"cpu_items_per_s\":%.1f}\n",
           what, n, 1e3 * pct(lat, n, .5), 1e3 * pct(lat, n, .95), 1e3 * pct(lat, n, .99),
           items * n / tot, items * n / cpu);
}

static pa_model *load(const char *path)
{
    pa_model *m;
    int rc = strcmp(path, "-") ? pa_model_load(&m, path, NULL) : pa_model_load_default(&m);
    if (rc) {
        fprintf(stderr, "bench_infer: %s\n", pa_last_error());
        exit(1);
    }
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

static int bench_predict(char **a)
{
    pa_model *m = load(a[0]);
    FILE *f = fopen(a[1], "r");
    if (!f)
        return 1;
    size_t cap = 1024, n = 0, res = 0;
    char **seqs = malloc(cap * sizeof *seqs), line[1 << 16];
    int col = -1;
    while (fgets(line, sizeof line, f)) {
        char *fields[8], *save;
        int nf = 0;
        for (char *t = strtok_r(line, "\t\n", &save); t && nf < 8; t = strtok_r(NULL, "\t\n", &save))
            fields[nf++] = t;
        if (col < 0) { /* header */
            for (int k = 0; k < nf; k++)
                col = strcmp(fields[k], "seq") ? col : k;
            continue;
        }
        if (col >= nf)
            continue;
        if (n == cap)
            seqs = realloc(seqs, (cap *= 2) * sizeof *seqs);
        seqs[n++] = strdup(fields[col]);
        res += strlen(fields[col]);
    }
    fclose(f);
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
    for (size_t i = 0; i < n; i++)
        free(seqs[i]);
    free(seqs);
    pa_model_free(m);
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
    if (argc >= 6 && !strcmp(argv[1], "predict"))
        return bench_predict(argv + 2);
    if (argc >= 6 && !strcmp(argv[1], "gemm"))
        return bench_gemm(argv + 2);
    fprintf(stderr, "usage: see the comment at the top of bench_infer.c\n");
    return 2;
}
