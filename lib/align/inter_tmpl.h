/* inter_tmpl.h — inter-sequence (SWIPE-style) kernel: every lane holds a different
 * target, the query runs along the inner loop, two target columns per pass (one for an
 * odd last column).
 * Written once, instantiated per ISA and lane width by kern_<isa>.c.
 *
 * Parameters: FN, VT, ET, WBITS (8 = local only, values stored as H - 128 in signed
 * saturating bytes: the floor at 0 is the saturation at -128, so H + s needs one
 * instruction and no bias; 16 = signed saturating, all modes), VADDS VSUBS VMAX
 * VSET1 VLOAD VSTORE VSTOREU, PROF (builds the score vectors of one column:
 * PROF(prof, tb_column, b)), MASKGT/MASKEQ (one bit per lane). Per lane: score and
 * end cell with the scalar reference's tie rules, or overflow = 1 when the lane may
 * have saturated (the caller recomputes it wider).
 *
 * Recurrences as in scalar.c; F (query residue vs gap) is carried in a register down
 * the column, E (target residue vs gap) and H are stored per query position. */

#define PAIR PAI_CAT(FN, _pair)
#define ENDS PAI_CAT(FN, _ends)
#define EGAP PAI_CAT(FN, _egap)
#define CELL PAI_CAT(FN, _cell)

/* E of a cell from the cell on its left (its E and H). fl (16-bit local): floor at 0, as
 * good as H >= 0 there; 8-bit lanes floor by saturation. */
static inline __attribute__((always_inline)) VT EGAP(VT e, VT h, VT vgo, VT vge, int fl)
{
    VT v = VMAX(VSUBS(e, vge), VSUBS(h, vgo));
    return fl ? VMAX(v, VSET1(0)) : v;
}

/* H of a cell from its diagonal hd, score s and E; carries F down the column (next F =
 * max(F - ge, max(H, F) - go) = max(F - ge, H - go) as go >= ge) and the column max. */
static inline __attribute__((always_inline)) VT CELL(VT hd, VT s, VT e, VT *f, VT *mx, VT vgo,
                                                     VT vge)
{
    VT h = VMAX(VADDS(hd, s), e);
    VT x = VSUBS(h, vgo);
    h = VMAX(h, *f);
    *mx = VMAX(*mx, h);
    *f = VMAX(VSUBS(*f, vge), x);
    return h;
}

/* Two target columns down the query: A from the previous column hc into hm, B from A
 * (H and E in registers) into hn; ec holds E, left as column B's. vin: H[0][j] (the
 * diagonal of row 1) and the first F of A and of B; vmax: the column maxima; fl: see
 * EGAP. */
static inline __attribute__((always_inline)) void PAIR(const VT *hc, VT *hm, VT *hn, VT *ec,
                                                       const VT *prof, const uint8_t *q,
                                                       int64_t m, VT vgo, VT vge,
                                                       const VT vin[4], VT vmax[2], int fl)
{
    const VT *profb = prof + PAI_AMAX;
    VT vhda = vin[0], vhdb = vin[1], vfa = vin[2], vfb = vin[3];
    VT vmaxa = vmax[0], vmaxb = vmax[1];
    for (int64_t i = 0; i < m; i++) {
        VT vhp = VLOAD(hc + i);
        VT vea = EGAP(VLOAD(ec + i), vhp, vgo, vge, fl);
        VT vha = CELL(vhda, VLOAD(prof + q[i]), vea, &vfa, &vmaxa, vgo, vge);
        VT veb = EGAP(vea, vha, vgo, vge, fl);
        VT vhb = CELL(vhdb, VLOAD(profb + q[i]), veb, &vfb, &vmaxb, vgo, vge);
        VSTORE(ec + i, veb);
        VSTORE(hm + i, vha);
        VSTORE(hn + i, vhb);
        vhda = vhp;
        vhdb = vha;
    }
    vmax[0] = vmaxa, vmax[1] = vmaxb;
}

/* Global and semi-global, after DP column jj (values in colv): the row-m candidates of
 * the running lanes (vrow: their bests so far, tested as a vector), then, from column
 * *nend (the next end of a running lane) on, the results of the lanes ending there. */
