/* cmd_run.c — panalyze run: the parallel pipeline over many files.
 *
 * Rows are the same as `panalyze seq --format tsv` (header from cmd_seq.h),
 * with an ss3 column after seqres under --ss, and ss8_observed, ss3_observed
 * (and q3 with --ss) at the end under --dssp;
 * results arrive serialized from the pipeline, in input order unless
 * --unordered, so printing needs no locking. */
#include "cli.h"
#include "cmd_seq.h"
#include "longrun.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef enum { RUN_TSV = 0, RUN_JSONL = 1 } run_format;

typedef struct {
    run_format format;
    int ss;   /* ss3 column / field */
    int refs; /* reference columns / field */
    size_t failed;
    longrun *lr; /* progress, whole records */
    int dssp; /* observed-structure columns / fields */
    size_t q3_correct, q3_compared, q3_chains; /* over the run (--ss --dssp) */
} run_state;

static void usage(FILE *f)
{
    fprintf(f,
            "usage: panalyze run [--threads N] [--chunk C] [--batch B] [--cache DIR]\n"
            "                    [--metrics FILE.json] [--format tsv|jsonl] [--unordered]\n"
            "                    [--all-models] [--ss] [--precision P]\n"
            "                    [--references REF.fasta|REF.pai] [--ref-evalue E] [--dssp]\n"
            "                    [--strict] [--include GLOB] [--exclude GLOB] [--progress]\n"
            "                    [--quiet] [--output FILE [--resume]] [--max-memory SIZE]\n"
            "                    FILE|DIR...|--from LIST\n\n"
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
            "  --precision P      arithmetic of the --ss model: fp32 (default), bf16 or int8\n"
            "  --references F     best reference of each protein chain (pa_refindex_search) in\n"
            "                     FASTA F or an index from 'panalyze index', and the mapping\n"
            "                     onto it: columns reference, ref_identity, ref_coverage,\n"
            "                     ref_evalue (JSONL: fields reference, ref_evalue)\n"
            "  --ref-evalue E     a chain gets a reference only with E-value <= E (1e-3)\n"
            "  --strict           characters of F that are not residue letters (gaps '-' '.',\n"
            "                     an inner '*') are errors; default: removed with a warning\n"
            "  --dssp             secondary structure of each protein chain from its\n"
            "                     coordinates (DSSP 4): columns/fields ss8_observed (H G I E\n"
            "                     B T S P, '-' none) and ss3_observed (H E C); with --ss also\n"
            "                     q3 per chain and the overall Q3 on stderr at the end\n"
            "%s%s"
            "Exit status: 0 all files read, 1 some failed (reported on stderr), 2 usage,\n"
            "130 SIGINT, 143 SIGTERM.\n",
            seq_tsv_header, walk_help, longrun_help);
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
/* q3 of chain i as text ("" when none). */
static const char *q3_text(const pa_result *r, size_t i, char buf[16])
{
    size_t ok, n;
    buf[0] = '\0';
    if (pa_result_chain_q3(r, i, &ok, &n) == 0 && n)
        snprintf(buf, 16, "%.4f", (double)ok / (double)n);
    return buf;
}

static void print_tsv_dssp(const pa_result *r, size_t i, int ss)
{
    const char *d8 = pa_result_chain_dssp(r, i), *d3 = pa_result_chain_dssp3(r, i);
    char q[16];
    printf("\t%s\t%s", d8 ? d8 : "", d3 ? d3 : "");
    if (ss)
        printf("\t%s", q3_text(r, i, q));
}

static void print_tsv(const pa_result *r, int ss, int refs, int dssp)
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
        if (dssp)
            print_tsv_dssp(r, i, ss);
        putchar('\n');
    }
}

static void json_or_null(const char *s)
{
    if (s)
        json_str(stdout, s);
    else
        fputs("null", stdout);
}

static void print_json_dssp(const pa_result *r, size_t i, int ss)
{
    fputs(",\"ss8_observed\":", stdout);
    json_or_null(pa_result_chain_dssp(r, i));
    fputs(",\"ss3_observed\":", stdout);
    json_or_null(pa_result_chain_dssp3(r, i));
    char q[16];
    if (ss)
        printf(",\"q3\":%s", *q3_text(r, i, q) ? q : "null");
}

static void print_jsonl(const pa_result *r, int ss, int refs, int dssp)
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
        if (dssp)
            print_json_dssp(r, i, ss);
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

static int on_result(void *ctx, const pa_result *r)
{
    run_state *s = ctx;
    if (pa_result_status(r) < 0) {
        s->failed++;
        progress_clear(&s->lr->prog);
        report_failure(r);
    }
    if (s->format == RUN_JSONL)
        print_jsonl(r, s->ss, s->refs, s->dssp);
    else
        print_tsv(r, s->ss, s->refs, s->dssp);
    for (size_t i = 0; s->dssp && s->ss && i < pa_result_chain_count(r); i++) {
        size_t ok, n;
        if (pa_result_chain_q3(r, i, &ok, &n) == 0 && n) {
            s->q3_correct += ok;
            s->q3_compared += n;
            s->q3_chains++;
        }
    }
    longrun_result(s->lr, r);
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
    int strict;
    walk *w;    /* FILE / DIR arguments, --from lists, globs */
    longrun lr; /* --progress, --output, --max-memory, ... */
} run_args;

