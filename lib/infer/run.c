/* run.c — executing a loaded graph: value slots, operator dispatch, workspaces. */
#include "infer/infer_int.h"

#include <stdio.h>
#include <string.h>

/* ---- operator table ------------------------------------------------------------- */
static const struct {
    const char *name;
    pai_op_fn fn;
} op_table[] = {
    {"Add", pai_op_add}, {"Sub", pai_op_sub}, {"Mul", pai_op_mul}, {"Div", pai_op_div},
    {"Pow", pai_op_pow}, {"Relu", pai_op_relu}, {"Clip", pai_op_clip},
    {"LeakyRelu", pai_op_leakyrelu}, {"Sigmoid", pai_op_sigmoid}, {"Tanh", pai_op_tanh},
    {"Erf", pai_op_erf}, {"Gelu", pai_op_gelu}, {"Sqrt", pai_op_sqrt}, {"Exp", pai_op_exp},
    {"Neg", pai_op_neg}, {"Abs", pai_op_abs}, {"ConstantOfShape", pai_op_constantofshape}, {"Softmax", pai_op_softmax}, {"LogSoftmax", pai_op_logsoftmax},
    {"BatchNormalization", pai_op_batchnorm}, {"LayerNormalization", pai_op_layernorm},
    {"ReduceMean", pai_op_reducemean}, {"GlobalAveragePool", pai_op_globalavgpool},
    {"Transpose", pai_op_transpose}, {"Reshape", pai_op_reshape}, {"Flatten", pai_op_flatten},
    {"Squeeze", pai_op_squeeze}, {"Unsqueeze", pai_op_unsqueeze}, {"Concat", pai_op_concat},
    {"Slice", pai_op_slice}, {"Pad", pai_op_pad}, {"Gather", pai_op_gather},
    {"Shape", pai_op_shape}, {"Identity", pai_op_identity}, {"Dropout", pai_op_identity},
    {"Cast", pai_op_cast}, {"Conv", pai_op_conv}, {"MatMul", pai_op_matmul},
    {"Gemm", pai_op_gemm}, {"QuantizeLinear", pai_op_quantizelinear},
    {"DequantizeLinear", pai_op_dequantizelinear},
    {"DynamicQuantizeLinear", pai_op_dynamicquantizelinear},
    {"MatMulInteger", pai_op_matmulinteger}, {"QLinearMatMul", pai_op_qlinearmatmul},
    {"QLinearConv", pai_op_qlinearconv},
};

pai_op_fn pai_op_find(const char *op_type)
{
    for (size_t i = 0; i < sizeof op_table / sizeof op_table[0]; i++)
        if (!strcmp(op_table[i].name, op_type))
            return op_table[i].fn;
    return NULL;
}

int pai_node_error(const pai_ctx *c, const pai_node *n, int code, const char *fmt, ...)
{
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return pai_error(code, "%s: node '%s' (%s): %s", c->m->label, n->name, n->op, msg);
}

int pai_need_inputs(const pai_ctx *c, const pai_node *n, pai_tensor *const *in, int nin,
                    int nout, int k, bool float_only)
{
    if (nin < k || nout < 1)
        return pai_node_error(c, n, PA_EFORMAT, "needs %d input(s) and an output", k);
    for (int i = 0; i < k; i++) {
        if (!in[i])
            return pai_node_error(c, n, PA_EFORMAT, "input %d is missing", i);
        if (float_only && in[i]->dtype != PA_DT_FLOAT32)
            return pai_node_error(c, n, PA_EUNSUPPORTED, "only float32 tensors");
    }
    return 0;
}

/* ---- workspaces --------------------------------------------------------------------- */
int pa_infer_ws_new(pa_infer_ws **out)
{
    if (!out)
        return pai_error(PA_EINVAL, "pa_infer_ws_new: NULL argument");
    *out = pai_calloc(1, sizeof **out);
    return *out ? 0 : pai_error(PA_ENOMEM, "out of memory");
}

void pa_infer_ws_free(pa_infer_ws *ws)
{
    if (ws) {
        for (size_t i = 0; i < ws->npool; i++)
            pai_free(ws->pool[i].p);
        pai_free(ws->pool);
        pai_free(ws->scratch);
        pai_free(ws);
    }
}

/* Would `bytes` more (tensors or scratch) exceed the run's budget? Sets the error. */
static int over_budget(const pa_infer_ws *ws, size_t bytes)
{
    if (!ws->limit || (ws->live <= ws->limit && bytes <= ws->limit - ws->live))
        return 0;
    return pai_error(PA_ENOMEM, "%s: the run needs more than its memory budget of %zu bytes "
                     "(pa_model_opts.max_run_bytes)", ws->label ? ws->label : "model",
                     ws->limit);
}

