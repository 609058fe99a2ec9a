/* matrix.c — substitution matrices: built-in tables, NCBI text format, match/mismatch. */
#include "align/align_int.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "align/matrices.inc"

#define NBUILTIN (sizeof pai_builtin_matrices / sizeof pai_builtin_matrices[0])

static int slot_of(const struct pa_matrix *m, char c)
{
    const char *p = strchr(m->letters, toupper((unsigned char)c));
    return p && c ? (int)(p - m->letters) : -1;
}

/* Build the byte -> slot map once letters and scores are set: unknown letters go to
 * X (proteins) / N (nucleotides) when present, else to an extra slot scoring min. */
static void finish(struct pa_matrix *m)
{
    int nuc = slot_of(m, 'L') < 0 && slot_of(m, 'T') >= 0;
    int unk = slot_of(m, nuc ? 'N' : 'X');
    if (unk < 0 && m->k < PAI_AMAX) {
        unk = m->k++;
        for (int a = 0; a < m->k; a++)
            m->s[unk * PAI_AMAX + a] = m->s[a * PAI_AMAX + unk] = m->min;
    }
    if (unk < 0)
        unk = m->k - 1;
    for (int c = 0; c < 256; c++) {
        int s = isalpha(c) || c == '*' ? slot_of(m, (char)c) : -1;
        if (s < 0 && nuc && (c == 'U' || c == 'u'))
            s = slot_of(m, 'T');
        m->map[c] = (uint8_t)(s < 0 ? unk : s);
    }
}

static void set_range(struct pa_matrix *m, int nletters)
{
    m->min = m->max = m->s[0];
    for (int a = 0; a < nletters; a++)
        for (int b = 0; b < nletters; b++) {
            int v = m->s[a * PAI_AMAX + b];
            m->min = v < m->min ? v : m->min;
            m->max = v > m->max ? v : m->max;
        }
}

static void from_builtin(struct pa_matrix *m, const pai_builtin_matrix *b)
{
    memset(m, 0, sizeof *m);
    snprintf(m->name, sizeof m->name, "%s", b->name);
    m->k = b->k;
    memcpy(m->letters, b->letters, (size_t)b->k);
    for (int a = 0; a < b->k; a++)
        for (int c = 0; c < b->k; c++)
            m->s[a * PAI_AMAX + c] = b->s[a * b->k + c];
    set_range(m, b->k);
    finish(m);
}

void pai_matrix_builtin62(struct pa_matrix *m)
{
    for (size_t i = 0; i < NBUILTIN; i++)
        if (!strcmp(pai_builtin_matrices[i].name, "BLOSUM62"))
            from_builtin(m, &pai_builtin_matrices[i]);
}

int pa_matrix_builtin(pa_matrix **out, const char *name)
{
    if (!out || !name)
        return pai_error(PA_EINVAL, "pa_matrix_builtin: NULL argument");
    *out = NULL;
    for (size_t i = 0; i < NBUILTIN; i++) {
        if (strcasecmp(pai_builtin_matrices[i].name, name))
            continue;
        pa_matrix *m = pai_malloc(sizeof *m);
        if (!m)
            return pai_error(PA_ENOMEM, "out of memory");
        from_builtin(m, &pai_builtin_matrices[i]);
        *out = m;
        return 0;
    }
    return pai_error(PA_ENOTFOUND, "no built-in matrix named '%s'", name);
}

int pa_matrix_match(pa_matrix **out, int match, int mismatch)
{
    if (!out)
        return pai_error(PA_EINVAL, "pa_matrix_match: NULL argument");
    if (match < -1000 || match > 1000 || mismatch < -1000 || mismatch > 1000)
        return pai_error(PA_ERANGE, "match/mismatch scores must be within [-1000, 1000]");
    pa_matrix *m = pai_malloc(sizeof *m);
    if (!m)
        return pai_error(PA_ENOMEM, "out of memory");
    memset(m, 0, sizeof *m);
    snprintf(m->name, sizeof m->name, "match%d/mismatch%d", match, mismatch);
    strcpy(m->letters, "ACGTUN");
    m->k = 6;
    for (int a = 0; a < 6; a++)
        for (int b = 0; b < 6; b++) {
            int same = a == b || (a == 3 && b == 4) || (a == 4 && b == 3); /* T == U */
            m->s[a * PAI_AMAX + b] = same && a != 5 ? match : mismatch;
        }
    set_range(m, 6);
    finish(m);
    *out = m;
    return 0;
}

/* Parse one line's integers into row; returns count or -1 on a non-number. */
static int parse_ints(const char *p, const char *end, int *row, int max)
{
    int n = 0;
    while (p < end) {
        while (p < end && (*p == ' ' || *p == '\t' || *p == '\r'))
            p++;
        if (p >= end)
            break;
        /* by hand: strtol would read past a buffer that is not NUL-terminated */
        const char *e = p;
        int neg = e < end && (*e == '-' || *e == '+') ? *e++ == '-' : 0;
        const char *digits = e;
        long v = 0;
        while (e < end && *e >= '0' && *e <= '9' && v <= 100000)
            v = v * 10 + (*e++ - '0');
        if (e == digits || (e < end && !isspace((unsigned char)*e)))
            return -1;
        v = neg ? -v : v;
        if (n >= max || v < -1000 || v > 1000)
            return -2;
        row[n++] = (int)v;
        p = e;
    }
    return n;
}

