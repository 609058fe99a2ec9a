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
#pragma weak pa_align_last_kernel
#pragma weak pa_hits_free
#pragma weak pa_matrix_builtin
#pragma weak pa_matrix_load
#pragma weak pa_matrix_free
#pragma weak pa_predict_ss
#pragma weak pa_ss_result_free
#pragma weak pa_precision_parse
#pragma weak pa_model_load_default_opts
#pragma weak pa_model_free

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

/* pa_align_opts of align()'s arguments; names were checked by the R wrapper, so only
 * out-of-range codes (a direct .Call) are rejected here. */
static pa_align_opts align_opts(SEXP mode, SEXP gap_open, SEXP gap_extend, SEXP gap_model,
                                SEXP free_ends, SEXP isa, SEXP traceback)
{
    pa_align_opts o = PA_ALIGN_OPTS_INIT;
    o.mode = parse_mode(rpa_str(mode, "local"));
    o.gap_open = rpa_int(gap_open, 11);
    o.gap_extend = rpa_int(gap_extend, 1);
    int gm = rpa_int(gap_model, PA_GAP_PARASAIL), fe = rpa_int(free_ends, PA_FREE_ALL);
    int is = rpa_int(isa, PA_ISA_AUTO);
    if (gm < PA_GAP_PARASAIL || gm > PA_GAP_BLAST || fe < 0 || fe > PA_FREE_ALL ||
        is < PA_ISA_AUTO || is > PA_ISA_AVX512)
        Rf_errorcall(R_NilValue, "align: gap_model, free_ends or isa out of range");
    o.gap_model = (pa_gap_model)gm;
    o.free_ends = (unsigned)fe;
    o.isa = (pa_isa)is;
    o.traceback = rpa_int(traceback, 1) != 0;
    return o;
}

static pa_batch_opts batch_opts(SEXP top_k, SEXP chunk, SEXP kernel)
{
    pa_batch_opts bo = PA_BATCH_OPTS_INIT;
    int k = rpa_int(top_k, 0), c = rpa_int(chunk, 0), kn = rpa_int(kernel, PA_KERNEL_AUTO);
    if (k < 0 || c < 0 || kn < PA_KERNEL_AUTO || kn > PA_KERNEL_STRIPED)
        Rf_errorcall(R_NilValue, "align: top_k, chunk or kernel out of range");
    bo.top_k = (size_t)k;
    bo.chunk = (size_t)c;
    bo.kernel = (pa_align_kernel)kn;
    return bo;
}

/* One data frame row of hit h (R convention: 1-based, inclusive ranges). Unknown starts
 * (no traceback) and the columns only a traceback fills are NA; so are all four
 * coordinates when nothing aligns. */
static void hit_row(SEXP l, size_t i, const pa_hit *h, int traceback)
{
    const pa_alignment *a = &h->aln;
    int known = a->qstart >= 0, empty = known ? a->qend <= a->qstart : a->qend <= 0;
    INTEGER(VECTOR_ELT(l, 0))[i] = (int)h->target + 1;
    REAL(VECTOR_ELT(l, 1))[i] = (double)a->score;
    INTEGER(VECTOR_ELT(l, 2))[i] = empty || !known ? NA_INTEGER : (int)a->qstart + 1;
    INTEGER(VECTOR_ELT(l, 3))[i] = empty ? NA_INTEGER : (int)a->qend;
    INTEGER(VECTOR_ELT(l, 4))[i] = empty || !known ? NA_INTEGER : (int)a->tstart + 1;
    INTEGER(VECTOR_ELT(l, 5))[i] = empty ? NA_INTEGER : (int)a->tend;
    SET_STRING_ELT(VECTOR_ELT(l, 6), i, a->cigar ? Rf_mkChar(a->cigar) : NA_STRING);
    REAL(VECTOR_ELT(l, 7))[i] = traceback ? a->identity : NA_REAL;
    REAL(VECTOR_ELT(l, 8))[i] = traceback ? a->similarity : NA_REAL;
    INTEGER(VECTOR_ELT(l, 9))[i] = (int)h->query + 1;
}

/* Which kernel the last batch of this thread ran and why ("" when the library cannot say). */
static SEXP last_kernel(void)
{
    return Rf_mkString((void *)pa_align_last_kernel ? pa_align_last_kernel() : "");
}

/* Every query against every target: list of columns (query last) with attribute "kernel"
 * (pa_align_last_kernel() of this call). */
