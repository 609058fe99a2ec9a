/* align_int.h — internals of lib/align shared by the scalar reference, the SIMD
 * kernels (one file per ISA), the dispatcher, batches and mapping. */
#ifndef PAI_ALIGN_INT_H
#define PAI_ALIGN_INT_H

#include "common/pai.h"
#include "panalyzer/align.h"

#define PAI_AMAX 32      /* alphabet slots: up to 31 letters + one "unknown" slot */
#define PAI_NEG (INT32_MIN / 4) /* -infinity of the 32-bit recurrences (no overflow on - gap) */
#define PAI_VALIGN 64    /* alignment of SIMD buffers */

struct pa_matrix {
    char name[32];
    int k;                    /* slots in use (letters + possibly the unknown slot) */
    char letters[PAI_AMAX + 1];
    uint8_t map[256];         /* byte -> slot */
    int min, max;
    int s[PAI_AMAX * PAI_AMAX]; /* s[a * PAI_AMAX + b] */
};

typedef struct {
    const char *name, *letters;
    int k;
    const signed char *s;
} pai_builtin_matrix;

/* Scoring parameters resolved from pa_align_opts. */
typedef struct {
    int mode;      /* pa_align_mode */
    unsigned fe;   /* free ends (0 for global, PA_FREE_* for semi, ignored for local) */
    int go, ge;    /* first gap residue costs go, each further one ge (>= 0) */
} pai_params;

/* Where the best cell is: scores + end cell (1-based DP cell = 0-based half-open end). */
typedef struct {
    int64_t score;
    int64_t qend, tend;   /* DP cell (i, j) */
    int overflow;         /* the kernel's lanes were too narrow: retry wider */
    int bits;
} pai_kres;

/* Semi-global end selection (like parasail): the best of row m (j >= 1, when the
 * query end is free), of column n (i >= 1, target end free) and of cell (m, n), by
 * (score desc, j asc, i asc). The caller adds (m, n). */
typedef struct {
    int64_t row_best, row_j;  /* over H[m][1..n] (first j on ties) */
    int64_t col_best, col_i;  /* over H[1..m][n] (first i on ties) */
} pai_semi_cands;
void pai_semi_pick(const pai_params *p, int64_t m, int64_t n, const pai_semi_cands *c,
                   pai_kres *r);
/* Boundary values of the DP: H[0][j] (row) and H[i][0] (column). */
int64_t pai_bound_row(const pai_params *p, int64_t j);
int64_t pai_bound_col(const pai_params *p, int64_t i);

/* Scratch reused across alignments by one thread. */
typedef struct {
    void *raw;            /* SIMD buffers (aligned inside) */
    size_t raw_cap;
    uint8_t *tcode;       /* encoded target */
    size_t tcode_cap;
    int32_t *ibuf;        /* scalar rows / checkpoints */
    size_t ibuf_cap;
    uint8_t *dir;         /* traceback directions of one block */
    size_t dir_cap;
    char *ops;            /* traceback operations (reversed) */
    size_t ops_cap;
    uint8_t *tb;          /* interleaved targets of one lane batch */
    size_t tb_cap;
    /* the first pass's lane batches of one target range, kept for the next query of a
     * tile (inter.c): batches back to back in pk, per batch its place and lengths */
    uint8_t *pk;
    size_t pk_cap;
    struct pai_pkb *pkb;
    size_t pkb_cap;
    const char *const *pk_t; /* key: targets, their indices, lanes, alphabet */
    size_t *pk_idx;
    size_t pk_cnt, pk_idx_cap;
    int pk_lanes;
    uint8_t pk_map[256];
} pai_ws;
struct pai_pkb {
    size_t off;
    int64_t nmax, ln[64];
};
void pai_ws_free(pai_ws *w);
void *pai_ws_simd(pai_ws *w, size_t bytes); /* aligned to PAI_VALIGN; NULL on ENOMEM */

