#!/usr/bin/env bash
# Build the Debian packages (libpanalyzer1, libpanalyzer-dev, panalyzer,
# python3-panalyzer) from a clean copy of the tracked files with
# `dpkg-buildpackage -us -uc -b`, then run lintian (fails on lintian errors).
# On demand only, not in CI. Needs the Build-Depends of debian/control plus
# dpkg-dev and lintian. usage: tools/build-deb.sh [OUTDIR] (default: build-deb)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
OUT=$(mkdir -p "${1:-build-deb}" && cd "${1:-build-deb}" && pwd)
VERSION=$(dpkg-parsechangelog -S Version)
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
SRC=$TMP/panalyzer-$VERSION
mkdir "$SRC"
git ls-files -z --cached --others --exclude-standard | (cd "$ROOT" && xargs -0 cp -a --parents -t "$SRC")
(cd "$SRC" && nice dpkg-buildpackage -us -uc -b -j2) >"$OUT/dpkg-buildpackage.log" 2>&1 ||
  { tail -n 60 "$OUT/dpkg-buildpackage.log" >&2; echo "dpkg-buildpackage failed (log: $OUT/dpkg-buildpackage.log)" >&2; exit 1; }
mv "$TMP"/*.deb "$TMP"/*.changes "$TMP"/*.buildinfo "$OUT"/
ls -1 "$OUT"/*.deb
changes=$(ls "$OUT"/*.changes)
if command -v lintian >/dev/null; then
  lintian --fail-on error "$changes" || { echo "lintian reported errors" >&2; exit 1; }
  echo "lintian: no errors"
else
  echo "lintian not installed: skipped"
fi
