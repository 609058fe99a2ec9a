#!/usr/bin/env python3
"""Fixed random sample of a bench/map query set (for the 10x point on a time budget).

    sample.py OUTDIR N

Writes OUTDIR/sample.fasta (N queries drawn with seed 14, in file order, then every decoy)
and OUTDIR/sample.names (their names, for eval_map.py's QUERY_SUBSET)."""
import random
import sys


def main():
    out, n = sys.argv[1], int(sys.argv[2])
    seqs = []
    for line in open(out + "/queries.fasta"):
        if line.startswith(">"):
            seqs.append([line[1:].strip(), ""])
        else:
            seqs[-1][1] += line.strip()
    real = [s for s in seqs if not s[0].startswith("decoy")]
    decoys = [s for s in seqs if s[0].startswith("decoy")]
    pick = [real[i] for i in sorted(random.Random(14).sample(range(len(real)), n))] + decoys
    with open(out + "/sample.fasta", "w") as f:
        f.writelines(">%s\n%s\n" % (name, seq) for name, seq in pick)
    with open(out + "/sample.names", "w") as f:
        f.writelines(name + "\n" for name, _ in pick)


if __name__ == "__main__":
    main()
