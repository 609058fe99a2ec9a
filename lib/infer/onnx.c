/* onnx.c — decode an ONNX ModelProto into the engine's graph.
 *
 * Only the fields the engine uses are read (see the field numbers next to each parser,
 * from onnx/onnx.proto); everything else is skipped by wire type. Names are resolved
 * after the whole graph is read, because initializers follow the nodes on the wire. */
#include "infer/infer_int.h"

#include <stdio.h>
#include <string.h>

#include "common/blas.h"

/* Load state: temporary node input/output names until they are resolved. */
typedef struct {
    char **in, **out;
    size_t nin, nout, capin, capout;
    char *domain;
} raw_node;

typedef struct {
    char *name;
    int dtype, ndim;
    int64_t shape[PAI_MAXD];
} raw_vi;

typedef struct {
    pa_model *m;
    const char *label;
    raw_node *rn;            /* parallel to the nodes as read */
    size_t nrn, caprn;
    pai_tensor **inits;
    char **init_names;
    size_t ninit, capinit, capinitn;
    raw_vi *gin, *gout;
    size_t ngin, ngout, capgin, capgout;
    int has_graph;
    /* name -> value index (open addressing, power-of-two size) */
    int *hash;
    size_t hcap;
} loader;

#define PBCHK(expr)                                                                   \
    do {                                                                              \
        int rc_ = (expr);                                                             \
        if (rc_)                                                                      \
            return pb_fail(L, rc_, where);                                            \
    } while (0)

static int pb_fail(loader *L, int rc, const char *where)
{
    if (rc == PA_ENOMEM)
        return pai_error(PA_ENOMEM, "%s: out of memory", L->label);
    if (rc == PA_ETRUNCATED)
        return pai_error(PA_ETRUNCATED, "%s: truncated ONNX data in %s", L->label, where);
    if (rc == PA_EUNSUPPORTED || rc == PA_EINVAL || rc == PA_ERANGE)
        return rc; /* message already set */
    return pai_error(PA_EFORMAT, "%s: malformed ONNX data in %s", L->label, where);
}

static int read_string(pai_pb *r, char **out)
{
    pai_pb s;
    int rc = pai_pb_len(r, &s);
    if (rc)
        return rc;
    char *c = pai_strndup((const char *)s.p, (size_t)(s.end - s.p));
    if (!c)
        return PA_ENOMEM;
    if (strlen(c) != (size_t)(s.end - s.p)) { /* embedded NUL: not a valid name */
        pai_free(c);
        return PA_EFORMAT;
    }
    pai_free(*out); /* a repeated singular field: last one wins */
    *out = c;
    return 0;
}

static int add_str(char ***v, size_t *n, size_t *cap, pai_pb *r)
{
    if (PAI_GROW(*v, *cap, *n + 1))
        return PA_ENOMEM;
    (*v)[*n] = NULL;
    int rc = read_string(r, &(*v)[*n]);
    if (rc)
        return rc;
    (*n)++;
    return 0;
}

/* ---- tensors ---------------------------------------------------------------- */

/* Convert count source elements of ONNX type st into the tensor's storage. */
static int fill_from_raw(pai_tensor *t, int st, const uint8_t *p, size_t bytes)
{
    size_t es;
    switch (st) {
    case 1: case 6: es = 4; break;
    case 7: case 11: es = 8; break;
    case 2: case 3: case 9: es = 1; break;
    case 4: case 5: es = 2; break;
    default: return PA_EUNSUPPORTED;
    }
    if (bytes != t->n * es)
        return PA_EFORMAT;
    for (size_t i = 0; i < t->n; i++, p += es) {
        switch (st) {
        case 1: memcpy(pai_f(t) + i, p, 4); break;
        case 11: { double d; memcpy(&d, p, 8); pai_f(t)[i] = (float)d; } break;
        case 7: memcpy(pai_i(t) + i, p, 8); break;
        case 6: { int32_t v; memcpy(&v, p, 4); pai_i(t)[i] = v; } break;
        case 5: { int16_t v; memcpy(&v, p, 2); pai_i(t)[i] = v; } break;
        case 4: { uint16_t v; memcpy(&v, p, 2); pai_i(t)[i] = v; } break;
        case 3: pai_i(t)[i] = (int8_t)*p; break;
        default: pai_i(t)[i] = *p; break;
        }
    }
    return 0;
}

/* TensorProto: 1 dims, 2 data_type, 4 float_data, 5 int32_data, 7 int64_data, 8 name,
 * 9 raw_data, 10 double_data, 14 data_location (1 = external: unsupported). */
