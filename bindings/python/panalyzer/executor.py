"""The executor: a sized pool of worker threads, task graphs, parallel loops,
cancellation and latency metrics.

Python callables can be tasks and loop bodies. The C call that runs them
(Graph.run, parallel_for) releases the GIL, and each callback re-acquires it on
the worker thread that runs it: Python bodies therefore run one at a time, so
the parallelism pays off when bodies call back into the library (which releases
the GIL again) or numpy, not for pure-Python work.

An exception raised by a task fails the run: Graph.run() re-raises the first
one (its __cause__ is the original exception, and the others are cancelled).
"""
from __future__ import annotations

from typing import Callable, Iterable
import json
import threading
import weakref

from ._ffi import check, ffi, lib, new_opts, string
from .errors import Canceled, TaskError

_libc = None


def _free_c(p):
    """Release memory the library documents as malloc()'d (pa_metrics_to_json)."""
    global _libc
    if _libc is None:
        ffi.cdef("void free(void *);", override=True)
        _libc = ffi.dlopen(None)
    _libc.free(p)


def _live(ptr, what):
    """The C handle, or StateError when the object was closed."""
    if ptr is None:
        from .errors import StateError
        raise StateError(lib.PA_ESTATE, "%s is closed" % what)
    return ptr


class Metrics:
    """Per-stage latency samples (thread-safe). stats(stage) -> dict of count, total_ns,
    min_ns, max_ns, p50_ns, p95_ns, p99_ns, mean_ns, wall_ns, throughput."""

    def __init__(self) -> None:
        out = ffi.new("pa_metrics **")
        check(lib.pa_metrics_new(out))
        self._ptr = ffi.gc(out[0], lib.pa_metrics_free)

    def record(self, stage: str, ns: int) -> None:
        """Add one sample of ns nanoseconds to a stage (created on first use)."""
        check(lib.pa_metrics_record(self._ptr, stage.encode(), int(ns)))

    def reset(self) -> None:
        """Drop every sample."""
        lib.pa_metrics_reset(self._ptr)

    @property
    def stages(self):
        return [string(lib.pa_metrics_stage_name(self._ptr, i))
                for i in range(lib.pa_metrics_stage_count(self._ptr))]

    def stats(self, stage: str) -> dict:
        """Statistics of one stage (see the class docstring); NotFound if unknown."""
        st = ffi.new("pa_stage_stats *")
        check(lib.pa_metrics_stage(self._ptr, stage.encode(), st))
        return {k: getattr(st, k) for k in ("count", "total_ns", "min_ns", "max_ns", "p50_ns",
                                            "p95_ns", "p99_ns", "mean_ns", "wall_ns", "throughput")}

    def to_dict(self) -> dict:
        """Every stage's statistics, as the library's JSON export."""
        out = ffi.new("char **")
        check(lib.pa_metrics_to_json(self._ptr, out))
        try:
            return json.loads(ffi.string(out[0]).decode())
        finally:
            _free_c(out[0])


class CancelToken:
    """A flag any thread may raise to stop the work it is attached to."""

    def __init__(self) -> None:
        out = ffi.new("pa_cancel_token **")
        check(lib.pa_cancel_token_new(out))
        self._ptr = ffi.gc(out[0], lib.pa_cancel_token_free)

    def cancel(self) -> None:
        """Raise the flag (thread-safe); work checking it stops soon."""
        lib.pa_cancel_token_cancel(self._ptr)

    @property
    def cancelled(self):
        return bool(lib.pa_cancel_token_cancelled(self._ptr))

    def reset(self) -> None:
        """Lower the flag so that the token can be used again."""
        lib.pa_cancel_token_reset(self._ptr)


