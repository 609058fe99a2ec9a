/* inter.c — one query against many targets with the inter-sequence kernels. Targets
 * (given sorted by length, so lanes finish together) are packed into lane batches;
 * lanes that may have saturated at 8 bits are redone at 16 bits in new batches, and
 * the few beyond that per pair with 32-bit lanes. Scores and end cells equal the
 * scalar reference's. */
#include "align/align_int.h"

#include <string.h>

static const pai_inter_fn *inter_of(pa_isa isa, int vbmi)
{
    return isa == PA_ISA_SSE41 ? pai_inter_sse41
           : isa == PA_ISA_AVX2 ? pai_inter_avx2
           : isa == PA_ISA_AVX512 ? (vbmi ? pai_inter_avx512vbmi : pai_inter_avx512) : NULL;
}

int pai_inter_lanes(pa_isa isa, int wbits) { return pai_isa_lanes_bytes(isa) * 8 / wbits; }

int pai_inter_available(pa_isa isa)
{
    const pai_inter_fn *k = inter_of(isa, 0);
    return k && k[1];
}

int pai_inter_vbmi_supported(void)
{
#if defined(__x86_64__) || defined(__i386__)
    return pai_inter_avx512vbmi[0] && pai_isa_supported(PA_ISA_AVX512) &&
           __builtin_cpu_supports("avx512vbmi");
#else
    return 0;
#endif
}

void pai_inter_tables(pa_profile *p)
{
    const struct pa_matrix *mx = &p->mx;
    int seen[PAI_AMAX] = {0};
    p->nqrows = 0;
    for (int64_t i = 0; i < p->m; i++)
        if (!seen[p->qcode[i]]++)
            p->qrows[p->nqrows++] = p->qcode[i];
    p->inter_ok = mx->k < PAI_AMAX && mx->min >= -127 && mx->max <= 127;
    p->inter_eight = p->par.mode == PA_ALIGN_LOCAL;
    for (int a = 0; a < PAI_AMAX; a++)
        for (int c = 0; c < PAI_AMAX; c++) {
            int pad = c >= mx->k || a >= mx->k, s = pad ? 0 : mx->s[a * PAI_AMAX + c];
            s = s < -127 ? -127 : s > 127 ? 127 : s; /* only used when inter_ok */
            p->itab[a * PAI_AMAX + c] = (int8_t)(pad ? -128 : s);
            p->itabw[a * PAI_AMAX + c] = (int16_t)(pad ? -128 : s);
        }
}

/* Interleave up to `lanes` targets into w->tb (PAI_PAD past each end). Row by row, 8
 * lanes to a store while every lane has a residue: byte stores 64 bytes apart, one per
 * residue, took a fifth of the time of short queries. */
static int pack(const pa_profile *p, const char *const *t, const int64_t *n, const size_t *idx,
                size_t cnt, int lanes, pai_ws *w, int64_t *ln, int64_t *nmax)
{
    const unsigned char *src[64];
    int64_t nmin = INT64_MAX;
    *nmax = 0;
    for (size_t l = 0; l < (size_t)lanes; l++) {
        ln[l] = l < cnt ? n[idx[l]] : 0;
        src[l] = l < cnt ? (const unsigned char *)t[idx[l]] : NULL;
        *nmax = ln[l] > *nmax ? ln[l] : *nmax;
        nmin = ln[l] < nmin ? ln[l] : nmin;
    }
    size_t need = (size_t)*nmax * (size_t)lanes + 1;
    if (need > w->tb_cap && PAI_GROW(w->tb, w->tb_cap, need))
        return pai_error(PA_ENOMEM, "out of memory");
    const uint8_t *map = p->mx.map;
    uint8_t *o = w->tb;
    int64_t j = 0;
    for (; j < nmin; j++, o += lanes) {
        if (!(j & 63)) /* the targets lie anywhere: 64 streams no prefetcher follows */
            for (int l = 0; l < lanes; l++)
                __builtin_prefetch(src[l] + j + 64);
        for (int l = 0; l < lanes; l += 8) { /* lanes is a multiple of 8 */
            uint64_t x = 0;
            for (int k = 0; k < 8; k++)
                x |= (uint64_t)map[src[l + k][j]] << (8 * k);
            memcpy(o + l, &x, 8);
        }
    }
    for (; j < *nmax; j++, o += lanes)
        for (int l = 0; l < lanes; l++)
            o[l] = j < ln[l] ? map[src[l][j]] : PAI_PAD;
    *o = PAI_PAD;
    return 0;
}

/* The first pass's lane batches of t[0..cnt), packed unless the previous call of this
 * worker packed the same (the queries of a tile run one after the other on the same
 * targets: batch.c). */
