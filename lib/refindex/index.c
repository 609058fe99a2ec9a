/* index.c — building, writing and mapping reference indexes.
 *
 * File layout (little-endian): a 128-byte header, then six sections, each starting on a
 * 64-byte boundary: seq_off (u64 x nseq+1), res (nres bytes), name_off (u64 x nseq+1),
 * names (nnames bytes), bucket (u32 x nkmer+1), post (u32 x npost). The header holds the
 * counts, the file size, an XXH64 of every section and one of itself, so any flipped
 * byte is found at open; the sections are then checked for internal consistency as well
 * (offsets monotonic and in range) so that no later access can leave the mapping. */
#include "refindex_int.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define HDR_SIZE 128
#define NSECT 6
#define FORMAT_VERSION 2 /* 1: 12-letter reduced alphabet, no similar k-mers */
static const char MAGIC[8] = {'P', 'A', 'I', 'D', 'X', '\r', '\n', 0x1a};

const unsigned char pai_ix_letter[256] = {
    /* the 20 amino acids in the order ARNDCQEGHILKMFPSTWYV, + 1; B -> D, Z -> E, J -> L,
     * U -> C, O -> K; everything else (X, '*', ...) breaks a k-mer. Both cases. */
#define L(c, v) [c] = (v) + 1, [c + 32] = (v) + 1
    L('A', 0), L('R', 1), L('N', 2), L('D', 3), L('C', 4), L('Q', 5), L('E', 6), L('G', 7),
    L('H', 8), L('I', 9), L('L', 10), L('K', 11), L('M', 12), L('F', 13), L('P', 14),
    L('S', 15), L('T', 16), L('W', 17), L('Y', 18), L('V', 19), L('B', 3), L('Z', 6),
    L('J', 10), L('U', 4), L('O', 11),
#undef L
};

/* Positions read, by weight k: contiguous up to 5 (tolerant of indels); k = 6 is spaced so
 * that its hits on a homologous region are less correlated. */
static const unsigned char SEED[8][8] = {
    [4] = {0, 1, 2, 3}, [5] = {0, 1, 2, 3, 4}, [6] = {0, 1, 3, 4, 6, 7},
};

const unsigned char *pai_ix_seed(int k) { return SEED[k]; }

int pai_ix_span(int k) { return SEED[k][k - 1] + 1; }

size_t pai_ix_seed_codes(const pa_refindex *ix, const char *s, size_t n, uint32_t *code)
{
    size_t span = (size_t)ix->span, ns = n >= span ? n - span + 1 : 0;
    const unsigned char *off = SEED[ix->k];
    for (size_t i = 0; i < ns; i++) {
        uint32_t c = 0;
        int j = 0;
        for (; j < ix->k; j++) {
            unsigned r = pai_ix_letter[(unsigned char)s[i + off[j]]];
            if (!r)
                break;
            c = c * PAI_IX_ALPHA + (r - 1u);
        }
        code[i] = j == ix->k ? c : UINT32_MAX;
    }
    return ns;
}

size_t pai_ix_ref_of(const pa_refindex *ix, uint64_t g)
{
    return pai_ix_ref_between(ix, g, 0, (size_t)ix->nseq);
}

/* ---- building ---------------------------------------------------------------------- */

static int pick_k(const pa_index_opts *o, uint64_t nres)
{
    if (o && o->k)
        return o->k;
    (void)nres; /* 5 at every size: 20^6 buckets cost more lookups than they save */
    return 5;
}

