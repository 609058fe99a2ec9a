/* test_executor.c — task graphs, parallel loops, nesting, cancellation, metrics. */
#include "common/pai.h"
#include "panalyzer/executor.h"
#include "testutil.h"

#include <pthread.h>
#include <stdatomic.h>
#include <unistd.h>

static pa_executor *new_ex(int threads)
{
    pa_executor *ex;
    pa_executor_opts o = PA_EXECUTOR_OPTS_INIT;
    o.threads = threads;
    ck_assert_int_eq(pa_executor_new(&ex, &o), 0);
    ck_assert_int_eq(pa_executor_threads(ex), threads);
    return ex;
}

/* ---- dependency order ------------------------------------------------------- */

typedef struct {
    atomic_int clock;
    int stamp[64];
    int fail_at; /* task index that fails, -1 none */
} order_ctx;

typedef struct {
    order_ctx *o;
    int i;
} order_task;

static int stamp_fn(void *ctx, pa_task *t)
{
    order_task *ot = ctx;
    (void)t;
    ot->o->stamp[ot->i] = atomic_fetch_add(&ot->o->clock, 1) + 1;
    if (ot->i == ot->o->fail_at)
        return pai_error(PA_EFORMAT, "task %d broke", ot->i);
    return 0;
}

/* Diamond-ish DAG: i depends on i/2 and i-1 for even i. */
static void check_order(int threads)
{
    pa_executor *ex = new_ex(threads);
    for (int rep = 0; rep < 20; rep++) {
        pa_graph *g;
        ck_assert_int_eq(pa_graph_new(ex, &g), 0);
        order_ctx o = {.fail_at = -1};
        order_task ot[64];
        for (int i = 0; i < 64; i++) {
            ot[i] = (order_task){&o, i};
            pa_task_id deps[2];
            size_t nd = 0;
            if (i > 0)
                deps[nd++] = (pa_task_id)(i / 2);
            if (i > 1 && i % 2 == 0)
                deps[nd++] = (pa_task_id)(i - 1);
            char name[16];
            snprintf(name, sizeof name, "t%d", i);
            pa_task_id id;
            ck_assert_int_eq(pa_graph_add(g, name, stamp_fn, &ot[i], deps, nd, &id), 0);
            ck_assert_int_eq(id, i);
        }
        ck_assert_int_eq(pa_graph_run(g), 0);
        for (int i = 1; i < 64; i++) {
            ck_assert_int_gt(o.stamp[i], o.stamp[i / 2]);
            if (i > 1 && i % 2 == 0)
                ck_assert_int_gt(o.stamp[i], o.stamp[i - 1]);
        }
        pa_task_status st;
        int rc = 1;
        ck_assert_int_eq(pa_graph_task_status(g, "t63", &st, &rc), 0);
        ck_assert_int_eq(st, PA_TASK_DONE);
        ck_assert_int_eq(rc, 0);
        ck_assert_int_eq(pa_graph_task_status(g, "nope", &st, &rc), PA_ENOTFOUND);
        pa_graph_free(g);
    }
    pa_executor_free(ex);
}

START_TEST(test_dependency_order_2)
{
    check_order(2);
}
END_TEST

START_TEST(test_dependency_order_1)
{
    check_order(1);
}
END_TEST

START_TEST(test_error_propagation)
{
    pa_executor *ex = new_ex(2);
    pa_graph *g;
    ck_assert_int_eq(pa_graph_new(ex, &g), 0);
    order_ctx o = {.fail_at = 1};
    order_task ot[4];
    pa_task_id a, b, c, d;
    for (int i = 0; i < 4; i++)
        ot[i] = (order_task){&o, i};
    ck_assert_int_eq(pa_graph_add(g, "a", stamp_fn, &ot[0], NULL, 0, &a), 0);
    ck_assert_int_eq(pa_graph_add(g, "b", stamp_fn, &ot[1], &a, 1, &b), 0);
    ck_assert_int_eq(pa_graph_add(g, "c", stamp_fn, &ot[2], &b, 1, &c), 0);
    ck_assert_int_eq(pa_graph_add(g, "d", stamp_fn, &ot[3], &c, 1, &d), 0);
    ck_assert_int_eq(pa_graph_run(g), PA_ETASK);
    ck_assert_ptr_nonnull(strstr(pa_last_error(), "'b'"));
    ck_assert_ptr_nonnull(strstr(pa_last_error(), "task 1 broke"));
    pa_task_status st;
    int rc;
    pa_graph_task_status(g, "a", &st, &rc);
    ck_assert_int_eq(st, PA_TASK_DONE);
    pa_graph_task_status(g, "b", &st, &rc);
    ck_assert_int_eq(st, PA_TASK_FAILED);
    ck_assert_int_eq(rc, PA_EFORMAT);
    pa_graph_task_status(g, "d", &st, &rc);
    ck_assert_int_eq(st, PA_TASK_CANCELLED);
    ck_assert_int_eq(o.stamp[2], 0);
    ck_assert_int_eq(o.stamp[3], 0);
    /* A second run after fixing the failure succeeds. */
    o.fail_at = -1;
    ck_assert_int_eq(pa_graph_run(g), 0);
    pa_graph_task_status(g, "d", &st, &rc);
    ck_assert_int_eq(st, PA_TASK_DONE);
    pa_graph_free(g);
    pa_executor_free(ex);
}
END_TEST

