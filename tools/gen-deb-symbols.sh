#!/bin/sh
# Write debian/libpanalyzer1.symbols: every symbol the built libpanalyzer.so exports in
# the version node of lib/libpanalyzer.map, at the version it first appeared (new ones:
# the current upstream version; existing lines are kept). Run after adding public API.
# usage: tools/gen-deb-symbols.sh [builddir] (default: build)
set -eu
cd "$(dirname "$0")/.."
BUILD=${1:-build}
SO=$BUILD/lib/libpanalyzer.so
OUT=debian/libpanalyzer1.symbols
[ -e "$SO" ] || { echo "no $SO: build first" >&2; exit 1; }
NODE=$(sed -n 's/^\([A-Z_0-9]*\) *{.*/\1/p' lib/libpanalyzer.map | head -n 1)
VERSION=$(sed -n "s/^ *version *: *'\([^']*\)'.*/\1/p" meson.build | head -n 1)
[ -n "$NODE" ] && [ -n "$VERSION" ] || { echo "cannot read the version node or version" >&2; exit 1; }
TMP=$(mktemp)
trap 'rm -f "$TMP"' EXIT
{
  echo " $NODE@$NODE $VERSION"
  nm -D --defined-only --with-symbol-versions "$SO" |
    awk -v node="$NODE" '{ n = $3; sub(/@+/, "@", n) } n ~ ("@" node "$") && n !~ ("^" node "@") { print n }' |
    sort -u | while read -r sym; do
      old=$( [ -f "$OUT" ] && grep -m1 "^ $sym " "$OUT" || true)
      echo "${old:- $sym $VERSION}"
    done
} >"$TMP"
{ echo "libpanalyzer.so.1 libpanalyzer1 #MINVER#"; cat "$TMP"; } >"$OUT"
echo "$OUT: $(($(wc -l <"$OUT") - 1)) symbols of $NODE"