static int parse_tensor(loader *L, pai_pb r, pai_tensor **out, char **name)
{
    const char *where = "TensorProto";
    int64_t *dims = NULL, *ints = NULL;
    float *floats = NULL;
    size_t nd = 0, capd = 0, ni = 0, capi = 0, nf = 0, capf = 0;
    const uint8_t *raw = NULL, *dbl = NULL;
    size_t nraw = 0, ndbl = 0;
    int has_raw = 0, external = 0, rc = 0, msg = 0;
    uint64_t st = 0, v;
    pai_tensor *t = NULL;
    while (r.p < r.end && !rc) {
        uint32_t f, wt;
        pai_pb s;
        if ((rc = pai_pb_tag(&r, &f, &wt)))
            break;
        if (f == 1)
            rc = pai_pb_int64s(&r, wt, &dims, &nd, &capd);
        else if (f == 2 && wt == PAI_WT_VARINT)
            rc = pai_pb_varint(&r, &st);
        else if (f == 4)
            rc = pai_pb_floats(&r, wt, &floats, &nf, &capf);
        else if (f == 5 || f == 7)
            rc = pai_pb_int64s(&r, wt, &ints, &ni, &capi);
        else if (f == 8 && wt == PAI_WT_LEN && name)
            rc = read_string(&r, name);
        else if (f == 9 && wt == PAI_WT_LEN) {
            if (!(rc = pai_pb_len(&r, &s)))
                raw = s.p, nraw = (size_t)(s.end - s.p), has_raw = 1;
        } else if (f == 10 && wt == PAI_WT_LEN) {
            if (!(rc = pai_pb_len(&r, &s)))
                dbl = s.p, ndbl = (size_t)(s.end - s.p);
        } else if (f == 14 && wt == PAI_WT_VARINT) {
            if (!(rc = pai_pb_varint(&r, &v)))
                external = v == 1;
        } else
            rc = pai_pb_skip(&r, wt);
    }
    const char *tn = name && *name ? *name : "";
    if (rc)
        goto done;
    if (external || nd > PAI_MAXD) {
        msg = 1;
        rc = pai_error(PA_EUNSUPPORTED, "%s: tensor '%s': %s", L->label, tn,
                       external ? "external data" : "too many dimensions");
        goto done;
    }
    int dt = (st == 1 || st == 11) ? PA_DT_FLOAT32
             : (st == 7 || st == 6 || st == 5 || st == 4 || st == 3 || st == 2 || st == 9)
                 ? PA_DT_INT64
                 : 0;
    if (!dt) {
        msg = 1;
        rc = pai_error(PA_EUNSUPPORTED, "%s: tensor '%s' has unsupported data type %llu",
                       L->label, tn, (unsigned long long)st);
        goto done;
    }
    size_t numel = 1;
    for (size_t i = 0; i < nd; i++) {
        if (dims[i] < 0 || (dims[i] && numel > PAI_MAX_ELEMS / (size_t)dims[i])) {
            msg = 1;
            rc = pai_error(PA_EFORMAT, "%s: tensor '%s': invalid shape", L->label, tn);
            goto done;
        }
        numel *= (size_t)dims[i];
    }
    /* check the payload against the shape before allocating: a corrupted shape cannot
     * make us allocate more than the file holds */
    size_t have = has_raw ? nraw : st == 1 ? nf * 4 : st == 11 ? ndbl : ni * 8;
    size_t per = !has_raw ? (st == 1 ? 4 : 8)
                 : (st == 7 || st == 11) ? 8 : (st == 1 || st == 6) ? 4 : (st == 4 || st == 5) ? 2 : 1;
    if (have != numel * per) {
        msg = 1;
        rc = pai_error(PA_EFORMAT, "%s: tensor '%s': data size does not match its shape",
                       L->label, tn);
        goto done;
    }
    t = pai_calloc(1, sizeof *t);
    if (!t) {
        rc = PA_ENOMEM;
        goto done;
    }
    if ((rc = pai_tensor_alloc(t, dt, (int)nd, dims))) {
        msg = 1;
        goto done;
    }
    t->qtype = dt == PA_DT_INT64 ? (int)st : 0;
    if (has_raw)
        rc = fill_from_raw(t, (int)st, raw, nraw);
    else if (st == 11)
        rc = fill_from_raw(t, 11, dbl, ndbl);
    else if (st == 1 && nf)
        memcpy(t->data, floats, nf * 4);
    else if (st != 1 && ni)
        memcpy(t->data, ints, ni * 8);
done:
    pai_free(dims);
    pai_free(ints);
    pai_free(floats);
    if (rc) {
        pai_tensor_free(t);
        return msg ? rc : pb_fail(L, rc, where);
    }
    *out = t;
    return 0;
}

/* ---- attributes and nodes ------------------------------------------------------- */

