/* residue.h — internal view of the built-in component table (lib/sequence). */
#ifndef PAI_SEQUENCE_RESIDUE_H
#define PAI_SEQUENCE_RESIDUE_H

#include "../common/pai.h"
#include "panalyzer/sequence.h"

/* gemmi's residue kinds, kept so that polymer detection follows the same rules. */
typedef enum {
    PAI_RK_UNKNOWN = 0,
    PAI_RK_AA,  /* L amino acid */
    PAI_RK_AAD, /* D amino acid */
    PAI_RK_PAA, /* proline-like */
    PAI_RK_MAA, /* N-methylated */
    PAI_RK_RNA,
    PAI_RK_DNA,
    PAI_RK_BUF, /* buffer / ion */
    PAI_RK_HOH,
    PAI_RK_PYR, /* pyranose */
    PAI_RK_KET, /* ketopyranose */
    PAI_RK_ELS  /* anything else */
} pai_res_kind;

typedef struct {
    uint64_t key;    /* name packed big-endian: sorting keys sorts names */
    const char *name;
    char one_letter; /* upper case, 'X' when none */
    uint8_t kind;    /* pai_res_kind */
    uint8_t linking; /* 1 peptide-linking, 2 nucleotide-linking, 0 neither */
    uint8_t standard;
    uint8_t hydrogens;
} pai_res_info;

/* Table entry of a name given as up to n bytes (NUL or n ends it); NULL if absent. */
const pai_res_info *pai_residue_find(const char *name, size_t n);

#endif