int pa_matrix_parse(pa_matrix **out, const char *text, size_t len, const char *name)
{
    if (!out || (!text && len))
        return pai_error(PA_EINVAL, "pa_matrix_parse: NULL argument");
    *out = NULL;
    name = name ? name : "matrix";
    pa_matrix *m = pai_malloc(sizeof *m);
    if (!m)
        return pai_error(PA_ENOMEM, "out of memory");
    memset(m, 0, sizeof *m);
    snprintf(m->name, sizeof m->name, "%s", name);
    int rows = 0, lineno = 0, rc = 0;
    const char *p = text, *end = text + len;
    while (p < end && !rc) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *le = nl ? nl : end;
        lineno++;
        const char *s = p;
        p = nl ? nl + 1 : end;
        while (s < le && isspace((unsigned char)*s))
            s++;
        if (s == le || *s == '#')
            continue;
        if (!m->k) { /* header: column letters */
            for (; s < le; s++) {
                if (isspace((unsigned char)*s))
                    continue;
                if (m->k >= PAI_AMAX - 1 || !(isalpha((unsigned char)*s) || *s == '*') ||
                    (s + 1 < le && !isspace((unsigned char)s[1])) ||
                    strchr(m->letters, toupper((unsigned char)*s))) {
                    rc = pai_error(PA_EFORMAT, "%s:%d: bad column header", name, lineno);
                    break;
                }
                m->letters[m->k++] = (char)toupper((unsigned char)*s);
            }
            continue;
        }
        if (rows >= m->k || toupper((unsigned char)*s) != m->letters[rows]) {
            rc = pai_error(PA_EFORMAT, "%s:%d: expected the row of '%c'", name, lineno,
                           rows < m->k ? m->letters[rows] : '?');
            break;
        }
        int vals[PAI_AMAX];
        int nv = parse_ints(s + 1, le, vals, PAI_AMAX);
        if (nv != m->k) {
            rc = pai_error(PA_EFORMAT, "%s:%d: row '%c' has %s (%d columns expected)", name,
                           lineno, m->letters[rows], nv < 0 ? "a bad or out-of-range number"
                                                            : "a wrong number of values", m->k);
            break;
        }
        for (int b = 0; b < m->k; b++)
            m->s[rows * PAI_AMAX + b] = vals[b];
        rows++;
    }
    if (!rc && (!m->k || rows != m->k))
        rc = pai_error(PA_EFORMAT, "%s: %s", name,
                       m->k ? "fewer rows than columns" : "no matrix found");
    if (rc) {
        pai_free(m);
        return rc;
    }
    set_range(m, m->k);
    finish(m);
    *out = m;
    return 0;
}

int pa_matrix_load(pa_matrix **out, const char *path)
{
    if (!out || !path)
        return pai_error(PA_EINVAL, "pa_matrix_load: NULL argument");
    *out = NULL;
    FILE *f = fopen(path, "rb");
    if (!f)
        return pai_error(PA_EIO, "%s: cannot open", path);
    char *buf = NULL;
    size_t len = 0, cap = 0;
    int rc = 0;
    for (;;) {
        if (len + 4096 > (1u << 20)) {
            rc = pai_error(PA_EFORMAT, "%s: too large for a substitution matrix", path);
            break;
        }
        if (PAI_GROW(buf, cap, len + 4096)) {
            rc = pai_error(PA_ENOMEM, "out of memory");
            break;
        }
        size_t got = fread(buf + len, 1, 4096, f);
        len += got;
        if (got < 4096) {
            if (ferror(f))
                rc = pai_error(PA_EIO, "%s: read error", path);
            break;
        }
    }
    fclose(f);
    if (!rc) {
        const char *base = strrchr(path, '/');
        rc = pa_matrix_parse(out, buf, len, base ? base + 1 : path);
    }
    pai_free(buf);
    return rc;
}

void pa_matrix_free(pa_matrix *m) { pai_free(m); }

const char *pa_matrix_name(const pa_matrix *m) { return m ? m->name : ""; }

int pa_matrix_score(const pa_matrix *m, char a, char b)
{
    return m ? m->s[pai_code(m, a) * PAI_AMAX + pai_code(m, b)] : 0;
}

void pa_matrix_range(const pa_matrix *m, int *min, int *max)
{
    if (min)
        *min = m ? m->min : 0;
    if (max)
        *max = m ? m->max : 0;
}

void pai_encode(const struct pa_matrix *m, const char *s, size_t n, uint8_t *out)
{
    for (size_t i = 0; i < n; i++)
        out[i] = m->map[(unsigned char)s[i]];
}
