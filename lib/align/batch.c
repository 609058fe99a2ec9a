/* batch.c — many alignments on the executor: pairs (query, target) are numbered
 * q * nt + t and cut into chunks; each worker keeps its own scratch, and with top_k
 * its own per-query heaps of the best scores, merged at the end. Tracebacks for top_k
 * are computed only for the hits that survive. */
#include "align/align_int.h"
#include "panalyzer/executor.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    int64_t score, qend, tend;
    size_t target;
    int bits;
} cand;

typedef struct {
    cand *c;  /* k slots */
    size_t n; /* used */
} heap;

typedef struct {
    const pa_profile *const *prof;
    size_t nq;
    const char *const *targets;
    const size_t *tlens;
    size_t nt, k;
    pai_ws *ws;      /* one per worker */
    heap *heaps;     /* [worker][query] when k > 0 */
    pa_hit *hits;    /* nq * nt when k == 0 */
    /* targets by increasing length (pairs are numbered q * nt + rank): */
    size_t *order;   /* rank -> target index */
    const char **ts; /* rank -> text */
    int64_t *tn;     /* rank -> length */
    pai_kchoice *kc; /* per query */
    size_t g, qb;    /* a tile: g targets (ranks) x qb queries */
} batch;

/* a is worse than b: lower score, or equal score and later target */
static int worse(const cand *a, const cand *b)
{
    return a->score < b->score || (a->score == b->score && a->target > b->target);
}

static void heap_push(heap *h, size_t k, const cand *x)
{
    size_t i;
    if (h->n < k) {
        i = h->n++;
        while (i > 0 && worse(x, &h->c[(i - 1) / 2])) {
            h->c[i] = h->c[(i - 1) / 2];
            i = (i - 1) / 2;
        }
        h->c[i] = *x;
        return;
    }
    if (!worse(&h->c[0], x))
        return;
    i = 0; /* replace the worst (root) and sift down */
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, w = i;
        const cand *wc = x;
        if (l < h->n && worse(&h->c[l], wc))
            w = l, wc = &h->c[l];
        if (r < h->n && worse(&h->c[r], wc))
            w = r;
        if (w == i)
            break;
        h->c[i] = h->c[w];
        i = w;
    }
    h->c[i] = *x;
}

static size_t tlen_of(const batch *b, size_t t)
{
    return b->tlens && b->tlens[t] ? b->tlens[t] : (b->targets[t] ? strlen(b->targets[t]) : 0);
}

/* Hand one score to the output: the hit (with traceback when asked) or the heap. */
static int deliver(batch *b, int worker, size_t q, size_t rank, const pai_kres *r)
{
    size_t t = b->order[rank];
    if (!b->k) {
        pa_hit *h = &b->hits[q * b->nt + t];
        h->query = q;
        h->target = t;
        return pai_profile_finish(b->prof[q], b->ts[rank], (size_t)b->tn[rank], r,
                                  &b->ws[worker], &h->aln);
    }
    cand c = {r->score, r->qend, r->tend, t, r->bits};
    heap_push(&b->heaps[(size_t)worker * b->nq + q], b->k, &c);
    return 0;
}

/* Ranks [lo, hi) of one query. */
static int run_segment(batch *b, int worker, size_t q, size_t lo, size_t hi)
{
    const pa_profile *p = b->prof[q];
    pai_ws *w = &b->ws[worker];
    int rc = 0;
    if (b->kc[q].inter) {
        pai_kres *r = pai_malloc((hi - lo) * sizeof *r);
        if (!r)
            return pai_error(PA_ENOMEM, "out of memory");
        rc = pai_inter_score(p, b->kc[q].isa, b->kc[q].vbmi, b->ts + lo, b->tn + lo, hi - lo, w, r);
        for (size_t i = lo; i < hi && !rc; i++)
            rc = deliver(b, worker, q, i, &r[i - lo]);
        pai_free(r);
        return rc;
    }
    for (size_t i = lo; i < hi && !rc; i++) {
        size_t n = (size_t)b->tn[i];
        pai_kres r;
        if (n + 1 > w->tcode_cap && PAI_GROW(w->tcode, w->tcode_cap, n + 1))
            return pai_error(PA_ENOMEM, "out of memory");
        pai_encode(&p->mx, b->ts[i], n, w->tcode);
        if (!(rc = pai_profile_score(p, w->tcode, (int64_t)n, w, &r)))
            rc = deliver(b, worker, q, i, &r);
    }
    return rc;
}