/* AttributeProto: 1 name, 2 f, 3 i, 4 s, 5 t, 7 floats, 8 ints, 20 type. */
static int parse_attr(loader *L, pai_pb r, pai_attr *a)
{
    const char *where = "AttributeProto";
    size_t capf = 0, capi = 0, nf = 0, ni = 0;
    uint64_t v;
    int type = 0;
    while (r.p < r.end) {
        uint32_t f, wt, u;
        pai_pb s;
        PBCHK(pai_pb_tag(&r, &f, &wt));
        if (f == 1 && wt == PAI_WT_LEN)
            PBCHK(read_string(&r, &a->name));
        else if (f == 2 && wt == PAI_WT_I32) {
            PBCHK(pai_pb_fixed32(&r, &u));
            memcpy(&a->f, &u, 4);
            type = type ? type : PAI_AT_FLOAT;
        } else if (f == 3 && wt == PAI_WT_VARINT) {
            PBCHK(pai_pb_varint(&r, &v));
            a->i = (int64_t)v;
            type = type ? type : PAI_AT_INT;
        } else if (f == 4 && wt == PAI_WT_LEN) {
            PBCHK(read_string(&r, &a->s));
            type = type ? type : PAI_AT_STRING;
        } else if (f == 5 && wt == PAI_WT_LEN) {
            PBCHK(pai_pb_len(&r, &s));
            pai_tensor_free(a->t);
            a->t = NULL;
            PBCHK(parse_tensor(L, s, &a->t, NULL));
            type = type ? type : PAI_AT_TENSOR;
        } else if (f == 7) {
            PBCHK(pai_pb_floats(&r, wt, &a->floats, &nf, &capf));
            type = type ? type : PAI_AT_FLOATS;
        } else if (f == 8) {
            PBCHK(pai_pb_int64s(&r, wt, &a->ints, &ni, &capi));
            type = type ? type : PAI_AT_INTS;
        } else if (f == 20 && wt == PAI_WT_VARINT) {
            PBCHK(pai_pb_varint(&r, &v));
            type = (int)(v & 0xff);
        } else
            PBCHK(pai_pb_skip(&r, wt));
    }
    a->type = type;
    a->count = type == PAI_AT_FLOATS ? nf : ni;
    if (!a->name)
        return pai_error(PA_EFORMAT, "%s: attribute without a name", L->label);
    return 0;
}

/* NodeProto: 1 input, 2 output, 3 name, 4 op_type, 5 attribute, 7 domain. */
static int parse_node(loader *L, pai_pb r)
{
    const char *where = "NodeProto";
    pa_model *m = L->m;
    if (PAI_GROW(m->nodes, m->capnodes, m->nnodes + 1) ||
        PAI_GROW(L->rn, L->caprn, m->nnodes + 1))
        return pb_fail(L, PA_ENOMEM, where);
    pai_node *n = &m->nodes[m->nnodes];
    raw_node *rn = &L->rn[m->nnodes];
    memset(n, 0, sizeof *n);
    memset(rn, 0, sizeof *rn);
    m->nnodes++;
    L->nrn++;
    size_t capattr = 0;
    while (r.p < r.end) {
        uint32_t f, wt;
        pai_pb s;
        PBCHK(pai_pb_tag(&r, &f, &wt));
        if (f == 1 && wt == PAI_WT_LEN)
            PBCHK(add_str(&rn->in, &rn->nin, &rn->capin, &r));
        else if (f == 2 && wt == PAI_WT_LEN)
            PBCHK(add_str(&rn->out, &rn->nout, &rn->capout, &r));
        else if (f == 3 && wt == PAI_WT_LEN)
            PBCHK(read_string(&r, &n->name));
        else if (f == 4 && wt == PAI_WT_LEN)
            PBCHK(read_string(&r, &n->op));
        else if (f == 7 && wt == PAI_WT_LEN)
            PBCHK(read_string(&r, &rn->domain));
        else if (f == 5 && wt == PAI_WT_LEN) {
            PBCHK(pai_pb_len(&r, &s));
            if (PAI_GROW(n->attrs, capattr, (size_t)n->nattr + 1))
                return pb_fail(L, PA_ENOMEM, where);
            memset(&n->attrs[n->nattr], 0, sizeof n->attrs[0]);
            n->nattr++;
            PBCHK(parse_attr(L, s, &n->attrs[n->nattr - 1]));
        } else
            PBCHK(pai_pb_skip(&r, wt));
    }
    if (!n->op)
        return pai_error(PA_EFORMAT, "%s: node %zu has no op_type", L->label, m->nnodes - 1);
    if (!n->name) {
        char buf[48];
        snprintf(buf, sizeof buf, "#%zu", m->nnodes - 1);
        if (!(n->name = pai_strdup(buf)))
            return pb_fail(L, PA_ENOMEM, where);
    }
    if (rn->nin > 64 || rn->nout > 64)
        return pai_error(PA_EUNSUPPORTED, "%s: node '%s' (%s) has too many inputs/outputs",
                         L->label, n->name, n->op);
    return 0;
}

/* ValueInfoProto: 1 name, 2 type { 1 tensor_type { 1 elem_type, 2 shape { 1 dim {
 * 1 dim_value, 2 dim_param } } } }. */
