#!/bin/sh
# Build and run the executor overhead benchmark. usage: bench/executor/run.sh [THREADS] [REPEATS]
set -eu
cd "$(dirname "$0")/../.."
B=${BUILD:-build-bench-exec}
if [ ! -f "$B/build.ninja" ]; then
  meson setup "$B" -Dbench=true -Dtests=false >/dev/null
fi
ninja -C "$B" -j2 bench/executor/bench_executor
exec "$B/bench/executor/bench_executor" "${1:-2}" "${2:-5}"
