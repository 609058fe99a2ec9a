/* dssp.c — pa_dssp_compute: which residues take part, the passes, accessors. */
#include "dssp_impl.h"
#include "panalyzer/sequence.h"

#include <math.h>
#include <string.h>

static const float kMaxPeptideBondLength = 2.5f, kSSBondDistance = 3.0f;

/* DSSP knows the 20 standard amino acids; every other residue is 'X'. */
static char dssp_letter(const char *name)
{
    static const char names[] = "ALA ARG ASN ASP CYS GLU GLN GLY HIS ILE LEU LYS MET PHE PRO SER THR TRP TYR VAL ";
    static const char codes[] = "ARNDCEQGHILKMFPSTWYV";
    if (strlen(name) != 3)
        return 'X';
    for (int i = 0; i < 20; i++)
        if (memcmp(names + 4 * i, name, 3) == 0)
            return codes[i];
    return 'X';
}

typedef struct {
    const pa_residue_columns *rc;
    const pa_atom_columns *ac;
    const int32_t *seq; /* per model residue (index - base): number for the kappa test */
    const uint8_t *poly; /* per model residue: in the chain's polymer (PDB files) */
    uint32_t base;
} cols;

/* Residues of the polymer: label_seq_id given (mmCIF); for PDB files, amino acids and
 * the residues the sequence module finds in the chain's polymer (modified ones). */
static int is_polymer(const cols *c, uint32_t r)
{
    if (c->rc->label_seq_id[r] != PA_SEQ_ID_NONE || c->poly[r - c->base])
        return 1;
    return pa_residue_kind(c->rc->name + (size_t)r * PA_NAME_STRIDE) == PA_MONOMER_AMINO_ACID;
}

enum { SEEN_N = 1, SEEN_CA = 2, SEEN_C = 4, SEEN_O = 8, SEEN_ALL = 15 };

/* Backbone and heavy side-chain atoms of one residue; with several conformers
 * the last backbone atom read wins and every side-chain atom counts (mkdssp). */
static int load_residue(pa_dssp *d, const cols *c, uint32_t r, pai_dres *out, size_t *side_cap)
{
    const pa_atom_columns *a = c->ac;
    int seen = 0;
    out->side0 = (uint32_t)d->nside;
    out->nside = 0;
    for (uint32_t k = c->rc->atom_begin[r]; k < c->rc->atom_begin[r + 1]; k++) {
        const char *nm = a->name + (size_t)k * PA_NAME_STRIDE;
        pai_v3 p = {a->x[k], a->y[k], a->z[k]};
        if (!strcmp(nm, "N"))
            out->n = p, seen |= SEEN_N;
        else if (!strcmp(nm, "CA"))
            out->ca = p, seen |= SEEN_CA;
        else if (!strcmp(nm, "C"))
            out->c = p, seen |= SEEN_C;
        else if (!strcmp(nm, "O"))
            out->o = p, seen |= SEEN_O;
        else if (strcmp(a->element + (size_t)k * 4, "H") != 0) {
            if (PAI_GROW(d->side, *side_cap, d->nside + 1))
                return PA_ENOMEM;
            d->side[d->nside++] = p;
            out->nside++;
            if (!strcmp(nm, "SG"))
                out->sg = p, out->has_sg = 1;
        }
    }
    if ((seen & SEEN_ALL) != SEEN_ALL) {
        d->nside = out->side0; /* drop its side chain */
        return seen;
    }
    return SEEN_ALL;
}

static void init_residue(pai_dres *x, const cols *c, uint32_t r, uint32_t chain)
{
    memset(x, 0, sizeof *x);
    x->sres = r;
    x->chain = chain;
    x->seq = c->seq[r - c->base];
    x->type = dssp_letter(c->rc->name + (size_t)r * PA_NAME_STRIDE);
    for (int k = 0; k < 2; k++) {
        x->acc[k].res = x->don[k].res = -1;
        x->bp[k].res = -1;
    }
    x->alpha = x->kappa = x->phi = x->psi = x->omega = 360;
}

static float dist(pai_v3 a, pai_v3 b)
{
    return sqrtf((a.x - b.x) * (a.x - b.x) + (a.y - b.y) * (a.y - b.y) + (a.z - b.z) * (a.z - b.z));
}

