"""Chain sequences (observed, SEQRES, mapping), residue names and FASTA."""
from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any, Callable

import numpy as np

from ._ffi import check, ffi, fspath, have, lib, new_opts, string
from .diagnostics import DiagList

if TYPE_CHECKING:
    from .structure import Structure


def available():
    return have("pa_sequence_extract")


def _seqset(structure, all_models=True, include_nonpolymer=False):
    o = new_opts("pa_seqset_opts", all_models=int(all_models),
                 include_nonpolymer=int(include_nonpolymer))
    out = ffi.new("pa_seqset **")
    check(lib.pa_sequence_extract(structure._ptr, o, out))
    return ffi.gc(out[0], lib.pa_seqset_free)


def _chain_dict(c):
    n = c.n_observed
    return {
        "chain": c.chain, "model": c.model, "id": string(c.auth_id),
        "label_id": string(c.label_id), "entity_id": string(c.entity_id),
        "polymer_type": string(lib.pa_polymer_type_name(c.polymer_type)),
        "sequence": string(c.observed), "seqres": string(c.seqres),
        # copies: the set is freed once the dictionaries are built
        "mapping": np.frombuffer(ffi.buffer(c.map, 4 * n), np.int32).copy() if n else np.empty(0, np.int32),
        "residues": np.frombuffer(ffi.buffer(c.residue, 4 * n), np.uint32).copy() if n else np.empty(0, np.uint32),
    }


def extract_for(structure):
    """{chain index: dict(sequence, seqres, mapping, polymer_type, ...)} for every chain with
    a polymer part in any model; {} when the library has no sequence module."""
    if not available():
        return {}
    set_ = _seqset(structure)
    c = ffi.new("pa_chain_seq *")
    out = {}
    for i in range(lib.pa_seqset_count(set_)):
        check(lib.pa_seqset_get(set_, i, c))
        out[c.chain] = _chain_dict(c)
    ffi.release(set_)
    return out


def sequences(structure: Structure, all_models: bool = False,
              include_nonpolymer: bool = False) -> list[dict]:
    """List of per-chain dicts (id, polymer_type, sequence, seqres, mapping, ...) of the
    first model (or every model)."""
    set_ = _seqset(structure, all_models, include_nonpolymer)
    c = ffi.new("pa_chain_seq *")
    out = []
    for i in range(lib.pa_seqset_count(set_)):
        check(lib.pa_seqset_get(set_, i, c))
        out.append(_chain_dict(c))
    ffi.release(set_)
    return out


def to_fasta(structure: Structure, name: str | None = None, seqres: bool = False,
             line_width: int = 80, all_models: bool = False) -> str:
    """FASTA text of the chain sequences (observed, or SEQRES with seqres=True)."""
    set_ = _seqset(structure, all_models)
    out, n = ffi.new("char **"), ffi.new("size_t *")
    which = lib.PA_SEQ_SEQRES if seqres else lib.PA_SEQ_OBSERVED
    check(lib.pa_seqset_to_fasta(set_, name.encode() if name else ffi.NULL, which, line_width, out, n))
    try:
        return ffi.string(out[0], n[0]).decode()
    finally:
        lib.pa_free(out[0])
        ffi.release(set_)


def one_letter(name: str) -> str:
    """One-letter code of a residue name ("MSE" -> "M"; "X" when unknown)."""
    return lib.pa_residue_one_letter(name.encode()).decode()


def residue_kind(name: str) -> str:
    """"amino-acid", "dna", "rna", "water", "other" or "unknown"."""
    return string(lib.pa_monomer_kind_name(lib.pa_residue_kind(name.encode())))


def _records(lst):
    r = ffi.new("pa_seq_record *")
    out = []
    for i in range(lib.pa_seqlist_count(lst)):
        check(lib.pa_seqlist_get(lst, i, r))
        out.append((string(r.id), string(r.description), ffi.string(r.seq, r.len).decode()))
    ffi.release(lst)
    return out


def _fasta(read: Callable[[Any, Any, Any], int], strict: bool,
           diagnostics: list | None) -> list[tuple[str, str, str]]:
    """Run one pa_fasta_read*_ex call; warnings are appended to diagnostics."""
    out = ffi.new("pa_seqlist **")
    o = new_opts("pa_fasta_opts", strict=int(bool(strict)))
    diags = DiagList()
    rc = read(o, out, diags.ptr)
    found = diags.to_list()
    check(rc, found)
    if diagnostics is not None:
        diagnostics.extend(found)
    return _records(ffi.gc(out[0], lib.pa_seqlist_free))


def read_fasta(path: str | os.PathLike, *, strict: bool = False,
               diagnostics: list | None = None) -> list[tuple[str, str, str]]:
    """[(id, description, sequence)] from a FASTA file (plain, gzip or zstd).

    Sequences are cleaned as everywhere in the library: upper-cased, one final '*'
    dropped, blanks and digits ignored. Other characters (gaps '-' '.', an inner '*')
    are removed with one warning per record, appended to `diagnostics` when a list is
    given; strict=True makes them a FormatError naming the record and position."""
    p = fspath(path)
    return _fasta(lambda o, out, d: lib.pa_fasta_read_ex(p, o, out, d), strict, diagnostics)


def parse_fasta(data: str | bytes, name: str = "<memory>", *, strict: bool = False,
                diagnostics: list | None = None) -> list[tuple[str, str, str]]:
    """Like read_fasta, from a str or bytes."""
    if isinstance(data, str):
        data = data.encode()
    n = name.encode()
    return _fasta(lambda o, out, d: lib.pa_fasta_read_memory_ex(data, len(data), n, o, out, d),
                  strict, diagnostics)
