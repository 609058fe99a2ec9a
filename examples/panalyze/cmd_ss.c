/* cmd_ss.c — panalyze ss: secondary structure (H/E/C) of FASTA records or of the protein
 * chains of structure files, with the built-in model or an ONNX file. */
#include "cli.h"
#include "walk.h"

#include <stdlib.h>
#include <string.h>

static void usage(FILE *f)
{
    fprintf(f,
            "usage: panalyze ss [--model FILE.onnx] [--threads N] [--batch B] [--probs] "
            "[--ss8] [--precision P]\n"
            "                   [--format tsv] [--strict] [--include GLOB] [--exclude GLOB]\n"
            "                   INPUT|DIR...|--from LIST\n\n"
            "Predict 3-state secondary structure (H helix, E strand, C other) from sequence.\n"
            "INPUT is FASTA (plain, gzip or zstd) or a PDB/mmCIF/PDBML structure file, whose\n"
            "protein chains' observed sequences are used (id = file_chain).\n"
            "  --model FILE   ONNX model (ids int64 [B,L] -> probabilities [B,L,3]);\n"
            "                 default: the built-in model\n"
            "  --threads N    worker threads (default 1)\n"
            "  --batch B      sequences per model run (default 32)\n"
            "  --probs        add prob_H, prob_E, prob_C columns (comma-separated per residue)\n"
            "  --ss8          add an ss8 column after ss3: 8-state DSSP letters (HGIEBTSC) from\n"
            "                 the model's second output (the built-in model has one)\n"
            "  --precision P  fp32 (default), bf16 or int8 arithmetic for the convolutions;\n"
            "                 runs fp32 where this CPU has no faster path for P\n"
            "  --format tsv   output format (the only one): id, seq, ss3[, ss8][, probs]\n"
            "  --strict       FASTA characters that are not residue letters (gaps '-' '.',\n"
            "                 an inner '*') are errors; default: removed with a warning\n"
            "%s"
            "Exit status: 0 all inputs read, 1 some failed (reported on stderr), 2 usage.\n",
            walk_help);
}

typedef struct {
    char **id, **seq;
    size_t n, cap;
} seq_table;

static int table_add(seq_table *t, const char *id, const char *seq)
{
    if (t->n == t->cap) {
        size_t nc = t->cap ? 2 * t->cap : 256;
        char **ni = realloc(t->id, nc * sizeof *ni), **ns;
        if (!ni)
            return -1;
        t->id = ni;
        if (!(ns = realloc(t->seq, nc * sizeof *ns)))
            return -1;
        t->seq = ns;
        t->cap = nc;
    }
    t->id[t->n] = strdup(id);
    t->seq[t->n] = strdup(seq);
    if (!t->id[t->n] || !t->seq[t->n])
        return -1;
    t->n++;
    return 0;
}

static void table_free(seq_table *t)
{
    for (size_t i = 0; i < t->n; i++) {
        free(t->id[i]);
        free(t->seq[i]);
    }
    free(t->id);
    free(t->seq);
}

static int is_fasta_name(const char *p)
{
    static const char *ext[] = {".fa", ".fasta", ".faa", ".fas", ".fa.gz", ".fasta.gz",
                                ".faa.gz", ".fa.zst", ".fasta.zst"};
    size_t l = strlen(p);
    for (size_t i = 0; i < sizeof ext / sizeof ext[0]; i++) {
        size_t e = strlen(ext[i]);
        if (l > e && !strcmp(p + l - e, ext[i]))
            return 1;
    }
    return 0;
}

static int add_structure(const char *path, seq_table *t)
{
    pa_structure *s;
    pa_reader_opts ro = PA_READER_OPTS_INIT;
    ro.first_model_only = 1;
    pa_diags *d = NULL;
    if (pa_diags_new(&d))
        return PA_ENOMEM;
    int rc = pa_structure_read(path, &ro, &s, d);
    if (rc) {
        cli_print_diags(d, PA_SEV_ERROR);
        rc = pa_diags_count_at_least(d, PA_SEV_ERROR) ? CLI_REPORTED : rc;
        pa_diags_free(d);
        return rc;
    }
    pa_diags_free(d);
    pa_seqset *q;
    if ((rc = pa_sequence_extract(s, NULL, &q)) == 0) {
        char base[256], id[512];
        cli_base_name(path, base, sizeof base);
        for (size_t i = 0; i < pa_seqset_count(q) && !rc; i++) {
            pa_chain_seq c;
            if ((rc = pa_seqset_get(q, i, &c)))
                break;
            if (c.polymer_type != PA_POLY_PROTEIN || !c.n_observed)
                continue;
            snprintf(id, sizeof id, "%s_%s", base, c.auth_id);
            if (table_add(t, id, c.observed))
                rc = PA_ENOMEM;
        }
        pa_seqset_free(q);
    }
    pa_structure_free(s);
    return rc;
}

