/* conv1d_wino_tmpl.h — the vector transforms of wino.c, included once per ISA after
 * conv1d_tmpl.h (its vector macros, gelu_v and finish) with WIN_IN, WIN_OUT and
 * VGATHER(base, idx) defined. Tiles are lanes: t, t + 1, ... are adjacent columns. */

/* V[k][c][t] = sum_l BT[k][l] X[c][t + off[l]]: the last vector runs past T into the next
 * sequence's columns, which are written after it. */
static void WIN_IN(const pai_wino_job *g, const pai_conv1d_job *unused)
{
    const pai_wino *w = g->w;
    (void)unused;
    for (int64_t c = 0; c < g->C; c++) {
        const float *xc = g->X + c * g->Xs;
        float *vc = g->V + c * g->Tv;
        for (int64_t t = 0; t < g->T; t += VW) {
            VT xv[PAI_WINO_AMAX];
            for (int l = 0; l < w->a; l++)
                xv[l] = VLOADU(xc + t + g->off[l]);
            for (int k = 0; k < w->a; k++) {
                VT acc = VZERO;
                for (int n = 0; n < w->bnz[k]; n++)
                    acc = VFMA(VSET1(w->bt[k][w->bj[k][n]]), xv[w->bj[k][n]], acc);
                VSTOREU(vc + k * g->C * g->Tv + t, acc);
            }
        }
    }
}

/* Output channel o: Yd[i][t] = sum_k AT[i][k] Y[k][o][t], then the positions in order with
 * bias and the fused epilogue. */
static void WIN_OUT(const pai_wino_job *g, const pai_conv1d_job *j)
{
    const pai_wino *w = g->w;
    for (int64_t o = 0; o < g->M; o++) {
        for (int64_t t = 0; t < g->Td; t += VW) {
            VT yv[PAI_WINO_AMAX];
            for (int k = 0; k < w->a; k++)
                yv[k] = VLOADU(g->Y + (k * g->Ym + o) * g->Ys + t);
            for (int i = 0; i < w->m; i++) {
                VT acc = VZERO;
                for (int n = 0; n < w->anz[i]; n++)
                    acc = VFMA(VSET1(w->at[i][w->aj[i][n]]), yv[w->aj[i][n]], acc);
                VSTOREU(g->Yd + i * g->Td + t, acc);
            }
        }
        VT bias = VSET1(g->bias[o]);
        float *y = j->y + o * j->ow;
        for (int64_t s = 0; s < j->ow; s++) /* positions back in order */
            g->Yo[s] = g->Yd[g->idx[s]];
        for (int64_t s = 0; s < j->ow; s += VW) {
            int64_t left = j->ow - s;
            int full = left >= VW;
            VM k = VTAIL(full ? VW : (int)left);
            VT r = finish(j, VADD(VLOADU(g->Yo + s), bias), o, s, k, full);
            if (full)
                VSTOREU(y + s, r);
            else
                VSTOREM(y + s, k, r);
        }
    }
}
