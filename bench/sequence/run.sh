#!/bin/sh
# FASTA reading, one thread, from memory: libpanalyzer (default and strict) against a
# memchr line scan and Biopython's SimpleFastaParser (+ upper()) in the same run.
# usage: bench/sequence/run.sh [FASTA] [REPEATS]  (default: ../shared/data/seq/uniprot20k.fasta.gz)
set -eu
cd "$(dirname "$0")/../.."
B=${BUILD:-build-bench-seq}
F=${1:-../shared/data/seq/uniprot20k.fasta.gz}
R=${2:-5}
if [ ! -f "$B/build.ninja" ]; then
  meson setup "$B" -Dbench=true -Dtests=false >/dev/null 2>&1
fi
ninja -C "$B" -j2 bench/sequence/bench_fasta >/dev/null
grep -m1 'model name' /proc/cpuinfo
"$B/bench/sequence/bench_fasta" "$F" "$R" | tee "$B/fasta.tsv"
/usr/bin/python3 - "$F" "$R" "$B/fasta.tsv" <<'PY'
import gzip, io, sys, time
from Bio.SeqIO.FastaIO import SimpleFastaParser
path, reps, tsv = sys.argv[1], int(sys.argv[2]), sys.argv[3]
text = (gzip.open if path.endswith(".gz") else open)(path, "rb").read().decode()
best = 1e30
for _ in range(reps):
    t = time.perf_counter()
    recs = [(h, s.upper()) for h, s in SimpleFastaParser(io.StringIO(text))]
    best = min(best, time.perf_counter() - t)
mb = len(text.encode()) / 1e6
rows = {l.split("\t")[0]: float(l.split("\t")[3]) for l in open(tsv).read().splitlines()[1:]}
print("Biopython SimpleFastaParser\t%d\t%.2f\t%.4f\t%.1f" % (len(recs), mb, best, mb / best))
pa = rows["pa_fasta_read_memory"]
print("ratio Biopython / libpanalyzer (time): %.1fx; libpanalyzer / memchr scan: %.2fx"
      % (best / pa, pa / rows["memchr line scan"]))
PY
