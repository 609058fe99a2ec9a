/* executor.c — the public executor API in C: cancel tokens and chunk sizes here, the
 * rest forwarded to the C++ side (plugin.h). Built twice: for the shared library, which
 * loads libpanalyzer-executor.so at the first pa_executor_new, and with PAI_EXEC_LINKED
 * for the static library, which carries the C++ objects itself. */
#include "common/dl.h"
#include "common/pai.h"
#include "executor/executor_int.h"
#include "executor/plugin.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const pai_exec_host host = {
    PAI_EXEC_PLUGIN_ABI, pai_malloc,   pai_free,     pai_strdup, pai_error, pai_log,
    pai_now_ns,          pa_last_error, pa_strerror, pa_metrics_record,
};

/* Set once (release), read by every forwarder (acquire). NULL until the first
 * successful pa_executor_new: no handle can exist before, so a NULL table means a NULL
 * or foreign handle. */
static const pai_exec_vtable *vt;
static pthread_once_t load_once = PTHREAD_ONCE_INIT;
static char load_err[1024];

static const pai_exec_vtable *table(void) { return __atomic_load_n(&vt, __ATOMIC_ACQUIRE); }

static void publish(pai_exec_plugin_fn entry, const char *what)
{
    const pai_exec_vtable *t = entry(&host);
    if (!t || t->abi != PAI_EXEC_PLUGIN_ABI) {
        snprintf(load_err, sizeof load_err, "%.900s is from another libpanalyzer version", what);
        return;
    }
    __atomic_store_n(&vt, t, __ATOMIC_RELEASE);
}

#ifdef PAI_EXEC_LINKED

static void load(void) { publish(pai_executor_plugin_v1, "the executor"); }

#else

/* dir holds the directory of the loaded libpanalyzer (with a trailing '/'), or "". */
static void library_dir(char *dir, size_t len)
{
    Dl_info info;
    dir[0] = 0;
    if (!dladdr((void *)&library_dir, &info) || !info.dli_fname)
        return;
    const char *slash = strrchr(info.dli_fname, '/');
    if (slash && (size_t)(slash - info.dli_fname) + 2 <= len)
        snprintf(dir, len, "%.*s", (int)(slash - info.dli_fname + 1), info.dli_fname);
}

/* PA_EXECUTOR_PLUGIN names the file; else LIBDIR/panalyzer/ (installed), else beside the
 * library (build tree). path receives the file tried last. */
static void *open_plugin(char *path, size_t len)
{
    char dir[4096], err2[sizeof load_err];
    const char *env = getenv("PA_EXECUTOR_PLUGIN"), *what = "the executor plugin",
               *why = "executors need";
    library_dir(dir, sizeof dir);
    if (env && *env)
        snprintf(path, len, "%s", env);
    else if (*dir)
        snprintf(path, len, "%spanalyzer/%s", dir, PAI_EXEC_PLUGIN_FILE);
    else /* place unknown: the loader's search path, never the working directory */
        snprintf(path, len, "%s", PAI_EXEC_PLUGIN_FILE);
    void *h = pai_dl_open("PA_EXECUTOR_PLUGIN", path, what, why, load_err, sizeof load_err);
    if (h || (env && *env) || !*dir)
        return h;
    snprintf(path, len, "%s%s", dir, PAI_EXEC_PLUGIN_FILE);
    /* the build tree's place; if absent too, load_err keeps the installed place's reason */
    return pai_dl_open("PA_EXECUTOR_PLUGIN", path, what, why, err2, sizeof err2);
}

static void load(void)
{
    char path[4200], what[4300];
    pai_exec_plugin_fn entry;
    void *h = open_plugin(path, sizeof path);
    if (!h)
        return;
    snprintf(what, sizeof what, "the executor plugin %s", path);
    if (pai_dl_sym(h, PAI_EXEC_PLUGIN_SYM, &entry, sizeof entry, what, load_err,
                   sizeof load_err) == 0)
        publish(entry, what);
    /* never dlclosed: executors and their threads may live until exit */
}

#endif

/* The table, loading the C++ side on first use; NULL with the error set. */
static const pai_exec_vtable *loaded(void)
{
    pthread_once(&load_once, load);
    const pai_exec_vtable *t = table();
    if (!t)
        pai_error(PA_EUNSUPPORTED, "%s", load_err);
    return t;
}

/* ---- cancel tokens --------------------------------------------------------------- */

PA_API int pa_cancel_token_new(pa_cancel_token **out)
{
    if (!out)
        return pai_error(PA_EINVAL, "pa_cancel_token_new: out is NULL");
    *out = pai_calloc(1, sizeof **out);
    return *out ? 0 : pai_error(PA_ENOMEM, "out of memory");
}
PA_API void pa_cancel_token_free(pa_cancel_token *t) { pai_free(t); }
PA_API void pa_cancel_token_cancel(pa_cancel_token *t)
{
    if (t)
        __atomic_store_n(&t->flag, 1, __ATOMIC_SEQ_CST);
}
PA_API int pa_cancel_token_cancelled(const pa_cancel_token *t)
{
    return t ? __atomic_load_n(&t->flag, __ATOMIC_SEQ_CST) : 0;
}
PA_API void pa_cancel_token_reset(pa_cancel_token *t)
{
    if (t)
        __atomic_store_n(&t->flag, 0, __ATOMIC_SEQ_CST);
}

/* ---- chunk sizes ------------------------------------------------------------------ */

