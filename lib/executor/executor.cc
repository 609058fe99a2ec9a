// executor.cc — executors (task arenas), task graphs, parallel loops and cancellation
// over oneTBB: the C++ side of the executor (plugin.h), reached through the table at
// the end of this file. Every entry point catches exceptions so that none crosses the
// C boundary; the library's services (errors, allocation, logging) come from the host.
#include "executor/plugin.h"

#include <oneapi/tbb/blocked_range.h>
#include <oneapi/tbb/global_control.h>
#include <oneapi/tbb/info.h>
#include <oneapi/tbb/parallel_for.h>
#include <oneapi/tbb/partitioner.h>
#include <oneapi/tbb/task_arena.h>
#include <oneapi/tbb/task_group.h>

#include "executor/tsan_thunks.h"

#include <atomic>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <new>
#include <string_view>
#include <type_traits>
#include <unordered_map>
#include <vector>

namespace {

const pai_exec_host *H; // set once by pai_executor_plugin_v1, before any executor

// Allocator routing C++ containers through pai_malloc (failure injection).
template <class T> struct pai_allocator {
    using value_type = T;
    pai_allocator() noexcept = default;
    template <class U> pai_allocator(const pai_allocator<U> &) noexcept {}
    T *allocate(size_t n)
    {
        if (n > SIZE_MAX / sizeof(T))
            throw std::bad_alloc();
        void *p = H->malloc(n * sizeof(T));
        if (!p)
            throw std::bad_alloc();
        return static_cast<T *>(p);
    }
    void deallocate(T *p, size_t) noexcept { H->free(p); }
    template <class U> bool operator==(const pai_allocator<U> &) const noexcept { return true; }
    template <class U> bool operator!=(const pai_allocator<U> &) const noexcept { return false; }
};
template <class T> using pvec = std::vector<T, pai_allocator<T>>;

// Objects created with pai_malloc + placement new.
template <class T, class... A> T *pai_new(A &&...a)
{
    void *p = H->malloc(sizeof(T));
    if (!p)
        return nullptr;
    return new (p) T(static_cast<A &&>(a)...);
}
template <class T> void pai_delete(T *p)
{
    if (p) {
        p->~T();
        H->free(p);
    }
}

// Translate a C++ exception into a code + message on this thread.
int from_exception()
{
    try {
        throw;
    } catch (const std::bad_alloc &) {
        return H->error(PA_ENOMEM, "out of memory");
    } catch (const std::exception &e) {
        return H->error(PA_ESTATE, "executor: %s", e.what());
    } catch (...) {
        return H->error(PA_ESTATE, "executor: unknown exception");
    }
}

// oneTBB caps its workers at the hardware concurrency and prints "TBB Warning: The
// number of workers is currently limited to ..." to stderr when an arena asks for more.
// The library never prints, so an executor asking for more threads than that first
// raises the process-wide limit. Only the largest limit so far is kept; it is never
// freed because it must outlive every arena.
std::mutex limit_mu;
tbb::global_control *limit_ctl;

void allow_threads(int n)
{
    using gc = tbb::global_control;
    std::lock_guard<std::mutex> lock(limit_mu);
    size_t active = gc::active_value(gc::max_allowed_parallelism);
    if ((size_t)n <= active)
        return;
    gc *c = new (std::nothrow) gc(gc::max_allowed_parallelism, (size_t)n);
    if (!c)
        return; // oneTBB then runs the arena with fewer workers, as before
    delete limit_ctl; // the newest, larger limit takes over
    limit_ctl = c;
    H->log(PA_LOG_INFO, "executor: %d threads, more than the %zu oneTBB allowed by default",
           n, active);
}

} // namespace

struct pa_executor {
    tbb::task_arena arena;
    int threads;
    pa_progress_fn progress;
    void *progress_ud;
    pa_metrics *metrics;
    std::mutex progress_mu;
    std::atomic<uint64_t> cancel_gen{0};
    explicit pa_executor(int n) : arena(n), threads(n) {}
};

