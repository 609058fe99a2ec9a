#!/bin/sh
# CLI test: panalyze index / map on the bundled sample (FASTA, gzip FASTA, an index, a
# structure file as queries); checks the header, self hits best first, options, a corrupt
# index and usage errors (exit 2).
# usage: test_cli.sh PANALYZE DATA_DIR
set -u
PZ=$1
D=$2
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

HDR=$(printf 'query\ttarget\tscore\tbits\tevalue\tidentity\tqcov\ttcov\tqstart\tqend\ttstart\ttend\tcigar')
head -n 8 "$D/sample.fasta" >"$TMP/q.fa"
gzip -c "$D/sample.fasta" >"$TMP/r.fa.gz"
"$PZ" index "$TMP/r.fa.gz" -o "$TMP/r.pai" 2>"$TMP/err" || fail "index exit $? ($(cat "$TMP/err"))"
"$PZ" map --threads 2 "$TMP/q.fa" "$TMP/r.pai" >"$TMP/out" 2>"$TMP/err" || fail "map exit $? ($(cat "$TMP/err"))"
[ "$(head -n 1 "$TMP/out")" = "$HDR" ] || fail "header: $(head -n 1 "$TMP/out")"
q=$(head -n 1 "$TMP/q.fa" | cut -c2- | cut -d' ' -f1)
sed -n 2p "$TMP/out" | grep -q "^$q	$q	[0-9]*	[0-9.]*	[0-9.e+-]*	1.0000	1.0000	1.0000	1	" \
  || fail "self hit first: $(sed -n 2p "$TMP/out")"
# a FASTA instead of an index gives the same rows
"$PZ" map --threads 1 "$TMP/q.fa" "$D/sample.fasta" >"$TMP/out2" || fail "map fasta exit $?"
cmp -s "$TMP/out" "$TMP/out2" || fail "index and FASTA differ"
# --top 1: one row per query with a hit; --evalue tiny: none
"$PZ" map --top 1 "$TMP/q.fa" "$TMP/r.pai" >"$TMP/top" || fail "top exit $?"
[ "$(tail -n +2 "$TMP/top" | cut -f1 | sort | uniq -d | wc -l)" -eq 0 ] || fail "--top 1 repeats a query"
"$PZ" map --evalue 1e-300 --min-coverage 0.5 --sensitivity exhaustive "$TMP/q.fa" "$TMP/r.pai" >"$TMP/none" || fail "evalue exit $?"
[ "$(wc -l <"$TMP/none")" -eq 1 ] || fail "--evalue 1e-300 still reports hits"
# --comp-adjust / --seed-mask: self hits of ordinary proteins keep their rows
"$PZ" map --threads 2 --comp-adjust off --seed-mask on "$TMP/q.fa" "$TMP/r.pai" >"$TMP/opt" \
  || fail "--comp-adjust off exit $?"
[ "$(sed -n 2p "$TMP/opt")" = "$(sed -n 2p "$TMP/out")" ] || fail "--comp-adjust off: $(sed -n 2p "$TMP/opt")"
"$PZ" map --comp-adjust maybe "$TMP/q.fa" "$TMP/r.pai" >/dev/null 2>&1; [ $? -eq 2 ] || fail "bad --comp-adjust"
# structure queries are named FILE_CHAIN
"$PZ" map --evalue 10 "$D/1crn.pdb" "$TMP/r.pai" >"$TMP/pdb" || fail "structure exit $?"
[ "$(head -n 1 "$TMP/pdb")" = "$HDR" ] || fail "structure header"
"$PZ" seq "$D/1crn.pdb" | sed 's/^>[^ ]*/>crambin/' >"$TMP/crn.fa"
"$PZ" map --evalue 10 "$D/1crn.pdb" "$TMP/crn.fa" | grep -q '^1crn.pdb_A	crambin	' || fail "1crn.pdb_A self hit"
# a corrupt index is an error (exit 1), not a crash
cp "$TMP/r.pai" "$TMP/bad.pai"
printf 'XXXX' | dd of="$TMP/bad.pai" bs=1 seek=300 conv=notrunc 2>/dev/null
"$PZ" map "$TMP/q.fa" "$TMP/bad.pai" >/dev/null 2>"$TMP/err"; [ $? -eq 1 ] || fail "corrupt index"
grep -q "corrupt" "$TMP/err" || fail "corrupt message: $(cat "$TMP/err")"
# usage errors
"$PZ" map "$TMP/q.fa" >/dev/null 2>&1; [ $? -eq 2 ] || fail "one file"
"$PZ" map --evalue x "$TMP/q.fa" "$TMP/r.pai" >/dev/null 2>&1; [ $? -eq 2 ] || fail "bad evalue"
"$PZ" map --sensitivity max "$TMP/q.fa" "$TMP/r.pai" >/dev/null 2>&1; [ $? -eq 2 ] || fail "bad sensitivity"
"$PZ" map --gap-open 2 "$TMP/q.fa" "$TMP/r.pai" >/dev/null 2>&1; [ $? -eq 2 ] || fail "untabulated gaps"
"$PZ" index "$TMP/q.fa" >/dev/null 2>&1; [ $? -eq 2 ] || fail "index without -o"
"$PZ" index /nonexistent.fa -o "$TMP/x.pai" >/dev/null 2>&1; [ $? -eq 1 ] || fail "index missing file"
"$PZ" map "$TMP/q.fa" /nonexistent.pai >/dev/null 2>&1; [ $? -eq 1 ] || fail "missing refs"
"$PZ" map --help | grep -q -- "--min-coverage" || fail "help"
# FASTA hygiene as everywhere: a gap is removed with a warning, an error under --strict
printf '>g\nmkv-laaglllw*\n' >"$TMP/gap.fa"
"$PZ" map "$TMP/gap.fa" "$TMP/r.pai" >/dev/null 2>"$TMP/err"; [ $? -eq 0 ] || fail "gap query"
grep -q "warning: .*record 'g'" "$TMP/err" || fail "gap warning: $(cat "$TMP/err")"
"$PZ" map --strict "$TMP/gap.fa" "$TMP/r.pai" >/dev/null 2>"$TMP/err"; [ $? -eq 1 ] || fail "--strict"
grep -q "error: .*position 4" "$TMP/err" || fail "strict error: $(cat "$TMP/err")"
echo ok
