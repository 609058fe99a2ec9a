/* result.c — pipeline results: storage, accessors, (de)serialization for the cache.
 *
 * A result owns copies of everything (strings in one pool, maps in two
 * arrays), so it outlives the structure and seqset it was built from and can
 * be rebuilt byte for byte from a cache entry. */
#include "pipeline_int.h"
#include "panalyzer/dssp.h"

#include <string.h>

int pai_result_new(pa_result **out, const char *path, size_t index)
{
    pa_result *r = pai_calloc(1, sizeof *r);
    if (!r)
        return pai_error(PA_ENOMEM, "out of memory");
    if (pa_diags_new(&r->diags) < 0) {
        pai_free(r);
        return PA_ENOMEM;
    }
    r->path = path;
    r->index = index;
    r->format = PA_FORMAT_AUTO;
    /* offset 0 of the pool is the empty string */
    if (pai_buf_putc(&r->pool, '\0') < 0) {
        pai_result_free(r);
        return PA_ENOMEM;
    }
    *out = r;
    return 0;
}

void pai_result_free(pa_result *r)
{
    if (!r)
        return;
    pa_diags_free(r->diags);
    pai_free(r->chains);
    pai_buf_free(&r->pool);
    pai_free(r->maps);
    pai_free(r->residues_idx);
    pai_free(r);
}

static int pool_add(pa_result *r, const char *s, size_t n, size_t *off)
{
    if (!n) {
        *off = 0;
        return 0;
    }
    *off = r->pool.len;
    if (pai_buf_add(&r->pool, s, n) < 0 || pai_buf_putc(&r->pool, '\0') < 0)
        return PA_ENOMEM;
    return 0;
}

static int pool_str(pa_result *r, const char *s, size_t *off)
{
    return pool_add(r, s ? s : "", s ? strlen(s) : 0, off);
}

int pai_result_set_structure(pa_result *r, const pa_structure *s)
{
    pa_residue_columns rc;
    pa_atom_columns ac;
    r->format = pa_structure_format(s);
    r->models = pa_structure_model_count(s);
    r->chains_total = pa_structure_chain_count(s);
    r->residues = pa_structure_residues(s, &rc) == 0 ? rc.n : 0;
    r->atoms = pa_structure_atoms(s, &ac) == 0 ? ac.n : 0;
    return pool_str(r, pa_structure_id(s), &r->id);
}

int pai_result_add_chain(pa_result *r, const pa_chain_seq *c)
{
    if (PAI_GROW(r->chains, r->cap_chains, r->n_chains + 1) < 0 ||
        PAI_GROW(r->maps, r->cap_map, r->n_map + c->n_observed) < 0 ||
        PAI_GROW(r->residues_idx, r->cap_res, r->n_map + c->n_observed) < 0)
        return PA_ENOMEM;
    pai_chain_rec *k = &r->chains[r->n_chains];
    memset(k, 0, sizeof *k);
    k->model = c->model;
    k->chain = c->chain;
    k->ptype = c->polymer_type;
    k->n_obs = c->n_observed;
    k->seqres_len = c->seqres_len;
    k->map = r->n_map;
    if (pool_str(r, c->auth_id, &k->auth) < 0 || pool_str(r, c->label_id, &k->label) < 0 ||
        pool_str(r, c->entity_id, &k->entity) < 0 ||
        pool_add(r, c->observed, c->n_observed, &k->obs) < 0 ||
        pool_add(r, c->seqres, c->seqres_len, &k->seqres) < 0)
        return PA_ENOMEM;
    for (size_t i = 0; i < c->n_observed; i++) {
        r->maps[r->n_map + i] = c->map ? c->map[i] : -1;
        r->residues_idx[r->n_map + i] = c->residue ? c->residue[i] : PA_NONE_INDEX;
    }
    r->n_map += c->n_observed;
    r->n_chains++;
    return 0;
}

int pai_result_add_seqset(pa_result *r, const pa_seqset *q)
{
    for (size_t i = 0; i < pa_seqset_count(q); i++) {
        pa_chain_seq c;
        int rc = pa_seqset_get(q, i, &c);
        if (rc < 0 || (rc = pai_result_add_chain(r, &c)) < 0)
            return rc;
    }
    return 0;
}

int pai_result_set_chain_ss(pa_result *r, size_t i, const char *ss)
{
    if (i >= r->n_chains)
        return pai_error(PA_ERANGE, "chain %zu out of range", i);
    size_t n = r->chains[i].n_obs, off;
    if (!n || strlen(ss) != n)
        return pai_error(PA_EINVAL, "ss3 length differs from the chain's");
    if (pool_add(r, ss, n, &off) < 0)
        return PA_ENOMEM;
    r->chains[i].ss = off;
    return 0;
}

