/* progress.h — progress on stderr and the end-of-run summary.
 *
 * On a terminal: one line redrawn at most 10 times a second. With --progress
 * when stderr is not a terminal: a plain line per second and a last one at the
 * end, e.g. "12000/50000 files  2710 files/s  ETA 14 s  0 failed" (the total
 * ends in '+' while a directory walk is still finding files). --quiet: nothing,
 * not even the summary. Called from the serialized result callback. */
#ifndef PANALYZE_PROGRESS_H
#define PANALYZE_PROGRESS_H

#include <panalyzer.h>
#include <stddef.h>
#include <stdint.h>

typedef enum { PROG_OFF = 0, PROG_TTY = 1, PROG_LINES = 2 } prog_mode;

typedef struct {
    prog_mode mode;
    int quiet;
    uint64_t t0, last;
    size_t done, failed, total;
    int total_known;
    size_t chains, residues;
} progress;

/* force: --progress; quiet: --quiet. Starts the clock. */
void progress_init(progress *p, int force, int quiet);
/* Files known so far; known = 1 once the inputs are all found. */
void progress_total(progress *p, size_t total, int known);
/* One file done (counts its chains and residues), maybe redraws. */
void progress_file(progress *p, const pa_result *r);
/* Erase the terminal line before printing something else on stderr. */
void progress_clear(const progress *p);
/* Last progress line, then the summary (files, chains, residues, wall time,
 * per-stage p50/p95/p99 from m, which may be NULL). sig: the signal that
 * interrupted the run, or 0. */
void progress_finish(progress *p, const char *cmd, const pa_metrics *m, int sig);

#endif
