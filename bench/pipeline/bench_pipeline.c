/* bench_pipeline — time pa_pipeline_run over a list of files (driven by bench_pipeline.py).
 *
 * usage: bench_pipeline LIST THREADS CHUNK BATCH REPEATS [CACHE_DIR]
 * Prints "best_seconds files chains failed" for the best of REPEATS runs. With
 * CACHE_DIR, the first run fills the cache (also printed, as "cold_seconds") and
 * the REPEATS runs after it are warm. */
#include <panalyzer.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

typedef struct {
    size_t chains, failed;
} counts;

static int on_result(void *ctx, const pa_result *r)
{
    counts *c = ctx;
    c->chains += pa_result_chain_count(r);
    c->failed += pa_result_status(r) < 0;
    return 0;
}

static char **read_list(const char *file, size_t *n)
{
    FILE *f = fopen(file, "r");
    if (!f)
        return NULL;
    size_t cap = 256;
    char **p = malloc(cap * sizeof *p), line[4096];
    *n = 0;
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = '\0';
        if (!line[0])
            continue;
        if (*n == cap)
            p = realloc(p, (cap *= 2) * sizeof *p);
        p[(*n)++] = strdup(line);
    }
    fclose(f);
    return p;
}

int main(int argc, char **argv)
{
    if (argc < 6) {
        fprintf(stderr, "usage: bench_pipeline LIST THREADS CHUNK BATCH REPEATS [CACHE_DIR]\n");
        return 2;
    }
    size_t n;
    char **paths = read_list(argv[1], &n);
    if (!paths)
        return 2;
    pa_executor *ex;
    pa_executor_opts eo = PA_EXECUTOR_OPTS_INIT;
    eo.threads = atoi(argv[2]);
    if (pa_executor_new(&ex, &eo) != 0)
        return 1;
    pa_pipeline_opts o = PA_PIPELINE_OPTS_INIT;
    o.chunk = (size_t)atol(argv[3]);
    o.batch = (size_t)atol(argv[4]);
    o.cache_dir = argc > 6 ? argv[6] : NULL;
    int reps = atoi(argv[5]);
    counts c = {0, 0};
    if (o.cache_dir) {
        double t0 = now_s();
        if (pa_pipeline_run(ex, (const char *const *)paths, n, &o, on_result, &c, NULL) != 0)
            return 1;
        printf("cold_seconds %.6f\n", now_s() - t0);
    }
    double best = 1e30;
    for (int r = 0; r < reps; r++) {
        c.chains = c.failed = 0;
        double t0 = now_s();
        if (pa_pipeline_run(ex, (const char *const *)paths, n, &o, on_result, &c, NULL) != 0) {
            fprintf(stderr, "pipeline: %s\n", pa_last_error());
            return 1;
        }
        double t = now_s() - t0;
        if (t < best)
            best = t;
    }
    printf("%.6f %zu %zu %zu\n", best, n, c.chains, c.failed);
    pa_executor_free(ex);
    for (size_t i = 0; i < n; i++)
        free(paths[i]);
    free(paths);
    return 0;
}
