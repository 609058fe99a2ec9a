"""Reading structures (PDB, mmCIF, PDBML; plain, gzip or zstd) into Structure objects.

Numeric columns (atoms.x, .y, .z, .b_factor, residues.seq_id, ...) are
zero-copy, read-only numpy views of the library's own arrays; each view holds a
reference to its Structure so the memory stays valid as long as the array
lives. Name columns are decoded into numpy unicode arrays (a copy).
"""
from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any, Iterable, Iterator

import numpy as np

from ._ffi import check, ffi, fspath, lib, new_opts, string
from .diagnostics import DiagList, Diagnostic, from_c

FORMATS = {"auto": 0, "pdb": 1, "mmcif": 2, "cif": 2, "pdbml": 3, "xml": 3}
FORMAT_NAMES = {0: "auto", 1: "pdb", 2: "mmcif", 3: "pdbml"}
ALTLOCS = {"first": 0, "all": 1, "occupancy": 2}
POLYMER_TYPES = {0: "none", 1: "protein", 2: "dna", 3: "rna", 4: "hybrid", 5: "other"}


class _Keeper:
    """Exposes C memory to numpy while keeping its owner alive (array.base)."""

    def __init__(self, owner, ptr, typestr, count):
        self.owner = owner
        self.__array_interface__ = {
            "data": (int(ffi.cast("uintptr_t", ptr)), True),  # read-only
            "shape": (count,), "typestr": typestr, "version": 3}


def _view(owner, ptr, dtype, begin, count):
    dt = np.dtype(dtype)
    if count == 0 or ptr == ffi.NULL:
        return np.empty(0, dt)
    p = ffi.cast("char *", ptr) + begin * dt.itemsize
    return np.asarray(_Keeper(owner, p, dt.str, count))


def _names(owner, ptr, stride, begin, count):
    """Fixed-width NUL-padded names -> numpy unicode array (copy)."""
    return _view(owner, ptr, "S%d" % stride, begin, count).astype("U%d" % stride)


def reader_opts(*, format: str | None = None, altloc: str | None = None,
                first_model_only: bool = False, skip_hydrogens: bool = False, strict: bool = False,
                keep_anisou: bool = False, max_diagnostics: int = 0) -> Any:
    """A pa_reader_opts from the keyword options of read()."""
    return new_opts("pa_reader_opts",
                    format=FORMATS[format] if format else None,
                    altloc=ALTLOCS[altloc] if altloc else None,
                    first_model_only=int(bool(first_model_only)),
                    skip_hydrogens=int(bool(skip_hydrogens)),
                    strict=int(bool(strict)), keep_anisou=int(bool(keep_anisou)),
                    max_diagnostics=max_diagnostics)


class _Rows:
    """A range of rows of one of a Structure's column tables (atoms or residues)."""

    def __init__(self, structure: Structure, begin: int, count: int, cols: Any) -> None:
        self._s, self.begin, self.count, self._c = structure, begin, count, cols

    def __len__(self):
        return self.count

    def _col(self, field, dtype, extra=0):
        return _view(self._s, getattr(self._c, field), dtype, self.begin, self.count + extra)

    def _text(self, field, stride):
        return _names(self._s, getattr(self._c, field), stride, self.begin, self.count)

    name = property(lambda self: self._text("name", lib.PA_NAME_STRIDE))

    def __repr__(self):
        return "<%s %d>" % (type(self).__name__, self.count)


class Atoms(_Rows):
    """A range of atoms: column views x, y, z, occupancy, b_factor, serial, charge,
    residue (global residue index), and decoded name, element, altloc."""

    def __init__(self, structure: Structure, begin: int, count: int) -> None:
        super().__init__(structure, begin, count, structure._atom_cols)

    x = property(lambda self: self._col("x", np.float32))
    y = property(lambda self: self._col("y", np.float32))
    z = property(lambda self: self._col("z", np.float32))
    occupancy = property(lambda self: self._col("occupancy", np.float32))
    b_factor = property(lambda self: self._col("b_factor", np.float32))
    serial = property(lambda self: self._col("serial", np.int32))
    charge = property(lambda self: self._col("charge", np.int8))
    residue = property(lambda self: self._col("residue", np.uint32))
    element = property(lambda self: self._text("element", 4))
    altloc = property(lambda self: self._text("altloc", 1))

    @property
    def xyz(self) -> np.ndarray:
        """(n, 3) float32 array. A copy: the library stores x, y, z as separate columns
        (use .x/.y/.z for zero-copy views)."""
        return np.stack([self.x, self.y, self.z], axis=1)


