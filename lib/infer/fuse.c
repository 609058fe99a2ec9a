/* fuse.c — load-time graph rewrites that save whole passes over the activations:
 *   Div(x, sqrt 2) -> Erf -> Add(1) -> Mul(x) -> Mul(0.5)   (PyTorch's exact GELU export)
 *       becomes one Gelu node;
 *   Conv whose only reader is Relu or Gelu computes the activation in its epilogue;
 *   then Conv -> Add(r) [-> Mul(k)] or Conv -> Mul(k) (a residual block, a padding mask)
 *       also become the Conv's epilogue, r and k joining its inputs as 3 and 4.
 * Only values read by exactly one node are fused away, so results are unchanged. */
#include "infer/infer_int.h"

#include <math.h>
#include <string.h>

typedef struct {
    pa_model *m;
    int *uses;   /* readers per value (graph outputs count as readers) */
    char *dead;  /* per node */
} fuser;

static int const_is(const pa_model *m, int v, float want)
{
    const pai_tensor *t = v >= 0 ? m->vals[v].init : NULL;
    return t && t->n == 1 && t->dtype == PA_DT_FLOAT32 && fabsf(pai_f(t)[0] - want) < 1e-4f;
}

/* The single live node reading value v, or -1. */
static int reader(const fuser *f, int v)
{
    if (v < 0 || f->uses[v] != 1)
        return -1;
    for (size_t k = 0; k < f->m->nnodes; k++) {
        const pai_node *n = &f->m->nodes[k];
        for (int j = 0; !f->dead[k] && j < n->nin; j++)
            if (n->in[j] == v)
                return (int)k;
    }
    return -1;
}

/* The other input of a binary node n (one input is v), or -2. */
static int other(const pai_node *n, int v)
{
    if (n->nin != 2 || n->nout != 1)
        return -2;
    return n->in[0] == v ? n->in[1] : n->in[1] == v ? n->in[0] : -2;
}

static int is_op(const pai_node *n, const char *op) { return !strcmp(n->op, op); }

static int fuse_gelu(fuser *f, size_t k)
{
    pa_model *m = f->m;
    pai_node *d = &m->nodes[k];
    if (!is_op(d, "Div") || d->nin != 2 || d->nout != 1 || !const_is(m, d->in[1], 1.41421356f))
        return 0;
    int x = d->in[0], e1 = reader(f, d->out[0]);
    if (e1 < 0 || !is_op(&m->nodes[e1], "Erf"))
        return 0;
    int a1 = reader(f, m->nodes[e1].out[0]);
    if (a1 < 0 || !is_op(&m->nodes[a1], "Add") ||
        !const_is(m, other(&m->nodes[a1], m->nodes[e1].out[0]), 1.0f))
        return 0;
    int m1 = reader(f, m->nodes[a1].out[0]);
    if (m1 < 0 || !is_op(&m->nodes[m1], "Mul") || other(&m->nodes[m1], m->nodes[a1].out[0]) != x)
        return 0;
    int m2 = reader(f, m->nodes[m1].out[0]);
    if (m2 < 0 || !is_op(&m->nodes[m2], "Mul") ||
        !const_is(m, other(&m->nodes[m2], m->nodes[m1].out[0]), 0.5f))
        return 0;
    /* the Div node becomes Gelu(x) -> the last Mul's output */
    char *op = pai_strdup("Gelu");
    if (!op)
        return PA_ENOMEM;
    pai_free(d->op);
    d->op = op;
    d->fn = pai_op_gelu;
    d->nin = 1;
    f->uses[d->in[1]]--;
    d->out[0] = m->nodes[m2].out[0];
    f->dead[e1] = f->dead[a1] = f->dead[m1] = f->dead[m2] = 1;
    f->uses[x]--; /* the Mul no longer reads x */
    return 0;
}

