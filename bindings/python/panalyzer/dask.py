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
"""
from __future__ import annotations

import os
from typing import Any, Iterable, Iterator

from . import pipeline


def _run_files(paths: list[str], offset: int, threads: int, chunk: int,
               kw: dict[str, Any]) -> list[pipeline.Result]:
    out = pipeline.run_all(paths, threads=threads, chunk=chunk, **kw)
    for r in out:
        r.index += offset  # position in the whole batch
    return out


def run(paths: Iterable[str | os.PathLike], client: Any, files_per_task: int = 64,
        threads: int = 1, chunk: int = 1, ordered: bool = False, *,
        cache_dir: str | None = None, predict_ss: bool = False, model: str | None = None,
        references: Any = None, all_models: bool = False, batch: int = 64,
        format: str | None = None, altloc: str | None = None, first_model_only: bool = False,
        skip_hydrogens: bool = False, strict: bool = False, keep_anisou: bool = False,
        max_diagnostics: int = 0) -> Iterator[pipeline.Result]:
    """Yield a Result per file. The keyword options are panalyzer.run()'s; they travel to
    the workers, so give references as (id, sequence) pairs, a dict or a FASTA path the
    workers can read, and model as a path."""
    kw = dict(cache_dir=cache_dir, predict_ss=predict_ss, model=model, references=references,
              all_models=all_models, batch=batch, format=format, altloc=altloc,
              first_model_only=first_model_only, skip_hydrogens=skip_hydrogens, strict=strict,
              keep_anisou=keep_anisou, max_diagnostics=max_diagnostics)
    from dask.distributed import as_completed

    paths = [str(p) for p in paths]
    n = max(1, int(files_per_task))
    futures = [client.submit(_run_files, paths[i:i + n], i, threads, chunk, kw, pure=False)
               for i in range(0, len(paths), n)]
    if ordered:
        for f in futures:
            yield from f.result()
        return
    for f in as_completed(futures):
        yield from f.result()


def run_all(paths: Iterable[str | os.PathLike], client: Any, files_per_task: int = 64,
            threads: int = 1, chunk: int = 1, *, cache_dir: str | None = None,
            predict_ss: bool = False, model: str | None = None, references: Any = None,
            all_models: bool = False, batch: int = 64, format: str | None = None,
            altloc: str | None = None, first_model_only: bool = False,
            skip_hydrogens: bool = False, strict: bool = False, keep_anisou: bool = False,
            max_diagnostics: int = 0) -> list[pipeline.Result]:
    """Every Result as a list in input order; options as for run()."""
    return sorted(run(paths, client, files_per_task, threads, chunk, cache_dir=cache_dir,
                      predict_ss=predict_ss, model=model, references=references,
                      all_models=all_models, batch=batch, format=format, altloc=altloc,
                      first_model_only=first_model_only, skip_hydrogens=skip_hydrogens,
                      strict=strict, keep_anisou=keep_anisou, max_diagnostics=max_diagnostics),
                  key=lambda r: r.index)