class Residues(_Rows):
    """A range of residues: seq_id, label_seq_id (PA_SEQ_ID_NONE when absent), chain,
    hetero, atom_begin views and decoded name, icode."""

    def __init__(self, structure: Structure, begin: int, count: int) -> None:
        super().__init__(structure, begin, count, structure._res_cols)

    seq_id = property(lambda self: self._col("seq_id", np.int32))
    label_seq_id = property(lambda self: self._col("label_seq_id", np.int32))
    chain = property(lambda self: self._col("chain", np.uint32))
    hetero = property(lambda self: self._col("hetero", np.uint8))
    # n + 1 entries: atoms of residue i are [atom_begin[i], atom_begin[i+1])
    atom_begin = property(lambda self: self._col("atom_begin", np.uint32, 1))
    icode = property(lambda self: self._text("icode", 1))


class _Part:
    """A model or a chain: its residues and atoms are ranges of the Structure's columns."""

    structure: Structure

    def _set_rows(self, info: Any) -> None:
        self._res = (info.residue_begin, info.residue_count)
        self._atoms = (info.atom_begin, info.atom_count)

    @property
    def residues(self):
        return Residues(self.structure, *self._res)

    @property
    def atoms(self):
        return Atoms(self.structure, *self._atoms)


class Chain(_Part):
    """One chain of one model. `sequence`, `seqres` and `mapping` come from the
    sequence module when the library provides it."""

    def __init__(self, structure: Structure, index: int, info: Any) -> None:
        self.structure, self.index = structure, index
        self.id = string(info.auth_id)
        self.label_id = string(info.label_id)
        self.entity_id = string(info.entity_id)
        self.model = info.model
        self.entity = None if info.entity == lib.PA_NONE_INDEX else info.entity
        self._set_rows(info)

    @property
    def polymer_type(self):
        seq = self.structure._chain_sequence(self.index)
        if seq:
            return seq["polymer_type"]
        if self.entity is not None:
            return self.structure.entities[self.entity].polymer_type
        return "none"

    def _seq(self, key):
        seq = self.structure._chain_sequence(self.index)
        if seq is None:
            raise NotImplementedError("this libpanalyzer has no sequence module")
        if not seq:  # no polymer part (water, ligands only)
            return np.empty(0, np.int32) if key == "mapping" else ""
        return seq[key]

    def map_to(self, reference: str, *, matrix: Any = None, gap_open: int = 10,
               gap_extend: int = 1) -> tuple[np.ndarray, dict]:
        """Map this chain's residues onto a reference sequence (see align.map_chain)."""
        from .align import map_chain
        return map_chain(self, reference, matrix=matrix, gap_open=gap_open, gap_extend=gap_extend)

    @property
    def dssp(self) -> str:
        """Observed secondary structure (DSSP 4) aligned with `sequence`: H G I E B T
        S P, '-' for none or for a residue DSSP cannot assess (missing backbone)."""
        return self.structure.dssp(self.model).chain_ss8(self)

    sequence = property(lambda self: self._seq("sequence"))
    seqres = property(lambda self: self._seq("seqres"))
    mapping = property(lambda self: self._seq("mapping"))

    def __repr__(self):
        return "<Chain %s model=%d residues=%d atoms=%d>" % (
            self.id, self.model, self._res[1], self._atoms[1])


class Model(_Part):
    def __init__(self, structure, index, info):
        self.structure, self.index, self.number = structure, index, info.number
        self._chains = range(info.chain_begin, info.chain_begin + info.chain_count)
        self._set_rows(info)

    @property
    def chains(self):
        return [self.structure.all_chains[i] for i in self._chains]

    def __repr__(self):
        return "<Model %d chains=%d atoms=%d>" % (self.number, len(self._chains), self._atoms[1])


class Entity:
    """An entity (mmCIF entity / PDB molecule): id, polymer_type, seq_names (the
    full sequence as residue names) and one_letter_can (canonical one-letter sequence)."""

    def __init__(self, info: Any) -> None:
        self.id = string(info.id)
        self.polymer_type = POLYMER_TYPES.get(int(info.type), "other")
        names = ffi.buffer(info.seq_names, info.seq_len * lib.PA_NAME_STRIDE)[:] \
            if info.seq_len and info.seq_names != ffi.NULL else b""
        st = lib.PA_NAME_STRIDE
        self.seq_names = [names[i:i + st].split(b"\0", 1)[0].decode() for i in range(0, len(names), st)]
        self.one_letter_can = string(info.one_letter_can, None)

    def __repr__(self):
        return "<Entity %s %s len=%d>" % (self.id, self.polymer_type, len(self.seq_names))


