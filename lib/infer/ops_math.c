/* ops_math.c — elementwise operators (numpy broadcasting), activations, normalisations,
 * softmax and reductions. */
#include "infer/infer_int.h"

#include <math.h>
#include <string.h>

#define NEED_INPUTS(k) PAI_NEED_INPUTS(k, false)

#define NEED_FLOAT(t)                                                                     \
    do {                                                                                  \
        if ((t)->dtype != PA_DT_FLOAT32)                                                  \
            return pai_node_error(c, n, PA_EUNSUPPORTED, "only float32 tensors supported"); \
    } while (0)

/* ---- binary operators with broadcasting ------------------------------------------ */
enum { B_ADD, B_SUB, B_MUL, B_DIV, B_POW };

/* Collapsed broadcast geometry: out dims od[0..nd), input strides sa/sb in elements. */
typedef struct {
    int nd;
    int64_t od[PAI_MAXD];
    int64_t sa[PAI_MAXD], sb[PAI_MAXD];
} bgeom;

static int broadcast(const pai_tensor *a, const pai_tensor *b, int *ndim, int64_t *shape,
                     bgeom *g)
{
    int nd = a->ndim > b->ndim ? a->ndim : b->ndim;
    int64_t ea[PAI_MAXD], eb[PAI_MAXD]; /* shapes right-aligned to nd */
    for (int i = 0; i < nd; i++) {
        int ia = i - (nd - a->ndim), ib = i - (nd - b->ndim);
        ea[i] = ia >= 0 ? a->shape[ia] : 1;
        eb[i] = ib >= 0 ? b->shape[ib] : 1;
        if (ea[i] != eb[i] && ea[i] != 1 && eb[i] != 1)
            return PA_EINVAL;
        shape[i] = ea[i] == 1 ? eb[i] : ea[i];
    }
    *ndim = nd;
    /* strides, then merge neighbouring dims with the same broadcast pattern */
    int64_t sa = 1, sb = 1, da[PAI_MAXD], db[PAI_MAXD];
    for (int i = nd - 1; i >= 0; i--) {
        da[i] = ea[i] == 1 ? 0 : sa;
        db[i] = eb[i] == 1 ? 0 : sb;
        sa *= ea[i];
        sb *= eb[i];
    }
    g->nd = 0;
    for (int i = 0; i < nd; i++) {
        if (shape[i] == 1)
            continue;
        int k = g->nd - 1;
        if (k >= 0 && (g->sa[k] == 0) == (da[i] == 0) && (g->sb[k] == 0) == (db[i] == 0)) {
            g->od[k] *= shape[i];
            g->sa[k] = da[i];
            g->sb[k] = db[i];
        } else {
            g->od[++k] = shape[i];
            g->sa[k] = da[i];
            g->sb[k] = db[i];
            g->nd++;
        }
    }
    if (g->nd == 0) {
        g->nd = 1;
        g->od[0] = 1;
        g->sa[0] = g->sb[0] = 0;
    }
    return 0;
}

#define FLOAT_LOOP(EXPR)                                                      \
    for (int64_t j = 0; j < len; j++) {                                       \
        float x = a[j * sa], y = b[j * sb];                                   \
        o[j] = (EXPR);                                                        \
    }

static void frow(int op, const float *a, const float *b, float *o, int64_t len, int64_t sa,
                 int64_t sb)
{
    switch (op) {
    case B_ADD: FLOAT_LOOP(x + y); break;
    case B_SUB: FLOAT_LOOP(x - y); break;
    case B_MUL: FLOAT_LOOP(x * y); break;
    case B_DIV: FLOAT_LOOP(x / y); break;
    default: FLOAT_LOOP(powf(x, y)); break;
    }
}

static int irow(int op, const int64_t *a, const int64_t *b, int64_t *o, int64_t len, int64_t sa,
                int64_t sb)
{
    for (int64_t j = 0; j < len; j++) {
        int64_t x = a[j * sa], y = b[j * sb];
        switch (op) {
        case B_ADD: o[j] = (int64_t)((uint64_t)x + (uint64_t)y); break;
        case B_SUB: o[j] = (int64_t)((uint64_t)x - (uint64_t)y); break;
        case B_MUL: o[j] = (int64_t)((uint64_t)x * (uint64_t)y); break;
        case B_DIV:
            if (y == 0 || (y == -1 && x == INT64_MIN))
                return PA_EINVAL;
            o[j] = x / y;
            break;
        default: {
            int64_t r = 1;
            for (int64_t e = 0; e < y && e < 64; e++)
                r = (int64_t)((uint64_t)r * (uint64_t)x);
            o[j] = r;
        }
        }
    }
    return 0;
}

