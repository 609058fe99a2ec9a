#!/usr/bin/python3
"""Parsing + sequence extraction: libpanalyzer vs gemmi vs Biopython, same run.

Usage: /usr/bin/python3 bench/parse/bench_parse.py --bin BENCH_PARSE --data DIR [--repeats N]

The corpus is DIR/{pdb,cif,pdbml,compressed}. Each peer is compared on the files it
can read (gemmi: PDB/mmCIF plain or .gz; Biopython: the same minus files its parsers
reject); libpanalyzer is timed on exactly the same subset, in the same process run,
single-threaded. Work per file: parse all models, then model-1 chain sequences.
"""
import argparse, gzip, io, os, subprocess, sys, tempfile, time, warnings

SUBDIRS = ('pdb', 'cif', 'pdbml', 'compressed')


def corpus(root):
    out = []
    for d in SUBDIRS:
        p = os.path.join(root, d)
        if os.path.isdir(p):
            out += sorted(os.path.join(p, f) for f in os.listdir(p))
    return out


def text_of(path):
    data = open(path, 'rb').read()
    if data[:2] == b'\x1f\x8b':
        data = gzip.decompress(data)
    elif data[:4] == b'\x28\xb5\x2f\xfd':
        return None
    return data


def sniff(data):
    head = data[:4096].lstrip()
    if head.startswith(b'<'):
        return 'xml'
    if head.startswith(b'data_') or b'\ndata_' in data[:20000]:
        return 'cif'
    return 'pdb'


def gemmi_job(gemmi, path):
    st = gemmi.read_structure(path)
    st.setup_entities()
    n = 0
    if len(st):
        for ch in st[0]:
            seq = gemmi.one_letter_code([r.name for r in ch.get_polymer()])
            n += bool(seq)
    return n


def bio_job(bio, path, fmt):
    from Bio.PDB import PDBParser, MMCIFParser, PPBuilder
    opener = gzip.open if path.endswith('.gz') else open
    with opener(path, 'rt') as fh:
        p = MMCIFParser(QUIET=True) if fmt == 'cif' else PDBParser(QUIET=True)
        st = p.get_structure('x', fh)
    models = list(st)
    if not models:
        return 0
    return sum(1 for pp in PPBuilder().build_peptides(models[0]) if len(pp.get_sequence()))


def readable(paths, job):
    ok = []
    for p in paths:
        try:
            job(p)
            ok.append(p)
        except Exception:
            pass
    return ok


def time_py(paths, job, repeats):
    best = float('inf')
    for _ in range(repeats):
        t0 = time.perf_counter()
        for p in paths:
            job(p)
        best = min(best, time.perf_counter() - t0)
    return best


def time_pa(binary, paths, repeats):
    with tempfile.NamedTemporaryFile('w', suffix='.txt', delete=False) as f:
        f.write('\n'.join(paths) + '\n')
        name = f.name
    try:
        out = subprocess.run([binary, name, str(repeats)], capture_output=True, text=True,
                             check=True).stdout
    finally:
        os.unlink(name)
    kv = dict(x.split('=') for x in out.split())
    return float(kv['seconds']), int(kv['failed'])


def size_mb(paths):
    return sum(os.path.getsize(p) for p in paths) / 1e6


def row(name, paths, seconds):
    mb = size_mb(paths)
    print('  %-14s %5d files %8.2f MB %9.3f s %9.1f files/s %8.2f MB/s'
          % (name, len(paths), mb, seconds, len(paths) / seconds, mb / seconds))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--bin', required=True)
    ap.add_argument('--data', required=True)
    ap.add_argument('--repeats', type=int, default=3)
    ap.add_argument('--bio-repeats', type=int, default=1)
    a = ap.parse_args()
    warnings.simplefilter('ignore')
    files = corpus(a.data)

    t, failed = time_pa(a.bin, files, a.repeats)
    print('libpanalyzer, whole corpus (%s):' % ', '.join(SUBDIRS))
    row('libpanalyzer', files, t)
    print('  (%d files not readable by libpanalyzer)' % failed)

    import gemmi
    gfiles = [p for p in files if not p.endswith('.zst') and text_of(p) is not None
              and sniff(text_of(p)) != 'xml']
    gfiles = readable(gfiles, lambda p: gemmi_job(gemmi, p))
    tg = time_py(gfiles, lambda p: gemmi_job(gemmi, p), a.repeats)
    tp, _ = time_pa(a.bin, gfiles, a.repeats)
    print('\nvs gemmi %s (files both read):' % gemmi.__version__)
    row('libpanalyzer', gfiles, tp)
    row('gemmi', gfiles, tg)
    print('  ratio (gemmi time / libpanalyzer time): %.2fx' % (tg / tp))

    import Bio
    fmt = {p: sniff(text_of(p)) for p in gfiles}
    bjob = lambda p: bio_job(Bio, p, fmt[p])
    bfiles = readable(gfiles, bjob)
    tb = time_py(bfiles, bjob, a.bio_repeats)
    tp2, _ = time_pa(a.bin, bfiles, a.repeats)
    print('\nvs Biopython %s (files both read):' % Bio.__version__)
    row('libpanalyzer', bfiles, tp2)
    row('Biopython', bfiles, tb)
    print('  ratio (Biopython time / libpanalyzer time): %.1fx' % (tb / tp2))


if __name__ == '__main__':
    main()
