/* test_io.c — plain, gzip and zstd input from memory and files. */
#include "common/pai.h"
#include "panalyzer/io.h"
#include "testutil.h"

#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

/* Deterministic, compressible-but-not-trivial text. */
static char *make_text(size_t n)
{
    char *s = malloc(n + 1);
    uint32_t x = 12345;
    for (size_t i = 0; i < n; i++) {
        x = x * 1103515245u + 12345u;
        s[i] = (i % 81 == 80) ? '\n' : (char)('A' + (x >> 16) % 7);
    }
    s[n] = '\0';
    return s;
}

static unsigned char *gzip_data(const char *src, size_t n, size_t *out_n)
{
    z_stream z = {0};
    ck_assert_int_eq(deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY), Z_OK);
    size_t cap = deflateBound(&z, n) + 64;
    unsigned char *out = malloc(cap);
    z.next_in = (Bytef *)src;
    z.avail_in = (uInt)n;
    z.next_out = out;
    z.avail_out = (uInt)cap;
    ck_assert_int_eq(deflate(&z, Z_FINISH), Z_STREAM_END);
    *out_n = z.total_out;
    deflateEnd(&z);
    return out;
}

static unsigned char *zstd_data(const char *src, size_t n, size_t *out_n)
{
    size_t cap = ZSTD_compressBound(n);
    unsigned char *out = malloc(cap);
    *out_n = ZSTD_compress(out, cap, src, n, 3);
    ck_assert(!ZSTD_isError(*out_n));
    return out;
}

/* Read everything through pa_input_read in small chunks. */
static int read_chunks(pa_input *in, char **out, size_t *n, size_t chunk)
{
    size_t cap = 1024, len = 0;
    char *buf = malloc(cap);
    for (;;) {
        if (cap - len < chunk) {
            cap = cap * 2 + chunk;
            buf = realloc(buf, cap);
        }
        size_t got;
        int rc = pa_input_read(in, buf + len, chunk, &got);
        if (rc) {
            free(buf);
            return rc;
        }
        if (!got)
            break;
        len += got;
    }
    *out = buf;
    *n = len;
    return 0;
}

static void check_memory_roundtrip(const unsigned char *z, size_t zn, const char *text, size_t n,
                                   pa_compression comp)
{
    pa_input *in;
    ck_assert_int_eq(pa_input_open_memory(&in, z, zn, "mem"), 0);
    ck_assert_int_eq(pa_input_compression(in), comp);
    char *data;
    size_t size;
    ck_assert_int_eq(pa_input_read_all(in, &data, &size, 0), 0);
    ck_assert_uint_eq(size, n);
    ck_assert(memcmp(data, text, n) == 0);
    ck_assert_int_eq(data[size], '\0');
    pa_free(data);
    pa_input_close(in);

    ck_assert_int_eq(pa_input_open_memory(&in, z, zn, "mem"), 0);
    ck_assert_int_eq(read_chunks(in, &data, &size, 777), 0);
    ck_assert_uint_eq(size, n);
    ck_assert(memcmp(data, text, n) == 0);
    ck_assert_uint_eq(pa_input_tell(in), n);
    free(data);
    pa_input_close(in);
}

START_TEST(test_plain_memory)
{
    const char *t = "HEADER    TEST\nATOM      1  N   ALA A   1\n";
    check_memory_roundtrip((const unsigned char *)t, strlen(t), t, strlen(t), PA_COMP_NONE);
    pa_input *in;
    ck_assert_int_eq(pa_input_open_memory(&in, t, 3, "x.pdb"), 0);
    ck_assert_str_eq(pa_input_name(in), "x.pdb");
    pa_input_close(in);
}
END_TEST

START_TEST(test_gzip_memory)
{
    size_t n = 300000, zn;
    char *t = make_text(n);
    unsigned char *z = gzip_data(t, n, &zn);
    check_memory_roundtrip(z, zn, t, n, PA_COMP_GZIP);
    free(z);
    free(t);
}
END_TEST

