#!/usr/bin/env python3
"""Whole-process timings of `panalyze dssp` against mkdssp, and --threads scaling.

usage: bench_mkdssp.py PANALYZE DIR [--runs 5] [--mkdssp mkdssp] [--threads 1,2]
                       [--scale-copies 8] [--no-acc] [--tsv] [--skip-files] [--skip-scaling]

1. Per file (every *.cif in DIR that mkdssp reads): one process per file on both
   sides, interleaved (panalyze classic, panalyze --format tsv, mkdssp, again ...),
   output to /dev/null. Prints the median CPU (user + sys, from wait4) of each, and
   the per-file ratios mkdssp / panalyze from the same rounds; then the median ratios
   for the classic output (with ACC) and the TSV (letters only). --tsv: TSV only;
   --no-acc: classic without ACC.
2. Scaling: first a CPU control, one CPU-bound process alone and then two at once
   (wall ratio ~1.0: two free cores; ~2.0: one), then `panalyze dssp --format tsv
   --threads T` over every file repeated --scale-copies times, for each T: median wall,
   CPU, and the speed-up against T = 1.
Figures depend on the machine: the CPU model is printed first; say whether it was shared.
"""
import argparse
import glob
import os
import statistics
import subprocess
import sys
import time


def timed(cmd):
    """(cpu seconds, wall seconds, exit code) of one child process."""
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t0
    p.returncode = os.waitstatus_to_exitcode(status)
    return ru.ru_utime + ru.ru_stime, wall, p.returncode


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown"


def median_ratio(label, ratios):
    if ratios:
        print("# median per-file CPU ratio mkdssp/panalyze %s: %.1f (min %.1f, max %.1f, %d files)" % (
            label, statistics.median(ratios), min(ratios), max(ratios), len(ratios)))


def per_file(a, files):
    pa_cmds = {}
    if not a.tsv:
        pa_cmds["classic"] = lambda f: [a.panalyze, "dssp", f] + (["--no-acc"] if a.no_acc else [])
    pa_cmds["tsv"] = lambda f: [a.panalyze, "dssp", "--format", "tsv", f]
    names = list(pa_cmds)
    ratios = {n: [] for n in names}
    print("file\tresidues\tmk_cpu_s\t" + "\t".join(
        "%s_cpu_s\t%s_ratio" % (n, n) for n in names))
    for f in files:
        mk_cmd = [a.mkdssp, "--output-format", "dssp", f, "/dev/null"]
        if timed(mk_cmd)[2] != 0:
            print("# skipped (mkdssp cannot read it): %s" % f)
            continue
        cpu = {n: [] for n in names + ["mk"]}
        rat = {n: [] for n in names}
        for _ in range(a.runs):
            got = {}
            for n in names:
                c, _, r = timed(pa_cmds[n](f))
                if r != 0:
                    sys.exit("%s: exit %d (panalyze %s)" % (f, r, n))
                got[n] = c
            c2, _, r2 = timed(mk_cmd)
            if r2 != 0:
                sys.exit("%s: exit %d (mkdssp)" % (f, r2))
            cpu["mk"].append(c2)
            for n in names:
                cpu[n].append(got[n])
                rat[n].append(c2 / max(got[n], 1e-4))
        out = subprocess.run([a.panalyze, "dssp", "--no-acc", f], capture_output=True, text=True).stdout
        nres = sum(1 for line in out.split("  #  RESIDUE", 1)[-1].splitlines()[1:] if line[13:14] != "!")
        for n in names:
            ratios[n].append(statistics.median(rat[n]))
        print("%s\t%d\t%.4f\t%s" % (os.path.basename(f), nres, statistics.median(cpu["mk"]), "\t".join(
            "%.4f\t%.1f" % (statistics.median(cpu[n]), statistics.median(rat[n])) for n in names)))
    for n in names:
        median_ratio(n + (" (no ACC)" if n == "classic" and a.no_acc else ""), ratios[n])


def control(a, lst):
    """Wall of two identical CPU-bound processes at once against one alone."""
    cmd = [a.panalyze, "dssp", "--format", "tsv", "--threads", "1"] + lst
    one, two = [], []
    for _ in range(a.runs):
        one.append(timed(cmd)[1])
        t0 = time.perf_counter()
        ps = [subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
              for _ in range(2)]
        for p in ps:
            p.wait()
        two.append(time.perf_counter() - t0)
    r = statistics.median(two) / statistics.median(one)
    print("# CPU control: 1 process %.3f s, 2 at once %.3f s: ratio %.2f "
          "(1.0 = two free cores, 2.0 = one); best possible 2-thread speed-up ~%.2f" % (
              statistics.median(one), statistics.median(two), r, 2 / r))
    return r


def scaling(a, files):
    lst = files * a.scale_copies
    control(a, lst)
    base = None
    print("threads\tfiles\twall_s\tcpu_s\tspeedup")
    for t in a.threads:
        runs = [timed([a.panalyze, "dssp", "--format", "tsv", "--threads", str(t)] + lst)
                for _ in range(a.runs)]
        if any(r[2] != 0 for r in runs):
            sys.exit("scaling run with %d threads failed" % t)
        w = statistics.median(r[1] for r in runs)
        c = statistics.median(r[0] for r in runs)
        base = base or w
        print("%d\t%d\t%.3f\t%.3f\t%.2f" % (t, len(lst), w, c, base / w))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("panalyze")
    ap.add_argument("dir")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--mkdssp", default="mkdssp")
    ap.add_argument("--threads", default="1,2", type=lambda s: [int(x) for x in s.split(",")])
    ap.add_argument("--scale-copies", type=int, default=8)
    ap.add_argument("--no-acc", action="store_true")
    ap.add_argument("--skip-files", action="store_true", help="only the scaling part")
    ap.add_argument("--skip-scaling", action="store_true", help="only the per-file part")
    ap.add_argument("--tsv", action="store_true",
                    help="per file: only panalyze --format tsv (letters only, no ACC)")
    a = ap.parse_args()
    files = sorted(glob.glob(os.path.join(a.dir, "*.cif")))
    print("# CPU: %s, %d online; load average %.1f" % (cpu_model(), os.cpu_count() or 0,
                                                      os.getloadavg()[0]))
    if not files:
        print("no *.cif in %s" % a.dir, file=sys.stderr)
        return 2
    if not a.skip_files:
        per_file(a, files)
    if not a.skip_scaling:
        scaling(a, files)
    return 0


if __name__ == "__main__":
    sys.exit(main())
