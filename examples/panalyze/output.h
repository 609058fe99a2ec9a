/* output.h — --output FILE and --resume for subcommands that write one record
 * (TSV rows or a JSONL line) per input file.
 *
 * Records go to stdout, which output_open points at FILE. With resume, FILE's
 * records are read first: their paths are the files already done, the last
 * record (the one that may have been cut by a crash) is removed and its file
 * done again, and the rest is appended. An interrupted run finished with
 * --resume therefore holds the rows of an uninterrupted one. */
#ifndef PANALYZE_OUTPUT_H
#define PANALYZE_OUTPUT_H

#include <stddef.h>

typedef struct out_set out_set;

/* Point stdout at file (NULL: stay on stdout). header: the TSV header line
 * (with its newline) or NULL (JSONL). With resume, *done receives the paths
 * already in the file (NULL when none) and the header must match. The header
 * is written when the output is new or empty. 0, or -1 (reported on stderr). */
int output_open(const char *cmd, const char *file, int resume, const char *header,
                out_set **done);
/* 1 when path has records in the file. */
int out_set_has(const out_set *s, const char *path);
size_t out_set_count(const out_set *s);
void out_set_free(out_set *s);

#endif