namespace {

// State shared by the tasks of one graph run or one parallel loop. Nested runs
// point to their parent so that stopping an outer run stops the inner ones.
struct run_ctx {
    pa_executor *ex;
    const run_ctx *parent;
    pa_cancel_token *tok;
    uint64_t gen;
    std::atomic<int> stop{0};
    std::atomic<int> canceled{0};
    std::atomic<int> failed{0};
    int first_rc = 0;
    char first_name[128] = "";
    char first_msg[512] = "";
    std::atomic<size_t> done{0};

    bool stopped() const
    {
        for (const run_ctx *r = this; r; r = r->parent) {
            if (r->stop.load(std::memory_order_relaxed))
                return true;
            if (r->ex->cancel_gen.load(std::memory_order_relaxed) != r->gen)
                return true;
            if (r->tok && __atomic_load_n(&r->tok->flag, __ATOMIC_RELAXED))
                return true;
        }
        return false;
    }
    // Record the first failure (code + this thread's message) and stop the run.
    void fail(int rc, const char *name)
    {
        if (rc == PA_ECANCELED) {
            canceled.store(1);
        } else if (!failed.exchange(1)) {
            first_rc = rc;
            snprintf(first_name, sizeof first_name, "%s", name ? name : "");
            snprintf(first_msg, sizeof first_msg, "%s", H->last_error());
        }
        stop.store(1);
    }
    // Return code of the finished run, with the message set on this thread.
    int result(bool is_graph) const
    {
        if (failed.load()) {
            if (is_graph)
                return H->error(PA_ETASK, "task '%s' failed (%s)%s%s", first_name,
                                H->strerror(first_rc), first_msg[0] ? ": " : "", first_msg);
            return H->error(first_rc, "%s", first_msg);
        }
        if (canceled.load() || stopped())
            return H->error(PA_ECANCELED, "cancelled");
        return 0;
    }
    void report_progress(size_t add, size_t total)
    {
        if (parent || !ex->progress)
            return;
        std::lock_guard<std::mutex> lk(ex->progress_mu);
        size_t d = done.fetch_add(add) + add;
        ex->progress(ex->progress_ud, d, total);
    }
};

// initial-exec: static TLS even though the plugin is dlopened (8 bytes of glibc's surplus),
// so no dynamic TLS block per thread; LeakSanitizer (gcc 12) crashes scanning those.
thread_local const run_ctx *tl_run __attribute__((tls_model("initial-exec"))) = nullptr;

// Makes `r` the current run of this thread for the lifetime of the scope.
struct run_scope {
    const run_ctx *saved;
    explicit run_scope(const run_ctx *r) : saved(tl_run) { tl_run = r; }
    ~run_scope() { tl_run = saved; }
};

// Slot of this thread in the executor's arena, in [0, threads). An arena with a
// slot reserved for callers has at least 2 slots, so with threads = 1 a second
// calling thread may sit in slot 1: it is folded onto 0 (see executor.h).
int worker_index(const pa_executor *ex)
{
    int i = tbb::this_task_arena::current_thread_index();
    return i < 0 ? 0 : i >= ex->threads ? ex->threads - 1 : i;
}

// ThreadSanitizer cannot see the synchronization inside libtbb (it is not
// instrumented). Each run publishes the starting thread's writes to its tasks
// and each task's writes to later tasks and to the waiting thread through
// explicit acquire/release on the run object (macros in tsan_thunks.h). The
// only accesses left unseen are TBB's own hand-off of task objects: reads in
// the tsan_thunk_* trampolines and in TBB headers (suppressed in tests/tsan.supp).

// Runs f inside the executor's arena, isolated so that a thread waiting for
// nested work never picks up unrelated outer tasks (keeps per-worker scratch safe).
template <class F> void in_arena(pa_executor *ex, F &&f)
{
    using FT = typename std::remove_reference<F>::type;
    PAI_TSAN_RELEASE(&f); // execute() may hand f to another thread of the arena
    ex->arena.execute(pai_exec::tsan_thunk_arena<FT>{&f});
    PAI_TSAN_ACQUIRE(&f);
}

} // namespace

