/* format.c — the classic DSSP text (`mkdssp --output-format dssp` columns), so
 * that readers of mkdssp output (Biopython's make_dssp_dict, ...) read ours. */
#define _POSIX_C_SOURCE 200809L
#include "dssp_impl.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define LINE 127 /* header lines are padded to this width, then '.' */

static int padded(pai_buf *b, const char *text)
{
    size_t n = strlen(text);
    int rc = pai_buf_add(b, text, n > LINE ? LINE : n);
    for (size_t k = n; rc == 0 && k < LINE; k++)
        rc = pai_buf_putc(b, ' ');
    return rc ? rc : pai_buf_puts(b, ".\n");
}

static int header(pai_buf *b, const pa_dssp *d, const pa_structure *s)
{
    char date[16] = "", line[160];
    time_t now = time(NULL);
    struct tm tm;
    if (gmtime_r(&now, &tm))
        strftime(date, sizeof date, "%Y-%m-%d", &tm);
    snprintf(line, sizeof line,
             "==== Secondary Structure Definition by the program DSSP, panalyzer %-24s==== DATE=%-10s",
             PA_VERSION_STRING, date);
    int rc = padded(b, line);
    rc = rc ? rc : padded(b, "REFERENCE W. KABSCH AND C.SANDER, BIOPOLYMERS 22 (1983) 2577-2637");
    snprintf(line, sizeof line, "HEADER    %-40.40s%9s   %-4.4s", "", "", pa_structure_id(s));
    rc = rc ? rc : padded(b, line);
    rc = rc ? rc : padded(b, "COMPND");
    rc = rc ? rc : padded(b, "SOURCE");
    rc = rc ? rc : padded(b, "AUTHOR");
    const pai_dssp_stats *st = &d->st;
    rc = rc ? rc : pai_buf_printf(b, "%5u%3u%3u%3u%3u TOTAL NUMBER OF RESIDUES, NUMBER OF CHAINS, "
                                     "NUMBER OF SS-BRIDGES(TOTAL,INTRACHAIN,INTERCHAIN)                .\n",
                                  st->residues, st->chains, st->ss_bridges, st->intra_ss_bridges,
                                  st->ss_bridges - st->intra_ss_bridges);
    rc = rc ? rc : pai_buf_printf(b, "%8.1f   ACCESSIBLE SURFACE OF PROTEIN (ANGSTROM**2)%74s.\n",
                                  d->surface, "");
    return rc;
}

static double per100(unsigned x, unsigned n) { return n ? x * 100.0 / n : 0; }

static int hbond_lines(pai_buf *b, const pai_dssp_stats *st)
{
    const char *tail = ", SAME NUMBER PER 100 RESIDUES                              .\n";
    int rc = pai_buf_printf(b, "%5u%5.1f   TOTAL NUMBER OF HYDROGEN BONDS OF TYPE O(I)-->H-N(J)  %s",
                            st->hbonds, per100(st->hbonds, st->residues), tail);
    rc = rc ? rc : pai_buf_printf(b, "%5u%5.1f   TOTAL NUMBER OF HYDROGEN BONDS IN     PARALLEL BRIDGES%s",
                                  st->hb_parallel, per100(st->hb_parallel, st->residues), tail);
    rc = rc ? rc : pai_buf_printf(b, "%5u%5.1f   TOTAL NUMBER OF HYDROGEN BONDS IN ANTIPARALLEL BRIDGES%s",
                                  st->hb_antiparallel, per100(st->hb_antiparallel, st->residues), tail);
    for (int k = 0; rc == 0 && k < 11; k++)
        rc = pai_buf_printf(b, "%5u%5.1f   TOTAL NUMBER OF HYDROGEN BONDS OF TYPE O(I)-->H-N(I%c%1d)%s",
                            st->hb_dist[k], per100(st->hb_dist[k], st->residues),
                            k - 5 < 0 ? '-' : '+', k - 5 < 0 ? 5 - k : k - 5, tail);
    return rc;
}

static int histogram(pai_buf *b, const unsigned *h, const char *name)
{
    int rc = 0;
    for (int k = 0; rc == 0 && k < PAI_DSSP_HIST; k++)
        rc = pai_buf_printf(b, "%3u", h[k]);
    return rc ? rc : pai_buf_printf(b, "    %-29s.\n", name);
}

