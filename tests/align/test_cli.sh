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
# output path: rows are formatted by the workers and must equal the stored rows (written
# by printf before), for every thread count and chunk size
for th in 1 2; do
  for c in "" "--chunk 5"; do
    "$PZ" align --threads $th $c --traceback --mode semi "$TMP/q.fa" "$D/sample.fasta" >"$TMP/o" \
      && cmp -s "$TMP/o" "$D/expected_semi_tb.tsv" || fail "semi --traceback rows ($th threads $c)"
    "$PZ" align --threads $th $c --mode global --matrix PAM30 "$TMP/q.fa" "$D/sample.fasta" >"$TMP/o" \
      && cmp -s "$TMP/o" "$D/expected_global.tsv" || fail "global rows ($th threads $c)"
    "$PZ" align --threads $th $c --traceback --top 3 --gap-model blast "$TMP/q.fa" "$D/sample.fasta" \
      >"$TMP/o" && cmp -s "$TMP/o" "$D/expected_top_tb.tsv" || fail "top rows ($th threads $c)"
  done
done
# streamed targets (two threads: a target file of several 1 MiB pieces aligns while it is
# read) give the rows and messages of the whole-file path (one thread); a record that
# needs a warning, or strict rejection, in a late piece falls back to the whole file
awk 'BEGIN { x = 7; a = "ACDEFGHIKLMNPQRSTVWY"
  for (r = 0; r < 30000; r++) { printf ">t%d\n", r; n = 10 + r % 50
    for (i = 0; i < n; i++) { x = (x * 1103515245 + 12345) % 2147483648; printf "%s", substr(a, 1 + int(x / 65536) % 20, 1) }
    printf "\n" } }' >"$TMP/big.fa"
printf '>q1\nMKTAYIAKQRQISFVKSHFSRQ\n>q2\nGSHMLEDPVDAFQLTK\n' >"$TMP/sq.fa"
gzip -c "$TMP/big.fa" >"$TMP/big.fa.gz"
sed '59990s/^\(.....\)/\1--/' "$TMP/big.fa" | gzip -c >"$TMP/dirty.fa.gz"
for f in big.fa.gz dirty.fa.gz; do
  for s in "" "--strict" "--top 7 --traceback"; do
    "$PZ" align $s --threads 1 "$TMP/sq.fa" "$TMP/$f" >"$TMP/s1" 2>"$TMP/e1"; r1=$?
    "$PZ" align $s --threads 2 "$TMP/sq.fa" "$TMP/$f" >"$TMP/s2" 2>"$TMP/e2"; r2=$?
    [ $r1 -eq $r2 ] && cmp -s "$TMP/s1" "$TMP/s2" && cmp -s "$TMP/e1" "$TMP/e2" \
      || fail "streamed $f $s: exit $r1/$r2, $(diff "$TMP/e1" "$TMP/e2" | head -n 3)"
  done
done
"$PZ" align --strict --threads 1 "$TMP/sq.fa" "$TMP/dirty.fa.gz" >"$TMP/s1" 2>/dev/null
[ "$(wc -l <"$TMP/s1")" -le 1 ] || fail "strict rejection printed rows"
# a record longer than a piece (1 MiB) between two files' worth of short ones
awk 'BEGIN { x = 3; a = "ACDEFGHIKLMNPQRSTVWY"; print ">long"
  for (i = 0; i < 1500000; i++) { x = (x * 1103515245 + 12345) % 2147483648
    printf "%s", substr(a, 1 + int(x / 65536) % 20, 1); if (i % 60 == 59) printf "\n" }
  printf "\n" }' >"$TMP/long.fa"
cat "$TMP/big.fa" "$TMP/long.fa" "$TMP/big.fa" | gzip -c >"$TMP/mixed.fa.gz"
"$PZ" align --threads 1 "$TMP/sq.fa" "$TMP/mixed.fa.gz" >"$TMP/s1" || fail "long record, 1 thread"
"$PZ" align --threads 2 "$TMP/sq.fa" "$TMP/mixed.fa.gz" >"$TMP/s2" || fail "long record, 2 threads"
cmp -s "$TMP/s1" "$TMP/s2" || fail "long record: streamed rows differ"
# 36 queries x 30,000 targets: more pairs than the streamed path holds (2^18); the rest
# is aligned by blocks of queries once the file is read
awk 'BEGIN { x = 11; a = "ACDEFGHIKLMNPQRSTVWY"; for (q = 0; q < 36; q++) { printf ">s%d\n", q
  for (i = 0; i < 12 + q % 9; i++) { x = (x * 1103515245 + 12345) % 2147483648; printf "%s", substr(a, 1 + int(x / 65536) % 20, 1) }
  printf "\n" } }' >"$TMP/q36.fa"
"$PZ" align --threads 1 "$TMP/q36.fa" "$TMP/big.fa.gz" >"$TMP/s1" || fail "36 queries, 1 thread"
"$PZ" align --threads 2 "$TMP/q36.fa" "$TMP/big.fa.gz" >"$TMP/s2" || fail "36 queries, 2 threads"
cmp -s "$TMP/s1" "$TMP/s2" || fail "36 queries: streamed rows differ"
[ "$(wc -l <"$TMP/s1")" -eq 1080001 ] || fail "36 queries: $(wc -l <"$TMP/s1") lines"
rm -f "$TMP/s1" "$TMP/s2"
"$PZ" align --threads 2 "$TMP/sq.fa" "$TMP/big.fa.gz" >/dev/null 2>"$TMP/e2" --verbose
grep -q 'targets streamed' "$TMP/e2" || fail "streamed path not taken: $(cat "$TMP/e2")"
"$PZ" align --threads 2 "$TMP/sq.fa" "$TMP/dirty.fa.gz" >/dev/null 2>"$TMP/e2" --verbose
grep -q 'targets streamed' "$TMP/e2" && fail "dirty file streamed"
"$PZ" align --strict --threads 2 "$TMP/sq.fa" "$TMP/dirty.fa.gz" >"$TMP/s2" 2>/dev/null
[ "$(wc -l <"$TMP/s2")" -le 1 ] || fail "strict rejection printed rows (2 threads)"
"$PZ" align --kernel nope "$TMP/q.fa" "$TMP/q.fa" >/dev/null 2>&1; [ $? -eq 2 ] || fail "bad kernel"
# usage errors
"$PZ" align --mode nope "$TMP/q.fa" "$TMP/q.fa" >/dev/null 2>&1; [ $? -eq 2 ] || fail "bad mode"
"$PZ" align --matrix NOPE "$TMP/q.fa" "$TMP/q.fa" >/dev/null 2>&1; [ $? -eq 2 ] || fail "bad matrix"
"$PZ" align "$TMP/q.fa" >/dev/null 2>&1; [ $? -eq 2 ] || fail "one file"
"$PZ" align "$TMP/q.fa" /nonexistent >/dev/null 2>&1; [ $? -eq 1 ] || fail "missing file"
if [ -w /dev/full ]; then # a failed write is an error (exit 1), streamed or not
  for th in 1 2; do
    "$PZ" align --threads $th "$TMP/sq.fa" "$TMP/big.fa.gz" >/dev/full 2>"$TMP/e"; r=$?
    [ $r -eq 1 ] && grep -q 'writing the output failed' "$TMP/e" || fail "/dev/full ($th threads): exit $r"
  done
fi
echo ok
