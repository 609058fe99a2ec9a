"""Secondary structure from coordinates (DSSP 4, as mkdssp 4.2 assigns it).

    s = pa.read("1abc.cif.gz")
    d = pa.dssp(s)                  # first model
    d.ss8                           # "-HHHHHTT-EEEE..." one letter per assessed residue
    s.chains[0].dssp                # ss8 aligned with s.chains[0].sequence
    d.acc, d.phi, d.psi             # numpy arrays per assessed residue
    open("1abc.dssp", "w").write(d.classic())   # mkdssp's classic format
"""
from typing import TYPE_CHECKING, List, NamedTuple, Optional

import numpy as np

from ._ffi import check, ffi, lib, new_opts, string

if TYPE_CHECKING:  # pragma: no cover
    from .structure import Chain, Structure

SS3 = {"H": "H", "G": "H", "I": "H", "E": "E", "B": "E"}


class DsspResidue(NamedTuple):
    """One assessed residue (the columns of a classic DSSP line)."""
    residue: int        # index into the structure's residue columns
    chain: int          # index of its chain
    number: int         # DSSP number (#)
    aa: str
    ss: str             # H G I E B T S P or "-"
    helix: str          # turn flags of 3-10, alpha, pi, PPII
    bend: str
    chirality: str
    bridge_labels: str
    bridge_partners: tuple
    sheet: str
    acc: float
    nho: tuple          # ((offset, energy), (offset, energy))
    onh: tuple
    tco: float
    kappa: float
    alpha: float
    phi: float
    psi: float
    ca: tuple


def ss3(ss8: str) -> str:
    """8 to 3 states: H G I -> H, E B -> E, anything else -> C."""
    return "".join(SS3.get(c, "C") for c in ss8)


class Dssp:
    """DSSP of one model of a Structure (the result owns its data)."""

    def __init__(self, structure: "Structure", model: int = 0, accessibility: bool = True,
                 pp_stretch: int = 3) -> None:
        from .diagnostics import from_c
        o = new_opts("pa_dssp_opts", model=int(model), accessibility=int(bool(accessibility)),
                     pp_stretch=int(pp_stretch))
        out = ffi.new("pa_dssp **")
        dg = ffi.new("pa_diags **")
        check(lib.pa_diags_new(dg))
        diags = ffi.gc(dg[0], lib.pa_diags_free)
        check(lib.pa_dssp_compute(structure._ptr, o, out, diags))
        self._ptr = ffi.gc(out[0], lib.pa_dssp_free)
        self.structure = structure
        self.model = int(model)
        self.diagnostics = from_c(diags)
        self._rows: Optional[List[DsspResidue]] = None

    def __len__(self) -> int:
        return int(lib.pa_dssp_count(self._ptr))

    @property
    def ss8(self) -> str:
        """One letter per assessed residue (H G I E B T S P, '-' for none)."""
        return string(lib.pa_dssp_ss8(self._ptr))

    @property
    def ss3(self) -> str:
        return ss3(self.ss8)

    @property
    def surface(self) -> float:
        """Total accessible surface, A^2."""
        return float(lib.pa_dssp_surface(self._ptr))

    def residues(self) -> List[DsspResidue]:
        """Every assessed residue, in DSSP order."""
        if self._rows is None:
            r = ffi.new("pa_dssp_residue *")
            rows = []
            for i in range(len(self)):
                check(lib.pa_dssp_get(self._ptr, i, r))
                ch = lambda c: c.decode() if isinstance(c, bytes) else chr(c)  # noqa: E731
                rows.append(DsspResidue(
                    int(r.residue), int(r.chain), int(r.number), ch(r.aa),
                    "-" if ch(r.ss) == " " else ch(r.ss),
                    "".join(ch(r.helix[k]) for k in range(4)), ch(r.bend), ch(r.chirality),
                    ch(r.bridge_label[0]) + ch(r.bridge_label[1]),
                    (int(r.bridge_partner[0]), int(r.bridge_partner[1])), ch(r.sheet), float(r.acc),
                    tuple((int(r.nho_offset[k]), float(r.nho_energy[k])) for k in range(2)),
                    tuple((int(r.onh_offset[k]), float(r.onh_energy[k])) for k in range(2)),
                    float(r.tco), float(r.kappa), float(r.alpha), float(r.phi), float(r.psi),
                    (float(r.ca[0]), float(r.ca[1]), float(r.ca[2]))))
            self._rows = rows
        return self._rows

    def _column(self, name: str) -> np.ndarray:
        return np.array([getattr(x, name) for x in self.residues()], dtype=np.float64)

    acc = property(lambda self: self._column("acc"), doc="ACC per assessed residue (A^2)")
    phi = property(lambda self: self._column("phi"), doc="phi (360: undefined)")
    psi = property(lambda self: self._column("psi"), doc="psi (360: undefined)")
    kappa = property(lambda self: self._column("kappa"), doc="kappa (360: undefined)")
    alpha = property(lambda self: self._column("alpha"), doc="alpha (360: undefined)")
    tco = property(lambda self: self._column("tco"), doc="TCO")

    def residue_ss(self, residue: int) -> str:
        """Letter of a structure residue index ('-' when not assessed)."""
        return chr(ord(lib.pa_dssp_residue_ss(self._ptr, int(residue))))

    def chain_ss8(self, chain: "Chain") -> str:
        """ss8 of a Chain of this model, aligned with chain.sequence."""
        seq = self.structure._chain_sequence(chain.index)
        if not seq:
            return ""
        return "".join(self.residue_ss(int(r)) for r in seq["residues"])

    def classic(self) -> str:
        """The classic DSSP text (mkdssp --output-format dssp columns)."""
        out, n = ffi.new("char **"), ffi.new("size_t *")
        check(lib.pa_dssp_format_classic(self._ptr, self.structure._ptr, out, n))
        try:
            return ffi.buffer(out[0], n[0])[:].decode()
        finally:
            lib.pa_free(out[0])

    def __repr__(self) -> str:
        return "<Dssp model=%d residues=%d>" % (self.model, len(self))


def dssp(structure: "Structure", model: int = 0, accessibility: bool = True,
         pp_stretch: int = 3) -> Dssp:
    """DSSP of model index `model` of a Structure (see Dssp)."""
    return Dssp(structure, model=model, accessibility=accessibility, pp_stretch=pp_stretch)
