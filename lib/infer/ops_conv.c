/* ops_conv.c — Conv, MatMul and Gemm on OpenBLAS sgemm.
 *
 * 1-D stride-1 convolutions with packed weights (conv1d.c) run the direct AVX2 / AVX-512
 * kernel instead; everything below is the reference and the fallback for other shapes.
 *
 * Conv lowers to im2col + GEMM over *all* output positions of the batch at once (in tiles
 * that fit the cache), so a batch of short sequences is one large GEMM rather than many
 * small ones; the GEMM result is then scattered to NCHW with the bias. Depthwise
 * convolutions (one input and one output channel per group) use a direct loop instead,
 * and 1x1 stride-1 convolutions skip im2col. 1-D convolutions run as 2-D with height 1. */
#include "infer/infer_int.h"

#include "common/blas.h"
#include <string.h>

#define NEED_INPUTS(k) PAI_NEED_INPUTS(k, true)

/* Column-buffer budget per tile, in floats (about 2 MB: stays in L2/L3). */
#define PAI_COL_FLOATS (1u << 19)

typedef struct {
    int64_t N, C, H, W;         /* input */
    int64_t M, kh, kw, G;       /* filters, kernel, groups */
    int64_t OH, OW;
    int64_t sh, sw, dh, dw, ph, pw; /* strides, dilations, leading pads */
} conv_geom;

/* Read attributes and derive output sizes; 1-D convolutions get H = kh = 1. */
static int conv_setup(pai_ctx *c, const pai_node *n, const pai_tensor *X, const pai_tensor *Wt,
                      conv_geom *g)
{
    int sp = X->ndim - 2;
    if (sp < 1 || sp > 2 || Wt->ndim != X->ndim)
        return pai_node_error(c, n, PA_EUNSUPPORTED, "only 1-D and 2-D convolutions (rank %d)",
                              X->ndim);
    size_t nk, ns, nd, np;
    const int64_t *ks = pai_attr_ints(n, "kernel_shape", &nk);
    const int64_t *st = pai_attr_ints(n, "strides", &ns);
    const int64_t *dl = pai_attr_ints(n, "dilations", &nd);
    const int64_t *pd = pai_attr_ints(n, "pads", &np);
    if ((ks && nk != (size_t)sp) || (st && ns != (size_t)sp) || (dl && nd != (size_t)sp) ||
        (pd && np != (size_t)(2 * sp)))
        return pai_node_error(c, n, PA_EINVAL, "attribute lengths do not match the rank");
    int64_t in[2], k[2], s[2], d[2], pb[2], pe[2], o[2];
    for (int i = 0; i < sp; i++) {
        in[i] = X->shape[2 + i];
        k[i] = Wt->shape[2 + i];
        if (ks && ks[i] != k[i])
            return pai_node_error(c, n, PA_EINVAL, "kernel_shape disagrees with the weights");
        s[i] = st ? st[i] : 1;
        d[i] = dl ? dl[i] : 1;
        pb[i] = pd ? pd[i] : 0;
        pe[i] = pd ? pd[i + sp] : 0;
        if (s[i] < 1 || d[i] < 1 || pb[i] < 0 || pe[i] < 0 || k[i] < 1 || s[i] > 1 << 20 ||
            d[i] > 1 << 20 || pb[i] > 1 << 20 || pe[i] > 1 << 20)
            return pai_node_error(c, n, PA_EINVAL, "invalid strides, dilations, pads or kernel");
    }
    const char *ap = pai_attr_str(n, "auto_pad", "NOTSET");
    for (int i = 0; i < sp; i++) {
        int64_t span = d[i] * (k[i] - 1) + 1;
        if (!strcmp(ap, "SAME_UPPER") || !strcmp(ap, "SAME_LOWER")) {
            o[i] = (in[i] + s[i] - 1) / s[i];
            int64_t tot = (o[i] - 1) * s[i] + span - in[i];
            tot = tot < 0 ? 0 : tot;
            pb[i] = ap[5] == 'U' ? tot / 2 : tot - tot / 2;
            continue;
        }
        if (!strcmp(ap, "VALID"))
            pb[i] = pe[i] = 0;
        else if (strcmp(ap, "NOTSET"))
            return pai_node_error(c, n, PA_EUNSUPPORTED, "auto_pad '%s'", ap);
        int64_t full = in[i] + pb[i] + pe[i] - span;
        o[i] = full < 0 ? 0 : full / s[i] + 1;
    }
    g->N = X->shape[0];
    g->C = X->shape[1];
    g->M = Wt->shape[0];
    g->G = pai_attr_int(n, "group", 1);
    if (g->G < 1 || g->C % g->G || g->M % g->G || Wt->shape[1] != g->C / g->G)
        return pai_node_error(c, n, PA_EINVAL, "channels (%lld in, %lld out, weights %lld) do "
                              "not fit %lld groups", (long long)g->C, (long long)g->M,
                              (long long)Wt->shape[1], (long long)g->G);
    int two = sp == 2;
    g->H = two ? in[0] : 1;
    g->W = in[two];
    g->kh = two ? k[0] : 1;
    g->kw = k[two];
    g->OH = two ? o[0] : 1;
    g->OW = o[two];
    g->sh = two ? s[0] : 1;
    g->sw = s[two];
    g->dh = two ? d[0] : 1;
    g->dw = d[two];
    g->ph = two ? pb[0] : 0;
    g->pw = pb[two];
    return 0;
}

