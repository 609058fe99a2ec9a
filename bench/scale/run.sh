#!/bin/sh
# Long-run benchmarks of `panalyze run` from a release build:
#   bench/scale/run.sh soak|spike|both [options]   soak over 200,000 paths, memory spike
#   bench/scale/run.sh latency [PASSES]            per-file wall vs thread CPU time
set -eu
cd "$(dirname "$0")/../.."
what=${1:-both}
[ $# -gt 0 ] && shift
if [ "$what" = latency ]; then
  B=${BUILD:-build-bench-scale}
  [ -f "$B/build.ninja" ] || meson setup "$B" -Dbench=true -Dtests=false >/dev/null 2>&1
  ninja -C "$B" -j2 bench/scale/bench_latency >/dev/null
  # the soak's size class: PDB files of 100-150 KB in the shared corpus
  files=$(find ../shared/data/structures/pdb -size +97k -size -147k | LC_ALL=C sort)
  exec "$B/bench/scale/bench_latency" "${1:-300}" $files
fi
B=${BUILD:-build}
[ -f "$B/build.ninja" ] || meson setup "$B" >/dev/null
ninja -C "$B" -j2 examples/panalyze/panalyze >/dev/null
exec /usr/bin/python3 bench/scale/bench_scale.py --bin "$B/examples/panalyze/panalyze" "$what" "$@"