int pai_result_set_chain_ref(pa_result *r, size_t i, const pa_result_ref *ref, double evalue)
{
    if (i >= r->n_chains)
        return pai_error(PA_ERANGE, "chain %zu out of range", i);
    size_t off;
    if (pool_str(r, ref->id, &off) < 0)
        return PA_ENOMEM;
    pai_chain_rec *k = &r->chains[i];
    k->has_ref = 1;
    k->ref_id = off;
    k->ref_index = ref->index;
    k->ref_score = ref->score;
    k->ref_mapped = ref->mapped;
    k->ref_identity = ref->identity;
    k->ref_coverage = ref->coverage;
    k->ref_evalue = evalue;
    return 0;
}

int pai_result_set_chain_dssp(pa_result *r, size_t i, const char *ss8, int has_q3, size_t correct,
                              size_t compared)
{
    if (i >= r->n_chains)
        return pai_error(PA_ERANGE, "chain %zu out of range", i);
    pai_chain_rec *k = &r->chains[i];
    size_t n = k->n_obs;
    if (!n || strlen(ss8) != n || (has_q3 && (correct > compared || compared > n)))
        return pai_error(PA_EINVAL, "dssp string or Q3 counts do not fit the chain");
    char *ss3 = pai_malloc(n + 1);
    if (!ss3)
        return PA_ENOMEM;
    for (size_t j = 0; j < n; j++)
        ss3[j] = pa_dssp_ss3(ss8[j]);
    ss3[n] = '\0';
    size_t o8, o3;
    int rc = pool_add(r, ss8, n, &o8) < 0 || pool_add(r, ss3, n, &o3) < 0 ? PA_ENOMEM : 0;
    pai_free(ss3);
    if (rc)
        return rc;
    k = &r->chains[i];
    k->dssp = o8;
    k->dssp3 = o3;
    k->has_q3 = has_q3;
    k->q3_correct = has_q3 ? correct : 0;
    k->q3_compared = has_q3 ? compared : 0;
    return 0;
}

/* ---- public accessors -------------------------------------------------------------- */

const char *pa_result_path(const pa_result *r) { return r && r->path ? r->path : ""; }
size_t pa_result_index(const pa_result *r) { return r ? r->index : 0; }
int pa_result_status(const pa_result *r) { return r ? r->status : PA_EINVAL; }
const pa_diags *pa_result_diagnostics(const pa_result *r) { return r ? r->diags : NULL; }
int pa_result_cached(const pa_result *r) { return r ? r->cached : 0; }
size_t pa_result_chain_count(const pa_result *r) { return r ? r->n_chains : 0; }

int pa_result_summary_get(const pa_result *r, pa_result_summary *out)
{
    if (!r || !out)
        return pai_error(PA_EINVAL, "pa_result_summary_get: NULL argument");
    out->format = r->format;
    out->id = r->pool.s + r->id;
    out->models = r->models;
    out->chains = r->chains_total;
    out->residues = r->residues;
    out->atoms = r->atoms;
    return 0;
}

const char *pa_result_chain_ss(const pa_result *r, size_t i)
{
    if (!r || i >= r->n_chains || !r->chains[i].ss)
        return NULL;
    return r->pool.s + r->chains[i].ss;
}

const char *pa_result_chain_dssp(const pa_result *r, size_t i)
{
    if (!r || i >= r->n_chains || !r->chains[i].dssp)
        return NULL;
    return r->pool.s + r->chains[i].dssp;
}

const char *pa_result_chain_dssp3(const pa_result *r, size_t i)
{
    if (!r || i >= r->n_chains || !r->chains[i].dssp3)
        return NULL;
    return r->pool.s + r->chains[i].dssp3;
}

int pa_result_chain_q3(const pa_result *r, size_t i, size_t *correct, size_t *compared)
{
    if (!r || !correct || !compared)
        return pai_error(PA_EINVAL, "pa_result_chain_q3: NULL argument");
    if (i >= r->n_chains)
        return pai_error(PA_ERANGE, "pa_result_chain_q3: index %zu out of range", i);
    if (!r->chains[i].has_q3)
        return PA_ENOTFOUND;
    *correct = r->chains[i].q3_correct;
    *compared = r->chains[i].q3_compared;
    return 0;
}

