/* test_align.c — matrices, the scalar reference against a naive DP, every SIMD kernel
 * against the scalar reference, overflow escalation, traceback, parasail agreement. */
#include "align/align_int.h"
#include "testutil.h"
#include "panalyzer/executor.h"
#include "panalyzer/structure.h"

#include <stdint.h>
#include <sys/resource.h>

#ifdef PA_HAVE_PARASAIL
#include <parasail.h>
#endif

static const char AA[] = "ARNDCQEGHILKMFPSTWYV";

static uint64_t rng = 88172645463325252ull;
static uint64_t next_rand(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static char *rand_seq(size_t n)
{
    char *s = malloc(n + 1);
    for (size_t i = 0; i < n; i++)
        s[i] = AA[next_rand() % 20];
    s[n] = 0;
    return s;
}

/* a mutated copy: substitutions, insertions and deletions, so alignments have gaps */
static char *mutate(const char *src, size_t *outn)
{
    size_t n = strlen(src);
    char *s = malloc(2 * n + 2);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned r = (unsigned)(next_rand() % 100);
        if (r < 5)
            continue; /* deletion */
        if (r < 10)
            s[k++] = AA[next_rand() % 20]; /* insertion */
        s[k++] = r < 25 ? AA[next_rand() % 20] : src[i];
    }
    s[k] = 0;
    *outn = k;
    return s;
}

/* ---- FASTA of the sample ---- */
typedef struct {
    char **seq;
    size_t n;
} seqs;

static seqs read_fasta(const char *path)
{
    seqs r = {NULL, 0};
    FILE *f = fopen(path, "r");
    ck_assert_ptr_nonnull(f);
    char line[4096];
    size_t cap = 0;
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = 0;
        if (line[0] == '>') {
            r.seq = realloc(r.seq, (r.n + 1) * sizeof *r.seq);
            r.seq[r.n++] = calloc(1, 1);
            cap = 0;
            continue;
        }
        char *s = r.seq[r.n - 1];
        size_t l = strlen(s);
        s = realloc(s, l + strlen(line) + 1);
        strcpy(s + l, line);
        r.seq[r.n - 1] = s;
        (void)cap;
    }
    fclose(f);
    return r;
}

static void free_seqs(seqs *s)
{
    for (size_t i = 0; i < s->n; i++)
        free(s->seq[i]);
    free(s->seq);
}

/* ---- an independent naive DP (full int64 matrices) for score and end cell ---- */
static int64_t naive(const char *q, const char *t, const pa_align_opts *o, int64_t *qe, int64_t *te)
{
    pa_matrix *mx;
    ck_assert_int_eq(pa_matrix_builtin(&mx, "BLOSUM62"), 0);
    const pa_matrix *M = o->matrix ? o->matrix : mx;
    int64_t m = (int64_t)strlen(q), n = (int64_t)strlen(t);
    int64_t go = o->gap_open + (o->gap_model == PA_GAP_BLAST ? o->gap_extend : 0), ge = o->gap_extend;
    int64_t NEG = INT64_MIN / 4;
    int64_t *H = malloc(sizeof(int64_t) * (size_t)((m + 1) * (n + 1)));
    int64_t *V = malloc(sizeof(int64_t) * (size_t)((m + 1) * (n + 1)));
    int64_t *G = malloc(sizeof(int64_t) * (size_t)((m + 1) * (n + 1)));
#define AT(a, i, j) a[(i) * (n + 1) + (j)]
    int local = o->mode == PA_ALIGN_LOCAL;
    unsigned fe = o->mode == PA_ALIGN_SEMI ? o->free_ends : 0;
    for (int64_t i = 0; i <= m; i++)
        for (int64_t j = 0; j <= n; j++) {
            AT(V, i, j) = AT(G, i, j) = NEG;
            if (i == 0 && j == 0)
                AT(H, i, j) = 0;
            else if (i == 0)
                AT(H, i, j) = local || (fe & PA_FREE_QUERY_START) ? 0 : -(go + (j - 1) * ge);
            else if (j == 0)
                AT(H, i, j) = local || (fe & PA_FREE_TARGET_START) ? 0 : -(go + (i - 1) * ge);
            else {
                int64_t v = AT(V, i - 1, j) - ge, v2 = AT(H, i - 1, j) - go;
                AT(V, i, j) = v > v2 ? v : v2;
                int64_t g = AT(G, i, j - 1) - ge, g2 = AT(H, i, j - 1) - go;
                AT(G, i, j) = g > g2 ? g : g2;
                int64_t h = AT(H, i - 1, j - 1) + pa_matrix_score(M, q[i - 1], t[j - 1]);
                h = h > AT(V, i, j) ? h : AT(V, i, j);
                h = h > AT(G, i, j) ? h : AT(G, i, j);
                if (local && h < 0)
                    h = 0;
                AT(H, i, j) = h;
            }
        }
    /* candidates ordered by (score desc, j asc, i asc) */
    int64_t bs = INT64_MIN, bi = 0, bj = 0;
    for (int64_t j = 0; j <= n; j++)
        for (int64_t i = 0; i <= m; i++) {
            int ok = local ? 1 : (i == m && j == n) || ((fe & PA_FREE_QUERY_END) && i == m && j > 0) ||
                                     ((fe & PA_FREE_TARGET_END) && j == n && i > 0);
            if (ok && AT(H, i, j) > bs)
                bs = AT(H, i, j), bi = i, bj = j;
        }
    if (local && bs == 0)
        bi = bj = 0;
    *qe = bi;
    *te = bj;
    free(H);
    free(V);
    free(G);
    pa_matrix_free(mx);
    return bs;
#undef AT
}

