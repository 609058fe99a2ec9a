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
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#define NDOTS 200 /* 2 * NDOTS + 1 dots */
static const float kRadiusN = 1.65f, kRadiusCA = 1.87f, kRadiusC = 1.76f, kRadiusO = 1.4f,
                   kRadiusSide = 1.8f, kRadiusWater = 1.4f;
static const double kPi = 3.141592653589793238462643383279502884;
#define NKIND 5 /* the atom radii in use */

static float kind_radius(int k)
{
    const float radii[NKIND] = {kRadiusN, kRadiusCA, kRadiusC, kRadiusO, kRadiusSide};
    return radii[k];
}

static int radius_kind(float r)
{
    int k = 0;
    while (k < NKIND - 1 && kind_radius(k) != r)
        k++;
    return k;
}

/* Neighbours of one atom: position relative to the atom and the squared reach
 * of their grown sphere. mkdssp compares a double reach with a float distance;
 * rounding the reach down to a float keeps every comparison exact in float. */
typedef uint64_t pmask; /* one bit per patch */

typedef struct {
    float *x, *y, *z, *r2;
    float *ux, *uy, *uz, *tmin; /* unit direction; patch-centre cosine needed to matter */
    float *tfull;                 /* patch-centre cosine at which it hides a whole patch */
    double *reach2, *q;           /* squared reach; q > 1: it can hide no dot (dropped) */
    pmask *mask;                  /* patches whose dots it may hide */
    pmask full;                   /* patches some neighbour hides entirely */
    float *px, *py, *pz, *pr2;    /* per patch (stride cap + 8): the neighbours that may hide
                                     its dots, padded to 8 with ones that hide nothing */
    size_t n, cap;
} cands;

/* The dots are grouped into patches around NPATCH centres so that each dot is
 * only tested against the neighbours whose shadow can reach its patch. A
 * neighbour is dropped from a patch only when the exact, real-valued distance
 * of every dot of the patch exceeds its reach by SLACK A^2, far above float
 * rounding: the float test then can never say "hidden", so results do not move.
 * The order of the dots does not matter (all have the same weight). */
#define NPATCH 64
#define SLACK 1e-3

typedef struct {
    pai_v3 dots[2 * NDOTS + 1]; /* patch by patch */
    uint16_t pstart[NPATCH + 1];
    uint32_t pall[NPATCH]; /* a bit per dot of the patch (at most 32 dots: see make_patches) */
    double centre[NPATCH][3];
    float fcx[NPATCH], fcy[NPATCH], fcz[NPATCH]; /* the centres in float */
    double rho; /* largest angle between a dot and its patch centre */
    double cosrho, sinrho;
    double weight;
    float area[2 * NDOTS + 2]; /* area[k]: k dots' weights summed one by one in float, as
                                  mkdssp sums them */
    pai_v3 *xyz; /* all atoms */
    float *rad;
    uint32_t *owner;
    size_t n;
    pai_grid g;
    float *sx, *sy, *sz, *srad; /* the atoms in grid order: a cell row is contiguous */
    uint8_t *kind;              /* each atom's radius, as an index into kRadii */
    float *lim[5];              /* per radius of the centre atom, per sorted atom: the float
                                   form of mkdssp's double reach test (see reach_limit) */
    cands c;
    int avx2;          /* the CPU has AVX2 (patch masks 8 at a time) */
    float scaled_r[8]; /* dots scaled by the few radii in use (one per atom kind) */
    pai_v3 scaled[8][2 * NDOTS + 1];
    float sdx[8][2 * NDOTS + 9], sdy[8][2 * NDOTS + 9], sdz[8][2 * NDOTS + 9]; /* the same
                               by coordinate, padded so that 8-wide loads stay inside */
    int nscaled;
} surf;

static void fibonacci(int n, int i, double out[3])
{
    const double golden = (1 + sqrt(5.0)) / 2;
    double lat = asin(2.0 * i / (2 * n + 1)), lon = fmod(i, golden) * 2 * kPi / golden;
    out[0] = sin(lon) * cos(lat), out[1] = cos(lon) * cos(lat), out[2] = sin(lat);
}

static double dotd(const double c[3], pai_v3 p) { return c[0] * p.x + c[1] * p.y + c[2] * p.z; }

