#!/bin/sh
# Build the pipeline benchmark and run it with its peers (same run).
# usage: bench/pipeline/run.sh [REPEATS]
set -eu
cd "$(dirname "$0")/../.."
B=${BUILD:-build-bench-exec}
if [ ! -f "$B/build.ninja" ]; then
  meson setup "$B" -Dbench=true -Dtests=false >/dev/null
fi
ninja -C "$B" -j2 bench/pipeline/bench_pipeline
exec /usr/bin/python3 bench/pipeline/bench_pipeline.py --bin "$B/bench/pipeline/bench_pipeline" \
  --data ../shared/data/structures --repeats "${1:-3}"
