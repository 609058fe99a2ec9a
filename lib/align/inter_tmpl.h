/* inter_tmpl.h — inter-sequence (SWIPE-style) kernel: every lane holds a different
 * target, the query runs along the inner loop, one target column per outer step.
 * Written once, instantiated per ISA and lane width by kern_<isa>.c.
 *
 * Parameters: FN, VT, ET, WBITS (8 = local only, values stored as H - 128 in signed
 * saturating bytes: the floor at 0 is the saturation at -128, so H + s needs one
 * instruction and no bias; 16 = signed saturating, all modes), VADDS VSUBS VMAX VSET1 VLOAD VSTORE VSTOREU, PROF (builds the
 * score vectors of one column: PROF(prof, tb_column, b)), MASKGT/MASKEQ (one bit per
 * lane). Per lane: score and end cell with the scalar reference's tie rules, or
 * overflow = 1 when the lane may have saturated (the caller recomputes it wider).
 *
 * Recurrences as in scalar.c; F (query residue vs gap) is carried in a register down
 * the column, E (target residue vs gap) and H are stored per query position. */

static int FN(const pai_ibatch *b, pai_ws *w, pai_kres *r)
{
    enum { L = (int)(sizeof(VT) / sizeof(ET)) };
#if WBITS == 8
    const int32_t NEGV = 0, TOP = 255, OFF = 128; /* true values 0..255 */
    const int local = 1;
#else
    const int32_t NEGV = INT16_MIN, TOP = INT16_MAX, OFF = 0;
    const int local = b->p->mode == PA_ALIGN_LOCAL;
#endif
    const pai_params *p = b->p;
    const int64_t m = b->m;
    const int semi_row = p->mode == PA_ALIGN_SEMI && (p->fe & PA_FREE_QUERY_END);
    const int semi_col = p->mode == PA_ALIGN_SEMI && (p->fe & PA_FREE_TARGET_END);
    for (int l = 0; l < L; l++) {
        memset(&r[l], 0, sizeof r[l]);
        r[l].bits = WBITS;
        r[l].overflow = p->go > TOP / 2 || p->ge > TOP / 2;
    }
    if (r[0].overflow)
        return 0;
    VT *buf = pai_ws_simd(w, (3 * (size_t)m + PAI_AMAX) * sizeof(VT));
    if (!buf)
        return pai_error(PA_ENOMEM, "out of memory");
    /* H of the last column (hc) and of the one before (hn, overwritten by the next):
     * the end-row search of a lane waits until its run of improving columns ends */
    VT *hc = buf, *hn = buf + m, *ec = buf + 2 * m, *prof = buf + 3 * m;
    const VT vgo = VSET1(p->go), vge = VSET1(p->ge), vneg = VSET1(NEGV - OFF);
#if WBITS != 8
    const VT vzero = VSET1(0);
#endif
    /* a best above this may have saturated */
    const int64_t limit = (int64_t)TOP - b->mxmax - 1;
    for (int64_t i = 0; i < m; i++) { /* column 0 */
        int64_t h = pai_bound_col(p, i + 1);
        VSTORE(hc + i, VSET1((int32_t)((h < NEGV ? NEGV : h) - OFF)));
        VSTORE(ec + i, vneg);
    }
    /* per-lane state kept in scalars: touched only when a lane improves or ends */
    int64_t best[L], row_best[L], row_j[L];
    uint64_t live = 0; /* lanes whose target is still running (or not overflowed) */
    uint64_t pend = 0; /* local: lanes whose new best's query end is still to find */
    for (int l = 0; l < L; l++) {
        best[l] = 0, row_best[l] = INT64_MIN, row_j[l] = 0;
        live |= b->n[l] > 0 ? (uint64_t)1 << l : 0;
    }
    ET lanes[L] __attribute__((aligned(PAI_VALIGN)));
/* first query position of column `col` holding the lane's best (smallest qend on ties) */
#define SCAN(col, lanemask)                                                 \
    do {                                                                    \
        uint64_t todo_ = (lanemask);                                        \
        for (int64_t i_ = 0; i_ < m && todo_; i_++) {                       \
            uint64_t eq_ = MASKEQ(VLOAD((col) + i_), vbest) & todo_;        \
            todo_ &= ~eq_;                                                  \
            for (; eq_; eq_ &= eq_ - 1)                                     \
                r[__builtin_ctzll(eq_)].qend = i_ + 1;                      \
        }                                                                   \
    } while (0)
    VT vbest = VSET1(-OFF), vmax = vneg;
    const uint8_t *q = b->q;
    for (int64_t j = 0; j < b->nmax && live; j++) {
        PROF(prof, b->tb + (size_t)j * L, b);
        int64_t hd0 = pai_bound_row(p, j), f0 = pai_bound_row(p, j + 1) - p->go;
        VT vhd = VSET1((int32_t)((hd0 < NEGV ? NEGV : hd0) - OFF));
        VT vf = VSET1((int32_t)((f0 < NEGV ? NEGV : f0) - OFF));
        if (local)
            vmax = vneg;
        for (int64_t i = 0; i < m; i++) {
            VT vhp = VLOAD(hc + i); /* H[i+1][j], previous column */
            VT ve = VMAX(VSUBS(VLOAD(ec + i), vge), VSUBS(vhp, vgo));
            VT vh = VADDS(vhd, VLOAD(prof + q[i]));
#if WBITS != 8
            if (local)
                ve = VMAX(ve, vzero); /* E >= 0 is as good as H >= 0 here */
#endif
            vh = VMAX(vh, ve);
            /* next F = max(F - ge, max(H, F) - go) = max(F - ge, H - go) as go >= ge */
            VT vxo = VSUBS(vh, vgo);
            vh = VMAX(vh, vf);
            vmax = VMAX(vmax, vh);
            vf = VMAX(VSUBS(vf, vge), vxo);
            VSTORE(ec + i, ve);
            VSTORE(hn + i, vh);
            vhd = vhp;
        }
        VT *swap = hc;
        hc = hn, hn = swap; /* hc: this column, hn: the previous one */
        if (local) {
            /* a column beyond a lane's target only holds values below that lane's best
             * (gap-derived or padding scores <= 0): lanes never improve there */
            uint64_t up = MASKGT(vmax, vbest) & live;
            SCAN(hn, pend & ~up); /* runs that ended in the previous column */
            pend &= up;
            if (!up)
                continue;
            VSTOREU((VT *)lanes, vmax);
            for (int l = 0; l < L; l++) {
                if (!((up >> l) & 1))
                    continue;
                best[l] = lanes[l] + OFF;
                r[l].tend = j + 1;
                if (best[l] > limit) { /* may have saturated: the caller redoes the lane */
                    r[l].overflow = 1;
                    live &= ~((uint64_t)1 << l);
                } else {
                    pend |= (uint64_t)1 << l;
                }
            }
            VSTOREU((VT *)lanes, vbest);
            for (int l = 0; l < L; l++)
                if ((up >> l) & 1)
                    lanes[l] = (ET)(best[l] - OFF);
            vbest = VLOAD((const VT *)lanes);
            continue;
        }
        if (semi_row) { /* H[m][j+1] of the running lanes */
            VSTOREU((VT *)lanes, VLOAD(hc + m - 1));
            for (uint64_t x = live; x; x &= x - 1) {
                int l = __builtin_ctzll(x);
                if (lanes[l] > row_best[l])
                    row_best[l] = lanes[l], row_j[l] = j + 1;
            }
        }
        for (int l = 0; l < L; l++) { /* lanes whose target ends at this column */
            if (!((live >> l) & 1) || b->n[l] != j + 1)
                continue;
            live &= ~((uint64_t)1 << l);
            pai_semi_cands c = {row_best[l], row_j[l], INT64_MIN, 0};
            const ET *col = (const ET *)hc;
            if (semi_col)
                for (int64_t i = 0; i < m; i++)
                    if (col[i * L + l] > c.col_best)
                        c.col_best = col[i * L + l], c.col_i = i + 1;
            int64_t hmn = col[(m - 1) * L + l], n = j + 1;
            r[l].score = hmn, r[l].qend = m, r[l].tend = n;
            if (semi_row || semi_col) {
                pai_semi_pick(p, m, n, &c, &r[l]);
                if (hmn > r[l].score ||
                    (hmn == r[l].score && (n < r[l].tend || (n == r[l].tend && m < r[l].qend))))
                    r[l].score = hmn, r[l].qend = m, r[l].tend = n;
            }
            r[l].bits = WBITS;
        }
    }
    if (local) {
        SCAN(hc, pend);
        for (int l = 0; l < L; l++) {
            r[l].score = r[l].overflow ? 0 : best[l];
            if (r[l].score == 0)
                r[l].qend = r[l].tend = 0;
        }
        return 0;
    }
    /* upper saturation anywhere in a lane (the lower side was bounded a priori; columns
     * past a lane's end only hold smaller values) */
    VSTOREU((VT *)lanes, vmax);
    for (int l = 0; l < L; l++)
        if (lanes[l] > limit)
            r[l].overflow = 1;
    return 0;
}

#undef FN
#undef ET
#undef WBITS
#undef VADDS
#undef VSUBS
#undef VMAX
#undef VSET1
#undef PROF
#undef MASKGT
#undef MASKEQ
#undef SCAN
