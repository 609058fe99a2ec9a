/* pipeline.c — files through the stages on the executor, with a bounded window.
 *
 * One worker loop per executor thread takes `chunk` consecutive files at a
 * time from a shared counter, so files start in input order. A worker may only
 * start file i when i + chunk <= delivered + window: at most `window` files are
 * in flight, and in ordered mode the reorder slots [delivered, delivered +
 * window) never collide. The file a waiting worker depends on (the oldest
 * undelivered one) has always been started by a running worker, so the wait
 * cannot deadlock. Results are handed to the callback under the run's mutex
 * (serialized) and freed right after. */
#include "executor/executor_int.h"
#include "pipeline_int.h"
#include "panalyzer/align.h"
#include "refindex/refindex_int.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

typedef struct {
    const char *const *paths;
    size_t n, chunk, window;
    pa_pipeline_opts o;
    pa_reader_opts ro;
    pa_seqset_opts so;
    const pai_stage *stages;
    size_t nstages;
    pa_result_fn fn;
    void *ctx;
    pa_metrics *metrics;
    const pa_model *model; /* ss model, NULL when predict_ss is off */
    uint64_t stages_key;   /* what optional stages add to the cache key */
    int from_path;         /* the read stage opens the file itself (no cache key to make) */

    pthread_mutex_t mu;
    pthread_cond_t cv;
    size_t next;      /* next file to hand out */
    size_t delivered; /* results handed to the callback (or dropped after a stop) */
    pa_result **slots;
    size_t inflight_bytes, inflight_files; /* admission control (max_bytes) */
    size_t next_cost, next_cost_of;        /* estimate of file next_cost_of - 1 (0: none) */
    _Atomic int stop; /* PA_ECANCELED / PA_ENOMEM once the run must end (read unlocked) */
} run_state;

/* ---- default stages ------------------------------------------------------------------ */

/* From the raw bytes when they were loaded (cache), else from the file: the
 * reader then holds only the text, not the raw bytes too. */
static int stage_read(void *sctx, pai_work *w)
{
    (void)sctx;
    int rc = w->data ? pa_structure_read_memory(w->data, w->size, w->path, w->reader,
                                                &w->structure, w->result->diags)
                     : pa_structure_read(w->path, w->reader, &w->structure, w->result->diags);
    if (rc < 0)
        return rc;
    return pai_result_set_structure(w->result, w->structure);
}

static int stage_extract(void *sctx, pai_work *w)
{
    (void)sctx;
    pa_seqset *q = NULL;
    int rc = pa_sequence_extract(w->structure, w->seq, &q);
    if (rc == 0)
        rc = pai_result_add_seqset(w->result, q);
    else
        pai_diag(w->result->diags, PA_SEV_ERROR, PA_D_OTHER, w->path, 0, 0,
                 "sequence extraction failed: %s", pa_last_error());
    pa_seqset_free(q);
    return rc;
}

/* Secondary structure of the protein chains, serially on this worker's thread
 * (files give the parallelism; the model is shared read-only). */
static int stage_ss(void *sctx, pai_work *w)
{
    (void)sctx;
    pa_result *r = w->result;
    const char **seqs = pai_malloc((r->n_chains ? r->n_chains : 1) * sizeof *seqs);
    size_t *which = pai_malloc((r->n_chains ? r->n_chains : 1) * sizeof *which);
    int rc = seqs && which ? 0 : pai_error(PA_ENOMEM, "out of memory");
    size_t n = 0;
    for (size_t i = 0; rc == 0 && i < r->n_chains; i++)
        if (r->chains[i].ptype == PA_POLY_PROTEIN && r->chains[i].n_obs) {
            seqs[n] = r->pool.s + r->chains[i].obs;
            which[n++] = i;
        }
    pa_ss_result *ss = NULL;
    if (rc == 0 && n)
        rc = pa_predict_ss(w->model, seqs, n, NULL, &ss);
    if (rc < 0)
        pai_diag(r->diags, PA_SEV_ERROR, PA_D_OTHER, w->path, 0, 0,
                 "secondary structure prediction failed: %s", pa_last_error());
    /* seqs point into the pool: attach only after the prediction is done */
    for (size_t k = 0; rc == 0 && k < n; k++)
        rc = pai_result_set_chain_ss(r, which[k], ss->ss3[k]);
    pa_ss_result_free(ss);
    pai_free(seqs);
    pai_free(which);
    return rc;
}