/* Numbering with DSSP's gaps: +1 more when C(i-1)..N(i) is longer than 2.5 A. */
static void number(pa_dssp *d, pai_dres *x, int *num)
{
    ++*num;
    x->brk = PA_DSSP_BREAK_NONE;
    if (d->n == 0) {
        d->st.chains = 1;
        x->brk = PA_DSSP_BREAK_CHAIN;
    } else {
        const pai_dres *p = &d->r[d->n - 1];
        if (p->chain != x->chain) {
            d->st.chains++;
            x->brk = PA_DSSP_BREAK_CHAIN;
        }
        if (dist(p->c, x->n) > kMaxPeptideBondLength) {
            if (p->chain == x->chain) {
                d->st.chains++;
                x->brk = PA_DSSP_BREAK_GAP;
            }
            ++*num;
        }
    }
    x->number = *num;
}

typedef struct {
    size_t protein, incomplete, ca_only;
    uint32_t first_bad;
} chain_tally;

static void chain_note(const pa_structure *s, const cols *c, const pa_chain_info *ci,
                       const chain_tally *t, pa_diags *diags)
{
    const char *file = pa_structure_name(s);
    if (t->incomplete == 0)
        return;
    if (t->ca_only == t->protein)
        pai_diag(diags, PA_SEV_WARNING, PA_D_OTHER, file, 0, 0,
                 "dssp: chain %s has CA atoms only (%zu residues): DSSP needs N, CA, C and O, "
                 "so the chain gets no assignment", ci->auth_id, t->protein);
    else
        pai_diag(diags, PA_SEV_INFO, PA_D_OTHER, file, 0, 0,
                 "dssp: chain %s: %zu residue(s) without all of N, CA, C, O left out (first: %s %d%s)",
                 ci->auth_id, t->incomplete, c->rc->name + (size_t)t->first_bad * PA_NAME_STRIDE,
                 c->rc->seq_id[t->first_bad], c->rc->icode[t->first_bad] ? "+icode" : "");
}

static int load_chain(pa_dssp *d, const pa_structure *s, const cols *c, uint32_t ci, size_t *cap,
                      size_t *side_cap, int *num, pa_diags *diags)
{
    pa_chain_info info;
    pa_structure_chain(s, ci, &info);
    chain_tally t = {0};
    for (uint32_t r = info.residue_begin; r < info.residue_begin + info.residue_count; r++) {
        if (!is_polymer(c, r))
            continue;
        if (PAI_GROW(d->r, *cap, d->n + 1))
            return PA_ENOMEM;
        pai_dres *x = &d->r[d->n];
        init_residue(x, c, r, ci);
        int seen = load_residue(d, c, r, x, side_cap);
        if (seen < 0)
            return seen;
        t.protein += pa_residue_kind(c->rc->name + (size_t)r * PA_NAME_STRIDE) == PA_MONOMER_AMINO_ACID;
        if (seen != SEEN_ALL) {
            if (pa_residue_kind(c->rc->name + (size_t)r * PA_NAME_STRIDE) == PA_MONOMER_AMINO_ACID) {
                if (t.incomplete++ == 0)
                    t.first_bad = r;
                t.ca_only += seen == SEEN_CA;
            }
            continue;
        }
        number(d, x, num);
        d->n++;
    }
    chain_note(s, c, &info, &t, diags);
    return 0;
}

static void disulfides(pa_dssp *d)
{
    int nr = 0;
    for (size_t a = 0; a < d->n; a++) {
        if (d->r[a].type != 'C' || !d->r[a].has_sg || d->r[a].ssbridge)
            continue;
        for (size_t b = a + 1; b < d->n; b++)
            if (d->r[b].type == 'C' && d->r[b].has_sg && !d->r[b].ssbridge &&
                dist(d->r[a].sg, d->r[b].sg) <= kSSBondDistance) {
                d->r[a].ssbridge = d->r[b].ssbridge = ++nr;
                d->st.ss_bridges++;
                if (pai_dssp_nobreak(d, a, b))
                    d->st.intra_ss_bridges++;
                break;
            }
    }
}

