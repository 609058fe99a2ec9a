/* cif.c — CIF 1.1 tokenizer and block parser.
 *
 * One pass over a NUL-terminated buffer; tokens are slices into it. The block
 * parser delivers loop rows through a caller-owned scratch row, so a whole
 * atom_site loop is parsed with no allocation and no string compare per value. */
#include "cif.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Bytes that end an unquoted token: CIF whitespace and the NUL sentinel. */
static const uint8_t is_stop[256] = {[' '] = 1, ['\t'] = 1, ['\n'] = 1, ['\r'] = 1, ['\0'] = 1};

void pai_cif_lexer_init(pai_cif_lexer *lx, const char *buf, size_t n, size_t pos, pa_diags *diags,
                        const char *file)
{
    memset(lx, 0, sizeof *lx);
    lx->buf = buf;
    lx->end = buf + n;
    lx->p = buf + (pos <= n ? pos : n);
    lx->line_start = lx->p;
    lx->line = 1;
    lx->diags = diags;
    lx->file = file ? file : "";
    if (pos == 0 && n >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0)
        lx->p += 3; /* a UTF-8 BOM is harmless: skip it */
    if (pos > 0 && pos <= n) /* resuming mid-buffer: recount lines for diagnostics */
        for (const char *q = buf; (q = memchr(q, '\n', (size_t)(lx->p - q))) != NULL; q++) {
            lx->line++;
            lx->line_start = q + 1;
        }
}

void pai_cif_lexer_resume(pai_cif_lexer *lx, const char *buf, size_t n, size_t pos, long line,
                          size_t line_start, pa_diags *diags, const char *file)
{
    pai_cif_lexer_init(lx, buf, n, 0, diags, file);
    lx->p = buf + (pos <= n ? pos : n);
    lx->line = line;
    lx->line_start = buf + (line_start <= pos ? line_start : pos);
}

static void lex_diag(pai_cif_lexer *lx, pa_severity sev, int code, long line, int col,
                     const char *msg)
{
    if (sev == PA_SEV_ERROR)
        lx->nerrors++;
    if (pai_diag(lx->diags, sev, code, lx->file, line, col, "%s", msg) < 0)
        lx->oom = 1;
}

/* Skip whitespace, comments and stray NUL bytes. */
static void skip_space(pai_cif_lexer *lx)
{
    const char *p = lx->p;
    for (;;) {
        char c = *p;
        if (c == ' ' || c == '\t' || c == '\r') {
            p++;
        } else if (c == '\n') {
            p++;
            lx->line++;
            lx->line_start = p;
        } else if (c == '#') {
            const char *nl = memchr(p, '\n', (size_t)(lx->end - p));
            p = nl ? nl : lx->end;
        } else if (c == '\0' && p < lx->end) {
            lx->p = p;
            lex_diag(lx, PA_SEV_WARNING, PA_D_ENCODING, lx->line, (int)(p - lx->line_start) + 1,
                     "NUL byte in CIF text");
            while (p < lx->end && *p == '\0')
                p++;
        } else {
            break;
        }
    }
    lx->p = p;
}

/* ;text field; — p is at the opening ';' at the start of a line. */
static int lex_text(pai_cif_lexer *lx, pai_cif_tok *t)
{
    const char *start = lx->p + 1, *q = start;
    for (;;) {
        const char *nl = memchr(q, '\n', (size_t)(lx->end - q));
        if (!nl) {
            lx->truncated = 1;
            lex_diag(lx, PA_SEV_ERROR, PA_D_TRUNCATED, t->line, t->col,
                     "unterminated text field (no closing ';' line)");
            t->p = start;
            t->n = (uint32_t)(lx->end - start);
            lx->p = lx->end;
            return PAI_CIF_VALUE;
        }
        lx->line++;
        lx->line_start = nl + 1;
        if (nl[1] == ';') {
            const char *e = nl > start && nl[-1] == '\r' ? nl - 1 : nl;
            t->p = start;
            t->n = (uint32_t)(e - start);
            lx->p = nl + 2;
            return PAI_CIF_VALUE;
        }
        q = nl + 1;
    }
}

