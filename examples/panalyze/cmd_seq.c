/* cmd_seq.c — panalyze seq: chain sequences of structure files as FASTA or TSV. */
#include "cmd_seq.h"
#include "cli.h"
#include "signals.h"
#include "walk.h"

#include <stdlib.h>
#include <string.h>

const char seq_tsv_header[] = "path\tmodel\tchain\tpolymer_type\tn_residues\tobserved\tseqres\n";

static void usage(FILE *f)
{
    fprintf(f,
            "usage: panalyze seq [--seqres] [--format fasta|tsv] [--all-models] [--width N]\n"
            "                    [--threads N] [--include GLOB] [--exclude GLOB]\n"
            "                    FILE|DIR...|--from LIST\n\n"
            "Chain sequences of PDB, mmCIF and PDBML files (plain, gzip or zstd).\n"
            "  --format fasta   '>{file}_{chain} {polymer type} ...' records (default)\n"
            "  --format tsv     %s"
            "  --seqres         FASTA of the full SEQRES / entity_poly_seq sequences\n"
            "  --all-models     every model, not only the first\n"
            "  --width N        FASTA line width (default 80, 0 = one line)\n"
            "  --threads N      read files on N threads (same output, in input order)\n"
            "%s"
            "Exit status: 0 all files read, 1 some failed (reported on stderr), 2 usage,\n"
            "130/143 interrupted.\n",
            seq_tsv_header, walk_help);
}

/* One FASTA record per chain, as pa_seqset_to_fasta writes it. */
static void fasta_record(FILE *f, const char *base, const seq_cli_opts *o, const pa_chain_seq *c)
{
    const char *s = o->seqres ? c->seqres : c->observed;
    size_t n = o->seqres ? c->seqres_len : c->n_observed;
    if (o->seqres && n == 0)
        return;
    fprintf(f, ">%s_%s %s model=%d length=%zu\n", base, c->auth_id,
            pa_polymer_type_name(c->polymer_type), c->model, n);
    size_t step = o->width > 0 ? (size_t)o->width : (n ? n : 1);
    for (size_t i = 0; i < n; i += step) {
        fwrite(s + i, 1, n - i < step ? n - i : step, f);
        fputc('\n', f);
    }
    if (!n)
        fputc('\n', f);
}

int seq_render_chains(FILE *f, const char *path, const seq_cli_opts *o, const void *src,
                      size_t n, seq_chain_fn get)
{
    char base[256];
    cli_base_name(path, base, sizeof base);
    for (size_t i = 0; i < n; i++) {
        pa_chain_seq c;
        int rc = get(src, i, &c);
        if (rc)
            return rc;
        if (o->format == SEQ_FMT_TSV)
            fprintf(f, "%s\t%d\t%s\t%s\t%zu\t%s\t%s\n", path, c.model, c.auth_id,
                    pa_polymer_type_name(c.polymer_type), c.n_observed, c.observed, c.seqres);
        else
            fasta_record(f, base, o, &c);
    }
    return 0;
}

static int seqset_chain(const void *src, size_t i, pa_chain_seq *out)
{
    return pa_seqset_get(src, i, out);
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
            rc = seq_render_chains(f, path, o, q, pa_seqset_count(q), seqset_chain);
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
    for (; cli_is_option(argc, argv, &i); i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
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
        } else if (!strcmp(a, "--threads") && i + 1 < argc) {
            long t = cli_parse_long("--threads", argv[++i], 1, 4096);
            if (t < 0)
                return -1;
            o->threads = (int)t;
        } else {
            fprintf(stderr, "panalyze seq: unknown or incomplete option '%s'\n", a);
            return -1;
        }
    }
    return i;
}

/* ---- many threads: the pipeline reads, this renders in input order ---- */

static int result_chain(const void *src, size_t i, pa_chain_seq *out)
{
    return pa_result_chain(src, i, out);
}

typedef struct {
    const seq_cli_opts *o;
    int failed;
} seq_run;

