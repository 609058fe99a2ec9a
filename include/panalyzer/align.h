/* panalyzer/align.h — pairwise sequence alignment (SIMD) and sequence mapping.
 *
 *   pa_align_opts o = PA_ALIGN_OPTS_INIT;          // local, BLOSUM62, gaps 11/1
 *   o.traceback = 1;
 *   pa_alignment a;
 *   if (pa_align("MKVL...", 0, "MKIL...", 0, &o, &a) == 0) {
 *       printf("%ld %s\n", (long)a.score, a.cigar);
 *       pa_alignment_clear(&a);
 *   }
 *
 * Coordinates are 0-based and half-open: the aligned part of the query is
 * query[qstart, qend), of the target target[tstart, tend).
 *
 * GAP COST CONVENTION. A gap of length k costs
 *     PA_GAP_PARASAIL (default):  open + (k - 1) * extend
 *         the first gap residue costs `open`, each further one `extend`; this is
 *         parasail's, EMBOSS's and Biopython's reading of (open, extend), and
 *         scores equal parasail's for the same (open, extend) values;
 *     PA_GAP_BLAST:               open + k * extend
 *         NCBI BLAST's reading (-gapopen 11 -gapextend 1 charges 12 for one residue).
 * Both values are given as positive costs; with PA_GAP_PARASAIL open must be >= extend
 * (else PA_EINVAL: a CIGAR could not tell one gap from two adjacent ones).
 *
 * Semi-global ends (as parasail's sg_* functions): the alignment ends at cell (m, n), or
 * anywhere on the last row (query end free: trailing target residues are free) or on the
 * last column (target end free), never at the empty first cell of that row/column.
 *
 * Kernels: a scalar reference, striped (Farrar) kernels and, for batches, inter-sequence
 * kernels (one target per SIMD lane, see pa_align_kernel), each for SSE4.1, AVX2 and
 * AVX-512BW. The ISA is chosen at run time (override: opts.isa or the environment
 * variable PA_ALIGN_ISA=scalar|sse41|avx2|avx512); the striped kernels of a profile take
 * AVX2 rather than AVX-512 for queries under 256 residues, and batches pick the kernel
 * family and ISA by a short measurement (PA_ALIGN_KERNEL=inter|striped forces the family;
 * PA_ALIGN_VBMI=0|1|auto: the AVX-512 inter-sequence kernel's VBMI score rows, on by
 * default where the CPU has VBMI).
 * Local alignment starts in 8-bit saturating lanes, global/semi-global in 16-bit; a
 * kernel (or lane) that could overflow is detected and the alignment is recomputed with
 * wider lanes (16, then 32 bits), so a score is never silently wrong. Scores that cannot
 * fit 32 bits give PA_ERANGE.
 *
 * Traceback memory is bounded: the score matrix is recomputed from checkpointed rows,
 * so memory is about 16 * n * sqrt(m) bytes (~30 MB for 30,000 x 30,000), not O(m * n).
 *
 * Ties: among cells with the best score, the one with the smallest target end, then the
 * smallest query end is reported (identical for every kernel). */
#ifndef PANALYZER_ALIGN_H
#define PANALYZER_ALIGN_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- substitution matrices -------------------------------------------------- */
typedef struct pa_matrix pa_matrix;

/* Built-in: "BLOSUM45", "BLOSUM50", "BLOSUM62", "BLOSUM80", "BLOSUM90", "PAM30",
 * "PAM70", "PAM250", "NUC.4.4" (case-insensitive). PA_ENOTFOUND for other names. */
PA_API int pa_matrix_builtin(pa_matrix **out, const char *name);
/* A matrix in NCBI text format (comment lines '#', a header line of one-letter
 * column labels, then one row per label starting with its letter). */