/* ---- matrices ---- */
void pai_matrix_builtin62(struct pa_matrix *m);  /* fill m with BLOSUM62 */
static inline uint8_t pai_code(const struct pa_matrix *m, char c) { return m->map[(unsigned char)c]; }
void pai_encode(const struct pa_matrix *m, const char *s, size_t n, uint8_t *out);

/* ---- scalar reference ---- */
/* Score and end cell. Returns 0 or PA_ERANGE / PA_ENOMEM. */
int pai_scalar_score(const uint8_t *q, int64_t m, const uint8_t *t, int64_t n,
                     const struct pa_matrix *mx, const pai_params *p, pai_ws *w, pai_kres *r);
/* Full alignment: score, coordinates, CIGAR and counts in out (linear-ish memory). */
int pai_scalar_align(const uint8_t *q, int64_t m, const uint8_t *t, int64_t n,
                     const struct pa_matrix *mx, const pai_params *p, pai_ws *w,
                     pa_alignment *out);

/* ---- striped SIMD ---- */
enum { PAI_W8 = 0, PAI_W16 = 1, PAI_W32 = 2 };
typedef struct {
    int lanes;       /* elements per vector */
    int64_t seglen;  /* vectors per profile row */
    void *data;      /* [k][seglen] vectors, aligned */
    int bias;        /* 8-bit only: added to every score */
} pai_sprofile;

/* ---- inter-sequence SIMD (one lane per target) ---- */
#define PAI_PAD (PAI_AMAX - 1) /* target code of padding columns (needs k < PAI_AMAX) */
typedef struct {
    const uint8_t *q;      /* query codes */
    int64_t m;
    const pai_params *p;
    const int8_t *tab;     /* [a][c] = s(a, c), -128 for PAI_PAD */
    const int16_t *tabw;   /* the same as int16 (table permutes of 16-bit lanes) */
    int k, mxmax;          /* rows in use, max(0, largest score) */
    const uint8_t *rows;   /* the query's distinct letter codes: the score rows to build */
    int nrows;
    const uint8_t *tb;     /* target codes interleaved: tb[j * lanes + l], PAI_PAD past the end */
    int64_t nmax;          /* longest target */
    const int64_t *n;      /* per lane target length (0: empty lane) */
} pai_ibatch;
/* Score row of the ri-th query letter, as bytes / as int16. */
#define PAI_ROW8(b, ri) ((const uint8_t *)(b)->tab + (b)->rows[ri] * PAI_AMAX)
#define PAI_ROW16(b, ri) ((b)->tabw + (b)->rows[ri] * PAI_AMAX)
typedef struct {
    int64_t j;     /* DP column */
    uint64_t mask; /* lanes whose best improved there */
} pai_ilog;
#define PAI_CAT_(a, b) a##b
#define PAI_CAT(a, b) PAI_CAT_(a, b) /* names of a kernel template's helpers */
/* A boundary value of the DP as a lane value: clamped to the lanes' lowest, biased. */
static inline int32_t pai_edge(int64_t x, int32_t lo, int32_t off)
{
    return (int32_t)((x < lo ? lo : x) - off);
}
typedef int (*pai_inter_fn)(const pai_ibatch *b, pai_ws *w, pai_kres *r /* [lanes] */);
/* Per ISA: 8-bit (local only) and 16-bit kernels (NULL when not compiled). */
extern const pai_inter_fn pai_inter_sse41[2];
extern const pai_inter_fn pai_inter_avx2[2];
extern const pai_inter_fn pai_inter_avx512[2];
extern const pai_inter_fn pai_inter_avx512vbmi[2]; /* score rows by VBMI byte permutes */

/* One bit per 16-bit lane from a byte mask (two equal bits per lane). */
static inline uint64_t pai_pairbits(uint32_t x)
{
    x &= 0x55555555u;
    x = (x | x >> 1) & 0x33333333u;
    x = (x | x >> 2) & 0x0f0f0f0fu;
    x = (x | x >> 4) & 0x00ff00ffu;
    return (x | x >> 8) & 0xffffu;
}

