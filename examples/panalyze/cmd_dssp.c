/* cmd_dssp.c — panalyze dssp: secondary structure from coordinates (DSSP 4), as the
 * classic DSSP file of one structure or one TSV line per chain for many files.
 * The tsv format takes its inputs through the walk (FILE|DIR...|--from LIST) and,
 * with --threads, prints the files in input order as they complete. */
#define _POSIX_C_SOURCE 200809L
#include "cli.h"
#include "signals.h"
#include "walk.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

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

/* One file's result: the text to print, or the error message (NULL, NULL: out of memory). */
typedef struct {
    char *out, *err;
    int done;
} slot;

/* One file into a memory stream (whole lines, printed later in input order). */
static void one_file(const job *j, const char *path, slot *r)
{
    pa_reader_opts ro = PA_READER_OPTS_INIT;
    ro.altloc = j->altloc_first ? PA_ALTLOC_FIRST : PA_ALTLOC_ALL;
    pa_diags *diags = NULL;
    pa_structure *s = NULL;
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    int rc = out ? pa_diags_new(&diags) : PA_ENOMEM;
    if (rc == 0 && (rc = pa_structure_read(path, &ro, &s, diags)) == 0)
        rc = j->tsv ? tsv_file(j, path, s, diags, out) : classic_file(j, s, diags, out);
    if (out)
        fclose(out);
    if (rc) {
        r->err = dupmsg(path, rc);
        free(buf);
    } else {
        r->out = buf ? buf : strdup("");
    }
    pa_structure_free(s);
    pa_diags_free(diags);
}

/* Print a result and free it; 1 when it was a failure. */
static int print_slot(slot *r)
{
    int failed = !r->out;
    if (r->out)
        fputs(r->out, stdout);
    else
        fprintf(stderr, "panalyze dssp: %s\n", r->err ? r->err : "out of memory");
    free(r->out), free(r->err);
    *r = (slot){0};
    return failed;
}

/* The walk's files on N workers, each taking the next path as it finishes one, and
 * printed in input order as they complete. At most `window` files are taken and not yet
 * printed, so memory stays bounded on long lists and a slow file holds back only the
 * printing, not the other workers (until the window is full). */
typedef struct {
    const job *j;
    pa_cancel_token *tok; /* tripped by the signal handler: take no more files */
    walk *w;
    pthread_mutex_t in;   /* the walk (it may wait for a list on a pipe) */
    pthread_mutex_t mu;   /* the ring and the printing */
    pthread_cond_t room;  /* a slot was printed */
    slot *ring;
    size_t window, taken, next; /* next: first file not printed yet */
    int failed, end;
} stream;

/* Print the completed files at the head of the ring. Called with s->mu held. */
static void drain(stream *s)
{
    size_t before = s->next;
    while (s->next < s->taken && s->ring[s->next % s->window].done)
        s->failed |= print_slot(&s->ring[s->next++ % s->window]);
    if (s->next != before) {
        fflush(stdout);
        pthread_cond_broadcast(&s->room);
    }
}

/* Wait (s->mu held) until the window has room; 0, or -1 when interrupted meanwhile. */
static int wait_room(stream *s)
{
    while (s->taken - s->next >= s->window) {
        if (pa_cancel_token_cancelled(s->tok))
            return -1;
        struct timespec t; /* the handler cannot signal the condition: look again soon */
        clock_gettime(CLOCK_REALTIME, &t);
        t.tv_nsec += 100000000;
        t.tv_sec += t.tv_nsec / 1000000000;
        t.tv_nsec %= 1000000000;
        pthread_cond_timedwait(&s->room, &s->mu, &t);
    }
    return 0;
}

/* The next path and its slot index, or NULL at the end of the input or after a signal. */
static char *take(stream *s, size_t *k)
{
    pthread_mutex_lock(&s->in);
    char *path = NULL;
    pthread_mutex_lock(&s->mu);
    int ok = !s->end && !pa_cancel_token_cancelled(s->tok) && wait_room(s) == 0;
    pthread_mutex_unlock(&s->mu);
    if (ok && !(path = walk_next(s->w)))
        s->end = 1;
    if (path) {
        pthread_mutex_lock(&s->mu);
        *k = s->taken++;
        pthread_mutex_unlock(&s->mu);
    }
    pthread_mutex_unlock(&s->in);
    return path;
}

static int worker(void *ctx, size_t lo, size_t hi, int w)
{
    (void)lo, (void)hi, (void)w;
    stream *s = ctx;
    size_t k;
    for (char *path; (path = take(s, &k)); free(path)) {
        slot r = {0};
        one_file(s->j, path, &r);
        pthread_mutex_lock(&s->mu);
        s->ring[k % s->window] = r;
        s->ring[k % s->window].done = 1;
        drain(s);
        pthread_mutex_unlock(&s->mu);
    }
    return 0;
}

/* Every file of the walk; 1 when one failed. ex NULL: on this thread. */
static int run_walk(const job *j, walk *w, pa_executor *ex, pa_cancel_token *tok)
{
    stream s = {.j = j, .tok = tok, .w = w, .window = ex ? 16 * (size_t)j->threads : 1};
    if (!(s.ring = calloc(s.window, sizeof *s.ring)) || pthread_mutex_init(&s.in, NULL)) {
        free(s.ring);
        fprintf(stderr, "panalyze dssp: out of memory\n");
        return 1;
    }
    pthread_mutex_init(&s.mu, NULL);
    pthread_cond_init(&s.room, NULL);
    int rc = ex ? pa_parallel_for(ex, 0, (size_t)j->threads, 1, worker, &s) : worker(&s, 0, 1, 0);
    if (rc)
        fprintf(stderr, "panalyze dssp: %s\n", pa_strerror(rc));
    pthread_cond_destroy(&s.room);
    pthread_mutex_destroy(&s.mu);
    pthread_mutex_destroy(&s.in);
    free(s.ring);
    return s.failed || rc;
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
    for (; cli_is_option(argc, argv, &i); i++) {
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
        slot r = {0};
        one_file(&j, argv[first], &r);
        failed = print_slot(&r);
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