static int noop_fn(void *ctx, pa_task *t)
{
    (void)ctx;
    (void)t;
    return 0;
}

START_TEST(test_cycle_and_unknown_dep)
{
    pa_executor *ex = new_ex(2);
    pa_graph *g;
    atomic_int runs = 0;
    ck_assert_int_eq(pa_graph_new(ex, &g), 0);
    pa_task_id a, b;
    ck_assert_int_eq(pa_graph_add(g, "a", noop_fn, &runs, NULL, 0, &a), 0);
    ck_assert_int_eq(pa_graph_add(g, "b", noop_fn, &runs, &a, 1, &b), 0);
    ck_assert_int_eq(pa_graph_add(g, "a", noop_fn, NULL, NULL, 0, NULL), PA_EINVAL);
    pa_task_id bad = 7;
    ck_assert_int_eq(pa_graph_add(g, "x", noop_fn, NULL, &bad, 1, NULL), PA_EINVAL);
    ck_assert_int_eq(pa_graph_add_dep(g, a, b), 0); /* a after b: cycle */
    ck_assert_int_eq(pa_graph_run(g), PA_EINVAL);
    ck_assert_ptr_nonnull(strstr(pa_last_error(), "cycle"));
    pa_task_status st;
    pa_graph_task_status(g, "a", &st, NULL);
    ck_assert_int_eq(st, PA_TASK_PENDING);
    pa_graph_free(g);

    ck_assert_int_eq(pa_graph_new(ex, &g), 0);
    ck_assert_int_eq(pa_graph_add(g, "a", noop_fn, NULL, NULL, 0, NULL), 0);
    ck_assert_int_eq(pa_graph_add_dep_name(g, "a", "ghost"), 0);
    ck_assert_int_eq(pa_graph_run(g), PA_EINVAL);
    ck_assert_ptr_nonnull(strstr(pa_last_error(), "ghost"));
    pa_graph_free(g);

    /* Named deps may be declared before the tasks exist. */
    ck_assert_int_eq(pa_graph_new(ex, &g), 0);
    order_ctx o = {.fail_at = -1};
    order_task ot[2] = {{&o, 0}, {&o, 1}};
    ck_assert_int_eq(pa_graph_add_dep_name(g, "late", "early"), 0);
    ck_assert_int_eq(pa_graph_add(g, "late", stamp_fn, &ot[1], NULL, 0, NULL), 0);
    ck_assert_int_eq(pa_graph_add(g, "early", stamp_fn, &ot[0], NULL, 0, NULL), 0);
    ck_assert_int_eq(pa_graph_run(g), 0);
    ck_assert_int_lt(o.stamp[0], o.stamp[1]);
    pa_graph_free(g);
    pa_executor_free(ex);
}
END_TEST

/* ---- parallel loops -------------------------------------------------------- */

typedef struct {
    size_t chunk, begin, end;
    atomic_int bad_size, bad_worker, calls;
    atomic_long sum;
    int threads;
    atomic_int busy[8]; /* per worker: concurrent chunks on that index */
    size_t fail_at;     /* chunk containing this item fails; SIZE_MAX none */
    int no_busy_check;
} loop_ctx;