static int x_current_stopped(void)
{
    return tl_run && tl_run->stopped();
}

/* ---- executor ---------------------------------------------------------------- */

static int x_executor_new(pa_executor **out, const pa_executor_opts *opts)
{
    if (!out)
        return H->error(PA_EINVAL, "pa_executor_new: out is NULL");
    *out = nullptr;
    pa_executor_opts o = PA_EXECUTOR_OPTS_INIT;
    if (opts) {
        if (opts->version < 1 || opts->version > PA_EXECUTOR_OPTS_VERSION)
            return H->error(PA_EINVAL, "pa_executor_opts: unknown version %u", opts->version);
        o = *opts;
    }
    if (o.threads < 0 || o.threads > 4096)
        return H->error(PA_EINVAL, "pa_executor_new: threads must be in [0, 4096], got %d",
                        o.threads);
    try {
        int n = o.threads ? o.threads : tbb::info::default_concurrency();
        if (n < 1)
            n = 1;
        allow_threads(n);
        pa_executor *ex = pai_new<pa_executor>(n);
        if (!ex)
            return H->error(PA_ENOMEM, "out of memory");
        ex->progress = o.progress;
        ex->progress_ud = o.progress_ud;
        ex->metrics = o.metrics;
        try {
            ex->arena.initialize();
        } catch (...) {
            pai_delete(ex);
            throw;
        }
        *out = ex;
        return 0;
    } catch (...) {
        return from_exception();
    }
}

static void x_executor_free(pa_executor *ex)
{
    try {
        pai_delete(ex);
    } catch (...) {
    }
}

static int x_executor_threads(const pa_executor *ex) { return ex ? ex->threads : 0; }

static void x_executor_cancel(pa_executor *ex)
{
    if (ex)
        ex->cancel_gen.fetch_add(1);
}

/* ---- parallel loops ------------------------------------------------------------- */

namespace {

struct loop_state {
    run_ctx run;
    size_t begin, end, chunk, n;
    pa_range_fn fn;
    void *ctx;

    // Chunks [r.begin(), r.end()) of the loop (one chunk with simple_partitioner).
    void run_chunks(size_t c0, size_t c1)
    {
        PAI_TSAN_ACQUIRE(&run);
        run_scope scope(&run);
        for (size_t c = c0; c != c1; c++) {
            if (run.stopped())
                break;
            size_t lo = begin + c * chunk;
            size_t hi = (end - lo) > chunk ? lo + chunk : end;
            int rc;
            try {
                rc = fn(ctx, lo, hi, worker_index(run.ex));
            } catch (...) {
                rc = from_exception();
            }
            if (rc < 0) {
                run.fail(rc, nullptr);
                break;
            }
            run.report_progress(hi - lo, n);
        }
        PAI_TSAN_RELEASE(&run);
    }
};

} // namespace

static int x_parallel_for_cancel(pa_executor *ex, size_t begin, size_t end,
                                 size_t chunk, pa_range_fn fn, void *ctx,
                                 pa_cancel_token *tok)
{
    if (!ex || !fn)
        return H->error(PA_EINVAL, "pa_parallel_for: executor and fn are required");
    if (end <= begin)
        return 0;
    size_t n = end - begin;
    size_t nchunks = n / chunk + (n % chunk != 0);
    try {
        loop_state L;
        L.run.ex = ex;
        L.run.parent = tl_run;
        L.run.tok = tok;
        L.run.gen = ex->cancel_gen.load();
        L.begin = begin;
        L.end = end;
        L.chunk = chunk;
        L.n = n;
        L.fn = fn;
        L.ctx = ctx;
        PAI_TSAN_RELEASE(&L.run);
        in_arena(ex, [&] {
            tbb::task_group_context tgc(tbb::task_group_context::isolated);
            // grain 1 + simple_partitioner: every leaf range is exactly one chunk
            tbb::parallel_for(tbb::blocked_range<size_t>(0, nchunks, 1),
                              pai_exec::tsan_thunk_loop<loop_state>{&L}, tbb::simple_partitioner(),
                              tgc);
        });
        PAI_TSAN_ACQUIRE(&L.run);
        return L.run.result(false);
    } catch (...) {
        return from_exception();
    }
}

