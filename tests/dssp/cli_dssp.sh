#!/bin/sh
# panalyze dssp: the classic table equals stored mkdssp 4.2 output; --format tsv
# has the columns path model chain observed ss8, one line per protein chain and
# model, ss8 as long as observed; --threads gives the same bytes; a bad file
# fails with exit 1 and a message while the others still print; directories,
# --include/--exclude, --from/--files and SIGINT/SIGTERM as the walk gives them.
# usage: cli_dssp.sh PANALYZE DATA_DIR
set -u
P=$1
D=$2
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
table() { sed -n '/^  #  RESIDUE/,$p' "$1"; }

"$P" dssp "$D/1CRN.cif.gz" >"$T/1crn.dssp" || fail "dssp exit $?"
table "$D/1CRN.dssp" >"$T/want"
table "$T/1crn.dssp" >"$T/got"
cmp -s "$T/want" "$T/got" || fail "classic table differs from mkdssp's"

"$P" dssp "$D/1CRN.cif.gz" "$D/helix.pdb" >/dev/null 2>&1; [ $? -eq 2 ] || fail "two files in dssp format: want exit 2"
"$P" dssp --format xml "$D/helix.pdb" >/dev/null 2>&1; [ $? -eq 2 ] || fail "bad format: want exit 2"
"$P" dssp --help | grep -q -- "--format" || fail "no --format in --help"

FILES="$D/helix.pdb $D/hairpin.pdb $D/4cxl.cif.gz $D/1GBT.cif.gz"
"$P" dssp --format tsv $FILES >"$T/t1.tsv" || fail "tsv exit $?"
[ "$(head -1 "$T/t1.tsv")" = "$(printf 'path\tmodel\tchain\tobserved\tss8')" ] || fail "TSV header"
grep -q "^$D/helix.pdb	1	A	GGGGGGGGGGGGGG	-HHHHHHHHHHHH-$" "$T/t1.tsv" || fail "helix line"
"$P" dssp --format tsv --seqres "$D/1CRN.cif.gz" | head -1 | grep -q "	mask	seqres	ss8_seqres	mask_seqres$" ||
    fail "--seqres header"
grep -q "^$D/hairpin.pdb	1	A	GGGGGGGGGGGG	--EEETTEEE--$" "$T/t1.tsv" || fail "hairpin line"
awk -F'\t' 'NR > 1 && (length($4) != length($5) || $5 !~ /^[HGIEBTSP-]+$/) { exit 1 }' "$T/t1.tsv" ||
    fail "ss8 not aligned with observed, or a letter outside HGIEBTSP-"
for n in 2 3; do
    "$P" dssp --format tsv --threads $n $FILES >"$T/tn.tsv" || fail "--threads $n exit $?"
    cmp -s "$T/t1.tsv" "$T/tn.tsv" || fail "--threads $n output differs"
done

printf 'not a structure\n' >"$T/bad.pdb"
"$P" dssp --format tsv --threads 2 "$D/helix.pdb" "$T/bad.pdb" "$D/hairpin.pdb" >"$T/b.tsv" 2>"$T/b.err"
[ $? -eq 1 ] || fail "a bad file: want exit 1"
grep -q "bad.pdb" "$T/b.err" || fail "no message for the bad file"
[ "$(wc -l <"$T/b.tsv")" -eq 3 ] || fail "the good files were not all printed"
# Inputs through the walk (issue 15): a directory in sorted order, --include /
# --exclude, --from - and its older name --files; the classic format refuses a
# directory and lists.
mkdir -p "$T/tree/b" "$T/tree/a"
cp "$D/helix.pdb" "$T/tree/b/"
cp "$D/hairpin.pdb" "$D/1CRN.cif.gz" "$T/tree/a/"
cp "$D/1CRN.dssp" "$T/tree/a/"
"$P" dssp --format tsv "$T/tree" >"$T/w.tsv" || fail "directory exit $?"
[ "$(cut -f1 "$T/w.tsv" | tail -n +2 | tr '\n' ' ')" = \
  "$T/tree/a/1CRN.cif.gz $T/tree/a/hairpin.pdb $T/tree/b/helix.pdb " ] || fail "directory walk order"
"$P" dssp --format tsv "$T/tree/a/1CRN.cif.gz" "$T/tree/a/hairpin.pdb" "$T/tree/b/helix.pdb" >"$T/e.tsv"
cmp -s "$T/w.tsv" "$T/e.tsv" || fail "directory output differs from the files named"
"$P" dssp --format tsv --threads 2 --include '*.pdb' --exclude 'helix*' "$T/tree" >"$T/i.tsv" ||
    fail "--include exit $?"
[ "$(cut -f1 "$T/i.tsv" | tail -n +2)" = "$T/tree/a/hairpin.pdb" ] || fail "--include/--exclude"
printf '%s\n' "$T/tree/a/1CRN.cif.gz" "$T/tree/a/hairpin.pdb" "$T/tree/b/helix.pdb" >"$T/list"
"$P" dssp --format tsv --from - <"$T/list" >"$T/f.tsv" 2>"$T/f.err" || fail "--from - exit $?"
[ ! -s "$T/f.err" ] || fail "--from -: unexpected stderr: $(head -3 "$T/f.err")"
cmp -s "$T/w.tsv" "$T/f.tsv" || fail "--from - output"
"$P" dssp --format tsv --threads 2 --files "$T/list" >"$T/f2.tsv" || fail "--files exit $?"
cmp -s "$T/w.tsv" "$T/f2.tsv" || fail "--files output"
"$P" dssp "$T/tree" >/dev/null 2>&1; [ $? -eq 2 ] || fail "classic format of a directory: want exit 2"
"$P" dssp --from "$T/list" >/dev/null 2>&1; [ $? -eq 2 ] || fail "classic format of a list: want exit 2"

