/* seqset.c — per-chain sequences of a structure: polymer part, observed and
 * full (SEQRES / entity_poly_seq) sequences, observed -> full mapping.
 *
 * Which residues form a chain's "polymer part" follows gemmi (Chain::get_polymer()
 * after setup_entities()), so that results agree with sequences made by gemmi:
 *   - mmCIF / PDBML chains (one per label_asym_id) are polymers when their entity
 *     has an entity_poly type or sequence; in files without entities, when they have
 *     more than one residue and are not water;
 *   - PDB chains: the type is guessed from residue kinds and the
 *     polymer ends at the first residue that cannot link into it, or after the last
 *     standard residue at a numbering jump / broken link (gemmi's infer_polymer_end);
 *   - in PDB files everything before a TER record is the polymer, and what follows
 *     TER under the same chain ID is ligands and water. */
#include "residue.h"

#include <string.h>
#include <strings.h>

typedef struct {
    int model;
    uint32_t chain;
    size_t auth, label, entity; /* offsets into the string pool */
    pa_polymer_type ptype;
    size_t n_obs, obs;          /* observed: n_obs chars at pool offset obs */
    size_t seqres_len, seqres;
    size_t map;                 /* offset into maps / residues arrays */
} chain_rec;

struct pa_seqset {
    chain_rec *chains;
    size_t n, cap;
    pai_buf pool;
    int32_t *maps;
    uint32_t *residues;
    size_t n_map, cap_map, cap_res;
};

/* gemmi's PolymerType values that matter here. */
typedef enum { PT_UNKNOWN, PT_PEPTIDE, PT_DNA, PT_RNA, PT_HYBRID } ptype_guess;

typedef struct {
    const pa_structure *s;
    pa_residue_columns res;
    pa_atom_columns atoms;
    const pa_seqset_opts *opts;
} ctx;

/* ---- residue helpers ---------------------------------------------------- */
static const char *res_name(const ctx *c, uint32_t r) { return c->res.name + (size_t)r * PA_NAME_STRIDE; }

static const pai_res_info *res_info(const ctx *c, uint32_t r)
{
    return pai_residue_find(res_name(c, r), PA_NAME_STRIDE);
}

static char one_letter(const ctx *c, const char *name)
{
    const pai_res_info *i = pai_residue_find(name, PA_NAME_STRIDE);
    if (i)
        return i->one_letter;
    if (c->opts->use_modres) {
        char tmp[PA_NAME_STRIDE + 1];
        memcpy(tmp, name, PA_NAME_STRIDE);
        tmp[PA_NAME_STRIDE] = '\0';
        const char *parent = pa_structure_modres_parent(c->s, tmp);
        if (parent && (i = pai_residue_find(parent, PA_NAME_STRIDE)) != NULL)
            return i->one_letter;
    }
    return 'X';
}

/* Atom index of `name` (element el, or any when the file gave none) in residue r, or -1. */
static long find_atom(const ctx *c, uint32_t r, const char *name, const char *el)
{
    for (uint32_t a = c->res.atom_begin[r]; a < c->res.atom_begin[r + 1]; a++) {
        const char *an = c->atoms.name + (size_t)a * PA_NAME_STRIDE;
        const char *ae = c->atoms.element + (size_t)a * 4;
        if (!strncmp(an, name, PA_NAME_STRIDE) && (!ae[0] || !strcasecmp(ae, el)))
            return (long)a;
    }
    return -1;
}

static int is_peptide(ptype_guess t) { return t == PT_PEPTIDE; }
static int is_nucleic(ptype_guess t) { return t == PT_DNA || t == PT_RNA || t == PT_HYBRID; }

static float dist_sq(const ctx *c, long a, long b)
{
    float dx = c->atoms.x[a] - c->atoms.x[b], dy = c->atoms.y[a] - c->atoms.y[b],
          dz = c->atoms.z[a] - c->atoms.z[b];
    return dx * dx + dy * dy + dz * dz;
}

