#!/bin/sh
# Build the mmCIF benchmark and compare with gemmi (same run).
# usage: bench/cif/run.sh [REPEATS]
set -eu
cd "$(dirname "$0")/../.."
B=${BUILD:-build-bench-cif}
if [ ! -f "$B/build.ninja" ]; then
  meson setup "$B" -Dbench=true -Dtests=false >/dev/null
fi
ninja -C "$B" -j2 bench/cif/bench_cif
exec /usr/bin/python3 bench/cif/bench_cif.py --bin "$B/bench/cif/bench_cif" \
  --data ../shared/data/structures --repeats "${1:-5}"