static void make_patches(surf *s, const pai_v3 *dots)
{
    for (int p = 0; p < NPATCH; p++)
        fibonacci(NPATCH / 2, p - NPATCH / 2, s->centre[p]); /* NPATCH - 1 or NPATCH centres */
    int owner[2 * NDOTS + 1], count[NPATCH] = {0};
    s->rho = 0;
    for (int i = 0; i < 2 * NDOTS + 1; i++) {
        int best = 0;
        for (int p = 1; p < NPATCH; p++)
            if (dotd(s->centre[p], dots[i]) > dotd(s->centre[best], dots[i]))
                best = p;
        owner[i] = best;
        count[best]++;
        double c = dotd(s->centre[best], dots[i]);
        s->rho = fmax(s->rho, acos(c > 1 ? 1 : c));
    }
    s->rho += 1e-6;
    s->cosrho = cos(s->rho), s->sinrho = sin(s->rho);
    for (int p = 0; p < NPATCH; p++)
        s->fcx[p] = (float)s->centre[p][0], s->fcy[p] = (float)s->centre[p][1],
        s->fcz[p] = (float)s->centre[p][2];
    s->pstart[0] = 0;
    for (int p = 0; p < NPATCH; p++) {
        s->pstart[p + 1] = (uint16_t)(s->pstart[p] + count[p]);
        s->pall[p] = count[p] >= 32 ? UINT32_MAX : (1u << count[p]) - 1;
    }
    int fill[NPATCH];
    for (int p = 0; p < NPATCH; p++)
        fill[p] = s->pstart[p];
    for (int i = 0; i < 2 * NDOTS + 1; i++)
        s->dots[fill[owner[i]]++] = dots[i];
}

static void make_dots(surf *s)
{
    const int P = 2 * NDOTS + 1;
    const float golden = (1 + sqrtf(5.0f)) / 2;
    pai_v3 dots[2 * NDOTS + 1];
    s->weight = (4 * kPi) / P;
    s->area[0] = 0;
    for (int i = 0; i < P; i++)
        s->area[i + 1] = s->area[i] + (float)s->weight;
    for (int i = -NDOTS; i <= NDOTS; i++) {
        float lat = asinf((2.0f * (float)i) / (float)P);
        float lon = (float)(fmod((double)i, (double)golden) * 2 * kPi / (double)golden);
        dots[i + NDOTS] = (pai_v3){sinf(lon) * cosf(lat), cosf(lon) * cosf(lat), sinf(lat)};
    }
    make_patches(s, dots);
}

static float dist2(pai_v3 a, pai_v3 b)
{
    return (a.x - b.x) * (a.x - b.x) + (a.y - b.y) * (a.y - b.y) + (a.z - b.z) * (a.z - b.z);
}

static float floor_float(double v)
{
    float f = (float)v;
    if ((double)f > v) { /* one ulp down; v > 0 here */
        uint32_t u;
        memcpy(&u, &f, sizeof u);
        u--;
        memcpy(&f, &u, sizeof f);
    }
    return f;
}

static int cands_grow(cands *c)
{
    size_t cap = c->cap ? 2 * c->cap : 64;
    if (cap > 65535)
        return pai_error(PA_ERANGE, "dssp: over 65535 atoms within reach of one atom "
                                    "(overlapping coordinates?)");
    float **f[4] = {&c->x, &c->y, &c->z, &c->r2};
    float **d[4] = {&c->ux, &c->uy, &c->uz, &c->tmin};
    for (int k = 0; k < 4; k++) {
        float *p = pai_realloc(*f[k], (cap + 4) * sizeof *p);
        if (!p)
            return PA_ENOMEM;
        *f[k] = p;
        float *q = pai_realloc(*d[k], (cap + 4) * sizeof *q);
        if (!q)
            return PA_ENOMEM;
        *d[k] = q;
    }
    float **pl[4] = {&c->px, &c->py, &c->pz, &c->pr2};
    for (int k = 0; k < 4; k++) {
        float *q = pai_realloc(*pl[k], (cap + 8) * NPATCH * sizeof *q);
        if (!q)
            return PA_ENOMEM;
        *pl[k] = q;
    }
    pmask *mk = pai_realloc(c->mask, cap * sizeof *mk);
    if (!mk)
        return PA_ENOMEM;
    c->mask = mk;
    float *tf = pai_realloc(c->tfull, (cap + 4) * sizeof *tf);
    if (!tf)
        return PA_ENOMEM;
    c->tfull = tf;
    double **dd[2] = {&c->reach2, &c->q};
    for (int k = 0; k < 2; k++) {
        double *q = pai_realloc(*dd[k], (cap + 4) * sizeof *q);
        if (!q)
            return PA_ENOMEM;
        *dd[k] = q;
    }
    c->cap = cap;
    return 0;
}

