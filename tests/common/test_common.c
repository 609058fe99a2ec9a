/* test_common.c — error codes, last error, diagnostics lists, allocation hooks. */
#include "common/pai.h"
#include "testutil.h"

START_TEST(test_strerror_names_every_code)
{
    for (int c = PA_ETASK; c <= PA_END; c++)
        ck_assert_ptr_nonnull(pa_strerror(c));
    ck_assert_str_eq(pa_strerror(PA_ENOMEM), "out of memory");
    ck_assert_str_eq(pa_strerror(12345), "unknown error");
    ck_assert_str_eq(pa_version(), PA_VERSION_STRING);
}
END_TEST

START_TEST(test_last_error_is_set)
{
    pa_clear_error();
    ck_assert_str_eq(pa_last_error(), "");
    ck_assert_int_eq(pai_error(PA_EFORMAT, "x.cif:%d: bad", 12), PA_EFORMAT);
    ck_assert_str_eq(pa_last_error(), "x.cif:12: bad");
}
END_TEST

START_TEST(test_diags_add_and_format)
{
    pa_diags *d;
    ck_assert_int_eq(pa_diags_new(&d), 0);
    ck_assert_int_eq(pai_diag(d, PA_SEV_ERROR, PA_D_TRUNCATED, "a.pdb", 7, 3, "ends in %s", "ATOM"), 0);
    ck_assert_int_eq(pa_diags_count(d), 1);
    const pa_diag *g = pa_diags_get(d, 0);
    ck_assert_str_eq(g->file, "a.pdb");
    ck_assert_int_eq(g->line, 7);
    char buf[128];
    pa_diag_format(g, buf, sizeof buf);
    ck_assert_str_eq(buf, "a.pdb:7:3: error: [truncated] ends in ATOM");
    ck_assert_ptr_null(pa_diags_get(d, 1));
    pa_diags_free(d);
    pa_diags_free(NULL);
}
END_TEST

START_TEST(test_diags_limit_keeps_errors)
{
    pa_diags *d;
    ck_assert_int_eq(pa_diags_new(&d), 0);
    pa_diags_set_limit(d, 4);
    for (int i = 0; i < 10; i++)
        pai_diag(d, PA_SEV_WARNING, PA_D_OTHER, "f", i, 0, "w%d", i);
    pai_diag(d, PA_SEV_ERROR, PA_D_OTHER, "f", 99, 0, "the error");
    ck_assert_int_eq(pa_diags_count_at_least(d, PA_SEV_ERROR), 1);
    ck_assert_int_le(pa_diags_count(d), 5);
    pa_diags_free(d);
}
END_TEST

START_TEST(test_alloc_failure_injection)
{
    pai_alloc_fail_after(2);
    void *a = pai_malloc(8);
    void *b = pai_malloc(8);
    void *c = pai_malloc(8);
    pai_alloc_fail_after(0);
    ck_assert_ptr_nonnull(a);
    ck_assert_ptr_null(b);
    ck_assert_ptr_nonnull(c);
    pai_free(a);
    pai_free(c);
}
END_TEST

START_TEST(test_grow_and_buf)
{
    int *v = NULL;
    size_t cap = 0;
    ck_assert_int_eq(PAI_GROW(v, cap, 100), 0);
    ck_assert_int_ge(cap, 100);
    pai_free(v);
    pai_buf b = {0};
    pai_buf_printf(&b, "%d-%s", 5, "x");
    pai_buf_putc(&b, '!');
    ck_assert_str_eq(b.s, "5-x!");
    pai_buf_free(&b);
}
END_TEST

int main(void)
{
    return pa_run_tests("common", "core",
                        (const TTest *const[]){test_strerror_names_every_code,
                                                test_last_error_is_set, test_diags_add_and_format,
                                                test_diags_limit_keeps_errors,
                                                test_alloc_failure_injection, test_grow_and_buf,
                                                NULL});
}
