/* cmd_map.c — panalyze index (build a reference index file) and panalyze map (search
 * queries against an index or a FASTA, TSV of significant hits, best first per query). */
#include "cli.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static void index_usage(FILE *out)
{
    fprintf(out,
            "usage: panalyze index REFS.fasta -o REFS.pai [--k K]\n"
            "  REFS.fasta: FASTA (plain, gzip or zstd) of the references\n"
            "  -o, --output F   index file to write\n"
            "  --k K            k-mer length of the prefilter, 4..6 (auto: 5)\n");
}

static void map_usage(FILE *out)
{
    fprintf(out,
            "usage: panalyze map [options] QUERIES... REFS.pai|REFS.fasta\n"
            "  QUERIES: FASTA (plain, gzip or zstd) or structure files (the chains' observed\n"
            "  sequences, named FILE_CHAIN); REFS: an index from 'panalyze index' or a FASTA\n"
            "  (indexed in memory)\n"
            "  --threads N        executor threads (all cores)\n"
            "  --evalue E         report hits with E-value <= E (1e-3)\n"
            "  --top K            at most K hits per query, best first (10; 0: all)\n"
            "  --min-coverage C   minimum query coverage in [0, 1] (0)\n"
            "  --sensitivity S    fast, default, high or exhaustive (align every reference):\n"
            "                     similar k-mers scoring >= 21, 19, 18 (BLOSUM62; one more\n"
            "                     from 2^28 reference residues) are looked up\n"
            "  --chunk C          queries per task (auto)\n"
            "  --comp-adjust on|off  composition-based statistics: E-values from scores\n"
            "                     rescaled for the residue composition of query and\n"
            "                     reference, as BLAST's; off: E-values as before (on)\n"
            "  --seed-mask on|off low-complexity query windows seed only their own k-mers,\n"
            "                     not the similar ones (off)\n"
            "  --matrix NAME      BLOSUM45/50/62/80/90, PAM30/70/250 (BLOSUM62)\n"
            "  --gap-open N --gap-extend N  BLAST gap costs: open + k*extend (11, 1)\n"
            "  --strict           FASTA characters that are not residue letters (gaps '-' '.',\n"
            "                     an inner '*') are errors; default: removed with a warning\n"
            "output (TSV): query target score bits evalue identity qcov tcov qstart qend\n"
            "  tstart tend cigar (coordinates 1-based inclusive; cigar =/X/I/D)\n");
}

int cmd_index(int argc, char **argv)
{
    const char *in = NULL, *out = NULL;
    pa_index_opts io = PA_INDEX_OPTS_INIT;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            index_usage(stdout);
            return CLI_OK;
        } else if ((!strcmp(a, "-o") || !strcmp(a, "--output")) && val) {
            out = argv[++i];
        } else if (!strcmp(a, "--k") && val) {
            long v = cli_parse_long(a, argv[++i], 4, 7);
            if (v < 0)
                return CLI_USAGE;
            io.k = (int)v;
        } else if (a[0] == '-' && a[1]) {
            fprintf(stderr, "panalyze index: unknown option or missing value: %s\n", a);
            index_usage(stderr);
            return CLI_USAGE;
        } else if (!in) {
            in = a;
        } else {
            fprintf(stderr, "panalyze index: one FASTA file expected\n");
            return CLI_USAGE;
        }
    }
    if (!in || !out) {
        index_usage(stderr);
        return CLI_USAGE;
    }
    pa_refindex *ix;
    if (pa_refindex_build_fasta(&ix, in, &io) || pa_refindex_write(ix, out)) {
        fprintf(stderr, "panalyze index: %s\n", pa_last_error());
        return CLI_SOME_FAILED;
    }
    fprintf(stderr, "panalyze index: %zu references, %llu residues, k=%d -> %s\n",
            pa_refindex_count(ix), (unsigned long long)pa_refindex_residues(ix),
            pa_refindex_k(ix), out);
    pa_refindex_free(ix);
    return CLI_OK;
}

static int parse_double(const char *opt, const char *v, double lo, double hi, double *out)
{
    char *end;
    errno = 0;
    double d = strtod(v, &end);
    if (errno || end == v || *end || !(d >= lo && d <= hi)) {
        fprintf(stderr, "panalyze map: %s expects a number in [%g, %g], got '%s'\n", opt, lo, hi,
                v);
        return -1;
    }
    *out = d;
    return 0;
}

static int parse_sensitivity(const char *v, pa_sensitivity *s)
{
    static const char *names[] = {"fast", "default", "high", "exhaustive"};
    for (int i = 0; i < 4; i++)
        if (!strcmp(v, names[i])) {
            *s = (pa_sensitivity)i;
            return 0;
        }
    fprintf(stderr, "panalyze map: --sensitivity is fast, default, high or exhaustive\n");
    return -1;
}