static int on_result(void *ctx, const pa_result *r)
{
    seq_run *sr = ctx;
    int st = pa_result_status(r);
    if (st < 0) {
        const pa_diags *d = pa_result_diagnostics(r);
        cli_print_diags(d, PA_SEV_ERROR);
        if (pa_diags_count_at_least(d, PA_SEV_ERROR) == 0)
            fprintf(stderr, "panalyze seq: %s: %s\n", pa_result_path(r), pa_strerror(st));
        sr->failed = 1;
        return 0;
    }
    if (seq_render_chains(stdout, pa_result_path(r), sr->o, r, pa_result_chain_count(r),
                          result_chain) != 0)
        sr->failed = 1;
    return 0;
}

/* Same reading options as seq_render_file, so the output is the same. */
static int seq_threaded(const seq_cli_opts *o, char **paths, size_t n)
{
    pa_reader_opts ro = PA_READER_OPTS_INIT;
    ro.first_model_only = !o->all_models;
    pa_seqset_opts so = PA_SEQSET_OPTS_INIT;
    so.all_models = o->all_models;
    pa_pipeline_opts po = PA_PIPELINE_OPTS_INIT;
    po.threads = o->threads;
    po.ordered = 1;
    po.reader = &ro;
    po.seq = &so;
    seq_run sr = {o, 0};
    int rc = pa_pipeline_run(NULL, (const char *const *)paths, n, &po, on_result, &sr, NULL);
    fflush(stdout);
    if (rc != 0)
        fprintf(stderr, "panalyze seq: %s\n", pa_last_error()[0] ? pa_last_error() : pa_strerror(rc));
    return rc != 0 || sr.failed ? CLI_SOME_FAILED : CLI_OK;
}

/* Every input path (a walk over directories and lists), then the pipeline. */
static int seq_threaded_walk(const seq_cli_opts *o, walk *w)
{
    char **paths;
    size_t n;
    int rc = walk_collect(w, &paths, &n) < 0 ? CLI_SOME_FAILED : seq_threaded(o, paths, n);
    for (size_t i = 0; i < n; i++)
        free(paths[i]);
    free(paths);
    return rc || walk_errors(w) ? CLI_SOME_FAILED : CLI_OK;
}

static int seq_main(int argc, char **argv, walk *w)
{
    seq_cli_opts o = {SEQ_FMT_FASTA, 0, 0, 80, 1};
    int first = parse_args(argc, argv, &o);
    if (first == -2) {
        usage(stdout);
        return CLI_OK;
    }
    if (first < 0 || walk_add_args(w, first, argc, argv) < 0) {
        usage(stderr);
        return CLI_USAGE;
    }
    if (o.format == SEQ_FMT_TSV)
        fputs(seq_tsv_header, stdout);
    if (o.threads > 1)
        return seq_threaded_walk(&o, w);
    int failed = 0;
    pa_diags *d = NULL;
    if (pa_diags_new(&d) != 0)
        return CLI_SOME_FAILED;
    sig_install(NULL); /* SIGINT/SIGTERM: stop after the current file */
    for (char *path; !sig_caught() && (path = walk_next(w)); free(path)) {
        char *text;
        size_t len;
        pa_diags_clear(d);
        int rc = seq_render_file(path, &o, &text, &len, d);
        if (rc) { /* the diagnostics say why; else the last error */
            cli_print_diags(d, PA_SEV_ERROR);
            const char *msg = pa_last_error()[0] ? pa_last_error() : pa_strerror(rc);
            if (pa_diags_count_at_least(d, PA_SEV_ERROR) == 0)
                fprintf(stderr, "panalyze seq: %s%s%s\n", strstr(msg, path) ? "" : path,
                        strstr(msg, path) ? "" : ": ", msg);
            failed = 1;
            continue;
        }
        fwrite(text, 1, len, stdout);
        free(text);
    }
    pa_diags_free(d);
    fflush(stdout);
    return sig_end(failed || walk_errors(w) ? CLI_SOME_FAILED : CLI_OK);
}

int cmd_seq(int argc, char **argv)
{
    return walk_main("panalyze seq", argc, argv, seq_main);
}