static void cands_free(cands *c)
{
    void *p[16] = {c->x,  c->y,  c->z,  c->r2,  c->ux,   c->uy,    c->uz, c->tmin,
                   c->px, c->py, c->pz, c->pr2, c->mask, c->tfull, c->reach2, c->q};
    for (int k = 0; k < 16; k++)
        pai_free(p[k]);
}

/* Bit p set: the neighbour in direction u may hide a dot of patch p. */
#if defined(__GNUC__) && defined(__x86_64__)
#define PAI_DSSP_AVX2 1
#include <immintrin.h>
/* The same masks 8 patches at a time (the margins cover any rounding difference). */
__attribute__((target("avx2"))) static pmask patch_mask_avx2(const surf *s, float ux, float uy,
                                                                 float uz, float tmin, float tfull,
                                                                 pmask *full)
{
    pmask mask = 0, all = 0;
    __m256 x = _mm256_set1_ps(ux), y = _mm256_set1_ps(uy), z = _mm256_set1_ps(uz);
    __m256 t = _mm256_set1_ps(tmin), tf = _mm256_set1_ps(tfull);
    for (int p = 0; p < NPATCH; p += 8) {
        __m256 d = _mm256_add_ps(_mm256_add_ps(_mm256_mul_ps(x, _mm256_loadu_ps(s->fcx + p)),
                                               _mm256_mul_ps(y, _mm256_loadu_ps(s->fcy + p))),
                                 _mm256_mul_ps(z, _mm256_loadu_ps(s->fcz + p)));
        mask |= (pmask)_mm256_movemask_ps(_mm256_cmp_ps(d, t, _CMP_GE_OQ)) << p;
        all |= (pmask)_mm256_movemask_ps(_mm256_cmp_ps(d, tf, _CMP_GE_OQ)) << p;
    }
    *full = all;
    return mask;
}
#endif

#if defined(__SSE2__)
static pmask patch_mask(const surf *s, float ux, float uy, float uz, float tmin, float tfull,
                        pmask *full)
{
    pmask mask = 0, all = 0;
    __m128 x = _mm_set1_ps(ux), y = _mm_set1_ps(uy), z = _mm_set1_ps(uz), t = _mm_set1_ps(tmin);
    __m128 tf = _mm_set1_ps(tfull);
    for (int p = 0; p < NPATCH; p += 4) {
        __m128 d = _mm_add_ps(_mm_add_ps(_mm_mul_ps(x, _mm_loadu_ps(s->fcx + p)),
                                         _mm_mul_ps(y, _mm_loadu_ps(s->fcy + p))),
                              _mm_mul_ps(z, _mm_loadu_ps(s->fcz + p)));
        mask |= (pmask)_mm_movemask_ps(_mm_cmpge_ps(d, t)) << p;
        all |= (pmask)_mm_movemask_ps(_mm_cmpge_ps(d, tf)) << p;
    }
    *full = all;
    return mask;
}
#else
static pmask patch_mask(const surf *s, float ux, float uy, float uz, float tmin, float tfull,
                        pmask *full)
{
    pmask mask = 0, all = 0;
    for (int p = 0; p < NPATCH; p++) {
        float d = ux * s->fcx[p] + uy * s->fcy[p] + uz * s->fcz[p];
        mask |= (pmask)(d >= tmin) << p;
        all |= (pmask)(d >= tfull) << p;
    }
    *full = all;
    return mask;
}
#endif