int pa_result_chain_reference(const pa_result *r, size_t i, pa_result_ref *out)
{
    if (!r || !out)
        return pai_error(PA_EINVAL, "pa_result_chain_reference: NULL argument");
    if (i >= r->n_chains)
        return pai_error(PA_ERANGE, "pa_result_chain_reference: index %zu out of range", i);
    const pai_chain_rec *k = &r->chains[i];
    if (!k->has_ref)
        return PA_ENOTFOUND;
    *out = (pa_result_ref){r->pool.s + k->ref_id, k->ref_index, k->ref_score, k->ref_mapped,
                           k->ref_identity, k->ref_coverage};
    return 0;
}

int pa_result_chain_ref_evalue(const pa_result *r, size_t i, double *evalue)
{
    pa_result_ref f;
    if (!evalue)
        return pai_error(PA_EINVAL, "pa_result_chain_ref_evalue: NULL argument");
    int rc = pa_result_chain_reference(r, i, &f);
    if (rc == 0)
        *evalue = r->chains[i].ref_evalue;
    return rc;
}

int pa_result_chain(const pa_result *r, size_t i, pa_chain_seq *out)
{
    if (!r || !out)
        return pai_error(PA_EINVAL, "pa_result_chain: NULL argument");
    if (i >= r->n_chains)
        return pai_error(PA_ERANGE, "pa_result_chain: index %zu out of range (%zu chains)", i,
                         r->n_chains);
    const pai_chain_rec *k = &r->chains[i];
    const char *p = r->pool.s;
    out->model = k->model;
    out->chain = k->chain;
    out->auth_id = p + k->auth;
    out->label_id = p + k->label;
    out->entity_id = p + k->entity;
    out->polymer_type = k->ptype;
    out->n_observed = k->n_obs;
    out->observed = p + k->obs;
    out->seqres_len = k->seqres_len;
    out->seqres = p + k->seqres;
    out->map = r->maps ? r->maps + k->map : NULL;
    out->residue = r->residues_idx ? r->residues_idx + k->map : NULL;
    return 0;
}

/* ---- serialization: little-endian fixed-width integers, length-prefixed strings ---- */

static int put_u64(pai_buf *b, uint64_t v)
{
    unsigned char x[8];
    for (int i = 0; i < 8; i++)
        x[i] = (unsigned char)(v >> (8 * i));
    return pai_buf_add(b, (const char *)x, 8);
}

static int put_str(pai_buf *b, const char *s, size_t n)
{
    int rc = put_u64(b, n);
    return rc ? rc : pai_buf_add(b, s, n);
}

static uint64_t dbl_bits(double d)
{
    uint64_t u;
    memcpy(&u, &d, sizeof u);
    return u;
}

static double bits_dbl(uint64_t u)
{
    double d;
    memcpy(&d, &u, sizeof d);
    return d;
}

int pai_result_serialize(const pa_result *r, pai_buf *b)
{
    int rc = 0;
#define PUT(v) \
    if ((rc = put_u64(b, (uint64_t)(v))) < 0) \
    return rc
    PUT(r->status);
    PUT(r->format);
    PUT(r->models);
    PUT(r->chains_total);
    PUT(r->residues);
    PUT(r->atoms);
    const char *id = r->pool.s + r->id;
    if ((rc = put_str(b, id, strlen(id))) < 0)
        return rc;
    size_t nd = pa_diags_count(r->diags);
    PUT(nd);
    for (size_t i = 0; i < nd; i++) {
        const pa_diag *d = pa_diags_get(r->diags, i);
        int own = r->path && !strcmp(d->file, r->path);
        PUT(d->line);
        PUT(d->column);
        PUT(d->code);
        PUT(d->severity);
        PUT(own);
        if ((rc = put_str(b, own ? "" : d->file, own ? 0 : strlen(d->file))) < 0 ||
            (rc = put_str(b, d->message, strlen(d->message))) < 0)
            return rc;
    }
    PUT(r->n_chains);
    for (size_t i = 0; i < r->n_chains; i++) {
        pa_chain_seq c;
        pa_result_chain(r, i, &c);
        PUT(c.model);
        PUT(c.chain);
        PUT(c.polymer_type);
        if ((rc = put_str(b, c.auth_id, strlen(c.auth_id))) < 0 ||
            (rc = put_str(b, c.label_id, strlen(c.label_id))) < 0 ||
            (rc = put_str(b, c.entity_id, strlen(c.entity_id))) < 0 ||
            (rc = put_str(b, c.observed, c.n_observed)) < 0 ||
            (rc = put_str(b, c.seqres, c.seqres_len)) < 0)
            return rc;
        for (size_t j = 0; j < c.n_observed; j++) {
            PUT((uint32_t)c.map[j]);
            PUT(c.residue[j]);
        }
        const char *ss = pa_result_chain_ss(r, i);
        if ((rc = put_str(b, ss ? ss : "", ss ? c.n_observed : 0)) < 0)
            return rc;
        pa_result_ref f;
        int has = pa_result_chain_reference(r, i, &f) == 0;
        PUT(has);
        if (has) {
            if ((rc = put_str(b, f.id, strlen(f.id))) < 0)
                return rc;
            PUT(f.index);
            PUT(f.score);
            PUT(f.mapped);
            PUT(dbl_bits(f.identity));
            PUT(dbl_bits(f.coverage));
            PUT(dbl_bits(r->chains[i].ref_evalue));
        }
        const char *d8 = pa_result_chain_dssp(r, i);
        if ((rc = put_str(b, d8 ? d8 : "", d8 ? c.n_observed : 0)) < 0)
            return rc;
        PUT(r->chains[i].has_q3);
        PUT(r->chains[i].q3_correct);
        PUT(r->chains[i].q3_compared);
    }
#undef PUT
    return 0;
}

