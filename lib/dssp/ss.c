/* ss.c — bridges, ladders and sheets; helices, turns, bends; polyproline II.
 *
 * The order of every pass follows DSSP 4 because the passes overwrite each other:
 * E/B first, then H over anything, G and I only on free residues (I may also take
 * H: DSSP 4's pi-helix priority), T and S on what is left, P last. */
#include "dssp_impl.h"

#include <stdlib.h>
#include <string.h>

enum { BR_NONE = 0, BR_PARALLEL = 1, BR_ANTI = 2 };

typedef struct {
    int type;
    uint32_t sheet, ladder, chain_rank;
    uint32_t *i, *j; /* bridged residues; j runs against i for antiparallel ladders */
    size_t ni, nj, ci, cj;
} bridge;

static int bonded(const pa_dssp *d, size_t a, size_t b) { return pai_dssp_hbonded(d, a, b); }

static int test_bridge(const pa_dssp *d, size_t i, size_t j)
{
    if (i == 0 || j == 0 || i + 1 >= d->n || j + 1 >= d->n || !pai_dssp_nobreak(d, i - 1, i + 1) ||
        !pai_dssp_nobreak(d, j - 1, j + 1))
        return BR_NONE;
    size_t a = i - 1, b = i, c = i + 1, e = j, dd = j - 1, f = j + 1;
    if ((bonded(d, c, e) && bonded(d, e, a)) || (bonded(d, f, b) && bonded(d, b, dd)))
        return BR_PARALLEL;
    if ((bonded(d, c, dd) && bonded(d, f, a)) || (bonded(d, e, b) && bonded(d, b, e)))
        return BR_ANTI;
    return BR_NONE;
}

static int push(uint32_t **v, size_t *n, size_t *cap, uint32_t x, int front)
{
    if (PAI_GROW(*v, *cap, *n + 1))
        return PA_ENOMEM;
    if (front) {
        memmove(*v + 1, *v, *n * sizeof **v);
        (*v)[0] = x;
    } else {
        (*v)[*n] = x;
    }
    (*n)++;
    return 0;
}

typedef struct {
    bridge *b;
    size_t n, cap;
} bridges;

static void bridges_free(bridges *bs)
{
    for (size_t k = 0; k < bs->n; k++) {
        pai_free(bs->b[k].i);
        pai_free(bs->b[k].j);
    }
    pai_free(bs->b);
}

