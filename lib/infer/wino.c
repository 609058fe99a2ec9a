/* wino.c — Winograd minimal filtering F(m, K) for the fp32 1-D convolutions: transforms
 * built at load from interpolation points, weights transformed and packed once, and the
 * per-sequence driver (split input, transforms in conv1d_wino_tmpl.h, one GEMM per point on
 * the direct kernel). F(m, K) spends a = m + K - 1 multiplications on m outputs instead of
 * m * K: F(4, 5) cuts the GEMM work 2.5x.
 *
 * Tile size by error: on random data, the max error of one fp32 tile relative to the
 * direct sum grows with a (points 0, +-1, +-2, +-1/2 and infinity): about 2e-6 for a <= 8,
 * 2e-5 for F(6, 5) and F(4, 7) (a = 10). So m = min(4, 9 - K): a <= 8 for K = 3..7.
 * bf16 keeps the same tiles: with 8-bit mantissas, F(4, 5) already has ~5x the RMS error of
 * bf16 direct and F(6, 5) would have 16-32x (simulated, by its two extra points), against a 17 %
 * smaller GEMM. bf16 runs its own input transform (conv1d_bf16.c, straight to bf16 pairs)
 * and output epilogue (a GELU to its precision). */
#include "infer/infer_int.h"

#include <math.h>
#include <string.h>

int pai_wino_tile(int64_t K)
{
    if (K < 3 || K > 7)
        return 0;
    return K <= 5 ? 4 : (int)(9 - K);
}

/* Finite interpolation points in the order used (the last point is infinity). */
static const double points[PAI_WINO_AMAX - 1] = {0.0, 1.0, -1.0, 2.0, -2.0, 0.5, -0.5};

static double ipow(double x, int e)
{
    double r = 1.0;
    while (e-- > 0)
        r *= x;
    return r;
}

/* Invert the a x a matrix v (Gauss-Jordan, partial pivoting); -1 when singular. */
static int invert(int a, double v[PAI_WINO_AMAX][PAI_WINO_AMAX],
                  double inv[PAI_WINO_AMAX][PAI_WINO_AMAX])
{
    for (int i = 0; i < a; i++)
        for (int j = 0; j < a; j++)
            inv[i][j] = i == j;
    for (int c = 0; c < a; c++) {
        int p = c;
        for (int r = c + 1; r < a; r++)
            p = fabs(v[r][c]) > fabs(v[p][c]) ? r : p;
        if (fabs(v[p][c]) < 1e-12)
            return -1;
        for (int j = 0; j < a; j++) {
            double t = v[c][j];
            v[c][j] = v[p][j];
            v[p][j] = t;
            t = inv[c][j];
            inv[c][j] = inv[p][j];
            inv[p][j] = t;
        }
        double s = 1.0 / v[c][c];
        for (int j = 0; j < a; j++) {
            v[c][j] *= s;
            inv[c][j] *= s;
        }
        for (int r = 0; r < a; r++) {
            double f = r == c ? 0.0 : v[r][c];
            for (int j = 0; f != 0.0 && j < a; j++) {
                v[r][j] -= f * v[c][j];
                inv[r][j] -= f * inv[c][j];
            }
        }
    }
    return 0;
}

/* Row k of the evaluation matrix of n coefficients: powers of point k, or the leading
 * coefficient for the point at infinity. */
static double eval_at(int a, int k, int n, int l)
{
    return k == a - 1 ? (double)(l == n - 1) : ipow(points[k], l);
}

/* For a = 8 (points 0, +-1, +-2, +-1/2, infinity), whether BT has the even / odd
 * structure of a symmetric point set (within rounding): row 0 even terms only, row 7 odd
 * ones, row 2j + 2 = row 2j + 1 with odd terms negated, and rows 1..6 without terms 0 and 7
 * (their Lagrange polynomials vanish at 0 and have degree 6). Then made exact, so the
 * identity check in build() covers what the vector code assumes. */