typedef struct {
    const unsigned char *p, *end;
    int bad;
} reader;

static uint64_t get_u64(reader *rd)
{
    if (rd->end - rd->p < 8) {
        rd->bad = 1;
        return 0;
    }
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = (v << 8) | rd->p[i];
    rd->p += 8;
    return v;
}

/* A string view into the buffer; NULL (and bad) when it runs past the end. */
static const char *get_str(reader *rd, size_t *n)
{
    uint64_t len = get_u64(rd);
    if (rd->bad || len > (uint64_t)(rd->end - rd->p)) {
        rd->bad = 1;
        *n = 0;
        return NULL;
    }
    const char *s = (const char *)rd->p;
    rd->p += len;
    *n = (size_t)len;
    return s;
}

/* NUL-terminated copy of a string from the buffer, in scratch (caller frees). */
static char *dup_str(reader *rd)
{
    size_t n;
    const char *s = get_str(rd, &n);
    return s ? pai_strndup(s, n) : NULL;
}

static int deserialize_diags(pa_result *r, reader *rd)
{
    uint64_t nd = get_u64(rd);
    if (rd->bad || nd > (uint64_t)(rd->end - rd->p))
        return PA_ECORRUPT;
    for (uint64_t i = 0; i < nd; i++) {
        pa_diag d;
        d.line = (long)get_u64(rd);
        d.column = (int)get_u64(rd);
        d.code = (int)get_u64(rd);
        d.severity = (pa_severity)get_u64(rd);
        int own = (int)get_u64(rd);
        char *file = dup_str(rd);
        char *msg = dup_str(rd);
        int rc = rd->bad || !file || !msg ? PA_ECORRUPT : 0;
        if (rc == 0) {
            d.file = own && r->path ? r->path : file;
            d.message = msg;
            rc = pa_diags_add(r->diags, &d);
        }
        pai_free(file);
        pai_free(msg);
        if (rc < 0)
            return rc;
    }
    return 0;
}

/* 1 when each of the n bytes of s is one of the letters in set (never NUL). */
static int all_in(const char *s, size_t n, const char *set)
{
    for (size_t i = 0; i < n; i++)
        if (!s[i] || !strchr(set, s[i]))
            return 0;
    return 1;
}

/* The optional reference of the chain just added. */
static int deserialize_ref(pa_result *r, reader *rd)
{
    uint64_t has = get_u64(rd);
    if (rd->bad || has > 1)
        return PA_ECORRUPT;
    if (!has)
        return 0;
    pa_result_ref f;
    char *id = dup_str(rd);
    f.id = id;
    f.index = (size_t)get_u64(rd);
    f.score = (int64_t)get_u64(rd);
    f.mapped = (int64_t)get_u64(rd);
    f.identity = bits_dbl(get_u64(rd));
    f.coverage = bits_dbl(get_u64(rd));
    double e = bits_dbl(get_u64(rd));
    int rc = rd->bad || !id || !(f.identity >= 0 && f.identity <= 1) ||
                     !(f.coverage >= 0 && f.coverage <= 1) || !(e >= 0)
                 ? PA_ECORRUPT
                 : pai_result_set_chain_ref(r, r->n_chains - 1, &f, e);
    pai_free(id);
    return rc;
}

