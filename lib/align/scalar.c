/* scalar.c — the reference implementation: Gotoh recurrences in 32-bit integers,
 * score + end cell, and full traceback from checkpointed rows.
 *
 * DP layout: row i = query prefix of length i (0..m), column j = target prefix (0..n).
 *   V[i][j] = max(V[i-1][j] - ge, H[i-1][j] - go)   vertical: query residue vs gap ('I')
 *   G[i][j] = max(G[i][j-1] - ge, H[i][j-1] - go)   horizontal: target residue vs gap ('D')
 *   H[i][j] = max(H[i-1][j-1] + s(q[i-1], t[j-1]), V, G [, 0 when local])
 * Traceback memory: rows of H and V are kept every `stride` rows; a block of rows is
 * recomputed with one direction byte per cell when the traceback enters it. */
#include "align/align_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

enum { D_DIAG = 0, D_V = 1, D_G = 2, D_ZERO = 3, D_VEXT = 4, D_GEXT = 8 };

int64_t pai_bound_row(const pai_params *p, int64_t j)
{
    if (j == 0 || p->mode == PA_ALIGN_LOCAL || (p->fe & PA_FREE_QUERY_START))
        return 0;
    return -((int64_t)p->go + (j - 1) * (int64_t)p->ge);
}

int64_t pai_bound_col(const pai_params *p, int64_t i)
{
    if (i == 0 || p->mode == PA_ALIGN_LOCAL || (p->fe & PA_FREE_TARGET_START))
        return 0;
    return -((int64_t)p->go + (i - 1) * (int64_t)p->ge);
}

static int better(int64_t s, int64_t i, int64_t j, int64_t bs, int64_t bi, int64_t bj)
{
    return s > bs || (s == bs && (j < bj || (j == bj && i < bi)));
}

void pai_semi_pick(const pai_params *p, int64_t m, int64_t n, const pai_semi_cands *c,
                   pai_kres *r)
{
    int64_t bs = INT64_MIN, bi = 0, bj = 0;
    pai_semi_cands e = *c;
    /* with an empty sequence the row/column candidates are boundary cells */
    if (m == 0 && n > 0)
        e.row_best = pai_bound_row(p, 1), e.row_j = 1;
    if (n == 0 && m > 0)
        e.col_best = pai_bound_col(p, 1), e.col_i = 1;
    if ((p->fe & PA_FREE_QUERY_END) && n > 0 && better(e.row_best, m, e.row_j, bs, bi, bj))
        bs = e.row_best, bi = m, bj = e.row_j;
    if ((p->fe & PA_FREE_TARGET_END) && m > 0 && better(e.col_best, e.col_i, n, bs, bi, bj))
        bs = e.col_best, bi = e.col_i, bj = n;
    r->score = bs;
    r->qend = bi;
    r->tend = bj;
}

/* a priori bound on |values| so 32-bit arithmetic cannot overflow */
static int check_range(const struct pa_matrix *mx, const pai_params *p, int64_t m, int64_t n)
{
    double mag = (double)(abs(mx->min) > abs(mx->max) ? abs(mx->min) : abs(mx->max));
    double b = (mag + p->ge) * (double)(m + n) + 3.0 * p->go;
    if (b >= (double)(1 << 29))
        return pai_error(PA_ERANGE, "alignment of %lld x %lld residues could overflow 32-bit scores",
                         (long long)m, (long long)n);
    return 0;
}

/* One DP row i (1-based) in place: H/V hold row i-1 on entry, row i on exit.
 * dir (may be NULL) gets one byte per column 1..n at dir[j]. */
static void row_step(const int *srow, const uint8_t *t, int64_t n, int32_t *H, int32_t *V,
                     int32_t h0, int go, int ge, int local, uint8_t *dir)
{
    int32_t diag = H[0], g = PAI_NEG;
    H[0] = h0;
    for (int64_t j = 1; j <= n; j++) {
        int32_t up = H[j];
        int32_t vo = up - go, ve = V[j] - ge;
        int32_t v = ve > vo ? ve : vo;
        int32_t go_ = H[j - 1] - go, gx = g - ge;
        g = gx > go_ ? gx : go_;
        int32_t h = diag + srow[t[j - 1]];
        uint8_t d = D_DIAG;
        if (v > h)
            h = v, d = D_V;
        if (g > h)
            h = g, d = D_G;
        if (local && h <= 0)
            h = 0, d = D_ZERO;
        if (dir)
            dir[j] = (uint8_t)(d | (ve > vo ? D_VEXT : 0) | (gx > go_ ? D_GEXT : 0));
        diag = up;
        H[j] = h;
        V[j] = v;
    }
}

static void init_row0(const pai_params *p, int64_t n, int32_t *H, int32_t *V)
{
    for (int64_t j = 0; j <= n; j++) {
        H[j] = (int32_t)pai_bound_row(p, j);
        V[j] = PAI_NEG;
    }
}

