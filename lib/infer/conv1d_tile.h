/* conv1d_tile.h — one tile width of the kernel in conv1d_tmpl.h, included once per NV (a
 * literal: with a run-time width the accumulators spill to memory, and clang merges calls
 * to one always_inline function that differ in a constant argument).
 *
 * tile_NV: output channels [mb * MR, +MR) x positions [o0, o0 + NV * VW), summed over all
 * reduction rows (input channels, or groups of 2 / 4 in bf16 / int8) and taps in registers,
 * then the epilogue (EPI: the int8 rescale) and one store per vector. */
#define TILE_FN_(n) tile_##n
#define TILE_FN(n) TILE_FN_(n)

static __attribute__((noinline)) void TILE_FN(NV)(const pai_conv1d_job *j, int64_t mb, int64_t o0)
{
    const pai_conv1d_pack *pk = j->pk;
    const XT *w = (const XT *)pk->w + mb * pk->G * pk->K * MR, *x = (const XT *)j->x + o0;
    AT acc[MR][NV];
UNROLL
    for (int i = 0; i < MR; i++)
UNROLL
        for (int v = 0; v < NV; v++)
            acc[i][v] = AZERO;
    for (int64_t g = 0; g < pk->G; g++, x += j->xs)
        for (int64_t k = 0; k < pk->K; k++, w += MR) {
            const XT *xk = x + k * j->d;
            XV xv[NV];
UNROLL
            for (int v = 0; v < NV; v++)
                xv[v] = XLOAD(xk + v * VW);
UNROLL
            for (int i = 0; i < MR; i++) {
                XV wi = WSET(w[i]);
UNROLL
                for (int v = 0; v < NV; v++)
                    acc[i][v] = DOT(acc[i][v], xv[v], wi);
            }
        }
UNROLL
    for (int i = 0; i < MR; i++) {
        int64_t m = mb * MR + i;
        if (m >= pk->M) /* the zero rows padding the last block */
            continue;
        VT bias = VSET1(pk->b[m]);
        EPI_SETUP(j, m);
        float *y = j->y + m * j->ow;
UNROLL
        for (int v = 0; v < NV; v++) {
            int64_t o = o0 + v * VW, left = j->ow - o;
            int full = left >= VW;
            VM k = VTAIL(full ? VW : (int)left);
            VT r = finish(j, VADD(EPI(acc[i][v]), bias), m, o, k, full, 0);
            if (full)
                VSTOREU(y + o, r);
            else
                VSTOREM(y + o, k, r);
        }
    }
}

#undef TILE_FN
#undef TILE_FN_
#undef NV
