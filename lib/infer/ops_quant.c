/* ops_quant.c — the operators ONNX Runtime's quantiser writes: QuantizeLinear,
 * DequantizeLinear, DynamicQuantizeLinear, MatMulInteger, QLinearMatMul, QLinearConv.
 *
 * Quantised tensors are held as int64 values (the engine's integer type); the range of a
 * quantised type comes from its zero point (uint8 [0, 255] by default, int8 [-128, 127],
 * 16-bit types likewise), as the file declares it (pai_tensor.qtype). Integer products are
 * summed exactly in double (cblas_dgemm: exact below 2^53), the convolution runs on the
 * dequantised values in fp32. DequantizeLinear of constants is folded at load
 * (pai_quant_fold), so QDQ models give their Conv / MatMul float weights that the engine's
 * own precision paths (pa_model_opts.precision) then use. */
#include "infer/infer_int.h"

#include "common/blas.h"
#include <math.h>
#include <string.h>

/* Per-tensor or per-axis scale and zero point of one quantised operand. */
typedef struct {
    const float *s;
    const int64_t *z; /* NULL: zero */
    size_t n;         /* 1 or the length of the axis */
    int64_t lo, hi;   /* range of the quantised type */
    int64_t inner;    /* elements per step of the axis */
} qparams;

/* Range of a quantised type from its zero point's declared type (else the values). */
static void qrange(const pai_tensor *zp, int64_t *lo, int64_t *hi)
{
    int t = zp ? zp->qtype : 2;
    if (!t && zp)
        for (size_t i = 0; i < zp->n && !t; i++)
            t = pai_i(zp)[i] < 0 ? 3 : 0;
    switch (t) {
    case 3: *lo = -128, *hi = 127; return;
    case 4: *lo = 0, *hi = 65535; return;
    case 5: *lo = -32768, *hi = 32767; return;
    case 6: *lo = INT32_MIN, *hi = INT32_MAX; return;
    default: *lo = 0, *hi = 255; return;
    }
}

/* Check scale (float32, 1 value or one per index of `axis` of x) and zero point (integer,
 * as many, in range) and fill q. */
static int qparams_get(pai_ctx *c, const pai_node *n, const pai_tensor *x, const pai_tensor *s,
                       const pai_tensor *z, int64_t axis, const char *what, qparams *q)
{
    if (!s || s->dtype != PA_DT_FLOAT32 || s->ndim > 1 || s->n == 0)
        return pai_node_error(c, n, PA_EINVAL, "%s scale must be a float32 scalar or 1-D", what);
    if (z && (z->dtype != PA_DT_INT64 || z->n != s->n))
        return pai_node_error(c, n, PA_EINVAL, "%s zero point must be an integer tensor of "
                              "%zu value(s)", what, s->n);
    *q = (qparams){pai_f(s), z ? pai_i(z) : NULL, s->n, 0, 0, 1};
    qrange(z, &q->lo, &q->hi);
    if (s->n > 1) {
        int ax;
        if (pai_norm_axis(axis, x->ndim, &ax) || x->shape[ax] != (int64_t)s->n)
            return pai_node_error(c, n, PA_EINVAL, "%s has %zu scales for axis %lld of a "
                                  "rank-%d tensor", what, s->n, (long long)axis, x->ndim);
        q->inner = (int64_t)pai_prod(x->shape, ax + 1, x->ndim);
    }
    for (size_t i = 0; i < q->n; i++) {
        if (!isfinite(q->s[i]))
            return pai_node_error(c, n, PA_EINVAL, "%s scale is not finite", what);
        if (q->z && (q->z[i] < q->lo || q->z[i] > q->hi))
            return pai_node_error(c, n, PA_EINVAL, "%s zero point %lld out of range", what,
                                  (long long)q->z[i]);
    }
    return 0;
}

static size_t qidx(const qparams *q, size_t i) { return q->n > 1 ? (i / (size_t)q->inner) % q->n : 0; }

static int64_t saturate(double v, int64_t lo, int64_t hi)
{
    return v < (double)lo ? lo : v > (double)hi ? hi : (int64_t)v;
}

/* x float -> integers of q's type (round half to even, as ONNX). */
static void quantize(const float *x, size_t cnt, const qparams *q, int64_t *y)
{
    for (size_t i = 0; i < cnt; i++) {
        size_t k = qidx(q, i);
        y[i] = saturate(nearbyint((double)x[i] / q->s[k]) + (double)(q->z ? q->z[k] : 0), q->lo,
                        q->hi);
    }
}

static void dequantize(const int64_t *x, size_t cnt, const qparams *q, float *y)
{
    for (size_t i = 0; i < cnt; i++) {
        size_t k = qidx(q, i);
        y[i] = (float)(x[i] - (q->z ? q->z[k] : 0)) * q->s[k];
    }
}

