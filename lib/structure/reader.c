/* reader.c — the format-independent front end: open the input, sniff the
 * format from the first decompressed bytes, hand the content to a reader,
 * collect diagnostics. PDB and mmCIF are parsed from one in-memory copy of the
 * decompressed text; PDBML streams from the input. */
#include "builder.h"
#include "panalyzer/io.h"
#include "sniff.h"

#include <stdio.h>
#include <string.h>

#define SNIFF_BYTES 4096

struct pa_reader {
    pa_input *in;
    pa_reader_opts o;
    pa_diags *d;
    char *name;
    pa_format fmt;
    char *buf; /* decompressed content (PDB, mmCIF) */
    size_t n, pos;
    int loaded, done;
};

const char *pa_format_name(pa_format f)
{
    switch (f) {
    case PA_FORMAT_PDB: return "pdb";
    case PA_FORMAT_MMCIF: return "mmcif";
    case PA_FORMAT_PDBML: return "pdbml";
    default: return "auto";
    }
}

void pa_reader_free(pa_reader *r)
{
    if (!r)
        return;
    pa_input_close(r->in);
    pa_diags_free(r->d);
    pai_free(r->buf);
    pai_free(r->name);
    pai_free(r);
}

/* Record an error diagnostic for a failure whose message is in pa_last_error. The
 * diagnostic names the file already: its message drops a leading "name: ". */
static int fail_diag(pa_reader *r, int rc, int code)
{
    char msg[1024];
    snprintf(msg, sizeof msg, "%s", pa_last_error());
    size_t n = strlen(r->name);
    const char *m = !strncmp(msg, r->name, n) && msg[n] == ':' && msg[n + 1] == ' ' ? msg + n + 2
                                                                                   : msg;
    pai_diag(r->d, PA_SEV_ERROR, code, r->name, 0, 0, "%s", m);
    pai_error(rc, "%s", msg); /* the diagnostic's allocation may have replaced the message */
    return rc;
}

/* Decide the format from the first bytes (or the caller's forced choice). */
static int sniff(pa_reader *r)
{
    const void *p;
    size_t got;
    int rc = pa_input_peek(r->in, SNIFF_BYTES, &p, &got);
    if (rc)
        return fail_diag(r, rc, rc == PA_EIO || rc == PA_ENOMEM ? PA_D_IO : PA_D_COMPRESSION);
    const char *s = p;
    if (pai_sniff_bom(s, got))
        pai_diag(r->d, PA_SEV_INFO, PA_D_ENCODING, r->name, 1, 1, "UTF-8 byte-order mark skipped");
    if (pai_sniff_blank(s, got)) {
        pai_diag(r->d, PA_SEV_ERROR, PA_D_EMPTY, r->name, 0, 0,
                 got ? "only whitespace" : "empty input");
        return pai_error(PA_EFORMAT, "%s: %s", r->name, got ? "only whitespace" : "empty input");
    }
    if (r->o.format != PA_FORMAT_AUTO) {
        r->fmt = r->o.format;
        return 0;
    }
    if (pai_sniff_binarycif(s, got)) {
        pai_diag(r->d, PA_SEV_ERROR, PA_D_UNSUPPORTED, r->name, 0, 0,
                 "BinaryCIF (MessagePack) is not supported");
        return pai_error(PA_EUNSUPPORTED, "%s: BinaryCIF is not supported", r->name);
    }
    r->fmt = pai_sniff_format(s, got);
    if (r->fmt == PA_FORMAT_AUTO) {
        pai_diag(r->d, PA_SEV_ERROR, PA_D_UNKNOWN_FORMAT, r->name, 1, 0,
                 "content is not PDB, mmCIF or PDBML");
        return pai_error(PA_EFORMAT, "%s: content is not PDB, mmCIF or PDBML", r->name);
    }
    return 0;
}

static int check_opts(const pa_reader_opts *o)
{
    if (o && (o->version < 1 || o->version > PA_READER_OPTS_VERSION))
        return pai_error(PA_EINVAL, "pa_reader_opts: unknown version %u", o->version);
    if (o && ((unsigned)o->format > PA_FORMAT_PDBML || (unsigned)o->altloc > PA_ALTLOC_OCCUPANCY))
        return pai_error(PA_EINVAL, "pa_reader_opts: invalid format or altloc policy");
    return 0;
}

/* Create the reader shell first so that every later failure has a place for
 * its diagnostics; *keep receives it even on failure (for pa_structure_read). */
static int reader_new(pa_reader **out, const char *name, const pa_reader_opts *opts)
{
    int rc = check_opts(opts);
    if (rc)
        return rc;
    pa_reader *r = pai_calloc(1, sizeof *r);
    if (!r)
        return pai_error(PA_ENOMEM, "out of memory");
    pa_reader_opts def = PA_READER_OPTS_INIT;
    r->o = opts ? *opts : def;
    r->name = pai_strdup(name);
    if (!r->name || pa_diags_new(&r->d)) {
        pa_reader_free(r);
        return pai_error(PA_ENOMEM, "out of memory");
    }
    if (r->o.max_diagnostics)
        pa_diags_set_limit(r->d, r->o.max_diagnostics);
    *out = r;
    return 0;
}

