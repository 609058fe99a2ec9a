/* cmd_dssp.c — panalyze dssp: secondary structure from coordinates (DSSP 4), as the
 * classic DSSP file of one structure or one TSV line per chain for many files.
 * The tsv format takes its inputs through the walk (FILE|DIR...|--from LIST) and,
 * with --threads, prints each block of files in input order as they complete. */
#define _POSIX_C_SOURCE 200809L
#include "cli.h"
#include "signals.h"
#include "walk.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static void usage(FILE *f)
{
    fprintf(f,
            "usage: panalyze dssp [options] FILE            classic DSSP output\n"
            "       panalyze dssp --format tsv [options] FILE|DIR...|--from LIST\n\n"
            "Assign secondary structure from coordinates as DSSP 4 (mkdssp 4.2) does.\n"
            "  --format F     dssp (default; one FILE: the fixed columns of mkdssp's classic\n"
            "                 DSSP output) or tsv: one line per protein chain and\n"
            "                 model, columns path, model, chain, observed, ss8 (ss8 aligned\n"
            "                 with the observed sequence: H G I E B T S P, '-' for none or\n"
            "                 for residues DSSP cannot assess)\n"
            "  --seqres       tsv: also the columns mask (1 where DSSP assessed the observed\n"
            "                 residue), seqres (full SEQRES / entity sequence, '' if none),\n"
            "                 ss8_seqres and mask_seqres (the same on SEQRES positions; 0 and\n"
            "                 '-' for residues not observed or not assessed)\n"
            "  --threads N    files processed in parallel (default 1); output in input\n"
            "                 order, printed as the files complete\n"
            "  --model K      only model K (1-based index; default: tsv every model,\n"
            "                 dssp the first)\n"
            "  --altloc A     all (default: every conformer, as mkdssp reads them) or first\n"
            "  --no-acc       dssp format: skip the solvent accessibility (ACC 0; faster);\n"
            "                 the tsv format never computes it\n"
            "tsv inputs:\n"
            "%s"
            "  --files LIST       the older name of --from\n"
            "Exit status: 0 all files read, 1 some failed (reported on stderr), 2 usage,\n"
            "130/143 interrupted (SIGINT/SIGTERM: files in flight finish, whole lines only).\n",
            walk_help);
}

typedef struct {
    int tsv, acc, altloc_first, seqres;
    long model; /* 0: default */
    long threads;
} job;

static char *dupmsg(const char *path, int rc)
{
    const char *msg = pa_last_error()[0] ? pa_last_error() : pa_strerror(rc);
    size_t n = strlen(path) + strlen(msg) + 8;
    char *s = malloc(n);
    if (s)
        snprintf(s, n, "%s%s%s", strstr(msg, path) ? "" : path, strstr(msg, path) ? "" : ": ", msg);
    return s;
}

/* --seqres columns: mask over observed, then seqres, ss8 and mask on SEQRES positions. */
static int seqres_columns(const pa_dssp *d, const pa_chain_seq *c, const char *ss, FILE *out)
{
    char *m = malloc(c->n_observed + 1), *s8 = malloc(c->seqres_len + 1), *ms = malloc(c->seqres_len + 1);
    if (!m || !s8 || !ms) {
        free(m), free(s8), free(ms);
        return PA_ENOMEM;
    }
    memset(s8, '-', c->seqres_len);
    memset(ms, '0', c->seqres_len);
    for (size_t k = 0; k < c->n_observed; k++) {
        int assessed = pa_dssp_find(d, c->residue[k]) >= 0;
        m[k] = assessed ? '1' : '0';
        int32_t at = c->map ? c->map[k] : -1;
        if (assessed && at >= 0 && (size_t)at < c->seqres_len)
            s8[at] = ss[k], ms[at] = '1';
    }
    m[c->n_observed] = s8[c->seqres_len] = ms[c->seqres_len] = '\0';
    fprintf(out, "\t%s\t%s\t%s\t%s", m, c->seqres, s8, ms);
    free(m), free(s8), free(ms);
    return 0;
}