static int need_scales(pai_ctx *c, const pai_node *n, pai_tensor *const *in, int nin, int nout,
                       int k, int x_dtype)
{
    PAI_NEED_INPUTS(k, false);
    if (in[0]->dtype != x_dtype)
        return pai_node_error(c, n, PA_EINVAL, "input must be %s",
                              x_dtype == PA_DT_FLOAT32 ? "float32" : "an integer tensor");
    return 0;
}

PAI_OP(quantizelinear)
{
    int rc = need_scales(c, n, in, nin, nout, 2, PA_DT_FLOAT32);
    qparams q;
    if (rc || (rc = qparams_get(c, n, in[0], in[1], nin > 2 ? in[2] : NULL,
                                pai_attr_int(n, "axis", 1), "y", &q)))
        return rc;
    for (size_t i = 0; i < q.n; i++)
        if (!(q.s[i] > 0))
            return pai_node_error(c, n, PA_EINVAL, "y scale must be positive");
    if ((rc = pai_out_alloc(c, out, PA_DT_INT64, in[0]->ndim, in[0]->shape)))
        return rc;
    out->qtype = nin > 2 && in[2] ? in[2]->qtype : 2;
    quantize(pai_f(in[0]), in[0]->n, &q, pai_i(out));
    return 0;
}

PAI_OP(dequantizelinear)
{
    int rc = need_scales(c, n, in, nin, nout, 2, PA_DT_INT64);
    qparams q;
    if (rc || (rc = qparams_get(c, n, in[0], in[1], nin > 2 ? in[2] : NULL,
                                pai_attr_int(n, "axis", 1), "x", &q)))
        return rc;
    if ((rc = pai_out_alloc(c, out, PA_DT_FLOAT32, in[0]->ndim, in[0]->shape)))
        return rc;
    dequantize(pai_i(in[0]), in[0]->n, &q, pai_f(out));
    return 0;
}

/* y uint8, y_scale, y_zero_point over [min(x, 0), max(x, 0)]. */
PAI_OP(dynamicquantizelinear)
{
    int rc = need_scales(c, n, in, nin, nout, 1, PA_DT_FLOAT32);
    if (rc)
        return rc;
    if (nout < 3)
        return pai_node_error(c, n, PA_EFORMAT, "needs 3 outputs");
    const float *x = pai_f(in[0]);
    float lo = 0, hi = 0;
    for (size_t i = 0; i < in[0]->n; i++) {
        if (!isfinite(x[i]))
            return pai_node_error(c, n, PA_EINVAL, "input is not finite");
        lo = x[i] < lo ? x[i] : lo;
        hi = x[i] > hi ? x[i] : hi;
    }
    float s = (hi - lo) / 255.0f;
    int64_t zp = s > 0 ? saturate(nearbyint(-(double)lo / s), 0, 255) : 0;
    if ((rc = pai_out_alloc(c, &out[0], PA_DT_INT64, in[0]->ndim, in[0]->shape)) ||
        (rc = pai_out_alloc(c, &out[1], PA_DT_FLOAT32, 0, NULL)) ||
        (rc = pai_out_alloc(c, &out[2], PA_DT_INT64, 0, NULL)))
        return rc;
    qparams q = {&s, &zp, 1, 0, 255, 1};
    float one = 1.0f;
    if (!(s > 0))
        q.s = &one; /* all zeros: every value is the zero point */
    quantize(x, in[0]->n, &q, pai_i(&out[0]));
    pai_f(&out[1])[0] = s;
    pai_i(&out[2])[0] = zp;
    out[0].qtype = out[2].qtype = 2;
    return 0;
}

/* ---- integer matrix products --------------------------------------------------------- */
/* A [..., M, K] x B [K, N] (B 2-D): shapes checked, output shape [..., M, N]. */
static int mm_shape(pai_ctx *c, const pai_node *n, const pai_tensor *A, const pai_tensor *B,
                    int64_t *shape, int64_t *rows, int64_t *M)
{
    if (A->dtype != PA_DT_INT64 || B->dtype != PA_DT_INT64 || A->ndim < 2 || B->ndim != 2 ||
        A->shape[A->ndim - 1] != B->shape[0])
        return pai_node_error(c, n, PA_EUNSUPPORTED, "integer A [..., M, K] times 2-D B [K, N] "
                              "only");
    memcpy(shape, A->shape, (size_t)A->ndim * sizeof *shape);
    shape[A->ndim - 1] = B->shape[1];
    *rows = (int64_t)pai_prod(A->shape, 0, A->ndim - 1);
    *M = A->shape[A->ndim - 2];
    return 0;
}

