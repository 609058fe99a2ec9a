/* panalyzer/pipeline.h — many files through read -> validate -> extract, in parallel.
 *
 *   static int on_result(void *ctx, const pa_result *r) {
 *       (void)ctx;
 *       if (pa_result_status(r) < 0) return 0; // why: pa_result_diagnostics(r)
 *       for (size_t i = 0; i < pa_result_chain_count(r); i++) {
 *           pa_chain_seq c; pa_result_chain(r, i, &c); // use c
 *       }
 *       return 0;                       // non-zero stops the run
 *   }
 *   pa_pipeline_opts po = PA_PIPELINE_OPTS_INIT; po.cache_dir = ".pa-cache";
 *   int rc = pa_pipeline_run(ex, paths, n, &po, on_result, ctx, metrics);
 *
 * Each file is read once (plain, gzip or zstd), parsed and validated by the
 * structure readers, and its chain sequences are extracted (sequence.h); with
 * predict_ss, the secondary structure of its protein chains is predicted
 * (infer.h; serially on the worker thread, files run in parallel). A
 * file that fails gives a result with a negative status and its diagnostics;
 * the run goes on. Only `batch` files are in flight at any time, and every
 * result is freed as soon as the callback returns, so memory stays bounded on
 * huge lists.
 *
 * The callback runs on the executor's threads (the caller's thread among
 * them), never concurrently with itself: with ordered = 1 in input order,
 * otherwise in completion order.
 *
 * Optional cache: with cache_dir set, a file's result is stored under a key
 * made of its raw content, the options that affect results and the library
 * version (<key>.pac: zstd-compressed, checksummed, written atomically). A
 * later run over the same content returns the stored result; a corrupt or
 * truncated entry is detected, removed and recomputed, never returned. A small
 * index (<identity>.idx) maps a file's identity (device, inode, size, mtime,
 * ctime) to its content key, so unchanged files are not even read again;
 * files modified less than ~2 s before they are processed are not indexed
 * (a rewrite within one clock tick could keep its identity). Removing the
 * directory clears the cache. */
#ifndef PANALYZER_PIPELINE_H
#define PANALYZER_PIPELINE_H

#include "common.h"
#include "executor.h"
#include "infer.h"
#include "refindex.h"
#include "sequence.h"
#include "structure.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct pa_result pa_result;

#define PA_PIPELINE_OPTS_VERSION 7
typedef struct {
    unsigned version;             /* PA_PIPELINE_OPTS_VERSION */
    int threads;                  /* executor size when ex is NULL (0: hardware concurrency) */
    size_t chunk;                 /* files taken by a worker at a time (0: 1) */
    size_t batch;                 /* files in flight at most (0: 64; raised to chunk if smaller) */
    int ordered;                  /* 1: callback in input order; 0: completion order */
    const pa_reader_opts *reader; /* NULL: PA_READER_OPTS_INIT */
    const pa_seqset_opts *seq;    /* NULL: PA_SEQSET_OPTS_INIT */
    const char *cache_dir;        /* NULL: no cache; created when missing */
    pa_cancel_token *cancel;      /* NULL, or stops the run (PA_ECANCELED) */
    /* version 2 */
    int predict_ss;               /* 1: secondary structure of protein chains ("ss" stage) */
    const pa_model *model;        /* model for predict_ss; NULL: the built-in one, loaded
                                     once per run. Any other model bypasses the cache (it
                                     cannot be identified in a key). */
    /* version 3 */
    const pa_seqlist *references; /* NULL, or a "map" stage: each protein chain's best
                                     reference (see pa_result_chain_reference); borrowed,
                                     unchanged during the run */
    /* version 4 (memory budget) */
    size_t max_bytes;             /* 0: none. Else admission control: a file starts only
                                     when the estimated memory of the files in flight
                                     (from file size, compression and, with predict_ss,
                                     the model's cost per residue) stays within max_bytes;
                                     files are then admitted one at a time (chunk is
                                     ignored). A file estimated above the budget runs
                                     alone, with a PA_D_LIMIT warning in its result and
                                     a PA_LOG_WARN message. */
    /* version 5 */
    int dssp;                     /* 1: a "dssp" stage: each protein chain's observed secondary
                                     structure (dssp.h) and, with predict_ss, its Q3 */
    /* version 6 */
    int ss_precision;             /* pa_precision of the built-in model under predict_ss
                                     (ignored with a caller's model, loaded by the caller);
                                     part of cache keys */
    /* version 7 (reference search, refindex.h) */
    const pa_refindex *refindex;  /* NULL, or the "map" stage searches this index (borrowed;
                                     used instead of references, which are then indexed
                                     in memory once per run) */
    double ref_max_evalue;        /* 1e-3: a chain gets a reference only when its best hit
                                     has at most this E-value */
} pa_pipeline_opts;
#define PA_PIPELINE_OPTS_INIT                                                               \
    {PA_PIPELINE_OPTS_VERSION, 0, 1, 64, 1, NULL, NULL, NULL, NULL, 0, NULL, NULL, 0, 0, 0, \
     NULL, 1e-3}

