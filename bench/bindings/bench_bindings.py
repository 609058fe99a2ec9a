#!/usr/bin/python3
"""Python-level throughput: libpanalyzer through its cffi binding vs gemmi's Python module.

Usage: PANALYZER_LIB=build/lib/libpanalyzer.so PYTHONPATH=bindings/python \
       /usr/bin/python3 bench/bindings/bench_bindings.py --data DIR [--repeats N]

Work per file: parse every model, then the model-1 chain sequences as Python strings.
  pa.read        panalyzer.read() + chain.sequence, one file at a time (one thread)
  pa.run(t)      the C pipeline on t threads, results converted to Python objects
  gemmi          gemmi.read_structure + setup_entities + one_letter_code(get_polymer())
Files: DIR/{pdb,cif,compressed} that gemmi reads (PDB/mmCIF, plain or .gz). Best of N passes.
Also: the cost of a zero-copy coordinate view vs gemmi's per-atom coordinate loop.
"""
import argparse
import os
import time

import numpy as np

import gemmi
import panalyzer as pa


def corpus(root):
    out = []
    for d in ("pdb", "cif", "compressed"):
        p = os.path.join(root, d)
        if os.path.isdir(p):
            out += sorted(os.path.join(p, f) for f in os.listdir(p)
                          if not f.endswith((".zst", ".xml", ".xml.gz")))
    return out


def gemmi_job(path):
    st = gemmi.read_structure(path)
    st.setup_entities()
    return [gemmi.one_letter_code([r.name for r in ch.get_polymer()]) for ch in st[0]] if len(st) else []


def pa_job(path):
    s = pa.read(path)
    return [c.sequence for c in s.chains]


def best(fn, repeats):
    t = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        t = min(t, time.perf_counter() - t0)
    return t


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True)
    ap.add_argument("--repeats", type=int, default=3)
    a = ap.parse_args()
    files = []
    for p in corpus(a.data):
        try:
            gemmi_job(p)
            pa_job(p)
            files.append(p)
        except Exception:
            pass
    mb = sum(os.path.getsize(p) for p in files) / 1e6
    print("files: %d (%.1f MB) readable by both; best of %d" % (len(files), mb, a.repeats))

    t_g = best(lambda: [gemmi_job(p) for p in files], a.repeats)
    rows = [("gemmi %s (Python)" % gemmi.__version__, t_g)]
    rows.append(("pa.read + sequences", best(lambda: [pa_job(p) for p in files], a.repeats)))
    for t in (1, 2):
        rows.append(("pa.run(threads=%d)" % t,
                     best(lambda: [r.chains for r in pa.run(files, threads=t, chunk=4)], a.repeats)))
    print("%-26s %10s %10s %8s" % ("", "files/s", "MB/s", "vs gemmi"))
    for name, t in rows:
        print("%-26s %10.1f %10.1f %7.1fx" % (name, len(files) / t, mb / t, t_g / t))

    big = max(files, key=os.path.getsize)
    s, st = pa.read(big), gemmi.read_structure(big)
    n = len(s.atoms)
    t_view = best(lambda: (s.atoms.x, s.atoms.y, s.atoms.z), 20)
    t_copy = best(lambda: s.atoms.xyz, 20)
    t_gem = best(lambda: np.array([[a.pos.x, a.pos.y, a.pos.z] for ch in st[0] for r in ch for a in r]), 3)
    print("coordinates of %s (%d atoms, model 1): x/y/z views %.1f us, xyz copy %.1f us, "
          "gemmi atom loop %.1f us (%.0fx the views)"
          % (os.path.basename(big), n, t_view * 1e6, t_copy * 1e6, t_gem * 1e6, t_gem / t_view))


if __name__ == "__main__":
    main()
