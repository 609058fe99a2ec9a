/* striped_tmpl.h — Farrar's striped Smith-Waterman / Needleman-Wunsch kernel, written
 * once and instantiated per ISA and lane width (included by kern_<isa>.c with the
 * vector macros defined). Query along the vector (striped), target along the loop.
 *
 * Parameters: FN, VT, ET, WBITS (8 = unsigned biased local-only, 16 saturating,
 * 32 plain), VADD VSUB VMAX VOR VSET1 VLANE0 VANYGT VSHL1 VLOAD VSTORE VSTOREU.
 * E = horizontal gap (target residue vs gap), F = vertical (query residue vs gap). */

static int FN(const pai_sprofile *sp, int64_t m, const uint8_t *t, int64_t n,
              const pai_params *p, const struct pa_matrix *mx, pai_ws *w, pai_kres *r)
{
    /* LAZY_MIN: lazy-F steps taken before testing whether to stop (see below) */
    enum { L = (int)(sizeof(VT) / sizeof(ET)), LAZY_MIN = 10 };
#if WBITS == 8
    const int32_t NEGV = 0, TOP = 255;
#elif WBITS == 16
    const int32_t NEGV = INT16_MIN, TOP = INT16_MAX;
#else
    const int32_t NEGV = PAI_NEG, TOP = INT32_MAX;
#endif
    const int64_t seg = sp->seglen;
    const int local = WBITS == 8 || p->mode == PA_ALIGN_LOCAL; /* constant for 8-bit */
    const int linear = p->go == p->ge; /* the kernels need go >= ge */
    memset(r, 0, sizeof *r);
    r->bits = WBITS;
    if (p->go > TOP / 2 || p->ge > TOP / 2) {
        r->overflow = 1;
        return 0;
    }
    VT *buf = pai_ws_simd(w, 4 * (size_t)seg * sizeof(VT));
    if (!buf)
        return pai_error(PA_ENOMEM, "out of memory");
    VT *hs = buf, *hl = buf + seg, *pe = buf + 2 * seg, *save = buf + 3 * seg;
    const int mxmax = mx->max > 0 ? mx->max : 0;

    /* column 0: H = boundary (0 when local), E = none. pe holds E of the last column
     * computed; each column derives its own E from the previous column's final H, so
     * the lazy-F correction below has no E to fix up. */
    const VT vgo = VSET1(p->go), vge = VSET1(p->ge), vneg = VSET1(NEGV);
    for (int64_t s = 0; s < seg; s++) {
        VSTORE(hs + s, VSET1(0));
        VSTORE(pe + s, vneg);
    }
    ET *h0 = (ET *)hs;
    for (int64_t s = 0; s < seg && !local; s++)
        for (int l = 0; l < L; l++) {
            int64_t i = s + (int64_t)l * seg;
            int64_t h = i < m ? pai_bound_col(p, i + 1) : NEGV;
            h0[s * L + l] = (ET)(h < NEGV ? NEGV : h);
        }
    const VT vnegl0 = VLANE0(NEGV);
#if WBITS == 8
    const VT vbias = VSET1(sp->bias);
    const int64_t limit = 255 - sp->bias - mxmax; /* best above this may have saturated */
#else
    const VT vzero = VSET1(0);
    const int64_t limit = (int64_t)TOP - mxmax - 1;
#endif
    int64_t best = local ? 0 : INT64_MIN, best_j = 0;
    int64_t row_best = INT64_MIN, row_j = 0;
    const int64_t last_at = ((m - 1) % seg) * L + (m - 1) / seg; /* element of position m-1 */
    const int want_row = p->mode == PA_ALIGN_SEMI && (p->fe & PA_FREE_QUERY_END);
    VT vmax = vneg, vbest = VSET1(0);

    for (int64_t j = 0; j < n; j++) {
        const VT *vp = (const VT *)sp->data + (size_t)t[j] * (size_t)seg;
        VT vf = local ? vneg : VOR(VSHL1(vneg), VLANE0((int32_t)(pai_bound_row(p, j + 1) - p->go)));
        VT vh = VSHL1(VLOAD(hs + seg - 1));
        if (!local)
            vh = VOR(vh, VLANE0((int32_t)pai_bound_row(p, j)));
        VT *tmp = hl;
        hl = hs;
        hs = tmp;
        if (local)
            vmax = vneg;
        for (int64_t s = 0; s < seg; s++) {
            VT vhp = VLOAD(hl + s); /* previous column, final */
            VT ve = VMAX(VSUB(VLOAD(pe + s), vge), VSUB(vhp, vgo));
            VSTORE(pe + s, ve);
            vh = VADD(vh, VLOAD(vp + s));
#if WBITS == 8
            vh = VSUB(vh, vbias);
#endif
            vh = VMAX(vh, ve);
#if WBITS != 8
            if (local)
                vh = VMAX(vh, vzero);
#endif
            /* next F = max(F - ge, H - go) with H = max(vh, F); as go >= ge this is
             * max(F - ge, vh - go): two operations on the F dependency chain, not three */
            VT vxo = VSUB(vh, vgo);
            vh = VMAX(vh, vf);
            vmax = VMAX(vmax, vh);
            VSTORE(hs + s, vh);
            vf = VMAX(VSUB(vf, vge), vxo);
            vh = vhp;
        }
        /* lazy F: carry the vertical gaps across lanes until they stop mattering. The
         * carry usually matters for a few steps (gaps 11/1: ~5-8), and a data-dependent
         * exit costs a mispredicted branch per column, so take LAZY_MIN steps without
         * testing: extra steps are no-ops, as vf never exceeds the true F (<= H). */
        int nstep = 0;
        for (int k = 0; k < L; k++) {
            vf = VOR(VSHL1(vf), vnegl0);
            for (int64_t s = 0; s < seg; s++) {
                VT old = VLOAD(hs + s);
                VT v = VMAX(old, vf);
                /* linear gaps (go == ge): the carry matters only while it raises H */
                int raised = linear && VANYGT(vf, old);
                VSTORE(hs + s, v); /* v <= some H above it: vmax needs no update */
                VT vho = VSUB(v, vgo);
                vf = VSUB(vf, vge);
                if (++nstep >= LAZY_MIN && (linear ? !raised : !VANYGT(vf, vho)))
                    goto done;
            }
        }
    done:
        if (local) {
            if (VANYGT(vmax, vbest)) {
                ET tmpv[L] __attribute__((aligned(PAI_VALIGN)));
                VSTOREU((VT *)tmpv, vmax); /* unaligned: sanitizer fake stacks may not honour 64-byte alignment */
                for (int l = 0; l < L; l++)
                    best = tmpv[l] > best ? tmpv[l] : best;
                best_j = j + 1;
                vbest = VSET1((int32_t)best);
                if (best > limit) {
                    r->overflow = 1;
                    return 0;
                }
                memcpy(save, hs, (size_t)seg * sizeof(VT));
            }
        } else if (want_row) {
            int64_t v = ((const ET *)hs)[last_at];
            if (v > row_best)
                row_best = v, row_j = j + 1;
        }
    }

    if (!local) { /* upper saturation anywhere? (the lower side was bounded a priori) */
        ET tmpv[L] __attribute__((aligned(PAI_VALIGN)));
        VSTOREU((VT *)tmpv, vmax); /* unaligned: sanitizer fake stacks may not honour 64-byte alignment */
        for (int l = 0; l < L; l++)
            if (tmpv[l] > limit) {
                r->overflow = 1;
                return 0;
            }
    }
    const ET *col = (const ET *)(local ? save : hs);
    if (local) {
        r->score = best;
        r->qend = r->tend = 0;
        if (best > 0) { /* first position i = l * seg + s, in increasing order */
            for (int64_t l = 0, i = 0; l < L && !r->qend; l++)
                for (int64_t s = 0; s < seg && i < m; s++, i++)
                    if (col[s * L + l] == best) {
                        r->qend = i + 1;
                        break;
                    }
            r->tend = best_j;
        }
        return 0;
    }
    int64_t hmn = col[last_at];
    if (!(p->fe & (PA_FREE_QUERY_END | PA_FREE_TARGET_END))) {
        r->score = hmn;
        r->qend = m;
        r->tend = n;
        return 0;
    }
    pai_semi_cands c = {row_best, row_j, INT64_MIN, 0};
    if (p->fe & PA_FREE_TARGET_END)
        for (int64_t l = 0, i = 0; l < L; l++)
            for (int64_t s = 0; s < seg && i < m; s++, i++) {
                int64_t v = col[s * L + l];
                if (v > c.col_best)
                    c.col_best = v, c.col_i = i + 1;
            }
    int bits = r->bits;
    pai_semi_pick(p, m, n, &c, r);
    if (hmn > r->score || (hmn == r->score && (n < r->tend || (n == r->tend && m < r->qend))))
        r->score = hmn, r->qend = m, r->tend = n;
    r->bits = bits;
    r->overflow = 0;
    return 0;
}

/* The template consumes its parameters so the next instantiation can define them afresh. */
#undef FN
#undef ET
#undef WBITS
#undef VADD
#undef VSUB
#undef VMAX
#undef VSET1
#undef VLANE0
#undef VANYGT
#undef VSHL1