/* Copy names and upper-cased residues out of the list. */
static int copy_seqs(pa_refindex *ix, const pa_seqlist *refs)
{
    size_t n = pa_seqlist_count(refs);
    uint64_t nres = 0, nnames = 0;
    for (size_t i = 0; i < n; i++) {
        pa_seq_record r;
        pa_seqlist_get(refs, i, &r);
        nres += r.len + 1;
        nnames += strlen(r.id) + 1;
    }
    if (nres >= UINT32_MAX)
        return pai_error(PA_ERANGE, "reference index: %llu residues exceed the 4 G limit",
                         (unsigned long long)nres);
    uint64_t *so = pai_malloc((n + 1) * sizeof *so), *no = pai_malloc((n + 1) * sizeof *no);
    char *res = pai_malloc(nres ? nres : 1), *names = pai_malloc(nnames ? nnames : 1);
    ix->own[0] = so, ix->own[1] = res, ix->own[2] = no, ix->own[3] = names;
    if (!so || !no || !res || !names)
        return pai_error(PA_ENOMEM, "reference index: out of memory");
    uint64_t a = 0, b = 0;
    for (size_t i = 0; i < n; i++) {
        pa_seq_record r;
        pa_seqlist_get(refs, i, &r);
        so[i] = a, no[i] = b;
        for (size_t j = 0; j < r.len; j++)
            res[a++] = (char)toupper((unsigned char)r.seq[j]);
        res[a++] = '\0';
        size_t l = strlen(r.id) + 1;
        memcpy(names + b, r.id, l);
        b += l;
    }
    so[n] = a, no[n] = b;
    ix->nseq = n, ix->nres = nres, ix->nnames = nnames;
    ix->seq_off = so, ix->res = res, ix->name_off = no, ix->names = names;
    return 0;
}

/* Call fn for every seed (code, start offset) of the residues, sequence by sequence. */
typedef void (*kmer_fn)(void *ctx, uint32_t code, uint32_t pos);
static int each_kmer(const pa_refindex *ix, kmer_fn fn, void *ctx)
{
    size_t cap = 0;
    uint32_t *code = NULL;
    for (uint64_t i = 0; i < ix->nseq; i++) {
        size_t len = (size_t)(ix->seq_off[i + 1] - ix->seq_off[i] - 1);
        if (PAI_GROW(code, cap, len + 1)) {
            pai_free(code);
            return pai_error(PA_ENOMEM, "reference index: out of memory");
        }
        size_t ns = pai_ix_seed_codes(ix, ix->res + ix->seq_off[i], len, code);
        for (size_t j = 0; j < ns; j++)
            if (code[j] != UINT32_MAX)
                fn(ctx, code[j], (uint32_t)(ix->seq_off[i] + j));
    }
    pai_free(code);
    return 0;
}

static void count_kmer(void *ctx, uint32_t code, uint32_t pos)
{
    (void)pos;
    ((uint32_t *)ctx)[code + 1]++;
}

typedef struct {
    uint32_t *fill, *post;
} fill_ctx;

static void place_kmer(void *ctx, uint32_t code, uint32_t pos)
{
    fill_ctx *f = ctx;
    f->post[f->fill[code]++] = pos;
}

/* Counting sort of k-mer positions: bucket[c] .. bucket[c + 1] in post. */
static int build_table(pa_refindex *ix)
{
    uint32_t *bucket = pai_calloc((size_t)ix->nkmer + 1, sizeof *bucket);
    ix->own[4] = bucket;
    if (!bucket)
        return pai_error(PA_ENOMEM, "reference index: out of memory");
    if (each_kmer(ix, count_kmer, bucket))
        return PA_ENOMEM;
    for (uint32_t c = 0; c < ix->nkmer; c++)
        bucket[c + 1] += bucket[c];
    ix->npost = bucket[ix->nkmer];
    uint32_t *post = pai_malloc(ix->npost ? ix->npost * sizeof *post : 1);
    uint32_t *fill = pai_malloc((size_t)ix->nkmer * sizeof *fill);
    ix->own[5] = post;
    if (!post || !fill) {
        pai_free(fill);
        return pai_error(PA_ENOMEM, "reference index: out of memory");
    }
    memcpy(fill, bucket, (size_t)ix->nkmer * sizeof *fill);
    fill_ctx f = {fill, post};
    int rc = each_kmer(ix, place_kmer, &f);
    pai_free(fill);
    if (rc)
        return rc;
    ix->bucket = bucket, ix->post = post;
    return 0;
}