START_TEST(test_gzip_multi_member)
{
    size_t n = 50000, an, bn;
    char *t = make_text(n);
    unsigned char *a = gzip_data(t, 20000, &an);
    unsigned char *b = gzip_data(t + 20000, n - 20000, &bn);
    unsigned char *ab = malloc(an + bn);
    memcpy(ab, a, an);
    memcpy(ab + an, b, bn);
    check_memory_roundtrip(ab, an + bn, t, n, PA_COMP_GZIP);
    free(a);
    free(b);
    free(ab);
    free(t);
}
END_TEST

START_TEST(test_zstd_memory_and_frames)
{
    size_t n = 200000, an, bn;
    char *t = make_text(n);
    unsigned char *a = zstd_data(t, n, &an);
    check_memory_roundtrip(a, an, t, n, PA_COMP_ZSTD);
    unsigned char *b = zstd_data(t, 1000, &bn);
    unsigned char *ab = malloc(an + bn);
    memcpy(ab, a, an);
    memcpy(ab + an, b, bn);
    char *tt = malloc(n + 1000);
    memcpy(tt, t, n);
    memcpy(tt + n, t, 1000);
    check_memory_roundtrip(ab, an + bn, tt, n + 1000, PA_COMP_ZSTD);
    free(a);
    free(b);
    free(ab);
    free(tt);
    free(t);
}
END_TEST

static int read_all_rc(const unsigned char *z, size_t zn)
{
    pa_input *in;
    ck_assert_int_eq(pa_input_open_memory(&in, z, zn, "bad.gz"), 0);
    char *data = NULL;
    size_t size;
    int rc = pa_input_read_all(in, &data, &size, 0);
    ck_assert_ptr_null(data);
    /* errors are sticky */
    size_t got;
    char b[16];
    if (rc)
        ck_assert_int_eq(pa_input_read(in, b, sizeof b, &got), rc);
    pa_input_close(in);
    return rc;
}

START_TEST(test_truncated_and_corrupt)
{
    size_t n = 100000, gn, zn;
    char *t = make_text(n);
    unsigned char *g = gzip_data(t, n, &gn);
    unsigned char *z = zstd_data(t, n, &zn);
    ck_assert_int_eq(read_all_rc(g, gn / 2), PA_ETRUNCATED);
    ck_assert_ptr_nonnull(strstr(pa_last_error(), "gzip stream truncated after"));
    ck_assert_ptr_nonnull(strstr(pa_last_error(), "bad.gz"));
    ck_assert_int_eq(read_all_rc(g, gn - 3), PA_ETRUNCATED); /* inside the trailer */
    ck_assert_int_eq(read_all_rc(z, zn / 2), PA_ETRUNCATED);
    ck_assert_ptr_nonnull(strstr(pa_last_error(), "zstd stream truncated"));
    ck_assert_int_eq(read_all_rc(z, 4), PA_ETRUNCATED); /* magic only */
    ck_assert_int_eq(read_all_rc(g, 2), PA_ETRUNCATED);

    unsigned char *g2 = malloc(gn);
    memcpy(g2, g, gn);
    for (size_t i = 20; i < 60; i++)
        g2[i] ^= 0x5a;
    ck_assert_int_eq(read_all_rc(g2, gn), PA_EFORMAT);
    memcpy(g2, g, gn);
    g2[gn - 6] ^= 0xff; /* CRC mismatch */
    ck_assert_int_eq(read_all_rc(g2, gn), PA_EFORMAT);
    ck_assert_ptr_nonnull(strstr(pa_last_error(), "corrupt gzip"));
    unsigned char *z2 = malloc(zn);
    memcpy(z2, z, zn);
    for (size_t i = 12; i < 40; i++)
        z2[i] ^= 0x5a;
    ck_assert_int_eq(read_all_rc(z2, zn), PA_EFORMAT);
    free(g2);
    free(z2);
    free(g);
    free(z);
    free(t);
}
END_TEST