static int symmetrize(int a, double bt[PAI_WINO_AMAX][PAI_WINO_AMAX])
{
    int ok = a == 8;
    for (int l = 0; ok && l < 8; l++) {
        ok = fabs(bt[0][l]) * (l % 2) < 1e-12 && fabs(bt[7][l]) * (1 - l % 2) < 1e-12;
        for (int k = 1; ok && k < 7; k += 2)
            ok = fabs(bt[k + 1][l] - (l % 2 ? -1 : 1) * bt[k][l]) < 1e-12 &&
                 fabs(bt[k][l]) * (l == 0 || l == 7) < 1e-12;
    }
    for (int l = 0; ok && l < 8; l++) {
        bt[0][l] *= 1 - l % 2;
        bt[7][l] *= l % 2;
        for (int k = 1; k < 7; k += 2) {
            bt[k][l] *= l != 0 && l != 7;
            bt[k + 1][l] = (l % 2 ? -1 : 1) * bt[k][l];
        }
    }
    return ok;
}

/* AT's side of the structure (exact: powers of 0, +-1, +-2, +-1/2): row i has point 0 only
 * for i = 0, infinity only in the last row, and (-1)^i p^i for the point -p. */
static int at_symmetric(const pai_wino *w)
{
    int ok = 1;
    for (int i = 0; i < w->m; i++) {
        ok &= w->at[i][0] == (float)(i == 0) && w->at[i][7] == (float)(i == w->m - 1);
        for (int k = 1; k < 7; k += 2)
            ok &= w->at[i][k + 1] == (i % 2 ? -1 : 1) * w->at[i][k];
    }
    return ok;
}

/* Toom-Cook for the linear convolution s = g * h (K and m coefficients) is
 * s = V^-1 [(Vk g) . (Vm h)] with V the a x a evaluation matrix; the correlation this
 * convolution computes is its transpose in (h, s): y = Vm^T [(Vk g) . (V^-T x)]. So
 * AT = Vm^T, G = Vk, BT = V^-T, rows of BT scaled to max 1 (G takes the scale). g gets the
 * scaled G in double at pack time (pai_wino_attach). */
static int build(int m, int K, double G[PAI_WINO_AMAX][PAI_WINO_AMAX], pai_wino *w)
{
    int a = m + K - 1;
    double v[PAI_WINO_AMAX][PAI_WINO_AMAX], inv[PAI_WINO_AMAX][PAI_WINO_AMAX];
    double bt[PAI_WINO_AMAX][PAI_WINO_AMAX];
    if (m < 1 || K < 1 || a > PAI_WINO_AMAX)
        return -1;
    for (int k = 0; k < a; k++)
        for (int l = 0; l < a; l++)
            v[k][l] = eval_at(a, k, a, l);
    if (invert(a, v, inv))
        return -1;
    for (int k = 0; k < a; k++) {
        double s = 0.0;
        for (int l = 0; l < a; l++) {
            bt[k][l] = inv[l][k];
            s = fmax(s, fabs(bt[k][l]));
        }
        for (int l = 0; l < a; l++)
            bt[k][l] /= s;
        for (int j = 0; j < K; j++)
            G[k][j] = eval_at(a, k, K, j) * s;
    }
    memset(w, 0, sizeof *w);
    w->m = m;
    w->a = a;
    w->sym = symmetrize(a, bt);
    for (int k = 0; k < a; k++) {
        for (int l = 0; l < a; l++)
            w->bt[k][l] = (float)bt[k][l];
        for (int i = 0; i < m; i++)
            w->at[i][k] = (float)eval_at(a, k, m, i);
    }
    w->sym = w->sym && at_symmetric(w);
    /* the identity sum_k AT[i][k] G[k][j] BT[k][l] = [l == i + j], checked in double */
    for (int i = 0; i < m; i++)
        for (int j = 0; j < K; j++)
            for (int l = 0; l < a; l++) {
                double s = 0.0;
                for (int k = 0; k < a; k++)
                    s += eval_at(a, k, m, i) * G[k][j] * bt[k][l];
                if (fabs(s - (l == i + j)) > 1e-9)
                    return -1;
            }
    return 0;
}

void pai_wino_free(pai_wino *w)
{
    if (w) {
        for (int k = 0; k < PAI_WINO_AMAX; k++)
            for (int h = 0; h < PAI_WINO_PARTS; h++)
                pai_conv1d_pack_free(w->u[k][h]);
        pai_free(w);
    }
}

