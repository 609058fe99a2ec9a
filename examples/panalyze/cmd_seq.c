/* cmd_seq.c — panalyze seq: chain sequences of structure files as FASTA or TSV. */
#include "cmd_seq.h"
#include "cli.h"

#include <stdlib.h>
#include <string.h>

const char seq_tsv_header[] = "path\tmodel\tchain\tpolymer_type\tn_residues\tobserved\tseqres\n";

static void usage(FILE *f)
{
    fprintf(f,
            "usage: panalyze seq [--seqres] [--format fasta|tsv] [--all-models] [--width N] "
            "FILE...\n\n"
            "Chain sequences of PDB, mmCIF and PDBML files (plain, gzip or zstd).\n"
            "  --format fasta   '>{file}_{chain} {polymer type} ...' records (default)\n"
            "  --format tsv     %s"
            "  --seqres         FASTA of the full SEQRES / entity_poly_seq sequences\n"
            "  --all-models     every model, not only the first\n"
            "  --width N        FASTA line width (default 80, 0 = one line)\n"
            "Exit status: 0 all files read, 1 some failed (reported on stderr), 2 usage.\n",
            seq_tsv_header);
}

/* "dir/1abc.cif.gz" -> "1abc" */
static void base_name(const char *path, char *out, size_t n)
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

static int render_tsv(FILE *f, const char *path, const pa_seqset *q)
{
    for (size_t i = 0; i < pa_seqset_count(q); i++) {
        pa_chain_seq c;
        int rc = pa_seqset_get(q, i, &c);
        if (rc)
            return rc;
        fprintf(f, "%s\t%d\t%s\t%s\t%zu\t%s\t%s\n", path, c.model, c.auth_id,
                pa_polymer_type_name(c.polymer_type), c.n_observed, c.observed, c.seqres);
    }
    return 0;
}

static int render(FILE *f, const char *path, const seq_cli_opts *o, const pa_seqset *q)
{
    if (o->format == SEQ_FMT_TSV)
        return render_tsv(f, path, q);
    char base[256];
    base_name(path, base, sizeof base);
    char *fa;
    size_t len;
    int rc = pa_seqset_to_fasta(q, base, o->seqres ? PA_SEQ_SEQRES : PA_SEQ_OBSERVED, o->width,
                                &fa, &len);
    if (rc)
        return rc;
    fwrite(fa, 1, len, f);
    pa_free(fa);
    return 0;
}

int seq_render_file(const char *path, const seq_cli_opts *o, char **out, size_t *len,
                    pa_diags *diags)
{
    *out = NULL;
    *len = 0;
    pa_reader_opts ro = PA_READER_OPTS_INIT;
    ro.first_model_only = !o->all_models;
    pa_structure *s;
    int rc = pa_structure_read(path, &ro, &s, diags);
    if (rc)
        return rc;
    pa_seqset_opts so = PA_SEQSET_OPTS_INIT;
    so.all_models = o->all_models;
    pa_seqset *q;
    rc = pa_sequence_extract(s, &so, &q);
    if (rc == 0) {
        FILE *f = open_memstream(out, len);
        if (!f) {
            rc = PA_ENOMEM;
        } else {
            rc = render(f, path, o, q);
            if (fclose(f) != 0 && rc == 0)
                rc = PA_ENOMEM;
            if (rc) {
                free(*out);
                *out = NULL;
            }
        }
        pa_seqset_free(q);
    }
    pa_structure_free(s);
    return rc;
}

/* Parse options; returns index of the first file, or -1 (usage error) / -2 (--help). */
static int parse_args(int argc, char **argv, seq_cli_opts *o)
{
    int i = 1;
    for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--")) {
            i++;
            break;
        } else if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            return -2;
        } else if (!strcmp(a, "--seqres")) {
            o->seqres = 1;
        } else if (!strcmp(a, "--all-models")) {
            o->all_models = 1;
        } else if (!strcmp(a, "--format") && i + 1 < argc) {
            const char *v = argv[++i];
            if (!strcmp(v, "fasta"))
                o->format = SEQ_FMT_FASTA;
            else if (!strcmp(v, "tsv"))
                o->format = SEQ_FMT_TSV;
            else {
                fprintf(stderr, "panalyze seq: unknown format '%s' (fasta or tsv)\n", v);
                return -1;
            }
        } else if (!strcmp(a, "--width") && i + 1 < argc) {
            long w = cli_parse_long("--width", argv[++i], 0, 1000000);
            if (w < 0)
                return -1;
            o->width = (int)w;
        } else {
            fprintf(stderr, "panalyze seq: unknown or incomplete option '%s'\n", a);
            return -1;
        }
    }
    if (i >= argc) {
        fprintf(stderr, "panalyze seq: no input files\n");
        return -1;
    }
    return i;
}

int cmd_seq(int argc, char **argv)
{
    seq_cli_opts o = {SEQ_FMT_FASTA, 0, 0, 80};
    int first = parse_args(argc, argv, &o);
    if (first == -2) {
        usage(stdout);
        return CLI_OK;
    }
    if (first < 0) {
        usage(stderr);
        return CLI_USAGE;
    }
    if (o.format == SEQ_FMT_TSV)
        fputs(seq_tsv_header, stdout);
    int failed = 0;
    pa_diags *d = NULL;
    if (pa_diags_new(&d) != 0)
        return CLI_SOME_FAILED;
    for (int i = first; i < argc; i++) {
        char *text;
        size_t len;
        pa_diags_clear(d);
        int rc = seq_render_file(argv[i], &o, &text, &len, d);
        if (rc) { /* the diagnostics say why; else the last error */
            cli_print_diags(d, PA_SEV_ERROR);
            const char *msg = pa_last_error()[0] ? pa_last_error() : pa_strerror(rc);
            if (pa_diags_count_at_least(d, PA_SEV_ERROR) == 0)
                fprintf(stderr, "panalyze seq: %s%s%s\n", strstr(msg, argv[i]) ? "" : argv[i],
                        strstr(msg, argv[i]) ? "" : ": ", msg);
            failed = 1;
            continue;
        }
        fwrite(text, 1, len, stdout);
        free(text);
    }
    pa_diags_free(d);
    fflush(stdout);
    return failed ? CLI_SOME_FAILED : CLI_OK;
}
