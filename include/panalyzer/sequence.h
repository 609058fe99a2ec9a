/* panalyzer/sequence.h — chain sequences, residue names, FASTA.
 *
 *   pa_seqset *q; pa_seqset_opts o = PA_SEQSET_OPTS_INIT;
 *   if (pa_sequence_extract(s, &o, &q) == 0) {
 *       for (size_t i = 0; i < pa_seqset_count(q); i++) {
 *           pa_chain_seq c; pa_seqset_get(q, i, &c);
 *           printf("%s %s %s\n", c.auth_id, pa_polymer_type_name(c.polymer_type), c.observed);
 *       }
 *       pa_seqset_free(q);
 *   }
 *
 * One-letter codes follow the Chemical Component Dictionary parents of the
 * components tabulated by gemmi (MSE -> M, SEP -> S, PSU -> U, DAL -> A, ...);
 * anything else is 'X'. A pa_seqset owns copies of everything it returns and
 * stays valid after its structure is freed. */
#ifndef PANALYZER_SEQUENCE_H
#define PANALYZER_SEQUENCE_H

#include "common.h"
#include "structure.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- residue names ----------------------------------------------------- */
typedef enum {
    PA_MONOMER_UNKNOWN = 0,    /* not in the built-in table */
    PA_MONOMER_AMINO_ACID = 1, /* L or D amino acids, incl. modified ones */
    PA_MONOMER_DNA = 2,
    PA_MONOMER_RNA = 3,
    PA_MONOMER_WATER = 4,
    PA_MONOMER_OTHER = 5       /* tabulated non-polymer: ions, buffers, sugars, ligands */
} pa_monomer_kind;

/* One-letter code of a component name ("MSE" -> 'M', "DA" -> 'A'); 'X' when the
 * name is unknown or has no code (water, ligands). Case-sensitive, NULL -> 'X'. */
PA_API char pa_residue_one_letter(const char *name);
PA_API pa_monomer_kind pa_residue_kind(const char *name);
PA_API const char *pa_monomer_kind_name(pa_monomer_kind k); /* "amino-acid", "dna", ... */
/* "protein", "dna", "rna", "hybrid", "other", "none"; never NULL. */
PA_API const char *pa_polymer_type_name(pa_polymer_type t);

/* ---- sequences of a structure ------------------------------------------ */
typedef struct pa_seqset pa_seqset;

#define PA_SEQSET_OPTS_VERSION 1
typedef struct {
    unsigned version;       /* PA_SEQSET_OPTS_VERSION */
    unsigned model;         /* model index (0 = first) when all_models is 0 */
    int all_models;         /* 0; 1: chains of every model */
    int include_nonpolymer; /* 0; 1: also list chains without a polymer part (empty sequences) */
    int use_modres;         /* 1: MODRES / pdbx_struct_mod_residue parents name components the
                               built-in table does not know */
} pa_seqset_opts;
#define PA_SEQSET_OPTS_INIT {PA_SEQSET_OPTS_VERSION, 0, 0, 0, 1}

/* One chain: a borrowed view into the set. */
typedef struct {
    int model;                    /* MODEL number */
    uint32_t chain;               /* index of the chain in the structure */
    const char *auth_id;          /* author chain ID */
    const char *label_id;         /* label_asym_id (= auth_id for PDB files) */
    const char *entity_id;        /* "" when unknown */
    pa_polymer_type polymer_type; /* entity_poly.type when given, else inferred from residues */
    size_t n_observed;            /* polymer residues with atoms (first conformer) */
    const char *observed;         /* n_observed one-letter codes, NUL-terminated */
    size_t seqres_len;
    const char *seqres;           /* full SEQRES / entity_poly_seq sequence, "" when none */
    const int32_t *map;           /* per observed residue: 0-based SEQRES position, -1 if unplaced */
    const uint32_t *residue;      /* per observed residue: index into the residue columns */
} pa_chain_seq;