/* FASTA first; anything the FASTA reader rejects is tried as a structure file. */
static int add_input(const char *path, int strict, seq_table *t)
{
    pa_seqlist *l;
    int rc = cli_read_fasta(path, strict, &l);
    if (rc == 0) {
        for (size_t i = 0; i < pa_seqlist_count(l) && !rc; i++) {
            pa_seq_record r;
            if ((rc = pa_seqlist_get(l, i, &r)) == 0 && table_add(t, r.id, r.seq))
                rc = PA_ENOMEM;
        }
        pa_seqlist_free(l);
        return rc;
    }
    if (rc != PA_EFORMAT || is_fasta_name(path))
        return rc;
    return add_structure(path, t);
}

static void print_probs(const float *p, size_t len, int k)
{
    putchar('\t');
    for (size_t j = 0; j < len; j++)
        printf(j ? ",%.3f" : "%.3f", p[3 * j + k]);
}

static int ss_main(int argc, char **argv, walk *w)
{
    const char *model_path = NULL;
    long threads = 1, batch = 32;
    int probs = 0, ss8 = 0, strict = 0, i = 1;
    pa_model_opts mo = PA_MODEL_OPTS_INIT;
    for (; cli_is_option(argc, argv, &i); i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage(stdout);
            return CLI_OK;
        } else if (!strcmp(a, "--probs")) {
            probs = 1;
        } else if (!strcmp(a, "--strict")) {
            strict = 1;
        } else if (!strcmp(a, "--ss8")) {
            ss8 = 1;
        } else if (!strcmp(a, "--precision") && i + 1 < argc) {
            if (pa_precision_parse(argv[++i], &mo.precision)) {
                fprintf(stderr, "panalyze ss: %s\n", pa_last_error());
                return CLI_USAGE;
            }
        } else if (!strcmp(a, "--model") && i + 1 < argc) {
            model_path = argv[++i];
        } else if (!strcmp(a, "--threads") && i + 1 < argc) {
            if ((threads = cli_parse_long(a, argv[++i], 1, 1024)) < 0)
                return CLI_USAGE;
        } else if (!strcmp(a, "--batch") && i + 1 < argc) {
            if ((batch = cli_parse_long(a, argv[++i], 1, 65536)) < 0)
                return CLI_USAGE;
        } else if (!strcmp(a, "--format") && i + 1 < argc) {
            if (strcmp(argv[++i], "tsv")) {
                fprintf(stderr, "panalyze ss: unknown format '%s' (tsv)\n", argv[i]);
                return CLI_USAGE;
            }
        } else {
            fprintf(stderr, "panalyze ss: unknown or incomplete option '%s'\n", a);
            usage(stderr);
            return CLI_USAGE;
        }
    }
    if (walk_add_args(w, i, argc, argv) < 0) {
        usage(stderr);
        return CLI_USAGE;
    }
    pa_model *m = NULL;
    int rc = model_path ? pa_model_load(&m, model_path, &mo) : pa_model_load_default_opts(&m, &mo);
    if (rc) {
        fprintf(stderr, "panalyze ss: %s\n", pa_last_error());
        return CLI_SOME_FAILED;
    }
    int failed = 0;
    seq_table t = {0};
    for (char *p; (p = walk_next(w)); free(p))
        if ((rc = add_input(p, strict, &t)) == CLI_REPORTED) {
            failed = 1;
        } else if (rc) {
            const char *msg = pa_last_error()[0] ? pa_last_error() : pa_strerror(rc);
            fprintf(stderr, "panalyze ss: %s%s%s\n", strstr(msg, p) ? "" : p,
                    strstr(msg, p) ? "" : ": ", msg);
            failed = 1;
        }
    failed |= walk_errors(w) != 0;
    pa_executor *ex = NULL;
    pa_executor_opts eo = PA_EXECUTOR_OPTS_INIT;
    eo.threads = (int)threads;
    pa_ss_opts o = PA_SS_OPTS_INIT;
    o.batch = (int)batch;
    o.probs = probs;
    o.ss8 = ss8;
    pa_ss_result *res = NULL;
    if (threads > 1 && (rc = pa_executor_new(&ex, &eo)))
        fprintf(stderr, "panalyze ss: %s\n", pa_last_error());
    else if ((o.executor = ex, rc = pa_predict_ss(m, (const char *const *)t.seq, t.n, &o, &res)))
        fprintf(stderr, "panalyze ss: %s\n", pa_last_error());
    if (rc)
        failed = 1;
    if (res) {
        printf("id\tseq\tss3%s%s\n", ss8 ? "\tss8" : "", probs ? "\tprob_H\tprob_E\tprob_C" : "");
        for (size_t k = 0; k < res->n; k++) {
            printf("%s\t%s\t%s", t.id[k], t.seq[k], res->ss3[k]);
            if (ss8)
                printf("\t%s", res->ss8[k]);
            for (int c = 0; probs && c < 3; c++)
                print_probs(res->prob[k], res->len[k], c);
            putchar('\n');
        }
    }
    pa_ss_result_free(res);
    pa_executor_free(ex);
    pa_model_free(m);
    table_free(&t);
    fflush(stdout);
    return failed ? CLI_SOME_FAILED : CLI_OK;
}

int cmd_ss(int argc, char **argv)
{
    return walk_main("panalyze ss", argc, argv, ss_main);
}
