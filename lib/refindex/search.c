/* search.c — prefilter + exact alignment of candidates + statistics.
 *
 * Per query: the postings of every k-mer similar to one of the query's (substitution score
 * of at least a threshold set by the sensitivity) give (diagonal, query position) keys;
 * after a radix sort by diagonal, a diagonal with two hits apart (or one and another an
 * indel away) is scored ungapped (best segment along it, within its reference); each
 * reference keeps its two best diagonal scores, and the best-scoring references above a
 * threshold are aligned with the align module's one-vs-many API (scores only). Hits whose
 * E-value (composition-adjusted: effective_score) passes get a traceback (trace.c), best
 * first, until top_k pass the coverage filter. Queries are independent tasks on the
 * executor: results do not depend on threads or chunk. */
#include "refindex_int.h"
#include "panalyzer/executor.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#define KEY_SHIFT 30                 /* key = diagonal << 30 | query position */
#define MAX_QLEN ((1u << KEY_SHIFT) - 1)
#define WINDOW 32                    /* residues scored beyond a diagonal's outer hits */
#define PAIR_SPAN 64                 /* query residues between two hits an indel apart */
#define NCODE 28                     /* profile columns: A-Z, '*', anything else */
#define MAX_KEYS ((size_t)8 << 20)   /* 8 M keys (128 MiB with the sort buffer) per thread */

/* What a sensitivity level means. Every query k-mer looks up the k-mers scoring at least
 * kmer_score against it (similar k-mers, as BLAST and mmseqs2 seed; the k-mer itself always).
 * A diagonal is scored when it has min_hits k-mer hits or another hit lies within band
 * diagonals (an indel apart); a reference ranks by the sum of its two best diagonal scores
 * of at least min_diag. */
typedef struct {
    int kmer_score;       /* similar k-mer threshold (BLOSUM62 units) */
    int min_hits;         /* k-mer hits on one diagonal */
    int64_t min_gap;      /* query positions between the first and last of them, at least */
    uint64_t band;        /* diagonals apart that still pair two hits */
    int64_t min_diag;     /* ungapped score for a diagonal to count */
    int64_t min_total;    /* a reference's two best diagonals together */
    size_t max_cand;      /* references aligned per query */
    uint32_t max_post;    /* k-mers occurring more often are skipped (low complexity) */
} sens_params;

static const sens_params SENS[] = {
    {21, 2, 5, 0, 20, 32, 100, 20000},
    {19, 2, 5, 8, 15, 24, 300, 40000},
    {18, 2, 5, 8, 12, 24, 1000, 80000},
    {0, 0, 0, 0, 0, 0, 0, 0},
};

/* Bits per radix sort pass, at most. 26-bit diagonals (45 M residues, the 1x bench) then
 * take 3 passes of 9 bits: 2 of 13 scattered each key into one of 8192 buckets, more
 * write streams than the L1 holds, and sorted 40 % slower (2.07 s -> 1.46 s of 10 s). */
#define RADIX_BITS 11
#define PREFETCH 8    /* items processed ahead of their memory's prefetch */
#define DG_BATCH 1024 /* diagonals listed, then scored */
#define NB_MAX 4096   /* similar k-mers looked up per query position, at most */
#define BIG_DB ((uint64_t)1 << 28) /* residues from which the k-mer threshold is one higher */
/* lambda'/lambda of two ordinary proteins' regions is mostly 0.85-1 (their compositions
 * differ from the background and from each other): scores are only lowered below 0.8,
 * where compositionally biased pairs are (shuffled Ser/Thr-rich decoys: 0-0.12). At 1:
 * -0.65 recall points on bench/map's 1x set, at 0.8: none lost, decoys hit 1 -> 0. */
#define COMP_TOLERANCE 0.8
#define TRACE_BAND 16 /* diagonals beyond the corners' searched by the traceback first */

typedef struct {
    int64_t score;
    size_t target;
    int64_t qend, tend; /* end of the best local alignment (after score_cands) */
    double eff;         /* score for the statistics (composition-adjusted; report) */
} cand;

typedef struct {
    size_t target;
    int64_t score, qstart, qend, tstart, tend;
    double bits, evalue, identity, qcov, tcov;
    char *cigar;
} ihit;

typedef struct {
    ihit *h;
    size_t n;
} qres;

/* A diagonal to score: query positions [lo, hi) against residues at + lo .. at + hi. */
typedef struct {
    int64_t at;
    uint32_t ref;
    int32_t lo, hi;
} diag;

typedef struct {
    uint64_t *keys, *tmp;
    size_t kcap;
    int32_t (*top2)[2];  /* per reference: its two best diagonal scores (0: none) */
    uint32_t *touched;   /* references with a non-zero top2 */
    size_t ntouched, tcap;
    int16_t *qp;         /* query profile: qp[i * NCODE + code] */
    size_t qpcap;
    cand *c;
    size_t ccap;
    const char **cseq;
    size_t *clen, scap, lcap;
    diag *dg;            /* diagonals to score (DG_BATCH) */
    unsigned char *mask; /* low-complexity query positions (seed_mask) */
    size_t mcap;
    uint32_t nb[NB_MAX]; /* similar k-mers of one query position */
    size_t cnt[1u << RADIX_BITS]; /* radix sort counters */
} scratch;

typedef struct {
    const pa_refindex *ix;
    const pa_seqlist *q;
    pa_search_opts o;
    pa_align_opts ao;
    pai_karlin ka;
    sens_params sp;
    int16_t *sc; /* 256 x 256 substitution scores */
    unsigned char code[256]; /* residue byte -> profile column (NCODE of them) */
    int16_t nbscore[NCODE][PAI_IX_ALPHA]; /* query residue column x index letter */
    unsigned char nbord[NCODE][PAI_IX_ALPHA]; /* index letters by decreasing score */
    int16_t sc20[PAI_IX_ALPHA * PAI_IX_ALPHA]; /* scores between index letters */
    double lambda_bg;    /* ungapped lambda at the background composition */
    scratch *ws;
    qres *res;
} search;

/* ---- options ----------------------------------------------------------------------- */