/* Zero point of A (scalar or one per row of M) / B (scalar or one per column). */
static int zp_vec(pai_ctx *c, const pai_node *n, const pai_tensor *z, int64_t len,
                  const char *what)
{
    if (z && (z->dtype != PA_DT_INT64 || (z->n != 1 && (int64_t)z->n != len)))
        return pai_node_error(c, n, PA_EINVAL, "%s zero point must have 1 or %lld values", what,
                              (long long)len);
    return 0;
}

static double zp_at(const pai_tensor *z, int64_t i)
{
    return z ? (double)pai_i(z)[z->n == 1 ? 0 : i] : 0.0;
}

/* acc [rows, N] = (A - za) (B - zb) in double (exact for 8- and 16-bit operands). */
static int int_matmul(pai_ctx *c, const pai_tensor *A, const pai_tensor *B,
                      const pai_tensor *za, const pai_tensor *zb, int64_t rows, int64_t M,
                      double **acc)
{
    int64_t K = B->shape[0], N = B->shape[1];
    double *a = pai_malloc((size_t)(rows * K + K * N + rows * N + 1) * sizeof *a);
    if (!a)
        return pai_error(PA_ENOMEM, "%s: out of memory", c->m->label);
    double *b = a + rows * K, *y = b + K * N;
    for (int64_t r = 0; r < rows; r++)
        for (int64_t k = 0; k < K; k++)
            a[r * K + k] = (double)pai_i(A)[r * K + k] - zp_at(za, r % M);
    for (int64_t k = 0; k < K; k++)
        for (int64_t j = 0; j < N; j++)
            b[k * N + j] = (double)pai_i(B)[k * N + j] - zp_at(zb, j);
    if (rows && N)
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)rows, (int)N, (int)K, 1.0,
                    a, (int)(K ? K : 1), b, (int)(N ? N : 1), 0.0, y, (int)(N ? N : 1));
    memmove(a, y, (size_t)(rows * N) * sizeof *a);
    *acc = a;
    return 0;
}

PAI_OP(matmulinteger)
{
    PAI_NEED_INPUTS(2, false);
    int64_t shape[PAI_MAXD], rows = 0, M = 1;
    const pai_tensor *za = nin > 2 ? in[2] : NULL, *zb = nin > 3 ? in[3] : NULL;
    int rc = mm_shape(c, n, in[0], in[1], shape, &rows, &M);
    double *acc = NULL;
    if (rc || (rc = zp_vec(c, n, za, M, "A")) || (rc = zp_vec(c, n, zb, in[1]->shape[1], "B")))
        return rc;
    if ((rc = int_matmul(c, in[0], in[1], za, zb, rows, M, &acc)) ||
        (rc = pai_out_alloc(c, out, PA_DT_INT64, in[0]->ndim, shape))) {
        pai_free(acc);
        return rc;
    }
    for (size_t i = 0; i < out->n; i++)
        pai_i(out)[i] = (int64_t)acc[i];
    out->qtype = 6;
    pai_free(acc);
    return 0;
}

/* a, a_scale, a_zp, b, b_scale, b_zp, y_scale, y_zp */
PAI_OP(qlinearmatmul)
{
    PAI_NEED_INPUTS(8, false);
    int64_t shape[PAI_MAXD], rows = 0, M = 1;
    int rc = mm_shape(c, n, in[0], in[3], shape, &rows, &M);
    qparams qa, qb, qy;
    if (rc || (rc = qparams_get(c, n, in[0], in[1], in[2], -2, "a", &qa)) ||
        (rc = qparams_get(c, n, in[3], in[4], in[5], 1, "b", &qb)) ||
        (rc = qparams_get(c, n, in[0], in[6], in[7], 0, "y", &qy)))
        return rc;
    if (qa.n != 1 || qy.n != 1 || !(qy.s[0] > 0))
        return pai_node_error(c, n, PA_EINVAL, "a and y need one scale (y's positive)");
    double *acc = NULL;
    int64_t N = in[3]->shape[1];
    if ((rc = int_matmul(c, in[0], in[3], in[2], in[5], rows, M, &acc)) ||
        (rc = pai_out_alloc(c, out, PA_DT_INT64, in[0]->ndim, shape))) {
        pai_free(acc);
        return rc;
    }
    for (size_t i = 0; i < out->n; i++) {
        double sc = (double)qa.s[0] * qb.s[qb.n > 1 ? i % (size_t)N : 0] / qy.s[0];
        pai_i(out)[i] = saturate(nearbyint(acc[i] * sc) + (double)(qy.z ? qy.z[0] : 0), qy.lo,
                                 qy.hi);
    }
    out->qtype = in[7] ? in[7]->qtype : 2;
    pai_free(acc);
    return 0;
}

