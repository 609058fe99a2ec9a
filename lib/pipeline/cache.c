/* cache.c — on-disk result cache: one zstd-compressed entry per key.
 *
 * Entry: 48-byte header (magic, entry and result format versions, raw and
 * compressed lengths, XXH64 of the compressed payload, key check) + payload.
 * Readers verify every field, so a truncated, corrupt or foreign file is a
 * miss (and is removed); writers go through a temporary file and rename(), so
 * readers never see a half-written entry. */
#include "pipeline_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zstd.h>

#define MAGIC "PACACHE\0"
#define ENTRY_FORMAT 1u
#define HEADER_SIZE 48
#define MAX_RAW ((uint64_t)1 << 30)

int pai_cache_prepare_dir(const char *dir)
{
    struct stat st;
    if (stat(dir, &st) == 0)
        return S_ISDIR(st.st_mode) ? 0 : pai_error(PA_EIO, "cache: %s is not a directory", dir);
    if (mkdir(dir, 0777) < 0 && errno != EEXIST)
        return pai_error(PA_EIO, "cache: cannot create %s: %s", dir, strerror(errno));
    return 0;
}

static int slurp(const char *path, unsigned char **data, size_t *size, size_t max);

static void put_u32(unsigned char *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}
static void put_u64(unsigned char *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}
static uint32_t get_u32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static uint64_t get_u64(const unsigned char *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = (v << 8) | p[i];
    return v;
}

/* Options that change results, field by field (never raw struct bytes: padding). */
static void hash_opts(pai_xxh64_state *h, const pa_reader_opts *ro, const pa_seqset_opts *so,
                      uint64_t stages)
{
    int64_t f[] = {PA_VERSION_NUMBER, PAI_RESULT_FORMAT, ro->format, ro->altloc,
                   ro->first_model_only, ro->keep_anisou, ro->skip_hydrogens, ro->strict,
                   (int64_t)ro->max_diagnostics, so->model, so->all_models,
                   so->include_nonpolymer, so->use_modres, (int64_t)stages};
    unsigned char b[8];
    for (size_t i = 0; i < sizeof f / sizeof f[0]; i++) {
        put_u64(b, (uint64_t)f[i]);
        pai_xxh64_update(h, b, 8);
    }
}

/* 128-bit key: two XXH64 digests (different seeds) of options, a prefix and data. */
static void key_make(pai_cache_key *k, uint64_t tag, const void *prefix, size_t np,
                     const void *data, size_t size, const pa_reader_opts *ro,
                     const pa_seqset_opts *so, uint64_t stages)
{
    static const uint64_t seeds[2] = {0x70616e616c797a65ull, 0x2d63616368652d31ull};
    uint64_t d[2];
    for (int i = 0; i < 2; i++) {
        pai_xxh64_state h;
        pai_xxh64_init(&h, seeds[i] ^ tag);
        hash_opts(&h, ro, so, stages);
        pai_xxh64_update(&h, prefix, np);
        pai_xxh64_update(&h, data, size);
        d[i] = pai_xxh64_digest(&h);
    }
    snprintf(k->hex, sizeof k->hex, "%016llx%016llx", (unsigned long long)d[0],
             (unsigned long long)d[1]);
}

void pai_cache_key_make(pai_cache_key *k, const void *data, size_t size,
                        const pa_reader_opts *ro, const pa_seqset_opts *so, uint64_t stages)
{
    unsigned char b[8];
    put_u64(b, size);
    key_make(k, 0, b, 8, data, size, ro, so, stages);
}

/* ---- stat index: file identity -> content key, so unchanged files are not read ----
 * Identity = device, inode, size, mtime and ctime (ns). ctime cannot be set by
 * users, so any rewrite changes the identity. Like git's "racy" check, a file
 * changed within the last 2 s is not indexed: a write in the same clock tick
 * could otherwise keep its identity. */
#define IDX_MAGIC "PAIDX\0\0\1"
#define IDX_SIZE (8 + 32 + 8)

