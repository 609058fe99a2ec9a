/* panalyzer/refindex.h — a reference index for database-scale sequence search.
 *
 *   pa_refindex *ix;
 *   pa_refindex_build_fasta(&ix, "uniprot.fasta.gz", NULL);   // or pa_refindex_open(&ix, "u.pai")
 *   pa_refindex_write(ix, "u.pai");
 *   pa_search_opts so = PA_SEARCH_OPTS_INIT;               // E <= 1e-3, BLOSUM62, gaps 11/1
 *   pa_seqlist *queries;                                     // e.g. from pa_fasta_read()
 *   pa_seqlist_new(&queries);
 *   pa_seqlist_add(queries, "q1", NULL, "MKVLAAGLLWACDEFGHIKLMNPQRSTVWY");
 *   pa_refhits *h;
 *   if (pa_refindex_search(ix, queries, &so, &h) == 0) {
 *       for (size_t i = 0; i < pa_refhits_count(h); i++) {
 *           pa_refhit x; pa_refhits_get(h, i, &x);
 *           printf("%s %s %g\n", x.query_id, x.target_id, x.evalue);
 *       }
 *       pa_refhits_free(h);
 *   }
 *   pa_seqlist_free(queries);
 *   pa_refindex_free(ix);
 *
 * An index holds the references' names and residues and a table of k-mers of the 20 amino
 * acids (k = 5 contiguous; k = 6 reads 6 of 8 positions): for every k-mer, the positions
 * where it occurs. A search looks up, for every k-mer of the query, the k-mers whose
 * substitution score against it reaches a threshold set by the sensitivity (similar
 * k-mers, as BLAST and mmseqs2 seed; the k-mer itself always), scores (ungapped, around
 * the hits) every diagonal with two hits at least k apart, or with a hit and another an
 * indel away (nearby diagonal and query position), ranks each reference by its two best
 * diagonals, aligns the best candidates exactly (local Smith-Waterman through the align
 * module's one-vs-many API, scores only) and computes tracebacks only for the hits it
 * reports (in a band of diagonals around the hit's corners; an alignment of equal score
 * may be another optimal path than pa_align() would trace).
 *
 * Statistics: bit score = (lambda * S - ln K) / ln 2 and E-value = K m' n' exp(-lambda S)
 * with NCBI BLAST's published gapped lambda, K, alpha, beta for the matrix and gap costs,
 * m' and n' the query and database lengths less BLAST's length adjustment (database size
 * corrected). By default (comp_adjust) S is the raw score times min(1, lambda' /
 * (0.8 lambda)): lambda' is the matrix's ungapped lambda for the residue compositions of
 * the query up to the hit's end and of as many reference residues before the hit's end,
 * lambda its ungapped lambda for the background composition (as BLAST's composition-based
 * statistics, mode 1, with a tolerance): two sequences biased towards the same residues no
 * longer look related, ordinary pairs (lambda' >= 0.8 lambda) keep their E-values, and
 * the reported `score` stays the raw one. Gap costs follow BLAST (a gap of k residues
 * costs open + k * extend).
 * Matrix/gap combinations BLAST does not tabulate give PA_EUNSUPPORTED.
 *
 * File format (.pai, little-endian): a 128-byte header (magic, format version, sizes,
 * section offsets, an XXH64 of the header and one of every section) then the sections.
 * pa_refindex_open maps the file read-only (shared between threads and processes) and
 * checks the header and every checksum: a corrupt, truncated or foreign file gives
 * PA_ECORRUPT / PA_ETRUNCATED / PA_EFORMAT, never a crash. Format 2 (this one) indexes the
 * 20 amino acids; a format-1 file (12-letter reduced alphabet) gives PA_EFORMAT: rebuild it.
 *
 * A pa_refindex is immutable: one index may be searched from many threads at once. */
#ifndef PANALYZER_REFINDEX_H
#define PANALYZER_REFINDEX_H

#include "common.h"
#include "align.h"
#include "sequence.h"