/* x, x_scale, x_zp, w, w_scale, w_zp, y_scale, y_zp[, B int32]: the float convolution of
 * the dequantised operands (bias B * x_scale * w_scale), requantised. */
PAI_OP(qlinearconv)
{
    PAI_NEED_INPUTS(8, false);
    qparams qx, qw, qy;
    int rc;
    if ((rc = qparams_get(c, n, in[0], in[1], in[2], 1, "x", &qx)) ||
        (rc = qparams_get(c, n, in[3], in[4], in[5], 0, "w", &qw)) ||
        (rc = qparams_get(c, n, in[0], in[6], in[7], 1, "y", &qy)))
        return rc;
    if (in[0]->dtype != PA_DT_INT64 || in[3]->dtype != PA_DT_INT64 || in[3]->ndim < 3)
        return pai_node_error(c, n, PA_EINVAL, "x and w must be quantised tensors");
    if (qx.n != 1 || qy.n != 1 || !(qy.s[0] > 0))
        return pai_node_error(c, n, PA_EINVAL, "x and y need one scale (y's positive)");
    const pai_tensor *B = nin > 8 ? in[8] : NULL;
    int64_t M = in[3]->shape[0], one = M;
    if (B && (B->dtype != PA_DT_INT64 || (int64_t)B->n != M))
        return pai_node_error(c, n, PA_EINVAL, "bias must be %lld integers", (long long)M);
    pai_tensor f[3] = {{0}}, y = {0};
    pai_tensor *fin[3] = {&f[0], &f[1], B ? &f[2] : NULL};
    if (!(rc = pai_out_alloc(c, &f[0], PA_DT_FLOAT32, in[0]->ndim, in[0]->shape)) &&
        !(rc = pai_out_alloc(c, &f[1], PA_DT_FLOAT32, in[3]->ndim, in[3]->shape)) &&
        !(rc = B ? pai_out_alloc(c, &f[2], PA_DT_FLOAT32, 1, &one) : 0)) {
        dequantize(pai_i(in[0]), in[0]->n, &qx, pai_f(&f[0]));
        dequantize(pai_i(in[3]), in[3]->n, &qw, pai_f(&f[1]));
        for (int64_t m = 0; B && m < M; m++)
            pai_f(&f[2])[m] = (float)pai_i(B)[m] * qx.s[0] * qw.s[qw.n > 1 ? m : 0];
        rc = pai_op_conv(c, n, fin, B ? 3 : 2, &y, 1);
    }
    if (!rc && !(rc = pai_out_alloc(c, out, PA_DT_INT64, y.ndim, y.shape))) {
        quantize(pai_f(&y), y.n, &qy, pai_i(out));
        out->qtype = in[7] ? in[7]->qtype : 2;
    }
    for (int i = 0; i < 3; i++)
        pai_ws_release(c->ws, &f[i]);
    pai_ws_release(c->ws, &y);
    return rc;
}

/* ---- load time ---------------------------------------------------------------------------- */
/* DequantizeLinear nodes whose inputs are all constants become constants (QDQ weights), so
 * the Conv / MatMul after them sees float weights it can pack. */
int pai_quant_fold(pa_model *m)
{
    pa_infer_ws *ws = NULL;
    int rc = pa_infer_ws_new(&ws);
    pai_ctx c = {m, ws};
    size_t kept = 0;
    for (size_t k = 0; k < m->nnodes; k++) {
        pai_node *n = &m->nodes[k];
        int fold = !rc && n->fn == pai_op_dequantizelinear && n->nout == 1 && n->out[0] >= 0 &&
                   !m->vals[n->out[0]].graph_output;
        pai_tensor *ins[3] = {NULL, NULL, NULL};
        for (int j = 0; fold && j < n->nin && j < 3; j++)
            fold = n->in[j] < 0 || (ins[j] = m->vals[n->in[j]].init) != NULL;
        pai_tensor *t = fold ? pai_calloc(1, sizeof *t) : NULL;
        if (fold && (!t || (rc = pai_op_dequantizelinear(&c, n, ins, n->nin, t, 1)))) {
            rc = rc ? rc : pai_error(PA_ENOMEM, "out of memory");
            pai_free(t);
        } else if (fold) {
            m->vals[n->out[0]].init = t;
            pai_node_free(n);
            continue;
        }
        if (kept != k) {
            m->nodes[kept] = *n;
            memset(n, 0, sizeof *n);
        }
        kept++;
    }
    for (size_t k = kept; k < m->nnodes; k++)
        pai_node_free(&m->nodes[k]);
    m->nnodes = kept;
    pa_infer_ws_free(ws);
    return rc;
}