/* Taps k in [*lo, *hi) with 0 <= o * s + k * d - p < n. */
static void tap_range(int64_t o, int64_t s, int64_t d, int64_t p, int64_t n, int64_t k,
                      int64_t *lo, int64_t *hi)
{
    int64_t first = p - o * s, last = n - 1 + p - o * s; /* k * d in [first, last] */
    *lo = first <= 0 ? 0 : (first + d - 1) / d;
    *hi = last < 0 ? 0 : last / d + 1;
    *hi = *hi > k ? k : *hi;
    *lo = *lo > *hi ? *hi : *lo;
}

/* One border output of a depthwise channel: bias + its valid taps in (ky, kx) order. */
static float depthwise_one(const conv_geom *g, const float *xc, const float *wk, float bias,
                           int64_t ky0, int64_t ky1, int64_t oy, int64_t ox)
{
    int64_t kx0, kx1;
    tap_range(ox, g->sw, g->dw, g->pw, g->W, g->kw, &kx0, &kx1);
    float s = bias;
    for (int64_t ky = ky0; ky < ky1; ky++) {
        const float *row = xc + (oy * g->sh + ky * g->dh - g->ph) * g->W;
        for (int64_t kx = kx0; kx < kx1; kx++)
            s += row[ox * g->sw + kx * g->dw - g->pw] * wk[ky * g->kw + kx];
    }
    return s;
}

/* One output row of a depthwise channel. Interior outputs (every kx tap inside the input
 * row) accumulate tap by tap across the row, which vectorises; the same (ky, kx) order as
 * the borders', so the sums are those of a per-output loop. */