/* gemmi's are_connected2: CA-CA < 5 A for peptides, C1'-C1' < 7.5 A for nucleic acids. */
static int connected(const ctx *c, uint32_t r1, uint32_t r2, ptype_guess t)
{
    const char *atom = is_peptide(t) ? "CA" : "C1'", *el = "C";
    float lim = is_peptide(t) ? 5.0f * 5.0f : 7.5f * 7.5f;
    if (!is_peptide(t) && !is_nucleic(t))
        return 0;
    long a = find_atom(c, r1, atom, el), b = find_atom(c, r2, atom, el);
    return a >= 0 && b >= 0 && dist_sq(c, a, b) < lim;
}

/* gemmi's check_polymer_type over residues [b, e). */
static ptype_guess guess_type(const ctx *c, uint32_t b, uint32_t e)
{
    size_t aa = 0, na = 0, total = 0, dna = 0, rna = 0;
    int atom_record = 0;
    for (uint32_t r = b; r < e; r++) {
        if (!c->res.hetero[r])
            atom_record = 1;
        const pai_res_info *i = res_info(c, r);
        if (i) {
            if (i->kind == PAI_RK_HOH || (i->kind == PAI_RK_BUF && i->hydrogens == 0))
                continue;
            aa += i->linking == 1;
            na += i->linking == 2;
            dna += i->kind == PAI_RK_DNA;
            rna += i->kind == PAI_RK_RNA;
        } else if (find_atom(c, r, "CA", "C") >= 0) {
            aa++;
        } else if (find_atom(c, r, "P", "P") >= 0) {
            na++;
        }
        total++;
    }
    if (total == 0)
        return PT_UNKNOWN;
    size_t bonus = atom_record ? 1 : 0;
    if (2 * aa + bonus > total)
        return PT_PEPTIDE;
    if (2 * na + bonus > total)
        return dna == 0 ? PT_RNA : rna == 0 ? PT_DNA : PT_HYBRID;
    return PT_UNKNOWN;
}

/* gemmi's infer_polymer_end over the chain's residues [cb, ce). */
static uint32_t polymer_end(const ctx *c, uint32_t cb, uint32_t ce, ptype_guess t)
{
    uint32_t b = cb, e = ce;
    for (uint32_t r = cb; r < ce; r++) {
        const pai_res_info *i = res_info(c, r);
        if (!i)
            continue;
        int linking = (is_peptide(t) && i->linking == 1) || (is_nucleic(t) && i->linking == 2);
        if (!linking || (i->standard && c->res.hetero[r])) {
            e = r;
            break;
        }
        if (i->standard)
            b = r;
    }
    if (b == e || b + 1 == e)
        return e;
    uint32_t last = e < ce - 1 ? e : ce - 1;
    for (uint32_t r = b; r < last; r++) {
        int64_t gap = (int64_t)c->res.seq_id[r + 1] - c->res.seq_id[r];
        if (gap < 0 || gap > 10 || !connected(c, r, r + 1, t))
            return r + 1;
    }
    return e;
}

static pa_polymer_type to_public(ptype_guess t)
{
    switch (t) {
    case PT_PEPTIDE: return PA_POLY_PROTEIN;
    case PT_DNA: return PA_POLY_DNA;
    case PT_RNA: return PA_POLY_RNA;
    case PT_HYBRID: return PA_POLY_HYBRID;
    default: return PA_POLY_NONE;
    }
}

/* Was the first earlier chain of the model with this author ID ended by TER? Then
 * this chain holds what followed TER (gemmi: ligands and water). */
static int after_ter(const ctx *c, const pa_model_info *m, size_t ci, const char *auth)
{
    for (size_t k = m->chain_begin; k < ci; k++) {
        pa_chain_info o;
        if (pa_structure_chain(c->s, k, &o) == 0 && !strcmp(o.auth_id, auth))
            return o.ter;
    }
    return 0;
}

