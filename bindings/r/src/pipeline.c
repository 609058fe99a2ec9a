/* pipeline.c — run_pipeline(): many files through the C pipeline.
 * The result callback runs on the executor's worker threads, where the R API
 * must not be used: it only copies each result into plain C arrays (never
 * concurrently with itself, as pipeline.h promises). R vectors are built after
 * the run, while a guard owns the C copy. */
#include "rpa.h"

#include <stdlib.h>
#include <string.h>

#pragma weak pa_pipeline_run
#pragma weak pa_result_path
#pragma weak pa_result_index
#pragma weak pa_result_status
#pragma weak pa_result_diagnostics
#pragma weak pa_result_summary_get
#pragma weak pa_result_cached
#pragma weak pa_result_chain_count
#pragma weak pa_result_chain
#pragma weak pa_result_chain_ss
#pragma weak pa_result_chain_dssp
#pragma weak pa_result_chain_dssp3
#pragma weak pa_result_chain_q3
#pragma weak pa_polymer_type_name
#pragma weak pa_format_name

typedef struct {
    size_t index;
    int status, cached;
    char *message;
    pa_result_summary sum; /* id copied below */
    char *id;
} file_row;

typedef struct {
    size_t file; /* input index */
    int model;
    char *chain, *sequence, *seqres;
    char *ss3; /* NULL: none (NA) */
    char *ss8_obs, *ss3_obs; /* DSSP; NULL: none (NA) */
    double q3;               /* NA_REAL: none */
    pa_polymer_type type;
} chain_row;

typedef struct {
    file_row *files;
    size_t nfiles, capf;
    chain_row *chains;
    size_t nchains, capc;
    int oom, dssp;
} collect;

static char *dup(const char *s)
{
    size_t n = strlen(s ? s : "") + 1;
    char *p = malloc(n);
    if (p)
        memcpy(p, s ? s : "", n);
    return p;
}

static int grow(void **p, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return 0;
    size_t c = *cap ? *cap * 2 : 64;
    while (c < need)
        c *= 2;
    void *q = realloc(*p, c * elem);
    if (!q)
        return -1;
    *p = q, *cap = c;
    return 0;
}

/* First error diagnostic, formatted, or the code's name. */
static char *failure_message(const pa_result *r, int status)
{
    const pa_diags *d = pa_result_diagnostics(r);
    for (size_t i = 0; d && i < pa_diags_count(d); i++) {
        const pa_diag *g = pa_diags_get(d, i);
        if (g->severity >= PA_SEV_ERROR) {
            char buf[1024];
            pa_diag_format(g, buf, sizeof buf);
            return dup(buf);
        }
    }
    return dup(pa_strerror(status));
}

/* The DSSP columns of chain i (run_pipeline(dssp = TRUE)). */
static int observed_ss(const pa_result *r, size_t i, chain_row *row)
{
    const char *d8 = pa_result_chain_dssp(r, i), *d3 = pa_result_chain_dssp3(r, i);
    size_t ok, n;
    row->ss8_obs = d8 ? dup(d8) : NULL;
    row->ss3_obs = d3 ? dup(d3) : NULL;
    row->q3 = pa_result_chain_q3(r, i, &ok, &n) == 0 && n ? (double)ok / (double)n : NA_REAL;
    return (d8 && !row->ss8_obs) || (d3 && !row->ss3_obs);
}