/* Point k's weights U[o][c] = sum_j G[k][j] w[o][c][j], input channels [c0, c0 + C), as a
 * K = 1 pack of the direct kernel in pk's precision: [M / mr][G][1][mr] (bf16: G pairs of
 * channels, summed in double and rounded once to float, then to bf16), zero bias (the
 * real one is added after the output transform). */
static pai_conv1d_pack *pack_point(const pai_conv1d_pack *pk, const float *wt,
                                   const double *g, int64_t c0, int64_t C)
{
    int64_t M = pk->M, K = pk->K, mr = pk->mr, nb = (M + mr - 1) / mr;
    int bf = pk->prec == PA_PRECISION_BF16;
    int64_t G = bf ? (C + 1) / 2 : C;
    pai_conv1d_pack *p = pai_calloc(1, sizeof *p);
    if (!p)
        return NULL;
    *p = (pai_conv1d_pack){pk->isa, (int)mr, pk->prec, M, C, 1, G, NULL, NULL, NULL, NULL, NULL};
    void *u = pai_calloc((size_t)(nb * mr * G), 4);
    p->w = u;
    p->b = pai_calloc((size_t)(nb * mr), sizeof *p->b);
    if (!u || !p->b) {
        pai_conv1d_pack_free(p);
        return NULL;
    }
    for (int64_t o = 0; o < M; o++)
        for (int64_t c = 0; c < C; c++) {
            double s = 0.0;
            for (int64_t j = 0; j < K; j++)
                s += g[j] * (double)wt[(o * pk->C + c0 + c) * K + j];
            int64_t e = (o / mr) * G * mr + (bf ? c / 2 : c) * mr + o % mr;
            if (bf)
                ((uint16_t *)u)[e * 2 + c % 2] = pai_to_bf16((float)s);
            else
                ((float *)u)[e] = (float)s;
        }
    return p;
}

/* The original weights [M][C][K] back from an fp32 pack ([M / mr][C][K][mr]). */
static float *unpack(const pai_conv1d_pack *pk)
{
    int64_t M = pk->M, C = pk->C, K = pk->K, mr = pk->mr;
    float *wt = pai_malloc((size_t)(M * C * K) * sizeof *wt);
    const float *src = pk->w;
    for (int64_t o = 0; wt && o < M; o++)
        for (int64_t ck = 0; ck < C * K; ck++)
            wt[o * C * K + ck] = src[(o / mr) * C * K * mr + ck * mr + o % mr];
    return wt;
}

/* The packs of every point and part of the input channels; 0 when out of memory. */
static int pack_points(const pai_conv1d_pack *pk, const float *wt,
                       double G[PAI_WINO_AMAX][PAI_WINO_AMAX], pai_wino *w)
{
    /* bf16 pairs take half the bytes: twice the channels per panel */
    int64_t cpart = pk->prec == PA_PRECISION_BF16 ? 2 * PAI_WINO_CPART : PAI_WINO_CPART;
    int64_t parts = (pk->C + cpart - 1) / cpart;
    w->parts = (int)(parts < PAI_WINO_PARTS ? parts : PAI_WINO_PARTS);
    int64_t cp = (pk->C + w->parts - 1) / w->parts;
    if (pk->prec == PA_PRECISION_BF16)
        cp += cp % 2; /* parts start on a pair of channels */
    for (int k = 0; k < w->a; k++)
        for (int h = 0; h < w->parts; h++) {
            int64_t c0 = h * cp, n = pk->C - c0 < cp ? pk->C - c0 : cp;
            if (!(w->u[k][h] = pack_point(pk, wt, G[k], c0, n)))
                return 0;
        }
    return 1;
}

/* Whether pk's precision and ISA have a Winograd path. */
static int wino_kind(const pai_conv1d_pack *pk, const float *wt)
{
    if (pk->prec == PA_PRECISION_FP32)
        return pk->isa != PAI_ISA_REF;
    return pk->prec == PA_PRECISION_BF16 && wt && pk->isa == PAI_ISA_AVX512 &&
           pai_wino_in_bf16_avx512 && pai_wino_out_bf16_avx512 && pai_conv1d_bf16_cols_avx512;
}

