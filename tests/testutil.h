/* testutil.h — shared helpers for the Check suites. */
#ifndef PA_TESTUTIL_H
#define PA_TESTUTIL_H

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* dir + "/" + rel into buf (truncated to n - 1 bytes). */
static inline const char *pa_join_path(const char *dir, const char *rel, char *buf, size_t n)
{
    size_t a = strlen(dir), b = strlen(rel);
    if (n == 0)
        return buf;
    if (a > n - 1)
        a = n - 1;
    memcpy(buf, dir, a);
    if (a < n - 1)
        buf[a++] = '/';
    if (b > n - 1 - a)
        b = n - 1 - a;
    memcpy(buf + a, rel, b);
    buf[a + b] = '\0';
    return buf;
}

/* Path under tests/data (always present), written into buf. */
static inline const char *pa_test_data(const char *rel, char *buf, size_t n)
{
    const char *d = getenv("PA_TEST_DATA");
    return pa_join_path(d ? d : "tests/data", rel, buf, n);
}

/* Path under ../shared/data, or NULL when the shared corpus is absent (skip). */
static inline const char *pa_shared_data(const char *rel, char *buf, size_t n)
{
    const char *d = getenv("PA_SHARED_DATA");
    struct stat st;
    if (!d)
        return NULL;
    pa_join_path(d, rel, buf, n);
    return stat(buf, &st) == 0 ? buf : NULL;
}

/* n bytes of data in a new file under /tmp; its path (malloc'd: unlink and free it). */
static inline char *pa_write_temp(const void *data, size_t n)
{
    char *path = strdup("/tmp/pa_test_XXXXXX");
    ck_assert_ptr_nonnull(path);
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(write(fd, data, n), (ssize_t)n);
    close(fd);
    return path;
}

/* PA_TEST_QUICK=1 (tools/valgrind.sh sets it: memcheck runs ~50x slower) thins the
 * randomized and exhaustive loops: they step by pa_test_stride() instead of 1, so every
 * code path still runs, on fewer cases. */
static inline int pa_test_quick(void)
{
    const char *q = getenv("PA_TEST_QUICK");
    return q && *q && *q != '0';
}

static inline int pa_test_stride(void) { return pa_test_quick() ? 17 : 1; }

/* Split a TSV line in place into at most max columns (missing ones stay NULL). */
static inline void pa_split_tabs(char *line, char **col, int max)
{
    char *p = line;
    for (int i = 0; i < max && p; i++) {
        col[i] = p;
        p = strchr(p, '\t');
        if (p)
            *p++ = '\0';
    }
}

/* Run a suite; returns the process exit code. */
static inline int pa_run_suite(Suite *s)
{
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

/* Run tests (NULL-terminated) as suite `suite` with one case `tcase`; returns the exit code:
 * return pa_run_tests("s", "c", (const TTest *const[]){test_a, test_b, NULL}); */
static inline int pa_run_tests(const char *suite, const char *tcase, const TTest *const *tests)
{
    Suite *s = suite_create(suite);
    TCase *tc = tcase_create(tcase);
    for (; *tests; tests++)
        tcase_add_test(tc, *tests);
    suite_add_tcase(s, tc);
    return pa_run_suite(s);
}

#endif
