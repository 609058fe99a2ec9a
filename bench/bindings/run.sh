#!/bin/sh
# Python-level benchmark of the cffi binding against gemmi (same run).
# usage: bench/bindings/run.sh [REPEATS]   (uses the release build in ./build, or $BUILD)
set -eu
cd "$(dirname "$0")/../.."
B=${BUILD:-build}
[ -f "$B/build.ninja" ] || meson setup "$B" >/dev/null
ninja -C "$B" -j2 lib/libpanalyzer.so.1.0.0 >/dev/null
PANALYZER_LIB="$PWD/$B/lib/libpanalyzer.so" PYTHONPATH="$PWD/bindings/python" OPENBLAS_NUM_THREADS=1 \
  exec /usr/bin/python3 bench/bindings/bench_bindings.py --data ../shared/data/structures --repeats "${1:-3}"
