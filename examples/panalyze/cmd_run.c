/* cmd_run.c — panalyze run: the parallel pipeline over many files.
 *
 * Rows are the same as `panalyze seq --format tsv` (header from cmd_seq.h),
 * with an ss3 column after seqres under --ss;
 * results arrive serialized from the pipeline, in input order unless
 * --unordered, so printing needs no locking. */
#include "cli.h"
#include "cmd_seq.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef enum { RUN_TSV = 0, RUN_JSONL = 1 } run_format;

typedef struct {
    run_format format;
    int ss;   /* ss3 column / field */
    int refs; /* reference columns / field */
    size_t done, total, failed;
    int progress; /* stderr is a terminal */
} run_state;

static void usage(FILE *f)
{
    fprintf(f,
            "usage: panalyze run [--threads N] [--chunk C] [--batch B] [--cache DIR]\n"
            "                    [--metrics FILE.json] [--format tsv|jsonl] [--unordered]\n"
            "                    [--all-models] [--ss] [--references REF.fasta|REF.pai]\n"
            "                    [--ref-evalue E]\n"
            "                    FILE...|--from LIST\n\n"
            "Read, validate and extract chain sequences of many structure files in parallel.\n"
            "  --threads N        worker threads (default: all cores)\n"
            "  --chunk C          files a worker takes at a time (default 1)\n"
            "  --batch B          files in flight at most (default 64)\n"
            "  --cache DIR        reuse results of unchanged files from DIR (created if needed)\n"
            "  --metrics FILE     per-stage timings (count, p50/p95/p99, throughput) as JSON\n"
            "  --format tsv       %s"
            "  --format jsonl     one JSON object per file, with diagnostics\n"
            "  --unordered        print results as they complete, not in input order\n"
            "  --all-models       chains of every model, not only the first\n"
            "  --ss               predict secondary structure (H/E/C per observed residue) of\n"
            "                     protein chains with the built-in model: column/field ss3\n"
            "  --references F     best reference of each protein chain (pa_refindex_search) in\n"
            "                     FASTA F or an index from 'panalyze index', and the mapping\n"
            "                     onto it: columns reference, ref_identity, ref_coverage,\n"
            "                     ref_evalue (JSONL: fields reference, ref_evalue)\n"
            "  --ref-evalue E     a chain gets a reference only with E-value <= E (1e-3)\n"
            "  --from LIST        read paths from LIST, one per line ('-' = stdin)\n"
            "Exit status: 0 all files read, 1 some failed (reported on stderr), 2 usage.\n",
            seq_tsv_header);
}

static void json_str(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            fprintf(f, "\\%c", c);
        else if (c < 0x20)
            fprintf(f, "\\u%04x", c);
        else
            fputc(c, f);
    }
    fputc('"', f);
}

/* Rows as `panalyze seq --format tsv`, plus ss3 ("" for chains without). */
static void print_tsv(const pa_result *r, int ss, int refs)
{
    for (size_t i = 0; i < pa_result_chain_count(r); i++) {
        pa_chain_seq c;
        if (pa_result_chain(r, i, &c) != 0)
            continue;
        printf("%s\t%d\t%s\t%s\t%zu\t%s\t%s", pa_result_path(r), c.model, c.auth_id,
               pa_polymer_type_name(c.polymer_type), c.n_observed, c.observed, c.seqres);
        if (ss) {
            const char *s3 = pa_result_chain_ss(r, i);
            printf("\t%s", s3 ? s3 : "");
        }
        pa_result_ref f;
        double e = 0;
        if (refs && pa_result_chain_reference(r, i, &f) == 0) {
            pa_result_chain_ref_evalue(r, i, &e);
            printf("\t%s\t%.4f\t%.4f\t%.2e", f.id, f.identity, f.coverage, e);
        } else if (refs) {
            fputs("\t\t\t\t", stdout);
        }
        putchar('\n');
    }
}