static int loop_fn(void *ctx, size_t lo, size_t hi, int worker)
{
    loop_ctx *c = ctx;
    atomic_fetch_add(&c->calls, 1);
    if (worker < 0 || worker >= c->threads) {
        atomic_fetch_add(&c->bad_worker, 1);
        return 0;
    }
    if (atomic_fetch_add(&c->busy[worker], 1) != 0 && !c->no_busy_check)
        atomic_fetch_add(&c->bad_worker, 1);
    if ((lo - c->begin) % c->chunk != 0 || (hi - lo != c->chunk && hi != c->end))
        atomic_fetch_add(&c->bad_size, 1);
    long s = 0;
    for (size_t i = lo; i < hi; i++)
        s += (long)i;
    atomic_fetch_add(&c->sum, s);
    atomic_fetch_sub(&c->busy[worker], 1);
    if (c->fail_at >= lo && c->fail_at < hi)
        return pai_error(PA_ERANGE, "item %zu is bad", c->fail_at);
    return 0;
}

START_TEST(test_parallel_for_exact_chunks)
{
    size_t chunks[] = {1, 3, 7, 64, 1000, 5000};
    for (int threads = 1; threads <= 2; threads++) {
        pa_executor *ex = new_ex(threads);
        for (size_t k = 0; k < sizeof chunks / sizeof chunks[0]; k++) {
            loop_ctx c = {.chunk = chunks[k], .begin = 5, .end = 2005, .threads = threads,
                          .fail_at = SIZE_MAX};
            ck_assert_int_eq(pa_parallel_for(ex, c.begin, c.end, c.chunk, loop_fn, &c), 0);
            ck_assert_int_eq(c.bad_size, 0);
            ck_assert_int_eq(c.bad_worker, 0);
            ck_assert_int_eq(c.calls, (int)((2000 + c.chunk - 1) / c.chunk));
            long expect = 0;
            for (size_t i = 5; i < 2005; i++)
                expect += (long)i;
            ck_assert_int_eq(c.sum, expect);
        }
        ck_assert_int_eq(pa_parallel_for(ex, 3, 3, 1, loop_fn, NULL), 0);
        pa_executor_free(ex);
    }
}
END_TEST

START_TEST(test_parallel_for_error_stops)
{
    pa_executor *ex = new_ex(2);
    loop_ctx c = {.chunk = 1, .begin = 0, .end = 100000, .threads = 2, .fail_at = 10};
    ck_assert_int_eq(pa_parallel_for(ex, c.begin, c.end, c.chunk, loop_fn, &c), PA_ERANGE);
    ck_assert_str_eq(pa_last_error(), "item 10 is bad");
    ck_assert_int_lt(c.calls, 100000);
    pa_executor_free(ex);
}
END_TEST

START_TEST(test_suggest_chunk)
{
    /* 1M items of 1 us on 2 threads: 100 items = 100 us, and >= 8 chunks. */
    ck_assert_uint_eq(pa_suggest_chunk(1000000, 2, 1000), 100);
    /* Expensive items: one per chunk. */
    ck_assert_uint_eq(pa_suggest_chunk(80, 2, 10000000), 1);
    /* Not enough work for both rules: balance wins (4 chunks per thread). */
    ck_assert_uint_eq(pa_suggest_chunk(100, 4, 10000), 7);
    /* Tiny total work: never below ~25 us per chunk, never above n. */
    ck_assert_uint_eq(pa_suggest_chunk(100, 4, 10), 100);
    ck_assert_uint_ge(pa_suggest_chunk(0, 4, 10), 1);
}
END_TEST

/* ---- nesting ---------------------------------------------------------------- */

typedef struct {
    atomic_long sum;
    int threads;
} nest_ctx;

static int nested_body(void *ctx, size_t lo, size_t hi, int worker)
{
    nest_ctx *n = ctx;
    if (worker < 0 || worker >= n->threads)
        return pai_error(PA_ERANGE, "worker %d out of range", worker);
    for (size_t i = lo; i < hi; i++)
        atomic_fetch_add(&n->sum, (long)i);
    return 0;
}

static int nested_for_task(void *ctx, pa_task *t)
{
    return pa_parallel_for(pa_task_executor(t), 0, 1000, 7, nested_body, ctx);
}