/* Queue a neighbour at loc whose grown sphere reaches reach2; cands_finish decides. */
static int cands_push(cands *c, pai_v3 loc, double reach2)
{
    if (c->n == c->cap) {
        int rc = cands_grow(c);
        if (rc)
            return rc;
    }
    size_t k = c->n++;
    c->x[k] = loc.x, c->y[k] = loc.y, c->z[k] = loc.z, c->reach2[k] = reach2;
    c->r2[k] = floor_float(reach2);
    return 0;
}

/* For neighbour k of an atom grown to R: q, its direction and the patch-centre cosines
 * tmin (the smallest at which it may still hide a dot of that patch; -2: every patch)
 * and tfull (at or above which it hides the whole patch). */
static void cand_math(const surf *s, cands *c, size_t k, double R)
{
    double x = c->x[k], y = c->y[k], z = c->z[k];
    double L = sqrt(x * x + y * y + z * z);
    /* dot p at distance^2 = R^2 + L^2 - 2RL (p.u); it matters when that is <= reach2 + SLACK */
    double q = (R * R + L * L - c->reach2[k] - SLACK) / (2 * R * L);
    c->q[k] = q;
    if (q < -1)
        q = -1;
    c->ux[k] = (float)(x / L), c->uy[k] = (float)(y / L), c->uz[k] = (float)(z / L);
    /* cos(acos(q) + rho); past pi every patch counts. 1e-4 covers the float
     * rounding of the patch test (its cosines are good to 1e-6). */
    c->tmin[k] = q <= -s->cosrho ? -2 : (float)(q * s->cosrho - sqrt(1 - q * q) * s->sinrho - 1e-4);
    /* Patches it hides entirely: every dot's distance at least SLACK inside its reach,
     * i.e. the patch centre within acos(qin) - rho of its direction. */
    double qin = (R * R + L * L - c->reach2[k] + SLACK) / (2 * R * L);
    c->tfull[k] = qin < -1            ? -2 /* the whole sphere */
                  : qin >= s->cosrho ? 2  /* a cap narrower than a patch */
                                     : (float)(qin * s->cosrho + sqrt(1 - qin * qin) * s->sinrho + 1e-4);
}

#ifdef PAI_DSSP_AVX2
/* cand_math for neighbours k..k+3: the same double operations in the same order (no FMA),
 * hence the same bits. Lanes past n compute garbage that nobody reads. */
__attribute__((target("avx2"))) static void cand_math4(const surf *s, cands *c, size_t k,
                                                        double R)
{
    __m256d x = _mm256_cvtps_pd(_mm_loadu_ps(c->x + k));
    __m256d y = _mm256_cvtps_pd(_mm_loadu_ps(c->y + k));
    __m256d z = _mm256_cvtps_pd(_mm_loadu_ps(c->z + k));
    __m256d L = _mm256_sqrt_pd(_mm256_add_pd(_mm256_add_pd(_mm256_mul_pd(x, x), _mm256_mul_pd(y, y)),
                                             _mm256_mul_pd(z, z)));
    __m256d rr = _mm256_set1_pd(R * R), reach2 = _mm256_loadu_pd(c->reach2 + k);
    __m256d base = _mm256_sub_pd(_mm256_add_pd(rr, _mm256_mul_pd(L, L)), reach2);
    __m256d den = _mm256_mul_pd(_mm256_set1_pd(2 * R), L), slack = _mm256_set1_pd(SLACK);
    __m256d q = _mm256_div_pd(_mm256_sub_pd(base, slack), den);
    __m256d qin = _mm256_div_pd(_mm256_add_pd(base, slack), den);
    _mm256_storeu_pd(c->q + k, q);
    __m256d one = _mm256_set1_pd(1), m1 = _mm256_set1_pd(-1), eps = _mm256_set1_pd(1e-4);
    __m256d cr = _mm256_set1_pd(s->cosrho), sr = _mm256_set1_pd(s->sinrho);
    q = _mm256_blendv_pd(q, m1, _mm256_cmp_pd(q, m1, _CMP_LT_OQ));
    _mm_storeu_ps(c->ux + k, _mm256_cvtpd_ps(_mm256_div_pd(x, L)));
    _mm_storeu_ps(c->uy + k, _mm256_cvtpd_ps(_mm256_div_pd(y, L)));
    _mm_storeu_ps(c->uz + k, _mm256_cvtpd_ps(_mm256_div_pd(z, L)));
    __m256d tmin = _mm256_sub_pd(
        _mm256_sub_pd(_mm256_mul_pd(q, cr),
                      _mm256_mul_pd(_mm256_sqrt_pd(_mm256_sub_pd(one, _mm256_mul_pd(q, q))), sr)),
        eps);
    tmin = _mm256_blendv_pd(tmin, _mm256_set1_pd(-2),
                            _mm256_cmp_pd(q, _mm256_sub_pd(_mm256_setzero_pd(), cr), _CMP_LE_OQ));
    _mm_storeu_ps(c->tmin + k, _mm256_cvtpd_ps(tmin));
    __m256d tf = _mm256_add_pd(
        _mm256_add_pd(_mm256_mul_pd(qin, cr),
                      _mm256_mul_pd(_mm256_sqrt_pd(_mm256_sub_pd(one, _mm256_mul_pd(qin, qin))), sr)),
        eps);
    tf = _mm256_blendv_pd(tf, _mm256_set1_pd(2), _mm256_cmp_pd(qin, cr, _CMP_GE_OQ));
    tf = _mm256_blendv_pd(tf, _mm256_set1_pd(-2), _mm256_cmp_pd(qin, m1, _CMP_LT_OQ));
    _mm_storeu_ps(c->tfull + k, _mm256_cvtpd_ps(tf));
}
#endif