static int read_opts(const pa_search_opts *in, pa_search_opts *o)
{
    pa_search_opts def = PA_SEARCH_OPTS_INIT;
    *o = def;
    if (!in)
        return 0;
    if (in->version < 1 || in->version > PA_SEARCH_OPTS_VERSION)
        return pai_error(PA_EINVAL, "pa_search_opts: unknown version %u", in->version);
    /* a version-1 struct ends before comp_adjust: the later fields keep their defaults */
    memcpy(o, in, in->version < 2 ? offsetof(pa_search_opts, comp_adjust) : sizeof *o);
    if (!(o->max_evalue > 0) || o->min_coverage < 0 || o->min_coverage > 1 || o->threads < 0 ||
        o->sensitivity < PA_SENS_FAST || o->sensitivity > PA_SENS_EXHAUSTIVE)
        return pai_error(PA_EINVAL, "pa_search_opts: max_evalue must be > 0, min_coverage in "
                                    "[0, 1], sensitivity 0..3, threads >= 0");
    return 0;
}

/* Profile columns: letters by their upper case, '*', and one for everything else. */
static void make_codes(unsigned char *code)
{
    for (int c = 0; c < 256; c++)
        code[c] = c >= 'A' && c <= 'Z' ? (unsigned char)(c - 'A')
                  : c >= 'a' && c <= 'z' ? (unsigned char)(c - 'a')
                  : c == '*' ? 26 : 27;
}

/* Scores of every query residue against each profile column, for the ungapped pass. */
static int query_profile(const search *s, scratch *w, const char *q, size_t qlen)
{
    static const char letter[NCODE + 1] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ*?";
    if (PAI_GROW(w->qp, w->qpcap, qlen * NCODE))
        return pai_error(PA_ENOMEM, "out of memory");
    for (size_t i = 0; i < qlen; i++)
        for (int c = 0; c < NCODE; c++)
            w->qp[i * NCODE + (size_t)c] =
                s->sc[(unsigned char)q[i] * 256 + (unsigned char)letter[c]];
    return 0;
}

static int16_t *score_table(const pa_matrix *m)
{
    int16_t *t = pai_malloc(256 * 256 * sizeof *t);
    if (!t)
        return NULL;
    for (int a = 0; a < 256; a++)
        for (int b = 0; b < 256; b++)
            t[a * 256 + b] = (int16_t)pa_matrix_score(m, (char)a, (char)b);
    return t;
}

/* ---- prefilter ----------------------------------------------------------------------- */

static int grow_keys(scratch *w, size_t n)
{
    if (n <= w->kcap)
        return 0;
    pai_free(w->keys);
    pai_free(w->tmp);
    w->keys = pai_malloc(n * sizeof *w->keys);
    w->tmp = pai_malloc(n * sizeof *w->tmp); /* sort buffer */
    w->kcap = w->keys && w->tmp ? n : 0;
    return w->kcap ? 0 : pai_error(PA_ENOMEM, "out of memory");
}

/* ---- similar k-mers ----------------------------------------------------------------- */

static const char LETTERS[PAI_IX_ALPHA + 1] = "ARNDCQEGHILKMFPSTWYV"; /* pai_ix_letter's order */

/* Per query residue column: its score against every index letter, and the letters by
 * decreasing score (ties by letter), so that enumeration stops at the first too low. */
static void similar_tables(search *s)
{
    for (int c = 0; c < NCODE; c++) {
        unsigned char qr = (unsigned char)("ABCDEFGHIJKLMNOPQRSTUVWXYZ*?"[c]);
        for (int x = 0; x < PAI_IX_ALPHA; x++) {
            s->nbscore[c][x] = s->sc[qr * 256 + (unsigned char)LETTERS[x]];
            s->nbord[c][x] = (unsigned char)x;
        }
        for (int x = 1; x < PAI_IX_ALPHA; x++) /* insertion sort of 20 */
            for (int y = x; y > 0; y--) {
                unsigned char *o = s->nbord[c];
                if (s->nbscore[c][o[y]] <= s->nbscore[c][o[y - 1]])
                    break;
                unsigned char t = o[y];
                o[y] = o[y - 1], o[y - 1] = t;
            }
    }
}

typedef struct {
    const search *s;
    unsigned char col[8]; /* profile columns of the k residues read */
    int rest[9];          /* best score still reachable from seed offset j on */
    int k, thr;
    uint32_t *out;
    size_t n;
} similar_ctx;

static void similar_rec(similar_ctx *e, int j, uint32_t code, int score)
{
    if (j == e->k) {
        if (e->n < NB_MAX)
            e->out[e->n++] = code;
        return;
    }
    const int16_t *sc = e->s->nbscore[e->col[j]];
    const unsigned char *ord = e->s->nbord[e->col[j]];
    for (int x = 0; x < PAI_IX_ALPHA && score + sc[ord[x]] + e->rest[j + 1] >= e->thr; x++)
        similar_rec(e, j + 1, code * PAI_IX_ALPHA + ord[x], score + sc[ord[x]]);
}

/* The k-mers similar to the query's at i (exact: its own code or UINT32_MAX) into w->nb;
 * returns how many. The exact k-mer is always among them. */
static size_t similar_kmers(const search *s, scratch *w, const char *q, size_t i, uint32_t exact)
{
    const pa_refindex *ix = s->ix;
    const unsigned char *off = pai_ix_seed(ix->k);
    similar_ctx e = {s, {0}, {0}, ix->k, s->sp.kmer_score, w->nb, 0};
    for (int j = ix->k - 1; j >= 0; j--) {
        e.col[j] = s->code[(unsigned char)q[i + off[j]]];
        e.rest[j] = e.rest[j + 1] + s->nbscore[e.col[j]][s->nbord[e.col[j]][0]];
    }
    if (e.rest[0] >= e.thr)
        similar_rec(&e, 0, 0, 0);
    int found = exact == UINT32_MAX;
    for (size_t x = 0; x < e.n && !found; x++)
        found = e.out[x] == exact;
    if (!found) /* below the threshold (or NB_MAX reached) */
        e.out[e.n < NB_MAX ? e.n++ : NB_MAX - 1] = exact;
    return e.n;
}