static void print_jsonl(const pa_result *r, int ss, int refs)
{
    pa_result_summary s;
    pa_result_summary_get(r, &s);
    int st = pa_result_status(r);
    fputs("{\"path\":", stdout);
    json_str(stdout, pa_result_path(r));
    printf(",\"status\":\"%s\"", st < 0 ? "error" : "ok");
    if (st < 0) {
        fputs(",\"error\":", stdout);
        json_str(stdout, pa_strerror(st));
    }
    printf(",\"cached\":%s,\"format\":\"%s\",\"id\":", pa_result_cached(r) ? "true" : "false",
           pa_format_name(s.format));
    json_str(stdout, s.id);
    printf(",\"models\":%zu,\"atoms\":%zu,\"chains\":[", s.models, s.atoms);
    for (size_t i = 0; i < pa_result_chain_count(r); i++) {
        pa_chain_seq c;
        if (pa_result_chain(r, i, &c) != 0)
            continue;
        printf("%s{\"model\":%d,\"chain\":", i ? "," : "", c.model);
        json_str(stdout, c.auth_id);
        printf(",\"polymer_type\":\"%s\",\"n_residues\":%zu,\"observed\":",
               pa_polymer_type_name(c.polymer_type), c.n_observed);
        json_str(stdout, c.observed);
        fputs(",\"seqres\":", stdout);
        json_str(stdout, c.seqres);
        if (ss) {
            const char *s3 = pa_result_chain_ss(r, i);
            fputs(",\"ss3\":", stdout);
            if (s3)
                json_str(stdout, s3);
            else
                fputs("null", stdout);
        }
        pa_result_ref f;
        double e = 0;
        if (refs && pa_result_chain_reference(r, i, &f) == 0) {
            pa_result_chain_ref_evalue(r, i, &e);
            fputs(",\"reference\":{\"id\":", stdout);
            json_str(stdout, f.id);
            printf(",\"score\":%lld,\"mapped\":%lld,\"identity\":%.4f,\"coverage\":%.4f,"
                   "\"evalue\":%.3g},\"ref_evalue\":%.3g",
                   (long long)f.score, (long long)f.mapped, f.identity, f.coverage, e, e);
        } else if (refs) {
            fputs(",\"reference\":null,\"ref_evalue\":null", stdout);
        }
        fputc('}', stdout);
    }
    fputs("],\"diagnostics\":[", stdout);
    const pa_diags *d = pa_result_diagnostics(r);
    for (size_t i = 0; i < pa_diags_count(d); i++) {
        const pa_diag *g = pa_diags_get(d, i);
        printf("%s{\"line\":%ld,\"column\":%d,\"severity\":\"%s\",\"code\":\"%s\",\"message\":",
               i ? "," : "", g->line, g->column, pa_severity_name(g->severity),
               pa_diag_code_name(g->code));
        json_str(stdout, g->message);
        fputc('}', stdout);
    }
    fputs("]}\n", stdout);
}

static void report_failure(const pa_result *r)
{
    const pa_diags *d = pa_result_diagnostics(r);
    cli_print_diags(d, PA_SEV_ERROR);
    if (pa_diags_count_at_least(d, PA_SEV_ERROR) == 0)
        fprintf(stderr, "panalyze run: %s: %s\n", pa_result_path(r),
                pa_strerror(pa_result_status(r)));
}

static void draw_progress(const run_state *s)
{
    const int width = 30;
    int fill = s->total ? (int)(s->done * (size_t)width / s->total) : width;
    fprintf(stderr, "\r[%.*s%*s] %zu/%zu files, %zu failed", fill,
            "##############################", width - fill, "", s->done, s->total, s->failed);
    if (s->done == s->total)
        fputc('\n', stderr);
}

static int on_result(void *ctx, const pa_result *r)
{
    run_state *s = ctx;
    if (pa_result_status(r) < 0) {
        s->failed++;
        if (s->progress)
            fputc('\r', stderr);
        report_failure(r);
    }
    if (s->format == RUN_JSONL)
        print_jsonl(r, s->ss, s->refs);
    else
        print_tsv(r, s->ss, s->refs);
    s->done++;
    if (s->progress)
        draw_progress(s);
    return 0;
}

static int write_metrics(const char *file, const pa_metrics *m)
{
    char *json;
    if (pa_metrics_to_json(m, &json) != 0)
        return -1;
    FILE *f = fopen(file, "w");
    if (!f) {
        free(json);
        fprintf(stderr, "panalyze run: cannot write %s\n", file);
        return -1;
    }
    fprintf(f, "%s\n", json);
    free(json);
    return fclose(f) == 0 ? 0 : -1;
}

typedef struct {
    pa_pipeline_opts po;
    run_format format;
    int all_models;
    const char *metrics_file;
    const char *references;
    char **paths;
    size_t n, cap;
} run_args;