class Executor:
    """A pool of `threads` worker threads (0: hardware concurrency).

    progress: optional fn(done, total) called from worker threads during graph runs
    and loops. metrics: a Metrics object recording each graph task's run time."""

    def __init__(self, threads: int = 0, metrics: Metrics | None = None,
                 progress: Callable[[int, int], None] | None = None) -> None:
        self.metrics = metrics
        self._progress_cb = None
        o = new_opts("pa_executor_opts", threads=int(threads))
        if metrics is not None:
            o.metrics = metrics._ptr
        if progress is not None:
            @ffi.callback("void(void *, size_t, size_t)", onerror=lambda *a: None)
            def cb(_ud, done, total):
                progress(done, total)
            self._progress_cb = cb  # must outlive the executor
            o.progress = cb
        out = ffi.new("pa_executor **")
        check(lib.pa_executor_new(out, o))
        self._ptr = ffi.gc(out[0], lib.pa_executor_free)
        self._graphs: weakref.WeakSet = weakref.WeakSet()  # freed before the executor on close()

    @property
    def threads(self):
        return lib.pa_executor_threads(self._ptr)

    def cancel(self) -> None:
        """Cancel all work running on the executor now (thread-safe)."""
        lib.pa_executor_cancel(self._ptr)

    def graph(self) -> Graph:
        """A new, empty task graph on this executor."""
        return Graph(self)

    def parallel_for(self, begin: int, end: int, fn: Callable[[int, int, int], None],
                     chunk: int = 0, cancel: CancelToken | None = None) -> None:
        """Call fn(lo, hi, worker) for consecutive chunks of [begin, end); exactly `chunk`
        items per call except possibly the last (0: the library picks)."""
        return parallel_for(self, begin, end, fn, chunk, cancel)

    def close(self) -> None:
        """Free the threads now (must not be called while work runs)."""
        if self._ptr is not None:
            for g in list(self._graphs):
                g._release()
            ffi.release(self._ptr)
            self._ptr = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __repr__(self):
        return "<Executor threads=%d>" % (self.threads if self._ptr is not None else 0)


class _Failure:
    """First exception raised by a Python body during one C call."""

    def __init__(self):
        self.exc = None
        self.lock = threading.Lock()

    def set(self, e):
        with self.lock:
            if self.exc is None:
                self.exc = e

    def raise_if_any(self, rc):
        if self.exc is not None:
            if isinstance(self.exc, Canceled):
                raise self.exc
            err = TaskError(lib.PA_ETASK, "task raised %s: %s" % (type(self.exc).__name__, self.exc))
            raise err from self.exc
        check(rc)


STATUS = {0: "pending", 1: "running", 2: "done", 3: "failed", 4: "cancelled"}


class Task:
    """What a graph task's Python body receives."""

    def __init__(self, ptr):
        self._ptr = ptr

    @property
    def cancelled(self):
        return bool(lib.pa_task_cancelled(self._ptr))

    @property
    def name(self):
        return string(lib.pa_task_name(self._ptr))

    @property
    def worker(self):
        return lib.pa_task_worker(self._ptr)

    def progress(self, done: int, total: int) -> None:
        """Report how far the task is (read back with Graph.progress)."""
        lib.pa_task_progress(self._ptr, done, total)


@ffi.callback("int(void *, pa_task *)", error=lib.PA_ETASK)
def _task_trampoline(ctx, task):
    graph, fn = ffi.from_handle(ctx)
    try:
        fn(Task(task))
        return 0
    except Canceled:
        return lib.PA_ECANCELED
    except BaseException as e:  # noqa: B902 - reported by Graph.run
        graph._failure.set(e)
        return lib.PA_ETASK