static int nested_graph_task(void *ctx, pa_task *t)
{
    pa_graph *g;
    int rc = pa_graph_new(pa_task_executor(t), &g);
    if (rc)
        return rc;
    for (int i = 0; i < 4 && rc == 0; i++)
        rc = pa_graph_add(g, NULL, nested_for_task, ctx, NULL, 0, NULL);
    if (rc == 0)
        rc = pa_graph_run(g);
    pa_graph_free(g);
    return rc;
}

static int outer_loop_body(void *ctx, size_t lo, size_t hi, int worker)
{
    (void)lo;
    (void)hi;
    (void)worker;
    nest_ctx *n = ctx;
    extern pa_executor *nest_ex;
    return pa_parallel_for(nest_ex, 0, 1000, 13, nested_body, n);
}
pa_executor *nest_ex;

static void check_nested(int threads)
{
    pa_executor *ex = new_ex(threads);
    nest_ctx n = {.threads = threads};
    pa_graph *g;
    ck_assert_int_eq(pa_graph_new(ex, &g), 0);
    for (int i = 0; i < 8; i++)
        ck_assert_int_eq(pa_graph_add(g, NULL, nested_for_task, &n, NULL, 0, NULL), 0);
    for (int i = 0; i < 3; i++)
        ck_assert_int_eq(pa_graph_add(g, NULL, nested_graph_task, &n, NULL, 0, NULL), 0);
    ck_assert_int_eq(pa_graph_run(g), 0);
    ck_assert_int_eq(n.sum, (8 + 3 * 4) * 499500L);
    pa_graph_free(g);
    /* Loop inside a loop. */
    nest_ex = ex;
    n.sum = 0;
    ck_assert_int_eq(pa_parallel_for(ex, 0, 10, 1, outer_loop_body, &n), 0);
    ck_assert_int_eq(n.sum, 10 * 499500L);
    pa_executor_free(ex);
}

START_TEST(test_nested_2)
{
    check_nested(2);
}
END_TEST

START_TEST(test_nested_1)
{
    check_nested(1);
}
END_TEST

/* ---- cancellation ------------------------------------------------------------ */

typedef struct {
    pa_executor *ex;
    pa_cancel_token *tok;
    atomic_int started;
    int self_cancel; /* the task raises the token itself */
} cancel_ctx;

static int spin_task(void *ctx, pa_task *t)
{
    cancel_ctx *c = ctx;
    atomic_fetch_add(&c->started, 1);
    if (c->self_cancel)
        pa_cancel_token_cancel(c->tok);
    while (!pa_task_cancelled(t))
        usleep(100);
    return PA_ECANCELED;
}

static void *canceller(void *arg)
{
    cancel_ctx *c = arg;
    while (atomic_load(&c->started) == 0)
        usleep(100);
    if (c->tok)
        pa_cancel_token_cancel(c->tok);
    else
        pa_executor_cancel(c->ex);
    return NULL;
}

static void run_cancel(cancel_ctx *c)
{
    pa_graph *g;
    ck_assert_int_eq(pa_graph_new(c->ex, &g), 0);
    pa_graph_set_cancel_token(g, c->tok);
    pa_task_id first;
    ck_assert_int_eq(pa_graph_add(g, "spin", spin_task, c, NULL, 0, &first), 0);
    ck_assert_int_eq(pa_graph_add(g, "after", noop_fn, NULL, &first, 1, NULL), 0);
    pthread_t th;
    if (!c->self_cancel)
        pthread_create(&th, NULL, canceller, c);
    ck_assert_int_eq(pa_graph_run(g), PA_ECANCELED);
    if (!c->self_cancel)
        pthread_join(th, NULL);
    pa_task_status st;
    pa_graph_task_status(g, "after", &st, NULL);
    ck_assert_int_eq(st, PA_TASK_CANCELLED);
    pa_graph_free(g);
}

START_TEST(test_cancel_from_thread)
{
    cancel_ctx c = {.ex = new_ex(2)};
    run_cancel(&c); /* pa_executor_cancel */
    /* Work started after the cancel is unaffected. */
    loop_ctx l = {.chunk = 4, .begin = 0, .end = 100, .threads = 2, .fail_at = SIZE_MAX};
    ck_assert_int_eq(pa_parallel_for(c.ex, 0, 100, 4, loop_fn, &l), 0);
    ck_assert_int_eq(pa_cancel_token_new(&c.tok), 0);
    c.started = 0;
    run_cancel(&c); /* token from another thread */
    ck_assert_int_eq(pa_cancel_token_cancelled(c.tok), 1);
    pa_cancel_token_reset(c.tok);
    c.started = 0;
    c.self_cancel = 1;
    run_cancel(&c); /* token from the task itself */
    pa_cancel_token_free(c.tok);
    pa_executor_free(c.ex);
}
END_TEST