static void ENDS(const pai_ibatch *b, const VT *colv, int64_t jj, uint64_t *live,
                 int64_t *row_best, int64_t *row_j, pai_kres *r, VT *vrow, int64_t *nend)
{
    enum { L = (int)(sizeof(VT) / sizeof(ET)) };
    const pai_params *p = b->p;
    const int64_t m = b->m;
    const int semi_row = p->mode == PA_ALIGN_SEMI && (p->fe & PA_FREE_QUERY_END);
    const int semi_col = p->mode == PA_ALIGN_SEMI && (p->fe & PA_FREE_TARGET_END);
    const ET *col = (const ET *)colv;
    if (semi_row) { /* H[m][jj]; values stay above the lanes' lowest (pai_w16_safe) */
        VT v = VLOAD(colv + m - 1);
        uint64_t up = MASKGT(v, *vrow) & *live;
        *vrow = VMAX(*vrow, v);
        for (; up; up &= up - 1) {
            int l = __builtin_ctzll(up);
            row_best[l] = col[(m - 1) * L + l], row_j[l] = jj;
        }
    }
    if (jj < *nend)
        return;
    *nend = INT64_MAX;
    for (int l = 0; l < L; l++) {
        if (!((*live >> l) & 1) || b->n[l] != jj)
            continue;
        *live &= ~((uint64_t)1 << l);
        pai_semi_cands c = {row_best[l], row_j[l], INT64_MIN, 0};
        if (semi_col)
            for (int64_t i = 0; i < m; i++)
                if (col[i * L + l] > c.col_best)
                    c.col_best = col[i * L + l], c.col_i = i + 1;
        int64_t hmn = col[(m - 1) * L + l], n = jj;
        r[l].score = hmn, r[l].qend = m, r[l].tend = n;
        if (semi_row || semi_col) {
            pai_semi_pick(p, m, n, &c, &r[l]);
            if (hmn > r[l].score ||
                (hmn == r[l].score && (n < r[l].tend || (n == r[l].tend && m < r[l].qend))))
                r[l].score = hmn, r[l].qend = m, r[l].tend = n;
        }
        r[l].bits = WBITS;
    }
    for (uint64_t x = *live; x; x &= x - 1)
        *nend = b->n[__builtin_ctzll(x)] < *nend ? b->n[__builtin_ctzll(x)] : *nend;
}

#define SCANF PAI_CAT(FN, _scan)
/* For the lanes in todo: the first query position of column col holding the lane's
 * best (smallest qend on ties). Blocks of 8 rows are tested at once (compares that do
 * not wait on each other) and only a block holding a best is walked row by row. */
static inline void SCANF(const VT *col, int64_t m, VT vbest, uint64_t todo, pai_kres *r)
{
    for (int64_t i = 0; i < m && todo; i += 8) {
        int64_t e = m - i < 8 ? m : i + 8;
        uint64_t any = 0;
        for (int64_t k = i; k < e; k++)
            any |= MASKEQ(VLOAD(col + k), vbest);
        for (int64_t k = i; k < e && (any & todo); k++) {
            uint64_t eq = MASKEQ(VLOAD(col + k), vbest) & todo;
            todo &= ~eq;
            for (; eq; eq &= eq - 1)
                r[__builtin_ctzll(eq)].qend = k + 1;
        }
    }
}

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
    for (int l = 0; l < L; l++) {
        memset(&r[l], 0, sizeof r[l]);
        r[l].bits = WBITS;
        r[l].overflow = p->go > TOP / 2 || p->ge > TOP / 2;
    }
    if (r[0].overflow)
        return 0;
    VT *buf = pai_ws_simd(w, (4 * (size_t)m + 2 * PAI_AMAX) * sizeof(VT) +
                             (size_t)b->nmax * sizeof(pai_ilog));
    if (!buf)
        return pai_error(PA_ENOMEM, "out of memory");
    /* H of the last column (hc) and of the one before (hn, overwritten by the next):
     * the end-row search of a lane waits until its run of improving columns ends */
    VT *hc = buf, *hn = buf + m, *ec = buf + 2 * m, *prof = buf + 3 * m;
    const VT vgo = VSET1(p->go), vge = VSET1(p->ge), vneg = VSET1(NEGV - OFF);
    const int floor0 = WBITS != 8 && local;
#define EDGE(x) VSET1(pai_edge((x), NEGV, OFF))
#define COLEND(colv, jj) ENDS(b, (colv), (jj), &live, row_best, row_j, r, &vrow, &nend)
    /* a best above this may have saturated */
    const int64_t limit = (int64_t)TOP - b->mxmax - 1;
    for (int64_t i = 0; i < m; i++) { /* column 0 */
        VSTORE(hc + i, VSET1(pai_edge(pai_bound_col(p, i + 1), NEGV, OFF)));
        VSTORE(ec + i, vneg);
    }
    /* per-lane state kept in scalars: touched only when a lane improves or ends */
    int64_t row_best[L], row_j[L];
    uint64_t live = 0; /* lanes whose target is still running (or not overflowed) */
    uint64_t pend = 0; /* local: lanes whose new best's query end is still to find */
    int64_t nend = INT64_MAX; /* the next column where a running lane ends */
    for (int l = 0; l < L; l++) {
        row_best[l] = INT64_MIN, row_j[l] = 0;
        live |= b->n[l] > 0 ? (uint64_t)1 << l : 0;
        nend = b->n[l] > 0 && b->n[l] < nend ? b->n[l] : nend;
    }
    VT vrow = vneg; /* semi-global: the running lanes' best H[m][j] so far */
    ET lanes[L] __attribute__((aligned(PAI_VALIGN)));
