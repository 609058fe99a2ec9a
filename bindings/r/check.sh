#!/usr/bin/env bash
# R CMD build, then R CMD check --no-manual on the tarball, against a libpanalyzer
# build tree. Fails unless the check ends "Status: OK".
# Usage: bindings/r/check.sh [builddir] (default: build)
set -euo pipefail
. "$(dirname "$0")/build-env.sh"

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
export _R_CHECK_FORCE_SUGGESTS_=false
cd "$TMP"
R CMD build --no-build-vignettes --no-manual "$HERE" >build.log 2>&1 || { cat build.log >&2; exit 1; }
tarball=$(ls panalyzer_*.tar.gz)
R CMD check --no-manual "$tarball" >check.log 2>&1 || true
cat check.log
if ! grep -q '^Status: OK' check.log; then
  for f in panalyzer.Rcheck/00install.out panalyzer.Rcheck/tests/testthat.Rout.fail; do
    [ -f "$f" ] && { echo "---- $f"; tail -n 40 "$f"; }
  done
  echo "R CMD check did not end with 'Status: OK'" >&2
  exit 1
fi
