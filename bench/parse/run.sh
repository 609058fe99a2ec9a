#!/bin/sh
# Build the parse benchmark and run it against gemmi and Biopython (same run).
# usage: bench/parse/run.sh [REPEATS]
set -eu
cd "$(dirname "$0")/../.."
B=${BUILD:-build-bench-parse}
if [ ! -f "$B/build.ninja" ]; then
  meson setup "$B" -Dbench=true -Dtests=false >/dev/null
fi
ninja -C "$B" -j2 bench/parse/bench_parse
exec /usr/bin/python3 bench/parse/bench_parse.py --bin "$B/bench/parse/bench_parse" \
  --data ../shared/data/structures --repeats "${1:-3}"
