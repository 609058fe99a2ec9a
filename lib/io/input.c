/* input.c — plain/gzip/zstd input from files or memory, streaming.
 *
 * Layers: a raw window (file chunks read with read(2), or the caller's memory
 * buffer used in place) feeds a decompressor chosen from the magic bytes; a
 * small peek buffer sits in front so that sniffers can look ahead without
 * consuming. All allocations (including zlib's and zstd's) go through pai_*. */
#define ZSTD_STATIC_LINKING_ONLY /* ZSTD_createDStream_advanced: custom allocator */
#include "panalyzer/io.h"

#include "common/pai.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>
#include <zstd_errors.h>

#define RAW_CHUNK (256u * 1024u)
#define DIRECT_READ_MIN (64u * 1024u) /* plain files: read(2) straight into big user buffers */

struct pa_input {
    char *name;
    int fd;                        /* -1 for memory input */
    uint64_t file_size;            /* size hint (fstat or memory size), 0 unknown */
    unsigned char *raw;            /* file chunk buffer (NULL for memory input) */
    const unsigned char *in_p;     /* unconsumed raw bytes */
    size_t in_n;
    int raw_eof;                   /* no raw bytes beyond in_p[0..in_n) */
    uint64_t raw_total;            /* raw bytes read so far */
    pa_compression comp;
    z_stream z;
    int z_live;
    ZSTD_DStream *zs;
    size_t zs_last;                /* last ZSTD_decompressStream hint; 0 at a frame end */
    int done;                      /* decompressed stream fully delivered */
    int err;                       /* sticky error code */
    unsigned char *peek;           /* decompressed look-ahead */
    size_t peek_cap, peek_pos, peek_len;
    uint64_t produced;             /* decompressed bytes produced */
    uint64_t delivered;            /* decompressed bytes handed to the caller */
};

/* ---- allocator bridges -------------------------------------------------- */
static voidpf z_alloc(voidpf op, uInt items, uInt size)
{
    (void)op;
    if (size && items > SIZE_MAX / size)
        return Z_NULL;
    return pai_malloc((size_t)items * size);
}
static void z_free(voidpf op, voidpf p) { (void)op; pai_free(p); }
static void *zs_alloc(void *op, size_t n) { (void)op; return pai_malloc(n); }
static void zs_free(void *op, void *p) { (void)op; pai_free(p); }

/* ---- raw layer ---------------------------------------------------------- */
static int fail(pa_input *in, int code, const char *what)
{
    in->err = code;
    return pai_error(code, "%s: %s", in->name, what);
}

/* Append file bytes after the unconsumed window (compacting first) until at
 * least `want` bytes are available or the file ends. */
static int raw_fill(pa_input *in, size_t want)
{
    if (in->fd < 0 || in->raw_eof || in->in_n >= want)
        return 0;
    if (in->in_n && in->in_p != in->raw)
        memmove(in->raw, in->in_p, in->in_n);
    in->in_p = in->raw;
    while (in->in_n < want && in->in_n < RAW_CHUNK) {
        ssize_t r = read(in->fd, in->raw + in->in_n, RAW_CHUNK - in->in_n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            in->err = PA_EIO;
            return pai_error(PA_EIO, "%s: read failed: %s", in->name, strerror(errno));
        }
        if (r == 0) {
            in->raw_eof = 1;
            break;
        }
        in->in_n += (size_t)r;
        in->raw_total += (uint64_t)r;
    }
    return 0;
}

static void raw_consume(pa_input *in, size_t n)
{
    in->in_p += n;
    in->in_n -= n;
}

/* ---- decompressors: each produces >= 1 byte, or 0 only at the end ------- */
static int produce_plain(pa_input *in, unsigned char *dst, size_t cap, size_t *got)
{
    *got = 0;
    if (!in->in_n && in->fd >= 0 && !in->raw_eof && cap >= DIRECT_READ_MIN) {
        for (;;) {
            ssize_t r = read(in->fd, dst, cap);
            if (r < 0 && errno == EINTR)
                continue;
            if (r < 0)
                return fail(in, PA_EIO, strerror(errno));
            if (r == 0)
                in->raw_eof = 1;
            in->raw_total += (uint64_t)r;
            *got = (size_t)r;
            return 0;
        }
    }
    int rc = raw_fill(in, 1);
    if (rc)
        return rc;
    size_t n = in->in_n < cap ? in->in_n : cap;
    if (n) /* in_p may be NULL for an empty memory input */
        memcpy(dst, in->in_p, n);
    raw_consume(in, n);
    *got = n;
    return 0;
}