static int cancel_loop_body(void *ctx, size_t lo, size_t hi, int worker)
{
    (void)hi;
    (void)worker;
    if (lo == 3)
        pa_cancel_token_cancel(ctx);
    return 0;
}

START_TEST(test_cancel_loop)
{
    pa_executor *ex = new_ex(1);
    pa_cancel_token *tok;
    ck_assert_int_eq(pa_cancel_token_new(&tok), 0);
    ck_assert_int_eq(pa_parallel_for_cancel(ex, 0, 1000, 1, cancel_loop_body, tok, tok),
                     PA_ECANCELED);
    pa_cancel_token_free(tok);
    pa_executor_free(ex);
}
END_TEST

/* ---- determinism with one thread --------------------------------------------- */

typedef struct {
    int order[32];
    int n;
} seq_ctx;
typedef struct {
    seq_ctx *s;
    int i;
} seq_task;

static int seq_fn(void *ctx, pa_task *t)
{
    seq_task *st = ctx;
    if (pa_task_worker(t) != 0)
        return pai_error(PA_ERANGE, "worker %d with one thread", pa_task_worker(t));
    st->s->order[st->s->n++] = st->i;
    return 0;
}

START_TEST(test_one_thread_deterministic)
{
    pa_executor *ex = new_ex(1);
    int first[32];
    for (int rep = 0; rep < 5; rep++) {
        pa_graph *g;
        ck_assert_int_eq(pa_graph_new(ex, &g), 0);
        seq_ctx s = {.n = 0};
        seq_task t[32];
        for (int i = 0; i < 32; i++) {
            t[i] = (seq_task){&s, i};
            pa_task_id dep = (pa_task_id)(i / 3);
            ck_assert_int_eq(pa_graph_add(g, NULL, seq_fn, &t[i], &dep, i ? 1 : 0, NULL), 0);
        }
        ck_assert_int_eq(pa_graph_run(g), 0);
        ck_assert_int_eq(s.n, 32);
        if (rep == 0)
            memcpy(first, s.order, sizeof first);
        else
            ck_assert_int_eq(memcmp(first, s.order, sizeof first), 0);
        pa_graph_free(g);
    }
    pa_executor_free(ex);
}
END_TEST

/* ---- metrics ------------------------------------------------------------------ */

START_TEST(test_metrics_percentiles)
{
    pa_metrics *m;
    ck_assert_int_eq(pa_metrics_new(&m), 0);
    for (uint64_t i = 1; i <= 1000; i++)
        ck_assert_int_eq(pa_metrics_record(m, "read", i * 1000), 0);
    pa_metrics_record(m, "parse \"x\"", 5);
    pa_stage_stats st;
    ck_assert_int_eq(pa_metrics_stage(m, "read", &st), 0);
    ck_assert_uint_eq(st.count, 1000);
    ck_assert_uint_eq(st.p50_ns, 500000);
    ck_assert_uint_eq(st.p95_ns, 950000);
    ck_assert_uint_eq(st.p99_ns, 990000);
    ck_assert_uint_eq(st.min_ns, 1000);
    ck_assert_uint_eq(st.max_ns, 1000000);
    ck_assert_uint_eq(st.total_ns, 500500000);
    ck_assert_int_eq(pa_metrics_stage(m, "nope", &st), PA_ENOTFOUND);
    ck_assert_uint_eq(pa_metrics_stage_count(m), 2);
    ck_assert_str_eq(pa_metrics_stage_name(m, 0), "read");
    char *json;
    ck_assert_int_eq(pa_metrics_to_json(m, &json), 0);
    ck_assert_ptr_nonnull(strstr(json, "\"read\":{\"count\":1000,"));
    ck_assert_ptr_nonnull(strstr(json, "\"parse \\\"x\\\"\""));
    ck_assert_ptr_nonnull(strstr(json, "\"p99_ns\":990000"));
    free(json);
    pa_metrics_reset(m);
    ck_assert_uint_eq(pa_metrics_stage_count(m), 0);
    pa_metrics_free(m);
}
END_TEST