/* Extend a ladder that ends next to (i, j), or start a new one. */
static int add_bridge(bridges *bs, int type, uint32_t i, uint32_t j, uint32_t chain_rank)
{
    for (size_t k = 0; k < bs->n; k++) {
        bridge *b = &bs->b[k];
        if (type != b->type || i != b->i[b->ni - 1] + 1)
            continue;
        if (type == BR_PARALLEL && b->j[b->nj - 1] + 1 == j)
            return push(&b->i, &b->ni, &b->ci, i, 0) ? PA_ENOMEM : push(&b->j, &b->nj, &b->cj, j, 0);
        if (type == BR_ANTI && b->j[0] - 1 == j)
            return push(&b->i, &b->ni, &b->ci, i, 0) ? PA_ENOMEM : push(&b->j, &b->nj, &b->cj, j, 1);
    }
    if (PAI_GROW(bs->b, bs->cap, bs->n + 1))
        return PA_ENOMEM;
    bridge *b = &bs->b[bs->n++];
    *b = (bridge){.type = type, .chain_rank = chain_rank};
    return push(&b->i, &b->ni, &b->ci, i, 0) ? PA_ENOMEM : push(&b->j, &b->nj, &b->cj, j, 0);
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

/* Partners j of residue i worth testing: only residues H-bonded to i-1, i or i+1
 * (or their neighbours) can bridge with it, so the search stays linear. */
static size_t candidates(const pa_dssp *d, size_t i, uint32_t out[36])
{
    size_t n = 0;
    for (size_t k = i - 1; k <= i + 1; k++)
        for (int h = 0; h < 4; h++) {
            int32_t p = h < 2 ? d->r[k].acc[h].res : d->r[k].don[h - 2].res;
            if (p < 0)
                continue;
            for (int32_t q = p - 1; q <= p + 1; q++)
                if (q >= (int32_t)(i + 3) && (size_t)q + 1 < d->n)
                    out[n++] = (uint32_t)q;
        }
    qsort(out, n, sizeof *out, cmp_u32);
    size_t m = 0;
    for (size_t k = 0; k < n; k++)
        if (m == 0 || out[m - 1] != out[k])
            out[m++] = out[k];
    return m;
}

static int find_bridges(pa_dssp *d, bridges *bs, const uint32_t *chain_rank)
{
    uint32_t cand[36];
    for (size_t i = 1; i + 4 < d->n; i++) {
        size_t nc = candidates(d, i, cand);
        for (size_t k = 0; k < nc; k++) {
            int type = test_bridge(d, i, cand[k]);
            if (type != BR_NONE &&
                add_bridge(bs, type, (uint32_t)i, cand[k], chain_rank[d->r[i].chain]) < 0)
                return PA_ENOMEM;
        }
    }
    return 0;
}

/* mkdssp sorts ladders by (chain id, first residue) with std::sort, which is
 * not stable: ladders starting at the same residue keep the order introsort
 * leaves them in, and that order names the ladders. So this is the same
 * introsort (median-of-three quicksort down to 16 elements, then one insertion
 * sort), to give the same labels. */
static int br_less(const bridge *a, const bridge *b)
{
    return a->chain_rank < b->chain_rank || (a->chain_rank == b->chain_rank && a->i[0] < b->i[0]);
}

static void br_swap(bridge *a, bridge *b)
{
    bridge t = *a;
    *a = *b;
    *b = t;
}

static void median_to_first(bridge *res, bridge *a, bridge *b, bridge *c)
{
    if (br_less(a, b)) {
        if (br_less(b, c))
            br_swap(res, b);
        else if (br_less(a, c))
            br_swap(res, c);
        else
            br_swap(res, a);
    } else if (br_less(a, c)) {
        br_swap(res, a);
    } else if (br_less(b, c)) {
        br_swap(res, c);
    } else {
        br_swap(res, b);
    }
}

static bridge *partition(bridge *first, bridge *last, bridge *pivot)
{
    for (;;) {
        while (br_less(first, pivot))
            first++;
        last--;
        while (br_less(pivot, last))
            last--;
        if (!(first < last))
            return first;
        br_swap(first, last);
        first++;
    }
}

static void linear_insert(bridge *last)
{
    bridge v = *last;
    for (bridge *next = last - 1; br_less(&v, next); next--) {
        *last = *next;
        last = next;
    }
    *last = v;
}

static void insertion_sort(bridge *first, bridge *last)
{
    for (bridge *i = first + 1; i < last; i++) {
        if (br_less(i, first)) {
            bridge v = *i;
            memmove(first + 1, first, (size_t)(i - first) * sizeof *first);
            *first = v;
        } else {
            linear_insert(i);
        }
    }
}

static void introsort_loop(bridge *first, bridge *last, int depth)
{
    while (last - first > 16) {
        if (depth-- == 0) { /* never met on real ladders; any correct sort will do */
            insertion_sort(first, last);
            return;
        }
        median_to_first(first, first + 1, first + (last - first) / 2, last - 1);
        bridge *cut = partition(first + 1, last, first);
        introsort_loop(cut, last, depth);
        last = cut;
    }
}

static void sort_bridges(bridges *bs)
{
    if (bs->n < 2)
        return;
    int lg = 0;
    for (size_t n = bs->n; n > 1; n >>= 1)
        lg++;
    bridge *first = bs->b, *last = bs->b + bs->n;
    introsort_loop(first, last, 2 * lg);
    if (last - first > 16) {
        insertion_sort(first, first + 16);
        for (bridge *i = first + 16; i < last; i++)
            linear_insert(i);
    } else {
        insertion_sort(first, last);
    }
}

static int append(uint32_t **v, size_t *n, size_t *cap, const uint32_t *x, size_t nx, int front)
{
    if (PAI_GROW(*v, *cap, *n + nx))
        return PA_ENOMEM;
    if (front)
        memmove(*v + nx, *v, *n * sizeof **v);
    memcpy(*v + (front ? 0 : *n), x, nx * sizeof *x);
    *n += nx;
    return 0;
}

/* Join ladders separated by a bulge (gaps of up to 4 and 1 residues, DSSP's rule).
 * The arithmetic is unsigned on purpose, as in DSSP: a negative gap never joins. */
static int join_bulges(pa_dssp *d, bridges *bs)
{
    for (size_t a = 0; a < bs->n; a++) {
        for (size_t b = a + 1; b < bs->n; b++) {
            bridge *x = &bs->b[a], *y = &bs->b[b];
            uint32_t ibi = x->i[0], iei = x->i[x->ni - 1], jbi = x->j[0], jei = x->j[x->nj - 1];
            uint32_t ibj = y->i[0], iej = y->i[y->ni - 1], jbj = y->j[0], jej = y->j[y->nj - 1];
            if (x->type != y->type ||
                !pai_dssp_nobreak(d, ibi < ibj ? ibi : ibj, iei > iej ? iei : iej) ||
                !pai_dssp_nobreak(d, jbi < jbj ? jbi : jbj, jei > jej ? jei : jej) ||
                ibj - iei >= 6 || (iei >= ibj && ibi <= iej))
                continue;
            int bulge = x->type == BR_PARALLEL
                            ? ((jbj - jei < 6 && ibj - iei < 3) || (jbj - jei < 3))
                            : ((jbi - jej < 6 && ibj - iei < 3) || (jbi - jej < 3));
            if (!bulge)
                continue;
            if (append(&x->i, &x->ni, &x->ci, y->i, y->ni, 0) ||
                append(&x->j, &x->nj, &x->cj, y->j, y->nj, x->type != BR_PARALLEL))
                return PA_ENOMEM;
            pai_free(y->i);
            pai_free(y->j);
            memmove(y, y + 1, (bs->n - b - 1) * sizeof *y);
            bs->n--;
            b--;
        }
    }
    return 0;
}

static int linked(const bridge *a, const bridge *b)
{
    const uint32_t *la[2] = {a->i, a->j}, *lb[2] = {b->i, b->j};
    size_t na[2] = {a->ni, a->nj}, nb[2] = {b->ni, b->nj};
    for (int p = 0; p < 2; p++)
        for (int q = 0; q < 2; q++)
            for (size_t x = 0; x < na[p]; x++)
                for (size_t y = 0; y < nb[q]; y++)
                    if (la[p][x] == lb[q][y])
                        return 1;
    return 0;
}

static unsigned hist_slot(size_t n) { return (unsigned)(n > PAI_DSSP_HIST ? PAI_DSSP_HIST : n) - 1; }

/* Sheets are the connected sets of ladders (sharing a residue), numbered from the
 * first ladder in sorted order; ladders are numbered sheet by sheet. */
static int label_sheets(pa_dssp *d, bridges *bs)
{
    uint32_t *sheet = pai_calloc(bs->n ? bs->n : 1, sizeof *sheet);
    if (!sheet)
        return PA_ENOMEM;
    uint32_t next_sheet = 1, ladder = 0;
    for (size_t s = 0; s < bs->n; s++) {
        if (sheet[s])
            continue;
        sheet[s] = next_sheet;
        for (int grew = 1; grew;) { /* grow the component to a fixed point */
            grew = 0;
            for (size_t a = 0; a < bs->n; a++)
                for (size_t b = 0; sheet[a] == next_sheet && b < bs->n; b++)
                    if (!sheet[b] && linked(&bs->b[a], &bs->b[b]))
                        sheet[b] = next_sheet, grew = 1;
        }
        size_t members = 0;
        for (size_t a = 0; a < bs->n; a++)
            if (sheet[a] == next_sheet) {
                bs->b[a].sheet = next_sheet;
                bs->b[a].ladder = ladder++;
                members++;
            }
        if (members == 1 && bs->b[s].ni > 1)
            d->st.ladders_sheet[0]++;
        else if (members > 1)
            d->st.ladders_sheet[hist_slot(members)]++;
        next_sheet++;
    }
    pai_free(sheet);
    return 0;
}

static int has_partner(const pa_dssp *d, const uint32_t *v, size_t n)
{
    for (size_t k = 0; k < n; k++)
        if (d->r[v[k]].bp[0].res >= 0)
            return 1;
    return 0;
}

static void mark_strand(pa_dssp *d, uint32_t from, uint32_t to, char ss, uint32_t sheet)
{
    for (uint32_t k = from; k <= to; k++) {
        if (d->r[k].ss != 'E')
            d->r[k].ss = ss;
        d->r[k].sheet = sheet;
    }
}

static void assign_ladder(pa_dssp *d, const bridge *b)
{
    int bi = has_partner(d, b->i, b->ni), bj = has_partner(d, b->j, b->nj);
    int par = b->type == BR_PARALLEL;
    if (par)
        d->st.hb_parallel += b->i[b->ni - 1] - b->i[0] + 2;
    else
        d->st.hb_antiparallel += b->i[b->ni - 1] - b->i[0] + 2;
    for (size_t k = 0; k < b->ni; k++) {
        uint32_t p = par ? b->j[k] : b->j[b->nj - 1 - k];
        d->r[b->i[k]].bp[bi] = (pai_bpartner){(int32_t)p, b->ladder, par};
    }
    for (size_t k = 0; k < b->nj; k++) {
        uint32_t p = par ? b->i[k] : b->i[b->ni - 1 - k];
        d->r[b->j[k]].bp[bj] = (pai_bpartner){(int32_t)p, b->ladder, par};
    }
    char ss = b->ni > 1 ? 'E' : 'B';
    mark_strand(d, b->i[0], b->i[b->ni - 1], ss, b->sheet);
    mark_strand(d, b->j[0], b->j[b->nj - 1], ss, b->sheet);
}

/* chain_rank orders chains as mkdssp's string comparison of chain ids does. */
static int chain_ranks(const char *const *labels, uint32_t nchains, uint32_t **out)
{
    uint32_t *rank = pai_calloc(nchains ? nchains : 1, sizeof *rank);
    if (!rank)
        return PA_ENOMEM;
    for (uint32_t a = 0; a < nchains; a++)
        for (uint32_t b = 0; b < nchains; b++)
            if (strcmp(labels[b], labels[a]) < 0)
                rank[a]++;
    *out = rank;
    return 0;
}

int pai_dssp_sheets(pa_dssp *d, const char *const *labels, uint32_t nchains)
{
    uint32_t *rank;
    if (chain_ranks(labels, nchains, &rank))
        return PA_ENOMEM;
    bridges bs = {0};
    int rc = find_bridges(d, &bs, rank);
    if (rc == 0) {
        sort_bridges(&bs);
        rc = join_bulges(d, &bs);
    }
    if (rc == 0) {
        for (size_t k = 0; k < bs.n; k++) {
            if (bs.b[k].type == BR_PARALLEL)
                d->st.par_ladder[hist_slot(bs.b[k].ni)]++;
            else
                d->st.anti_ladder[hist_slot(bs.b[k].ni)]++;
        }
        rc = label_sheets(d, &bs);
    }
    for (size_t k = 0; rc == 0 && k < bs.n; k++)
        assign_ladder(d, &bs.b[k]);
    bridges_free(&bs);
    pai_free(rank);
    return rc;
}

/* ---- helices, turns, bends ----------------------------------------------- */

static int helix_start(const pai_dres *r, int t)
{
    return r->hx[t] == PAI_HX_START || r->hx[t] == PAI_HX_STARTEND;
}

static void mark_turns(pa_dssp *d)
{
    for (int t = PAI_HX_310; t <= PAI_HX_PI; t++) {
        size_t stride = (size_t)t + 3;
        for (size_t i = 0; i + stride < d->n; i++) {
            if (!pai_dssp_nobreak(d, i, i + stride) || !pai_dssp_hbonded(d, i + stride, i))
                continue;
            d->r[i + stride].hx[t] = PAI_HX_END;
            for (size_t j = i + 1; j < i + stride; j++)
                if (d->r[j].hx[t] == PAI_HX_NONE)
                    d->r[j].hx[t] = PAI_HX_MIDDLE;
            d->r[i].hx[t] = d->r[i].hx[t] == PAI_HX_END ? PAI_HX_STARTEND : PAI_HX_START;
        }
    }
}

/* Two consecutive n-turns starting at i-1 and i make a minimal helix i..i+n-1. */
static void mark_helix(pa_dssp *d, int t, char ss, int over_alpha)
{
    size_t len = (size_t)t + 3;
    for (size_t i = 1; i + len < d->n; i++) {
        if (!helix_start(&d->r[i], t) || !helix_start(&d->r[i - 1], t))
            continue;
        int room = 1;
        for (size_t j = i; room && j < i + len && t != PAI_HX_ALPHA; j++) {
            char c = d->r[j].ss;
            room = c == ' ' || c == ss || (over_alpha && c == 'H');
        }
        if (room)
            for (size_t j = i; j < i + len; j++)
                d->r[j].ss = ss;
    }
}

static void turns_and_bends(pa_dssp *d)
{
    for (size_t i = 1; i + 1 < d->n; i++) {
        pai_dres *r = &d->r[i];
        if (r->ss != ' ')
            continue;
        int turn = 0;
        for (int t = PAI_HX_310; t <= PAI_HX_PI; t++)
            for (size_t k = 1; k < (size_t)t + 3 && !turn; k++)
                turn = i >= k && helix_start(&d->r[i - k], t);
        if (turn)
            r->ss = 'T';
        else if (r->bend)
            r->ss = 'S';
    }
}

/* mkdssp's histogram quirk kept: a helix still open when the chain id changes
 * (or at the end) is not counted. */
static void helix_histogram(pa_dssp *d)
{
    size_t len = 0;
    for (size_t i = 0; i < d->n; i++) {
        if (i > 0 && d->r[i].chain != d->r[i - 1].chain)
            len = 0;
        if (d->r[i].ss == 'H') {
            len++;
        } else if (len > 0) {
            d->st.helix_len[hist_slot(len)]++;
            len = 0;
        }
    }
}

void pai_dssp_helices(pa_dssp *d)
{
    mark_turns(d);
    for (size_t i = 0; i < d->n; i++)
        d->r[i].bend = d->r[i].kappa != 360 && d->r[i].kappa > 70;
    mark_helix(d, PAI_HX_ALPHA, 'H', 0);
    mark_helix(d, PAI_HX_310, 'G', 0);
    mark_helix(d, PAI_HX_PI, 'I', 1);
    turns_and_bends(d);
    helix_histogram(d);
}

/* ---- polyproline II ------------------------------------------------------ */

static int pp_angles(const pa_dssp *d, size_t i)
{
    /* mkdssp reads phi/psi of the first and last residue as 0 */
    float phi = (i == 0 || i + 1 >= d->n) ? 0 : d->r[i].phi;
    float psi = (i == 0 || i + 1 >= d->n) ? 0 : d->r[i].psi;
    const float eps = 29;
    return phi >= -75 - eps && phi <= -75 + eps && psi >= 145 - eps && psi <= 145 + eps;
}

static void set_pp(pai_dres *r)
{
    if (r->ss == ' ')
        r->ss = 'P';
}

void pai_dssp_pp(pa_dssp *d, int stretch)
{
    for (size_t i = 1; i + 3 < d->n; i++) {
        if (!pp_angles(d, i) || !pp_angles(d, i + 1) || (stretch == 3 && !pp_angles(d, i + 2)))
            continue;
        pai_dres *r = &d->r[i];
        if (r->hx[PAI_HX_PP] == PAI_HX_NONE)
            r->hx[PAI_HX_PP] = PAI_HX_START;
        else if (r->hx[PAI_HX_PP] == PAI_HX_END)
            r->hx[PAI_HX_PP] = stretch == 3 ? PAI_HX_STARTEND : PAI_HX_MIDDLE;
        if (stretch == 3)
            d->r[i + 1].hx[PAI_HX_PP] = PAI_HX_MIDDLE;
        d->r[i + stretch - 1].hx[PAI_HX_PP] = PAI_HX_END;
        for (int k = 0; k < stretch; k++)
            set_pp(&d->r[i + (size_t)k]);
    }
}