static void depthwise_row(const conv_geom *g, const float *xc, const float *wk, float bias,
                          int64_t oy, float *yr)
{
    const int64_t W = g->W, kw = g->kw, OW = g->OW, sw = g->sw, dw = g->dw, pw = g->pw;
    int64_t ky0, ky1, lo = (pw + sw - 1) / sw, top = W - 1 + pw - (kw - 1) * dw;
    int64_t hi = top < 0 ? 0 : top / sw + 1;
    hi = hi > OW ? OW : hi;
    lo = lo > hi ? hi : lo;
    tap_range(oy, g->sh, g->dh, g->ph, g->H, g->kh, &ky0, &ky1);
    for (int64_t ox = lo; ox < hi; ox++)
        yr[ox] = bias;
    for (int64_t ky = ky0; ky < ky1; ky++) {
        const float *row = xc + (oy * g->sh + ky * g->dh - g->ph) * W;
        for (int64_t kx = 0; kx < kw; kx++) {
            float wv = wk[ky * kw + kx];
            int64_t off = kx * dw - pw;
            for (int64_t ox = lo; ox < hi; ox++)
                yr[ox] += row[ox * sw + off] * wv;
        }
    }
    for (int64_t ox = 0; ox < lo; ox++)
        yr[ox] = depthwise_one(g, xc, wk, bias, ky0, ky1, oy, ox);
    for (int64_t ox = hi; ox < OW; ox++)
        yr[ox] = depthwise_one(g, xc, wk, bias, ky0, ky1, oy, ox);
}

/* Depthwise: each output channel reads exactly one input channel. */
static void conv_depthwise(const conv_geom *g, const float *x, const float *w, const float *b,
                           float *y)
{
    int64_t mult = g->M / g->G; /* == 1 here */
    for (int64_t nb = 0; nb < g->N; nb++)
        for (int64_t m = 0; m < g->M; m++) {
            const float *xc = x + (nb * g->C + m / mult) * g->H * g->W;
            const float *wk = w + m * g->kh * g->kw;
            float *yc = y + (nb * g->M + m) * g->OH * g->OW;
            for (int64_t oy = 0; oy < g->OH; oy++)
                depthwise_row(g, xc, wk, b ? b[m] : 0.0f, oy, yc + oy * g->OW);
        }
}

/* im2col for output positions [p0, p0 + T) of the flattened (n, oy, ox) space, channels
 * [c0, c0 + Cg): col is (Cg*kh*kw) x T, row-major. */
static void im2col(const conv_geom *g, const float *x, int64_t c0, int64_t Cg, int64_t p0,
                   int64_t T, float *col)
{
    int64_t ohw = g->OH * g->OW;
    for (int64_t t = 0; t < T;) {
        int64_t p = p0 + t, nb = p / ohw, r = p % ohw, oy = r / g->OW, ox0 = r % g->OW;
        int64_t seg = g->OW - ox0; /* positions left in this output row */
        if (seg > T - t)
            seg = T - t;
        for (int64_t ci = 0; ci < Cg; ci++) {
            const float *xc = x + (nb * g->C + c0 + ci) * g->H * g->W;
            for (int64_t ky = 0; ky < g->kh; ky++) {
                int64_t iy = oy * g->sh + ky * g->dh - g->ph;
                for (int64_t kx = 0; kx < g->kw; kx++) {
                    float *dst = col + ((ci * g->kh + ky) * g->kw + kx) * T + t;
                    if (iy < 0 || iy >= g->H) {
                        memset(dst, 0, (size_t)seg * sizeof *dst);
                        continue;
                    }
                    const float *row = xc + iy * g->W;
                    int64_t ix = ox0 * g->sw + kx * g->dw - g->pw;
                    if (g->sw == 1 && ix >= 0 && ix + seg <= g->W) {
                        memcpy(dst, row + ix, (size_t)seg * sizeof *dst);
                        continue;
                    }
                    for (int64_t j = 0; j < seg; j++, ix += g->sw)
                        dst[j] = ix >= 0 && ix < g->W ? row[ix] : 0.0f;
                }
            }
        }
        t += seg;
    }
}