START_TEST(test_empty_and_tiny)
{
    pa_input *in;
    char *data;
    size_t size, got;
    ck_assert_int_eq(pa_input_open_memory(&in, NULL, 0, NULL), 0);
    ck_assert_str_eq(pa_input_name(in), "<memory>");
    ck_assert_int_eq(pa_input_read_all(in, &data, &size, 0), 0);
    ck_assert_uint_eq(size, 0);
    ck_assert_int_eq(data[0], '\0');
    pa_free(data);
    char b[4];
    ck_assert_int_eq(pa_input_read(in, b, sizeof b, &got), 0);
    ck_assert_uint_eq(got, 0);
    pa_input_close(in);
    /* a lone gzip magic byte is too short to be gzip: plain */
    ck_assert_int_eq(pa_input_open_memory(&in, "\x1f", 1, "one"), 0);
    ck_assert_int_eq(pa_input_compression(in), PA_COMP_NONE);
    pa_input_close(in);
    ck_assert_int_eq(pa_input_open_memory(NULL, "", 0, "x"), PA_EINVAL);
    pa_input_close(NULL);
}
END_TEST

START_TEST(test_peek_then_read)
{
    size_t n = 150000, zn;
    char *t = make_text(n);
    unsigned char *z = gzip_data(t, n, &zn);
    pa_input *in;
    ck_assert_int_eq(pa_input_open_memory(&in, z, zn, "p.gz"), 0);
    const void *p;
    size_t got;
    ck_assert_int_eq(pa_input_peek(in, 10, &p, &got), 0);
    ck_assert_uint_eq(got, 10);
    ck_assert(memcmp(p, t, 10) == 0);
    ck_assert_int_eq(pa_input_peek(in, 100000, &p, &got), 0); /* larger peek */
    ck_assert_uint_eq(got, 100000);
    ck_assert(memcmp(p, t, 100000) == 0);
    char b[7];
    ck_assert_int_eq(pa_input_read(in, b, sizeof b, &got), 0);
    ck_assert_uint_eq(got, 7);
    ck_assert(memcmp(b, t, 7) == 0);
    ck_assert_int_eq(pa_input_peek(in, 5, &p, &got), 0); /* peek after consuming */
    ck_assert(memcmp(p, t + 7, 5) == 0);
    char *data;
    size_t size;
    ck_assert_int_eq(pa_input_read_all(in, &data, &size, 0), 0);
    ck_assert_uint_eq(size, n - 7);
    ck_assert(memcmp(data, t + 7, n - 7) == 0);
    pa_free(data);
    /* peek past the end */
    ck_assert_int_eq(pa_input_peek(in, 10, &p, &got), 0);
    ck_assert_uint_eq(got, 0);
    pa_input_close(in);
    free(z);
    free(t);
}
END_TEST

START_TEST(test_files)
{
    size_t n = 1500000, gn, zn;
    char *t = make_text(n);
    unsigned char *g = gzip_data(t, n, &gn);
    unsigned char *z = zstd_data(t, n, &zn);
    char *paths[3] = {pa_write_temp(t, n), pa_write_temp(g, gn), pa_write_temp(z, zn)};
    pa_compression comps[3] = {PA_COMP_NONE, PA_COMP_GZIP, PA_COMP_ZSTD};
    for (int i = 0; i < 3; i++) {
        pa_input *in;
        ck_assert_int_eq(pa_input_open(&in, paths[i]), 0);
        ck_assert_int_eq(pa_input_compression(in), comps[i]);
        char *data;
        size_t size;
        ck_assert_int_eq(read_chunks(in, &data, &size, 1000 + 70000 * i), 0);
        ck_assert_uint_eq(size, n);
        ck_assert(memcmp(data, t, n) == 0);
        free(data);
        pa_input_close(in);
        ck_assert_int_eq(pa_read_file(paths[i], &data, &size), 0);
        ck_assert_uint_eq(size, n);
        ck_assert(memcmp(data, t, n) == 0);
        pa_free(data);
        ck_assert_int_eq(pa_input_open(&in, paths[i]), 0);
        ck_assert_int_eq(pa_input_read_all(in, &data, &size, 1000), PA_ERANGE);
        pa_input_close(in);
        ck_assert_int_eq(pa_input_open(&in, paths[i]), 0);
        ck_assert_int_eq(pa_input_read_all(in, &data, &size, n), 0); /* exactly at the limit */
        pa_free(data);
        pa_input_close(in);
        unlink(paths[i]);
        free(paths[i]);
    }
    char *empty = pa_write_temp("", 0);
    char *data;
    size_t size;
    ck_assert_int_eq(pa_read_file(empty, &data, &size), 0);
    ck_assert_uint_eq(size, 0);
    pa_free(data);
    unlink(empty);
    free(empty);
    pa_input *in;
    ck_assert_int_eq(pa_input_open(&in, "/nonexistent/file.pdb"), PA_EIO);
    ck_assert_ptr_nonnull(strstr(pa_last_error(), "/nonexistent/file.pdb"));
    ck_assert_int_eq(pa_input_open(&in, "/tmp"), PA_EIO);
    free(g);
    free(z);
    free(t);
}
END_TEST