static int out_alloc(pai_ctx *c, pai_tensor *t, int dtype, int ndim, const int64_t *shape)
{
    pa_infer_ws *ws = c->ws;
    size_t n = 1, es = pai_dtype_size(dtype);
    for (int i = 0; i < ndim && ndim <= PAI_MAXD; i++) {
        if (shape[i] < 0 || (shape[i] && n > PAI_MAX_ELEMS / (size_t)shape[i]))
            return pai_tensor_alloc(t, dtype, ndim, shape); /* reports the error */
        n *= (size_t)shape[i];
    }
    size_t need = n * es, best = SIZE_MAX;
    if (over_budget(ws, need))
        return PA_ENOMEM;
    for (size_t i = 0; es && ndim <= PAI_MAXD && i < ws->npool; i++) {
        size_t b = ws->pool[i].bytes; /* smallest fit, not more than 2x too big */
        if (b >= need && b <= 2 * need + 4096 && (best == SIZE_MAX || b < ws->pool[best].bytes))
            best = i;
    }
    if (best == SIZE_MAX)
        return pai_tensor_alloc(t, dtype, ndim, shape);
    t->dtype = dtype;
    t->ndim = ndim;
    for (int i = 0; i < ndim; i++)
        t->shape[i] = shape[i];
    t->data = ws->pool[best].p;
    t->cap = ws->pool[best].bytes;
    t->n = n;
    t->own = 1;
    ws->pool[best] = ws->pool[--ws->npool];
    return 0;
}

int pai_out_alloc(pai_ctx *c, pai_tensor *t, int dtype, int ndim, const int64_t *shape)
{
    int rc = out_alloc(c, t, dtype, ndim, shape);
    if (!rc && c->ws->limit)
        c->ws->live += t->cap;
    return rc;
}

void pai_ws_release(pa_infer_ws *ws, pai_tensor *t)
{
    if (ws->limit && t->own && t->data)
        ws->live -= t->cap < ws->live ? t->cap : ws->live;
    if (t->own && t->data && PAI_GROW(ws->pool, ws->cappool, ws->npool + 1) == 0) {
        ws->pool[ws->npool++] = (pai_pooled){t->data, t->cap};
        t->data = NULL;
        t->own = 0;
    }
    pai_tensor_release(t);
}

float *pai_ws_scratch(pa_infer_ws *ws, size_t n)
{
    if (n > ws->scratch_cap) {
        size_t more = (n - ws->scratch_cap) * sizeof(float);
        if (n > SIZE_MAX / sizeof(float) || over_budget(ws, more))
            return NULL;
        float *p = pai_malloc(n * sizeof *p);
        if (!p)
            return NULL;
        pai_free(ws->scratch);
        ws->scratch = p;
        ws->scratch_cap = n;
        ws->live += more;
    }
    return ws->scratch;
}

/* ---- running ------------------------------------------------------------------------ */
static int bind_input(const pa_model *m, size_t i, const pa_tensor *in, pai_tensor *slot)
{
    const pa_tensor_info *info = &m->in_info[i];
    if (in->dtype != info->dtype)
        return pai_error(PA_EINVAL, "%s: input '%s' must be %s", m->label, info->name,
                         info->dtype == PA_DT_INT64 ? "int64" : "float32");
    if (in->ndim < 0 || in->ndim > PAI_MAXD || (info->ndim >= 0 && in->ndim != info->ndim))
        return pai_error(PA_EINVAL, "%s: input '%s' must have rank %d, got %d", m->label,
                         info->name, info->ndim, in->ndim);
    size_t n = 1;
    for (int d = 0; d < in->ndim; d++) {
        if (in->shape[d] < 0 || (info->ndim >= 0 && info->shape[d] >= 0 &&
                                 info->shape[d] != in->shape[d]))
            return pai_error(PA_EINVAL, "%s: input '%s' dimension %d is %lld, expected %lld",
                             m->label, info->name, d, (long long)in->shape[d],
                             (long long)info->shape[d]);
        n *= (size_t)in->shape[d];
        slot->shape[d] = in->shape[d];
    }
    if (!in->data && n)
        return pai_error(PA_EINVAL, "%s: input '%s' has no data", m->label, info->name);
    slot->dtype = in->dtype;
    slot->ndim = in->ndim;
    slot->data = in->data;
    slot->n = n;
    slot->own = 0;
    return 0;
}

/* Hand a graph output to the caller, copying when the slot does not own its data. */
static int take_output(pai_tensor *slot, pa_tensor *out)
{
    memset(out, 0, sizeof *out);
    void *data = slot->data;
    if (!slot->own) {
        size_t bytes = slot->n * pai_dtype_size(slot->dtype);
        if (!(data = pai_malloc(bytes ? bytes : 1)))
            return pai_error(PA_ENOMEM, "out of memory");
        if (bytes)
            memcpy(data, slot->data, bytes);
    }
    slot->own = 0;
    out->dtype = slot->dtype;
    out->ndim = slot->ndim;
    memcpy(out->shape, slot->shape, sizeof out->shape);
    out->data = data;
    return 0;
}

