/* geom.c — backbone angles, amide hydrogens and H-bond energies. */
#include "grid.h"

#include <math.h>

static const double kPi = 3.141592653589793238462643383279502884;
static const float kMinimalDistance = 0.5f, kMinimalCADistance = 9.0f, kMinHBondEnergy = -9.9f,
                   kMaxHBondEnergy = -0.5f, kCouplingConstant = -27.888f;

static pai_v3 sub(pai_v3 a, pai_v3 b) { return (pai_v3){a.x - b.x, a.y - b.y, a.z - b.z}; }
static float dot(pai_v3 a, pai_v3 b) { return a.x * b.x + a.y * b.y + a.z * b.z; }
static pai_v3 cross(pai_v3 a, pai_v3 b)
{
    return (pai_v3){a.y * b.z - b.y * a.z, a.z * b.x - b.z * a.x, a.x * b.y - b.x * a.y};
}
static float dist2(pai_v3 a, pai_v3 b)
{
    return (a.x - b.x) * (a.x - b.x) + (a.y - b.y) * (a.y - b.y) + (a.z - b.z) * (a.z - b.z);
}
static float dist(pai_v3 a, pai_v3 b) { return sqrtf(dist2(a, b)); }

/* Dihedral p1-p2-p3-p4 in degrees; 360 when undefined (collinear atoms). */
float pai_dssp_dihedral(pai_v3 p1, pai_v3 p2, pai_v3 p3, pai_v3 p4)
{
    pai_v3 v12 = sub(p1, p2), v43 = sub(p4, p3), z = sub(p2, p3);
    pai_v3 p = cross(z, v12), x = cross(z, v43), y = cross(z, x);
    float u = dot(x, x), v = dot(y, y);
    float result = 360;
    if (u > 0 && v > 0) {
        u = dot(p, x) / sqrtf(u);
        v = dot(p, y) / sqrtf(v);
        if (u != 0 || v != 0)
            result = atan2f(v, u) * 180.f / (float)kPi;
    }
    return result;
}

/* Cosine of the angle between p2->p1 and p4->p3 (0 when a vector is null). */
float pai_dssp_cosangle(pai_v3 p1, pai_v3 p2, pai_v3 p3, pai_v3 p4)
{
    pai_v3 v12 = sub(p1, p2), v34 = sub(p3, p4);
    float x = dot(v12, v12) * dot(v34, v34);
    return x > 0 ? dot(v12, v34) / sqrtf(x) : 0;
}

/* The amide H sits 1 A from N along the previous residue's O->C direction.
 * mkdssp uses the previous residue in its list even across a break; so do we. */
static void place_h(pai_dres *cur, const pai_dres *prev)
{
    cur->h = cur->n;
    if (cur->type == 'P' || !prev)
        return;
    float co = dist(prev->c, prev->o);
    cur->h.x += (prev->c.x - prev->o.x) / co;
    cur->h.y += (prev->c.y - prev->o.y) / co;
    cur->h.z += (prev->c.z - prev->o.z) / co;
}

static void kappa(pa_dssp *d, size_t i)
{
    pai_dres *r = d->r;
    if (i < 2 || i + 2 >= d->n || !pai_dssp_nobreak(d, i - 2, i + 2) || r[i - 2].seq + 4 != r[i + 2].seq)
        return;
    float ckap = pai_dssp_cosangle(r[i].ca, r[i - 2].ca, r[i + 2].ca, r[i].ca);
    float skap = sqrtf(1 - ckap * ckap);
    r[i].kappa = atan2f(skap, ckap) * (float)(180 / kPi);
}

