/* bench_dssp — in-process DSSP timing (CPU time of the calling thread, so that a shared
 * machine inflates it less): read each file once, then time
 * pa_dssp_compute (with and without ACC) over `reps` repetitions; prints the
 * median per file. Whole-command timings against mkdssp are in run_bench.sh. */
#include <panalyzer.h>

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median_ms(const pa_structure *s, int acc, int reps)
{
    double t[64];
    pa_dssp_opts o = PA_DSSP_OPTS_INIT;
    o.accessibility = acc;
    for (int r = 0; r < reps; r++) {
        pa_dssp *d;
        double t0 = now();
        if (pa_dssp_compute(s, &o, &d, NULL))
            return -1;
        t[r] = (now() - t0) * 1e3;
        pa_dssp_free(d);
    }
    qsort(t, (size_t)reps, sizeof t[0], cmp);
    return t[reps / 2];
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: bench_dssp [-n REPS] FILE...\n");
        return 2;
    }
    int reps = 5, i = 1;
    if (argc > 3 && argv[1][0] == '-' && argv[1][1] == 'n') {
        reps = atoi(argv[2]);
        reps = reps < 1 ? 1 : reps > 64 ? 64 : reps;
        i = 3;
    }
    printf("file\tresidues\tms_total\tms_no_acc\n");
    for (; i < argc; i++) {
        pa_structure *s;
        if (pa_structure_read(argv[i], NULL, &s, NULL)) {
            fprintf(stderr, "%s: %s\n", argv[i], pa_last_error());
            continue;
        }
        pa_dssp *d;
        size_t n = 0;
        if (pa_dssp_compute(s, NULL, &d, NULL) == 0)
            n = pa_dssp_count(d);
        pa_dssp_free(d);
        printf("%s\t%zu\t%.3f\t%.3f\n", argv[i], n, median_ms(s, 1, reps), median_ms(s, 0, reps));
        pa_structure_free(s);
    }
    return 0;
}
