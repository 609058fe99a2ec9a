/* cmd_seq.h — the per-file work of `panalyze seq`, callable from other drivers
 * (e.g. a threaded pipeline) that render files in parallel and print in order. */
#ifndef PANALYZE_CMD_SEQ_H
#define PANALYZE_CMD_SEQ_H

#include <panalyzer.h>
#include <stddef.h>
#include <stdio.h>

typedef enum { SEQ_FMT_FASTA = 0, SEQ_FMT_TSV = 1 } seq_format;

typedef struct {
    seq_format format;
    int seqres;     /* FASTA of the full (SEQRES) sequences instead of observed */
    int all_models;
    int width;      /* FASTA line width, 0 = unwrapped */
    int threads;    /* > 1: read through the pipeline on that many threads */
} seq_cli_opts;

/* TSV header line (with newline). */
extern const char seq_tsv_header[];

/* Chain i of a file's chains (a pa_seqset, a pa_result, ...). */
typedef int (*seq_chain_fn)(const void *src, size_t i, pa_chain_seq *out);

/* Render a file's n chains as TSV rows or FASTA records: the one renderer of
 * `panalyze seq`, whether files are read one by one or through the pipeline. */
int seq_render_chains(FILE *f, const char *path, const seq_cli_opts *o, const void *src,
                      size_t n, seq_chain_fn get);

/* Read one file and render its chains as text (*out malloc'd, NUL-terminated; free()).
 * diags (may be NULL) receives the file's diagnostics. Returns 0 or a PA_E* code;
 * *out is NULL on failure. Thread-safe. */
int seq_render_file(const char *path, const seq_cli_opts *o, char **out, size_t *len,
                    pa_diags *diags);

#endif
