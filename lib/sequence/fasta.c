/* fasta.c — FASTA reader and the pa_seqlist container.
 * All records share one character pool; records hold offsets into it so the
 * pool can grow without fixing up pointers. */
#include "residue.h"

#include "panalyzer/io.h"

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

typedef struct {
    size_t id, desc, seq, len; /* offsets into the pool; len of seq */
} rec;

struct pa_seqlist {
    rec *recs;
    size_t n, cap;
    pai_buf pool;
};

int pa_seqlist_new(pa_seqlist **out)
{
    if (!out)
        return pai_error(PA_EINVAL, "pa_seqlist_new: out is NULL");
    *out = pai_calloc(1, sizeof **out);
    return *out ? 0 : pai_error(PA_ENOMEM, "pa_seqlist_new: out of memory");
}

void pa_seqlist_free(pa_seqlist *l)
{
    if (!l)
        return;
    pai_free(l->recs);
    pai_buf_free(&l->pool);
    pai_free(l);
}

size_t pa_seqlist_count(const pa_seqlist *l) { return l ? l->n : 0; }

int pa_seqlist_get(const pa_seqlist *l, size_t i, pa_seq_record *out)
{
    if (!l || !out)
        return pai_error(PA_EINVAL, "pa_seqlist_get: NULL argument");
    if (i >= l->n)
        return pai_error(PA_ERANGE, "pa_seqlist_get: index %zu of %zu", i, l->n);
    const rec *r = &l->recs[i];
    out->id = l->pool.s + r->id;
    out->description = l->pool.s + r->desc;
    out->seq = l->pool.s + r->seq;
    out->len = r->len;
    return 0;
}

/* Append n bytes + NUL to the pool; *off receives where they start. */
static int pool_str(pai_buf *b, const char *s, size_t n, size_t *off)
{
    *off = b->len;
    if (pai_buf_add(b, s, n) || pai_buf_putc(b, '\0'))
        return pai_error(PA_ENOMEM, "FASTA: out of memory");
    return 0;
}

static int new_rec(pa_seqlist *l, const char *id, size_t idn, const char *desc, size_t dn)
{
    if (PAI_GROW(l->recs, l->cap, l->n + 1))
        return pai_error(PA_ENOMEM, "FASTA: out of memory");
    rec *r = &l->recs[l->n];
    int rc = pool_str(&l->pool, id, idn, &r->id);
    if (!rc)
        rc = pool_str(&l->pool, desc, dn, &r->desc);
    if (rc)
        return rc;
    r->seq = l->pool.len;
    r->len = 0;
    l->n++;
    return 0;
}

int pa_seqlist_add(pa_seqlist *l, const char *id, const char *description, const char *seq)
{
    if (!l || !id || !seq)
        return pai_error(PA_EINVAL, "pa_seqlist_add: NULL argument");
    if (!description)
        description = "";
    size_t n0 = l->n, len0 = l->pool.len;
    int rc = new_rec(l, id, strlen(id), description, strlen(description));
    if (!rc) {
        size_t sn = strlen(seq);
        rc = pool_str(&l->pool, seq, sn, &l->recs[l->n - 1].seq);
        l->recs[l->n - 1].len = sn;
    }
    if (rc) { /* leave the list as it was */
        l->n = n0;
        l->pool.len = len0;
    }
    return rc;
}

static int is_blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f'; }

/* Parser state: the open record's residue count and the characters held back. */
typedef struct {
    pa_seqlist *l;
    pa_diags *diags;
    const char *name;
    int strict;
    int open;    /* a record is collecting sequence lines */
    long line;
    size_t pos;  /* residue-like characters seen in the open record (1-based positions) */
    long star_line; /* a '*' held back: dropped if it ends the record (0: none) */
    int star_col;
    size_t star_pos;
    size_t nbad; /* non-residue characters removed from the open record */
    char bad;    /* the first of them, with where it was */
    long bad_line;
    int bad_col;
    size_t bad_pos;
} fasta_ctx;

static const char *open_id(const fasta_ctx *c) { return c->l->pool.s + c->l->recs[c->l->n - 1].id; }

/* An input error (code: a pa_diag_code) at line:col: an error diagnostic (whose printer
 * adds the path) and the same text after "name:line:col: " in pa_last_error(). */
