/* acc.c — solvent accessibility as DSSP computes it.
 *
 * Every heavy atom of the assessed residues is a sphere (N 1.65, CA 1.87, C 1.76,
 * O 1.4, side chain 1.8 A) grown by a 1.4 A water; 401 dots on a Fibonacci
 * sphere are tested against the neighbours' grown spheres and the free ones
 * counted. Only assessed residues take part (no waters, ligands or incomplete
 * residues), as in mkdssp. The dots are a pure function of N, so each call
 * builds them: no global state. */
#include "grid.h"

#include <math.h>
#include <stdlib.h>

#define NDOTS 200 /* 2 * NDOTS + 1 dots */
static const float kRadiusN = 1.65f, kRadiusCA = 1.87f, kRadiusC = 1.76f, kRadiusO = 1.4f,
                   kRadiusSide = 1.8f, kRadiusWater = 1.4f;
static const double kPi = 3.141592653589793238462643383279502884;

typedef struct {
    pai_v3 loc;    /* neighbour - atom */
    double r2;     /* (neighbour radius + water)^2 */
    float d2;      /* distance^2, for the nearest-first order */
} cand;

typedef struct {
    pai_v3 dots[2 * NDOTS + 1];
    double weight;
    pai_v3 *xyz; /* all atoms */
    float *rad;
    uint32_t *owner;
    size_t n;
    pai_grid g;
    cand *c;
    size_t cap;
} surf;

static void make_dots(surf *s)
{
    const int P = 2 * NDOTS + 1;
    const float golden = (1 + sqrtf(5.0f)) / 2;
    s->weight = (4 * kPi) / P;
    for (int i = -NDOTS; i <= NDOTS; i++) {
        float lat = asinf((2.0f * (float)i) / (float)P);
        float lon = (float)(fmod((double)i, (double)golden) * 2 * kPi / (double)golden);
        s->dots[i + NDOTS] = (pai_v3){sinf(lon) * cosf(lat), cosf(lon) * cosf(lat), sinf(lat)};
    }
}

static int cmp_cand(const void *a, const void *b)
{
    float x = ((const cand *)a)->d2, y = ((const cand *)b)->d2;
    return (x > y) - (x < y);
}

static float dist2(pai_v3 a, pai_v3 b)
{
    return (a.x - b.x) * (a.x - b.x) + (a.y - b.y) * (a.y - b.y) + (a.z - b.z) * (a.z - b.z);
}

/* Free surface of atom k (A^2). */
static int atom_surface(surf *s, size_t k, float *out)
{
    pai_v3 a = s->xyz[k];
    float ra = s->rad[k];
    size_t nc = 0;
    int rc = 0;
    PAI_GRID_FOREACH(&s->g, a, j, {
        double d = (double)ra + kRadiusWater, r = (double)s->rad[j] + kRadiusWater;
        double d2 = dist2(a, s->xyz[j]);
        if (rc == 0 && d2 < (d + r) * (d + r) && d2 > 0.0001) {
            if (PAI_GROW(s->c, s->cap, nc + 1))
                rc = PA_ENOMEM;
            else
                s->c[nc++] = (cand){{s->xyz[j].x - a.x, s->xyz[j].y - a.y, s->xyz[j].z - a.z}, r * r,
                                    (float)d2};
        }
    });
    if (rc)
        return rc;
    qsort(s->c, nc, sizeof *s->c, cmp_cand); /* near ones hide most dots: test them first */
    float radius = ra + kRadiusWater, surface = 0;
    for (size_t i = 0; i < 2 * NDOTS + 1; i++) {
        pai_v3 xx = {s->dots[i].x * radius, s->dots[i].y * radius, s->dots[i].z * radius};
        int free_dot = 1;
        for (size_t m = 0; free_dot && m < nc; m++)
            free_dot = s->c[m].r2 < dist2(xx, s->c[m].loc);
        if (free_dot)
            surface += (float)s->weight;
    }
    *out = surface * radius * radius;
    return 0;
}

static int collect_atoms(pa_dssp *d, surf *s)
{
    s->n = d->n * 4 + d->nside;
    size_t n = s->n ? s->n : 1;
    s->xyz = pai_malloc(n * sizeof *s->xyz);
    s->rad = pai_malloc(n * sizeof *s->rad);
    s->owner = pai_malloc(n * sizeof *s->owner);
    if (!s->xyz || !s->rad || !s->owner)
        return PA_ENOMEM;
    size_t k = 0;
    for (size_t i = 0; i < d->n; i++) {
        const pai_dres *r = &d->r[i];
        pai_v3 bb[4] = {r->n, r->ca, r->c, r->o};
        float rr[4] = {kRadiusN, kRadiusCA, kRadiusC, kRadiusO};
        for (int b = 0; b < 4; b++, k++)
            s->xyz[k] = bb[b], s->rad[k] = rr[b], s->owner[k] = (uint32_t)i;
        for (uint32_t m = 0; m < r->nside; m++, k++)
            s->xyz[k] = d->side[r->side0 + m], s->rad[k] = kRadiusSide, s->owner[k] = (uint32_t)i;
    }
    return 0;
}

int pai_dssp_surface(pa_dssp *d)
{
    surf s = {0};
    make_dots(&s);
    int rc = collect_atoms(d, &s);
    if (rc == 0) /* cell = the largest pair cutoff: 2 * (1.87 + 1.4) */
        rc = pai_grid_build(&s.g, s.xyz, s.n, 2 * (kRadiusCA + kRadiusWater));
    d->surface = 0;
    for (size_t k = 0; rc == 0 && k < s.n; k++) {
        float a;
        if ((rc = atom_surface(&s, k, &a)) == 0)
            d->r[s.owner[k]].access += a;
    }
    for (size_t i = 0; rc == 0 && i < d->n; i++)
        d->surface += d->r[i].access;
    pai_grid_free(&s.g);
    pai_free(s.xyz);
    pai_free(s.rad);
    pai_free(s.owner);
    pai_free(s.c);
    return rc;
}