/* ---- task graphs ----------------------------------------------------------------- */

namespace {

struct gtask {
    char *name = nullptr; // owned, pai_malloc'd; NULL for unnamed tasks
    pa_task_fn fn = nullptr;
    void *ctx = nullptr;
    pvec<pa_task_id> deps;
    // per run:
    pvec<pa_task_id> succ;
    std::atomic<uint32_t> pending{0};
    std::atomic<int> status{PA_TASK_PENDING};
    int rc = 0;
    std::atomic<size_t> prog_done{0}, prog_total{0};
    uint64_t elapsed_ns = 0;
    ~gtask() { H->free(name); }
};

struct name_dep {
    char *task, *dep;
};

} // namespace

struct pa_task {
    pa_executor *ex;
    gtask *t;
    const run_ctx *run;
    int worker;
};

struct pa_graph {
    pa_executor *ex;
    pa_cancel_token *tok = nullptr;
    pvec<gtask *> tasks;
    std::unordered_map<std::string_view, pa_task_id, std::hash<std::string_view>,
                       std::equal_to<std::string_view>,
                       pai_allocator<std::pair<const std::string_view, pa_task_id>>>
        by_name;
    pvec<name_dep> name_deps;
    bool running = false;
    explicit pa_graph(pa_executor *e) : ex(e) {}
    ~pa_graph()
    {
        for (gtask *t : tasks)
            pai_delete(t);
        for (name_dep &d : name_deps) {
            H->free(d.task);
            H->free(d.dep);
        }
    }
    gtask *find(const char *name) const
    {
        if (!name)
            return nullptr;
        auto it = by_name.find(std::string_view(name));
        return it == by_name.end() ? nullptr : tasks[it->second];
    }
};

static int x_task_cancelled(const pa_task *t) { return t && t->run->stopped(); }
static const char *x_task_name(const pa_task *t)
{
    return t && t->t && t->t->name ? t->t->name : "";
}
static pa_executor *x_task_executor(const pa_task *t) { return t ? t->ex : nullptr; }
static int x_task_worker(const pa_task *t) { return t ? t->worker : 0; }
static void x_task_progress(pa_task *t, size_t done, size_t total)
{
    if (!t || !t->t)
        return;
    t->t->prog_done.store(done, std::memory_order_relaxed);
    t->t->prog_total.store(total, std::memory_order_relaxed);
}

static int x_graph_new(pa_executor *ex, pa_graph **out)
{
    if (!ex || !out)
        return H->error(PA_EINVAL, "pa_graph_new: executor and out are required");
    try {
        *out = pai_new<pa_graph>(ex);
        return *out ? 0 : H->error(PA_ENOMEM, "out of memory");
    } catch (...) {
        *out = nullptr;
        return from_exception();
    }
}

static void x_graph_free(pa_graph *g)
{
    try {
        pai_delete(g);
    } catch (...) {
    }
}

static size_t x_graph_size(const pa_graph *g) { return g ? g->tasks.size() : 0; }

static int x_graph_set_cancel_token(pa_graph *g, pa_cancel_token *t)
{
    if (!g)
        return H->error(PA_EINVAL, "pa_graph_set_cancel_token: graph is NULL");
    g->tok = t;
    return 0;
}

