/* builder.c — turns a stream of atom sites into the columnar model.
 *
 * Atoms of the current residue are buffered; when the residue ends the altloc
 * policy is applied, duplicates and chain breaks are checked, and the kept
 * atoms are appended to the structure's columns. Models and chains are ranges
 * closed when the next one starts. Entities are linked at finish. */
#include "builder.h"
#include "model.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define COORD_MAX 9999.999f
#define AA_LINK_MAX 2.0f  /* C(i)-N(i+1), Angstrom */
#define NUC_LINK_MAX 2.5f /* O3'(i)-P(i+1) */

typedef struct {
    float x, y, z, occ, b;
    int32_t serial;
    long line;
    char name[PA_NAME_STRIDE];
    char element[4];
    char altloc;
    int8_t charge;
    uint8_t keep;
} pend_atom;

typedef struct {
    char *asym, *entity;
} asym_link;

struct pai_builder {
    pa_structure *s;
    pa_reader_opts o;
    pa_diags *d;
    char *file;
    size_t err_base; /* error diagnostics present before this build */

    int have_model, model_num, model_ended, models_done;
    int chain_open;

    /* current residue */
    int res_open;
    char res_name[PA_NAME_STRIDE];
    int32_t seq_id, label_seq_id;
    char icode;
    uint8_t hetero;
    pend_atom *pend;
    size_t n_pend, pend_cap;

    /* previous residue of the current chain (chain breaks, microheterogeneity) */
    int prev_valid, prev_kind, prev_has_link;
    float prev_link[3];
    int32_t prev_seq;
    char prev_icode;
    char prev_alt; /* altloc kept for the previous residue ('\0': none) */

    asym_link *links;
    size_t n_links, links_cap;
};

/* ---- helpers ------------------------------------------------------------------- */
static int str_eq(const char *owned, pai_str s)
{
    return strlen(owned) == s.n && (s.n == 0 || !memcmp(owned, s.p, s.n));
}

int pai_builder_diag(pai_builder *b, pa_severity sev, int code, long line, int col,
                     const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return pai_diag(b->d, sev, code, b->file, line, col, "%s", msg);
}

pa_diags *pai_builder_diags(pai_builder *b) { return b->d; }

int pai_builder_new(pai_builder **out, const pa_reader_opts *opts, pa_diags *diags,
                    const char *file, pa_format format)
{
    if (!out)
        return pai_error(PA_EINVAL, "pai_builder_new: out is NULL");
    *out = NULL;
    pai_builder *b = pai_calloc(1, sizeof *b);
    if (!b)
        return pai_error(PA_ENOMEM, "out of memory");
    pa_reader_opts def = PA_READER_OPTS_INIT;
    b->o = opts ? *opts : def;
    b->d = diags;
    b->err_base = pa_diags_count_at_least(diags, PA_SEV_ERROR);
    b->file = pai_strdup(file ? file : "");
    int rc = b->file ? pai_structure_alloc(&b->s, format, b->file)
                     : pai_error(PA_ENOMEM, "out of memory");
    if (rc) {
        pai_builder_free(b);
        return rc;
    }
    *out = b;
    return 0;
}

void pai_builder_free(pai_builder *b)
{
    if (!b)
        return;
    pa_structure_free(b->s);
    pai_free(b->pend);
    for (size_t i = 0; i < b->n_links; i++) {
        pai_free(b->links[i].asym);
        pai_free(b->links[i].entity);
    }
    pai_free(b->links);
    pai_free(b->file);
    pai_free(b);
}

int pai_builder_set_id(pai_builder *b, pai_str id)
{
    char *s = pai_strndup(id.p ? id.p : "", id.p ? id.n : 0);
    if (!s)
        return pai_error(PA_ENOMEM, "out of memory");
    pai_free(b->s->id);
    b->s->id = s;
    return 0;
}

int pai_builder_set_cell(pai_builder *b, const double cell[6], pai_str space_group)
{
    char *sg = pai_strndup(space_group.p ? space_group.p : "", space_group.p ? space_group.n : 0);
    if (!sg)
        return pai_error(PA_ENOMEM, "out of memory");
    pai_free(b->s->space_group);
    b->s->space_group = sg;
    memcpy(b->s->cell, cell, sizeof b->s->cell);
    b->s->has_cell = 1;
    return 0;
}

void pai_builder_anisou(pai_builder *b) { b->s->n_anisou++; }