SEXP rpa_align(SEXP query, SEXP targets, SEXP mode, SEXP matrix, SEXP gap_open, SEXP gap_extend,
               SEXP top_k, SEXP threads, SEXP gap_model, SEXP free_ends, SEXP isa, SEXP kernel,
               SEXP traceback, SEXP chunk)
{
    RPA_REQUIRE(pa_align_many);
    if (!Rf_isString(query) || !Rf_isString(targets))
        Rf_errorcall(R_NilValue, "queries and targets must be character vectors");
    size_t *ql, *tl;
    const char **q = seq_array(query, &ql), **t = seq_array(targets, &tl);
    pa_align_opts o = align_opts(mode, gap_open, gap_extend, gap_model, free_ends, isa, traceback);
    pa_batch_opts bo = batch_opts(top_k, chunk, kernel);

    pa_matrix *m = NULL;
    const char *mname = rpa_str(matrix, "BLOSUM62");
    int mrc = pa_matrix_builtin(&m, mname);
    if (mrc == PA_ENOTFOUND && (void *)pa_matrix_load) /* not a built-in name: a file? */
        mrc = pa_matrix_load(&m, mname);
    RPA_CHECK(mrc, "align");
    o.matrix = m;
    pa_executor *ex;
    pa_hit *hits = NULL;
    size_t nh = 0;
    int rc = rpa_executor(rpa_int(threads, 1), &ex);
    if (rc == 0)
        rc = pa_align_many(ex, q, ql, (size_t)XLENGTH(query), t, tl, (size_t)XLENGTH(targets),
                           &o, &bo, &hits, &nh);
    rpa_executor_free(ex);
    pa_matrix_free(m);
    if (rc < 0)
        rpa_fail(rc, "align");
    SEXP g = PROTECT(rpa_guard(free_hits, hits, nh));
    static const char *const names[] = {"target", "score", "qstart", "qend", "tstart", "tend",
                                        "cigar", "identity", "similarity", "query"};
    static const SEXPTYPE types[] = {INTSXP, REALSXP, INTSXP, INTSXP, INTSXP, INTSXP, STRSXP,
                                     REALSXP, REALSXP, INTSXP};
    SEXP l = PROTECT(rpa_columns(names, types, 10, (R_xlen_t)nh));
    for (size_t i = 0; i < nh; i++)
        hit_row(l, i, &hits[i], o.traceback);
    Rf_setAttrib(l, Rf_install("kernel"), PROTECT(last_kernel()));
    rpa_release(g);
    UNPROTECT(3);
    return l;
}

SEXP rpa_align_last_kernel(void)
{
    RPA_REQUIRE(pa_align_last_kernel);
    return last_kernel();
}

static void free_ss(void *p, size_t n) { (void)n; pa_ss_result_free(p); }

/* pa_precision of an R string ("fp32", "bf16", "int8"); an R error otherwise. */
int rpa_precision(SEXP precision)
{
    const char *name = rpa_str(precision, "fp32");
    int p = 0;
    if (strcmp(name, "fp32")) {
        RPA_REQUIRE(pa_precision_parse);
        RPA_CHECK(pa_precision_parse(name, &p), "precision");
    }
    return p;
}

/* The strings and (probs) L x w matrices of one head. */
static SEXP head_sexp(const pa_ss_result *r, const char *const *str, const float *const *prob,
                      int w, int probs)
{
    SEXP ss = PROTECT(Rf_allocVector(STRSXP, (R_xlen_t)r->n));
    SEXP pr = PROTECT(probs ? Rf_allocVector(VECSXP, (R_xlen_t)r->n) : R_NilValue);
    for (size_t i = 0; i < r->n; i++) {
        SET_STRING_ELT(ss, i, Rf_mkCharLen(str[i], (int)r->len[i]));
        if (!probs)
            continue;
        SEXP m = Rf_allocMatrix(REALSXP, (int)r->len[i], w);
        SET_VECTOR_ELT(pr, i, m);
        for (size_t j = 0; j < r->len[i]; j++)
            for (int k = 0; k < w; k++)
                REAL(m)[j + (size_t)k * r->len[i]] = prob[i][(size_t)w * j + (size_t)k];
    }
    SEXP out = PROTECT(Rf_allocVector(VECSXP, 2));
    SET_VECTOR_ELT(out, 0, ss);
    SET_VECTOR_ELT(out, 1, pr);
    UNPROTECT(3);
    return out;
}

/* list(ss = character, prob = list of L x 3 matrices or NULL, ss8 = character or NULL,
 * prob8 = list of L x 8 matrices or NULL). precision other than fp32 loads the built-in
 * model in that precision for this call. */
SEXP rpa_predict_ss(SEXP seqs, SEXP threads, SEXP probs, SEXP precision, SEXP ss8)
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
    o.ss8 = rpa_int(ss8, 0);
    pa_model_opts mo = PA_MODEL_OPTS_INIT;
    mo.precision = rpa_precision(precision);
    pa_model *m = NULL;
    if (mo.precision) {
        RPA_REQUIRE(pa_model_load_default_opts);
        RPA_CHECK(pa_model_load_default_opts(&m, &mo), "predict_ss");
    }
    pa_executor *ex;
    pa_ss_result *r = NULL;
    int rc = rpa_executor(rpa_int(threads, 1), &ex);
    o.executor = ex;
    if (rc == 0)
        rc = pa_predict_ss(m, p, n, &o, &r);
    rpa_executor_free(ex);
    if (m)
        pa_model_free(m);
    if (rc < 0)
        rpa_fail(rc, "predict_ss");
    SEXP g = PROTECT(rpa_guard(free_ss, r, 0));
    SEXP h3 = PROTECT(head_sexp(r, r->ss3, r->prob, 3, o.probs));
    SEXP h8 = PROTECT(o.ss8 ? head_sexp(r, r->ss8, r->prob8, 8, o.probs) : R_NilValue);
    SEXP out = PROTECT(Rf_allocVector(VECSXP, 4));
    SET_VECTOR_ELT(out, 0, VECTOR_ELT(h3, 0));
    SET_VECTOR_ELT(out, 1, VECTOR_ELT(h3, 1));
    SET_VECTOR_ELT(out, 2, o.ss8 ? VECTOR_ELT(h8, 0) : R_NilValue);
    SET_VECTOR_ELT(out, 3, o.ss8 ? VECTOR_ELT(h8, 1) : R_NilValue);
    rpa_release(g);
    UNPROTECT(4);
    return out;
}
