/* panalyzer/executor.h — task graphs, parallel loops, cancellation and metrics.
 *
 *   pa_executor *ex; pa_executor_opts eo = PA_EXECUTOR_OPTS_INIT; eo.threads = 8;
 *   pa_executor_new(&ex, &eo);
 *   pa_graph *g; pa_graph_new(ex, &g);
 *   pa_task_id parse, align;
 *   pa_graph_add(g, "parse", parse_fn, ctx, NULL, 0, &parse);
 *   pa_graph_add(g, "align", align_fn, ctx, &parse, 1, &align);
 *   int rc = pa_graph_run(g);       // blocks; first error wins, the rest is cancelled
 *   pa_graph_free(g);
 *   pa_parallel_for(ex, 0, n, 64, body, ctx);   // exactly 64 items per call of body
 *   pa_executor_free(ex);
 *
 * One executor owns a fixed set of worker threads (a oneTBB task arena of the
 * size the caller asked for; no global scheduler setting is touched), so
 * several executors may coexist. Work started from inside a running task
 * (pa_parallel_for, a nested graph) joins the same executor: no deadlock and
 * no oversubscription. An executor, a cancel token and a metrics object may be
 * used from many threads at once; a pa_graph is driven by one thread at a time.
 *
 * OpenBLAS is switched to one thread when the first executor is created: the
 * executor provides the parallelism.
 *
 * fork(): do not fork while an executor is alive if the child will use it;
 * oneTBB worker threads do not exist in the child. A child process must create
 * its own executor (and should not free the parent's copy). */
#ifndef PANALYZER_EXECUTOR_H
#define PANALYZER_EXECUTOR_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct pa_executor pa_executor;
typedef struct pa_graph pa_graph;
typedef struct pa_task pa_task;
typedef struct pa_cancel_token pa_cancel_token;
typedef struct pa_metrics pa_metrics;
typedef uint32_t pa_task_id;

/* ---- metrics ----------------------------------------------------------------
 * Latency samples per named stage. Recording is thread-safe and cheap (a short
 * critical section, no allocation once a stage exists). Percentiles are exact
 * over the first 65,536 samples of a stage, from a uniform reservoir beyond
 * (so memory stays bounded, at 512 KiB a stage, however long the run). */
typedef struct {
    uint64_t count;      /* samples recorded (including those outside the reservoir) */
    uint64_t total_ns;   /* sum of all samples */
    uint64_t min_ns, max_ns;
    uint64_t p50_ns, p95_ns, p99_ns; /* nearest-rank percentiles */
    double mean_ns;
    uint64_t wall_ns;    /* from the start of the earliest sample to the end of the latest */
    double throughput;   /* count per second of wall_ns (0 when wall_ns is 0) */
} pa_stage_stats;

PA_API int pa_metrics_new(pa_metrics **out);
PA_API void pa_metrics_free(pa_metrics *m);
PA_API void pa_metrics_reset(pa_metrics *m);
/* Record one sample of ns nanoseconds that ended now. stage is copied on first use. */
PA_API int pa_metrics_record(pa_metrics *m, const char *stage, uint64_t ns);
/* Statistics of a stage; PA_ENOTFOUND when nothing was recorded under that name. */
PA_API int pa_metrics_stage(const pa_metrics *m, const char *stage, pa_stage_stats *out);
PA_API size_t pa_metrics_stage_count(const pa_metrics *m);
/* Name of the i-th stage (in order of first use); NULL when out of range.
 * Borrowed, valid until the metrics object is freed or reset. */
PA_API const char *pa_metrics_stage_name(const pa_metrics *m, size_t i);
/* {"stages":{"read":{"count":..,"total_ns":..,"p50_ns":..,...},...}} in a new
 * NUL-terminated string that the caller releases with free(). */
PA_API int pa_metrics_to_json(const pa_metrics *m, char **json);
/* A free-form note (up to 16 keys; setting a key again replaces its value), written
 * to the JSON as "info": {key: value, ...} after "stages"; pa_metrics_reset clears
 * them. The pipeline sets "align_kernel" (which alignment kernel mapped the chains
 * and why, see pa_align_last_kernel). */
PA_API int pa_metrics_set_info(pa_metrics *m, const char *key, const char *value);

/* ---- cancellation -------------------------------------------------------------
 * A flag that any thread (including a running task) may raise. Work it is
 * attached to stops handing out new tasks/chunks and returns PA_ECANCELED. */
PA_API int pa_cancel_token_new(pa_cancel_token **out);
PA_API void pa_cancel_token_free(pa_cancel_token *t);
PA_API void pa_cancel_token_cancel(pa_cancel_token *t);
PA_API int pa_cancel_token_cancelled(const pa_cancel_token *t); /* 1 or 0 */
PA_API void pa_cancel_token_reset(pa_cancel_token *t);

/* ---- executor ----------------------------------------------------------------- */
/* Progress of a top-level graph run (tasks) or parallel loop (items).
 * Called from worker threads, never concurrently with itself. */
typedef void (*pa_progress_fn)(void *ud, size_t done, size_t total);

#define PA_EXECUTOR_OPTS_VERSION 1
typedef struct {
    unsigned version;        /* PA_EXECUTOR_OPTS_VERSION */
    int threads;             /* 0: hardware concurrency */
    pa_progress_fn progress; /* NULL: none */
    void *progress_ud;
    pa_metrics *metrics;     /* NULL, or: each graph task records its run time under its name */
} pa_executor_opts;
#define PA_EXECUTOR_OPTS_INIT {PA_EXECUTOR_OPTS_VERSION, 0, NULL, NULL, NULL}

