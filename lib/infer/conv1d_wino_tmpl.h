/* conv1d_wino_tmpl.h — the vector transforms of wino.c, included once per ISA after
 * conv1d_tmpl.h (its vector macros, gelu_v and finish) with WIN_OUT defined, WIN_IN for the
 * fp32 input transform, and for AVX-512 WIN_BLOCK (output reorder by blocks of 16) and
 * WIN_SPLIT (the input split by blocks of 16).
 * Tiles are lanes: t, t + 1, ... are adjacent columns. */

#ifdef __clang__
#define WUNROLL _Pragma("unroll")
#else
#define WUNROLL _Pragma("GCC unroll 8")
#endif

/* sum_l M[l] x[l] over the zero-padded points: one row of BT or AT applied to a tile's
 * vectors. */
static inline VT wino_dot(const float *M, const VT *x)
{
    VT acc = VMUL(VSET1(M[0]), x[0]);
WUNROLL
    for (int l = 1; l < PAI_WINO_AMAX; l++)
        acc = VFMA(VSET1(M[l]), x[l], acc);
    return acc;
}

/* V[k][c][t] = sum_l BT[k][l] X[c][t + off[l]]: the last vector runs past T into the next
 * sequence's columns, which are written after it. Loops over the points run to the
 * constant PAI_WINO_AMAX (unrolled, coefficients as memory operands); rows and columns
 * past a are zero. */
#ifdef WIN_IN
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
                VT acc = wino_dot(w->bt[k], xv);
                if (k < a)
                    VSTOREU(vc + k * g->C * g->Tv + t, acc);
            }
        }
    }
}

#endif

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
#endif

#ifdef WIN_SPLIT
/* The 16 padded positions from s of the row x (keep values after lead zeros, x0: padded
 * position 0): read in place, masked at both ends (no padded copy). */
static inline __m512 padded16(const char *x0, int64_t lead, int64_t keep, int64_t s)
{
    int64_t lo = lead - s, hi = lead + keep - s; /* lanes [lo, hi) hold values */
    lo = lo < 0 ? 0 : lo;
    hi = hi > 16 ? 16 : hi;
    __mmask16 k = hi > lo ? (__mmask16)(((1u << (hi - lo)) - 1u) << lo) : 0;
    return k == 0xffff ? _mm512_loadu_ps(x0 + s * 4)
           : k         ? _mm512_maskz_loadu_ps(k, x0 + s * 4)
                       : _mm512_setzero_ps();
}

/* g->psplit: 16 m padded positions (m vectors) are 16 columns of each of the m rows, by
 * two-source permutes (m = 4: the first 8 columns from vectors 0 and 1, the others from 2
 * and 3, with the same indices) and full stores. */
static void split_perm(const pai_wino_job *g, const char *x0, int64_t lead, int64_t keep,
                       int64_t n, float *X)
{
    int64_t m = g->w->m, Xq = g->Xs / m;
    for (int64_t s = 0, col = 0; s < n; s += 16 * m, col += 16) {
        __m512 v[4] = {_mm512_setzero_ps(), _mm512_setzero_ps(), _mm512_setzero_ps(),
                       _mm512_setzero_ps()};
        for (int64_t i = 0; i < m; i++) {
            /* rows are consecutive: 2 KiB ahead is the next channels' (a miss otherwise) */
            _mm_prefetch(x0 + (s + 16 * i) * 4 + 2048, _MM_HINT_T0);
            v[i] = padded16(x0, lead, keep, s + 16 * i);
        }
        for (int64_t q = 0; q < m; q++) {
            __m512i idx = _mm512_loadu_si512((const void *)g->sperm[q]);
            __m512 r = _mm512_permutex2var_ps(v[0], idx, v[1]);
            if (m == 4)
                r = _mm512_mask_blend_ps(0xff00, r, _mm512_permutex2var_ps(v[2], idx, v[3]));
            _mm512_storeu_ps(X + q * Xq + col, r);
        }
    }
}

/* The inverse of WIN_BLOCK for the split input: each block of 16 padded positions to its
 * rows of X (g->sidx: the block's offset in X). The padded row is x (keep values) after
 * lead zeros, zero up to n (a multiple of 16 m). */
