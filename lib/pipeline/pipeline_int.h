/* pipeline_int.h — pipeline internals: results, stages, cache (XXH64 is in common/pai.h).
 *
 * Adding a stage (as "ss" and "map" are): write a pai_stage whose run() reads
 * w->structure / the result's chains and stores its output in the result (add
 * fields to pai_chain_rec or struct pa_result plus accessors in pipeline.h),
 * add it to the list pa_pipeline_run builds from the options, fold what its
 * options change into the cache key (the stages_key there), and extend the
 * cache serialization in result.c (bump PAI_RESULT_FORMAT so old entries miss). */
#ifndef PAI_PIPELINE_INT_H
#define PAI_PIPELINE_INT_H

#include "common/pai.h"
#include "panalyzer/pipeline.h"

typedef struct {
    int model;
    uint32_t chain;
    pa_polymer_type ptype;
    size_t auth, label, entity; /* offsets into the result's string pool */
    size_t n_obs, obs;
    size_t seqres_len, seqres;
    size_t map; /* first entry in maps / residues */
    size_t ss;  /* pool offset of the ss3 string, 0 when none */
    int has_ref;
    size_t ref_id; /* pool offset */
    size_t ref_index;
    int64_t ref_score, ref_mapped;
    double ref_identity, ref_coverage;
    size_t dssp, dssp3;              /* pool offsets of the DSSP strings, 0 when none */
    int has_q3;
    size_t q3_correct, q3_compared;
    double ref_evalue;
} pai_chain_rec;

struct pa_result {
    const char *path; /* borrowed from the caller's list */
    size_t index;
    int status;
    int cached;
    pa_diags *diags;
    pa_format format;
    size_t id; /* pool offset */
    size_t models, chains_total, residues, atoms;
    pai_chain_rec *chains;
    size_t n_chains, cap_chains;
    pai_buf pool;
    int32_t *maps;
    uint32_t *residues_idx;
    size_t n_map, cap_map, cap_res;
};

/* Serialized result layout version (part of the cache key and entry header). */
#define PAI_RESULT_FORMAT 5 /* 2: per-chain ss3; 3: per-chain reference; 4: per-chain dssp;
                               5: the reference's E-value */

int pai_result_new(pa_result **out, const char *path, size_t index);
void pai_result_free(pa_result *r);
/* Summary fields from a structure; chains from a seqset. */
int pai_result_set_structure(pa_result *r, const pa_structure *s);
int pai_result_add_chain(pa_result *r, const pa_chain_seq *c);
int pai_result_add_seqset(pa_result *r, const pa_seqset *q);
/* Attach the ss3 string (n_obs letters) to chain i. */
int pai_result_set_chain_ss(pa_result *r, size_t i, const char *ss);
/* Attach a reference (ref->id is copied) and its E-value to chain i. */
int pai_result_set_chain_ref(pa_result *r, size_t i, const pa_result_ref *ref, double evalue);
/* Attach the DSSP ss8 string (n_obs letters) to chain i, with Q3 counts when
 * has_q3 (correct <= compared <= n_obs). */
int pai_result_set_chain_dssp(pa_result *r, size_t i, const char *ss8, int has_q3, size_t correct,
                              size_t compared);
/* Serialize everything but path/index/cached; parse it back (PA_ECORRUPT on any
 * inconsistency). Diagnostics about the file itself are stored without the
 * path and get the new result's path back. */
int pai_result_serialize(const pa_result *r, pai_buf *out);
int pai_result_deserialize(pa_result *r, const void *data, size_t size);

/* Work on one file as it goes through the stages. */
typedef struct {
    const char *path;
    size_t index;
    const char *data; /* raw file content (possibly compressed) */
    size_t size;
    const pa_reader_opts *reader;
    const pa_seqset_opts *seq;
    pa_structure *structure; /* set by the read stage */
    const pa_model *model;   /* ss model, NULL when predict_ss is off */
    pa_result *result;
} pai_work;

/* A stage: returns 0 to go on, a negative code to end the file with that
 * status (diagnostics already in w->result). */
typedef struct {
    const char *name; /* metrics stage name */
    int (*run)(void *sctx, pai_work *w);
    void *sctx;
} pai_stage;

/* The "dssp" stage (dssp_stage.c): DSSP per model, ss8 and Q3 per protein chain. */
int pai_stage_dssp(void *sctx, pai_work *w);

/* pa_pipeline_run with an explicit stage list (tests use fake stages). */
int pai_pipeline_run_stages(pa_executor *ex, const char *const *paths, size_t n,
                            const pa_pipeline_opts *opts, const pai_stage *stages,
                            size_t nstages, pa_result_fn fn, void *ctx, pa_metrics *metrics);

/* ---- memory budget (budget.c) ---------------------------------------------------- */
/* Estimated peak memory of one file in the pipeline (0 when it cannot be opened);
 * raw_held: its raw bytes are loaded too (with a cache), besides the text. */
size_t pai_budget_estimate(const char *path, int predict_ss, int raw_held);

/* ---- cache ------------------------------------------------------------------------ */
typedef struct {
    char hex[33]; /* 128-bit key as hex */
} pai_cache_key;

int pai_cache_prepare_dir(const char *dir);
/* stages: a digest of what the optional stages add (0: none), e.g. the ss model. */
void pai_cache_key_make(pai_cache_key *k, const void *data, size_t size,
                        const pa_reader_opts *ro, const pa_seqset_opts *so, uint64_t stages);
/* 1 and r filled on a hit, 0 on a miss (a bad entry is removed: miss). */
int pai_cache_load(const char *dir, const pai_cache_key *k, pa_result *r);
/* Store r atomically; failures are silent (a cache is best effort): returns 0 or code. */
int pai_cache_store(const char *dir, const pai_cache_key *k, const pa_result *r);
/* Stat index: a key from the file's identity (device, inode, size, mtime, ctime);
 * *trusted = 0 when the file changed too recently to be indexed. PA_ENOTFOUND
 * when the path is not a regular file. */
int pai_cache_stat_key(const char *path, const pa_reader_opts *ro, const pa_seqset_opts *so,
                       uint64_t stages, pai_cache_key *k, int *trusted);
/* 1 and *ck = content key when the index knows the identity sk, else 0. */
int pai_cache_index_load(const char *dir, const pai_cache_key *sk, pai_cache_key *ck);
void pai_cache_index_store(const char *dir, const pai_cache_key *sk, const pai_cache_key *ck);
/* Path of the entry file for a key (tests corrupt entries through it). */
int pai_cache_entry_path(const char *dir, const pai_cache_key *k, char *buf, size_t n);

#endif
