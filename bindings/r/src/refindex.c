/* refindex.c — map_references(): queries searched against a reference index (a file,
 * or references indexed in memory). Library objects are freed before any R error and
 * the hits are guarded while the data frame is allocated. */
#include "rpa.h"

#include <stdio.h>

#pragma weak pa_refindex_search
#pragma weak pa_refindex_open
#pragma weak pa_refindex_is_index
#pragma weak pa_refindex_build
#pragma weak pa_refindex_build_fasta
#pragma weak pa_refindex_free
#pragma weak pa_refhits_count
#pragma weak pa_refhits_get
#pragma weak pa_refhits_free
#pragma weak pa_seqlist_new
#pragma weak pa_seqlist_add
#pragma weak pa_seqlist_free
#pragma weak pa_fasta_read

/* A FASTA file (path non-NULL) or named sequences into a new list; 0 or a PA_E code. */
static int make_list(const char *path, SEXP seqs, SEXP names, pa_seqlist **out)
{
    if (path)
        return pa_fasta_read(path, out);
    int rc = pa_seqlist_new(out);
    for (R_xlen_t i = 0; rc == 0 && i < XLENGTH(seqs); i++) {
        char id[32];
        const char *nm = id;
        snprintf(id, sizeof id, "%ld", (long)i + 1);
        if (names != R_NilValue && STRING_ELT(names, i) != NA_STRING && LENGTH(STRING_ELT(names, i)))
            nm = CHAR(STRING_ELT(names, i));
        rc = pa_seqlist_add(*out, nm, NULL, CHAR(STRING_ELT(seqs, i)));
    }
    return rc;
}

static int open_refs(const char *path, SEXP seqs, SEXP names, pa_refindex **ix)
{
    if (path)
        return pa_refindex_is_index(path) ? pa_refindex_open(ix, path)
                                          : pa_refindex_build_fasta(ix, path, NULL);
    pa_seqlist *l = NULL;
    int rc = make_list(NULL, seqs, names, &l);
    if (rc == 0)
        rc = pa_refindex_build(ix, l, NULL);
    pa_seqlist_free(l);
    return rc;
}

static void free_refhits(void *p, size_t n)
{
    (void)n;
    pa_refhits_free(p);
}

static SEXP hits_frame(const pa_refhits *h)
{
    static const char *const names[] = {"query", "target", "score", "bits", "evalue", "identity",
                                        "qcov", "tcov", "qstart", "qend", "tstart", "tend",
                                        "cigar"};
    static const SEXPTYPE types[] = {STRSXP, STRSXP, REALSXP, REALSXP, REALSXP, REALSXP,
                                     REALSXP, REALSXP, INTSXP, INTSXP, INTSXP, INTSXP, STRSXP};
    size_t n = pa_refhits_count(h);
    SEXP l = PROTECT(rpa_columns(names, types, 13, (R_xlen_t)n));
    for (size_t i = 0; i < n; i++) {
        pa_refhit x;
        pa_refhits_get(h, i, &x);
        SET_STRING_ELT(VECTOR_ELT(l, 0), i, Rf_mkChar(x.query_id));
        SET_STRING_ELT(VECTOR_ELT(l, 1), i, Rf_mkChar(x.target_id));
        double d[] = {(double)x.score, x.bits, x.evalue, x.identity, x.qcov, x.tcov};
        for (int k = 0; k < 6; k++)
            REAL(VECTOR_ELT(l, 2 + k))[i] = d[k];
        /* R convention: 1-based, inclusive */
        INTEGER(VECTOR_ELT(l, 8))[i] = (int)x.qstart + 1;
        INTEGER(VECTOR_ELT(l, 9))[i] = (int)x.qend;
        INTEGER(VECTOR_ELT(l, 10))[i] = (int)x.tstart + 1;
        INTEGER(VECTOR_ELT(l, 11))[i] = (int)x.tend;
        SET_STRING_ELT(VECTOR_ELT(l, 12), i, Rf_mkChar(x.cigar));
    }
    UNPROTECT(1);
    return l;
}

SEXP rpa_map_references(SEXP qpath, SEXP qseqs, SEXP refpath, SEXP rseqs, SEXP evalue, SEXP top,
                        SEXP mincov, SEXP sens, SEXP threads, SEXP comp)
{
    RPA_REQUIRE(pa_refindex_search);
    const char *qp = Rf_isString(qpath) ? CHAR(STRING_ELT(qpath, 0)) : NULL;
    const char *rp = Rf_isString(refpath) ? CHAR(STRING_ELT(refpath, 0)) : NULL;
    pa_search_opts o = PA_SEARCH_OPTS_INIT;
    o.max_evalue = rpa_num(evalue, 1e-3);
    o.top_k = (size_t)rpa_int(top, 10);
    o.min_coverage = rpa_num(mincov, 0);
    o.sensitivity = (pa_sensitivity)rpa_int(sens, PA_SENS_DEFAULT);
    o.comp_adjust = rpa_int(comp, 1);
    pa_seqlist *q = NULL;
    pa_refindex *ix = NULL;
    pa_refhits *h = NULL;
    pa_executor *ex = NULL;
    int rc = make_list(qp, qseqs, qp ? R_NilValue : Rf_getAttrib(qseqs, R_NamesSymbol), &q);
    if (rc == 0)
        rc = open_refs(rp, rseqs, rp ? R_NilValue : Rf_getAttrib(rseqs, R_NamesSymbol), &ix);
    if (rc == 0)
        rc = rpa_executor(rpa_int(threads, 1), &ex);
    o.executor = ex;
    o.threads = 1; /* without an executor: the calling thread's temporary one */
    if (rc == 0)
        rc = pa_refindex_search(ix, q, &o, &h);
    rpa_executor_free(ex);
    pa_refindex_free(ix);
    pa_seqlist_free(q);
    if (rc < 0)
        rpa_fail(rc, "map_references");
    SEXP g = PROTECT(rpa_guard(free_refhits, h, 0));
    SEXP l = PROTECT(hits_frame(h));
    rpa_release(g);
    UNPROTECT(2);
    return l;
}
