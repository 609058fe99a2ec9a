/* util.c — errors, external pointers and argument helpers for the R binding. */
#include "rpa.h"

#include <stdlib.h>
#include <string.h>

void rpa_fail(int rc, const char *what)
{
    char msg[1024];
    const char *m = pa_last_error();
    snprintf(msg, sizeof msg, "%s: %s", what, (m && *m) ? m : pa_strerror(rc));
    Rf_errorcall(R_NilValue, "%s", msg);
}

SEXP rpa_wrap(void *p, const char *tag, R_CFinalizer_t fin)
{
    SEXP t = PROTECT(Rf_install(tag));
    SEXP x = PROTECT(R_MakeExternalPtr(p, t, R_NilValue));
    R_RegisterCFinalizerEx(x, fin, TRUE);
    UNPROTECT(2);
    return x;
}

void *rpa_unwrap(SEXP x, const char *tag)
{
    if (TYPEOF(x) != EXTPTRSXP || R_ExternalPtrTag(x) != Rf_install(tag))
        Rf_errorcall(R_NilValue, "expected a %s handle", tag);
    void *p = R_ExternalPtrAddr(x);
    if (!p)
        Rf_errorcall(R_NilValue, "the %s handle was freed", tag);
    return p;
}

int rpa_int(SEXP x, int dflt)
{
    if (Rf_length(x) < 1)
        return dflt;
    int v = Rf_asInteger(x);
    return v == NA_INTEGER ? dflt : v;
}

double rpa_num(SEXP x, double dflt)
{
    if (Rf_length(x) < 1)
        return dflt;
    double v = Rf_asReal(x);
    return ISNAN(v) ? dflt : v;
}

const char *rpa_str(SEXP x, const char *dflt)
{
    if (!Rf_isString(x) || Rf_length(x) < 1 || STRING_ELT(x, 0) == NA_STRING)
        return dflt;
    return CHAR(STRING_ELT(x, 0));
}

SEXP rpa_fixed(const char *s, size_t n)
{
    size_t len = 0;
    while (len < n && s[len])
        len++;
    return Rf_mkCharLenCE(s, (int)len, CE_UTF8);
}

SEXP rpa_version(void)
{
    return Rf_mkString(pa_version());
}

typedef struct {
    rpa_free_fn fn;
    void *p;
    size_t n;
} guard;

static void guard_fin(SEXP x)
{
    guard *g = R_ExternalPtrAddr(x);
    if (g) {
        g->fn(g->p, g->n);
        free(g);
        R_ClearExternalPtr(x);
    }
}

SEXP rpa_guard(rpa_free_fn fn, void *p, size_t n)
{
    guard *g = malloc(sizeof *g);
    if (!g) {
        fn(p, n);
        Rf_errorcall(R_NilValue, "out of memory");
    }
    g->fn = fn, g->p = p, g->n = n;
    SEXP x = PROTECT(R_MakeExternalPtr(g, R_NilValue, R_NilValue));
    R_RegisterCFinalizerEx(x, guard_fin, TRUE);
    UNPROTECT(1);
    return x;
}

void rpa_release(SEXP x)
{
    guard_fin(x);
}

#pragma weak pa_executor_new
int rpa_executor(int threads, pa_executor **out)
{
    *out = NULL;
    if (threads <= 1 || !pa_executor_new)
        return 0;
    pa_executor_opts o = PA_EXECUTOR_OPTS_INIT;
    o.threads = threads;
    return pa_executor_new(out, &o);
}

#pragma weak pa_executor_free
void rpa_executor_free(pa_executor *ex)
{
    if (ex)
        pa_executor_free(ex);
}

/* A named list of n freshly allocated columns of the given types and length. */
SEXP rpa_columns(const char *const *names, const SEXPTYPE *types, int n, R_xlen_t len)
{
    SEXP l = PROTECT(Rf_allocVector(VECSXP, n));
    SEXP nm = PROTECT(Rf_allocVector(STRSXP, n));
    for (int i = 0; i < n; i++) {
        SET_STRING_ELT(nm, i, Rf_mkChar(names[i]));
        SET_VECTOR_ELT(l, i, Rf_allocVector(types[i], len));
    }
    Rf_setAttrib(l, R_NamesSymbol, nm);
    UNPROTECT(2);
    return l;
}
