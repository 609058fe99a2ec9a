"""Long-run behaviour of `panalyze run`: a soak over many paths and a memory spike.

soak:  N symlinks (default 200,000) to corpus files of one size class, laid out as a
       mirror tree (xy/NNNNNN.pdb); RSS sampled from /proc/PID/status while the run
       goes, against the files done (--progress lines); per-file latency p50/p99
       from --metrics ("file" stage). Goals: RSS drift <= 5 % between the first and
       the second half, p99 <= 5 x p50.
spike: 200 small files and 4 generated huge PDB files (default 1 M atoms, ~79 MB
       each) in one batch, without and with --max-memory; peak RSS from wait4()
       against the bound 1.25 x SIZE + 64 MiB.

usage: bench_scale.py --bin PANALYZE [--data DIR] soak|spike|both [options]
"""
import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tools"))
from gen_pdb import write_pdb  # noqa: E402


def size_class(data, lo, hi):
    """Corpus files (PDB, plain) of lo..hi bytes; the test data's 1crn.pdb if none."""
    d = os.path.join(data, "pdb")
    out = []
    if os.path.isdir(d):
        out = sorted(os.path.join(d, f) for f in os.listdir(d)
                     if lo <= os.path.getsize(os.path.join(d, f)) <= hi)
    return out or [os.path.join(ROOT, "tests", "data", "pipeline", "1crn.pdb")]


def make_tree(root, targets, n):
    for i in range(n):
        sub = os.path.join(root, "%02x" % (i % 256))
        if i < 256:
            os.makedirs(sub)
        os.symlink(targets[i % len(targets)], os.path.join(sub, "%06d.pdb" % i))


def rss_mib(pid):
    try:
        with open("/proc/%d/status" % pid) as f:
            m = re.search(r"VmRSS:\s+(\d+) kB", f.read())
        return int(m.group(1)) / 1024 if m else None
    except OSError:
        return None


def sched_ns(pid):
    """(on-CPU, waiting-for-a-CPU) ns summed over the process's threads."""
    run = wait = 0
    try:
        for t in os.listdir("/proc/%d/task" % pid):
            with open("/proc/%d/task/%s/schedstat" % (pid, t)) as f:
                a, b, _ = f.read().split()
                run, wait = run + int(a), wait + int(b)
    except (OSError, ValueError):
        pass
    return run, wait


PROGRESS = re.compile(r"^(\d+)/\d+\+? files")


