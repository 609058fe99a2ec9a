"""panalyzer.dask on a real cluster: a scheduler and worker processes on loopback,
started and stopped here. A task that raises is retried; a worker killed mid-run
loses no file and duplicates none."""
import os
import signal
import socket
import subprocess
import sys
import time

import pytest

import panalyzer as pa

from conftest import data, need

distributed = pytest.importorskip("distributed")
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start(args, log):
    # the workers import panalyzer through the test's own PYTHONPATH / PANALYZER_LIB
    return subprocess.Popen([sys.executable, "-m", *args], stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)


def _stop(p):
    if p.poll() is None:
        os.killpg(p.pid, signal.SIGTERM)
        try:
            p.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)
            p.wait(10)


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    need("pa_pipeline_run")
    from dask.distributed import Client
    log = open(tmp_path_factory.mktemp("dask") / "cluster.log", "w")
    port = _free_port()
    addr = "tcp://127.0.0.1:%d" % port
    sched = _start(["distributed.cli.dask_scheduler", "--host", "127.0.0.1", "--port",
                    str(port), "--dashboard-address", ":0", "--no-show"], log)
    workers = [_start(["distributed.cli.dask_worker", addr, "--nthreads", "1", "--no-nanny",
                       "--host", "127.0.0.1", "--no-dashboard", "--name", "w%d" % i], log)
               for i in range(2)]
    client = None
    try:
        client = Client(addr, timeout=30)
        client.wait_for_workers(2, timeout=40)
        yield client, workers, log
    finally:
        if client is not None:
            client.close()
        for p in workers + [sched]:
            _stop(p)
        log.close()


def _paths(n):
    base = [data("1crn.pdb"), data("1CRN.cif"), data("1crn.pdb.gz"), data("empty.pdb")]
    return [base[i % len(base)] for i in range(n)]


def _check_exactly_once(res, paths):
    assert sorted(r.index for r in res) == list(range(len(paths))), "a file lost or duplicated"
    local = pa.run_all(paths)
    res = sorted(res, key=lambda r: r.index)
    assert [(r.path, r.status, r.atoms, r.chains) for r in res] == \
        [(r.path, r.status, r.atoms, r.chains) for r in local]


def test_cluster_streams_results(cluster):
    import panalyzer.dask as pdask
    client = cluster[0]
    paths = _paths(40)
    got = list(pdask.run(paths, client, files_per_task=4, max_pending=2))
    _check_exactly_once(got, paths)
    ordered = list(pdask.run(paths, client, files_per_task=3, ordered=True, max_pending=3))
    assert [r.index for r in ordered] == list(range(len(paths)))


def test_cluster_retries_failed_task(cluster):
    import panalyzer.dask as pdask
    client = cluster[0]

    def break_once():  # on each worker: the next pipeline run raises once
        import panalyzer.pipeline as pl
        real = getattr(pl, "_real_run_all", pl.run_all)
        pl._real_run_all = real
        state = {"left": 1}

        def flaky(*a, **k):
            if state["left"]:
                state["left"] -= 1
                raise OSError("injected transient failure")
            return real(*a, **k)
        pl.run_all = flaky

    def restore():
        import panalyzer.pipeline as pl
        pl.run_all = getattr(pl, "_real_run_all", pl.run_all)

    client.run(break_once)
    try:
        paths = _paths(12)
        _check_exactly_once(list(pdask.run(paths, client, files_per_task=3, retries=2)), paths)
        client.run(break_once)
        with pytest.raises(OSError):  # no retries: the failure surfaces, nothing is hidden
            list(pdask.run(paths, client, files_per_task=100, retries=0))
    finally:
        client.run(restore)


def test_cluster_survives_killed_worker(cluster):
    import panalyzer.dask as pdask
    client, workers, _ = cluster
    paths = _paths(3000)
    w0 = [a for a, w in client.scheduler_info()["workers"].items() if w["name"] == "w0"][0]
    got = []
    for r in pdask.run(paths, client, files_per_task=100, max_pending=8):
        if not got:  # kill w0 while it holds tasks
            deadline = time.time() + 10
            while not client.processing().get(w0) and time.time() < deadline:
                time.sleep(0.005)
            assert client.processing().get(w0), "w0 got no task"
            workers[0].send_signal(signal.SIGKILL)
        got.append(r)
    assert workers[0].wait(10) == -signal.SIGKILL
    assert w0 not in client.scheduler_info()["workers"]
    _check_exactly_once(got, paths)