static int binary(pai_ctx *c, const pai_node *n, pai_tensor *const *in, int nin, pai_tensor *out,
                  int nout, int op)
{
    NEED_INPUTS(2);
    const pai_tensor *A = in[0], *B = in[1];
    if (A->dtype != B->dtype)
        return pai_node_error(c, n, PA_EFORMAT, "inputs have different data types");
    if (op == B_POW && A->dtype != PA_DT_FLOAT32)
        return pai_node_error(c, n, PA_EUNSUPPORTED, "only float32 tensors supported");
    int nd;
    int64_t shape[PAI_MAXD];
    bgeom g;
    if (broadcast(A, B, &nd, shape, &g))
        return pai_node_error(c, n, PA_EINVAL, "shapes cannot be broadcast together");
    int rc = pai_out_alloc(c, out, A->dtype, nd, shape);
    if (rc)
        return rc;
    if (out->n == 0)
        return 0;
    /* iterate over all but the last collapsed dim with a counter */
    int64_t idx[PAI_MAXD] = {0}, len = g.od[g.nd - 1];
    size_t rows = out->n / (size_t)len, oa = 0, ob = 0;
    int isf = A->dtype == PA_DT_FLOAT32;
    for (size_t r = 0; r < rows; r++) {
        if (isf)
            frow(op, pai_f(A) + oa, pai_f(B) + ob, pai_f(out) + r * len, len, g.sa[g.nd - 1],
                 g.sb[g.nd - 1]);
        else if (irow(op, pai_i(A) + oa, pai_i(B) + ob, pai_i(out) + r * len, len,
                      g.sa[g.nd - 1], g.sb[g.nd - 1]))
            return pai_node_error(c, n, PA_EINVAL, "integer division by zero");
        for (int d = g.nd - 2; d >= 0; d--) {
            oa += (size_t)g.sa[d];
            ob += (size_t)g.sb[d];
            if (++idx[d] < g.od[d])
                break;
            oa -= (size_t)(g.sa[d] * g.od[d]);
            ob -= (size_t)(g.sb[d] * g.od[d]);
            idx[d] = 0;
        }
    }
    return 0;
}

PAI_OP(add) { return binary(c, n, in, nin, out, nout, B_ADD); }
PAI_OP(sub) { return binary(c, n, in, nin, out, nout, B_SUB); }
PAI_OP(mul) { return binary(c, n, in, nin, out, nout, B_MUL); }
PAI_OP(div) { return binary(c, n, in, nin, out, nout, B_DIV); }
PAI_OP(pow) { return binary(c, n, in, nin, out, nout, B_POW); }

/* ---- unary operators ------------------------------------------------------------------- */
static int unary_prep(pai_ctx *c, const pai_node *n, pai_tensor *const *in, int nin,
                      pai_tensor *out, int nout)
{
    NEED_INPUTS(1);
    NEED_FLOAT(in[0]);
    return pai_out_alloc(c, out, PA_DT_FLOAT32, in[0]->ndim, in[0]->shape);
}

#define UNARY(name, EXPR)                                                 \
    PAI_OP(name)                                                          \
    {                                                                     \
        int rc = unary_prep(c, n, in, nin, out, nout);                    \
        if (rc)                                                           \
            return rc;                                                    \
        const float *x = pai_f(in[0]);                                    \
        float *y = pai_f(out);                                            \
        for (size_t i = 0; i < out->n; i++) {                             \
            float v = x[i];                                               \
            y[i] = (EXPR);                                                \
        }                                                                 \
        return 0;                                                         \
    }

UNARY(relu, v > 0.0f ? v : 0.0f)
UNARY(sigmoid, 1.0f / (1.0f + expf(-v)))
UNARY(tanh, tanhf(v))
/* erf as a rational function on [-4, 4] (max error 4e-7; erf is +-1 in float beyond),
 * the approximation XLA and Eigen use: no libm call, so the loop vectorises. */