if TYPE_CHECKING:  # pragma: no cover
    from .dssp import Dssp


class Structure:
    """An immutable structure read by the library (all models).

    `chains`, `atoms` and `residues` refer to the first model; `models` gives
    every model, `all_chains` the chains of all models."""

    def __init__(self, ptr: Any, diagnostics: Iterable[Diagnostic] = ()) -> None:
        self._ptr = ffi.gc(ptr, lib.pa_structure_free)
        self.diagnostics = list(diagnostics)
        self._atom_cols = ffi.new("pa_atom_columns *")
        self._res_cols = ffi.new("pa_residue_columns *")
        check(lib.pa_structure_atoms(self._ptr, self._atom_cols))
        check(lib.pa_structure_residues(self._ptr, self._res_cols))
        self._models = self._chains = self._entities = self._seqs = self._dssps = None

    @property
    def name(self):
        return string(lib.pa_structure_name(self._ptr))

    @property
    def id(self):
        return string(lib.pa_structure_id(self._ptr))

    @property
    def format(self):
        return FORMAT_NAMES.get(int(lib.pa_structure_format(self._ptr)), "auto")

    @property
    def cell(self):
        """(a, b, c, alpha, beta, gamma, space_group) or None when the file has no cell."""
        cell = ffi.new("double[6]")
        sg = ffi.new("const char **")
        if lib.pa_structure_cell(self._ptr, cell, sg) != 0:
            return None
        return tuple(cell) + (string(sg[0]),)

    def _collect(self, ctype, count_fn, get_fn, cls):
        """Wrap every item of one hierarchy level (models or chains) once."""
        info = ffi.new(ctype)
        out = []
        for i in range(count_fn(self._ptr)):
            check(get_fn(self._ptr, i, info))
            out.append(cls(self, i, info))
        return out

    @property
    def models(self):
        if self._models is None:
            self._models = self._collect("pa_model_info *", lib.pa_structure_model_count,
                                         lib.pa_structure_model, Model)
        return self._models

    @property
    def all_chains(self):
        if self._chains is None:
            self._chains = self._collect("pa_chain_info *", lib.pa_structure_chain_count,
                                         lib.pa_structure_chain, Chain)
        return self._chains

    @property
    def chains(self):
        return self.models[0].chains if self.models else []

    @property
    def atoms(self):
        return self.models[0].atoms if self.models else Atoms(self, 0, 0)

    @property
    def residues(self):
        return self.models[0].residues if self.models else Residues(self, 0, 0)

    @property
    def entities(self):
        if self._entities is None:
            info = ffi.new("pa_entity_info *")
            out = []
            for i in range(lib.pa_structure_entity_count(self._ptr)):
                check(lib.pa_structure_entity(self._ptr, i, info))
                out.append(Entity(info))
            self._entities = out
        return self._entities

    def sequences(self, all_models: bool = False, include_nonpolymer: bool = False) -> list[dict]:
        """Per-chain dicts (id, polymer_type, sequence, seqres, mapping, ...); see sequence.py."""
        from .sequence import sequences
        return sequences(self, all_models, include_nonpolymer)

    def to_fasta(self, name: str | None = None, seqres: bool = False, line_width: int = 80,
                 all_models: bool = False) -> str:
        """FASTA text of the chain sequences (observed, or SEQRES with seqres=True)."""
        from .sequence import to_fasta
        return to_fasta(self, name, seqres, line_width, all_models)

    def dssp(self, model: int = 0) -> "Dssp":
        """DSSP of model index `model` (a panalyzer.dssp.Dssp, computed once)."""
        if self._dssps is None:
            self._dssps = {}
        if model not in self._dssps:
            from .dssp import Dssp
            self._dssps[model] = Dssp(self, model=model)
        return self._dssps[model]

    def modres_parent(self, name: str) -> str | None:
        """Standard parent the file declares for a modified residue, or None."""
        return string(lib.pa_structure_modres_parent(self._ptr, name.encode()), None)

    def _chain_sequence(self, chain_index):
        """Per-chain sequence dict from the sequence module ({} for a chain without a
        polymer part), or None when the library has no sequence module."""
        if self._seqs is None:
            from . import sequence
            self._seqs = sequence.extract_for(self) if sequence.available() else False
        if self._seqs is False:
            return None
        return self._seqs.get(chain_index, {})

    def __repr__(self):
        return "<Structure %s %s models=%d chains=%d atoms=%d>" % (
            self.id or self.name, self.format, len(self.models), len(self.chains), len(self.atoms))