int pai_wino_attach(pai_conv1d_pack *pk, const float *wt)
{
    int m = pai_wino_tile(pk->K);
    if (!m || !wino_kind(pk, wt) || pk->wino)
        return 0;
    double G[PAI_WINO_AMAX][PAI_WINO_AMAX];
    pai_wino *w = pai_calloc(1, sizeof *w);
    if (w && build(m, (int)pk->K, G, w)) {
        pai_free(w);
        return 0; /* cannot happen for the fixed points; keep the direct path */
    }
    float *own = w && !wt ? unpack(pk) : NULL;
    int ok = w && (wt || own) && pack_points(pk, wt ? wt : own, G, w);
    pai_free(own);
    if (!ok) {
        pai_wino_free(w);
        return pai_error(PA_ENOMEM, "out of memory");
    }
    pk->wino = w;
    return 0;
}

/* ---- the driver ------------------------------------------------------------------------
 * Sequences go through in groups whose tiles fill about COLS GEMM columns (few padded
 * columns, long kernel rows); output channels in blocks of MBLK, so that the GEMM results
 * of a block stay in cache for the output transform. bf16 (V in half the bytes, GEMMs twice
 * as fast, so the transforms' misses weigh more): one sequence of 64 tiles and blocks of 96
 * channels, measured 5-15 % faster than 256 / 48 at B = 1, 16 and 64 (shared machine). */
enum { COLS = 256, MBLK = 48, COLS_BF16 = 64, MBLK_BF16 = 96 };
#define MBLK_MAX (MBLK > MBLK_BF16 ? MBLK : MBLK_BF16)

static int is_bf16(const pai_conv1d_pack *pk) { return pk->prec == PA_PRECISION_BF16; }

typedef struct {
    int64_t U, Ulen, Xq, S, ow16; /* tiles per phase, split row length (tiles + halo) and
                                     stride, sequences per group, ow rounded up to 16 */
} wgeom;

/* Tile (p, u) of a sequence is column t = u * d + p: its outputs are positions
 * (u * m + i) * d + p, its inputs (u * m + l) * d + p (padded), l < a. The split input has
 * m rows per channel, X[c][q][v * d + p] = padded position (v * m + q) * d + p, so input l
 * of tile t is X[c][l % m][t + (l / m) * d]: unit stride in t. */
/* How the AVX-512 output transform puts 16 positions back in order (WIN_BLOCK): 1 when
 * they are whole runs of d of one tile (16 % d == 0 and m * d a multiple of 16, so a
 * block never straddles two tiles) or part of one run (d % 16 == 0); 2 when
 * they are m chunks of 16 / m columns (16 % (m * d) == 0) and perm the permutation; else 0,
 * a scalar copy. */
static void reorder_case(int64_t m, int64_t d, pai_wino_job *g)
{
    g->pcase = d % 16 == 0 || (16 % d == 0 && (m * d) % 16 == 0) ? 1
               : 16 % (m * d) == 0                                ? 2
                                                                  : 0;
    for (int64_t e = 0; g->pcase == 2 && e < 16; e++) {
        int64_t q = e / d;
        g->perm[e] = (int32_t)((q % m) * (16 / m) + (q / m) * d + e % d);
        g->iperm[g->perm[e]] = (int32_t)e;
    }
}

/* Whether the split goes by permutes (psplit): column j of row q of a block of 16 m padded
 * positions is position e = (j / d * m + q) * d + j % d; for m = 4, e - 32 for j >= 8 equals
 * e for j - 8, so one index vector per row serves both source pairs. */
static void split_perms(int64_t m, int64_t d, pai_wino_job *g)
{
    g->psplit = (m == 2 || m == 4) && d < 16 && 16 % d == 0;
    for (int64_t q = 0; g->psplit && q < m; q++)
        for (int64_t j = 0; j < 16; j++)
            g->sperm[q][j] = (int32_t)(((j / d * m + q) * d + j % d) % 32);
}

