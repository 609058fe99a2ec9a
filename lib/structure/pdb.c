/* pdb.c — fixed-column PDB reader (wwPDB format v3.3).
 *
 * One pass over the in-memory text, line by line. Records used: ATOM, HETATM,
 * TER, MODEL, ENDMDL, SEQRES, MODRES, HEADER, CRYST1, ANISOU (counted), END.
 * Columns past the end of a short line read as blank. Coordinates use a
 * fixed-point fast path (the %8.3f layout) with strtod as the fallback. */
#include "builder.h"
#include "hybrid36.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    const char *p;
    size_t n; /* line length without the line end */
} line_t;

typedef struct {
    pai_builder *b;
    const pa_reader_opts *o;
    long lineno;
    int model;         /* current model number (1 without MODEL records) */
    int in_model;      /* inside MODEL ... ENDMDL */
    int *seen_models;  /* model numbers met so far (duplicates are reported) */
    size_t n_seen, seen_cap;
    char seq_chain[8]; /* SEQRES chain currently numbered */
    int seq_count;
} pdb_ctx;

/* Column slice [c0, c0+w) (0-based), clipped to the line; blanks kept. */
static pai_str col(line_t l, size_t c0, size_t w)
{
    if (c0 >= l.n)
        return (pai_str){l.p + l.n, 0};
    if (c0 + w > l.n)
        w = l.n - c0;
    return (pai_str){l.p + c0, w};
}

static pai_str trim(pai_str s)
{
    while (s.n && (*s.p == ' ' || *s.p == '\t'))
        s.p++, s.n--;
    while (s.n && (s.p[s.n - 1] == ' ' || s.p[s.n - 1] == '\t'))
        s.n--;
    return s;
}

static const double pow10_tab[] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9};

/* Parse a real from a fixed-width field. Returns 0, 1 when blank, -1 when not a number. */
static int parse_real(pai_str f, double *out)
{
    f = trim(f);
    if (!f.n)
        return 1;
    size_t i = 0;
    int neg = 0;
    if (f.p[0] == '-' || f.p[0] == '+')
        neg = f.p[i++] == '-';
    uint64_t m = 0;
    int digits = 0, frac = 0;
    while (i < f.n && f.p[i] >= '0' && f.p[i] <= '9' && digits < 18)
        m = m * 10 + (uint64_t)(f.p[i++] - '0'), digits++;
    if (i < f.n && f.p[i] == '.') {
        i++;
        while (i < f.n && f.p[i] >= '0' && f.p[i] <= '9' && digits < 18 && frac < 9)
            m = m * 10 + (uint64_t)(f.p[i++] - '0'), digits++, frac++;
    }
    if (i == f.n && digits) {
        double v = (double)m / pow10_tab[frac];
        *out = neg ? -v : v;
        return 0;
    }
    /* slow path: exponents, long mantissas, "nan", garbage such as "********" */
    char tmp[64];
    if (f.n >= sizeof tmp)
        return -1;
    memcpy(tmp, f.p, f.n);
    tmp[f.n] = '\0';
    char *end;
    double v = strtod(tmp, &end);
    if (end != tmp + f.n)
        return -1;
    *out = v;
    return 0;
}

static int rec_is(line_t l, const char *name, size_t n)
{
    return l.n >= n && !memcmp(l.p, name, n);
}

/* ---- ATOM / HETATM -------------------------------------------------------------- */
static int bad_number(pdb_ctx *c, int column, const char *what, pai_str f, pa_severity sev)
{
    return pai_builder_diag(c->b, sev, PA_D_BAD_NUMBER, c->lineno, column,
                            "%s '%.*s' is not a number%s", what, (int)f.n, f.p,
                            sev == PA_SEV_ERROR ? " (atom skipped)" : "");
}

/* Element from the name columns when the element column is blank: a name whose
 * first column is blank or a digit holds a one-letter element in the second. */
