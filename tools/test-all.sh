#!/usr/bin/env bash
# The whole test suite: C (Check) in a release build, an ASan+UBSan build, a
# TSan build of the threaded suites and a valgrind memcheck run, then Python
# (pytest), R (testthat, then R CMD check) and the ABI check. PA_SKIP_VALGRIND=1 skips the slowest
# step (valgrind) for a quick local run.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
export OPENBLAS_NUM_THREADS=1

step() { printf '\n==== %s ====\n' "$*"; }

setup() { # dir, extra meson args...
  local dir=$1; shift
  if [ ! -f "$dir/build.ninja" ]; then meson setup "$dir" "$@" >/dev/null; fi
  ninja -C "$dir"
}

step "C tests (release)"
setup build
meson test -C build --print-errorlogs

step "C tests (ASan + UBSan)"
# -fsanitize=undefined leaves out float-cast-overflow: out-of-range (int)double casts
# are exactly what hostile numbers in structure files provoke.
setup build-asan -Dbuildtype=debug -Db_sanitize=address,undefined -Db_lundef=false \
  -Dc_args=-fsanitize=float-cast-overflow -Dcpp_args=-fsanitize=float-cast-overflow
UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 ASAN_OPTIONS=detect_leaks=1 \
  meson test -C build-asan --print-errorlogs --timeout-multiplier 4 --no-suite tsan-only

step "C tests (TSan: executor, pipeline and the thread stress test)"
if grep -q "suite : 'executor'" tests/executor/meson.build 2>/dev/null; then
  setup build-tsan -Dbuildtype=debug -Db_sanitize=thread -Db_lundef=false
  TSAN_OPTIONS="halt_on_error=1 suppressions=$ROOT/tests/tsan.supp" \
    meson test -C build-tsan --print-errorlogs --timeout-multiplier 4 --suite executor --suite pipeline --suite stress
else
  echo "no threaded suites yet"
fi

step "C tests under valgrind memcheck (loops thinned by PA_TEST_QUICK)"
if [ "${PA_SKIP_VALGRIND:-0}" = 1 ]; then
  echo "skipped: PA_SKIP_VALGRIND=1"
elif command -v valgrind >/dev/null; then
  tools/valgrind.sh
else
  echo "skipped: valgrind not installed"
fi

step "Python tests (pytest)"
if [ -d bindings/python/tests ]; then
  PANALYZER_LIB="$ROOT/build/lib/libpanalyzer.so" PYTHONPATH="$ROOT/bindings/python" \
    /usr/bin/python3 -m pytest -q bindings/python/tests
else
  echo "no Python tests yet"
fi

step "R tests (testthat)"
if [ -f bindings/r/DESCRIPTION ]; then
  bash bindings/r/run-tests.sh "$ROOT/build"
else
  echo "no R tests yet"
fi
step "R CMD check (build, then check --no-manual on the tarball)"
if ! command -v R >/dev/null; then
  echo "skipped: R is not installed (Debian: r-base-dev r-cran-testthat)"
else
  bash bindings/r/check.sh "$ROOT/build"
fi
step "ABI check against abi/libpanalyzer.abi (libabigail)"
if command -v abidw >/dev/null && [ -f abi/libpanalyzer.abi ]; then
  tools/abi-check.sh build-asan   # a debug build: abidw needs DWARF
else
  echo "skipped: abigail-tools not installed or no baseline"
fi
step "all test suites passed"