PA_API int pa_matrix_load(pa_matrix **out, const char *path);
PA_API int pa_matrix_parse(pa_matrix **out, const char *text, size_t len, const char *name);
/* DNA/RNA match/mismatch matrix over ACGTUN (N scores `mismatch` against all). */
PA_API int pa_matrix_match(pa_matrix **out, int match, int mismatch);
PA_API void pa_matrix_free(pa_matrix *m);
PA_API const char *pa_matrix_name(const pa_matrix *m);
/* Score of two residues (letters; case-insensitive). Letters the matrix lacks are
 * read as 'X' (proteins) or 'N' (nucleotides) when the matrix has it, else they
 * score the matrix minimum against everything. 'U' (selenocysteine) and 'O'
 * (pyrrolysine) use their own rows when present, else 'X'. */
PA_API int pa_matrix_score(const pa_matrix *m, char a, char b);
/* Smallest and largest entries. */
PA_API void pa_matrix_range(const pa_matrix *m, int *min, int *max);

/* ---- options -------------------------------------------------------------- */
typedef enum {
    PA_ALIGN_LOCAL = 0,  /* Smith-Waterman */
    PA_ALIGN_GLOBAL = 1, /* Needleman-Wunsch: end gaps cost like any other */
    PA_ALIGN_SEMI = 2    /* global with free end gaps chosen by free_ends */
} pa_align_mode;

typedef enum { PA_GAP_PARASAIL = 0, PA_GAP_BLAST = 1 } pa_gap_model;

typedef enum {
    PA_ISA_AUTO = 0, /* best the CPU supports (or PA_ALIGN_ISA from the environment) */
    PA_ISA_SCALAR = 1,
    PA_ISA_SSE41 = 2,
    PA_ISA_AVX2 = 3,
    PA_ISA_AVX512 = 4 /* AVX-512BW */
} pa_isa;

/* Free end gaps (semi-global). "Query start free": target residues before the
 * query's first aligned residue cost nothing; and so on. */
enum {
    PA_FREE_QUERY_START = 1,
    PA_FREE_QUERY_END = 2,
    PA_FREE_TARGET_START = 4,
    PA_FREE_TARGET_END = 8,
    PA_FREE_ALL = 15
};

#define PA_ALIGN_OPTS_VERSION 1
typedef struct {
    unsigned version;         /* PA_ALIGN_OPTS_VERSION */
    pa_align_mode mode;       /* PA_ALIGN_LOCAL */
    const pa_matrix *matrix;  /* NULL: built-in BLOSUM62. Copied; may be freed after use. */
    int gap_open;             /* 11 (see the gap cost convention above) */
    int gap_extend;           /* 1 */
    pa_gap_model gap_model;   /* PA_GAP_PARASAIL */
    unsigned free_ends;       /* PA_FREE_* bits used by PA_ALIGN_SEMI; PA_FREE_ALL */
    pa_isa isa;               /* PA_ISA_AUTO */
    int traceback;            /* 0: score and end coordinates only; 1: also start, CIGAR, counts */
} pa_align_opts;
#define PA_ALIGN_OPTS_INIT \
    {PA_ALIGN_OPTS_VERSION, PA_ALIGN_LOCAL, NULL, 11, 1, PA_GAP_PARASAIL, PA_FREE_ALL, PA_ISA_AUTO, 0}

/* ---- results ---------------------------------------------------------------- */
typedef struct {
    int64_t score;
    /* 0-based, half-open. Without traceback qstart/tstart are -1 (unknown) except in
     * global mode (0). An empty local alignment (score 0) reports 0 for all four. */
    int64_t qstart, qend, tstart, tend;
    int bits;          /* lane width of the kernel that produced the score: 8/16/32; 0 = scalar */
    /* With traceback only (else 0 / NULL): */
    char *cigar;       /* "5=1X3I2D": = match, X mismatch, I query residue against a gap,
                        * D target residue against a gap; free end gaps are not included */
    int64_t length;    /* alignment columns (= + X + I + D) */
    int64_t matches;   /* identical residues */
    int64_t positives; /* aligned pairs with a positive substitution score */
    int64_t gaps;      /* gap columns (I + D) */
    int64_t gap_opens; /* gap runs */
    double identity;   /* matches / length (0 when length is 0) */
    double similarity; /* positives / length */
} pa_alignment;

/* Free the CIGAR and zero the struct (NULL-safe). */
PA_API void pa_alignment_clear(pa_alignment *a);

