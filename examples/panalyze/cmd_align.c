/* cmd_align.c — panalyze align: every query against every target, SIMD kernels on the
 * executor, one TSV line per (query, target) pair (or the best K per query). */
#include "cli.h"

#include <stdlib.h>
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <time.h>

/* One input file's sequences: the lists read (one, or the pieces of a streamed file)
 * and borrowed views into them. */
typedef struct {
    pa_seqlist **lists;
    size_t nlists;
    const char **name, **seq;
    size_t *nlen, *len, n;
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

static void free_views(seqs *s)
{
    free(s->name);
    free(s->seq);
    free(s->nlen);
    free(s->len);
    s->name = s->seq = NULL;
    s->nlen = s->len = NULL;
    s->n = 0;
}

static void free_seqs(seqs *s)
{
    for (size_t i = 0; i < s->nlists; i++)
        pa_seqlist_free(s->lists[i]);
    free(s->lists);
    s->lists = NULL;
    s->nlists = 0;
    free_views(s);
}

static int add_list(seqs *s, pa_seqlist *l)
{
    pa_seqlist **a = realloc(s->lists, (s->nlists + 1) * sizeof *a);
    if (!a) {
        pa_seqlist_free(l);
        return -1;
    }
    s->lists = a;
    s->lists[s->nlists++] = l;
    return 0;
}

/* Views of every record of the lists (names, residues and their lengths). */
static int index_seqs(seqs *s)
{
    size_t n = 0, at = 0;
    free_views(s);
    for (size_t k = 0; k < s->nlists; k++)
        n += pa_seqlist_count(s->lists[k]);
    size_t cap = n ? n : 1;
    s->name = malloc(cap * sizeof *s->name);
    s->seq = malloc(cap * sizeof *s->seq);
    s->nlen = malloc(cap * sizeof *s->nlen);
    s->len = malloc(cap * sizeof *s->len);
    if (!s->name || !s->seq || !s->nlen || !s->len)
        return -1;
    for (size_t k = 0; k < s->nlists; k++)
        for (size_t i = 0; i < pa_seqlist_count(s->lists[k]); i++, at++) {
            pa_seq_record r;
            if (pa_seqlist_get(s->lists[k], i, &r))
                return -1;
            s->name[at] = r.id;
            s->seq[at] = r.seq;
            s->nlen[at] = strlen(r.id);
            s->len[at] = r.len;
        }
    s->n = n;
    return 0;
}

/* The observed chain sequences of a structure file, named FILE_CHAIN. */
static int load_structure(const char *path, pa_seqlist *l)
{
    pa_structure *s;
    pa_diags *d = NULL;
    pa_diags_new(&d);
    int rc = pa_structure_read(path, NULL, &s, d);
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
        rc = pa_seqlist_add(l, name, NULL, c.observed);
    }
    pa_seqset_free(set);
    pa_structure_free(s);
    return rc ? -1 : 0;
}