/* The k-mers start i looks up: the similar ones, or only its own where skip[i] is set (a
 * low-complexity window: its similar k-mers would bring chance hits by the thousand). */
static size_t seed_kmers(const search *s, scratch *w, const char *q, size_t i, uint32_t exact,
                         const unsigned char *skip)
{
    if (!skip || !skip[i])
        return similar_kmers(s, w, q, i, exact);
    w->nb[0] = exact;
    return exact != UINT32_MAX;
}

static uint32_t list_len(const pa_refindex *ix, uint32_t code)
{
    return ix->bucket[code + 1] - ix->bucket[code];
}

/* Longest posting list kept: max_post, lowered to a power of two less one when the keys
 * would not fit MAX_KEYS. hist[b] sums the lengths of the lists of 2^b..2^(b+1)-1 entries,
 * total those of at most max_post. */
static uint32_t posting_cap(const search *s, const size_t *hist, size_t total)
{
    if (total <= MAX_KEYS)
        return s->sp.max_post;
    size_t sum = 0;
    int b = 0;
    while (b < 31 && sum + hist[b] <= MAX_KEYS)
        sum += hist[b++];
    uint32_t cap = (uint32_t)((1u << b) - 1);
    return cap < s->sp.max_post ? cap : s->sp.max_post;
}

/* Pass 1: how many keys the similar k-mers of the query bring (hist/total as above).
 * skip as seed_kmers'. */
static void count_keys(const search *s, scratch *w, const char *q, const uint32_t *code,
                       const unsigned char *skip, size_t nk, size_t *hist, size_t *total)
{
    for (size_t i = 0; i < nk; i++) {
        size_t n = seed_kmers(s, w, q, i, code[i], skip);
        for (size_t x = 0; x < n; x++) {
            if (x + PREFETCH < n) /* the bucket table is large: its reads would wait */
                __builtin_prefetch(&s->ix->bucket[w->nb[x + PREFETCH]]);
            uint32_t l = list_len(s->ix, w->nb[x]);
            if (!l || l > s->sp.max_post)
                continue;
            int b = 31 - __builtin_clz(l);
            hist[b] += l;
            *total += l;
        }
    }
}

/* Pass 2: the keys (diagonal << KEY_SHIFT | query position) of lists up to cap. */
static size_t make_keys(const search *s, scratch *w, const char *q, size_t qlen,
                        const uint32_t *code, const unsigned char *skip, size_t nk, uint32_t cap)
{
    const pa_refindex *ix = s->ix;
    size_t n = 0;
    for (size_t i = 0; i < nk; i++) {
        size_t nn = seed_kmers(s, w, q, i, code[i], skip);
        for (size_t x = 0; x < nn; x++) {
            if (x + PREFETCH < nn) /* the postings of a later k-mer, likewise */
                __builtin_prefetch(&ix->post[ix->bucket[w->nb[x + PREFETCH]]]);
            uint32_t b0 = ix->bucket[w->nb[x]], b1 = ix->bucket[w->nb[x] + 1];
            if (b1 - b0 > cap)
                continue;
            for (uint32_t p = b0; p < b1; p++)
                w->keys[n++] = ((uint64_t)ix->post[p] + qlen - i) << KEY_SHIFT | i;
        }
    }
    return n;
}

/* LSD radix sort of keys by their diagonal (bits KEY_SHIFT and up; diagonals below
 * 2^dbits), in as few passes of at most RADIX_BITS as cover dbits. cnt: 2^RADIX_BITS
 * counters (the caller's scratch: a thread-local array cost a TLS lookup per access in
 * the shared library, 5 % of the search). */
static void sort_by_diagonal(uint64_t *a, uint64_t *tmp, size_t *cnt, size_t n, int dbits)
{
    int passes = (dbits + RADIX_BITS - 1) / RADIX_BITS, bits = (dbits + passes - 1) / passes;
    uint64_t *orig = a, mask = ((uint64_t)1 << bits) - 1;
    for (int pass = 0; pass < passes; pass++) {
        int sh = KEY_SHIFT + bits * pass;
        memset(cnt, 0, sizeof cnt[0] << bits);
        for (size_t i = 0; i < n; i++)
            cnt[(a[i] >> sh) & mask]++;
        size_t s = 0;
        for (size_t b = 0; b <= mask; b++) {
            size_t c = cnt[b];
            cnt[b] = s;
            s += c;
        }
        for (size_t i = 0; i < n; i++)
            tmp[cnt[(a[i] >> sh) & mask]++] = a[i];
        uint64_t *x = a;
        a = tmp;
        tmp = x;
    }
    if (a != orig) /* an odd number of passes: the result is in the sort buffer */
        memcpy(orig, a, n * sizeof *a);
}

/* Bits of the largest diagonal key of a query of qlen residues. */
static int diagonal_bits(const pa_refindex *ix, size_t qlen)
{
    uint64_t d = ix->nres + qlen;
    int b = 1;
    while (b < 63 && d >> b)
        b++;
    return b;
}

/* The diagonal of reference r where query position i meets residue i + delta, over query
 * positions [lo, hi) clipped to both sequences. */
static diag make_diag(const pa_refindex *ix, size_t qlen, size_t r, int64_t delta, int64_t lo,
                      int64_t hi)
{
    int64_t tl = (int64_t)(ix->seq_off[r + 1] - ix->seq_off[r] - 1);
    lo = lo > -delta ? lo : -delta;
    lo = lo > 0 ? lo : 0;
    hi = hi < tl - delta ? hi : tl - delta;
    hi = hi < (int64_t)qlen ? hi : (int64_t)qlen;
    return (diag){(int64_t)ix->seq_off[r] + delta, (uint32_t)r, (int32_t)lo,
                  (int32_t)(hi > lo ? hi : lo)};
}