/* One option with its value; 0 ok, -1 usage error. */
static int map_option(const char *a, const char *v, pa_search_opts *o, const char **matrix)
{
    long n;
    if (!strcmp(a, "--threads")) {
        if ((n = cli_parse_long(a, v, 1, 4096)) < 0)
            return -1;
        o->threads = (int)n;
    } else if (!strcmp(a, "--evalue")) {
        return parse_double(a, v, 1e-300, 1e300, &o->max_evalue);
    } else if (!strcmp(a, "--top") || !strcmp(a, "--chunk")) {
        if ((n = cli_parse_long(a, v, 0, 1L << 30)) < 0)
            return -1;
        *(a[2] == 't' ? &o->top_k : &o->chunk) = (size_t)n;
    } else if (!strcmp(a, "--min-coverage")) {
        return parse_double(a, v, 0, 1, &o->min_coverage);
    } else if (!strcmp(a, "--sensitivity")) {
        return parse_sensitivity(v, &o->sensitivity);
    } else if (!strcmp(a, "--comp-adjust") || !strcmp(a, "--seed-mask")) {
        int on = !strcmp(v, "on");
        if (!on && strcmp(v, "off")) {
            fprintf(stderr, "panalyze map: %s is on or off\n", a);
            return -1;
        }
        *(a[2] == 'c' ? &o->comp_adjust : &o->seed_mask) = on;
    } else if (!strcmp(a, "--matrix")) {
        *matrix = v;
    } else if (!strcmp(a, "--gap-open") || !strcmp(a, "--gap-extend")) {
        if ((n = cli_parse_long(a, v, 0, 1000)) < 0)
            return -1;
        *(a[6] == 'o' ? &o->gap_open : &o->gap_extend) = (int)n;
    } else {
        fprintf(stderr, "panalyze map: unknown option %s\n", a);
        return -1;
    }
    return 0;
}

/* An index file, or a FASTA indexed in memory. */
/* An index file, or a FASTA file cleaned as every FASTA input is and indexed in memory. */
static int load_refs(const char *path, int strict, pa_refindex **ix)
{
    pa_seqlist *l = NULL;
    int rc = pa_refindex_is_index(path) ? pa_refindex_open(ix, path)
                                        : cli_read_fasta(path, strict, &l);
    if (rc == 0 && l)
        rc = pa_refindex_build(ix, l, NULL);
    if (rc && rc != CLI_REPORTED)
        fprintf(stderr, "panalyze map: %s: %s\n", path, pa_last_error());
    pa_seqlist_free(l);
    return rc;
}

static void print_hits(const pa_refhits *h)
{
    printf("query\ttarget\tscore\tbits\tevalue\tidentity\tqcov\ttcov\tqstart\tqend\ttstart\ttend"
           "\tcigar\n");
    for (size_t i = 0; i < pa_refhits_count(h); i++) {
        pa_refhit x;
        pa_refhits_get(h, i, &x);
        printf("%s\t%s\t%lld\t%.1f\t%.2e\t%.4f\t%.4f\t%.4f\t%lld\t%lld\t%lld\t%lld\t%s\n",
               x.query_id, x.target_id, (long long)x.score, x.bits, x.evalue, x.identity, x.qcov,
               x.tcov, (long long)x.qstart + 1, (long long)x.qend, (long long)x.tstart + 1,
               (long long)x.tend, x.cigar);
    }
}

int cmd_map(int argc, char **argv)
{
    pa_search_opts o = PA_SEARCH_OPTS_INIT;
    const char *matrix = NULL;
    const char **files = calloc((size_t)argc, sizeof *files);
    int nfiles = 0, status = CLI_OK, strict = 0;
    if (!files)
        return CLI_SOME_FAILED;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            map_usage(stdout);
            free(files);
            return CLI_OK;
        } else if (!strcmp(a, "--strict")) {
            strict = 1;
        } else if (a[0] == '-' && a[1] == '-') {
            if (i + 1 >= argc || map_option(a, argv[++i], &o, &matrix)) {
                if (i + 1 >= argc)
                    fprintf(stderr, "panalyze map: %s needs a value\n", a);
                free(files);
                return CLI_USAGE;
            }
        } else {
            files[nfiles++] = a;
        }
    }
    if (nfiles < 2) {
        map_usage(stderr);
        free(files);
        return CLI_USAGE;
    }
    pa_matrix *mx = NULL;
    if (matrix && pa_matrix_builtin(&mx, matrix)) {
        fprintf(stderr, "panalyze map: --matrix %s: %s\n", matrix, pa_last_error());
        free(files);
        return CLI_USAGE;
    }
    o.matrix = mx;
    pa_seqlist *q = NULL;
    pa_refindex *ix = NULL;
    pa_refhits *h = NULL;
    if (pa_seqlist_new(&q)) {
        status = CLI_SOME_FAILED;
        goto out;
    }
    for (int i = 0; i < nfiles - 1; i++)
        if (cli_load_seqlist("map", files[i], strict, q))
            status = CLI_SOME_FAILED; /* a bad query file does not stop the others */
    if (load_refs(files[nfiles - 1], strict, &ix)) {
        status = CLI_SOME_FAILED;
        goto out;
    }
    int rc = pa_refindex_search(ix, q, &o, &h);
    if (rc) {
        fprintf(stderr, "panalyze map: %s\n", pa_last_error());
        status = rc == PA_EUNSUPPORTED || rc == PA_EINVAL ? CLI_USAGE : CLI_SOME_FAILED;
        goto out;
    }
    print_hits(h);
out:
    pa_refhits_free(h);
    pa_refindex_free(ix);
    pa_seqlist_free(q);
    pa_matrix_free(mx);
    free(files);
    return status;
}