#ifdef __cplusplus
extern "C" {
#endif

struct pa_executor;
typedef struct pa_refindex pa_refindex;

#define PA_INDEX_OPTS_VERSION 1
typedef struct {
    unsigned version; /* PA_INDEX_OPTS_VERSION */
    int k;            /* k-mer length (letters read) in [4, 6]; 0: 5 */
} pa_index_opts;
#define PA_INDEX_OPTS_INIT {PA_INDEX_OPTS_VERSION, 0}

/* Index the sequences of refs (copied; refs may be freed afterwards). opts may be NULL.
 * Letters are upper-cased; PA_ERANGE past 4 G residues. */
PA_API int pa_refindex_build(pa_refindex **out, const pa_seqlist *refs, const pa_index_opts *opts);
/* Same from a FASTA file (plain, gzip or zstd) read with pa_fasta_read(). */
PA_API int pa_refindex_build_fasta(pa_refindex **out, const char *fasta, const pa_index_opts *opts);
/* Write the index to path (through a temporary file renamed into place). */
PA_API int pa_refindex_write(const pa_refindex *ix, const char *path);
/* Map an index file read-only and verify it. */
PA_API int pa_refindex_open(pa_refindex **out, const char *path);
PA_API void pa_refindex_free(pa_refindex *ix);
/* 1 when path starts with the index magic (cheap test; 0 for anything else). */
PA_API int pa_refindex_is_index(const char *path);

PA_API size_t pa_refindex_count(const pa_refindex *ix);
PA_API uint64_t pa_refindex_residues(const pa_refindex *ix);
PA_API int pa_refindex_k(const pa_refindex *ix);
/* Reference i: id, "" description, residues (borrowed from the index). PA_ERANGE. */
PA_API int pa_refindex_get(const pa_refindex *ix, size_t i, pa_seq_record *out);

/* ---- search ------------------------------------------------------------------ */
typedef enum {
    PA_SENS_FAST = 0,      /* similar k-mers >= 21 (BLOSUM62), two hits on one diagonal,
                              at most 100 candidates per query */
    PA_SENS_DEFAULT = 1,   /* >= 19, also two hits an indel apart, 300 candidates */
    PA_SENS_HIGH = 2,      /* >= 18, lower ungapped thresholds, 1,000 candidates
                              (the k-mer thresholds are one higher from 2^28 residues on) */
    PA_SENS_EXHAUSTIVE = 3 /* every reference is aligned (the prefilter is skipped) */
} pa_sensitivity;

#define PA_SEARCH_OPTS_VERSION 2
typedef struct {
    unsigned version;        /* PA_SEARCH_OPTS_VERSION */
    double max_evalue;       /* 1e-3: hits with a larger E-value are not reported */
    size_t top_k;            /* 10: at most this many hits per query (0: all that pass) */
    double min_coverage;     /* 0: minimum query coverage (aligned query residues / length) */
    pa_sensitivity sensitivity; /* PA_SENS_DEFAULT */
    int threads;             /* executor size when executor is NULL (0: all cores) */
    size_t chunk;            /* queries per task (0: automatic) */
    struct pa_executor *executor; /* NULL: a temporary one of `threads` threads */
    const pa_matrix *matrix; /* NULL: BLOSUM62 */
    int gap_open;            /* 11 (BLAST convention: a gap of k costs open + k * extend) */
    int gap_extend;          /* 1 */
    /* version 2 (a version-1 struct gets the defaults below) */
    int comp_adjust;         /* 1: composition-based statistics (bits and E-value of each
                                hit from its score rescaled by lambda' / lambda, lambda' the
                                matrix's ungapped lambda for the compositions of the query
                                and the reference, never above 1); 0: off (E-values as
                                version 1 computed them) */
    int seed_mask;           /* 0; 1: start positions in low-complexity query windows (12
                                residues below 2.2 bits of entropy) look up only their own
                                k-mer, not the similar ones (prefilter only: less work on
                                such queries, but it cost 0.2 recall points on bench/map) */
} pa_search_opts;
#define PA_SEARCH_OPTS_INIT \
    {PA_SEARCH_OPTS_VERSION, 1e-3, 10, 0.0, PA_SENS_DEFAULT, 0, 0, NULL, NULL, 11, 1, 1, 0}

typedef struct pa_refhits pa_refhits;

/* One hit. Coordinates are 0-based, half-open (as pa_alignment's). */
typedef struct {
    size_t query;           /* index of the query in the list searched */
    size_t target;          /* index of the reference in the index */
    const char *query_id, *target_id;
    int64_t score;          /* raw local alignment score */
    double bits, evalue;
    double identity;        /* identical residues / alignment columns */
    double qcov, tcov;      /* aligned residues / length, of query and target */
    int64_t qstart, qend, tstart, tend;
    const char *cigar;      /* =/X/I/D as pa_alignment's */
} pa_refhit;

/* Search every query against the index. *hits lists the hits of query 0 best first
 * (lowest E-value, then highest score, then lowest target index), then those of query 1,
 * and so on; the result does not depend on threads or chunk. opts may be NULL. */
PA_API int pa_refindex_search(const pa_refindex *ix, const pa_seqlist *queries,
                              const pa_search_opts *opts, pa_refhits **hits);
PA_API size_t pa_refhits_count(const pa_refhits *h);
/* Borrowed strings, valid until pa_refhits_free. PA_ERANGE when i >= count. */
PA_API int pa_refhits_get(const pa_refhits *h, size_t i, pa_refhit *out);
/* Hits of query q: [*first, *first + *n). */
PA_API int pa_refhits_query_range(const pa_refhits *h, size_t q, size_t *first, size_t *n);
PA_API void pa_refhits_free(pa_refhits *h);

/* Karlin-Altschul parameters of a matrix (by name) and BLAST gap costs; PA_EUNSUPPORTED
 * when not tabulated. Any out pointer may be NULL. */
PA_API int pa_karlin_params(const char *matrix, int gap_open, int gap_extend, double *lambda,
                            double *k, double *alpha, double *beta);
/* E-value of a raw score for a query of length m against a database of n residues in
 * nseq sequences (BLAST's length adjustment applied). Returns a negative value when the
 * parameters are not tabulated. */
PA_API double pa_evalue(const char *matrix, int gap_open, int gap_extend, int64_t score,
                        uint64_t m, uint64_t n, uint64_t nseq);

#ifdef __cplusplus
}
#endif
#endif
