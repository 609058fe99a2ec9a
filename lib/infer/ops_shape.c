/* ops_shape.c — data movement: Transpose, Reshape, Flatten, Squeeze, Unsqueeze, Concat,
 * Slice, Pad, Gather, Shape, Identity, Cast. Outputs are copies (simple lifetimes; these
 * ops are cheap next to the convolutions). */
#include "infer/infer_int.h"

#include <string.h>

#define NEED_INPUTS(k) PAI_NEED_INPUTS(k, false)

/* Read a 1-D int64 tensor (shape/axes/pads inputs). */
static int ints_of(pai_ctx *c, const pai_node *n, const pai_tensor *t, const int64_t **v,
                   size_t *count)
{
    if (t->dtype != PA_DT_INT64 || t->ndim > 1)
        return pai_node_error(c, n, PA_EINVAL, "expects a 1-D int64 tensor");
    *v = pai_i(t);
    *count = t->n;
    return 0;
}

/* Output with the same data as X and a new shape. */
static int copy_as(pai_ctx *c, pai_tensor *out, const pai_tensor *X, int ndim, const int64_t *shape)
{
    int rc = pai_out_alloc(c, out, X->dtype, ndim, shape);
    if (rc)
        return rc;
    if (out->n != X->n)
        return pai_error(PA_EINVAL, "element count changes in reshape");
    if (X->n)
        memcpy(out->data, X->data, X->n * pai_dtype_size(X->dtype));
    return 0;
}

PAI_OP(identity)
{
    NEED_INPUTS(1);
    return copy_as(c, out, in[0], in[0]->ndim, in[0]->shape);
}

PAI_OP(transpose)
{
    NEED_INPUTS(1);
    const pai_tensor *X = in[0];
    int nd = X->ndim, perm[PAI_MAXD], seen[PAI_MAXD] = {0};
    size_t np;
    const int64_t *p = pai_attr_ints(n, "perm", &np);
    if (p && np != (size_t)nd)
        return pai_node_error(c, n, PA_EINVAL, "perm has %zu entries for rank %d", np, nd);
    for (int d = 0; d < nd; d++) {
        int64_t v = p ? p[d] : nd - 1 - d;
        if (v < 0 || v >= nd || seen[v]++)
            return pai_node_error(c, n, PA_EINVAL, "perm is not a permutation");
        perm[d] = (int)v;
    }
    int64_t shape[PAI_MAXD], istride[PAI_MAXD], s = 1, st[PAI_MAXD];
    for (int d = nd - 1; d >= 0; d--) {
        istride[d] = s;
        s *= X->shape[d];
    }
    for (int d = 0; d < nd; d++) {
        shape[d] = X->shape[perm[d]];
        st[d] = istride[perm[d]];
    }
    int rc = pai_out_alloc(c, out, X->dtype, nd, shape);
    if (rc || out->n == 0)
        return rc;
    size_t es = pai_dtype_size(X->dtype);
    const char *src = X->data;
    char *dst = out->data;
    int64_t idx[PAI_MAXD] = {0};
    size_t off = 0, last = nd ? (size_t)shape[nd - 1] : 1;
    size_t ls = nd ? (size_t)st[nd - 1] : 0;
    for (size_t o = 0; o < out->n; o += last) {
        if (es == 4) {
            const float *sp = (const float *)src + off;
            float *dp = (float *)dst + o;
            for (size_t k = 0; k < last; k++)
                dp[k] = sp[k * ls];
        } else {
            const int64_t *sp = (const int64_t *)src + off;
            int64_t *dp = (int64_t *)dst + o;
            for (size_t k = 0; k < last; k++)
                dp[k] = sp[k * ls];
        }
        for (int d = nd - 2; d >= 0; d--) {
            off += (size_t)st[d];
            if (++idx[d] < shape[d])
                break;
            off -= (size_t)(st[d] * shape[d]);
            idx[d] = 0;
        }
    }
    return 0;
}