# SIGINT / SIGTERM while a long list streams: exit 130 / 143, whole lines only,
# and lines printed before the end (the output streams in input order).
awk -v f="$D/1GBT.cif.gz" 'BEGIN { for (i = 0; i < 20000; i++) print f }' >"$T/many"
for s in INT:130 TERM:143; do
    : >"$T/s.tsv" # exists before the background job opens it: wc never fails
    "$P" dssp --format tsv --threads 2 --from "$T/many" >"$T/s.tsv" 2>"$T/s.err" &
    pid=$!
    i=0 # 3 lines out: the handlers are in place (installed before the header)
    while [ "$(wc -l <"$T/s.tsv")" -lt 3 ] && [ $i -lt 600 ]; do sleep 0.05; i=$((i + 1)); done
    kill -"${s%:*}" $pid
    wait $pid
    rc=$?
    [ $rc -eq "${s#*:}" ] || fail "SIG${s%:*}: exit $rc, want ${s#*:}"
    [ "$(wc -l <"$T/s.tsv")" -lt 20001 ] || fail "SIG${s%:*}: the run did not stop"
    [ -z "$(tail -c 1 "$T/s.tsv")" ] || fail "SIG${s%:*}: a partial last line"
    awk -F'\t' 'NF != 5 { exit 1 }' "$T/s.tsv" || fail "SIG${s%:*}: a partial line"
done

# A signal while the walk waits for the next line of a list (a FIFO kept open):
# exit 143 at once, the lines of the files read so far printed whole.
mkfifo "$T/fifo"
"$P" dssp --format tsv --from "$T/fifo" >"$T/q.tsv" 2>/dev/null &
pid=$!
exec 3>"$T/fifo"
printf '%s\n' "$D/helix.pdb" "$D/hairpin.pdb" >&3
i=0
while [ "$(wc -l <"$T/q.tsv")" -lt 3 ] && [ $i -lt 600 ]; do sleep 0.05; i=$((i + 1)); done
kill -TERM $pid
wait $pid
rc=$?
exec 3>&-
[ $rc -eq 143 ] || fail "SIGTERM while waiting for a list line: exit $rc, want 143"
[ "$(wc -l <"$T/q.tsv")" -eq 3 ] || fail "SIGTERM while waiting for a list line: lines lost"

# panalyze run --dssp [--ss]: ss8_observed / ss3_observed (and q3) columns at the end,
# the same from the cache, JSONL fields, and the overall Q3 in the run summary.
"$P" run --dssp --threads 2 $FILES >"$T/r.tsv" 2>/dev/null || fail "run --dssp exit $?"
head -1 "$T/r.tsv" | grep -q "	ss8_observed	ss3_observed$" || fail "run --dssp header"
grep -q "helix.pdb	1	A	.*	-HHHHHHHHHHHH-	CHHHHHHHHHHHHC$" "$T/r.tsv" || fail "run --dssp helix row"
"$P" run --dssp --ss --cache "$T/cache" $FILES >"$T/q1.tsv" 2>"$T/q1.err" || fail "run --dssp --ss exit $?"
"$P" run --dssp --ss --cache "$T/cache" $FILES >"$T/q2.tsv" 2>"$T/q2.err"
head -1 "$T/q1.tsv" | grep -q "	ss8_observed	ss3_observed	q3$" || fail "run --dssp --ss header"
cmp -s "$T/q1.tsv" "$T/q2.tsv" || fail "cached run differs"
grep -q "Q3 0\.[0-9]* (predicted vs DSSP" "$T/q1.err" || fail "no overall Q3 in the run summary"
awk -F'\t' 'NR > 1 && $(NF) != "" && ($(NF) < 0 || $(NF) > 1) { exit 1 }' "$T/q1.tsv" || fail "q3 out of [0, 1]"
"$P" run --dssp --ss --format jsonl "$D/hairpin.pdb" 2>/dev/null >"$T/j"
grep -q '"ss8_observed":"--EEETTEEE--","ss3_observed":"CCEEECCEEECC","q3":0\.' "$T/j" || fail "JSONL fields"
"$P" run --help | grep -q -- "--dssp" || fail "no --dssp in run --help"

# tools/structures_to_ss.py: the SS-table format (id seq ss3 ss8 mask), lengths agree.
if [ -n "${PA_SOURCE_DIR:-}" ] && command -v python3 >/dev/null; then
    python3 "$PA_SOURCE_DIR/tools/structures_to_ss.py" --panalyze "$P" --threads 2 --min-len 10 \
        "$D" -o "$T/ss.tsv" 2>/dev/null || fail "structures_to_ss.py exit $?"
    [ "$(head -1 "$T/ss.tsv")" = "$(printf 'id\tseq\tss3\tss8\tmask')" ] || fail "SS table header"
    grep -q "^helix_A	GGGGGGGGGGGGGG	CHHHHHHHHHHHHC	CHHHHHHHHHHHHC	11111111111111$" "$T/ss.tsv" ||
        fail "SS table helix row"
    awk -F'\t' 'NR > 1 && !(length($2) == length($3) && length($3) == length($4) &&
        length($4) == length($5) && $3 ~ /^[HEC]+$/ && $4 ~ /^[HGIEBTSC]+$/ && $5 ~ /^[01]+$/) { exit 1 }' \
        "$T/ss.tsv" || fail "SS table row format"
fi
exit 0
