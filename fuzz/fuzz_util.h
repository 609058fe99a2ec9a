/* fuzz_util.h — shared by the libFuzzer targets: option selection from the
 * input and a consistency walk that traps on any broken invariant (so a
 * logically inconsistent model is a finding, like a crash). */
#ifndef PA_FUZZ_UTIL_H
#define PA_FUZZ_UTIL_H

#include "panalyzer.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define FUZZ_CHECK(c)                                                                              \
    do {                                                                                           \
        if (!(c))                                                                                  \
            __builtin_trap();                                                                      \
    } while (0)

static volatile uint64_t fuzz_sink;

static inline void fuzz_str(const char *s)
{
    FUZZ_CHECK(s != NULL);
    fuzz_sink += strlen(s);
}

/* Reader options chosen from the input size, so seeds keep their bytes intact. */
static inline pa_reader_opts fuzz_reader_opts(size_t size, pa_format fmt)
{
    pa_reader_opts o = PA_READER_OPTS_INIT;
    o.format = fmt;
    o.strict = (size >> 0) & 1;
    o.altloc = (pa_altloc_policy)((size >> 1) % 3);
    o.first_model_only = (size >> 3) & 1;
    o.skip_hydrogens = (size >> 4) & 1;
    o.keep_anisou = (size >> 5) & 1;
    return o;
}

static inline void fuzz_walk_structure(const pa_structure *s)
{
    pa_residue_columns rc;
    pa_atom_columns ac;
    FUZZ_CHECK(pa_structure_residues(s, &rc) == 0);
    FUZZ_CHECK(pa_structure_atoms(s, &ac) == 0);
    fuzz_str(pa_structure_name(s));
    fuzz_str(pa_structure_id(s));
    size_t nchain = pa_structure_chain_count(s), nmodel = pa_structure_model_count(s);
    size_t nent = pa_structure_entity_count(s);
    for (size_t m = 0; m < nmodel; m++) {
        pa_model_info mi;
        FUZZ_CHECK(pa_structure_model(s, m, &mi) == 0);
        FUZZ_CHECK((uint64_t)mi.chain_begin + mi.chain_count <= nchain);
        FUZZ_CHECK((uint64_t)mi.residue_begin + mi.residue_count <= rc.n);
        FUZZ_CHECK((uint64_t)mi.atom_begin + mi.atom_count <= ac.n);
    }
    for (size_t c = 0; c < nchain; c++) {
        pa_chain_info ci;
        FUZZ_CHECK(pa_structure_chain(s, c, &ci) == 0);
        fuzz_str(ci.auth_id);
        fuzz_str(ci.label_id);
        fuzz_str(ci.entity_id);
        FUZZ_CHECK(ci.model < nmodel);
        FUZZ_CHECK(ci.entity == PA_NONE_INDEX || ci.entity < nent);
        FUZZ_CHECK((uint64_t)ci.residue_begin + ci.residue_count <= rc.n);
        FUZZ_CHECK((uint64_t)ci.atom_begin + ci.atom_count <= ac.n);
    }
    for (size_t r = 0; r < rc.n; r++) {
        FUZZ_CHECK(rc.chain[r] < nchain);
        FUZZ_CHECK(rc.atom_begin[r] <= rc.atom_begin[r + 1]);
        fuzz_sink += (uint64_t)rc.seq_id[r] + (uint64_t)rc.label_seq_id[r] + rc.hetero[r] +
                     (uint8_t)rc.icode[r] + (uint8_t)rc.name[r * PA_NAME_STRIDE + PA_NAME_STRIDE - 1];
    }
    FUZZ_CHECK(rc.atom_begin[rc.n] <= ac.n);
    for (size_t a = 0; a < ac.n; a++) {
        FUZZ_CHECK(ac.residue[a] < rc.n);
        float v = ac.x[a] + ac.y[a] + ac.z[a] + ac.occupancy[a] + ac.b_factor[a];
        fuzz_sink += (uint64_t)(v == v) + (uint64_t)ac.serial[a] + (uint8_t)ac.altloc[a] +
                     (uint8_t)ac.charge[a] + (uint8_t)ac.name[a * PA_NAME_STRIDE + PA_NAME_STRIDE - 1] +
                     (uint8_t)ac.element[a * 4 + 3];
    }
    for (size_t e = 0; e < nent; e++) {
        pa_entity_info ei;
        FUZZ_CHECK(pa_structure_entity(s, e, &ei) == 0);
        fuzz_str(ei.id);
        if (ei.seq_len)
            fuzz_sink += (uint8_t)ei.seq_names[ei.seq_len * PA_NAME_STRIDE - 1];
        if (ei.one_letter_can)
            fuzz_str(ei.one_letter_can);
    }
    double cell[6];
    const char *sg = NULL;
    if (pa_structure_cell(s, cell, &sg) == 0 && sg)
        fuzz_str(sg);
}

/* Read every block of data in the given format; check each structure. */
static inline void fuzz_read_structures(const uint8_t *data, size_t size, pa_format fmt)
{
    pa_reader_opts o = fuzz_reader_opts(size, fmt);
    pa_reader *r = NULL;
    if (pa_reader_open_memory(&r, data, size, "fuzz", &o) != 0) {
        FUZZ_CHECK(r == NULL);
        return;
    }
    pa_structure *s;
    int rc;
    while ((rc = pa_reader_next(r, &s)) == 0) {
        FUZZ_CHECK(s != NULL);
        fuzz_walk_structure(s);
        pa_structure_free(s);
    }
    FUZZ_CHECK(rc == PA_END || rc < 0);
    const pa_diags *d = pa_reader_diagnostics(r);
    for (size_t i = 0; d && i < pa_diags_count(d); i++) {
        char buf[128];
        const pa_diag *g = pa_diags_get(d, i);
        FUZZ_CHECK(g && g->file && g->message);
        pa_diag_format(g, buf, sizeof buf);
    }
    pa_reader_free(r);
}

#endif
