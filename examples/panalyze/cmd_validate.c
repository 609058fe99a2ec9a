/* cmd_validate.c — panalyze validate: read files completely, print their
 * diagnostics and a one-line verdict per file. */
#include "cli.h"
#include "signals.h"
#include "walk.h"

#include <stdlib.h>
#include <string.h>

static void usage(FILE *f)
{
    fprintf(f, "usage: panalyze validate [--strict] [--include GLOB] [--exclude GLOB]\n"
               "                         FILE|DIR...|--from LIST\n\n"
               "Reads every data block of each file and prints its diagnostics, then\n"
               "'FILE: OK', 'FILE: N warnings' (errors the reader recovered from count too)\n"
               "or 'FILE: FAILED'.\n"
               "  --strict   any error-severity diagnostic fails the file\n"
               "%s"
               "Exit status: 0 all files read, 1 some failed, 2 usage, 130/143 interrupted.\n",
               walk_help);
}

static void print_diags(const pa_diags *d)
{
    char buf[1024];
    for (size_t i = 0; i < pa_diags_count(d); i++) {
        pa_diag_format(pa_diags_get(d, i), buf, sizeof buf);
        printf("%s\n", buf);
    }
}

/* A file the reader refused to open: its diagnostics, worded as every other command
 * prints them (pa_structure_read stops at the same point and keeps them). */
static void print_open_failure(const char *path, const pa_reader_opts *ro, int rc)
{
    pa_diags *d = NULL;
    pa_structure *s = NULL;
    if (pa_diags_new(&d) == 0 && pa_structure_read(path, ro, &s, d) < 0 && pa_diags_count(d))
        print_diags(d);
    else
        printf("%s: error: %s\n", path, pa_strerror(rc));
    pa_structure_free(s);
    pa_diags_free(d);
}

/* Read all blocks of one file; returns 0 when it was usable. */
static int validate_file(const char *path, const pa_reader_opts *ro)
{
    pa_reader *r;
    int rc = pa_reader_open(&r, path, ro);
    if (rc) {
        print_open_failure(path, ro, rc);
        printf("%s: FAILED\n", path);
        return rc;
    }
    pa_structure *s;
    size_t blocks = 0;
    while ((rc = pa_reader_next(r, &s)) == 0) {
        blocks++;
        pa_structure_free(s);
    }
    const pa_diags *d = pa_reader_diagnostics(r);
    print_diags(d);
    size_t notes = pa_diags_count_at_least(d, PA_SEV_WARNING);
    if (rc < 0 || blocks == 0) {
        if (rc >= 0 && pa_diags_count_at_least(d, PA_SEV_ERROR) == 0)
            printf("%s: error: no structure found\n", path);
        printf("%s: FAILED\n", path);
        rc = rc < 0 ? rc : PA_EFORMAT;
    } else if (notes == 0) {
        printf("%s: OK\n", path);
        rc = 0;
    } else {
        printf("%s: %zu warning%s\n", path, notes, notes == 1 ? "" : "s");
        rc = 0;
    }
    pa_reader_free(r);
    return rc;
}

static int validate_main(int argc, char **argv, walk *w)
{
    pa_reader_opts ro = PA_READER_OPTS_INIT;
    int i = 1;
    for (; cli_is_option(argc, argv, &i); i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            usage(stdout);
            return CLI_OK;
        } else if (!strcmp(argv[i], "--strict")) {
            ro.strict = 1;
        } else {
            fprintf(stderr, "panalyze validate: unknown option '%s'\n", argv[i]);
            usage(stderr);
            return CLI_USAGE;
        }
    }
    if (walk_add_args(w, i, argc, argv) < 0) {
        usage(stderr);
        return CLI_USAGE;
    }
    int failed = 0;
    sig_install(NULL); /* SIGINT/SIGTERM: stop after the current file */
    for (char *p; !sig_caught() && (p = walk_next(w)); free(p)) {
        failed |= validate_file(p, &ro) != 0;
        fflush(stdout);
    }
    return sig_end(failed || walk_errors(w) ? CLI_SOME_FAILED : CLI_OK);
}

int cmd_validate(int argc, char **argv)
{
    return walk_main("panalyze validate", argc, argv, validate_main);
}