/* Re-score a CIGAR; checks it consumes exactly the reported ranges. */
static int64_t rescore(const char *q, const char *t, const pa_alignment *a, const pa_align_opts *o)
{
    pa_matrix *mx;
    ck_assert_int_eq(pa_matrix_builtin(&mx, "BLOSUM62"), 0);
    const pa_matrix *M = o->matrix ? o->matrix : mx;
    int64_t go = o->gap_open + (o->gap_model == PA_GAP_BLAST ? o->gap_extend : 0), ge = o->gap_extend;
    int64_t i = a->qstart, j = a->tstart, s = 0, cols = 0, matches = 0;
    const char *c = a->cigar;
    char prev = 0;
    while (*c) {
        long k = strtol(c, (char **)&c, 10);
        char op = *c++;
        ck_assert_int_gt(k, 0);
        ck_assert_int_ne(op, prev);
        for (long x = 0; x < k; x++, cols++) {
            if (op == '=' || op == 'X') {
                ck_assert_int_eq(op == '=', q[i] == t[j] || pa_matrix_score(M, q[i], q[i]) == pa_matrix_score(M, q[i], t[j]) ? op == '=' : 0);
                matches += op == '=';
                s += pa_matrix_score(M, q[i++], t[j++]);
            } else if (op == 'I') {
                s -= x == 0 ? go : ge;
                i++;
            } else {
                ck_assert_int_eq(op, 'D');
                s -= x == 0 ? go : ge;
                j++;
            }
        }
        prev = op;
    }
    ck_assert_int_eq(i, a->qend);
    ck_assert_int_eq(j, a->tend);
    ck_assert_int_eq(cols, a->length);
    ck_assert_int_eq(matches, a->matches);
    pa_matrix_free(mx);
    return s;
}

static pa_isa isas[4];
static int nisas;
static void find_isas(void)
{
    nisas = 0;
    for (int i = PA_ISA_SCALAR; i <= PA_ISA_AVX512; i++) {
        pa_align_opts o = PA_ALIGN_OPTS_INIT;
        o.isa = (pa_isa)i;
        pa_profile *p;
        if (pa_profile_new(&p, "ACD", 3, &o) == 0) {
            isas[nisas++] = (pa_isa)i;
            pa_profile_free(p);
        }
    }
}

/* ---- matrices ---- */
START_TEST(test_matrix_builtin)
{
    static const char *names[] = {"BLOSUM45", "BLOSUM50", "BLOSUM62", "BLOSUM80", "BLOSUM90",
                                  "PAM30", "PAM70", "PAM250", "NUC.4.4"};
    for (size_t i = 0; i < 9; i++) {
        pa_matrix *m;
        ck_assert_int_eq(pa_matrix_builtin(&m, names[i]), 0);
        ck_assert_str_eq(pa_matrix_name(m), names[i]);
        char buf[512];
        char rel[64];
        snprintf(rel, sizeof rel, "seq/matrices/%s", names[i]);
        if (pa_shared_data(rel, buf, sizeof buf)) { /* identical to the file */
            pa_matrix *f;
            ck_assert_int_eq(pa_matrix_load(&f, buf), 0);
            const char *L = i == 8 ? "ATGCSWRYKMBVHDN" : "ARNDCQEGHILKMFPSTWYVBZX*";
            for (const char *a = L; *a; a++)
                for (const char *b = L; *b; b++)
                    ck_assert_int_eq(pa_matrix_score(m, *a, *b), pa_matrix_score(f, *a, *b));
            pa_matrix_free(f);
        }
        pa_matrix_free(m);
    }
    pa_matrix *m;
    ck_assert_int_eq(pa_matrix_builtin(&m, "blosum62"), 0);
    ck_assert_int_eq(pa_matrix_score(m, 'W', 'W'), 11);
    ck_assert_int_eq(pa_matrix_score(m, 'a', 'R'), -1);
    ck_assert_int_eq(pa_matrix_score(m, 'U', 'A'), pa_matrix_score(m, 'X', 'A'));
    ck_assert_int_eq(pa_matrix_score(m, 'O', 'O'), pa_matrix_score(m, 'X', 'X'));
    ck_assert_int_eq(pa_matrix_score(m, '-', 'W'), pa_matrix_score(m, 'X', 'W'));
    ck_assert_int_eq(pa_matrix_score(m, '*', 'W'), -4);
    int lo, hi;
    pa_matrix_range(m, &lo, &hi);
    ck_assert_int_eq(lo, -4);
    ck_assert_int_eq(hi, 11);
    pa_matrix_free(m);
    ck_assert_int_eq(pa_matrix_builtin(&m, "BLOSUM999"), PA_ENOTFOUND);
    ck_assert_ptr_null(m);
    ck_assert_int_eq(pa_matrix_builtin(&m, "NUC.4.4"), 0);
    ck_assert_int_eq(pa_matrix_score(m, 'u', 'T'), 5);
    pa_matrix_free(m);
    ck_assert_int_eq(pa_matrix_match(&m, 2, -3), 0);
    ck_assert_int_eq(pa_matrix_score(m, 'A', 'a'), 2);
    ck_assert_int_eq(pa_matrix_score(m, 'U', 'T'), 2);
    ck_assert_int_eq(pa_matrix_score(m, 'N', 'N'), -3);
    ck_assert_int_eq(pa_matrix_score(m, 'G', 'C'), -3);
    pa_matrix_free(m);
}
END_TEST

