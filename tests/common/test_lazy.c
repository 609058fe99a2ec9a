/* OpenBLAS is dlopened at the first model and libxml2 at the first PDBML file, never
 * before; a missing library is a clean error at that point, and the GEMM wrappers still
 * compute (fallback loop). Run twice: as is, and with PA_OPENBLAS and PA_LIBXML2 naming
 * libraries that do not exist. */
#include "common/blas.h"
#include "common/pai.h"
#include "structure/xml_lazy.h"
#include "panalyzer.h"
#include "testutil.h"

static int missing(void) { return getenv("PA_OPENBLAS") != NULL; }

/* Element (i, j) of op(X) for a row- or column-major X with leading dimension ld. */
static double at(const double *X, int ld, int colmajor, int trans, int i, int j)
{
    int r = trans ? j : i, c = trans ? i : j;
    return colmajor ? X[c * ld + r] : X[r * ld + c];
}

START_TEST(test_not_loaded_before_a_model)
{
    ck_assert_int_eq(pai_blas_loaded(), 0);
    pai_blas_set_threads(1); /* a no-op, not a load */
    pa_executor *ex = NULL;
    ck_assert_int_eq(pa_executor_new(&ex, NULL), 0);
    pa_executor_free(ex);
    ck_assert_int_eq(pai_blas_loaded(), 0);
}
END_TEST

/* Every order / transpose combination of a 3x2 = op(A) 3x4 * op(B) 4x2 product, in float
 * and double, against the definition; beta = 0 must ignore the NaN already in C. */
START_TEST(test_gemm_every_layout)
{
    enum { M = 3, N = 2, K = 4 };
    double Ad[16], Bd[16];
    float Af[16], Bf[16];
    for (int i = 0; i < 16; i++) {
        Ad[i] = Af[i] = (float)(i % 7) - 2.5f;
        Bd[i] = Bf[i] = (float)(i % 5) * 0.5f - 1.0f;
    }
    for (int cm = 0; cm < 2; cm++)
        for (int ta = 0; ta < 2; ta++)
            for (int tb = 0; tb < 2; tb++) {
                /* leading dimensions of the stored (untransposed-or-not) matrices */
                int lda = (cm ? (ta ? K : M) : (ta ? M : K)), ldb = (cm ? (tb ? N : K) : (tb ? K : N));
                int ldc = cm ? M : N;
                float Cf[M * N];
                double Cd[M * N];
                for (int i = 0; i < M * N; i++)
                    Cf[i] = Cd[i] = (float)NAN;
                enum CBLAS_ORDER o = cm ? CblasColMajor : CblasRowMajor;
                enum CBLAS_TRANSPOSE a = ta ? CblasTrans : CblasNoTrans,
                                     b = tb ? CblasTrans : CblasNoTrans;
                cblas_sgemm(o, a, b, M, N, K, 2.0f, Af, lda, Bf, ldb, 0.0f, Cf, ldc);
                cblas_dgemm(o, a, b, M, N, K, 2.0, Ad, lda, Bd, ldb, 0.0, Cd, ldc);
                for (int i = 0; i < M; i++)
                    for (int j = 0; j < N; j++) {
                        double s = 0;
                        for (int k = 0; k < K; k++)
                            s += at(Ad, lda, cm, ta, i, k) * at(Bd, ldb, cm, tb, k, j);
                        int c = cm ? j * ldc + i : i * ldc + j;
                        ck_assert_double_eq_tol(Cf[c], 2 * s, 1e-4);
                        ck_assert_double_eq_tol(Cd[c], 2 * s, 1e-12);
                    }
            }
    ck_assert_int_eq(pai_blas_loaded(), !missing());
}
END_TEST

START_TEST(test_model_load_reports_missing_blas)
{
    pa_model *m = NULL;
    int rc = pa_model_load_default(&m);
    if (missing()) {
        ck_assert_int_eq(rc, PA_EUNSUPPORTED);
        ck_assert_ptr_null(m);
        ck_assert_ptr_nonnull(strstr(pa_last_error(), "OpenBLAS"));
        ck_assert_ptr_nonnull(strstr(pa_last_error(), getenv("PA_OPENBLAS")));
    } else {
        ck_assert_int_eq(rc, 0);
        ck_assert_int_eq(pai_blas_loaded(), 1);
    }
    pa_model_free(m);
}
END_TEST

START_TEST(test_pdbml_reports_missing_libxml2)
{
    char path[4096];
    pa_structure *st = NULL;
    pa_diags *d = NULL;
    ck_assert_int_eq(pa_diags_new(&d), 0);
    int rc = pa_structure_read(pa_test_data("pdbml/1CBN_small.xml", path, sizeof path), NULL,
                               &st, d);
    if (missing()) {
        ck_assert_int_eq(rc, PA_EUNSUPPORTED);
        ck_assert_ptr_null(st);
        ck_assert_ptr_nonnull(strstr(pa_last_error(), "libxml2"));
        ck_assert_ptr_nonnull(strstr(pa_last_error(), getenv("PA_LIBXML2")));
        /* the next file is read the same way: one missing library never crashes a batch */
        ck_assert_int_eq(pa_structure_read(path, NULL, &st, d), PA_EUNSUPPORTED);
    } else {
        ck_assert_int_eq(rc, 0);
        ck_assert_ptr_nonnull(st);
    }
    pa_structure_free(st);
    pa_diags_free(d);
}
END_TEST

int main(void)
{
    return pa_run_tests("lazy", "core",
                        (const TTest *const[]){test_not_loaded_before_a_model,
                                                test_gemm_every_layout,
                                                test_model_load_reports_missing_blas,
                                                test_pdbml_reports_missing_libxml2, NULL});
}
