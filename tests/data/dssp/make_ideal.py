#!/usr/bin/env python3
"""Hand-built backbones for tests/dssp, from ideal bond geometry and (phi, psi).

usage: make_ideal.py   (writes helix.pdb, helix310.pdb, hairpin.pdb here)
Each residue is GLY (backbone N, CA, C, O only), omega 180. The expected DSSP
letters are asserted in tests/dssp/test_dssp.c; mkdssp 4.2 output of the same
files is stored next to them (*.dssp) and compared line by line.
"""
import math
import os

BOND = {"N-CA": 1.458, "CA-C": 1.525, "C-N": 1.329, "C-O": 1.231}
ANGLE = {"N-CA-C": 111.2, "CA-C-N": 116.2, "C-N-CA": 121.7, "CA-C-O": 120.5}


def sub(a, b): return [a[i] - b[i] for i in range(3)]
def add(a, b): return [a[i] + b[i] for i in range(3)]
def scale(a, s): return [x * s for x in a]
def norm(a): return scale(a, 1 / math.sqrt(sum(x * x for x in a)))
def cross(a, b): return [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]]


def place(a, b, c, bond, angle, torsion):
    """Atom d with |cd| = bond, angle bcd, dihedral abcd (degrees): NeRF."""
    ang, tor = math.radians(angle), math.radians(torsion)
    d2 = [-bond * math.cos(ang), bond * math.sin(ang) * math.cos(tor), bond * math.sin(ang) * math.sin(tor)]
    bc = norm(sub(c, b))
    n = norm(cross(sub(b, a), bc))
    m = cross(n, bc)
    return add(c, add(add(scale(bc, d2[0]), scale(m, d2[1])), scale(n, d2[2])))


def backbone(angles):
    """[(N, CA, C, O)] for a list of (phi, psi)."""
    n, ca = [0.0, 0.0, 0.0], [BOND["N-CA"], 0.0, 0.0]
    c = place([0.0, 1.0, 0.0], n, ca, BOND["CA-C"], ANGLE["N-CA-C"], -60.0)
    res = []
    for i, (phi, psi) in enumerate(angles):
        if i > 0:
            n = place(res[-1][0], res[-1][1], res[-1][2], BOND["C-N"], ANGLE["CA-C-N"], angles[i - 1][1])
            ca = place(res[-1][1], res[-1][2], n, BOND["N-CA"], ANGLE["C-N-CA"], 180.0)
            c = place(res[-1][2], n, ca, BOND["CA-C"], ANGLE["N-CA-C"], phi)
        nxt = place(n, ca, c, BOND["C-N"], ANGLE["CA-C-N"], psi)
        o = place(nxt, ca, c, BOND["C-O"], ANGLE["CA-C-O"], 180.0)
        res.append((n, ca, c, o))
    return res


def write_pdb(path, res):
    serial = 1
    with open(path, "w") as f:
        f.write("HEADER    DE NOVO PROTEIN                         01-JAN-00   %s\n"
                % os.path.basename(path)[:4].upper())
        f.write("CRYST1    1.000    1.000    1.000  90.00  90.00  90.00 P 1           1\n")
        for i, atoms in enumerate(res):
            for name, xyz in zip(("N", "CA", "C", "O"), atoms):
                f.write("ATOM  %5d  %-3s GLY A%4d    %8.3f%8.3f%8.3f  1.00  0.00           %s\n"
                        % (serial, name, i + 1, xyz[0], xyz[1], xyz[2], name[0]))
                serial += 1
        f.write("TER\nEND\n")


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    write_pdb(os.path.join(here, "helix.pdb"), backbone([(-57.0, -47.0)] * 14))
    write_pdb(os.path.join(here, "helix310.pdb"), backbone([(-49.0, -26.0)] * 8))
    strand = [(-110.0, 125.0)] * 5
    turn = [(60.0, 30.0), (90.0, 0.0)]
    write_pdb(os.path.join(here, "hairpin.pdb"), backbone(strand + turn + strand))


if __name__ == "__main__":
    main()
