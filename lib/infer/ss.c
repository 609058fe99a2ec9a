/* ss.c — secondary-structure prediction over many sequences, and the built-in model. */
#include "infer/infer_int.h"
#include "panalyzer/executor.h"

#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the built-in model (one per process, created on first use) -------------------- */
static pthread_once_t default_once = PTHREAD_ONCE_INIT;
static pa_model *default_model;
static int default_rc;
static char default_msg[256];

const void *pa_model_default_data(size_t *size)
{
    if (size)
        *size = pai_default_model_size;
    return pai_default_model;
}

int pa_model_load_default_opts(pa_model **out, const pa_model_opts *opts)
{
    pa_model_opts o;
    int rc = pai_model_read_opts(opts, "ss3 (built-in)", &o);
    return rc ? rc : pa_model_load_memory(out, pai_default_model, pai_default_model_size, &o);
}

int pa_model_load_default(pa_model **out) { return pa_model_load_default_opts(out, NULL); }

static void load_shared_default(void)
{
    default_rc = pa_model_load_default(&default_model);
    if (default_rc) {
        strncpy(default_msg, pa_last_error(), sizeof default_msg - 1);
    }
}

/* ---- results ----------------------------------------------------------------------- */
/* One head's letters and optional probabilities (w per residue). */
typedef struct {
    char **str;
    float **prob;
    char *chars;
    float *probs;
} ss_head;

typedef struct {
    pa_ss_result pub; /* first: the public view */
    size_t *len;
    ss_head h3, h8;
} ss_res;

static void head_free(ss_head *h)
{
    pai_free(h->str);
    pai_free(h->prob);
    pai_free(h->chars);
    pai_free(h->probs);
}

void pa_ss_result_free(pa_ss_result *r)
{
    ss_res *s = (ss_res *)r;
    if (!s)
        return;
    pai_free(s->len);
    head_free(&s->h3);
    head_free(&s->h8);
    pai_free(s);
}

static int head_new(ss_head *h, const size_t *len, size_t n, size_t total, int probs, int w)
{
    h->str = pai_calloc(n + 1, sizeof *h->str);
    h->prob = probs ? pai_calloc(n + 1, sizeof *h->prob) : NULL;
    h->chars = pai_malloc(total + n + 1);
    h->probs = probs ? pai_malloc((size_t)w * total * sizeof(float) + 1) : NULL;
    if (!h->str || !h->chars || (probs && (!h->prob || !h->probs)))
        return pai_error(PA_ENOMEM, "out of memory for %zu residues", total);
    size_t at = 0;
    for (size_t i = 0; i < n; i++) {
        h->str[i] = h->chars + at + i;
        h->str[i][len[i]] = '\0';
        if (probs)
            h->prob[i] = h->probs + (size_t)w * at;
        at += len[i];
    }
    return 0;
}

static int res_new(const char *const *seqs, size_t n, const pa_ss_opts *o, ss_res **out)
{
    ss_res *s = pai_calloc(1, sizeof *s);
    if (!s)
        return pai_error(PA_ENOMEM, "out of memory");
    size_t total = 0;
    s->len = pai_calloc(n + 1, sizeof *s->len);
    for (size_t i = 0; s->len && i < n; i++)
        total += s->len[i] = strlen(seqs[i]);
    int rc = s->len ? head_new(&s->h3, s->len, n, total, o->probs, 3)
                    : pai_error(PA_ENOMEM, "out of memory");
    if (!rc && o->ss8)
        rc = head_new(&s->h8, s->len, n, total, o->probs, 8);
    if (rc) {
        pa_ss_result_free(&s->pub);
        return rc;
    }
    s->pub.n = n;
    s->pub.len = s->len;
    s->pub.ss3 = (const char *const *)s->h3.str;
    s->pub.prob = (const float *const *)s->h3.prob;
    s->pub.ss8 = (const char *const *)s->h8.str;
    s->pub.prob8 = (const float *const *)s->h8.prob;
    *out = s;
    return 0;
}

