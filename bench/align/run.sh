#!/bin/sh
# bench/align/run.sh [BUILD_DIR [NQ]] — one query against the 20,000 UniProt targets,
# per query-length bucket (80-150, 150-300, 300-450 from the chains of the structure
# corpus, 600-1000 from the UniProt queries), local BLOSUM62 11/1, one thread:
#   1. bench_inter: every libpanalyzer kernel, parasail's striped kernels and SSW in
#      process (CPU time, scores checked equal), instruction-bound estimate, then
#      1 vs 2 threads after a pure-CPU two-process control;
#   2. whole commands, user CPU seconds: `panalyze align --threads 1` against
#      `parasail_aligner -a sw_striped_profile_avx2_256_sat` (stdin closed: it
#      refuses to run while stdin is open).
# The two-thread check of whole commands (control, paired runs, phases): threads.sh.
# Needs meson -Dbench=true (configured here when BUILD_DIR lacks it), Debian
# libparasail-dev, parasail and libssw-dev. Data: $PA_SHARED_DATA or ../shared/data.
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
B=${1:-$ROOT/build-bench}
NQ=${2:-4}
DATA=${PA_SHARED_DATA:-$ROOT/../shared/data}
[ -d "$B" ] || meson setup "$B" "$ROOT" -Dbench=true -Dbuildtype=release >/dev/null
meson configure "$B" -Dbench=true >/dev/null
# the executor is a module loaded at run time: not a dependency ninja would build
nice ninja -C "$B" bench/align/bench_inter examples/panalyze/panalyze lib/libpanalyzer-executor.so >/dev/null
PZ=$B/examples/panalyze/panalyze
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

grep -m1 'model name' /proc/cpuinfo
grep -m1 '^flags' /proc/cpuinfo | tr ' ' '\n' | grep -E '^(avx2|avx512bw|avx512vbmi|avx512_vnni)$' | tr '\n' ' '
echo
uptime
"$PZ" seq --width 0 "$DATA"/structures/cif/* >"$TMP/chains.fa" 2>/dev/null || true
zcat "$DATA/seq/uniprot20k.fasta.gz" >"$TMP/targets.fa"
"$B/bench/align/bench_inter" "$TMP/chains.fa" "$DATA/seq/queries.fasta" "$TMP/targets.fa" "$NQ"

# NQ distinct one-line records of LO..HI residues from a FASTA file
pick() {
  awk -v lo="$2" -v hi="$3" -v nq="$NQ" '
    function flush() { if (s != "" && length(s) >= lo && length(s) <= hi && !(s in seen) && n < nq) {
                         seen[s] = 1; n++; print h; print s } }
    /^>/ { flush(); h = $1; s = ""; next } { s = s $0 } END { flush() }' "$1"
}
user_s() { # user CPU seconds of a command (stdin closed, output discarded)
  /usr/bin/time -f %U "$@" 0<&- >/dev/null 2>"$TMP/time" || { cat "$TMP/time" >&2; exit 1; }
  tail -n 1 "$TMP/time"
}
echo
echo "## whole commands, one thread, user CPU s (best of 3)"
printf '%-10s %6s %10s %10s %7s\n' bucket queries panalyze parasail ratio
for b in "80 150 chains" "150 300 chains" "300 450 chains" "600 1000 queries"; do
  set -- $b
  src=$TMP/chains.fa
  [ "$3" = queries ] && src=$DATA/seq/queries.fasta
  pick "$src" "$1" "$2" >"$TMP/q.fa"
  nq=$(grep -c '>' "$TMP/q.fa" || true)
  [ "$nq" -gt 0 ] || continue
  pa=999; ps=999
  for r in 1 2 3; do
    t=$(user_s "$PZ" align --threads 1 "$TMP/q.fa" "$TMP/targets.fa")
    pa=$(echo "$t $pa" | awk '{print ($1 < $2) ? $1 : $2}')
    t=$(user_s parasail_aligner -x -t 1 -a sw_striped_profile_avx2_256_sat -o 11 -e 1 \
        -m blosum62 -f "$TMP/targets.fa" -q "$TMP/q.fa" -g "$TMP/ps.csv")
    ps=$(echo "$t $ps" | awk '{print ($1 < $2) ? $1 : $2}')
  done
  printf '%-10s %6s %10s %10s %6.2fx\n' "$1-$2" "$nq" "$pa" "$ps" "$(echo "$ps $pa" | awk '{print $1 / $2}')"
done
