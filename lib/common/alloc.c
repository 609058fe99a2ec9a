/* alloc.c — the library's only door to malloc, with failure injection for tests. */
#include "pai.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

/* Failure injection: when fail_at > 0, the allocation whose ordinal equals
 * fail_at fails. Counters are atomic so threaded tests stay well defined. */
static _Atomic uint64_t alloc_seq;
static _Atomic uint64_t fail_at;

uint64_t pai_alloc_fail_after(uint64_t n)
{
    uint64_t used = atomic_exchange(&alloc_seq, 0);
    atomic_store(&fail_at, n);
    return used;
}

uint64_t pai_alloc_count(void) { return atomic_load(&alloc_seq); }

static bool inject_failure(void)
{
    uint64_t at = atomic_load_explicit(&fail_at, memory_order_relaxed);
    uint64_t seq = atomic_fetch_add_explicit(&alloc_seq, 1, memory_order_relaxed) + 1;
    return at != 0 && seq == at;
}

void *pai_malloc(size_t n)
{
    if (inject_failure())
        return NULL;
    return malloc(n ? n : 1);
}

void *pai_calloc(size_t count, size_t size)
{
    if (inject_failure())
        return NULL;
    return calloc(count ? count : 1, size ? size : 1);
}

void *pai_realloc(void *p, size_t n)
{
    if (inject_failure())
        return NULL;
    return realloc(p, n ? n : 1);
}

void pai_free(void *p) { free(p); }

char *pai_strndup(const char *s, size_t n)
{
    char *r = pai_malloc(n + 1);
    if (!r)
        return NULL;
    memcpy(r, s, n);
    r[n] = '\0';
    return r;
}

char *pai_strdup(const char *s) { return s ? pai_strndup(s, strlen(s)) : NULL; }

int pai_grow(void **p, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return 0;
    size_t nc = *cap ? *cap : 8;
    while (nc < need) {
        if (nc > SIZE_MAX / 2)
            return pai_error(PA_ENOMEM, "allocation size overflow");
        nc *= 2;
    }
    if (elem && nc > SIZE_MAX / elem)
        return pai_error(PA_ENOMEM, "allocation size overflow");
    void *np = pai_realloc(*p, nc * elem);
    if (!np)
        return pai_error(PA_ENOMEM, "out of memory growing an array to %zu elements", nc);
    *p = np;
    *cap = nc;
    return 0;
}
