#!/usr/bin/env python3
"""Score a mapping run against truth.tsv.

    eval_map.py OUTDIR HITS FORMAT [QUERY_SUBSET]

FORMAT: "pa" (panalyze map TSV) or "m8" (mmseqs easy-search). A query is recalled when
its best hit (lowest E-value, then highest bit score) is in its source family, or when
the best hit's Smith-Waterman score (BLOSUM62, BLAST gaps 11/1) is at least that of the
query against its source (a member of another family can be as close, e.g. UniProt
duplicates). A decoy is hit when it has any hit with E <= 1e-3. Prints one line:
recall, recalled/queries, decoys hit/decoys."""
import sys

import panalyzer as pa


def fasta(path):
    out, name = {}, None
    for line in open(path):
        if line.startswith(">"):
            name = line[1:].split()[0]
            out[name] = []
        else:
            out[name].append(line.strip())
    return {k: "".join(v) for k, v in out.items()}


def best_hits(path, fmt):
    best = {}
    with open(path) as f:
        for line in f:
            c = line.rstrip("\n").split("\t")
            if fmt == "pa":
                if c[0] == "query":
                    continue
                q, t, e, b = c[0], c[1], float(c[4]), float(c[3])
            else:
                q, t, e, b = c[0], c[1], float(c[10]), float(c[11])
            if e > 1e-3:
                continue
            if q not in best or (e, -b) < best[q][1:]:
                best[q] = (t, e, -b)
    return best


def main():
    out, hits, fmt = sys.argv[1:4]
    subset = set(open(sys.argv[4]).read().split()) if len(sys.argv) > 4 else None
    truth = [l.rstrip("\n").split("\t") for l in open(out + "/truth.tsv")][1:]
    if subset:
        truth = [t for t in truth if t[0] in subset]
    queries, refs = fasta(out + "/queries.fasta"), fasta(out + "/refs.fasta")
    best = best_hits(hits, fmt)
    m = pa.Matrix("BLOSUM62")

    def score(q, t):
        return pa.align(queries[q], refs[t], matrix=m, gap_open=11, gap_extend=1,
                        gap_model="blast", traceback=False).score

    ok = nq = dec = nd = 0
    for q, fam, src in truth:
        if fam == "-":
            nd += 1
            dec += q in best
            continue
        nq += 1
        if q not in best:
            continue
        t = best[q][0]
        ok += t.split("_")[0] == fam or score(q, t) >= score(q, src)
    print("recall %.4f (%d/%d), decoys hit %d/%d" % (ok / max(nq, 1), ok, nq, dec, nd))


if __name__ == "__main__":
    main()
