#!/bin/sh
# Soak (200,000 paths) and spike (huge files, with and without --max-memory) runs of
# `panalyze run` from a release build. usage: bench/scale/run.sh [soak|spike|both] [options]
set -eu
cd "$(dirname "$0")/../.."
B=${BUILD:-build}
[ -f "$B/build.ninja" ] || meson setup "$B" >/dev/null
ninja -C "$B" -j2 examples/panalyze/panalyze >/dev/null
what=${1:-both}
[ $# -gt 0 ] && shift
exec /usr/bin/python3 bench/scale/bench_scale.py --bin "$B/examples/panalyze/panalyze" "$what" "$@"
