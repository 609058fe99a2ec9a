#!/bin/sh
# bench/align/threads.sh [BUILD_DIR [REPEATS [NQ]]] — does the second thread pay?
# `panalyze align --threads 2` against `--threads 1`, wall time, on NQ queries (the first
# NQ of seq/queries.fasta, default 10) x the 20,000 targets of seq/uniprot20k.fasta.gz,
# local BLOSUM62 11/1, output discarded. Goal (issue 13): >= 1.85x on an idle machine.
#   1. control: pure CPU work (awk loops), one process doing 2N against two doing N at
#      once; 2.00x on an idle 2-core machine. Less says the machine is busy and the
#      ratio below is bounded by it.
#   2. REPEATS (default 7) pairs of runs, 1 then 2 threads: wall and user CPU seconds
#      per run, the ratio per pair, then the medians.
#   3. one --verbose run per thread count: the phases (read, profiles, sort, calibrate,
#      score, traceback, output) and the share of the serial ones.
# Data: $PA_SHARED_DATA or ../shared/data next to the source tree.
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
B=${1:-$ROOT/build}
REPS=${2:-7}
NQ=${3:-10}
DATA=${PA_SHARED_DATA:-$ROOT/../shared/data}
PZ=$B/examples/panalyze/panalyze
[ -x "$PZ" ] || { echo "no $PZ: build first (meson setup $B && ninja -C $B)" >&2; exit 2; }
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
Q=$TMP/q.fa
T=$DATA/seq/uniprot20k.fasta.gz
awk -v nq="$NQ" '/^>/ { n++ } n <= nq' "$DATA/seq/queries.fasta" >"$Q"

grep -m1 'model name' /proc/cpuinfo || true
echo "cores: $(nproc); $(uptime | sed 's/.*load/load/')"

now() { date +%s.%N; }
spin() { awk -v n="$1" 'BEGIN { for (i = 0; i < n; i++) x += i % 7; if (x < 0) print x }'; }
N=20000000
one=$(now); spin $((2 * N)); one=$(echo "$(now) $one" | awk '{ print $1 - $2 }')
two=$(now); spin $N & spin $N; wait; two=$(echo "$(now) $two" | awk '{ print $1 - $2 }')
echo "control: 2 processes of pure CPU work vs 1: $(echo "$one $two" | awk '{ printf "%.2fx", $1 / $2 }') (2.00x on an idle 2-core machine)"

run() { # wall (ns clock: time's %e has 10 ms steps, 2 % of a run) and user seconds of one run
  t0=$(now)
  /usr/bin/time -f '%U' "$PZ" align --threads "$1" "$Q" "$T" >/dev/null 2>"$TMP/t" 0<&- ||
    { cat "$TMP/t" >&2; exit 1; }
  echo "$(now) $t0 $(tail -n 1 "$TMP/t")" | awk '{ printf "%.4f %s\n", $1 - $2, $3 }'
}
echo "queries: $(grep -c '>' "$Q") x $(zcat "$T" | grep -c '>') targets"
printf '%4s %9s %9s %9s %9s %7s\n' pair wall1 user1 wall2 user2 ratio
: >"$TMP/pairs"
i=1
while [ "$i" -le "$REPS" ]; do
  a=$(run 1); b=$(run 2)
  echo "$a $b" | awk -v i="$i" '{ printf "%4d %9.3f %9.3f %9.3f %9.3f %6.2fx\n", i, $1, $2, $3, $4, $1 / $3 }'
  echo "$a $b" >>"$TMP/pairs"
  i=$((i + 1))
done
med() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
r=$(awk '{ print $1 / $3 }' "$TMP/pairs" | med)
lo=$(awk '{ print $1 / $3 }' "$TMP/pairs" | sort -g | head -n 1)
hi=$(awk '{ print $1 / $3 }' "$TMP/pairs" | sort -g | tail -n 1)
printf 'median: wall 1 thread %.3f s, 2 threads %.3f s; user CPU %.3f s / %.3f s\n' \
  "$(awk '{ print $1 }' "$TMP/pairs" | med)" "$(awk '{ print $3 }' "$TMP/pairs" | med)" \
  "$(awk '{ print $2 }' "$TMP/pairs" | med)" "$(awk '{ print $4 }' "$TMP/pairs" | med)"
printf 'two threads vs one (wall, median of %d pairs): %.2fx (%.2f-%.2fx); goal >= 1.85x\n' \
  "$REPS" "$r" "$lo" "$hi"
for th in 1 2; do
  "$PZ" align --verbose --threads "$th" "$Q" "$T" 2>&1 >/dev/null 0<&- | grep 'phases' || true
done
