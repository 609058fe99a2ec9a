/* bench_inter.c — one query against many targets, per query-length bucket: every
 * libpanalyzer kernel (inter-sequence and striped, per ISA, and the automatic choice)
 * against parasail's striped kernels and SSW in the same run; GCUPS, ratios, the
 * distance to each inter-sequence kernel's instruction bound, then 1 vs 2 threads
 * after a pure-CPU two-process control (the machine may be shared).
 * Local alignment, BLOSUM62, gaps 11/1 (a gap of k residues costs 11 + (k - 1)).
 * usage: bench_inter CHAINS.fasta QUERIES.fasta TARGETS.fasta.gz [NQ [NT [REPS]]]
 *   CHAINS: queries of 80-450 residues (structure chains, `panalyze seq`); QUERIES:
 *   the 600-1000 bucket (UniProt queries); NQ queries per bucket (4), NT targets (all),
 *   best of REPS (3) runs in process CPU time. AVX-512 is run with PA_ALIGN_VBMI=0 and,
 *   where the CPU has VBMI, =1; global and semi-global rows follow each bucket. */
#include <panalyzer.h>
#include <parasail.h>
#include <ssw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <stdint.h>
#include <unistd.h>

static int reps = 3;
static int use_wall;

static double now(void)
{
    struct timespec ts;
    clock_gettime(use_wall ? CLOCK_MONOTONIC : CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

typedef struct {
    const char **s;
    size_t n;
    pa_seqlist *keep;
} seqs;

static seqs load(const char *path)
{
    seqs r = {NULL, 0, NULL};
    if (pa_fasta_read(path, &r.keep)) {
        fprintf(stderr, "%s: %s\n", path, pa_last_error());
        exit(1);
    }
    r.n = pa_seqlist_count(r.keep);
    r.s = malloc((r.n ? r.n : 1) * sizeof *r.s);
    for (size_t i = 0; i < r.n; i++) {
        pa_seq_record rec;
        pa_seqlist_get(r.keep, i, &rec);
        r.s[i] = rec.seq;
    }
    return r;
}

/* Up to nq distinct sequences of [lo, hi] residues, spread over the input. */
static size_t pick(const seqs *in, size_t lo, size_t hi, size_t nq, const char **out)
{
    size_t k = 0, cand = 0;
    for (size_t i = 0; i < in->n; i++)
        cand += strlen(in->s[i]) >= lo && strlen(in->s[i]) <= hi;
    size_t step = cand / (nq ? nq : 1), seen = 0;
    for (size_t i = 0; i < in->n && k < nq; i++) {
        size_t l = strlen(in->s[i]);
        if (l < lo || l > hi || (step > 1 && seen++ % step))
            continue;
        int dup = 0;
        for (size_t j = 0; j < k && !dup; j++)
            dup = !strcmp(out[j], in->s[i]);
        if (!dup)
            out[k++] = in->s[i];
    }
    return k;
}

/* ---- libpanalyzer ---- */
typedef struct {
    const char **q, **t;
    size_t nq, nt;
} work;

static double run_pa(const work *w, pa_align_mode mode, pa_align_kernel k, pa_isa isa, int threads,
                     long long *sum, char *why, size_t whylen)
{
    pa_executor *ex = NULL;
    pa_executor_opts eo = PA_EXECUTOR_OPTS_INIT;
    eo.threads = threads;
    if (threads && pa_executor_new(&ex, &eo))
        return -1;
    pa_align_opts o = PA_ALIGN_OPTS_INIT;
    o.isa = isa;
    o.mode = mode;
    pa_batch_opts bo = PA_BATCH_OPTS_INIT;
    bo.kernel = k;
    double best = 1e30;
    for (int r = 0; r < reps; r++) {
        double t0 = now();
        *sum = 0;
        for (size_t i = 0; i < w->nq; i++) {
            pa_profile *p;
            pa_hit *h;
            size_t nh;
            if (pa_profile_new(&p, w->q[i], 0, &o) ||
                pa_profile_align_many(ex, p, w->t, NULL, w->nt, &bo, &h, &nh)) {
                fprintf(stderr, "libpanalyzer: %s\n", pa_last_error());
                exit(1);
            }
            for (size_t x = 0; x < nh; x++)
                *sum += h[x].aln.score;
            pa_hits_free(h, nh);
            pa_profile_free(p);
        }
        double dt = now() - t0;
        best = dt < best ? dt : best;
    }
    if (why)
        snprintf(why, whylen, "%s", pa_align_last_kernel());
    pa_executor_free(ex);
    return best;
}

/* ---- parasail ---- */
typedef parasail_result_t *(*ps_fn)(const parasail_profile_t *, const char *, int, int, int);
typedef parasail_profile_t *(*ps_prof)(const char *, int, const parasail_matrix_t *);

static double run_ps(const work *w, ps_prof mk, ps_fn fn, long long *sum)
{
    const parasail_matrix_t *m = parasail_matrix_lookup("blosum62");
    double best = 1e30;
    for (int r = 0; r < reps; r++) {
        double t0 = now();
        *sum = 0;
        for (size_t i = 0; i < w->nq; i++) {
            parasail_profile_t *p = mk(w->q[i], (int)strlen(w->q[i]), m);
            for (size_t k = 0; k < w->nt; k++) {
                parasail_result_t *res = fn(p, w->t[k], (int)strlen(w->t[k]), 11, 1);
                *sum += parasail_result_get_score(res);
                parasail_result_free(res);
            }
            parasail_profile_free(p);
        }
        double dt = now() - t0;
        best = dt < best ? dt : best;
    }
    return best;
}

/* ---- SSW (score only, 8-bit then 16-bit) ---- */
static const char SSW_AA[] = "ARNDCQEGHILKMFPSTWYVBZX*";
static int8_t ssw_mat[24 * 24], ssw_code[256];

static void ssw_setup(void)
{
    pa_matrix *mx;
    pa_matrix_builtin(&mx, "BLOSUM62");
    for (int a = 0; a < 24; a++)
        for (int b = 0; b < 24; b++)
            ssw_mat[a * 24 + b] = (int8_t)pa_matrix_score(mx, SSW_AA[a], SSW_AA[b]);
    pa_matrix_free(mx);
    for (int c = 0; c < 256; c++) {
        const char *p = c ? strchr(SSW_AA, c >= 'a' && c <= 'z' ? c - 32 : c) : NULL;
        ssw_code[c] = (int8_t)(p ? p - SSW_AA : 22);
    }
}

static int8_t *ssw_encode(const char *s, size_t n)
{
    int8_t *e = malloc(n + 1);
    for (size_t i = 0; i < n; i++)
        e[i] = ssw_code[(unsigned char)s[i]];
    return e;
}

static double run_ssw(const work *w, int8_t **tenc, long long *sum)
{
    double best = 1e30;
    for (int r = 0; r < reps; r++) {
        double t0 = now();
        *sum = 0;
        for (size_t i = 0; i < w->nq; i++) {
            int qn = (int)strlen(w->q[i]);
            int8_t *qe = ssw_encode(w->q[i], (size_t)qn);
            s_profile *p = ssw_init(qe, qn, ssw_mat, 24, 2);
            for (size_t k = 0; k < w->nt; k++) {
                s_align *a = ssw_align(p, tenc[k], (int32_t)strlen(w->t[k]), 11, 1, 0, 0, 0, 15);
                *sum += a->score1;
                align_destroy(a);
            }
            init_destroy(p);
            free(qe);
        }
        double dt = now() - t0;
        best = dt < best ? dt : best;
    }
    return best;
}

/* ---- pure-CPU control: 2N iterations in one process vs N in each of two ---- */
static volatile unsigned long spin_sink;

static void spin(unsigned long n)
{
    unsigned long x = 0;
    for (unsigned long i = 0; i < n; i++)
        x += i ^ (x >> 3);
    spin_sink = x;
}

static double spin_procs(int procs, unsigned long n)
{
    double t0 = now();
    for (int i = 0; i < procs; i++)
        if (fork() == 0) {
            spin(n);
            _exit(0);
        }
    for (int i = 0; i < procs; i++)
        wait(NULL);
    return now() - t0;
}

/* ---- report ---- */
/* The core's clock while this process runs: a chain of dependent integer adds (one
 * cycle each) timed in CPU time; the VM's /proc/cpuinfo only shows the nominal clock. */
static double measure_ghz(void)
{
    uint64_t x = 0;
    const long iters = 50000000;
    double t0 = now();
    for (long i = 0; i < iters; i++)
        __asm__ volatile("add $1, %0\n\tadd $1, %0\n\tadd $1, %0\n\tadd $1, %0\n\t"
                         "add $1, %0\n\tadd $1, %0\n\tadd $1, %0\n\tadd $1, %0"
                         : "+r"(x));
    double dt = now() - t0;
    return dt > 0 ? 8.0 * (double)iters / dt / 1e9 : 0;
}

/* Inner loop of the 8-bit inter-sequence kernel: 10 vector ALU instructions per vector
 * of lanes (E: 3, H: 2, F: 3, column max: 1, the F-gap candidate: 1) plus, per two
 * target columns, 4 loads and 3 stores per query position. Bound: 4 vector ALU
 * instructions per cycle with units as wide as the vectors (Zen 5: 512-bit). */
static double inter_bound(pa_isa isa, double f)
{
    double lanes = isa == PA_ISA_SSE41 ? 16 : isa == PA_ISA_AVX2 ? 32 : 64;
    return f * 4.0 * lanes / 10.0;
}

/* Global and semi-global (16-bit lanes, no peer here): the inter-sequence kernels of the
 * best ISA against the striped ones, with the same score sums. */
static void global_rows(const work *w, double cells)
{
    static const pa_align_mode md[] = {PA_ALIGN_GLOBAL, PA_ALIGN_SEMI};
    for (int m = 0; m < 2; m++) {
        long long si, ss;
        double ti = run_pa(w, md[m], PA_KERNEL_INTER, PA_ISA_AUTO, 0, &si, NULL, 0);
        double ts = run_pa(w, md[m], PA_KERNEL_STRIPED, PA_ISA_AUTO, 0, &ss, NULL, 0);
        printf("%-40s %8.3f %7.2f   striped %.2f GCUPS: %.2fx%s\n",
               m ? "libpanalyzer inter semi-global" : "libpanalyzer inter global", ti, cells / ti / 1e9,
               cells / ts / 1e9, ts / ti, si == ss ? "" : "  SCORES DIFFER");
    }
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: bench_inter CHAINS.fasta QUERIES.fasta TARGETS.fasta.gz [NQ [NT [REPS]]]\n");
        return 2;
    }
    setvbuf(stdout, NULL, _IOLBF, 0); /* progress when piped into a log */
    seqs chains = load(argv[1]), uq = load(argv[2]), tg = load(argv[3]);
    size_t nq = argc > 4 ? (size_t)atol(argv[4]) : 4;
    size_t nt = argc > 5 && atol(argv[5]) > 0 ? (size_t)atol(argv[5]) : tg.n;
    reps = argc > 6 ? atoi(argv[6]) : 3;
    nt = nt < tg.n ? nt : tg.n;
    double tres = 0;
    int8_t **tenc = malloc(nt * sizeof *tenc);
    ssw_setup();
    for (size_t k = 0; k < nt; k++) {
        tres += (double)strlen(tg.s[k]);
        tenc[k] = ssw_encode(tg.s[k], strlen(tg.s[k]));
    }
    double f = measure_ghz();
    printf("local, BLOSUM62, gaps 11/1; %zu targets (%.2f M residues); process CPU time, best of %d;"
           " measured clock %.2f GHz\n", nt, tres / 1e6, reps, f);
    static const struct {
        size_t lo, hi;
        int from_chains;
    } bk[] = {{80, 150, 1}, {150, 300, 1}, {300, 450, 1}, {600, 1000, 0}};
    static const pa_isa isas[] = {PA_ISA_SSE41, PA_ISA_AVX2, PA_ISA_AVX512, PA_ISA_AVX512};
    work w = {NULL, tg.s, 0, nt};
    w.q = malloc(nq * sizeof *w.q);
    for (size_t b = 0; b < sizeof bk / sizeof *bk; b++) {
        w.nq = pick(bk[b].from_chains ? &chains : &uq, bk[b].lo, bk[b].hi, nq, w.q);
        if (!w.nq)
            continue;
        double qres = 0;
        for (size_t i = 0; i < w.nq; i++)
            qres += (double)strlen(w.q[i]);
        double cells = qres * tres, t, ps_best = 1e30, auto_t = 0;
        long long ref = 0, s;
        printf("\n## queries %zu-%zu (%zu %s, %.0f residues): %.2f G cells\n", bk[b].lo, bk[b].hi,
               w.nq, bk[b].from_chains ? "structure chains" : "UniProt queries", qres, cells / 1e9);
        printf("%-40s %8s %7s %9s %9s %s\n", "kernel", "CPU s", "GCUPS", "/parasail", "/SSW", "bound");
        struct {
            const char *name;
            ps_prof mk;
            ps_fn fn;
        } ps[] = {
            {"parasail sw_striped_profile_sse41_128_sat", parasail_profile_create_sse_128_sat,
             parasail_sw_striped_profile_sse41_128_sat},
            {"parasail sw_striped_profile_avx2_256_sat", parasail_profile_create_avx_256_sat,
             parasail_sw_striped_profile_avx2_256_sat},
        };
        for (size_t i = 0; i < 2; i++) {
            t = run_ps(&w, ps[i].mk, ps[i].fn, &s);
            ref = ref ? ref : s;
            ps_best = t < ps_best ? t : ps_best;
            printf("%-40s %8.3f %7.2f %9s %9s%s\n", ps[i].name, t, cells / t / 1e9, "", "",
                   s == ref ? "" : "  SCORES DIFFER");
        }
        double ssw_t = run_ssw(&w, tenc, &s);
        printf("%-40s %8.3f %7.2f %8.2fx %9s%s\n", "SSW (libssw, 8/16-bit)", ssw_t, cells / ssw_t / 1e9,
               ps_best / ssw_t, "", s == ref ? "" : "  SCORES DIFFER");
        for (int k = 0; k < 2; k++)
            for (size_t i = 0; i < 4; i++) {
                char name[64], bound[64] = "", why[320];
                if (isas[i] > pa_align_best_isa() || (k && i == 3))
                    continue;
                pa_align_kernel kk = k ? PA_KERNEL_STRIPED : PA_KERNEL_INTER;
                setenv("PA_ALIGN_VBMI", i == 3 ? "1" : "0", 1); /* AVX-512 twice: VBMI off, on */
                t = run_pa(&w, PA_ALIGN_LOCAL, kk, isas[i], 0, &s, why, sizeof why);
                unsetenv("PA_ALIGN_VBMI");
                if (i == 3 && !strstr(why, "vbmi"))
                    continue; /* no VBMI here */
                double g = cells / t / 1e9;
                if (!k && f > 0)
                    snprintf(bound, sizeof bound, "%.0f%% of %.0f", 100 * g / inter_bound(isas[i], f),
                             inter_bound(isas[i], f));
                snprintf(name, sizeof name, "libpanalyzer %s-%s%s", k ? "striped" : "inter",
                         pa_isa_name(isas[i]), i == 3 ? "-vbmi" : "");
                printf("%-40s %8.3f %7.2f %8.2fx %8.2fx %s%s\n", name, t, g, ps_best / t, ssw_t / t,
                       bound, s == ref ? "" : "  SCORES DIFFER");
            }
        char why[320];
        auto_t = run_pa(&w, PA_ALIGN_LOCAL, PA_KERNEL_AUTO, PA_ISA_AUTO, 0, &s, why, sizeof why);
        printf("%-40s %8.3f %7.2f %8.2fx %8.2fx %s\n", "libpanalyzer auto", auto_t,
               cells / auto_t / 1e9, ps_best / auto_t, ssw_t / auto_t, s == ref ? "" : "  SCORES DIFFER");
        printf("  auto chose: %s\n", why);
        global_rows(&w, cells);
    }
    /* two threads: the machine's own two-process speed-up first */
    use_wall = 1;
    unsigned long n = 400000000ul;
    double one = 1e30, two = 1e30;
    for (int r = 0; r < reps; r++) {
        double a = spin_procs(1, 2 * n), c = spin_procs(2, n);
        one = a < one ? a : one;
        two = c < two ? c : two;
    }
    printf("\npure-CPU control, 2 processes vs 1 (wall): %.2fx (2.00x on an idle machine)\n", one / two);
    w.nq = pick(&chains, 150, 300, nq, w.q);
    if (w.nq) {
        long long s1, s2;
        double t1 = run_pa(&w, PA_ALIGN_LOCAL, PA_KERNEL_AUTO, PA_ISA_AUTO, 1, &s1, NULL, 0);
        double t2 = run_pa(&w, PA_ALIGN_LOCAL, PA_KERNEL_AUTO, PA_ISA_AUTO, 2, &s2, NULL, 0);
        if (t1 < 0 || t2 < 0)
            printf("no executor (%s): 1 vs 2 threads not measured\n", pa_last_error());
        else
            printf("libpanalyzer auto, queries 150-300, executor 1 vs 2 threads (wall): %.3f s / "
                   "%.3f s = %.2fx%s\n", t1, t2, t1 / t2, s1 == s2 ? "" : "  SCORES DIFFER");
    }
    for (size_t k = 0; k < nt; k++)
        free(tenc[k]);
    free(tenc);
    free(w.q);
    free(chains.s);
    free(uq.s);
    free(tg.s);
    pa_seqlist_free(chains.keep);
    pa_seqlist_free(uq.keep);
    pa_seqlist_free(tg.keep);
    return 0;
}
