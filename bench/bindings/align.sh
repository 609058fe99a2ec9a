#!/bin/sh
# One query against the 20,000 UniProt targets (top 10, no traceback, one thread) through
# the CLI, Python and R in the same run: the bindings should add next to nothing to the
# library's alignment time. Prints median seconds of the alignment call and the ratio to
# the CLI's (CLI: its --verbose phases without reading and output).
# usage: bench/bindings/align.sh [REPEATS] [QUERY_ID]  (release build in ./build, or $BUILD;
#        R package installed against it by bindings/r/run-tests.sh's method)
set -eu
cd "$(dirname "$0")/../.."
B=${BUILD:-build}
N=${1:-5}
QID=${2:-B1ER33}
SEQ=../shared/data/seq
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
zcat "$SEQ/uniprot20k.fasta.gz" >"$T/t.fa"
awk -v id="$QID" '/^>/{p=index($0, id) > 0} p' "$SEQ/queries.fasta" >"$T/q.fa"
PIN="taskset -c 1"
command -v taskset >/dev/null || PIN=

cli() { # seconds of the CLI's alignment phases (total - read - output)
  $PIN "$B/examples/panalyze/panalyze" align --threads 1 --top 10 --verbose "$T/q.fa" "$T/t.fa" \
    2>&1 >/dev/null | sed -n 's/.*read \([0-9.]*\),.* output \([0-9.]*\); total \([0-9.]*\),.*/\1 \2 \3/p' |
    awk '{printf "%.4f\n", ($3 - $1 - $2) / 1000}'
}
median() { sort -n | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }

i=0; : >"$T/cli"
while [ $i -lt "$N" ]; do cli >>"$T/cli"; i=$((i + 1)); done

PANALYZER_LIB="$PWD/$B/lib/libpanalyzer.so" PYTHONPATH="$PWD/bindings/python" OPENBLAS_NUM_THREADS=1 \
  $PIN /usr/bin/python3 - "$T/q.fa" "$T/t.fa" "$N" >"$T/py" <<'PY'
import sys, time
import panalyzer as pa
def fasta(p):
    out, cur = [], []
    for line in open(p):
        if line.startswith(">"):
            if cur: out.append("".join(cur)); cur = []
        else:
            cur.append(line.strip())
    return out + ["".join(cur)] if cur else out
q, t = fasta(sys.argv[1])[0], fasta(sys.argv[2])
pa.align(q, t[:500], top_k=10, traceback=False)  # calibration, once per process
for _ in range(int(sys.argv[3])):
    t0 = time.perf_counter()
    pa.align(q, t, top_k=10, traceback=False)
    print("%.4f" % (time.perf_counter() - t0))
print("#", len(q), sum(map(len, t)), pa.last_kernel())
PY

if [ -d "${R_PA_LIB:-}" ]; then
  R_LIBS="$R_PA_LIB" $PIN Rscript --vanilla - "$T/q.fa" "$T/t.fa" "$N" >"$T/r" <<'RS'
a <- commandArgs(TRUE)
fasta <- function(p) {
  l <- readLines(p); h <- grepl("^>", l); g <- cumsum(h)
  unname(vapply(split(l[!h], g[!h]), paste, "", collapse = ""))
}
library(panalyzer)
q <- fasta(a[1])[1]; t <- fasta(a[2])
invisible(align(q, t[1:500], top_k = 10L, traceback = FALSE))
for (i in seq_len(as.integer(a[3])))
  cat(sprintf("%.4f\n", system.time(align(q, t, top_k = 10L, traceback = FALSE))[["elapsed"]]))
RS
fi

grep -m1 'model name' /proc/cpuinfo
echo "query $QID: $(grep '^#' "$T/py" | cut -c3-)"
c=$(median <"$T/cli")
printf "%-8s %8s s  %5s\n" CLI "$c" 1.00
p=$(grep -v '^#' "$T/py" | median)
printf "%-8s %8s s  %5.2f\n" Python "$p" "$(echo "$p / $c" | bc -l)"
if [ -s "$T/r" ]; then
  r=$(median <"$T/r")
  printf "%-8s %8s s  %5.2f\n" R "$r" "$(echo "$r / $c" | bc -l)"
else
  echo "R: skipped (set R_PA_LIB to a library holding the panalyzer package)"
fi
