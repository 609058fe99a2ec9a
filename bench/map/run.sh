#!/usr/bin/env bash
# bench/map: index + search against mmseqs2 and exhaustive Smith-Waterman (run on demand).
#
#   bench/map/run.sh BUILD_DIR WORK_DIR [MEMBERS]
#
# Generates the synthetic set (gen_map.py, fixed seed; MEMBERS mutated copies per UniProt
# sequence, default 4: 100k references; 49: the 10x point, 1M references), then times on
# THREADS (2) threads: panalyze index + map at each sensitivity, mmseqs easy-search (Debian
# mmseqs2, default sensitivity), then REPS (3) more interleaved pairs of `panalyze map`
# (default) and mmseqs (medians printed: the machine may be shared), and panalyze map
# --sensitivity exhaustive on the first EXH queries (the recall ceiling; all tools are also
# scored on that subset; EXH=0 skips it). Then (CHAINS=1) structure chains
# (../shared/data/structures) against uniprot20k: default vs exhaustive best hits. Prints
# wall, user seconds and peak RSS, recall and decoys hit (eval_map.py), and the recall
# ceiling (queries whose alignment to their source is significant at all).
#
# SAMPLE=N searches only a fixed random sample of N queries plus the 200 decoys (sample.py),
# all tools alike, and scores on it.
#
#   EXH=0 CHAINS=0 REPS=2 bench/map/run.sh build /tmp/map1       # 1x: about 6 min on 2 quiet cores
#   EXH=0 CHAINS=0 REPS=1 SAMPLE=500 bench/map/run.sh build /tmp/map10 49   # 10x
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
B=$(cd "$1" && pwd)
W=$2
MEMBERS=${3:-4}
EXH=${EXH:-100}
T=${THREADS:-2}
REPS=${REPS:-3}
CHAINS=${CHAINS:-1}
SAMPLE=${SAMPLE:-0}
PZ=$B/examples/panalyze/panalyze
SEQ=$ROOT/../shared/data/seq
export PANALYZER_LIB=$B/lib/libpanalyzer.so PYTHONPATH=$ROOT/bindings/python
PY=/usr/bin/python3
mkdir -p "$W"
cd "$W"
[ -s refs.fasta ] || $PY "$HERE/gen_map.py" "$SEQ/uniprot20k.fasta.gz" . --members "$MEMBERS"
Q=queries.fasta SUB=
if [ "$SAMPLE" -gt 0 ]; then $PY "$HERE/sample.py" . "$SAMPLE"; Q=sample.fasta SUB=sample.names; fi
# tm OUT CMD...: run CMD with stdout to OUT, print "wall user" seconds and peak RSS
tm() { local o=$1; shift; /usr/bin/time -f "%e %U %MkB" -o time.txt "$@" >"$o"; cat time.txt; }
mm() { rm -rf mmtmp; tm /dev/null mmseqs easy-search "$Q" refs.fasta mm.m8 mmtmp --threads "$T" -v 1; }
med() { sort -n | awk '{a[NR]=$1} END {print NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
ev() { $PY "$HERE/eval_map.py" . "$@"; }
echo "# $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "index: $(tm /dev/null "$PZ" index refs.fasta -o refs.pai 2>/dev/null) (wall s, user s, peak RSS), $(du -m refs.pai | cut -f1) MB"
for s in fast default high; do
  r=$(tm pa_$s.tsv "$PZ" map --threads "$T" --sensitivity $s "$Q" refs.pai)
  echo "map $s: $r; $(ev pa_$s.tsv pa $SUB)"
done
echo "mmseqs: $(mm); $(ev mm.m8 m8 $SUB)"
echo "recall ceiling: $($PY "$HERE/ceiling.py" .)"
: >pairs.txt
for r in $(seq "$REPS"); do
  p=$(tm pa_rep.tsv "$PZ" map --threads "$T" "$Q" refs.pai)
  m=$(mm)
  echo "  pair $r: map default $p, mmseqs $m"
  echo "$p $m" >>pairs.txt
done
if [ "$REPS" -gt 0 ]; then
  echo "medians of $REPS pairs (wall, user s): map default $(cut -d' ' -f1 pairs.txt | med) $(cut -d' ' -f2 pairs.txt | med)," \
       "mmseqs $(cut -d' ' -f4 pairs.txt | med) $(cut -d' ' -f5 pairs.txt | med)"
fi
[ "$EXH" -gt 0 ] || exit 0
grep '>' queries.fasta | head -n "$EXH" | cut -c2- >sub.names
awk -v n="$EXH" '/^>/{k++} k<=n' queries.fasta >sub.fasta
echo "exhaustive ($EXH queries): $(tm pa_exh.tsv "$PZ" map --threads "$T" --sensitivity exhaustive sub.fasta refs.pai); $(ev pa_exh.tsv pa sub.names)"
for s in fast default high; do echo "  $s on the subset: $(ev pa_$s.tsv pa sub.names)"; done
echo "  mmseqs on the subset: $(ev mm.m8 m8 sub.names)"

# structure chains against uniprot20k: default vs exhaustive best hit per chain
[ "$CHAINS" = 1 ] || exit 0
ls "$ROOT"/../shared/data/structures/pdb/* >chains.list
"$PZ" index "$SEQ/uniprot20k.fasta.gz" -o u20k.pai 2>/dev/null
echo "chains default: $(tm ch_def.tsv "$PZ" map --threads "$T" --top 1 $(cat chains.list) u20k.pai 2>/dev/null)"
echo "chains exhaustive: $(tm ch_exh.tsv "$PZ" map --threads "$T" --top 1 --sensitivity exhaustive $(cat chains.list) u20k.pai 2>/dev/null)"
$PY - <<'PYEOF'
def best(p):
    return {l.split("\t")[0]: l.split("\t")[1] for l in open(p) if not l.startswith("query\t")}
d, e = best("ch_def.tsv"), best("ch_exh.tsv")
same = sum(d.get(q) == t for q, t in e.items())
print("chains with a significant exhaustive hit: %d; default finds the same best: %d (%.4f); "
      "default hits exhaustive lacks: %d" % (len(e), same, same / max(len(e), 1),
                                             len(set(d) - set(e))))
PYEOF
echo "pipeline run --references (FASTA): $(tm /dev/null "$PZ" run --threads "$T" --references "$SEQ/uniprot20k.fasta.gz" $(cat chains.list) 2>/dev/null)"
echo "pipeline run --references (index): $(tm /dev/null "$PZ" run --threads "$T" --references u20k.pai $(cat chains.list) 2>/dev/null)"