START_TEST(test_matrix_parse_errors)
{
    static const char *bad[] = {
        "",                                     /* nothing */
        "# only comments\n",
        "   A  B\nA 1 2\n",                     /* missing row */
        "   A  B\nA 1 2\nB 1\n",                /* short row */
        "   A  B\nA 1 2\nB 1 x\n",              /* not a number */
        "   A  B\nA 1 2\nC 1 2\n",              /* wrong row letter */
        "   A  A\nA 1 2\nA 1 2\n",              /* duplicate column */
        "   A  B\nA 1 2\nB 1 99999\n",          /* out of range */
        "   AB C\n",                            /* multi-letter column */
        "\x01\x02\x03\x04",                     /* binary */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        pa_matrix *m = (pa_matrix *)1;
        ck_assert_int_eq(pa_matrix_parse(&m, bad[i], strlen(bad[i]), "bad"), PA_EFORMAT);
        ck_assert_ptr_null(m);
        ck_assert_str_ne(pa_last_error(), "");
    }
    pa_matrix *m;
    const char *ok = "# test\n   A  C\nA  2 -1\nC -1  3\n";
    ck_assert_int_eq(pa_matrix_parse(&m, ok, strlen(ok), "tiny"), 0);
    ck_assert_int_eq(pa_matrix_score(m, 'C', 'C'), 3);
    ck_assert_int_eq(pa_matrix_score(m, 'Z', 'C'), -1); /* unknown slot: the minimum */
    pa_matrix_free(m);
    ck_assert_int_eq(pa_matrix_load(&m, "/nonexistent/matrix"), PA_EIO);
    char buf[512];
    ck_assert_int_eq(pa_matrix_load(&m, pa_test_data("align/sample.fasta", buf, sizeof buf)),
                     PA_EFORMAT);
}
END_TEST

/* ---- the scalar reference against the naive DP (score, ends, CIGAR) ---- */
static const pa_align_mode modes[3] = {PA_ALIGN_LOCAL, PA_ALIGN_GLOBAL, PA_ALIGN_SEMI};

START_TEST(test_scalar_vs_naive)
{
    for (int it = 0; it < 300; it += pa_test_stride()) {
        size_t m = next_rand() % 40, n;
        char *q = rand_seq(m);
        char *t = it % 2 ? mutate(q, &n) : rand_seq(n = next_rand() % 40);
        pa_align_opts o = PA_ALIGN_OPTS_INIT;
        o.mode = modes[it % 3];
        o.isa = PA_ISA_SCALAR;
        o.traceback = 1;
        o.free_ends = (unsigned)(next_rand() % 16);
        o.gap_extend = (int)(next_rand() % 3);
        o.gap_open = o.gap_extend + (int)(next_rand() % 12);
        o.gap_model = it % 5 == 0 ? PA_GAP_BLAST : PA_GAP_PARASAIL;
        int64_t qe, te, s = naive(q, t, &o, &qe, &te);
        pa_alignment a;
        ck_assert_int_eq(pa_align(q, m, t, n, &o, &a), 0);
        ck_assert_int_eq(a.score, s);
        ck_assert_int_eq(a.qend, qe);
        ck_assert_int_eq(a.tend, te);
        ck_assert_msg(rescore(q, t, &a, &o) == s, "mode %d fe %u go %d ge %d gm %d %s %s: %s (%lld,%lld)-(%lld,%lld)",
                      o.mode, o.free_ends, o.gap_open, o.gap_extend, o.gap_model, q, t, a.cigar,
                      (long long)a.qstart, (long long)a.tstart, (long long)a.qend, (long long)a.tend);
        pa_alignment_clear(&a);
        o.traceback = 0;
        ck_assert_int_eq(pa_align(q, m, t, n, &o, &a), 0);
        ck_assert_int_eq(a.score, s);
        ck_assert_int_eq(a.qend, qe);
        ck_assert_int_eq(a.tend, te);
        pa_alignment_clear(&a);
        free(q);
        free(t);
    }
}
END_TEST