static void WIN_SPLIT(const pai_wino_job *g, const float *x, int64_t lead, int64_t keep,
                      int64_t n, float *X)
{
    int64_t d = g->d, m = g->w->m, Xq = g->Xs / m, L = 16 / m, nr = d < 16 ? 16 / d : 1;
    const char *x0 = (const char *)x - lead * (int64_t)sizeof *x; /* padded position 0 */
    if (g->psplit) {
        split_perm(g, x0, lead, keep, n, X);
        return;
    }
    __m512i iperm = _mm512_loadu_si512((const void *)g->iperm);
    for (int64_t s = 0; s < n; s += 16) {
        __m512 t = padded16(x0, lead, keep, s);
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

/* Yd[i][t] = sum_k AT[i][k] Y[k][o][t] for one output channel o (Y: its first row). */
static inline void at_rows(const pai_wino *w, const float *Y, int64_t ks, float *Yd,
                          int64_t Td)
{
    for (int64_t t = 0; t < Td; t += VW) {
        VT yv[PAI_WINO_AMAX];
WUNROLL
        for (int k = 0; k < PAI_WINO_AMAX; k++)
            yv[k] = k < w->a ? VLOADU(Y + k * ks + t) : VZERO;
WUNROLL
        for (int i = 0; i < PAI_WINO_MMAX; i++) {
            VT acc = wino_dot(w->at[i], yv);
            if (i < w->m)
                VSTOREU(Yd + i * Td + t, acc);
        }
    }
}

/* The same for a = 8 and the symmetric points (w->sym): the points +-p (columns 2j + 1,
 * 2j + 2) enter row i through their sum (i even) or difference (i odd), point 0 row 0 only,
 * infinity the last row only (wino.c symmetrize): 6 + 4m operations instead of 8m. */
static inline void at_rows_sym(const pai_wino *w, const float *Y, int64_t ks, float *Yd,
                              int64_t Td)
{
    for (int64_t t = 0; t < Td; t += VW) {
        VT sum[3], dif[3], y7 = VLOADU(Y + 7 * ks + t);
WUNROLL
        for (int j = 0; j < 3; j++) {
            VT p = VLOADU(Y + (2 * j + 1) * ks + t), q = VLOADU(Y + (2 * j + 2) * ks + t);
            sum[j] = VADD(p, q);
            dif[j] = VSUB(p, q);
        }
WUNROLL
        for (int i = 0; i < PAI_WINO_MMAX; i++) {
            const VT *h = i % 2 ? dif : sum;
            VT acc = i ? VMUL(VSET1(w->at[i][1]), h[0]) : VADD(VLOADU(Y + t), h[0]);
            acc = VFMA(VSET1(w->at[i][3]), h[1], acc);
            acc = VFMA(VSET1(w->at[i][5]), h[2], acc);
            if (i < w->m)
                VSTOREU(Yd + i * Td + t, i == w->m - 1 ? VADD(acc, y7) : acc);
        }
    }
}

/* Output channel o: the output transform into Yd, then the positions in order with
 * bias and the fused epilogue. */
static void WIN_OUT(const pai_wino_job *g, const pai_conv1d_job *j)
{
    const pai_wino *w = g->w;
#ifdef WIN_BLOCK
    int64_t L = 16 / w->m, nr = g->d < 16 ? 16 / g->d : 1;
#endif
    for (int64_t o = 0; o < g->M; o++) {
        const float *Y = g->Y + o * g->Ys;
        if (w->sym)
            at_rows_sym(w, Y, g->Ym * g->Ys, g->Yd, g->Td);
        else
            at_rows(w, Y, g->Ym * g->Ys, g->Yd, g->Td);
        VT bias = VSET1(g->bias[o]);
        float *y = j->y + o * j->ow;
#ifdef WIN_BLOCK
        if (!g->pcase)
#endif
            for (int64_t s = 0; s < j->ow; s++) /* positions back in order */
                g->Yo[s] = g->Yd[g->idx[s]];
        /* the next channel's output and residual rows: misses otherwise (a layer's
         * activations outgrow L2 at a batch of a few sequences) */
        int ahead = o + 1 < g->M;
        const float *rn = ahead && j->res.p && j->res.ss ? j->res.p + (o + 1) * j->res.sm : NULL;
        for (int64_t s = 0; s < j->ow; s += VW) {
            int64_t left = j->ow - s;
            int full = left >= VW;
            VM k = VTAIL(full ? VW : (int)left);
            if (ahead)
                __builtin_prefetch(y + j->ow + s, 1, 3);
            if (rn)
                __builtin_prefetch(rn + s, 0, 3);
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
