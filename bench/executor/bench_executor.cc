// bench_executor — scheduling overhead of the executor vs raw oneTBB, same run.
//
// usage: bench_executor [THREADS] [REPEATS]
// Cases (empty task bodies, so only overhead is measured; best of REPEATS):
//   independent  N tasks, no dependencies:   pa_graph   vs tbb::task_group
//   chain        N tasks, each after the previous (N-1 edges): pa_graph vs tbb::flow::graph
//   fan          1 -> N/2 -> 1 diamond (N edges): pa_graph vs tbb::flow::graph
//   loop         N chunks of 1 item:         pa_parallel_for vs tbb::parallel_for(simple)
// Graph build time is included for both (pa_graph_add / make_edge), as a user would pay it.
#include <panalyzer.h>

#include <oneapi/tbb/flow_graph.h>
#include <oneapi/tbb/parallel_for.h>
#include <oneapi/tbb/task_arena.h>
#include <oneapi/tbb/task_group.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <memory>
#include <vector>

static double now_s()
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

static double best_of(int reps, const std::function<void()> &f)
{
    double best = 1e30;
    for (int r = 0; r < reps; r++) {
        double t0 = now_s();
        f();
        double t = now_s() - t0;
        if (t < best)
            best = t;
    }
    return best;
}

static int empty_task(void *, pa_task *) { return 0; }
static int empty_range(void *, size_t, size_t, int) { return 0; }

static void check(int rc, const char *what)
{
    if (rc != 0) {
        fprintf(stderr, "%s failed: %s\n", what, pa_last_error());
        exit(1);
    }
}

enum shape { INDEPENDENT, CHAIN, FAN };

static void pa_case(pa_executor *ex, size_t n, shape s)
{
    pa_graph *g;
    check(pa_graph_new(ex, &g), "pa_graph_new");
    pa_task_id first = 0, last = 0;
    if (s == FAN)
        check(pa_graph_add(g, nullptr, empty_task, nullptr, nullptr, 0, &first), "add");
    std::vector<pa_task_id> mids;
    for (size_t i = 0; i < (s == FAN ? n / 2 : n); i++) {
        pa_task_id id;
        const pa_task_id *deps = s == CHAIN && i ? &last : s == FAN ? &first : nullptr;
        check(pa_graph_add(g, nullptr, empty_task, nullptr, deps, deps ? 1 : 0, &id), "add");
        last = id;
        if (s == FAN)
            mids.push_back(id);
    }
    if (s == FAN)
        check(pa_graph_add(g, nullptr, empty_task, nullptr, mids.data(), mids.size(), nullptr),
              "add");
    check(pa_graph_run(g), "pa_graph_run");
    pa_graph_free(g);
}

static void tbb_case(tbb::task_arena &arena, size_t n, shape s)
{
    arena.execute([&] {
        if (s == INDEPENDENT) {
            tbb::task_group tg;
            for (size_t i = 0; i < n; i++)
                tg.run([] {});
            tg.wait();
            return;
        }
        using node = tbb::flow::continue_node<tbb::flow::continue_msg>;
        tbb::flow::graph g;
        std::vector<std::unique_ptr<node>> nodes;
        auto body = [](const tbb::flow::continue_msg &) {};
        if (s == CHAIN) {
            for (size_t i = 0; i < n; i++) {
                nodes.emplace_back(new node(g, body));
                if (i)
                    tbb::flow::make_edge(*nodes[i - 1], *nodes[i]);
            }
        } else {
            nodes.emplace_back(new node(g, body));
            auto sink = std::make_unique<node>(g, body);
            for (size_t i = 0; i < n / 2; i++) {
                nodes.emplace_back(new node(g, body));
                tbb::flow::make_edge(*nodes[0], *nodes.back());
                tbb::flow::make_edge(*nodes.back(), *sink);
            }
            nodes.push_back(std::move(sink));
        }
        nodes[0]->try_put(tbb::flow::continue_msg());
        g.wait_for_all();
    });
}

int main(int argc, char **argv)
{
    int threads = argc > 1 ? atoi(argv[1]) : 2;
    int reps = argc > 2 ? atoi(argv[2]) : 5;
    pa_executor *ex;
    pa_executor_opts eo = PA_EXECUTOR_OPTS_INIT;
    eo.threads = threads;
    check(pa_executor_new(&ex, &eo), "pa_executor_new");
    tbb::task_arena arena(threads);
    printf("executor overhead, %d threads, best of %d (ns per task or per chunk)\n", threads,
           reps);
    printf("%-12s %8s %12s %12s %8s\n", "case", "n", "libpanalyzer", "oneTBB", "ratio");
    const char *names[] = {"independent", "chain", "fan"};
    for (size_t n : {10000, 100000}) {
        for (int s = INDEPENDENT; s <= FAN; s++) {
            double tp = best_of(reps, [&] { pa_case(ex, n, (shape)s); });
            double tt = best_of(reps, [&] { tbb_case(arena, n, (shape)s); });
            printf("%-12s %8zu %12.0f %12.0f %7.2fx\n", names[s], n, tp * 1e9 / n, tt * 1e9 / n,
                   tp / tt);
        }
        double tp = best_of(reps, [&] { check(pa_parallel_for(ex, 0, n, 1, empty_range, nullptr), "for"); });
        double tt = best_of(reps, [&] {
            arena.execute([&] {
                tbb::parallel_for(tbb::blocked_range<size_t>(0, n, 1),
                                  [](const tbb::blocked_range<size_t> &) {},
                                  tbb::simple_partitioner());
            });
        });
        printf("%-12s %8zu %12.0f %12.0f %7.2fx\n", "loop chunk=1", n, tp * 1e9 / n, tt * 1e9 / n,
               tp / tt);
    }
    pa_executor_free(ex);
    return 0;
}