static int x_graph_add(pa_graph *g, const char *name, pa_task_fn fn, void *ctx,
                       const pa_task_id *deps, size_t ndeps, pa_task_id *id)
{
    if (!g || !fn || (ndeps && !deps))
        return H->error(PA_EINVAL, "pa_graph_add: graph and fn are required");
    if (g->running)
        return H->error(PA_ESTATE, "pa_graph_add: the graph is running");
    if (g->tasks.size() >= UINT32_MAX - 1)
        return H->error(PA_ERANGE, "pa_graph_add: too many tasks");
    if (name && g->find(name))
        return H->error(PA_EINVAL, "pa_graph_add: duplicate task name '%s'", name);
    pa_task_id self = (pa_task_id)g->tasks.size();
    for (size_t i = 0; i < ndeps; i++)
        if (deps[i] >= self)
            return H->error(PA_EINVAL, "pa_graph_add: unknown dependency id %u", deps[i]);
    gtask *t = nullptr;
    try {
        t = pai_new<gtask>();
        if (!t)
            return H->error(PA_ENOMEM, "out of memory");
        if (name && !(t->name = H->strdup(name))) {
            pai_delete(t);
            return H->error(PA_ENOMEM, "out of memory");
        }
        t->fn = fn;
        t->ctx = ctx;
        t->deps.assign(deps, deps + ndeps);
        g->tasks.push_back(t);
        try {
            if (t->name)
                g->by_name.emplace(std::string_view(t->name), self);
        } catch (...) {
            g->tasks.pop_back();
            throw;
        }
    } catch (...) {
        pai_delete(t);
        return from_exception();
    }
    if (id)
        *id = self;
    return 0;
}

static int x_graph_add_dep(pa_graph *g, pa_task_id task, pa_task_id dep)
{
    if (!g || task >= g->tasks.size() || dep >= g->tasks.size())
        return H->error(PA_EINVAL, "pa_graph_add_dep: unknown task id");
    if (g->running)
        return H->error(PA_ESTATE, "pa_graph_add_dep: the graph is running");
    try {
        g->tasks[task]->deps.push_back(dep);
        return 0;
    } catch (...) {
        return from_exception();
    }
}

static int x_graph_add_dep_name(pa_graph *g, const char *task, const char *dep)
{
    if (!g || !task || !dep)
        return H->error(PA_EINVAL, "pa_graph_add_dep_name: graph and names are required");
    if (g->running)
        return H->error(PA_ESTATE, "pa_graph_add_dep_name: the graph is running");
    name_dep d = {H->strdup(task), H->strdup(dep)};
    if (!d.task || !d.dep) {
        H->free(d.task);
        H->free(d.dep);
        return H->error(PA_ENOMEM, "out of memory");
    }
    try {
        g->name_deps.push_back(d);
        return 0;
    } catch (...) {
        H->free(d.task);
        H->free(d.dep);
        return from_exception();
    }
}