/* Best ungapped segment score on a diagonal. */
static int64_t diagonal_score(const search *s, const int16_t *qp, const diag *d)
{
    const char *t = s->ix->res + d->at;
    int64_t best = 0, cur = 0;
    for (int64_t i = d->lo; i < d->hi; i++) {
        cur += qp[(size_t)i * NCODE + s->code[(unsigned char)t[i]]];
        cur = cur > 0 ? cur : 0;
        best = cur > best ? cur : best;
    }
    return best;
}

/* Keep the two best diagonal scores of each reference. */
static int add_diagonal(scratch *w, size_t ref, int64_t sc)
{
    int32_t *t = w->top2[ref], v = sc > INT32_MAX ? INT32_MAX : (int32_t)sc;
    if (!t[0] && !t[1]) {
        if (w->ntouched == w->tcap && PAI_GROW(w->touched, w->tcap, w->ntouched + 1))
            return pai_error(PA_ENOMEM, "out of memory");
        w->touched[w->ntouched++] = (uint32_t)ref;
    }
    if (v > t[0])
        t[1] = t[0], t[0] = v;
    else if (v > t[1])
        t[1] = v;
    return 0;
}

/* Reference holding g, trying the previous answer and its successor first: the
 * diagonals come in increasing order, so they mostly are. */
static size_t ref_near(const pa_refindex *ix, uint64_t g, size_t *hint)
{
    size_t h = *hint;
    if (h < ix->nseq && ix->seq_off[h] <= g && g < ix->seq_off[h + 1])
        return h;
    if (h + 1 < ix->nseq && ix->seq_off[h + 1] <= g && g < ix->seq_off[h + 2])
        return *hint = h + 1;
    if (h >= ix->nseq || ix->seq_off[h] > g)
        return *hint = pai_ix_ref_of(ix, g);
    /* later: gallop from the hint (a few cache misses, not a whole binary search) */
    size_t lo = h, step = 2;
    while (lo + step < ix->nseq && ix->seq_off[lo + step] <= g)
        lo += step, step *= 2;
    size_t hi = lo + step < ix->nseq ? lo + step : (size_t)ix->nseq; /* seq_off[hi] > g */
    return *hint = pai_ix_ref_between(ix, g, lo, hi);
}

/* Runs of equal diagonals in the sorted keys are found on the keys themselves: a list of
 * them (mostly single keys, 0.4 M a query on the 1x bench) cost 7 % of the search to
 * write and read back. */
#define DIAG(x) ((x) >> KEY_SHIFT)
#define QPOS(x) ((int64_t)((x) & MAX_QLEN))

/* A run on diagonal od whose first hit is at query position i is an indel apart from one
 * on diagonal d whose first is at i0: near diagonals and near query positions. */
static int near(const sens_params *sp, uint64_t d, int64_t i0, uint64_t od, int64_t i)
{
    uint64_t dd = d > od ? d - od : od - d;
    int64_t di = i0 - i;
    di = di < 0 ? -di : di;
    return dd <= sp->band && di <= PAIR_SPAN && di >= sp->min_gap;
}

/* Enough evidence on the run of keys [a, b): several hits on it, or a neighbour within
 * the band. */
static int paired(const sens_params *sp, const uint64_t *k, size_t n, size_t a, size_t b)
{
    size_t nh = b - a;
    int64_t gap = QPOS(k[b - 1]) - QPOS(k[a]), i0 = QPOS(k[a]);
    uint64_t d = DIAG(k[a]);
    if (nh >= (size_t)sp->min_hits && (nh < 2 || gap >= sp->min_gap))
        return 1;
    for (size_t x = a; x > 0 && d - DIAG(k[x - 1]) <= sp->band;) { /* runs before */
        uint64_t od = DIAG(k[x - 1]);
        while (x > 0 && DIAG(k[x - 1]) == od) /* back to the run's first key */
            x--;
        if (near(sp, d, i0, od, QPOS(k[x])))
            return 1;
    }
    for (size_t x = b; x < n && DIAG(k[x]) - d <= sp->band;) { /* runs after */
        uint64_t od = DIAG(k[x]);
        if (near(sp, d, i0, od, QPOS(k[x])))
            return 1;
        while (x < n && DIAG(k[x]) == od)
            x++;
    }
    return 0;
}

/* Score the listed diagonals, prefetching the residues of those PREFETCH ahead: the
 * scoring waits on memory (one random reference segment each), not on arithmetic. */
static int score_diagonals(const search *s, scratch *w, size_t nd)
{
    for (size_t j = 0; j < nd; j++) {
        if (j + PREFETCH < nd) {
            const char *p = s->ix->res + w->dg[j + PREFETCH].at + w->dg[j + PREFETCH].lo;
            __builtin_prefetch(p);
            __builtin_prefetch(p + 64);
        }
        int64_t sc = diagonal_score(s, w->qp, &w->dg[j]);
        if (sc >= s->sp.min_diag && add_diagonal(w, w->dg[j].ref, sc))
            return PA_ENOMEM;
    }
    return 0;
}

/* Scan the sorted keys: diagonals with enough evidence are listed (DG_BATCH at a time, so
 * that the list stays small) and scored. */
static int scan_diagonals(const search *s, scratch *w, size_t nkeys, size_t qlen)
{
    const uint64_t *k = w->keys;
    size_t hint = 0, nd = 0;
    if (!w->dg && !(w->dg = pai_malloc(DG_BATCH * sizeof *w->dg)))
        return pai_error(PA_ENOMEM, "out of memory");
    for (size_t a = 0, b; a < nkeys; a = b) {
        uint64_t d = DIAG(k[a]);
        for (b = a + 1; b < nkeys && DIAG(k[b]) == d;)
            b++;
        if (!paired(&s->sp, k, nkeys, a, b))
            continue;
        int64_t i0 = QPOS(k[a]), i1 = QPOS(k[b - 1]);
        uint64_t g = d - qlen + (uint64_t)i0;
        size_t ref = ref_near(s->ix, g, &hint);
        int64_t delta = (int64_t)g - i0 - (int64_t)s->ix->seq_off[ref];
        /* the hits and a margin: enough to tell a homologous segment from chance */
        w->dg[nd++] = make_diag(s->ix, qlen, ref, delta, i0 - WINDOW, i1 + s->ix->span + WINDOW);
        if (nd == DG_BATCH) {
            if (score_diagonals(s, w, nd))
                return PA_ENOMEM;
            nd = 0;
        }
    }
    return score_diagonals(s, w, nd);
}