static int fail(fasta_ctx *c, int code, long line, int col, const char *fmt, ...)
    PAI_PRINTF(5, 6);
static int fail(fasta_ctx *c, int code, long line, int col, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    pai_diag(c->diags, PA_SEV_ERROR, code, c->name, line, col, "%s", msg);
    if (col)
        return pai_error(PA_EFORMAT, "%s:%ld:%d: %s", c->name, line, col, msg);
    return pai_error(PA_EFORMAT, "%s:%ld: %s", c->name, line, msg);
}

/* A character that is not a residue letter: an error when strict, else removed and
 * counted for one warning per record. */
static int bad_char(fasta_ctx *c, char ch, long line, int col, size_t pos)
{
    if (c->strict)
        return fail(c, PA_D_MALFORMED_RECORD, line, col,
                    "record '%s': '%c' at position %zu is not a residue letter",
                    open_id(c), ch, pos);
    if (!c->nbad++) {
        c->bad = ch;
        c->bad_line = line;
        c->bad_col = col;
        c->bad_pos = pos;
    }
    return 0;
}

static int is_letter(char ch) { return (unsigned)((ch | 0x20) - 'a') < 26; }

/* A '*' held back was followed by more residues: it was not the record's end. */
static int flush_star(fasta_ctx *c)
{
    long line = c->star_line;
    if (!line)
        return 0;
    c->star_line = 0;
    return bad_char(c, '*', line, c->star_col, c->star_pos);
}

/* A run of letters (the common case, copied at once), upper-cased in the pool. */
static int put_letters(fasta_ctx *c, const char *p, size_t n)
{
    int rc = flush_star(c);
    if (rc)
        return rc;
    size_t at = c->l->pool.len;
    if (pai_buf_add(&c->l->pool, p, n))
        return pai_error(PA_ENOMEM, "FASTA: out of memory");
    for (char *q = c->l->pool.s + at, *e = q + n; q < e; q++)
        *q = (char)(*q & ~0x20);
    c->l->recs[c->l->n - 1].len += n;
    c->pos += n;
    return 0;
}

/* One sequence byte other than a letter: digits are ignored, a '*' is held back until
 * we know whether it ends the record, anything else is not a residue. */
static int seq_char(fasta_ctx *c, char ch, int col)
{
    if (ch >= '0' && ch <= '9')
        return 0;
    c->pos++;
    int rc = flush_star(c);
    if (rc)
        return rc;
    if (ch == '*') {
        c->star_line = c->line;
        c->star_col = col;
        c->star_pos = c->pos;
        return 0;
    }
    return bad_char(c, ch, c->line, col, c->pos);
}

/* Sequence line: blanks are skipped, control and non-ASCII bytes reject the input. */
static int seq_line(fasta_ctx *c, const char *p, size_t n)
{
    int rc = 0;
    for (size_t i = 0; i < n && !rc; i++) {
        size_t s = i;
        while (i < n && is_letter(p[i]))
            i++;
        if (i > s && (rc = put_letters(c, p + s, i - s)))
            break;
        if (i == n)
            break;
        unsigned char ch = (unsigned char)p[i];
        if (is_blank(p[i]))
            continue;
        if (ch < 0x20 || ch >= 0x7f)
            return fail(c, PA_D_ENCODING, c->line, 0, "byte 0x%02x in a sequence", ch);
        rc = seq_char(c, p[i], i < INT_MAX ? (int)i + 1 : 0);
    }
    return rc;
}

/* End of the open record: drop a final '*', warn once about removed characters. */
static int close_record(fasta_ctx *c)
{
    if (!c->open)
        return 0;
    c->open = 0;
    c->star_line = 0;
    if (c->nbad && pai_diag(c->diags, PA_SEV_WARNING, PA_D_MALFORMED_RECORD, c->name,
                            c->bad_line, c->bad_col,
                            "record '%s': %zu non-residue character%s removed (first '%c' at "
                            "position %zu)", open_id(c), c->nbad, c->nbad > 1 ? "s" : "",
                            c->bad, c->bad_pos))
        return pai_error(PA_ENOMEM, "FASTA: out of memory");
    c->nbad = 0;
    c->pos = 0;
    if (pai_buf_putc(&c->l->pool, '\0'))
        return pai_error(PA_ENOMEM, "FASTA: out of memory");
    return 0;
}