/* Parse argv into a; returns 0, -1 (usage error) or -2 (--help). */
static int parse_args(int argc, char **argv, run_args *a)
{
    int i = 1;
    for (; cli_is_option(argc, argv, &i); i++) {
        const char *o = argv[i];
        int has = i + 1 < argc;
        long v;
        int k = walk_parse_opt(a->w, argc, argv, &i);
        if (!k)
            k = longrun_parse_opt(&a->lr, "panalyze run", argc, argv, &i);
        if (k < 0)
            return -1;
        if (k > 0)
            continue;
        if (!strcmp(o, "--help") || !strcmp(o, "-h")) {
            return -2;
        } else if (!strcmp(o, "--unordered")) {
            a->po.ordered = 0;
        } else if (!strcmp(o, "--all-models")) {
            a->all_models = 1;
        } else if (!strcmp(o, "--ss")) {
            a->po.predict_ss = 1;
        } else if (!strcmp(o, "--strict")) {
            a->strict = 1;
        } else if (!strcmp(o, "--dssp")) {
            a->po.dssp = 1;
        } else if (!strcmp(o, "--precision") && has) {
            if (pa_precision_parse(argv[++i], &a->po.ss_precision)) {
                fprintf(stderr, "panalyze run: %s\n", pa_last_error());
                return -1;
            }
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
        } else {
            fprintf(stderr, "panalyze run: unknown or incomplete option '%s'\n", o);
            return -1;
        }
    }
    return walk_add_args(a->w, i, argc, argv);
}

static void free_args(run_args *a) { walk_free(a->w); }

int cmd_run(int argc, char **argv)
{
    run_args a = {.po = PA_PIPELINE_OPTS_INIT};
    if (walk_new(&a.w, "panalyze run") < 0)
        return CLI_SOME_FAILED;
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
    if (a.references) { /* an index from `panalyze index`, or FASTA indexed in memory */
        rc = pa_refindex_is_index(a.references) ? pa_refindex_open(&ix, a.references)
                                                : cli_read_fasta(a.references, a.strict, &refs);
        if (rc != 0) {
            if (rc != CLI_REPORTED)
                fprintf(stderr, "panalyze run: %s\n", pa_last_error());
            free_args(&a);
            return CLI_USAGE;
        }
    }
    a.po.references = refs;
    a.po.refindex = ix;
    pa_metrics *m = NULL; /* for the summary, and --metrics */
    run_state s = {.format = a.format, .ss = a.po.predict_ss, .refs = refs || ix,
                   .dssp = a.po.dssp, .lr = &a.lr};
    char header[512]; /* seq's header, with the optional columns appended */
    snprintf(header, sizeof header, "%.*s%s%s%s%s\n", (int)strlen(seq_tsv_header) - 1,
             seq_tsv_header, s.ss ? "\tss3" : "",
             s.refs ? "\treference\tref_identity\tref_coverage\tref_evalue" : "",
             s.dssp ? "\tss8_observed\tss3_observed" : "", s.dssp && s.ss ? "\tq3" : "");
    if (pa_metrics_new(&m) != 0 ||
        longrun_begin(&a.lr, "panalyze run", a.format == RUN_TSV ? header : NULL) < 0) {
        pa_metrics_free(m);
        pa_seqlist_free(refs);
        pa_refindex_free(ix);
        free_args(&a);
        return CLI_USAGE;
    }
    rc = longrun_pipeline(&a.lr, a.w, &a.po, on_result, &s, m);
    fflush(stdout);
    int status = s.failed || walk_errors(a.w) ? CLI_SOME_FAILED : CLI_OK;
    if (rc != 0) {
        fprintf(stderr, "panalyze run: %s\n", pa_last_error()[0] ? pa_last_error() : pa_strerror(rc));
        status = CLI_SOME_FAILED;
    }
    if (s.dssp && s.ss) /* the run summary: predictor against the structures read */
        fprintf(stderr, "panalyze run: Q3 %.4f (predicted vs DSSP, %zu residues in %zu chains)\n",
                s.q3_compared ? (double)s.q3_correct / (double)s.q3_compared : 0.0, s.q3_compared,
                s.q3_chains);
    if (a.metrics_file && write_metrics(a.metrics_file, m) != 0)
        status = CLI_SOME_FAILED;
    status = longrun_end(&a.lr, "panalyze run", m, status);
    pa_metrics_free(m);
    pa_seqlist_free(refs);
    pa_refindex_free(ix);
    free_args(&a);
    return status;
}