struct pa_profile {
    struct pa_matrix mx;
    pai_params par;
    pa_isa isa;
    int traceback;
    int64_t m;
    uint8_t *qcode;
    pai_sprofile sp[3];   /* per width (8-bit only for local) */
    void *raw[3];
    int isa_forced;       /* opts.isa or PA_ALIGN_ISA chose the ISA */
    int inter_ok;         /* the inter-sequence kernels can run this matrix */
    int inter_eight;      /* ... starting with 8-bit lanes (local) */
    int8_t itab[PAI_AMAX * PAI_AMAX];
    uint8_t qrows[PAI_AMAX]; /* distinct codes of the query */
    int nqrows;
    int16_t itabw[PAI_AMAX * PAI_AMAX];
};

typedef int (*pai_kernel_fn)(const pai_sprofile *sp, int64_t m, const uint8_t *t, int64_t n,
                             const pai_params *p, const struct pa_matrix *mx, pai_ws *w,
                             pai_kres *r);
/* Kernels per ISA and width (NULL entries when not compiled). */
extern const pai_kernel_fn pai_kernels_sse41[3];
extern const pai_kernel_fn pai_kernels_avx2[3];
extern const pai_kernel_fn pai_kernels_avx512[3];
int pai_isa_lanes_bytes(pa_isa isa); /* vector width in bytes (0 for scalar) */

/* Score-only alignment of a profile against an encoded target (escalating widths). */
int pai_profile_score(const pa_profile *p, const uint8_t *t, int64_t n, pai_ws *w, pai_kres *r);
/* Can a 16-bit global/semi kernel not underflow against a target of n residues? */
int pai_w16_safe(const pa_profile *p, int64_t n);
/* The same starting at lane width wmin (PAI_W8..PAI_W32). */
int pai_profile_score_from(const pa_profile *p, const uint8_t *t, int64_t n, pai_ws *w,
                           pai_kres *r, int wmin);
/* Turn a kernel result into out: coordinates only, or the traceback (target text). */
int pai_profile_finish(const pa_profile *p, const char *t, size_t n, const pai_kres *r,
                       pai_ws *w, pa_alignment *out);

int pai_isa_supported(pa_isa isa);

/* ---- kernel choice for batches (choose.c) ---- */
typedef struct {
    int inter;     /* inter-sequence kernels (else striped/scalar per pair) */
    pa_isa isa;    /* ISA of the inter-sequence kernels */
    char why[448]; /* what ran and why, for pa_align_last_kernel() */
    int vbmi;      /* AVX-512: the variant with VBMI score rows */
} pai_kchoice;
/* ts/tn: the batch's targets sorted by length (a sample is timed). */
int pai_choose_kernel(const pa_profile *p, const char *const *ts, const int64_t *tn, size_t nt,
                      pa_align_kernel force, pai_kchoice *c);
void pai_set_last_kernel(const char *s);

/* ---- inter-sequence driver (inter.c) ---- */
int pai_inter_lanes(pa_isa isa, int wbits);
int pai_inter_available(pa_isa isa);
int pai_inter_vbmi_supported(void); /* compiled, and the CPU has AVX-512BW and VBMI */
void pai_inter_tables(pa_profile *p);
/* Scores and end cells of p against t[0..cnt) (text, lengths n) into out[0..cnt), with
 * the inter-sequence kernels of isa. Sort targets by length first for speed. */
int pai_inter_score(const pa_profile *p, pa_isa isa, int vbmi, const char *const *t,
                    const int64_t *n, size_t cnt, pai_ws *w, pai_kres *out);
/* Align the profile against a target (text) into out using scratch w. */
int pai_profile_align_ws(const pa_profile *p, const char *t, size_t n, pai_ws *w,
                         pa_alignment *out);
#endif