/* Tiles [lo, hi): the queries of a tile run one after the other on its targets, so the
 * inter-sequence kernels pack their lane batches once for all of them (inter.c). The
 * longest targets come first: the last tiles of the loop are then the cheapest, and no
 * thread waits long for another at its end. */
static int run_tiles(void *ctx, size_t lo, size_t hi, int worker)
{
    batch *b = ctx;
    size_t ntg = (b->nt + b->g - 1) / b->g;
    for (size_t x = lo; x < hi; x++) {
        size_t t0 = (ntg - 1 - x % ntg) * b->g, t1 = t0 + b->g < b->nt ? t0 + b->g : b->nt;
        size_t q0 = x / ntg * b->qb, q1 = q0 + b->qb < b->nq ? q0 + b->qb : b->nq;
        for (size_t q = q0; q < q1; q++) {
            int rc = run_segment(b, worker, q, t0, t1);
            if (rc)
                return rc;
        }
    }
    return 0;
}

/* Tiles of about `chunk` targets each and as many queries as leave 8 tiles per worker.
 * Returns the tile count. */
static size_t plan_tiles(batch *b, size_t chunk, int nw)
{
    if (!b->nq || !b->nt)
        return 0;
    b->g = chunk && chunk < b->nt ? chunk : b->nt;
    size_t ntg = (b->nt + b->g - 1) / b->g, want = 8 * (size_t)nw;
    b->qb = ntg >= want ? b->nq : b->nq * ntg / want;
    b->qb = b->qb ? b->qb : 1;
    return ntg * ((b->nq + b->qb - 1) / b->qb);
}

static int cmp_best(const void *x, const void *y)
{
    const cand *a = x, *b = y;
    return worse(a, b) ? 1 : worse(b, a) ? -1 : 0;
}

static int run_loop(pa_executor *ex, size_t n, size_t chunk, pa_range_fn fn, void *ctx)
{
    if (ex)
        return pa_parallel_for(ex, 0, n, chunk, fn, ctx);
    if (!chunk)
        chunk = n ? n : 1;
    for (size_t lo = 0; lo < n; lo += chunk) {
        int rc = fn(ctx, lo, lo + chunk < n ? lo + chunk : n, 0);
        if (rc)
            return rc;
    }
    return 0;
}

/* Phase 2 of top_k: align the surviving hits (traceback only when asked for). */
typedef struct {
    batch *b;
    pa_hit *hits;
    const pai_kres *kres; /* the score pass's result per hit */
} finish_ctx;

static int finish_chunk(void *ctx, size_t lo, size_t hi, int worker)
{
    finish_ctx *fc = ctx;
    for (size_t i = lo; i < hi; i++) {
        pa_hit *h = &fc->hits[i];
        size_t t = h->target;
        const char *ts = fc->b->targets[t] ? fc->b->targets[t] : "";
        int rc = pai_profile_finish(fc->b->prof[h->query], ts,
                                    tlen_of(fc->b, t), &fc->kres[i], &fc->b->ws[worker], &h->aln);
        if (rc)
            return rc;
    }
    return 0;
}

typedef struct {
    size_t len, t;
} by_len;

/* v by length, ties by target (stable LSD radix sort, a byte of the length a pass:
 * two passes for proteins; qsort took 2 ms of serial time for 20,000 targets). */
