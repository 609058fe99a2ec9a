/* residue.c — component name -> one-letter code and kind.
 * The table (residue_table.inc) is generated from gemmi by tools/gen_residue_table.py
 * and sorted by name; names are packed big-endian into 64-bit keys so that a
 * binary search compares one integer per step. */
#include "residue.h"

#include <string.h>

static const pai_res_info table[] = {
#include "residue_table.inc"
};
#define TABLE_N (sizeof table / sizeof table[0])

/* Names longer than 8 bytes never match (the table has none). */
static int pack(const char *s, size_t n, uint64_t *key)
{
    uint64_t k = 0;
    size_t i = 0;
    for (; i < n && s[i]; i++) {
        if (i == 8)
            return -1;
        k |= (uint64_t)(unsigned char)s[i] << (56 - 8 * i);
    }
    *key = k;
    return 0;
}

const pai_res_info *pai_residue_find(const char *name, size_t n)
{
    uint64_t key;
    if (!name || pack(name, n, &key) != 0 || key == 0)
        return NULL;
    size_t lo = 0, hi = TABLE_N;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        uint64_t k = table[mid].key;
        if (k == key)
            return &table[mid];
        if (k < key)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

char pa_residue_one_letter(const char *name)
{
    const pai_res_info *r = pai_residue_find(name, SIZE_MAX);
    return r ? r->one_letter : 'X';
}

pa_monomer_kind pa_residue_kind(const char *name)
{
    const pai_res_info *r = pai_residue_find(name, SIZE_MAX);
    if (!r)
        return PA_MONOMER_UNKNOWN;
    switch (r->kind) {
    case PAI_RK_AA:
    case PAI_RK_AAD:
    case PAI_RK_PAA:
    case PAI_RK_MAA:
        return PA_MONOMER_AMINO_ACID;
    case PAI_RK_DNA:
        return PA_MONOMER_DNA;
    case PAI_RK_RNA:
        return PA_MONOMER_RNA;
    case PAI_RK_HOH:
        return PA_MONOMER_WATER;
    default:
        return PA_MONOMER_OTHER;
    }
}

const char *pa_monomer_kind_name(pa_monomer_kind k)
{
    switch (k) {
    case PA_MONOMER_AMINO_ACID: return "amino-acid";
    case PA_MONOMER_DNA: return "dna";
    case PA_MONOMER_RNA: return "rna";
    case PA_MONOMER_WATER: return "water";
    case PA_MONOMER_OTHER: return "other";
    default: return "unknown";
    }
}

const char *pa_polymer_type_name(pa_polymer_type t)
{
    switch (t) {
    case PA_POLY_PROTEIN: return "protein";
    case PA_POLY_DNA: return "dna";
    case PA_POLY_RNA: return "rna";
    case PA_POLY_HYBRID: return "hybrid";
    case PA_POLY_OTHER: return "other";
    default: return "none";
    }
}
