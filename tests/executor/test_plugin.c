/* test_plugin.c — the shared library loads its oneTBB executor (libpanalyzer-executor.so)
 * at the first pa_executor_new, not at start-up; before that, tokens, chunk sizes and
 * NULL handles work without it; a missing or foreign plugin is a clean PA_EUNSUPPORTED.
 * Linked against the shared library (the static one links the executor). Runs three
 * times: as built, with PA_EXECUTOR_PLUGIN naming a file that does not exist, and one
 * without the entry point. CK_FORK=no: the tests run in order in one process. */
#include "panalyzer.h"
#include "testutil.h"

#include <link.h>

static const char *plugin_env(void) { return getenv("PA_EXECUTOR_PLUGIN"); }

static int find_lib(struct dl_phdr_info *info, size_t size, void *name)
{
    (void)size;
    return info->dlpi_name && strstr(info->dlpi_name, (const char *)name) != NULL;
}

/* 1 when a shared object whose path contains name is mapped. */
static int mapped(const char *name) { return dl_iterate_phdr(find_lib, (void *)name); }

START_TEST(test_nothing_loaded_at_start)
{
    ck_assert_int_eq(mapped("libtbb"), 0);
    if (!mapped("libasan") && !mapped("libubsan") && !mapped("libtsan"))
        ck_assert_int_eq(mapped("libstdc++"), 0); /* the sanitizers' runtimes load it */
    ck_assert_int_eq(mapped("libpanalyzer-executor"), 0);
    /* what needs no executor works without loading one */
    pa_cancel_token *tok = NULL;
    ck_assert_int_eq(pa_cancel_token_new(&tok), 0);
    ck_assert_int_eq(pa_cancel_token_cancelled(tok), 0);
    pa_cancel_token_cancel(tok);
    ck_assert_int_eq(pa_cancel_token_cancelled(tok), 1);
    pa_cancel_token_reset(tok);
    ck_assert_int_eq(pa_cancel_token_cancelled(tok), 0);
    pa_cancel_token_free(tok);
    ck_assert_uint_eq(pa_suggest_chunk(1000, 4, 1000), 63);
    ck_assert_int_eq(pa_executor_threads(NULL), 0);
    pa_executor_free(NULL);
    pa_graph_free(NULL);
    ck_assert_int_eq(pa_graph_run(NULL), PA_EINVAL);
    ck_assert_int_eq(pa_parallel_for(NULL, 0, 1, 1, NULL, NULL), PA_EINVAL);
    ck_assert_int_eq(mapped("libpanalyzer-executor"), 0);
}
END_TEST

static int add_range(void *ctx, size_t lo, size_t hi, int worker)
{
    (void)worker;
    for (size_t i = lo; i < hi; i++)
        __atomic_fetch_add((size_t *)ctx, i, __ATOMIC_RELAXED);
    return 0;
}

static int step(void *ctx, pa_task *t)
{
    int *order = ctx;
    order[order[0]++ + 1] = pa_task_name(t)[0];
    return 0;
}

static int fails(void *ctx, pa_task *t)
{
    (void)ctx;
    (void)t;
    return pa_graph_run(NULL) ? PA_EIO : 0; /* sets this worker's message first */
}

/* Graph order, a loop, and an error raised on a worker reported on the caller. */
static void use_executor(pa_executor *ex)
{
    pa_graph *g = NULL;
    int order[4] = {0};
    pa_task_id a, b;
    ck_assert_int_eq(pa_graph_new(ex, &g), 0);
    ck_assert_int_eq(pa_graph_add(g, "b", step, order, NULL, 0, &b), 0);
    ck_assert_int_eq(pa_graph_add(g, "a", step, order, NULL, 0, &a), 0);
    ck_assert_int_eq(pa_graph_add_dep(g, b, a), 0);
    ck_assert_int_eq(pa_graph_run(g), 0);
    ck_assert_int_eq(order[1], 'a');
    ck_assert_int_eq(order[2], 'b');
    ck_assert_int_eq(pa_graph_add(g, "fails", fails, NULL, NULL, 0, NULL), 0);
    order[0] = 0;
    ck_assert_int_eq(pa_graph_run(g), PA_ETASK);
    ck_assert_ptr_nonnull(strstr(pa_last_error(), "task 'fails' failed"));
    pa_graph_free(g);
    size_t sum = 0;
    ck_assert_int_eq(pa_parallel_for(ex, 0, 1000, 0, add_range, &sum), 0);
    ck_assert_uint_eq(sum, 999 * 1000 / 2);
}

START_TEST(test_first_executor_loads_it)
{
    pa_executor_opts eo = PA_EXECUTOR_OPTS_INIT;
    eo.threads = 2;
    pa_executor *ex = NULL;
    int rc = pa_executor_new(&ex, &eo);
    if (plugin_env()) {
        ck_assert_int_eq(rc, PA_EUNSUPPORTED);
        ck_assert_ptr_null(ex);
        ck_assert_ptr_nonnull(strstr(pa_last_error(), "executor plugin"));
        ck_assert_ptr_nonnull(strstr(pa_last_error(), plugin_env()));
        ck_assert_int_eq(mapped("libtbb"), 0);
        /* the failure is remembered, not retried each time */
        ck_assert_int_eq(pa_executor_new(&ex, NULL), PA_EUNSUPPORTED);
        return;
    }
    ck_assert_int_eq(rc, 0);
    ck_assert_int_eq(pa_executor_threads(ex), 2);
    ck_assert_int_eq(mapped("libpanalyzer-executor"), 1);
    ck_assert_int_eq(mapped("libtbb"), 1);
    use_executor(ex);
    pa_executor_free(ex);
}
END_TEST

int main(void)
{
    return pa_run_tests("executor-plugin", "plugin",
                        (const TTest *const[]){test_nothing_loaded_at_start,
                                                test_first_executor_loads_it, NULL});
}