/* Drop the neighbours that can hide no dot (q > 1), keeping the order, and give the rest
 * their patch masks. */
static void cands_finish(surf *s, double R)
{
    cands *c = &s->c;
    size_t k = 0, kept = 0;
#ifdef PAI_DSSP_AVX2
    if (s->avx2)
        for (; k + 4 <= c->n; k += 4)
            cand_math4(s, c, k, R);
#endif
    for (; k < c->n; k++)
        cand_math(s, c, k, R);
    for (k = 0; k < c->n; k++) {
        if (c->q[k] > 1)
            continue;
        size_t j = kept++;
        c->x[j] = c->x[k], c->y[j] = c->y[k], c->z[j] = c->z[k], c->r2[j] = c->r2[k];
        c->ux[j] = c->ux[k], c->uy[j] = c->uy[k], c->uz[j] = c->uz[k], c->tmin[j] = c->tmin[k];
        pmask full;
#ifdef PAI_DSSP_AVX2
        if (s->avx2)
            c->mask[j] = patch_mask_avx2(s, c->ux[j], c->uy[j], c->uz[j], c->tmin[j], c->tfull[k], &full);
        else
#endif
            c->mask[j] = patch_mask(s, c->ux[j], c->uy[j], c->uz[j], c->tmin[j], c->tfull[k], &full);
        c->full |= full;
    }
    c->n = kept;
}

/* A patch's neighbours, contiguous. */
typedef struct {
    const float *x, *y, *z, *r2;
    size_t n; /* padded to a multiple of 8 for patch_free */
} plist;

static int hidden_by(const plist *l, size_t m, pai_v3 xx)
{
    float dx = xx.x - l->x[m], dy = xx.y - l->y[m], dz = xx.z - l->z[m];
    return !(l->r2[m] < dx * dx + dy * dy + dz * dz);
}

/* Bit k set: neighbour m + k hides the dot (the same float operations as one by one). */
static int block_hidden(const plist *l, size_t m, pai_v3 xx)
{
#if defined(__SSE2__)
    __m128 dx = _mm_sub_ps(_mm_set1_ps(xx.x), _mm_loadu_ps(l->x + m));
    __m128 dy = _mm_sub_ps(_mm_set1_ps(xx.y), _mm_loadu_ps(l->y + m));
    __m128 dz = _mm_sub_ps(_mm_set1_ps(xx.z), _mm_loadu_ps(l->z + m));
    __m128 d2 = _mm_add_ps(_mm_add_ps(_mm_mul_ps(dx, dx), _mm_mul_ps(dy, dy)), _mm_mul_ps(dz, dz));
    return _mm_movemask_ps(_mm_cmpnlt_ps(_mm_loadu_ps(l->r2 + m), d2));
#else
    int bits = 0;
    for (int k = 0; k < 4; k++)
        bits |= hidden_by(l, m + (size_t)k, xx) << k;
    return bits;
#endif
}

