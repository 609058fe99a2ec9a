/* mmcif.c — mmCIF categories into the builder.
 *
 * The category logic (pai_mm_*) works on "rows of fields" indexed by item id so
 * that pdbml.c feeds the very same code. pai_read_mmcif() maps each CIF loop's
 * columns to item ids once, then hands rows over without string compares. */
#include "cif.h"

#include <math.h>
#include <string.h>
#include <strings.h>

/* ---- category and item tables --------------------------------------------------- */
enum {
    C_ATOM_SITE, C_ENTITY, C_ENTITY_POLY, C_ENTITY_POLY_SEQ, C_STRUCT_ASYM, C_MOD_RESIDUE,
    C_CELL, C_SYMMETRY, C_ENTRY, C_COUNT
};
enum {
    A_GROUP, A_ID, A_TYPE, A_LABEL_ATOM, A_ALT, A_LABEL_COMP, A_LABEL_ASYM, A_LABEL_ENTITY,
    A_LABEL_SEQ, A_INS, A_X, A_Y, A_Z, A_OCC, A_B, A_CHARGE, A_AUTH_SEQ, A_AUTH_COMP,
    A_AUTH_ASYM, A_AUTH_ATOM, A_MODEL, A_COUNT
};
enum { E_ID, E_TYPE };
enum { EP_ENTITY, EP_TYPE, EP_CAN };
enum { PS_ENTITY, PS_NUM, PS_MON, PS_HETERO };
enum { SA_ID, SA_ENTITY };
enum { MR_LABEL_COMP, MR_AUTH_COMP, MR_PARENT };
enum { CE_A, CE_B, CE_C, CE_ALPHA, CE_BETA, CE_GAMMA };
enum { SY_HM };
enum { EN_ID };

static const char *const atom_site_items[] = {
    "group_PDB", "id", "type_symbol", "label_atom_id", "label_alt_id", "label_comp_id",
    "label_asym_id", "label_entity_id", "label_seq_id", "pdbx_PDB_ins_code", "Cartn_x",
    "Cartn_y", "Cartn_z", "occupancy", "B_iso_or_equiv", "pdbx_formal_charge", "auth_seq_id",
    "auth_comp_id", "auth_asym_id", "auth_atom_id", "pdbx_PDB_model_num", NULL};
static const char *const entity_items[] = {"id", "type", NULL};
static const char *const entity_poly_items[] = {"entity_id", "type",
                                                "pdbx_seq_one_letter_code_can", NULL};
static const char *const poly_seq_items[] = {"entity_id", "num", "mon_id", "hetero", NULL};
static const char *const struct_asym_items[] = {"id", "entity_id", NULL};
static const char *const mod_residue_items[] = {"label_comp_id", "auth_comp_id",
                                                "parent_comp_id", NULL};
static const char *const cell_items[] = {"length_a",    "length_b",   "length_c",
                                         "angle_alpha", "angle_beta", "angle_gamma", NULL};
static const char *const symmetry_items[] = {"space_group_name_H-M", NULL};
static const char *const entry_items[] = {"id", NULL};

static const struct {
    const char *name;
    const char *const *items;
} categories[C_COUNT] = {
    {"atom_site", atom_site_items},          {"entity", entity_items},
    {"entity_poly", entity_poly_items},      {"entity_poly_seq", poly_seq_items},
    {"struct_asym", struct_asym_items},      {"pdbx_struct_mod_residue", mod_residue_items},
    {"cell", cell_items},                    {"symmetry", symmetry_items},
    {"entry", entry_items},
};

static int name_eq(const char *name, const char *p, size_t n)
{
    return strncasecmp(name, p, n) == 0 && name[n] == '\0';
}

int pai_mm_category(const char *name, size_t n)
{
    for (int c = 0; c < C_COUNT; c++)
        if (name_eq(categories[c].name, name, n))
            return c;
    return -1;
}