/* Every allocation failure point gives a clean error (ASan checks for leaks). */
START_TEST(test_alloc_failures)
{
    size_t n = 20000, zn[2];
    char *t = make_text(n);
    unsigned char *z[2] = {gzip_data(t, n, &zn[0]), zstd_data(t, n, &zn[1])};
    for (int k = 0; k < 2; k++) {
        for (uint64_t f = 1; f < 40; f++) {
            pai_alloc_fail_after(f);
            pa_input *in;
            char *data = NULL;
            size_t size;
            int rc = pa_input_open_memory(&in, z[k], zn[k], "m");
            if (!rc) {
                rc = pa_input_read_all(in, &data, &size, 0);
                pa_input_close(in);
            }
            pai_alloc_fail_after(0);
            ck_assert(rc == 0 || rc == PA_ENOMEM);
            if (!rc) {
                ck_assert_uint_eq(size, n);
                pa_free(data);
            }
        }
    }
    free(z[0]);
    free(z[1]);
    free(t);
}
END_TEST

START_TEST(test_shared_compressed)
{
    char a[1024], b[1024], c[1024];
    if (!pa_shared_data("structures/pdb/1aki.pdb", a, sizeof a) ||
        !pa_shared_data("structures/compressed/1aki.pdb.gz", b, sizeof b) ||
        !pa_shared_data("structures/compressed/1aki.pdb.zst", c, sizeof c))
        return; /* shared corpus absent: skip */
    char *pa, *pb, *pc;
    size_t na, nb, nc;
    ck_assert_int_eq(pa_read_file(a, &pa, &na), 0);
    ck_assert_int_eq(pa_read_file(b, &pb, &nb), 0);
    ck_assert_int_eq(pa_read_file(c, &pc, &nc), 0);
    ck_assert_uint_eq(na, nb);
    ck_assert_uint_eq(na, nc);
    ck_assert(memcmp(pa, pb, na) == 0 && memcmp(pa, pc, na) == 0);
    pa_free(pa);
    pa_free(pb);
    pa_free(pc);
    if (pa_shared_data("structures/edge/1crn_truncated.pdb.gz", a, sizeof a)) {
        ck_assert_int_eq(pa_read_file(a, &pa, &na), PA_ETRUNCATED);
        ck_assert_ptr_nonnull(strstr(pa_last_error(), "truncated"));
    }
}
END_TEST

int main(void)
{
    Suite *s = suite_create("io");
    TCase *tc = tcase_create("input");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_plain_memory);
    tcase_add_test(tc, test_gzip_memory);
    tcase_add_test(tc, test_gzip_multi_member);
    tcase_add_test(tc, test_zstd_memory_and_frames);
    tcase_add_test(tc, test_truncated_and_corrupt);
    tcase_add_test(tc, test_empty_and_tiny);
    tcase_add_test(tc, test_peek_then_read);
    tcase_add_test(tc, test_files);
    tcase_add_test(tc, test_alloc_failures);
    tcase_add_test(tc, test_shared_compressed);
    suite_add_tcase(s, tc);
    return pa_run_suite(s);
}