/* Scatter a Mg x T GEMM tile to y (N, M, OH*OW) at channels [m0, m0 + Mg), adding bias. */
static void scatter(const conv_geom *g, const float *buf, int64_t m0, int64_t Mg, int64_t p0,
                    int64_t T, const float *b, float *y, int act)
{
    int64_t ohw = g->OH * g->OW;
    for (int64_t t = 0; t < T;) {
        int64_t p = p0 + t, nb = p / ohw, r = p % ohw, seg = ohw - r;
        if (seg > T - t)
            seg = T - t;
        for (int64_t m = 0; m < Mg; m++) {
            const float *src = buf + m * T + t;
            float *dst = y + (nb * g->M + m0 + m) * ohw + r;
            float bias = b ? b[m0 + m] : 0.0f;
            if (act == PAI_ACT_GELU)
                for (int64_t j = 0; j < seg; j++)
                    dst[j] = pai_gelu(src[j] + bias);
            else if (act == PAI_ACT_RELU)
                for (int64_t j = 0; j < seg; j++)
                    dst[j] = src[j] + bias > 0.0f ? src[j] + bias : 0.0f;
            else
                for (int64_t j = 0; j < seg; j++)
                    dst[j] = src[j] + bias;
        }
        t += seg;
    }
}

static void apply_act(float *y, size_t n, int act)
{
    if (act == PAI_ACT_GELU)
        for (size_t i = 0; i < n; i++)
            y[i] = pai_gelu(y[i]);
    else if (act == PAI_ACT_RELU)
        for (size_t i = 0; i < n; i++)
            y[i] = y[i] > 0.0f ? y[i] : 0.0f;
}

/* View of a fused Add / Mul operand t broadcast onto the output shape [N, M, spatial...]:
 * 0 when it does not broadcast that way (then the Conv runs unfused). */
static int bview(const pai_tensor *t, int nd, const int64_t *shape, pai_bview *v)
{
    if (!t || t->dtype != PA_DT_FLOAT32 || t->ndim > nd)
        return 0;
    int64_t e[PAI_MAXD], st[PAI_MAXD], s = 1;
    int ones = 1, full = 1;
    for (int i = nd - 1; i >= 0; i--) {
        int it = i - (nd - t->ndim);
        e[i] = it >= 0 ? t->shape[it] : 1;
        if (e[i] != 1 && e[i] != shape[i])
            return 0;
        st[i] = s;
        s *= e[i];
        if (i >= 2) {
            ones &= e[i] == 1;
            full &= e[i] == shape[i];
        }
    }
    if (!ones && !full)
        return 0;
    *v = (pai_bview){pai_f(t), e[0] == 1 ? 0 : st[0], e[1] == 1 ? 0 : st[1], full ? 1 : 0};
    return 1;
}

/* y[s] = y[s] + v[s] (or * v[s]) over one row; v broadcast when ss is 0. Separate loops so
 * each one vectorises. */
static void tail_row(float *y, int64_t S, const float *v, int64_t ss, int mul)
{
    if (ss && mul)
        for (int64_t s = 0; s < S; s++)
            y[s] = y[s] * v[s];
    else if (ss)
        for (int64_t s = 0; s < S; s++)
            y[s] = y[s] + v[s];
    else if (mul)
        for (int64_t s = 0; s < S; s++)
            y[s] = y[s] * v[0];
    else
        for (int64_t s = 0; s < S; s++)
            y[s] = y[s] + v[0];
}

/* The fused residual Add and mask Mul as a pass over y [N, M, S] (the reference path). */
static void tail_pass(float *y, int64_t N, int64_t M, int64_t S, const pai_bview *res,
                      const pai_bview *mul)
{
    for (int64_t nb = 0; nb < N; nb++)
        for (int64_t m = 0; m < M; m++, y += S) {
            if (res->p)
                tail_row(y, S, res->p + nb * res->sn + m * res->sm, res->ss, 0);
            if (mul->p)
                tail_row(y, S, mul->p + nb * mul->sn + m * mul->sm, mul->ss, 1);
        }
}

/* The convolution (with its fused activation) into the allocated y, by the direct kernel
 * when the node has a pack and the shape suits it, else im2col + sgemm. */
