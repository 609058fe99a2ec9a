/* analysis.c — sequences(), align(), predict_ss(). C results are held by guards
 * (external pointers with finalizers) while R vectors are allocated, and
 * executors are freed before any R allocation, so errors never leak. */
#include "rpa.h"

#include <string.h>

#pragma weak pa_sequence_extract
#pragma weak pa_seqset_count
#pragma weak pa_seqset_get
#pragma weak pa_seqset_free
#pragma weak pa_polymer_type_name
#pragma weak pa_align_many
#pragma weak pa_hits_free
#pragma weak pa_matrix_builtin
#pragma weak pa_matrix_free
#pragma weak pa_predict_ss
#pragma weak pa_ss_result_free

static void free_seqset(void *p, size_t n) { (void)n; pa_seqset_free(p); }

SEXP rpa_sequences(SEXP ptr, SEXP all_models)
{
    RPA_REQUIRE(pa_sequence_extract);
    const pa_structure *s = rpa_unwrap(ptr, "pa_structure");
    pa_seqset_opts o = PA_SEQSET_OPTS_INIT;
    o.all_models = rpa_int(all_models, 0);
    pa_seqset *set;
    RPA_CHECK(pa_sequence_extract(s, &o, &set), "pa_sequence_extract");
    SEXP g = PROTECT(rpa_guard(free_seqset, set, 0));
    size_t n = pa_seqset_count(set);
    static const char *const names[] = {"model", "chain", "polymer_type", "sequence", "seqres"};
    static const SEXPTYPE types[] = {INTSXP, STRSXP, STRSXP, STRSXP, STRSXP};
    SEXP l = PROTECT(rpa_columns(names, types, 5, (R_xlen_t)n));
    for (size_t i = 0; i < n; i++) {
        pa_chain_seq c;
        RPA_CHECK(pa_seqset_get(set, i, &c), "pa_seqset_get");
        INTEGER(VECTOR_ELT(l, 0))[i] = c.model;
        SET_STRING_ELT(VECTOR_ELT(l, 1), i, Rf_mkChar(c.auth_id));
        SET_STRING_ELT(VECTOR_ELT(l, 2), i, Rf_mkChar(pa_polymer_type_name(c.polymer_type)));
        SET_STRING_ELT(VECTOR_ELT(l, 3), i, Rf_mkChar(c.observed));
        SET_STRING_ELT(VECTOR_ELT(l, 4), i, Rf_mkChar(c.seqres));
    }
    rpa_release(g);
    UNPROTECT(2);
    return l;
}

static pa_align_mode parse_mode(const char *m)
{
    if (!strcmp(m, "local")) return PA_ALIGN_LOCAL;
    if (!strcmp(m, "global")) return PA_ALIGN_GLOBAL;
    if (!strcmp(m, "semi") || !strcmp(m, "semi-global")) return PA_ALIGN_SEMI;
    Rf_errorcall(R_NilValue, "unknown alignment mode '%s' (local, global, semi)", m);
}

static void free_hits(void *p, size_t n) { pa_hits_free(p, n); }

/* Sequences of a character vector as pointer/length arrays (R_alloc: freed by R). */
static const char **seq_array(SEXP v, size_t **lens)
{
    R_xlen_t n = XLENGTH(v);
    const char **p = (const char **)R_alloc((size_t)n + 1, sizeof *p);
    *lens = (size_t *)R_alloc((size_t)n + 1, sizeof **lens);
    for (R_xlen_t i = 0; i < n; i++) {
        SEXP e = STRING_ELT(v, i);
        if (e == NA_STRING || LENGTH(e) == 0)
            Rf_errorcall(R_NilValue, "sequences must be non-empty strings (element %ld)", (long)i + 1);
        p[i] = CHAR(e);
        (*lens)[i] = (size_t)LENGTH(e);
    }
    return p;
}