static int parse_value_info(loader *L, pai_pb r, raw_vi *vi)
{
    const char *where = "ValueInfoProto";
    uint64_t v;
    while (r.p < r.end) {
        uint32_t f, wt;
        pai_pb tp, tt, sh, dm;
        PBCHK(pai_pb_tag(&r, &f, &wt));
        if (f == 1 && wt == PAI_WT_LEN) {
            PBCHK(read_string(&r, &vi->name));
            continue;
        }
        if (f != 2 || wt != PAI_WT_LEN) {
            PBCHK(pai_pb_skip(&r, wt));
            continue;
        }
        PBCHK(pai_pb_len(&r, &tp));
        while (tp.p < tp.end) {
            PBCHK(pai_pb_tag(&tp, &f, &wt));
            if (f != 1 || wt != PAI_WT_LEN) {
                PBCHK(pai_pb_skip(&tp, wt));
                continue;
            }
            PBCHK(pai_pb_len(&tp, &tt));
            while (tt.p < tt.end) {
                PBCHK(pai_pb_tag(&tt, &f, &wt));
                if (f == 1 && wt == PAI_WT_VARINT) {
                    PBCHK(pai_pb_varint(&tt, &v));
                    vi->dtype = v == 1 ? PA_DT_FLOAT32 : v == 7 ? PA_DT_INT64 : -(int)(v & 0xff);
                } else if (f == 2 && wt == PAI_WT_LEN) {
                    PBCHK(pai_pb_len(&tt, &sh));
                    vi->ndim = 0;
                    while (sh.p < sh.end) {
                        PBCHK(pai_pb_tag(&sh, &f, &wt));
                        if (f != 1 || wt != PAI_WT_LEN) {
                            PBCHK(pai_pb_skip(&sh, wt));
                            continue;
                        }
                        PBCHK(pai_pb_len(&sh, &dm));
                        if (vi->ndim >= PAI_MAXD)
                            return pai_error(PA_EUNSUPPORTED, "%s: value of rank > %d",
                                             L->label, PAI_MAXD);
                        int64_t d = -1;
                        while (dm.p < dm.end) {
                            PBCHK(pai_pb_tag(&dm, &f, &wt));
                            if (f == 1 && wt == PAI_WT_VARINT) {
                                PBCHK(pai_pb_varint(&dm, &v));
                                d = (int64_t)v >= 0 ? (int64_t)v : -1;
                            } else
                                PBCHK(pai_pb_skip(&dm, wt));
                        }
                        vi->shape[vi->ndim++] = d;
                    }
                } else
                    PBCHK(pai_pb_skip(&tt, wt));
            }
        }
    }
    if (!vi->name)
        return pai_error(PA_EFORMAT, "%s: graph input/output without a name", L->label);
    return 0;
}

static int add_vi(loader *L, pai_pb *r, raw_vi **v, size_t *n, size_t *cap)
{
    const char *where = "GraphProto";
    pai_pb s;
    PBCHK(pai_pb_len(r, &s));
    if (PAI_GROW(*v, *cap, *n + 1))
        return pb_fail(L, PA_ENOMEM, where);
    raw_vi *vi = &(*v)[(*n)++];
    memset(vi, 0, sizeof *vi);
    return parse_value_info(L, s, vi);
}

/* GraphProto: 1 node, 5 initializer, 11 input, 12 output, 15 sparse_initializer. */
static int parse_graph(loader *L, pai_pb r)
{
    const char *where = "GraphProto";
    L->has_graph = 1;
    while (r.p < r.end) {
        uint32_t f, wt;
        pai_pb s;
        PBCHK(pai_pb_tag(&r, &f, &wt));
        if (f == 1 && wt == PAI_WT_LEN) {
            PBCHK(pai_pb_len(&r, &s));
            PBCHK(parse_node(L, s));
        } else if (f == 5 && wt == PAI_WT_LEN) {
            PBCHK(pai_pb_len(&r, &s));
            if (PAI_GROW(L->inits, L->capinit, L->ninit + 1) ||
                PAI_GROW(L->init_names, L->capinitn, L->ninit + 1))
                return pb_fail(L, PA_ENOMEM, where);
            L->inits[L->ninit] = NULL;
            L->init_names[L->ninit] = NULL;
            L->ninit++;
            PBCHK(parse_tensor(L, s, &L->inits[L->ninit - 1], &L->init_names[L->ninit - 1]));
            if (!L->init_names[L->ninit - 1])
                return pai_error(PA_EFORMAT, "%s: initializer without a name", L->label);
        } else if (f == 11 && wt == PAI_WT_LEN)
            PBCHK(add_vi(L, &r, &L->gin, &L->ngin, &L->capgin));
        else if (f == 12 && wt == PAI_WT_LEN)
            PBCHK(add_vi(L, &r, &L->gout, &L->ngout, &L->capgout));
        else if (f == 15)
            return pai_error(PA_EUNSUPPORTED, "%s: sparse initializers", L->label);
        else
            PBCHK(pai_pb_skip(&r, wt));
    }
    return 0;
}

