"""Chain sequences, residue names and FASTA."""
import numpy as np
import pytest

import panalyzer as pa

from conftest import data, need

CRN = "TTCCPSIVARSNFNVCRLPGTPEAICATYTGCIIIPGATCPGDYAN"


@pytest.fixture(autouse=True)
def _seq():
    need("pa_residue_one_letter", "pa_fasta_read_memory")


def _structures():
    need("pa_sequence_extract", "pa_structure_read")


def test_chain_sequences():
    _structures()
    s = pa.read(data("1crn.pdb"))
    (c,) = s.chains
    assert c.polymer_type == "protein"
    assert c.sequence == CRN and c.seqres == CRN
    assert isinstance(c.mapping, np.ndarray) and list(c.mapping) == list(range(46))


def test_sequences_table_and_fasta():
    _structures()
    s = pa.read(data("1CRN.cif"))
    (row,) = pa.sequences(s)
    assert row["id"] == "A" and row["sequence"] == CRN
    fa = pa.to_fasta(s, name="1crn", line_width=0)
    assert fa.startswith(">1crn_A") and CRN in fa
    (rec,) = pa.parse_fasta(fa)
    assert rec[0] == "1crn_A" and rec[2] == CRN


def test_residue_names():
    assert pa.one_letter("MSE") == "M" and pa.one_letter("HOH") == "X"
    assert pa.residue_kind("ALA") == "amino-acid" and pa.residue_kind("HOH") == "water"


def test_fasta_errors():
    with pytest.raises(pa.FormatError):
        pa.parse_fasta("no header\nACDE\n")
    with pytest.raises(pa.InputOutputError):
        pa.read_fasta(data("missing.fasta"))


def test_chain_without_polymer_has_empty_sequence():
    _structures()
    s = pa.read_bytes(b"HETATM    1  O   HOH W   1       1.000   2.000   3.000  1.00 10.00           O\nEND\n",
                      name="water.pdb")
    (c,) = s.chains
    assert c.sequence == "" and c.seqres == "" and len(c.mapping) == 0
    assert c.polymer_type == "none"


def test_fasta_hygiene_strict_and_diagnostics():
    text = ">a\nmkvlaaglllw*\n>b gapped\nMK-V.L 12\n"
    diags = []
    recs = pa.parse_fasta(text, "h.fa", diagnostics=diags)
    assert [r[2] for r in recs] == ["MKVLAAGLLLW", "MKVL"]
    assert len(diags) == 1 and diags[0].severity_name == "warning"
    assert "record 'b'" in diags[0].message and "position 3" in diags[0].message
    with pytest.raises(pa.FormatError) as e:
        pa.parse_fasta(text, "h.fa", strict=True)
    assert "h.fa:4:3: record 'b': '-' at position 3" in str(e.value)
    assert e.value.diagnostics and e.value.diagnostics[0].severity_name == "error"
