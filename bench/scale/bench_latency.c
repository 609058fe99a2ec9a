/* bench_latency.c — per-file latency of the pipeline's per-file work (read +
 * validate + extract), on one thread, as wall time and as the thread's CPU
 * time. On a shared machine the wall-time tail is the scheduler's (a
 * preempted file waits whole ticks); the CPU-time tail is the library's own.
 *
 * usage: bench_latency PASSES FILE...   (prints p50/p95/p99 of both, in us) */
#include <panalyzer.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static uint64_t clock_ns(clockid_t c)
{
    struct timespec ts;
    clock_gettime(c, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static void report(const char *what, uint64_t *v, size_t n)
{
    qsort(v, n, sizeof *v, cmp_u64);
    double p50 = v[n / 2] / 1e3, p95 = v[n * 95 / 100] / 1e3, p99 = v[n * 99 / 100] / 1e3;
    printf("%-5s p50 %8.1f us  p95 %8.1f us  p99 %8.1f us  p99/p50 %5.2f\n", what, p50, p95, p99,
           p99 / p50);
}

/* The pipeline's per-file work on one file; 0 or a PA_E* code. */
static int one_file(const char *path)
{
    pa_structure *s;
    pa_reader_opts ro = PA_READER_OPTS_INIT;
    ro.first_model_only = 1;
    int rc = pa_structure_read(path, &ro, &s, NULL);
    if (rc)
        return rc;
    pa_seqset *q;
    if ((rc = pa_sequence_extract(s, NULL, &q)) == 0)
        pa_seqset_free(q);
    pa_structure_free(s);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: bench_latency PASSES FILE...\n");
        return 2;
    }
    size_t passes = (size_t)atol(argv[1]), files = (size_t)(argc - 2), n = passes * files, k = 0;
    uint64_t *wall = malloc(n * sizeof *wall), *cpu = malloc(n * sizeof *cpu);
    if (!wall || !cpu || !n)
        return 1;
    for (size_t p = 0; p < passes; p++)
        for (size_t i = 0; i < files; i++, k++) {
            uint64_t w0 = clock_ns(CLOCK_MONOTONIC), c0 = clock_ns(CLOCK_THREAD_CPUTIME_ID);
            if (one_file(argv[2 + i]) != 0)
                fprintf(stderr, "%s: %s\n", argv[2 + i], pa_last_error());
            cpu[k] = clock_ns(CLOCK_THREAD_CPUTIME_ID) - c0;
            wall[k] = clock_ns(CLOCK_MONOTONIC) - w0;
        }
    printf("%zu files x %zu passes, one thread\n", files, passes);
    report("wall", wall, n);
    report("cpu", cpu, n);
    free(wall);
    free(cpu);
    return 0;
}
