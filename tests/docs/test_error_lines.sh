#!/bin/sh
# One wording per failure, the path once per line: seq, validate, run and ss report a
# missing file and a file that is not a structure the same way.
# usage: test_error_lines.sh PANALYZE
set -u
PZ=$1
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
printf 'garbage\001\n' >"$TMP/bad.pdb"
MISSING="$TMP/missing.pdb"
for c in seq validate run ss; do
  q=; [ $c = run ] && q=--quiet # run's end-of-run summary is not a failure line
  "$PZ" $c $q "$MISSING" "$TMP/bad.pdb" >"$TMP/$c.out" 2>&1
  [ $? -eq 1 ] || fail "$c: exit status should be 1"
  grep -v '^id	\|^path	' "$TMP/$c.out" | grep -v ': FAILED$' >"$TMP/$c.lines"
  grep -q "cannot open: No such file or directory" "$TMP/$c.lines" || fail "$c: $(cat "$TMP/$c.lines")"
  grep -q "bad.pdb.*content is not PDB, mmCIF or PDBML" "$TMP/$c.lines" || fail "$c: $(cat "$TMP/$c.lines")"
  [ "$(wc -l <"$TMP/$c.lines")" -eq 2 ] || fail "$c: one line per failing file expected: $(cat "$TMP/$c.lines")"
  while IFS= read -r line; do
    n=$(printf '%s\n' "$line" | grep -o "$TMP/[a-z]*\.pdb" | wc -l)
    [ "$n" -eq 1 ] || fail "$c: path $n times in: $line"
  done <"$TMP/$c.lines"
done
cmp -s "$TMP/seq.lines" "$TMP/validate.lines" || fail "seq and validate word failures differently:
$(cat "$TMP/seq.lines")
---
$(cat "$TMP/validate.lines")"
echo "ok"
