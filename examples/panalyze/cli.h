/* cli.h — shared pieces of the panalyze subcommands. */
#ifndef PANALYZE_CLI_H
#define PANALYZE_CLI_H

#include <panalyzer.h>
#include <stdio.h>

/* Exit codes of every subcommand. */
enum { CLI_OK = 0, CLI_SOME_FAILED = 1, CLI_USAGE = 2 };
/* A helper's positive return: it failed and already printed why (once per file). */
enum { CLI_REPORTED = 1 };

typedef int (*cli_cmd_fn)(int argc, char **argv);

int cmd_seq(int argc, char **argv);
int cmd_validate(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_align(int argc, char **argv);
int cmd_ss(int argc, char **argv);
int cmd_dssp(int argc, char **argv);
int cmd_index(int argc, char **argv);
int cmd_map(int argc, char **argv);

/* Print every diagnostic of d with at least severity min to stderr. */
void cli_print_diags(const pa_diags *d, pa_severity min);
/* 1 when argv[*i] is an option to parse; 0 at the first operand or past the end. A "--"
 * also ends the options and is stepped over (*i moves to the operand after it). */
int cli_is_option(int argc, char **argv, int *i);
/* Parse a positive integer option value; returns -1 (and prints) when invalid. */
long cli_parse_long(const char *opt, const char *val, long min, long max);

/* FASTA through the library's input cleaning (strict: non-residue characters are errors).
 * Warnings go to stderr. Returns 0; CLI_REPORTED when the file is FASTA but was
 * rejected (already reported); or the library's negative code, unreported (PA_EFORMAT
 * when the file is not FASTA at all). */
int cli_read_fasta(const char *path, int strict, pa_seqlist **out);
/* Append the sequences of a FASTA file (read as cli_read_fasta does), or the observed
 * chain sequences of a structure file (named FILE_CHAIN as `panalyze align` names them),
 * to l. Prints errors as "panalyze CMD: ...". 0 or -1. */
int cli_load_seqlist(const char *cmd, const char *path, int strict, pa_seqlist *l);

/* File name without directory and structure/compression extensions ("dir/1abc.cif.gz" -> "1abc"). */
void cli_base_name(const char *path, char *out, size_t n);

#endif
