/* testutil.h — shared helpers for the Check suites. */
#ifndef PA_TESTUTIL_H
#define PA_TESTUTIL_H

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Path under tests/data (always present). Returns a static buffer per call site use. */
static inline const char *pa_test_data(const char *rel, char *buf, size_t n)
{
    const char *d = getenv("PA_TEST_DATA");
    snprintf(buf, n, "%s/%s", d ? d : "tests/data", rel);
    return buf;
}

/* Path under ../shared/data, or NULL when the shared corpus is absent (skip). */
static inline const char *pa_shared_data(const char *rel, char *buf, size_t n)
{
    const char *d = getenv("PA_SHARED_DATA");
    struct stat st;
    if (!d)
        return NULL;
    snprintf(buf, n, "%s/%s", d, rel);
    return stat(buf, &st) == 0 ? buf : NULL;
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

#endif