static inline float fast_erf(float v)
{
    float x = v < -4.0f ? -4.0f : v > 4.0f ? 4.0f : v, x2 = x * x;
    float p = -2.72614225801306e-10f;
    p = p * x2 + 2.77068142495902e-08f;
    p = p * x2 - 2.10102402082508e-06f;
    p = p * x2 - 5.69250639462346e-05f;
    p = p * x2 - 7.34990630326855e-04f;
    p = p * x2 - 2.95459980854025e-03f;
    p = p * x2 - 1.60960333262415e-02f;
    float q = -1.45660718464996e-05f;
    q = q * x2 - 2.13374055278905e-04f;
    q = q * x2 - 1.68282697438203e-03f;
    q = q * x2 - 7.37332916720468e-03f;
    q = q * x2 - 1.42647390514189e-02f;
    return x * p / q;
}

UNARY(erf, fast_erf(v))
UNARY(sqrt, sqrtf(v))
UNARY(exp, expf(v))
UNARY(abs, fabsf(v))

PAI_OP(neg)
{
    NEED_INPUTS(1);
    int rc = pai_out_alloc(c, out, in[0]->dtype, in[0]->ndim, in[0]->shape);
    if (rc)
        return rc;
    for (size_t i = 0; i < out->n; i++) {
        if (out->dtype == PA_DT_FLOAT32)
            pai_f(out)[i] = -pai_f(in[0])[i];
        else
            pai_i(out)[i] = (int64_t)(0 - (uint64_t)pai_i(in[0])[i]);
    }
    return 0;
}

PAI_OP(leakyrelu)
{
    int rc = unary_prep(c, n, in, nin, out, nout);
    if (rc)
        return rc;
    float alpha = pai_attr_float(n, "alpha", 0.01f);
    const float *x = pai_f(in[0]);
    float *y = pai_f(out);
    for (size_t i = 0; i < out->n; i++)
        y[i] = x[i] >= 0.0f ? x[i] : alpha * x[i];
    return 0;
}

float pai_gelu(float v) { return 0.5f * v * (1.0f + fast_erf(v * 0.70710678118f)); }

PAI_OP(gelu)
{
    int rc = unary_prep(c, n, in, nin, out, nout);
    if (rc)
        return rc;
    int approx = !strcmp(pai_attr_str(n, "approximate", "none"), "tanh");
    const float *x = pai_f(in[0]);
    float *y = pai_f(out);
    for (size_t i = 0; i < out->n; i++) {
        float v = x[i];
        y[i] = approx ? 0.5f * v * (1.0f + tanhf(0.7978845608f * (v + 0.044715f * v * v * v)))
                      : 0.5f * v * (1.0f + fast_erf(v * 0.70710678118f));
    }
    return 0;
}

/* Clip: min/max are optional scalar inputs since opset 11, attributes before. */
static int scalar_of(const pai_tensor *t, float *v)
{
    if (!t)
        return 0;
    if (t->n != 1)
        return PA_EINVAL;
    *v = t->dtype == PA_DT_FLOAT32 ? pai_f(t)[0] : (float)pai_i(t)[0];
    return 0;
}

PAI_OP(clip)
{
    int rc = unary_prep(c, n, in, nin, out, nout);
    if (rc)
        return rc;
    float lo = pai_attr_float(n, "min", -INFINITY), hi = pai_attr_float(n, "max", INFINITY);
    if ((nin > 1 && scalar_of(in[1], &lo)) || (nin > 2 && scalar_of(in[2], &hi)))
        return pai_node_error(c, n, PA_EINVAL, "min and max must be scalars");
    const float *x = pai_f(in[0]);
    float *y = pai_f(out);
    for (size_t i = 0; i < out->n; i++) {
        float v = x[i] < lo ? lo : x[i];
        y[i] = v > hi ? hi : v;
    }
    return 0;
}

