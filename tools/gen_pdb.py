"""Synthetic PDB files of any size (memory-budget tests, bench/scale spikes).

    /usr/bin/python3 tools/gen_pdb.py ATOMS OUT.pdb

ARG residues of 8 atoms on a lattice, 9,999 residues a chain (chains A..Z, then
again): ~79 bytes of text an atom, so 1,000,000 atoms make a 79 MB file.
"""
import sys

NAMES = ["N", "CA", "C", "O", "CB", "CG", "CD", "NE"]


def write_pdb(path, atoms):
    with open(path, "w") as f:
        for i in range(atoms):
            r, a = i // 8 % 9999 + 1, NAMES[i % 8]
            f.write("ATOM  %5d  %-3s ARG %s%4d    %8.3f%8.3f%8.3f  1.00 20.00           %s\n"
                    % (i % 100000, a, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[i // 79992 % 26], r,
                       i % 97 * 1.1, i % 89 * 1.3, i % 83 * 0.7, a[0]))
        f.write("END\n")


if __name__ == "__main__":
    write_pdb(sys.argv[2], int(sys.argv[1]))