static wgeom geometry(const pai_conv1d_pack *pk, int64_t d, int64_t ow, pai_wino_job *g)
{
    const pai_wino *w = pk->wino;
    int64_t cols = is_bf16(pk) ? COLS_BF16 : COLS;
    wgeom s;
    s.U = (ow + w->m * d - 1) / (w->m * d);
    s.Ulen = s.U + (w->a - 1) / w->m;
    s.ow16 = (ow + 15) / 16 * 16;
    g->d = d;
    g->U = s.U;
    g->Ulen = s.Ulen;
    g->T = d * s.U;
    g->Td = (g->T + 15) / 16 * 16;
    s.Xq = s.Ulen * d + 16; /* the last vectors read past the rows */
    s.S = cols / g->T > 1 ? cols / g->T : 1;
    g->Tv = (s.S * g->T + 15) / 16 * 16 + 16;
    g->Xs = w->m * s.Xq;
    for (int l = 0; l < w->a; l++)
        g->off[l] = (l % w->m) * s.Xq + (l / w->m) * d;
    reorder_case(w->m, d, g);
    split_perms(w->m, d, g);
    return s;
}

/* 4-byte elements of the bf16 copy of V (0 in fp32): [a][(C + 1) / 2][Tv]. */
static int64_t vb_len(const pai_conv1d_pack *pk, const pai_wino_job *g)
{
    return pk->prec == PA_PRECISION_BF16 ? pk->wino->a * ((pk->C + 1) / 2) * g->Tv : 0;
}

size_t pai_wino_scratch(const pai_conv1d_pack *pk, int64_t W, int64_t pl, int64_t d,
                        int64_t ow)
{
    pai_wino_job g;
    const pai_wino *w = pk->wino;
    wgeom s = geometry(pk, d, ow, &g);
    int64_t n16 = (w->m * s.Ulen * d + 15) / 16 * 16, tmp = n16 > pl + W ? n16 : pl + W;
    return (size_t)(pk->C * g.Xs + w->a * pk->C * g.Tv + w->a * MBLK_MAX * g.Tv + 16 +
                    w->m * g.Td + 2 * s.ow16 + n16 / 16 + tmp + vb_len(pk, &g));
}

/* The split of one padded row tmp into X, scalar. */
static void split_rows(const pai_wino_job *g, const wgeom *s, const float *tmp, float *X)
{
    int64_t m = g->w->m, d = g->d;
    for (int64_t q = 0; q < m; q++) {
        float *dst = X + q * s->Xq;
        if (d == 1)
            for (int64_t v = 0; v < s->Ulen; v++)
                dst[v] = tmp[v * m + q];
        else
            for (int64_t v = 0; v < s->Ulen; v++)
                for (int64_t p = 0; p < d; p++)
                    dst[v * d + p] = tmp[(v * m + q) * d + p];
    }
}

/* Channels [c0, c1) of sequence x [C][W] (pl zeros before it) into the split rows X
 * (channel c0 first): AVX-512 in place, else through tmp, the padded row, zero up to a
 * multiple of 16. */
static void split(const pai_wino_job *g, const wgeom *s, const float *x, int64_t W,
                  int64_t pl, float *tmp, float *X, int64_t c0, int64_t c1)
{
    int64_t m = g->w->m, used = s->Ulen * g->d, n = m * used, Xq = s->Xq;
    int64_t n16 = (n + 15) / 16 * 16;
    int64_t lead = pl < n ? pl : n, keep = W < n - lead ? W : n - lead;
    keep = keep > 0 ? keep : 0;
    for (int64_t c = c0; c < c1; c++) {
        float *row = X + (c - c0) * g->Xs;
        if (g->pcase) {
            pai_wino_split_avx512(g, x + c * W, lead, keep, n16, row);
        } else {
            memset(tmp, 0, (size_t)lead * sizeof *tmp);
            memcpy(tmp + lead, x + c * W, (size_t)keep * sizeof *tmp);
            memset(tmp + lead + keep, 0, (size_t)(n16 - lead - keep) * sizeof *tmp);
            split_rows(g, s, tmp, row);
        }
        for (int64_t q = 0; q < m; q++) /* the slack the last vectors read */
            memset(row + q * Xq + used, 0, (size_t)(Xq - used) * sizeof *row);
    }
}

