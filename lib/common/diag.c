/* diag.c — diagnostics lists: structured {file, line, column, code, severity, message}. */
#include "pai.h"

#include <stdio.h>
#include <string.h>

#define PAI_DIAG_DEFAULT_LIMIT 1000

struct pa_diags {
    pa_diag *v;
    size_t n, cap;
    size_t limit;
    size_t suppressed; /* diagnostics dropped past the limit */
};

int pa_diags_new(pa_diags **out)
{
    if (!out)
        return pai_error(PA_EINVAL, "pa_diags_new: out is NULL");
    *out = pai_calloc(1, sizeof **out);
    if (!*out)
        return pai_error(PA_ENOMEM, "out of memory");
    (*out)->limit = PAI_DIAG_DEFAULT_LIMIT;
    return 0;
}

static void diag_release(pa_diag *g)
{
    pai_free((char *)g->file);
    pai_free((char *)g->message);
}

void pa_diags_clear(pa_diags *d)
{
    if (!d)
        return;
    for (size_t i = 0; i < d->n; i++)
        diag_release(&d->v[i]);
    d->n = 0;
    d->suppressed = 0;
}

void pa_diags_free(pa_diags *d)
{
    if (!d)
        return;
    pa_diags_clear(d);
    pai_free(d->v);
    pai_free(d);
}

size_t pa_diags_count(const pa_diags *d) { return d ? d->n : 0; }

const pa_diag *pa_diags_get(const pa_diags *d, size_t i)
{
    return d && i < d->n ? &d->v[i] : NULL;
}

size_t pa_diags_count_at_least(const pa_diags *d, pa_severity min)
{
    size_t c = 0;
    for (size_t i = 0; d && i < d->n; i++)
        c += d->v[i].severity >= min;
    return c;
}

void pa_diags_set_limit(pa_diags *d, size_t max)
{
    if (d)
        d->limit = max ? max : 1;
}

/* Store one record, taking ownership of msg. The last slot under the limit is
 * kept for a PA_D_LIMIT note so the caller learns that records were dropped;
 * errors always win over that note's slot being reused by warnings. */
static int diags_push(pa_diags *d, const pa_diag *g, char *msg)
{
    if (d->n + 1 >= d->limit && g->severity < PA_SEV_ERROR) {
        d->suppressed++;
        pai_free(msg);
        if (d->n + 1 == d->limit) { /* write the note once */
            char *note = pai_strdup("further diagnostics suppressed (limit reached)");
            char *file = pai_strdup(g->file ? g->file : "");
            if (!note || !file || PAI_GROW(d->v, d->cap, d->n + 1)) {
                pai_free(note);
                pai_free(file);
                return PA_ENOMEM;
            }
            d->v[d->n++] = (pa_diag){file, 0, 0, PA_D_LIMIT, PA_SEV_INFO, note};
        }
        return 0;
    }
    char *file = pai_strdup(g->file ? g->file : "");
    if (!file || PAI_GROW(d->v, d->cap, d->n + 1)) {
        pai_free(file);
        pai_free(msg);
        return pai_error(PA_ENOMEM, "out of memory recording a diagnostic");
    }
    d->v[d->n++] = (pa_diag){file, g->line, g->column, g->code, g->severity, msg};
    return 0;
}

int pa_diags_add(pa_diags *d, const pa_diag *g)
{
    if (!d || !g)
        return pai_error(PA_EINVAL, "pa_diags_add: NULL argument");
    char *msg = pai_strdup(g->message ? g->message : "");
    if (!msg)
        return pai_error(PA_ENOMEM, "out of memory recording a diagnostic");
    return diags_push(d, g, msg);
}

int pa_diags_extend(pa_diags *dst, const pa_diags *src)
{
    if (!dst)
        return pai_error(PA_EINVAL, "pa_diags_extend: dst is NULL");
    for (size_t i = 0; src && i < src->n; i++) {
        int rc = pa_diags_add(dst, &src->v[i]);
        if (rc)
            return rc;
    }
    return 0;
}

int pai_diag(pa_diags *d, pa_severity sev, int code, const char *file, long line, int col,
             const char *fmt, ...)
{
    if (!d)
        return 0;
    char tmp[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    char *msg = pai_strdup(tmp);
    if (!msg)
        return pai_error(PA_ENOMEM, "out of memory recording a diagnostic");
    pa_diag g = {file, line, col, code, sev, NULL};
    return diags_push(d, &g, msg);
}

const char *pa_severity_name(pa_severity s)
{
    switch (s) {
    case PA_SEV_INFO: return "info";
    case PA_SEV_WARNING: return "warning";
    case PA_SEV_ERROR: return "error";
    }
    return "unknown";
}

const char *pa_diag_code_name(int code)
{
    static const char *const names[] = {
        "none", "io", "compression", "unknown-format", "empty", "truncated",
        "malformed-record", "bad-number", "coord-range", "duplicate-atom", "chain-break",
        "missing-seqres", "loop-count", "unknown-residue", "model", "seqres-mismatch",
        "limit", "encoding", "syntax", "unsupported", "other"};
    if (code < 0 || (size_t)code >= sizeof names / sizeof names[0])
        return "unknown";
    return names[code];
}

int pa_diag_format(const pa_diag *g, char *buf, size_t n)
{
    if (!g)
        return pai_error(PA_EINVAL, "pa_diag_format: diag is NULL");
    char pos[48] = "";
    if (g->line > 0 && g->column > 0)
        snprintf(pos, sizeof pos, ":%ld:%d", g->line, g->column);
    else if (g->line > 0)
        snprintf(pos, sizeof pos, ":%ld", g->line);
    return snprintf(buf, n, "%s%s: %s: [%s] %s", g->file ? g->file : "", pos,
                    pa_severity_name(g->severity), pa_diag_code_name(g->code),
                    g->message ? g->message : "");
}