void pai_dssp_angles(pa_dssp *d)
{
    pai_dres *r = d->r;
    for (size_t i = 0; i < d->n; i++) {
        pai_dres *cur = &r[i];
        place_h(cur, i > 0 ? &r[i - 1] : NULL);
        kappa(d, i);
        if (i + 1 < d->n && pai_dssp_nobreak(d, i, i + 1)) {
            cur->psi = pai_dssp_dihedral(cur->n, cur->ca, cur->c, r[i + 1].n);
            cur->omega = pai_dssp_dihedral(cur->ca, cur->c, r[i + 1].n, r[i + 1].ca);
        }
        if (i > 0 && pai_dssp_nobreak(d, i - 1, i)) {
            cur->tco = pai_dssp_cosangle(cur->c, cur->o, r[i - 1].c, r[i - 1].o);
            cur->phi = pai_dssp_dihedral(r[i - 1].c, cur->n, cur->ca, cur->c);
        }
        if (i >= 1 && i + 2 < d->n && pai_dssp_nobreak(d, i - 1, i + 2))
            cur->alpha = pai_dssp_dihedral(r[i - 1].ca, cur->ca, r[i + 1].ca, r[i + 2].ca);
    }
}

/* Electrostatic energy of N-H(donor) ... O=C(acceptor), rounded to 0.001 like mkdssp. */
static double hbond_energy(const pai_dres *don, const pai_dres *acc)
{
    if (don->type == 'P')
        return 0;
    float dHO = dist(don->h, acc->o), dHC = dist(don->h, acc->c);
    float dNC = dist(don->n, acc->c), dNO = dist(don->n, acc->o);
    double e;
    if (dHO < kMinimalDistance || dHC < kMinimalDistance || dNC < kMinimalDistance ||
        dNO < kMinimalDistance)
        e = kMinHBondEnergy;
    else
        e = (double)kCouplingConstant / dHO - (double)kCouplingConstant / dHC +
            (double)kCouplingConstant / dNC - (double)kCouplingConstant / dNO;
    e = round(e * 1000) / 1000;
    return e < kMinHBondEnergy ? kMinHBondEnergy : e;
}

/* Keep the two lowest energies; at equal energy the lower partner index wins,
 * which is what mkdssp's pair order gives. */
static void keep_best(pai_hbond h[2], int32_t res, double e)
{
#define PAI_BEFORE(s) ((s).res < 0 ? e < (s).e : (e < (s).e || (e == (s).e && res < (s).res)))
    if (!(e < 0))
        return;
    if (PAI_BEFORE(h[0])) {
        h[1] = h[0];
        h[0] = (pai_hbond){res, e};
    } else if (PAI_BEFORE(h[1])) {
        h[1] = (pai_hbond){res, e};
    }
#undef PAI_BEFORE
}

int pai_dssp_hbonds(pa_dssp *d)
{
    pai_v3 *ca = pai_malloc((d->n ? d->n : 1) * sizeof *ca);
    if (!ca)
        return PA_ENOMEM;
    for (size_t i = 0; i < d->n; i++)
        ca[i] = d->r[i].ca;
    pai_grid g;
    int rc = pai_grid_build(&g, ca, d->n, kMinimalCADistance);
    if (rc == 0) {
        for (size_t i = 0; i < d->n; i++) {
            pai_dres *don = &d->r[i];
            PAI_GRID_FOREACH(&g, ca[i], j, {
                /* mkdssp never pairs a donor with the residue just before it */
                if (j != i && j + 1 != i && dist(ca[i], ca[j]) < kMinimalCADistance) {
                    double e = hbond_energy(don, &d->r[j]);
                    keep_best(don->acc, (int32_t)j, e);
                    keep_best(d->r[j].don, (int32_t)i, e);
                }
            });
        }
        pai_grid_free(&g);
    }
    pai_free(ca);
    return rc;
}

int pai_dssp_hbonded(const pa_dssp *d, size_t donor, size_t acceptor)
{
    const pai_dres *a = &d->r[donor];
    return (a->acc[0].res == (int32_t)acceptor && a->acc[0].e < kMaxHBondEnergy) ||
           (a->acc[1].res == (int32_t)acceptor && a->acc[1].e < kMaxHBondEnergy);
}