static int sort_by_len(by_len *v, size_t n)
{
    size_t max = 0;
    for (size_t i = 0; i < n; i++)
        max = v[i].len > max ? v[i].len : max;
    by_len *tmp = pai_malloc((n ? n : 1) * sizeof *tmp), *a = v, *b = tmp;
    if (!tmp)
        return -1;
    for (unsigned sh = 0; sh < 8 * sizeof(size_t) && (max >> sh); sh += 8) {
        size_t cnt[257] = {0};
        for (size_t i = 0; i < n; i++)
            cnt[((a[i].len >> sh) & 0xff) + 1]++;
        for (int d = 0; d < 256; d++)
            cnt[d + 1] += cnt[d];
        for (size_t i = 0; i < n; i++)
            b[cnt[(a[i].len >> sh) & 0xff]++] = a[i];
        by_len *x = a;
        a = b;
        b = x;
    }
    if (a != v)
        memcpy(v, a, n * sizeof *v);
    pai_free(tmp);
    return 0;
}

/* Targets by increasing length: lanes of one inter-sequence batch then end together. */
static int sort_targets(batch *b)
{
    size_t nt = b->nt ? b->nt : 1;
    by_len *v = pai_malloc(nt * sizeof *v);
    b->order = pai_malloc(nt * sizeof *b->order);
    b->ts = pai_malloc(nt * sizeof *b->ts);
    b->tn = pai_malloc(nt * sizeof *b->tn);
    if (!v || !b->order || !b->ts || !b->tn) {
        pai_free(v);
        return pai_error(PA_ENOMEM, "out of memory");
    }
    for (size_t t = 0; t < b->nt; t++)
        v[t] = (by_len){tlen_of(b, t), t};
    if (sort_by_len(v, b->nt)) {
        pai_free(v);
        return pai_error(PA_ENOMEM, "out of memory");
    }
    for (size_t r = 0; r < b->nt; r++) {
        size_t t = v[r].t;
        b->order[r] = t;
        b->ts[r] = b->targets[t] ? b->targets[t] : "";
        b->tn[r] = (int64_t)v[r].len;
    }
    pai_free(v);
    return 0;
}

/* Kernel per query; the first query's choice (and how many differ) is reported. */
static int choose_kernels(batch *b, pa_align_kernel force)
{
    int rc = 0;
    size_t differ = 0;
    b->kc = pai_calloc(b->nq ? b->nq : 1, sizeof *b->kc);
    if (!b->kc)
        return pai_error(PA_ENOMEM, "out of memory");
    for (size_t q = 0; q < b->nq && !rc; q++) {
        rc = pai_choose_kernel(b->prof[q], b->ts, b->tn, b->nt, force, &b->kc[q]);
        differ += !rc && (b->kc[q].inter != b->kc[0].inter || b->kc[q].isa != b->kc[0].isa ||
                           b->kc[q].vbmi != b->kc[0].vbmi);
    }
    if (!rc && b->nq) {
        char s[512];
        snprintf(s, sizeof s, "%s", b->kc[0].why);
        if (differ)
            snprintf(s + strlen(s), sizeof s - strlen(s),
                     "; %zu of %zu queries chose another kernel", differ, b->nq);
        pai_set_last_kernel(s);
    }
    return rc;
}

/* Targets per task: about the suggested work, in whole 64-lane batches. */
static size_t pick_chunk(const batch *b, const pa_batch_opts *bo, int nw, size_t npairs)
{
    size_t chunk = bo->chunk;
    if (!chunk && npairs) { /* ~8 cells per ns is a fair guess for the SIMD kernels */
        double cells = 0, tl = 0;
        for (size_t q = 0; q < b->nq; q++)
            cells += (double)pa_profile_length(b->prof[q]);
        cells /= (double)b->nq;
        for (size_t t = 0; t < b->nt && t < 1000; t++)
            tl += (double)b->tn[t * (b->nt / (b->nt < 1000 ? b->nt : 1000))];
        cells *= tl / (double)(b->nt < 1000 ? b->nt : 1000);
        chunk = pa_suggest_chunk(npairs, nw, (uint64_t)(cells / 8.0) + 1);
        chunk = (chunk + 63) / 64 * 64;
    }
    return chunk;
}

