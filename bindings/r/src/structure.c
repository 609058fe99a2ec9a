/* structure.c — read_structure(): a file into columns for R data frames.
 * The pa_structure lives in an external pointer (finalizer frees it), so the
 * R allocations below may fail (longjmp) without leaking it. */
#include "rpa.h"

#include <string.h>

#pragma weak pa_structure_read
#pragma weak pa_structure_free
#pragma weak pa_structure_format
#pragma weak pa_structure_name
#pragma weak pa_structure_id
#pragma weak pa_structure_model_count
#pragma weak pa_structure_model
#pragma weak pa_structure_chain_count
#pragma weak pa_structure_chain
#pragma weak pa_structure_residues
#pragma weak pa_structure_atoms
#pragma weak pa_structure_entity
#pragma weak pa_format_name
#pragma weak pa_sequence_extract
#pragma weak pa_seqset_count
#pragma weak pa_seqset_get
#pragma weak pa_seqset_free

static const char *const STRUCT_TAG = "pa_structure";

static void structure_fin(SEXP x)
{
    pa_structure_free(R_ExternalPtrAddr(x));
    R_ClearExternalPtr(x);
}

static void diags_fin(SEXP x)
{
    pa_diags_free(R_ExternalPtrAddr(x));
    R_ClearExternalPtr(x);
}

static pa_format parse_format(const char *f)
{
    if (!strcmp(f, "pdb")) return PA_FORMAT_PDB;
    if (!strcmp(f, "mmcif") || !strcmp(f, "cif")) return PA_FORMAT_MMCIF;
    if (!strcmp(f, "pdbml") || !strcmp(f, "xml")) return PA_FORMAT_PDBML;
    if (!strcmp(f, "auto")) return PA_FORMAT_AUTO;
    Rf_errorcall(R_NilValue, "unknown format '%s' (auto, pdb, mmcif, pdbml)", f);
}

static pa_altloc_policy parse_altloc(const char *a)
{
    if (!strcmp(a, "first")) return PA_ALTLOC_FIRST;
    if (!strcmp(a, "all")) return PA_ALTLOC_ALL;
    if (!strcmp(a, "occupancy")) return PA_ALTLOC_OCCUPANCY;
    Rf_errorcall(R_NilValue, "unknown altloc policy '%s' (first, all, occupancy)", a);
}

/* A named list; names given as a NULL-terminated array. */
static SEXP named_list(const char **names, int n)
{
    SEXP l = PROTECT(Rf_allocVector(VECSXP, n));
    SEXP nm = PROTECT(Rf_allocVector(STRSXP, n));
    for (int i = 0; i < n; i++)
        SET_STRING_ELT(nm, i, Rf_mkChar(names[i]));
    Rf_setAttrib(l, R_NamesSymbol, nm);
    UNPROTECT(2);
    return l;
}

/* data.frame-ready list of the diagnostics (file, line, column, code, severity, message). */
static SEXP diags_columns(const pa_diags *d)
{
    static const char *names[] = {"file", "line", "column", "code", "severity", "message"};
    size_t n = pa_diags_count(d);
    SEXP l = PROTECT(named_list(names, 6));
    SEXP file = PROTECT(Rf_allocVector(STRSXP, n)), line = PROTECT(Rf_allocVector(INTSXP, n));
    SEXP col = PROTECT(Rf_allocVector(INTSXP, n)), code = PROTECT(Rf_allocVector(STRSXP, n));
    SEXP sev = PROTECT(Rf_allocVector(STRSXP, n)), msg = PROTECT(Rf_allocVector(STRSXP, n));
    for (size_t i = 0; i < n; i++) {
        const pa_diag *g = pa_diags_get(d, i);
        SET_STRING_ELT(file, i, Rf_mkCharCE(g->file, CE_UTF8));
        INTEGER(line)[i] = (int)g->line;
        INTEGER(col)[i] = g->column;
        SET_STRING_ELT(code, i, Rf_mkChar(pa_diag_code_name(g->code)));
        SET_STRING_ELT(sev, i, Rf_mkChar(pa_severity_name(g->severity)));
        SET_STRING_ELT(msg, i, Rf_mkCharCE(g->message, CE_UTF8));
    }
    SEXP cols[] = {file, line, col, code, sev, msg};
    for (int i = 0; i < 6; i++)
        SET_VECTOR_ELT(l, i, cols[i]);
    UNPROTECT(7);
    return l;
}

/* The read failed: message = library error + the first error diagnostics. */
static void read_failed(int rc, const char *path, const pa_diags *d)
{
    char msg[2048];
    const char *m = pa_last_error();
    int len = snprintf(msg, sizeof msg, "cannot read %s: %s", path, (m && *m) ? m : pa_strerror(rc));
    size_t shown = 0;
    /* pa_diag_format truncates and NUL-terminates; it returns the full length */
    for (size_t i = 0; i < pa_diags_count(d) && shown < 3 && len >= 0 && len + 2 < (int)sizeof msg; i++) {
        const pa_diag *g = pa_diags_get(d, i);
        if (g->severity < PA_SEV_ERROR)
            continue;
        msg[len++] = '\n';
        len += pa_diag_format(g, msg + len, sizeof msg - (size_t)len);
        shown++;
    }
    Rf_errorcall(R_NilValue, "%s", msg); /* the diagnostics list is freed by its finalizer */
}