int pai_mm_item(int cat, const char *name, size_t n)
{
    if (cat < 0 || cat >= C_COUNT)
        return -1;
    for (int i = 0; categories[cat].items[i]; i++)
        if (name_eq(categories[cat].items[i], name, n))
            return i;
    return -1;
}

int pai_mm_item_count(int cat)
{
    int i = 0;
    if (cat >= 0 && cat < C_COUNT)
        while (categories[cat].items[i])
            i++;
    return i;
}

/* ---- category state --------------------------------------------------------------- */
struct pai_mm {
    pai_builder *b;
    size_t atoms;
    int small_molecule;
    char entry_id[80];
    double cell[6];
    int cell_seen;
    char space_group[32];
    char seq_entity[64]; /* entity_poly_seq: last (entity, num) seen, for microheterogeneity */
    long seq_num;
    int seq_seen;
    pai_buf tmp;
};

int pai_mm_new(pai_mm **out, pai_builder *b)
{
    *out = pai_calloc(1, sizeof **out);
    if (!*out)
        return pai_error(PA_ENOMEM, "out of memory");
    (*out)->b = b;
    return 0;
}

void pai_mm_free(pai_mm *m)
{
    if (!m)
        return;
    pai_buf_free(&m->tmp);
    pai_free(m);
}

void pai_mm_note_small_molecule(pai_mm *m) { m->small_molecule = 1; }

static pai_str sv(const pai_cif_tok *t)
{
    return pai_cif_is_null(t) ? PAI_STR("") : (pai_str){t->p, t->n};
}

/* First non-null of a (preferred) and b. */
static pai_str sv2(const pai_cif_tok *a, const pai_cif_tok *b)
{
    return !pai_cif_is_null(a) ? sv(a) : sv(b);
}

static char first_char(const pai_cif_tok *t)
{
    return pai_cif_is_null(t) || t->n == 0 ? '\0' : t->p[0];
}

static void copy_str(char *dst, size_t cap, pai_str s)
{
    size_t n = s.n < cap - 1 ? s.n : cap - 1;
    memcpy(dst, s.p, n);
    dst[n] = '\0';
}

static int bad_number(pai_mm *m, const pai_cif_tok *t, const char *what)
{
    return pai_builder_diag(m->b, PA_SEV_WARNING, PA_D_BAD_NUMBER, t->line, t->col,
                            "%s is not a number: '%.*s'", what, (int)(t->n > 32 ? 32 : t->n),
                            t->p);
}

static float get_float(pai_mm *m, const pai_cif_tok *t, const char *what, float dflt, int *rc)
{
    double v;
    if (pai_cif_is_null(t))
        return dflt;
    if (pai_cif_parse_double(t->p, t->n, &v) < 0) {
        *rc = bad_number(m, t, what);
        return NAN;
    }
    return (float)v;
}

static long get_int(pai_mm *m, const pai_cif_tok *t, const char *what, long dflt, int *rc)
{
    long v;
    if (pai_cif_is_null(t))
        return dflt;
    if (pai_cif_parse_int(t->p, t->n, &v) < 0) {
        *rc = bad_number(m, t, what);
        return dflt;
    }
    return v;
}

static int32_t clamp32(long v)
{
    return v > INT32_MAX ? INT32_MAX : v < INT32_MIN ? INT32_MIN : (int32_t)v;
}

