"""Scale-out: a file batch distributed over a dask.distributed cluster.

    from dask.distributed import Client
    import panalyzer.dask as pdask
    with Client("scheduler:8786") as client:
        for r in pdask.run(paths, client, files_per_task=256, threads=8):  # defaults 64, 1
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
from __future__ import annotations

import os
import uuid
from typing import Any, Callable, Iterable, Iterator

from . import pipeline


def _run_files(paths: list[str], offset: int, threads: int, chunk: int,
               kw: dict[str, Any]) -> list[pipeline.Result]:
    out = pipeline.run_all(paths, threads=threads, chunk=chunk, **kw)
    for r in out:
        r.index += offset  # position in the whole batch
    return out


def _cluster_threads(client: Any) -> int:
    try:
        return max(1, sum(w.get("nthreads", 1)
                          for w in client.scheduler_info()["workers"].values()))
    except Exception:  # an unusual client: a safe default
        return 1


def run(paths: Iterable[str | os.PathLike], client: Any, files_per_task: int = 64,
        threads: int = 1, chunk: int = 1, ordered: bool = False, *,
        cache_dir: str | None = None, predict_ss: bool = False, model: str | None = None,
        references: Any = None, all_models: bool = False, batch: int = 64,
        format: str | None = None, altloc: str | None = None, first_model_only: bool = False,
        skip_hydrogens: bool = False, strict: bool = False, keep_anisou: bool = False,
        max_diagnostics: int = 0, max_bytes: int = 0, retries: int = 2,
        max_pending: int | None = None) -> Iterator[pipeline.Result]:
    """Yield a Result per file, each exactly once. The keyword options up to max_bytes
    are panalyzer.run()'s; they travel to the workers, so give references as (id,
    sequence) pairs, a dict or a FASTA path the workers can read, and model as a path.
    retries: times dask reruns a task that raised. max_pending: tasks submitted but not
    yet consumed (default: twice the cluster's threads, at least 4)."""
    kw = dict(cache_dir=cache_dir, predict_ss=predict_ss, model=model, references=references,
              all_models=all_models, batch=batch, format=format, altloc=altloc,
              first_model_only=first_model_only, skip_hydrogens=skip_hydrogens, strict=strict,
              keep_anisou=keep_anisou, max_diagnostics=max_diagnostics, max_bytes=max_bytes)
    from dask.distributed import as_completed

    names = [str(p) for p in paths]
    n = max(1, int(files_per_task))
    pending = int(max_pending) if max_pending else max(4, 2 * _cluster_threads(client))
    tag = uuid.uuid4().hex[:12]

    def submit(i: int) -> Any:
        return client.submit(_run_files, names[i:i + n], i, threads, chunk, kw, pure=False,
                             retries=int(retries), key="panalyzer-%s-%d" % (tag, i))

    todo = iter(range(0, len(names), n))
    window = [submit(i) for _, i in zip(range(pending), todo)]
    if ordered:
        yield from _ordered(window, todo, submit)
    else:
        yield from _unordered(as_completed(window), todo, submit)


def _ordered(window: list[Any], todo: Iterator[int],
             submit: Callable[[int], Any]) -> Iterator[pipeline.Result]:
    while window:
        f = window.pop(0)
        out = f.result()
        f.release()
        nxt = next(todo, None)
        if nxt is not None:
            window.append(submit(nxt))
        yield from out


def _unordered(ac: Any, todo: Iterator[int],
               submit: Callable[[int], Any]) -> Iterator[pipeline.Result]:
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


def run_all(paths: Iterable[str | os.PathLike], client: Any, files_per_task: int = 64,
            threads: int = 1, chunk: int = 1, *, cache_dir: str | None = None,
            predict_ss: bool = False, model: str | None = None, references: Any = None,
            all_models: bool = False, batch: int = 64, format: str | None = None,
            altloc: str | None = None, first_model_only: bool = False,
            skip_hydrogens: bool = False, strict: bool = False, keep_anisou: bool = False,
            max_diagnostics: int = 0, max_bytes: int = 0, retries: int = 2,
            max_pending: int | None = None) -> list[pipeline.Result]:
    """Every Result as a list in input order; options as for run()."""
    return sorted(run(paths, client, files_per_task, threads, chunk, cache_dir=cache_dir,
                      predict_ss=predict_ss, model=model, references=references,
                      all_models=all_models, batch=batch, format=format, altloc=altloc,
                      first_model_only=first_model_only, skip_hydrogens=skip_hydrogens,
                      strict=strict, keep_anisou=keep_anisou, max_diagnostics=max_diagnostics,
                      max_bytes=max_bytes, retries=retries, max_pending=max_pending),
                  key=lambda r: r.index)