/* ---- softmax ----------------------------------------------------------------------------- */
static int softmax_common(pai_ctx *c, const pai_node *n, pai_tensor *const *in, int nin,
                          pai_tensor *out, int nout, int logsm)
{
    int rc = unary_prep(c, n, in, nin, out, nout);
    if (rc)
        return rc;
    const pai_tensor *X = in[0];
    int old = c->m->opset < 13, ax;
    if (pai_norm_axis(pai_attr_int(n, "axis", old ? 1 : -1), X->ndim, &ax))
        return pai_node_error(c, n, PA_EINVAL, "axis out of range");
    size_t outer = pai_prod(X->shape, 0, ax);
    size_t len = old ? pai_prod(X->shape, ax, X->ndim) : (X->ndim ? (size_t)X->shape[ax] : 1);
    size_t inner = old ? 1 : pai_prod(X->shape, ax + 1, X->ndim);
    for (size_t o = 0; o < outer; o++)
        for (size_t i = 0; i < inner; i++) {
            const float *x = pai_f(X) + o * len * inner + i;
            float *y = pai_f(out) + o * len * inner + i;
            float mx = -INFINITY, s = 0.0f;
            for (size_t k = 0; k < len; k++)
                mx = x[k * inner] > mx ? x[k * inner] : mx;
            for (size_t k = 0; k < len; k++) {
                float e = expf(x[k * inner] - mx);
                y[k * inner] = e;
                s += e;
            }
            float ls = logf(s), inv = 1.0f / s;
            for (size_t k = 0; k < len; k++)
                y[k * inner] = logsm ? x[k * inner] - mx - ls : y[k * inner] * inv;
        }
    return 0;
}

PAI_OP(softmax) { return softmax_common(c, n, in, nin, out, nout, 0); }
PAI_OP(logsoftmax) { return softmax_common(c, n, in, nin, out, nout, 1); }

/* ---- normalisations ------------------------------------------------------------------------ */
PAI_OP(batchnorm)
{
    NEED_INPUTS(5);
    const pai_tensor *X = in[0];
    NEED_FLOAT(X);
    if (X->ndim < 2)
        return pai_node_error(c, n, PA_EINVAL, "input must have rank >= 2");
    if (pai_attr_int(n, "training_mode", 0))
        return pai_node_error(c, n, PA_EUNSUPPORTED, "training_mode");
    size_t C = (size_t)X->shape[1], inner = pai_prod(X->shape, 2, X->ndim);
    for (int k = 1; k < 5; k++) {
        NEED_FLOAT(in[k]);
        if (in[k]->n != C)
            return pai_node_error(c, n, PA_EINVAL, "parameter %d must have %zu values", k, C);
    }
    int rc = pai_out_alloc(c, out, PA_DT_FLOAT32, X->ndim, X->shape);
    if (rc)
        return rc;
    float eps = pai_attr_float(n, "epsilon", 1e-5f);
    size_t N = (size_t)X->shape[0];
    for (size_t b = 0; b < N; b++)
        for (size_t ch = 0; ch < C; ch++) {
            float a = pai_f(in[1])[ch] / sqrtf(pai_f(in[4])[ch] + eps);
            float s = pai_f(in[2])[ch] - pai_f(in[3])[ch] * a;
            const float *x = pai_f(X) + (b * C + ch) * inner;
            float *y = pai_f(out) + (b * C + ch) * inner;
            for (size_t i = 0; i < inner; i++)
                y[i] = x[i] * a + s;
        }
    return 0;
}

PAI_OP(layernorm)
{
    NEED_INPUTS(2);
    const pai_tensor *X = in[0];
    NEED_FLOAT(X);
    NEED_FLOAT(in[1]);
    int ax;
    if (pai_norm_axis(pai_attr_int(n, "axis", -1), X->ndim, &ax))
        return pai_node_error(c, n, PA_EINVAL, "axis out of range");
    size_t outer = pai_prod(X->shape, 0, ax), len = pai_prod(X->shape, ax, X->ndim);
    const pai_tensor *B = nin > 2 ? in[2] : NULL;
    if (in[1]->n != len || (B && (B->dtype != PA_DT_FLOAT32 || B->n != len)))
        return pai_node_error(c, n, PA_EUNSUPPORTED, "scale/bias must match the normalised shape");
    if (nout > 1)
        return pai_node_error(c, n, PA_EUNSUPPORTED, "mean/inv_std_dev outputs");
    int rc = pai_out_alloc(c, out, PA_DT_FLOAT32, X->ndim, X->shape);
    if (rc)
        return rc;
    float eps = pai_attr_float(n, "epsilon", 1e-5f);
    for (size_t o = 0; o < outer; o++) {
        const float *x = pai_f(X) + o * len;
        float *y = pai_f(out) + o * len;
        double mean = 0, var = 0;
        for (size_t i = 0; i < len; i++)
            mean += x[i];
        mean /= (double)(len ? len : 1);
        for (size_t i = 0; i < len; i++)
            var += (x[i] - mean) * (x[i] - mean);
        var /= (double)(len ? len : 1);
        float inv = (float)(1.0 / sqrt(var + eps));
        for (size_t i = 0; i < len; i++)
            y[i] = (float)(x[i] - mean) * inv * pai_f(in[1])[i] + (B ? pai_f(B)[i] : 0.0f);
    }
    return 0;
}

