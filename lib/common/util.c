/* util.c — string buffer and clock. */
#define _POSIX_C_SOURCE 200809L
#include "pai.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

int pai_buf_add(pai_buf *b, const char *s, size_t n)
{
    if (PAI_GROW(b->s, b->cap, b->len + n + 1))
        return PA_ENOMEM;
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
    return 0;
}

int pai_buf_puts(pai_buf *b, const char *s) { return pai_buf_add(b, s, strlen(s)); }
int pai_buf_putc(pai_buf *b, char c) { return pai_buf_add(b, &c, 1); }

int pai_buf_printf(pai_buf *b, const char *fmt, ...)
{
    va_list ap, ap2;
    va_start(ap, fmt);
    va_copy(ap2, ap);
    int need = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (need < 0 || PAI_GROW(b->s, b->cap, b->len + (size_t)need + 1)) {
        va_end(ap2);
        return need < 0 ? pai_error(PA_EINVAL, "bad format") : PA_ENOMEM;
    }
    vsnprintf(b->s + b->len, (size_t)need + 1, fmt, ap2);
    va_end(ap2);
    b->len += (size_t)need;
    return 0;
}

void pai_buf_free(pai_buf *b)
{
    pai_free(b->s);
    b->s = NULL;
    b->len = b->cap = 0;
}

uint64_t pai_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}