/* Polymer residues of a chain: [*pb, *pe) and the polymer type (PA_POLY_NONE: none). */
static void polymer_part(const ctx *c, const pa_model_info *m, size_t ci, const pa_chain_info *ch,
                         const pa_entity_info *ent, uint32_t *pb, uint32_t *pe,
                         pa_polymer_type *type)
{
    uint32_t cb = ch->residue_begin, ce = ch->residue_begin + ch->residue_count;
    *pb = *pe = cb;
    *type = PA_POLY_NONE;
    if (cb == ce)
        return;
    int cif = pa_structure_format(c->s) != PA_FORMAT_PDB;
    if (cif && ent && (ent->type != PA_POLY_NONE || ent->seq_len > 0)) {
        *pe = ce;
        *type = ent->type != PA_POLY_NONE ? ent->type : to_public(guess_type(c, cb, ce));
        if (*type == PA_POLY_NONE)
            *type = PA_POLY_OTHER;
        return;
    }
    if (!cif && after_ter(c, m, ci, ch->auth_id))
        return;
    if (!cif && ch->ter) { /* TER: everything before it is the polymer */
        ptype_guess t = guess_type(c, cb, ce);
        *pe = ce;
        *type = t == PT_UNKNOWN ? PA_POLY_OTHER : to_public(t);
        return;
    }
    if (cif && pa_structure_entity_count(c->s) > 0)
        return; /* the file lists its entities and this one has no polymer sequence */
    if (cif) { /* no entities: gemmi calls any multi-residue subchain but water a polymer */
        uint32_t water = 0;
        for (uint32_t r = cb; r < ce; r++) {
            const pai_res_info *i = res_info(c, r);
            water += i && i->kind == PAI_RK_HOH;
        }
        if (ce - cb < 2 || water == ce - cb)
            return;
        ptype_guess t = guess_type(c, cb, ce);
        *pe = ce;
        *type = t == PT_UNKNOWN ? PA_POLY_OTHER : to_public(t);
        return;
    }
    ptype_guess t = guess_type(c, cb, ce);
    if (t == PT_UNKNOWN)
        return;
    *pe = polymer_end(c, cb, ce, t);
    *type = *pe > cb ? to_public(t) : PA_POLY_NONE;
}

/* ---- mapping observed residues to the full sequence ------------------------ */

/* Alignment scores: names equal, same one-letter code, different. Skipping full-sequence
 * positions between two observed residues costs GAP, or GAP_NUM when the skip equals the
 * jump in residue numbers (missing residues numbered as such); runs of consecutive
 * numbers earn CONTIG for staying consecutive. */
enum { S_NAME = 10, S_LETTER = 6, S_MISMATCH = -8, GAP = -14, GAP_NUM = -2, CONTIG = 2 };
#define MAX_CELLS ((size_t)32 << 20)

static int score(const char *a, const char *b, char la, char lb)
{
    if (!strncmp(a, b, PA_NAME_STRIDE))
        return S_NAME;
    return la == lb && la != 'X' ? S_LETTER : S_MISMATCH;
}

/* Global alignment of n observed residues onto m >= n full-sequence positions, every
 * observed residue placed, in order. Cell (i, j): observed i at position j, with
 * i <= j <= i + (m - n) (a band of width w), so memory is n * w. */
