/* builder.h — internal contract between the format readers (pdb.c, mmcif.c,
 * pdbml.c) and the columnar model (model.c).
 *
 * A reader pushes atoms in file order; the builder groups them into models,
 * chains and residues, applies the altloc policy, validates (duplicate atoms,
 * coordinate range, chain breaks) and records diagnostics. Readers only parse.
 * All strings passed in are copied; readers may pass pointers into their
 * buffers with explicit lengths (pai_str). */
#ifndef PAI_STRUCTURE_BUILDER_H
#define PAI_STRUCTURE_BUILDER_H

#include "../common/pai.h"
#include "panalyzer/structure.h"

/* A borrowed, not NUL-terminated string slice. */
typedef struct {
    const char *p;
    size_t n;
} pai_str;
#define PAI_STR(lit) ((pai_str){(lit), sizeof(lit) - 1})
#define PAI_STR_NULL ((pai_str){NULL, 0})

typedef struct pai_builder pai_builder;

/* One atom site as read. Unknown fields: empty strings / PA_SEQ_ID_NONE / NAN. */
typedef struct {
    long line;            /* source line for diagnostics */
    int model;            /* model number as written (1 when no MODEL records) */
    int hetero;           /* HETATM */
    int32_t serial;
    pai_str name;         /* atom name (trimmed) */
    char altloc;          /* '\0' for none ('.' / '?' / ' ' -> '\0') */
    pai_str resname;      /* residue / comp name (trimmed) */
    pai_str auth_chain;   /* author chain ID */
    pai_str label_chain;  /* label_asym_id (empty for PDB: builder uses auth) */
    pai_str entity_id;    /* label_entity_id (empty for PDB) */
    int32_t seq_id;       /* author residue number */
    char icode;           /* insertion code, '\0' for none */
    int32_t label_seq_id; /* PA_SEQ_ID_NONE when absent */
    float x, y, z, occupancy, b_factor;
    pai_str element;      /* may be empty: builder infers from the name */
    int charge;
} pai_atom_rec;

int pai_builder_new(pai_builder **out, const pa_reader_opts *opts, pa_diags *diags,
                    const char *file, pa_format format);
void pai_builder_free(pai_builder *b);

/* Entry metadata. */
int pai_builder_set_id(pai_builder *b, pai_str id);
int pai_builder_set_cell(pai_builder *b, const double cell[6], pai_str space_group);

/* Atoms, in file order. A change of model number starts a new model; a change
 * of chain (auth + label) starts a new chain; a change of (resname, seq_id,
 * icode, label_seq_id) starts a new residue. TER may be signalled to end a chain
 * explicitly (so that a chain ID reused after TER starts a new chain). */
int pai_builder_atom(pai_builder *b, const pai_atom_rec *a);
int pai_builder_ter(pai_builder *b);
/* Explicit MODEL/ENDMDL boundaries (optional; model numbers in atoms suffice). */
int pai_builder_model_end(pai_builder *b);
/* 0 once first_model_only is set and the first model is complete: readers may stop. */
int pai_builder_accepting(const pai_builder *b);
/* Count an ANISOU record (kept only as a count; see keep_anisou). */
void pai_builder_anisou(pai_builder *b);

/* Entities and full sequences.
 * mmCIF/PDBML: entity id + type + entity_poly_seq monomers (+ can. one-letter);
 *              label_asym -> entity links come with each atom (entity_id) and
 *              optionally from struct_asym.
 * PDB:         one entity per SEQRES chain, id = chain ID; chains link by auth ID. */
int pai_builder_entity_type(pai_builder *b, pai_str entity_id, pai_str poly_type);
int pai_builder_entity_seq(pai_builder *b, pai_str entity_id, int num, pai_str mon_id);
int pai_builder_entity_can(pai_builder *b, pai_str entity_id, pai_str one_letter_can);
int pai_builder_asym_entity(pai_builder *b, pai_str label_asym, pai_str entity_id);
int pai_builder_modres(pai_builder *b, pai_str name, pai_str parent);

/* Finish: on success *out owns the structure and the builder may be freed. */
int pai_builder_finish(pai_builder *b, pa_structure **out);

/* Diagnostics helper for readers (uses the builder's file name and list). */
int pai_builder_diag(pai_builder *b, pa_severity sev, int code, long line, int col,
                     const char *fmt, ...) PAI_PRINTF(6, 7);
pa_diags *pai_builder_diags(pai_builder *b);

/* Reader entry points (one per format). Each parses one data block starting at
 * *pos in buf[0..n) (NUL-terminated at n), advances *pos past it, and returns
 * 0 with a structure, PA_END when no block remains, or an error (with
 * diagnostics). PDBML streams from the input instead (see pdbml.c). */
int pai_read_pdb(const char *buf, size_t n, size_t *pos, const pa_reader_opts *o, pa_diags *d,
                 const char *file, pa_structure **out);
int pai_read_mmcif(const char *buf, size_t n, size_t *pos, const pa_reader_opts *o, pa_diags *d,
                   const char *file, pa_structure **out);

/* PDBML streams from the input (after the reader's peek for sniffing). */
typedef struct pa_input pa_input;
int pai_read_pdbml(pa_input *in, const pa_reader_opts *o, pa_diags *d, const char *file,
                   pa_structure **out);

/* Content sniffing: PDB, mmCIF, PDBML or PA_FORMAT_AUTO (unknown). */
pa_format pai_sniff_format(const char *buf, size_t n);

#endif