PAI_OP(reshape)
{
    NEED_INPUTS(2);
    const pai_tensor *X = in[0];
    const int64_t *sh = NULL;
    size_t ns = 0;
    int rc = ints_of(c, n, in[1], &sh, &ns);
    if (rc)
        return rc;
    if (ns > PAI_MAXD)
        return pai_node_error(c, n, PA_EUNSUPPORTED, "rank %zu", ns);
    int allowzero = (int)pai_attr_int(n, "allowzero", 0), infer = -1;
    int64_t shape[PAI_MAXD];
    size_t known = 1;
    for (size_t d = 0; d < ns; d++) {
        int64_t v = sh[d];
        if (v == 0 && !allowzero) {
            if (d >= (size_t)X->ndim)
                return pai_node_error(c, n, PA_EINVAL, "0 refers to a missing dimension");
            v = X->shape[d];
        }
        if (v == -1) {
            if (infer >= 0)
                return pai_node_error(c, n, PA_EINVAL, "more than one -1 in the shape");
            infer = (int)d;
            v = 1;
        } else if (v < 0)
            return pai_node_error(c, n, PA_EINVAL, "negative dimension %lld", (long long)v);
        shape[d] = v;
        known *= (size_t)v;
    }
    if (infer >= 0) {
        if (known == 0 || X->n % known)
            return pai_node_error(c, n, PA_EINVAL, "cannot infer the -1 dimension");
        shape[infer] = (int64_t)(X->n / known);
        known = X->n;
    }
    if (known != X->n)
        return pai_node_error(c, n, PA_EINVAL, "cannot reshape %zu elements into %zu", X->n, known);
    return copy_as(c, out, X, (int)ns, shape);
}

PAI_OP(flatten)
{
    NEED_INPUTS(1);
    const pai_tensor *X = in[0];
    int64_t ax = pai_attr_int(n, "axis", 1);
    if (ax < 0)
        ax += X->ndim;
    if (ax < 0 || ax > X->ndim)
        return pai_node_error(c, n, PA_EINVAL, "axis out of range");
    int64_t shape[2] = {(int64_t)pai_prod(X->shape, 0, (int)ax),
                        (int64_t)pai_prod(X->shape, (int)ax, X->ndim)};
    return copy_as(c, out, X, 2, shape);
}

/* Axes from the second input (opset >= 13) or the attribute. */
static int axes_of(pai_ctx *c, const pai_node *n, pai_tensor *const *in, int nin,
                   const int64_t **axes, size_t *na)
{
    if (nin > 1 && in[1])
        return ints_of(c, n, in[1], axes, na);
    *axes = pai_attr_ints(n, "axes", na);
    return 0;
}

PAI_OP(squeeze)
{
    NEED_INPUTS(1);
    const pai_tensor *X = in[0];
    const int64_t *axes = NULL;
    size_t na = 0;
    int rc = axes_of(c, n, in, nin, &axes, &na), drop[PAI_MAXD] = {0};
    if (rc)
        return rc;
    for (size_t k = 0; k < na; k++) {
        int ax;
        if (pai_norm_axis(axes[k], X->ndim, &ax) || X->shape[ax] != 1)
            return pai_node_error(c, n, PA_EINVAL, "cannot squeeze axis %lld",
                                  (long long)axes[k]);
        drop[ax] = 1;
    }
    int64_t shape[PAI_MAXD];
    int nd = 0;
    for (int d = 0; d < X->ndim; d++)
        if (!(na ? drop[d] : X->shape[d] == 1))
            shape[nd++] = X->shape[d];
    return copy_as(c, out, X, nd, shape);
}