static void fuse_conv_act(fuser *f, size_t k)
{
    pa_model *m = f->m;
    pai_node *c = &m->nodes[k];
    if (!is_op(c, "Conv") || c->nout != 1 || c->act)
        return;
    int r = reader(f, c->out[0]);
    if (r < 0)
        return;
    pai_node *a = &m->nodes[r];
    int act = is_op(a, "Relu") ? PAI_ACT_RELU
              : is_op(a, "Gelu") && !strcmp(pai_attr_str(a, "approximate", "none"), "none")
                  ? PAI_ACT_GELU
                  : 0;
    if (!act || a->nin != 1 || a->nout != 1)
        return;
    c->act = act;
    c->out[0] = a->out[0];
    f->dead[r] = 1;
}

/* v is available before node k runs: a constant, a graph input or an earlier output. */
static int ready_before(const fuser *f, int v, size_t k)
{
    const pa_model *m = f->m;
    if (v < 0)
        return 0;
    if (m->vals[v].init || m->vals[v].graph_input >= 0)
        return 1;
    for (size_t i = 0; i < k; i++)
        for (int j = 0; !f->dead[i] && j < m->nodes[i].nout; j++)
            if (m->nodes[i].out[j] == v)
                return 1;
    return 0;
}

/* The operand of node r (an `op` reading v) that node k could read instead, or -1. */
static int tail_operand(const fuser *f, int r, const char *op, int v, size_t k)
{
    if (r < 0 || !is_op(&f->m->nodes[r], op))
        return -1;
    int o = other(&f->m->nodes[r], v);
    return o >= 0 && o != v && ready_before(f, o, k) ? o : -1;
}

static int fuse_conv_tail(fuser *f, size_t k)
{
    pa_model *m = f->m;
    pai_node *c = &m->nodes[k];
    if (!is_op(c, "Conv") || c->nout != 1 || c->nin > 3 || c->tail)
        return 0;
    int v = c->out[0], ra = reader(f, v), res = tail_operand(f, ra, "Add", v, k), rm = -1;
    if (res >= 0)
        v = m->nodes[ra].out[0];
    rm = reader(f, v);
    int mul = tail_operand(f, rm, "Mul", v, k);
    if (mul >= 0)
        v = m->nodes[rm].out[0];
    if (res < 0 && mul < 0)
        return 0;
    int *in = pai_realloc(c->in, 5 * sizeof *in);
    if (!in)
        return PA_ENOMEM;
    for (int j = c->nin; j < 3; j++)
        in[j] = -1;
    in[3] = res;
    in[4] = mul;
    c->in = in;
    c->nin = 5;
    c->tail = 1;
    c->out[0] = v;
    if (res >= 0)
        f->dead[ra] = 1;
    if (mul >= 0)
        f->dead[rm] = 1;
    return 0;
}

int pai_fuse(pa_model *m)
{
    fuser f = {m, pai_calloc(m->nvals + 1, sizeof(int)), pai_calloc(m->nnodes + 1, 1)};
    int rc = f.uses && f.dead ? 0 : PA_ENOMEM;
    for (size_t k = 0; !rc && k < m->nnodes; k++)
        for (int j = 0; j < m->nodes[k].nin; j++)
            if (m->nodes[k].in[j] >= 0)
                f.uses[m->nodes[k].in[j]]++;
    for (size_t i = 0; !rc && i < m->nout; i++)
        f.uses[m->outputs[i]] += 2;
    for (size_t k = 0; !rc && k < m->nnodes; k++)
        if (!f.dead[k])
            rc = fuse_gelu(&f, k);
    for (size_t k = 0; !rc && k < m->nnodes; k++)
        if (!f.dead[k])
            fuse_conv_act(&f, k);
    for (size_t k = 0; !rc && k < m->nnodes; k++)
        if (!f.dead[k])
            rc = fuse_conv_tail(&f, k);
    size_t kept = 0;
    for (size_t k = 0; !rc && k < m->nnodes; k++) {
        if (f.dead[k]) {
            pai_node_free(&m->nodes[k]);
            continue;
        }
        if (kept != k) {
            m->nodes[kept] = m->nodes[k];
            memset(&m->nodes[k], 0, sizeof m->nodes[k]);
        }
        kept++;
    }
    if (!rc)
        m->nnodes = kept;
    pai_free(f.uses);
    pai_free(f.dead);
    return rc;
}