static int rec_body(void *ctx, size_t lo, size_t hi, int worker)
{
    (void)worker;
    for (size_t i = lo; i < hi; i++)
        pa_metrics_record(ctx, (i & 1) ? "odd" : "even", i);
    return 0;
}

START_TEST(test_metrics_threaded_and_graph_tasks)
{
    pa_metrics *m;
    ck_assert_int_eq(pa_metrics_new(&m), 0);
    pa_executor *ex;
    pa_executor_opts o = PA_EXECUTOR_OPTS_INIT;
    o.threads = 2;
    o.metrics = m;
    ck_assert_int_eq(pa_executor_new(&ex, &o), 0);
    ck_assert_int_eq(pa_parallel_for(ex, 0, 20000, 100, rec_body, m), 0);
    pa_stage_stats st;
    ck_assert_int_eq(pa_metrics_stage(m, "odd", &st), 0);
    ck_assert_uint_eq(st.count, 10000);
    pa_graph *g;
    ck_assert_int_eq(pa_graph_new(ex, &g), 0);
    ck_assert_int_eq(pa_graph_add(g, "stage-a", noop_fn, NULL, NULL, 0, NULL), 0);
    ck_assert_int_eq(pa_graph_run(g), 0);
    ck_assert_int_eq(pa_graph_run(g), 0);
    ck_assert_int_eq(pa_metrics_stage(m, "stage-a", &st), 0);
    ck_assert_uint_eq(st.count, 2);
    pa_graph_free(g);
    pa_executor_free(ex);
    pa_metrics_free(m);
}
END_TEST

/* ---- progress, two executors, bad arguments ------------------------------------- */

typedef struct {
    size_t last, calls, total;
    int monotonic;
} prog_ctx;

static void on_progress(void *ud, size_t done, size_t total)
{
    prog_ctx *p = ud;
    if (done < p->last)
        p->monotonic = 0;
    p->last = done;
    p->total = total;
    p->calls++;
}

START_TEST(test_progress_and_two_executors)
{
    prog_ctx p = {.monotonic = 1};
    pa_executor *a, *b;
    pa_executor_opts o = PA_EXECUTOR_OPTS_INIT;
    o.threads = 2;
    o.progress = on_progress;
    o.progress_ud = &p;
    ck_assert_int_eq(pa_executor_new(&a, &o), 0);
    b = new_ex(1);
    loop_ctx c = {.chunk = 10, .begin = 0, .end = 1000, .threads = 2, .fail_at = SIZE_MAX};
    ck_assert_int_eq(pa_parallel_for(a, 0, 1000, 10, loop_fn, &c), 0);
    ck_assert_int_eq(p.monotonic, 1);
    ck_assert_uint_eq(p.last, 1000);
    ck_assert_uint_eq(p.total, 1000);
    ck_assert_uint_eq(p.calls, 100);
    loop_ctx c1 = {.chunk = 10, .begin = 0, .end = 1000, .threads = 1, .fail_at = SIZE_MAX};
    ck_assert_int_eq(pa_parallel_for(b, 0, 1000, 10, loop_fn, &c1), 0);
    pa_executor_free(b);
    pa_executor_free(a);

    pa_executor *ex;
    o.threads = -1;
    ck_assert_int_eq(pa_executor_new(&ex, &o), PA_EINVAL);
    o = (pa_executor_opts)PA_EXECUTOR_OPTS_INIT;
    o.version = 99;
    ck_assert_int_eq(pa_executor_new(&ex, &o), PA_EINVAL);
    ck_assert_int_eq(pa_executor_new(&ex, NULL), 0);
    ck_assert_int_ge(pa_executor_threads(ex), 1);
    ck_assert_int_eq(pa_parallel_for(ex, 0, 10, 1, NULL, NULL), PA_EINVAL);
    pa_executor_free(ex);
    pa_executor_free(NULL);
    pa_graph_free(NULL);
    pa_metrics_free(NULL);
    pa_cancel_token_free(NULL);
}
END_TEST

/* ---- several external threads share one executor ----------------------------------- */

typedef struct {
    pa_executor *ex;
    int threads;
    atomic_int errors;
    char first[256]; /* what went wrong first, for the failure message */
} share_ctx;