/* Free dots of one patch; dots are the patch's dots already scaled to the atom. */
static int patch_free(const pai_v3 *dots, int ndots, const plist *l)
{
    int nfree = 0;
    size_t last = 0; /* the neighbour that hid the previous dot often hides this one */
    for (int i = 0; i < ndots; i++) {
        pai_v3 xx = dots[i];
        if (hidden_by(l, last, xx))
            continue;
        int bits = 0;
        size_t m = 0;
        for (; m < l->n && !(bits = block_hidden(l, m, xx)); m += 4)
            ;
        if (!bits)
            nfree++;
        else
            last = m + (size_t)__builtin_ctz((unsigned)bits);
    }
    return nfree;
}

#ifdef PAI_DSSP_AVX2
/* Free dots of the atom whose dots, scaled, are dx/dy/dz, neighbour after neighbour: each
 * tests, 8 dots at a time, the patches of its mask not yet wholly hidden. Every patch thus
 * sees the same neighbours in the same order, up to the one that hides its last dot, as
 * patch by patch, without copying the neighbours into per-patch lists. The same float
 * operations (no FMA), so the same verdicts. */
__attribute__((target("avx2"))) static int free_dots_avx2(const surf *s, const float *dx,
                                                           const float *dy, const float *dz)
{
    const cands *c = &s->c;
    uint32_t hid[NPATCH] = {0}; /* bit i: dot i of the patch is hidden */
    pmask done = c->full;       /* patches with every dot hidden */
    for (size_t m = 0; m < c->n; m++) {
        pmask todo = c->mask[m] & ~done;
        if (!todo)
            continue;
        __m256 bx = _mm256_set1_ps(c->x[m]), by = _mm256_set1_ps(c->y[m]);
        __m256 bz = _mm256_set1_ps(c->z[m]), r2 = _mm256_set1_ps(c->r2[m]);
        for (; todo; todo &= todo - 1) {
            int p = __builtin_ctzll(todo), d0 = s->pstart[p], nd = s->pstart[p + 1] - d0;
            uint32_t bits = 0;
            for (int i = 0; i < nd; i += 8) {
                __m256 ex = _mm256_sub_ps(_mm256_loadu_ps(dx + d0 + i), bx);
                __m256 ey = _mm256_sub_ps(_mm256_loadu_ps(dy + d0 + i), by);
                __m256 ez = _mm256_sub_ps(_mm256_loadu_ps(dz + d0 + i), bz);
                __m256 d2 = _mm256_add_ps(_mm256_add_ps(_mm256_mul_ps(ex, ex), _mm256_mul_ps(ey, ey)),
                                          _mm256_mul_ps(ez, ez));
                bits |= (uint32_t)_mm256_movemask_ps(_mm256_cmp_ps(r2, d2, _CMP_NLT_UQ)) << i;
            }
            hid[p] |= bits & s->pall[p];
            if (hid[p] == s->pall[p])
                done |= (pmask)1 << p;
        }
    }
    int nfree = 0;
    for (int p = 0; p < NPATCH; p++)
        if (!((c->full >> p) & 1))
            nfree += s->pstart[p + 1] - s->pstart[p] - __builtin_popcount(hid[p]);
    return nfree;
}
#endif

/* The dots times radius (as mkdssp forms them, in float), cached per radius. */
static int scaled_dots(surf *s, float radius)
{
    for (int k = 0; k < s->nscaled; k++)
        if (s->scaled_r[k] == radius)
            return k;
    int k = s->nscaled < 8 ? s->nscaled++ : 7;
    s->scaled_r[k] = radius;
    for (int i = 0; i < 2 * NDOTS + 1; i++) {
        pai_v3 v = {s->dots[i].x * radius, s->dots[i].y * radius, s->dots[i].z * radius};
        s->scaled[k][i] = v;
        s->sdx[k][i] = v.x, s->sdy[k][i] = v.y, s->sdz[k][i] = v.z;
    }
    return k;
}

