"""Scale-out: a file batch distributed over a dask.distributed cluster.

    from dask.distributed import Client
    import panalyzer.dask as pdask
    with Client("scheduler:8786") as client:
        for r in pdask.run(paths, client, files_per_task=256, threads=8):
            ...

The paths are cut into tasks of `files_per_task` files; each task runs the C
pipeline on its worker with its own `threads` (give each dask worker one dask
thread and let the library use the cores: `dask worker --nthreads 1`). Results
are panalyzer.Result objects (plain, picklable data), yielded as tasks finish,
or in input order with ordered=True. Workers need panalyzer and libpanalyzer
installed (or PANALYZER_LIB set) and the same view of the paths.

On a real cluster: only `max_pending` tasks are submitted at a time (more as
results come back), so a huge path list does not flood the scheduler and
results stream; a task that raises is retried `retries` times by dask; the
tasks of a worker that dies are run again on another (dask's own recovery).
Each task's files are yielded exactly once: a task result that arrives again
is dropped, and a task that fails for good raises instead of losing files.
"""
import uuid
from typing import Any, Iterator, List, Optional, Sequence

from . import pipeline


def _run_files(paths, offset, threads, chunk, kw):
    out = pipeline.run_all(paths, threads=threads, chunk=chunk, **kw)
    for r in out:
        r.index += offset  # position in the whole batch
    return out


def _cluster_threads(client) -> int:
    try:
        return max(1, sum(w.get("nthreads", 1)
                          for w in client.scheduler_info()["workers"].values()))
    except Exception:  # an unusual client: a safe default
        return 1


def run(paths: Sequence[Any], client, files_per_task: int = 64, threads: int = 1,
        chunk: int = 1, ordered: bool = False, retries: int = 2,
        max_pending: Optional[int] = None, **kw) -> Iterator["pipeline.Result"]:
    """Yield a Result per file, each exactly once.

    kw: pipeline options (cache_dir, format, altloc, predict_ss, references, ...); they
    travel to the workers, so give references as (id, sequence) pairs, a dict or a FASTA
    path the workers can read, and model as a path. retries: times dask reruns a task
    that raised. max_pending: tasks submitted but not yet consumed (default: twice the
    cluster's threads, at least 4)."""
    from dask.distributed import as_completed

    paths = [str(p) for p in paths]
    n = max(1, int(files_per_task))
    starts = list(range(0, len(paths), n))
    pending = int(max_pending) if max_pending else max(4, 2 * _cluster_threads(client))
    tag = uuid.uuid4().hex[:12]

    def submit(i):
        return client.submit(_run_files, paths[i:i + n], i, threads, chunk, kw, pure=False,
                             retries=int(retries), key="panalyzer-%s-%d" % (tag, i))

    todo = iter(starts)
    window = [submit(i) for _, i in zip(range(pending), todo)]
    if ordered:
        yield from _ordered(window, todo, submit)
    else:
        yield from _unordered(as_completed(window), todo, submit)


def _ordered(window, todo, submit):
    while window:
        f = window.pop(0)
        out = f.result()
        f.release()
        nxt = next(todo, None)
        if nxt is not None:
            window.append(submit(nxt))
        yield from out


def _unordered(ac, todo, submit):
    seen = set()  # task offsets already yielded
    for f in ac:
        out = f.result()
        f.release()
        nxt = next(todo, None)
        if nxt is not None:
            ac.add(submit(nxt))
        first = out[0].index if out else None
        if first in seen:
            continue
        seen.add(first)
        yield from out


def run_all(paths: Sequence[Any], client, **kw) -> List["pipeline.Result"]:
    """Every Result as a list in input order (kw: as for run)."""
    return sorted(run(paths, client, **kw), key=lambda r: r.index)


__all__ = ["run", "run_all"]