/* top_k: merge the workers' heaps per query into out and kres (best first). */
static int merge_heaps(batch *b, int nw, pa_hit *out, pai_kres *kres)
{
    cand *all = pai_malloc((size_t)nw * b->k * sizeof *all);
    if (!all)
        return pai_error(PA_ENOMEM, "out of memory");
    for (size_t q = 0; q < b->nq; q++) {
        size_t na = 0;
        for (int w = 0; w < nw; w++) {
            heap *h = &b->heaps[(size_t)w * b->nq + q];
            memcpy(all + na, h->c, h->n * sizeof *all);
            na += h->n;
        }
        qsort(all, na, sizeof *all, cmp_best);
        for (size_t i = 0; i < b->k && i < na; i++) {
            out[q * b->k + i].query = q;
            out[q * b->k + i].target = all[i].target;
            kres[q * b->k + i] = (pai_kres){all[i].score, all[i].qend, all[i].tend, 0, all[i].bits};
        }
    }
    pai_free(all);
    return 0;
}

static void free_batch(batch *b, int nw)
{
    if (b->ws)
        for (int w = 0; w < nw; w++)
            pai_ws_free(&b->ws[w]);
    pai_free(b->ws);
    if (b->heaps)
        for (size_t i = 0; i < (size_t)nw * b->nq; i++)
            pai_free(b->heaps[i].c);
    pai_free(b->heaps);
    pai_free(b->order);
    pai_free(b->ts);
    pai_free(b->tn);
    pai_free(b->kc);
}

static _Thread_local pa_align_timing last_timing;

int pa_align_last_timing(pa_align_timing *out)
{
    if (!out)
        return pai_error(PA_EINVAL, "pa_align_last_timing: NULL argument");
    if (out->version < 1 || out->version > PA_ALIGN_TIMING_VERSION)
        return pai_error(PA_EINVAL, "pa_align_timing: unknown version %u", out->version);
    unsigned v = out->version; /* version 1 is every field so far */
    *out = last_timing;
    out->version = v;
    return 0;
}

static double since(uint64_t *t0)
{
    uint64_t t = pai_now_ns(), d = t - *t0;
    *t0 = t;
    return (double)d * 1e-9;
}

static double batch_cells(const batch *b)
{
    double tsum = 0, qsum = 0;
    for (size_t r = 0; r < b->nt; r++)
        tsum += (double)b->tn[r];
    for (size_t q = 0; q < b->nq; q++)
        qsum += (double)pa_profile_length(b->prof[q]);
    return tsum * qsum;
}

static int run_batch(pa_executor *ex, const pa_profile *const *prof, size_t nq,
                     const char *const *targets, const size_t *tlens, size_t nt,
                     const pa_batch_opts *bo, pa_hit **hits, size_t *nhits)
{
    pa_batch_opts def = PA_BATCH_OPTS_INIT;
    bo = bo ? bo : &def;
    if (bo->version < 1 || bo->version > PA_BATCH_OPTS_VERSION)
        return pai_error(PA_EINVAL, "pa_batch_opts: unknown version %u", bo->version);
    pa_align_kernel force = bo->version >= 2 ? bo->kernel : PA_KERNEL_AUTO;
    if (nq && nt && (nq * nt) / nt != nq)
        return pai_error(PA_ERANGE, "too many pairs");
    int nw = ex ? pa_executor_threads(ex) : 1;
    nw = nw < 1 ? 1 : nw;
    batch b = {prof, nq, targets, tlens, nt, bo->top_k < nt ? bo->top_k : nt, NULL, NULL, NULL,
               NULL, NULL, NULL, NULL, 0, 0};
    size_t npairs = nq * nt, nout = b.k ? nq * b.k : npairs;
    pai_kres *kres = NULL;
    int rc = 0;
    b.ws = pai_calloc((size_t)nw, sizeof *b.ws);
    pa_hit *out = pai_calloc(nout ? nout : 1, sizeof *out);
    if (!b.ws || !out)
        goto oom;
    pa_align_timing *tm = &last_timing;
    uint64_t t0 = pai_now_ns();
    *tm = (pa_align_timing)PA_ALIGN_TIMING_INIT;
    if ((rc = sort_targets(&b)))
        goto done;
    tm->sort_s = since(&t0);
    tm->pairs = npairs;
    tm->cells = batch_cells(&b);
    if ((rc = choose_kernels(&b, force)))
        goto done;
    tm->calibrate_s = since(&t0);
    if (b.k) {
        b.heaps = pai_calloc((size_t)nw * nq, sizeof *b.heaps);
        if (!b.heaps)
            goto oom;
        for (size_t i = 0; i < (size_t)nw * nq; i++)
            if (!(b.heaps[i].c = pai_malloc(b.k * sizeof(cand))))
                goto oom;
    } else {
        b.hits = out;
    }
    t0 = pai_now_ns();
    size_t ntiles = plan_tiles(&b, pick_chunk(&b, bo, nw, npairs), nw);
    if ((rc = run_loop(ex, ntiles, 1, run_tiles, &b)))
        goto done;
    tm->score_s = since(&t0);
    if (b.k) { /* score pass done: traceback (if asked) only for the winners */
        if (!(kres = pai_malloc(nout * sizeof *kres)))
            goto oom;
        if ((rc = merge_heaps(&b, nw, out, kres)))
            goto done;
        finish_ctx fc = {&b, out, kres};
        if ((rc = run_loop(ex, nout, bo->chunk ? bo->chunk : 0, finish_chunk, &fc)))
            goto done;
        tm->traceback_s = since(&t0);
    }
    goto done;
oom:
    rc = pai_error(PA_ENOMEM, "out of memory");
done:
    free_batch(&b, nw);
    pai_free(kres);
    if (rc) {
        pa_hits_free(out, out ? nout : 0);
        return rc;
    }
    *hits = out;
    *nhits = nout;
    return 0;
}