static int row_atom_site(pai_mm *m, const pai_cif_tok *const *f, long line)
{
    int rc = 0;
    pai_atom_rec a;
    a.line = line;
    a.model = (int)get_int(m, f[A_MODEL], "pdbx_PDB_model_num", 1, &rc);
    const pai_cif_tok *g = f[A_GROUP];
    a.hetero = g && g->n == 6 && strncasecmp(g->p, "HETATM", 6) == 0;
    a.serial = clamp32(get_int(m, f[A_ID], "atom_site.id", 0, &rc));
    a.name = sv2(f[A_AUTH_ATOM], f[A_LABEL_ATOM]);
    a.altloc = first_char(f[A_ALT]);
    a.resname = sv2(f[A_AUTH_COMP], f[A_LABEL_COMP]);
    a.label_chain = sv(f[A_LABEL_ASYM]);
    a.auth_chain = sv2(f[A_AUTH_ASYM], f[A_LABEL_ASYM]);
    a.entity_id = sv(f[A_LABEL_ENTITY]);
    a.label_seq_id = clamp32(get_int(m, f[A_LABEL_SEQ], "label_seq_id", PA_SEQ_ID_NONE, &rc));
    a.seq_id = pai_cif_is_null(f[A_AUTH_SEQ])
                   ? a.label_seq_id
                   : clamp32(get_int(m, f[A_AUTH_SEQ], "auth_seq_id", PA_SEQ_ID_NONE, &rc));
    a.icode = first_char(f[A_INS]);
    a.x = get_float(m, f[A_X], "Cartn_x", NAN, &rc);
    a.y = get_float(m, f[A_Y], "Cartn_y", NAN, &rc);
    a.z = get_float(m, f[A_Z], "Cartn_z", NAN, &rc);
    a.occupancy = get_float(m, f[A_OCC], "occupancy", 1.0f, &rc);
    a.b_factor = get_float(m, f[A_B], "B_iso_or_equiv", 0.0f, &rc);
    a.element = sv(f[A_TYPE]);
    a.charge = (int)get_int(m, f[A_CHARGE], "pdbx_formal_charge", 0, &rc);
    if (rc < 0)
        return rc;
    m->atoms++;
    return pai_builder_atom(m->b, &a);
}

/* entity_poly_seq: microheterogeneity lists several mon_id for one num; keep the first. */
static int row_poly_seq(pai_mm *m, const pai_cif_tok *const *f, long line)
{
    (void)line;
    int rc = 0;
    if (pai_cif_is_null(f[PS_ENTITY]) || pai_cif_is_null(f[PS_MON]))
        return 0;
    long num = get_int(m, f[PS_NUM], "entity_poly_seq.num", -1, &rc);
    if (rc < 0)
        return rc;
    pai_str ent = sv(f[PS_ENTITY]);
    if (m->seq_seen && num == m->seq_num && strlen(m->seq_entity) == ent.n &&
        memcmp(m->seq_entity, ent.p, ent.n) == 0)
        return 0;
    m->seq_seen = 1;
    m->seq_num = num;
    copy_str(m->seq_entity, sizeof m->seq_entity, ent);
    return pai_builder_entity_seq(m->b, ent, (int)num, sv(f[PS_MON]));
}

static int row_entity_poly(pai_mm *m, const pai_cif_tok *const *f)
{
    if (pai_cif_is_null(f[EP_ENTITY]))
        return 0;
    pai_str ent = sv(f[EP_ENTITY]);
    int rc;
    if (!pai_cif_is_null(f[EP_TYPE]) && (rc = pai_builder_entity_type(m->b, ent, sv(f[EP_TYPE]))) < 0)
        return rc;
    if (pai_cif_is_null(f[EP_CAN]))
        return 0;
    m->tmp.len = 0; /* the sequence without whitespace and line breaks */
    for (uint32_t i = 0; i < f[EP_CAN]->n; i++) {
        char c = f[EP_CAN]->p[i];
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r' && pai_buf_putc(&m->tmp, c) < 0)
            return pai_error(PA_ENOMEM, "out of memory");
    }
    return pai_builder_entity_can(m->b, ent, (pai_str){m->tmp.s ? m->tmp.s : "", m->tmp.len});
}

static int row_cell(pai_mm *m, const pai_cif_tok *const *f)
{
    for (int i = 0; i < 6; i++) {
        if (pai_cif_is_null(f[i]))
            return 0; /* incomplete cell: ignore */
        if (pai_cif_parse_double(f[i]->p, f[i]->n, &m->cell[i]) < 0)
            return bad_number(m, f[i], cell_items[i]);
    }
    m->cell_seen = 1;
    return 0;
}