PA_API int pa_executor_new(pa_executor **out, const pa_executor_opts *opts); /* opts may be NULL */
/* Must not be called while work is running on the executor. NULL-safe. */
PA_API void pa_executor_free(pa_executor *ex);
PA_API int pa_executor_threads(const pa_executor *ex);
/* Cancel all work running on the executor now (graphs and loops return PA_ECANCELED).
 * Work started after the call is not affected. Thread-safe; callable from a task. */
PA_API void pa_executor_cancel(pa_executor *ex);

/* ---- tasks and graphs ---------------------------------------------------------- */
/* A task body: return 0, or a negative PA_E* code (with pai/pa_last_error message)
 * to fail the graph; returning PA_ECANCELED counts as cancellation, not failure. */
typedef int (*pa_task_fn)(void *ctx, pa_task *t);

typedef enum {
    PA_TASK_PENDING = 0,   /* not run (yet) */
    PA_TASK_RUNNING = 1,
    PA_TASK_DONE = 2,      /* returned 0 */
    PA_TASK_FAILED = 3,    /* returned a negative code */
    PA_TASK_CANCELLED = 4  /* skipped, or returned PA_ECANCELED */
} pa_task_status;

/* Inside a task body: 1 when the run is being cancelled or another task failed;
 * long bodies should poll it and return PA_ECANCELED. */
PA_API int pa_task_cancelled(const pa_task *t);
PA_API const char *pa_task_name(const pa_task *t);     /* "" for unnamed tasks */
PA_API pa_executor *pa_task_executor(const pa_task *t); /* for nested work */
PA_API int pa_task_worker(const pa_task *t);            /* in [0, threads) */
/* Report the task's own progress; readable with pa_graph_task_progress(). */
PA_API void pa_task_progress(pa_task *t, size_t done, size_t total);

PA_API int pa_graph_new(pa_executor *ex, pa_graph **out);
PA_API void pa_graph_free(pa_graph *g);
/* Add a task that runs after the tasks in deps[0..ndeps). name may be NULL;
 * otherwise it must be unique in the graph (PA_EINVAL) and is copied.
 * id (may be NULL) receives the new task's id. */
PA_API int pa_graph_add(pa_graph *g, const char *name, pa_task_fn fn, void *ctx,
                        const pa_task_id *deps, size_t ndeps, pa_task_id *id);
PA_API int pa_graph_add_dep(pa_graph *g, pa_task_id task, pa_task_id dep);
/* task runs after dep. Names are resolved by pa_graph_run, so either task may be
 * added later; an unknown name makes the run fail with PA_EINVAL. */
PA_API int pa_graph_add_dep_name(pa_graph *g, const char *task, const char *dep);
PA_API size_t pa_graph_size(const pa_graph *g);
/* Stop the graph's runs when the token is raised (NULL detaches). Borrowed. */
PA_API int pa_graph_set_cancel_token(pa_graph *g, pa_cancel_token *t);
/* Run every task once, dependencies first; blocks. Returns 0; PA_EINVAL for an
 * unknown dependency or a cycle (nothing runs); PA_ETASK when a task failed
 * (pa_last_error names it; tasks not yet started are cancelled); PA_ECANCELED.
 * May be called from inside a task of the same executor (nested graph) and
 * again after it returns (statuses are reset). */
PA_API int pa_graph_run(pa_graph *g);
/* Status and return code of the named task after (or during) a run.
 * PA_ENOTFOUND for an unknown name. status/rc may be NULL. */
PA_API int pa_graph_task_status(const pa_graph *g, const char *name, pa_task_status *status,
                                int *rc);
PA_API int pa_graph_task_status_id(const pa_graph *g, pa_task_id id, pa_task_status *status,
                                   int *rc);
/* Last progress the named task reported, and its run time in ns (0 if it did not run). */
PA_API int pa_graph_task_progress(const pa_graph *g, const char *name, size_t *done,
                                  size_t *total, uint64_t *elapsed_ns);

/* ---- parallel loops ------------------------------------------------------------
 * fn(ctx, lo, hi, worker) is called for consecutive chunks [lo, hi) of
 * [begin, end); every chunk has exactly `chunk` items except possibly the last.
 * worker is a stable index in [0, pa_executor_threads(ex)): at most one chunk
 * of a loop runs with a given index at any time (nested work is isolated), so
 * callers can keep per-worker scratch. Exception: a one-thread executor used by
 * several calling threads at once may run two of them together, both as worker
 * 0; give each calling thread its own executor if it keeps per-worker scratch.
 * chunk 0 picks one (pa_suggest_chunk with 1 µs per item). Returns 0 or the
 * first error a chunk returned (no new chunks start after it), PA_ECANCELED
 * when cancelled. Callable from inside a task or another loop's chunk. */
typedef int (*pa_range_fn)(void *ctx, size_t lo, size_t hi, int worker);
PA_API int pa_parallel_for(pa_executor *ex, size_t begin, size_t end, size_t chunk,
                           pa_range_fn fn, void *ctx);
/* Same, also stopped by a cancel token (may be NULL). */
PA_API int pa_parallel_for_cancel(pa_executor *ex, size_t begin, size_t end, size_t chunk,
                                  pa_range_fn fn, void *ctx, pa_cancel_token *tok);
/* A chunk size for n_items of about est_ns_per_item each on `threads` threads:
 * at least 4 chunks per thread for balance, and chunks of about 100 µs or more
 * when there is enough work for both (never below ~25 µs unless n is smaller). */
PA_API size_t pa_suggest_chunk(size_t n_items, int threads, uint64_t est_ns_per_item);

#ifdef __cplusplus
}
#endif
#endif