static int on_result(void *ctx, const pa_result *r)
{
    collect *c = ctx;
    if (grow((void **)&c->files, &c->capf, c->nfiles + 1, sizeof *c->files))
        return c->oom = 1;
    file_row *f = &c->files[c->nfiles++];
    memset(f, 0, sizeof *f);
    f->index = pa_result_index(r);
    f->status = pa_result_status(r);
    f->cached = pa_result_cached(r);
    pa_result_summary_get(r, &f->sum);
    f->id = dup(f->sum.id);
    f->message = f->status < 0 ? failure_message(r, f->status) : dup("");
    if (!f->id || !f->message)
        return c->oom = 1;
    size_t n = pa_result_chain_count(r);
    if (grow((void **)&c->chains, &c->capc, c->nchains + n, sizeof *c->chains))
        return c->oom = 1;
    for (size_t i = 0; i < n; i++) {
        pa_chain_seq s;
        if (pa_result_chain(r, i, &s) != 0)
            continue;
        chain_row *row = &c->chains[c->nchains++];
        row->file = f->index;
        row->model = s.model;
        row->type = s.polymer_type;
        row->chain = dup(s.auth_id);
        row->sequence = dup(s.observed);
        row->seqres = dup(s.seqres);
        const char *ss = (void *)pa_result_chain_ss ? pa_result_chain_ss(r, i) : NULL;
        row->ss3 = ss ? dup(ss) : NULL;
        row->ss8_obs = row->ss3_obs = NULL;
        row->q3 = NA_REAL;
        if (!row->chain || !row->sequence || !row->seqres || (ss && !row->ss3))
            return c->oom = 1;
        if (c->dssp && observed_ss(r, i, row))
            return c->oom = 1;
    }
    return 0;
}

static void free_collect(void *p, size_t n)
{
    (void)n;
    collect *c = p;
    for (size_t i = 0; i < c->nfiles; i++) {
        free(c->files[i].message);
        free(c->files[i].id);
    }
    for (size_t i = 0; i < c->nchains; i++) {
        free(c->chains[i].chain);
        free(c->chains[i].sequence);
        free(c->chains[i].seqres);
        free(c->chains[i].ss3);
        free(c->chains[i].ss8_obs);
        free(c->chains[i].ss3_obs);
    }
    free(c->files);
    free(c->chains);
    free(c);
}

static SEXP file_columns(const collect *c, SEXP paths)
{
    static const char *const names[] = {"path", "status", "message", "format", "id", "models",
                                        "chains", "residues", "atoms", "cached"};
    static const SEXPTYPE types[] = {STRSXP, INTSXP, STRSXP, STRSXP, STRSXP, INTSXP, INTSXP,
                                     INTSXP, INTSXP, LGLSXP};
    SEXP l = PROTECT(rpa_columns(names, types, 10, (R_xlen_t)c->nfiles));
    for (size_t i = 0; i < c->nfiles; i++) {
        const file_row *f = &c->files[i];
        SET_STRING_ELT(VECTOR_ELT(l, 0), i, STRING_ELT(paths, (R_xlen_t)f->index));
        INTEGER(VECTOR_ELT(l, 1))[i] = f->status;
        SET_STRING_ELT(VECTOR_ELT(l, 2), i, Rf_mkCharCE(f->message, CE_UTF8));
        SET_STRING_ELT(VECTOR_ELT(l, 3), i, Rf_mkChar(pa_format_name(f->sum.format)));
        SET_STRING_ELT(VECTOR_ELT(l, 4), i, Rf_mkChar(f->id));
        INTEGER(VECTOR_ELT(l, 5))[i] = (int)f->sum.models;
        INTEGER(VECTOR_ELT(l, 6))[i] = (int)f->sum.chains;
        INTEGER(VECTOR_ELT(l, 7))[i] = (int)f->sum.residues;
        INTEGER(VECTOR_ELT(l, 8))[i] = (int)f->sum.atoms;
        LOGICAL(VECTOR_ELT(l, 9))[i] = f->cached;
    }
    UNPROTECT(1);
    return l;
}