START_TEST(test_known_alignments)
{
    pa_align_opts o = PA_ALIGN_OPTS_INIT;
    o.traceback = 1;
    pa_alignment a;
    /* identical: all matches */
    ck_assert_int_eq(pa_align("HEAGAWGHEE", 0, "HEAGAWGHEE", 0, &o, &a), 0);
    ck_assert_str_eq(a.cigar, "10=");
    ck_assert_int_eq(a.qstart, 0);
    ck_assert_int_eq(a.qend, 10);
    ck_assert(a.identity == 1.0);
    pa_alignment_clear(&a);
    /* global with a 3-residue gap: open 11 + 2 extend (parasail) vs 11 + 3 (BLAST) */
    o.mode = PA_ALIGN_GLOBAL;
    ck_assert_int_eq(pa_align("WWWWWCCCWWWWW", 0, "WWWWWWWWWW", 0, &o, &a), 0);
    ck_assert_int_eq(a.score, 10 * 11 - 13);
    ck_assert_str_eq(a.cigar, "5=3I5=");
    ck_assert_int_eq(a.gap_opens, 1);
    ck_assert_int_eq(a.gaps, 3);
    pa_alignment_clear(&a);
    o.gap_model = PA_GAP_BLAST;
    ck_assert_int_eq(pa_align("WWWWWCCCWWWWW", 0, "WWWWWWWWWW", 0, &o, &a), 0);
    ck_assert_int_eq(a.score, 10 * 11 - 14);
    pa_alignment_clear(&a);
    /* empty inputs */
    o.gap_model = PA_GAP_PARASAIL;
    ck_assert_int_eq(pa_align("", 0, "ACDE", 4, &o, &a), 0);
    ck_assert_int_eq(a.score, -(11 + 3));
    ck_assert_str_eq(a.cigar, "4D");
    pa_alignment_clear(&a);
    o.mode = PA_ALIGN_LOCAL;
    ck_assert_int_eq(pa_align("", 0, "", 0, &o, &a), 0);
    ck_assert_int_eq(a.score, 0);
    ck_assert_str_eq(a.cigar, "");
    pa_alignment_clear(&a);
    o.mode = PA_ALIGN_SEMI;
    ck_assert_int_eq(pa_align("ACD", 0, "", 0, &o, &a), 0);
    ck_assert_int_eq(a.score, 0);
    pa_alignment_clear(&a);
    /* semi-global: the query sits inside the target for free */
    ck_assert_int_eq(pa_align("KLMNP", 0, "AAAAKLMNPAAA", 0, &o, &a), 0);
    ck_assert_int_eq(a.tstart, 4);
    ck_assert_int_eq(a.tend, 9);
    ck_assert_str_eq(a.cigar, "5=");
    pa_alignment_clear(&a);
    /* bad options */
    o.version = 99;
    ck_assert_int_eq(pa_align("A", 0, "A", 0, &o, &a), PA_EINVAL);
    o.version = PA_ALIGN_OPTS_VERSION;
    o.gap_open = -1;
    ck_assert_int_eq(pa_align("A", 0, "A", 0, &o, &a), PA_EINVAL);
    o.gap_open = 1;
    o.gap_extend = 2; /* first gap residue cheaper than the next: rejected */
    ck_assert_int_eq(pa_align("A", 0, "A", 0, &o, &a), PA_EINVAL);
    ck_assert_int_eq(pa_align("A", 0, "A", 0, NULL, NULL), PA_EINVAL);
}
END_TEST

/* ---- every kernel equals the scalar reference ---- */
static void compare_all(const char *q, size_t m, const char *t, size_t n, pa_align_opts o)
{
    o.isa = PA_ISA_SCALAR;
    pa_alignment ref;
    ck_assert_int_eq(pa_align(q, m, t, n, &o, &ref), 0);
    for (int k = 1; k < nisas; k++) {
        o.isa = isas[k];
        pa_alignment a;
        int rc = pa_align(q, m, t, n, &o, &a);
        ck_assert_msg(rc == 0, "%s: %s", pa_isa_name(isas[k]), pa_last_error());
        ck_assert_msg(a.score == ref.score && a.qend == ref.qend && a.tend == ref.tend,
                      "%s mode %d fe %u go %d ge %d gm %d m %zu n %zu: %lld (%lld,%lld) vs scalar %lld (%lld,%lld)",
                      pa_isa_name(isas[k]), o.mode, o.free_ends, o.gap_open, o.gap_extend, o.gap_model, m, n, (long long)a.score, (long long)a.qend,
                      (long long)a.tend, (long long)ref.score, (long long)ref.qend,
                      (long long)ref.tend);
        if (o.traceback) {
            ck_assert_int_eq(a.qstart, ref.qstart);
            ck_assert_str_eq(a.cigar, ref.cigar);
        }
        pa_alignment_clear(&a);
    }
    pa_alignment_clear(&ref);
}

START_TEST(test_kernels_random)
{
    find_isas();
    ck_assert_int_ge(nisas, 1);
    for (int it = 0; it < 600; it += pa_test_stride()) {
        size_t m = it < 40 ? (size_t)(it % 4) : 1 + next_rand() % (it % 7 == 0 ? 700 : 120), n;
        char *q = rand_seq(m);
        char *t = it % 2 ? mutate(q, &n) : rand_seq(n = next_rand() % 150);
        pa_align_opts o = PA_ALIGN_OPTS_INIT;
        o.mode = modes[it % 3];
        o.free_ends = (unsigned)(next_rand() % 16);
        o.gap_extend = (int)(next_rand() % 3);
        o.gap_open = o.gap_extend + (int)(next_rand() % 14);
        o.gap_model = it % 4 == 0 ? PA_GAP_BLAST : PA_GAP_PARASAIL;
        o.traceback = it % 10 == 0;
        compare_all(q, m, t, n, o);
        free(q);
        free(t);
    }
}
END_TEST

START_TEST(test_kernels_real_and_matrices)
{
    find_isas();
    char buf[512];
    seqs s = read_fasta(pa_test_data("align/sample.fasta", buf, sizeof buf));
    ck_assert_int_ge(s.n, 20);
    static const char *mats[] = {"BLOSUM62", "BLOSUM45", "PAM30", "BLOSUM90", "PAM250"};
    for (size_t i = 0; i + 1 < s.n; i++) {
        pa_matrix *mx;
        ck_assert_int_eq(pa_matrix_builtin(&mx, mats[i % 5]), 0);
        for (int md = 0; md < 3; md++) {
            pa_align_opts o = PA_ALIGN_OPTS_INIT;
            o.mode = modes[md];
            o.matrix = mx;
            o.gap_open = i % 3 ? 11 : 10;
            compare_all(s.seq[i], 0, s.seq[i + 1], 0, o);
            compare_all(s.seq[i], 0, s.seq[i], 0, o); /* self: big scores */
        }
        pa_matrix_free(mx);
    }
    free_seqs(&s);
}
END_TEST