/* ModelProto: 1 ir_version, 7 graph, 8 opset_import { 1 domain, 2 version }. */
static int parse_model(loader *L, pai_pb r)
{
    const char *where = "ModelProto";
    uint64_t v;
    while (r.p < r.end) {
        uint32_t f, wt;
        pai_pb s;
        PBCHK(pai_pb_tag(&r, &f, &wt));
        if (f == 7 && wt == PAI_WT_LEN) {
            if (L->has_graph)
                return pai_error(PA_EFORMAT, "%s: more than one graph", L->label);
            PBCHK(pai_pb_len(&r, &s));
            PBCHK(parse_graph(L, s));
        } else if (f == 8 && wt == PAI_WT_LEN) {
            PBCHK(pai_pb_len(&r, &s));
            char *domain = NULL;
            int64_t ver = -1;
            int rc = 0;
            while (s.p < s.end && !rc) {
                if ((rc = pai_pb_tag(&s, &f, &wt)))
                    break;
                if (f == 1 && wt == PAI_WT_LEN)
                    rc = read_string(&s, &domain);
                else if (f == 2 && wt == PAI_WT_VARINT) {
                    if (!(rc = pai_pb_varint(&s, &v)))
                        ver = (int64_t)v;
                } else
                    rc = pai_pb_skip(&s, wt);
            }
            if (!rc && (!domain || !*domain || !strcmp(domain, "ai.onnx")))
                L->m->opset = (int)(ver > 0 && ver < 1000 ? ver : 0);
            pai_free(domain);
            PBCHK(rc);
        } else
            PBCHK(pai_pb_skip(&r, wt));
    }
    return 0;
}

/* ---- name resolution -------------------------------------------------------------- */

static uint64_t hash_str(const char *s)
{
    uint64_t h = 1469598103934665603ull;
    for (; *s; s++)
        h = (h ^ (uint8_t)*s) * 1099511628211ull;
    return h;
}

static int lookup(const loader *L, const char *name)
{
    size_t mask = L->hcap - 1;
    for (size_t i = hash_str(name) & mask;; i = (i + 1) & mask) {
        int k = L->hash[i];
        if (k < 0)
            return -1;
        if (!strcmp(L->m->vals[k].name, name))
            return k;
    }
}

/* New value named name (must not exist yet); *idx receives its index. */
static int new_value(loader *L, const char *name, int *idx)
{
    pa_model *m = L->m;
    if (lookup(L, name) >= 0)
        return pai_error(PA_EFORMAT, "%s: value '%s' is defined twice", L->label, name);
    if (PAI_GROW(m->vals, m->capvals, m->nvals + 1))
        return pai_error(PA_ENOMEM, "out of memory");
    pai_value *v = &m->vals[m->nvals];
    memset(v, 0, sizeof *v);
    v->graph_input = -1;
    if (!(v->name = pai_strdup(name)))
        return pai_error(PA_ENOMEM, "out of memory");
    size_t mask = L->hcap - 1, i = hash_str(name) & mask;
    while (L->hash[i] >= 0)
        i = (i + 1) & mask;
    L->hash[i] = (int)m->nvals;
    *idx = (int)m->nvals++;
    return 0;
}

/* Fold a Constant node: its output becomes a constant value. */
static int fold_constant(loader *L, pai_node *n, int *out_val)
{
    pa_model *m = L->m;
    pai_tensor *t = NULL;
    for (int k = 0; k < n->nattr && !t; k++) {
        pai_attr *a = &n->attrs[k];
        int64_t one = 1;
        if (!strcmp(a->name, "value") && a->t) {
            t = a->t;
            a->t = NULL;
        } else if (!strcmp(a->name, "value_float") || !strcmp(a->name, "value_int") ||
                   !strcmp(a->name, "value_floats") || !strcmp(a->name, "value_ints")) {
            int isf = a->name[6] == 'f';
            int list = a->name[strlen(a->name) - 1] == 's';
            int64_t cnt = list ? (int64_t)a->count : 1;
            if (!(t = pai_calloc(1, sizeof *t)))
                return pai_error(PA_ENOMEM, "out of memory");
            if (pai_tensor_alloc(t, isf ? PA_DT_FLOAT32 : PA_DT_INT64, list, list ? &cnt : &one)) {
                pai_free(t);
                return pai_fail(PA_ENOMEM);
            }
            for (int64_t j = 0; j < cnt; j++) {
                if (isf)
                    pai_f(t)[j] = list ? a->floats[j] : a->f;
                else
                    pai_i(t)[j] = list ? a->ints[j] : a->i;
            }
        }
    }
    if (!t)
        return pai_error(PA_EUNSUPPORTED, "%s: node '%s' (Constant): no supported value attribute",
                         L->label, n->name);
    m->vals[*out_val].init = t;
    return 0;
}

