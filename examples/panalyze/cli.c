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

int cli_is_option(int argc, char **argv, int *i)
{
    if (*i >= argc || argv[*i][0] != '-' || !argv[*i][1])
        return 0; /* a lone "-" is an operand (stdin) */
    if (strcmp(argv[*i], "--"))
        return 1;
    ++*i;
    return 0;
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


/* Chains of a structure file appended to l as FILE_CHAIN (FILE with its extension). */
static int add_structure_chains(const char *cmd, const char *path, pa_seqlist *l)
{
    pa_structure *s;
    pa_diags *d = NULL;
    pa_diags_new(&d);
    if (pa_structure_read(path, NULL, &s, d)) {
        fprintf(stderr, "panalyze %s: %s: neither FASTA nor a readable structure\n", cmd, path);
        cli_print_diags(d, PA_SEV_ERROR);
        pa_diags_free(d);
        return -1;
    }
    pa_diags_free(d);
    pa_seqset *set = NULL;
    int rc = pa_sequence_extract(s, NULL, &set);
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    for (size_t i = 0; rc == 0 && i < pa_seqset_count(set); i++) {
        pa_chain_seq c;
        char name[512];
        if ((rc = pa_seqset_get(set, i, &c)) == 0) {
            snprintf(name, sizeof name, "%s_%s", base, c.auth_id);
            rc = pa_seqlist_add(l, name, NULL, c.observed);
        }
    }
    if (rc)
        fprintf(stderr, "panalyze %s: %s: %s\n", cmd, path, pa_last_error());
    pa_seqset_free(set);
    pa_structure_free(s);
    return rc ? -1 : 0;
}

int cli_load_seqlist(const char *cmd, const char *path, int strict, pa_seqlist *l)
{
    pa_seqlist *f = NULL;
    int rc = cli_read_fasta(path, strict, &f);
    if (rc == PA_EFORMAT)
        return add_structure_chains(cmd, path, l);
    if (rc) {
        if (rc != CLI_REPORTED)
            fprintf(stderr, "panalyze %s: %s: %s\n", cmd, path, pa_last_error());
        return -1;
    }
    for (size_t i = 0; rc == 0 && i < pa_seqlist_count(f); i++) {
        pa_seq_record r;
        if ((rc = pa_seqlist_get(f, i, &r)) == 0)
            rc = pa_seqlist_add(l, r.id, r.description, r.seq);
    }
    pa_seqlist_free(f);
    return rc ? -1 : 0;
}