namespace {

// Resolve named dependencies, build successor lists and reject cycles.
// Returns the ids of the tasks without dependencies in *roots.
int prepare(pa_graph *g, pvec<pa_task_id> &roots)
{
    size_t n = g->tasks.size();
    pvec<uint32_t> indeg(n, 0);
    for (gtask *t : g->tasks)
        t->succ.clear();
    for (pa_task_id i = 0; i < n; i++)
        for (pa_task_id d : g->tasks[i]->deps) {
            g->tasks[d]->succ.push_back(i);
            indeg[i]++;
        }
    for (const name_dep &nd : g->name_deps) {
        auto ti = g->by_name.find(std::string_view(nd.task));
        auto di = g->by_name.find(std::string_view(nd.dep));
        if (ti == g->by_name.end() || di == g->by_name.end())
            return H->error(PA_EINVAL, "graph: dependency '%s' -> '%s' names an unknown task",
                            nd.task, nd.dep);
        g->tasks[di->second]->succ.push_back(ti->second);
        indeg[ti->second]++;
    }
    // Kahn's algorithm: any task never reaching in-degree 0 lies on or after a cycle.
    pvec<uint32_t> left(indeg);
    pvec<pa_task_id> queue;
    queue.reserve(n);
    for (pa_task_id i = 0; i < n; i++)
        if (!indeg[i])
            queue.push_back(i);
    roots.assign(queue.begin(), queue.end());
    for (size_t q = 0; q < queue.size(); q++)
        for (pa_task_id s : g->tasks[queue[q]]->succ)
            if (--left[s] == 0)
                queue.push_back(s);
    if (queue.size() != n) {
        for (pa_task_id i = 0; i < n; i++)
            if (left[i]) {
                const char *nm = g->tasks[i]->name;
                return H->error(PA_EINVAL, "graph: dependency cycle through task '%s' (#%u)",
                                nm ? nm : "", i);
            }
    }
    for (pa_task_id i = 0; i < n; i++) {
        gtask *t = g->tasks[i];
        t->pending.store(indeg[i], std::memory_order_relaxed);
        t->status.store(PA_TASK_PENDING, std::memory_order_relaxed);
        t->rc = 0;
        t->elapsed_ns = 0;
        t->prog_done.store(0, std::memory_order_relaxed);
        t->prog_total.store(0, std::memory_order_relaxed);
    }
    return 0;
}

struct graph_runner {
    pa_graph *g;
    run_ctx *run;
    tbb::task_group *tg;
    size_t total;

    void body(gtask *t)
    {
        if (run->stopped()) {
            t->status.store(PA_TASK_CANCELLED);
            return;
        }
        t->status.store(PA_TASK_RUNNING);
        pa_task h = {g->ex, t, run, worker_index(g->ex)};
        uint64_t t0 = H->now_ns();
        int rc;
        try {
            rc = t->fn(t->ctx, &h);
        } catch (...) {
            rc = from_exception();
        }
        t->elapsed_ns = H->now_ns() - t0;
        if (g->ex->metrics && t->name)
            H->metrics_record(g->ex->metrics, t->name, t->elapsed_ns);
        t->rc = rc;
        if (rc == PA_ECANCELED) {
            t->status.store(PA_TASK_CANCELLED);
            run->fail(rc, t->name);
        } else if (rc < 0) {
            t->status.store(PA_TASK_FAILED);
            run->fail(rc, t->name);
        } else {
            t->status.store(PA_TASK_DONE);
        }
        run->report_progress(1, total);
    }

    // Run task i, then its successors that became ready: all but one are
    // spawned, the last one continues on this thread (cheap chains).
    void exec(pa_task_id i)
    {
        PAI_TSAN_ACQUIRE(this); // before reading any field: the runner is the sync object
        run_scope scope(run);
        for (;;) {
            gtask *t = g->tasks[i];
            body(t);
            PAI_TSAN_RELEASE(this);
            pa_task_id next = UINT32_MAX;
            for (pa_task_id s : t->succ) {
                if (g->tasks[s]->pending.fetch_sub(1, std::memory_order_acq_rel) != 1)
                    continue;
                if (next != UINT32_MAX)
                    spawn(next);
                next = s;
            }
            if (next == UINT32_MAX)
                return;
            i = next;
        }
    }

    void spawn(pa_task_id i);
};

void graph_runner::spawn(pa_task_id i)
{
        try {
            tg->run(pai_exec::tsan_thunk_graph<graph_runner>{this, i});
        } catch (...) {
            // Could not queue it: run it here rather than losing it.
            run->fail(from_exception(), g->tasks[i]->name);
            exec(i);
        }
}

} // namespace