void pai_node_free(pai_node *n)
{
    pai_free(n->name);
    pai_free(n->op);
    pai_free(n->in);
    pai_free(n->out);
    pai_free(n->release);
    pai_conv1d_pack_free(n->pack);
    for (int k = 0; k < n->nattr; k++) {
        pai_attr *a = &n->attrs[k];
        pai_free(a->name);
        pai_free(a->s);
        pai_free(a->floats);
        pai_free(a->ints);
        pai_tensor_free(a->t);
    }
    pai_free(n->attrs);
    memset(n, 0, sizeof *n);
}

static int resolve_node(loader *L, size_t i, size_t *kept, int *last_use)
{
    pa_model *m = L->m;
    pai_node *n = &m->nodes[i];
    raw_node *rn = &L->rn[i];
    if (rn->domain && *rn->domain && strcmp(rn->domain, "ai.onnx"))
        return pai_error(PA_EUNSUPPORTED, "%s: node '%s' (%s): unsupported operator domain '%s'",
                         L->label, n->name, n->op, rn->domain);
    int is_const = !strcmp(n->op, "Constant");
    if (!is_const && !(n->fn = pai_op_find(n->op)))
        return pai_error(PA_EUNSUPPORTED, "%s: node '%s' (%s): unsupported operator", L->label,
                         n->name, n->op);
    n->in = pai_malloc((rn->nin + 1) * sizeof *n->in);
    n->out = pai_malloc((rn->nout + 1) * sizeof *n->out);
    if (!n->in || !n->out)
        return pai_error(PA_ENOMEM, "out of memory");
    n->nin = (int)rn->nin;
    n->nout = (int)rn->nout;
    for (size_t k = 0; k < rn->nin; k++) {
        n->in[k] = -1;
        if (!*rn->in[k])
            continue;
        int v = lookup(L, rn->in[k]);
        if (v < 0)
            return pai_error(PA_EFORMAT, "%s: node '%s' (%s): input '%s' is not defined before use",
                             L->label, n->name, n->op, rn->in[k]);
        n->in[k] = v;
        last_use[v] = (int)*kept;
    }
    for (size_t k = 0; k < rn->nout; k++) {
        n->out[k] = -1;
        if (!*rn->out[k])
            continue;
        int rc = new_value(L, rn->out[k], &n->out[k]);
        if (rc)
            return rc;
        last_use[n->out[k]] = (int)*kept;
    }
    if (is_const) {
        if (n->nout != 1 || n->out[0] < 0)
            return pai_error(PA_EFORMAT, "%s: node '%s' (Constant) needs one output", L->label,
                             n->name);
        int rc = fold_constant(L, n, &n->out[0]);
        pai_node_free(n);
        return rc;
    }
    if (*kept != i) {
        m->nodes[*kept] = *n;
        memset(n, 0, sizeof *n);
    }
    (*kept)++;
    return 0;
}

/* Release lists: each intermediate value is freed right after its last use (or right
 * after it is produced when nothing reads it). */
static int build_release(pa_model *m)
{
    int *last_use = pai_malloc((m->nvals + 1) * sizeof *last_use);
    if (!last_use)
        return pai_error(PA_ENOMEM, "out of memory");
    for (size_t v = 0; v < m->nvals; v++)
        last_use[v] = -1;
    for (size_t k = 0; k < m->nnodes; k++) {
        const pai_node *n = &m->nodes[k];
        for (int j = 0; j < n->nin; j++)
            if (n->in[j] >= 0)
                last_use[n->in[j]] = (int)k;
        for (int j = 0; j < n->nout; j++)
            if (n->out[j] >= 0)
                last_use[n->out[j]] = (int)k;
    }
    int rc = 0;
    for (size_t v = 0; v < m->nvals && !rc; v++) {
        pai_value *val = &m->vals[v];
        if (val->init || val->graph_input >= 0 || val->graph_output || last_use[v] < 0)
            continue;
        pai_node *n = &m->nodes[last_use[v]];
        int *r = pai_realloc(n->release, (size_t)(n->nrelease + 1) * sizeof *r);
        if (!r)
            rc = pai_error(PA_ENOMEM, "out of memory");
        else {
            n->release = r;
            r[n->nrelease++] = (int)v;
        }
    }
    pai_free(last_use);
    return rc;
}

static int set_info(pa_tensor_info *info, const pai_value *v, const raw_vi *vi)
{
    memset(info, 0, sizeof *info);
    info->name = v->name;
    info->dtype = vi ? vi->dtype : 0;
    info->ndim = vi ? vi->ndim : -1;
    for (int d = 0; vi && d < vi->ndim; d++)
        info->shape[d] = vi->shape[d];
    return 0;
}

