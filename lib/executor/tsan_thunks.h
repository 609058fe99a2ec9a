// tsan_thunks.h — the function objects executor.cc hands to oneTBB.
//
// They live in their own file so that ThreadSanitizer reports on them can be
// suppressed by file name (tests/tsan.supp: race_top:tsan_thunks.h): TBB
// copies them into task objects and passes those between threads through
// libtbb, which TSan does not see. The thunks only read their own fields and
// call into executor.cc, where the run's data is annotated properly.
#ifndef PAI_EXECUTOR_TSAN_THUNKS_H
#define PAI_EXECUTOR_TSAN_THUNKS_H

#include <oneapi/tbb/blocked_range.h>
#include <oneapi/tbb/task_arena.h>

#include <cstddef>
#include <cstdint>

#if defined(__SANITIZE_THREAD__)
extern "C" void __tsan_acquire(void *addr);
extern "C" void __tsan_release(void *addr);
#define PAI_TSAN_ACQUIRE(p) __tsan_acquire((void *)(p))
#define PAI_TSAN_RELEASE(p) __tsan_release((void *)(p))
#else
#define PAI_TSAN_ACQUIRE(p) ((void)0)
#define PAI_TSAN_RELEASE(p) ((void)0)
#endif

namespace pai_exec {

// Runs *f isolated inside the arena that executes the thunk.
template <class F> struct tsan_thunk_arena {
    F *f;
    void operator()() const
    {
        PAI_TSAN_ACQUIRE(f);
        tbb::this_task_arena::isolate(*f);
        PAI_TSAN_RELEASE(f);
    }
};

// One parallel_for leaf range: chunks [r.begin(), r.end()).
template <class L> struct tsan_thunk_loop {
    L *loop;
    void operator()(const tbb::blocked_range<size_t> &r) const
    {
        loop->run_chunks(r.begin(), r.end());
    }
};

// One graph task (and the ready successors it continues with).
template <class G> struct tsan_thunk_graph {
    G *gr;
    uint32_t i;
    void operator()() const { gr->exec(i); }
};

} // namespace pai_exec

#endif
