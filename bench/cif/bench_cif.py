#!/usr/bin/python3
"""mmCIF parsing: libpanalyzer vs gemmi, same run, single thread, files in memory.

Usage: /usr/bin/python3 bench/cif/bench_cif.py --bin BENCH_CIF --data DIR [--repeats N]

Two comparisons per file (best of N):
  tokenize: libpanalyzer CIF block parser delivering every row  vs  gemmi.cif.read_string
            (gemmi also builds its document tree: it is the cheapest gemmi entry point)
  read:     pa_structure_read_memory (model + validation)  vs
            gemmi.cif.read_string + gemmi.make_structure_from_block
"""
import argparse, os, subprocess, time

FILES = ['cif/6wlb.cif', 'cif/4YVS.cif', 'cif/3nig.cif', 'cif/1l2y.cif',
         'cif/AF-O49373-F1-model_v4.cif', 'cif/1aki.cif']


def best(fn, repeats):
    t = float('inf')
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        t = min(t, time.perf_counter() - t0)
    return t


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--bin', required=True)
    ap.add_argument('--data', required=True)
    ap.add_argument('--repeats', type=int, default=5)
    a = ap.parse_args()
    import gemmi
    paths = [os.path.join(a.data, f) for f in FILES if os.path.exists(os.path.join(a.data, f))]
    out = subprocess.run([a.bin, str(a.repeats)] + paths, capture_output=True, text=True,
                         check=True).stdout
    pa = {}
    for line in out.splitlines():
        kv = dict(x.split('=', 1) for x in line.split())
        pa[kv['file']] = kv
    print('mmCIF parsing, best of %d, seconds (gemmi %s)' % (a.repeats, gemmi.__version__))
    print('  %-30s %8s %10s %10s %7s %10s %10s %7s' % ('file', 'MB', 'pa tok', 'gemmi doc',
          'ratio', 'pa read', 'gemmi st', 'ratio'))
    tot = [0.0] * 4
    for p in paths:
        text = open(p).read()
        tg = best(lambda: gemmi.cif.read_string(text), a.repeats)
        ts = best(lambda: gemmi.make_structure_from_block(gemmi.cif.read_string(text).sole_block()),
                  a.repeats)
        k = pa[p]
        tt, tr = float(k['tokenize']), float(k['read'])
        tot = [tot[0] + tt, tot[1] + tg, tot[2] + tr, tot[3] + ts]
        print('  %-30s %8.2f %10.4f %10.4f %6.1fx %10.4f %10.4f %6.1fx' % (
            os.path.basename(p), int(k['bytes']) / 1e6, tt, tg, tg / tt, tr, ts, ts / tr))
    print('  %-30s %8s %10.4f %10.4f %6.1fx %10.4f %10.4f %6.1fx' % (
        'total', '', tot[0], tot[1], tot[1] / tot[0], tot[2], tot[3], tot[3] / tot[2]))


if __name__ == '__main__':
    main()