static SEXP chain_columns(const collect *c, SEXP paths)
{
    static const char *const names[] = {"path", "model", "chain", "polymer_type", "sequence",
                                        "seqres", "ss3", "ss8_observed", "ss3_observed", "q3"};
    static const SEXPTYPE types[] = {STRSXP, INTSXP, STRSXP, STRSXP, STRSXP,
                                     STRSXP, STRSXP, STRSXP, STRSXP, REALSXP};
    SEXP l = PROTECT(rpa_columns(names, types, c->dssp ? 10 : 7, (R_xlen_t)c->nchains));
    for (size_t i = 0; i < c->nchains; i++) {
        const chain_row *r = &c->chains[i];
        SET_STRING_ELT(VECTOR_ELT(l, 0), i, STRING_ELT(paths, (R_xlen_t)r->file));
        INTEGER(VECTOR_ELT(l, 1))[i] = r->model;
        SET_STRING_ELT(VECTOR_ELT(l, 2), i, Rf_mkChar(r->chain));
        SET_STRING_ELT(VECTOR_ELT(l, 3), i, Rf_mkChar(pa_polymer_type_name(r->type)));
        SET_STRING_ELT(VECTOR_ELT(l, 4), i, Rf_mkChar(r->sequence));
        SET_STRING_ELT(VECTOR_ELT(l, 5), i, Rf_mkChar(r->seqres));
        SET_STRING_ELT(VECTOR_ELT(l, 6), i, r->ss3 ? Rf_mkChar(r->ss3) : NA_STRING);
        if (!c->dssp)
            continue;
        SET_STRING_ELT(VECTOR_ELT(l, 7), i, r->ss8_obs ? Rf_mkChar(r->ss8_obs) : NA_STRING);
        SET_STRING_ELT(VECTOR_ELT(l, 8), i, r->ss3_obs ? Rf_mkChar(r->ss3_obs) : NA_STRING);
        REAL(VECTOR_ELT(l, 9))[i] = r->q3;
    }
    UNPROTECT(1);
    return l;
}

/* list(files = columns, chains = columns); files in input order. predict_ss: the
 * chains' ss3 column (NA for chains without a prediction), in `precision`; dssp: the
 * observed-structure columns. */
SEXP rpa_run_pipeline(SEXP paths, SEXP threads, SEXP chunk, SEXP cache_dir, SEXP predict_ss,
                      SEXP dssp, SEXP precision)
{
    RPA_REQUIRE(pa_pipeline_run);
    if (!Rf_isString(paths))
        Rf_errorcall(R_NilValue, "paths must be a character vector");
    size_t n = (size_t)XLENGTH(paths);
    const char **p = (const char **)R_alloc(n + 1, sizeof *p);
    for (size_t i = 0; i < n; i++) {
        if (STRING_ELT(paths, i) == NA_STRING)
            Rf_errorcall(R_NilValue, "paths must not contain NA");
        p[i] = R_ExpandFileName(CHAR(STRING_ELT(paths, i)));
        p[i] = strcpy(R_alloc(strlen(p[i]) + 1, 1), p[i]); /* R_ExpandFileName reuses a buffer */
    }
    pa_pipeline_opts o = PA_PIPELINE_OPTS_INIT;
    o.threads = rpa_int(threads, 1);
    o.chunk = (size_t)rpa_int(chunk, 1);
    o.ordered = 1;
    o.cache_dir = rpa_str(cache_dir, NULL);
    o.predict_ss = Rf_asLogical(predict_ss) == TRUE;
    if (o.predict_ss)
        RPA_REQUIRE(pa_result_chain_ss);
    o.ss_precision = rpa_precision(precision);

    o.dssp = Rf_asLogical(dssp) == TRUE;
    if (o.dssp)
        RPA_REQUIRE(pa_result_chain_dssp);
    collect *c = calloc(1, sizeof *c);
    if (!c)
        Rf_errorcall(R_NilValue, "out of memory");
    c->dssp = o.dssp;
    SEXP g = PROTECT(rpa_guard(free_collect, c, 0));
    int rc = pa_pipeline_run(NULL, p, n, &o, on_result, c, NULL);
    if (c->oom)
        Rf_errorcall(R_NilValue, "run_pipeline: out of memory");
    if (rc < 0)
        rpa_fail(rc, "run_pipeline");
    SEXP out = PROTECT(Rf_allocVector(VECSXP, 2));
    SET_VECTOR_ELT(out, 0, file_columns(c, paths));
    SET_VECTOR_ELT(out, 1, chain_columns(c, paths));
    SEXP nm = PROTECT(Rf_allocVector(STRSXP, 2));
    SET_STRING_ELT(nm, 0, Rf_mkChar("files"));
    SET_STRING_ELT(nm, 1, Rf_mkChar("chains"));
    Rf_setAttrib(out, R_NamesSymbol, nm);
    rpa_release(g);
    UNPROTECT(3);
    return out;
}
