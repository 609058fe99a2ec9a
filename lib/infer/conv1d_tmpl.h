/* conv1d_tmpl.h — the direct 1-D convolution kernel, included once per ISA (conv1d_avx2.c,
 * conv1d_avx512.c) after defining FN, MR (output channels per tile), NVMAX (position vectors
 * per tile) and the vector macros VT, VM, VW, VZERO, VSET1, VLOADU, VLOADM, VSTOREU, VSTOREM,
 * VTAIL, VFMA, VADD, VMUL, VDIV, VMIN, VMAX.
 *
 * A tile is MR output channels x nv vectors of consecutive positions, accumulated in
 * registers over every input channel and tap straight from the zero-padded input (no
 * im2col); the epilogue (bias, activation, residual, mask) runs on the registers before the
 * single store. Weights come pre-packed as [block][C][K][MR], so the MR broadcasts of one
 * tap are adjacent.
 *
 * Reduced precisions define, besides, XT (4-byte element of the input and the weights), XV
 * (its vector), AT (accumulator vector), AZERO, XLOAD, WSET (broadcast one weight element),
 * DOT(acc, x, w), EPI_SETUP(j, m) and EPI(acc) (the accumulator as VT); by default they
 * are the fp32 ones. */
#ifndef DOT
#define XT float
#define XV VT
#define AT VT
#define AZERO VZERO
#define XLOAD VLOADU
#define WSET VSET1
#define DOT(a, x, w) VFMA((w), (x), (a))
#define EPI_SETUP(j, m) ((void)0)
#define EPI(a) (a)
#endif

/* The reduced precisions divide by a refined reciprocal (the epilogue, not the dot
 * products, would otherwise bound them); fp32 keeps the exact division. */
#ifndef VDIV_FAST
#define VDIV_FAST VDIV
#endif

#define INLINE static inline __attribute__((always_inline))
/* Loops over MR and NV must unroll fully, or the accumulators live in memory. */
#ifdef __clang__
#define UNROLL _Pragma("unroll")
#else
#define UNROLL _Pragma("GCC unroll 16")
#endif

/* pai_gelu with the same rational erf, lane-wise; fast: divide by a refined reciprocal. */
INLINE VT gelu_v(VT v, int fast)
{
    VT x = VMUL(v, VSET1(0.70710678118f));
    x = VMAX(VSET1(-4.0f), VMIN(x, VSET1(4.0f)));
    VT x2 = VMUL(x, x);
    VT p = VSET1(-2.72614225801306e-10f);
    p = VFMA(p, x2, VSET1(2.77068142495902e-08f));
    p = VFMA(p, x2, VSET1(-2.10102402082508e-06f));
    p = VFMA(p, x2, VSET1(-5.69250639462346e-05f));
    p = VFMA(p, x2, VSET1(-7.34990630326855e-04f));
    p = VFMA(p, x2, VSET1(-2.95459980854025e-03f));
    p = VFMA(p, x2, VSET1(-1.60960333262415e-02f));
    VT q = VSET1(-1.45660718464996e-05f);
    q = VFMA(q, x2, VSET1(-2.13374055278905e-04f));
    q = VFMA(q, x2, VSET1(-1.68282697438203e-03f));
    q = VFMA(q, x2, VSET1(-7.37332916720468e-03f));
    q = VFMA(q, x2, VSET1(-1.42647390514189e-02f));
    VT e = fast ? VMUL(VMUL(x, p), rcp_nr(q)) : VDIV_FAST(VMUL(x, p), q);
    return VMUL(VMUL(VSET1(0.5f), v), VADD(VSET1(1.0f), e));
}

/* Operand of a fused Add / Mul at channel m, positions o.. (k: the valid lanes). */
INLINE VT operand(const pai_bview *b, int64_t m, int64_t o, VM k, int full)
{
    const float *p = b->p + m * b->sm;
    if (!b->ss)
        return VSET1(*p);
    return full ? VLOADU(p + o) : VLOADM(p + o, k);
}

/* The GELU of the Winograd epilogue (fast): a reduced precision may define a cheaper one. */
#ifndef GELU_FAST
#define GELU_FAST(v) gelu_v((v), 1)
#endif

INLINE VT finish(const pai_conv1d_job *j, VT r, int64_t m, int64_t o, VM k, int full,
                 int fast)
{
    if (j->act == PAI_ACT_GELU)
        r = fast ? GELU_FAST(r) : gelu_v(r, 0);
    else if (j->act == PAI_ACT_RELU)
        r = VMAX(r, VZERO);
    if (j->res.p)
        r = VADD(r, operand(&j->res, m, o, k, full));
    if (j->mul.p)
        r = VMUL(r, operand(&j->mul, m, o, k, full));
    return r;
}

/* tile_1 .. tile_NVMAX: output channels [mb * MR, +MR) x positions [o0, o0 + nv * VW). */
#define NV 1
#include "infer/conv1d_tile.h"
#define NV 2
#include "infer/conv1d_tile.h"
#define NV 3
#include "infer/conv1d_tile.h"
#if NVMAX > 3
#define NV 4
#include "infer/conv1d_tile.h"
#endif

#if NVMAX < 3 || NVMAX > 4
#error "the tail switch below handles NVMAX 3 and 4"
#endif
/* tiles[nv]: the tile of nv vectors of positions */
static void (*const tiles[5])(const pai_conv1d_job *, int64_t, int64_t) = {
    NULL, tile_1, tile_2, tile_3,
#if NVMAX > 3
    tile_4,
#endif
};

static void FN(const pai_conv1d_job *j)
{
    int64_t nb = (j->pk->M + MR - 1) / MR, step = NVMAX * VW;
    for (int64_t mb = 0; mb < nb; mb++) {
        int64_t o0 = 0;
        for (; o0 + step <= j->ow; o0 += step)
            tiles[NVMAX](j, mb, o0);
        int64_t rest = (j->ow - o0 + VW - 1) / VW; /* the last, shorter tile */
        if (rest > 0)
            tiles[rest](j, mb, o0);
    }
}

#ifdef FN_COLS
/* The same tiles with the positions outer: one panel of NVMAX vectors of positions stays in
 * L1 while every block of output channels passes over it (Winograd's GEMMs, K = 1). */
static void FN_COLS(const pai_conv1d_job *j)
{
    int64_t nb = (j->pk->M + MR - 1) / MR, step = NVMAX * VW;
    for (int64_t o0 = 0; o0 < j->ow; o0 += step) {
        int64_t nv = (j->ow - o0 + VW - 1) / VW;
        for (int64_t mb = 0; mb < nb; mb++)
            tiles[nv < NVMAX ? nv : NVMAX](j, mb, o0);
    }
}
#endif

#undef INLINE
#undef UNROLL
