/* pai.h — library-internal helpers shared by every module (never installed).
 * Internal names use the `pai_` prefix; public ones `pa_`. */
#ifndef PAI_H
#define PAI_H

#include "panalyzer/common.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define PAI_PRINTF(f, a) __attribute__((format(printf, f, a)))
#define PAI_LIKELY(x) __builtin_expect(!!(x), 1)
#define PAI_UNLIKELY(x) __builtin_expect(!!(x), 0)
#else
#define PAI_PRINTF(f, a)
#define PAI_LIKELY(x) (x)
#define PAI_UNLIKELY(x) (x)
#endif

/* ---- errors: set the thread's last error and return the code ---------- */
int pai_error(int code, const char *fmt, ...) PAI_PRINTF(2, 3);
int pai_verror(int code, const char *fmt, va_list ap);
/* Re-tag: keep the current message, return code (for propagating). */
static inline int pai_fail(int code) { return code; }

/* ---- logging through the user's callback (no-op when none installed) -- */
void pai_log(pa_log_level level, const char *fmt, ...) PAI_PRINTF(2, 3);

/* ---- allocation --------------------------------------------------------
 * Every allocation in the library goes through these so that tests can
 * inject failures (see pai_alloc_fail_after). They never abort. */
void *pai_malloc(size_t n);
void *pai_calloc(size_t count, size_t size);
void *pai_realloc(void *p, size_t n);
void pai_free(void *p);
char *pai_strdup(const char *s);
char *pai_strndup(const char *s, size_t n);
/* Grow *p (element size elem) to hold at least need elements; doubles capacity.
 * Returns 0 or PA_ENOMEM (leaving *p and *cap untouched); checks overflow. */
int pai_grow(void **p, size_t *cap, size_t need, size_t elem);
#define PAI_GROW(ptr, cap, need) pai_grow((void **)&(ptr), &(cap), (need), sizeof(*(ptr)))

/* Test hook (exported only in the static library): the n-th allocation from now
 * fails (n = 1: the next one); n = 0 disables. Returns allocations since last call. */
uint64_t pai_alloc_fail_after(uint64_t n);
uint64_t pai_alloc_count(void);

/* ---- diagnostics -------------------------------------------------------- */
/* Append one diagnostic; returns 0 or PA_ENOMEM. d may be NULL (then no-op). */
int pai_diag(pa_diags *d, pa_severity sev, int code, const char *file, long line, int col,
             const char *fmt, ...) PAI_PRINTF(7, 8);

/* ---- small string buffer ------------------------------------------------ */
typedef struct {
    char *s;
    size_t len, cap;
} pai_buf;
int pai_buf_add(pai_buf *b, const char *s, size_t n);
int pai_buf_puts(pai_buf *b, const char *s);
int pai_buf_putc(pai_buf *b, char c);
int pai_buf_printf(pai_buf *b, const char *fmt, ...) PAI_PRINTF(2, 3);
void pai_buf_free(pai_buf *b);

/* ---- monotonic clock ----------------------------------------------------- */
uint64_t pai_now_ns(void);

/* ---- hashing: XXH64, output-compatible with xxhsum (hash.c) --------------- */
typedef struct {
    uint64_t v[4], total;
    unsigned char buf[32];
    size_t nbuf;
    uint64_t seed;
} pai_xxh64_state;
void pai_xxh64_init(pai_xxh64_state *h, uint64_t seed);
void pai_xxh64_update(pai_xxh64_state *h, const void *data, size_t n);
uint64_t pai_xxh64_digest(const pai_xxh64_state *h);
uint64_t pai_xxh64(const void *data, size_t n, uint64_t seed);

#ifdef __cplusplus
}
#endif
#endif