int pai_cache_stat_key(const char *path, const pa_reader_opts *ro, const pa_seqset_opts *so,
                       uint64_t stages, pai_cache_key *k, int *trusted)
{
    struct stat st;
    if (stat(path, &st) < 0 || !S_ISREG(st.st_mode))
        return PA_ENOTFOUND;
    uint64_t f[7] = {(uint64_t)st.st_dev, (uint64_t)st.st_ino, (uint64_t)st.st_size,
                     (uint64_t)st.st_mtim.tv_sec, (uint64_t)st.st_mtim.tv_nsec,
                     (uint64_t)st.st_ctim.tv_sec, (uint64_t)st.st_ctim.tv_nsec};
    unsigned char b[sizeof f];
    for (size_t i = 0; i < 7; i++)
        put_u64(b + 8 * i, f[i]);
    key_make(k, 0x1D, b, sizeof b, NULL, 0, ro, so, stages);
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    *trusted = now.tv_sec - st.st_mtim.tv_sec > 2 && now.tv_sec - st.st_ctim.tv_sec > 2;
    return 0;
}

static int idx_path(const char *dir, const pai_cache_key *k, char *buf, size_t n)
{
    int len = snprintf(buf, n, "%s/%s.idx", dir, k->hex);
    return len < 0 || (size_t)len >= n ? PA_ERANGE : 0;
}

int pai_cache_index_load(const char *dir, const pai_cache_key *sk, pai_cache_key *ck)
{
    char path[4096];
    unsigned char *e;
    size_t size;
    if (idx_path(dir, sk, path, sizeof path) < 0 || slurp(path, &e, &size, IDX_SIZE) != 0)
        return 0;
    int ok = size == IDX_SIZE && !memcmp(e, IDX_MAGIC, 8) &&
             get_u64(e + 40) == pai_xxh64(e, 40, 0x1D);
    if (ok) {
        memcpy(ck->hex, e + 8, 32);
        ck->hex[32] = '\0';
        for (int i = 0; i < 32 && ok; i++)
            ok = (ck->hex[i] >= '0' && ck->hex[i] <= '9') || (ck->hex[i] >= 'a' && ck->hex[i] <= 'f');
    }
    pai_free(e);
    if (!ok)
        unlink(path);
    return ok;
}

static int write_atomic(const char *path, const void *hdr, size_t nh, const void *payload,
                        size_t n);

void pai_cache_index_store(const char *dir, const pai_cache_key *sk, const pai_cache_key *ck)
{
    char path[4096];
    unsigned char e[IDX_SIZE];
    if (idx_path(dir, sk, path, sizeof path) < 0)
        return;
    memcpy(e, IDX_MAGIC, 8);
    memcpy(e + 8, ck->hex, 32);
    put_u64(e + 40, pai_xxh64(e, 40, 0x1D));
    write_atomic(path, e, IDX_SIZE, NULL, 0);
}

int pai_cache_entry_path(const char *dir, const pai_cache_key *k, char *buf, size_t n)
{
    int len = snprintf(buf, n, "%s/%s.pac", dir, k->hex);
    return len < 0 || (size_t)len >= n ? pai_error(PA_ERANGE, "cache: path too long") : 0;
}

static uint64_t key_check(const pai_cache_key *k) { return pai_xxh64(k->hex, 32, 0); }

/* Whole file into a new buffer, at most max bytes (else PA_ECORRUPT). */
static int slurp(const char *path, unsigned char **data, size_t *size, size_t max)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return PA_ENOTFOUND;
    struct stat st;
    int rc = 0;
    if (fstat(fd, &st) < 0 || st.st_size < 0 || (uint64_t)st.st_size > max) {
        close(fd);
        return PA_ECORRUPT;
    }
    size_t n = (size_t)st.st_size, got = 0;
    unsigned char *b = pai_malloc(n ? n : 1);
    if (!b) {
        close(fd);
        return PA_ENOMEM;
    }
    while (got < n) {
        ssize_t r = read(fd, b + got, n - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0) {
            rc = PA_EIO;
            break;
        }
        got += (size_t)r;
    }
    close(fd);
    if (rc) {
        pai_free(b);
        return rc;
    }
    *data = b;
    *size = n;
    return 0;
}