static int histograms(pai_buf *b, const pai_dssp_stats *st)
{
    int rc = pai_buf_puts(b, "  1  2  3  4  5  6  7  8  9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 "
                             "25 26 27 28 29 30     *** HISTOGRAMS OF ***           .\n");
    rc = rc ? rc : histogram(b, st->helix_len, "RESIDUES PER ALPHA HELIX");
    rc = rc ? rc : histogram(b, st->par_ladder, "PARALLEL BRIDGES PER LADDER");
    rc = rc ? rc : histogram(b, st->anti_ladder, "ANTIPARALLEL BRIDGES PER LADDER");
    return rc ? rc : histogram(b, st->ladders_sheet, "LADDERS PER SHEET");
}

/* The residue table is most of the output, and printf's float conversion most of its
 * cost: the fields are formatted here instead, byte for byte as printf would. */

/* printf("%*d", width, v) into p; returns the end. */
static char *put_int(char *p, int width, long v)
{
    char tmp[24];
    int n = 0;
    unsigned long u = v < 0 ? 0UL - (unsigned long)v : (unsigned long)v;
    do
        tmp[n++] = (char)('0' + u % 10);
    while (u /= 10);
    if (v < 0)
        tmp[n++] = '-';
    for (int k = n; k < width; k++)
        *p++ = ' ';
    while (n)
        *p++ = tmp[--n];
    return p;
}

/* printf("%*.*f", width, prec, v) into p (prec <= 3); returns the end. printf rounds the
 * exact binary value, half to even: that is rounding v * 10^prec unless its fraction is
 * within 1e-7 of one half, which printf itself settles. */
char *pai_dssp_put_fixed(char *p, int width, double v, int prec)
{
    static const double scale[4] = {1, 10, 100, 1000};
    double t = fabs(v) * scale[prec], fl = floor(t);
    if (!(t < 1e15) || fabs(t - fl - 0.5) < 1e-7) /* also NaN and infinities */
        return p + snprintf(p, PAI_DSSP_FIXED_MAX, "%*.*f", width < 9 ? width : 9, prec, v);
    unsigned long long n = (unsigned long long)fl + (t - fl > 0.5);
    char tmp[32];
    int len = 0;
    for (int k = 0; k < prec; k++, n /= 10)
        tmp[len++] = (char)('0' + n % 10);
    if (prec)
        tmp[len++] = '.';
    do
        tmp[len++] = (char)('0' + n % 10);
    while (n /= 10);
    if (signbit(v)) /* printf keeps the sign of -0.0 and of what rounds to it */
        tmp[len++] = '-';
    for (int k = len; k < width; k++)
        *p++ = ' ';
    while (len)
        *p++ = tmp[--len];
    return p;
}

/* "%11s" of "off,e" ("%d,%3.1f"; "0, 0.0" for no bond). */
static char *put_hbond(char *p, int off, double e)
{
    char f[PAI_DSSP_FIXED_MAX + 24], *q = f;
    if (off == 0 && e == 0)
        q = memcpy(f, "0, 0.0", 6), q += 6;
    else {
        q = put_int(q, 0, off);
        *q++ = ',';
        q = pai_dssp_put_fixed(q, 3, e, 1);
    }
    size_t n = (size_t)(q - f);
    for (size_t k = n; k < 11; k++)
        *p++ = ' ';
    memcpy(p, f, n);
    return p + n;
}

/* "%5d%5d%1.1s%1.1s %c  %c%c%c%c%c%c%c%c%c%4d%4d%c%4.0f %11s%11s%11s%11s  %6.3f%6.1f%6.1f
 * %6.1f%6.1f %6.1f %6.1f %6.1f\n", mkdssp's residue line. */
