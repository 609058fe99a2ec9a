/* cli.c — helpers shared by subcommands. */
#include "cli.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

void cli_print_diags(const pa_diags *d, pa_severity min)
{
    char buf[1024];
    for (size_t i = 0; i < pa_diags_count(d); i++) {
        const pa_diag *g = pa_diags_get(d, i);
        if (g->severity < min)
            continue;
        pa_diag_format(g, buf, sizeof buf);
        fprintf(stderr, "%s\n", buf);
    }
}

/* A FASTA rejection: an error inside a record (a header was read), not a file that is
 * not FASTA at all (PA_D_UNKNOWN_FORMAT). */
static int fasta_rejected(const pa_diags *d)
{
    for (size_t i = 0; i < pa_diags_count(d); i++) {
        const pa_diag *g = pa_diags_get(d, i);
        if (g->severity == PA_SEV_ERROR && g->code != PA_D_UNKNOWN_FORMAT)
            return 1;
    }
    return 0;
}

int cli_read_fasta(const char *path, int strict, pa_seqlist **out)
{
    pa_diags *d = NULL;
    if (pa_diags_new(&d))
        return PA_ENOMEM;
    pa_fasta_opts o = PA_FASTA_OPTS_INIT;
    o.strict = strict;
    int rc = pa_fasta_read_ex(path, &o, out, d);
    if (rc == 0 || (rc == PA_EFORMAT && fasta_rejected(d))) {
        cli_print_diags(d, PA_SEV_WARNING);
        rc = rc ? CLI_REPORTED : 0;
    }
    pa_diags_free(d);
    return rc;
}

long cli_parse_long(const char *opt, const char *val, long min, long max)
{
    char *end;
    errno = 0;
    long v = strtol(val, &end, 10);
    if (errno || end == val || *end || v < min || v > max) {
        fprintf(stderr, "panalyze: %s expects an integer in [%ld, %ld], got '%s'\n", opt, min, max,
                val);
        return -1;
    }
    return v;
}

int cli_read_list(const char *file, char ***paths, size_t *n, size_t *cap)
{
    FILE *f = strcmp(file, "-") ? fopen(file, "r") : stdin;
    if (!f) {
        fprintf(stderr, "panalyze: cannot open list %s: %s\n", file, strerror(errno));
        return -1;
    }
    char line[4096];
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = '\0';
        if (!line[0] || line[0] == '#')
            continue;
        if (*n == *cap) {
            size_t nc = *cap ? *cap * 2 : 64;
            char **np = realloc(*paths, nc * sizeof *np);
            if (!np)
                break;
            *paths = np;
            *cap = nc;
        }
        (*paths)[(*n)++] = strdup(line);
    }
    if (f != stdin)
        fclose(f);
    return 0;
}

/* "dir/1abc.cif.gz" -> "1abc" */
void cli_base_name(const char *path, char *out, size_t n)
{
    const char *b = strrchr(path, '/');
    snprintf(out, n, "%s", b ? b + 1 : path);
    static const char *ext[] = {".gz", ".zst", ".pdb", ".ent", ".cif", ".mmcif", ".xml", ".pdbml"};
    for (size_t i = 0; i < sizeof ext / sizeof ext[0]; i++) {
        size_t l = strlen(out), e = strlen(ext[i]);
        if (l > e && !strcmp(out + l - e, ext[i]))
            out[l - e] = '\0';
    }
}

