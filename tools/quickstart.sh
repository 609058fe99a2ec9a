#!/usr/bin/env bash
# Install dependencies, build, and run the main job over the bundled examples.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/install-deps.sh
[ -f build/build.ninja ] || meson setup build >/dev/null
ninja -C build
./build/examples/panalyze/panalyze seq examples/data/*