static int open_impl(pa_reader **out, const char *path, const void *data, size_t size,
                     const char *name, const pa_reader_opts *opts)
{
    pa_reader *r = NULL;
    *out = NULL;
    int rc = reader_new(&r, path ? path : name ? name : "<memory>", opts);
    if (rc)
        return rc;
    rc = path ? pa_input_open(&r->in, path) : pa_input_open_memory(&r->in, data, size, r->name);
    if (rc)
        fail_diag(r, rc, PA_D_IO);
    else
        rc = sniff(r);
    *out = r;
    return rc;
}

int pa_reader_open(pa_reader **out, const char *path, const pa_reader_opts *opts)
{
    if (!out || !path)
        return pai_error(PA_EINVAL, "pa_reader_open: NULL argument");
    int rc = open_impl(out, path, NULL, 0, NULL, opts);
    if (rc) {
        pa_reader_free(*out);
        *out = NULL;
    }
    return rc;
}

int pa_reader_open_memory(pa_reader **out, const void *data, size_t size, const char *name,
                          const pa_reader_opts *opts)
{
    if (!out || (!data && size))
        return pai_error(PA_EINVAL, "pa_reader_open_memory: NULL argument");
    int rc = open_impl(out, NULL, data, size, name, opts);
    if (rc) {
        pa_reader_free(*out);
        *out = NULL;
    }
    return rc;
}

static int load(pa_reader *r)
{
    int rc = pa_input_read_all(r->in, &r->buf, &r->n, 0);
    if (rc)
        return fail_diag(r, rc, rc == PA_EIO || rc == PA_ENOMEM ? PA_D_IO : PA_D_COMPRESSION);
    r->loaded = 1;
    r->pos = pai_sniff_bom(r->buf, r->n);
    return 0;
}

int pa_reader_next(pa_reader *r, pa_structure **out)
{
    if (!r || !out)
        return pai_error(PA_EINVAL, "pa_reader_next: NULL argument");
    *out = NULL;
    if (r->done)
        return PA_END;
    int rc;
    if (r->fmt == PA_FORMAT_PDBML) {
        r->done = 1;
        return pai_read_pdbml(r->in, &r->o, r->d, r->name, out);
    }
    if (!r->loaded && (rc = load(r))) {
        r->done = 1;
        return rc;
    }
    size_t before = r->pos;
    if (r->fmt == PA_FORMAT_PDB)
        rc = pai_read_pdb(r->buf, r->n, &r->pos, &r->o, r->d, r->name, out);
    else
        rc = pai_read_mmcif(r->buf, r->n, &r->pos, &r->o, r->d, r->name, out);
    /* an mmCIF block that failed may be followed by good ones; stop only
     * when the reader made no progress */
    if (rc == PA_END || (rc < 0 && (r->fmt != PA_FORMAT_MMCIF || r->pos <= before)))
        r->done = 1;
    return rc;
}

const pa_diags *pa_reader_diagnostics(const pa_reader *r) { return r ? r->d : NULL; }
pa_format pa_reader_format(const pa_reader *r) { return r ? r->fmt : PA_FORMAT_AUTO; }

static int read_first(pa_reader *r, int rc, pa_structure **out, pa_diags *diags)
{
    if (!rc) {
        rc = pa_reader_next(r, out);
        if (rc == PA_END) {
            pai_diag(r->d, PA_SEV_ERROR, PA_D_EMPTY, r->name, 0, 0, "no structure in the input");
            rc = pai_error(PA_EFORMAT, "%s: no structure in the input", r->name);
        }
    }
    if (r && diags) {
        char keep[1024];
        snprintf(keep, sizeof keep, "%s", pa_last_error());
        int erc = pa_diags_extend(diags, r->d);
        if (rc) {
            pai_error(rc, "%s", keep);
        } else if (erc) { /* never succeed with the caller's diagnostics lost */
            pa_structure_free(*out);
            *out = NULL;
            rc = erc;
        }
    }
    pa_reader_free(r);
    return rc;
}

int pa_structure_read(const char *path, const pa_reader_opts *opts, pa_structure **out,
                      pa_diags *diags)
{
    if (!path || !out)
        return pai_error(PA_EINVAL, "pa_structure_read: NULL argument");
    *out = NULL;
    pa_reader *r = NULL;
    int rc = open_impl(&r, path, NULL, 0, NULL, opts);
    return r ? read_first(r, rc, out, diags) : rc;
}

int pa_structure_read_memory(const void *data, size_t size, const char *name,
                             const pa_reader_opts *opts, pa_structure **out, pa_diags *diags)
{
    if ((!data && size) || !out)
        return pai_error(PA_EINVAL, "pa_structure_read_memory: NULL argument");
    *out = NULL;
    pa_reader *r = NULL;
    int rc = open_impl(&r, NULL, data, size, name, opts);
    return r ? read_first(r, rc, out, diags) : rc;
}