static void hbond_stats(pa_dssp *d)
{
    for (size_t i = 0; i < d->n; i++)
        for (int k = 0; k < 2; k++) {
            const pai_hbond *h = &d->r[i].don[k];
            if (h->res < 0 || !(h->e < -0.5))
                continue;
            d->st.hbonds++;
            int off = d->r[h->res].number - d->r[i].number;
            if (off >= -5 && off <= 5)
                d->st.hb_dist[off + 5]++;
        }
}

static int build_map(pa_dssp *d, const pa_model_info *m)
{
    d->res_begin = m->residue_begin;
    d->res_count = m->residue_count;
    d->map = pai_malloc((d->res_count ? d->res_count : 1) * sizeof *d->map);
    d->ss8 = pai_malloc(d->n + 1);
    if (!d->map || !d->ss8)
        return PA_ENOMEM;
    for (uint32_t k = 0; k < d->res_count; k++)
        d->map[k] = -1;
    for (size_t i = 0; i < d->n; i++) {
        d->map[d->r[i].sres - d->res_begin] = (int32_t)i;
        d->ss8[i] = d->r[i].ss == ' ' ? '-' : d->r[i].ss;
    }
    d->ss8[d->n] = '\0';
    return 0;
}

static int chain_labels(const pa_structure *s, const char ***out)
{
    size_t n = pa_structure_chain_count(s);
    const char **l = pai_malloc((n ? n : 1) * sizeof *l);
    if (!l)
        return PA_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        pa_chain_info ci;
        pa_structure_chain(s, i, &ci);
        l[i] = ci.label_id ? ci.label_id : "";
    }
    *out = l;
    return 0;
}

/* Author numbering with insertion codes taken as consecutive residues. */
static void auth_numbers(const pa_residue_columns *rc, const pa_model_info *m, int32_t *seq)
{
    for (uint32_t k = 0; k < m->residue_count; k++) {
        uint32_t r = m->residue_begin + k;
        int32_t step = k ? rc->seq_id[r] - rc->seq_id[r - 1] : 0;
        seq[k] = k && rc->chain[r] == rc->chain[r - 1] ? seq[k - 1] + (step > 1 ? step : 1)
                                                       : rc->seq_id[r];
    }
}

/* PDB files: the SEQRES positions the sequence module maps the chain's residues to,
 * where it maps all of them (what mkdssp's mmCIF conversion numbers them by). */
static void seqres_numbers(const pa_structure *s, unsigned model, const pa_model_info *m,
                           int32_t *seq, uint8_t *poly)
{
    pa_seqset_opts so = PA_SEQSET_OPTS_INIT;
    so.model = model;
    pa_seqset *q;
    if (pa_sequence_extract(s, &so, &q) < 0)
        return; /* keep the author numbering */
    for (size_t i = 0; i < pa_seqset_count(q); i++) {
        pa_chain_seq c;
        int all = pa_seqset_get(q, i, &c) == 0 && c.map && c.n_observed;
        for (size_t k = 0; all && c.polymer_type == PA_POLY_PROTEIN && k < c.n_observed; k++)
            if (c.residue[k] - m->residue_begin < m->residue_count)
                poly[c.residue[k] - m->residue_begin] = 1;
        for (size_t k = 0; all && k < c.n_observed; k++)
            all = c.map[k] >= 0 && c.residue[k] - m->residue_begin < m->residue_count;
        for (size_t k = 0; all && k < c.n_observed; k++)
            seq[c.residue[k] - m->residue_begin] = c.map[k] + 1;
    }
    pa_seqset_free(q);
}

/* Numbers for the kappa test (DSSP needs i-2 and i+2 four apart): label_seq_id when
 * the file gives it (mmCIF), else SEQRES positions, else author numbers. */
static int seq_numbers(const pa_structure *s, unsigned model, const pa_model_info *m,
                       const pa_residue_columns *rc, int32_t **out, uint8_t **poly_out)
{
    int32_t *seq = pai_malloc((m->residue_count ? m->residue_count : 1) * sizeof *seq);
    uint8_t *poly = pai_calloc(m->residue_count ? m->residue_count : 1, 1);
    if (!seq || !poly) {
        pai_free(seq);
        pai_free(poly);
        return PA_ENOMEM;
    }
    auth_numbers(rc, m, seq);
    if (pa_structure_format(s) == PA_FORMAT_PDB) /* no label_seq_id in the file */
        seqres_numbers(s, model, m, seq, poly);
    for (uint32_t k = 0; k < m->residue_count; k++)
        if (rc->label_seq_id[m->residue_begin + k] != PA_SEQ_ID_NONE)
            seq[k] = rc->label_seq_id[m->residue_begin + k];
    *out = seq;
    *poly_out = poly;
    return 0;
}