START_TEST(test_long_and_overflow)
{
    find_isas();
    /* 10k random vs a mutated copy, every mode (2k under valgrind) */
    char *q = rand_seq(pa_test_quick() ? 2000 : 10000);
    size_t n;
    char *t = mutate(q, &n);
    for (int md = 0; md < 3; md++) {
        pa_align_opts o = PA_ALIGN_OPTS_INIT;
        o.mode = modes[md];
        compare_all(q, 0, t, n, o);
    }
    free(t);
    /* 8-bit saturates on a 300-residue self alignment: escalation to 16 bits */
    pa_align_opts o = PA_ALIGN_OPTS_INIT;
    o.isa = isas[nisas - 1];
    pa_alignment a;
    q[300] = 0;
    ck_assert_int_eq(pa_align(q, 300, q, 300, &o, &a), 0);
    if (o.isa != PA_ISA_SCALAR)
        ck_assert_int_eq(a.bits, 16);
    o.isa = PA_ISA_SCALAR;
    pa_alignment b;
    ck_assert_int_eq(pa_align(q, 300, q, 300, &o, &b), 0);
    ck_assert_int_eq(a.score, b.score);
    free(q);
    /* 5000 W: 55000 > INT16_MAX, so 16 bits overflow too -> 32 bits */
    char *w = malloc(5001);
    memset(w, 'W', 5000);
    w[5000] = 0;
    for (int md = 0; md < 3; md++) {
        for (int k = 0; k < nisas; k++) {
            o.isa = isas[k];
            o.mode = modes[md];
            ck_assert_int_eq(pa_align(w, 0, w, 0, &o, &a), 0);
            ck_assert_int_eq(a.score, 55000);
            ck_assert_int_eq(a.qend, 5000);
            ck_assert_int_eq(a.tend, 5000);
            if (isas[k] != PA_ISA_SCALAR)
                ck_assert_int_eq(a.bits, 32);
        }
    }
    free(w);
}
END_TEST

START_TEST(test_traceback_rescore)
{
    find_isas();
    char buf[512];
    seqs s = read_fasta(pa_test_data("align/sample.fasta", buf, sizeof buf));
    for (size_t i = 0; i + 1 < s.n; i++)
        for (int md = 0; md < 3; md++) {
            pa_align_opts o = PA_ALIGN_OPTS_INIT;
            o.mode = modes[md];
            o.traceback = 1;
            o.isa = isas[nisas - 1];
            o.gap_model = i % 2 ? PA_GAP_BLAST : PA_GAP_PARASAIL;
            pa_alignment a;
            ck_assert_int_eq(pa_align(s.seq[i], 0, s.seq[i + 1], 0, &o, &a), 0);
            ck_assert_int_eq(rescore(s.seq[i], s.seq[i + 1], &a, &o), a.score);
            ck_assert(a.identity >= 0 && a.identity <= 1 && a.similarity >= a.identity);
            pa_alignment_clear(&a);
        }
    free_seqs(&s);
}
END_TEST

/* A 30k x 30k global alignment with traceback in bounded memory. */
START_TEST(test_traceback_memory)
{
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
    size_t len = 6000; /* sanitizers are ~10x slower; keep the same code path */
#else
    size_t len = pa_test_quick() ? 6000 : 30000;
#endif
    char *q = rand_seq(len);
    size_t n;
    char *t = mutate(q, &n);
    struct rusage r0, r1;
    getrusage(RUSAGE_SELF, &r0);
    pa_align_opts o = PA_ALIGN_OPTS_INIT;
    o.mode = PA_ALIGN_GLOBAL;
    o.traceback = 1;
    pa_alignment a;
    ck_assert_int_eq(pa_align(q, len, t, n, &o, &a), 0);
    getrusage(RUSAGE_SELF, &r1);
    ck_assert_int_eq(rescore(q, t, &a, &o), a.score);
    ck_assert_int_eq(a.qstart, 0);
    ck_assert_int_eq(a.qend, (int64_t)len);
    /* a full direction matrix alone would need len * n bytes (~900 MB at 30k) */
    ck_assert_int_lt(r1.ru_maxrss - r0.ru_maxrss, 300 * 1024);
    pa_alignment_clear(&a);
    free(q);
    free(t);
}
END_TEST

START_TEST(test_isa_env_and_profiles)
{
    find_isas();
    pa_align_opts o = PA_ALIGN_OPTS_INIT;
    pa_profile *p;
    setenv("PA_ALIGN_ISA", "scalar", 1);
    ck_assert_int_eq(pa_profile_new(&p, "MKV", 0, &o), 0);
    ck_assert_int_eq(pa_profile_isa(p), PA_ISA_SCALAR);
    pa_profile_free(p);
    setenv("PA_ALIGN_ISA", "bogus", 1);
    ck_assert_int_eq(pa_profile_new(&p, "MKV", 0, &o), PA_EINVAL);
    unsetenv("PA_ALIGN_ISA");
    ck_assert_int_eq(pa_profile_new(&p, "MKVLAAGIW", 0, &o), 0);
    /* short queries prefer AVX2 over AVX-512 */
    ck_assert(pa_profile_isa(p) == pa_align_best_isa() ||
              (pa_align_best_isa() == PA_ISA_AVX512 && pa_profile_isa(p) == PA_ISA_AVX2));
    ck_assert_int_eq(pa_profile_length(p), 9);
    pa_alignment a;
    ck_assert_int_eq(pa_profile_align(p, "GGMKVLAAGIWGG", 0, &a), 0);
    ck_assert_int_eq(a.tend, 11);
    ck_assert_int_eq(a.tstart, -1); /* unknown without traceback */
    pa_alignment_clear(&a);
    pa_profile_free(p);
    pa_profile_free(NULL);
    pa_alignment_clear(NULL);
    ck_assert_str_eq(pa_isa_name(PA_ISA_AVX2), "avx2");
}
END_TEST