/* ReduceMean: axes attribute (opset < 18) or second input (opset 18). */
PAI_OP(reducemean)
{
    NEED_INPUTS(1);
    const pai_tensor *X = in[0];
    NEED_FLOAT(X);
    size_t na = 0;
    const int64_t *axes = pai_attr_ints(n, "axes", &na);
    if (nin > 1 && in[1]) {
        if (in[1]->dtype != PA_DT_INT64)
            return pai_node_error(c, n, PA_EINVAL, "axes must be int64");
        axes = pai_i(in[1]);
        na = in[1]->n;
    }
    int keep = (int)pai_attr_int(n, "keepdims", 1);
    int red[PAI_MAXD] = {0};
    if (na == 0 && pai_attr_int(n, "noop_with_empty_axes", 0))
        return pai_op_identity(c, n, in, 1, out, nout);
    for (int d = 0; d < X->ndim; d++)
        red[d] = na == 0;
    for (size_t k = 0; k < na; k++) {
        int ax;
        if (pai_norm_axis(axes[k], X->ndim, &ax))
            return pai_node_error(c, n, PA_EINVAL, "axis out of range");
        red[ax] = 1;
    }
    int64_t shape[PAI_MAXD], ostride[PAI_MAXD];
    int nd = 0;
    for (int d = 0; d < X->ndim; d++)
        if (!red[d] || keep)
            shape[nd++] = red[d] ? 1 : X->shape[d];
    int rc = pai_out_alloc(c, out, PA_DT_FLOAT32, nd, shape);
    if (rc)
        return rc;
    /* output stride of each input dim (0 for reduced ones) */
    int64_t s = 1;
    for (int d = X->ndim - 1; d >= 0; d--) {
        ostride[d] = red[d] ? 0 : s;
        s *= red[d] ? 1 : X->shape[d];
    }
    memset(out->data, 0, out->n * sizeof(float));
    int64_t idx[PAI_MAXD] = {0};
    size_t o = 0;
    for (size_t i = 0; i < X->n; i++) {
        pai_f(out)[o] += pai_f(X)[i];
        for (int d = X->ndim - 1; d >= 0; d--) {
            o += (size_t)ostride[d];
            if (++idx[d] < X->shape[d])
                break;
            o -= (size_t)(ostride[d] * X->shape[d]);
            idx[d] = 0;
        }
    }
    float scale = out->n ? (float)out->n / (float)(X->n ? X->n : 1) : 0.0f;
    for (size_t i = 0; i < out->n; i++)
        pai_f(out)[i] *= scale;
    return 0;
}

PAI_OP(globalavgpool)
{
    NEED_INPUTS(1);
    const pai_tensor *X = in[0];
    NEED_FLOAT(X);
    if (X->ndim < 3)
        return pai_node_error(c, n, PA_EINVAL, "input must have rank >= 3");
    int64_t shape[PAI_MAXD];
    for (int d = 0; d < X->ndim; d++)
        shape[d] = d < 2 ? X->shape[d] : 1;
    int rc = pai_out_alloc(c, out, PA_DT_FLOAT32, X->ndim, shape);
    if (rc)
        return rc;
    size_t inner = pai_prod(X->shape, 2, X->ndim);
    for (size_t i = 0; i < out->n; i++) {
        const float *x = pai_f(X) + i * inner;
        float s = 0.0f;
        for (size_t k = 0; k < inner; k++)
            s += x[k];
        pai_f(out)[i] = inner ? s / (float)inner : 0.0f;
    }
    return 0;
}