static int conv_compute(pai_ctx *c, const pai_node *n, const conv_geom *g, const float *x,
                        const float *w, const float *b, float *y, const pai_bview *res,
                        const pai_bview *mul)
{
    const pai_conv1d_pack *pk = n->pack;
    if (pk && g->H == 1 && g->kh == 1 && g->G == 1 && g->sw == 1 && pk->M == g->M &&
        pk->C == g->C && pk->K == g->kw) {
        float *xpad = pai_ws_scratch(c->ws, pai_conv1d_scratch(pk, g->pw, g->W, g->dw, g->OW));
        if (!xpad)
            return pai_node_error(c, n, PA_ENOMEM,
                                  "out of memory (or over max_run_bytes) for the padded input");
        pai_conv1d_run(pk, x, g->N, g->W, g->pw, g->dw, g->OW, y, xpad, n->act, res, mul);
        return 0;
    }
    int64_t Cg = g->C / g->G, Mg = g->M / g->G, K = Cg * g->kh * g->kw, ohw = g->OH * g->OW;
    size_t ny = (size_t)(g->N * g->M * ohw);
    if (Cg == 1 && Mg == 1) {
        conv_depthwise(g, x, w, b, y);
        apply_act(y, ny, n->act);
    } else if (g->kh == 1 && g->kw == 1 && g->sh == 1 && g->sw == 1 && g->ph == 0 &&
               g->pw == 0 && g->OH == g->H && g->OW == g->W) {
        /* 1x1: per image and group, Y = W x X directly */
        for (int64_t nb = 0; nb < g->N; nb++)
            for (int64_t gi = 0; gi < g->G; gi++) {
                float *yg = y + (nb * g->M + gi * Mg) * ohw;
                for (int64_t m = 0; m < Mg; m++)
                    for (int64_t j = 0; j < ohw; j++)
                        yg[m * ohw + j] = b ? b[gi * Mg + m] : 0.0f;
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)Mg, (int)ohw, (int)Cg,
                            1.0f, w + gi * Mg * Cg, (int)Cg,
                            x + (nb * g->C + gi * Cg) * g->H * g->W, (int)ohw, 1.0f, yg,
                            (int)ohw);
            }
        apply_act(y, ny, n->act);
    } else {
        int64_t P = g->N * ohw, T = (int64_t)PAI_COL_FLOATS / K;
        T = T < 64 ? 64 : T;
        T = T > P ? P : T;
        float *col = pai_ws_scratch(c->ws, (size_t)(K * T + Mg * T));
        if (!col)
            return pai_node_error(c, n, PA_ENOMEM,
                                  "out of memory (or over max_run_bytes) for the column buffer");
        float *buf = col + K * T;
        for (int64_t gi = 0; gi < g->G; gi++)
            for (int64_t p0 = 0; p0 < P; p0 += T) {
                int64_t t = P - p0 < T ? P - p0 : T;
                im2col(g, x, gi * Cg, Cg, p0, t, col);
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)Mg, (int)t, (int)K,
                            1.0f, w + gi * Mg * K, (int)K, col, (int)t, 0.0f, buf, (int)t);
                scatter(g, buf, gi * Mg, Mg, p0, t, b, y, n->act);
            }
    }
    if (res->p || mul->p)
        tail_pass(y, g->N, g->M, ohw, res, mul);
    return 0;
}

/* A fused Add / Mul whose operand does not broadcast onto the output as the epilogue
 * needs: finish with the operators themselves (y is the Conv result, consumed). */
static int conv_unfused_tail(pai_ctx *c, const pai_node *n, pai_tensor *const *in, int nin,
                             pai_tensor *y, pai_tensor *out)
{
    for (int i = 3; i < 5; i++) {
        if (i >= nin || !in[i])
            continue;
        pai_tensor t = {0};
        pai_tensor *ab[2] = {y, in[i]};
        int rc = (i == 3 ? pai_op_add : pai_op_mul)(c, n, ab, 2, &t, 1);
        pai_ws_release(c->ws, y);
        *y = t;
        if (rc) {
            pai_ws_release(c->ws, y);
            return rc;
        }
    }
    *out = *y;
    return 0;
}