/* References for the map stage: the caller's index, or one built from the caller's
 * FASTA list once per run. */
typedef struct {
    const pa_refindex *ix;
    pa_refindex *own;
    double max_evalue;
    pa_metrics *metrics; /* gets "align_kernel" (may be NULL) */
} ref_set;

/* Best reference of one chain passing the E-value threshold; *best = -1 when none. */
static int best_reference(const ref_set *rs, const char *obs, long *best, int64_t *score,
                          double *evalue)
{
    pa_seqlist *q = NULL;
    pa_refhits *h = NULL;
    pa_search_opts so = PA_SEARCH_OPTS_INIT;
    so.top_k = 1;
    so.max_evalue = rs->max_evalue;
    *best = -1;
    int rc = pa_seqlist_new(&q);
    if (rc == 0)
        rc = pa_seqlist_add(q, "chain", NULL, obs);
    if (rc == 0)
        rc = pai_refindex_search_here(rs->ix, q, &so, &h);
    pa_refhit x;
    if (rc == 0 && pa_refhits_get(h, 0, &x) == 0) {
        *best = (long)x.target;
        *score = x.score;
        *evalue = x.evalue;
    }
    if (rc == 0 && rs->metrics)
        pa_metrics_set_info(rs->metrics, "align_kernel", pa_align_last_kernel());
    pa_refhits_free(h);
    pa_seqlist_free(q);
    return rc;
}

static int stage_map(void *sctx, pai_work *w)
{
    const ref_set *rs = sctx;
    pa_result *r = w->result;
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < r->n_chains; i++) {
        const pai_chain_rec *k = &r->chains[i];
        if (k->ptype != PA_POLY_PROTEIN || !k->n_obs)
            continue;
        pa_result_ref f = {0};
        long b;
        double e = 0;
        if ((rc = best_reference(rs, r->pool.s + k->obs, &b, &f.score, &e)) < 0)
            break;
        if (b < 0)
            continue;
        pa_seq_record ref;
        int64_t *map = NULL;
        size_t nm = 0;
        pa_map_stats ms;
        pa_refindex_get(rs->ix, (size_t)b, &ref);
        rc = pa_map_chain_to_reference(w->structure, k->chain, ref.seq, ref.len, NULL, &map,
                                       &nm, &ms);
        pa_map_free(map);
        if (rc < 0)
            break;
        f.id = ref.id;
        f.index = (size_t)b;
        f.mapped = ms.mapped;
        f.identity = ms.identity;
        f.coverage = ms.coverage;
        rc = pai_result_set_chain_ref(r, i, &f, e);
    }
    if (rc < 0 && rc != PA_ENOMEM)
        pai_diag(r->diags, PA_SEV_ERROR, PA_D_OTHER, w->path, 0, 0,
                 "mapping to the references failed: %s", pa_last_error());
    return rc;
}

/* The index to search and what identifies it (with the threshold) in cache keys. */
static int ref_set_init(ref_set *rs, const pa_pipeline_opts *o, uint64_t *digest)
{
    rs->max_evalue = o->ref_max_evalue;
    rs->ix = o->refindex;
    if (!rs->ix) {
        int rc = pa_refindex_build(&rs->own, o->references, NULL);
        if (rc < 0)
            return rc;
        rs->ix = rs->own;
    }
    uint64_t d = pai_refindex_digest(rs->ix);
    *digest = pai_xxh64(&rs->max_evalue, sizeof rs->max_evalue, d);
    return 0;
}

static void ref_set_free(ref_set *rs) { pa_refindex_free(rs->own); }

/* ---- one file ------------------------------------------------------------------------- */

static void record(run_state *st, const char *stage, uint64_t t0)
{
    if (st->metrics)
        pa_metrics_record(st->metrics, stage, pai_now_ns() - t0);
}

/* Open a file that is not a directory: the descriptor, or a PA_EIO error. */
static int open_file(const char *path, struct stat *sb)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0 || fstat(fd, sb) < 0 || S_ISDIR(sb->st_mode)) {
        int e = fd < 0 ? errno : S_ISDIR(sb->st_mode) ? EISDIR : errno;
        if (fd >= 0)
            close(fd);
        return pai_error(PA_EIO, "cannot open: %s", strerror(e));
    }
    return fd;
}