PAI_OP(unsqueeze)
{
    NEED_INPUTS(1);
    const pai_tensor *X = in[0];
    const int64_t *axes = NULL;
    size_t na = 0;
    int rc = axes_of(c, n, in, nin, &axes, &na), add[PAI_MAXD] = {0};
    if (rc)
        return rc;
    int nd = X->ndim + (int)na;
    if (nd > PAI_MAXD)
        return pai_node_error(c, n, PA_EUNSUPPORTED, "rank %d", nd);
    for (size_t k = 0; k < na; k++) {
        int ax;
        if (pai_norm_axis(axes[k], nd, &ax) || add[ax])
            return pai_node_error(c, n, PA_EINVAL, "bad axis %lld", (long long)axes[k]);
        add[ax] = 1;
    }
    int64_t shape[PAI_MAXD];
    for (int d = 0, s = 0; d < nd; d++)
        shape[d] = add[d] ? 1 : X->shape[s++];
    return copy_as(c, out, X, nd, shape);
}

PAI_OP(concat)
{
    if (nin < 1 || nout < 1 || !in[0])
        return pai_node_error(c, n, PA_EFORMAT, "needs inputs");
    const pai_tensor *X = in[0];
    int ax;
    if (pai_norm_axis(pai_attr_int(n, "axis", 0), X->ndim, &ax) || X->ndim == 0)
        return pai_node_error(c, n, PA_EINVAL, "axis out of range");
    int64_t shape[PAI_MAXD];
    memcpy(shape, X->shape, sizeof shape);
    shape[ax] = 0;
    for (int k = 0; k < nin; k++) {
        const pai_tensor *T = in[k];
        if (!T || T->dtype != X->dtype || T->ndim != X->ndim)
            return pai_node_error(c, n, PA_EINVAL, "input %d does not match input 0", k);
        for (int d = 0; d < X->ndim; d++)
            if (d != ax && T->shape[d] != X->shape[d])
                return pai_node_error(c, n, PA_EINVAL, "input %d shape mismatch", k);
        shape[ax] += T->shape[ax];
    }
    int rc = pai_out_alloc(c, out, X->dtype, X->ndim, shape);
    if (rc || out->n == 0)
        return rc;
    size_t es = pai_dtype_size(X->dtype), outer = pai_prod(shape, 0, ax);
    size_t inner = pai_prod(shape, ax + 1, X->ndim) * es, row = (size_t)shape[ax] * inner;
    size_t at = 0;
    for (int k = 0; k < nin; k++) {
        size_t blk = (size_t)in[k]->shape[ax] * inner;
        for (size_t o = 0; o < outer && blk; o++)
            memcpy((char *)out->data + o * row + at, (const char *)in[k]->data + o * blk, blk);
        at += blk;
    }
    return 0;
}

/* Generic strided gather: out[idx] = X[start + idx * step] per dimension. */
static void strided_copy(const pai_tensor *X, pai_tensor *out, const int64_t *start,
                         const int64_t *step)
{
    int nd = X->ndim;
    int64_t istride[PAI_MAXD], s = 1, idx[PAI_MAXD] = {0};
    for (int d = nd - 1; d >= 0; d--) {
        istride[d] = s;
        s *= X->shape[d];
    }
    int64_t base = 0;
    for (int d = 0; d < nd; d++)
        base += start[d] * istride[d];
    int64_t off = base;
    size_t es = pai_dtype_size(X->dtype);
    for (size_t o = 0; o < out->n; o++) {
        memcpy((char *)out->data + o * es, (const char *)X->data + (size_t)off * es, es);
        for (int d = nd - 1; d >= 0; d--) {
            off += step[d] * istride[d];
            if (++idx[d] < out->shape[d])
                break;
            off -= step[d] * istride[d] * out->shape[d];
            idx[d] = 0;
        }
    }
}

