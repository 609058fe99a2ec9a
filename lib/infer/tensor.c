/* tensor.c — tensor and attribute helpers shared by the loader (onnx.c), the executor
 * (run.c), load-time rewrites (fuse.c, conv1d.c, quant.c) and the operators: allocation,
 * release, element counts, shape arithmetic and attribute lookups. */
#include "infer/infer_int.h"

#include <string.h>

/* ---- tensors ------------------------------------------------------------------------ */
size_t pai_dtype_size(int dtype)
{
    return dtype == PA_DT_FLOAT32 ? 4 : dtype == PA_DT_INT64 ? 8 : 0;
}

int pai_tensor_alloc(pai_tensor *t, int dtype, int ndim, const int64_t *shape)
{
    size_t n = 1;
    if (ndim < 0 || ndim > PAI_MAXD)
        return pai_error(PA_EUNSUPPORTED, "tensor of rank %d (at most %d)", ndim, PAI_MAXD);
    for (int i = 0; i < ndim; i++) {
        if (shape[i] < 0 || (shape[i] && n > PAI_MAX_ELEMS / (size_t)shape[i]))
            return pai_error(PA_ERANGE, "tensor dimension %lld out of range",
                             (long long)shape[i]);
        n *= (size_t)shape[i];
    }
    size_t es = pai_dtype_size(dtype);
    if (!es)
        return pai_error(PA_EUNSUPPORTED, "tensor data type %d", dtype);
    void *p = pai_malloc(n ? n * es : 1);
    if (!p)
        return pai_error(PA_ENOMEM, "out of memory for a tensor of %zu elements", n);
    t->dtype = dtype;
    t->ndim = ndim;
    for (int i = 0; i < ndim; i++)
        t->shape[i] = shape[i];
    t->data = p;
    t->n = n;
    t->cap = n ? n * es : 1;
    t->own = 1;
    return 0;
}

void pai_tensor_release(pai_tensor *t)
{
    if (t && t->own)
        pai_free(t->data);
    if (t) {
        t->data = NULL;
        t->own = 0;
    }
}

void pai_tensor_free(pai_tensor *t)
{
    if (t) {
        pai_tensor_release(t);
        pai_free(t);
    }
}

size_t pa_tensor_numel(const pa_tensor *t)
{
    if (!t)
        return 0;
    size_t n = 1;
    for (int i = 0; i < t->ndim && i < PA_TENSOR_MAX_DIMS; i++)
        n *= t->shape[i] > 0 ? (size_t)t->shape[i] : 0;
    return n;
}

void pa_tensor_clear(pa_tensor *t)
{
    if (t) {
        pai_free(t->data);
        memset(t, 0, sizeof *t);
    }
}

/* ---- shapes ------------------------------------------------------------------------- */
int pai_norm_axis(int64_t axis, int ndim, int *out)
{
    if (axis < 0)
        axis += ndim;
    if (axis < 0 || axis >= (ndim ? ndim : 1))
        return PA_EINVAL;
    *out = (int)axis;
    return 0;
}

size_t pai_prod(const int64_t *shape, int from, int to)
{
    size_t p = 1;
    for (int i = from; i < to; i++)
        p *= (size_t)shape[i];
    return p;
}

/* ---- attributes ------------------------------------------------------------------- */
const pai_attr *pai_attr_get(const pai_node *n, const char *name)
{
    for (int i = 0; i < n->nattr; i++)
        if (!strcmp(n->attrs[i].name, name))
            return &n->attrs[i];
    return NULL;
}

int64_t pai_attr_int(const pai_node *n, const char *name, int64_t def)
{
    const pai_attr *a = pai_attr_get(n, name);
    return a && a->type == PAI_AT_INT ? a->i : def;
}

float pai_attr_float(const pai_node *n, const char *name, float def)
{
    const pai_attr *a = pai_attr_get(n, name);
    return a && a->type == PAI_AT_FLOAT ? a->f : def;
}

const char *pai_attr_str(const pai_node *n, const char *name, const char *def)
{
    const pai_attr *a = pai_attr_get(n, name);
    return a && a->type == PAI_AT_STRING && a->s ? a->s : def;
}

const int64_t *pai_attr_ints(const pai_node *n, const char *name, size_t *count)
{
    const pai_attr *a = pai_attr_get(n, name);
    if (!a || a->type != PAI_AT_INTS) {
        *count = 0;
        return NULL;
    }
    *count = a->count;
    return a->ints;
}
