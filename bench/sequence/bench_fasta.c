/* bench_fasta.c — FASTA reading throughput from memory, one thread: the library's reader
 * (default cleaning and strict mode) against a memchr line scan (the floor: touching every
 * byte once). usage: bench_fasta FILE [REPEATS]; prints one TSV row per reader, best of
 * REPEATS, MB = decompressed bytes. */
#include <panalyzer.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* Records by counting '>' at line starts: what any reader must at least do. */
static size_t scan_lines(const char *d, size_t n)
{
    size_t recs = 0;
    for (const char *p = d, *e = d + n; p < e;) {
        recs += *p == '>';
        const char *nl = memchr(p, '\n', (size_t)(e - p));
        p = nl ? nl + 1 : e;
    }
    return recs;
}

static double time_reader(const char *d, size_t n, int strict, size_t *recs)
{
    pa_fasta_opts o = PA_FASTA_OPTS_INIT;
    o.strict = strict;
    pa_seqlist *l;
    double t = now();
    if (pa_fasta_read_memory_ex(d, n, "bench.fa", &o, &l, NULL)) {
        fprintf(stderr, "bench_fasta: %s\n", pa_last_error());
        exit(1);
    }
    t = now() - t;
    *recs = pa_seqlist_count(l);
    pa_seqlist_free(l);
    return t;
}

int main(int argc, char **argv)
{
    if (argc < 2)
        return fprintf(stderr, "usage: bench_fasta FILE [REPEATS]\n"), 2;
    int reps = argc > 2 ? atoi(argv[2]) : 5;
    char *d;
    size_t n, recs = 0;
    if (pa_read_file(argv[1], &d, &n))
        return fprintf(stderr, "bench_fasta: %s\n", pa_last_error()), 1;
    double best[3] = {1e30, 1e30, 1e30};
    for (int r = 0; r < reps; r++) {
        double t = now();
        recs = scan_lines(d, n);
        t = now() - t;
        best[0] = t < best[0] ? t : best[0];
        for (int strict = 0; strict < 2; strict++) {
            t = time_reader(d, n, strict, &recs);
            best[1 + strict] = t < best[1 + strict] ? t : best[1 + strict];
        }
    }
    static const char *names[] = {"memchr line scan", "pa_fasta_read_memory", "strict"};
    printf("reader\trecords\tMB\tseconds\tMB/s\n");
    for (int k = 0; k < 3; k++)
        printf("%s\t%zu\t%.2f\t%.4f\t%.1f\n", names[k], recs, (double)n / 1e6, best[k],
               (double)n / 1e6 / best[k]);
    pa_free(d);
    return 0;
}
