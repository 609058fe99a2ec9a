/* walk.h — the inputs of a subcommand as one stream of paths: FILE arguments,
 * directories walked recursively, and --from lists (a file or stdin), filtered
 * by --include / --exclude globs.
 *
 * Directories are walked depth first, one directory listing at a time, in the
 * byte order of the full paths (as `find DIR -type f | LC_ALL=C sort` lists
 * them), so the first paths come out before the whole tree has been read. A
 * walk takes the files whose names look like structure files (walk_is_structure_name);
 * hidden entries and symbolic links to directories are skipped; links to files are
 * taken. Files named explicitly (arguments, list lines) are always taken, but
 * subject to the globs. */
#ifndef PANALYZE_WALK_H
#define PANALYZE_WALK_H

#include <stddef.h>

typedef struct walk walk;

/* 0, or -1 out of memory. cmd names the subcommand in messages ("panalyze run"). */
int walk_new(walk **out, const char *cmd);
void walk_free(walk *w);

/* Option hook for a subcommand's parser: --include GLOB, --exclude GLOB, --from LIST.
 * Returns 1 when argv[*i] was one of them (*i advanced past its value), 0 when not,
 * -1 when its value is missing. */
int walk_parse_opt(walk *w, int argc, char **argv, int *i);
/* For subcommands with their own parser: take --include/--exclude/--from (and
 * their values) out of argv before it parses the rest (*argc shrinks). 0, or -1
 * (reported; *out is NULL). */
int walk_args(walk **out, const char *cmd, int *argc, char **argv);
/* A subcommand's body once the walk options are out of argv. */
typedef int (*walk_main_fn)(int argc, char **argv, walk *w);
/* walk_args, then fn, then walk_free: returns fn's exit status (2 on bad walk options). */
int walk_main(const char *cmd, int argc, char **argv, walk_main_fn fn);
/* argv[first..argc) as FILE/DIR arguments; -1 (reported) when there is no input
 * at all, or out of memory. */
int walk_add_args(walk *w, int first, int argc, char **argv);
/* A FILE or DIR argument, in command-line order after the --from lists. 0 or -1. */
int walk_add(walk *w, const char *arg);
/* 1 when no input was given at all. */
int walk_empty(const walk *w);

/* Next path (malloc'd, the caller frees), or NULL at the end. Unreadable
 * directories and lists are reported on stderr and counted in walk_errors. */
char *walk_next(walk *w);
/* Up to max next paths appended to (*paths)[*n...], growing *paths; 0 or -1. */
int walk_next_block(walk *w, char ***paths, size_t *n, size_t *cap, size_t max);
/* Every remaining path (for subcommands that work on a list). 0 or -1. */
int walk_collect(walk *w, char ***paths, size_t *n);
size_t walk_errors(const walk *w);
/* 1 once walk_next has returned NULL. */
int walk_done(const walk *w);
/* Make walk_next return NULL from now on (e.g. after a signal). */
void walk_stop(walk *w);

/* Structure file name: .pdb .ent .cif .mmcif .xml .pdbml, each optionally .gz / .zst
 * (any case), which covers PDB-mirror names such as pdb1abc.ent.gz. */
int walk_is_structure_name(const char *name);
/* Option lines for --help. */
extern const char walk_help[];

#endif
