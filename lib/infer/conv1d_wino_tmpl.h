/* conv1d_wino_tmpl.h — the vector transforms of wino.c, included once per ISA after
 * conv1d_tmpl.h (its vector macros, gelu_v and finish) with WIN_IN and WIN_OUT defined, and
 * for AVX-512 WIN_BLOCK and WIN_SPLIT (output reorder and input split by blocks of 16).
 * Tiles are lanes: t, t + 1, ... are adjacent columns. */

#ifdef __clang__
#define WUNROLL _Pragma("unroll")
#else
#define WUNROLL _Pragma("GCC unroll 8")
#endif

/* V[k][c][t] = sum_l BT[k][l] X[c][t + off[l]]: the last vector runs past T into the next
 * sequence's columns, which are written after it. Loops over the points run to the
 * constant PAI_WINO_AMAX (unrolled, coefficients as memory operands); rows and columns
 * past a are zero. */
static void WIN_IN(const pai_wino_job *g, const pai_conv1d_job *unused)
{
    const pai_wino *w = g->w;
    int a = w->a;
    (void)unused;
    for (int64_t c = 0; c < g->C; c++) {
        const float *xc = g->X + c * g->Xs;
        float *vc = g->V + c * g->Tv;
        for (int64_t t = 0; t < g->T; t += VW) {
            VT xv[PAI_WINO_AMAX];
WUNROLL
            for (int l = 0; l < PAI_WINO_AMAX; l++)
                xv[l] = l < a ? VLOADU(xc + t + g->off[l]) : VZERO;
WUNROLL
            for (int k = 0; k < PAI_WINO_AMAX; k++) {
                VT acc = VMUL(VSET1(w->bt[k][0]), xv[0]);
WUNROLL
                for (int l = 1; l < PAI_WINO_AMAX; l++)
                    acc = VFMA(VSET1(w->bt[k][l]), xv[l], acc);
                if (k < a)
                    VSTOREU(vc + k * g->C * g->Tv + t, acc);
            }
        }
    }
}

#ifdef WIN_BLOCK
/* The 16 outputs at positions s.. (s a multiple of 16) from Yd without a gather:
 * pcase 1: runs of d (or 16) consecutive positions of one tile element;
 * pcase 2: m chunks of 16 / m columns, one per element, then one permutation.
 * idx[s / 16]: the block's offset in Yd (wino.c positions()); L = 16 / m, nr = 16 / d,
 * divided once per call. */
static inline VT WIN_BLOCK(const pai_wino_job *g, int64_t s, int64_t L, int64_t nr)
{
    int64_t d = g->d, m = g->w->m, base = g->idx[s / 16];
    if (g->pcase == 2) {
        __m512 z = _mm512_setzero_ps();
        for (int64_t i = 0; i < m; i++)
            z = _mm512_mask_loadu_ps(z, (__mmask16)(((1u << L) - 1u) << (i * L)),
                                     g->Yd + i * (g->Td - L) + base);
        return _mm512_permutexvar_ps(_mm512_loadu_si512((const void *)g->perm), z);
    }
    if (d >= 16)
        return _mm512_loadu_ps(g->Yd + base);
    __m512 z = _mm512_setzero_ps();
    for (int64_t r = 0; r < nr; r++)
        z = _mm512_mask_loadu_ps(z, (__mmask16)(((1u << d) - 1u) << (r * d)),
                                 g->Yd + base + r * (g->Td - d));
    return z;
}

/* The inverse of WIN_BLOCK for the split input: each block of 16 padded positions to its
 * rows of X (g->sidx: the block's offset in X). The padded row is x (keep values) after
 * lead zeros, zero up to n: read in place, masked at both ends (no padded copy). */
static void WIN_SPLIT(const pai_wino_job *g, const float *x, int64_t lead, int64_t keep,
                      int64_t n, float *X)
{
    int64_t d = g->d, m = g->w->m, Xq = g->Xs / m, L = 16 / m, nr = d < 16 ? 16 / d : 1;
    __m512i iperm = _mm512_loadu_si512((const void *)g->iperm);
    const char *x0 = (const char *)x - lead * (int64_t)sizeof *x; /* padded position 0 */
    for (int64_t s = 0; s < n; s += 16) {
        int64_t lo = lead - s, hi = lead + keep - s; /* lanes [lo, hi) hold values */
        lo = lo < 0 ? 0 : lo;
        hi = hi > 16 ? 16 : hi;
        __mmask16 k = hi > lo ? (__mmask16)(((1u << (hi - lo)) - 1u) << lo) : 0;
        __m512 t = k == 0xffff ? _mm512_loadu_ps(x0 + s * 4)
                   : k         ? _mm512_maskz_loadu_ps(k, x0 + s * 4)
                               : _mm512_setzero_ps();
        float *base = X + g->sidx[s / 16];
        if (g->pcase == 2) {
            __m512 z = _mm512_permutexvar_ps(iperm, t);
            for (int64_t q = 0; q < m; q++)
                _mm512_mask_storeu_ps(base + q * (Xq - L),
                                      (__mmask16)(((1u << L) - 1u) << (q * L)), z);
        } else if (d >= 16) {
            _mm512_storeu_ps(base, t);
        } else {
            for (int64_t r = 0; r < nr; r++)
                _mm512_mask_storeu_ps(base + r * (Xq - d),
                                      (__mmask16)(((1u << d) - 1u) << (r * d)), t);
        }
    }
}
#endif

/* Output channel o: Yd[i][t] = sum_k AT[i][k] Y[k][o][t], then the positions in order with
 * bias and the fused epilogue. */
static void WIN_OUT(const pai_wino_job *g, const pai_conv1d_job *j)
{
    const pai_wino *w = g->w;
#ifdef WIN_BLOCK
    int64_t L = 16 / w->m, nr = g->d < 16 ? 16 / g->d : 1;
#endif
    for (int64_t o = 0; o < g->M; o++) {
        for (int64_t t = 0; t < g->Td; t += VW) {
            VT yv[PAI_WINO_AMAX];
WUNROLL
            for (int k = 0; k < PAI_WINO_AMAX; k++)
                yv[k] = k < w->a ? VLOADU(g->Y + (k * g->Ym + o) * g->Ys + t) : VZERO;
WUNROLL
            for (int i = 0; i < PAI_WINO_MMAX; i++) {
                VT acc = VMUL(VSET1(w->at[i][0]), yv[0]);
WUNROLL
                for (int k = 1; k < PAI_WINO_AMAX; k++)
                    acc = VFMA(VSET1(w->at[i][k]), yv[k], acc);
                if (i < w->m)
                    VSTOREU(g->Yd + i * g->Td + t, acc);
            }
        }
        VT bias = VSET1(g->bias[o]);
        float *y = j->y + o * j->ow;
#ifdef WIN_BLOCK
        if (!g->pcase)
#endif
            for (int64_t s = 0; s < j->ow; s++) /* positions back in order */
                g->Yo[s] = g->Yd[g->idx[s]];
        for (int64_t s = 0; s < j->ow; s += VW) {
            int64_t left = j->ow - s;
            int full = left >= VW;
            VM k = VTAIL(full ? VW : (int)left);
#ifdef WIN_BLOCK
            VT v = g->pcase ? WIN_BLOCK(g, s, L, nr) : VLOADU(g->Yo + s);
#else
            VT v = VLOADU(g->Yo + s);
#endif
            VT r = finish(j, VADD(v, bias), o, s, k, full, 1);
            if (full)
                VSTOREU(y + s, r);
            else
                VSTOREM(y + s, k, r);
        }
    }
}