PAI_OP(conv)
{
    NEED_INPUTS(2);
    const pai_tensor *X = in[0], *Wt = in[1], *B = nin > 2 ? in[2] : NULL;
    conv_geom g = {0};
    int rc = conv_setup(c, n, X, Wt, &g);
    if (rc)
        return rc;
    if (B && (B->dtype != PA_DT_FLOAT32 || B->n != (size_t)g.M))
        return pai_node_error(c, n, PA_EINVAL, "bias must have %lld values", (long long)g.M);
    int64_t shape[4] = {g.N, g.M, g.OH, g.OW};
    if (X->ndim == 3)
        shape[2] = g.OW;
    /* fused residual Add (input 3) and mask Mul (input 4) */
    const pai_tensor *R = n->tail && nin > 3 ? in[3] : NULL, *Mk = n->tail && nin > 4 ? in[4] : NULL;
    pai_bview res = {0}, mul = {0};
    int fused = (!R || bview(R, X->ndim, shape, &res)) && (!Mk || bview(Mk, X->ndim, shape, &mul));
    pai_tensor y = {0};
    if ((rc = pai_out_alloc(c, fused ? out : &y, PA_DT_FLOAT32, X->ndim, shape)))
        return rc;
    pai_tensor *dst = fused ? out : &y;
    pai_bview none = {0};
    if (dst->n)
        rc = conv_compute(c, n, &g, pai_f(X), pai_f(Wt), B ? pai_f(B) : NULL, pai_f(dst),
                          fused ? &res : &none, fused ? &mul : &none);
    if (fused || rc) {
        pai_ws_release(c->ws, &y);
        return rc;
    }
    return conv_unfused_tail(c, n, in, nin, &y, out);
}

/* MatMul with numpy semantics (1-D promotion, broadcast batch dimensions). */
PAI_OP(matmul)
{
    NEED_INPUTS(2);
    const pai_tensor *A = in[0], *B = in[1];
    if (A->ndim < 1 || B->ndim < 1)
        return pai_node_error(c, n, PA_EINVAL, "scalar operands");
    int64_t M = A->ndim >= 2 ? A->shape[A->ndim - 2] : 1, K = A->shape[A->ndim - 1];
    int64_t K2 = B->ndim >= 2 ? B->shape[B->ndim - 2] : B->shape[0];
    int64_t N = B->ndim >= 2 ? B->shape[B->ndim - 1] : 1;
    if (K != K2)
        return pai_node_error(c, n, PA_EINVAL, "inner dimensions differ (%lld vs %lld)",
                              (long long)K, (long long)K2);
    int ba = A->ndim > 2 ? A->ndim - 2 : 0, bb = B->ndim > 2 ? B->ndim - 2 : 0;
    int nb = ba > bb ? ba : bb, nd = 0;
    int64_t shape[PAI_MAXD], bs[PAI_MAXD], sa[PAI_MAXD], sb[PAI_MAXD];
    int64_t stra = M * K, strb = K * N;
    for (int i = nb - 1; i >= 0; i--) { /* batch dims right-aligned, strides in matrices */
        int ia = i - (nb - ba), ib = i - (nb - bb);
        int64_t da = ia >= 0 ? A->shape[ia] : 1, db = ib >= 0 ? B->shape[ib] : 1;
        if (da != db && da != 1 && db != 1)
            return pai_node_error(c, n, PA_EINVAL, "batch dimensions cannot be broadcast");
        bs[i] = da == 1 ? db : da;
        sa[i] = da == 1 ? 0 : stra;
        sb[i] = db == 1 ? 0 : strb;
        stra *= da;
        strb *= db;
    }
    for (int i = 0; i < nb; i++)
        shape[nd++] = bs[i];
    if (A->ndim >= 2)
        shape[nd++] = M;
    if (B->ndim >= 2)
        shape[nd++] = N;
    int rc = pai_out_alloc(c, out, PA_DT_FLOAT32, nd, shape);
    if (rc || out->n == 0)
        return rc;
    float *y = pai_f(out);
    if (K == 0) {
        memset(y, 0, out->n * sizeof *y);
        return 0;
    }
    size_t batches = pai_prod(bs, 0, nb);
    if (bb == 0) { /* weights: fold A's batch into M, one GEMM */
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)(M * (int64_t)batches),
                    (int)N, (int)K, 1.0f, pai_f(A), (int)K, pai_f(B), (int)N, 0.0f, y, (int)N);
        return 0;
    }
    int64_t idx[PAI_MAXD] = {0}, oa = 0, ob = 0;
    for (size_t bi = 0; bi < batches; bi++) {
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)M, (int)N, (int)K, 1.0f,
                    pai_f(A) + oa, (int)K, pai_f(B) + ob, (int)N, 0.0f, y + bi * M * N, (int)N);
        for (int d = nb - 1; d >= 0; d--) {
            oa += sa[d];
            ob += sb[d];
            if (++idx[d] < bs[d])
                break;
            oa -= sa[d] * bs[d];
            ob -= sb[d] * bs[d];
            idx[d] = 0;
        }
    }
    return 0;
}

