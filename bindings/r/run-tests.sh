#!/usr/bin/env bash
# Install the R package against a libpanalyzer build tree into a temporary
# library and run its testthat tests. Usage: bindings/r/run-tests.sh [builddir]
# (default: build). Exits non-zero when installation or any test fails.
set -euo pipefail
. "$(dirname "$0")/build-env.sh"

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
# Build from a copy so that no objects land in the source tree.
cp -r "$HERE" "$TMP/panalyzer"
rm -f "$TMP/panalyzer/src/"*.o "$TMP/panalyzer/src/"*.so "$TMP/panalyzer/src/Makevars"
mkdir "$TMP/lib"

R CMD INSTALL --no-multiarch --no-docs --no-html -l "$TMP/lib" "$TMP/panalyzer" >"$TMP/install.log" 2>&1 ||
  { cat "$TMP/install.log" >&2; exit 1; }

cd "$HERE/tests"
R_LIBS="$TMP/lib${R_LIBS:+:$R_LIBS}" Rscript --vanilla -e '
  library(testthat)
  library(panalyzer)
  res <- as.data.frame(test_dir("testthat", reporter = "summary", stop_on_failure = FALSE))
  failed <- sum(res$failed) + sum(res$error)
  cat(sprintf("\nR tests: %d files, %d expectations, %d failed, %d skipped\n",
              length(unique(res$file)), sum(res$nb), failed, sum(res$skipped)))
  quit(status = if (failed > 0) 1 else 0)
'