PAI_OP(slice)
{
    NEED_INPUTS(1);
    const pai_tensor *X = in[0];
    const int64_t *st = NULL, *en = NULL, *ax = NULL, *sp = NULL;
    size_t ns = 0, ne = 0, na = 0, nsp = 0;
    int rc = 0;
    if (nin >= 3 && in[1] && in[2]) {
        if ((rc = ints_of(c, n, in[1], &st, &ns)) || (rc = ints_of(c, n, in[2], &en, &ne)))
            return rc;
        if (nin > 3 && in[3] && (rc = ints_of(c, n, in[3], &ax, &na)))
            return rc;
        if (nin > 4 && in[4] && (rc = ints_of(c, n, in[4], &sp, &nsp)))
            return rc;
    } else { /* opset < 10: attributes */
        st = pai_attr_ints(n, "starts", &ns);
        en = pai_attr_ints(n, "ends", &ne);
        ax = pai_attr_ints(n, "axes", &na);
    }
    if (ns != ne || (ax && na != ns) || (sp && nsp != ns))
        return pai_node_error(c, n, PA_EINVAL, "starts/ends/axes/steps lengths differ");
    int64_t start[PAI_MAXD], step[PAI_MAXD], shape[PAI_MAXD];
    int used[PAI_MAXD] = {0};
    for (int d = 0; d < X->ndim; d++) {
        start[d] = 0;
        step[d] = 1;
        shape[d] = X->shape[d];
    }
    for (size_t k = 0; k < ns; k++) {
        int d;
        if (pai_norm_axis(ax ? ax[k] : (int64_t)k, X->ndim, &d) || used[d]++)
            return pai_node_error(c, n, PA_EINVAL, "bad axis");
        int64_t dim = X->shape[d], s = st[k], e = en[k], p = sp ? sp[k] : 1;
        if (p == 0)
            return pai_node_error(c, n, PA_EINVAL, "step 0");
        /* a step beyond the dimension takes one element: clamp it so the counts cannot overflow */
        if (p > dim)
            p = dim + 1;
        else if (p < -dim)
            p = -dim - 1;
        if (s < 0)
            s += dim;
        if (e < 0 && e > INT64_MIN / 2)
            e += dim;
        if (p > 0) {
            s = s < 0 ? 0 : s > dim ? dim : s;
            e = e < 0 ? 0 : e > dim ? dim : e;
            shape[d] = e > s ? (e - s + p - 1) / p : 0;
        } else {
            s = s < 0 ? -1 : s > dim - 1 ? dim - 1 : s;
            e = e < -1 ? -1 : e > dim - 1 ? dim - 1 : e;
            shape[d] = s > e ? (s - e + (-p) - 1) / (-p) : 0;
        }
        start[d] = shape[d] ? s : 0;
        step[d] = p;
    }
    if ((rc = pai_out_alloc(c, out, X->dtype, X->ndim, shape)))
        return rc;
    strided_copy(X, out, start, step);
    return 0;
}