/* mkdssp takes atom b as a neighbour of atom a when (double)d2 < (ra + 1.4 + rb + 1.4)^2 in
 * double, d2 being the float squared distance. For a float d2 that is d2 < the smallest float
 * at or above the double bound, so the whole test runs in float. */
static float reach_limit(float ra, float rb)
{
    double d = (double)ra + kRadiusWater, r = (double)rb + kRadiusWater, lim = (d + r) * (d + r);
    float f = (float)lim;
    return (double)f < lim ? nextafterf(f, INFINITY) : f;
}

/* ... and d2 > 0.0001 in double (not the atom itself) is d2 > the largest float below
 * 0.0001, which is 1e-4f. */
#define NOT_SELF 1e-4f

/* Queue sorted atom k as a neighbour of atom a (it passed the reach test). */
static int take_neighbour(surf *s, pai_v3 a, size_t k)
{
    double r = (double)s->srad[k] + kRadiusWater;
    pai_v3 loc = {s->sx[k] - a.x, s->sy[k] - a.y, s->sz[k] - a.z};
    return cands_push(&s->c, loc, r * r);
}

/* Neighbours among sorted atoms [b, e), 4 at a time; lim: reach_limit for each. */
static int scan_run(surf *s, pai_v3 a, const float *lim, size_t b, size_t e)
{
    size_t k = b;
#if defined(__SSE2__)
    __m128 ax = _mm_set1_ps(a.x), ay = _mm_set1_ps(a.y), az = _mm_set1_ps(a.z);
    __m128 self = _mm_set1_ps(NOT_SELF);
    for (; k + 4 <= e; k += 4) {
        __m128 dx = _mm_sub_ps(ax, _mm_loadu_ps(s->sx + k));
        __m128 dy = _mm_sub_ps(ay, _mm_loadu_ps(s->sy + k));
        __m128 dz = _mm_sub_ps(az, _mm_loadu_ps(s->sz + k));
        __m128 d2 = _mm_add_ps(_mm_add_ps(_mm_mul_ps(dx, dx), _mm_mul_ps(dy, dy)), _mm_mul_ps(dz, dz));
        __m128 in = _mm_and_ps(_mm_cmplt_ps(d2, _mm_loadu_ps(lim + k)), _mm_cmpgt_ps(d2, self));
        for (int bits = _mm_movemask_ps(in); bits; bits &= bits - 1) {
            int rc = take_neighbour(s, a, k + (size_t)__builtin_ctz((unsigned)bits));
            if (rc)
                return rc;
        }
    }
#endif
    for (; k < e; k++) {
        pai_v3 b3 = {s->sx[k], s->sy[k], s->sz[k]};
        float d2 = dist2(a, b3);
        if (d2 < lim[k] && d2 > NOT_SELF) {
            int rc = take_neighbour(s, a, k);
            if (rc)
                return rc;
        }
    }
    return 0;
}