/* Append one TSV line per protein chain of model index m. */
static int tsv_model(const char *path, const pa_structure *s, unsigned m, const pa_dssp_opts *o,
                     int seqres, pa_diags *diags, FILE *out)
{
    pa_dssp_opts mo = *o;
    mo.model = m;
    pa_dssp *d;
    int rc = pa_dssp_compute(s, &mo, &d, diags);
    if (rc)
        return rc;
    pa_seqset_opts so = PA_SEQSET_OPTS_INIT;
    so.model = m;
    pa_seqset *q;
    if ((rc = pa_sequence_extract(s, &so, &q)) == 0) {
        pa_model_info mi;
        pa_structure_model(s, m, &mi);
        for (size_t i = 0; rc == 0 && i < pa_seqset_count(q); i++) {
            pa_chain_seq c;
            if ((rc = pa_seqset_get(q, i, &c)) || c.polymer_type != PA_POLY_PROTEIN || !c.n_observed)
                continue;
            char *ss = malloc(c.n_observed + 1);
            if (!ss || (rc = pa_dssp_chain_ss8(d, &c, ss, c.n_observed + 1)) != 0) {
                free(ss);
                rc = rc ? rc : PA_ENOMEM;
                break;
            }
            fprintf(out, "%s\t%d\t%s\t%s\t%s", path, mi.number, c.auth_id, c.observed, ss);
            if (seqres)
                rc = seqres_columns(d, &c, ss, out);
            fputc('\n', out);
            free(ss);
        }
        pa_seqset_free(q);
    }
    pa_dssp_free(d);
    return rc;
}

static int tsv_file(const job *j, const char *path, const pa_structure *s, pa_diags *diags, FILE *out)
{
    pa_dssp_opts o = PA_DSSP_OPTS_INIT;
    o.accessibility = 0; /* no ACC column, and the letters do not depend on it */
    size_t nm = pa_structure_model_count(s);
    if (j->model > 0)
        return tsv_model(path, s, (unsigned)(j->model - 1), &o, j->seqres, diags, out);
    int rc = 0;
    for (size_t m = 0; rc == 0 && m < nm; m++)
        rc = tsv_model(path, s, (unsigned)m, &o, j->seqres, diags, out);
    return rc;
}

static int classic_file(const job *j, const pa_structure *s, pa_diags *diags, FILE *out)
{
    pa_dssp_opts o = PA_DSSP_OPTS_INIT;
    o.accessibility = j->acc;
    o.model = j->model > 0 ? (unsigned)(j->model - 1) : 0;
    pa_dssp *d;
    int rc = pa_dssp_compute(s, &o, &d, diags);
    if (rc)
        return rc;
    char *text;
    size_t len;
    if ((rc = pa_dssp_format_classic(d, s, &text, &len)) == 0) {
        fwrite(text, 1, len, out);
        pa_free(text);
    }
    pa_dssp_free(d);
    return rc;
}

/* Files of one block: worked on in parallel, printed in input order as they complete. */
enum { PENDING, DONE, SKIPPED };
typedef struct {
    const job *j;
    pa_cancel_token *tok; /* tripped by the signal handler */
    char **paths;
    size_t n, next; /* next: first file not printed yet */
    char **out;     /* per file: text to print (NULL on failure) */
    char **err;     /* per file: error message */
    unsigned char *state;
    int failed, halted; /* halted: a skipped file ends the block's printing */
    pthread_mutex_t mu;
} block;

/* One file into a memory stream (whole lines, printed later in order). */
static void one_file(block *b, size_t k)
{
    const char *path = b->paths[k];
    pa_reader_opts ro = PA_READER_OPTS_INIT;
    ro.altloc = b->j->altloc_first ? PA_ALTLOC_FIRST : PA_ALTLOC_ALL;
    pa_diags *diags = NULL;
    pa_structure *s = NULL;
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    int rc = out ? pa_diags_new(&diags) : PA_ENOMEM;
    if (rc == 0 && (rc = pa_structure_read(path, &ro, &s, diags)) == 0)
        rc = b->j->tsv ? tsv_file(b->j, path, s, diags, out) : classic_file(b->j, s, diags, out);
    if (out)
        fclose(out);
    if (rc) {
        b->err[k] = dupmsg(path, rc);
        free(buf);
    } else {
        b->out[k] = buf ? buf : strdup("");
    }
    pa_structure_free(s);
    pa_diags_free(diags);
}