def read(path: str | os.PathLike, *, format: str | None = None, altloc: str | None = None,
         first_model_only: bool = False, skip_hydrogens: bool = False, strict: bool = False,
         keep_anisou: bool = False, max_diagnostics: int = 0) -> Structure:
    """Read the first structure of a file. Raises panalyzer.Error (with .diagnostics)
    on failure. Options: format ("pdb", "mmcif", "pdbml"; None: detect), altloc ("first",
    "all", "occupancy"), first_model_only, skip_hydrogens, strict (error diagnostics fail
    the read), keep_anisou, max_diagnostics (0: the library's default cap)."""
    o = reader_opts(format=format, altloc=altloc, first_model_only=first_model_only,
                    skip_hydrogens=skip_hydrogens, strict=strict, keep_anisou=keep_anisou,
                    max_diagnostics=max_diagnostics)
    out = ffi.new("pa_structure **")
    diags = DiagList()
    rc = lib.pa_structure_read(fspath(path), o, out, diags.ptr)
    check(rc, diags.to_list())
    return Structure(out[0], diags.to_list())


def read_bytes(data: bytes, name: str = "<memory>", *, format: str | None = None,
               altloc: str | None = None, first_model_only: bool = False,
               skip_hydrogens: bool = False, strict: bool = False, keep_anisou: bool = False,
               max_diagnostics: int = 0) -> Structure:
    """Read the first structure from bytes (may be gzip or zstd compressed); options as
    for read()."""
    o = reader_opts(format=format, altloc=altloc, first_model_only=first_model_only,
                    skip_hydrogens=skip_hydrogens, strict=strict, keep_anisou=keep_anisou,
                    max_diagnostics=max_diagnostics)
    out = ffi.new("pa_structure **")
    diags = DiagList()
    buf = ffi.from_buffer(data)
    rc = lib.pa_structure_read_memory(buf, len(buf), name.encode(), o, out, diags.ptr)
    check(rc, diags.to_list())
    return Structure(out[0], diags.to_list())


class Reader:
    """Iterate over every structure (data block) of a file, or of bytes given as data=:
    `for s in pa.Reader("multi.cif"): ...`; `.diagnostics` after the loop."""

    def __init__(self, path: str | os.PathLike | None = None, data: bytes | None = None,
                 name: str = "<memory>", *, format: str | None = None, altloc: str | None = None,
                 first_model_only: bool = False, skip_hydrogens: bool = False,
                 strict: bool = False, keep_anisou: bool = False,
                 max_diagnostics: int = 0) -> None:
        o = reader_opts(format=format, altloc=altloc, first_model_only=first_model_only,
                        skip_hydrogens=skip_hydrogens, strict=strict, keep_anisou=keep_anisou,
                        max_diagnostics=max_diagnostics)
        out = ffi.new("pa_reader **")
        if data is not None:
            self._data = ffi.from_buffer(data)  # the reader borrows the caller's buffer
            check(lib.pa_reader_open_memory(out, self._data, len(self._data), name.encode(), o))
        else:
            check(lib.pa_reader_open(out, fspath(path), o))
        self._ptr = ffi.gc(out[0], lib.pa_reader_free)

    @property
    def format(self):
        return FORMAT_NAMES.get(int(lib.pa_reader_format(self._ptr)), "auto")

    @property
    def diagnostics(self):
        return from_c(lib.pa_reader_diagnostics(self._ptr))

    def __iter__(self) -> Iterator[Structure]:
        return self

    def __next__(self) -> Structure:
        out = ffi.new("pa_structure **")
        rc = lib.pa_reader_next(self._ptr, out)
        if rc == lib.PA_END:
            raise StopIteration
        check(rc, self.diagnostics)
        return Structure(out[0])

    def close(self) -> None:
        """Free the reader now (also done by the garbage collector and by `with`)."""
        if self._ptr is not None:
            ffi.release(self._ptr)
            self._ptr = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
