#!/usr/bin/env bash
# Build the libFuzzer targets in fuzz/ (clang, ASan+UBSan, coverage) and run each
# for a number of seconds, one target at a time, at low priority.
#
#   tools/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]   # default 60 s, every target
#   tools/fuzz.sh --build-only
#   FUZZ_JOBS=1 FUZZ_DIR=build-fuzz tools/fuzz.sh 600 pdb mmcif
#   FUZZ_NICE=0 tools/fuzz.sh 600 onnx            # fuzzers run at nice 10 unless told
#
# Seeds come from tests/data and ../shared/data (when present), cut to 64 KB.
# Requests over 256 MB get NULL (ASan max_allocation_size_mb): a model or header
# asking for that much must fail cleanly with PA_ENOMEM, not be reported as OOM.
# The corpus grows in $FUZZ_DIR/corpus/<target>; findings (crash-*, leak-*,
# timeout-*, oom-*) land in $FUZZ_DIR/findings/<target>/ and make the script
# exit 1 (the 60 s timeout is wall time: generous, for a loaded machine). Copy
# each one to tests/data/corrupt/regress/<module>/ once fixed.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
DIR=${FUZZ_DIR:-build-fuzz}
SECS=60
BUILD_ONLY=0
if [ "${1:-}" = "--build-only" ]; then BUILD_ONLY=1; shift; fi
if [[ "${1:-}" =~ ^[0-9]+$ ]]; then SECS=$1; shift; fi
CC=${FUZZ_CC:-clang}
CXX=${FUZZ_CXX:-clang++}
SAN=address,undefined

# 1. The library, instrumented for coverage (fuzzer-no-link) and sanitizers.
if [ ! -f "$DIR/build.ninja" ]; then
  CC=$CC CXX=$CXX meson setup "$DIR" -Dbuildtype=debug -Doptimization=1 -Dtests=false \
    -Db_sanitize=$SAN -Db_lundef=false \
    -Dc_args="-fsanitize=fuzzer-no-link -fno-sanitize-recover=undefined" \
    -Dcpp_args="-fsanitize=fuzzer-no-link -fno-sanitize-recover=undefined" >/dev/null
fi
nice -n 10 ninja -C "$DIR" -j"${FUZZ_JOBS:-2}" lib/libpanalyzer.a >/dev/null

# 2. Targets: every fuzz/fuzz_*.c whose API is present in the library.
LIBS=$(pkg-config --libs zlib libzstd libxml-2.0 tbb openblas)
mkdir -p "$DIR/fuzzers"
all_targets=()
for src in fuzz/fuzz_*.c; do
  t=$(basename "$src" .c); t=${t#fuzz_}
  out="$DIR/fuzzers/$t"
  if [ ! -x "$out" ] || [ "$src" -nt "$out" ] || [ "$DIR/lib/libpanalyzer.a" -nt "$out" ] \
     || [ -n "$(find fuzz -name '*.h' -newer "$out")" ]; then
    # -fsanitize-link-c++-runtime: targets that reach the executor (C++) need UBSan's C++ part
    if ! nice -n 10 $CC -g -O1 -std=c11 -D_GNU_SOURCE -fsanitize=fuzzer,$SAN \
        -fsanitize-link-c++-runtime \
        -fno-sanitize-recover=undefined -Iinclude -Ilib -Ifuzz "$src" \
        "$DIR/lib/libpanalyzer.a" $LIBS -lstdc++ -lm -lpthread -ldl -o "$out" 2>"$DIR/fuzzers/$t.log"; then
      echo "skip $t: does not build yet (see $DIR/fuzzers/$t.log)"
      continue
    fi
  fi
  all_targets+=("$t")
done
[ "$BUILD_ONLY" = 1 ] && { echo "built: ${all_targets[*]}"; exit 0; }
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=("${all_targets[@]}")

# 3. Seeds per target (the first 64 KB of each file).
SHARED=$ROOT/../shared/data
seed_dirs() {
  case $1 in
    pdb)       echo "$SHARED/structures/pdb tests/data/structure tests/data/corrupt/structure examples/data" ;;
    mmcif)     echo "$SHARED/structures/cif tests/data/structure tests/data/corrupt/structure examples/data" ;;
    pdbml)     echo "$SHARED/structures/pdbml tests/data/structure tests/data/corrupt/structure examples/data" ;;
    structure) echo "$SHARED/structures/edge $SHARED/structures/compressed tests/data/corrupt/structure" ;;
    input)     echo "$SHARED/structures/compressed tests/data/io tests/data/corrupt/structure" ;;
    dssp)      echo "$SHARED/structures/cif $SHARED/structures/pdb $SHARED/structures/edge tests/data/dssp tests/data/corrupt/structure" ;;
    fasta)     echo "$SHARED/seq tests/data/sequence tests/data/corrupt/fasta" ;;
    matrix)    echo "$SHARED/seq/matrices tests/data/align tests/data/corrupt/matrix" ;;
    onnx)      echo "models tests/data/infer tests/data/corrupt/onnx" ;;
    *)         echo "tests/data/corrupt/$1" ;;
  esac
}
seed() { # target -> corpus dir
  local c="$DIR/corpus/$1" d f
  mkdir -p "$c"
  for d in $(seed_dirs "$1") "tests/data/corrupt/regress/$1"; do
    [ -d "$d" ] || continue
    find "$d" -maxdepth 2 -type f ! -name '*.md' -size -20M | while read -r f; do
      head -c 65536 "$f" > "$c/seed-$(printf '%s' "$f" | md5sum | cut -c1-12)"
    done
  done
}

status=0
for t in "${targets[@]}"; do
  [ -x "$DIR/fuzzers/$t" ] || { echo "no target $t"; status=1; continue; }
  seed "$t"
  mkdir -p "$DIR/findings/$t"
  echo "== fuzz $t for ${SECS}s"
  start=$(date +%s)
  touch "$DIR/findings/$t/.start"
  ( cd "$DIR/findings/$t" && \
    ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1:max_allocation_size_mb=256 \
    UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
    /usr/bin/time -o "$ROOT/$DIR/findings/$t/.cpu" -f '%U %S' \
    nice -n "${FUZZ_NICE:-10}" "$ROOT/$DIR/fuzzers/$t" -max_total_time="$SECS" -max_len=65536 -timeout=60 \
      -rss_limit_mb=2048 -print_final_stats=1 "$ROOT/$DIR/corpus/$t" ) \
    >"$DIR/findings/$t/last.log" 2>&1 || true
  wall=$(( $(date +%s) - start ))
  cpu=$(awk '{ printf "%d", $1 + $2 }' "$DIR/findings/$t/.cpu" 2>/dev/null || echo 0)
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$DIR/findings/$t/last.log" | grep -o '[0-9]*$' || echo 0)
  n=$(find "$DIR/findings/$t" -maxdepth 1 -newer "$DIR/findings/$t/.start" \
       -regex '.*/\(crash\|leak\|timeout\|oom\)-.*' | wc -l)
  echo "   $t: ${cpu}s CPU (${wall}s wall), ${execs:-0} runs, corpus $(ls "$DIR/corpus/$t" | wc -l) files, findings $n"
  echo "$t $cpu $wall ${execs:-0}" >> "$DIR/fuzz-time.log"   # target cpu_s wall_s runs
  if [ "$n" -gt 0 ]; then
    status=1
    grep -m3 -E 'ERROR|runtime error|SUMMARY' "$DIR/findings/$t/last.log" | sed 's/^/   /' || true
  fi
done
exit $status
