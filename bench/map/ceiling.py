#!/usr/bin/env python3
"""Recall ceiling of a bench/map set: the fraction of (non-decoy) queries whose exact
Smith-Waterman alignment to their source reference (BLOSUM62, BLAST gaps 11/1) has an
E-value <= 1e-3 against the whole reference set. No search can recall more (up to
references of other families that score as high).

    ceiling.py OUTDIR"""
import sys

import panalyzer as pa

from eval_map import fasta


def main():
    out = sys.argv[1]
    queries, refs = fasta(out + "/queries.fasta"), fasta(out + "/refs.fasta")
    nres, nseq = sum(len(s) for s in refs.values()), len(refs)
    m = pa.Matrix("BLOSUM62")
    sig = tot = 0
    for line in list(open(out + "/truth.tsv"))[1:]:
        q, fam, src = line.split()
        if fam == "-":
            continue
        tot += 1
        a = pa.align(queries[q], refs[src], matrix=m, gap_open=11, gap_extend=1,
                     gap_model="blast", traceback=False)
        sig += pa.evalue(a.score, len(queries[q]), nres, nseq) <= 1e-3
    print("%.4f (%d/%d source alignments significant)" % (sig / max(tot, 1), sig, tot))


if __name__ == "__main__":
    main()
