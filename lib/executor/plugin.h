/* plugin.h — the boundary between the C library and its oneTBB executor (never installed).
 *
 * The executor is C++ over oneTBB. Loading libtbb and libstdc++ costs every process about
 * 0.7 ms of start-up, which single-file commands (panalyze dssp FILE) never need. So the
 * shared library keeps only C forwarders (executor.c) and dlopens the C++ part, built as
 * the private module libpanalyzer-executor.so, at the first pa_executor_new. The static
 * library links the same C++ objects directly. The two sides talk through two tables:
 * the host's services (allocation, errors, logging: one set of thread-local errors and
 * allocation counters) and the plugin's entry points. */
#ifndef PAI_EXECUTOR_PLUGIN_H
#define PAI_EXECUTOR_PLUGIN_H

#include "panalyzer/executor.h"

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Bumped whenever either table or pa_cancel_token changes. */
#define PAI_EXEC_PLUGIN_ABI 1
#define PAI_EXEC_PLUGIN_SYM "pai_executor_plugin_v1"
#define PAI_EXEC_PLUGIN_FILE "libpanalyzer-executor.so"

/* Plain int accessed with __atomic builtins on both sides (C11 atomics are not C++17). */
struct pa_cancel_token {
    int flag;
};

typedef struct {
    unsigned abi;
    void *(*malloc)(size_t n);
    void (*free)(void *p);
    char *(*strdup)(const char *s);
    int (*error)(int code, const char *fmt, ...);
    void (*log)(pa_log_level level, const char *fmt, ...);
    uint64_t (*now_ns)(void);
    const char *(*last_error)(void);
    const char *(*strerror)(int code);
    int (*metrics_record)(pa_metrics *m, const char *stage, uint64_t ns);
} pai_exec_host;

/* The public functions of the same names; chunk is never 0 in parallel_for (the host
 * picks it with pa_suggest_chunk). */
typedef struct {
    unsigned abi;
    int (*executor_new)(pa_executor **out, const pa_executor_opts *opts);
    void (*executor_free)(pa_executor *ex);
    int (*executor_threads)(const pa_executor *ex);
    void (*executor_cancel)(pa_executor *ex);
    int (*current_stopped)(void);
    int (*parallel_for)(pa_executor *ex, size_t begin, size_t end, size_t chunk,
                        pa_range_fn fn, void *ctx, pa_cancel_token *tok);
    int (*task_cancelled)(const pa_task *t);
    const char *(*task_name)(const pa_task *t);
    pa_executor *(*task_executor)(const pa_task *t);
    int (*task_worker)(const pa_task *t);
    void (*task_progress)(pa_task *t, size_t done, size_t total);
    int (*graph_new)(pa_executor *ex, pa_graph **out);
    void (*graph_free)(pa_graph *g);
    size_t (*graph_size)(const pa_graph *g);
    int (*graph_set_cancel_token)(pa_graph *g, pa_cancel_token *t);
    int (*graph_add)(pa_graph *g, const char *name, pa_task_fn fn, void *ctx,
                     const pa_task_id *deps, size_t ndeps, pa_task_id *id);
    int (*graph_add_dep)(pa_graph *g, pa_task_id task, pa_task_id dep);
    int (*graph_add_dep_name)(pa_graph *g, const char *task, const char *dep);
    int (*graph_run)(pa_graph *g);
    int (*graph_task_status_id)(const pa_graph *g, pa_task_id id, pa_task_status *status,
                                int *rc);
    int (*graph_task_status)(const pa_graph *g, const char *name, pa_task_status *status,
                             int *rc);
    int (*graph_task_progress)(const pa_graph *g, const char *name, size_t *done,
                               size_t *total, uint64_t *elapsed_ns);
} pai_exec_vtable;

/* The plugin's one exported symbol: its table, or NULL when host->abi differs. host
 * must outlive the process's executors. */
typedef const pai_exec_vtable *(*pai_exec_plugin_fn)(const pai_exec_host *host);
const pai_exec_vtable *pai_executor_plugin_v1(const pai_exec_host *host);

#ifdef __cplusplus
}
#endif
#endif