static int align_map(const ctx *c, const uint32_t *obs, size_t n, const pa_entity_info *ent,
                     const char *seq_letters, const char *obs_letters, int32_t *map)
{
    size_t m = ent->seq_len, w = m - n + 1;
    if (w > MAX_CELLS / n)
        return 1; /* too large to align: residues stay unplaced (-1) */
    int32_t *sc = pai_malloc(n * w * sizeof *sc);
    int32_t *from = pai_malloc(n * w * sizeof *from);
    if (!sc || !from) {
        pai_free(sc);
        pai_free(from);
        return pai_error(PA_ENOMEM, "sequence mapping: out of memory");
    }
    for (size_t i = 0; i < n; i++) {
        const char *on = res_name(c, obs[i]);
        int64_t dnum = i ? (int64_t)c->res.seq_id[obs[i]] - c->res.seq_id[obs[i - 1]] : 0;
        int32_t best_prev = INT32_MIN; /* running max over row i-1 at columns < j-1 */
        size_t best_prev_j = 0;
        for (size_t k = 0; k < w; k++) {
            size_t j = i + k;
            int32_t s = score(on, ent->seq_names + j * PA_NAME_STRIDE, obs_letters[i],
                              seq_letters[j]);
            int32_t best = INT32_MIN;
            int32_t arg = -1;
            if (i == 0) {
                best = 0;
            } else {
                /* row i-1 holds columns j' in [i-1, i-1+w-1]; diagonal j' = j-1 is k there */
                int32_t d = sc[(i - 1) * w + k] + (dnum == 1 ? CONTIG : 0);
                best = d;
                arg = (int32_t)(j - 1);
                if (best_prev != INT32_MIN && best_prev + GAP > best) {
                    best = best_prev + GAP;
                    arg = (int32_t)best_prev_j;
                }
                if (dnum > 1 && (size_t)dnum <= j) { /* skip matching the numbering jump */
                    size_t jp = j - (size_t)dnum;
                    if (jp >= i - 1 && jp < i - 1 + w) {
                        int32_t g = sc[(i - 1) * w + (jp - (i - 1))] + GAP_NUM;
                        if (g > best) {
                            best = g;
                            arg = (int32_t)jp;
                        }
                    }
                }
                /* columns < j of row i-1 become available for the next j */
                int32_t v = sc[(i - 1) * w + k];
                if (v > best_prev) {
                    best_prev = v;
                    best_prev_j = j - 1;
                }
            }
            sc[i * w + k] = best + s;
            from[i * w + k] = arg;
        }
    }
    size_t bk = 0; /* best end column in the last row */
    for (size_t k = 1; k < w; k++)
        if (sc[(n - 1) * w + k] > sc[(n - 1) * w + bk])
            bk = k;
    size_t j = n - 1 + bk;
    for (size_t i = n; i-- > 0;) {
        map[i] = (int32_t)j;
        if (i)
            j = (size_t)from[i * w + (j - i)];
    }
    pai_free(sc);
    pai_free(from);
    return 0;
}

/* map[] for observed residues: label_seq_id when every one has it, else alignment. */
static int make_map(const ctx *c, const uint32_t *obs, size_t n, const pa_entity_info *ent,
                    const char *seq_letters, const char *obs_letters, int32_t *map)
{
    for (size_t i = 0; i < n; i++)
        map[i] = -1;
    if (!ent || ent->seq_len == 0 || n == 0)
        return 0;
    size_t with_label = 0;
    for (size_t i = 0; i < n; i++)
        with_label += c->res.label_seq_id[obs[i]] != PA_SEQ_ID_NONE;
    if (with_label == n && pa_structure_format(c->s) != PA_FORMAT_PDB) {
        for (size_t i = 0; i < n; i++) {
            int64_t p = (int64_t)c->res.label_seq_id[obs[i]] - 1;
            map[i] = p >= 0 && (size_t)p < ent->seq_len ? (int32_t)p : -1;
        }
        return 0;
    }
    if (n > ent->seq_len)
        return 0; /* more residues than the full sequence: nothing sensible to place */
    int rc = align_map(c, obs, n, ent, seq_letters, obs_letters, map);
    return rc < 0 ? rc : 0;
}

/* ---- building the set --------------------------------------------------------- */
static int pool_str(pa_seqset *q, const char *s, size_t n, size_t *off)
{
    *off = q->pool.len;
    if ((n && pai_buf_add(&q->pool, s, n)) || pai_buf_putc(&q->pool, '\0'))
        return pai_error(PA_ENOMEM, "pa_sequence_extract: out of memory");
    return 0;
}

static int grow_maps(pa_seqset *q, size_t need)
{
    if (PAI_GROW(q->maps, q->cap_map, need) || PAI_GROW(q->residues, q->cap_res, need))
        return pai_error(PA_ENOMEM, "pa_sequence_extract: out of memory");
    return 0;
}

/* Observed residues of [pb, pe): with atoms, first conformer (a residue repeating the
 * previous one's number and insertion code is an alternative, as gemmi's first_conformer). */