/* Parse argv into a; returns 0, -1 (usage error) or -2 (--help). */
static int parse_args(int argc, char **argv, run_args *a)
{
    int i = 1;
    for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
        const char *o = argv[i];
        int has = i + 1 < argc;
        long v;
        if (!strcmp(o, "--")) {
            i++;
            break;
        } else if (!strcmp(o, "--help") || !strcmp(o, "-h")) {
            return -2;
        } else if (!strcmp(o, "--unordered")) {
            a->po.ordered = 0;
        } else if (!strcmp(o, "--all-models")) {
            a->all_models = 1;
        } else if (!strcmp(o, "--ss")) {
            a->po.predict_ss = 1;
        } else if (!strcmp(o, "--threads") && has) {
            if ((v = cli_parse_long(o, argv[++i], 0, 4096)) < 0)
                return -1;
            a->po.threads = (int)v;
        } else if (!strcmp(o, "--chunk") && has) {
            if ((v = cli_parse_long(o, argv[++i], 1, 1000000)) < 0)
                return -1;
            a->po.chunk = (size_t)v;
        } else if (!strcmp(o, "--batch") && has) {
            if ((v = cli_parse_long(o, argv[++i], 1, 100000000)) < 0)
                return -1;
            a->po.batch = (size_t)v;
        } else if (!strcmp(o, "--references") && has) {
            a->references = argv[++i];
        } else if (!strcmp(o, "--ref-evalue") && has) {
            char *end;
            a->po.ref_max_evalue = strtod(argv[++i], &end);
            if (*end || end == argv[i] || !(a->po.ref_max_evalue > 0)) {
                fprintf(stderr, "panalyze run: --ref-evalue expects a number > 0\n");
                return -1;
            }
        } else if (!strcmp(o, "--cache") && has) {
            a->po.cache_dir = argv[++i];
        } else if (!strcmp(o, "--metrics") && has) {
            a->metrics_file = argv[++i];
        } else if (!strcmp(o, "--format") && has) {
            const char *f = argv[++i];
            if (!strcmp(f, "tsv"))
                a->format = RUN_TSV;
            else if (!strcmp(f, "jsonl"))
                a->format = RUN_JSONL;
            else {
                fprintf(stderr, "panalyze run: unknown format '%s' (tsv or jsonl)\n", f);
                return -1;
            }
        } else if (!strcmp(o, "--from") && has) {
            if (cli_read_list(argv[++i], &a->paths, &a->n, &a->cap) != 0)
                return -1;
        } else {
            fprintf(stderr, "panalyze run: unknown or incomplete option '%s'\n", o);
            return -1;
        }
    }
    for (; i < argc; i++) {
        if (a->n == a->cap) {
            size_t nc = a->cap ? a->cap * 2 : 64;
            char **np = realloc(a->paths, nc * sizeof *np);
            if (!np)
                return -1;
            a->paths = np;
            a->cap = nc;
        }
        a->paths[a->n++] = strdup(argv[i]);
    }
    if (a->n == 0) {
        fprintf(stderr, "panalyze run: no input files\n");
        return -1;
    }
    return 0;
}

static void free_args(run_args *a)
{
    for (size_t i = 0; i < a->n; i++)
        free(a->paths[i]);
    free(a->paths);
}

int cmd_run(int argc, char **argv)
{
    run_args a = {.po = PA_PIPELINE_OPTS_INIT};
    int rc = parse_args(argc, argv, &a);
    if (rc < 0) {
        usage(rc == -2 ? stdout : stderr);
        free_args(&a);
        return rc == -2 ? CLI_OK : CLI_USAGE;
    }
    /* Same reading options as `panalyze seq`, so rows are identical. */
    pa_reader_opts ro = PA_READER_OPTS_INIT;
    ro.first_model_only = !a.all_models;
    pa_seqset_opts so = PA_SEQSET_OPTS_INIT;
    so.all_models = a.all_models;
    a.po.reader = &ro;
    a.po.seq = &so;

    pa_seqlist *refs = NULL;
    pa_refindex *ix = NULL;
    if (a.references && (pa_refindex_is_index(a.references)
                             ? pa_refindex_open(&ix, a.references)
                             : pa_fasta_read(a.references, &refs)) != 0) {
        fprintf(stderr, "panalyze run: %s\n", pa_last_error());
        free_args(&a);
        return CLI_USAGE;
    }
    a.po.references = refs;
    a.po.refindex = ix;
    pa_metrics *m = NULL;
    if (a.metrics_file && pa_metrics_new(&m) != 0) {
        pa_seqlist_free(refs);
        pa_refindex_free(ix);
        free_args(&a);
        return CLI_SOME_FAILED;
    }
    run_state s = {.format = a.format, .ss = a.po.predict_ss, .refs = refs || ix,
                   .total = a.n, .progress = isatty(STDERR_FILENO)};
    if (a.format == RUN_TSV) /* seq's header, with the optional columns appended */
        printf("%.*s%s%s\n", (int)strlen(seq_tsv_header) - 1, seq_tsv_header,
               s.ss ? "\tss3" : "", s.refs ? "\treference\tref_identity\tref_coverage\tref_evalue" : "");
    rc = pa_pipeline_run(NULL, (const char *const *)a.paths, a.n, &a.po, on_result, &s, m);
    fflush(stdout);
    int status = s.failed ? CLI_SOME_FAILED : CLI_OK;
    if (rc != 0) {
        fprintf(stderr, "panalyze run: %s\n", pa_last_error()[0] ? pa_last_error() : pa_strerror(rc));
        status = CLI_SOME_FAILED;
    }
    if (m && write_metrics(a.metrics_file, m) != 0)
        status = CLI_SOME_FAILED;
    pa_metrics_free(m);
    pa_seqlist_free(refs);
    pa_refindex_free(ix);
    free_args(&a);
    return status;
}