static uint32_t pow_alpha(int k)
{
    uint32_t n = 1;
    for (int i = 0; i < k; i++)
        n *= PAI_IX_ALPHA;
    return n;
}

int pa_refindex_build(pa_refindex **out, const pa_seqlist *refs, const pa_index_opts *opts)
{
    if (!out || !refs)
        return pai_error(PA_EINVAL, "pa_refindex_build: NULL argument");
    *out = NULL;
    if (opts && (opts->version < 1 || opts->version > PA_INDEX_OPTS_VERSION))
        return pai_error(PA_EINVAL, "pa_index_opts: unknown version %u", opts->version);
    if (opts && opts->k && (opts->k < 4 || opts->k > 6))
        return pai_error(PA_EINVAL, "pa_index_opts: k must be in [4, 6], got %d", opts->k);
    pa_refindex *ix = pai_calloc(1, sizeof *ix);
    if (!ix)
        return pai_error(PA_ENOMEM, "reference index: out of memory");
    int rc = copy_seqs(ix, refs);
    if (rc == 0) {
        ix->k = pick_k(opts, ix->nres);
        ix->span = pai_ix_span(ix->k);
        ix->nkmer = pow_alpha(ix->k);
        rc = build_table(ix);
    }
    if (rc < 0) {
        pa_refindex_free(ix);
        return rc;
    }
    *out = ix;
    return 0;
}

int pa_refindex_build_fasta(pa_refindex **out, const char *fasta, const pa_index_opts *opts)
{
    if (!out || !fasta)
        return pai_error(PA_EINVAL, "pa_refindex_build_fasta: NULL argument");
    *out = NULL;
    pa_seqlist *l;
    int rc = pa_fasta_read(fasta, &l);
    if (rc < 0)
        return rc;
    rc = pa_refindex_build(out, l, opts);
    pa_seqlist_free(l);
    return rc;
}

void pa_refindex_free(pa_refindex *ix)
{
    if (!ix)
        return;
    if (ix->map)
        munmap(ix->map, ix->map_len);
    for (int i = 0; i < 6; i++)
        pai_free(ix->own[i]);
    pai_free(ix);
}

/* ---- file layout --------------------------------------------------------------------- */

typedef struct {
    uint64_t off[NSECT], size[NSECT], total;
} layout;

static void make_layout(uint64_t nseq, uint64_t nres, uint64_t nnames, uint32_t nkmer,
                        uint64_t npost, layout *L)
{
    uint64_t sz[NSECT] = {(nseq + 1) * 8, nres, (nseq + 1) * 8, nnames, ((uint64_t)nkmer + 1) * 4,
                          npost * 4};
    uint64_t p = HDR_SIZE;
    for (int i = 0; i < NSECT; i++) {
        L->off[i] = p;
        L->size[i] = sz[i];
        p = (p + sz[i] + 63) & ~(uint64_t)63;
    }
    L->total = p;
}

