/* test_quiet.c — the library never prints: an executor with more threads than cores
 * (oneTBB's default worker limit) leaves stderr empty and notes the fact through the
 * log callback instead. Its own process, so that it is the first executor oneTBB sees. */
#include "panalyzer/executor.h"
#include "testutil.h"

#include <stdatomic.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

static atomic_int infos;

static void on_log(void *ud, pa_log_level level, const char *msg)
{
    (void)ud;
    if (level == PA_LOG_INFO && strstr(msg, "threads"))
        atomic_fetch_add(&infos, 1);
}

static int body(void *ctx, size_t lo, size_t hi, int worker)
{
    (void)worker;
    atomic_fetch_add((atomic_size_t *)ctx, hi - lo);
    return 0;
}

/* Runs loops on executors of `threads` threads with fd 2 redirected; returns what
 * was written to it (NUL-terminated, caller frees). */
static char *run_capturing_stderr(int threads)
{
    fflush(stderr);
    FILE *tmp = tmpfile();
    ck_assert_ptr_nonnull(tmp);
    int saved = dup(2);
    ck_assert_int_ge(saved, 0);
    dup2(fileno(tmp), 2);
    for (int k = 1; k <= 2; k++) { /* a second, larger one raises the limit again */
        pa_executor *ex;
        pa_executor_opts o = PA_EXECUTOR_OPTS_INIT;
        o.threads = threads * k;
        ck_assert_int_eq(pa_executor_new(&ex, &o), 0);
        atomic_size_t sum = 0;
        ck_assert_int_eq(pa_parallel_for(ex, 0, 10000, 10, body, &sum), 0);
        ck_assert_uint_eq(sum, 10000);
        pa_executor_free(ex);
    }
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    struct stat st;
    fstat(fileno(tmp), &st);
    char *text = calloc(1, (size_t)st.st_size + 1);
    rewind(tmp);
    ck_assert_uint_eq(fread(text, 1, (size_t)st.st_size, tmp), (size_t)st.st_size);
    fclose(tmp);
    return text;
}

START_TEST(test_oversubscribed_executor_is_silent)
{
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    int threads = (int)(cores > 0 ? 4 * cores : 8);
    pa_set_log_callback(on_log, NULL, PA_LOG_DEBUG);
    char *err = run_capturing_stderr(threads);
    pa_set_log_callback(NULL, NULL, PA_LOG_DEBUG);
    ck_assert_msg(err[0] == '\0', "%d threads on %ld cores printed: %s", threads, cores, err);
    free(err);
    ck_assert_int_ge(atomic_load(&infos), 1);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("executor-quiet");
    TCase *tc = tcase_create("quiet");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_oversubscribed_executor_is_silent);
    suite_add_tcase(s, tc);
    return pa_run_suite(s);
}