class Graph:
    """A task graph on an executor: add(name, fn, deps) then run(). fn(task) receives a
    Task (name, worker, cancelled, progress()); raise panalyzer.Canceled to stop quietly."""

    def __init__(self, executor: Executor) -> None:
        self.executor = executor
        out = ffi.new("pa_graph **")
        check(lib.pa_graph_new(_live(executor._ptr, "executor"), out))
        self._ptr = ffi.gc(out[0], lib.pa_graph_free)
        self._handles: list = []  # keep every task's (graph, fn) handle alive
        self._failure = _Failure()
        self._token: CancelToken | None = None
        executor._graphs.add(self)

    def _release(self):
        if self._ptr is not None:
            ffi.release(self._ptr)
            self._ptr = None

    def add(self, name: str, fn: Callable[[Task], None], deps: Iterable[int | str] = ()) -> int:
        """Add a task that runs after deps (ids or names); returns its id."""
        h = ffi.new_handle((self, fn))
        self._handles.append(h)
        ids = [d for d in deps if isinstance(d, int)]
        tid = ffi.new("pa_task_id *")
        check(lib.pa_graph_add(_live(self._ptr, "graph"), name.encode() if name else ffi.NULL, _task_trampoline,
                               h, ffi.new("pa_task_id[]", ids) if ids else ffi.NULL, len(ids), tid))
        for d in deps:
            if not isinstance(d, int):
                check(lib.pa_graph_add_dep_name(self._ptr, name.encode(), d.encode()))
        return tid[0]

    def __len__(self):
        return lib.pa_graph_size(self._ptr)

    def set_cancel_token(self, token: CancelToken | None) -> None:
        """Stop the graph's runs when token is raised (None: detach)."""
        self._token = token  # borrowed by the graph
        check(lib.pa_graph_set_cancel_token(self._ptr, token._ptr if token else ffi.NULL))

    def run(self) -> None:
        """Run every task once (dependencies first); blocks without holding the GIL.
        Raises TaskError (from the task's exception), Canceled or another Error."""
        self._failure = _Failure()
        rc = lib.pa_graph_run(_live(self._ptr, "graph"))
        self._failure.raise_if_any(rc)

    def status(self, name: str) -> tuple[str, int]:
        """(status name, return code) of a task after a run."""
        st, rc = ffi.new("pa_task_status *"), ffi.new("int *")
        check(lib.pa_graph_task_status(self._ptr, name.encode(), st, rc))
        return STATUS.get(int(st[0]), str(st[0])), rc[0]

    def progress(self, name: str) -> tuple[int, int, int]:
        """(done, total, elapsed_ns) last reported by a task."""
        d, t, e = ffi.new("size_t *"), ffi.new("size_t *"), ffi.new("uint64_t *")
        check(lib.pa_graph_task_progress(self._ptr, name.encode(), d, t, e))
        return d[0], t[0], e[0]


@ffi.callback("int(void *, size_t, size_t, int)", error=lib.PA_ETASK)
def _range_trampoline(ctx, lo, hi, worker):
    failure, fn = ffi.from_handle(ctx)
    try:
        fn(lo, hi, worker)
        return 0
    except Canceled:
        return lib.PA_ECANCELED
    except BaseException as e:  # noqa: B902
        failure.set(e)
        return lib.PA_ETASK


def parallel_for(executor: Executor, begin: int, end: int, fn: Callable[[int, int, int], None],
                 chunk: int = 0, cancel: CancelToken | None = None) -> None:
    """Call fn(lo, hi, worker) on the executor's threads for consecutive chunks of
    [begin, end): exactly `chunk` items per call except possibly the last (0: the library
    picks). Blocks without the GIL; an exception in fn is re-raised as TaskError (its
    __cause__ the original), Canceled stops quietly; cancel: a CancelToken."""
    failure = _Failure()
    h = ffi.new_handle((failure, fn))
    rc = lib.pa_parallel_for_cancel(_live(executor._ptr, "executor"), begin, end, chunk,
                                    _range_trampoline, h,
                                    cancel._ptr if cancel else ffi.NULL)
    failure.raise_if_any(rc)


def suggest_chunk(n_items: int, threads: int, ns_per_item: int) -> int:
    """The chunk size the library would pick for n_items items of about ns_per_item
    nanoseconds each on `threads` threads (balances scheduling cost and load)."""
    return lib.pa_suggest_chunk(n_items, threads, ns_per_item)