/* Decode a verified entry into r; PA_ECORRUPT when anything is off. */
static int decode(const unsigned char *e, size_t size, const pai_cache_key *k, pa_result *r)
{
    if (size < HEADER_SIZE || memcmp(e, MAGIC, 8) || get_u32(e + 8) != ENTRY_FORMAT ||
        get_u32(e + 12) != PAI_RESULT_FORMAT || get_u64(e + 40) != key_check(k))
        return PA_ECORRUPT;
    uint64_t raw = get_u64(e + 16), comp = get_u64(e + 24), sum = get_u64(e + 32);
    if (comp != size - HEADER_SIZE || raw > MAX_RAW ||
        pai_xxh64(e + HEADER_SIZE, (size_t)comp, 0) != sum)
        return PA_ECORRUPT;
    char *buf = pai_malloc(raw ? (size_t)raw : 1);
    if (!buf)
        return PA_ENOMEM;
    size_t got = ZSTD_decompress(buf, (size_t)raw, e + HEADER_SIZE, (size_t)comp);
    int rc = ZSTD_isError(got) || got != raw ? PA_ECORRUPT
                                             : pai_result_deserialize(r, buf, (size_t)raw);
    pai_free(buf);
    return rc;
}

int pai_cache_load(const char *dir, const pai_cache_key *k, pa_result *r)
{
    char path[4096];
    if (pai_cache_entry_path(dir, k, path, sizeof path) < 0)
        return 0;
    unsigned char *e;
    size_t size;
    int rc = slurp(path, &e, &size, HEADER_SIZE + MAX_RAW);
    if (rc == PA_ENOTFOUND)
        return 0;
    if (rc == 0) {
        rc = decode(e, size, k, r);
        pai_free(e);
    }
    if (rc == 0) {
        r->cached = 1;
        return 1;
    }
    if (rc == PA_ECORRUPT || rc == PA_EIO) {
        unlink(path); /* never trust it again */
        pai_log(PA_LOG_WARN, "cache: removed bad entry %s", path);
    }
    /* The caller recomputes into the same result: drop what decoding added. */
    pa_diags_clear(r->diags);
    r->n_chains = r->n_map = 0;
    r->pool.len = 1;
    r->id = 0;
    r->status = 0;
    r->format = PA_FORMAT_AUTO;
    r->models = r->chains_total = r->residues = r->atoms = 0;
    return 0;
}

static int write_all(int fd, const void *p, size_t n)
{
    const unsigned char *b = p;
    while (n) {
        ssize_t w = write(fd, b, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return PA_EIO;
        b += w;
        n -= (size_t)w;
    }
    return 0;
}

/* Write header + payload to a temporary file, then rename it over path. */
static int write_atomic(const char *path, const void *hdr, size_t nh, const void *payload,
                        size_t n)
{
    static _Atomic unsigned long seq;
    char tmp[4200];
    snprintf(tmp, sizeof tmp, "%s.tmp.%ld.%lu", path, (long)getpid(), atomic_fetch_add(&seq, 1));
    int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd < 0)
        return pai_error(PA_EIO, "cache: cannot create %s: %s", tmp, strerror(errno));
    int rc = write_all(fd, hdr, nh);
    if (rc == 0 && n)
        rc = write_all(fd, payload, n);
    if (close(fd) < 0 && rc == 0)
        rc = PA_EIO;
    if (rc == 0 && rename(tmp, path) < 0)
        rc = pai_error(PA_EIO, "cache: cannot rename %s: %s", tmp, strerror(errno));
    if (rc < 0)
        unlink(tmp);
    return rc;
}

int pai_cache_store(const char *dir, const pai_cache_key *k, const pa_result *r)
{
    pai_buf raw = {0};
    int rc = pai_result_serialize(r, &raw);
    if (rc < 0) {
        pai_buf_free(&raw);
        return rc;
    }
    size_t cap = ZSTD_compressBound(raw.len);
    unsigned char *comp = pai_malloc(cap);
    if (!comp) {
        pai_buf_free(&raw);
        return PA_ENOMEM;
    }
    size_t n = ZSTD_compress(comp, cap, raw.s ? raw.s : "", raw.len, 3);
    unsigned char hdr[HEADER_SIZE];
    memcpy(hdr, MAGIC, 8);
    put_u32(hdr + 8, ENTRY_FORMAT);
    put_u32(hdr + 12, PAI_RESULT_FORMAT);
    put_u64(hdr + 16, raw.len);
    put_u64(hdr + 24, n);
    put_u64(hdr + 32, ZSTD_isError(n) ? 0 : pai_xxh64(comp, n, 0));
    put_u64(hdr + 40, key_check(k));
    char path[4096];
    rc = ZSTD_isError(n) ? PA_EIO : pai_cache_entry_path(dir, k, path, sizeof path);
    if (rc == 0)
        rc = write_atomic(path, hdr, HEADER_SIZE, comp, n);
    pai_free(comp);
    pai_buf_free(&raw);
    return rc;
}