static int by_score_then_target(const void *x, const void *y)
{
    const cand *a = x, *b = y;
    if (a->score != b->score)
        return a->score > b->score ? -1 : 1;
    return a->target < b->target ? -1 : a->target > b->target;
}

/* Worse than b in the candidate order (score down, then target up). */
static int worse(const cand *a, const cand *b)
{
    return a->score != b->score ? a->score < b->score : a->target > b->target;
}

/* Sift c[i] down the heap c[0, n) whose top is its worst. */
static void sift_down(cand *c, size_t n, size_t i)
{
    for (;;) {
        size_t l = 2 * i + 1, m = i;
        if (l < n && worse(&c[l], &c[m]))
            m = l;
        if (l + 1 < n && worse(&c[l + 1], &c[m]))
            m = l + 1;
        if (m == i)
            return;
        cand t = c[i];
        c[i] = c[m], c[m] = t;
        i = m;
    }
}

/* The best k of c[0, n) (the order is total: the same set whatever the input order) into
 * c[0, k), sorted best first; returns how many. A heap of the k best so far: n log k. */
static size_t best_k(cand *c, size_t n, size_t k)
{
    if (n <= k) {
        if (n)
            qsort(c, n, sizeof *c, by_score_then_target);
        return n;
    }
    for (size_t i = k / 2; i-- > 0;)
        sift_down(c, k, i);
    for (size_t i = k; i < n; i++)
        if (worse(&c[0], &c[i])) {
            c[0] = c[i];
            sift_down(c, k, 0);
        }
    qsort(c, k, sizeof *c, by_score_then_target);
    return k;
}

/* One candidate per reference scored by its two best diagonals, the best max_cand of
 * those reaching min_total; top2 is cleared for the next query. */
static int select_cands(const search *s, scratch *w, size_t *ncand)
{
    size_t u = 0;
    for (size_t i = 0; i < w->ntouched; i++) {
        int32_t *t = w->top2[w->touched[i]];
        int64_t sum = (int64_t)t[0] + t[1];
        t[0] = t[1] = 0;
        if (sum < s->sp.min_total)
            continue;
        if (u == w->ccap && PAI_GROW(w->c, w->ccap, u + 1))
            return pai_error(PA_ENOMEM, "out of memory");
        w->c[u++] = (cand){sum, w->touched[i], 0, 0, 0};
    }
    w->ntouched = 0;
    *ncand = best_k(w->c, u, s->sp.max_cand);
    return 0;
}

/* *skip: the seed starts (nk of them) that read a low-complexity position, in w->mask
 * (computed in place: start i reads positions i.. only); NULL when none or masking is off. */
static int seed_skips(const search *s, scratch *w, const char *q, size_t qlen, size_t nk,
                      const unsigned char **skip)
{
    *skip = NULL;
    if (!s->o.seed_mask)
        return 0;
    if (PAI_GROW(w->mask, w->mcap, qlen))
        return pai_error(PA_ENOMEM, "out of memory");
    if (!pai_lowcomp_mask(q, qlen, w->mask))
        return 0;
    const unsigned char *off = pai_ix_seed(s->ix->k);
    for (size_t i = 0; i < nk; i++) {
        unsigned char m = 0;
        for (int j = 0; j < s->ix->k; j++)
            m |= w->mask[i + off[j]];
        w->mask[i] = m;
    }
    *skip = w->mask;
    return 0;
}

static int prefilter(const search *s, scratch *w, const char *q, size_t qlen, size_t *ncand)
{
    const pa_refindex *ix = s->ix;
    *ncand = 0;
    if (qlen < (size_t)ix->span)
        return 0;
    uint32_t *code = pai_malloc(qlen * sizeof *code);
    if (!code)
        return pai_error(PA_ENOMEM, "out of memory");
    size_t nk = pai_ix_seed_codes(ix, q, qlen, code), hist[32] = {0}, total = 0;
    const unsigned char *skip;
    int rc = seed_skips(s, w, q, qlen, nk, &skip);
    if (rc) {
        pai_free(code);
        return rc;
    }
    count_keys(s, w, q, code, skip, nk, hist, &total);
    uint32_t cap = posting_cap(s, hist, total);
    rc = grow_keys(w, total < MAX_KEYS ? (total ? total : 1) : MAX_KEYS);
    if (rc == 0 && !w->top2 && !(w->top2 = pai_calloc(ix->nseq ? ix->nseq : 1, sizeof *w->top2)))
        rc = pai_error(PA_ENOMEM, "out of memory");
    size_t n = rc ? 0 : make_keys(s, w, q, qlen, code, skip, nk, cap);
    pai_free(code);
    if (rc)
        return rc;
    sort_by_diagonal(w->keys, w->tmp, w->cnt, n, diagonal_bits(ix, qlen));
    rc = query_profile(s, w, q, qlen);
    if (rc == 0)
        rc = scan_diagonals(s, w, n, qlen);
    return rc ? rc : select_cands(s, w, ncand);
}

/* Every reference is a candidate (PA_SENS_EXHAUSTIVE). */
static int all_cands(const search *s, scratch *w, size_t *ncand)
{
    size_t n = (size_t)s->ix->nseq;
    if (n > w->ccap && PAI_GROW(w->c, w->ccap, n))
        return pai_error(PA_ENOMEM, "out of memory");
    for (size_t i = 0; i < n; i++)
        w->c[i] = (cand){0, i, 0, 0, 0};
    *ncand = n;
    return 0;
}

/* ---- alignment and statistics ------------------------------------------------------------ */