int pai_builder_accepting(const pai_builder *b) { return !b->models_done; }

/* ---- element inference ------------------------------------------------------------ */
/* Two-letter elements that never start an organic atom name ambiguously. */
static const char *const elem2_safe[] = {"AG", "AL", "AR", "AU", "BA", "BR", "CL", "CS", "FE",
                                         "KR", "LI", "MG", "MN", "PB", "PT", "RB", "SE", "SI",
                                         "SR", "XE", "ZN"};
/* Two-letter elements that are also common atom names (CA = C-alpha, NA in heme):
 * taken only when the atom is alone in a residue of the same name. */
static const char *const elem2_ambig[] = {"CA", "CD", "CO", "CU", "HG", "NA", "NI"};

static int in2(const char *c, const char *const *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (c[0] == v[i][0] && c[1] == v[i][1])
            return 1;
    return 0;
}

static void infer_element(const char *name, const char *resname, int hetero, char out[4])
{
    memset(out, 0, 4);
    while (*name >= '0' && *name <= '9')
        name++;
    if (!*name)
        return;
    char c[2] = {(char)(name[0] & ~0x20), (char)(name[1] & ~0x20)};
    if (name[1] && hetero &&
        (in2(c, elem2_safe, sizeof elem2_safe / sizeof *elem2_safe) ||
         (in2(c, elem2_ambig, sizeof elem2_ambig / sizeof *elem2_ambig) && !strcmp(name, resname)))) {
        out[0] = c[0];
        out[1] = c[1];
        return;
    }
    if ((c[0] >= 'A' && c[0] <= 'Z'))
        out[0] = c[0];
}

/* ---- models and chains ------------------------------------------------------------- */
static void close_chain(pai_builder *b)
{
    if (!b->chain_open)
        return;
    pa_structure *s = b->s;
    pa_chain_info *c = &s->chains[s->n_chains - 1];
    c->residue_count = (uint32_t)(s->n_res - c->residue_begin);
    c->atom_count = (uint32_t)(s->n_atoms - c->atom_begin);
    if (!c->residue_count) { /* every residue was filtered out */
        pai_free((char *)c->auth_id);
        pai_free((char *)c->label_id);
        pai_free((char *)c->entity_id);
        s->n_chains--;
    }
    b->chain_open = 0;
    b->prev_valid = 0;
}

static void close_model(pai_builder *b)
{
    if (!b->have_model)
        return;
    pa_structure *s = b->s;
    pa_model_info *m = &s->models[s->n_models - 1];
    m->chain_count = (uint32_t)(s->n_chains - m->chain_begin);
    m->residue_count = (uint32_t)(s->n_res - m->residue_begin);
    m->atom_count = (uint32_t)(s->n_atoms - m->atom_begin);
    if (!m->atom_count)
        s->n_models--;
    b->have_model = 0;
}

static int open_model(pai_builder *b, int number)
{
    pa_structure *s = b->s;
    if (s->n_models >= UINT32_MAX - 1 || PAI_GROW(s->models, s->models_cap, s->n_models + 1))
        return PA_ENOMEM;
    s->models[s->n_models++] = (pa_model_info){number,           (uint32_t)s->n_chains, 0,
                                               (uint32_t)s->n_res, 0, (uint32_t)s->n_atoms, 0};
    b->have_model = 1;
    b->model_num = number;
    b->model_ended = 0;
    return 0;
}

static int open_chain(pai_builder *b, const pai_atom_rec *a)
{
    pa_structure *s = b->s;
    if (PAI_GROW(s->chains, s->chains_cap, s->n_chains + 1))
        return PA_ENOMEM;
    pai_str label = a->label_chain.n ? a->label_chain : a->auth_chain;
    char *auth = pai_strndup(a->auth_chain.p ? a->auth_chain.p : "", a->auth_chain.n);
    char *lab = pai_strndup(label.p ? label.p : "", label.n);
    char *ent = pai_strndup(a->entity_id.p ? a->entity_id.p : "", a->entity_id.n);
    if (!auth || !lab || !ent) {
        pai_free(auth);
        pai_free(lab);
        pai_free(ent);
        return pai_error(PA_ENOMEM, "out of memory");
    }
    s->chains[s->n_chains++] = (pa_chain_info){.auth_id = auth,
                                               .label_id = lab,
                                               .entity_id = ent,
                                               .model = (uint32_t)(s->n_models - 1),
                                               .entity = PA_NONE_INDEX,
                                               .residue_begin = (uint32_t)s->n_res,
                                               .atom_begin = (uint32_t)s->n_atoms};
    b->chain_open = 1;
    b->prev_valid = 0;
    return 0;
}