SEXP rpa_read_structure(SEXP path, SEXP format, SEXP altloc, SEXP first_model, SEXP skip_h,
                        SEXP strict)
{
    RPA_REQUIRE(pa_structure_read);
    const char *p = rpa_str(path, NULL);
    if (!p)
        Rf_errorcall(R_NilValue, "path must be a character string");
    pa_reader_opts o = PA_READER_OPTS_INIT;
    o.format = parse_format(rpa_str(format, "auto"));
    o.altloc = parse_altloc(rpa_str(altloc, "first"));
    o.first_model_only = rpa_int(first_model, 0);
    o.skip_hydrogens = rpa_int(skip_h, 0);
    o.strict = rpa_int(strict, 0);

    pa_diags *d;
    RPA_CHECK(pa_diags_new(&d), "pa_diags_new");
    PROTECT(rpa_wrap(d, "pa_diags", diags_fin)); /* freed by GC, also on error */
    pa_structure *s = NULL;
    int rc = pa_structure_read(R_ExpandFileName(p), &o, &s, d);
    if (rc < 0)
        read_failed(rc, p, d);
    SEXP sptr = PROTECT(rpa_wrap(s, STRUCT_TAG, structure_fin));
    static const char *names[] = {"ptr", "diagnostics"};
    SEXP out = PROTECT(named_list(names, 2));
    SET_VECTOR_ELT(out, 0, sptr);
    SET_VECTOR_ELT(out, 1, diags_columns(d));
    UNPROTECT(3);
    return out;
}

static SEXP chain_columns(const pa_structure *s, const pa_model_info *models)
{
    static const char *names[] = {"model", "chain", "label_id", "entity_id", "polymer_type",
                                  "n_residues", "n_atoms"};
    static const char *poly[] = {"none", "protein", "dna", "rna", "hybrid", "other"};
    size_t n = pa_structure_chain_count(s);
    SEXP l = PROTECT(named_list(names, 7));
    for (int i = 0; i < 7; i++)
        SET_VECTOR_ELT(l, i, Rf_allocVector(i == 0 || i >= 5 ? INTSXP : STRSXP, n));
    /* polymer type: the sequence module's (it infers one from the residues when
     * the file declares none), else the entity's */
    pa_polymer_type *types = (pa_polymer_type *)R_alloc(n ? n : 1, sizeof *types);
    for (size_t i = 0; i < n; i++) {
        pa_chain_info c;
        pa_entity_info e;
        types[i] = PA_POLY_NONE;
        if (pa_structure_chain(s, i, &c) == 0 && c.entity != PA_NONE_INDEX &&
            pa_structure_entity(s, c.entity, &e) == 0)
            types[i] = e.type;
    }
    pa_seqset *set = NULL;
    pa_seqset_opts so = PA_SEQSET_OPTS_INIT;
    so.all_models = 1;
    if (pa_sequence_extract && pa_sequence_extract(s, &so, &set) == 0) {
        for (size_t i = 0; i < pa_seqset_count(set); i++) {
            pa_chain_seq cs;
            if (pa_seqset_get(set, i, &cs) == 0 && cs.chain < n)
                types[cs.chain] = cs.polymer_type;
        }
        pa_seqset_free(set); /* before any R allocation below */
    }
    for (size_t i = 0; i < n; i++) {
        pa_chain_info c;
        RPA_CHECK(pa_structure_chain(s, i, &c), "pa_structure_chain");
        pa_polymer_type t = types[i];
        INTEGER(VECTOR_ELT(l, 0))[i] = models[c.model].number;
        SET_STRING_ELT(VECTOR_ELT(l, 1), i, Rf_mkChar(c.auth_id));
        SET_STRING_ELT(VECTOR_ELT(l, 2), i, Rf_mkChar(c.label_id));
        SET_STRING_ELT(VECTOR_ELT(l, 3), i, Rf_mkChar(c.entity_id));
        SET_STRING_ELT(VECTOR_ELT(l, 4), i, Rf_mkChar(poly[t <= PA_POLY_OTHER ? t : PA_POLY_OTHER]));
        INTEGER(VECTOR_ELT(l, 5))[i] = (int)c.residue_count;
        INTEGER(VECTOR_ELT(l, 6))[i] = (int)c.atom_count;
    }
    UNPROTECT(1);
    return l;
}