def soak(args):
    targets = size_class(args.data, args.lo, args.hi)
    sizes = [os.path.getsize(t) for t in targets]
    print("soak: %d paths -> %d files of %d..%d bytes, %d threads" %
          (args.files, len(targets), min(sizes), max(sizes), args.threads))
    with tempfile.TemporaryDirectory() as t:
        tree = os.path.join(t, "mirror")
        t0 = time.time()
        make_tree(tree, targets, args.files)
        print("tree made in %.1f s" % (time.time() - t0))
        metrics = os.path.join(t, "m.json")
        cmd = [args.bin, "run", "--threads", str(args.threads), "--progress",
               "--metrics", metrics, tree]
        p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        done = [0]
        err = []

        def read_progress():
            for line in p.stderr:
                err.append(line)
                m = PROGRESS.match(line)
                if m:
                    done[0] = int(m.group(1))
        th = threading.Thread(target=read_progress)
        th.start()
        samples = []  # (seconds, files done, RSS MiB)
        sched = (0, 0)
        t0 = time.time()
        while p.poll() is None:
            r = rss_mib(p.pid)
            if r is not None:
                samples.append((time.time() - t0, done[0], r))
                sched = max(sched, sched_ns(p.pid))
            time.sleep(args.every)
        th.join()
        wall = time.time() - t0
        st = json.load(open(metrics))["stages"]["file"]
    print("\n%8s %10s %9s" % ("t (s)", "files", "RSS MiB"))
    step = max(1, len(samples) // 20)
    for s in samples[::step] + samples[-1:]:
        print("%8.1f %10d %9.1f" % s)
    half = args.files / 2
    first = [r for _, d, r in samples if 0 < d <= half]
    second = [r for _, d, r in samples if d > half]
    m1, m2 = statistics.median(first or [0]), statistics.median(second or [0])
    drift = (m2 - m1) / m1 * 100 if m1 else float("nan")
    p50, p99 = st["p50_ns"] / 1e3, st["p99_ns"] / 1e3
    print("\nfiles %d in %.1f s (%.0f files/s), exit %d" % (args.files, wall, args.files / wall,
                                                             p.returncode))
    print("RSS median first half %.1f MiB, second half %.1f MiB: drift %+.1f %% (goal <= 5 %%)"
          % (m1, m2, drift))
    print("RSS max %.1f MiB" % max(r for _, _, r in samples))
    print("per-file latency p50 %.0f us, p95 %.0f us, p99 %.0f us: p99/p50 %.1f (goal <= 5)"
          % (p50, st["p95_ns"] / 1e3, p99, p99 / p50))
    if sum(sched):
        print("threads waited for a CPU %.0f %% of their runnable time (a shared machine's "
              "preemptions land in the latency tail)" % (100 * sched[1] / sum(sched)))
    print("".join(err[-6:]), end="")


def peak_run(cmd):
    """(exit code, wall s, peak RSS MiB) of one run in a child of its own."""
    t0 = time.time()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    err = p.stderr.read()
    _, status, ru = os.wait4(p.pid, 0)
    p.returncode = os.waitstatus_to_exitcode(status)
    warned = err.count(b"more than the memory budget")
    return p.returncode, time.time() - t0, ru.ru_maxrss / 1024, warned


def spike(args):
    with tempfile.TemporaryDirectory() as t:
        d = os.path.join(t, "batch")
        os.makedirs(d)
        small = size_class(args.data, 1, 150000)
        for i in range(200):
            os.symlink(small[i % len(small)], os.path.join(d, "s%03d.pdb" % i))
        t0 = time.time()
        big = os.path.join(t, "big.pdb")
        write_pdb(big, args.atoms)
        for k in range(4):  # spread among the small ones in path order
            os.symlink(big, os.path.join(d, "s%03d_big.pdb" % (25 + 50 * k)))
        print("spike%s: 200 small files + 4 x %d atoms (%.1f MB each), %d threads; made in "
              "%.1f s" % (" --ss" if args.ss else "", args.atoms, os.path.getsize(big) / 1e6,
                          args.threads, time.time() - t0))
        print("\n%-18s %6s %10s %14s %12s %8s" % ("run", "exit", "wall s", "peak RSS MiB",
                                                 "bound MiB", "warned"))
        for budget in [None] + args.budgets:
            cmd = [args.bin, "run", "--threads", str(args.threads), "--quiet", d]
            if args.ss:
                cmd[2:2] = ["--ss"]
            if budget:
                cmd[2:2] = ["--max-memory", "%dM" % budget]
            runs = [peak_run(cmd) for _ in range(args.repeats)]
            rc = max(r[0] for r in runs)
            wall = statistics.median(r[1] for r in runs)
            peak = statistics.median(r[2] for r in runs)
            bound = "%.0f" % (1.25 * budget + 64) if budget else "-"
            ok = "" if not budget else (" ok" if max(r[2] for r in runs) <= 1.25 * budget + 64
                                        else " OVER")
            print("%-18s %6d %10.2f %14.1f %12s %8d%s" % (
                "--max-memory %dM" % budget if budget else "no budget", rc, wall, peak, bound,
                runs[0][3], ok))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--data", default=os.path.join(ROOT, "..", "shared", "data", "structures"))
    ap.add_argument("what", choices=["soak", "spike", "both"])
    ap.add_argument("--files", type=int, default=200000)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--lo", type=int, default=100000, help="soak size class, bytes")
    ap.add_argument("--hi", type=int, default=150000)
    ap.add_argument("--every", type=float, default=0.5, help="RSS sampling period, s")
    ap.add_argument("--atoms", type=int, default=1000000)
    ap.add_argument("--budgets", type=int, nargs="*", default=[512, 256, 128])
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--ss", action="store_true", help="spike with the ss stage (run --ss)")
    args = ap.parse_args()
    print("CPU:", next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo")
                        if l.startswith("model name")), "?"), "| cores:", os.cpu_count())
    if args.what in ("soak", "both"):
        soak(args)
    if args.what in ("spike", "both"):
        spike(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