static int truncated(pa_input *in, const char *kind)
{
    in->err = PA_ETRUNCATED;
    return pai_error(PA_ETRUNCATED, "%s: %s stream truncated after %llu bytes", in->name, kind,
                     (unsigned long long)in->produced);
}

static int corrupt(pa_input *in, const char *kind, const char *why)
{
    in->err = PA_EFORMAT;
    return pai_error(PA_EFORMAT, "%s: corrupt %s stream after %llu bytes: %s", in->name, kind,
                     (unsigned long long)in->produced, why ? why : "invalid data");
}

/* After a gzip member ends: another member follows only if its magic does;
 * anything else (padding, trailing garbage) ends the stream, as gzip(1) does. */
static int gzip_next_member(pa_input *in)
{
    int rc = raw_fill(in, 2);
    if (rc)
        return rc;
    if (in->in_n >= 2 && in->in_p[0] == 0x1f && in->in_p[1] == 0x8b) {
        inflateReset(&in->z);
        return 0;
    }
    in->done = 1;
    return 0;
}

static int produce_gzip(pa_input *in, unsigned char *dst, size_t cap, size_t *got)
{
    *got = 0;
    while (!*got && !in->done) {
        int rc = raw_fill(in, 1);
        if (rc)
            return rc;
        in->z.next_in = (Bytef *)in->in_p;
        in->z.avail_in = in->in_n > UINT_MAX ? UINT_MAX : (uInt)in->in_n;
        in->z.next_out = dst;
        in->z.avail_out = cap > UINT_MAX ? UINT_MAX : (uInt)cap;
        uInt avail_in0 = in->z.avail_in, avail_out0 = in->z.avail_out;
        int zr = inflate(&in->z, Z_NO_FLUSH);
        raw_consume(in, avail_in0 - in->z.avail_in);
        *got = avail_out0 - in->z.avail_out;
        in->produced += *got;
        if (zr == Z_STREAM_END) {
            if ((rc = gzip_next_member(in)))
                return rc;
        } else if (zr == Z_MEM_ERROR) {
            return fail(in, PA_ENOMEM, "out of memory in gzip decoder");
        } else if (zr == Z_DATA_ERROR || zr == Z_NEED_DICT || zr == Z_STREAM_ERROR) {
            return corrupt(in, "gzip", in->z.msg);
        } else if (!*got && !in->in_n && in->raw_eof) {
            return truncated(in, "gzip");
        }
    }
    return 0;
}

static int produce_zstd(pa_input *in, unsigned char *dst, size_t cap, size_t *got)
{
    *got = 0;
    while (!*got && !in->done) {
        int rc = raw_fill(in, 1);
        if (rc)
            return rc;
        if (!in->in_n && in->raw_eof) {
            if (in->zs_last != 0)
                return truncated(in, "zstd");
            in->done = 1;
            break;
        }
        ZSTD_inBuffer ib = {in->in_p, in->in_n, 0};
        ZSTD_outBuffer ob = {dst, cap, 0};
        size_t zr = ZSTD_decompressStream(in->zs, &ob, &ib);
        if (ZSTD_isError(zr)) {
            if (ZSTD_getErrorCode(zr) == ZSTD_error_memory_allocation)
                return fail(in, PA_ENOMEM, "out of memory in zstd decoder");
            return corrupt(in, "zstd", ZSTD_getErrorName(zr));
        }
        raw_consume(in, ib.pos);
        in->zs_last = zr;
        *got = ob.pos;
        in->produced += ob.pos;
        /* Output not full and input exhausted at EOF: the decoder holds nothing more. */
        if (!ob.pos && !in->in_n && in->raw_eof && zr != 0)
            return truncated(in, "zstd");
    }
    return 0;
}

static int produce(pa_input *in, unsigned char *dst, size_t cap, size_t *got)
{
    *got = 0;
    if (in->err)
        return in->err;
    if (!cap)
        return 0;
    switch (in->comp) {
    case PA_COMP_GZIP: return produce_gzip(in, dst, cap, got);
    case PA_COMP_ZSTD: return produce_zstd(in, dst, cap, got);
    default: return produce_plain(in, dst, cap, got);
    }
}