/* Pad: pads input (opset >= 11) or attribute; modes constant, reflect, edge. */
PAI_OP(pad)
{
    NEED_INPUTS(1);
    const pai_tensor *X = in[0];
    const int64_t *pads = NULL;
    size_t np = 0;
    int rc;
    if (nin > 1 && in[1]) {
        if ((rc = ints_of(c, n, in[1], &pads, &np)))
            return rc;
    } else
        pads = pai_attr_ints(n, "pads", &np);
    if (np != (size_t)(2 * X->ndim))
        return pai_node_error(c, n, PA_EINVAL, "pads must have 2*rank entries");
    if (nin > 3 && in[3])
        return pai_node_error(c, n, PA_EUNSUPPORTED, "the axes input");
    double cval = pai_attr_float(n, "value", 0.0f);
    if (nin > 2 && in[2] && in[2]->n == 1)
        cval = in[2]->dtype == PA_DT_FLOAT32 ? pai_f(in[2])[0] : (double)pai_i(in[2])[0];
    const char *mode = pai_attr_str(n, "mode", "constant");
    int m = !strcmp(mode, "constant") ? 0 : !strcmp(mode, "reflect") ? 1
            : !strcmp(mode, "edge") ? 2 : -1;
    if (m < 0)
        return pai_node_error(c, n, PA_EUNSUPPORTED, "mode '%s'", mode);
    int nd = X->ndim;
    int64_t shape[PAI_MAXD], istride[PAI_MAXD], s = 1;
    for (int d = nd - 1; d >= 0; d--) {
        if (pads[d] < -(1LL << 32) || pads[d] > (1LL << 32) || pads[d + nd] < -(1LL << 32) ||
            pads[d + nd] > (1LL << 32)) /* keep the sum below from overflowing */
            return pai_node_error(c, n, PA_ERANGE, "pads out of range for dimension %d", d);
        shape[d] = X->shape[d] + pads[d] + pads[d + nd];
        if (shape[d] < 0 || (m && X->shape[d] == 0 && shape[d]) ||
            (m == 1 && (pads[d] >= X->shape[d] || pads[d + nd] >= X->shape[d])))
            return pai_node_error(c, n, PA_EINVAL, "invalid pads for dimension %d", d);
        istride[d] = s;
        s *= X->shape[d];
    }
    if ((rc = pai_out_alloc(c, out, X->dtype, nd, shape)))
        return rc;
    int64_t idx[PAI_MAXD] = {0};
    int isf = X->dtype == PA_DT_FLOAT32;
    for (size_t o = 0; o < out->n; o++) {
        int64_t off = 0;
        int inside = 1;
        for (int d = 0; d < nd; d++) {
            int64_t i = idx[d] - pads[d], L = X->shape[d];
            if (i < 0 || i >= L) {
                if (m == 0) {
                    inside = 0;
                    break;
                }
                if (m == 2)
                    i = i < 0 ? 0 : L - 1;
                else
                    i = i < 0 ? -i : 2 * (L - 1) - i;
            }
            off += i * istride[d];
        }
        if (isf)
            pai_f(out)[o] = inside ? pai_f(X)[off] : (float)cval;
        else
            pai_i(out)[o] = inside ? pai_i(X)[off] : (int64_t)cval;
        for (int d = nd - 1; d >= 0; d--) {
            if (++idx[d] < shape[d])
                break;
            idx[d] = 0;
        }
    }
    return 0;
}

/* Gather along axis; the embedding case (axis 0 of a 2-D table) copies whole rows. */
PAI_OP(gather)
{
    NEED_INPUTS(2);
    const pai_tensor *X = in[0], *I = in[1];
    if (I->dtype != PA_DT_INT64)
        return pai_node_error(c, n, PA_EINVAL, "indices must be integers");
    int ax;
    if (pai_norm_axis(pai_attr_int(n, "axis", 0), X->ndim, &ax) || X->ndim == 0)
        return pai_node_error(c, n, PA_EINVAL, "axis out of range");
    int nd = X->ndim - 1 + I->ndim;
    if (nd > PAI_MAXD)
        return pai_node_error(c, n, PA_EUNSUPPORTED, "rank %d", nd);
    int64_t shape[PAI_MAXD];
    int k = 0;
    for (int d = 0; d < ax; d++)
        shape[k++] = X->shape[d];
    for (int d = 0; d < I->ndim; d++)
        shape[k++] = I->shape[d];
    for (int d = ax + 1; d < X->ndim; d++)
        shape[k++] = X->shape[d];
    int64_t dim = X->shape[ax];
    for (size_t i = 0; i < I->n; i++)
        if (pai_i(I)[i] < -dim || pai_i(I)[i] >= dim)
            return pai_node_error(c, n, PA_EINVAL, "index %lld out of range [%lld, %lld)",
                                  (long long)pai_i(I)[i], (long long)-dim, (long long)dim);
    int rc = pai_out_alloc(c, out, X->dtype, nd, shape);
    if (rc || out->n == 0)
        return rc;
    size_t es = pai_dtype_size(X->dtype), outer = pai_prod(X->shape, 0, ax);
    size_t inner = pai_prod(X->shape, ax + 1, X->ndim) * es;
    char *dst = out->data;
    for (size_t o = 0; o < outer; o++)
        for (size_t i = 0; i < I->n; i++) {
            int64_t j = pai_i(I)[i];
            j += j < 0 ? dim : 0;
            memcpy(dst, (const char *)X->data + (o * (size_t)dim + (size_t)j) * inner, inner);
            dst += inner;
        }
    return 0;
}

