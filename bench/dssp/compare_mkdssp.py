#!/usr/bin/env python3
"""Agreement of `panalyze dssp` with mkdssp over a directory of mmCIF files.

usage: compare_mkdssp.py PANALYZE DIR [--mkdssp mkdssp] [--show N] [--altloc all|first]
                          [--glob '*.cif']

Both programs write the classic DSSP format; residues are matched by
(chain, number, insertion code). Reported: the share of mkdssp's residues we
have, the share of those with the same letter, and the share with ACC within
+-1. Files mkdssp cannot read (or cannot write classically) are listed and left
out, as the agreement target asks. Prints differing residues with --show.
"""
import argparse
import glob
import os
import subprocess
import sys
import tempfile


def parse_classic(text):
    """{(chain, resnum, icode): (aa, ss, acc)} from a classic DSSP table."""
    out = {}
    started = False
    for line in text.splitlines():
        if line.startswith("  #  RESIDUE"):
            started = True
            continue
        if not started or len(line) < 38 or line[13] == "!":
            continue
        key = (line[11], int(line[5:10]), line[10])
        out[key] = (line[13], line[16], int(line[34:38]))
    return out


def run_mkdssp(mkdssp, path):
    with tempfile.NamedTemporaryFile(suffix=".dssp") as tmp:
        r = subprocess.run([mkdssp, "--quiet", "--output-format", "dssp", path, tmp.name],
                           capture_output=True, text=True, timeout=600)
        if r.returncode != 0:
            return None, (r.stderr.strip().splitlines() or ["exit %d" % r.returncode])[-1]
        with open(tmp.name) as f:
            return f.read(), None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("panalyze")
    ap.add_argument("dir")
    ap.add_argument("--mkdssp", default="mkdssp")
    ap.add_argument("--show", type=int, default=0)
    ap.add_argument("--altloc", default="all")
    ap.add_argument("--glob", default="*.cif", help="which files of DIR (default *.cif)")
    a = ap.parse_args()
    files = sorted(glob.glob(os.path.join(a.dir, a.glob)))
    tot = present = same = acc_ok = 0
    skipped = []
    diffs = []
    for path in files:
        ref_text, err = run_mkdssp(a.mkdssp, path)
        if ref_text is None:
            skipped.append((os.path.basename(path), err))
            continue
        r = subprocess.run([a.panalyze, "dssp", "--altloc", a.altloc, path],
                           capture_output=True, text=True)
        ours = parse_classic(r.stdout) if r.returncode == 0 else {}
        ref = parse_classic(ref_text)
        f_tot = f_same = 0
        for key, (aa, ss, acc) in ref.items():
            tot += 1
            f_tot += 1
            got = ours.get(key)
            if got is None:
                diffs.append((os.path.basename(path), key, "missing", ss, ""))
                continue
            present += 1
            if got[1] == ss:
                same += 1
                f_same += 1
            else:
                diffs.append((os.path.basename(path), key, "ss", ss, got[1]))
            if abs(got[2] - acc) <= 1:
                acc_ok += 1
            else:
                diffs.append((os.path.basename(path), key, "acc", acc, got[2]))
        print("%-32s residues %6d  same letter %6.2f %%" %
              (os.path.basename(path), f_tot, 100.0 * f_same / max(f_tot, 1)))
    for name, err in skipped:
        print("skipped (mkdssp): %s: %s" % (name, err))
    print("files compared %d, skipped %d" % (len(files) - len(skipped), len(skipped)))
    print("mkdssp residues %d" % tot)
    print("present   %.3f %%" % (100.0 * present / max(tot, 1)))
    print("same ss   %.3f %%" % (100.0 * same / max(present, 1)))
    print("acc +-1   %.3f %%" % (100.0 * acc_ok / max(present, 1)))
    for d in diffs[:a.show]:
        print("diff", *d)
    return 0


if __name__ == "__main__":
    sys.exit(main())
