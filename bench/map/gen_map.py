#!/usr/bin/env python3
"""Synthetic reference-mapping benchmark (fixed seed).

    gen_map.py UNIPROT.fasta.gz OUTDIR [--members 4] [--queries 2000] [--decoys 200]

References: every UniProt sequence (family f, member 0) plus MEMBERS mutated copies at
50-90 % identity with short indels (members 1..MEMBERS). Queries: fragments (60-400
residues) of a random member of a random family, mutated to 40-95 % identity, 10 % with
an N-terminal His tag; plus shuffled decoys. Writes refs.fasta, queries.fasta and
truth.tsv (query, family, source reference; family "-" for decoys)."""
import argparse
import gzip
import os
import random

AA = "ARNDCQEGHILKMFPSTWYV"
FREQ = [7.8, 5.1, 4.3, 5.3, 1.4, 4.3, 6.3, 7.4, 2.2, 5.1, 9.0, 5.7, 2.2, 3.9, 5.2, 7.1, 5.8,
        1.3, 3.2, 6.4]
HIS_TAG = "MGSSHHHHHHSSGLVPRGSH"


def read_fasta(path):
    seqs, cur = [], []
    with gzip.open(path, "rt") if path.endswith(".gz") else open(path) as f:
        for line in f:
            if line.startswith(">"):
                if cur:
                    seqs.append("".join(cur))
                cur = []
            else:
                cur.append(line.strip())
    if cur:
        seqs.append("".join(cur))
    return seqs


def mutate(rnd, s, identity):
    out, i = [], 0
    while i < len(s):
        r = rnd.random()
        if r < 0.01:  # deletion of 1-5
            i += rnd.randint(1, 5)
            continue
        if r < 0.02:  # insertion of 1-5
            out.extend(rnd.choices(AA, FREQ, k=rnd.randint(1, 5)))
        out.append(s[i] if rnd.random() < identity else rnd.choices(AA, FREQ)[0])
        i += 1
    return "".join(out)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("uniprot")
    ap.add_argument("out")
    ap.add_argument("--members", type=int, default=4)
    ap.add_argument("--queries", type=int, default=2000)
    ap.add_argument("--decoys", type=int, default=200)
    ap.add_argument("--seed", type=int, default=14)
    a = ap.parse_args()
    rnd = random.Random(a.seed)
    fams = read_fasta(a.uniprot)
    os.makedirs(a.out, exist_ok=True)
    members = []
    with open(os.path.join(a.out, "refs.fasta"), "w") as f:
        for fi, s in enumerate(fams):
            mem = [s] + [mutate(rnd, s, rnd.uniform(0.5, 0.9)) for _ in range(a.members)]
            members.append(mem)
            for j, m in enumerate(mem):
                f.write(">f%06d_%d\n%s\n" % (fi, j, m))
    with open(os.path.join(a.out, "queries.fasta"), "w") as fq, \
            open(os.path.join(a.out, "truth.tsv"), "w") as ft:
        ft.write("query\tfamily\tsource\n")
        for qi in range(a.queries):
            fi = rnd.randrange(len(fams))
            j = rnd.randrange(len(members[fi]))
            src = members[fi][j]
            n = min(len(src), rnd.randint(60, 400))
            start = rnd.randint(0, len(src) - n)
            q = mutate(rnd, src[start:start + n], rnd.uniform(0.4, 0.95))
            if rnd.random() < 0.1:
                q = HIS_TAG + q
            name = "q%05d" % qi
            fq.write(">%s\n%s\n" % (name, q))
            ft.write("%s\tf%06d\tf%06d_%d\n" % (name, fi, fi, j))
        for di in range(a.decoys):
            s = list(fams[rnd.randrange(len(fams))])
            rnd.shuffle(s)
            n = min(len(s), rnd.randint(60, 400))
            name = "decoy%04d" % di
            fq.write(">%s\n%s\n" % (name, "".join(s[:n])))
            ft.write("%s\t-\t-\n" % name)


if __name__ == "__main__":
    main()
