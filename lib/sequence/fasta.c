/* fasta.c — FASTA reader and the pa_seqlist container.
 * All records share one character pool; records hold offsets into it so the
 * pool can grow without fixing up pointers. */
#include "residue.h"

#include "panalyzer/io.h"

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

/* Header line (without '>' and newline) -> a new open record. */
static int header(pa_seqlist *l, const char *p, size_t n)
{
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
    return new_rec(l, p + id0, id1 - id0, p + i, n - i);
}

/* Sequence line: copy runs of non-blank bytes into the open record. */
static int seq_line(pa_seqlist *l, const char *p, size_t n, const char *name, long line)
{
    size_t i = 0;
    while (i < n) {
        while (i < n && is_blank(p[i]))
            i++;
        size_t s = i;
        while (i < n && !is_blank(p[i])) {
            unsigned char c = (unsigned char)p[i];
            if (c < 0x20 || c >= 0x7f)
                return pai_error(PA_EFORMAT, "%s:%ld: byte 0x%02x in a sequence", name, line, c);
            i++;
        }
        if (i > s) {
            if (pai_buf_add(&l->pool, p + s, i - s))
                return pai_error(PA_ENOMEM, "FASTA: out of memory");
            l->recs[l->n - 1].len += i - s;
        }
    }
    return 0;
}

static int parse(pa_seqlist *l, const char *buf, size_t size, const char *name)
{
    long line = 0;
    int open = 0; /* a record is collecting sequence lines */
    for (size_t pos = 0; pos < size;) {
        const char *p = buf + pos;
        const char *nl = memchr(p, '\n', size - pos);
        size_t n = nl ? (size_t)(nl - p) : size - pos;
        pos += n + (nl != NULL);
        line++;
        if (n && p[n - 1] == '\r')
            n--;
        int rc = 0;
        if (n && p[0] == '>') {
            if (open && pai_buf_putc(&l->pool, '\0'))
                return pai_error(PA_ENOMEM, "FASTA: out of memory");
            rc = header(l, p + 1, n - 1);
            open = 1;
        } else if (n && p[0] == ';') {
            continue;
        } else if (open) {
            rc = seq_line(l, p, n, name, line);
        } else {
            for (size_t i = 0; i < n; i++)
                if (!is_blank(p[i]))
                    return pai_error(PA_EFORMAT, "%s:%ld: text before the first '>' header",
                                     name, line);
        }
        if (rc)
            return rc;
    }
    if (open && pai_buf_putc(&l->pool, '\0'))
        return pai_error(PA_ENOMEM, "FASTA: out of memory");
    return 0;
}

/* Decompressed text of an input, then parse it. */
static int read_input(pa_input *in, const char *name, pa_seqlist **out)
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
        rc = parse(l, text, size, name);
        if (rc) {
            pa_seqlist_free(l);
            l = NULL;
        }
    }
    pa_free(text);
    *out = rc ? NULL : l;
    return rc;
}

int pa_fasta_read(const char *path, pa_seqlist **out)
{
    if (!path || !out)
        return pai_error(PA_EINVAL, "pa_fasta_read: NULL argument");
    *out = NULL;
    pa_input *in;
    int rc = pa_input_open(&in, path);
    return rc ? rc : read_input(in, path, out);
}

int pa_fasta_read_memory(const void *data, size_t size, const char *name, pa_seqlist **out)
{
    if ((!data && size) || !out)
        return pai_error(PA_EINVAL, "pa_fasta_read_memory: NULL argument");
    *out = NULL;
    if (!name)
        name = "<memory>";
    pa_input *in;
    int rc = pa_input_open_memory(&in, data ? data : "", size, name);
    return rc ? rc : read_input(in, name, out);
}
