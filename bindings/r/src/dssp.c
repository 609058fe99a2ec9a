/* dssp.c — dssp(): secondary structure from coordinates, one row per residue
 * DSSP assessed (lib/dssp). */
#include "rpa.h"

#pragma weak pa_dssp_compute
#pragma weak pa_dssp_free
#pragma weak pa_dssp_count
#pragma weak pa_dssp_get

static void free_dssp(void *p, size_t n)
{
    (void)n;
    pa_dssp_free(p);
}

static SEXP one_char(char c)
{
    char s[2] = {c == ' ' ? '-' : c, 0};
    return Rf_mkChar(s);
}

/* Columns: chain, resnum, icode, aa, ss, acc, phi, psi, kappa, alpha, tco, number. */
SEXP rpa_dssp(SEXP ptr, SEXP model, SEXP accessibility)
{
    RPA_REQUIRE(pa_dssp_compute);
    const pa_structure *s = rpa_unwrap(ptr, "pa_structure");
    pa_dssp_opts o = PA_DSSP_OPTS_INIT;
    int m = rpa_int(model, 1);
    if (m < 1)
        Rf_errorcall(R_NilValue, "dssp: model must be >= 1");
    o.model = (unsigned)(m - 1);
    o.accessibility = Rf_asLogical(accessibility) != FALSE;
    pa_dssp *d = NULL;
    RPA_CHECK(pa_dssp_compute(s, &o, &d, NULL), "dssp");
    SEXP g = PROTECT(rpa_guard(free_dssp, d, 0));
    static const char *const names[] = {"chain", "resnum", "icode", "aa", "ss", "acc", "phi",
                                        "psi", "kappa", "alpha", "tco", "number"};
    static const SEXPTYPE types[] = {STRSXP, INTSXP, STRSXP, STRSXP, STRSXP, REALSXP, REALSXP,
                                     REALSXP, REALSXP, REALSXP, REALSXP, INTSXP};
    R_xlen_t n = (R_xlen_t)pa_dssp_count(d);
    SEXP l = PROTECT(rpa_columns(names, types, 12, n));
    pa_residue_columns rc;
    pa_structure_residues(s, &rc);
    for (R_xlen_t i = 0; i < n; i++) {
        pa_dssp_residue r;
        pa_dssp_get(d, (size_t)i, &r);
        pa_chain_info ci;
        pa_structure_chain(s, r.chain, &ci);
        SET_STRING_ELT(VECTOR_ELT(l, 0), i, Rf_mkChar(ci.auth_id));
        INTEGER(VECTOR_ELT(l, 1))[i] = rc.seq_id[r.residue];
        SET_STRING_ELT(VECTOR_ELT(l, 2), i, rc.icode[r.residue] ? one_char(rc.icode[r.residue]) : Rf_mkChar(""));
        SET_STRING_ELT(VECTOR_ELT(l, 3), i, one_char(r.aa));
        SET_STRING_ELT(VECTOR_ELT(l, 4), i, one_char(r.ss));
        double v[6] = {r.acc, r.phi, r.psi, r.kappa, r.alpha, r.tco};
        for (int k = 0; k < 6; k++)
            REAL(VECTOR_ELT(l, 5 + k))[i] = v[k];
        INTEGER(VECTOR_ELT(l, 11))[i] = r.number;
    }
    rpa_release(g);
    UNPROTECT(2);
    return l;
}