static int same_chain(const pai_builder *b, const pai_atom_rec *a)
{
    const pa_chain_info *c = &b->s->chains[b->s->n_chains - 1];
    pai_str label = a->label_chain.n ? a->label_chain : a->auth_chain;
    return str_eq(c->auth_id, a->auth_chain) && str_eq(c->label_id, label);
}

/* ---- residue flush: altloc policy, duplicates, chain breaks ------------------------ */
static char choose_altloc(pai_builder *b, int microhet)
{
    char seen[64];
    double occ_sum[64] = {0};
    int cnt[64] = {0};
    size_t ns = 0;
    int has_plain = 0;
    for (size_t i = 0; i < b->n_pend; i++) {
        char al = b->pend[i].altloc;
        if (!al) {
            has_plain = 1;
            continue;
        }
        size_t k = 0;
        while (k < ns && seen[k] != al)
            k++;
        if (k == ns && ns < 64)
            seen[ns++] = al;
        if (k < ns) {
            occ_sum[k] += b->pend[i].occ;
            cnt[k]++;
        }
    }
    if (!ns)
        return '\0';
    /* Same residue number as the previous residue (microheterogeneity, or a
     * residue split by altloc): stay with the conformer chosen there. */
    if (microhet && b->prev_alt) {
        for (size_t k = 0; k < ns; k++)
            if (seen[k] == b->prev_alt)
                return b->prev_alt;
        if (!has_plain)
            return 1; /* matches no atom: the residue is another conformer, dropped */
    }
    if (b->o.altloc != PA_ALTLOC_OCCUPANCY)
        return seen[0];
    size_t best = 0;
    for (size_t k = 1; k < ns; k++)
        if (occ_sum[k] / cnt[k] > occ_sum[best] / cnt[best])
            best = k;
    return seen[best];
}

static int cmp_pend(const void *pa, const void *pb)
{
    const pend_atom *a = *(const pend_atom *const *)pa, *b = *(const pend_atom *const *)pb;
    int c = memcmp(a->name, b->name, PA_NAME_STRIDE);
    return c ? c : (a->altloc > b->altloc) - (a->altloc < b->altloc);
}

static void report_duplicate(pai_builder *b, const pend_atom *a)
{
    pai_builder_diag(b, PA_SEV_WARNING, PA_D_DUPLICATE_ATOM, a->line, 0,
                     "duplicate atom %s%s%c in residue %s %d%c", a->name, a->altloc ? " altloc " : "",
                     a->altloc ? a->altloc : ' ', b->res_name, b->seq_id, b->icode ? b->icode : ' ');
}

static int check_duplicates(pai_builder *b)
{
    size_t n = b->n_pend;
    if (n <= 48) {
        for (size_t i = 1; i < n; i++)
            for (size_t j = 0; j < i; j++)
                if (b->pend[i].keep && b->pend[j].keep && b->pend[i].altloc == b->pend[j].altloc &&
                    !memcmp(b->pend[i].name, b->pend[j].name, PA_NAME_STRIDE)) {
                    report_duplicate(b, &b->pend[i]);
                    break;
                }
        return 0;
    }
    /* big residues (ligands, lumped solvent): sort pointers instead */
    const pend_atom **v = pai_malloc(n * sizeof *v);
    if (!v)
        return pai_error(PA_ENOMEM, "out of memory");
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (b->pend[i].keep)
            v[m++] = &b->pend[i];
    qsort(v, m, sizeof *v, cmp_pend);
    for (size_t i = 1; i < m; i++)
        if (!cmp_pend(&v[i - 1], &v[i]))
            report_duplicate(b, v[i]);
    pai_free(v);
    return 0;
}

static const float *find_atom(const pa_structure *s, size_t r, const char *n1, const char *n2,
                              float out[3])
{
    for (uint32_t i = s->res_atom_begin[r]; i < s->n_atoms; i++) {
        const char *nm = s->atom_name + (size_t)i * PA_NAME_STRIDE;
        if (!strcmp(nm, n1) || (n2 && !strcmp(nm, n2))) {
            out[0] = s->x[i];
            out[1] = s->y[i];
            out[2] = s->z[i];
            return out;
        }
    }
    return NULL;
}