/* Exact scores of the candidates (overwrites c[].score). */
static int score_cands(const search *s, scratch *w, const pa_profile *p, size_t nc)
{
    if (PAI_GROW(w->cseq, w->scap, nc) || PAI_GROW(w->clen, w->lcap, nc))
        return pai_error(PA_ENOMEM, "out of memory");
    for (size_t i = 0; i < nc; i++) {
        size_t t = w->c[i].target;
        w->cseq[i] = s->ix->res + s->ix->seq_off[t];
        w->clen[i] = (size_t)(s->ix->seq_off[t + 1] - s->ix->seq_off[t] - 1);
        if (!w->clen[i])
            w->cseq[i] = "";
    }
    pa_batch_opts bo = PA_BATCH_OPTS_INIT;
    bo.chunk = nc ? nc : 1;
    pa_hit *h = NULL;
    size_t nh = 0;
    int rc = pa_profile_align_many(NULL, p, w->cseq, w->clen, nc, &bo, &h, &nh);
    for (size_t i = 0; rc == 0 && i < nh; i++) {
        w->c[i].score = h[i].aln.score;
        w->c[i].qend = h[i].aln.qend;
        w->c[i].tend = h[i].aln.tend;
    }
    pa_hits_free(h, nh);
    return rc;
}

/* Start of the best local alignment ending at (qe, te): the best one of the reversed
 * prefixes (score only, SIMD). */
static int find_start(const search *s, const char *q, int64_t qe, const char *t, int64_t te,
                      int64_t score, int64_t *qs, int64_t *ts)
{
    char *rq = pai_malloc((size_t)(qe + te) + 2);
    if (!rq)
        return pai_error(PA_ENOMEM, "out of memory");
    char *rt = rq + qe + 1;
    for (int64_t i = 0; i < qe; i++)
        rq[i] = q[qe - 1 - i];
    for (int64_t j = 0; j < te; j++)
        rt[j] = t[te - 1 - j];
    rq[qe] = rt[te] = '\0';
    pa_alignment a;
    int rc = pa_align(rq, (size_t)qe, rt, (size_t)te, &s->ao, &a);
    pai_free(rq);
    if (rc)
        return rc;
    *qs = a.score == score ? qe - a.qend : 0; /* else: the whole prefix */
    *ts = a.score == score ? te - a.tend : 0;
    return 0;
}

/* Traceback of a candidate, computed on the rectangle its alignment spans only. */
static int align_hit(const search *s, const char *q, const cand *c, const pa_seq_record *r,
                     pa_alignment *a)
{
    pa_align_opts ao = s->ao;
    ao.traceback = 1;
    int64_t qs = 0, ts = 0;
    int rc = c->qend > 0 && c->tend > 0
                 ? find_start(s, q, c->qend, r->seq, c->tend, c->score, &qs, &ts)
                 : 0;
    if (rc == 0 && c->qend > qs && c->tend > ts) {
        rc = 1; /* a band around the corners' diagonals, 4x wider once, else the rectangle */
        for (int64_t margin = TRACE_BAND; rc == 1 && margin <= 4 * TRACE_BAND; margin *= 4)
            rc = pai_banded_trace(s->sc, q + qs, c->qend - qs, r->seq + ts, c->tend - ts,
                                  s->o.gap_open, s->o.gap_extend, margin, c->score, a);
        if (rc == 1)
            rc = pa_align(q + qs, (size_t)(c->qend - qs), r->seq + ts, (size_t)(c->tend - ts),
                          &ao, a);
    } else if (rc == 0)
        return pa_align(q, 0, r->seq, r->len, &ao, a);
    if (rc)
        return rc;
    a->qstart += qs, a->qend += qs, a->tstart += ts, a->tend += ts;
    return 0;
}

static int finish_hit(const search *s, const char *q, size_t qlen, const cand *c, double space,
                      ihit *out, int *keep)
{
    pa_seq_record r;
    pa_refindex_get(s->ix, c->target, &r);
    pa_alignment a;
    int rc = align_hit(s, q, c, &r, &a);
    if (rc)
        return rc;
    *out = (ihit){c->target, a.score, a.qstart, a.qend, a.tstart, a.tend,
                  pai_bits(&s->ka, c->eff), pai_evalue(&s->ka, c->eff, space), a.identity,
                  qlen ? (double)(a.qend - a.qstart) / (double)qlen : 0,
                  r.len ? (double)(a.tend - a.tstart) / (double)r.len : 0, a.cigar};
    *keep = out->qcov >= s->o.min_coverage;
    if (!*keep)
        pa_alignment_clear(&a);
    return 0;
}

/* The score for the statistics: the raw one, or (comp_adjust) scaled by
 * lambda' / (COMP_TOLERANCE lambda), at most 1, lambda' that of the compositions of the
 * query up to the alignment's end and of as many reference residues before its end (the
 * region the alignment can span: known without a traceback). */
static double effective_score(const search *s, const char *q, const cand *c)
{
    if (!s->o.comp_adjust || !(s->lambda_bg > 0) || c->qend <= 0)
        return (double)c->score;
    const char *t = s->ix->res + s->ix->seq_off[c->target];
    int64_t t0 = c->tend - c->qend > 0 ? c->tend - c->qend : 0;
    double qc[PAI_IX_ALPHA], tc[PAI_IX_ALPHA];
    pai_compo_of(q, (size_t)c->qend, qc);
    pai_compo_of(t + t0, (size_t)(c->tend - t0), tc);
    double r = pai_compo_lambda(s->sc20, qc, tc) / s->lambda_bg;
    r /= COMP_TOLERANCE;
    return (double)c->score * (r < 1 ? r : 1);
}

static int by_eff_then_score(const void *x, const void *y)
{
    const cand *a = x, *b = y;
    if (a->eff != b->eff)
        return a->eff > b->eff ? -1 : 1;
    return by_score_then_target(x, y);
}

/* Candidates whose (adjusted) E-value passes, first in c, best first; how many. The
 * adjustment only lowers scores, so the raw E-value bounds which ones to adjust. */