START_TEST(test_alloc_failures)
{
    pa_align_opts o = PA_ALIGN_OPTS_INIT;
    o.traceback = 1;
    for (uint64_t k = 1; k < 40; k++) {
        pai_alloc_fail_after(k);
        pa_alignment a;
        int rc = pa_align("MKVLAAGIWKKLLE", 0, "MKVLGIWKKLAE", 0, &o, &a);
        pai_alloc_fail_after(0);
        ck_assert(rc == 0 || rc == PA_ENOMEM);
        if (rc == 0)
            pa_alignment_clear(&a);
    }
    /* batches (with top-k) and mapping fail cleanly too */
    const char *q[2] = {"MKVLAAGIWKKLLE", "WWKLLEAAG"}, *t[3] = {"MKVLGIWKKLAE", "GGG", "KLLEAAW"};
    for (uint64_t k = 1; k < 60; k++) {
        pa_batch_opts bo = PA_BATCH_OPTS_INIT;
        bo.top_k = k % 2 ? 2 : 0;
        pa_hit *h;
        size_t nh;
        int64_t map[14];
        pai_alloc_fail_after(k);
        int rc = pa_align_many(NULL, q, NULL, 2, t, NULL, 3, &o, &bo, &h, &nh);
        int rc2 = pa_map_sequences(q[0], 0, t[0], 0, NULL, map, NULL);
        pai_alloc_fail_after(0);
        ck_assert(rc == 0 || rc == PA_ENOMEM);
        ck_assert(rc2 == 0 || rc2 == PA_ENOMEM);
        if (rc == 0)
            pa_hits_free(h, nh);
    }
}
END_TEST


/* ---- batches on the executor ---- */
static void check_batch(pa_executor *ex, const char *const *q, size_t nq, const char *const *t,
                        size_t nt, const pa_align_opts *o, size_t chunk, size_t k)
{
    pa_batch_opts bo = PA_BATCH_OPTS_INIT;
    bo.chunk = chunk;
    bo.top_k = k;
    pa_hit *hits;
    size_t nh;
    ck_assert_int_eq(pa_align_many(ex, q, NULL, nq, t, NULL, nt, o, &bo, &hits, &nh), 0);
    size_t kk = k && k < nt ? k : nt;
    ck_assert_int_eq(nh, nq * kk);
    for (size_t i = 0; i < nq; i++) {
        /* the expected order: every target, or the k best (ties: lower index) */
        int64_t *sc = malloc(nt * sizeof *sc);
        for (size_t j = 0; j < nt; j++) {
            pa_alignment a;
            ck_assert_int_eq(pa_align(q[i], 0, t[j], 0, o, &a), 0);
            sc[j] = a.score;
            if (!k) {
                const pa_hit *h = &hits[i * nt + j];
                ck_assert_int_eq(h->query, i);
                ck_assert_int_eq(h->target, j);
                ck_assert_int_eq(h->aln.score, a.score);
                ck_assert_int_eq(h->aln.tend, a.tend);
                if (o->traceback)
                    ck_assert_str_eq(h->aln.cigar, a.cigar);
            }
            pa_alignment_clear(&a);
        }
        for (size_t r = 0; k && r < kk; r++) {
            size_t bj = 0;
            for (size_t j = 1; j < nt; j++)
                if (sc[j] > sc[bj])
                    bj = j;
            const pa_hit *h = &hits[i * kk + r];
            ck_assert_int_eq(h->query, i);
            ck_assert_int_eq(h->target, bj);
            ck_assert_int_eq(h->aln.score, sc[bj]);
            ck_assert(!o->traceback || h->aln.cigar);
            sc[bj] = INT64_MIN;
        }
        free(sc);
    }
    pa_hits_free(hits, nh);
}

START_TEST(test_batch)
{
    char buf[512];
    seqs s = read_fasta(pa_test_data("align/sample.fasta", buf, sizeof buf));
    const char *q[4] = {s.seq[0], s.seq[1], s.seq[2], s.seq[3]};
    size_t nt = s.n + 4;
    const char **t = malloc(nt * sizeof *t);
    char *mut[4];
    for (size_t i = 0; i < s.n; i++)
        t[i] = s.seq[i];
    for (size_t i = 0; i < 4; i++) {
        size_t n;
        mut[i] = mutate(s.seq[i], &n);
        t[s.n + i] = mut[i];
    }
    pa_executor *ex;
    pa_executor_opts eo = PA_EXECUTOR_OPTS_INIT;
    eo.threads = 2;
    ck_assert_int_eq(pa_executor_new(&ex, &eo), 0);
    pa_align_opts o = PA_ALIGN_OPTS_INIT;
    check_batch(ex, q, 4, t, nt, &o, 7, 0);
    check_batch(ex, q, 4, t, nt, &o, 0, 3);
    check_batch(NULL, q, 4, t, nt, &o, 5, 0);
    check_batch(NULL, q, 2, t, nt, &o, 0, 1000); /* k > nt: every target, best first */
    o.traceback = 1;
    o.mode = PA_ALIGN_SEMI;
    check_batch(ex, q, 2, t, nt, &o, 3, 0);
    check_batch(ex, q, 2, t, nt, &o, 1, 2);
    /* one profile against many */
    pa_profile *p;
    ck_assert_int_eq(pa_profile_new(&p, q[0], 0, &o), 0);
    pa_hit *hits;
    size_t nh;
    ck_assert_int_eq(pa_profile_align_many(ex, p, t, NULL, nt, NULL, &hits, &nh), 0);
    ck_assert_int_eq(nh, nt);
    ck_assert_int_eq(hits[0].aln.length, (int64_t)strlen(q[0])); /* self */
    pa_hits_free(hits, nh);
    ck_assert_int_eq(pa_profile_align_many(ex, p, t, NULL, 0, NULL, &hits, &nh), 0);
    ck_assert_int_eq(nh, 0);
    pa_hits_free(hits, nh);
    pa_profile_free(p);
    pa_executor_free(ex);
    for (size_t i = 0; i < 4; i++)
        free(mut[i]);
    free(t);
    free_seqs(&s);
}
END_TEST

