/* corpus.h — helpers shared by the reliability suites: file lists, file
 * loading, and a structural consistency walk over a pa_structure that touches
 * every column element (so ASan catches columns shorter than they claim). */
#ifndef PA_REL_CORPUS_H
#define PA_REL_CORPUS_H

#include "panalyzer.h"
#include "testutil.h"

#include <dirent.h>
#include <stdint.h>

typedef struct {
    char **path;
    int n, cap;
} rel_list;

static int rel_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Append every regular file under dir (recursively, sorted); absent dir = nothing. */
static inline void rel_list_dir(rel_list *l, const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    int first = l->n;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        char p[4096];
        struct stat st;
        if (snprintf(p, sizeof p, "%s/%s", dir, e->d_name) >= (int)sizeof p || stat(p, &st) != 0)
            continue;
        if (S_ISDIR(st.st_mode)) {
            rel_list_dir(l, p);
            continue;
        }
        if (!S_ISREG(st.st_mode) || strstr(e->d_name, ".md"))
            continue;
        if (l->n == l->cap) {
            l->cap = l->cap ? 2 * l->cap : 64;
            l->path = realloc(l->path, (size_t)l->cap * sizeof *l->path);
        }
        l->path[l->n++] = strdup(p);
    }
    closedir(d);
    qsort(l->path + first, (size_t)(l->n - first), sizeof *l->path, rel_cmp);
}

static inline void rel_list_free(rel_list *l)
{
    for (int i = 0; i < l->n; i++)
        free(l->path[i]);
    free(l->path);
    memset(l, 0, sizeof *l);
}

/* Whole file into a malloc'd buffer (NUL-terminated for convenience); NULL on
 * failure. No ck_assert here: it is also called from main(), outside a test. */
static inline unsigned char *rel_slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    unsigned char *buf = NULL;
    long len = -1;
    if (fseek(f, 0, SEEK_END) == 0 && (len = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0 &&
        (buf = malloc((size_t)len + 1)) != NULL) {
        if (fread(buf, 1, (size_t)len, f) == (size_t)len) {
            buf[len] = 0;
            *n = (size_t)len;
        } else {
            free(buf);
            buf = NULL;
        }
    }
    fclose(f);
    return buf;
}

static volatile uint64_t rel_sink; /* keeps the touches from being optimised away */

static inline void rel_touch_str(const char *s, size_t max)
{
    ck_assert_ptr_nonnull(s);
    size_t i = 0;
    while (i < max && s[i])
        rel_sink += (unsigned char)s[i++];
}

/* Every index in range, every column element readable, strings terminated. */
static inline void rel_check_structure(const pa_structure *s)
{
    pa_residue_columns rc;
    pa_atom_columns ac;
    ck_assert_int_eq(pa_structure_residues(s, &rc), 0);
    ck_assert_int_eq(pa_structure_atoms(s, &ac), 0);
    rel_touch_str(pa_structure_name(s), 1 << 20);
    rel_touch_str(pa_structure_id(s), 1 << 20);
    rel_touch_str(pa_format_name(pa_structure_format(s)), 64);
    double cell[6];
    const char *sg = NULL;
    if (pa_structure_cell(s, cell, &sg) == 0 && sg)
        rel_touch_str(sg, 1 << 20);

    size_t nchain = pa_structure_chain_count(s);
    size_t nmodel = pa_structure_model_count(s);
    for (size_t m = 0; m < nmodel; m++) {
        pa_model_info mi;
        ck_assert_int_eq(pa_structure_model(s, m, &mi), 0);
        ck_assert_uint_le((uint64_t)mi.chain_begin + mi.chain_count, nchain);
        ck_assert_uint_le((uint64_t)mi.residue_begin + mi.residue_count, rc.n);
        ck_assert_uint_le((uint64_t)mi.atom_begin + mi.atom_count, ac.n);
    }
    ck_assert_int_ne(pa_structure_model(s, nmodel, &(pa_model_info){0}), 0);
    for (size_t c = 0; c < nchain; c++) {
        pa_chain_info ci;
        ck_assert_int_eq(pa_structure_chain(s, c, &ci), 0);
        rel_touch_str(ci.auth_id, 1 << 16);
        rel_touch_str(ci.label_id, 1 << 16);
        rel_touch_str(ci.entity_id, 1 << 16);
        ck_assert_uint_lt(ci.model, nmodel);
        ck_assert(ci.entity == PA_NONE_INDEX || ci.entity < pa_structure_entity_count(s));
        ck_assert_uint_le((uint64_t)ci.residue_begin + ci.residue_count, rc.n);
        ck_assert_uint_le((uint64_t)ci.atom_begin + ci.atom_count, ac.n);
    }
    ck_assert_int_ne(pa_structure_chain(s, nchain, &(pa_chain_info){0}), 0);
    for (size_t r = 0; r < rc.n; r++) {
        rel_sink += (uint64_t)rc.seq_id[r] + (uint64_t)rc.label_seq_id[r] + rc.hetero[r] +
                    (unsigned char)rc.icode[r] + (unsigned char)rc.name[r * PA_NAME_STRIDE + PA_NAME_STRIDE - 1];
        ck_assert_uint_lt(rc.chain[r], nchain);
        ck_assert_uint_le(rc.atom_begin[r], rc.atom_begin[r + 1]);
    }
    ck_assert_uint_le(rc.atom_begin[rc.n], ac.n);
    for (size_t a = 0; a < ac.n; a++) {
        float v = ac.x[a] + ac.y[a] + ac.z[a] + ac.occupancy[a] + ac.b_factor[a];
        rel_sink += (uint64_t)(v == v) + (uint64_t)ac.serial[a] + (unsigned char)ac.altloc[a] +
                    (uint64_t)(int64_t)ac.charge[a] +
                    (unsigned char)ac.name[a * PA_NAME_STRIDE + PA_NAME_STRIDE - 1] +
                    (unsigned char)ac.element[a * 4 + 3];
        ck_assert_uint_lt(ac.residue[a], rc.n);
    }
    for (size_t e = 0; e < pa_structure_entity_count(s); e++) {
        pa_entity_info ei;
        ck_assert_int_eq(pa_structure_entity(s, e, &ei), 0);
        rel_touch_str(ei.id, 1 << 16);
        if (ei.seq_len)
            rel_sink += (unsigned char)ei.seq_names[ei.seq_len * PA_NAME_STRIDE - 1];
        if (ei.one_letter_can)
            rel_touch_str(ei.one_letter_can, (size_t)1 << 30);
    }
    (void)pa_structure_modres_parent(s, "MSE");
}

#endif
