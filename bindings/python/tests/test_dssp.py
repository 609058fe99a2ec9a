"""DSSP from coordinates: Python API, Biopython reading our classic output, pipeline fields."""
import os

import pytest

import panalyzer as pa
from conftest import ROOT, need

DSSP_DATA = os.path.join(ROOT, "tests", "data", "dssp")


def dssp_data(name):
    return os.path.join(DSSP_DATA, name)


@pytest.fixture(autouse=True)
def _need_dssp():
    need("pa_dssp_compute")


def test_ideal_geometries():
    assert pa.dssp(pa.read(dssp_data("helix.pdb"))).ss8 == "-HHHHHHHHHHHH-"
    assert pa.dssp(pa.read(dssp_data("helix310.pdb"))).ss8 == "-GGGGGG-"
    d = pa.dssp(pa.read(dssp_data("hairpin.pdb")))
    assert d.ss8 == "--EEETTEEE--"
    assert d.ss3 == "CCEEECCEEECC"
    r = d.residues()[2]
    assert r.bridge_partners[0] == 10 and r.bridge_labels[0] == "A" and r.sheet == "A"


def test_chain_dssp_aligned_with_sequence():
    s = pa.read(dssp_data("4cxl.cif.gz"), altloc="all")
    for c in s.chains:
        if c.polymer_type == "protein":
            assert len(c.dssp) == len(c.sequence)
            assert set(c.dssp) <= set("HGIEBTSP-")
    d = s.dssp()
    assert len(d) == len(d.acc) == len(d.phi)
    assert d.surface > 0
    assert s.dssp() is d  # computed once per model


def test_biopython_reads_classic(tmp_path):
    bio = pytest.importorskip("Bio.PDB.DSSP")
    s = pa.read(dssp_data("1CRN.cif.gz"))
    text = pa.dssp(s).classic()
    out = tmp_path / "1crn.dssp"
    out.write_text(text)
    table, keys = bio.make_dssp_dict(str(out))
    assert len(keys) == 46
    # (chain, (' ', resnum, icode)) -> (aa, ss, acc, phi, psi, ...)
    aa, ss, acc, phi, psi = table[("A", (" ", 7, " "))][:5]
    assert (aa, ss) == ("I", "H")
    want = {}
    with open(dssp_data("1CRN.dssp")) as f:  # mkdssp 4.2's own file, read the same way
        want, _ = bio.make_dssp_dict(f.name)
    assert {k: v[:5] for k, v in table.items()} == {k: v[:5] for k, v in want.items()}


def test_errors_and_models():
    s = pa.read(dssp_data("helix.pdb"))
    with pytest.raises(pa.RangeError):
        pa.dssp(s, model=3)
    with pytest.raises(pa.InvalidArgument):
        pa.dssp(s, pp_stretch=5)
    assert pa.dssp(s, accessibility=False).surface == 0


def test_pipeline_fields():
    files = [dssp_data("helix.pdb"), dssp_data("hairpin.pdb")]
    res = pa.run_all(files, dssp=True, predict_ss=True, threads=2)
    c = res[1].chains[0]
    assert c.ss8_observed == "--EEETTEEE--"
    assert c.ss3_observed == "CCEEECCEEECC"
    assert 0 <= c.q3 <= 1
    plain = pa.run_all(files)
    assert plain[0].chains[0].ss8_observed is None
