"""Sequence extraction (observed sequence, SEQRES, mapping) per chain."""
from ._ffi import have


def available():
    return have("pa_sequence_extract")


def extract_for(structure):
    """{chain index: {"sequence", "seqres", "mapping", "polymer_type"}}; {} when the
    library has no sequence module."""
    if not available():
        return {}
    raise NotImplementedError
