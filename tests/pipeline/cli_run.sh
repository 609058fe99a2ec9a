#!/bin/sh
# panalyze run: same TSV as `panalyze seq`, exit codes, cache reuse, JSONL.
# usage: cli_run.sh PANALYZE DATA_DIR
set -u
P=$1
D=$2
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
FILES="$D/1crn.pdb $D/1ubq.cif $D/1aki.pdb.gz $D/1SSU_mod.pdb $D/empty.pdb $D/1T2Y.pdb"

"$P" seq --format tsv $FILES >"$T/seq.tsv" 2>"$T/seq.err"; rs=$?
"$P" run --threads 2 --chunk 2 --batch 3 --format tsv $FILES >"$T/run.tsv" 2>"$T/run.err"; rr=$?
[ $rs -eq 1 ] && [ $rr -eq 1 ] || fail "exit codes seq=$rs run=$rr (want 1: empty.pdb fails)"
cmp -s "$T/seq.tsv" "$T/run.tsv" || fail "TSV differs from panalyze seq"
grep -q "empty.pdb" "$T/run.err" || fail "no diagnostic for empty.pdb on stderr"

printf '%s\n' $FILES >"$T/list"
"$P" run --from "$T/list" --cache "$T/cache" --metrics "$T/m.json" >"$T/c1.tsv" 2>/dev/null
"$P" run --from "$T/list" --cache "$T/cache" --unordered --format jsonl >"$T/c2.jsonl" 2>/dev/null
cmp -s "$T/seq.tsv" "$T/c1.tsv" || fail "cached-run TSV differs"
[ "$(grep -c '"cached":true' "$T/c2.jsonl")" -eq 6 ] || fail "second run not served from the cache"
grep -q '"stages"' "$T/m.json" || fail "no metrics JSON"

"$P" run --help >/dev/null || fail "--help should exit 0"
"$P" run --threads x $FILES >/dev/null 2>&1; [ $? -eq 2 ] || fail "bad option should exit 2"
"$P" run >/dev/null 2>&1; [ $? -eq 2 ] || fail "no files should exit 2"
echo ok
