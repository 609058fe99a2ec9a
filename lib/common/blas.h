/* blas.h — OpenBLAS through dlopen, loaded at first model use (never installed).
 *
 * Most processes never run a model (dssp, seq, align), and linking OpenBLAS costs every
 * one of them ~1.6 ms of start-up (the library, libgfortran, libquadmath and OpenBLAS's
 * own constructor, which starts its thread pool). Files include this header instead of
 * <cblas.h>: it keeps cblas.h's types and constants and renames the three entry points
 * the library uses to the wrappers below, so call sites read as plain CBLAS. */
#ifndef PAI_BLAS_H
#define PAI_BLAS_H

#include <cblas.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Load OpenBLAS once (thread-safe) and switch it to one thread: parallelism comes from the
 * caller or the executor. Returns 0, or PA_EUNSUPPORTED with a message naming the library
 * when it cannot be loaded. The library is $PA_OPENBLAS if set, else the soname found at
 * build time (libopenblas.so.0). */
int pai_blas_load(void);
/* 1 once loaded, 0 before (or after a failed load). */
int pai_blas_loaded(void);
/* openblas_set_num_threads if OpenBLAS is loaded; a no-op before, so that nothing but a
 * model forces the load. */
void pai_blas_set_threads(int n);

/* cblas_sgemm / cblas_dgemm. They load OpenBLAS if nobody did; should that fail (callers
 * that went through pa_model_load already know it did not), a plain loop computes the same
 * product so that the library never crashes. */
void pai_cblas_sgemm(enum CBLAS_ORDER order, enum CBLAS_TRANSPOSE ta, enum CBLAS_TRANSPOSE tb,
                     blasint M, blasint N, blasint K, float alpha, const float *A, blasint lda,
                     const float *B, blasint ldb, float beta, float *C, blasint ldc);
void pai_cblas_dgemm(enum CBLAS_ORDER order, enum CBLAS_TRANSPOSE ta, enum CBLAS_TRANSPOSE tb,
                     blasint M, blasint N, blasint K, double alpha, const double *A,
                     blasint lda, const double *B, blasint ldb, double beta, double *C,
                     blasint ldc);

#ifndef PAI_BLAS_IMPL
#define cblas_sgemm pai_cblas_sgemm
#define cblas_dgemm pai_cblas_dgemm
#define openblas_set_num_threads pai_blas_set_threads
#endif

#ifdef __cplusplus
}
#endif

#endif