/* ---- batches ------------------------------------------------------------------------- */
typedef struct {
    const pa_model *m;
    const char *const *seqs;
    const size_t *order;   /* non-empty sequences sorted by length */
    size_t nseq, batch;
    ss_res *res;
    pa_infer_ws **ws;      /* one per worker */
    pa_metrics *metrics;
} ss_job;

static int8_t aa_token(unsigned char ch)
{
    static const char aa[] = "ACDEFGHIKLMNPQRSTVWY";
    if (ch >= 'a' && ch <= 'z')
        ch = (unsigned char)(ch - 'a' + 'A');
    const char *p = ch ? strchr(aa, ch) : NULL;
    return p ? (int8_t)(p - aa + 1) : 21;
}

static int check_out(const pa_tensor *t, size_t B, size_t L, int w)
{
    if (t->dtype != PA_DT_FLOAT32 || t->ndim != 3 || t->shape[0] != (int64_t)B ||
        t->shape[1] != (int64_t)L || t->shape[2] != w)
        return pai_error(PA_EFORMAT, "secondary-structure model must map [B, L] ids to "
                                     "[B, L, %d] float probabilities", w);
    return 0;
}

/* Argmax letters (and probabilities) of one output [B, L, w] into the sequences' rows. */
static void store_head(const ss_job *j, ss_head *h, const float *p, size_t lo, size_t B, size_t L,
                       int w)
{
    const char *letters = w == 3 ? "HEC" : "HGIEBTSC";
    for (size_t k = 0; k < B; k++) {
        size_t i = j->order[lo + k], len = j->res->len[i];
        for (size_t r = 0; r < len; r++) {
            const float *q = p + (k * L + r) * (size_t)w;
            int best = 0;
            for (int c = 1; c < w; c++)
                best = q[c] > q[best] ? c : best;
            h->str[i][r] = letters[best];
            if (h->prob)
                memcpy(h->prob[i] + (size_t)w * r, q, (size_t)w * sizeof *q);
        }
    }
}

static int run_batch(ss_job *j, size_t bi, pa_infer_ws *ws)
{
    uint64_t t0 = pai_now_ns();
    size_t lo = bi * j->batch, hi = lo + j->batch < j->nseq ? lo + j->batch : j->nseq;
    size_t B = hi - lo, L = 0;
    for (size_t k = lo; k < hi; k++)
        L = j->res->len[j->order[k]] > L ? j->res->len[j->order[k]] : L;
    int64_t *ids = pai_calloc(B * L, sizeof *ids);
    if (!ids)
        return pai_error(PA_ENOMEM, "out of memory for a batch of %zu x %zu", B, L);
    for (size_t k = 0; k < B; k++) {
        const char *s = j->seqs[j->order[lo + k]];
        for (size_t r = 0; s[r]; r++)
            ids[k * L + r] = aa_token((unsigned char)s[r]);
    }
    pa_tensor in = {PA_DT_INT64, 2, {(int64_t)B, (int64_t)L}, ids}, out[2];
    size_t nout = j->res->h8.str ? 2 : 1;
    int rc = pa_model_run(j->m, ws, &in, 1, out, nout);
    pai_free(ids);
    if (rc)
        return rc;
    for (size_t h = 0; !rc && h < nout; h++)
        rc = check_out(&out[h], B, L, h ? 8 : 3);
    for (size_t h = 0; !rc && h < nout; h++)
        store_head(j, h ? &j->res->h8 : &j->res->h3, out[h].data, lo, B, L, h ? 8 : 3);
    for (size_t h = 0; h < nout; h++)
        pa_tensor_clear(&out[h]);
    if (!rc && j->metrics) {
        uint64_t dt = pai_now_ns() - t0;
        char name[48];
        snprintf(name, sizeof name, "ss_batch_%s", pa_model_kernel(j->m));
        pa_metrics_record(j->metrics, "ss_batch", dt);
        pa_metrics_record(j->metrics, name, dt);
    }
    return rc;
}

