/* dssp_impl.h — internals of lib/dssp (never installed).
 *
 * The residues DSSP assesses sit in one array in DSSP order; "no chain break
 * between a and b" is then a number test (numbers jump by 2 at a break). The
 * float/double mix of the arithmetic follows mkdssp 4.2 on purpose: energies are
 * rounded to 0.001 kcal/mol, so a different precision would flip borderline bonds. */
#ifndef PAI_DSSP_IMPL_H
#define PAI_DSSP_IMPL_H

#include "../common/pai.h"
#include "panalyzer/dssp.h"

typedef struct {
    float x, y, z;
} pai_v3;

typedef struct {
    int32_t res; /* partner (index in the residue array), -1 when none */
    double e;    /* kcal/mol */
} pai_hbond;

typedef struct {
    int32_t res; /* partner index, -1 when none */
    uint32_t ladder;
    int parallel;
} pai_bpartner;

enum { PAI_HX_NONE = 0, PAI_HX_START, PAI_HX_END, PAI_HX_STARTEND, PAI_HX_MIDDLE };
enum { PAI_HX_310 = 0, PAI_HX_ALPHA = 1, PAI_HX_PI = 2, PAI_HX_PP = 3 };

typedef struct {
    uint32_t sres, chain; /* structure residue and chain */
    int number, seq;      /* DSSP number; sequence number for the kappa test */
    char type;            /* DSSP's one-letter code ('X' unless one of the 20) */
    pa_dssp_break brk;
    pai_v3 n, ca, c, o, h;
    pai_v3 sg; /* cysteine SG, for disulfides */
    int has_sg;
    uint32_t side0, nside; /* heavy side-chain atoms in pa_dssp.side */
    pai_hbond acc[2], don[2]; /* best two acceptors (N-H-->O) and donors (O-->H-N) */
    pai_bpartner bp[2];
    uint32_t sheet;
    uint8_t hx[4];
    uint8_t bend;
    char ss; /* ' ' none */
    int ssbridge;
    float alpha, kappa, phi, psi, tco, omega;
    float access;
} pai_dres;

#define PAI_DSSP_HIST 30

typedef struct {
    unsigned residues, chains, ss_bridges, intra_ss_bridges, hbonds;
    unsigned hb_parallel, hb_antiparallel, hb_dist[11];
    unsigned helix_len[PAI_DSSP_HIST], par_ladder[PAI_DSSP_HIST], anti_ladder[PAI_DSSP_HIST],
        ladders_sheet[PAI_DSSP_HIST];
} pai_dssp_stats;

struct pa_dssp {
    pai_dres *r;
    size_t n;
    pai_v3 *side;
    size_t nside;
    char *ss8;            /* n letters + NUL */
    uint32_t res_begin;   /* structure residues of the model: [res_begin, res_begin + res_count) */
    uint32_t res_count;
    int32_t *map;         /* per model residue: index in r, or -1 */
    double surface;
    int model_number;
    pai_dssp_stats st;
};

static inline int pai_dssp_nobreak(const pa_dssp *d, size_t a, size_t b)
{
    return d->r[a].chain == d->r[b].chain && d->r[b].number - d->r[a].number == (int)(b - a);
}

/* dssp_geom.c */
float pai_dssp_dihedral(pai_v3 p1, pai_v3 p2, pai_v3 p3, pai_v3 p4);
float pai_dssp_cosangle(pai_v3 p1, pai_v3 p2, pai_v3 p3, pai_v3 p4);
void pai_dssp_angles(pa_dssp *d);
int pai_dssp_hbonds(pa_dssp *d);
int pai_dssp_hbonded(const pa_dssp *d, size_t donor, size_t acceptor);
/* dssp_ss.c */
/* labels: label_asym_id of every structure chain (mkdssp orders ladders by it). */
int pai_dssp_sheets(pa_dssp *d, const char *const *labels, uint32_t nchains);
void pai_dssp_helices(pa_dssp *d);
void pai_dssp_pp(pa_dssp *d, int stretch);
/* dssp_acc.c */
int pai_dssp_surface(pa_dssp *d);
/* format.c: printf("%*.*f", width, prec, v) into p (prec 0..3, width <= 9); the end.
 * Writes at most PAI_DSSP_FIXED_MAX bytes (the digits of DBL_MAX), then a NUL or not. */
#define PAI_DSSP_FIXED_MAX 330
char *pai_dssp_put_fixed(char *p, int width, double v, int prec);

#endif
