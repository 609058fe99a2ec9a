/* cmd_align.c — panalyze align: every query against every target, SIMD kernels on the
 * executor, one TSV line per (query, target) pair (or the best K per query). */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
    char **name, **seq;
    size_t n, cap;
} seqs;

static void usage(FILE *out)
{
    fprintf(out,
            "usage: panalyze align [options] QUERIES TARGETS\n"
            "  QUERIES, TARGETS: FASTA (plain, gzip or zstd) or structure files (the chains'\n"
            "  observed sequences, named FILE_CHAIN)\n"
            "  --mode local|global|semi   alignment mode (local)\n"
            "  --matrix NAME|FILE         BLOSUM45/50/62/80/90, PAM30/70/250, NUC.4.4 or an NCBI\n"
            "                             matrix file (BLOSUM62)\n"
            "  --gap-open N --gap-extend N  gap costs (11, 1): a gap of k residues costs\n"
            "                             open + (k-1)*extend, or open + k*extend with\n"
            "  --gap-model blast          (default: parasail)\n"
            "  --threads N  --chunk C     executor threads (all cores), targets per task (auto)\n"
            "  --top K                    only the K best targets per query, best first\n"
            "  --traceback                fill start, cigar (=/X/I/D) and identity columns\n"
            "  --isa scalar|sse41|avx2|avx512  force an instruction set (default: measured)\n"
            "  --kernel inter|striped|auto  kernel family: one target per SIMD lane (inter),\n"
            "                             the query along the vector (striped), or the faster\n"
            "                             by a short measurement (auto; env PA_ALIGN_KERNEL)\n"
            "  --verbose                  say on stderr which kernel ran and why\n"
            "  --format tsv               output format (only tsv)\n"
            "  --strict                   FASTA characters that are not residue letters (gaps\n"
            "                             '-' '.', an inner '*') are errors (default: removed\n"
            "                             with a warning)\n"
            "output: query target score qstart qend tstart tend cigar identity\n"
            "  (coordinates 1-based inclusive; qstart/tstart/cigar/identity empty without\n"
            "  --traceback, except qstart/tstart in global mode)\n");
}

static int add_seq(seqs *s, const char *name, const char *seq)
{
    if (s->n == s->cap) {
        size_t nc = s->cap ? 2 * s->cap : 64;
        char **a = realloc(s->name, nc * sizeof *a), **b;
        if (!a)
            return -1;
        s->name = a;
        if (!(b = realloc(s->seq, nc * sizeof *b)))
            return -1;
        s->seq = b;
        s->cap = nc;
    }
    s->name[s->n] = strdup(name);
    s->seq[s->n] = strdup(seq);
    if (!s->name[s->n] || !s->seq[s->n])
        return -1;
    s->n++;
    return 0;
}

static void free_seqs(seqs *s)
{
    for (size_t i = 0; i < s->n; i++) {
        free(s->name[i]);
        free(s->seq[i]);
    }
    free(s->name);
    free(s->seq);
}

/* FASTA first; a file that is not FASTA is read as a structure. */
static int load(const char *path, int strict, seqs *out)
{
    pa_seqlist *l;
    int rc = cli_read_fasta(path, strict, &l);
    if (rc == 0) {
        for (size_t i = 0; i < pa_seqlist_count(l); i++) {
            pa_seq_record r;
            if (pa_seqlist_get(l, i, &r) || add_seq(out, r.id, r.seq)) {
                pa_seqlist_free(l);
                return -1;
            }
        }
        pa_seqlist_free(l);
        return 0;
    }
    if (rc == CLI_REPORTED)
        return -1;
    if (rc != PA_EFORMAT) {
        fprintf(stderr, "panalyze align: %s\n", pa_last_error());
        return -1;
    }
    pa_structure *s;
    pa_diags *d = NULL;
    pa_diags_new(&d);
    rc = pa_structure_read(path, NULL, &s, d);
    if (rc) {
        fprintf(stderr, "panalyze align: %s: neither FASTA nor a readable structure\n", path);
        cli_print_diags(d, PA_SEV_ERROR);
        pa_diags_free(d);
        return -1;
    }
    pa_diags_free(d);
    pa_seqset *set;
    if ((rc = pa_sequence_extract(s, NULL, &set))) {
        fprintf(stderr, "panalyze align: %s: %s\n", path, pa_last_error());
        pa_structure_free(s);
        return -1;
    }
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    for (size_t i = 0; i < pa_seqset_count(set) && !rc; i++) {
        pa_chain_seq c;
        char name[512];
        if ((rc = pa_seqset_get(set, i, &c)))
            break;
        snprintf(name, sizeof name, "%s_%s", base, c.auth_id);
        rc = add_seq(out, name, c.observed);
    }
    pa_seqset_free(set);
    pa_structure_free(s);
    return rc ? -1 : 0;
}

