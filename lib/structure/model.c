/* model.c — the columnar structure: allocation, growth, accessors, free. */
#include "model.h"

#include <stdlib.h>
#include <string.h>

/* ---- small residue table (the sequence module owns the full one) -------- */
static const char *const amino[] = {"ALA", "ARG", "ASN", "ASP", "CYS", "GLN", "GLU", "GLY",
                                    "HIS", "ILE", "LEU", "LYS", "MET", "MSE", "PHE", "PRO",
                                    "PYL", "SEC", "SER", "THR", "TRP", "TYR", "UNK", "VAL"};
static const char *const dna[] = {"DA", "DC", "DG", "DI", "DT", "DU"};
static const char *const rna[] = {"A", "C", "G", "I", "U"};

static int in_list(const char *name, const char *const *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(name, v[i]))
            return 1;
    return 0;
}

int pai_residue_kind(const char *name)
{
    size_t n = strlen(name);
    if (n == 3) {
        if (!strcmp(name, "HOH") || !strcmp(name, "WAT") || !strcmp(name, "DOD"))
            return PAI_RES_WATER;
        return in_list(name, amino, sizeof amino / sizeof *amino) ? PAI_RES_AMINO : PAI_RES_OTHER;
    }
    if (n == 2)
        return in_list(name, dna, sizeof dna / sizeof *dna) ? PAI_RES_DNA : PAI_RES_OTHER;
    if (n == 1)
        return in_list(name, rna, sizeof rna / sizeof *rna) ? PAI_RES_RNA : PAI_RES_OTHER;
    return PAI_RES_OTHER;
}

static int str_eq_ci(pai_str s, const char *lit)
{
    size_t n = strlen(lit);
    if (s.n != n)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = s.p[i];
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        if (c != lit[i])
            return 0;
    }
    return 1;
}

pa_polymer_type pai_polymer_type_from_string(pai_str s)
{
    while (s.n && (s.p[0] == ' ' || s.p[0] == '\'' || s.p[0] == '"'))
        s.p++, s.n--;
    while (s.n && (s.p[s.n - 1] == ' ' || s.p[s.n - 1] == '\'' || s.p[s.n - 1] == '"'))
        s.n--;
    if (!s.n)
        return PA_POLY_NONE;
    if (str_eq_ci(s, "polypeptide(l)") || str_eq_ci(s, "polypeptide(d)"))
        return PA_POLY_PROTEIN;
    if (str_eq_ci(s, "polydeoxyribonucleotide"))
        return PA_POLY_DNA;
    if (str_eq_ci(s, "polyribonucleotide"))
        return PA_POLY_RNA;
    if (str_eq_ci(s, "polydeoxyribonucleotide/polyribonucleotide hybrid"))
        return PA_POLY_HYBRID;
    return PA_POLY_OTHER;
}

void pai_put_name(char *dst, size_t width, const char *s, size_t n)
{
    if (n > width - 1)
        n = width - 1;
    memcpy(dst, s, n);
    memset(dst + n, 0, width - n);
}

/* ---- allocation ---------------------------------------------------------- */
int pai_structure_alloc(pa_structure **out, pa_format format, const char *name)
{
    pa_structure *s = pai_calloc(1, sizeof *s);
    if (!s)
        return pai_error(PA_ENOMEM, "out of memory");
    s->format = format;
    s->name = pai_strdup(name ? name : "");
    s->id = pai_strdup("");
    if (!s->name || !s->id) {
        pa_structure_free(s);
        return pai_error(PA_ENOMEM, "out of memory");
    }
    *out = s;
    return 0;
}

/* Grow several parallel columns to `nc` elements; *cap changes only when all
 * succeed (columns already grown are merely larger than needed). */
static int grow_columns(void **cols[], const size_t elem[], size_t ncols, size_t *cap, size_t need)
{
    if (need <= *cap)
        return 0;
    size_t nc = *cap ? *cap : 64;
    while (nc < need) {
        if (nc > SIZE_MAX / 2 / PA_NAME_STRIDE)
            return pai_error(PA_ENOMEM, "structure too large");
        nc *= 2;
    }
    for (size_t i = 0; i < ncols; i++) {
        void *p = pai_realloc(*cols[i], nc * elem[i]);
        if (!p)
            return pai_error(PA_ENOMEM, "out of memory growing the structure to %zu items", nc);
        *cols[i] = p;
    }
    *cap = nc;
    return 0;
}

int pai_structure_grow_residues(pa_structure *s, size_t need)
{
    void **cols[] = {(void **)&s->res_name,  (void **)&s->res_seq_id, (void **)&s->res_label_seq_id,
                     (void **)&s->res_icode, (void **)&s->res_chain,  (void **)&s->res_atom_begin,
                     (void **)&s->res_hetero};
    const size_t elem[] = {PA_NAME_STRIDE, 4, 4, 1, 4, 4, 1};
    /* +1: atom_begin keeps a final sentinel entry */
    return grow_columns(cols, elem, sizeof elem / sizeof *elem, &s->res_cap, need + 1);
}

int pai_structure_grow_atoms(pa_structure *s, size_t need)
{
    void **cols[] = {(void **)&s->x,         (void **)&s->y,       (void **)&s->z,
                     (void **)&s->occ,       (void **)&s->b,       (void **)&s->serial,
                     (void **)&s->atom_name, (void **)&s->element, (void **)&s->altloc,
                     (void **)&s->charge,    (void **)&s->atom_res};
    const size_t elem[] = {4, 4, 4, 4, 4, 4, PA_NAME_STRIDE, 4, 1, 1, 4};
    return grow_columns(cols, elem, sizeof elem / sizeof *elem, &s->atoms_cap, need);
}