static int resolve(loader *L)
{
    pa_model *m = L->m;
    size_t est = L->ninit + L->ngin + 64;
    for (size_t i = 0; i < m->nnodes; i++)
        est += L->rn[i].nout;
    for (L->hcap = 64; L->hcap < 2 * est; L->hcap *= 2)
        ;
    if (!(L->hash = pai_malloc(L->hcap * sizeof *L->hash)))
        return pai_error(PA_ENOMEM, "out of memory");
    memset(L->hash, 0xff, L->hcap * sizeof *L->hash);
    int rc, idx;
    for (size_t i = 0; i < L->ninit; i++) {
        if ((rc = new_value(L, L->init_names[i], &idx)))
            return rc;
        m->vals[idx].init = L->inits[i];
        L->inits[i] = NULL;
    }
    m->in_info = pai_calloc(L->ngin + 1, sizeof *m->in_info);
    m->inputs = pai_calloc(L->ngin + 1, sizeof *m->inputs);
    m->out_info = pai_calloc(L->ngout + 1, sizeof *m->out_info);
    m->outputs = pai_calloc(L->ngout + 1, sizeof *m->outputs);
    int *last_use = pai_malloc((est + 1) * sizeof *last_use);
    if (!m->in_info || !m->inputs || !m->out_info || !m->outputs || !last_use) {
        pai_free(last_use);
        return pai_error(PA_ENOMEM, "out of memory");
    }
    for (size_t i = 0; i < L->ngin; i++) {
        if (lookup(L, L->gin[i].name) >= 0)
            continue; /* an initializer listed as input (IR < 4): a constant here */
        if (L->gin[i].dtype != PA_DT_FLOAT32 && L->gin[i].dtype != PA_DT_INT64) {
            pai_free(last_use);
            return pai_error(PA_EUNSUPPORTED, "%s: input '%s' has an unsupported data type",
                             L->label, L->gin[i].name);
        }
        if ((rc = new_value(L, L->gin[i].name, &idx))) {
            pai_free(last_use);
            return rc;
        }
        m->vals[idx].graph_input = (int)m->nin;
        m->inputs[m->nin] = idx;
        set_info(&m->in_info[m->nin++], &m->vals[idx], &L->gin[i]);
    }
    for (size_t v = 0; v < est + 1; v++)
        last_use[v] = -1;
    size_t kept = 0;
    for (size_t i = 0; i < m->nnodes; i++)
        if ((rc = resolve_node(L, i, &kept, last_use))) {
            for (size_t j = kept; j < m->nnodes; j++) /* moved or folded ones are zeroed */
                pai_node_free(&m->nodes[j]);
            m->nnodes = kept;
            pai_free(last_use);
            return rc;
        }
    m->nnodes = kept;
    for (size_t i = 0; i < L->ngout; i++) {
        int v = lookup(L, L->gout[i].name);
        if (v < 0) {
            pai_free(last_use);
            return pai_error(PA_EFORMAT, "%s: graph output '%s' is never produced", L->label,
                             L->gout[i].name);
        }
        m->vals[v].graph_output = 1;
        m->outputs[m->nout] = v;
        set_info(&m->out_info[m->nout++], &m->vals[v], &L->gout[i]);
    }
    pai_free(last_use);
    if ((rc = pai_quant_fold(m)))
        return rc;
    if (pai_fuse(m))
        return pai_error(PA_ENOMEM, "out of memory");
    return (rc = pai_conv1d_prepare(m)) ? rc : build_release(m);
}

/* ---- public API --------------------------------------------------------------------- */

void pa_model_free(pa_model *m)
{
    if (!m)
        return;
    for (size_t i = 0; i < m->nnodes; i++)
        pai_node_free(&m->nodes[i]);
    for (size_t i = 0; i < m->nvals; i++) {
        pai_free(m->vals[i].name);
        pai_tensor_free(m->vals[i].init);
    }
    pai_free(m->nodes);
    pai_free(m->vals);
    pai_free(m->inputs);
    pai_free(m->outputs);
    pai_free(m->in_info);
    pai_free(m->out_info);
    pai_free(m->label);
    pai_free(m);
}

static void loader_free(loader *L)
{
    for (size_t i = 0; i < L->nrn; i++) {
        raw_node *rn = &L->rn[i];
        for (size_t k = 0; k < rn->nin; k++)
            pai_free(rn->in[k]);
        for (size_t k = 0; k < rn->nout; k++)
            pai_free(rn->out[k]);
        pai_free(rn->in);
        pai_free(rn->out);
        pai_free(rn->domain);
    }
    pai_free(L->rn);
    for (size_t i = 0; i < L->ninit; i++) {
        pai_tensor_free(L->inits[i]);
        pai_free(L->init_names[i]);
    }
    pai_free(L->inits);
    pai_free(L->init_names);
    for (size_t i = 0; i < L->ngin; i++)
        pai_free(L->gin[i].name);
    for (size_t i = 0; i < L->ngout; i++)
        pai_free(L->gout[i].name);
    pai_free(L->gin);
    pai_free(L->gout);
    pai_free(L->hash);
}