static int run_nodes(pai_ctx *c, pai_tensor *slots)
{
    const pa_model *m = c->m;
    pai_tensor *ins[65];
    for (size_t k = 0; k < m->nnodes; k++) {
        const pai_node *n = &m->nodes[k];
        for (int j = 0; j < n->nin; j++)
            ins[j] = n->in[j] >= 0 ? &slots[n->in[j]] : NULL;
        /* outputs are written into a local array, then moved to their slots */
        pai_tensor outs[64];
        memset(outs, 0, (size_t)n->nout * sizeof outs[0]);
        int rc = n->fn(c, n, ins, n->nin, outs, n->nout);
        for (int j = 0; j < n->nout; j++) {
            if (n->out[j] >= 0 && !rc)
                slots[n->out[j]] = outs[j];
            else
                pai_ws_release(c->ws, &outs[j]);
        }
        if (rc)
            return rc;
        for (int j = 0; j < n->nrelease; j++)
            pai_ws_release(c->ws, &slots[n->release[j]]);
    }
    return 0;
}

int pa_model_run(const pa_model *m, pa_infer_ws *ws, const pa_tensor *inputs, size_t ninputs,
                 pa_tensor *outputs, size_t noutputs)
{
    if (!m || (!inputs && ninputs) || (!outputs && noutputs))
        return pai_error(PA_EINVAL, "pa_model_run: NULL argument");
    if (ninputs != m->nin)
        return pai_error(PA_EINVAL, "%s: the model takes %zu inputs, got %zu", m->label, m->nin,
                         ninputs);
    if (noutputs > m->nout)
        return pai_error(PA_EINVAL, "%s: the model has %zu outputs, asked for %zu", m->label,
                         m->nout, noutputs);
    if (noutputs)
        memset(outputs, 0, noutputs * sizeof *outputs); /* empty on failure */
    pa_infer_ws *tmp = NULL;
    if (!ws && pa_infer_ws_new(&tmp))
        return pai_fail(PA_ENOMEM);
    pai_ctx c = {m, ws ? ws : tmp};
    c.ws->live = c.ws->scratch_cap * sizeof(float); /* kept from earlier runs */
    c.ws->limit = m->max_run_bytes;
    c.ws->label = m->label;
    pai_tensor *slots = pai_calloc(m->nvals + 1, sizeof *slots);
    int rc = slots ? 0 : pai_error(PA_ENOMEM, "out of memory");
    for (size_t v = 0; !rc && v < m->nvals; v++)
        if (m->vals[v].init) {
            slots[v] = *m->vals[v].init;
            slots[v].own = 0;
        }
    for (size_t i = 0; !rc && i < m->nin; i++)
        rc = bind_input(m, i, &inputs[i], &slots[m->inputs[i]]);
    if (!rc)
        rc = run_nodes(&c, slots);
    size_t done = 0;
    for (; !rc && done < noutputs; done++) {
        pai_tensor *s = &slots[m->outputs[done]];
        if (!s->data)
            rc = pai_error(PA_EFORMAT, "%s: output '%s' was not computed", m->label,
                           m->vals[m->outputs[done]].name);
        else
            rc = take_output(s, &outputs[done]);
    }
    if (rc)
        for (size_t i = 0; i < done; i++)
            pa_tensor_clear(&outputs[i]);
    for (size_t v = 0; slots && v < m->nvals; v++)
        pai_ws_release(c.ws, &slots[v]);
    pai_free(slots);
    pa_infer_ws_free(tmp);
    return rc;
}

int pa_model_warmup(const pa_model *m, int64_t batch, int64_t length, int runs)
{
    if (!m || batch < 1 || length < 1 || runs < 0)
        return pai_error(PA_EINVAL, "pa_model_warmup: invalid argument");
    pa_tensor in[16];
    if (m->nin > 16)
        return pai_error(PA_EUNSUPPORTED, "pa_model_warmup: more than 16 inputs");
    int rc = 0;
    size_t i;
    for (i = 0; i < m->nin && !rc; i++) {
        const pa_tensor_info *info = &m->in_info[i];
        memset(&in[i], 0, sizeof in[i]);
        in[i].dtype = info->dtype;
        in[i].ndim = info->ndim < 0 ? 0 : info->ndim;
        for (int d = 0; d < in[i].ndim; d++)
            in[i].shape[d] = info->shape[d] >= 0 ? info->shape[d] : d == 0 ? batch : length;
        size_t bytes = pa_tensor_numel(&in[i]) * pai_dtype_size(info->dtype);
        in[i].data = pai_calloc(1, bytes ? bytes : 1);
        if (!in[i].data)
            rc = pai_error(PA_ENOMEM, "out of memory");
    }
    pa_infer_ws *ws = NULL;
    if (!rc)
        rc = pa_infer_ws_new(&ws);
    for (int r = 0; r < runs && !rc; r++) {
        pa_tensor out[1];
        rc = pa_model_run(m, ws, in, m->nin, out, 1);
        if (!rc)
            pa_tensor_clear(&out[0]);
    }
    pa_infer_ws_free(ws);
    while (i--)
        pai_free(in[i].data);
    return rc;
}