static int run(pa_dssp *d, const pa_structure *s, const pa_model_info *m, const pa_dssp_opts *o,
               pa_diags *diags)
{
    pa_residue_columns rc;
    pa_atom_columns ac;
    pa_structure_residues(s, &rc);
    pa_structure_atoms(s, &ac);
    int32_t *seq;
    uint8_t *poly;
    int err = seq_numbers(s, o->model, m, &rc, &seq, &poly);
    if (err)
        return err;
    cols c = {&rc, &ac, seq, poly, m->residue_begin};
    size_t cap = 0, side_cap = 0;
    int num = 0;
    for (uint32_t ci = m->chain_begin; err == 0 && ci < m->chain_begin + m->chain_count; ci++)
        err = load_chain(d, s, &c, ci, &cap, &side_cap, &num, diags);
    pai_free(seq);
    pai_free(poly);
    if (err)
        return err;
    d->st.residues = (unsigned)d->n;
    pai_dssp_angles(d);
    if ((err = pai_dssp_hbonds(d)) < 0)
        return err;
    const char **labels;
    if ((err = chain_labels(s, &labels)) < 0)
        return err;
    err = pai_dssp_sheets(d, labels, (uint32_t)pa_structure_chain_count(s));
    pai_free(labels);
    if (err < 0)
        return err;
    for (size_t i = 0; i < d->n; i++)
        if (d->r[i].ss == 0)
            d->r[i].ss = ' ';
    pai_dssp_helices(d);
    pai_dssp_pp(d, o->pp_stretch);
    disulfides(d);
    hbond_stats(d);
    if (o->accessibility && (err = pai_dssp_surface(d)) < 0)
        return err;
    return build_map(d, m);
}

static int read_opts(const pa_dssp_opts *in, pa_dssp_opts *o)
{
    pa_dssp_opts def = PA_DSSP_OPTS_INIT;
    *o = def;
    if (!in)
        return 0;
    if (in->version < 1 || in->version > PA_DSSP_OPTS_VERSION)
        return pai_error(PA_EINVAL, "pa_dssp_opts: unknown version %u", in->version);
    *o = *in;
    if (o->pp_stretch != 2 && o->pp_stretch != 3)
        return pai_error(PA_EINVAL, "pa_dssp_opts: pp_stretch must be 2 or 3, not %d", o->pp_stretch);
    return 0;
}

int pa_dssp_compute(const pa_structure *s, const pa_dssp_opts *opts, pa_dssp **out, pa_diags *diags)
{
    if (out)
        *out = NULL;
    if (!s || !out)
        return pai_error(PA_EINVAL, "pa_dssp_compute: NULL argument");
    pa_dssp_opts o;
    int rc = read_opts(opts, &o);
    if (rc < 0)
        return rc;
    pa_model_info m;
    if (o.model >= pa_structure_model_count(s) || pa_structure_model(s, o.model, &m) < 0)
        return pai_error(PA_ERANGE, "%s: no model %u", pa_structure_name(s), o.model + 1);
    pa_dssp *d = pai_calloc(1, sizeof *d);
    if (!d)
        return PA_ENOMEM;
    d->model_number = m.number;
    if ((rc = run(d, s, &m, &o, diags)) < 0) {
        pa_dssp_free(d);
        return rc == PA_ENOMEM ? pai_error(PA_ENOMEM, "dssp: out of memory") : rc;
    }
    if (d->n == 0)
        pai_diag(diags, PA_SEV_WARNING, PA_D_EMPTY, pa_structure_name(s), 0, 0,
                 "dssp: model %d has no amino-acid residue with N, CA, C and O", m.number);
    *out = d;
    return 0;
}