static pai_str element_from_name(line_t l, char buf[2])
{
    pai_str nm = col(l, 12, 4);
    if (nm.n >= 2 && (nm.p[0] == ' ' || (nm.p[0] >= '0' && nm.p[0] <= '9')) &&
        ((nm.p[1] >= 'A' && nm.p[1] <= 'Z') || (nm.p[1] >= 'a' && nm.p[1] <= 'z'))) {
        buf[0] = nm.p[1];
        return (pai_str){buf, 1};
    }
    if (nm.n == 4 && nm.p[0] == 'H' && nm.p[3] != ' ') { /* 4-character hydrogen names */
        buf[0] = 'H';
        return (pai_str){buf, 1};
    }
    return PAI_STR_NULL; /* builder infers from the trimmed name */
}

static int parse_charge(pai_str f)
{
    f = trim(f);
    if (f.n != 2)
        return 0;
    char d = f.p[0], s = f.p[1];
    if ((d == '+' || d == '-') && s >= '0' && s <= '9') { /* "+2" tolerated */
        char t = d;
        d = s;
        s = t;
    }
    if (d < '0' || d > '9' || (s != '+' && s != '-'))
        return 0;
    return s == '-' ? -(d - '0') : d - '0';
}

static int read_atom(pdb_ctx *c, line_t l, int hetero, int last_unterminated)
{
    if (l.n < 54) {
        int trunc = last_unterminated;
        return pai_builder_diag(c->b, PA_SEV_ERROR, trunc ? PA_D_TRUNCATED : PA_D_MALFORMED_RECORD,
                                c->lineno, (int)l.n + 1, "%s record %s before the coordinates end "
                                "(atom skipped)", hetero ? "HETATM" : "ATOM",
                                trunc ? "truncated" : "ends");
    }
    if (last_unterminated && l.n < 66) {
        int rc = pai_builder_diag(c->b, PA_SEV_WARNING, PA_D_TRUNCATED, c->lineno, (int)l.n + 1,
                                  "last line ends inside the record");
        if (rc)
            return rc;
    }
    pai_atom_rec a;
    double v[3];
    static const char *const axis[] = {"x", "y", "z"};
    for (int k = 0; k < 3; k++) {
        pai_str f = col(l, 30 + 8 * (size_t)k, 8);
        if (parse_real(f, &v[k]) != 0)
            return bad_number(c, 31 + 8 * k, axis[k], f, PA_SEV_ERROR);
    }
    a.x = (float)v[0];
    a.y = (float)v[1];
    a.z = (float)v[2];
    double occ = 1.0, bf = 0.0;
    pai_str f = col(l, 54, 6);
    if (parse_real(f, &occ) < 0) {
        occ = 1.0;
        bad_number(c, 55, "occupancy", f, PA_SEV_WARNING);
    }
    f = col(l, 60, 6);
    if (parse_real(f, &bf) < 0) {
        bf = 0.0;
        bad_number(c, 61, "B-factor", f, PA_SEV_WARNING);
    }
    a.occupancy = (float)occ;
    a.b_factor = (float)bf;
    int blank;
    f = col(l, 6, 5);
    if (pai_hy36_decode(f.p, f.n, 5, &a.serial, &blank)) {
        a.serial = 0;
        bad_number(c, 7, "atom serial", f, PA_SEV_WARNING);
    }
    f = col(l, 22, 4);
    if (pai_hy36_decode(f.p, f.n, 4, &a.seq_id, &blank)) {
        a.seq_id = 0;
        bad_number(c, 23, "residue number", f, PA_SEV_WARNING);
    }
    a.line = c->lineno;
    a.model = c->model;
    a.hetero = hetero;
    a.name = trim(col(l, 12, 4));
    char al = l.p[16];
    a.altloc = al == ' ' ? '\0' : al;
    a.resname = trim(col(l, 17, 4)); /* column 21 is blank in the spec; 4-letter names use it */
    a.auth_chain = trim(col(l, 21, 1));
    a.label_chain = PAI_STR_NULL;
    a.entity_id = PAI_STR_NULL;
    char ic = l.p[26];
    a.icode = ic == ' ' ? '\0' : ic;
    a.label_seq_id = PA_SEQ_ID_NONE;
    char ebuf[2];
    a.element = trim(col(l, 76, 2));
    for (size_t i = 0; i < a.element.n; i++)
        if (!((a.element.p[i] >= 'A' && a.element.p[i] <= 'Z') ||
              (a.element.p[i] >= 'a' && a.element.p[i] <= 'z')))
            a.element.n = 0; /* digits/garbage in the element column: infer instead */
    if (!a.element.n)
        a.element = element_from_name(l, ebuf);
    a.charge = parse_charge(col(l, 78, 2));
    return pai_builder_atom(c->b, &a);
}

