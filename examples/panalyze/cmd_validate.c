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

/* Read all blocks of one file; returns 0 when it was usable. */
static int validate_file(const char *path, const pa_reader_opts *ro)
{
    pa_reader *r;
    int rc = pa_reader_open(&r, path, ro);
    if (rc) {
        printf("%s: error: %s\n%s: FAILED\n", path,
               pa_last_error()[0] ? pa_last_error() : pa_strerror(rc), path);
        return rc;
    }
    pa_structure *s;
    size_t blocks = 0;
    while ((rc = pa_reader_next(r, &s)) == 0) {
        blocks++;
        pa_structure_free(s);
    }
    const pa_diags *d = pa_reader_diagnostics(r);
    char buf[1024];
    for (size_t i = 0; i < pa_diags_count(d); i++) {
        pa_diag_format(pa_diags_get(d, i), buf, sizeof buf);
        printf("%s\n", buf);
    }
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
    for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            usage(stdout);
            return CLI_OK;
        } else if (!strcmp(argv[i], "--strict")) {
            ro.strict = 1;
        } else if (!strcmp(argv[i], "--")) {
            i++;
            break;
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