/* ---- open / close ------------------------------------------------------- */
static int setup_decoder(pa_input *in)
{
    const unsigned char *p = in->in_p;
    if (in->in_n >= 2 && p[0] == 0x1f && p[1] == 0x8b) {
        in->comp = PA_COMP_GZIP;
        in->z.zalloc = z_alloc;
        in->z.zfree = z_free;
        int zr = inflateInit2(&in->z, 15 + 16); /* gzip wrapper only */
        if (zr != Z_OK)
            return pai_error(zr == Z_MEM_ERROR ? PA_ENOMEM : PA_EIO, "%s: cannot start gzip decoder",
                             in->name);
        in->z_live = 1;
    } else if (in->in_n >= 4 && p[0] == 0x28 && p[1] == 0xb5 && p[2] == 0x2f && p[3] == 0xfd) {
        in->comp = PA_COMP_ZSTD;
        ZSTD_customMem cm = {zs_alloc, zs_free, NULL};
        in->zs = ZSTD_createDStream_advanced(cm);
        if (!in->zs)
            return pai_error(PA_ENOMEM, "%s: cannot start zstd decoder", in->name);
        in->zs_last = 1;
    }
    return 0;
}

static int input_alloc(pa_input **out, const char *name)
{
    pa_input *in = pai_calloc(1, sizeof *in);
    if (!in)
        return pai_error(PA_ENOMEM, "out of memory opening %s", name);
    in->fd = -1;
    in->name = pai_strdup(name);
    if (!in->name) {
        pai_free(in);
        return pai_error(PA_ENOMEM, "out of memory opening %s", name);
    }
    *out = in;
    return 0;
}

int pa_input_open(pa_input **out, const char *path)
{
    if (!out || !path)
        return pai_error(PA_EINVAL, "pa_input_open: NULL argument");
    *out = NULL;
    pa_input *in = NULL;
    int rc = input_alloc(&in, path);
    if (rc)
        return rc;
    in->fd = open(path, O_RDONLY | O_CLOEXEC);
    if (in->fd < 0) {
        rc = pai_error(PA_EIO, "%s: cannot open: %s", path, strerror(errno));
        goto bad;
    }
    struct stat st;
    if (fstat(in->fd, &st) == 0) {
        if (S_ISDIR(st.st_mode)) {
            rc = pai_error(PA_EIO, "%s: is a directory", path);
            goto bad;
        }
        if (S_ISREG(st.st_mode))
            in->file_size = (uint64_t)st.st_size;
    }
    in->raw = pai_malloc(RAW_CHUNK);
    if (!in->raw) {
        rc = pai_error(PA_ENOMEM, "out of memory opening %s", path);
        goto bad;
    }
    in->in_p = in->raw;
    if ((rc = raw_fill(in, 4)) || (rc = setup_decoder(in)))
        goto bad;
    *out = in;
    return 0;
bad:
    pa_input_close(in);
    return rc;
}

int pa_input_open_memory(pa_input **out, const void *data, size_t size, const char *name)
{
    if (!out || (!data && size))
        return pai_error(PA_EINVAL, "pa_input_open_memory: NULL argument");
    *out = NULL;
    pa_input *in = NULL;
    int rc = input_alloc(&in, name ? name : "<memory>");
    if (rc)
        return rc;
    in->in_p = data;
    in->in_n = size;
    in->raw_eof = 1;
    in->raw_total = size;
    in->file_size = size;
    if ((rc = setup_decoder(in))) {
        pa_input_close(in);
        return rc;
    }
    *out = in;
    return 0;
}

void pa_input_close(pa_input *in)
{
    if (!in)
        return;
    if (in->fd >= 0)
        close(in->fd);
    if (in->z_live)
        inflateEnd(&in->z);
    ZSTD_freeDStream(in->zs);
    pai_free(in->raw);
    pai_free(in->peek);
    pai_free(in->name);
    pai_free(in);
}

/* ---- public reading ----------------------------------------------------- */
int pa_input_peek(pa_input *in, size_t n, const void **ptr, size_t *got)
{
    if (!in || !ptr || !got)
        return pai_error(PA_EINVAL, "pa_input_peek: NULL argument");
    *ptr = NULL;
    *got = 0;
    if (in->peek_pos && in->peek_len > in->peek_pos)
        memmove(in->peek, in->peek + in->peek_pos, in->peek_len - in->peek_pos);
    in->peek_len -= in->peek_pos;
    in->peek_pos = 0;
    if (PAI_GROW(in->peek, in->peek_cap, n + 1))
        return PA_ENOMEM;
    while (in->peek_len < n) {
        size_t g;
        int rc = produce(in, in->peek + in->peek_len, n - in->peek_len, &g);
        if (rc)
            return rc;
        if (!g)
            break;
        in->peek_len += g;
    }
    *ptr = in->peek;
    *got = in->peek_len < n ? in->peek_len : n;
    return 0;
}