/* Sequences of every chain with a polymer part (model opts->model, or all).
 * The polymer part of a chain excludes leading/trailing ligands and water,
 * as gemmi's Chain::get_polymer() does. opts may be NULL. */
PA_API int pa_sequence_extract(const pa_structure *s, const pa_seqset_opts *opts,
                               pa_seqset **out);
PA_API size_t pa_seqset_count(const pa_seqset *set);
/* PA_ERANGE when i >= count. */
PA_API int pa_seqset_get(const pa_seqset *set, size_t i, pa_chain_seq *out);
PA_API void pa_seqset_free(pa_seqset *set);

typedef enum { PA_SEQ_OBSERVED = 0, PA_SEQ_SEQRES = 1 } pa_seq_which;

/* FASTA text of the set: ">{name}_{chain} {polymer type} model={n} length={len}" then the
 * sequence wrapped at line_width (0: one line). With PA_SEQ_SEQRES chains without a full
 * sequence are left out. name may be NULL (then "seq"). *out is NUL-terminated; free it
 * with pa_free() (io.h). */
PA_API int pa_seqset_to_fasta(const pa_seqset *set, const char *name, pa_seq_which which,
                              int line_width, char **out, size_t *len);

/* ---- FASTA sequence lists ------------------------------------------------- */
typedef struct pa_seqlist pa_seqlist;

typedef struct {
    const char *id;          /* header up to the first blank */
    const char *description; /* rest of the header line, trimmed ("" when none) */
    const char *seq;         /* residues with blanks removed, NUL-terminated */
    size_t len;
} pa_seq_record;

/* Read FASTA from a file (plain, gzip or zstd) or a caller buffer. ';' comment lines
 * and blank lines are skipped; text before the first '>' or control bytes inside a
 * sequence give PA_EFORMAT with the line in pa_last_error().
 *
 * Sequence lines are cleaned the same way everywhere FASTA is read: letters are
 * upper-cased, one '*' ending a record is dropped, blanks and digits are ignored. Any
 * other character (gaps '-' and '.', an inner '*', punctuation) is not a residue letter:
 * by default it is removed and each affected record gets one PA_SEV_WARNING diagnostic
 * naming the record, the count and the first position; with opts->strict it is an error
 * (PA_EFORMAT, an error diagnostic, "name:line:col: record 'id': '-' at position 5 ...").
 * Positions count the record's characters other than blanks and digits, from 1. */
#define PA_FASTA_OPTS_VERSION 1
typedef struct {
    unsigned version; /* PA_FASTA_OPTS_VERSION */
    int strict;       /* 0: remove non-residue characters with a warning; 1: PA_EFORMAT */
} pa_fasta_opts;
#define PA_FASTA_OPTS_INIT {PA_FASTA_OPTS_VERSION, 0}

/* pa_fasta_read*_ex: opts may be NULL (defaults), diags may be NULL (not collected). */
PA_API int pa_fasta_read_ex(const char *path, const pa_fasta_opts *opts, pa_seqlist **out,
                            pa_diags *diags);
PA_API int pa_fasta_read_memory_ex(const void *data, size_t size, const char *name,
                                   const pa_fasta_opts *opts, pa_seqlist **out,
                                   pa_diags *diags);
/* Defaults, no diagnostics collected. */
PA_API int pa_fasta_read(const char *path, pa_seqlist **out);
PA_API int pa_fasta_read_memory(const void *data, size_t size, const char *name,
                                pa_seqlist **out);
/* An empty list to fill with pa_seqlist_add (copies its arguments; description may be NULL). */
PA_API int pa_seqlist_new(pa_seqlist **out);
PA_API int pa_seqlist_add(pa_seqlist *l, const char *id, const char *description,
                          const char *seq);
PA_API size_t pa_seqlist_count(const pa_seqlist *l);
/* Borrowed until the list is freed or added to. PA_ERANGE when i >= count. */
PA_API int pa_seqlist_get(const pa_seqlist *l, size_t i, pa_seq_record *out);
PA_API void pa_seqlist_free(pa_seqlist *l);

#ifdef __cplusplus
}
#endif
#endif