/* Without a cache the reader opens the file itself; fail here the same way as a load. */
static int probe_file(const char *path)
{
    struct stat sb;
    int fd = open_file(path, &sb);
    if (fd >= 0)
        close(fd);
    return fd < 0 ? fd : 0;
}

/* Raw bytes of a file (compressed or not): they key the cache and feed the reader. */
static int load_file(const char *path, char **data, size_t *size)
{
    struct stat sb;
    int fd = open_file(path, &sb);
    if (fd < 0)
        return fd;
    size_t cap = sb.st_size > 0 ? (size_t)sb.st_size + 1 : 65536, n = 0;
    char *b = pai_malloc(cap);
    int rc = b ? 0 : pai_error(PA_ENOMEM, "out of memory");
    while (rc == 0) {
        if (n == cap && PAI_GROW(b, cap, n + 1) < 0) {
            rc = PA_ENOMEM;
            break;
        }
        ssize_t r = read(fd, b + n, cap - n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            rc = pai_error(PA_EIO, "cannot read: %s", strerror(errno));
        if (r <= 0)
            break;
        n += (size_t)r;
    }
    close(fd);
    if (rc < 0) {
        pai_free(b);
        return rc;
    }
    *data = b;
    *size = n;
    return 0;
}

static int stopped(run_state *st);

/* A cancel between stages ends the file (PA_ECANCELED): a huge file does not keep
 * a stopped run waiting through its later stages. */
static void run_stages(run_state *st, pai_work *w)
{
    for (size_t s = 0; s < st->nstages; s++) {
        if (s && stopped(st)) {
            w->result->status = PA_ECANCELED;
            return;
        }
        uint64_t t0 = pai_now_ns();
        int rc = st->stages[s].run(st->stages[s].sctx, w);
        record(st, st->stages[s].name, t0);
        if (rc < 0) {
            w->result->status = rc;
            return;
        }
    }
}

/* Cache hit through the stat index: the file itself is not read. */
static int index_hit(run_state *st, const char *path, pa_result *r, pai_cache_key *sk,
                     int *trusted)
{
    pai_cache_key ck;
    *trusted = 0;
    if (pai_cache_stat_key(path, &st->ro, &st->so, st->stages_key, sk, trusted) < 0)
        return 0;
    return pai_cache_index_load(st->o.cache_dir, sk, &ck) &&
           pai_cache_load(st->o.cache_dir, &ck, r);
}

/* Produce the result of file i (NULL when out of memory or cancelled mid-file). */
static pa_result *process(run_state *st, size_t i)
{
    uint64_t t_file = pai_now_ns();
    pa_result *r;
    if (pai_result_new(&r, st->paths[i], i) < 0)
        return NULL;
    pai_work w = {.path = st->paths[i], .index = i, .reader = &st->ro, .seq = &st->so,
                  .model = st->model, .result = r};
    pai_cache_key skey, key;
    int trusted = 0;
    uint64_t t0 = pai_now_ns();
    if (st->o.cache_dir && index_hit(st, w.path, r, &skey, &trusted)) {
        record(st, "cache_lookup", t0);
        record(st, "file", t_file);
        return r;
    }
    char *data = NULL;
    t0 = pai_now_ns();
    int rc = st->from_path ? probe_file(w.path) : load_file(w.path, &data, &w.size);
    record(st, "load", t0);
    if (rc < 0) {
        r->status = rc;
        /* same wording as the structure reader's: "cannot open: No such file ..." */
        pai_diag(r->diags, PA_SEV_ERROR, PA_D_IO, w.path, 0, 0, "%s", pa_last_error());
        record(st, "file", t_file);
        return r;
    }
    w.data = data;
    int hit = 0;
    if (st->o.cache_dir) {
        t0 = pai_now_ns();
        pai_cache_key_make(&key, data, w.size, &st->ro, &st->so, st->stages_key);
        hit = pai_cache_load(st->o.cache_dir, &key, r);
        record(st, "cache_lookup", t0);
    }
    if (!hit) {
        run_stages(st, &w);
        pa_structure_free(w.structure);
    }
    if (r->status == PA_ECANCELED) { /* never delivered, never cached */
        pai_free(data);
        pai_result_free(r);
        return NULL;
    }
    if (st->o.cache_dir && r->status != PA_ENOMEM) {
        t0 = pai_now_ns();
        if (!hit)
            hit = pai_cache_store(st->o.cache_dir, &key, r) == 0; /* best effort */
        if (hit && trusted)
            pai_cache_index_store(st->o.cache_dir, &skey, &key);
        record(st, "cache_store", t0);
    }
    pai_free(data);
    record(st, "file", t_file);
    return r;
}

/* ---- delivery and the window ------------------------------------------------------------ */

static int stopped(run_state *st)
{
    return st->stop || pa_cancel_token_cancelled(st->o.cancel) || pai_executor_current_stopped();
}

/* Hand r to the callback, in input order when asked; after a stop, results are
 * dropped. Caller holds mu. */
static void deliver_locked(run_state *st, pa_result *r, size_t i)
{
    if (st->stop) {
        pai_result_free(r);
        return;
    }
    if (!st->o.ordered) {
        if (st->fn(st->ctx, r) != 0)
            st->stop = PA_ECANCELED;
        pai_result_free(r);
        st->delivered++;
        return;
    }
    st->slots[i % st->window] = r;
    while (st->delivered < st->n && st->slots[st->delivered % st->window]) {
        pa_result **slot = &st->slots[st->delivered % st->window];
        pa_result *h = *slot;
        *slot = NULL;
        if (!st->stop && st->fn(st->ctx, h) != 0)
            st->stop = PA_ECANCELED;
        pai_result_free(h);
        st->delivered++;
    }
}

/* With max_bytes: whether file i fits next to the files in flight (a file over
 * the budget waits until it is alone). *cost: its estimate. Caller holds mu. */
static int admit_locked(run_state *st, size_t i, size_t *cost)
{
    *cost = 0;
    if (!st->o.max_bytes)
        return 1;
    if (st->next_cost_of != i + 1) { /* estimated once, however long it waits */
        st->next_cost = pai_budget_estimate(st->paths[i], st->model != NULL, !st->from_path);
        st->next_cost_of = i + 1;
    }
    *cost = st->next_cost;
    if (st->inflight_files && st->inflight_bytes + *cost > st->o.max_bytes)
        return 0;
    st->inflight_bytes += *cost;
    st->inflight_files++;
    return 1;
}

/* Next chunk [*lo, *hi) this worker may start, and its estimated memory
 * (max_bytes); 0 when there is nothing left. */
static int take_chunk(run_state *st, size_t *lo, size_t *hi, size_t *cost)
{
    pthread_mutex_lock(&st->mu);
    for (;;) {
        if (st->next >= st->n || stopped(st)) {
            pthread_mutex_unlock(&st->mu);
            return 0;
        }
        size_t i = st->next, len = st->n - i < st->chunk ? st->n - i : st->chunk;
        if (i + len <= st->delivered + st->window && admit_locked(st, i, cost)) {
            st->next = i + len;
            *lo = i;
            *hi = i + len;
            pthread_mutex_unlock(&st->mu);
            return 1;
        }
        /* Timed, so that cancellation from outside is noticed. */
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_nsec += 20 * 1000000L;
        if (ts.tv_nsec >= 1000000000L) {
            ts.tv_sec++;
            ts.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&st->cv, &st->mu, &ts);
    }
}

static void warn_over_budget(const run_state *st, pa_result *r, size_t cost)
{
    const double mib = 1024.0 * 1024.0;
    pai_diag(r->diags, PA_SEV_WARNING, PA_D_LIMIT, r->path, 0, 0,
             "needs about %.0f MiB, more than the memory budget of %.0f MiB: ran alone",
             (double)cost / mib, (double)st->o.max_bytes / mib);
    pai_log(PA_LOG_WARN, "%s: needs about %.0f MiB, more than the memory budget of %.0f MiB: ran alone",
            r->path, (double)cost / mib, (double)st->o.max_bytes / mib);
}

static int worker(void *ctx, size_t lo_w, size_t hi_w, int wk)
{
    (void)lo_w;
    (void)hi_w;
    (void)wk;
    run_state *st = ctx;
    size_t lo, hi, cost;
    while (take_chunk(st, &lo, &hi, &cost)) {
        for (size_t i = lo; i < hi; i++) {
            pa_result *r = stopped(st) ? NULL : process(st, i);
            if (r && cost > st->o.max_bytes)
                warn_over_budget(st, r, cost);
            pthread_mutex_lock(&st->mu);
            if (st->o.max_bytes) {
                st->inflight_bytes -= cost;
                st->inflight_files--;
            }
            if (!r && !st->stop)
                st->stop = stopped(st) ? PA_ECANCELED : PA_ENOMEM;
            deliver_locked(st, r, i);
            pthread_cond_broadcast(&st->cv);
            pthread_mutex_unlock(&st->mu);
        }
    }
    return 0;
}

/* ---- entry points ------------------------------------------------------------------------- */

static int check_opts(const pa_pipeline_opts *opts, pa_pipeline_opts *o)
{
    pa_pipeline_opts def = PA_PIPELINE_OPTS_INIT;
    *o = def;
    if (!opts)
        return 0;
    if (opts->version < 1 || opts->version > PA_PIPELINE_OPTS_VERSION)
        return pai_error(PA_EINVAL, "pa_pipeline_opts: unknown version %u", opts->version);
    /* an older caller's struct ends before the fields of later versions */
    size_t size = opts->version == 1   ? offsetof(pa_pipeline_opts, predict_ss)
                  : opts->version == 2 ? offsetof(pa_pipeline_opts, references)
                  : opts->version == 3 ? offsetof(pa_pipeline_opts, max_bytes)
                  : opts->version == 4 ? offsetof(pa_pipeline_opts, dssp)
                  : opts->version == 5 ? offsetof(pa_pipeline_opts, ss_precision)
                  : opts->version == 6 ? offsetof(pa_pipeline_opts, refindex)
                                       : sizeof *o;
    memcpy(o, opts, size);
    o->version = PA_PIPELINE_OPTS_VERSION;
    if (o->threads < 0)
        return pai_error(PA_EINVAL, "pa_pipeline_opts: threads must be >= 0");
    if (!(o->ref_max_evalue > 0))
        return pai_error(PA_EINVAL, "pa_pipeline_opts: ref_max_evalue must be > 0");
    if (o->chunk == 0)
        o->chunk = 1;
    if (o->batch == 0)
        o->batch = 64;
    if (o->max_bytes)
        o->chunk = 1; /* admission is per file */
    return 0;
}

static int run_stages_keyed(pa_executor *ex, const char *const *paths, size_t n,
                                         const pa_pipeline_opts *opts, const pai_stage *stages,
                                         size_t nstages, pa_result_fn fn, void *ctx,
                                         pa_metrics *metrics, uint64_t stages_key,
                                         int from_path);

int pai_pipeline_run_stages(pa_executor *ex, const char *const *paths, size_t n,
                            const pa_pipeline_opts *opts, const pai_stage *stages,
                            size_t nstages, pa_result_fn fn, void *ctx, pa_metrics *metrics)
{
    return run_stages_keyed(ex, paths, n, opts, stages, nstages, fn, ctx, metrics, 0, 0);
}

static int run_stages_keyed(pa_executor *ex, const char *const *paths, size_t n,
                                         const pa_pipeline_opts *opts, const pai_stage *stages,
                                         size_t nstages, pa_result_fn fn, void *ctx,
                                         pa_metrics *metrics, uint64_t stages_key,
                                         int from_path)
{
    if ((n && !paths) || !fn)
        return pai_error(PA_EINVAL, "pa_pipeline_run: paths and callback are required");
    run_state st;
    memset(&st, 0, sizeof st);
    int rc = check_opts(opts, &st.o);
    if (rc < 0)
        return rc;
    for (size_t i = 0; i < n; i++)
        if (!paths[i])
            return pai_error(PA_EINVAL, "pa_pipeline_run: path %zu is NULL", i);
    if (st.o.cache_dir && (rc = pai_cache_prepare_dir(st.o.cache_dir)) < 0)
        return rc;
    pa_reader_opts rdef = PA_READER_OPTS_INIT;
    pa_seqset_opts sdef = PA_SEQSET_OPTS_INIT;
    st.ro = st.o.reader ? *st.o.reader : rdef;
    st.so = st.o.seq ? *st.o.seq : sdef;
    st.paths = paths;
    st.n = n;
    st.chunk = st.o.chunk;
    st.window = st.o.batch < st.chunk ? st.chunk : st.o.batch;
    st.stages = stages;
    st.nstages = nstages;
    st.fn = fn;
    st.ctx = ctx;
    st.metrics = metrics;
    st.model = st.o.predict_ss ? st.o.model : NULL;
    st.stages_key = stages_key;
    st.from_path = from_path;
    if (!n)
        return 0;
    if (st.o.ordered && !(st.slots = pai_calloc(st.window, sizeof *st.slots)))
        return pai_error(PA_ENOMEM, "out of memory");
    pa_executor *own = NULL;
    if (!ex) {
        pa_executor_opts eo = PA_EXECUTOR_OPTS_INIT;
        eo.threads = st.o.threads;
        if ((rc = pa_executor_new(&own, &eo)) < 0) {
            pai_free(st.slots);
            return rc;
        }
        ex = own;
    }
    pthread_mutex_init(&st.mu, NULL);
    pthread_cond_init(&st.cv, NULL);
    int nw = pa_executor_threads(ex);
    rc = pa_parallel_for(ex, 0, (size_t)nw, 1, worker, &st);
    if (rc == 0 && st.stop)
        rc = st.stop == PA_ENOMEM ? pai_error(PA_ENOMEM, "out of memory")
                                  : pai_error(PA_ECANCELED, "pipeline stopped");
    if (rc == 0 && st.delivered < n)
        rc = pai_error(PA_ECANCELED, "pipeline cancelled after %zu of %zu files", st.delivered, n);
    for (size_t i = 0; st.slots && i < st.window; i++)
        pai_result_free(st.slots[i]);
    pthread_cond_destroy(&st.cv);
    pthread_mutex_destroy(&st.mu);
    pai_free(st.slots);
    pa_executor_free(own);
    return rc;
}

int pa_pipeline_run(pa_executor *ex, const char *const *paths, size_t n,
                    const pa_pipeline_opts *opts, pa_result_fn fn, void *ctx, pa_metrics *metrics)
{
    pa_pipeline_opts o;
    int rc = check_opts(opts, &o);
    if (rc < 0)
        return rc;
    pai_stage stages[5] = {{"read", stage_read, NULL}, {"extract", stage_extract, NULL}};
    size_t ns = 2;
    uint64_t key = 0; /* what the optional stages add to cache keys */
    pa_model *own = NULL;
    ref_set rs = {0};
    if (o.predict_ss) {
        /* The built-in model once per run; its bytes name it in cache keys. A
         * caller's model cannot be named, so it bypasses the cache. */
        if (!o.model) {
            size_t size;
            const void *bytes = pa_model_default_data(&size);
            key = pai_xxh64(bytes, size, 0x5353) | 1;
            pa_model_opts mo = PA_MODEL_OPTS_INIT;
            mo.precision = o.ss_precision;
            if (mo.precision) /* fp32 keeps the keys of earlier versions */
                key = pai_xxh64(&mo.precision, sizeof mo.precision, key) | 1;
            if ((rc = pa_model_load_default_opts(&own, &mo)) < 0)
                return rc;
            o.model = own;
        } else {
            o.cache_dir = NULL;
        }
        stages[ns++] = (pai_stage){"ss", stage_ss, NULL};
    }
    if (o.references || o.refindex) {
        uint64_t d = 0;
        if ((rc = ref_set_init(&rs, &o, &d)) < 0)
            goto done;
        key = pai_xxh64(&d, sizeof d, key) | 1;
        rs.metrics = metrics;
        stages[ns++] = (pai_stage){"map", stage_map, &rs};
    }
    if (o.dssp) { /* after "ss": Q3 needs the prediction */
        key = pai_xxh64("dssp", 4, key) | 1;
        stages[ns++] = (pai_stage){"dssp", pai_stage_dssp, NULL};
    }
    rc = run_stages_keyed(ex, paths, n, &o, stages, ns, fn, ctx, metrics, key, !o.cache_dir);
done:
    ref_set_free(&rs);
    pa_model_free(own);
    return rc;
}