static size_t observed(const ctx *c, uint32_t pb, uint32_t pe, uint32_t *out)
{
    size_t n = 0;
    for (uint32_t r = pb; r < pe; r++) {
        if (c->res.atom_begin[r + 1] == c->res.atom_begin[r])
            continue;
        if (n && c->res.seq_id[r] == c->res.seq_id[out[n - 1]] &&
            c->res.icode[r] == c->res.icode[out[n - 1]])
            continue;
        out[n++] = r;
    }
    return n;
}

static int add_chain(pa_seqset *q, const ctx *c, const pa_model_info *m, size_t ci)
{
    pa_chain_info ch;
    int rc = pa_structure_chain(c->s, ci, &ch);
    if (rc)
        return rc;
    pa_entity_info ent, *ep = NULL;
    if (ch.entity != PA_NONE_INDEX && pa_structure_entity(c->s, ch.entity, &ent) == 0)
        ep = &ent;
    uint32_t pb, pe;
    pa_polymer_type type;
    polymer_part(c, m, ci, &ch, ep, &pb, &pe, &type);
    if (type == PA_POLY_NONE && !c->opts->include_nonpolymer)
        return 0;
    if (PAI_GROW(q->chains, q->cap, q->n + 1) || grow_maps(q, q->n_map + (pe - pb) + 1))
        return pai_error(PA_ENOMEM, "pa_sequence_extract: out of memory");
    chain_rec *cr = &q->chains[q->n];
    memset(cr, 0, sizeof *cr);
    cr->model = m->number;
    cr->chain = (uint32_t)ci;
    cr->ptype = type;
    cr->map = q->n_map;
    uint32_t *obs = q->residues + q->n_map;
    cr->n_obs = observed(c, pb, pe, obs);
    if ((rc = pool_str(q, ch.auth_id, strlen(ch.auth_id), &cr->auth)) ||
        (rc = pool_str(q, ch.label_id, strlen(ch.label_id), &cr->label)) ||
        (rc = pool_str(q, ch.entity_id, strlen(ch.entity_id), &cr->entity)))
        return rc;
    cr->obs = q->pool.len;
    for (size_t i = 0; i < cr->n_obs; i++)
        if (pai_buf_putc(&q->pool, one_letter(c, res_name(c, obs[i]))))
            return pai_error(PA_ENOMEM, "pa_sequence_extract: out of memory");
    if (pai_buf_putc(&q->pool, '\0'))
        return pai_error(PA_ENOMEM, "pa_sequence_extract: out of memory");
    cr->seqres = q->pool.len;
    cr->seqres_len = ep ? ep->seq_len : 0;
    for (size_t i = 0; i < cr->seqres_len; i++)
        if (pai_buf_putc(&q->pool, one_letter(c, ep->seq_names + i * PA_NAME_STRIDE)))
            return pai_error(PA_ENOMEM, "pa_sequence_extract: out of memory");
    if (pai_buf_putc(&q->pool, '\0'))
        return pai_error(PA_ENOMEM, "pa_sequence_extract: out of memory");
    rc = make_map(c, obs, cr->n_obs, ep, q->pool.s + cr->seqres, q->pool.s + cr->obs,
                  q->maps + q->n_map);
    if (rc)
        return rc;
    q->n_map += cr->n_obs;
    q->n++;
    return 0;
}

