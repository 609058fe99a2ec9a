"""Executor from Python: graphs of Python tasks, loops, cancellation, metrics, GIL."""
import threading

import pytest

import panalyzer as pa

from conftest import need


@pytest.fixture(autouse=True)
def _exec():
    need("pa_executor_new", "pa_graph_run", "pa_parallel_for_cancel", "pa_metrics_new")


@pytest.fixture(scope="module")
def ex():
    with pa.Executor(threads=2) as e:
        yield e


def test_threads(ex):
    assert ex.threads == 2


def test_graph_runs_dependencies_first(ex):
    order, lock = [], threading.Lock()

    def step(name):
        def body(task):
            assert task.name == name and 0 <= task.worker < ex.threads
            with lock:
                order.append(name)
        return body

    g = ex.graph()
    a = g.add("a", step("a"))
    b = g.add("b", step("b"), deps=[a])
    g.add("c", step("c"), deps=[a])
    g.add("d", step("d"), deps=[b, "c"])
    assert len(g) == 4
    g.run()
    assert order[0] == "a" and order[-1] == "d" and sorted(order) == list("abcd")
    assert g.status("d") == ("done", 0)
    g.run()  # runs again after returning
    assert len(order) == 8


def test_task_exception_fails_the_run(ex):
    ran = []
    g = ex.graph()
    a = g.add("boom", lambda t: 1 / 0)
    g.add("after", lambda t: ran.append(1), deps=[a])
    with pytest.raises(pa.TaskError) as ei:
        g.run()
    assert isinstance(ei.value.__cause__, ZeroDivisionError)
    assert ei.value.code == pa.lib.PA_ETASK
    assert ran == [] and g.status("boom")[0] == "failed"
    assert g.status("after")[0] == "cancelled"


def test_cycle_is_invalid(ex):
    g = ex.graph()
    g.add("x", lambda t: None, deps=["y"])
    g.add("y", lambda t: None, deps=["x"])
    with pytest.raises(pa.InvalidArgument):
        g.run()


def test_cancel_token_stops_graph(ex):
    tok = pa.CancelToken()
    g = ex.graph()
    g.set_cancel_token(tok)
    first = g.add("first", lambda t: tok.cancel())
    g.add("second", lambda t: None, deps=[first])
    with pytest.raises(pa.Canceled):
        g.run()
    assert tok.cancelled and g.status("second")[0] == "cancelled"


def test_parallel_for_exact_chunks(ex):
    seen, lock = [], threading.Lock()

    def body(lo, hi, worker):
        with lock:
            seen.append((lo, hi))

    ex.parallel_for(0, 103, body, chunk=10)
    seen.sort()
    assert seen[0] == (0, 10) and seen[-1] == (100, 103) and len(seen) == 11
    assert all(hi - lo == 10 for lo, hi in seen[:-1])


def test_parallel_for_exception(ex):
    def body(lo, hi, worker):
        if lo == 20:
            raise KeyError("x")
    with pytest.raises(pa.TaskError) as ei:
        ex.parallel_for(0, 50, body, chunk=10)
    assert isinstance(ei.value.__cause__, KeyError)


def test_calls_release_the_gil(ex):
    """Two tasks that wait for each other can only finish if pa_graph_run released the GIL
    and both callbacks re-acquire it on worker threads (else: deadlock -> timeout)."""
    a_in, b_in = threading.Event(), threading.Event()

    def a(task):
        a_in.set()
        assert b_in.wait(20)

    def b(task):
        b_in.set()
        assert a_in.wait(20)

    g = ex.graph()
    g.add("a", a)
    g.add("b", b)
    g.run()
    assert a_in.is_set() and b_in.is_set()


def test_metrics_and_progress():
    m = pa.Metrics()
    calls = []
    with pa.Executor(threads=1, metrics=m, progress=lambda d, t: calls.append((d, t))) as ex:
        g = ex.graph()
        g.add("stage1", lambda t: None)
        g.run()
    st = m.stats("stage1")
    assert st["count"] == 1 and st["max_ns"] >= st["min_ns"]
    assert "stage1" in m.stages and "stage1" in m.to_dict()["stages"]
    m.record("manual", 1000)
    assert m.stats("manual")["total_ns"] == 1000
    with pytest.raises(pa.NotFound):
        m.stats("nothing")
    assert calls and calls[-1][0] == calls[-1][1]


def test_interpreter_exits_cleanly_after_threads_ran():
    """Worker threads outlive the module at exit: the library must stay mapped."""
    import os
    import subprocess
    import sys
    code = ("import panalyzer as pa\n"
            "ex = pa.Executor(threads=2)\n"
            "g = ex.graph(); g.add('a', lambda t: None); g.add('b', lambda t: None); g.run()\n"
            "pa.predict_ss(['MKV' * 10], executor=ex) if pa._ffi.have('pa_predict_ss') else None\n")
    env = dict(os.environ)
    env["ASAN_OPTIONS"] = env.get("ASAN_OPTIONS", "") + ":detect_leaks=0"  # CPython's own at exit
    r = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                       timeout=120)
    assert r.returncode == 0, r.stderr[-2000:]


def test_closing_executor_frees_its_graphs_first():
    ex = pa.Executor(threads=1)
    g = ex.graph()
    g.add("a", lambda t: None)
    ex.close()
    with pytest.raises(pa.StateError):
        g.run()
    with pytest.raises(pa.StateError):
        ex.graph()
    ex.close()  # idempotent