void pa_hits_free(pa_hit *hits, size_t n)
{
    if (!hits)
        return;
    for (size_t i = 0; i < n; i++)
        pai_free(hits[i].aln.cigar);
    pai_free(hits);
}

int pa_profile_align_many(pa_executor *ex, const pa_profile *p, const char *const *targets,
                          const size_t *tlens, size_t nt, const pa_batch_opts *bopts,
                          pa_hit **hits, size_t *nhits)
{
    if (!p || !hits || !nhits || (!targets && nt))
        return pai_error(PA_EINVAL, "pa_profile_align_many: NULL argument");
    *hits = NULL;
    *nhits = 0;
    return run_batch(ex, &p, 1, targets, tlens, nt, bopts, hits, nhits);
}

int pa_align_many_profiles(pa_executor *ex, const pa_profile *const *profiles, size_t np,
                           const char *const *targets, const size_t *tlens, size_t nt,
                           const pa_batch_opts *bopts, pa_hit **hits, size_t *nhits)
{
    if (!hits || !nhits || (!profiles && np) || (!targets && nt))
        return pai_error(PA_EINVAL, "pa_align_many_profiles: NULL argument");
    *hits = NULL;
    *nhits = 0;
    for (size_t q = 0; q < np; q++)
        if (!profiles[q])
            return pai_error(PA_EINVAL, "pa_align_many_profiles: profile %zu is NULL", q);
    return run_batch(ex, profiles, np, targets, tlens, nt, bopts, hits, nhits);
}

int pa_align_many(pa_executor *ex, const char *const *queries, const size_t *qlens, size_t nq,
                  const char *const *targets, const size_t *tlens, size_t nt,
                  const pa_align_opts *opts, const pa_batch_opts *bopts, pa_hit **hits,
                  size_t *nhits)
{
    if (!hits || !nhits || (!queries && nq) || (!targets && nt))
        return pai_error(PA_EINVAL, "pa_align_many: NULL argument");
    *hits = NULL;
    *nhits = 0;
    pa_profile **prof = pai_calloc(nq ? nq : 1, sizeof *prof);
    if (!prof)
        return pai_error(PA_ENOMEM, "out of memory");
    int rc = 0;
    for (size_t q = 0; q < nq && !rc; q++) {
        const char *s = queries[q] ? queries[q] : "";
        rc = pa_profile_new(&prof[q], s, qlens && qlens[q] ? qlens[q] : strlen(s), opts);
    }
    if (!rc)
        rc = run_batch(ex, (const pa_profile *const *)prof, nq, targets, tlens, nt, bopts, hits,
                       nhits);
    for (size_t q = 0; q < nq; q++)
        pa_profile_free(prof[q]);
    pai_free(prof);
    return rc;
}