static size_t passing(const search *s, scratch *w, const char *q, size_t nc, double space)
{
    qsort(w->c, nc, sizeof *w->c, by_score_then_target);
    size_t raw = 0, pass = 0;
    while (raw < nc && w->c[raw].score > 0 &&
           pai_evalue(&s->ka, (double)w->c[raw].score, space) <= s->o.max_evalue)
        raw++;
    for (size_t i = 0; i < raw; i++) {
        w->c[i].eff = effective_score(s, q, &w->c[i]);
        if (w->c[i].eff > 0 && pai_evalue(&s->ka, w->c[i].eff, space) <= s->o.max_evalue)
            w->c[pass++] = w->c[i];
    }
    if (pass)
        qsort(w->c, pass, sizeof *w->c, by_eff_then_score);
    return pass;
}

/* Passing candidates (sorted best first) with traceback, until top_k are kept. */
static int report(const search *s, size_t qi, const char *q, size_t qlen, scratch *w, size_t nc)
{
    double space = pai_search_space(&s->ka, (double)qlen, (double)pa_refindex_residues(s->ix),
                                    (double)s->ix->nseq);
    size_t pass = passing(s, w, q, nc, space);
    if (!pass)
        return 0;
    size_t k = s->o.top_k ? s->o.top_k : pass;
    qres *res = &s->res[qi];
    if (!(res->h = pai_calloc(k < pass ? k : pass, sizeof *res->h)))
        return pai_error(PA_ENOMEM, "out of memory");
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < pass && res->n < k; i++) {
        int keep = 0;
        rc = finish_hit(s, q, qlen, &w->c[i], space, &res->h[res->n], &keep);
        res->n += keep && rc == 0;
    }
    return rc;
}

static int search_one(const search *s, scratch *w, size_t qi)
{
    pa_seq_record r;
    int rc = pa_seqlist_get(s->q, qi, &r);
    if (rc)
        return rc;
    if (r.len > MAX_QLEN)
        return pai_error(PA_ERANGE, "query %s: %zu residues is too long", r.id, r.len);
    size_t nc = 0;
    rc = s->o.sensitivity == PA_SENS_EXHAUSTIVE ? all_cands(s, w, &nc)
                                                : prefilter(s, w, r.seq, r.len, &nc);
    if (rc || !nc || !r.len)
        return rc;
    pa_profile *p;
    if ((rc = pa_profile_new(&p, r.seq, r.len, &s->ao)))
        return rc;
    rc = score_cands(s, w, p, nc);
    pa_profile_free(p);
    return rc ? rc : report(s, qi, r.seq, r.len, w, nc);
}

static int search_chunk(void *ctx, size_t lo, size_t hi, int worker)
{
    const search *s = ctx;
    for (size_t i = lo; i < hi; i++) {
        int rc = search_one(s, &s->ws[worker], i);
        if (rc)
            return rc;
    }
    return 0;
}

/* ---- results -------------------------------------------------------------------------- */

struct pa_refhits {
    pa_refhit *h;
    size_t n, nq;
    size_t *qfirst; /* nq + 1 */
    char *pool;
};

/* Copy s into the pool at *at and return where it went. */
static const char *pool_put(char *pool, size_t *at, const char *s)
{
    size_t l = strlen(s) + 1;
    memcpy(pool + *at, s, l);
    *at += l;
    return pool + *at - l;
}

static int assemble(const search *s, size_t nq, pa_refhits **out)
{
    pa_refhits *h = pai_calloc(1, sizeof *h);
    size_t n = 0, bytes = 1;
    for (size_t q = 0; q < nq; q++) {
        pa_seq_record r;
        pa_seqlist_get(s->q, q, &r);
        n += s->res[q].n;
        for (size_t i = 0; i < s->res[q].n; i++) {
            pa_seq_record t;
            pa_refindex_get(s->ix, s->res[q].h[i].target, &t);
            bytes += strlen(r.id) + strlen(t.id) + strlen(s->res[q].h[i].cigar) + 3;
        }
    }
    if (!h || !(h->h = pai_calloc(n ? n : 1, sizeof *h->h)) ||
        !(h->qfirst = pai_calloc(nq + 1, sizeof *h->qfirst)) || !(h->pool = pai_malloc(bytes))) {
        pa_refhits_free(h);
        return pai_error(PA_ENOMEM, "out of memory");
    }
    size_t at = 0, k = 0;
    for (size_t q = 0; q < nq; q++) {
        pa_seq_record r;
        pa_seqlist_get(s->q, q, &r);
        h->qfirst[q] = k;
        for (size_t i = 0; i < s->res[q].n; i++, k++) {
            const ihit *x = &s->res[q].h[i];
            pa_seq_record t;
            pa_refindex_get(s->ix, x->target, &t);
            h->h[k] = (pa_refhit){q, x->target, pool_put(h->pool, &at, r.id),
                                  pool_put(h->pool, &at, t.id), x->score, x->bits, x->evalue,
                                  x->identity, x->qcov, x->tcov, x->qstart, x->qend,
                                  x->tstart, x->tend, pool_put(h->pool, &at, x->cigar)};
        }
    }
    h->qfirst[nq] = k;
    h->n = n, h->nq = nq;
    *out = h;
    return 0;
}

size_t pa_refhits_count(const pa_refhits *h) { return h ? h->n : 0; }

int pa_refhits_get(const pa_refhits *h, size_t i, pa_refhit *out)
{
    if (!h || !out)
        return pai_error(PA_EINVAL, "pa_refhits_get: NULL argument");
    if (i >= h->n)
        return pai_error(PA_ERANGE, "pa_refhits_get: index %zu of %zu", i, h->n);
    *out = h->h[i];
    return 0;
}

int pa_refhits_query_range(const pa_refhits *h, size_t q, size_t *first, size_t *n)
{
    if (!h || !first || !n)
        return pai_error(PA_EINVAL, "pa_refhits_query_range: NULL argument");
    if (q >= h->nq)
        return pai_error(PA_ERANGE, "pa_refhits_query_range: query %zu of %zu", q, h->nq);
    *first = h->qfirst[q];
    *n = h->qfirst[q + 1] - h->qfirst[q];
    return 0;
}

void pa_refhits_free(pa_refhits *h)
{
    if (!h)
        return;
    pai_free(h->h);
    pai_free(h->qfirst);
    pai_free(h->pool);
    pai_free(h);
}

/* ---- entry point ------------------------------------------------------------------------- */

