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
"""
from . import pipeline


def _run_files(paths, offset, threads, chunk, kw):
    out = pipeline.run_all(paths, threads=threads, chunk=chunk, **kw)
    for r in out:
        r.index += offset  # position in the whole batch
    return out


def run(paths, client, files_per_task=64, threads=1, chunk=1, ordered=False, **kw):
    """Yield a Result per file. kw: pipeline options (cache_dir, format, altloc,
    predict_ss, references, ...); they travel to the workers, so give references as
    (id, sequence) pairs, a dict or a FASTA path the workers can read, and model as a path."""
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


def run_all(paths, client, **kw):
    """Every Result as a list in input order."""
    return sorted(run(paths, client, **kw), key=lambda r: r.index)