static void check_chain_break(pai_builder *b, size_t r, long line)
{
    pa_structure *s = b->s;
    int kind = pai_residue_kind(b->res_name);
    int nuc = kind == PAI_RES_DNA || kind == PAI_RES_RNA;
    float head[3], tail[3];
    int prev_nuc = b->prev_kind == PAI_RES_DNA || b->prev_kind == PAI_RES_RNA;
    if (b->prev_valid && b->prev_has_link &&
        ((kind == PAI_RES_AMINO && b->prev_kind == PAI_RES_AMINO) || (nuc && prev_nuc)) &&
        find_atom(s, r, nuc ? "P" : "N", NULL, head)) {
        float dx = head[0] - b->prev_link[0], dy = head[1] - b->prev_link[1],
              dz = head[2] - b->prev_link[2];
        float d = sqrtf(dx * dx + dy * dy + dz * dz), lim = nuc ? NUC_LINK_MAX : AA_LINK_MAX;
        if (d > lim) {
            /* a numbering gap announces missing residues; a break without one is suspicious */
            int gap = (int64_t)b->seq_id - b->prev_seq > 1;
            pai_builder_diag(b, gap ? PA_SEV_INFO : PA_SEV_WARNING, PA_D_CHAIN_BREAK, line, 0,
                             "chain %s: break before %s %d%c (%s %.2f A)",
                             s->chains[s->n_chains - 1].auth_id, b->res_name, b->seq_id,
                             b->icode ? b->icode : ' ', nuc ? "O3'-P" : "C-N", d);
        }
    }
    b->prev_valid = 1;
    b->prev_kind = kind;
    b->prev_has_link = (kind == PAI_RES_AMINO && find_atom(s, r, "C", NULL, tail)) ||
                       (nuc && find_atom(s, r, "O3'", "O3*", tail));
    if (b->prev_has_link)
        memcpy(b->prev_link, tail, sizeof tail);
}

static int flush_residue(pai_builder *b)
{
    if (!b->res_open)
        return 0;
    b->res_open = 0;
    int microhet = b->prev_valid && b->prev_seq == b->seq_id && b->prev_icode == b->icode;
    char keep_alt = b->o.altloc == PA_ALTLOC_ALL ? '\0' : choose_altloc(b, microhet);
    size_t kept = 0;
    for (size_t i = 0; i < b->n_pend; i++) {
        pend_atom *a = &b->pend[i];
        a->keep = b->o.altloc == PA_ALTLOC_ALL || !a->altloc || a->altloc == keep_alt;
        kept += a->keep;
    }
    long line = b->n_pend ? b->pend[0].line : 0;
    if (!kept) {
        b->n_pend = 0;
        return 0;
    }
    int rc = check_duplicates(b);
    pa_structure *s = b->s;
    if (rc || (rc = pai_structure_grow_residues(s, s->n_res + 1)) ||
        (rc = pai_structure_grow_atoms(s, s->n_atoms + kept)))
        return rc;
    if (s->n_atoms + kept >= UINT32_MAX)
        return pai_error(PA_ERANGE, "%s: too many atoms", b->file);
    size_t r = s->n_res++;
    memcpy(s->res_name + r * PA_NAME_STRIDE, b->res_name, PA_NAME_STRIDE);
    s->res_seq_id[r] = b->seq_id;
    s->res_label_seq_id[r] = b->label_seq_id;
    s->res_icode[r] = b->icode;
    s->res_chain[r] = (uint32_t)(s->n_chains - 1);
    s->res_atom_begin[r] = (uint32_t)s->n_atoms;
    s->res_hetero[r] = b->hetero;
    for (size_t i = 0; i < b->n_pend; i++) {
        const pend_atom *a = &b->pend[i];
        if (!a->keep)
            continue;
        size_t k = s->n_atoms++;
        s->x[k] = a->x;
        s->y[k] = a->y;
        s->z[k] = a->z;
        s->occ[k] = a->occ;
        s->b[k] = a->b;
        s->serial[k] = a->serial;
        memcpy(s->atom_name + k * PA_NAME_STRIDE, a->name, PA_NAME_STRIDE);
        memcpy(s->element + k * 4, a->element, 4);
        s->altloc[k] = a->altloc;
        s->charge[k] = a->charge;
        s->atom_res[k] = (uint32_t)r;
    }
    b->n_pend = 0;
    check_chain_break(b, r, line);
    b->prev_seq = b->seq_id;
    b->prev_icode = b->icode;
    b->prev_alt = keep_alt > 1 ? keep_alt : '\0';
    return 0;
}