static int parse_mode(const char *v, pa_align_mode *m)
{
    if (!strcmp(v, "local"))
        *m = PA_ALIGN_LOCAL;
    else if (!strcmp(v, "global"))
        *m = PA_ALIGN_GLOBAL;
    else if (!strcmp(v, "semi"))
        *m = PA_ALIGN_SEMI;
    else
        return -1;
    return 0;
}

static void print_hit(const char *q, const char *t, const pa_alignment *a, int tb, int global)
{
    printf("%s\t%s\t%lld\t", q, t, (long long)a->score);
    if (tb || global)
        printf("%lld", (long long)a->qstart + 1);
    printf("\t%lld\t", (long long)a->qend);
    if (tb || global)
        printf("%lld", (long long)a->tstart + 1);
    printf("\t%lld\t%s\t", (long long)a->tend, tb && a->cigar ? a->cigar : "");
    if (tb)
        printf("%.4f", a->identity);
    putchar('\n');
}

int cmd_align(int argc, char **argv)
{
    pa_align_opts o = PA_ALIGN_OPTS_INIT;
    pa_batch_opts bo = PA_BATCH_OPTS_INIT;
    const char *matrix = "BLOSUM62", *files[2] = {NULL, NULL};
    long threads = 0, v;
    int nfiles = 0, strict = 0, verbose = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage(stdout);
            return CLI_OK;
        } else if (!strcmp(a, "--traceback")) {
            o.traceback = 1;
        } else if (!strcmp(a, "--strict")) {
            strict = 1;
        } else if (!strcmp(a, "--verbose") || !strcmp(a, "-v")) {
            verbose = 1;
        } else if (a[0] == '-' && a[1] == '-' && !val) {
            fprintf(stderr, "panalyze align: %s needs a value\n", a);
            return CLI_USAGE;
        } else if (!strcmp(a, "--mode")) {
            if (parse_mode(argv[++i], &o.mode)) {
                fprintf(stderr, "panalyze align: --mode is local, global or semi\n");
                return CLI_USAGE;
            }
        } else if (!strcmp(a, "--matrix")) {
            matrix = argv[++i];
        } else if (!strcmp(a, "--gap-open") || !strcmp(a, "--gap-extend")) {
            if ((v = cli_parse_long(a, argv[++i], 0, 10000)) < 0)
                return CLI_USAGE;
            *(a[6] == 'o' ? &o.gap_open : &o.gap_extend) = (int)v;
        } else if (!strcmp(a, "--gap-model")) {
            const char *m = argv[++i];
            if (strcmp(m, "parasail") && strcmp(m, "blast")) {
                fprintf(stderr, "panalyze align: --gap-model is parasail or blast\n");
                return CLI_USAGE;
            }
            o.gap_model = !strcmp(m, "blast") ? PA_GAP_BLAST : PA_GAP_PARASAIL;
        } else if (!strcmp(a, "--threads")) {
            if ((threads = cli_parse_long(a, argv[++i], 1, 4096)) < 0)
                return CLI_USAGE;
        } else if (!strcmp(a, "--chunk") || !strcmp(a, "--top")) {
            if ((v = cli_parse_long(a, argv[++i], 1, 1L << 30)) < 0)
                return CLI_USAGE;
            *(a[2] == 'c' ? &bo.chunk : &bo.top_k) = (size_t)v;
        } else if (!strcmp(a, "--isa")) {
            const char *s = argv[++i];
            o.isa = !strcmp(s, "scalar") ? PA_ISA_SCALAR : !strcmp(s, "sse41") ? PA_ISA_SSE41
                  : !strcmp(s, "avx2") ? PA_ISA_AVX2 : !strcmp(s, "avx512") ? PA_ISA_AVX512
                  : PA_ISA_AUTO;
            if (o.isa == PA_ISA_AUTO) {
                fprintf(stderr, "panalyze align: --isa is scalar, sse41, avx2 or avx512\n");
                return CLI_USAGE;
            }
        } else if (!strcmp(a, "--kernel")) {
            const char *s = argv[++i];
            if (!strcmp(s, "inter") || !strcmp(s, "striped") || !strcmp(s, "auto")) {
                bo.kernel = s[0] == 'i' ? PA_KERNEL_INTER : s[0] == 's' ? PA_KERNEL_STRIPED
                                                                        : PA_KERNEL_AUTO;
            } else {
                fprintf(stderr, "panalyze align: --kernel is inter, striped or auto\n");
                return CLI_USAGE;
            }
        } else if (!strcmp(a, "--format")) {
            if (strcmp(argv[++i], "tsv")) {
                fprintf(stderr, "panalyze align: only --format tsv is supported\n");
                return CLI_USAGE;
            }
        } else if (a[0] == '-' && a[1]) {
            fprintf(stderr, "panalyze align: unknown option %s\n", a);
            usage(stderr);
            return CLI_USAGE;
        } else if (nfiles < 2) {
            files[nfiles++] = a;
        } else {
            fprintf(stderr, "panalyze align: expected two files\n");
            return CLI_USAGE;
        }
    }
    if (nfiles != 2) {
        usage(stderr);
        return CLI_USAGE;
    }
    pa_matrix *mx = NULL;
    if (pa_matrix_builtin(&mx, matrix) && pa_matrix_load(&mx, matrix)) {
        fprintf(stderr, "panalyze align: --matrix %s: %s\n", matrix, pa_last_error());
        return CLI_USAGE;
    }
    o.matrix = mx;
    seqs q = {0}, t = {0};
    pa_executor *ex = NULL;
    pa_executor_opts eo = PA_EXECUTOR_OPTS_INIT;
    eo.threads = (int)threads;
    int status = CLI_OK, rc;
    if (load(files[0], strict, &q) || load(files[1], strict, &t)) {
        status = CLI_SOME_FAILED;
        goto out;
    }
    if ((rc = pa_executor_new(&ex, &eo))) {
        fprintf(stderr, "panalyze align: %s\n", pa_last_error());
        status = CLI_SOME_FAILED;
        goto out;
    }
    printf("query\ttarget\tscore\tqstart\tqend\ttstart\ttend\tcigar\tidentity\n");
    /* one query at a time keeps memory to one row of results */
    for (size_t i = 0; i < q.n; i++) {
        pa_profile *p;
        pa_hit *hits;
        size_t nh;
        if ((rc = pa_profile_new(&p, q.seq[i], 0, &o)) ||
            (rc = pa_profile_align_many(ex, p, (const char *const *)t.seq, NULL, t.n, &bo, &hits,
                                        &nh))) {
            fprintf(stderr, "panalyze align: %s: %s\n", q.name[i], pa_last_error());
            if (!rc)
                pa_profile_free(p);
            status = CLI_SOME_FAILED;
            if (rc == PA_EINVAL || rc == PA_EUNSUPPORTED)
                break;
            continue;
        }
        if (verbose)
            fprintf(stderr, "panalyze align: %s: %zu targets, %s\n", q.name[i], t.n,
                    pa_align_last_kernel());
        for (size_t h = 0; h < nh; h++)
            print_hit(q.name[i], t.name[hits[h].target], &hits[h].aln, o.traceback,
                      o.mode == PA_ALIGN_GLOBAL);
        pa_hits_free(hits, nh);
        pa_profile_free(p);
    }
out:
    pa_executor_free(ex);
    pa_matrix_free(mx);
    free_seqs(&q);
    free_seqs(&t);
    return status;
}