/* FASTA first; a file that is not FASTA is read as a structure. */
static int load(const char *path, int strict, seqs *out)
{
    pa_seqlist *l = NULL;
    int rc = cli_read_fasta(path, strict, &l);
    if (rc == CLI_REPORTED)
        return -1;
    if (rc && rc != PA_EFORMAT) {
        fprintf(stderr, "panalyze align: %s\n", pa_last_error());
        return -1;
    }
    if (rc && pa_seqlist_new(&l))
        return -1;
    if (add_list(out, l) || (rc && load_structure(path, l)))
        return -1;
    return index_seqs(out);
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

/* ---- output: rows formatted by the executor's workers into one buffer per chunk, written
 * in order (the bytes do not depend on the thread count) ---- */
enum { ROWS_PER_CHUNK = 2048 };

typedef struct {
    const seqs *q, *t;
    const size_t *qidx; /* block query -> index into q */
    const pa_hit *hits;       /* the rows in order, or NULL: */
    const pa_hit *const *row; /* pointers to them in order (rows gathered in place) */
    size_t nh;
    int tb, global;
    char **buf;         /* per chunk */
    size_t *len;
} out_ctx;

static char *put_str(char *o, const char *s, size_t n)
{
    memcpy(o, s, n);
    return o + n;
}

/* Decimal of v (printf's %lld without the call). */
static char *put_int(char *o, long long v)
{
    char tmp[24];
    int n = 0;
    unsigned long long u = v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v;
    do
        tmp[n++] = (char)('0' + u % 10);
    while (u /= 10);
    if (v < 0)
        *o++ = '-';
    while (n)
        *o++ = tmp[--n];
    return o;
}

/* Upper bound of one row's bytes: names, cigar, 5 integers, identity, 9 separators. */
static size_t row_bound(const out_ctx *c, const pa_hit *h)
{
    size_t cig = c->tb && h->aln.cigar ? strlen(h->aln.cigar) : 0;
    return c->q->nlen[c->qidx[h->query]] + c->t->nlen[h->target] + cig + 5 * 21 + 32 + 9;
}

/* query target score qstart qend tstart tend cigar identity */
static char *put_row(const out_ctx *c, const pa_hit *h, char *o)
{
    const pa_alignment *a = &h->aln;
    size_t qi = c->qidx[h->query];
    int starts = c->tb || c->global;
    o = put_str(o, c->q->name[qi], c->q->nlen[qi]);
    *o++ = '\t';
    o = put_str(o, c->t->name[h->target], c->t->nlen[h->target]);
    *o++ = '\t';
    o = put_int(o, a->score);
    *o++ = '\t';
    if (starts)
        o = put_int(o, a->qstart + 1);
    *o++ = '\t';
    o = put_int(o, a->qend);
    *o++ = '\t';
    if (starts)
        o = put_int(o, a->tstart + 1);
    *o++ = '\t';
    o = put_int(o, a->tend);
    *o++ = '\t';
    if (c->tb && a->cigar)
        o = put_str(o, a->cigar, strlen(a->cigar));
    *o++ = '\t';
    if (c->tb) /* rounding as printf's: rare enough (traceback) to keep snprintf */
        o += snprintf(o, 32, "%.4f", a->identity);
    *o++ = '\n';
    return o;
}

static const pa_hit *row_at(const out_ctx *c, size_t i)
{
    return c->hits ? &c->hits[i] : c->row[i];
}

static int format_chunk(void *ctx, size_t lo, size_t hi, int worker)
{
    (void)worker;
    out_ctx *c = ctx;
    for (size_t k = lo; k < hi; k++) {
        size_t a = k * ROWS_PER_CHUNK, b = a + ROWS_PER_CHUNK < c->nh ? a + ROWS_PER_CHUNK : c->nh;
        size_t need = 1;
        for (size_t i = a; i < b; i++)
            need += row_bound(c, row_at(c, i));
        char *o = c->buf[k] = malloc(need);
        if (!o)
            return PA_ENOMEM;
        for (size_t i = a; i < b; i++)
            o = put_row(c, row_at(c, i), o);
        c->len[k] = (size_t)(o - c->buf[k]);
    }
    return 0;
}

/* Format the rows of hits on ex and write them to stdout in order. */
static int write_hits(pa_executor *ex, out_ctx *c)
{
    size_t nchunks = (c->nh + ROWS_PER_CHUNK - 1) / ROWS_PER_CHUNK;
    c->buf = calloc(nchunks ? nchunks : 1, sizeof *c->buf);
    c->len = calloc(nchunks ? nchunks : 1, sizeof *c->len);
    int rc = !c->buf || !c->len ? PA_ENOMEM : pa_parallel_for(ex, 0, nchunks, 1, format_chunk, c);
    for (size_t k = 0; k < nchunks; k++) {
        if (!rc && fwrite(c->buf[k], 1, c->len[k], stdout) != c->len[k])
            rc = PA_EIO;
        if (c->buf)
            free(c->buf[k]);
    }
    free(c->buf);
    free(c->len);
    return rc;
}

/* ---- phases, for --verbose ---- */
typedef struct {
    double read, profile, sort, calibrate, score, traceback, output, cells;
} phases;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void add_timing(phases *ph)
{
    pa_align_timing tm = PA_ALIGN_TIMING_INIT;
    if (pa_align_last_timing(&tm))
        return;
    ph->sort += tm.sort_s;
    ph->calibrate += tm.calibrate_s;
    ph->score += tm.score_s;
    ph->traceback += tm.traceback_s;
    ph->cells += tm.cells;
}

/* ---- blocks of queries: one library call (one sort, one parallel loop) per block ---- */
typedef struct {
    const seqs *q, *t;
    const pa_align_opts *o;
    const pa_batch_opts *bo;
    pa_executor *ex;
    int verbose;
    int streamed; /* the targets were read while the first pieces aligned */
    int header;   /* the header line is printed */
    int out_err; /* formatting or writing the output failed: stop */
    int failed;  /* some query failed (reported) */
    phases ph;
} run_ctx;

static void print_phases(const run_ctx *r, double total, int threads)
{
    const phases *ph = &r->ph;
    double serial = ph->read + ph->profile + ph->sort + ph->calibrate;
    fprintf(stderr,
            "panalyze align: phases (wall ms, %d threads): read %.1f, profiles %.1f, sort %.1f, "
            "calibrate %.1f, score %.1f (%.1f GCUPS), traceback %.1f, output %.1f; total %.1f, "
            "serial (read+profiles+sort+calibrate) %.1f%%%s\n",
            threads, 1e3 * ph->read, 1e3 * ph->profile, 1e3 * ph->sort, 1e3 * ph->calibrate,
            1e3 * ph->score, ph->score > 0 ? ph->cells / ph->score * 1e-9 : 0.0,
            1e3 * ph->traceback, 1e3 * ph->output, 1e3 * total,
            total > 0 ? 100.0 * serial / total : 0.0,
            r->streamed ? " (targets streamed: reading overlapped the score pass)" : "");
}

/* The column names, once, before the first row (or at the end when no row came). */
static void print_header(run_ctx *r)
{
    if (!r->header)
        printf("query\ttarget\tscore\tqstart\tqend\ttstart\ttend\tcigar\tidentity\n");
    r->header = 1;
}

/* Print the rows hits[0..nh) or, when hits is NULL, *row[0..nh) (targets t, queries
 * qidx[hit.query]). The caller frees them. */
static void emit_rows(run_ctx *r, const seqs *t, const size_t *qidx, const pa_hit *hits,
                      const pa_hit *const *row, size_t nh)
{
    double t0 = now_s();
    out_ctx c = {r->q, t, qidx, hits, row, nh, r->o->traceback, r->o->mode == PA_ALIGN_GLOBAL,
                 NULL, NULL};
    print_header(r);
    if (write_hits(r->ex, &c)) {
        fprintf(stderr, "panalyze align: writing the output failed\n");
        r->out_err = 1;
    }
    r->ph.output += now_s() - t0;
}

/* Queries per block: all pairs of a block are held in memory (about 100 bytes each). */
static size_t block_queries(size_t nt)
{
    const size_t budget = (size_t)1 << 18; /* ~32 MB of hits, ~16 MB of rows */
    return nt && nt < budget ? budget / nt : 1;
}

/* Align and print queries qidx[0..np) with their profiles. Returns the library's code
 * (nothing printed then); an output failure sets r->out_err. */
static int run_block(run_ctx *r, pa_profile **prof, const size_t *qidx, size_t np)
{
    pa_hit *hits;
    size_t nh;
    int rc = pa_align_many_profiles(r->ex, (const pa_profile *const *)prof, np,
                                    (const char *const *)r->t->seq, r->t->len, r->t->n, r->bo,
                                    &hits, &nh);
    if (rc)
        return rc;
    add_timing(&r->ph);
    if (r->verbose)
        fprintf(stderr, "panalyze align: %s%s: %zu targets, %s\n", r->q->name[qidx[0]],
                np > 1 ? " and the block's next queries" : "", r->t->n, pa_align_last_kernel());
    emit_rows(r, r->t, qidx, hits, NULL, nh);
    pa_hits_free(hits, nh);
    return 0;
}

/* Queries [lo, hi): profiles (a query whose profile fails is reported and skipped),
 * then one call for the block; when that fails, query by query so the others still
 * print and the failing one is named. 0, 1 (some failed) or -1 (stop: bad options). */
static int run_queries(run_ctx *r, size_t lo, size_t hi)
{
    size_t cap = hi - lo, np = 0;
    pa_profile **prof = calloc(cap, sizeof *prof);
    size_t *qidx = calloc(cap, sizeof *qidx);
    int status = 0, rc;
    if (!prof || !qidx) {
        fprintf(stderr, "panalyze align: out of memory\n");
        free(prof);
        free(qidx);
        return -1;
    }
    double t0 = now_s();
    for (size_t i = lo; i < hi; i++) {
        if ((rc = pa_profile_new(&prof[np], r->q->seq[i], r->q->len[i], r->o))) {
            fprintf(stderr, "panalyze align: %s: %s\n", r->q->name[i], pa_last_error());
            status = rc == PA_EINVAL || rc == PA_EUNSUPPORTED ? -1 : 1;
            if (status < 0)
                break;
            continue;
        }
        qidx[np++] = i;
    }
    r->ph.profile += now_s() - t0;
    /* the profiles before a fatal one still run, as they would have one by one */
    if (np && (rc = run_block(r, prof, qidx, np))) {
        int fatal = 0;
        for (size_t k = 0; k < np && !fatal && !r->out_err; k++) {
            if (np > 1 && !(rc = run_block(r, prof + k, qidx + k, 1)))
                continue;
            fprintf(stderr, "panalyze align: %s: %s\n", r->q->name[qidx[k]], pa_last_error());
            fatal = rc == PA_EINVAL || rc == PA_EUNSUPPORTED;
            status = status < 0 || fatal ? -1 : 1;
        }
    }
    if (r->out_err)
        status = -1;
    for (size_t k = 0; k < np; k++)
        pa_profile_free(prof[k]);
    free(prof);
    free(qidx);
    return status;
}

/* ---- streamed targets: the first pieces align while the rest decompress ----
 * Reading (gzip above all) is the largest serial phase. With two threads or more and
 * a target file (not stdin), the file is cut into pieces at record starts; one task
 * reads and parses them, the other aligns slices of the targets read so far on its own
 * thread, and the targets left align on every thread once reading ends. A slice is
 * taken from all targets read and not aligned, by length, where padding its lane
 * batches to their longest target wastes least: slices of the pieces in file order
 * cost 2.8x the cells of the same targets sorted as a whole (UniProt, 256 a slice).
 * Any irregularity (diagnostics, an error) discards the streamed work and the normal
 * path runs, so output and messages are exactly those of reading the whole file first. */
enum { PIECE_FIRST = 1 << 17, PIECE_BYTES = 1 << 20, LANES = 64 };

/* The target file's reader: one piece at a time, by whichever task holds rmu. */
typedef struct {
    pa_input *in;
    char *buf;
    size_t len, cap, piece; /* piece: bytes of the next piece (the first is small) */
    int eof, opened;
    pa_diags *d;
} piece_reader;

typedef struct {
    size_t len, idx; /* a target's length and index in the file */
} pend_t;

/* One library call's hits, with queries and targets renumbered as the whole run's. */
typedef struct {
    pa_hit *hits;
    size_t n;
} group;

typedef struct {
    run_ctx *r;
    const char *path;
    int strict;
    pa_profile **prof;
    size_t np;
    pthread_mutex_t mu;  /* pieces, read_done, bad */
    pthread_cond_t cv;   /* a piece came, or reading ended */
    pthread_mutex_t rmu; /* rd: one reader at a time */
    piece_reader rd;
    seqs pieces;     /* parsed pieces (targets), in file order */
    int read_done;   /* the reader finished (or failed: bad) */
    int bad;         /* fall back to the normal path */
    group *groups;
    size_t ngroups, gcap;
    pend_t *pend;    /* targets read and not aligned, by length (the aligner's) */
    size_t npend;
    size_t known;    /* targets in pend or aligned: [0, known) of the file */
    size_t aligned;  /* targets aligned while reading */
    int full;        /* as many pairs held as allowed: no more slices */
    double t_read;   /* summed over the pieces */
    char why[512];   /* the first call's kernel choice (thread-local in the library) */
} stream_ctx;

/* The next piece of in: whole records, cut before the last "\n>" of the buffer (a
 * record longer than a piece makes the piece longer). */
static int next_piece(piece_reader *p, size_t *cut)
{
    size_t step = p->piece ? p->piece : PIECE_FIRST;
    p->piece = step < PIECE_BYTES ? 2 * step : PIECE_BYTES;
    for (size_t want = step;; want = p->len + PIECE_BYTES) {
        while (!p->eof && p->len < want) {
            if (p->cap - p->len < PIECE_BYTES) {
                char *b = realloc(p->buf, p->cap + 2 * PIECE_BYTES);
                if (!b)
                    return PA_ENOMEM;
                p->buf = b;
                p->cap += 2 * PIECE_BYTES;
            }
            size_t got = 0;
            int rc = pa_input_read(p->in, p->buf + p->len, p->cap - p->len, &got);
            if (rc)
                return rc;
            p->eof = got == 0;
            p->len += got;
        }
        *cut = p->len;
        if (p->eof)
            return 0;
        for (size_t i = p->len; i-- > 1;)
            if (p->buf[i] == '>' && p->buf[i - 1] == '\n') {
                *cut = i;
                return 0;
            }
    }
}

static void stream_push(stream_ctx *c, pa_seqlist *l, int bad, int done)
{
    pthread_mutex_lock(&c->mu);
    if (l && !c->bad && add_list(&c->pieces, l))
        bad = 1;
    else if (l && c->bad)
        pa_seqlist_free(l);
    c->bad |= bad;
    c->read_done |= done || bad;
    pthread_cond_broadcast(&c->cv);
    pthread_mutex_unlock(&c->mu);
}

/* Read and parse one piece (caller holds rmu); 0 when reading is over. */
static int read_one(stream_ctx *c)
{
    piece_reader *p = &c->rd;
    pthread_mutex_lock(&c->mu);
    int over = c->read_done; /* read to the end, or the aligner failed */
    pthread_mutex_unlock(&c->mu);
    if (over)
        return 0;
    double t0 = now_s();
    int bad = 0;
    if (!p->opened) {
        p->opened = 1;
        bad = pa_input_open(&p->in, c->path) || pa_diags_new(&p->d);
    }
    size_t cut = 0;
    pa_seqlist *l = NULL;
    pa_fasta_opts fo = PA_FASTA_OPTS_INIT;
    fo.strict = c->strict;
    bad = bad || next_piece(p, &cut);
    /* a piece with anything to say is read again whole, for exact messages */
    if (!bad && cut)
        bad = pa_fasta_read_memory_ex(p->buf, cut, c->path, &fo, &l, p->d) ||
              pa_diags_count(p->d);
    if (!bad) {
        memmove(p->buf, p->buf + cut, p->len - cut);
        p->len -= cut;
    }
    int done = bad || (p->eof && !p->len);
    c->t_read += now_s() - t0;
    if (bad)
        pa_seqlist_free(l);
    stream_push(c, bad ? NULL : l, bad, done);
    return !done;
}

static int stream_read_task(void *ctx, pa_task *t)
{
    (void)t;
    stream_ctx *c = ctx;
    for (int more = 1; more;) {
        pthread_mutex_lock(&c->rmu);
        more = read_one(c);
        pthread_mutex_unlock(&c->rmu);
    }
    return 0;
}

static int cmp_pend(const void *x, const void *y)
{
    const pend_t *a = x, *b = y;
    if (a->len != b->len)
        return a->len < b->len ? -1 : 1;
    return (a->idx > b->idx) - (a->idx < b->idx);
}

static int cmp_idx(const void *x, const void *y)
{
    const pend_t *a = x, *b = y;
    return (a->idx > b->idx) - (a->idx < b->idx);
}

/* Targets [c->known, view->n) join the pending ones, merged by length. */
static int add_pending(stream_ctx *c, const seqs *view)
{
    size_t k = view->n - c->known, n = c->npend + k;
    if (!k)
        return 0;
    pend_t *m = malloc((n + k) * sizeof *m);
    if (!m)
        return -1;
    pend_t *add = m + n; /* the new ones, sorted, then merged into m[0..n) */
    for (size_t i = 0; i < k; i++)
        add[i] = (pend_t){view->len[c->known + i], c->known + i};
    qsort(add, k, sizeof *add, cmp_pend);
    for (size_t i = 0, j = 0, o = 0; o < n; o++)
        m[o] = j >= k || (i < c->npend && cmp_pend(&c->pend[i], &add[j]) < 0) ? c->pend[i++]
                                                                               : add[j++];
    free(c->pend);
    c->pend = m;
    c->npend = n;
    c->known = view->n;
    return 0;
}

static int grow_groups(stream_ctx *c)
{
    if (c->ngroups < c->gcap)
        return 0;
    size_t nc = c->gcap ? 2 * c->gcap : 16;
    group *g = realloc(c->groups, nc * sizeof *g);
    if (!g)
        return -1;
    c->groups = g;
    c->gcap = nc;
    return 0;
}

/* Align the targets set[0..n) (view: those read) for queries [q0, q0 + nq) on ex (NULL:
 * this thread only): one more group. The library's code; -1 out of memory. */
static int align_set(stream_ctx *c, pa_executor *ex, const seqs *view, const pend_t *set,
                     size_t n, size_t q0, size_t nq)
{
    const char **ts = malloc((n ? n : 1) * sizeof *ts);
    size_t *tl = malloc((n ? n : 1) * sizeof *tl), nh = 0;
    pa_hit *hits = NULL;
    int rc = !ts || !tl || grow_groups(c) ? -1 : 0;
    for (size_t i = 0; !rc && i < n; i++) {
        ts[i] = view->seq[set[i].idx];
        tl[i] = view->len[set[i].idx];
    }
    if (!rc)
        rc = pa_align_many_profiles(ex, (const pa_profile *const *)c->prof + q0, nq, ts, tl, n,
                                    c->r->bo, &hits, &nh);
    free(ts);
    free(tl);
    if (rc)
        return rc;
    add_timing(&c->r->ph);
    if (!c->why[0])
        snprintf(c->why, sizeof c->why, "%s", pa_align_last_kernel());
    for (size_t i = 0; i < nh; i++) {
        hits[i].query += q0;
        hits[i].target = set[hits[i].target].idx;
    }
    c->groups[c->ngroups++] = (group){hits, nh};
    return 0;
}

/* The pending targets to align next: whole lane batches of about `cells` DP cells
 * where padding each batch to its longest target wastes least, or for the first slice
 * (the sample the kernel choice is measured on) those around the median length. Sets
 * *start, *n; -1 out of memory. */
static int pick_slice(const stream_ctx *c, double qlen, double cells, size_t *start, size_t *n)
{
    size_t np = c->npend, half = np / 2 < LANES / 2 ? np / 2 : LANES / 2;
    double best = -1, *sum = malloc((np + 1) * sizeof *sum); /* sum[i]: lengths before i */
    if (!sum)
        return -1;
    sum[0] = 0;
    for (size_t i = 0; i < np; i++)
        sum[i + 1] = sum[i] + (double)c->pend[i].len;
    *start = *n = 0;
    for (size_t s = c->ngroups ? 0 : np / 2 - half; s < np; s += LANES / 4) {
        double padded = 0;
        size_t e = s;
        while (e < np && padded * qlen < cells) {
            e = e + LANES < np ? e + LANES : np;
            padded += (double)c->pend[e - 1].len * LANES;
        }
        double use = padded > 0 ? (sum[e] - sum[s]) / padded : 0; /* higher is better */
        if (use > best + 1e-9) {
            best = use;
            *start = s;
            *n = e - s;
        }
        if (e == np || !c->ngroups)
            break; /* later windows only get shorter */
    }
    free(sum);
    return 0;
}

/* One slice of the pending targets on this thread: 0; 1 when the pairs budget is
 * reached (the rest waits for the end); the library's code on failure. */
static int align_slice(stream_ctx *c, const seqs *view)
{
    /* all rows wait for the last target: as many pairs as a block of the normal path */
    const size_t budget = (size_t)1 << 18;
    double qlen = 0;
    for (size_t k = 0; k < c->np; k++)
        qlen += (double)pa_profile_length(c->prof[k]);
    size_t s, n;
    if (pick_slice(c, qlen, 1.5e8, &s, &n)) /* ~5 ms of one thread */
        return -1;
    if (!c->r->bo->top_k && (c->aligned + n) * c->np > budget)
        return 1;
    /* in file order: ties of --top go to the lower target, as in the whole file */
    pend_t *set = malloc(n * sizeof *set);
    if (!set)
        return -1;
    memcpy(set, c->pend + s, n * sizeof *set);
    qsort(set, n, sizeof *set, cmp_idx);
    int rc = align_set(c, NULL, view, set, n, 0, c->np);
    free(set);
    if (rc)
        return rc;
    memmove(c->pend + s, c->pend + s + n, (c->npend - s - n) * sizeof *c->pend);
    c->npend -= n;
    c->aligned += n;
    return 0;
}

/* While the file is being read: align slices of the targets read so far on this thread
 * alone (the reader has the other); read a piece when none is waiting and nobody reads.
 * Returns once reading is over; the rest is aligned on every thread afterwards. */
static int stream_align_task(void *ctx, pa_task *t)
{
    (void)t;
    stream_ctx *c = ctx;
    seqs view = {0};
    size_t lists = 0;
    int rc = 0;
    for (;;) {
        pthread_mutex_lock(&c->mu);
        int reading = 0;
        while (!c->read_done && c->npend < LANES && lists == c->pieces.nlists && !reading)
            if (!(reading = pthread_mutex_trylock(&c->rmu) == 0))
                pthread_cond_wait(&c->cv, &c->mu);
        int over = c->read_done;
        if (!over && !reading && lists < c->pieces.nlists) { /* new pieces: views of all */
            seqs v = {c->pieces.lists, c->pieces.nlists, NULL, NULL, NULL, NULL, 0};
            rc = index_seqs(&v); /* the lists, not the array, stay valid */
            v.lists = NULL;
            v.nlists = 0;
            free_views(&view);
            view = v;
            lists = c->pieces.nlists;
        }
        pthread_mutex_unlock(&c->mu);
        if (reading) {
            read_one(c);
            pthread_mutex_unlock(&c->rmu);
            continue;
        }
        if (over || rc || (rc = add_pending(c, &view)))
            break;
        if (c->npend >= LANES && (rc = align_slice(c, &view)))
            break;
    }
    free_views(&view);
    if (rc < 0)
        stream_push(c, NULL, 1, 0);
    c->full = rc > 0; /* the reader reads on; the rest is aligned later */
    return 0;
}

static void stream_free(stream_ctx *c)
{
    for (size_t k = 0; k < c->ngroups; k++)
        pa_hits_free(c->groups[k].hits, c->groups[k].n);
    free(c->groups);
    free(c->pend);
    free_seqs(&c->pieces);
    for (size_t k = 0; k < c->np; k++)
        pa_profile_free(c->prof[k]);
    free(c->prof);
    pa_input_close(c->rd.in);
    pa_diags_free(c->rd.d);
    free(c->rd.buf);
    pthread_mutex_destroy(&c->mu);
    pthread_mutex_destroy(&c->rmu);
    pthread_cond_destroy(&c->cv);
}

/* Best first: score, then lower target (the library's order). */
static int row_order(const void *x, const void *y)
{
    const pa_hit *a = *(const pa_hit *const *)x, *b = *(const pa_hit *const *)y;
    if (a->aln.score != b->aln.score)
        return a->aln.score > b->aln.score ? -1 : 1;
    return (a->target > b->target) - (a->target < b->target);
}

/* Rows of queries [qa, qb) from every group, pointed to in place: each target in file
 * order, or with --top the k best. One pass over the hits (a pass per query read the
 * 25 MB of 10 x 20,000 hits ten times: 15 ms alone at the end of a two-thread run). */
static int emit_queries(stream_ctx *c, const seqs *t, const size_t *qidx, size_t qa, size_t qb)
{
    size_t k = c->r->bo->top_k, nq = qb - qa, cand = 0, o = 0;
    size_t *at = calloc(nq + 1, sizeof *at); /* with --top: where each query's hits start */
    if (!at)
        return -1;
    for (size_t g = 0; g < c->ngroups; g++)
        for (size_t i = 0; i < c->groups[g].n; i++) {
            size_t q = c->groups[g].hits[i].query;
            if (q >= qa && q < qb) {
                at[q - qa + 1]++;
                cand++;
            }
        }
    const pa_hit **row = !k && cand != nq * t->n ? NULL : calloc(cand ? cand : 1, sizeof *row);
    if (!row) { /* out of memory, or not every pair exactly once */
        free(at);
        return -1;
    }
    for (size_t q = 0; q < nq; q++)
        at[q + 1] += at[q];
    for (size_t g = 0; g < c->ngroups; g++)
        for (size_t i = 0; i < c->groups[g].n; i++) {
            const pa_hit *h = &c->groups[g].hits[i];
            if (h->query < qa || h->query >= qb)
                continue;
            if (k)
                row[at[h->query - qa]++] = h; /* at[q] ends as the start of q + 1 */
            else
                row[(h->query - qa) * t->n + h->target] = h;
        }
    if (!k)
        o = cand;
    for (size_t q = 0; k && q < nq; q++) { /* each query's k best, moved to the front */
        size_t lo = q ? at[q - 1] : 0, n = at[q] - lo, keep = k < n ? k : n;
        qsort(row + lo, n, sizeof *row, row_order);
        memmove(row + o, row + lo, keep * sizeof *row);
        o += keep;
    }
    emit_rows(c->r, t, qidx, NULL, row, o);
    free(row);
    free(at);
    return 0;
}

/* Every query's rows in order. The targets not aligned while reading are aligned here
 * on every thread, by blocks of queries. 0, or -1 when nothing was printed and the
 * normal path must run. */
static int stream_output(stream_ctx *c, seqs *t, const size_t *qidx)
{
    run_ctx *r = c->r;
    size_t rest = c->npend, per = rest ? block_queries(rest) : c->np;
    /* in file order: ties of --top as in the whole file; the rows read the hits in order */
    qsort(c->pend, c->npend, sizeof *c->pend, cmp_idx);
    for (size_t qa = 0; qa < c->np && !r->out_err; qa += per) {
        size_t qb = qa + per < c->np ? qa + per : c->np, g0 = c->ngroups;
        int rc = rest ? align_set(c, r->ex, t, c->pend, rest, qa, qb - qa) : 0;
        if (rc && !qa)
            return -1;
        if (rc) { /* rows were printed: name the queries left out */
            for (size_t q = qa; q < qb; q++)
                fprintf(stderr, "panalyze align: %s: %s\n", r->q->name[q], pa_last_error());
            r->failed = 1;
            continue;
        }
        rc = emit_queries(c, t, qidx, qa, qb);
        for (; c->ngroups > g0; c->ngroups--) /* this block's own group */
            pa_hits_free(c->groups[g0].hits, c->groups[g0].n);
        if (rc && !qa)
            return -1;
        if (rc) {
            fprintf(stderr, "panalyze align: out of memory\n");
            r->out_err = 1;
        }
    }
    return 0;
}

/* Try the streamed path: 1 when it printed everything (targets left in t for nothing
 * else), 0 when the normal path must run (nothing printed, t untouched). */
static int try_stream(run_ctx *r, const char *path, int strict, seqs *t)
{
    size_t nq = r->q->n;
    if (pa_executor_threads(r->ex) < 2 || !strcmp(path, "-") || !nq || nq > 64)
        return 0;
    stream_ctx c = {.r = r, .path = path, .strict = strict,
                    .prof = calloc(nq, sizeof(pa_profile *))};
    pthread_mutex_init(&c.mu, NULL);
    pthread_mutex_init(&c.rmu, NULL);
    pthread_cond_init(&c.cv, NULL);
    size_t *qidx = calloc(nq, sizeof *qidx);
    int done = 0;
    if (!c.prof || !qidx)
        goto out;
    for (; c.np < nq; c.np++) /* a query that fails here is reported by the normal path */
        if (pa_profile_new(&c.prof[c.np], r->q->seq[c.np], r->q->len[c.np], r->o))
            goto out;
    for (size_t k = 0; k < nq; k++)
        qidx[k] = k;
    pa_graph *g = NULL;
    if (pa_graph_new(r->ex, &g))
        goto out;
    int rc = pa_graph_add(g, "read", stream_read_task, &c, NULL, 0, NULL) ||
             pa_graph_add(g, "align", stream_align_task, &c, NULL, 0, NULL) ||
             pa_graph_run(g);
    pa_graph_free(g);
    if (rc || c.bad || !c.pieces.nlists)
        goto out;
    /* the pieces become the targets; those not aligned yet align on every thread */
    *t = c.pieces;
    c.pieces = (seqs){NULL, 0, NULL, NULL, NULL, NULL, 0};
    if (index_seqs(t) || add_pending(&c, t))
        goto out;
    r->ph.read += c.t_read;
    r->streamed = 1;
    size_t slices = c.ngroups;
    done = stream_output(&c, t, qidx) == 0;
    if (done && r->verbose)
        fprintf(stderr, "panalyze align: %s%s: %zu targets in %zu pieces, %zu aligned while "
                "reading in %zu calls, %s\n", r->q->name[0], nq > 1 ? " and the next queries" : "",
                t->n, t->nlists, c.aligned, slices, c.why);
out:
    stream_free(&c);
    free(qidx);
    if (!done)
        free_seqs(t);
    return done;
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
    double t_start = now_s();
    if (load(files[0], strict, &q)) {
        status = CLI_SOME_FAILED;
        goto out;
    }
    if ((rc = pa_executor_new(&ex, &eo))) {
        fprintf(stderr, "panalyze align: %s\n", pa_last_error());
        status = CLI_SOME_FAILED;
        goto out;
    }
    run_ctx r = {.q = &q, .t = &t, .o = &o, .bo = &bo, .ex = ex, .verbose = verbose,
                 .ph = {.read = now_s() - t_start}};
    if (!try_stream(&r, files[1], strict, &t)) {
        double t0 = now_s();
        if (load(files[1], strict, &t)) {
            status = CLI_SOME_FAILED;
            goto out;
        }
        r.ph.read += now_s() - t0;
        size_t per = block_queries(t.n);
        for (size_t lo = 0; lo < q.n; lo += per) {
            int st = run_queries(&r, lo, lo + per < q.n ? lo + per : q.n);
            if (st)
                status = CLI_SOME_FAILED;
            if (st < 0)
                break;
        }
    }
    print_header(&r);
    if (fflush(stdout) && !r.out_err) {
        fprintf(stderr, "panalyze align: writing the output failed\n");
        r.out_err = 1;
    }
    if (r.out_err || r.failed)
        status = CLI_SOME_FAILED;
    if (verbose)
        print_phases(&r, now_s() - t_start, pa_executor_threads(ex));
out:
    pa_executor_free(ex);
    pa_matrix_free(mx);
    free_seqs(&q);
    free_seqs(&t);
    return status;
}
