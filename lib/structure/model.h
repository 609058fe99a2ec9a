/* model.h — the columnar pa_structure (private to lib/structure).
 *
 * Everything is owned by the structure and never modified after
 * pai_builder_finish(), so concurrent readers need no locking. */
#ifndef PAI_STRUCTURE_MODEL_H
#define PAI_STRUCTURE_MODEL_H

#include "../common/pai.h"
#include "builder.h"

typedef struct {
    char *id;
    pa_polymer_type type;
    int type_given;     /* type came from the file (not inferred) */
    char *seq;          /* stride PA_NAME_STRIDE */
    size_t seq_len, seq_cap;
    int last_num;       /* last entity_seq number (microheterogeneity: keep first) */
    char *can;          /* one-letter canonical, or NULL */
} pai_entity;

struct pa_structure {
    pa_format format;
    char *name, *id;
    int has_cell;
    double cell[6];
    char *space_group;

    pa_model_info *models;
    size_t n_models, models_cap;

    pa_chain_info *chains; /* strings owned (auth_id, label_id, entity_id) */
    size_t n_chains, chains_cap;

    /* residue columns */
    size_t n_res, res_cap;
    char *res_name;
    int32_t *res_seq_id, *res_label_seq_id;
    char *res_icode;
    uint32_t *res_chain, *res_atom_begin; /* atom_begin has n_res + 1 entries */
    uint8_t *res_hetero;

    /* atom columns */
    size_t n_atoms, atoms_cap;
    float *x, *y, *z, *occ, *b;
    int32_t *serial;
    char *atom_name, *element, *altloc;
    int8_t *charge;
    uint32_t *atom_res;

    pai_entity *entities;
    size_t n_entities, entities_cap;

    char (*modres)[2][PA_NAME_STRIDE]; /* name -> parent */
    size_t n_modres, modres_cap;

    size_t n_anisou; /* ANISOU records seen (kept only as a count) */
};

/* Residue kinds for the builder's heuristics (chain breaks, polymer types). */
enum { PAI_RES_OTHER = 0, PAI_RES_AMINO = 1, PAI_RES_DNA = 2, PAI_RES_RNA = 3, PAI_RES_WATER = 4 };
int pai_residue_kind(const char *name);
pa_polymer_type pai_polymer_type_from_string(pai_str s);

/* Copy s into a fixed field of `width` bytes, NUL-padded (truncates). */
void pai_put_name(char *dst, size_t width, const char *s, size_t n);

int pai_structure_alloc(pa_structure **out, pa_format format, const char *name);
/* Make room for one more residue / atom in every column. */
int pai_structure_grow_residues(pa_structure *s, size_t need);
int pai_structure_grow_atoms(pa_structure *s, size_t need);
pai_entity *pai_structure_find_entity(const pa_structure *s, const char *id, size_t n);

#endif