int pai_mm_row(pai_mm *m, int cat, const pai_cif_tok *const *f, long line)
{
    switch (cat) {
    case C_ATOM_SITE:
        return row_atom_site(m, f, line);
    case C_ENTITY: /* the polymer type comes from entity_poly; make the entity known */
        return pai_cif_is_null(f[E_ID]) ? 0
                                        : pai_builder_entity_type(m->b, sv(f[E_ID]), PAI_STR(""));
    case C_ENTITY_POLY:
        return row_entity_poly(m, f);
    case C_ENTITY_POLY_SEQ:
        return row_poly_seq(m, f, line);
    case C_STRUCT_ASYM:
        if (pai_cif_is_null(f[SA_ID]) || pai_cif_is_null(f[SA_ENTITY]))
            return 0;
        return pai_builder_asym_entity(m->b, sv(f[SA_ID]), sv(f[SA_ENTITY]));
    case C_MOD_RESIDUE:
        if (pai_cif_is_null(f[MR_PARENT]))
            return 0;
        if (!pai_cif_is_null(f[MR_LABEL_COMP])) {
            int rc = pai_builder_modres(m->b, sv(f[MR_LABEL_COMP]), sv(f[MR_PARENT]));
            if (rc < 0)
                return rc;
        }
        if (!pai_cif_is_null(f[MR_AUTH_COMP]) &&
            (pai_cif_is_null(f[MR_LABEL_COMP]) || f[MR_AUTH_COMP]->n != f[MR_LABEL_COMP]->n ||
             memcmp(f[MR_AUTH_COMP]->p, f[MR_LABEL_COMP]->p, f[MR_AUTH_COMP]->n) != 0))
            return pai_builder_modres(m->b, sv(f[MR_AUTH_COMP]), sv(f[MR_PARENT]));
        return 0;
    case C_CELL:
        return row_cell(m, f);
    case C_SYMMETRY:
        if (!pai_cif_is_null(f[SY_HM]))
            copy_str(m->space_group, sizeof m->space_group, sv(f[SY_HM]));
        return 0;
    case C_ENTRY:
        if (!pai_cif_is_null(f[EN_ID]))
            copy_str(m->entry_id, sizeof m->entry_id, sv(f[EN_ID]));
        return 0;
    default:
        return 0;
    }
}

int pai_mm_finish(pai_mm *m, pai_str fallback_id)
{
    int rc;
    if (m->atoms == 0) {
        if (m->small_molecule) {
            pai_builder_diag(m->b, PA_SEV_ERROR, PA_D_UNSUPPORTED, 0, 0,
                             "small-molecule CIF (no mmCIF _atom_site loop): unsupported");
            return pai_error(PA_EUNSUPPORTED, "small-molecule CIF is not supported");
        }
        pai_builder_diag(m->b, PA_SEV_ERROR, PA_D_EMPTY, 0, 0, "no _atom_site");
        return pai_error(PA_EFORMAT, "no _atom_site in the data block");
    }
    pai_str id = m->entry_id[0] ? (pai_str){m->entry_id, strlen(m->entry_id)} : fallback_id;
    if ((rc = pai_builder_set_id(m->b, id)) < 0)
        return rc;
    if (m->cell_seen &&
        (rc = pai_builder_set_cell(m->b, m->cell,
                                   (pai_str){m->space_group, strlen(m->space_group)})) < 0)
        return rc;
    return 0;
}

/* ---- mmCIF text: CIF handler ------------------------------------------------------ */
typedef struct {
    pai_mm *mm;
    int cat;
    int ncols_used;
    int8_t col[PAI_MM_MAX_ITEMS]; /* item id -> loop column, -1 when absent */
    int nitems;
    long line;
} mmcif_ctx;