/* The optional DSSP string and Q3 counts of the chain just added. */
static int deserialize_dssp(pa_result *r, reader *rd)
{
    size_t n;
    const char *s = get_str(rd, &n);
    uint64_t has = get_u64(rd), correct = get_u64(rd), compared = get_u64(rd);
    if (rd->bad || (n && n != r->chains[r->n_chains - 1].n_obs) || !all_in(s, n, "HGIEBTSP-") ||
        has > 1 || (!n && (has || correct || compared)))
        return PA_ECORRUPT;
    if (!n)
        return 0;
    char *copy = pai_strndup(s, n);
    int rc = copy ? pai_result_set_chain_dssp(r, r->n_chains - 1, copy, (int)has, (size_t)correct,
                                              (size_t)compared)
                  : PA_ENOMEM;
    pai_free(copy);
    return rc == PA_EINVAL ? PA_ECORRUPT : rc;
}

static int deserialize_chain(pa_result *r, reader *rd)
{
    pa_chain_seq c;
    memset(&c, 0, sizeof c);
    c.model = (int)get_u64(rd);
    c.chain = (uint32_t)get_u64(rd);
    c.polymer_type = (pa_polymer_type)get_u64(rd);
    char *auth = dup_str(rd), *label = dup_str(rd), *entity = dup_str(rd);
    char *obs = dup_str(rd), *seqres = dup_str(rd);
    int rc = rd->bad || !auth || !label || !entity || !obs || !seqres ? PA_ECORRUPT : 0;
    int32_t *map = NULL;
    uint32_t *res = NULL;
    size_t n = obs ? strlen(obs) : 0;
    if (rc == 0 && n * 16 > (size_t)(rd->end - rd->p))
        rc = PA_ECORRUPT;
    if (rc == 0 && n && (!(map = pai_malloc(n * sizeof *map)) || !(res = pai_malloc(n * sizeof *res))))
        rc = PA_ENOMEM;
    for (size_t j = 0; rc == 0 && j < n; j++) {
        map[j] = (int32_t)(uint32_t)get_u64(rd);
        res[j] = (uint32_t)get_u64(rd);
    }
    size_t nss = 0;
    const char *ss = rc == 0 ? get_str(rd, &nss) : NULL;
    if (rc == 0 && (rd->bad || (nss && nss != n) || !all_in(ss, nss, "HEC")))
        rc = PA_ECORRUPT;
    if (rc == 0) {
        c.auth_id = auth;
        c.label_id = label;
        c.entity_id = entity;
        c.observed = obs;
        c.n_observed = n;
        c.seqres = seqres;
        c.seqres_len = strlen(seqres);
        c.map = map;
        c.residue = res;
        rc = pai_result_add_chain(r, &c);
    }
    if (rc == 0 && nss) {
        char *copy = pai_strndup(ss, nss);
        rc = copy ? pai_result_set_chain_ss(r, r->n_chains - 1, copy) : PA_ENOMEM;
        pai_free(copy);
    }
    if (rc == 0)
        rc = deserialize_ref(r, rd);
    if (rc == 0)
        rc = deserialize_dssp(r, rd);
    pai_free(auth);
    pai_free(label);
    pai_free(entity);
    pai_free(obs);
    pai_free(seqres);
    pai_free(map);
    pai_free(res);
    return rc;
}

int pai_result_deserialize(pa_result *r, const void *data, size_t size)
{
    reader rd = {data, (const unsigned char *)data + size, 0};
    r->status = (int)(int64_t)get_u64(&rd);
    r->format = (pa_format)get_u64(&rd);
    r->models = (size_t)get_u64(&rd);
    r->chains_total = (size_t)get_u64(&rd);
    r->residues = (size_t)get_u64(&rd);
    r->atoms = (size_t)get_u64(&rd);
    size_t n;
    const char *id = get_str(&rd, &n);
    if (rd.bad || r->status > 0 || r->format > PA_FORMAT_PDBML)
        return pai_error(PA_ECORRUPT, "cache entry: bad header fields");
    int rc = pool_add(r, id, n, &r->id);
    if (rc == 0)
        rc = deserialize_diags(r, &rd);
    uint64_t nc = rc == 0 ? get_u64(&rd) : 0;
    if (rc == 0 && (rd.bad || nc > size))
        rc = PA_ECORRUPT;
    for (uint64_t i = 0; rc == 0 && i < nc; i++)
        rc = deserialize_chain(r, &rd);
    if (rc == 0 && rd.p != rd.end)
        rc = PA_ECORRUPT;
    if (rc == PA_ECORRUPT)
        return pai_error(PA_ECORRUPT, "cache entry: inconsistent content");
    return rc;
}