/* Output position o -> its value in Yd [m][Td]: i * Td + u * d + p; for the AVX-512
 * reorder (pcase != 0), the same for the first position of each block of 16 (pcase 2: its
 * first column, the chunks' bases are i * (Td - 16 / m) from there). With Xq for Td, the
 * same map takes padded input positions to the split rows. n: positions, valid: those
 * that exist (the others map to 0). */
static void positions(const pai_wino_job *g, int64_t stride, int64_t n, int64_t valid,
                      int32_t *idx)
{
    int64_t d = g->d, m = g->w->m, step = g->pcase ? 16 : 1;
    for (int64_t o = 0; o < n; o += step) {
        int64_t q = o / d, p = o % d, i = q % m, u = q / m;
        int32_t at = (int32_t)(g->pcase == 2 ? o / m : i * stride + u * d + p);
        idx[o / step] = o < valid ? at : 0;
    }
}

/* A fused operand moved to sequence nb, channel m0. */
static pai_bview operand_at(const pai_bview *b, int64_t nb, int64_t m0)
{
    pai_bview v = b && b->p ? *b : (pai_bview){0};
    if (v.p)
        v.p += nb * v.sn + m0 * v.sm;
    return v;
}

typedef struct {
    const pai_conv1d_pack *pk;
    pai_wino_fn fin, fout;
    pai_conv1d_fn gemm;
    const wgeom *s;
    float *tmp;
    uint32_t *Vb; /* bf16: V as channel pairs, the GEMMs' input; else NULL */
    int64_t W, pl, ow;
    int act;
    const pai_bview *res, *mul;
} wrun;

/* The GEMM of point k for output channels [m0, m0 + g->M): one kernel call per part of the
 * input channels, the later ones adding the earlier sums as a fused residual. */
static void gemm_point(const wrun *r, const pai_wino_job *g, int k, int64_t m0, int64_t cols)
{
    const pai_wino *w = r->pk->wino;
    float *Yk = g->Y + k * g->M * cols;
    int64_t c0 = 0;
    for (int h = 0; h < w->parts; h++) {
        pai_conv1d_pack blk = *w->u[k][h];
        blk.M = g->M;
        blk.w = (uint32_t *)blk.w + m0 * blk.G;
        const void *x = r->Vb ? (const void *)(r->Vb + (k * ((r->pk->C + 1) / 2) + c0 / 2) * g->Tv)
                              : (const void *)(g->V + (k * r->pk->C + c0) * g->Tv);
        pai_conv1d_job jk = {&blk, x, g->Tv, 1, cols, Yk,
                             PAI_ACT_NONE, {h ? Yk : NULL, 0, cols, 1}, {0}, 1.0f, 0};
        r->gemm(&jk);
        c0 += blk.C;
    }
}

/* bf16: split and transform a few channel pairs at a time, so that their split rows are
 * still in L1 when the transform reads them. */
enum { PAIRS = 4 };
static void in_bf16(const wrun *r, const pai_wino_job *g, const float *xs, uint32_t *Vb)
{
    int64_t G = (g->C + 1) / 2;
    for (int64_t p0 = 0; p0 < G; p0 += PAIRS) {
        int64_t np = G - p0 < PAIRS ? G - p0 : PAIRS, c1 = 2 * (p0 + np);
        split(g, r->s, xs, r->W, r->pl, r->tmp, (float *)g->X, 2 * p0, c1 < g->C ? c1 : g->C);
        pai_wino_in_bf16_avx512(g, g->X, p0, np, Vb);
    }
}

/* Sequences [n0, n0 + S): split and input transforms side by side, then per block of
 * output channels the a GEMMs and the output transforms of each sequence. */
