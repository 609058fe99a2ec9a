#!/usr/bin/env bash
# Install dependencies, build, and run the main job over the bundled examples:
# the pipeline with the built-in secondary-structure model (TSV on stdout).
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/install-deps.sh
[ -f build/build.ninja ] || meson setup build >/dev/null
ninja -C build
./build/examples/panalyze/panalyze run --ss examples/data/*