static void put64(unsigned char *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

static uint64_t get64(const unsigned char *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = v << 8 | p[i];
    return v;
}

/* Header bytes: magic, version, k, alphabet, counts, file size, section sums, own sum. */
static void make_header(const pa_refindex *ix, const layout *L, const void *const *sect,
                        unsigned char *h)
{
    memset(h, 0, HDR_SIZE);
    memcpy(h, MAGIC, 8);
    put64(h + 8, FORMAT_VERSION | (uint64_t)ix->k << 32);
    put64(h + 16, PAI_IX_ALPHA);
    put64(h + 24, ix->nseq);
    put64(h + 32, ix->nres);
    put64(h + 40, ix->nnames);
    put64(h + 48, ix->npost);
    put64(h + 56, L->total);
    for (int i = 0; i < NSECT; i++)
        put64(h + 64 + 8 * i, pai_xxh64(sect[i], (size_t)L->size[i], (uint64_t)i));
    put64(h + 120, pai_xxh64(h, 120, 0x504149));
}

static int write_all(int fd, const void *p, size_t n)
{
    const char *c = p;
    while (n) {
        ssize_t w = write(fd, c, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0)
            return -1;
        c += w;
        n -= (size_t)w;
    }
    return 0;
}

static int write_sections(int fd, const pa_refindex *ix)
{
    layout L;
    make_layout(ix->nseq, ix->nres, ix->nnames, ix->nkmer, ix->npost, &L);
    const void *sect[NSECT] = {ix->seq_off, ix->res, ix->name_off, ix->names, ix->bucket, ix->post};
    unsigned char h[HDR_SIZE];
    static const char zeros[64];
    make_header(ix, &L, sect, h);
    if (write_all(fd, h, HDR_SIZE))
        return -1;
    uint64_t pos = HDR_SIZE;
    for (int i = 0; i < NSECT; i++) {
        if (write_all(fd, zeros, (size_t)(L.off[i] - pos)) ||
            write_all(fd, sect[i], (size_t)L.size[i]))
            return -1;
        pos = L.off[i] + L.size[i];
    }
    return write_all(fd, zeros, (size_t)(L.total - pos));
}

int pa_refindex_write(const pa_refindex *ix, const char *path)
{
    if (!ix || !path)
        return pai_error(PA_EINVAL, "pa_refindex_write: NULL argument");
    size_t n = strlen(path) + 32;
    char *tmp = pai_malloc(n);
    if (!tmp)
        return pai_error(PA_ENOMEM, "out of memory");
    snprintf(tmp, n, "%s.tmp.%ld", path, (long)getpid());
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    int rc = 0;
    if (fd < 0) {
        rc = pai_error(PA_EIO, "%s: %s", tmp, strerror(errno));
    } else {
        if (write_sections(fd, ix) || fsync(fd))
            rc = pai_error(PA_EIO, "%s: %s", tmp, strerror(errno));
        if (close(fd) && !rc)
            rc = pai_error(PA_EIO, "%s: %s", tmp, strerror(errno));
        if (!rc && rename(tmp, path))
            rc = pai_error(PA_EIO, "%s: %s", path, strerror(errno));
        if (rc)
            unlink(tmp);
    }
    pai_free(tmp);
    return rc;
}

/* ---- opening ------------------------------------------------------------------------- */

static int bad(const char *path, const char *what)
{
    return pai_error(PA_ECORRUPT, "%s: corrupt reference index (%s)", path, what);
}

/* Offsets monotonic and ending at the section size; strings NUL-terminated. */
static int check_offsets(const uint64_t *off, uint64_t n, const char *s, uint64_t size)
{
    if (off[0] != 0 || off[n] != size)
        return -1;
    for (uint64_t i = 0; i < n; i++)
        if (off[i + 1] <= off[i] || s[off[i + 1] - 1] != '\0')
            return -1;
    return 0;
}

static int check_table(const pa_refindex *ix)
{
    if (ix->bucket[0] != 0 || ix->bucket[ix->nkmer] != ix->npost)
        return -1;
    for (uint32_t c = 0; c < ix->nkmer; c++)
        if (ix->bucket[c + 1] < ix->bucket[c])
            return -1;
    for (uint64_t i = 0; i < ix->npost; i++)
        if ((uint64_t)ix->post[i] + (uint64_t)ix->span > ix->nres)
            return -1;
    return 0;
}

/* Header fields into ix and the layout; checks magic, version, sums, sizes. */
static int read_header(pa_refindex *ix, const unsigned char *h, uint64_t fsize, const char *path,
                       layout *L)
{
    if (fsize < 8 || memcmp(h, MAGIC, 8))
        return pai_error(PA_EFORMAT, "%s: not a panalyzer reference index", path);
    if (fsize < HDR_SIZE)
        return pai_error(PA_ETRUNCATED, "%s: truncated reference index (%llu bytes)", path,
                         (unsigned long long)fsize);
    if (get64(h + 120) != pai_xxh64(h, 120, 0x504149))
        return bad(path, "header checksum");
    uint64_t v = get64(h + 8);
    if ((uint32_t)v < FORMAT_VERSION)
        return pai_error(PA_EFORMAT, "%s: reference index format %u is outdated (this library "
                                     "reads %d): rebuild it with panalyze index",
                         path, (unsigned)(uint32_t)v, FORMAT_VERSION);
    if ((uint32_t)v != FORMAT_VERSION)
        return pai_error(PA_EUNSUPPORTED, "%s: reference index format %u (this library reads %d)",
                         path, (unsigned)(uint32_t)v, FORMAT_VERSION);
    ix->k = (int)(v >> 32);
    ix->nseq = get64(h + 24), ix->nres = get64(h + 32), ix->nnames = get64(h + 40);
    ix->npost = get64(h + 48);
    if (get64(h + 16) != PAI_IX_ALPHA || ix->k < 4 || ix->k > 6 || ix->nres >= UINT32_MAX ||
        ix->npost > ix->nres || ix->nseq > ix->nres || ix->nseq > ix->nnames ||
        ix->nnames > fsize)
        return bad(path, "header fields");
    ix->nkmer = pow_alpha(ix->k);
    ix->span = pai_ix_span(ix->k);
    make_layout(ix->nseq, ix->nres, ix->nnames, ix->nkmer, ix->npost, L);
    if (get64(h + 56) != L->total)
        return bad(path, "sizes");
    if (fsize < L->total)
        return pai_error(PA_ETRUNCATED, "%s: truncated reference index (%llu of %llu bytes)",
                         path, (unsigned long long)fsize, (unsigned long long)L->total);
    if (fsize > L->total)
        return bad(path, "trailing bytes");
    return 0;
}

static int attach(pa_refindex *ix, const unsigned char *base, const char *path)
{
    layout L = {{0}, {0}, 0};
    int rc = read_header(ix, base, ix->map_len, path, &L);
    if (rc < 0)
        return rc;
    for (int i = 0; i < NSECT; i++) {
        if (get64(base + 64 + 8 * i) != pai_xxh64(base + L.off[i], (size_t)L.size[i], (uint64_t)i))
            return bad(path, "section checksum");
        /* the padding after a section is zero, so every byte of the file is checked */
        uint64_t end = i + 1 < NSECT ? L.off[i + 1] : L.total;
        for (uint64_t p = L.off[i] + L.size[i]; p < end; p++)
            if (base[p])
                return bad(path, "padding");
    }
    for (uint64_t p = 112; p < 120; p++)
        if (base[p])
            return bad(path, "reserved header bytes");
    ix->seq_off = (const uint64_t *)(base + L.off[0]);
    ix->res = (const char *)(base + L.off[1]);
    ix->name_off = (const uint64_t *)(base + L.off[2]);
    ix->names = (const char *)(base + L.off[3]);
    ix->bucket = (const uint32_t *)(base + L.off[4]);
    ix->post = (const uint32_t *)(base + L.off[5]);
    if (check_offsets(ix->seq_off, ix->nseq, ix->res, ix->nres) ||
        check_offsets(ix->name_off, ix->nseq, ix->names, ix->nnames) || check_table(ix))
        return bad(path, "inconsistent sections");
    return 0;
}

int pai_refindex_reseal(unsigned char *buf, size_t size)
{
    pa_refindex ix;
    layout L;
    memset(&ix, 0, sizeof ix);
    if (size < HDR_SIZE || memcmp(buf, MAGIC, 8))
        return -1;
    ix.k = (int)(get64(buf + 8) >> 32);
    if (ix.k < 4 || ix.k > 6 || get64(buf + 24) > size || get64(buf + 32) > size ||
        get64(buf + 40) > size || get64(buf + 48) > size)
        return -1;
    make_layout(get64(buf + 24), get64(buf + 32), get64(buf + 40), pow_alpha(ix.k),
                get64(buf + 48), &L);
    if (L.total > size)
        return -1;
    for (int i = 0; i < NSECT; i++)
        put64(buf + 64 + 8 * i, pai_xxh64(buf + L.off[i], (size_t)L.size[i], (uint64_t)i));
    put64(buf + 120, pai_xxh64(buf, 120, 0x504149));
    return 0;
}

int pa_refindex_open(pa_refindex **out, const char *path)
{
    if (!out || !path)
        return pai_error(PA_EINVAL, "pa_refindex_open: NULL argument");
    *out = NULL;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat sb;
    if (fd < 0 || fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode)) {
        int e = fd < 0 ? errno : S_ISREG(sb.st_mode) ? errno : EINVAL;
        if (fd >= 0)
            close(fd);
        return pai_error(PA_EIO, "%s: %s", path, e == EINVAL ? "not a regular file" : strerror(e));
    }
    if (sb.st_size == 0) {
        close(fd);
        return pai_error(PA_EFORMAT, "%s: empty file, not a reference index", path);
    }
    pa_refindex *ix = pai_calloc(1, sizeof *ix);
    void *m = ix ? mmap(NULL, (size_t)sb.st_size, PROT_READ, MAP_SHARED, fd, 0) : MAP_FAILED;
    close(fd);
    if (!ix || m == MAP_FAILED) {
        pai_free(ix);
        return ix ? pai_error(PA_EIO, "%s: mmap: %s", path, strerror(errno))
                  : pai_error(PA_ENOMEM, "out of memory");
    }
    ix->map = m;
    ix->map_len = (size_t)sb.st_size;
    int rc = attach(ix, m, path);
    if (rc < 0) {
        pa_refindex_free(ix);
        return rc;
    }
    *out = ix;
    return 0;
}

