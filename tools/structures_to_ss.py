#!/usr/bin/env python3
"""Turn a structure collection into a secondary-structure table for training.

    tools/structures_to_ss.py [--panalyze PATH] [--threads N] [--min-len 20]
                              [--observed] [--keep-p] [--unique] [-o OUT.tsv] INPUT...

INPUT: structure files (PDB, mmCIF, PDBML; plain, gzip or zstd) or directories
(walked recursively by panalyze, in sorted order). Runs `panalyze dssp --format
tsv --seqres` (DSSP 4 on the first model of every file, in parallel), reading its
lines as they come, and writes the format of the
project's SS data (id, seq, ss3, ss8, mask; see models/README.md):

- seq: the chain's full SEQRES / entity sequence when the file has one and every
  observed residue maps onto it; otherwise (or with --observed) the observed
  residues only.
- ss8: DSSP's letter per residue, with C for none; P (polyproline II, new in
  DSSP 4) becomes C unless --keep-p, because the shipped 8-state data predate it.
- ss3: H G I -> H, E B -> E, the rest C.
- mask: 1 where DSSP assessed a residue of the structure, 0 for residues not
  observed or without a complete backbone (train and score on mask = 1 only).

Chains shorter than --min-len residues or with fewer than --min-len assessed
residues are left out; --unique keeps the first chain of every sequence. Files
that fail are reported on stderr and skipped; the exit status is then 1.
"""
import argparse
import os
import subprocess
import sys

SS3 = {"H": "H", "G": "H", "I": "H", "E": "E", "B": "E"}


def default_panalyze():
    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    built = os.path.join(here, "build", "examples", "panalyze", "panalyze")
    return built if os.path.exists(built) else "panalyze"


def label(ss8, keep_p):
    """DSSP letters ('-' none) to the table's ss8 alphabet (C for none)."""
    out = []
    for c in ss8:
        if c == "-" or (c == "P" and not keep_p):
            out.append("C")
        else:
            out.append(c)
    return "".join(out)


def row_of(rec, keep_p, observed_only):
    """(seq, ss3, ss8, mask) of one `panalyze dssp --seqres` record."""
    obs, ss8, mask, seqres, ss8_sr, mask_sr = (rec["observed"], rec["ss8"], rec["mask"],
                                               rec["seqres"], rec["ss8_seqres"], rec["mask_seqres"])
    use_seqres = (not observed_only and seqres and
                  mask_sr.count("1") == mask.count("1"))  # every assessed residue placed
    seq, s8, m = (seqres, ss8_sr, mask_sr) if use_seqres else (obs, ss8, mask)
    s8 = label(s8, keep_p)
    s8 = "".join(c if mk == "1" else "C" for c, mk in zip(s8, m))
    ss3 = "".join(SS3.get(c, "C") for c in s8)
    return seq.upper(), ss3, s8, m


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    ap.add_argument("inputs", nargs="+")
    ap.add_argument("--panalyze", default=default_panalyze())
    ap.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--min-len", type=int, default=20)
    ap.add_argument("--observed", action="store_true", help="observed residues only, not SEQRES")
    ap.add_argument("--keep-p", action="store_true", help="keep DSSP 4's P instead of C")
    ap.add_argument("--unique", action="store_true", help="first chain of every sequence only")
    ap.add_argument("-o", "--output", default="-")
    a = ap.parse_args()
    # panalyze walks the directories (the same file names as every panalyze command)
    cmd = [a.panalyze, "dssp", "--format", "tsv", "--seqres", "--no-acc", "--model", "1",
           "--threads", str(max(1, a.threads)), "--"] + a.inputs
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
    header = proc.stdout.readline().rstrip("\n").split("\t")
    if header == [""]:
        proc.wait()
        print("structures_to_ss: panalyze printed nothing", file=sys.stderr)
        return 2 if proc.returncode == 2 else 1
    seen, files = set(), set()
    n = 0
    out = sys.stdout if a.output == "-" else open(a.output, "w")
    try:
        out.write("id\tseq\tss3\tss8\tmask\n")
        for line in proc.stdout:
            rec = dict(zip(header, line.rstrip("\n").split("\t")))
            files.add(rec["path"])
            seq, ss3, ss8, mask = row_of(rec, a.keep_p, a.observed)
            if len(seq) < a.min_len or mask.count("1") < a.min_len:
                continue
            if a.unique:
                if seq in seen:
                    continue
                seen.add(seq)
            base = os.path.basename(rec["path"]).split(".")[0]
            out.write("%s_%s\t%s\t%s\t%s\t%s\n" % (base, rec["chain"], seq, ss3, ss8, mask))
            n += 1
    finally:
        if out is not sys.stdout:
            out.close()
        proc.stdout.close()
        proc.wait()
    print("structures_to_ss: %d chains (from %d files with protein chains)" % (n, len(files)),
          file=sys.stderr)
    return 0 if proc.returncode == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