/* ---- other records ------------------------------------------------------------- */
static int read_model(pdb_ctx *c, line_t l)
{
    int rc = 0;
    double v;
    /* out-of-range (or NaN) serials count as missing: converting them to int is undefined */
    int num = parse_real(col(l, 6, l.n > 6 ? l.n - 6 : 0), &v) == 0 && v > -2147483648.0 &&
                      v < 2147483648.0
                  ? (int)v
                  : (int)c->n_seen + 1;
    if (c->in_model) {
        rc = pai_builder_diag(c->b, PA_SEV_WARNING, PA_D_MODEL, c->lineno, 0,
                              "MODEL %d starts before ENDMDL of model %d", num, c->model);
        if (!rc)
            rc = pai_builder_model_end(c->b);
    }
    for (size_t i = 0; !rc && i < c->n_seen; i++)
        if (c->seen_models[i] == num) {
            rc = pai_builder_diag(c->b, PA_SEV_WARNING, PA_D_MODEL, c->lineno, 0,
                                  "duplicate model number %d", num);
            break;
        }
    if (rc || PAI_GROW(c->seen_models, c->seen_cap, c->n_seen + 1))
        return rc ? rc : PA_ENOMEM;
    c->seen_models[c->n_seen++] = num;
    c->model = num;
    c->in_model = 1;
    return 0;
}

static int read_endmdl(pdb_ctx *c)
{
    int rc = 0;
    if (!c->in_model)
        rc = pai_builder_diag(c->b, PA_SEV_WARNING, PA_D_MODEL, c->lineno, 0,
                              "ENDMDL without MODEL");
    c->in_model = 0;
    return rc ? rc : pai_builder_model_end(c->b);
}

static int read_seqres(pdb_ctx *c, line_t l)
{
    pai_str chain = trim(col(l, 11, 1));
    char key[8] = {0};
    memcpy(key, chain.p, chain.n);
    if (memcmp(key, c->seq_chain, sizeof key)) {
        memcpy(c->seq_chain, key, sizeof key);
        c->seq_count = 0;
        /* entity type is inferred from the names at finish */
        int rc = pai_builder_entity_type(c->b, chain, PAI_STR_NULL);
        if (rc)
            return rc;
    }
    for (size_t k = 19; k < l.n; k += 4) {
        pai_str nm = trim(col(l, k, 4));
        if (!nm.n)
            continue;
        int rc = pai_builder_entity_seq(c->b, chain, ++c->seq_count, nm);
        if (rc)
            return rc;
    }
    return 0;
}

static int read_cryst1(pdb_ctx *c, line_t l)
{
    static const size_t start[6] = {6, 15, 24, 33, 40, 47}, width[6] = {9, 9, 9, 7, 7, 7};
    double cell[6];
    for (int k = 0; k < 6; k++)
        if (parse_real(col(l, start[k], width[k]), &cell[k]) != 0) {
            if (k < 3) /* no usable cell */
                return pai_builder_diag(c->b, PA_SEV_WARNING, PA_D_MALFORMED_RECORD, c->lineno,
                                        (int)start[k] + 1, "CRYST1 without cell lengths");
            cell[k] = 90.0;
        }
    return pai_builder_set_cell(c->b, cell, trim(col(l, 55, 11)));
}