/* Gemm: Y = alpha * op(A) op(B) + beta * C, C broadcast to [M, N]. */
PAI_OP(gemm)
{
    NEED_INPUTS(2);
    const pai_tensor *A = in[0], *B = in[1], *C = nin > 2 ? in[2] : NULL;
    if (A->ndim != 2 || B->ndim != 2)
        return pai_node_error(c, n, PA_EINVAL, "A and B must be matrices");
    int ta = (int)pai_attr_int(n, "transA", 0), tb = (int)pai_attr_int(n, "transB", 0);
    float alpha = pai_attr_float(n, "alpha", 1.0f), beta = pai_attr_float(n, "beta", 1.0f);
    int64_t M = A->shape[ta ? 1 : 0], K = A->shape[ta ? 0 : 1];
    int64_t K2 = B->shape[tb ? 1 : 0], N = B->shape[tb ? 0 : 1];
    if (K != K2)
        return pai_node_error(c, n, PA_EINVAL, "inner dimensions differ (%lld vs %lld)",
                              (long long)K, (long long)K2);
    int64_t shape[2] = {M, N};
    int rc = pai_out_alloc(c, out, PA_DT_FLOAT32, 2, shape);
    if (rc || out->n == 0)
        return rc;
    float *y = pai_f(out);
    if (C) {
        if (C->dtype != PA_DT_FLOAT32 || C->ndim > 2)
            return pai_node_error(c, n, PA_EINVAL, "C must be a float matrix, vector or scalar");
        int64_t cm = C->ndim == 2 ? C->shape[0] : 1, cn = C->ndim >= 1 ? C->shape[C->ndim - 1] : 1;
        if ((cm != 1 && cm != M) || (cn != 1 && cn != N))
            return pai_node_error(c, n, PA_EINVAL, "C cannot be broadcast to [%lld, %lld]",
                                  (long long)M, (long long)N);
        for (int64_t i = 0; i < M; i++)
            for (int64_t j = 0; j < N; j++)
                y[i * N + j] = beta * pai_f(C)[(cm == 1 ? 0 : i) * cn + (cn == 1 ? 0 : j)];
    } else
        memset(y, 0, out->n * sizeof *y);
    if (K > 0)
        cblas_sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans,
                    (int)M, (int)N, (int)K, alpha, pai_f(A), (int)A->shape[1], pai_f(B),
                    (int)B->shape[1], C ? 1.0f : 0.0f, y, (int)N);
    return 0;
}
