#!/bin/sh
# panalyze run: same TSV as `panalyze seq`, exit codes, cache reuse, JSONL, --ss;
# panalyze seq --threads: same output as without.
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

# panalyze seq --threads N: byte-identical output and exit status for every N.
for args in "" "--width 0" "--seqres --width 7" "--format tsv" "--format tsv --all-models"; do
    "$P" seq $args $FILES >"$T/s1" 2>/dev/null; r1=$?
    for n in 2 3; do
        "$P" seq --threads $n $args $FILES >"$T/sn" 2>"$T/sn.err"; rn=$?
        [ $rn -eq $r1 ] || fail "seq --threads $n $args: exit $rn, want $r1"
        cmp -s "$T/s1" "$T/sn" || fail "seq --threads $n $args: output differs"
    done
done
grep -q "empty.pdb" "$T/sn.err" || fail "seq --threads: no diagnostic for empty.pdb"

# panalyze run --ss: seq's columns plus ss3 (one letter per observed residue of a
# protein chain), the same for every threads x chunk, and the same from the cache.
"$P" run --ss --threads 1 $FILES >"$T/ss1.tsv" 2>/dev/null
head -1 "$T/ss1.tsv" | grep -q "	seqres	ss3$" || fail "no ss3 column in the header"
cut -f1-7 "$T/ss1.tsv" | cmp -s - "$T/seq.tsv" || fail "run --ss: seq columns differ"
awk -F'\t' 'NR > 1 && $4 == "protein" && $5 > 0 && (length($8) != $5 || $8 !~ /^[HEC]+$/) {
    bad = 1 } NR > 1 && $4 != "protein" && $8 != "" { bad = 1 } END { exit bad }' "$T/ss1.tsv" ||
    fail "ss3 column malformed"
grep -q "	[HEC]*H[HEC]*$" "$T/ss1.tsv" || fail "no helix predicted anywhere"
for tc in "2 1" "2 2" "3 3"; do
    set -- $tc
    "$P" run --ss --threads $1 --chunk $2 --cache "$T/sscache" $FILES >"$T/ssn.tsv" 2>/dev/null
    cmp -s "$T/ss1.tsv" "$T/ssn.tsv" || fail "run --ss --threads $1 --chunk $2 differs"
done
"$P" run --ss --format jsonl --cache "$T/sscache" $FILES >"$T/ss.jsonl" 2>/dev/null
[ "$(grep -c '"cached":true' "$T/ss.jsonl")" -eq 6 ] || fail "--ss run not served from the cache"
grep -q '"ss3":"[HEC]*"' "$T/ss.jsonl" || fail "no ss3 field in JSONL"

# panalyze run --references: best reference per protein chain, and its mapping.
printf '>decoy\nGGGGSGGGGS\n>crambin\nTTCCPSIVARSNFNVCRLPGTPEAICATYTGCIIIPGATCPGDYAN\n' >"$T/refs.fa"
"$P" run --references "$T/refs.fa" --threads 2 $FILES >"$T/ref.tsv" 2>/dev/null
head -1 "$T/ref.tsv" | grep -q "	seqres	reference	ref_identity	ref_coverage	ref_evalue$" ||
    fail "no reference columns in the header"
grep "1crn.pdb" "$T/ref.tsv" | cut -f8- | grep -q "^crambin	1.0000	1.0000	[0-9.]*e-[0-9]*$" ||
    fail "1crn not mapped onto crambin"
# an index instead of the FASTA: the same rows; a strict --ref-evalue: no reference
"$P" index "$T/refs.fa" -o "$T/refs.pai" 2>/dev/null || fail "panalyze index"
"$P" run --references "$T/refs.pai" --threads 2 $FILES 2>/dev/null | cmp -s - "$T/ref.tsv" ||
    fail "run --references INDEX differs from FASTA"
"$P" run --references "$T/refs.pai" --ref-evalue 1e-300 "$D/1crn.pdb" | grep "1crn.pdb" |
    cut -f8- | grep -q "^			$" || fail "--ref-evalue 1e-300 still maps"
"$P" run --references "$T/refs.pai" --format jsonl "$D/1crn.pdb" |
    grep -q '"ref_evalue":[0-9.]*e-[0-9]*' || fail "no ref_evalue in JSONL"
cut -f1-7 "$T/ref.tsv" | cmp -s - "$T/seq.tsv" || fail "run --references: seq columns differ"
"$P" run --references "$T/refs.fa" --format jsonl "$D/1crn.pdb" |
    grep -q '"reference":{"id":"crambin","score":[0-9]*,"mapped":46,' || fail "no reference in JSONL"
"$P" run --references "$T/missing.fa" $FILES >/dev/null 2>&1; [ $? -eq 2 ] ||
    fail "unreadable references should exit 2"

"$P" run --help >/dev/null || fail "--help should exit 0"
"$P" run --threads x $FILES >/dev/null 2>&1; [ $? -eq 2 ] || fail "bad option should exit 2"
"$P" run >/dev/null 2>&1; [ $? -eq 2 ] || fail "no files should exit 2"
echo ok