static int read_line(pdb_ctx *c, line_t l, int last_unterminated, int *stop)
{
    if (l.n < 3)
        return 0;
    switch (l.p[0]) {
    case 'A':
        if (rec_is(l, "ATOM", 4) && (l.n == 4 || l.p[4] == ' ' || (l.p[4] >= '0' && l.p[4] <= '9')))
            return read_atom(c, l, 0, last_unterminated);
        if (rec_is(l, "ANISOU", 6))
            pai_builder_anisou(c->b);
        return 0;
    case 'H':
        if (rec_is(l, "HETATM", 6))
            return read_atom(c, l, 1, last_unterminated);
        if (rec_is(l, "HEADER", 6)) {
            pai_str id = trim(col(l, 62, 4));
            return id.n ? pai_builder_set_id(c->b, id) : 0;
        }
        return 0;
    case 'T':
        return rec_is(l, "TER", 3) && (l.n == 3 || l.p[3] == ' ') ? pai_builder_ter(c->b) : 0;
    case 'M':
        if (rec_is(l, "MODEL ", 6) || (l.n == 5 && rec_is(l, "MODEL", 5)))
            return read_model(c, l);
        if (rec_is(l, "MODRES", 6))
            return pai_builder_modres(c->b, trim(col(l, 12, 3)), trim(col(l, 24, 3)));
        return 0;
    case 'E':
        if (rec_is(l, "ENDMDL", 6))
            return read_endmdl(c);
        if (rec_is(l, "END", 3) && (l.n == 3 || l.p[3] == ' '))
            *stop = 1;
        return 0;
    case 'S':
        return rec_is(l, "SEQRES", 6) ? read_seqres(c, l) : 0;
    case 'C':
        return rec_is(l, "CRYST1", 6) ? read_cryst1(c, l) : 0;
    default:
        return 0;
    }
}

int pai_read_pdb(const char *buf, size_t n, size_t *pos, const pa_reader_opts *o, pa_diags *d,
                 const char *file, pa_structure **out)
{
    if (!buf || !pos || !out)
        return pai_error(PA_EINVAL, "pai_read_pdb: NULL argument");
    *out = NULL;
    if (*pos >= n && *pos > 0)
        return PA_END; /* a PDB file holds one structure */
    pdb_ctx c = {0};
    c.o = o;
    c.model = 1;
    int rc = pai_builder_new(&c.b, o, d, file, PA_FORMAT_PDB);
    if (rc)
        return rc;
    int has_nul = memchr(buf + *pos, '\0', n - *pos) != NULL;
    const char *p = buf + *pos, *end = buf + n;
    int stop = 0;
    while (!rc && !stop && p < end && pai_builder_accepting(c.b)) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        line_t l = {p, nl ? (size_t)(nl - p) : (size_t)(end - p)};
        p = nl ? nl + 1 : end;
        c.lineno++;
        if (l.n && l.p[l.n - 1] == '\r')
            l.n--;
        if (has_nul && memchr(l.p, '\0', l.n)) {
            rc = pai_builder_diag(c.b, PA_SEV_WARNING, PA_D_ENCODING, c.lineno, 0,
                                  "NUL bytes in the line (line skipped)");
            continue;
        }
        rc = read_line(&c, l, !nl, &stop);
    }
    if (!rc && c.in_model && c.n_seen > 1)
        rc = pai_builder_diag(c.b, PA_SEV_WARNING, PA_D_MODEL, c.lineno, 0,
                              "last MODEL without ENDMDL");
    *pos = n;
    if (!rc)
        rc = pai_builder_finish(c.b, out);
    pai_builder_free(c.b);
    pai_free(c.seen_models);
    return rc;
}