SEXP rpa_align(SEXP query, SEXP targets, SEXP mode, SEXP matrix, SEXP gap_open, SEXP gap_extend,
               SEXP top_k, SEXP threads)
{
    RPA_REQUIRE(pa_align_many);
    if (!Rf_isString(query) || XLENGTH(query) != 1 || !Rf_isString(targets))
        Rf_errorcall(R_NilValue, "query must be a string and targets a character vector");
    size_t *ql, *tl;
    const char **q = seq_array(query, &ql), **t = seq_array(targets, &tl);
    pa_align_opts o = PA_ALIGN_OPTS_INIT;
    o.mode = parse_mode(rpa_str(mode, "local"));
    o.gap_open = rpa_int(gap_open, 11);
    o.gap_extend = rpa_int(gap_extend, 1);
    o.traceback = 1;
    pa_batch_opts bo = PA_BATCH_OPTS_INIT;
    bo.top_k = (size_t)rpa_int(top_k, 0);

    pa_matrix *m = NULL;
    RPA_CHECK(pa_matrix_builtin(&m, rpa_str(matrix, "BLOSUM62")), "align");
    o.matrix = m;
    pa_executor *ex;
    pa_hit *hits = NULL;
    size_t nh = 0;
    int rc = rpa_executor(rpa_int(threads, 1), &ex);
    if (rc == 0)
        rc = pa_align_many(ex, q, ql, 1, t, tl, (size_t)XLENGTH(targets), &o, &bo, &hits, &nh);
    rpa_executor_free(ex);
    pa_matrix_free(m);
    if (rc < 0)
        rpa_fail(rc, "align");
    SEXP g = PROTECT(rpa_guard(free_hits, hits, nh));
    static const char *const names[] = {"target", "score", "qstart", "qend", "tstart", "tend",
                                        "cigar", "identity", "similarity"};
    static const SEXPTYPE types[] = {INTSXP, REALSXP, INTSXP, INTSXP, INTSXP, INTSXP, STRSXP,
                                     REALSXP, REALSXP};
    SEXP l = PROTECT(rpa_columns(names, types, 9, (R_xlen_t)nh));
    for (size_t i = 0; i < nh; i++) {
        const pa_alignment *a = &hits[i].aln;
        INTEGER(VECTOR_ELT(l, 0))[i] = (int)hits[i].target + 1;
        REAL(VECTOR_ELT(l, 1))[i] = (double)a->score;
        /* R convention: 1-based, inclusive ranges (NA when there is no aligned part) */
        int empty = a->qstart < 0 || a->qend <= a->qstart;
        INTEGER(VECTOR_ELT(l, 2))[i] = empty ? NA_INTEGER : (int)a->qstart + 1;
        INTEGER(VECTOR_ELT(l, 3))[i] = empty ? NA_INTEGER : (int)a->qend;
        INTEGER(VECTOR_ELT(l, 4))[i] = empty ? NA_INTEGER : (int)a->tstart + 1;
        INTEGER(VECTOR_ELT(l, 5))[i] = empty ? NA_INTEGER : (int)a->tend;
        SET_STRING_ELT(VECTOR_ELT(l, 6), i, a->cigar ? Rf_mkChar(a->cigar) : NA_STRING);
        REAL(VECTOR_ELT(l, 7))[i] = a->identity;
        REAL(VECTOR_ELT(l, 8))[i] = a->similarity;
    }
    rpa_release(g);
    UNPROTECT(2);
    return l;
}

static void free_ss(void *p, size_t n) { (void)n; pa_ss_result_free(p); }

/* list(ss = character, prob = list of L x 3 matrices or NULL) */
SEXP rpa_predict_ss(SEXP seqs, SEXP threads, SEXP probs)
{
    RPA_REQUIRE(pa_predict_ss);
    if (!Rf_isString(seqs))
        Rf_errorcall(R_NilValue, "seqs must be a character vector");
    size_t n = (size_t)XLENGTH(seqs);
    const char **p = (const char **)R_alloc(n + 1, sizeof *p);
    for (size_t i = 0; i < n; i++) {
        if (STRING_ELT(seqs, i) == NA_STRING)
            Rf_errorcall(R_NilValue, "seqs must not contain NA");
        p[i] = CHAR(STRING_ELT(seqs, i));
    }
    pa_ss_opts o = PA_SS_OPTS_INIT;
    o.probs = rpa_int(probs, 0);
    pa_executor *ex;
    pa_ss_result *r = NULL;
    int rc = rpa_executor(rpa_int(threads, 1), &ex);
    o.executor = ex;
    if (rc == 0)
        rc = pa_predict_ss(NULL, p, n, &o, &r);
    rpa_executor_free(ex);
    if (rc < 0)
        rpa_fail(rc, "predict_ss");
    SEXP g = PROTECT(rpa_guard(free_ss, r, 0));
    SEXP ss = PROTECT(Rf_allocVector(STRSXP, (R_xlen_t)r->n));
    SEXP pr = PROTECT(o.probs ? Rf_allocVector(VECSXP, (R_xlen_t)r->n) : R_NilValue);
    for (size_t i = 0; i < r->n; i++) {
        SET_STRING_ELT(ss, i, Rf_mkCharLen(r->ss3[i], (int)r->len[i]));
        if (!o.probs)
            continue;
        SEXP m = Rf_allocMatrix(REALSXP, (int)r->len[i], 3);
        SET_VECTOR_ELT(pr, i, m);
        for (size_t j = 0; j < r->len[i]; j++)
            for (int k = 0; k < 3; k++)
                REAL(m)[j + (size_t)k * r->len[i]] = r->prob[i][3 * j + k];
    }
    SEXP out = PROTECT(Rf_allocVector(VECSXP, 2));
    SET_VECTOR_ELT(out, 0, ss);
    SET_VECTOR_ELT(out, 1, pr);
    rpa_release(g);
    UNPROTECT(4);
    return out;
}
