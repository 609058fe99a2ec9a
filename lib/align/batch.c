/* batch.c — many alignments on the executor: pairs (query, target) are numbered
 * q * nt + t and cut into chunks; each worker keeps its own scratch, and with top_k
 * its own per-query heaps of the best scores, merged at the end. Tracebacks for top_k
 * are computed only for the hits that survive. */
#include "align/align_int.h"
#include "panalyzer/executor.h"

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

static int run_chunk(void *ctx, size_t lo, size_t hi, int worker)
{
    batch *b = ctx;
    pai_ws *w = &b->ws[worker];
    for (size_t f = lo; f < hi; f++) {
        size_t q = f / b->nt, t = f % b->nt;
        const pa_profile *p = b->prof[q];
        const char *ts = b->targets[t] ? b->targets[t] : "";
        size_t n = tlen_of(b, t);
        int rc;
        if (!b->k) {
            pa_hit *h = &b->hits[f];
            h->query = q;
            h->target = t;
            if ((rc = pai_profile_align_ws(p, ts, n, w, &h->aln)))
                return rc;
            continue;
        }
        if (n + 1 > w->tcode_cap && PAI_GROW(w->tcode, w->tcode_cap, n + 1))
            return pai_error(PA_ENOMEM, "out of memory");
        pai_encode(&p->mx, ts, n, w->tcode);
        pai_kres r;
        if ((rc = pai_profile_score(p, w->tcode, (int64_t)n, w, &r)))
            return rc;
        cand c = {r.score, r.qend, r.tend, t, r.bits};
        heap_push(&b->heaps[(size_t)worker * b->nq + q], b->k, &c);
    }
    return 0;
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
} finish_ctx;

static int finish_chunk(void *ctx, size_t lo, size_t hi, int worker)
{
    finish_ctx *fc = ctx;
    for (size_t i = lo; i < hi; i++) {
        pa_hit *h = &fc->hits[i];
        size_t t = h->target;
        int rc = pai_profile_align_ws(fc->b->prof[h->query], fc->b->targets[t] ? fc->b->targets[t] : "",
                                      tlen_of(fc->b, t), &fc->b->ws[worker], &h->aln);
        if (rc)
            return rc;
    }
    return 0;
}

static int run_batch(pa_executor *ex, const pa_profile *const *prof, size_t nq,
                     const char *const *targets, const size_t *tlens, size_t nt,
                     const pa_batch_opts *bo, pa_hit **hits, size_t *nhits)
{
    pa_batch_opts def = PA_BATCH_OPTS_INIT;
    bo = bo ? bo : &def;
    if (bo->version < 1 || bo->version > PA_BATCH_OPTS_VERSION)
        return pai_error(PA_EINVAL, "pa_batch_opts: unknown version %u", bo->version);
    if (nq && nt && (nq * nt) / nt != nq)
        return pai_error(PA_ERANGE, "too many pairs");
    int nw = ex ? pa_executor_threads(ex) : 1;
    nw = nw < 1 ? 1 : nw;
    batch b = {prof, nq, targets, tlens, nt, bo->top_k < nt ? bo->top_k : nt, NULL, NULL, NULL};
    size_t npairs = nq * nt, nout = b.k ? nq * b.k : npairs;
    int rc = 0;
    b.ws = pai_calloc((size_t)nw, sizeof *b.ws);
    pa_hit *out = pai_calloc(nout ? nout : 1, sizeof *out);
    if (!b.ws || !out)
        goto oom;
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
    /* ~8 cells per ns is a fair guess for the SIMD kernels */
    size_t chunk = bo->chunk;
    if (!chunk && npairs) {
        double cells = 0;
        for (size_t q = 0; q < nq; q++)
            cells += (double)pa_profile_length(prof[q]);
        cells /= (double)nq;
        double tl = 0;
        for (size_t t = 0; t < nt && t < 1000; t++)
            tl += (double)tlen_of(&b, t);
        cells *= tl / (double)(nt < 1000 ? nt : 1000);
        chunk = pa_suggest_chunk(npairs, nw, (uint64_t)(cells / 8.0) + 1);
    }
    if ((rc = run_loop(ex, npairs, chunk, run_chunk, &b)))
        goto done;
    if (b.k) { /* merge the workers' heaps per query, then align the winners */
        cand *all = pai_malloc((size_t)nw * b.k * sizeof *all);
        if (!all)
            goto oom;
        for (size_t q = 0; q < nq; q++) {
            size_t na = 0;
            for (int w = 0; w < nw; w++) {
                heap *h = &b.heaps[(size_t)w * nq + q];
                memcpy(all + na, h->c, h->n * sizeof *all);
                na += h->n;
            }
            qsort(all, na, sizeof *all, cmp_best);
            for (size_t i = 0; i < b.k && i < na; i++) {
                out[q * b.k + i].query = q;
                out[q * b.k + i].target = all[i].target;
            }
        }
        pai_free(all);
        finish_ctx fc = {&b, out};
        if ((rc = run_loop(ex, nout, bo->chunk ? bo->chunk : 0, finish_chunk, &fc)))
            goto done;
    }
    goto done;
oom:
    rc = pai_error(PA_ENOMEM, "out of memory");
done:
    if (b.ws)
        for (int w = 0; w < nw; w++)
            pai_ws_free(&b.ws[w]);
    pai_free(b.ws);
    if (b.heaps)
        for (size_t i = 0; i < (size_t)nw * nq; i++)
            pai_free(b.heaps[i].c);
    pai_free(b.heaps);
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