/* ---- one pair ------------------------------------------------------------------ */
/* Align query against target. A length of 0 with a non-NULL string means strlen().
 * Letters are case-insensitive; see pa_matrix_score() for unknown letters. */
PA_API int pa_align(const char *query, size_t qlen, const char *target, size_t tlen,
                    const pa_align_opts *opts, pa_alignment *out);

/* ---- query profiles ------------------------------------------------------------ */
/* A query prepared once for many targets. Immutable after creation: one profile may be
 * used from many threads at once. */
typedef struct pa_profile pa_profile;
PA_API int pa_profile_new(pa_profile **out, const char *query, size_t qlen,
                          const pa_align_opts *opts);
PA_API void pa_profile_free(pa_profile *p);
PA_API size_t pa_profile_length(const pa_profile *p);
/* The kernel the profile uses (never PA_ISA_AUTO). */
PA_API pa_isa pa_profile_isa(const pa_profile *p);
/* Align the profile's query against one target (allocates scratch per call; use the
 * batch functions below for many targets). */
PA_API int pa_profile_align(const pa_profile *p, const char *target, size_t tlen,
                            pa_alignment *out);

/* Name of an ISA ("avx2"); the ISA PA_ISA_AUTO resolves to on this machine. */
PA_API const char *pa_isa_name(pa_isa isa);
PA_API pa_isa pa_align_best_isa(void);

/* ---- many alignments on the executor --------------------------------------------- */
struct pa_executor;

typedef struct {
    size_t query;     /* index of the query */
    size_t target;    /* index of the target */
    pa_alignment aln;
} pa_hit;

/* Kernel family for batches. Inter-sequence kernels give each SIMD lane a different
 * target (targets sorted by length, packed into lane batches, 8-bit lanes redone at 16
 * and 32 bits only where they saturate): fastest for one query against many targets.
 * Striped kernels put the query along the vector: better for a long query against a
 * few targets. Both give identical results. */
typedef enum {
    PA_KERNEL_AUTO = 0,    /* by a short measurement, once per process and query-length
                            * class (or PA_ALIGN_KERNEL=inter|striped from the environment) */
    PA_KERNEL_INTER = 1,
    PA_KERNEL_STRIPED = 2
} pa_align_kernel;

#define PA_BATCH_OPTS_VERSION 2
typedef struct {
    unsigned version; /* PA_BATCH_OPTS_VERSION */
    size_t chunk;     /* targets per task; 0 = automatic */
    size_t top_k;     /* 0: every target in input order; k: the k best per query, best first
                       * (ties: lower target index first) */
    /* version 2: */
    pa_align_kernel kernel; /* PA_KERNEL_AUTO */
} pa_batch_opts;
#define PA_BATCH_OPTS_INIT {PA_BATCH_OPTS_VERSION, 0, 0, PA_KERNEL_AUTO}

/* Align every query against every target on ex (NULL: the calling thread only).
 * Sequences are given as arrays of pointers and lengths (a length 0 means strlen).
 * On success *hits holds *nhits results ordered by query, then (top_k = 0) by target
 * or (top_k > 0) by descending score; free with pa_hits_free(). */
PA_API int pa_align_many(struct pa_executor *ex, const char *const *queries,
                         const size_t *qlens, size_t nq, const char *const *targets,
                         const size_t *tlens, size_t nt, const pa_align_opts *opts,
                         const pa_batch_opts *bopts, pa_hit **hits, size_t *nhits);
/* One profile against many targets: same as pa_align_many with one query (index 0). */
PA_API int pa_profile_align_many(struct pa_executor *ex, const pa_profile *p,
                                 const char *const *targets, const size_t *tlens, size_t nt,
                                 const pa_batch_opts *bopts, pa_hit **hits, size_t *nhits);
/* Many profiles against many targets in one pass on the executor: the targets are
 * sorted once and every (profile, target) pair shares one parallel loop, so nothing
 * serial runs between queries. Results as pa_align_many (query = index into profiles).
 * The profiles may differ in options (mode, matrix, gaps, traceback). */