int pa_sequence_extract(const pa_structure *s, const pa_seqset_opts *opts, pa_seqset **out)
{
    static const pa_seqset_opts defaults = PA_SEQSET_OPTS_INIT;
    if (!s || !out)
        return pai_error(PA_EINVAL, "pa_sequence_extract: NULL argument");
    *out = NULL;
    if (!opts)
        opts = &defaults;
    if (opts->version < 1 || opts->version > PA_SEQSET_OPTS_VERSION)
        return pai_error(PA_EINVAL, "pa_sequence_extract: unknown options version %u",
                         opts->version);
    ctx c = {.s = s, .opts = opts};
    int rc = pa_structure_residues(s, &c.res);
    if (!rc)
        rc = pa_structure_atoms(s, &c.atoms);
    if (rc)
        return rc;
    size_t nm = pa_structure_model_count(s);
    if (!opts->all_models && nm > 0 && opts->model >= nm)
        return pai_error(PA_ERANGE, "pa_sequence_extract: model index %u of %zu", opts->model,
                         nm);
    pa_seqset *q = pai_calloc(1, sizeof *q);
    if (!q)
        return pai_error(PA_ENOMEM, "pa_sequence_extract: out of memory");
    size_t m0 = opts->all_models ? 0 : opts->model, m1 = opts->all_models ? nm : m0 + 1;
    for (size_t mi = m0; mi < m1 && mi < nm && !rc; mi++) {
        pa_model_info m;
        rc = pa_structure_model(s, mi, &m);
        for (size_t ci = m.chain_begin; !rc && ci < m.chain_begin + m.chain_count; ci++)
            rc = add_chain(q, &c, &m, ci);
    }
    if (rc) {
        pa_seqset_free(q);
        return rc;
    }
    *out = q;
    return 0;
}

size_t pa_seqset_count(const pa_seqset *q) { return q ? q->n : 0; }

int pa_seqset_get(const pa_seqset *q, size_t i, pa_chain_seq *out)
{
    if (!q || !out)
        return pai_error(PA_EINVAL, "pa_seqset_get: NULL argument");
    if (i >= q->n)
        return pai_error(PA_ERANGE, "pa_seqset_get: index %zu of %zu", i, q->n);
    const chain_rec *r = &q->chains[i];
    const char *p = q->pool.s;
    *out = (pa_chain_seq){.model = r->model,
                          .chain = r->chain,
                          .auth_id = p + r->auth,
                          .label_id = p + r->label,
                          .entity_id = p + r->entity,
                          .polymer_type = r->ptype,
                          .n_observed = r->n_obs,
                          .observed = p + r->obs,
                          .seqres_len = r->seqres_len,
                          .seqres = p + r->seqres,
                          .map = q->maps ? q->maps + r->map : NULL,
                          .residue = q->residues ? q->residues + r->map : NULL};
    return 0;
}

void pa_seqset_free(pa_seqset *q)
{
    if (!q)
        return;
    pai_free(q->chains);
    pai_free(q->maps);
    pai_free(q->residues);
    pai_buf_free(&q->pool);
    pai_free(q);
}

/* ---- FASTA output ----------------------------------------------------------------- */
static int put_wrapped(pai_buf *b, const char *s, size_t n, int width)
{
    size_t step = width > 0 ? (size_t)width : (n ? n : 1);
    for (size_t i = 0; i < n; i += step) {
        size_t k = n - i < step ? n - i : step;
        if (pai_buf_add(b, s + i, k) || pai_buf_putc(b, '\n'))
            return PA_ENOMEM;
    }
    return n ? 0 : pai_buf_putc(b, '\n');
}

int pa_seqset_to_fasta(const pa_seqset *q, const char *name, pa_seq_which which, int line_width,
                       char **out, size_t *len)
{
    if (!q || !out)
        return pai_error(PA_EINVAL, "pa_seqset_to_fasta: NULL argument");
    *out = NULL;
    if (!name)
        name = "seq";
    pai_buf b = {0};
    int rc = pai_buf_add(&b, "", 0);
    for (size_t i = 0; i < q->n && !rc; i++) {
        pa_chain_seq c;
        pa_seqset_get(q, i, &c);
        const char *s = which == PA_SEQ_SEQRES ? c.seqres : c.observed;
        size_t n = which == PA_SEQ_SEQRES ? c.seqres_len : c.n_observed;
        if (which == PA_SEQ_SEQRES && n == 0)
            continue;
        rc = pai_buf_printf(&b, ">%s_%s %s model=%d length=%zu\n", name, c.auth_id,
                            pa_polymer_type_name(c.polymer_type), c.model, n);
        if (!rc)
            rc = put_wrapped(&b, s, n, line_width);
    }
    if (rc) {
        pai_buf_free(&b);
        return pai_error(PA_ENOMEM, "pa_seqset_to_fasta: out of memory");
    }
    *out = b.s;
    if (len)
        *len = b.len;
    return 0;
}
