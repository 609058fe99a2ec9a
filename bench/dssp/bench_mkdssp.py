#!/usr/bin/env python3
"""Whole-process timings of `panalyze dssp` against mkdssp, and --threads scaling.

usage: bench_mkdssp.py PANALYZE DIR [--runs 5] [--mkdssp mkdssp] [--threads 1,2]
                       [--scale-copies 8] [--no-acc] [--tsv] [--skip-files] [--skip-scaling]

1. Per file (every *.cif in DIR that mkdssp reads): one process per file on both
   sides, run in turn (A B A B ...), classic output to /dev/null for both. Prints
   the median CPU (user + sys, from wait4) and wall seconds, and the ratio
   mkdssp / panalyze per file from the same pairs; then the median ratio.
2. Scaling: `panalyze dssp --format tsv --threads T` (no ACC: the TSV has none)
   over every file repeated --scale-copies times, for each T: median wall and the
   speed-up against T = 1.
Figures depend on the machine: report the CPU model and whether it was shared.
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


def per_file(a, files):
    ratios = []
    print("file\tresidues\tpa_cpu_s\tmk_cpu_s\tcpu_ratio\tpa_wall_s\tmk_wall_s\twall_ratio")
    for f in files:
        if timed([a.mkdssp, "--output-format", "dssp", f, "/dev/null"])[2] != 0:
            print("# skipped (mkdssp cannot read it): %s" % f)
            continue
        pa_cmd = [a.panalyze, "dssp", f] + (["--no-acc"] if a.no_acc else [])
        if a.tsv:
            pa_cmd = [a.panalyze, "dssp", "--format", "tsv", f]
        mk_cmd = [a.mkdssp, "--output-format", "dssp", f, "/dev/null"]
        pc, pw, mc, mw, rc, rw = [], [], [], [], [], []
        for _ in range(a.runs):
            c1, w1, r1 = timed(pa_cmd)
            c2, w2, r2 = timed(mk_cmd)
            if r1 != 0 or r2 != 0:
                sys.exit("%s: exit %d (panalyze) / %d (mkdssp)" % (f, r1, r2))
            pc.append(c1), pw.append(w1), mc.append(c2), mw.append(w2)
            rc.append(c2 / max(c1, 1e-4)), rw.append(w2 / max(w1, 1e-4))
        out = subprocess.run([a.panalyze, "dssp", "--no-acc", f], capture_output=True, text=True).stdout
        nres = sum(1 for line in out.split("  #  RESIDUE", 1)[-1].splitlines()[1:] if line[13:14] != "!")
        ratios.append(statistics.median(rc))
        print("%s\t%d\t%.4f\t%.4f\t%.1f\t%.4f\t%.4f\t%.1f" % (
            os.path.basename(f), nres, statistics.median(pc), statistics.median(mc),
            statistics.median(rc), statistics.median(pw), statistics.median(mw),
            statistics.median(rw)))
    if ratios:
        print("# median per-file CPU ratio mkdssp/panalyze: %.1f (min %.1f, max %.1f, %d files)" % (
            statistics.median(ratios), min(ratios), max(ratios), len(ratios)))


def scaling(a, files):
    lst = files * a.scale_copies
    base = None
    print("threads\tfiles\twall_s\tspeedup")
    for t in a.threads:
        runs = [timed([a.panalyze, "dssp", "--format", "tsv", "--threads", str(t)] + lst)
                for _ in range(a.runs)]
        if any(r[2] != 0 for r in runs):
            sys.exit("scaling run with %d threads failed" % t)
        w = statistics.median(r[1] for r in runs)
        base = base or w
        print("%d\t%d\t%.3f\t%.2f" % (t, len(lst), w, base / w))


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
                    help="per file: panalyze --format tsv (letters only, no ACC) against mkdssp")
    a = ap.parse_args()
    files = sorted(glob.glob(os.path.join(a.dir, "*.cif")))
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