/* 'quoted' or "quoted": a quote closes only when followed by whitespace. */
static int lex_quoted(pai_cif_lexer *lx, pai_cif_tok *t)
{
    const char quote = *lx->p;
    const char *q = lx->p + 1;
    for (;; q++) {
        char c = *q;
        if (c == quote && is_stop[(uint8_t)q[1]] && (q[1] != '\0' || q + 1 >= lx->end))
            break;
        if (c == '\n' || c == '\r' || q >= lx->end) {
            int at_end = q >= lx->end;
            if (at_end)
                lx->truncated = 1;
            lex_diag(lx, PA_SEV_ERROR, at_end ? PA_D_TRUNCATED : PA_D_SYNTAX, t->line, t->col,
                     "unterminated quoted value");
            t->p = lx->p + 1;
            t->n = (uint32_t)(q - t->p);
            lx->p = q;
            return PAI_CIF_VALUE;
        }
    }
    t->p = lx->p + 1;
    t->n = (uint32_t)(q - t->p);
    lx->p = q + 1;
    return PAI_CIF_VALUE;
}

static int word_is(const char *p, size_t n, const char *w, size_t wn)
{
    return n >= wn && strncasecmp(p, w, wn) == 0;
}

/* Unquoted word: tag, reserved word or value. */
static int classify(pai_cif_tok *t)
{
    const char *p = t->p;
    size_t n = t->n;
    switch (p[0]) {
    case '_':
        return PAI_CIF_TAG;
    case '?':
        if (n == 1)
            t->vtype = PAI_CIF_V_UNKNOWN;
        return PAI_CIF_VALUE;
    case '.':
        if (n == 1)
            t->vtype = PAI_CIF_V_NA;
        return PAI_CIF_VALUE;
    case 'd': case 'D':
        if (word_is(p, n, "data_", 5)) {
            t->p += 5;
            t->n -= 5;
            return PAI_CIF_DATA;
        }
        break;
    case 'l': case 'L':
        if (n == 5 && word_is(p, n, "loop_", 5))
            return PAI_CIF_LOOP;
        break;
    case 's': case 'S':
        if (n == 5 && word_is(p, n, "stop_", 5))
            return PAI_CIF_STOP;
        if (word_is(p, n, "save_", 5)) {
            t->p += 5;
            t->n -= 5;
            return t->n ? PAI_CIF_SAVE : PAI_CIF_SAVE_END;
        }
        break;
    case 'g': case 'G':
        if (n == 7 && word_is(p, n, "global_", 7))
            return PAI_CIF_GLOBAL;
        break;
    default:
        break;
    }
    return PAI_CIF_VALUE;
}

int pai_cif_next(pai_cif_lexer *lx, pai_cif_tok *t)
{
    skip_space(lx);
    const char *p = lx->p;
    t->line = lx->line;
    t->col = (int)(p - lx->line_start) + 1;
    t->vtype = PAI_CIF_V_PLAIN;
    if (p >= lx->end) {
        t->p = p;
        t->n = 0;
        return t->kind = PAI_CIF_END;
    }
    if (*p == ';' && p == lx->line_start) {
        t->vtype = PAI_CIF_V_TEXT;
        return t->kind = (uint8_t)lex_text(lx, t);
    }
    if (*p == '\'' || *p == '"') {
        t->vtype = PAI_CIF_V_QUOTED;
        return t->kind = (uint8_t)lex_quoted(lx, t);
    }
    const char *q = p + 1;
    while (!is_stop[(uint8_t)*q])
        q++;
    t->p = p;
    t->n = (uint32_t)(q - p);
    lx->p = q;
    return t->kind = (uint8_t)classify(t);
}

/* ---- block parser ------------------------------------------------------------- */

void pai_cif_scratch_free(pai_cif_scratch *s)
{
    pai_free(s->items);
    pai_free(s->vals);
    memset(s, 0, sizeof *s);
}

/* Split "_cat.item" at the first '.'. */
static void split_tag(const pai_cif_tok *t, pai_str *cat, pai_str *item)
{
    const char *dot = memchr(t->p, '.', t->n);
    if (!dot) {
        *cat = (pai_str){t->p, t->n};
        *item = (pai_str){t->p + t->n, 0};
        return;
    }
    *cat = (pai_str){t->p, (size_t)(dot - t->p)};
    *item = (pai_str){dot + 1, (size_t)(t->p + t->n - dot - 1)};
}

static int same_str(pai_str a, pai_str b)
{
    return a.n == b.n && strncasecmp(a.p, b.p, a.n) == 0;
}

static int push_item(pai_cif_scratch *s, size_t i, pai_str item)
{
    if (i >= s->cap_items && PAI_GROW(s->items, s->cap_items, i + 1) < 0)
        return pai_error(PA_ENOMEM, "out of memory");
    s->items[i] = item;
    return 0;
}