/* Free surface of atom k (A^2). */
static int atom_surface(surf *s, size_t k, float *out)
{
    pai_v3 a = s->xyz[k];
    float ra = s->rad[k], radius = ra + kRadiusWater;
    cands *c = &s->c;
    c->n = 0;
    c->full = 0;
    int rc = 0;
    int cx, cy, cz;
    pai_grid_cell(&s->g, a, &cx, &cy, &cz);
    const pai_grid *g = &s->g;
    const float *lim = s->lim[s->kind[k]];
    for (int z = cz > 0 ? cz - 1 : 0; rc == 0 && z <= cz + 1 && z < g->nz; z++)
        for (int y = cy > 0 ? cy - 1 : 0; rc == 0 && y <= cy + 1 && y < g->ny; y++) {
            /* cells x-1..x+1 of a row are contiguous in the cell-sorted copy */
            size_t row = ((size_t)z * (size_t)g->ny + (size_t)y) * (size_t)g->nx;
            size_t b = g->start[row + (size_t)(cx > 0 ? cx - 1 : 0)];
            size_t e = g->start[row + (size_t)(cx + 1 < g->nx ? cx + 2 : g->nx)];
            rc = scan_run(s, a, lim, b, e);
        }
    if (rc)
        return rc;
    cands_finish(s, radius);
    int sk = scaled_dots(s, radius);
#ifdef PAI_DSSP_AVX2
    if (s->avx2) {
        *out = s->area[free_dots_avx2(s, s->sdx[sk], s->sdy[sk], s->sdz[sk])] * radius * radius;
        return 0;
    }
#endif
    size_t nl[NPATCH] = {0}, stride = c->cap + 8;
    for (size_t m = 0; m < c->n; m++) /* each neighbour into the lists of its patches */
        for (pmask bits = c->mask[m] & ~c->full; bits; bits &= bits - 1) {
            int p = __builtin_ctzll(bits);
            size_t at = (size_t)p * stride + nl[p]++;
            c->px[at] = c->x[m], c->py[at] = c->y[m], c->pz[at] = c->z[m], c->pr2[at] = c->r2[m];
        }
    const pai_v3 *scaled = s->scaled[sk];
    int nfree = 0;
    for (int p = 0; p < NPATCH; p++) {
        int nd = s->pstart[p + 1] - s->pstart[p];
        if ((c->full >> p) & 1)
            continue; /* no free dot */
        if (!nl[p]) {
            nfree += nd;
            continue;
        }
        size_t base = (size_t)p * stride;
        plist l = {c->px + base, c->py + base, c->pz + base, c->pr2 + base, nl[p]};
        for (; l.n % 8; l.n++) /* padding: hides nothing */
            c->px[base + l.n] = c->py[base + l.n] = c->pz[base + l.n] = 0, c->pr2[base + l.n] = -1;
        nfree += patch_free(scaled + s->pstart[p], nd, &l);
    }
    *out = s->area[nfree] * radius * radius;
    return 0;
}

static int sort_atoms(surf *s)
{
    size_t n = s->n ? s->n : 1;
    float **arr[4] = {&s->sx, &s->sy, &s->sz, &s->srad};
    for (int k = 0; k < 4; k++)
        if (!(*arr[k] = pai_malloc(n * sizeof **arr[k])))
            return PA_ENOMEM;
    if (!(s->lim[0] = pai_malloc(NKIND * n * sizeof *s->lim[0])) ||
        !(s->kind = pai_malloc(n * sizeof *s->kind)))
        return PA_ENOMEM;
    for (int a = 1; a < NKIND; a++)
        s->lim[a] = s->lim[0] + (size_t)a * n;
    for (size_t k = 0; k < s->n; k++) {
        uint32_t j = s->g.item[k];
        s->sx[k] = s->xyz[j].x, s->sy[k] = s->xyz[j].y, s->sz[k] = s->xyz[j].z;
        s->srad[k] = s->rad[j];
        s->kind[j] = (uint8_t)radius_kind(s->rad[j]);
        for (int a = 0; a < NKIND; a++)
            s->lim[a][k] = reach_limit(kind_radius(a), s->srad[k]);
    }
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
#ifdef PAI_DSSP_AVX2
    s.avx2 = __builtin_cpu_supports("avx2");
#endif
    make_dots(&s);
    for (int p = 0; p < NPATCH; p++) /* free_dots_avx2's masks hold 32 dots a patch (~7 here) */
        if (s.pstart[p + 1] - s.pstart[p] > 32)
            s.avx2 = 0;
    int rc = collect_atoms(d, &s);
    if (rc == 0) /* cell = the largest pair cutoff: 2 * (1.87 + 1.4) */
        rc = pai_grid_build(&s.g, s.xyz, s.n, 2 * (kRadiusCA + kRadiusWater));
    if (rc == 0)
        rc = sort_atoms(&s);
    d->surface = 0;
    for (size_t k = 0; rc == 0 && k < s.n; k++) {
        float a;
        if ((rc = atom_surface(&s, k, &a)) == 0)
            d->r[s.owner[k]].access += a;
    }
    for (size_t i = 0; rc == 0 && i < d->n; i++)
        d->surface += d->r[i].access;
    pai_grid_free(&s.g);
    pai_free(s.sx);
    pai_free(s.sy);
    pai_free(s.sz);
    pai_free(s.srad);
    pai_free(s.kind);
    pai_free(s.lim[0]);
    pai_free(s.xyz);
    pai_free(s.rad);
    pai_free(s.owner);
    cands_free(&s.c);
    return rc;
}