PA_API size_t pa_suggest_chunk(size_t n, int threads, uint64_t est)
{
    if (n == 0)
        return 1;
    if (threads < 1)
        threads = 1;
    if (est == 0)
        est = 1;
    size_t c_time = (size_t)((100000 + est - 1) / est);                   /* >= ~100 us per chunk */
    size_t c_floor = (size_t)((25000 + est - 1) / est);                   /* never below ~25 us */
    size_t c_bal = (n + (size_t)threads * 4 - 1) / ((size_t)threads * 4); /* >= 4 per thread */
    size_t c = c_bal < c_time ? c_bal : c_time;
    if (c < c_floor)
        c = c_floor;
    if (c > n)
        c = n;
    return c ? c : 1;
}

/* ---- forwarders: handles exist only once the table is loaded ------------------------ */

static int no_handle(const char *fn)
{
    return pai_error(PA_EINVAL, "%s: no graph (no executor was ever created)", fn);
}

int pai_executor_current_stopped(void)
{
    const pai_exec_vtable *t = table();
    return t ? t->current_stopped() : 0;
}

PA_API int pa_executor_new(pa_executor **out, const pa_executor_opts *opts)
{
    if (!out)
        return pai_error(PA_EINVAL, "pa_executor_new: out is NULL");
    *out = NULL;
    const pai_exec_vtable *t = loaded();
    return t ? t->executor_new(out, opts) : PA_EUNSUPPORTED;
}

PA_API void pa_executor_free(pa_executor *ex)
{
    if (ex)
        table()->executor_free(ex);
}

PA_API int pa_executor_threads(const pa_executor *ex)
{
    return ex ? table()->executor_threads(ex) : 0;
}

PA_API void pa_executor_cancel(pa_executor *ex)
{
    if (ex)
        table()->executor_cancel(ex);
}

PA_API int pa_parallel_for_cancel(pa_executor *ex, size_t begin, size_t end, size_t chunk,
                                  pa_range_fn fn, void *ctx, pa_cancel_token *tok)
{
    if (!ex || !fn)
        return pai_error(PA_EINVAL, "pa_parallel_for: executor and fn are required");
    if (end > begin && chunk == 0)
        chunk = pa_suggest_chunk(end - begin, pa_executor_threads(ex), 1000);
    return table()->parallel_for(ex, begin, end, chunk, fn, ctx, tok);
}

PA_API int pa_parallel_for(pa_executor *ex, size_t begin, size_t end, size_t chunk,
                           pa_range_fn fn, void *ctx)
{
    return pa_parallel_for_cancel(ex, begin, end, chunk, fn, ctx, NULL);
}

/* ---- tasks (only ever handed out by a running graph) ------------------------------- */

PA_API int pa_task_cancelled(const pa_task *t) { return t ? table()->task_cancelled(t) : 0; }
PA_API const char *pa_task_name(const pa_task *t) { return t ? table()->task_name(t) : ""; }
PA_API pa_executor *pa_task_executor(const pa_task *t)
{
    return t ? table()->task_executor(t) : NULL;
}
PA_API int pa_task_worker(const pa_task *t) { return t ? table()->task_worker(t) : 0; }
PA_API void pa_task_progress(pa_task *t, size_t done, size_t total)
{
    if (t)
        table()->task_progress(t, done, total);
}

/* ---- graphs ------------------------------------------------------------------------- */

PA_API int pa_graph_new(pa_executor *ex, pa_graph **out)
{
    if (!ex || !out)
        return pai_error(PA_EINVAL, "pa_graph_new: executor and out are required");
    return table()->graph_new(ex, out);
}

PA_API void pa_graph_free(pa_graph *g)
{
    if (g)
        table()->graph_free(g);
}

PA_API size_t pa_graph_size(const pa_graph *g) { return g ? table()->graph_size(g) : 0; }

PA_API int pa_graph_set_cancel_token(pa_graph *g, pa_cancel_token *tok)
{
    const pai_exec_vtable *t = table();
    return t ? t->graph_set_cancel_token(g, tok) : no_handle("pa_graph_set_cancel_token");
}

PA_API int pa_graph_add(pa_graph *g, const char *name, pa_task_fn fn, void *ctx,
                        const pa_task_id *deps, size_t ndeps, pa_task_id *id)
{
    const pai_exec_vtable *t = table();
    return t ? t->graph_add(g, name, fn, ctx, deps, ndeps, id) : no_handle("pa_graph_add");
}

PA_API int pa_graph_add_dep(pa_graph *g, pa_task_id task, pa_task_id dep)
{
    const pai_exec_vtable *t = table();
    return t ? t->graph_add_dep(g, task, dep) : no_handle("pa_graph_add_dep");
}

PA_API int pa_graph_add_dep_name(pa_graph *g, const char *task, const char *dep)
{
    const pai_exec_vtable *t = table();
    return t ? t->graph_add_dep_name(g, task, dep) : no_handle("pa_graph_add_dep_name");
}

PA_API int pa_graph_run(pa_graph *g)
{
    const pai_exec_vtable *t = table();
    return t ? t->graph_run(g) : no_handle("pa_graph_run");
}

PA_API int pa_graph_task_status_id(const pa_graph *g, pa_task_id id, pa_task_status *status,
                                   int *rc)
{
    const pai_exec_vtable *t = table();
    return t ? t->graph_task_status_id(g, id, status, rc)
             : no_handle("pa_graph_task_status_id");
}

PA_API int pa_graph_task_status(const pa_graph *g, const char *name, pa_task_status *status,
                                int *rc)
{
    const pai_exec_vtable *t = table();
    return t ? t->graph_task_status(g, name, status, rc) : no_handle("pa_graph_task_status");
}

PA_API int pa_graph_task_progress(const pa_graph *g, const char *name, size_t *done,
                                  size_t *total, uint64_t *elapsed_ns)
{
    const pai_exec_vtable *t = table();
    return t ? t->graph_task_progress(g, name, done, total, elapsed_ns)
             : no_handle("pa_graph_task_progress");
}