static SEXP atom_columns(const pa_structure *s, const pa_model_info *models)
{
    static const char *names[] = {"model", "chain", "resname", "resno", "icode", "hetero", "name",
                                  "element", "altloc", "x", "y", "z", "occupancy", "b_factor",
                                  "serial", "charge"};
    static const SEXPTYPE types[] = {INTSXP, STRSXP, STRSXP, INTSXP, STRSXP, LGLSXP, STRSXP,
                                     STRSXP, STRSXP, REALSXP, REALSXP, REALSXP, REALSXP, REALSXP,
                                     INTSXP, INTSXP};
    pa_atom_columns a;
    pa_residue_columns r;
    RPA_CHECK(pa_structure_atoms(s, &a), "pa_structure_atoms");
    RPA_CHECK(pa_structure_residues(s, &r), "pa_structure_residues");
    size_t n = a.n;
    SEXP l = PROTECT(named_list(names, 16));
    for (int i = 0; i < 16; i++)
        SET_VECTOR_ELT(l, i, Rf_allocVector(types[i], n));
    SEXP cur_chain = R_NilValue, cur_res = R_NilValue;
    uint32_t last_chain = PA_NONE_INDEX, last_res = PA_NONE_INDEX;
    int model_no = 0;
    PROTECT_INDEX ic, ir;
    PROTECT_WITH_INDEX(cur_chain, &ic);
    PROTECT_WITH_INDEX(cur_res, &ir);
    for (size_t i = 0; i < n; i++) {
        uint32_t ri = a.residue[i], ci = r.chain[ri];
        if (ci != last_chain) { /* atoms are stored chain by chain: one lookup per chain */
            pa_chain_info c;
            RPA_CHECK(pa_structure_chain(s, ci, &c), "pa_structure_chain");
            REPROTECT(cur_chain = Rf_mkChar(c.auth_id), ic);
            model_no = models[c.model].number;
            last_chain = ci;
        }
        if (ri != last_res) {
            REPROTECT(cur_res = rpa_fixed(r.name + (size_t)ri * PA_NAME_STRIDE, PA_NAME_STRIDE), ir);
            last_res = ri;
        }
        INTEGER(VECTOR_ELT(l, 0))[i] = model_no;
        SET_STRING_ELT(VECTOR_ELT(l, 1), i, cur_chain);
        SET_STRING_ELT(VECTOR_ELT(l, 2), i, cur_res);
        INTEGER(VECTOR_ELT(l, 3))[i] = r.seq_id[ri];
        SET_STRING_ELT(VECTOR_ELT(l, 4), i, rpa_fixed(r.icode + ri, 1));
        LOGICAL(VECTOR_ELT(l, 5))[i] = r.hetero[ri] != 0;
        SET_STRING_ELT(VECTOR_ELT(l, 6), i, rpa_fixed(a.name + i * PA_NAME_STRIDE, PA_NAME_STRIDE));
        SET_STRING_ELT(VECTOR_ELT(l, 7), i, rpa_fixed(a.element + i * 4, 4));
        SET_STRING_ELT(VECTOR_ELT(l, 8), i, rpa_fixed(a.altloc + i, 1));
        REAL(VECTOR_ELT(l, 9))[i] = a.x[i];
        REAL(VECTOR_ELT(l, 10))[i] = a.y[i];
        REAL(VECTOR_ELT(l, 11))[i] = a.z[i];
        REAL(VECTOR_ELT(l, 12))[i] = a.occupancy[i];
        REAL(VECTOR_ELT(l, 13))[i] = a.b_factor[i];
        INTEGER(VECTOR_ELT(l, 14))[i] = a.serial[i];
        INTEGER(VECTOR_ELT(l, 15))[i] = a.charge[i];
    }
    UNPROTECT(3);
    return l;
}

/* list(name, id, format, models = int, chains = columns, atoms = columns) */
SEXP rpa_structure_tables(SEXP ptr)
{
    const pa_structure *s = rpa_unwrap(ptr, STRUCT_TAG);
    size_t nm = pa_structure_model_count(s);
    pa_model_info *models = (pa_model_info *)R_alloc(nm ? nm : 1, sizeof *models);
    SEXP mnum = PROTECT(Rf_allocVector(INTSXP, nm));
    for (size_t i = 0; i < nm; i++) {
        RPA_CHECK(pa_structure_model(s, i, &models[i]), "pa_structure_model");
        INTEGER(mnum)[i] = models[i].number;
    }
    static const char *names[] = {"name", "id", "format", "models", "chains", "atoms"};
    SEXP out = PROTECT(named_list(names, 6));
    SET_VECTOR_ELT(out, 0, Rf_mkString(pa_structure_name(s)));
    SET_VECTOR_ELT(out, 1, Rf_mkString(pa_structure_id(s)));
    SET_VECTOR_ELT(out, 2, Rf_mkString(pa_format_name(pa_structure_format(s))));
    SET_VECTOR_ELT(out, 3, mnum);
    SET_VECTOR_ELT(out, 4, chain_columns(s, models));
    SET_VECTOR_ELT(out, 5, atom_columns(s, models));
    UNPROTECT(2);
    return out;
}