int pa_refindex_is_index(const char *path)
{
    unsigned char h[8];
    int fd = path ? open(path, O_RDONLY | O_CLOEXEC) : -1;
    if (fd < 0)
        return 0;
    ssize_t n = read(fd, h, 8);
    close(fd);
    return n == 8 && !memcmp(h, MAGIC, 8);
}

uint64_t pai_refindex_digest(const pa_refindex *ix)
{
    uint64_t h = pai_xxh64(ix->names, (size_t)ix->nnames, (uint64_t)ix->k << 8 | FORMAT_VERSION);
    return pai_xxh64(ix->res, (size_t)ix->nres, h);
}

/* ---- accessors ------------------------------------------------------------------------- */

size_t pa_refindex_count(const pa_refindex *ix) { return ix ? (size_t)ix->nseq : 0; }

uint64_t pa_refindex_residues(const pa_refindex *ix) { return ix ? ix->nres - ix->nseq : 0; }

int pa_refindex_k(const pa_refindex *ix) { return ix ? ix->k : 0; }

int pa_refindex_get(const pa_refindex *ix, size_t i, pa_seq_record *out)
{
    if (!ix || !out)
        return pai_error(PA_EINVAL, "pa_refindex_get: NULL argument");
    if (i >= ix->nseq)
        return pai_error(PA_ERANGE, "pa_refindex_get: index %zu of %llu", i,
                         (unsigned long long)ix->nseq);
    out->id = ix->names + ix->name_off[i];
    out->description = "";
    out->seq = ix->res + ix->seq_off[i];
    out->len = (size_t)(ix->seq_off[i + 1] - ix->seq_off[i] - 1);
    return 0;
}