int pai_model_read_opts(const pa_model_opts *opts, const char *dflt_name, pa_model_opts *o)
{
    *o = (pa_model_opts)PA_MODEL_OPTS_INIT;
    o->name = dflt_name;
    if (!opts)
        return 0;
    if (opts->version < 1 || opts->version > PA_MODEL_OPTS_VERSION)
        return pai_error(PA_EINVAL, "pa_model_opts: unknown version %u", opts->version);
    if (opts->name)
        o->name = opts->name;
    if (opts->version >= 2)
        o->max_run_bytes = opts->max_run_bytes;
    if (opts->version >= 3)
        o->precision = opts->precision;
    if (!pa_precision_name(o->precision))
        return pai_error(PA_EINVAL, "pa_model_opts: unknown precision %d", o->precision);
    return 0;
}

int pa_model_load_memory(pa_model **out, const void *data, size_t size, const pa_model_opts *opts)
{
    if (!out || (!data && size))
        return pai_error(PA_EINVAL, "pa_model_load_memory: NULL argument");
    *out = NULL;
    pa_model_opts o;
    if (pai_model_read_opts(opts, "<memory>", &o))
        return PA_EINVAL;
    const char *label = o.name;
    if (size == 0)
        return pai_error(PA_EFORMAT, "%s: empty model", label);
    pa_model *m = pai_calloc(1, sizeof *m);
    if (!m || !(m->label = pai_strdup(label))) {
        pai_free(m);
        return pai_error(PA_ENOMEM, "out of memory");
    }
    m->precision = o.precision;
    loader L = {.m = m, .label = m->label};
    pai_pb r = {(const uint8_t *)data, (const uint8_t *)data + size};
    int rc = parse_model(&L, r);
    if (!rc && !L.has_graph)
        rc = pai_error(PA_EFORMAT, "%s: no graph (not an ONNX model?)", label);
    if (!rc && m->opset == 0)
        rc = pai_error(PA_EFORMAT, "%s: no opset_import for the default domain", label);
    if (!rc && (m->opset < 7 || m->opset > 18))
        rc = pai_error(PA_EUNSUPPORTED, "%s: opset %d (supported: 7-18, tested 13-17)", label,
                       m->opset);
    if (!rc)
        rc = resolve(&L);
    if (!rc && m->nout == 0)
        rc = pai_error(PA_EFORMAT, "%s: the graph has no outputs", label);
    if (!rc)
        rc = pai_blas_load(); /* dlopen OpenBLAS (one thread) at the first model */
    loader_free(&L);
    if (rc) {
        pa_model_free(m);
        return rc;
    }
    m->max_run_bytes = o.max_run_bytes;
    *out = m;
    return 0;
}

int pa_model_load(pa_model **out, const char *path, const pa_model_opts *opts)
{
    if (!out || !path)
        return pai_error(PA_EINVAL, "pa_model_load: NULL argument");
    *out = NULL;
    FILE *f = fopen(path, "rb");
    if (!f)
        return pai_error(PA_EIO, "%s: cannot open", path);
    size_t cap = 1 << 16, n = 0;
    uint8_t *buf = pai_malloc(cap);
    int rc = buf ? 0 : pai_error(PA_ENOMEM, "out of memory");
    while (!rc) {
        if (n == cap) {
            uint8_t *nb = cap > ((size_t)1 << 34) ? NULL : pai_realloc(buf, cap * 2);
            if (!nb) {
                rc = pai_error(PA_ENOMEM, "%s: out of memory reading the model", path);
                break;
            }
            buf = nb;
            cap *= 2;
        }
        size_t k = fread(buf + n, 1, cap - n, f);
        n += k;
        if (k == 0) {
            if (ferror(f))
                rc = pai_error(PA_EIO, "%s: read error", path);
            break;
        }
    }
    fclose(f);
    pa_model_opts o;
    if (!rc && !(rc = pai_model_read_opts(opts, path, &o)))
        rc = pa_model_load_memory(out, buf, n, &o);
    pai_free(buf);
    return rc;
}

size_t pa_model_num_inputs(const pa_model *m) { return m ? m->nin : 0; }
size_t pa_model_num_outputs(const pa_model *m) { return m ? m->nout : 0; }
size_t pa_model_num_nodes(const pa_model *m) { return m ? m->nnodes : 0; }

int pa_model_input_info(const pa_model *m, size_t i, pa_tensor_info *out)
{
    if (!m || !out || i >= m->nin)
        return pai_error(PA_EINVAL, "pa_model_input_info: no input %zu", i);
    *out = m->in_info[i];
    return 0;
}

int pa_model_output_info(const pa_model *m, size_t i, pa_tensor_info *out)
{
    if (!m || !out || i >= m->nout)
        return pai_error(PA_EINVAL, "pa_model_output_info: no output %zu", i);
    *out = m->out_info[i];
    return 0;
}