/* Print the files done at the head of the block, in order. Called with b->mu held. */
static void drain(block *b)
{
    size_t before = b->next;
    while (!b->halted && b->next < b->n && b->state[b->next] != PENDING) {
        size_t k = b->next++;
        if (b->state[k] == SKIPPED) {
            b->halted = 1;
        } else if (b->out[k]) {
            fputs(b->out[k], stdout);
        } else {
            fprintf(stderr, "panalyze dssp: %s\n", b->err[k] ? b->err[k] : "out of memory");
            b->failed = 1;
        }
        free(b->out[k]), free(b->err[k]);
        b->out[k] = b->err[k] = NULL;
    }
    if (b->next != before)
        fflush(stdout);
}

static int run_range(void *ctx, size_t lo, size_t hi, int worker)
{
    (void)worker;
    block *b = ctx;
    for (size_t k = lo; k < hi; k++) {
        int skip = pa_cancel_token_cancelled(b->tok); /* interrupted: admit no more files */
        if (!skip)
            one_file(b, k);
        pthread_mutex_lock(&b->mu);
        b->state[k] = skip ? SKIPPED : DONE;
        drain(b);
        pthread_mutex_unlock(&b->mu);
    }
    return 0;
}

/* Work on paths[0..n) (serially when ex is NULL) and print them; 1 when one failed. */
static int run_block(const job *j, pa_executor *ex, pa_cancel_token *tok, char **paths, size_t n)
{
    block b = {.j = j, .tok = tok, .paths = paths, .n = n};
    b.out = calloc(n ? n : 1, sizeof *b.out);
    b.err = calloc(n ? n : 1, sizeof *b.err);
    b.state = calloc(n ? n : 1, 1);
    int rc = b.out && b.err && b.state ? pthread_mutex_init(&b.mu, NULL) : -1;
    if (rc == 0) {
        rc = ex ? pa_parallel_for_cancel(ex, 0, n, 1, run_range, &b, tok) : run_range(&b, 0, n, 0);
        pthread_mutex_destroy(&b.mu);
    }
    if (rc && !sig_caught())
        fprintf(stderr, "panalyze dssp: %s\n", rc == -1 ? "out of memory" : pa_strerror(rc));
    for (size_t k = 0; b.out && b.err && k < n; k++) /* left by an interruption */
        free(b.out[k]), free(b.err[k]);
    free(b.out), free(b.err), free(b.state);
    return b.failed || (rc && !sig_caught());
}

/* The walk's paths in blocks: small first (the first lines come soon), then larger
 * (fewer waits for a block's slowest file); memory is bounded by one block. */
static int run_walk(const job *j, walk *w, pa_executor *ex, pa_cancel_token *tok)
{
    size_t per = ex ? (size_t)j->threads : 1, block_max = 64 * per, want = 2 * per, cap = 0;
    char **paths = NULL;
    int failed = 0;
    while (!sig_caught()) {
        size_t n = 0;
        if (walk_next_block(w, &paths, &n, &cap, want) < 0) {
            fprintf(stderr, "panalyze dssp: out of memory\n");
            failed = 1;
            break;
        }
        if (n == 0)
            break;
        failed |= run_block(j, ex, tok, paths, n);
        for (size_t k = 0; k < n; k++)
            free(paths[k]);
        want = want < block_max ? 2 * want : block_max;
    }
    free(paths);
    return failed;
}

static int parse_opt(int argc, char **argv, int *i, job *j)
{
    const char *a = argv[*i];
    int more = *i + 1 < argc;
    if (!strcmp(a, "--no-acc")) {
        j->acc = 0;
    } else if (!strcmp(a, "--seqres")) {
        j->seqres = 1;
    } else if (!strcmp(a, "--format") && more) {
        const char *f = argv[++*i];
        if (strcmp(f, "tsv") && strcmp(f, "dssp")) {
            fprintf(stderr, "panalyze dssp: unknown format '%s' (dssp, tsv)\n", f);
            return -1;
        }
        j->tsv = !strcmp(f, "tsv");
    } else if (!strcmp(a, "--threads") && more) {
        if ((j->threads = cli_parse_long(a, argv[++*i], 1, 1024)) < 0)
            return -1;
    } else if (!strcmp(a, "--model") && more) {
        if ((j->model = cli_parse_long(a, argv[++*i], 1, 1000000)) < 0)
            return -1;
    } else if (!strcmp(a, "--altloc") && more) {
        const char *v = argv[++*i];
        if (strcmp(v, "all") && strcmp(v, "first")) {
            fprintf(stderr, "panalyze dssp: --altloc takes all or first\n");
            return -1;
        }
        j->altloc_first = !strcmp(v, "first");
    } else {
        fprintf(stderr, "panalyze dssp: unknown or incomplete option '%s'\n", a);
        return -1;
    }
    return 0;
}

