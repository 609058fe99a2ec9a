/* trace.c — banded traceback of a hit whose score and both ends are known.
 *
 * The best local alignment of a hit spans a known rectangle (its start from the reversed
 * prefixes, its end from the score pass): a global alignment of that rectangle with the
 * same score is an optimal local alignment of the pair. Indels shift the path off the
 * diagonal by a few residues only, so the dynamic programme runs in a band of diagonals
 * around the corners' (Gotoh, BLAST gap costs); when the band's best score falls short of
 * the known one the path left the band: the caller widens it or aligns the full rectangle. */
#include "refindex_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NEG (INT32_MIN / 4)
enum { FROM_DIAG = 0, FROM_E = 1, FROM_F = 2, E_EXT = 4, F_EXT = 8 };

typedef struct {
    const int16_t *sc; /* 256 x 256 */
    const char *q, *t;
    int64_t m, n, dlo, w; /* rows, columns, first diagonal (j - i), band width */
    int32_t go, ge;       /* gap of k: go + k * ge */
    unsigned char *tb;    /* (m + 1) x w traceback bits */
} band;

/* One row i of the band: h/e/f hold row i - 1 on entry, row i on return (index k is
 * diagonal dlo + k, column i + dlo + k). */
static void band_row(const band *b, int64_t i, int32_t *h, int32_t *e, int32_t *f)
{
    unsigned char *tb = b->tb + i * b->w;
    int32_t hl = NEG, el = NEG; /* the cell left of the current one, this row */
    for (int64_t k = 0; k < b->w; k++) {
        int64_t j = i + b->dlo + k;
        if (j < 0 || j > b->n) {
            h[k] = e[k] = f[k] = NEG, hl = el = NEG;
            continue;
        }
        /* vertical (F): from (i - 1, j), diagonal one higher in the row above */
        int32_t hu = k + 1 < b->w ? h[k + 1] : NEG, fu = k + 1 < b->w ? f[k + 1] : NEG;
        int32_t fo = hu - b->go - b->ge, fx = fu - b->ge;
        int32_t eo = hl - b->go - b->ge, ex = el - b->ge;
        unsigned char bits = (unsigned char)((fx > fo ? F_EXT : 0) | (ex > eo ? E_EXT : 0));
        int32_t fv = fx > fo ? fx : fo, ev = ex > eo ? ex : eo;
        int32_t hd = NEG;
        if (i > 0 && j > 0 && h[k] > NEG)
            hd = h[k] + b->sc[(unsigned char)b->q[i - 1] * 256 + (unsigned char)b->t[j - 1]];
        if (i == 0 && j == 0)
            hd = 0;
        int32_t hv = hd;
        if (ev > hv)
            hv = ev, bits |= FROM_E;
        if (fv > hv)
            hv = fv, bits = (unsigned char)((bits & ~3) | FROM_F);
        tb[k] = bits;
        h[k] = hv < NEG ? NEG : hv, e[k] = ev < NEG ? NEG : ev, f[k] = fv < NEG ? NEG : fv;
        hl = h[k], el = e[k];
    }
}

static int upper(int c) { return c >= 'a' && c <= 'z' ? c - 32 : c; }

/* The columns of a path, last first. */
typedef struct {
    char *ops; /* one per column, reversed */
    size_t n;
} path;

/* Walk back from (m, n) in state H; columns into p (reversed); counts of = columns. */
static void walk(const band *b, path *p, int64_t *matches)
{
    int64_t i = b->m, j = b->n;
    int state = 0; /* 0 H, 1 E, 2 F */
    while (i > 0 || j > 0) {
        unsigned char bits = b->tb[i * b->w + (j - i - b->dlo)];
        if (state == 0)
            state = bits & 3;
        if (state == 0) {
            int eq = upper((unsigned char)b->q[i - 1]) == upper((unsigned char)b->t[j - 1]);
            p->ops[p->n++] = eq ? '=' : 'X';
            *matches += eq;
            i--, j--;
        } else if (state == 1) {
            p->ops[p->n++] = 'D';
            state = bits & E_EXT ? 1 : 0;
            j--;
        } else {
            p->ops[p->n++] = 'I';
            state = bits & F_EXT ? 2 : 0;
            i--;
        }
    }
}

/* Run-length CIGAR of the reversed columns. */
static char *cigar_of(const path *p)
{
    char *c = pai_malloc(p->n * 12 + 1), *o = c;
    if (!c)
        return NULL;
    for (size_t a = p->n; a > 0;) {
        size_t r = a - 1;
        while (r > 0 && p->ops[r - 1] == p->ops[a - 1])
            r--;
        o += snprintf(o, 24, "%zu%c", a - r, p->ops[a - 1]);
        a = r;
    }
    *o = '\0';
    return c;
}

int pai_banded_trace(const int16_t *sc, const char *q, int64_t m, const char *t, int64_t n,
                     int go, int ge, int64_t margin, int64_t score, pa_alignment *out)
{
    int64_t dlo = (n - m < 0 ? n - m : 0) - margin, dhi = (n - m > 0 ? n - m : 0) + margin;
    band b = {sc, q, t, m, n, dlo, dhi - dlo + 1, go, ge, NULL};
    if ((uint64_t)(m + 1) * (uint64_t)b.w > ((uint64_t)64 << 20))
        return 1; /* more than 64 MiB of traceback: the caller's full alignment */
    int32_t *row = pai_malloc(3 * (size_t)b.w * sizeof *row);
    b.tb = pai_malloc((size_t)(m + 1) * (size_t)b.w);
    path p = {pai_malloc((size_t)(m + n) + 1), 0};
    int rc = row && b.tb && p.ops ? 0 : pai_error(PA_ENOMEM, "out of memory");
    for (int64_t k = 0; rc == 0 && k < 3 * b.w; k++)
        row[k] = NEG;
    for (int64_t i = 0; rc == 0 && i <= m; i++)
        band_row(&b, i, row, row + b.w, row + 2 * b.w);
    if (rc == 0 && row[n - m - dlo] != score)
        rc = 1; /* the best path leaves the band */
    if (rc == 0) {
        memset(out, 0, sizeof *out);
        walk(&b, &p, &out->matches);
        out->score = score;
        out->qend = m, out->tend = n;
        out->length = (int64_t)p.n;
        out->identity = p.n ? (double)out->matches / (double)p.n : 0;
        if (!(out->cigar = cigar_of(&p)))
            rc = pai_error(PA_ENOMEM, "out of memory");
    }
    pai_free(row);
    pai_free(b.tb);
    pai_free(p.ops);
    return rc;
}