/* Header line (without '>' and newline) -> a new open record. */
static int header(fasta_ctx *c, const char *p, size_t n)
{
    int rc = close_record(c);
    if (rc)
        return rc;
    size_t i = 0;
    while (i < n && is_blank(p[i]))
        i++;
    size_t id0 = i;
    while (i < n && !is_blank(p[i]))
        i++;
    size_t id1 = i;
    while (i < n && is_blank(p[i]))
        i++;
    while (n > i && is_blank(p[n - 1]))
        n--;
    c->open = 1;
    return new_rec(c->l, p + id0, id1 - id0, p + i, n - i);
}

static int text_line(fasta_ctx *c, const char *p, size_t n)
{
    if (n && p[0] == '>')
        return header(c, p + 1, n - 1);
    if (n && p[0] == ';')
        return 0;
    if (c->open)
        return seq_line(c, p, n);
    for (size_t i = 0; i < n; i++)
        if (!is_blank(p[i]))
            return fail(c, PA_D_UNKNOWN_FORMAT, c->line, 0, "text before the first '>' header");
    return 0;
}

static int parse(fasta_ctx *c, const char *buf, size_t size)
{
    for (size_t pos = 0; pos < size;) {
        const char *p = buf + pos;
        const char *nl = memchr(p, '\n', size - pos);
        size_t n = nl ? (size_t)(nl - p) : size - pos;
        pos += n + (nl != NULL);
        c->line++;
        if (n && p[n - 1] == '\r')
            n--;
        int rc = text_line(c, p, n);
        if (rc)
            return rc;
    }
    return close_record(c);
}

/* Decompressed text of an input, then parse it. */
static int read_input(pa_input *in, const char *name, const pa_fasta_opts *opts,
                      pa_seqlist **out, pa_diags *diags)
{
    char *text = NULL;
    size_t size = 0;
    int rc = pa_input_read_all(in, &text, &size, 0);
    pa_input_close(in);
    if (rc)
        return rc;
    pa_seqlist *l;
    rc = pa_seqlist_new(&l);
    if (!rc) {
        fasta_ctx c = {.l = l, .diags = diags, .name = name, .strict = opts && opts->strict};
        rc = parse(&c, text, size);
        if (rc) {
            pa_seqlist_free(l);
            l = NULL;
        }
    }
    pa_free(text);
    *out = rc ? NULL : l;
    return rc;
}

/* Options come from callers built against any header version up to ours. */
static int check_opts(const pa_fasta_opts *o)
{
    if (o && (o->version < 1 || o->version > PA_FASTA_OPTS_VERSION))
        return pai_error(PA_EINVAL, "pa_fasta_opts: unknown version %u", o->version);
    return 0;
}

int pa_fasta_read_ex(const char *path, const pa_fasta_opts *opts, pa_seqlist **out,
                     pa_diags *diags)
{
    if (!path || !out)
        return pai_error(PA_EINVAL, "pa_fasta_read: NULL argument");
    *out = NULL;
    if (check_opts(opts))
        return PA_EINVAL;
    pa_input *in;
    int rc = pa_input_open(&in, path);
    return rc ? rc : read_input(in, path, opts, out, diags);
}

int pa_fasta_read_memory_ex(const void *data, size_t size, const char *name,
                            const pa_fasta_opts *opts, pa_seqlist **out, pa_diags *diags)
{
    if ((!data && size) || !out)
        return pai_error(PA_EINVAL, "pa_fasta_read_memory: NULL argument");
    *out = NULL;
    if (check_opts(opts))
        return PA_EINVAL;
    if (!name)
        name = "<memory>";
    pa_input *in;
    int rc = pa_input_open_memory(&in, data ? data : "", size, name);
    return rc ? rc : read_input(in, name, opts, out, diags);
}

int pa_fasta_read(const char *path, pa_seqlist **out)
{
    return pa_fasta_read_ex(path, NULL, out, NULL);
}

int pa_fasta_read_memory(const void *data, size_t size, const char *name, pa_seqlist **out)
{
    return pa_fasta_read_memory_ex(data, size, name, NULL, out, NULL);
}