static void run_group(const wrun *r, pai_wino_job g, const float *x, float *y, int64_t n0,
                      int64_t S)
{
    const pai_conv1d_pack *pk = r->pk;
    const pai_wino *w = pk->wino;
    float *V = g.V, *Y = g.Y;
    int64_t cols = S * g.T, c16 = (cols + 15) / 16 * 16;
    int64_t rows = r->Vb ? w->a * ((pk->C + 1) / 2) : w->a * pk->C; /* 4-byte elements */
    for (int64_t row = 0; cols < c16 && row < rows; row++)
        for (int64_t t = cols; t < c16; t++) /* columns the GEMM reads and no tile writes */
            if (r->Vb)
                r->Vb[row * g.Tv + t] = 0;
            else
                V[row * g.Tv + t] = 0.0f;
    for (int64_t s = 0; s < S; s++) {
        const float *xs = x + (n0 + s) * pk->C * r->W;
        g.V = V + s * g.T;
        if (r->Vb)
            in_bf16(r, &g, xs, r->Vb + s * g.T);
        else {
            split(&g, r->s, xs, r->W, r->pl, r->tmp, (float *)g.X, 0, pk->C);
            r->fin(&g, NULL);
        }
    }
    g.V = V;
    g.Ys = cols;
    int64_t mb = is_bf16(pk) ? MBLK_BF16 : MBLK;
    for (int64_t m0 = 0; m0 < pk->M; m0 += mb) {
        g.M = pk->M - m0 < mb ? pk->M - m0 : mb;
        g.Ym = g.M;
        for (int k = 0; k < w->a; k++)
            gemm_point(r, &g, k, m0, cols);
        g.bias = pk->b + m0;
        for (int64_t s = 0; s < S; s++) {
            pai_conv1d_job j = {pk, NULL, 0, 1, r->ow, y + ((n0 + s) * pk->M + m0) * r->ow,
                                r->act, operand_at(r->res, n0 + s, m0),
                                operand_at(r->mul, n0 + s, m0), 1.0f, 0};
            g.Y = Y + s * g.T;
            r->fout(&g, &j);
        }
        g.Y = Y;
    }
}

void pai_wino_run(const pai_conv1d_pack *pk, const float *x, int64_t N, int64_t W, int64_t pl,
                  int64_t d, int64_t ow, float *y, float *scratch, int act,
                  const pai_bview *res, const pai_bview *mul)
{
    const pai_wino *w = pk->wino;
    int wide = pk->isa == PAI_ISA_AVX512;
    pai_wino_job g = {.w = w, .M = pk->M, .C = pk->C, .bias = pk->b};
    wgeom s = geometry(pk, d, ow, &g);
    g.pcase = wide ? g.pcase : 0; /* the block reorder is AVX-512 code */
    float *X = scratch;
    g.X = X;
    g.V = X + pk->C * g.Xs;
    g.Y = g.V + w->a * pk->C * g.Tv;
    g.Yd = g.Y + w->a * MBLK_MAX * g.Tv + 16;
    g.Yo = g.Yd + w->m * g.Td;
    int32_t *idx = (int32_t *)(g.Yo + s.ow16), *sidx = idx + s.ow16;
    int64_t n16 = (w->m * s.Ulen * d + 15) / 16 * 16;
    g.idx = idx;
    g.sidx = sidx;
    float *tmp = (float *)(sidx + n16 / 16);
    int64_t ntmp = n16 > pl + W ? n16 : pl + W;
    int bf = pk->prec == PA_PRECISION_BF16;
    positions(&g, g.Td, s.ow16, ow, idx);
    if (g.pcase)
        positions(&g, s.Xq, n16, n16, sidx);
    pai_conv1d_fn gemm = bf ? pai_conv1d_bf16_cols_avx512
                         : wide ? pai_conv1d_cols_avx512 : pai_conv1d_cols_avx2;
    wrun r = {pk, wide ? pai_wino_in_avx512 : pai_wino_in_avx2,
              bf ? pai_wino_out_bf16_avx512 : wide ? pai_wino_out_avx512 : pai_wino_out_avx2,
              gemm, &s, tmp,
              bf ? (uint32_t *)(tmp + ntmp) : NULL, W, pl, ow, act, res, mul};
    for (int64_t n0 = 0; n0 < N; n0 += s.S)
        run_group(&r, g, x, y, n0, N - n0 < s.S ? N - n0 : s.S);
}
