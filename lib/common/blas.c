/* blas.c — dlopen OpenBLAS at first use (see blas.h for why). */
#define PAI_BLAS_IMPL
#include "common/blas.h"

#include "common/dl.h"
#include "common/pai.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdatomic.h>

#ifndef PA_OPENBLAS_SONAME
#define PA_OPENBLAS_SONAME "libopenblas.so.0"
#endif

typedef void sgemm_fn(enum CBLAS_ORDER, enum CBLAS_TRANSPOSE, enum CBLAS_TRANSPOSE, blasint,
                      blasint, blasint, float, const float *, blasint, const float *, blasint,
                      float, float *, blasint);
typedef void dgemm_fn(enum CBLAS_ORDER, enum CBLAS_TRANSPOSE, enum CBLAS_TRANSPOSE, blasint,
                      blasint, blasint, double, const double *, blasint, const double *,
                      blasint, double, double *, blasint);
typedef void threads_fn(int);

/* Written once under pthread_once, read-only afterwards. */
static struct {
    sgemm_fn *sgemm;
    dgemm_fn *dgemm;
    threads_fn *set_threads;
    char err[512];
} blas;
static pthread_once_t blas_once = PTHREAD_ONCE_INIT;
static atomic_int blas_ok;

static int sym(void *h, const char *name, void *slot, size_t size)
{
    return pai_dl_sym(h, name, slot, size, "OpenBLAS", blas.err, sizeof blas.err);
}

static void load_once(void)
{
    void *h = pai_dl_open("PA_OPENBLAS", PA_OPENBLAS_SONAME, "OpenBLAS", "models need",
                          blas.err, sizeof blas.err);
    if (!h)
        return;
    if (sym(h, "cblas_sgemm", &blas.sgemm, sizeof blas.sgemm) ||
        sym(h, "cblas_dgemm", &blas.dgemm, sizeof blas.dgemm) ||
        sym(h, "openblas_set_num_threads", &blas.set_threads, sizeof blas.set_threads)) {
        dlclose(h);
        return;
    }
    blas.set_threads(1);
    atomic_store_explicit(&blas_ok, 1, memory_order_release);
}

int pai_blas_load(void)
{
    pthread_once(&blas_once, load_once);
    if (atomic_load_explicit(&blas_ok, memory_order_acquire))
        return 0;
    return pai_error(PA_EUNSUPPORTED, "%s", blas.err);
}

int pai_blas_loaded(void) { return atomic_load_explicit(&blas_ok, memory_order_acquire); }

void pai_blas_set_threads(int n)
{
    if (pai_blas_loaded())
        blas.set_threads(n);
}

/* The fallback: C = alpha op(A) op(B) + beta C, row- or column-major. Column-major is
 * row-major of the transposed product, so it swaps the operands. */
#define REF_GEMM(name, T)                                                                  \
    static void name(int colmajor, int ta, int tb, blasint M, blasint N, blasint K,       \
                     T alpha, const T *A, blasint lda, const T *B, blasint ldb, T beta,    \
                     T *C, blasint ldc)                                                    \
    {                                                                                      \
        if (colmajor) {                                                                    \
            name(0, tb, ta, N, M, K, alpha, B, ldb, A, lda, beta, C, ldc);                 \
            return;                                                                        \
        }                                                                                  \
        for (blasint i = 0; i < M; i++)                                                    \
            for (blasint j = 0; j < N; j++) {                                              \
                T s = 0;                                                                   \
                for (blasint k = 0; k < K; k++)                                            \
                    s += (ta ? A[k * lda + i] : A[i * lda + k]) *                          \
                         (tb ? B[j * ldb + k] : B[k * ldb + j]);                           \
                C[i * ldc + j] = alpha * s + (beta == 0 ? 0 : beta * C[i * ldc + j]);      \
            }                                                                              \
    }
REF_GEMM(ref_sgemm, float)
REF_GEMM(ref_dgemm, double)

/* pai_cblas_[sd]gemm: OpenBLAS once it is loaded, else the reference loop. */
#define GEMM_WRAPPER(name, slot, ref, T)                                                       \
    void name(enum CBLAS_ORDER order, enum CBLAS_TRANSPOSE ta, enum CBLAS_TRANSPOSE tb,        \
              blasint M, blasint N, blasint K, T alpha, const T *A, blasint lda, const T *B,   \
              blasint ldb, T beta, T *C, blasint ldc)                                          \
    {                                                                                          \
        pthread_once(&blas_once, load_once);                                                   \
        if (PAI_LIKELY(pai_blas_loaded()))                                                     \
            blas.slot(order, ta, tb, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);            \
        else                                                                                   \
            ref(order == CblasColMajor, ta != CblasNoTrans, tb != CblasNoTrans, M, N, K,       \
                alpha, A, lda, B, ldb, beta, C, ldc);                                          \
    }
GEMM_WRAPPER(pai_cblas_sgemm, sgemm, ref_sgemm, float)
GEMM_WRAPPER(pai_cblas_dgemm, dgemm, ref_dgemm, double)