/* Many profiles in one call (options differing per profile) give each profile's own
 * rows; the timing of the call is reported. */
START_TEST(test_many_profiles)
{
    char buf[512];
    seqs s = read_fasta(pa_test_data("align/sample.fasta", buf, sizeof buf));
    pa_executor *ex;
    pa_executor_opts eo = PA_EXECUTOR_OPTS_INIT;
    eo.threads = 2;
    ck_assert_int_eq(pa_executor_new(&ex, &eo), 0);
    pa_align_opts o[3] = {PA_ALIGN_OPTS_INIT, PA_ALIGN_OPTS_INIT, PA_ALIGN_OPTS_INIT};
    o[1].mode = PA_ALIGN_GLOBAL;
    o[2].mode = PA_ALIGN_SEMI;
    o[2].traceback = 1;
    pa_profile *p[3];
    for (int i = 0; i < 3; i++)
        ck_assert_int_eq(pa_profile_new(&p[i], s.seq[i], 0, &o[i]), 0);
    const char *const *t = (const char *const *)s.seq;
    for (size_t k = 0; k <= 2; k += 2) {
        pa_batch_opts bo = PA_BATCH_OPTS_INIT;
        bo.top_k = k;
        bo.chunk = 5;
        pa_hit *all, *one;
        size_t na, n1;
        pa_align_timing tm = PA_ALIGN_TIMING_INIT;
        ck_assert_int_eq(pa_align_many_profiles(ex, (const pa_profile *const *)p, 3, t, NULL, s.n,
                                                &bo, &all, &na), 0);
        ck_assert_int_eq(pa_align_last_timing(&tm), 0);
        ck_assert_uint_eq(tm.pairs, 3 * s.n);
        ck_assert(tm.cells > 0 && tm.score_s >= 0 && tm.sort_s >= 0 && tm.calibrate_s >= 0);
        ck_assert_uint_eq(na, 3 * (k ? k : s.n));
        for (size_t i = 0; i < 3; i++) {
            ck_assert_int_eq(pa_profile_align_many(ex, p[i], t, NULL, s.n, &bo, &one, &n1), 0);
            ck_assert_uint_eq(n1 * 3, na);
            for (size_t j = 0; j < n1; j++) {
                const pa_hit *a = &all[i * n1 + j], *b = &one[j];
                ck_assert_uint_eq(a->query, i);
                ck_assert_uint_eq(a->target, b->target);
                ck_assert_int_eq(a->aln.score, b->aln.score);
                ck_assert_int_eq(a->aln.qend, b->aln.qend);
                ck_assert_int_eq(a->aln.tend, b->aln.tend);
                ck_assert_str_eq(a->aln.cigar ? a->aln.cigar : "", b->aln.cigar ? b->aln.cigar : "");
            }
            pa_hits_free(one, n1);
        }
        pa_hits_free(all, na);
    }
    /* bad arguments */
    pa_hit *h;
    size_t nh;
    const pa_profile *bad[2] = {p[0], NULL};
    ck_assert_int_eq(pa_align_many_profiles(ex, bad, 2, t, NULL, s.n, NULL, &h, &nh), PA_EINVAL);
    ck_assert_int_eq(pa_align_many_profiles(ex, NULL, 1, t, NULL, s.n, NULL, &h, &nh), PA_EINVAL);
    ck_assert_int_eq(pa_align_many_profiles(ex, NULL, 0, t, NULL, s.n, NULL, &h, &nh), 0);
    ck_assert_uint_eq(nh, 0);
    pa_hits_free(h, nh);
    pa_align_timing tm = PA_ALIGN_TIMING_INIT;
    tm.version = 99;
    ck_assert_int_eq(pa_align_last_timing(&tm), PA_EINVAL);
    ck_assert_int_eq(pa_align_last_timing(NULL), PA_EINVAL);
    for (int i = 0; i < 3; i++)
        pa_profile_free(p[i]);
    pa_executor_free(ex);
    free_seqs(&s);
}
END_TEST