PA_API int pa_align_many_profiles(struct pa_executor *ex, const pa_profile *const *profiles,
                                  size_t np, const char *const *targets, const size_t *tlens,
                                  size_t nt, const pa_batch_opts *bopts, pa_hit **hits,
                                  size_t *nhits);
PA_API void pa_hits_free(pa_hit *hits, size_t n);
/* Which kernel the last pa_align_many / pa_profile_align_many call of this thread ran
 * and why, e.g. "inter avx2 8-bit (measured: inter-avx2 14.1, inter-avx512 12.0,
 * striped-avx2 4.2 GCUPS; query 64-127)". "" before the first call. Thread-local;
 * valid until the next batch call of the thread. */
PA_API const char *pa_align_last_kernel(void);

/* Where the last pa_align_many / pa_profile_align_many / pa_align_many_profiles call of
 * this thread spent its time (wall seconds; thread-local, zeros before the first call):
 * what runs on the calling thread alone (sorting, calibration, merging) against the
 * parallel score pass. Set out->version (PA_ALIGN_TIMING_INIT) before the call. */
#define PA_ALIGN_TIMING_VERSION 1
typedef struct {
    unsigned version;    /* PA_ALIGN_TIMING_VERSION */
    double sort_s;       /* targets sorted by length (serial) */
    double calibrate_s;  /* kernel choice: timing candidates on first use of a shape (serial) */
    double score_s;      /* score pass on the executor, with packing the lane batches and,
                          * when every pair is reported, the tracebacks (parallel) */
    double traceback_s;  /* top_k: merging the best hits (serial) and their tracebacks
                          * (parallel) */
    size_t pairs;        /* (query, target) pairs scored */
    double cells;        /* DP cells of those pairs (query length x target length) */
} pa_align_timing;
#define PA_ALIGN_TIMING_INIT {PA_ALIGN_TIMING_VERSION, 0, 0, 0, 0, 0, 0}
PA_API int pa_align_last_timing(pa_align_timing *out);

/* ---- sequence mapping ---------------------------------------------------------- */
#define PA_MAP_OPTS_VERSION 1
typedef struct {
    unsigned version;        /* PA_MAP_OPTS_VERSION */
    const pa_matrix *matrix; /* NULL: BLOSUM62 (use a nucleotide matrix for DNA/RNA) */
    int gap_open;            /* 10 */
    int gap_extend;          /* 1 */
} pa_map_opts;
#define PA_MAP_OPTS_INIT {PA_MAP_OPTS_VERSION, NULL, 10, 1}

typedef struct {
    int64_t mapped;     /* observed residues given a reference position */
    int64_t identical;  /* ... of which carry the same letter */
    double identity;    /* identical / mapped (0 when nothing mapped) */
    double coverage;    /* mapped / reference length (0 for an empty reference) */
    int64_t score;      /* alignment score */
} pa_map_stats;

/* Map the observed residues of a chain onto a full sequence (SEQRES / entity, a
 * UniProt entry...): obs_to_ref[i] is the 0-based reference position of observed
 * residue i, or -1 when it faces a gap (an insertion relative to the reference);
 * mismatched residues are mapped (and lower the identity). Global alignment with free end gaps on the reference side: unobserved
 * termini cost nothing; internal unobserved stretches are ordinary gaps.
 * Use this when residue numbering does not settle the mapping. stats may be NULL. */
PA_API int pa_map_sequences(const char *observed, size_t olen, const char *reference,
                            size_t rlen, const pa_map_opts *opts, int64_t *obs_to_ref,
                            pa_map_stats *stats);
/* SIFTS-like: the same for a structure chain (observed polymer residues of chain
 * index `chain` of s, as one-letter codes) against a reference sequence. *map gets
 * one entry per residue of the chain (pa_chain_info.residue_count; -1 for residues
 * that are not mapped, including waters and ligands); free it with pa_map_free(). */
struct pa_structure;
PA_API int pa_map_chain_to_reference(const struct pa_structure *s, size_t chain,
                                     const char *reference, size_t rlen,
                                     const pa_map_opts *opts, int64_t **map, size_t *n,
                                     pa_map_stats *stats);
PA_API void pa_map_free(int64_t *map);

#ifdef __cplusplus
}
#endif
#endif