int pa_input_read(pa_input *in, void *buf, size_t cap, size_t *got)
{
    if (!in || !got || (!buf && cap))
        return pai_error(PA_EINVAL, "pa_input_read: NULL argument");
    *got = 0;
    if (in->peek_len > in->peek_pos) {
        size_t n = in->peek_len - in->peek_pos;
        if (n > cap)
            n = cap;
        memcpy(buf, in->peek + in->peek_pos, n);
        in->peek_pos += n;
        *got = n;
        in->delivered += n;
        return 0;
    }
    int rc = produce(in, buf, cap, got);
    in->delivered += *got;
    return rc;
}

/* Initial allocation for read_all: exact for plain files, a guess otherwise. */
static size_t size_hint(const pa_input *in)
{
    uint64_t h = 0;
    if (in->comp == PA_COMP_NONE) {
        if (in->fd < 0)
            h = in->in_n;
        else if (in->file_size >= in->raw_total)
            h = in->file_size - in->raw_total + in->in_n;
    } else if (in->comp == PA_COMP_ZSTD) {
        unsigned long long fs = in->in_n ? ZSTD_getFrameContentSize(in->in_p, in->in_n)
                                         : ZSTD_CONTENTSIZE_UNKNOWN;
        h = fs < ZSTD_CONTENTSIZE_ERROR ? fs : in->file_size * 4;
        /* the frame header is untrusted: a tiny input must not reserve gigabytes */
        if (h > ((uint64_t)1 << 26) + in->file_size * 32)
            h = ((uint64_t)1 << 26) + in->file_size * 32;
    } else {
        h = in->file_size * 4;
    }
    h += in->peek_len - in->peek_pos;
    if (h > ((uint64_t)1 << 34))
        h = (uint64_t)1 << 34; /* a hint only; growth handles the rest */
    return (size_t)h + 1;
}

int pa_input_read_all(pa_input *in, char **data, size_t *size, size_t max_size)
{
    if (!in || !data || !size)
        return pai_error(PA_EINVAL, "pa_input_read_all: NULL argument");
    *data = NULL;
    *size = 0;
    size_t cap = 0, len = 0;
    char *buf = NULL;
    size_t hint = size_hint(in);
    if (max_size && hint > max_size + 1)
        hint = max_size + 1;
    if (PAI_GROW(buf, cap, hint))
        return PA_ENOMEM;
    for (;;) {
        /* keep one byte for the NUL and, with a limit, one to detect overflow */
        size_t room = cap - len - 1, got;
        if (max_size && room > max_size + 1 - len)
            room = max_size + 1 - len;
        int rc;
        if (room) {
            rc = pa_input_read(in, buf + len, room, &got);
        } else { /* full: probe before growing, so an exact hint never doubles */
            char probe[4096];
            rc = pa_input_read(in, probe, sizeof probe, &got);
            if (!rc && got && PAI_GROW(buf, cap, len + got + 1))
                rc = PA_ENOMEM;
            if (!rc && got)
                memcpy(buf + len, probe, got);
        }
        if (rc) {
            pai_free(buf);
            return rc;
        }
        if (!got)
            break;
        len += got;
        if (max_size && len > max_size) {
            pai_free(buf);
            return pai_error(PA_ERANGE, "%s: content exceeds the limit of %zu bytes", in->name,
                             max_size);
        }
    }
    buf[len] = '\0';
    *data = buf;
    *size = len;
    return 0;
}

pa_compression pa_input_compression(const pa_input *in) { return in ? in->comp : PA_COMP_NONE; }
const char *pa_input_name(const pa_input *in) { return in ? in->name : ""; }
uint64_t pa_input_tell(const pa_input *in) { return in ? in->delivered : 0; }

void pa_free(void *p) { pai_free(p); }

int pa_read_file(const char *path, char **data, size_t *size)
{
    if (!path || !data || !size)
        return pai_error(PA_EINVAL, "pa_read_file: NULL argument");
    pa_input *in = NULL;
    int rc = pa_input_open(&in, path);
    if (rc)
        return rc;
    rc = pa_input_read_all(in, data, size, 0);
    pa_input_close(in);
    return rc;
}