static void share_fail(share_ctx *s, const char *what, int rc, int bad, int calls)
{
    if (atomic_fetch_add(&s->errors, 1) == 0)
        snprintf(s->first, sizeof s->first, "%s: rc %d (%s) bad %d calls %d", what, rc,
                 pa_last_error(), bad, calls);
}

static void *share_thread(void *arg)
{
    share_ctx *s = arg;
    for (int r = 0; r < 50; r++) {
        /* threads = 1 with several callers may repeat index 0 (executor.h): range only */
        loop_ctx c = {.chunk = 10, .begin = 0, .end = 500, .threads = s->threads,
                      .fail_at = SIZE_MAX, .no_busy_check = s->threads == 1};
        int lrc = pa_parallel_for(s->ex, 0, 500, 10, loop_fn, &c);
        if (lrc != 0 || c.bad_worker || c.calls != 50)
            share_fail(s, "loop", lrc, c.bad_worker, c.calls);
        pa_graph *g;
        nest_ctx nc = {.threads = s->threads};
        int grc = pa_graph_new(s->ex, &g);
        if (grc == 0)
            grc = pa_graph_add(g, NULL, nested_for_task, &nc, NULL, 0, NULL);
        if (grc == 0)
            grc = pa_graph_run(g);
        if (grc != 0)
            share_fail(s, "graph", grc, 0, 0);
        pa_graph_free(g);
    }
    return NULL;
}

START_TEST(test_shared_by_threads)
{
    for (int threads = 1; threads <= 2; threads++) {
        share_ctx s = {.ex = new_ex(threads), .threads = threads};
        pthread_t th[3];
        for (int i = 0; i < 3; i++)
            pthread_create(&th[i], NULL, share_thread, &s);
        for (int i = 0; i < 3; i++)
            pthread_join(th[i], NULL);
        pa_executor_free(s.ex);
        ck_assert_msg(s.errors == 0, "threads %d: %d errors, first: %s", threads, s.errors,
                      s.first);
    }
}
END_TEST

/* ---- allocation failures never crash or leak ------------------------------------- */

START_TEST(test_alloc_failures)
{
    for (uint64_t k = 1; k < 40; k++) {
        pai_alloc_fail_after(k);
        pa_executor *ex = NULL;
        pa_graph *g = NULL;
        int rc = pa_executor_new(&ex, NULL);
        if (rc == 0)
            rc = pa_graph_new(ex, &g);
        for (int i = 0; i < 5 && rc == 0; i++) {
            char name[16];
            snprintf(name, sizeof name, "n%d", i);
            pa_task_id dep = 0;
            rc = pa_graph_add(g, name, noop_fn, NULL, &dep, i ? 1 : 0, NULL);
        }
        if (rc == 0)
            rc = pa_graph_add_dep_name(g, "n4", "n1");
        if (rc == 0)
            rc = pa_graph_run(g);
        ck_assert(rc == 0 || rc == PA_ENOMEM);
        pai_alloc_fail_after(0);
        pa_graph_free(g);
        pa_executor_free(ex);
    }
}
END_TEST

/* ThreadSanitizer builds: keep enough history to restore the stacks of old
 * accesses, so reports on memory TBB recycled can be matched by tsan.supp. */
const char *__tsan_default_options(void);
const char *__tsan_default_options(void) { return "history_size=7"; }

int main(void)
{
    Suite *s = suite_create("executor");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_dependency_order_2);
    tcase_add_test(tc, test_dependency_order_1);
    tcase_add_test(tc, test_error_propagation);
    tcase_add_test(tc, test_cycle_and_unknown_dep);
    tcase_add_test(tc, test_parallel_for_exact_chunks);
    tcase_add_test(tc, test_parallel_for_error_stops);
    tcase_add_test(tc, test_suggest_chunk);
    tcase_add_test(tc, test_nested_2);
    tcase_add_test(tc, test_nested_1);
    tcase_add_test(tc, test_cancel_from_thread);
    tcase_add_test(tc, test_cancel_loop);
    tcase_add_test(tc, test_one_thread_deterministic);
    tcase_add_test(tc, test_metrics_percentiles);
    tcase_add_test(tc, test_metrics_threaded_and_graph_tasks);
    tcase_add_test(tc, test_progress_and_two_executors);
    tcase_add_test(tc, test_shared_by_threads);
    tcase_add_test(tc, test_alloc_failures);
    suite_add_tcase(s, tc);
    return pa_run_suite(s);
}