static int x_graph_run(pa_graph *g)
{
    if (!g)
        return H->error(PA_EINVAL, "pa_graph_run: graph is NULL");
    if (g->running)
        return H->error(PA_ESTATE, "pa_graph_run: the graph is already running");
    try {
        pvec<pa_task_id> roots;
        int rc = prepare(g, roots);
        if (rc < 0)
            return rc;
        if (g->tasks.empty())
            return 0;
        run_ctx run;
        run.ex = g->ex;
        run.parent = tl_run;
        run.tok = g->tok;
        run.gen = g->ex->cancel_gen.load();
        g->running = true;
        in_arena(g->ex, [&] {
            tbb::task_group_context tgc(tbb::task_group_context::isolated);
            tbb::task_group tg(tgc);
            graph_runner gr = {g, &run, &tg, g->tasks.size()};
            PAI_TSAN_RELEASE(&gr); // everything the tasks read is written by now
            try {
                for (size_t k = 1; k < roots.size(); k++)
                    gr.spawn(roots[k]);
                gr.exec(roots[0]);
            } catch (...) {
                run.fail(from_exception(), nullptr);
            }
            tg.wait();
            PAI_TSAN_ACQUIRE(&gr);
        });
        g->running = false;
        for (gtask *t : g->tasks) {
            int st = t->status.load();
            if (st == PA_TASK_PENDING || st == PA_TASK_RUNNING)
                t->status.store(PA_TASK_CANCELLED);
        }
        return run.result(true);
    } catch (...) {
        g->running = false;
        return from_exception();
    }
}

static int x_graph_task_status_id(const pa_graph *g, pa_task_id id,
                                  pa_task_status *status, int *rc)
{
    if (!g || id >= g->tasks.size())
        return H->error(PA_ENOTFOUND, "graph: no task #%u", id);
    const gtask *t = g->tasks[id];
    if (status)
        *status = (pa_task_status)t->status.load();
    if (rc)
        *rc = t->rc;
    return 0;
}

static int x_graph_task_status(const pa_graph *g, const char *name,
                               pa_task_status *status, int *rc)
{
    if (!g || !name)
        return H->error(PA_EINVAL, "pa_graph_task_status: graph and name are required");
    auto it = g->by_name.find(std::string_view(name));
    if (it == g->by_name.end())
        return H->error(PA_ENOTFOUND, "graph: no task named '%s'", name);
    return x_graph_task_status_id(g, it->second, status, rc);
}

static int x_graph_task_progress(const pa_graph *g, const char *name, size_t *done,
                                 size_t *total, uint64_t *elapsed_ns)
{
    if (!g || !name)
        return H->error(PA_EINVAL, "pa_graph_task_progress: graph and name are required");
    const gtask *t = g->find(name);
    if (!t)
        return H->error(PA_ENOTFOUND, "graph: no task named '%s'", name);
    if (done)
        *done = t->prog_done.load();
    if (total)
        *total = t->prog_total.load();
    if (elapsed_ns)
        *elapsed_ns = t->elapsed_ns;
    return 0;
}

/* ---- the plugin's table ------------------------------------------------------------ */

namespace {

const pai_exec_vtable vtable = {
    PAI_EXEC_PLUGIN_ABI, x_executor_new, x_executor_free, x_executor_threads,
    x_executor_cancel, x_current_stopped, x_parallel_for_cancel, x_task_cancelled,
    x_task_name, x_task_executor, x_task_worker, x_task_progress, x_graph_new, x_graph_free,
    x_graph_size, x_graph_set_cancel_token, x_graph_add, x_graph_add_dep,
    x_graph_add_dep_name, x_graph_run, x_graph_task_status_id, x_graph_task_status,
    x_graph_task_progress,
};

} // namespace

extern "C" __attribute__((visibility("default"))) const pai_exec_vtable *
pai_executor_plugin_v1(const pai_exec_host *host)
{
    if (!host || host->abi != PAI_EXEC_PLUGIN_ABI)
        return nullptr;
    H = host;
    return &vtable;
}
