/* hybrid36.c — hybrid-36 decoding (see hybrid36.h). */
#include "hybrid36.h"

static int digit36(char c, int upper)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (upper && c >= 'A' && c <= 'Z')
        return c - 'A' + 10;
    if (!upper && c >= 'a' && c <= 'z')
        return c - 'a' + 10;
    return -1;
}

static int decimal(const char *s, size_t n, int32_t *out)
{
    size_t i = 0;
    int neg = 0;
    if (i < n && (s[i] == '-' || s[i] == '+'))
        neg = s[i++] == '-';
    if (i == n)
        return -1;
    int64_t v = 0;
    for (; i < n; i++) {
        if (s[i] < '0' || s[i] > '9' || v > 100000000)
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    *out = (int32_t)(neg ? -v : v);
    return 0;
}

int pai_hy36_decode(const char *s, size_t n, unsigned w, int32_t *out, int *blank)
{
    *out = 0;
    *blank = 0;
    while (n && *s == ' ')
        s++, n--;
    while (n && s[n - 1] == ' ')
        n--;
    if (!n) {
        *blank = 1;
        return 0;
    }
    int upper = s[0] >= 'A' && s[0] <= 'Z', lower = s[0] >= 'a' && s[0] <= 'z';
    if (!upper && !lower)
        return decimal(s, n, out);
    if (n != w) /* base-36 values always fill the field */
        return -1;
    int64_t v = 0, p = 1, pw = 1;
    for (unsigned i = 0; i < w; i++) {
        int d = digit36(s[i], upper);
        if (d < 0)
            return -1;
        v = v * 36 + d;
        if (i)
            p *= 36; /* 36^(w-1) */
        pw *= 10;    /* 10^w */
    }
    v = v - 10 * p + pw;
    if (lower)
        v += 26 * p;
    *out = (int32_t)v;
    return 0;
}
