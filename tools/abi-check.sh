#!/usr/bin/env bash
# ABI check of libpanalyzer.so against the committed baseline abi/libpanalyzer.abi
# (libabigail: abidw + abidiff; Debian package abigail-tools).
#
#   tools/abi-check.sh [--update] [BUILD_DIR]
#
# Without BUILD_DIR, builds the library in build-abi (debugoptimized: abidw needs
# DWARF). Only types reachable from the public headers count (--headers-dir).
# Exit 0: no change, only added functions, or a break together with a new
# soname. Exit 1: a removed/changed function or a changed public type without
# a soname bump. --update rewrites the baseline from the current build.
set -euo pipefail
cd "$(dirname "$0")/.."
UPDATE=0
if [ "${1:-}" = "--update" ]; then UPDATE=1; shift; fi
DIR=${1:-build-abi}
BASE=abi/libpanalyzer.abi

for t in abidw abidiff; do
  command -v $t >/dev/null || { echo "abi-check: $t not found (apt-get install abigail-tools)"; exit 77; }
done
if [ -z "${1:-}" ]; then
  [ -f "$DIR/build.ninja" ] || meson setup "$DIR" -Dbuildtype=debugoptimized -Dtests=false >/dev/null
  ninja -C "$DIR" lib/libpanalyzer.so.1.0.0 >/dev/null || ninja -C "$DIR" >/dev/null
fi
LIB=$(readlink -f "$DIR/lib/libpanalyzer.so")
[ -f "$LIB" ] || { echo "abi-check: no $DIR/lib/libpanalyzer.so"; exit 1; }

dump() { # lib out
  abidw --headers-dir include/panalyzer --no-corpus-path --no-comp-dir-path --short-locs \
    --drop-undefined-syms --type-id-style hash --out-file "$2" "$1"
}

if [ "$UPDATE" = 1 ]; then
  mkdir -p abi
  dump "$LIB" "$BASE"
  echo "abi-check: baseline written to $BASE ($(grep -c '<elf-symbol ' "$BASE") symbols)"
  exit 0
fi
[ -f "$BASE" ] || { echo "abi-check: no baseline $BASE; run tools/abi-check.sh --update"; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
dump "$LIB" "$tmp/current.abi"
# Opaque handles (pa_model, ...) are declared in public headers but defined in
# internal ones: their layout is not ABI. Count only types defined in a public header.
{ echo '[suppress_type]'
  echo "  source_location_not_in = $(cd include/panalyzer && ls *.h | paste -sd, | sed 's/,/, /g')"
} >"$tmp/public.abignore"
set +e
abidiff --no-added-syms --suppressions "$tmp/public.abignore" "$BASE" "$tmp/current.abi" >"$tmp/diff.txt" 2>&1
rc=$?
set -e
old_soname=$(grep -o 'soname=[^ >]*' "$BASE" | head -1 | tr -d "'\"" | cut -d= -f2)
new_soname=$(grep -o 'soname=[^ >]*' "$tmp/current.abi" | head -1 | tr -d "'\"" | cut -d= -f2)

# abidiff status is a bit mask: 1 error, 2 usage, 4 ABI change, 8 incompatible change.
if (( rc & 3 )); then
  cat "$tmp/diff.txt"; echo "abi-check: abidiff failed ($rc)"; exit 1
fi
# Bit 8 (symbol removed, ...) is incompatible; bit 4 alone covers type changes
# that abidiff cannot classify (a struct's size or a field's offset changed):
# both fail unless the soname changed. Added functions are not reported.
if (( rc & 12 )); then
  cat "$tmp/diff.txt"
  if [ "$old_soname" != "$new_soname" ]; then
    echo "abi-check: ABI break with soname $old_soname -> $new_soname: accepted (run --update)"
    exit 0
  fi
  if (( rc & 8 )); then what="INCOMPATIBLE ABI change"; else what="ABI change (types/layout)"; fi
  echo "abi-check: $what with unchanged soname $new_soname"
  echo "  revert it, or bump soversion; if deliberate and compatible (a field appended to a"
  echo "  versioned options struct), review the report above and run tools/abi-check.sh --update"
  exit 1
fi
echo "abi-check: no ABI change against $BASE ($new_soname; added functions are fine)"
exit 0