static int mm_begin(void *ud, pai_str cat, const pai_str *items, size_t nitems, int is_loop,
                    long line)
{
    mmcif_ctx *c = ud;
    (void)is_loop;
    if (cat.n > 11 && strncasecmp(cat.p, "_atom_site_", 11) == 0)
        pai_mm_note_small_molecule(c->mm); /* CIF 1 core tags: _atom_site_fract_x ... */
    c->cat = cat.n > 1 ? pai_mm_category(cat.p + 1, cat.n - 1) : -1;
    if (c->cat < 0)
        return 0;
    c->nitems = pai_mm_item_count(c->cat);
    memset(c->col, -1, sizeof c->col);
    int used = 0;
    for (size_t i = 0; i < nitems && i < 127; i++) {
        int id = pai_mm_item(c->cat, items[i].p, items[i].n);
        if (id >= 0 && c->col[id] < 0) {
            c->col[id] = (int8_t)i;
            used++;
        }
    }
    c->line = line;
    return used > 0;
}

static int mm_row(void *ud, const pai_cif_tok *vals)
{
    mmcif_ctx *c = ud;
    const pai_cif_tok *f[PAI_MM_MAX_ITEMS];
    for (int i = 0; i < c->nitems; i++)
        f[i] = c->col[i] >= 0 ? &vals[c->col[i]] : NULL;
    return pai_mm_row(c->mm, c->cat, f, vals[0].line);
}

static int mm_end(void *ud)
{
    (void)ud;
    return 0;
}

int pai_read_mmcif(const char *buf, size_t n, size_t *pos, const pa_reader_opts *o, pa_diags *d,
                   const char *file, pa_structure **out)
{
    if (!buf || !pos || !out)
        return pai_error(PA_EINVAL, "pai_read_mmcif: NULL argument");
    *out = NULL;
    pai_cif_lexer lx;
    size_t start = *pos;
    /* Where the previous call on this buffer stopped: its line number, so that a
     * file of many blocks is not recounted from the start for each one. */
    static _Thread_local struct {
        const char *buf;
        size_t n, pos, line_start;
        long line;
    } resume;
    if (start > 0 && resume.buf == buf && resume.n == n && resume.pos == start)
        pai_cif_lexer_resume(&lx, buf, n, start, resume.line, resume.line_start, d, file);
    else
        pai_cif_lexer_init(&lx, buf, n, start, d, file);

    /* Find the block before allocating anything (quietly: the real pass reports). */
    pai_cif_lexer probe = lx;
    probe.diags = NULL;
    pai_cif_tok t;
    int k;
    while ((k = pai_cif_next(&probe, &t)) != PAI_CIF_DATA && k != PAI_CIF_END)
        ;
    if (k == PAI_CIF_END) {
        *pos = n;
        if (start > 0)
            return PA_END;
        pai_diag(d, PA_SEV_ERROR, PA_D_EMPTY, file ? file : "", 0, 0, "no data_ block");
        return pai_error(PA_EFORMAT, "%s: no CIF data block", file ? file : "");
    }

    pai_builder *b = NULL;
    pai_mm *mm = NULL;
    pai_cif_scratch scratch = {0};
    int rc = pai_builder_new(&b, o, d, file, PA_FORMAT_MMCIF);
    if (rc == 0)
        rc = pai_mm_new(&mm, b);
    if (rc == 0) {
        mmcif_ctx ctx = {.mm = mm, .cat = -1};
        pai_cif_handler h = {&ctx, mm_begin, mm_row, mm_end};
        pai_str name;
        rc = pai_cif_parse_block(&lx, &h, &scratch, &name);
        *pos = pai_cif_offset(&lx);
        resume.buf = buf;
        resume.n = n;
        resume.pos = *pos;
        resume.line = lx.line;
        resume.line_start = (size_t)(lx.line_start - buf);
        if (rc == 0)
            rc = pai_mm_finish(mm, name);
        if (rc == PA_EFORMAT && lx.truncated) /* the atoms were cut off */
            rc = pai_error(PA_ETRUNCATED, "%s: file ends early", file ? file : "");
        if (rc == 0 && o && o->strict && lx.nerrors)
            rc = pai_error(PA_EFORMAT, "%s: CIF syntax errors (strict mode)", file ? file : "");
        if (rc == 0)
            rc = pai_builder_finish(b, out);
    }
    pai_cif_scratch_free(&scratch);
    pai_mm_free(mm);
    pai_builder_free(b);
    return rc;
}
