/* bench_align.c — local alignment GCUPS: libpanalyzer (1 and 2 threads, and each of its
 * ISAs on 1 thread) against parasail's striped/scan profile kernels, in one run.
 * BLOSUM62, gaps 11/1, queries of 100-1000 residues against a subsample of the targets.
 * usage: bench_align [QUERIES.fasta TARGETS.fasta.gz [NQUERIES [NTARGETS [MINLEN MAXLEN]]]]
 *        (defaults: ../shared/data/seq/queries.fasta, uniprot20k.fasta.gz, 6, 3000, 100, 1000)
 * Times are process CPU seconds (best of 3) unless marked wall. */
#include <panalyzer.h>
#include <parasail.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The machine is shared: single-thread runs are timed in process CPU time (robust to
 * other load), the 2-thread run also in wall time. Each figure is the best of REPS. */
#define REPS 3
static int use_wall;
static double now(void)
{
    struct timespec ts;
    clock_gettime(use_wall ? CLOCK_MONOTONIC : CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int by_len(const void *a, const void *b)
{
    size_t x = strlen(*(const char *const *)a), y = strlen(*(const char *const *)b);
    return x < y ? -1 : x > y;
}

typedef parasail_result_t *(*ps_fn)(const parasail_profile_t *, const char *, int, int, int);
typedef parasail_profile_t *(*ps_prof)(const char *, int, const parasail_matrix_t *);

static double run_pa1(int threads, pa_isa isa, const char **q, size_t nq, const char **t, size_t nt,
                     long long *sum)
{
    pa_executor *ex = NULL; /* threads 0: no executor, the calling thread only */
    pa_executor_opts eo = PA_EXECUTOR_OPTS_INIT;
    eo.threads = threads;
    if (threads && pa_executor_new(&ex, &eo))
        return -1;
    pa_align_opts o = PA_ALIGN_OPTS_INIT;
    o.isa = isa;
    double t0 = now();
    *sum = 0;
    for (size_t i = 0; i < nq; i++) {
        pa_profile *p;
        pa_hit *h;
        size_t nh;
        if (pa_profile_new(&p, q[i], 0, &o) ||
            pa_profile_align_many(ex, p, t, NULL, nt, NULL, &h, &nh)) {
            fprintf(stderr, "libpanalyzer: %s\n", pa_last_error());
            exit(1);
        }
        for (size_t k = 0; k < nh; k++)
            *sum += h[k].aln.score;
        pa_hits_free(h, nh);
        pa_profile_free(p);
    }
    double dt = now() - t0;
    pa_executor_free(ex);
    return dt;
}

static double run_ps1(ps_prof mk, ps_fn fn, const char **q, size_t nq, const char **t, size_t nt,
                     long long *sum)
{
    const parasail_matrix_t *m = parasail_matrix_lookup("blosum62");
    double t0 = now();
    *sum = 0;
    for (size_t i = 0; i < nq; i++) {
        parasail_profile_t *p = mk(q[i], (int)strlen(q[i]), m);
        for (size_t k = 0; k < nt; k++) {
            parasail_result_t *r = fn(p, t[k], (int)strlen(t[k]), 11, 1);
            *sum += parasail_result_get_score(r);
            parasail_result_free(r);
        }
        parasail_profile_free(p);
    }
    return now() - t0;
}

static double run_pa(int threads, pa_isa isa, const char **q, size_t nq, const char **t,
                     size_t nt, long long *sum)
{
    double best = 1e30;
    for (int r = 0; r < REPS; r++) {
        double d = run_pa1(threads, isa, q, nq, t, nt, sum);
        best = d < best ? d : best;
    }
    return best;
}

static double run_ps(ps_prof mk, ps_fn fn, const char **q, size_t nq, const char **t, size_t nt,
                     long long *sum)
{
    double best = 1e30;
    for (int r = 0; r < REPS; r++) {
        double d = run_ps1(mk, fn, q, nq, t, nt, sum);
        best = d < best ? d : best;
    }
    return best;
}

static const char **load(const char *path, size_t *n, pa_seqlist **keep)
{
    if (pa_fasta_read(path, keep)) {
        fprintf(stderr, "%s: %s\n", path, pa_last_error());
        exit(1);
    }
    *n = pa_seqlist_count(*keep);
    const char **s = malloc(*n * sizeof *s);
    for (size_t i = 0; i < *n; i++) {
        pa_seq_record r;
        pa_seqlist_get(*keep, i, &r);
        s[i] = r.seq;
    }
    return s;
}

int main(int argc, char **argv)
{
    const char *qp = argc > 1 ? argv[1] : "../shared/data/seq/queries.fasta";
    const char *tp = argc > 2 ? argv[2] : "../shared/data/seq/uniprot20k.fasta.gz";
    size_t want_q = argc > 3 ? (size_t)atol(argv[3]) : 6, want_t = argc > 4 ? (size_t)atol(argv[4]) : 3000;
    size_t minlen = argc > 5 ? (size_t)atol(argv[5]) : 100, maxlen = argc > 6 ? (size_t)atol(argv[6]) : 1000;
    pa_seqlist *ql, *tl;
    size_t nq_all, nt;
    const char **qa = load(qp, &nq_all, &ql), **t = load(tp, &nt, &tl);
    nt = nt < want_t ? nt : want_t;
    /* queries of MINLEN..MAXLEN residues, evenly spread over that range by length */
    const char **mid = malloc(nq_all * sizeof *mid);
    size_t nm = 0;
    for (size_t i = 0; i < nq_all; i++)
        if (strlen(qa[i]) >= minlen && strlen(qa[i]) <= maxlen)
            mid[nm++] = qa[i];
    qsort(mid, nm, sizeof *mid, by_len);
    size_t nq = want_q < nm ? want_q : nm;
    if (!nq) {
        fprintf(stderr, "no query of %zu..%zu residues\n", minlen, maxlen);
        return 1;
    }
    const char **q = malloc(nq * sizeof *q);
    double qres = 0, tres = 0;
    for (size_t i = 0; i < nq; i++) {
        q[i] = mid[nq > 1 ? i * (nm - 1) / (nq - 1) : 0];
        qres += (double)strlen(q[i]);
    }
    for (size_t k = 0; k < nt; k++)
        tres += (double)strlen(t[k]);
    double cells = qres * tres;
    printf("local alignment, BLOSUM62, gaps 11/1: %zu queries (%.0f residues, %zu..%zu) x %zu targets "
           "(%.0f residues) = %.2f G cells\n", nq, qres, strlen(q[0]), strlen(q[nq - 1]), nt, tres,
           cells / 1e9);

    long long ref = 0, s;
    struct {
        const char *name;
        ps_prof mk;
        ps_fn fn;
    } ps[] = {
        {"parasail sw_striped_profile_sse41_128_16", parasail_profile_create_sse_128_16,
         parasail_sw_striped_profile_sse41_128_16},
        {"parasail sw_striped_profile_sse41_128_sat", parasail_profile_create_sse_128_sat,
         parasail_sw_striped_profile_sse41_128_sat},
        {"parasail sw_striped_profile_avx2_256_16", parasail_profile_create_avx_256_16,
         parasail_sw_striped_profile_avx2_256_16},
        {"parasail sw_striped_profile_avx2_256_sat", parasail_profile_create_avx_256_sat,
         parasail_sw_striped_profile_avx2_256_sat},
        {"parasail sw_scan_profile_avx2_256_sat", parasail_profile_create_avx_256_sat,
         parasail_sw_scan_profile_avx2_256_sat},
    };
    double best_ps = 1e30;
    const char *best_name = "";
    for (size_t i = 0; i < sizeof ps / sizeof ps[0]; i++) {
        double dt = run_ps(ps[i].mk, ps[i].fn, q, nq, t, nt, &s);
        if (!ref)
            ref = s;
        printf("%-44s %7.3f s %6.2f GCUPS%s\n", ps[i].name, dt, cells / dt / 1e9,
               s == ref ? "" : "  (scores differ!)");
        if (dt < best_ps)
            best_ps = dt, best_name = ps[i].name;
    }
    static const pa_isa isas[] = {PA_ISA_SSE41, PA_ISA_AVX2, PA_ISA_AVX512};
    for (size_t i = 0; i < 3; i++) {
        if (isas[i] > pa_align_best_isa())
            continue;
        double dt = run_pa(1, isas[i], q, nq, t, nt, &s);
        printf("libpanalyzer %-8s 1 thread                 %7.3f s %6.2f GCUPS%s\n",
               pa_isa_name(isas[i]), dt, cells / dt / 1e9, s == ref ? "" : "  (scores differ!)");
    }
    double d0 = run_pa(0, PA_ISA_AUTO, q, nq, t, nt, &s);
    printf("libpanalyzer auto (%s) no executor          %7.3f s %6.2f GCUPS%s\n",
           pa_isa_name(pa_align_best_isa()), d0, cells / d0 / 1e9, s == ref ? "" : "  (scores differ!)");
    double d1 = run_pa(1, PA_ISA_AUTO, q, nq, t, nt, &s);
    printf("libpanalyzer auto (%s) 1 thread             %7.3f s %6.2f GCUPS%s\n",
           pa_isa_name(pa_align_best_isa()), d1, cells / d1 / 1e9, s == ref ? "" : "  (scores differ!)");
    double d2c = run_pa(2, PA_ISA_AUTO, q, nq, t, nt, &s);
    printf("libpanalyzer auto (%s) 2 threads (CPU time) %7.3f s %6.2f GCUPS per core%s\n",
           pa_isa_name(pa_align_best_isa()), d2c, cells / d2c / 1e9, s == ref ? "" : "  (scores differ!)");
    use_wall = 1;
    double d1w = run_pa(1, PA_ISA_AUTO, q, nq, t, nt, &s);
    double d2 = run_pa(2, PA_ISA_AUTO, q, nq, t, nt, &s);
    printf("libpanalyzer auto 1 thread  (wall time)         %7.3f s %6.2f GCUPS\n", d1w, cells / d1w / 1e9);
    printf("libpanalyzer auto 2 threads (wall time)         %7.3f s %6.2f GCUPS\n", d2, cells / d2 / 1e9);
    printf("ratio libpanalyzer 1 thread / best parasail (%s): %.2fx\n", best_name, best_ps / d1);
    printf("ratio libpanalyzer 2 threads / 1 thread (wall): %.2fx; CPU-time efficiency of 2 threads: %.2f\n",
           d1w / d2, d1 / d2c);
    free(q);
    free(mid);
    free(qa);
    free(t);
    pa_seqlist_free(ql);
    pa_seqlist_free(tl);
    return 0;
}