pai_entity *pai_structure_find_entity(const pa_structure *s, const char *id, size_t n)
{
    for (size_t i = 0; i < s->n_entities; i++)
        if (strlen(s->entities[i].id) == n && !memcmp(s->entities[i].id, id, n))
            return &s->entities[i];
    return NULL;
}

void pa_structure_free(pa_structure *s)
{
    if (!s)
        return;
    pai_free(s->name);
    pai_free(s->id);
    pai_free(s->space_group);
    pai_free(s->models);
    for (size_t i = 0; i < s->n_chains; i++) {
        pai_free((char *)s->chains[i].auth_id);
        pai_free((char *)s->chains[i].label_id);
        pai_free((char *)s->chains[i].entity_id);
    }
    pai_free(s->chains);
    pai_free(s->res_name);
    pai_free(s->res_seq_id);
    pai_free(s->res_label_seq_id);
    pai_free(s->res_icode);
    pai_free(s->res_chain);
    pai_free(s->res_atom_begin);
    pai_free(s->res_hetero);
    pai_free(s->x);
    pai_free(s->y);
    pai_free(s->z);
    pai_free(s->occ);
    pai_free(s->b);
    pai_free(s->serial);
    pai_free(s->atom_name);
    pai_free(s->element);
    pai_free(s->altloc);
    pai_free(s->charge);
    pai_free(s->atom_res);
    for (size_t i = 0; i < s->n_entities; i++) {
        pai_free(s->entities[i].id);
        pai_free(s->entities[i].seq);
        pai_free(s->entities[i].can);
    }
    pai_free(s->entities);
    pai_free(s->modres);
    pai_free(s);
}

/* ---- accessors ------------------------------------------------------------ */
pa_format pa_structure_format(const pa_structure *s) { return s ? s->format : PA_FORMAT_AUTO; }
const char *pa_structure_name(const pa_structure *s) { return s ? s->name : ""; }
const char *pa_structure_id(const pa_structure *s) { return s ? s->id : ""; }

int pa_structure_cell(const pa_structure *s, double cell[6], const char **space_group)
{
    if (!s || !cell)
        return pai_error(PA_EINVAL, "pa_structure_cell: NULL argument");
    if (!s->has_cell)
        return pai_error(PA_ENOTFOUND, "%s: no unit cell", s->name);
    memcpy(cell, s->cell, sizeof s->cell);
    if (space_group)
        *space_group = s->space_group ? s->space_group : "";
    return 0;
}

size_t pa_structure_model_count(const pa_structure *s) { return s ? s->n_models : 0; }

int pa_structure_model(const pa_structure *s, size_t i, pa_model_info *out)
{
    if (!s || !out)
        return pai_error(PA_EINVAL, "pa_structure_model: NULL argument");
    if (i >= s->n_models)
        return pai_error(PA_ERANGE, "model index %zu out of range (%zu models)", i, s->n_models);
    *out = s->models[i];
    return 0;
}

size_t pa_structure_chain_count(const pa_structure *s) { return s ? s->n_chains : 0; }

int pa_structure_chain(const pa_structure *s, size_t i, pa_chain_info *out)
{
    if (!s || !out)
        return pai_error(PA_EINVAL, "pa_structure_chain: NULL argument");
    if (i >= s->n_chains)
        return pai_error(PA_ERANGE, "chain index %zu out of range (%zu chains)", i, s->n_chains);
    *out = s->chains[i];
    return 0;
}

int pa_structure_residues(const pa_structure *s, pa_residue_columns *out)
{
    if (!s || !out)
        return pai_error(PA_EINVAL, "pa_structure_residues: NULL argument");
    *out = (pa_residue_columns){s->n_res,           s->res_name,  s->res_seq_id,
                                s->res_icode,       s->res_label_seq_id, s->res_chain,
                                s->res_atom_begin,  s->res_hetero};
    return 0;
}

int pa_structure_atoms(const pa_structure *s, pa_atom_columns *out)
{
    if (!s || !out)
        return pai_error(PA_EINVAL, "pa_structure_atoms: NULL argument");
    *out = (pa_atom_columns){s->n_atoms,   s->x,         s->y,       s->z,
                             s->occ,       s->b,         s->serial,  s->atom_name,
                             s->element,   s->altloc,    s->charge,  s->atom_res};
    return 0;
}

size_t pa_structure_entity_count(const pa_structure *s) { return s ? s->n_entities : 0; }

int pa_structure_entity(const pa_structure *s, size_t i, pa_entity_info *out)
{
    if (!s || !out)
        return pai_error(PA_EINVAL, "pa_structure_entity: NULL argument");
    if (i >= s->n_entities)
        return pai_error(PA_ERANGE, "entity index %zu out of range (%zu entities)", i,
                         s->n_entities);
    const pai_entity *e = &s->entities[i];
    *out = (pa_entity_info){e->id, e->type, e->seq_len, e->seq, e->can};
    return 0;
}

const char *pa_structure_modres_parent(const pa_structure *s, const char *name)
{
    if (!s || !name)
        return NULL;
    for (size_t i = 0; i < s->n_modres; i++)
        if (!strncmp(s->modres[i][0], name, PA_NAME_STRIDE))
            return s->modres[i][1];
    return NULL;
}
