/* cif.h — CIF 1.1 tokenizer and block parser (internal).
 *
 * The lexer walks a NUL-terminated buffer once and hands out tokens as
 * (pointer, length) slices into it: nothing is allocated per token. The block
 * parser groups tokens into categories (a loop, or consecutive `_cat.item value`
 * pairs) and calls a handler once per category and once per row, with the
 * row's values in column order. mmcif.c and pdbml.c share the category logic
 * through the "row of fields" interface at the end of this header. */
#ifndef PAI_STRUCTURE_CIF_H
#define PAI_STRUCTURE_CIF_H

#include "builder.h"

typedef enum {
    PAI_CIF_END = 0,  /* end of buffer */
    PAI_CIF_DATA,     /* data_NAME (slice = NAME) */
    PAI_CIF_GLOBAL,   /* global_ */
    PAI_CIF_SAVE,     /* save_NAME (slice = NAME) */
    PAI_CIF_SAVE_END, /* save_ */
    PAI_CIF_LOOP,     /* loop_ */
    PAI_CIF_STOP,     /* stop_ */
    PAI_CIF_TAG,      /* _category.item (slice includes the underscore) */
    PAI_CIF_VALUE     /* any value; see pai_cif_vtype */
} pai_cif_kind;

typedef enum {
    PAI_CIF_V_PLAIN = 0, /* unquoted */
    PAI_CIF_V_UNKNOWN,   /* bare ? */
    PAI_CIF_V_NA,        /* bare . (inapplicable) */
    PAI_CIF_V_QUOTED,    /* '...' or "..." (slice excludes the quotes) */
    PAI_CIF_V_TEXT       /* ;text field; (slice excludes the delimiters) */
} pai_cif_vtype;

typedef struct {
    const char *p;
    uint32_t n;
    uint8_t kind;  /* pai_cif_kind */
    uint8_t vtype; /* pai_cif_vtype, for values */
    int col;       /* 1-based column of the token start */
    long line;     /* 1-based line of the token start */
} pai_cif_tok;

typedef struct {
    const char *buf, *p, *end, *line_start;
    long line;
    pa_diags *diags;
    const char *file;
    size_t nerrors; /* error diagnostics emitted by the lexer/parser */
    int truncated;  /* the buffer ended inside a quote, text field or loop row */
    int oom;        /* a diagnostic could not be stored */
} pai_cif_lexer;

/* Start lexing buf[pos..n); buf[n] must be '\0'. A UTF-8 BOM at pos 0 is skipped. */
void pai_cif_lexer_init(pai_cif_lexer *lx, const char *buf, size_t n, size_t pos, pa_diags *diags,
                        const char *file);
/* Start at pos when its line number and line start offset are already known
 * (avoids recounting lines from the buffer start for every data block). */
void pai_cif_lexer_resume(pai_cif_lexer *lx, const char *buf, size_t n, size_t pos, long line,
                          size_t line_start, pa_diags *diags, const char *file);
/* Next token into *t; returns its kind (PAI_CIF_END at the end). Syntax errors
 * become diagnostics and the lexer recovers, so this never fails. */
int pai_cif_next(pai_cif_lexer *lx, pai_cif_tok *t);
static inline size_t pai_cif_offset(const pai_cif_lexer *lx) { return (size_t)(lx->p - lx->buf); }

/* ---- block parser --------------------------------------------------------- */
typedef struct {
    void *ud;
    /* A category starts. cat is the tag part before the first '.' (with the
     * leading '_'), items the parts after it (empty for tags without '.').
     * Return 1 to receive its rows, 0 to skip it, < 0 to abort. */
    int (*begin)(void *ud, pai_str cat, const pai_str *items, size_t nitems, int is_loop,
                 long line);
    /* One row: nitems values in item order. < 0 aborts. */
    int (*row)(void *ud, const pai_cif_tok *vals);
    /* The category ended (after its rows). < 0 aborts. */
    int (*end)(void *ud);
} pai_cif_handler;

typedef struct {
    pai_str *items;
    pai_cif_tok *vals;
    size_t cap_items, cap_vals;
} pai_cif_scratch;
void pai_cif_scratch_free(pai_cif_scratch *s);

/* Parse the next data block: skips anything before its data_ header, stops
 * before the following data_ (the lexer is left there). *name receives the
 * block name. Returns 0, PA_END when no data block remains, or a negative code
 * (PA_ENOMEM, or the handler's error). */
int pai_cif_parse_block(pai_cif_lexer *lx, const pai_cif_handler *h, pai_cif_scratch *s,
                        pai_str *name);

/* ---- value helpers ----------------------------------------------------------- */
static inline int pai_cif_is_null(const pai_cif_tok *t)
{
    return !t || t->vtype == PAI_CIF_V_UNKNOWN || t->vtype == PAI_CIF_V_NA;
}
/* Number parsers: accept an optional standard uncertainty "1.23(4)".
 * Return 0, or -1 when the text is not a number (out unchanged). */
int pai_cif_parse_double(const char *p, size_t n, double *out);
int pai_cif_parse_int(const char *p, size_t n, long *out);

/* ---- mmCIF categories shared by mmcif.c and pdbml.c ------------------------
 * A row is an array of field pointers indexed by the category's item ids
 * (NULL = item absent). mmcif.c maps loop columns to ids once per loop;
 * pdbml.c maps element names to ids per row. */
typedef struct pai_mm pai_mm;

/* Category id for a name without the leading '_' ("atom_site"), or -1. */
int pai_mm_category(const char *name, size_t n);
/* Item id within a category, or -1. */
int pai_mm_item(int cat, const char *name, size_t n);
/* Number of items of a category (size of the field array). */
int pai_mm_item_count(int cat);
#define PAI_MM_MAX_ITEMS 24

int pai_mm_new(pai_mm **out, pai_builder *b);
void pai_mm_free(pai_mm *m);
/* Feed one row of category cat. Returns 0 or a negative code. */
int pai_mm_row(pai_mm *m, int cat, const pai_cif_tok *const *f, long line);
/* After the block: entry id (or fallback), checks for atoms. Returns 0,
 * PA_EFORMAT (no _atom_site) with a diagnostic. */
int pai_mm_finish(pai_mm *m, pai_str fallback_id);
/* Mark that the block looked like a small-molecule CIF (_atom_site_fract_x...). */
void pai_mm_note_small_molecule(pai_mm *m);

#endif