PAI_OP(shape)
{
    NEED_INPUTS(1);
    const pai_tensor *X = in[0];
    int64_t s = pai_attr_int(n, "start", 0), e = pai_attr_int(n, "end", X->ndim);
    s += s < 0 ? X->ndim : 0;
    e += e < 0 ? X->ndim : 0;
    s = s < 0 ? 0 : s > X->ndim ? X->ndim : s;
    e = e < 0 ? 0 : e > X->ndim ? X->ndim : e;
    int64_t len = e > s ? e - s : 0;
    int rc = pai_out_alloc(c, out, PA_DT_INT64, 1, &len);
    if (rc)
        return rc;
    for (int64_t d = 0; d < len; d++)
        pai_i(out)[d] = X->shape[s + d];
    return 0;
}

PAI_OP(cast)
{
    NEED_INPUTS(1);
    const pai_tensor *X = in[0];
    int64_t to = pai_attr_int(n, "to", 0);
    int dt = to == 1 ? PA_DT_FLOAT32 : (to == 7 || to == 6 || to == 9) ? PA_DT_INT64 : 0;
    if (!dt)
        return pai_node_error(c, n, PA_EUNSUPPORTED, "cast to data type %lld", (long long)to);
    int rc = pai_out_alloc(c, out, dt, X->ndim, X->shape);
    if (rc)
        return rc;
    for (size_t i = 0; i < X->n; i++) {
        if (dt == PA_DT_FLOAT32)
            pai_f(out)[i] = X->dtype == PA_DT_FLOAT32 ? pai_f(X)[i] : (float)pai_i(X)[i];
        else {
            int64_t v;
            if (X->dtype == PA_DT_INT64)
                v = pai_i(X)[i];
            else {
                float f = pai_f(X)[i];
                v = f != f ? 0 : to == 9 ? f != 0.0f : f >= 9.2e18f ? INT64_MAX : f <= -9.2e18f ? INT64_MIN : (int64_t)f;
            }
            pai_i(out)[i] = to == 9 ? v != 0 : to == 6 ? (int64_t)(int32_t)v : v;
        }
    }
    return 0;
}

/* ConstantOfShape: a tensor of the given shape filled with the `value` attribute (0.0f). */
PAI_OP(constantofshape)
{
    NEED_INPUTS(1);
    const int64_t *sh = NULL;
    size_t ns = 0;
    int rc = ints_of(c, n, in[0], &sh, &ns);
    if (rc)
        return rc;
    if (ns > PAI_MAXD)
        return pai_node_error(c, n, PA_EUNSUPPORTED, "rank %zu", ns);
    const pai_attr *a = pai_attr_get(n, "value");
    const pai_tensor *v = a && a->type == PAI_AT_TENSOR ? a->t : NULL;
    if (v && v->n != 1)
        return pai_node_error(c, n, PA_EINVAL, "value must have one element");
    int dt = v ? v->dtype : PA_DT_FLOAT32;
    if ((rc = pai_out_alloc(c, out, dt, (int)ns, sh)))
        return rc;
    for (size_t i = 0; i < out->n; i++) {
        if (dt == PA_DT_FLOAT32)
            pai_f(out)[i] = v ? pai_f(v)[0] : 0.0f;
        else
            pai_i(out)[i] = pai_i(v)[0];
    }
    return 0;
}
