#!/usr/bin/env bash
# The C test suites under valgrind memcheck (uninitialised reads, invalid
# accesses, leaks) in a plain debug build (no sanitizers: they do not mix).
#
#   tools/valgrind.sh [--suite NAME ...]        # default: every C suite
#   VALGRIND_DIR=build-valgrind tools/valgrind.sh --suite reliability
#
# Check runs each test in-process (CK_FORK=no) so leaks are counted once per
# suite. Suites that keep oneTBB threads (executor, pipeline, stress) work too,
# only slower. tests/reliability/valgrind.supp silences one-time allocations of oneTBB and
# OpenBLAS thread pools. The allocation-failure test tries every 37th allocation only.
set -euo pipefail
cd "$(dirname "$0")/.."
DIR=${VALGRIND_DIR:-build-valgrind}
command -v valgrind >/dev/null || { echo "valgrind not found (apt-get install valgrind)"; exit 77; }
[ -f "$DIR/build.ninja" ] || meson setup "$DIR" -Dbuildtype=debug >/dev/null
ninja -C "$DIR" -j"${VALGRIND_JOBS:-2}" >/dev/null
# Only tests that run a compiled program: wrapping a shell or Python script
# would check the interpreter, not the library.
mapfile -t tests < <(meson introspect "$DIR" --tests | /usr/bin/python3 -c '
import json, sys
for t in json.load(sys.stdin):
    exe = t["cmd"][0]
    if not exe.startswith(sys.argv[1]):
        continue  # an interpreter running a script
    with open(exe, "rb") as f:
        if f.read(4) == b"\x7fELF":
            print(t["name"])' "$(cd "$DIR" && pwd)")
args=("$@")
[ ${#args[@]} -eq 0 ] && args=("${tests[@]}")
if [[ " ${args[*]} " == *" --suite "* ]]; then args+=("${tests[@]}"); fi

CK_FORK=no CK_DEFAULT_TIMEOUT=3600 OPENBLAS_NUM_THREADS=1 PA_ALLOCFAIL_STRIDE=37 PA_TEST_QUICK=1 \
  meson test -C "$DIR" --print-errorlogs --timeout-multiplier 20 \
  --wrap="valgrind --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect --show-leak-kinds=definite,indirect --track-origins=yes --suppressions=$PWD/tests/reliability/valgrind.supp --quiet" \
  "${args[@]}"