/* Options; returns the index of the first FILE, -1 (usage error) or -2 (--help). */
static int parse_args(int argc, char **argv, job *j)
{
    int i = 1;
    for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
        if (!strcmp(argv[i], "--"))
            return i + 1;
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
            return -2;
        if (parse_opt(argc, argv, &i, j))
            return -1;
    }
    return i;
}

/* The classic format: exactly one FILE argument, no lists or directories. 0 or -1 (reported). */
static int one_input(walk *w, int first, int argc, char **argv)
{
    struct stat sb;
    if (argc - first == 1 && walk_empty(w) && !(stat(argv[first], &sb) == 0 && S_ISDIR(sb.st_mode)))
        return 0;
    fprintf(stderr, argc > first || !walk_empty(w)
                        ? "panalyze dssp: the dssp format takes one FILE (use --format tsv)\n"
                        : "panalyze dssp: no input files\n");
    return -1;
}

static int dssp_main(int argc, char **argv, walk *w)
{
    job j = {.acc = 1, .threads = 1};
    int first = parse_args(argc, argv, &j);
    if (first == -2) {
        usage(stdout);
        return CLI_OK;
    }
    if (first < 0 || (j.tsv ? walk_add_args(w, first, argc, argv) : one_input(w, first, argc, argv)) < 0) {
        usage(stderr);
        return CLI_USAGE;
    }
    pa_cancel_token *tok = NULL;
    pa_executor *ex = NULL;
    pa_executor_opts eo = PA_EXECUTOR_OPTS_INIT;
    eo.threads = (int)j.threads;
    if (pa_cancel_token_new(&tok) || (j.threads > 1 && pa_executor_new(&ex, &eo))) {
        fprintf(stderr, "panalyze dssp: %s\n", pa_last_error());
        pa_cancel_token_free(tok);
        return CLI_SOME_FAILED;
    }
    sig_install(tok); /* the first signal stops admitting files; a second exits at once */
    int failed;
    if (j.tsv) {
        fputs(j.seqres ? "path\tmodel\tchain\tobserved\tss8\tmask\tseqres\tss8_seqres\tmask_seqres\n"
                       : "path\tmodel\tchain\tobserved\tss8\n",
              stdout);
        failed = run_walk(&j, w, ex, tok) || walk_errors(w);
    } else {
        failed = run_block(&j, NULL, tok, &argv[first], 1);
    }
    fflush(stdout);
    pa_executor_free(ex);
    int status = sig_end(failed ? CLI_SOME_FAILED : CLI_OK);
    pa_cancel_token_free(tok);
    return status;
}

/* Options taking a value, so that an alias is never taken for one. */
static int takes_value(const char *a)
{
    static const char *const with_value[] = {"--format", "--threads", "--model",  "--altloc",
                                             "--include", "--exclude", "--from", "--files"};
    for (size_t k = 0; k < sizeof with_value / sizeof with_value[0]; k++)
        if (!strcmp(a, with_value[k]))
            return 1;
    return 0;
}

/* --files LIST (issue 16) is kept as the older name of the walk's --from LIST. */
static void alias_files(int argc, char **argv)
{
    static char from[] = "--from";
    for (int i = 1; i < argc && strcmp(argv[i], "--"); i++) {
        if (!strcmp(argv[i], "--files"))
            argv[i] = from;
        if (takes_value(argv[i]))
            i++;
    }
}

int cmd_dssp(int argc, char **argv)
{
    alias_files(argc, argv);
    return walk_main("panalyze dssp", argc, argv, dssp_main);
}