#define SCAN(col, lanemask) SCANF((col), m, vbest, (lanemask), r)
/* After a column (max per lane vcolmax, DP column jj): lanes that beat their best
 * log the column; lanes whose run of improving columns ended in the column before
 * (values in prevcol) get their query end. A column beyond a lane's target only holds
 * values below that lane's best (gap-derived, or padding scores <= 0): lanes never
 * improve there. Per-lane work happens only when a run ends. */
#define IMPROVE(vcolmax, prevcol, jj)                                                 \
    do {                                                                              \
        uint64_t up_ = MASKGT((vcolmax), vbest) & live;                               \
        SCAN((prevcol), pend & ~up_);                                                 \
        pend = up_;                                                                   \
        if (!up_)                                                                     \
            break;                                                                    \
        vbest = VMAX(vbest, (vcolmax));                                               \
        ilog[nlog].j = (jj);                                                          \
        ilog[nlog++].mask = up_;                                                      \
        uint64_t ov_ = MASKGT(vbest, vlimit) & up_; /* may have saturated: redo */   \
        live &= ~ov_;                                                                 \
        pend &= ~ov_;                                                                 \
        for (; ov_; ov_ &= ov_ - 1)                                                   \
            r[__builtin_ctzll(ov_)].overflow = 1;                                     \
    } while (0)
    pai_ilog *ilog = (pai_ilog *)(buf + 4 * m + 2 * PAI_AMAX);
    size_t nlog = 0;
    const VT vlimit = VSET1((int32_t)(limit - OFF));
    VT vbest = VSET1(-OFF), vmax = vneg;
    const uint8_t *q = b->q;
    int64_t j = 0;
    /* Two columns per pass down the query: column B takes column A's H and E straight
     * from registers, so H and E go through memory once per two columns. */
    VT *hm = buf + 3 * m + 2 * PAI_AMAX; /* column A of the pair (end-row search, ends) */
    for (; j + 1 < b->nmax && live; j += 2) {
        VT *profb = prof + PAI_AMAX;
        PROF(prof, b->tb + (size_t)j * L, b);
        PROF(profb, b->tb + (size_t)(j + 1) * L, b);
        VT vin[4] = {EDGE(pai_bound_row(p, j)), EDGE(pai_bound_row(p, j + 1)),
                     EDGE(pai_bound_row(p, j + 1) - p->go), EDGE(pai_bound_row(p, j + 2) - p->go)};
        VT vmaxab[2] = {vneg, vneg};
        if (floor0)
            PAIR(hc, hm, hn, ec, prof, q, m, vgo, vge, vin, vmaxab, 1);
        else
            PAIR(hc, hm, hn, ec, prof, q, m, vgo, vge, vin, vmaxab, 0);
        if (local) {
            IMPROVE(vmaxab[0], hc, j + 1);
            IMPROVE(vmaxab[1], hm, j + 2);
        } else {
            vmax = VMAX(vmax, VMAX(vmaxab[0], vmaxab[1]));
            COLEND(hm, j + 1);
            COLEND(hn, j + 2);
        }
        VT *swap = hc;
        hc = hn, hn = swap;
    }
    for (; j < b->nmax && live; j++) {
        PROF(prof, b->tb + (size_t)j * L, b);
        VT vhd = EDGE(pai_bound_row(p, j)), vf = EDGE(pai_bound_row(p, j + 1) - p->go);
        if (local)
            vmax = vneg;
        for (int64_t i = 0; i < m; i++) {
            VT vhp = VLOAD(hc + i); /* H[i+1][j], previous column */
            VT ve = EGAP(VLOAD(ec + i), vhp, vgo, vge, floor0);
            VT vh = CELL(vhd, VLOAD(prof + q[i]), ve, &vf, &vmax, vgo, vge);
            VSTORE(ec + i, ve);
            VSTORE(hn + i, vh);
            vhd = vhp;
        }
        VT *swap = hc;
        hc = hn, hn = swap; /* hc: this column, hn: the previous one */
        if (local) {
            IMPROVE(vmax, hn, j + 1);
            continue;
        }
        COLEND(hc, j + 1);
    }
    if (local) {
        SCAN(hc, pend);
        VSTOREU((VT *)lanes, vbest);
        uint64_t todo = ~(uint64_t)0;
        for (size_t e = nlog; e-- > 0 && todo;) { /* a lane's last improving column */
            uint64_t x = ilog[e].mask & todo;
            todo &= ~x;
            for (; x; x &= x - 1)
                r[__builtin_ctzll(x)].tend = ilog[e].j;
        }
        for (int l = 0; l < L; l++) {
            r[l].score = r[l].overflow ? 0 : lanes[l] + OFF;
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
#undef IMPROVE
#undef EDGE
#undef COLEND
#undef PAIR
#undef ENDS
#undef SCANF
#undef EGAP
#undef CELL