/* Track the best cell of row i (local: any cell; semi: row m and column n). */
typedef struct {
    pai_kres r;
    pai_semi_cands c;
} scan_state;

static void scan_row(const pai_params *p, int64_t i, int64_t m, int64_t n, const int32_t *H,
                     scan_state *st)
{
    if (p->mode == PA_ALIGN_LOCAL) {
        int64_t bj = 0;
        int32_t b = 0;
        for (int64_t j = 1; j <= n; j++)
            if (H[j] > b)
                b = H[j], bj = j;
        if (b > 0 && better(b, i, bj, st->r.score, st->r.qend, st->r.tend))
            st->r.score = b, st->r.qend = i, st->r.tend = bj;
        return;
    }
    if (i >= 1 && n >= 1 && H[n] > st->c.col_best)
        st->c.col_best = H[n], st->c.col_i = i;
    if (i == m) {
        for (int64_t j = 1; j <= n; j++)
            if (H[j] > st->c.row_best)
                st->c.row_best = H[j], st->c.row_j = j;
    }
}

static void finish_scan(const pai_params *p, int64_t m, int64_t n, const int32_t *H,
                        scan_state *st, pai_kres *r)
{
    if (p->mode == PA_ALIGN_LOCAL) {
        *r = st->r;
        if (r->score <= 0)
            r->score = 0, r->qend = r->tend = 0;
    } else if (p->mode == PA_ALIGN_GLOBAL || !(p->fe & (PA_FREE_QUERY_END | PA_FREE_TARGET_END))) {
        r->score = H[n];
        r->qend = m;
        r->tend = n;
    } else {
        pai_semi_pick(p, m, n, &st->c, r);
        /* (m, n) itself */
        if (better(H[n], m, n, r->score, r->qend, r->tend))
            r->score = H[n], r->qend = m, r->tend = n;
    }
    r->bits = 0;
    r->overflow = 0;
}

static int grow_ints(pai_ws *w, size_t need)
{
    if (need > w->ibuf_cap && PAI_GROW(w->ibuf, w->ibuf_cap, need))
        return pai_error(PA_ENOMEM, "out of memory");
    return 0;
}

int pai_scalar_score(const uint8_t *q, int64_t m, const uint8_t *t, int64_t n,
                     const struct pa_matrix *mx, const pai_params *p, pai_ws *w, pai_kres *r)
{
    int rc = check_range(mx, p, m, n);
    if (rc || (rc = grow_ints(w, 2 * (size_t)(n + 1))))
        return rc;
    int32_t *H = w->ibuf, *V = H + n + 1;
    int local = p->mode == PA_ALIGN_LOCAL;
    scan_state st = {{0, 0, 0, 0, 0}, {INT64_MIN, 0, INT64_MIN, 0}};
    init_row0(p, n, H, V);
    for (int64_t i = 1; i <= m; i++) {
        row_step(mx->s + q[i - 1] * PAI_AMAX, t, n, H, V, (int32_t)pai_bound_col(p, i),
                 p->go, p->ge, local, NULL);
        scan_row(p, i, m, n, H, &st);
    }
    finish_scan(p, m, n, H, &st, r);
    return 0;
}

/* ---- traceback ---------------------------------------------------------------- */

static int push_ops(pai_ws *w, size_t *len, char op, int64_t count)
{
    if (*len + (size_t)count > w->ops_cap && PAI_GROW(w->ops, w->ops_cap, *len + (size_t)count))
        return pai_error(PA_ENOMEM, "out of memory");
    memset(w->ops + *len, op, (size_t)count);
    *len += (size_t)count;
    return 0;
}

/* Turn the reversed operation string into CIGAR and counts. */
static int summarize(const char *ops, size_t len, const uint8_t *q, const uint8_t *t,
                     int64_t qs, int64_t ts, const struct pa_matrix *mx, pa_alignment *out)
{
    pai_buf b = {0};
    int64_t i = qs, j = ts;
    char prev = 0;
    size_t run = 0;
    for (size_t k = len; k-- > 0;) {
        char op = ops[k];
        if (op == 'M') {
            int s = mx->s[q[i] * PAI_AMAX + t[j]];
            op = q[i] == t[j] ? '=' : 'X';
            out->matches += op == '=';
            out->positives += s > 0;
            i++, j++;
        } else {
            out->gaps++;
            if (op != prev)
                out->gap_opens++;
            if (op == 'I')
                i++;
            else
                j++;
        }
        if (op != prev && run) {
            if (pai_buf_printf(&b, "%zu%c", run, prev))
                goto oom;
            run = 0;
        }
        prev = op;
        run++;
    }
    if (run && pai_buf_printf(&b, "%zu%c", run, prev))
        goto oom;
    if (!b.s && pai_buf_puts(&b, ""))
        goto oom;
    out->cigar = b.s;
    out->length = (int64_t)len;
    out->identity = len ? (double)out->matches / (double)len : 0.0;
    out->similarity = len ? (double)out->positives / (double)len : 0.0;
    return 0;
oom:
    pai_buf_free(&b);
    return pai_error(PA_ENOMEM, "out of memory");
}