/* ---- mapping ---- */
START_TEST(test_map_sequences)
{
    const char *ref = "MSEQRESKLVAAGTWYFDEPLKHNQ";
    /* observed: termini missing, "GT" missing, one mutation (F -> A) */
    const char *obs = "KLVAAWYADEPLK";
    int64_t map[16];
    pa_map_stats st;
    ck_assert_int_eq(pa_map_sequences(obs, 0, ref, 0, NULL, map, &st), 0);
    static const int64_t want[13] = {7, 8, 9, 10, 11, 14, 15, 16, 17, 18, 19, 20, 21};
    for (int i = 0; i < 13; i++)
        ck_assert_int_eq(map[i], want[i]);
    ck_assert_int_eq(st.mapped, 13);
    ck_assert_int_eq(st.identical, 12);
    ck_assert(st.coverage > 0.51 && st.coverage < 0.53);
    /* an inserted residue (not in the reference) maps to -1 */
    ck_assert_int_eq(pa_map_sequences("KLVAAGWWWWTWYF", 0, ref, 0, NULL, map, &st), 0);
    ck_assert_int_eq(map[0], 7);
    ck_assert_int_eq(map[13], 16);
    int unmapped = 0;
    for (int i = 0; i < 14; i++)
        unmapped += map[i] < 0;
    ck_assert_int_eq(unmapped, 4);
    ck_assert_int_eq(pa_map_sequences("", 0, ref, 0, NULL, NULL, &st), 0);
    ck_assert_int_eq(st.mapped, 0);
}
END_TEST

START_TEST(test_map_chain)
{
    char buf[512];
    pa_structure *s;
    if (pa_structure_read(pa_test_data("align/1crn.pdb", buf, sizeof buf), NULL, &s, NULL) != 0)
        ck_abort_msg("cannot read 1crn.pdb: %s", pa_last_error());
    const char *ref = "MKAAGTTCCPSIVARSNFNVCRLPGTPEAICATYTGCIIIPGATCPGDYANGGS";
    int64_t *map;
    size_t n;
    pa_map_stats st;
    ck_assert_int_eq(pa_map_chain_to_reference(s, 0, ref, 0, NULL, &map, &n, &st), 0);
    ck_assert_int_ge(n, 46);
    for (size_t i = 0; i < 46; i++)
        ck_assert_int_eq(map[i], (int64_t)i + 5);
    for (size_t i = 46; i < n; i++) /* waters and ligands, if any */
        ck_assert_int_eq(map[i], -1);
    ck_assert(st.identity == 1.0);
    ck_assert_int_eq(st.mapped, 46);
    pa_map_free(map);
    ck_assert_int_ne(pa_map_chain_to_reference(s, 999, ref, 0, NULL, &map, &n, &st), 0);
    pa_structure_free(s);
}
END_TEST

#ifdef PA_HAVE_PARASAIL
/* Scores equal parasail's (same matrix, same open/extend) on real pairs. */
START_TEST(test_parasail_scores)
{
    char buf[512];
    seqs s = read_fasta(pa_test_data("align/sample.fasta", buf, sizeof buf));
    static const char *mats[] = {"BLOSUM62", "BLOSUM50", "PAM30"};
    static const char *pmats[] = {"blosum62", "blosum50", "pam30"};
    for (size_t i = 0; i + 1 < s.n; i++) {
        pa_matrix *mx;
        ck_assert_int_eq(pa_matrix_builtin(&mx, mats[i % 3]), 0);
        const parasail_matrix_t *pm = parasail_matrix_lookup(pmats[i % 3]);
        ck_assert_ptr_nonnull(pm);
        const char *q = s.seq[i], *t = s.seq[(i * 7 + 3) % s.n];
        int qn = (int)strlen(q), tn = (int)strlen(t);
        for (int md = 0; md < 3; md++) {
            pa_align_opts o = PA_ALIGN_OPTS_INIT;
            o.mode = modes[md];
            o.matrix = mx;
            o.gap_open = 10 + (int)(i % 3);
            o.gap_extend = 1 + (int)(i % 2);
            parasail_result_t *r = md == 0 ? parasail_sw(q, qn, t, tn, o.gap_open, o.gap_extend, pm)
                                 : md == 1 ? parasail_nw(q, qn, t, tn, o.gap_open, o.gap_extend, pm)
                                           : parasail_sg(q, qn, t, tn, o.gap_open, o.gap_extend, pm);
            pa_alignment a;
            ck_assert_int_eq(pa_align(q, 0, t, 0, &o, &a), 0);
            ck_assert_int_eq(a.score, parasail_result_get_score(r));
            parasail_result_free(r);
        }
        pa_matrix_free(mx);
    }
    free_seqs(&s);
}
END_TEST
#endif

int main(void)
{
    Suite *s = suite_create("align");
    TCase *tc = tcase_create("align");
    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, test_matrix_builtin);
    tcase_add_test(tc, test_matrix_parse_errors);
    tcase_add_test(tc, test_scalar_vs_naive);
    tcase_add_test(tc, test_known_alignments);
    tcase_add_test(tc, test_kernels_random);
    tcase_add_test(tc, test_kernels_real_and_matrices);
    tcase_add_test(tc, test_long_and_overflow);
    tcase_add_test(tc, test_traceback_rescore);
    tcase_add_test(tc, test_traceback_memory);
    tcase_add_test(tc, test_isa_env_and_profiles);
    tcase_add_test(tc, test_alloc_failures);
    tcase_add_test(tc, test_batch);
    tcase_add_test(tc, test_many_profiles);
    tcase_add_test(tc, test_map_sequences);
    tcase_add_test(tc, test_map_chain);
#ifdef PA_HAVE_PARASAIL
    tcase_add_test(tc, test_parasail_scores);
#endif
    suite_add_tcase(s, tc);
    return pa_run_suite(s);
}