/* Called once per file; return 0 to go on, anything else to stop the run. */
typedef int (*pa_result_fn)(void *ctx, const pa_result *r);

/* Run the pipeline over paths[0..n). ex may be NULL (a temporary executor of
 * opts->threads threads is used). metrics (may be NULL) receives per-stage
 * samples (ns per file): "load" (raw bytes from disk with a cache_dir; without one
 * only opening the file, which the reader then reads itself, so that the raw
 * bytes are not held besides the text), "read" (decompress + parse + validate),
 * "extract" (sequences), "ss" (with predict_ss), "map" (with references), "dssp" (with dssp),
 * "cache_lookup", "cache_store" and "file" (the whole file). Returns 0 when every file was processed
 * (even if some failed: see pa_result_status), PA_ECANCELED when the callback or
 * a cancel asked to stop, PA_EINVAL for bad arguments, PA_EIO when cache_dir
 * cannot be created. */
PA_API int pa_pipeline_run(pa_executor *ex, const char *const *paths, size_t n,
                           const pa_pipeline_opts *opts, pa_result_fn fn, void *ctx,
                           pa_metrics *metrics);

/* ---- results (borrowed by the callback, valid until it returns) ---------------- */
typedef struct {
    pa_format format;     /* PA_FORMAT_AUTO when the file could not be read */
    const char *id;       /* PDB id / data block name, "" if none */
    size_t models, chains, residues, atoms;
} pa_result_summary;

PA_API const char *pa_result_path(const pa_result *r);
PA_API size_t pa_result_index(const pa_result *r); /* position of the path in the input */
/* 0, or the negative code that made the file fail (PA_EIO, PA_EFORMAT, ...). */
PA_API int pa_result_status(const pa_result *r);
PA_API const pa_diags *pa_result_diagnostics(const pa_result *r);
PA_API int pa_result_summary_get(const pa_result *r, pa_result_summary *out);
/* 1 when the result came from the cache. */
PA_API int pa_result_cached(const pa_result *r);
/* Chain sequences (as pa_sequence_extract gives them). */
PA_API size_t pa_result_chain_count(const pa_result *r);
PA_API int pa_result_chain(const pa_result *r, size_t i, pa_chain_seq *out); /* PA_ERANGE */
/* Predicted secondary structure of chain i (predict_ss): n_observed letters of "HEC",
 * one per observed residue, as pa_predict_ss gives them. NULL when the chain has none
 * (predict_ss off, not a protein, no observed residue) or i is out of range. */
PA_API const char *pa_result_chain_ss(const pa_result *r, size_t i);

/* Observed secondary structure of chain i (opts.dssp): n_observed DSSP letters
 * (H G I E B T S P, '-' for none or for a residue DSSP cannot assess: missing
 * backbone atoms), computed on the chain's own model. NULL when the chain has none
 * (dssp off, not a protein, no observed residue) or i is out of range. */
PA_API const char *pa_result_chain_dssp(const pa_result *r, size_t i);
/* The same in 3 states: H G I -> H, E B -> E, anything else -> C. */
PA_API const char *pa_result_chain_dssp3(const pa_result *r, size_t i);
/* Agreement of the predicted ss3 (predict_ss) with the observed one (dssp) of chain
 * i, over the residues DSSP assessed: *correct of *compared are the same (Q3 =
 * correct / compared). PA_ENOTFOUND when the chain lacks either; PA_ERANGE. */
PA_API int pa_result_chain_q3(const pa_result *r, size_t i, size_t *correct, size_t *compared);

/* Reference of a protein chain (opts.references or opts.refindex): the best hit of
 * pa_refindex_search for the chain's observed sequence (BLOSUM62, BLAST gaps 11/1, default
 * sensitivity; ties: the first reference), kept only when its E-value is at most
 * opts.ref_max_evalue; then pa_map_chain_to_reference onto it. */
typedef struct {
    const char *id;   /* the reference's FASTA id (borrowed from the result) */
    size_t index;     /* its position in opts.references */
    int64_t score;    /* the local alignment score that chose it */
    int64_t mapped;   /* observed residues given a reference position */
    double identity;  /* identical / mapped */
    double coverage;  /* mapped / reference length */
} pa_result_ref;
/* 0; PA_ENOTFOUND when chain i has none (no references given, not a protein, no
 * hit passing the E-value threshold); PA_ERANGE. */
PA_API int pa_result_chain_reference(const pa_result *r, size_t i, pa_result_ref *out);
/* E-value of chain i's reference hit (pa_refindex_search's); same codes as above. */
PA_API int pa_result_chain_ref_evalue(const pa_result *r, size_t i, double *evalue);

#ifdef __cplusplus
}
#endif
#endif