/* The similar k-mer thresholds are BLOSUM62 scores; another matrix's are scaled by the
 * ratio of the ungapped lambdas (NCBI BLAST's published values), 1 when not listed. */
static double kmer_scale(const char *matrix)
{
    static const struct {
        const char *name;
        double lambda;
    } L[] = {{"BLOSUM45", 0.2291}, {"BLOSUM50", 0.2318}, {"BLOSUM62", 0.3176},
             {"BLOSUM80", 0.3430}, {"BLOSUM90", 0.3346}, {"PAM30", 0.3400},
             {"PAM70", 0.3345},    {"PAM250", 0.2252}};
    for (size_t i = 0; matrix && i < sizeof L / sizeof L[0]; i++)
        if (!strcmp(matrix, L[i].name))
            return 0.3176 / L[i].lambda;
    return 1;
}

static int setup(search *s, const pa_matrix **own)
{
    s->sp = SENS[s->o.sensitivity];
    const pa_matrix *m = s->o.matrix;
    if (!m) {
        pa_matrix *b;
        int rc = pa_matrix_builtin(&b, "BLOSUM62");
        if (rc)
            return rc;
        *own = m = b;
    }
    int rc = pai_karlin_init(&s->ka, pa_matrix_name(m), s->o.gap_open, s->o.gap_extend);
    if (rc)
        return rc;
    s->sp.kmer_score = (int)(s->sp.kmer_score * kmer_scale(pa_matrix_name(m)) + 0.5);
    /* random k-mer hits grow with the database, weak significant ones get rarer (the
     * E-value grows with it too): one step stricter from 2^28 residues on */
    s->sp.kmer_score += s->ix->nres >= BIG_DB;
    pa_align_opts ao = PA_ALIGN_OPTS_INIT;
    ao.matrix = m;
    ao.gap_open = s->o.gap_open;
    ao.gap_extend = s->o.gap_extend;
    ao.gap_model = PA_GAP_BLAST;
    s->ao = ao;
    make_codes(s->code);
    if (!(s->sc = score_table(m)))
        return pai_error(PA_ENOMEM, "out of memory");
    similar_tables(s);
    for (int i = 0; i < PAI_IX_ALPHA; i++)
        for (int j = 0; j < PAI_IX_ALPHA; j++)
            s->sc20[i * PAI_IX_ALPHA + j] =
                s->sc[(unsigned char)LETTERS[i] * 256 + (unsigned char)LETTERS[j]];
    double bg[PAI_IX_ALPHA];
    pai_compo_background(bg);
    s->lambda_bg = pai_compo_lambda(s->sc20, bg, bg);
    return 0;
}

static void free_scratch(scratch *w)
{
    pai_free(w->keys);
    pai_free(w->tmp);
    pai_free(w->top2);
    pai_free(w->touched);
    pai_free(w->qp);
    pai_free(w->c);
    pai_free(w->cseq);
    pai_free(w->clen);
    pai_free(w->dg);
    pai_free(w->mask);
}

static int run_queries(search *s, size_t nq, int here)
{
    pa_executor *ex = s->o.executor, *own = NULL;
    int rc = 0;
    if (here) { /* on the heap: the scratch holds 80 KiB of tables */
        if (!(s->ws = pai_calloc(1, sizeof *s->ws)))
            return pai_error(PA_ENOMEM, "out of memory");
        rc = search_chunk(s, 0, nq, 0);
        free_scratch(s->ws);
        pai_free(s->ws);
        return rc;
    }
    if (!ex) {
        pa_executor_opts eo = PA_EXECUTOR_OPTS_INIT;
        eo.threads = s->o.threads;
        if ((rc = pa_executor_new(&own, &eo)))
            return rc;
        ex = own;
    }
    int nw = pa_executor_threads(ex);
    s->ws = pai_calloc((size_t)(nw > 0 ? nw : 1), sizeof *s->ws);
    if (!s->ws)
        rc = pai_error(PA_ENOMEM, "out of memory");
    size_t chunk = s->o.chunk ? s->o.chunk : pa_suggest_chunk(nq, nw, 2000000);
    if (!rc)
        rc = pa_parallel_for(ex, 0, nq, chunk, search_chunk, s);
    for (int i = 0; s->ws && i < nw; i++)
        free_scratch(&s->ws[i]);
    pai_free(s->ws);
    pa_executor_free(own);
    return rc;
}

static int search_impl(const pa_refindex *ix, const pa_seqlist *queries,
                       const pa_search_opts *opts, pa_refhits **hits, int here)
{
    if (!ix || !queries || !hits)
        return pai_error(PA_EINVAL, "pa_refindex_search: NULL argument");
    *hits = NULL;
    search s;
    memset(&s, 0, sizeof s);
    s.ix = ix;
    s.q = queries;
    const pa_matrix *own = NULL;
    int rc = read_opts(opts, &s.o);
    if (rc == 0)
        rc = setup(&s, &own);
    size_t nq = pa_seqlist_count(queries);
    if (rc == 0 && !(s.res = pai_calloc(nq ? nq : 1, sizeof *s.res)))
        rc = pai_error(PA_ENOMEM, "out of memory");
    if (rc == 0 && nq)
        rc = run_queries(&s, nq, here);
    if (rc == 0)
        rc = assemble(&s, nq, hits);
    for (size_t q = 0; s.res && q < nq; q++) {
        for (size_t i = 0; i < s.res[q].n; i++)
            pai_free(s.res[q].h[i].cigar);
        pai_free(s.res[q].h);
    }
    pai_free(s.res);
    pai_free(s.sc);
    pa_matrix_free((pa_matrix *)own);
    return rc;
}

int pa_refindex_search(const pa_refindex *ix, const pa_seqlist *queries,
                       const pa_search_opts *opts, pa_refhits **hits)
{
    return search_impl(ix, queries, opts, hits, 0);
}

int pai_refindex_search_here(const pa_refindex *ix, const pa_seqlist *queries,
                             const pa_search_opts *opts, pa_refhits **hits)
{
    return search_impl(ix, queries, opts, hits, 1);
}