static int pack_range(const pa_profile *p, const char *const *t, const int64_t *n,
                      const size_t *idx, size_t cnt, int lanes, pai_ws *w)
{
    if (w->pk_t == t && w->pk_cnt == cnt && w->pk_lanes == lanes &&
        !memcmp(w->pk_map, p->mx.map, sizeof w->pk_map) &&
        !memcmp(w->pk_idx, idx, cnt * sizeof *idx))
        return 0;
    size_t nb = (cnt + (size_t)lanes - 1) / (size_t)lanes, at = 0;
    w->pk_t = NULL;
    if ((nb > w->pkb_cap && PAI_GROW(w->pkb, w->pkb_cap, nb)) ||
        (cnt > w->pk_idx_cap && PAI_GROW(w->pk_idx, w->pk_idx_cap, cnt)))
        return pai_error(PA_ENOMEM, "out of memory");
    for (size_t i = 0; i < nb; i++) {
        struct pai_pkb *k = &w->pkb[i];
        size_t c = cnt - i * (size_t)lanes < (size_t)lanes ? cnt - i * (size_t)lanes : (size_t)lanes;
        int rc = pack(p, t, n, idx + i * (size_t)lanes, c, lanes, w, k->ln, &k->nmax);
        size_t sz = (size_t)k->nmax * (size_t)lanes + 1;
        if (rc || (at + sz > w->pk_cap && PAI_GROW(w->pk, w->pk_cap, at + sz)))
            return rc ? rc : pai_error(PA_ENOMEM, "out of memory");
        memcpy(w->pk + at, w->tb, sz);
        k->off = at;
        at += sz;
    }
    w->pk_t = t, w->pk_cnt = cnt, w->pk_lanes = lanes;
    memcpy(w->pk_idx, idx, cnt * sizeof *idx);
    memcpy(w->pk_map, p->mx.map, sizeof w->pk_map);
    return 0;
}

/* Score the targets idx[0..cnt) at one lane width; lanes that overflow are appended
 * to redo (which may alias nothing else). */
static int run_width(const pa_profile *p, pa_isa isa, int vbmi, int wd, int first, const char *const *t,
                     const int64_t *n, const size_t *idx, size_t cnt, pai_ws *w, pai_kres *out,
                     size_t *redo, size_t *nredo)
{
    const int wbits = wd == 0 ? 8 : 16, lanes = pai_inter_lanes(isa, wbits);
    const pai_inter_fn fn = inter_of(isa, vbmi)[wd];
    int64_t ln[64], nmax;
    pai_kres r[64];
    pai_ibatch b = {p->qcode, p->m, &p->par, p->itab, p->itabw, p->mx.k,
                    p->mx.max > 0 ? p->mx.max : 0, p->qrows, p->nqrows, NULL, 0, ln};
    int rc = first ? pack_range(p, t, n, idx, cnt, lanes, w) : 0;
    if (rc)
        return rc;
    for (size_t at = 0; at < cnt; at += (size_t)lanes) {
        size_t c = cnt - at < (size_t)lanes ? cnt - at : (size_t)lanes;
        if (first) {
            const struct pai_pkb *k = &w->pkb[at / (size_t)lanes];
            b.tb = w->pk + k->off, b.nmax = k->nmax, b.n = k->ln;
        } else {
            if ((rc = pack(p, t, n, idx + at, c, lanes, w, ln, &nmax)))
                return rc;
            for (size_t l = at + (size_t)lanes; l < at + 2 * (size_t)lanes && l < cnt; l++)
                __builtin_prefetch(t[idx[l]]); /* the next batch's heads, while this runs */
            b.tb = w->tb, b.nmax = nmax, b.n = ln;
        }
        if ((rc = fn(&b, w, r)))
            return rc;
        for (size_t l = 0; l < c; l++) {
            if (r[l].overflow)
                redo[(*nredo)++] = idx[at + l];
            else
                out[idx[at + l]] = r[l];
        }
    }
    return 0;
}

/* Per pair from the given width up (striped or scalar), for what the lanes cannot do. */
static int score_pair(const pa_profile *p, const char *t, int64_t n, int wmin, pai_ws *w,
                      pai_kres *r)
{
    if ((size_t)n + 1 > w->tcode_cap && PAI_GROW(w->tcode, w->tcode_cap, (size_t)n + 1))
        return pai_error(PA_ENOMEM, "out of memory");
    pai_encode(&p->mx, t, (size_t)n, w->tcode);
    return pai_profile_score_from(p, w->tcode, n, w, r, wmin);
}

int pai_inter_score(const pa_profile *p, pa_isa isa, int vbmi, const char *const *t,
                    const int64_t *n, size_t cnt, pai_ws *w, pai_kres *out)
{
    if (!cnt)
        return 0;
    size_t *lists = pai_malloc(2 * cnt * sizeof *lists), *cur = lists, *next = lists + cnt;
    if (!lists)
        return pai_error(PA_ENOMEM, "out of memory");
    size_t ncur = 0, nnext = 0;
    int rc = 0;
    /* empty sequences and 16-bit lanes that could underflow go per pair */
    for (size_t i = 0; i < cnt && !rc; i++) {
        if (p->m && n[i] && (p->inter_eight || p->par.mode == PA_ALIGN_LOCAL || pai_w16_safe(p, n[i])))
            cur[ncur++] = i;
        else
            rc = score_pair(p, t[i], n[i], n[i] && p->m ? PAI_W32 : PAI_W8, w, &out[i]);
    }
    for (int wd = p->inter_eight ? 0 : 1; wd <= 1 && !rc && ncur; wd++) {
        nnext = 0;
        rc = run_width(p, isa, vbmi, wd, wd == (p->inter_eight ? 0 : 1), t, n, cur, ncur, w, out, next, &nnext);
        size_t *x = cur;
        cur = next, next = x, ncur = nnext;
    }
    for (size_t i = 0; i < ncur && !rc; i++)
        rc = score_pair(p, t[cur[i]], n[cur[i]], PAI_W32, w, &out[cur[i]]);
    pai_free(lists);
    return rc;
}
