/* longrun.h — what long runs of `panalyze run` need around the pipeline:
 * inputs streamed from a walk in blocks, progress and summary, SIGINT/SIGTERM,
 * --output/--resume and --max-memory. The subcommand keeps its own options and
 * record printing; it calls these hooks. */
#ifndef PANALYZE_LONGRUN_H
#define PANALYZE_LONGRUN_H

#include "output.h"
#include "progress.h"
#include "walk.h"

#include <panalyzer.h>

typedef struct {
    int force_progress, quiet, resume;
    const char *output;
    size_t max_memory;
    progress prog;
    out_set *done;       /* records already in --output (--resume) */
    size_t skipped;      /* files skipped because of done */
    pa_cancel_token *tok;
} longrun;

/* Options: --progress, --quiet, --output FILE, --resume, --max-memory SIZE.
 * 1 consumed (*i advanced past a value), 0 not one of them, -1 bad value. */
int longrun_parse_opt(longrun *l, const char *cmd, int argc, char **argv, int *i);
extern const char longrun_help[];

/* Output (and resume state) ready, header written when new; signals handled,
 * progress clock started. 0 or -1 (reported). */
int longrun_begin(longrun *l, const char *cmd, const char *header);
/* The pipeline over every path of w, block by block on one executor (results
 * of a block come before the next block is walked, so the first results do
 * not wait for the whole tree). Returns pa_pipeline_run's code; 0 when a
 * signal stopped the run (longrun_end reports it). */
int longrun_pipeline(longrun *l, walk *w, pa_pipeline_opts *po, pa_result_fn fn, void *ctx,
                     pa_metrics *m);
/* From the result callback, after the file's record is printed: the record is
 * flushed whole, progress is counted. */
void longrun_result(longrun *l, const pa_result *r);
/* Summary on stderr; returns the exit status: 130 / 143 after SIGINT / SIGTERM,
 * else status. Releases l. */
int longrun_end(longrun *l, const char *cmd, const pa_metrics *m, int status);

/* "512M", "2GiB", "1.5g", "100000" (bytes) -> bytes; 0 when invalid. */
size_t longrun_parse_size(const char *s);

#endif
