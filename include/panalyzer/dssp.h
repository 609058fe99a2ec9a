/* panalyzer/dssp.h — secondary structure and solvent accessibility from coordinates.
 *
 *   pa_structure *s; pa_dssp *d; pa_dssp_opts o = PA_DSSP_OPTS_INIT;
 *   if (pa_structure_read("1crn.cif", NULL, &s, NULL) == 0) {
 *       if (pa_dssp_compute(s, &o, &d, NULL) == 0) {
 *           for (size_t i = 0; i < pa_dssp_count(d); i++) {
 *               pa_dssp_residue r;
 *               pa_dssp_get(d, i, &r);   // r.ss, r.acc, r.phi, r.psi ...
 *           }
 *           pa_dssp_free(d);
 *       }
 *       pa_structure_free(s);
 *   }
 *
 * DSSP as DSSP 4 (mkdssp 4.2) defines it: Kabsch & Sander's electrostatic
 * H-bond energy (-27.888 kcal/mol * (1/rON + 1/rCH - 1/rOH - 1/rCN), bonds
 * below -0.5), amide H placed from the previous residue's C=O, n-turns,
 * alpha (H), 3-10 (G) and pi (I) helices with pi priority over alpha, bridges
 * (B) and ladders (E) with partners and sheet labels, bends (S), turns (T),
 * polyproline II (P, phi -75 +-29, psi 145 +-29 over pp_stretch residues) and
 * the surface-dot accessibility (ACC) with DSSP's radii. One model at a time;
 * only polymer residues with all of N, CA, C and O take part (the others are
 * reported as a diagnostic, never guessed). A pa_dssp owns copies of what it
 * returns and stays valid after its structure is freed. Reentrant: compute
 * many structures (or models) on many threads at once. */
#ifndef PANALYZER_DSSP_H
#define PANALYZER_DSSP_H

#include "common.h"
#include "sequence.h"
#include "structure.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct pa_dssp pa_dssp;

#define PA_DSSP_OPTS_VERSION 1
typedef struct {
    unsigned version;  /* PA_DSSP_OPTS_VERSION */
    unsigned model;    /* model index (0 = first; mkdssp uses the first) */
    int accessibility; /* 1: compute ACC (the slowest part); 0: skip it (acc = 0) */
    int pp_stretch;    /* 3: residues in a row needed for P (2 or 3, mkdssp --min-pp-stretch) */
} pa_dssp_opts;
#define PA_DSSP_OPTS_INIT {PA_DSSP_OPTS_VERSION, 0, 1, 3}

/* Chain break before a residue (DSSP's '!' lines). */
typedef enum { PA_DSSP_BREAK_NONE = 0, PA_DSSP_BREAK_GAP = 1, PA_DSSP_BREAK_CHAIN = 2 } pa_dssp_break;

/* One assessed residue: a copy of DSSP's per-residue line. */
typedef struct {
    uint32_t residue;      /* index into the structure's residue columns */
    uint32_t chain;        /* index of its chain in the structure */
    int number;            /* DSSP number (#): sequential, +1 extra at every break */
    pa_dssp_break brk;     /* break before this residue */
    char aa;               /* one-letter code (DSSP's: 'X' for non-standard; disulfide
                              cysteines keep 'C', see ss_bridge) */
    char ss;               /* H G I E B T S P, or ' ' for none */
    char helix[4];         /* turn flags of 3-10, alpha, pi and PPII: '>', '<', 'X', '3'..'5', 'P', ' ' */
    char bend;             /* 'S' when kappa > 70, else ' ' */
    char chirality;        /* '+', '-' (sign of alpha) or ' ' */
    char bridge_label[2];  /* ladder letters: 'A'.. antiparallel, 'a'.. parallel, ' ' */
    int bridge_partner[2]; /* DSSP numbers of the bridge partners, 0 when none */
    char sheet;            /* 'A'.. or ' ' */
    int ss_bridge;         /* disulfide number (1..) for cysteines, 0 when none */
    double acc;            /* solvent accessible surface, A^2 */
    int nho_offset[2];     /* N-H-->O: acceptor number - own number (0 when none) */
    double nho_energy[2];  /* kcal/mol */
    int onh_offset[2];     /* O-->H-N: donor number - own number */
    double onh_energy[2];
    double tco, kappa, alpha, phi, psi, omega; /* 360 when undefined (tco: 0) */
    float ca[3];
} pa_dssp_residue;

/* Run DSSP on model opts->model of s. diags (may be NULL) receives notes on
 * residues left out (missing backbone atoms, CA-only chains). A model without any
 * complete residue is not an error: pa_dssp_count() is then 0 and a diagnostic says
 * why. PA_ERANGE when the model does not exist, PA_EINVAL, PA_ENOMEM. */
PA_API int pa_dssp_compute(const pa_structure *s, const pa_dssp_opts *opts, pa_dssp **out,
                           pa_diags *diags);
PA_API void pa_dssp_free(pa_dssp *d);
/* Residues assessed (in DSSP order: chain by chain). */
PA_API size_t pa_dssp_count(const pa_dssp *d);
/* PA_ERANGE when i >= count. */
PA_API int pa_dssp_get(const pa_dssp *d, size_t i, pa_dssp_residue *out);
/* The 8-state letter of every assessed residue, NUL-terminated ('-' for none). */
PA_API const char *pa_dssp_ss8(const pa_dssp *d);
/* Index (for pa_dssp_get) of structure residue `residue`, or -1 when it is not assessed. */
PA_API long pa_dssp_find(const pa_dssp *d, size_t residue);
/* Letter of structure residue `residue` ('-' when it is not assessed or has none). */
PA_API char pa_dssp_residue_ss(const pa_dssp *d, size_t residue);
/* ss8 of a chain's observed residues (pa_sequence_extract of the same structure):
 * c->n_observed letters + NUL into out (size >= n_observed + 1). */
PA_API int pa_dssp_chain_ss8(const pa_dssp *d, const pa_chain_seq *c, char *out, size_t size);
/* 8 to 3 states: H G I -> H, E B -> E, anything else -> C. */
PA_API char pa_dssp_ss3(char ss8);
/* Total accessible surface (A^2) and H-bonds counted as mkdssp's header does. */
PA_API double pa_dssp_surface(const pa_dssp *d);
/* Classic DSSP text (the fixed columns of `mkdssp --output-format dssp`) into a new
 * buffer freed with pa_free(). s must be the structure d came from (for its header). */
PA_API int pa_dssp_format_classic(const pa_dssp *d, const pa_structure *s, char **out,
                                  size_t *len);

#ifdef __cplusplus
}
#endif
#endif