static int ensure_vals(pai_cif_scratch *s, size_t n)
{
    if (n > s->cap_vals && PAI_GROW(s->vals, s->cap_vals, n) < 0)
        return pai_error(PA_ENOMEM, "out of memory");
    return 0;
}

/* Deliver pending `_cat.item value` pairs as one single-row category. */
static int flush_pairs(const pai_cif_handler *h, pai_cif_scratch *s, pai_str cat, size_t *n,
                       long line)
{
    if (*n == 0)
        return 0;
    size_t cnt = *n;
    *n = 0;
    int rc = h->begin(h->ud, cat, s->items, cnt, 0, line);
    if (rc <= 0)
        return rc;
    if ((rc = h->row(h->ud, s->vals)) < 0)
        return rc;
    return h->end(h->ud);
}

/* loop_: tags, then values until the next non-value token (left in *t). */
static int parse_loop(pai_cif_lexer *lx, const pai_cif_handler *h, pai_cif_scratch *s,
                      pai_cif_tok *t, int *k)
{
    long loop_line = t->line;
    int loop_col = t->col;
    size_t ncols = 0;
    pai_str cat = {0}, item;
    while ((*k = pai_cif_next(lx, t)) == PAI_CIF_TAG) {
        pai_str c;
        split_tag(t, &c, &item);
        if (ncols == 0)
            cat = c;
        else if (!same_str(c, cat))
            lex_diag(lx, PA_SEV_WARNING, PA_D_SYNTAX, t->line, t->col,
                     "loop mixes categories; items are read as the first one's");
        if (push_item(s, ncols++, item) < 0)
            return PA_ENOMEM;
    }
    if (ncols == 0) {
        lex_diag(lx, PA_SEV_ERROR, PA_D_SYNTAX, loop_line, loop_col, "loop_ without tags");
        return 0;
    }
    if (ensure_vals(s, ncols) < 0)
        return PA_ENOMEM;
    int want = h->begin(h->ud, cat, s->items, ncols, 1, loop_line);
    if (want < 0)
        return want;
    size_t j = 0, nvals = 0;
    if (*k == PAI_CIF_VALUE) {
        s->vals[0] = *t;
        j = 1;
        nvals = 1;
        for (;;) {
            if (j == ncols) {
                if (want) {
                    int rc = h->row(h->ud, s->vals);
                    if (rc < 0)
                        return rc;
                }
                j = 0;
            }
            pai_cif_tok *v = &s->vals[j];
            if ((*k = pai_cif_next(lx, v)) != PAI_CIF_VALUE) {
                *t = *v;
                break;
            }
            j++;
            nvals++;
        }
    }
    if (j != 0 && j != ncols) {
        char msg[160];
        if (*k == PAI_CIF_END) {
            lx->truncated = 1;
            snprintf(msg, sizeof msg, "file ends inside a loop row (%zu of %zu values); "
                     "the incomplete row is dropped", j, ncols);
            lex_diag(lx, PA_SEV_ERROR, PA_D_TRUNCATED, t->line, t->col, msg);
        } else {
            snprintf(msg, sizeof msg, "loop has %zu values for %zu columns; "
                     "the incomplete last row is dropped", nvals, ncols);
            lex_diag(lx, PA_SEV_ERROR, PA_D_LOOP_COUNT, loop_line, loop_col, msg);
        }
    } else if (j == ncols && want) {
        int rc = h->row(h->ud, s->vals);
        if (rc < 0)
            return rc;
    }
    if (lx->oom)
        return pai_error(PA_ENOMEM, "out of memory");
    return want ? h->end(h->ud) : 0;
}

/* Rewind the lexer to the start of a data_ token so the next block begins there. */
static void unread_data(pai_cif_lexer *lx, const pai_cif_tok *t)
{
    lx->p = t->p - 5;
    lx->line = t->line;
    lx->line_start = lx->p - (t->col - 1);
}

