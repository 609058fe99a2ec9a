/* panalyzer/structure.h — reading PDB, mmCIF and PDBML into one columnar model.
 *
 *   pa_reader *r; pa_reader_opts o = PA_READER_OPTS_INIT;
 *   if (pa_reader_open(&r, "1abc.cif.gz", &o) == 0) {
 *       pa_structure *s;
 *       while (pa_reader_next(r, &s) == 0)   // one structure per data block
 *           pa_structure_free(s);           // after using it
 *       // pa_reader_diagnostics(r) holds everything noticed so far
 *       pa_reader_free(r);
 *   }
 *
 * The model is hierarchical and columnar: models -> chains -> residues -> atoms,
 * stored contiguously in that order. Accessors return borrowed views into the
 * structure's own arrays, valid until pa_structure_free(). A pa_structure is
 * immutable after reading and may be read from many threads at once. */
#ifndef PANALYZER_STRUCTURE_H
#define PANALYZER_STRUCTURE_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct pa_reader pa_reader;
typedef struct pa_structure pa_structure;

typedef enum {
    PA_FORMAT_AUTO = 0, /* sniffed from content, never from the file name */
    PA_FORMAT_PDB = 1,
    PA_FORMAT_MMCIF = 2,
    PA_FORMAT_PDBML = 3
} pa_format;

typedef enum {
    PA_ALTLOC_FIRST = 0,     /* keep atoms without altloc + the first altloc of each residue (default) */
    PA_ALTLOC_ALL = 1,       /* keep every conformer */
    PA_ALTLOC_OCCUPANCY = 2  /* per residue, the altloc with the highest mean occupancy */
} pa_altloc_policy;

#define PA_READER_OPTS_VERSION 1
typedef struct {
    unsigned version;        /* PA_READER_OPTS_VERSION */
    pa_format format;        /* PA_FORMAT_AUTO */
    pa_altloc_policy altloc; /* PA_ALTLOC_FIRST */
    int first_model_only;    /* 0: read every model */
    int keep_anisou;         /* 0: ANISOU records are skipped */
    int skip_hydrogens;      /* 0: keep H/D atoms */
    int strict;              /* 0; 1: any error-severity diagnostic fails the read */
    size_t max_diagnostics;  /* per file; 0 = default (1000) */
} pa_reader_opts;
#define PA_READER_OPTS_INIT {PA_READER_OPTS_VERSION, PA_FORMAT_AUTO, PA_ALTLOC_FIRST, 0, 0, 0, 0, 0}

/* Open a path (plain, gzip or zstd, detected by magic bytes). opts may be NULL. */
PA_API int pa_reader_open(pa_reader **out, const char *path, const pa_reader_opts *opts);
/* Read from a caller-owned buffer (may be compressed); name is used in diagnostics. */
PA_API int pa_reader_open_memory(pa_reader **out, const void *data, size_t size, const char *name,
                                 const pa_reader_opts *opts);
/* Next structure (one per data block; PDB and PDBML files have one).
 * Returns 0 and a new structure, PA_END when there are no more, or a negative code
 * (diagnostics explain why). */
PA_API int pa_reader_next(pa_reader *r, pa_structure **out);
/* Diagnostics of everything read so far (borrowed, owned by the reader). */
PA_API const pa_diags *pa_reader_diagnostics(const pa_reader *r);
PA_API pa_format pa_reader_format(const pa_reader *r);
PA_API void pa_reader_free(pa_reader *r);

/* Convenience: read the first structure of a file. diags (may be NULL) receives
 * the file's diagnostics even when the read fails. */
PA_API int pa_structure_read(const char *path, const pa_reader_opts *opts, pa_structure **out,
                             pa_diags *diags);
PA_API int pa_structure_read_memory(const void *data, size_t size, const char *name,
                                    const pa_reader_opts *opts, pa_structure **out,
                                    pa_diags *diags);
PA_API void pa_structure_free(pa_structure *s);

PA_API const char *pa_format_name(pa_format f); /* "pdb", "mmcif", "pdbml", "auto" */

/* ---- entry-level information ------------------------------------------- */
PA_API pa_format pa_structure_format(const pa_structure *s);
PA_API const char *pa_structure_name(const pa_structure *s); /* file name given to the reader */
PA_API const char *pa_structure_id(const pa_structure *s);   /* PDB id / data block name, "" if none */
/* Unit cell a, b, c, alpha, beta, gamma; returns PA_ENOTFOUND when the file has none. */
PA_API int pa_structure_cell(const pa_structure *s, double cell[6], const char **space_group);

