#!/bin/sh
# CLI test: panalyze align on the bundled sample (FASTA, gzip FASTA, a structure file);
# checks the header, a self hit, top-k, traceback columns and usage errors (exit 2).
# usage: test_cli.sh PANALYZE DATA_DIR
set -u
PZ=$1
D=$2
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

head -n 4 "$D/sample.fasta" >"$TMP/q.fa"
gzip -c "$D/sample.fasta" >"$TMP/t.fa.gz"
"$PZ" align --top 2 --traceback --threads 2 --chunk 3 "$TMP/q.fa" "$TMP/t.fa.gz" >"$TMP/out" 2>"$TMP/err" \
  || fail "exit $? ($(cat "$TMP/err"))"
printf 'query\ttarget\tscore\tqstart\tqend\ttstart\ttend\tcigar\tidentity\n' >"$TMP/header"
head -n 1 "$TMP/out" | cmp -s - "$TMP/header" || fail "header: $(head -n 1 "$TMP/out")"
[ "$(wc -l <"$TMP/out")" -eq 3 ] || fail "expected 2 hits: $(cat "$TMP/out")"
q=$(head -n 1 "$TMP/q.fa" | cut -c2- | cut -d' ' -f1)
sed -n 2p "$TMP/out" | grep -q "^$q	$q	[0-9]*	1	[0-9]*	1	[0-9]*	[0-9]*=	1.0000$" \
  || fail "self hit first: $(sed -n 2p "$TMP/out")"
# every target without --top; score-only leaves the traceback columns empty
"$PZ" align --mode global --matrix PAM30 "$TMP/q.fa" "$D/sample.fasta" >"$TMP/all" || fail "global exit $?"
[ "$(wc -l <"$TMP/all")" -eq 41 ] || fail "expected 40 rows"
sed -n 2p "$TMP/all" | grep -q '		$' || fail "empty cigar/identity: $(sed -n 2p "$TMP/all")"
# structure input: chain sequences
"$PZ" align --mode semi "$D/1crn.pdb" "$TMP/q.fa" >"$TMP/pdb" || fail "structure input exit $?"
grep -q '^1crn.pdb_A	' "$TMP/pdb" || fail "structure query name: $(cat "$TMP/pdb")"
# kernel families give the same rows; --verbose says which ran and why
"$PZ" align --kernel inter --verbose "$TMP/q.fa" "$D/sample.fasta" >"$TMP/inter" 2>"$TMP/why" || fail "inter exit $?"
"$PZ" align --kernel striped "$TMP/q.fa" "$D/sample.fasta" >"$TMP/striped" || fail "striped exit $?"
cmp -s "$TMP/inter" "$TMP/striped" || fail "inter and striped kernels differ"
grep -q 'inter-[a-z0-9]*' "$TMP/why" || fail "--verbose: $(cat "$TMP/why")"
"$PZ" align --help | grep -q -- '--kernel' || fail "--help lacks --kernel"
"$PZ" align --kernel nope "$TMP/q.fa" "$TMP/q.fa" >/dev/null 2>&1; [ $? -eq 2 ] || fail "bad kernel"
# usage errors
"$PZ" align --mode nope "$TMP/q.fa" "$TMP/q.fa" >/dev/null 2>&1; [ $? -eq 2 ] || fail "bad mode"
"$PZ" align --matrix NOPE "$TMP/q.fa" "$TMP/q.fa" >/dev/null 2>&1; [ $? -eq 2 ] || fail "bad matrix"
"$PZ" align "$TMP/q.fa" >/dev/null 2>&1; [ $? -eq 2 ] || fail "one file"
"$PZ" align "$TMP/q.fa" /nonexistent >/dev/null 2>&1; [ $? -eq 1 ] || fail "missing file"
echo ok
