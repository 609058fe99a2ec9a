#!/bin/sh
# FASTA input hygiene through the CLI: ss, align and run --references clean records the
# same way (upper case, final '*' dropped, digits/blanks ignored), warn about removed
# gap characters naming record and position, and refuse them under --strict (exit 1).
# usage: test_fasta_cli.sh PANALYZE EXAMPLES_DIR
set -u
PZ=$1
EX=$2
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

printf '>a\nmkvlaaglllw*\n>b gapped\nMK-V.L 12\n' >"$TMP/in.fa"
printf '>clean\nMKVLAAGLLLW\n' >"$TMP/clean.fa"
WARN="in.fa:4:3: warning: \[malformed-record\] record 'b': 2 non-residue characters removed (first '-' at position 3)"
ERR="in.fa:4:3: error: \[malformed-record\] record 'b': '-' at position 3 is not a residue letter"

# ss: 11 states for 11 residues, gaps removed with one warning
"$PZ" ss "$TMP/in.fa" >"$TMP/ss.tsv" 2>"$TMP/ss.err" || fail "ss exit $? ($(cat "$TMP/ss.err"))"
awk -F'\t' '$1 == "a" { if ($2 != "MKVLAAGLLLW" || length($3) != 11) exit 1; n++ }
            $1 == "b" { if ($2 != "MKVL" || length($3) != 4) exit 1; n++ }
            END { exit n != 2 }' "$TMP/ss.tsv" || fail "ss rows: $(cat "$TMP/ss.tsv")"
grep -q "$WARN" "$TMP/ss.err" || fail "ss warning: $(cat "$TMP/ss.err")"
[ "$(wc -l <"$TMP/ss.err")" -eq 1 ] || fail "ss: one warning line expected: $(cat "$TMP/ss.err")"
"$PZ" ss --strict "$TMP/in.fa" >/dev/null 2>"$TMP/ss2.err"
[ $? -eq 1 ] || fail "ss --strict on gaps should exit 1"
grep -q "$ERR" "$TMP/ss2.err" || fail "ss --strict error: $(cat "$TMP/ss2.err")"
"$PZ" ss --strict "$TMP/clean.fa" >/dev/null 2>"$TMP/ss3.err" || fail "ss --strict clean: $?"
[ -s "$TMP/ss3.err" ] && fail "ss --strict clean printed: $(cat "$TMP/ss3.err")"

# align: same cleaning, same messages
"$PZ" align "$TMP/in.fa" "$TMP/clean.fa" >"$TMP/al.tsv" 2>"$TMP/al.err" || fail "align exit $?"
grep -q "$WARN" "$TMP/al.err" || fail "align warning: $(cat "$TMP/al.err")"
grep -q "^a	clean	" "$TMP/al.tsv" || fail "align rows: $(cat "$TMP/al.tsv")"
"$PZ" align --strict "$TMP/in.fa" "$TMP/clean.fa" >/dev/null 2>"$TMP/al2.err"
[ $? -eq 1 ] || fail "align --strict on gaps should exit 1"
grep -q "$ERR" "$TMP/al2.err" || fail "align --strict error: $(cat "$TMP/al2.err")"

# run --references
"$PZ" run --threads 1 --references "$TMP/in.fa" "$EX"/1crn.pdb >/dev/null 2>"$TMP/run.err" \
  || fail "run --references exit $? ($(cat "$TMP/run.err"))"
grep -q "$WARN" "$TMP/run.err" || fail "run warning: $(cat "$TMP/run.err")"
"$PZ" run --threads 1 --strict --references "$TMP/in.fa" "$EX"/1crn.pdb >/dev/null 2>"$TMP/run2.err"
[ $? -eq 2 ] || fail "run --strict with gapped references should exit 2"
grep -q "$ERR" "$TMP/run2.err" || fail "run --strict error: $(cat "$TMP/run2.err")"

for c in ss align run; do
  "$PZ" $c --help | grep -q -- --strict || fail "$c --help does not list --strict"
done
echo "ok"