/* ---- atoms ----------------------------------------------------------------------- */
static int new_model_needed(const pai_builder *b, const pai_atom_rec *a)
{
    return !b->have_model || b->model_ended || a->model != b->model_num;
}

static int start_model(pai_builder *b, const pai_atom_rec *a)
{
    int rc = flush_residue(b);
    if (rc)
        return rc;
    close_chain(b);
    close_model(b);
    if (b->o.first_model_only && b->s->n_models > 0) {
        b->models_done = 1;
        return 0;
    }
    return open_model(b, a->model);
}

int pai_builder_atom(pai_builder *b, const pai_atom_rec *a)
{
    if (b->models_done)
        return 0;
    int rc;
    if (new_model_needed(b, a) && ((rc = start_model(b, a)) || b->models_done))
        return rc;
    if (!b->chain_open || !same_chain(b, a)) {
        if ((rc = flush_residue(b)))
            return rc;
        close_chain(b);
        if ((rc = open_chain(b, a)))
            return rc;
    }
    char rn[PA_NAME_STRIDE];
    pai_put_name(rn, PA_NAME_STRIDE, a->resname.p ? a->resname.p : "", a->resname.n);
    if (!b->res_open || b->seq_id != a->seq_id || b->icode != a->icode ||
        b->label_seq_id != a->label_seq_id || memcmp(rn, b->res_name, PA_NAME_STRIDE)) {
        if ((rc = flush_residue(b)))
            return rc;
        b->res_open = 1;
        memcpy(b->res_name, rn, PA_NAME_STRIDE);
        b->seq_id = a->seq_id;
        b->icode = a->icode;
        b->label_seq_id = a->label_seq_id;
        b->hetero = (uint8_t)(a->hetero != 0);
    }

    pend_atom p;
    pai_put_name(p.name, PA_NAME_STRIDE, a->name.p ? a->name.p : "", a->name.n);
    if (a->element.n) {
        pai_put_name(p.element, 4, a->element.p, a->element.n);
        for (int i = 0; i < 4; i++)
            if (p.element[i] >= 'a' && p.element[i] <= 'z')
                p.element[i] = (char)(p.element[i] - 'a' + 'A');
    } else {
        infer_element(p.name, rn, a->hetero, p.element);
    }
    if (b->o.skip_hydrogens && !p.element[1] && (p.element[0] == 'H' || p.element[0] == 'D'))
        return 0;
    if (!isfinite(a->x) || !isfinite(a->y) || !isfinite(a->z)) {
        return pai_builder_diag(b, PA_SEV_ERROR, PA_D_COORD_RANGE, a->line, 0,
                                "atom %s of %s %d: coordinate is not a finite number (atom skipped)",
                                p.name, rn, a->seq_id);
    }
    if (fabsf(a->x) > COORD_MAX || fabsf(a->y) > COORD_MAX || fabsf(a->z) > COORD_MAX) {
        if ((rc = pai_builder_diag(b, PA_SEV_WARNING, PA_D_COORD_RANGE, a->line, 0,
                                   "atom %s of %s %d: coordinate beyond +-9999.999", p.name, rn,
                                   a->seq_id)))
            return rc;
    }
    p.x = a->x;
    p.y = a->y;
    p.z = a->z;
    p.occ = a->occupancy;
    p.b = a->b_factor;
    p.serial = a->serial;
    p.line = a->line;
    p.altloc = a->altloc;
    p.charge = (int8_t)(a->charge < -128 ? -128 : a->charge > 127 ? 127 : a->charge);
    p.keep = 1;
    if (PAI_GROW(b->pend, b->pend_cap, b->n_pend + 1))
        return PA_ENOMEM;
    b->pend[b->n_pend++] = p;
    return 0;
}

int pai_builder_ter(pai_builder *b)
{
    int rc = flush_residue(b);
    if (b->chain_open)
        b->s->chains[b->s->n_chains - 1].ter = 1;
    if (b->chain_open) /* sequence extraction treats residues before TER as polymer */
        b->s->chains[b->s->n_chains - 1].ter = 1;
    close_chain(b);
    return rc;
}