int pai_cif_parse_block(pai_cif_lexer *lx, const pai_cif_handler *h, pai_cif_scratch *s,
                        pai_str *name)
{
    pai_cif_tok t;
    int k;
    while ((k = pai_cif_next(lx, &t)) != PAI_CIF_DATA)
        if (k == PAI_CIF_END)
            return PA_END;
    *name = (pai_str){t.p, t.n};

    pai_str cat = {0}, c, item;
    size_t npairs = 0;
    long pair_line = t.line;
    int rc = 0;
    k = pai_cif_next(lx, &t);
    for (;;) {
        if (lx->oom)
            return pai_error(PA_ENOMEM, "out of memory");
        if (k != PAI_CIF_TAG && (rc = flush_pairs(h, s, cat, &npairs, pair_line)) < 0)
            return rc;
        switch (k) {
        case PAI_CIF_END:
            return 0;
        case PAI_CIF_DATA:
            unread_data(lx, &t);
            return 0;
        case PAI_CIF_GLOBAL: /* a global block ends this one; the caller skips it */
            return 0;
        case PAI_CIF_TAG: {
            pai_cif_tok tag = t;
            split_tag(&tag, &c, &item);
            if (npairs && !same_str(c, cat) && (rc = flush_pairs(h, s, cat, &npairs, pair_line)) < 0)
                return rc;
            k = pai_cif_next(lx, &t);
            if (k != PAI_CIF_VALUE) {
                lex_diag(lx, PA_SEV_ERROR, PA_D_SYNTAX, tag.line, tag.col, "tag without a value");
                continue;
            }
            if (npairs == 0) {
                cat = c;
                pair_line = tag.line;
            }
            if (push_item(s, npairs, item) < 0 || ensure_vals(s, npairs + 1) < 0)
                return PA_ENOMEM;
            s->vals[npairs++] = t;
            break;
        }
        case PAI_CIF_LOOP:
            if ((rc = parse_loop(lx, h, s, &t, &k)) < 0)
                return rc;
            if (k == PAI_CIF_STOP)
                break; /* stop_ closes the loop explicitly */
            continue;
        case PAI_CIF_SAVE: /* save frames (dictionaries) carry no model data */
            while ((k = pai_cif_next(lx, &t)) != PAI_CIF_SAVE_END && k != PAI_CIF_END &&
                   k != PAI_CIF_DATA)
                ;
            if (k != PAI_CIF_SAVE_END)
                continue;
            break;
        case PAI_CIF_VALUE:
            lex_diag(lx, PA_SEV_WARNING, PA_D_SYNTAX, t.line, t.col, "value without a tag");
            break;
        default: /* stray stop_ or save_ */
            break;
        }
        k = pai_cif_next(lx, &t);
    }
}

/* ---- numbers ------------------------------------------------------------------ */

static const double pow10_tab[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                   1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                   1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

/* Length without a trailing standard uncertainty "(12)". */
static size_t strip_su(const char *p, size_t n)
{
    if (n >= 3 && p[n - 1] == ')') {
        size_t i = n - 1;
        while (i > 0 && p[i - 1] >= '0' && p[i - 1] <= '9')
            i--;
        if (i > 0 && i < n - 1 && p[i - 1] == '(')
            return i - 1;
    }
    return n;
}

static int slow_double(const char *p, size_t n, double *out)
{
    char tmp[64];
    if (n >= sizeof tmp)
        return -1;
    memcpy(tmp, p, n);
    tmp[n] = '\0';
    char *e;
    double v = strtod(tmp, &e);
    if (e != tmp + n || isnan(v) || isinf(v))
        return -1;
    *out = v;
    return 0;
}

int pai_cif_parse_double(const char *p, size_t n, double *out)
{
    n = strip_su(p, n);
    const char *q = p, *e = p + n;
    int neg = 0;
    if (q < e && (*q == '-' || *q == '+'))
        neg = *q++ == '-';
    uint64_t m = 0;
    int digits = 0, frac = 0;
    while (q < e && (unsigned)(*q - '0') < 10) {
        m = m * 10 + (uint64_t)(*q++ - '0');
        digits++;
    }
    if (q < e && *q == '.') {
        q++;
        while (q < e && (unsigned)(*q - '0') < 10) {
            m = m * 10 + (uint64_t)(*q++ - '0');
            digits++;
            frac++;
        }
    }
    if (digits == 0)
        return -1;
    if (q != e || digits > 15)
        return slow_double(p, n, out); /* exponent or long mantissa */
    double v = (double)m;
    if (frac)
        v /= pow10_tab[frac];
    *out = neg ? -v : v;
    return 0;
}

int pai_cif_parse_int(const char *p, size_t n, long *out)
{
    n = strip_su(p, n);
    const char *q = p, *e = p + n;
    int neg = 0;
    if (q < e && (*q == '-' || *q == '+'))
        neg = *q++ == '-';
    if (q == e || e - q > 18)
        return -1;
    long v = 0;
    for (; q < e; q++) {
        if ((unsigned)(*q - '0') >= 10)
            return -1;
        v = v * 10 + (*q - '0');
    }
    *out = neg ? -v : v;
    return 0;
}
