/* rpa.h — shared helpers of the R binding (.Call entry points are rpa_*). */
#ifndef RPA_H
#define RPA_H

#define R_NO_REMAP
#include <R.h>
#include <Rinternals.h>

#include <panalyzer.h>

/* Raise an R error carrying the library's message for a failed call. Callers
 * release their C resources first (or hold them in external pointers whose
 * finalizers run on GC), since Rf_errorcall does not return. */
void rpa_fail(int rc, const char *what) __attribute__((noreturn));
#define RPA_CHECK(call, what)                 \
    do {                                      \
        int rpa_rc_ = (call);                 \
        if (rpa_rc_ < 0) rpa_fail(rpa_rc_, what); \
    } while (0)

/* External pointers with finalizers: the tag names the handle type. */
SEXP rpa_wrap(void *p, const char *tag, R_CFinalizer_t fin);
void *rpa_unwrap(SEXP x, const char *tag); /* errors on wrong type or freed handle */

/* Scalars from R arguments with defaults. */
int rpa_int(SEXP x, int dflt);
double rpa_num(SEXP x, double dflt);
const char *rpa_str(SEXP x, const char *dflt);

/* "name" padded to width n (NUL-terminated or full) as a CHARSXP. */
SEXP rpa_fixed(const char *s, size_t n);
/* Named list of n new columns (types[i], length len); returned unprotected. */
SEXP rpa_columns(const char *const *names, const SEXPTYPE *types, int n, R_xlen_t len);

/* Modules other than common/structure may be absent from the library being
 * built against while it grows; their entry points are weak references and
 * the R function raises a clear error instead of failing to load. */
#define RPA_REQUIRE(fn)                                                     \
    do {                                                                    \
        if ((void *)(fn) == NULL)                                           \
            Rf_errorcall(R_NilValue, "this libpanalyzer has no %s()", #fn); \
    } while (0)

/* Guard a C result while R allocates (allocation may longjmp): the returned
 * external pointer (PROTECT it) calls fn(p, n) when collected, or at once
 * through rpa_release(). */
typedef void (*rpa_free_fn)(void *p, size_t n);
SEXP rpa_guard(rpa_free_fn fn, void *p, size_t n);
void rpa_release(SEXP guard);

/* *out = an executor of `threads` threads, or NULL for threads <= 1 (run
 * serially). Returns 0 or the library's error code (never raises). */
int rpa_executor(int threads, pa_executor **out);
void rpa_executor_free(pa_executor *ex); /* NULL-safe */

SEXP rpa_version(void);
SEXP rpa_dssp(SEXP ptr, SEXP model, SEXP accessibility);
SEXP rpa_read_structure(SEXP path, SEXP format, SEXP altloc, SEXP first_model, SEXP skip_h,
                        SEXP strict);
SEXP rpa_structure_tables(SEXP ptr);
SEXP rpa_sequences(SEXP ptr, SEXP all_models);
SEXP rpa_align(SEXP query, SEXP targets, SEXP mode, SEXP matrix, SEXP gap_open, SEXP gap_extend,
               SEXP top_k, SEXP threads, SEXP gap_model, SEXP free_ends, SEXP isa, SEXP kernel,
               SEXP traceback, SEXP chunk);
SEXP rpa_align_last_kernel(void); /* "" before the first batch of this thread */
SEXP rpa_predict_ss(SEXP seqs, SEXP threads, SEXP probs, SEXP precision, SEXP ss8);
SEXP rpa_run_pipeline(SEXP paths, SEXP threads, SEXP chunk, SEXP cache_dir, SEXP predict_ss,
                      SEXP dssp, SEXP precision);
/* pa_precision of "fp32", "bf16" or "int8" (an R error otherwise). */
int rpa_precision(SEXP precision);
SEXP rpa_map_references(SEXP qpath, SEXP qseqs, SEXP refpath, SEXP rseqs, SEXP evalue, SEXP top,
                        SEXP mincov, SEXP sens, SEXP threads, SEXP comp);

#endif