int pai_builder_model_end(pai_builder *b)
{
    int rc = flush_residue(b);
    close_chain(b);
    close_model(b);
    if (b->o.first_model_only && b->s->n_models > 0)
        b->models_done = 1;
    b->model_ended = 1;
    return rc;
}

/* ---- entities ----------------------------------------------------------------------- */
static pai_entity *get_entity(pai_builder *b, pai_str id)
{
    pa_structure *s = b->s;
    const char *p = id.p ? id.p : "";
    pai_entity *e = pai_structure_find_entity(s, p, id.n);
    if (e)
        return e;
    if (PAI_GROW(s->entities, s->entities_cap, s->n_entities + 1))
        return NULL;
    char *cid = pai_strndup(p, id.n);
    if (!cid) {
        pai_error(PA_ENOMEM, "out of memory");
        return NULL;
    }
    e = &s->entities[s->n_entities++];
    *e = (pai_entity){cid, PA_POLY_NONE, 0, NULL, 0, 0, INT32_MIN, NULL};
    return e;
}

int pai_builder_entity_type(pai_builder *b, pai_str entity_id, pai_str poly_type)
{
    pai_entity *e = get_entity(b, entity_id);
    if (!e)
        return PA_ENOMEM;
    if (poly_type.n) {
        e->type = pai_polymer_type_from_string(poly_type);
        e->type_given = 1;
    }
    return 0;
}

int pai_builder_entity_seq(pai_builder *b, pai_str entity_id, int num, pai_str mon_id)
{
    pai_entity *e = get_entity(b, entity_id);
    if (!e)
        return PA_ENOMEM;
    if (num == e->last_num) /* microheterogeneity: keep the first monomer */
        return 0;
    if (PAI_GROW(e->seq, e->seq_cap, (e->seq_len + 1) * PA_NAME_STRIDE))
        return PA_ENOMEM;
    pai_put_name(e->seq + e->seq_len * PA_NAME_STRIDE, PA_NAME_STRIDE, mon_id.p ? mon_id.p : "",
                 mon_id.n);
    e->seq_len++;
    e->last_num = num;
    return 0;
}

int pai_builder_entity_can(pai_builder *b, pai_str entity_id, pai_str can)
{
    pai_entity *e = get_entity(b, entity_id);
    if (!e)
        return PA_ENOMEM;
    char *c = pai_malloc(can.n + 1);
    if (!c)
        return pai_error(PA_ENOMEM, "out of memory");
    size_t k = 0;
    for (size_t i = 0; i < can.n; i++)
        if (can.p[i] != ' ' && can.p[i] != '\n' && can.p[i] != '\r' && can.p[i] != '\t')
            c[k++] = can.p[i];
    c[k] = '\0';
    pai_free(e->can);
    e->can = c;
    return 0;
}

int pai_builder_asym_entity(pai_builder *b, pai_str label_asym, pai_str entity_id)
{
    if (PAI_GROW(b->links, b->links_cap, b->n_links + 1))
        return PA_ENOMEM;
    char *a = pai_strndup(label_asym.p ? label_asym.p : "", label_asym.n);
    char *e = pai_strndup(entity_id.p ? entity_id.p : "", entity_id.n);
    if (!a || !e) {
        pai_free(a);
        pai_free(e);
        return pai_error(PA_ENOMEM, "out of memory");
    }
    b->links[b->n_links++] = (asym_link){a, e};
    return 0;
}

int pai_builder_modres(pai_builder *b, pai_str name, pai_str parent)
{
    pa_structure *s = b->s;
    char nm[PA_NAME_STRIDE], par[PA_NAME_STRIDE];
    pai_put_name(nm, PA_NAME_STRIDE, name.p ? name.p : "", name.n);
    pai_put_name(par, PA_NAME_STRIDE, parent.p ? parent.p : "", parent.n);
    if (!nm[0] || !par[0])
        return 0;
    for (size_t i = 0; i < s->n_modres; i++)
        if (!memcmp(s->modres[i][0], nm, PA_NAME_STRIDE))
            return 0;
    if (PAI_GROW(s->modres, s->modres_cap, s->n_modres + 1))
        return PA_ENOMEM;
    memcpy(s->modres[s->n_modres][0], nm, PA_NAME_STRIDE);
    memcpy(s->modres[s->n_modres][1], par, PA_NAME_STRIDE);
    s->n_modres++;
    return 0;
}