/* ---- hierarchy ------------------------------------------------------------ */
#define PA_NAME_STRIDE 8 /* fixed-width, NUL-padded names in the columnar arrays */
#define PA_NONE_INDEX UINT32_MAX
#define PA_SEQ_ID_NONE INT32_MIN

typedef struct {
    int number;            /* MODEL serial (1 when the file has no MODEL records) */
    uint32_t chain_begin, chain_count;
    uint32_t residue_begin, residue_count;
    uint32_t atom_begin, atom_count;
} pa_model_info;

typedef enum {
    PA_POLY_NONE = 0,    /* no polymer residues (water, ligands only) */
    PA_POLY_PROTEIN = 1, /* polypeptide(L) (or D) */
    PA_POLY_DNA = 2,
    PA_POLY_RNA = 3,
    PA_POLY_HYBRID = 4,  /* DNA/RNA hybrid */
    PA_POLY_OTHER = 5    /* mixed, polysaccharide, unknown polymer */
} pa_polymer_type;

typedef struct {
    const char *auth_id;   /* author chain ID (PDB chain / auth_asym_id) */
    const char *label_id;  /* label_asym_id; equals auth_id for PDB files */
    const char *entity_id; /* entity id, "" when unknown */
    uint32_t model;        /* index of the model */
    uint32_t entity;       /* index into entities, PA_NONE_INDEX when none */
    uint32_t residue_begin, residue_count;
    uint32_t atom_begin, atom_count;
    int ter;               /* PDB: the chain was ended by a TER record (polymer end) */
} pa_chain_info;

/* Residue columns (n = total residues in all models). */
typedef struct {
    size_t n;
    const char *name;            /* stride PA_NAME_STRIDE: "ALA", "MSE", "HOH" */
    const int32_t *seq_id;       /* author residue number (resSeq / auth_seq_id) */
    const char *icode;           /* insertion code, '\0' when none */
    const int32_t *label_seq_id; /* label_seq_id (SEQRES position, 1-based) or PA_SEQ_ID_NONE */
    const uint32_t *chain;       /* chain index */
    const uint32_t *atom_begin;  /* n + 1 entries: atoms of r are [atom_begin[r], atom_begin[r+1]) */
    const uint8_t *hetero;       /* 1 when read from HETATM / group_PDB HETATM */
} pa_residue_columns;

/* Atom columns (n = total atoms in all models, after the altloc policy). */
typedef struct {
    size_t n;
    const float *x, *y, *z;
    const float *occupancy, *b_factor;
    const int32_t *serial;       /* hybrid-36 decoded; PDB serials may repeat across models */
    const char *name;            /* stride PA_NAME_STRIDE: "CA", "OG1" */
    const char *element;         /* stride 4: "C", "SE", "" when absent */
    const char *altloc;          /* '\0' when none */
    const int8_t *charge;        /* formal charge, 0 when absent */
    const uint32_t *residue;     /* residue index */
} pa_atom_columns;

PA_API size_t pa_structure_model_count(const pa_structure *s);
PA_API int pa_structure_model(const pa_structure *s, size_t i, pa_model_info *out);
PA_API size_t pa_structure_chain_count(const pa_structure *s); /* all models */
PA_API int pa_structure_chain(const pa_structure *s, size_t i, pa_chain_info *out);
PA_API int pa_structure_residues(const pa_structure *s, pa_residue_columns *out);
PA_API int pa_structure_atoms(const pa_structure *s, pa_atom_columns *out);

/* ---- entities and full (SEQRES / entity_poly_seq) sequences ----------------- */
typedef struct {
    const char *id;            /* entity id; for PDB files, the chain ID that owns the SEQRES */
    pa_polymer_type type;      /* from entity_poly.type, else PA_POLY_NONE (unknown) */
    size_t seq_len;            /* monomers in the full sequence (0: none given) */
    const char *seq_names;     /* stride PA_NAME_STRIDE, seq_len names (SEQRES / entity_poly_seq) */
    const char *one_letter_can;/* pdbx_seq_one_letter_code_can without whitespace, or NULL */
} pa_entity_info;

PA_API size_t pa_structure_entity_count(const pa_structure *s);
PA_API int pa_structure_entity(const pa_structure *s, size_t i, pa_entity_info *out);

/* Modified residues declared by the file (MODRES / pdbx_struct_mod_residue):
 * the standard parent of a component name, or NULL when the file declares none. */
PA_API const char *pa_structure_modres_parent(const pa_structure *s, const char *name);

#ifdef __cplusplus
}
#endif
#endif