int pai_scalar_align(const uint8_t *q, int64_t m, const uint8_t *t, int64_t n,
                     const struct pa_matrix *mx, const pai_params *p, pai_ws *w,
                     pa_alignment *out)
{
    memset(out, 0, sizeof *out);
    int rc = check_range(mx, p, m, n);
    if (rc)
        return rc;
    int local = p->mode == PA_ALIGN_LOCAL;
    /* stride minimising 8 (n+1) m / stride + stride (n+1) bytes */
    int64_t stride = (int64_t)sqrt(8.0 * (double)(m > 0 ? m : 1));
    stride = stride < 1 ? 1 : stride;
    int64_t nck = m / stride + 1;
    size_t row = (size_t)(n + 1);
    if ((rc = grow_ints(w, row * 2 * ((size_t)nck + 1))))
        return rc;
    if ((size_t)stride * row > w->dir_cap && PAI_GROW(w->dir, w->dir_cap, (size_t)stride * row))
        return pai_error(PA_ENOMEM, "out of memory");
    int32_t *H = w->ibuf, *V = H + row, *ck = V + row; /* ck: nck pairs of rows */

    /* forward pass with checkpoints at rows 0, stride, 2 stride, ... */
    scan_state st = {{0, 0, 0, 0, 0}, {INT64_MIN, 0, INT64_MIN, 0}};
    init_row0(p, n, H, V);
    for (int64_t i = 0; i <= m; i++) {
        if (i > 0) {
            row_step(mx->s + q[i - 1] * PAI_AMAX, t, n, H, V, (int32_t)pai_bound_col(p, i),
                     p->go, p->ge, local, NULL);
            scan_row(p, i, m, n, H, &st);
        }
        if (i % stride == 0) {
            memcpy(ck + (size_t)(i / stride) * 2 * row, H, row * sizeof *H);
            memcpy(ck + (size_t)(i / stride) * 2 * row + row, V, row * sizeof *V);
        }
    }
    pai_kres r;
    finish_scan(p, m, n, H, &st, &r);
    out->score = r.score;
    out->qend = r.qend;
    out->tend = r.tend;

    /* traceback from (qend, tend) in state H */
    int64_t i = r.qend, j = r.tend;
    int state = D_DIAG; /* D_DIAG = in H, D_V, D_G */
    size_t nops = 0;
    int64_t blk_lo = -1; /* rows (blk_lo, blk_lo + stride] are in w->dir */
    int free_qs = p->mode == PA_ALIGN_SEMI && (p->fe & PA_FREE_QUERY_START);
    int free_ts = p->mode == PA_ALIGN_SEMI && (p->fe & PA_FREE_TARGET_START);
    if (local && r.score == 0)
        i = j = 0;
    while (i > 0 && j > 0) {
        if (i <= blk_lo || blk_lo < 0) { /* recompute the block holding row i */
            blk_lo = ((i - 1) / stride) * stride;
            memcpy(H, ck + (size_t)(blk_lo / stride) * 2 * row, row * sizeof *H);
            memcpy(V, ck + (size_t)(blk_lo / stride) * 2 * row + row, row * sizeof *V);
            int64_t hi = blk_lo + stride < m ? blk_lo + stride : m;
            for (int64_t k = blk_lo + 1; k <= hi; k++)
                row_step(mx->s + q[k - 1] * PAI_AMAX, t, n, H, V, (int32_t)pai_bound_col(p, k),
                         p->go, p->ge, local, w->dir + (size_t)(k - blk_lo - 1) * row);
        }
        uint8_t d = w->dir[(size_t)(i - blk_lo - 1) * row + (size_t)j];
        if (state == D_DIAG) {
            int src = d & 3;
            if (src == D_ZERO)
                break;
            if (src == D_DIAG) {
                if ((rc = push_ops(w, &nops, 'M', 1)))
                    return rc;
                i--, j--;
            } else {
                state = src;
            }
        } else if (state == D_V) {
            if ((rc = push_ops(w, &nops, 'I', 1)))
                return rc;
            state = (d & D_VEXT) ? D_V : D_DIAG;
            i--;
        } else {
            if ((rc = push_ops(w, &nops, 'D', 1)))
                return rc;
            state = (d & D_GEXT) ? D_G : D_DIAG;
            j--;
        }
    }
    /* on the boundary: the rest is one gap run unless free (or local) */
    if (!local) {
        if (i > 0 && !free_ts && (rc = push_ops(w, &nops, 'I', i)))
            return rc;
        if (j > 0 && !free_qs && (rc = push_ops(w, &nops, 'D', j)))
            return rc;
        if (i > 0 && !free_ts)
            i = 0;
        if (j > 0 && !free_qs)
            j = 0;
    }
    out->qstart = i;
    out->tstart = j;
    return summarize(w->ops, nops, q, t, i, j, mx, out);
}