void pa_dssp_free(pa_dssp *d)
{
    if (!d)
        return;
    pai_free(d->r);
    pai_free(d->side);
    pai_free(d->ss8);
    pai_free(d->map);
    pai_free(d);
}

size_t pa_dssp_count(const pa_dssp *d) { return d ? d->n : 0; }
const char *pa_dssp_ss8(const pa_dssp *d) { return d && d->ss8 ? d->ss8 : ""; }
double pa_dssp_surface(const pa_dssp *d) { return d ? d->surface : 0; }

char pa_dssp_ss3(char ss8)
{
    switch (ss8) {
    case 'H': case 'G': case 'I': return 'H';
    case 'E': case 'B': return 'E';
    default: return 'C';
    }
}

long pa_dssp_find(const pa_dssp *d, size_t residue)
{
    if (!d || !d->map || residue < d->res_begin || residue - d->res_begin >= d->res_count)
        return -1;
    return d->map[residue - d->res_begin];
}

char pa_dssp_residue_ss(const pa_dssp *d, size_t residue)
{
    long i = pa_dssp_find(d, residue);
    return i < 0 ? '-' : d->ss8[i];
}

int pa_dssp_chain_ss8(const pa_dssp *d, const pa_chain_seq *c, char *out, size_t size)
{
    if (!d || !c || !out || size < c->n_observed + 1)
        return pai_error(PA_EINVAL, "pa_dssp_chain_ss8: NULL argument or buffer too small");
    for (size_t k = 0; k < c->n_observed; k++)
        out[k] = pa_dssp_residue_ss(d, c->residue[k]);
    out[c->n_observed] = '\0';
    return 0;
}

static char helix_char(uint8_t f, int t)
{
    switch (f) {
    case PAI_HX_START: return '>';
    case PAI_HX_END: return '<';
    case PAI_HX_STARTEND: return 'X';
    case PAI_HX_MIDDLE: return t == PAI_HX_PP ? 'P' : (char)('3' + t);
    default: return ' ';
    }
}

/* An H-bond as DSSP prints it: partner number - own number, energy. */
static void hbond_out(const pa_dssp *d, const pai_dres *r, const pai_hbond *h, int *off, double *e)
{
    if (h->res >= 0) {
        *off = d->r[h->res].number - r->number;
        *e = h->e;
    }
}

int pa_dssp_get(const pa_dssp *d, size_t i, pa_dssp_residue *out)
{
    if (!d || !out)
        return pai_error(PA_EINVAL, "pa_dssp_get: NULL argument");
    if (i >= d->n)
        return pai_error(PA_ERANGE, "pa_dssp_get: residue %zu of %zu", i, d->n);
    const pai_dres *r = &d->r[i];
    memset(out, 0, sizeof *out);
    out->residue = r->sres;
    out->chain = r->chain;
    out->number = r->number;
    out->brk = r->brk;
    out->aa = r->type;
    out->ss = r->ss;
    for (int t = 0; t < 4; t++)
        out->helix[t] = helix_char(r->hx[t], t);
    out->bend = r->bend ? 'S' : ' ';
    out->chirality = r->alpha == 360 ? ' ' : (r->alpha < 0 ? '-' : '+');
    for (int k = 0; k < 2; k++) {
        out->bridge_label[k] = ' ';
        if (r->bp[k].res >= 0) {
            out->bridge_partner[k] = d->r[r->bp[k].res].number % 10000;
            out->bridge_label[k] = (char)((r->bp[k].parallel ? 'a' : 'A') + r->bp[k].ladder % 26);
        }
        hbond_out(d, r, &r->acc[k], &out->nho_offset[k], &out->nho_energy[k]);
        hbond_out(d, r, &r->don[k], &out->onh_offset[k], &out->onh_energy[k]);
    }
    out->sheet = r->sheet ? (char)('A' + (r->sheet - 1) % 26) : ' ';
    out->ss_bridge = r->ssbridge;
    out->acc = r->access;
    out->tco = r->tco;
    out->kappa = r->kappa;
    out->alpha = r->alpha;
    out->phi = r->phi;
    out->psi = r->psi;
    out->omega = r->omega;
    out->ca[0] = r->ca.x, out->ca[1] = r->ca.y, out->ca[2] = r->ca.z;
    return 0;
}
