"""Reading structures: hierarchy, zero-copy columns, errors with diagnostics."""
import gc
import os

import numpy as np
import pytest

import panalyzer as pa

from conftest import data, need, shared


@pytest.fixture(autouse=True)
def _reader():
    need("pa_structure_read", "pa_structure_read_memory")


def test_read_pdb_hierarchy():
    s = pa.read(data("1crn.pdb"))
    assert s.format == "pdb"
    assert len(s.models) == 1 and s.models[0].number == 1
    (c,) = s.chains
    assert c.id == "A" and c.model == 0
    assert len(c.residues) == 46 and len(c.atoms) == 327 == len(s.atoms)
    assert list(c.residues.name[:3]) == ["THR", "THR", "CYS"]
    assert c.residues.seq_id[0] == 1
    assert s.atoms.name[0] == "N" and s.atoms.element[0] == "N"
    assert "1crn" in repr(s).lower() or "1crn" in s.name


def test_coordinates_are_zero_copy_views():
    s = pa.read(data("1crn.pdb"))
    x = s.atoms.x
    assert x.dtype == np.float32 and x.shape == (327,)
    assert not x.flags.writeable and not x.flags.owndata
    assert x[0] == pytest.approx(17.047, abs=1e-3)  # first ATOM of 1CRN
    assert np.shares_memory(x, s.atoms.x)
    xyz = s.atoms.xyz
    assert xyz.shape == (327, 3) and xyz[0, 1] == pytest.approx(14.099, abs=1e-3)


def test_view_keeps_structure_alive():
    x = pa.read(data("1crn.pdb")).atoms.x  # the Structure itself is dropped at once
    gc.collect()
    pa.read(data("1CRN.cif"))  # churn the allocator
    assert x[0] == pytest.approx(17.047, abs=1e-3)


def test_formats_agree():
    a = pa.read(data("1crn.pdb"))
    b = pa.read(data("1CRN.cif"))
    z = pa.read(data("1crn.pdb.gz"))
    assert b.format == "mmcif"
    assert len(a.atoms) == len(b.atoms) == len(z.atoms)
    np.testing.assert_allclose(a.atoms.x, b.atoms.x, atol=1e-3)
    np.testing.assert_array_equal(a.atoms.z, z.atoms.z)


def test_read_bytes_and_pathlike():
    import pathlib
    raw = open(data("1crn.pdb.gz"), "rb").read()
    s = pa.read_bytes(raw, name="mem.pdb.gz")
    assert len(s.atoms) == 327 and s.name == "mem.pdb.gz"
    assert len(pa.read(pathlib.Path(data("1crn.pdb"))).atoms) == 327


def test_models():
    s = pa.read(data("multi-models-example.pdb"))
    assert len(s.models) == 2
    assert [len(m.atoms) for m in s.models] == [9, 9]
    assert s.models[1].atoms.begin == 9
    first = pa.read(data("multi-models-example.pdb"), first_model_only=True)
    assert len(first.models) == 1


def test_missing_file_raises_ioerror():
    with pytest.raises(pa.InputOutputError) as ei:
        pa.read(data("no-such-file.pdb"))
    assert ei.value.code == pa.lib.PA_EIO and ei.value.message


@pytest.mark.parametrize("name", ["empty.pdb", "1crn_truncated.pdb.gz"])
def test_bad_input_raises_with_diagnostics(name):
    with pytest.raises(pa.Error) as ei:
        pa.read(data(name), strict=True)
    e = ei.value
    assert e.code < 0 and e.message
    assert e.diagnostics and all(isinstance(d, pa.Diagnostic) for d in e.diagnostics)
    assert any(d.severity_name == "error" for d in e.diagnostics)


def test_reader_iterates_blocks():
    need("pa_reader_open")
    with pa.Reader(data("1CRN.cif")) as r:
        blocks = list(r)
        assert r.format == "mmcif"
    assert len(blocks) == 1 and len(blocks[0].atoms) == 327


def test_shared_corpus_counts():
    manifest = shared("structures/MANIFEST.tsv")
    base = os.path.dirname(manifest)
    rows = [l.rstrip("\n").split("\t") for l in open(manifest)][1:]
    checked = 0
    for path, _, fmt, comp, _, _, nmod, natoms, *_ in rows:
        if path.startswith("edge/") or natoms == "-" or fmt not in ("pdb", "mmcif") or comp != "none":
            continue
        s = pa.read(os.path.join(base, path), altloc="all")
        assert len(s.atoms) == int(natoms), path
        checked += 1
        if checked == 8:
            break
    assert checked


def test_reader_from_bytes_and_structure_helpers():
    need("pa_reader_open_memory", "pa_sequence_extract")
    raw = open(data("1CRN.cif"), "rb").read()
    (s,) = list(pa.Reader(data=raw, name="mem.cif"))
    assert s.name == "mem.cif" and len(s.atoms) == 327
    assert s.sequences()[0]["id"] == "A"
    assert s.to_fasta(name="x").startswith(">x_A")