/* ---- finish ----------------------------------------------------------------------- */
static void infer_entity_type(pai_entity *e)
{
    size_t k[5] = {0};
    for (size_t i = 0; i < e->seq_len; i++)
        k[pai_residue_kind(e->seq + i * PA_NAME_STRIDE)]++;
    size_t aa = k[PAI_RES_AMINO], dna = k[PAI_RES_DNA], rna = k[PAI_RES_RNA];
    if (aa > dna + rna)
        e->type = PA_POLY_PROTEIN;
    else if (!aa && dna && rna)
        e->type = PA_POLY_HYBRID;
    else if (dna > aa + rna)
        e->type = PA_POLY_DNA;
    else if (rna > aa + dna)
        e->type = PA_POLY_RNA;
    else
        e->type = PA_POLY_OTHER;
}

static const char *asym_entity(const pai_builder *b, const char *label)
{
    for (size_t i = 0; i < b->n_links; i++)
        if (!strcmp(b->links[i].asym, label))
            return b->links[i].entity;
    return NULL;
}

static int link_chains(pai_builder *b)
{
    pa_structure *s = b->s;
    for (size_t i = 0; i < s->n_entities; i++)
        if (!s->entities[i].type_given && s->entities[i].seq_len)
            infer_entity_type(&s->entities[i]);
    for (size_t i = 0; i < s->n_chains; i++) {
        pa_chain_info *c = &s->chains[i];
        const char *id = c->entity_id[0] ? c->entity_id : asym_entity(b, c->label_id);
        if (!id && s->format == PA_FORMAT_PDB)
            id = c->auth_id;
        pai_entity *e = id ? pai_structure_find_entity(s, id, strlen(id)) : NULL;
        if (!e)
            continue;
        c->entity = (uint32_t)(e - s->entities);
        if (!c->entity_id[0]) {
            char *d = pai_strdup(e->id);
            if (!d)
                return pai_error(PA_ENOMEM, "out of memory");
            pai_free((char *)c->entity_id);
            c->entity_id = d;
        }
    }
    return 0;
}

static int is_polymer_chain(const pa_structure *s, const pa_chain_info *c)
{
    int n = 0;
    for (uint32_t r = c->residue_begin; r < c->residue_begin + c->residue_count && n < 2; r++) {
        int k = pai_residue_kind(s->res_name + (size_t)r * PA_NAME_STRIDE);
        n += k == PAI_RES_AMINO || k == PAI_RES_DNA || k == PAI_RES_RNA;
    }
    return n >= 2;
}

static int check_seqres(pai_builder *b)
{
    const pa_structure *s = b->s;
    for (size_t i = 0; i < s->n_chains; i++) {
        const pa_chain_info *c = &s->chains[i];
        if ((c->entity == PA_NONE_INDEX || !s->entities[c->entity].seq_len) &&
            is_polymer_chain(s, c))
            return pai_builder_diag(b, PA_SEV_WARNING, PA_D_MISSING_SEQRES, 0, 0,
                                    "chain %s: polymer without %s; full sequence unknown",
                                    c->auth_id,
                                    s->format == PA_FORMAT_PDB ? "SEQRES" : "entity_poly_seq");
    }
    return 0;
}

int pai_builder_finish(pai_builder *b, pa_structure **out)
{
    if (!b || !out)
        return pai_error(PA_EINVAL, "pai_builder_finish: NULL argument");
    *out = NULL;
    int rc = flush_residue(b);
    close_chain(b);
    close_model(b);
    pa_structure *s = b->s;
    if (rc || (rc = pai_structure_grow_residues(s, s->n_res)))
        return rc;
    s->res_atom_begin[s->n_res] = (uint32_t)s->n_atoms;
    if (!s->n_atoms) {
        if (pa_diags_count_at_least(b->d, PA_SEV_ERROR) == b->err_base)
            pai_builder_diag(b, PA_SEV_ERROR, PA_D_EMPTY, 0, 0, "no atoms");
        return pai_error(PA_EFORMAT, "%s: no atoms", b->file);
    }
    if ((rc = link_chains(b)) || (rc = check_seqres(b)))
        return rc;
    size_t errors = pa_diags_count_at_least(b->d, PA_SEV_ERROR) - b->err_base;
    if (b->o.strict && errors)
        return pai_error(PA_EFORMAT, "%s: %zu error diagnostic(s) (strict mode)", b->file, errors);
    *out = s;
    b->s = NULL;
    return 0;
}