static int residue_line(pai_buf *b, const pa_dssp *d, size_t i, const pa_residue_columns *rc,
                        const pa_structure *s)
{
    pa_dssp_residue r;
    pa_dssp_get(d, i, &r);
    pa_chain_info ci;
    pa_structure_chain(s, r.chain, &ci);
    char aa = r.aa;
    if (aa == 'C' && r.ss_bridge)
        aa = (char)('a' + (r.ss_bridge - 1) % 26);
    char line[12 * PAI_DSSP_FIXED_MAX], *p = line; /* 11 numbers and the rest */
    p = put_int(p, 5, r.number);
    p = put_int(p, 5, rc->seq_id[r.residue]);
    *p++ = rc->icode[r.residue] ? rc->icode[r.residue] : ' ';
    *p++ = ci.auth_id && ci.auth_id[0] ? ci.auth_id[0] : ' ';
    const char flags[] = {' ', aa, ' ', ' ', r.ss, r.helix[3], r.helix[0], r.helix[1],
                          r.helix[2], r.bend, r.chirality, r.bridge_label[0], r.bridge_label[1]};
    memcpy(p, flags, sizeof flags);
    p += sizeof flags;
    p = put_int(p, 4, r.bridge_partner[0]);
    p = put_int(p, 4, r.bridge_partner[1]);
    *p++ = r.sheet;
    p = pai_dssp_put_fixed(p, 4, floor(r.acc + 0.5), 0);
    *p++ = ' ';
    p = put_hbond(p, r.nho_offset[0], r.nho_energy[0]);
    p = put_hbond(p, r.onh_offset[0], r.onh_energy[0]);
    p = put_hbond(p, r.nho_offset[1], r.nho_energy[1]);
    p = put_hbond(p, r.onh_offset[1], r.onh_energy[1]);
    *p++ = ' ', *p++ = ' ';
    p = pai_dssp_put_fixed(p, 6, r.tco, 3);
    double rest[] = {r.kappa, r.alpha, r.phi, r.psi, r.ca[0], r.ca[1], r.ca[2]};
    for (int k = 0; k < 7; k++) {
        if (k >= 4)
            *p++ = ' ';
        p = pai_dssp_put_fixed(p, 6, rest[k], 1);
    }
    *p++ = '\n';
    return pai_buf_add(b, line, (size_t)(p - line));
}

static int table(pai_buf *b, const pa_dssp *d, const pa_structure *s)
{
    pa_residue_columns rc;
    pa_structure_residues(s, &rc);
    int err = pai_buf_puts(b, "  #  RESIDUE AA STRUCTURE BP1 BP2  ACC     N-H-->O    O-->H-N    N-H-->O    "
                              "O-->H-N    TCO  KAPPA ALPHA  PHI   PSI    X-CA   Y-CA   Z-CA\n");
    int last = 0;
    for (size_t i = 0; err == 0 && i < d->n; i++) {
        if (d->r[i].number != last + 1) /* DSSP's break line */
            err = pai_buf_printf(b,
                                 "%5d        !%c             0   0    0      0, 0.0     0, 0.0     0, 0.0 "
                                 "    0, 0.0   0.000 360.0 360.0 360.0 360.0    0.0    0.0    0.0\n",
                                 last + 1, d->r[i].brk == PA_DSSP_BREAK_CHAIN ? '*' : ' ');
        err = err ? err : residue_line(b, d, i, &rc, s);
        last = d->r[i].number;
    }
    return err;
}

int pa_dssp_format_classic(const pa_dssp *d, const pa_structure *s, char **out, size_t *len)
{
    if (out)
        *out = NULL;
    if (len)
        *len = 0;
    if (!d || !s || !out)
        return pai_error(PA_EINVAL, "pa_dssp_format_classic: NULL argument");
    pa_residue_columns rcols;
    pa_structure_residues(s, &rcols);
    if ((size_t)d->res_begin + d->res_count > rcols.n)
        return pai_error(PA_EINVAL, "pa_dssp_format_classic: not the structure of this result");
    pai_buf b = {0};
    int rc = header(&b, d, s);
    rc = rc ? rc : hbond_lines(&b, &d->st);
    rc = rc ? rc : histograms(&b, &d->st);
    rc = rc ? rc : table(&b, d, s);
    if (rc) {
        pai_buf_free(&b);
        return rc == PA_ENOMEM ? pai_error(PA_ENOMEM, "dssp: out of memory") : rc;
    }
    *out = b.s ? b.s : pai_strdup("");
    if (len)
        *len = b.len;
    return *out ? 0 : PA_ENOMEM;
}