static int batch_range(void *ctx, size_t lo, size_t hi, int worker)
{
    ss_job *j = ctx;
    for (size_t b = lo; b < hi; b++) {
        int rc = run_batch(j, b, j->ws[worker]);
        if (rc)
            return rc;
    }
    return 0;
}

typedef struct {
    size_t len, idx;
} len_idx;

static int by_len(const void *a, const void *b)
{
    const len_idx *x = a, *y = b;
    if (x->len != y->len)
        return x->len < y->len ? -1 : 1;
    return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/* Indices of the non-empty sequences, shortest first, so batches need little padding. */
static int sort_order(size_t *order, size_t *nseq, size_t n, const size_t *len)
{
    len_idx *v = pai_malloc((n + 1) * sizeof *v);
    if (!v)
        return pai_error(PA_ENOMEM, "out of memory");
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (len[i])
            v[k++] = (len_idx){len[i], i};
    qsort(v, k, sizeof *v, by_len);
    for (size_t i = 0; i < k; i++)
        order[i] = v[i].idx;
    *nseq = k;
    pai_free(v);
    return 0;
}

int pa_predict_ss(const pa_model *m, const char *const *seqs, size_t n, const pa_ss_opts *opts,
                  pa_ss_result **out)
{
    if (!out || (!seqs && n))
        return pai_error(PA_EINVAL, "pa_predict_ss: NULL argument");
    *out = NULL;
    pa_ss_opts o = PA_SS_OPTS_INIT;
    if (opts) {
        if (opts->version < 1 || opts->version > PA_SS_OPTS_VERSION)
            return pai_error(PA_EINVAL, "pa_ss_opts: unknown version %u", opts->version);
        /* an older caller's struct ends before the fields of later versions */
        memcpy(&o, opts, opts->version == 1 ? offsetof(pa_ss_opts, ss8) : sizeof o);
        o.version = PA_SS_OPTS_VERSION;
    }
    if (o.batch <= 0)
        o.batch = 32;
    for (size_t i = 0; i < n; i++)
        if (!seqs[i])
            return pai_error(PA_EINVAL, "pa_predict_ss: sequence %zu is NULL", i);
    if (!m) {
        pthread_once(&default_once, load_shared_default);
        if (default_rc)
            return pai_error(default_rc, "%s", default_msg);
        m = default_model;
    }
    if (m->nin != 1 || m->in_info[0].dtype != PA_DT_INT64)
        return pai_error(PA_EINVAL, "%s: not a secondary-structure model (one int64 input)",
                         m->label);
    if (o.ss8 && m->nout < 2)
        return pai_error(PA_EINVAL, "%s: no 8-state output (the model has one output)", m->label);
    ss_res *res = NULL;
    int rc = res_new(seqs, n, &o, &res);
    if (rc)
        return rc;
    size_t *order = pai_malloc((n + 1) * sizeof *order), nseq = 0;
    int threads = o.executor ? pa_executor_threads(o.executor) : 1;
    pa_infer_ws **ws = pai_calloc((size_t)threads + 1, sizeof *ws);
    rc = order && ws ? 0 : pai_error(PA_ENOMEM, "out of memory");
    for (int t = 0; !rc && t < threads; t++)
        rc = pa_infer_ws_new(&ws[t]);
    if (!rc)
        rc = sort_order(order, &nseq, n, res->len);
    if (!rc) {
        ss_job job = {m, seqs, order, nseq, (size_t)o.batch, res, ws, o.metrics};
        size_t nb = (nseq + job.batch - 1) / job.batch;
        if (o.executor)
            rc = pa_parallel_for(o.executor, 0, nb, 1, batch_range, &job);
        else
            rc = batch_range(&job, 0, nb, 0);
    }
    for (int t = 0; ws && t < threads; t++)
        pa_infer_ws_free(ws[t]);
    pai_free(ws);
    pai_free(order);
    if (rc) {
        pa_ss_result_free(&res->pub);
        return rc;
    }
    *out = &res->pub;
    return 0;
}
