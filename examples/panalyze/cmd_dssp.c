/* cmd_dssp.c — panalyze dssp: secondary structure from coordinates (DSSP 4), as the
 * classic DSSP file of one structure or one TSV line per chain for many files. */
#define _POSIX_C_SOURCE 200809L
#include "cli.h"

#include <stdlib.h>
#include <string.h>

static void usage(FILE *f)
{
    fprintf(f,
            "usage: panalyze dssp [options] FILE            classic DSSP output\n"
            "       panalyze dssp --format tsv [options] FILE...\n\n"
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
            "  --threads N    files processed in parallel (default 1)\n"
            "  --model K      only model K (1-based index; default: tsv every model,\n"
            "                 dssp the first)\n"
            "  --altloc A     all (default: every conformer, as mkdssp reads them) or first\n"
            "  --no-acc       dssp format: skip the solvent accessibility (ACC 0; faster);\n"
            "                 the tsv format never computes it\n"
            "  --files LIST   also read paths from LIST (one per line)\n"
            "Exit status: 0 all files read, 1 some failed (reported on stderr), 2 usage.\n");
}

typedef struct {
    char **paths;
    size_t n;
    int tsv, acc, altloc_first, seqres;
    long model; /* 0: default */
    char **out; /* per file: text to print (NULL on failure) */
    char **err; /* per file: error message */
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

/* One file into a memory stream, so that parallel files print in input order. */
static int one_file(job *j, size_t k)
{
    const char *path = j->paths[k];
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
        j->err[k] = dupmsg(path, rc);
        free(buf);
    } else {
        j->out[k] = buf ? buf : strdup("");
    }
    pa_structure_free(s);
    pa_diags_free(diags);
    return 0;
}

static int run_range(void *ctx, size_t lo, size_t hi, int worker)
{
    (void)worker;
    for (size_t k = lo; k < hi; k++)
        one_file(ctx, k);
    return 0;
}

static int run_all(job *j, long threads)
{
    j->out = calloc(j->n ? j->n : 1, sizeof *j->out);
    j->err = calloc(j->n ? j->n : 1, sizeof *j->err);
    if (!j->out || !j->err)
        return PA_ENOMEM;
    if (threads <= 1)
        return run_range(j, 0, j->n, 0);
    pa_executor_opts eo = PA_EXECUTOR_OPTS_INIT;
    eo.threads = (int)threads;
    pa_executor *ex;
    int rc = pa_executor_new(&ex, &eo);
    if (rc == 0) {
        rc = pa_parallel_for(ex, 0, j->n, 1, run_range, j);
        pa_executor_free(ex);
    }
    return rc;
}

static int report(job *j)
{
    int failed = 0;
    if (j->tsv)
        fputs(j->seqres ? "path\tmodel\tchain\tobserved\tss8\tmask\tseqres\tss8_seqres\tmask_seqres\n"
                        : "path\tmodel\tchain\tobserved\tss8\n",
              stdout);
    for (size_t k = 0; k < j->n; k++) {
        if (j->out[k])
            fputs(j->out[k], stdout);
        else {
            fprintf(stderr, "panalyze dssp: %s\n", j->err[k] ? j->err[k] : "out of memory");
            failed = 1;
        }
        free(j->out[k]);
        free(j->err[k]);
    }
    return failed;
}

static int parse_opt(int argc, char **argv, int *i, job *j, long *threads, size_t *cap)
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
        if ((*threads = cli_parse_long(a, argv[++*i], 1, 1024)) < 0)
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
    } else if (!strcmp(a, "--files") && more) {
        if (cli_read_list(argv[++*i], &j->paths, &j->n, cap))
            return -1;
    } else {
        fprintf(stderr, "panalyze dssp: unknown or incomplete option '%s'\n", a);
        usage(stderr);
        return -1;
    }
    return 0;
}

static int add_path(job *j, size_t *cap, const char *p)
{
    if (j->n == *cap) {
        size_t nc = *cap ? 2 * *cap : 64;
        char **np = realloc(j->paths, nc * sizeof *np);
        if (!np)
            return -1;
        j->paths = np;
        *cap = nc;
    }
    return (j->paths[j->n++] = strdup(p)) ? 0 : -1;
}

static void free_paths(job *j)
{
    for (size_t k = 0; k < j->n; k++)
        free(j->paths[k]);
    free(j->paths);
    free(j->out);
    free(j->err);
}

int cmd_dssp(int argc, char **argv)
{
    job j = {.acc = 1};
    long threads = 1;
    size_t cap = 0;
    int i = 1, rc = CLI_OK;
    for (; i < argc && argv[i][0] == '-' && argv[i][1] && rc == CLI_OK; i++) {
        if (!strcmp(argv[i], "--")) {
            i++;
            break;
        }
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            usage(stdout);
            free_paths(&j);
            return CLI_OK;
        }
        if (parse_opt(argc, argv, &i, &j, &threads, &cap))
            rc = CLI_USAGE;
    }
    for (; rc == CLI_OK && i < argc; i++)
        if (add_path(&j, &cap, argv[i]))
            rc = CLI_SOME_FAILED;
    if (rc == CLI_OK && (j.n == 0 || (!j.tsv && j.n != 1))) {
        fprintf(stderr, j.n ? "panalyze dssp: the dssp format takes one FILE (use --format tsv)\n"
                            : "panalyze dssp: no input files\n");
        usage(stderr);
        rc = CLI_USAGE;
    }
    if (rc == CLI_OK && run_all(&j, threads)) {
        fprintf(stderr, "panalyze dssp: %s\n", pa_last_error());
        rc = CLI_SOME_FAILED;
    }
    if (rc == CLI_OK && report(&j))
        rc = CLI_SOME_FAILED;
    free_paths(&j);
    fflush(stdout);
    return rc;
}
