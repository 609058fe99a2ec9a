/* test_refindex.c — reference index: round trip, corrupt/truncated/foreign files,
 * E-values on known cases, indexed vs exhaustive search, thread/chunk independence. */
#include "testutil.h"
#include "panalyzer.h"
#include "refindex/refindex_int.h" /* pai_refindex_search_here, pai_alloc_fail_after */

#include <math.h>
#include <unistd.h>

static const char AA[] = "ARNDCQEGHILKMFPSTWYV";
/* rough background frequencies (%), so random sequences look like proteins */
static const int FREQ[] = {8, 5, 4, 5, 1, 4, 7, 7, 2, 6, 10, 6, 2, 4, 5, 7, 5, 1, 3, 7};

static uint64_t rng = 88172645463325252ull;
static unsigned rnd(unsigned n)
{
    rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
    return (unsigned)(rng % n);
}

static char rnd_aa(void)
{
    unsigned x = rnd(100), s = 0;
    for (int i = 0; i < 20; i++)
        if (x < (s += (unsigned)FREQ[i]))
            return AA[i];
    return 'A';
}

static void random_seq(char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        s[i] = rnd_aa();
    s[n] = '\0';
}

/* Copy of src[from, to) with pct % substitutions and a few short indels. */
static void mutate(const char *src, size_t from, size_t to, int pct, char *out)
{
    size_t o = 0;
    for (size_t i = from; i < to; i++) {
        if (rnd(100) < 2)
            continue; /* deletion */
        out[o++] = rnd(100) < (unsigned)pct ? rnd_aa() : src[i];
        if (rnd(100) < 1)
            out[o++] = rnd_aa(); /* insertion */
    }
    out[o] = '\0';
}

#define NREF 200
static pa_seqlist *refs;
static char ref_seq[NREF][512];

static void make_refs(void)
{
    if (refs)
        return;
    rng = 88172645463325252ull;
    ck_assert_int_eq(pa_seqlist_new(&refs), 0);
    for (int i = 0; i < NREF; i++) {
        char id[32];
        snprintf(id, sizeof id, "ref%03d", i);
        random_seq(ref_seq[i], 150 + rnd(300));
        ck_assert_int_eq(pa_seqlist_add(refs, id, NULL, ref_seq[i]), 0);
    }
}

/* Queries: mutated fragments of refs (query i comes from ref 7 * i % NREF). */
static pa_seqlist *make_queries(int n, int pct)
{
    pa_seqlist *q;
    char buf[1100], id[32];
    ck_assert_int_eq(pa_seqlist_new(&q), 0);
    for (int i = 0; i < n; i++) {
        const char *src = ref_seq[(7 * i) % NREF];
        size_t len = strlen(src), from = rnd((unsigned)(len / 4)), to = len - rnd((unsigned)(len / 4));
        mutate(src, from, to, pct, buf);
        snprintf(id, sizeof id, "q%03d", i);
        ck_assert_int_eq(pa_seqlist_add(q, id, NULL, buf), 0);
    }
    return q;
}

static void tmp_path(char *buf, size_t n, const char *name)
{
    const char *d = getenv("TMPDIR");
    snprintf(buf, n, "%s/pa_refindex_%ld_%s", d ? d : "/tmp", (long)getpid(), name);
}

static pa_refhits *search(const pa_refindex *ix, const pa_seqlist *q, pa_sensitivity sens,
                          int threads, size_t chunk, double evalue)
{
    pa_search_opts o = PA_SEARCH_OPTS_INIT;
    o.sensitivity = sens;
    o.threads = threads;
    o.chunk = chunk;
    o.max_evalue = evalue;
    pa_refhits *h = NULL;
    ck_assert_msg(pa_refindex_search(ix, q, &o, &h) == 0, "%s", pa_last_error());
    return h;
}

static void same_hits(const pa_refhits *a, const pa_refhits *b)
{
    ck_assert_uint_eq(pa_refhits_count(a), pa_refhits_count(b));
    for (size_t i = 0; i < pa_refhits_count(a); i++) {
        pa_refhit x, y;
        pa_refhits_get(a, i, &x);
        pa_refhits_get(b, i, &y);
        ck_assert_uint_eq(x.query, y.query);
        ck_assert_uint_eq(x.target, y.target);
        ck_assert_int_eq(x.score, y.score);
        ck_assert_int_eq(x.qstart, y.qstart);
        ck_assert_int_eq(x.tend, y.tend);
        ck_assert_str_eq(x.cigar, y.cigar);
        ck_assert(x.evalue == y.evalue);
    }
}

START_TEST(round_trip)
{
    make_refs();
    pa_refindex *ix, *ix2;
    char path[256];
    tmp_path(path, sizeof path, "rt.pai");
    ck_assert_int_eq(pa_refindex_build(&ix, refs, NULL), 0);
    ck_assert_int_eq(pa_refindex_write(ix, path), 0);
    ck_assert_int_eq(pa_refindex_is_index(path), 1);
    ck_assert_msg(pa_refindex_open(&ix2, path) == 0, "%s", pa_last_error());
    ck_assert_uint_eq(pa_refindex_count(ix2), NREF);
    ck_assert_uint_eq(pa_refindex_residues(ix2), pa_refindex_residues(ix));
    ck_assert_int_eq(pa_refindex_k(ix2), 5);
    for (size_t i = 0; i < NREF; i++) {
        pa_seq_record a, b;
        pa_seqlist_get(refs, i, &a);
        ck_assert_int_eq(pa_refindex_get(ix2, i, &b), 0);
        ck_assert_str_eq(a.id, b.id);
        ck_assert_str_eq(a.seq, b.seq);
        ck_assert_uint_eq(a.len, b.len);
    }
    pa_seq_record r;
    ck_assert_int_eq(pa_refindex_get(ix2, NREF, &r), PA_ERANGE);
    pa_seqlist *q = make_queries(20, 20);
    pa_refhits *h1 = search(ix, q, PA_SENS_DEFAULT, 1, 0, 1e-3);
    pa_refhits *h2 = search(ix2, q, PA_SENS_DEFAULT, 1, 0, 1e-3);
    same_hits(h1, h2);
    ck_assert_uint_ge(pa_refhits_count(h1), 20);
    pa_refhits_free(h1);
    pa_refhits_free(h2);
    pa_seqlist_free(q);
    pa_refindex_free(ix);
    pa_refindex_free(ix2);
    unlink(path);
}
END_TEST

static void write_bytes(const char *path, const void *p, size_t n)
{
    FILE *f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(fwrite(p, 1, n, f), n);
    fclose(f);
}

static char *read_bytes(const char *path, size_t *n)
{
    char *d;
    ck_assert_int_eq(pa_read_file(path, &d, n), 0);
    return d;
}

/* Write an index of the test references to path; its bytes (pa_free) and size. */
static char *index_bytes(const char *path, size_t *n)
{
    make_refs();
    pa_refindex *ix;
    ck_assert_int_eq(pa_refindex_build(&ix, refs, NULL), 0);
    ck_assert_int_eq(pa_refindex_write(ix, path), 0);
    pa_refindex_free(ix);
    return read_bytes(path, n);
}

START_TEST(corrupt_files)
{
    pa_refindex *ix;
    char path[256], bad[256];
    tmp_path(path, sizeof path, "c.pai");
    tmp_path(bad, sizeof bad, "bad.pai");
    size_t n;
    char *d = index_bytes(path, &n);
    /* a flipped byte anywhere: header, names, residues, table */
    size_t at[] = {9, 30, 100, 130, 1000, n / 2, n - 70, n - 1};
    int step = pa_test_quick() ? 4 : 1;
    for (size_t i = 0; i < sizeof at / sizeof at[0]; i += (size_t)step) {
        d[at[i]] ^= 0x20;
        write_bytes(bad, d, n);
        d[at[i]] ^= 0x20;
        ix = (pa_refindex *)1;
        int rc = pa_refindex_open(&ix, bad);
        ck_assert_msg(rc == PA_ECORRUPT || rc == PA_EUNSUPPORTED, "byte %zu: rc %d", at[i], rc);
        ck_assert_ptr_null(ix);
        ck_assert_str_ne(pa_last_error(), "");
    }
    /* truncated: inside the header, inside a section, one byte short */
    size_t cut[] = {64, n / 3, n - 1};
    for (size_t i = 0; i < 3; i++) {
        write_bytes(bad, d, cut[i]);
        ck_assert_int_eq(pa_refindex_open(&ix, bad), PA_ETRUNCATED);
    }
    /* trailing garbage */
    char *big = malloc(n + 8);
    memcpy(big, d, n);
    memset(big + n, 0, 8);
    write_bytes(bad, big, n + 8);
    ck_assert_int_eq(pa_refindex_open(&ix, bad), PA_ECORRUPT);
    free(big);
    /* foreign and empty files, a directory, a missing file */
    write_bytes(bad, ">x\nACDE\n", 8);
    ck_assert_int_eq(pa_refindex_open(&ix, bad), PA_EFORMAT);
    ck_assert_int_eq(pa_refindex_is_index(bad), 0);
    write_bytes(bad, "", 0);
    ck_assert_int_eq(pa_refindex_open(&ix, bad), PA_EFORMAT);
    ck_assert_int_eq(pa_refindex_open(&ix, "/"), PA_EIO);
    ck_assert_int_eq(pa_refindex_open(&ix, "/nonexistent/x.pai"), PA_EIO);
    pa_free(d);
    unlink(path);
    unlink(bad);
}
END_TEST

START_TEST(evalues)
{
    double l, k;
    ck_assert_int_eq(pa_karlin_params("blosum62", 11, 1, &l, &k, NULL, NULL), 0);
    ck_assert(fabs(l - 0.267) < 1e-9 && fabs(k - 0.041) < 1e-9);
    ck_assert_int_eq(pa_karlin_params("BLOSUM62", 3, 3, NULL, NULL, NULL, NULL), PA_EUNSUPPORTED);
    ck_assert_int_eq(pa_karlin_params("BLOSUM80", 10, 1, NULL, NULL, NULL, NULL), PA_EUNSUPPORTED);
    /* E halves every 1/lambda * ln 2 score units; bigger databases give bigger E */
    double e1 = pa_evalue("BLOSUM62", 11, 1, 100, 300, 100000000, 300000);
    double e2 = pa_evalue("BLOSUM62", 11, 1, 100, 300, 200000000, 600000);
    ck_assert(e1 > 0 && e2 > 1.9 * e1 && e2 < 2.1 * e1);
    ck_assert(pa_evalue("BLOSUM62", 11, 1, 200, 300, 100000000, 300000) < e1 * 1e-10);
    ck_assert(pa_evalue("NOPE", 11, 1, 100, 300, 1000, 10) < 0);

    make_refs();
    pa_refindex *ix;
    ck_assert_int_eq(pa_refindex_build(&ix, refs, NULL), 0);
    /* a sequence against itself: tiny E-value, 100 % identity, full coverage */
    pa_seqlist *q;
    pa_seqlist_new(&q);
    pa_seqlist_add(q, "self", NULL, ref_seq[3]);
    pa_refhits *h = search(ix, q, PA_SENS_DEFAULT, 1, 0, 1e-3);
    ck_assert_uint_ge(pa_refhits_count(h), 1);
    pa_refhit x;
    pa_refhits_get(h, 0, &x);
    ck_assert_str_eq(x.target_id, "ref003");
    ck_assert(x.evalue < 1e-50 && x.bits > 200);
    ck_assert(x.identity == 1.0 && x.qcov == 1.0 && x.tcov == 1.0);
    pa_refhits_free(h);
    pa_seqlist_free(q);
    /* shuffled sequences: almost never a hit with E <= 1 */
    pa_seqlist_new(&q);
    int nq = 40;
    for (int i = 0; i < nq; i++) {
        char s[512];
        size_t n = strlen(ref_seq[i]);
        memcpy(s, ref_seq[i], n + 1);
        for (size_t j = n - 1; j > 0; j--) {
            size_t r = rnd((unsigned)j + 1);
            char t = s[j];
            s[j] = s[r], s[r] = t;
        }
        pa_seqlist_add(q, "shuffled", NULL, s);
    }
    /* E is the expected number of chance hits: about one per query at E <= 1, and
     * hardly any at E <= 0.01 */
    pa_search_opts o = PA_SEARCH_OPTS_INIT;
    o.sensitivity = PA_SENS_EXHAUSTIVE;
    o.top_k = 0;
    o.max_evalue = 1.0;
    ck_assert_int_eq(pa_refindex_search(ix, q, &o, &h), 0);
    ck_assert_uint_le(pa_refhits_count(h), 2 * (size_t)nq);
    size_t strong = 0;
    for (size_t i = 0; i < pa_refhits_count(h); i++) {
        pa_refhits_get(h, i, &x);
        strong += x.evalue <= 0.01;
    }
    ck_assert_uint_le(strong, 3);
    pa_refhits_free(h);
    pa_seqlist_free(q);
    pa_refindex_free(ix);
}
END_TEST

/* An index of an earlier format (12-letter alphabet) is refused with a clear error. */
START_TEST(outdated_format)
{
    pa_refindex *ix;
    char path[256];
    tmp_path(path, sizeof path, "old.pai");
    size_t n;
    char *d = index_bytes(path, &n);
    d[8] = 1; /* format version 1, sums recomputed so only the version differs */
    ck_assert_int_eq(pai_refindex_reseal((unsigned char *)d, n), 0);
    write_bytes(path, d, n);
    ix = (pa_refindex *)1;
    ck_assert_int_eq(pa_refindex_open(&ix, path), PA_EFORMAT);
    ck_assert_ptr_null(ix);
    ck_assert_ptr_nonnull(strstr(pa_last_error(), "rebuild"));
    d[8] = 99; /* a later format */
    ck_assert_int_eq(pai_refindex_reseal((unsigned char *)d, n), 0);
    write_bytes(path, d, n);
    ck_assert_int_eq(pa_refindex_open(&ix, path), PA_EUNSUPPORTED);
    pa_free(d);
    unlink(path);
}
END_TEST

/* Conservative substitution of a residue (positive BLOSUM62 score, another letter). */
static char conservative(char c)
{
    static const char from[] = "ARNDCQEGHILKMFPSTWYV", to[] = "SKDEAEDSYVMRLYATSYFI";
    const char *p = strchr(from, c);
    return p ? to[p - from] : c;
}

/* A homolog that shares no exact 5-mer with its reference (every fourth residue replaced
 * by a similar one) is found through similar k-mers, at every sensitivity. */
START_TEST(similar_kmers)
{
    make_refs();
    pa_refindex *ix;
    ck_assert_int_eq(pa_refindex_build(&ix, refs, NULL), 0);
    pa_seqlist *q;
    ck_assert_int_eq(pa_seqlist_new(&q), 0);
    char buf[512];
    int src[] = {3, 50, 111, 190};
    for (int i = 0; i < 4; i++) {
        const char *r = ref_seq[src[i]];
        size_t n = strlen(r) < 160 ? strlen(r) : 160;
        for (size_t j = 0; j < n; j++)
            buf[j] = j % 4 == 3 ? conservative(r[j]) : r[j];
        buf[n] = '\0';
        ck_assert_int_eq(pa_seqlist_add(q, src[i] == 3 ? "a" : "b", NULL, buf), 0);
    }
    for (int sens = PA_SENS_FAST; sens <= PA_SENS_HIGH; sens++) {
        pa_refhits *h = search(ix, q, (pa_sensitivity)sens, 1, 0, 1e-3);
        for (size_t i = 0; i < 4; i++) {
            size_t f, n;
            ck_assert_int_eq(pa_refhits_query_range(h, i, &f, &n), 0);
            ck_assert_msg(n > 0, "sensitivity %d: query %zu not found", sens, i);
            pa_refhit x;
            pa_refhits_get(h, f, &x);
            ck_assert_uint_eq(x.target, (size_t)src[i]);
        }
        pa_refhits_free(h);
    }
    pa_seqlist_free(q);
    pa_refindex_free(ix);
}
END_TEST

START_TEST(indexed_vs_exhaustive)
{
    make_refs();
    pa_refindex *ix;
    ck_assert_int_eq(pa_refindex_build(&ix, refs, NULL), 0);
    pa_seqlist *q = make_queries(pa_test_quick() ? 10 : 60, 40);
    pa_refhits *fast = search(ix, q, PA_SENS_DEFAULT, 2, 0, 1e-3);
    pa_refhits *ex = search(ix, q, PA_SENS_EXHAUSTIVE, 2, 0, 1e-3);
    size_t found = 0, nq = pa_seqlist_count(q);
    for (size_t i = 0; i < nq; i++) {
        size_t f1, n1, f2, n2;
        ck_assert_int_eq(pa_refhits_query_range(fast, i, &f1, &n1), 0);
        ck_assert_int_eq(pa_refhits_query_range(ex, i, &f2, &n2), 0);
        if (!n2)
            continue;
        pa_refhit a, b;
        pa_refhits_get(ex, f2, &b);
        ck_assert_msg(n1 > 0, "query %zu: no indexed hit, exhaustive finds %s", i, b.target_id);
        pa_refhits_get(fast, f1, &a);
        ck_assert_uint_eq(a.target, b.target);
        ck_assert_int_eq(a.score, b.score);
        ck_assert_uint_eq(b.target, (7 * i) % NREF);
        found++;
    }
    ck_assert_uint_ge(found, nq * 9 / 10);
    size_t f, n;
    ck_assert_int_eq(pa_refhits_query_range(ex, nq, &f, &n), PA_ERANGE);
    pa_refhits_free(fast);
    pa_refhits_free(ex);
    pa_seqlist_free(q);
    pa_refindex_free(ix);
}
END_TEST

START_TEST(threads_and_chunks)
{
    make_refs();
    pa_refindex *ix;
    ck_assert_int_eq(pa_refindex_build(&ix, refs, NULL), 0);
    pa_seqlist *q = make_queries(30, 30);
    pa_refhits *a = search(ix, q, PA_SENS_DEFAULT, 1, 1, 1e-3);
    pa_refhits *b = search(ix, q, PA_SENS_DEFAULT, 2, 7, 1e-3);
    pa_refhits *c = search(ix, q, PA_SENS_DEFAULT, 2, 0, 1e-3);
    same_hits(a, b);
    same_hits(a, c);
    /* hits of a query are best first */
    for (size_t i = 1; i < pa_refhits_count(a); i++) {
        pa_refhit x, y;
        pa_refhits_get(a, i - 1, &x);
        pa_refhits_get(a, i, &y);
        ck_assert(x.query < y.query || (x.query == y.query && x.score >= y.score));
    }
    pa_refhits_free(a);
    pa_refhits_free(b);
    pa_refhits_free(c);
    pa_seqlist_free(q);
    pa_refindex_free(ix);
}
END_TEST

START_TEST(options_and_edges)
{
    make_refs();
    pa_refindex *ix;
    pa_index_opts io = PA_INDEX_OPTS_INIT;
    io.k = 9;
    ck_assert_int_eq(pa_refindex_build(&ix, refs, &io), PA_EINVAL);
    io.k = 7; /* 20^7 buckets: refused */
    ck_assert_int_eq(pa_refindex_build(&ix, refs, &io), PA_EINVAL);
    io.k = 4;
    ck_assert_int_eq(pa_refindex_build(&ix, refs, &io), 0);
    ck_assert_int_eq(pa_refindex_k(ix), 4);
    pa_seqlist *q;
    pa_seqlist_new(&q);
    pa_seqlist_add(q, "empty", NULL, "");
    pa_seqlist_add(q, "short", NULL, "MK");
    pa_seqlist_add(q, "odd", NULL, "xxxx**!!1234");
    pa_seqlist_add(q, "lower", NULL, ref_seq[5]);
    pa_refhits *h = NULL;
    pa_search_opts o = PA_SEARCH_OPTS_INIT;
    o.version = 99;
    ck_assert_int_eq(pa_refindex_search(ix, q, &o, &h), PA_EINVAL);
    o.version = PA_SEARCH_OPTS_VERSION;
    o.gap_open = 3;
    ck_assert_int_eq(pa_refindex_search(ix, q, &o, &h), PA_EUNSUPPORTED);
    o.gap_open = 11;
    o.min_coverage = 0.99;
    o.top_k = 1;
    ck_assert_int_eq(pa_refindex_search(ix, q, &o, &h), 0);
    ck_assert_uint_eq(pa_refhits_count(h), 1);
    pa_refhit x;
    pa_refhits_get(h, 0, &x);
    ck_assert_uint_eq(x.query, 3);
    ck_assert_uint_eq(x.target, 5);
    pa_refhits_free(h);
    ck_assert_int_eq(pa_refindex_search(NULL, q, NULL, &h), PA_EINVAL);
    /* an empty index */
    pa_seqlist *none;
    pa_seqlist_new(&none);
    pa_refindex *e;
    ck_assert_int_eq(pa_refindex_build(&e, none, NULL), 0);
    ck_assert_int_eq(pa_refindex_search(e, q, NULL, &h), 0);
    ck_assert_uint_eq(pa_refhits_count(h), 0);
    pa_refhits_free(h);
    pa_refindex_free(e);
    pa_seqlist_free(none);
    pa_seqlist_free(q);
    pa_refindex_free(ix);
    pa_refindex_free(NULL);
    pa_refhits_free(NULL);
}
END_TEST

/* Residues drawn from a biased composition: mostly Ser/Thr/Pro/Gly (a mucin-like region). */
static void biased_seq(char *s, size_t n)
{
    static const char rich[] = "SSSSTTTTTPPGGAEVN";
    for (size_t i = 0; i < n; i++)
        s[i] = rnd(4) ? rich[rnd(sizeof rich - 1)] : rnd_aa();
    s[n] = '\0';
}

static double best_evalue(const pa_refindex *ix, const pa_seqlist *q, size_t qi, size_t target,
                          int comp_adjust)
{
    pa_search_opts o = PA_SEARCH_OPTS_INIT;
    o.comp_adjust = comp_adjust;
    o.max_evalue = 1e3;
    o.threads = 1;
    o.sensitivity = PA_SENS_EXHAUSTIVE;
    pa_refhits *h = NULL;
    ck_assert_msg(pa_refindex_search(ix, q, &o, &h) == 0, "%s", pa_last_error());
    double e = INFINITY;
    size_t first, n;
    ck_assert_int_eq(pa_refhits_query_range(h, qi, &first, &n), 0);
    for (size_t i = first; i < first + n; i++) {
        pa_refhit x;
        pa_refhits_get(h, i, &x);
        if (x.target == target && x.evalue < e)
            e = x.evalue;
    }
    pa_refhits_free(h);
    return e;
}

/* Composition-based statistics: a shuffled biased query against a reference with a region
 * of the same bias looks significant without them and not with them; a real homolog keeps
 * its E-value. */
START_TEST(composition)
{
    make_refs();
    static char lc[1200], dec[400], hom[600];
    pa_seqlist *r, *q;
    ck_assert_int_eq(pa_seqlist_new(&r), 0);
    for (int i = 0; i < NREF; i++) {
        pa_seq_record x;
        pa_seqlist_get(refs, (size_t)i, &x);
        pa_seqlist_add(r, x.id, NULL, x.seq);
    }
    random_seq(lc, 300); /* an ordinary protein with a long low-complexity region */
    biased_seq(lc + 300, 500);
    random_seq(lc + 800, 200);
    pa_seqlist_add(r, "lowcomp", NULL, lc);
    pa_refindex *ix;
    ck_assert_int_eq(pa_refindex_build(&ix, r, NULL), 0);
    ck_assert_int_eq(pa_seqlist_new(&q), 0);
    biased_seq(dec, 250); /* same composition, unrelated order */
    pa_seqlist_add(q, "decoy", NULL, dec);
    mutate(ref_seq[11], 0, strlen(ref_seq[11]), 55, hom); /* ~55 % identity */
    pa_seqlist_add(q, "homolog", NULL, hom);
    double raw = best_evalue(ix, q, 0, NREF, 0), adj = best_evalue(ix, q, 0, NREF, 1);
    ck_assert_msg(raw <= 1e-3, "the biased decoy should look significant unadjusted: %g", raw);
    ck_assert_msg(adj > 1e-3, "adjusted decoy E-value %g", adj);
    double h0 = best_evalue(ix, q, 1, 11, 0), h1 = best_evalue(ix, q, 1, 11, 1);
    ck_assert_msg(h1 <= 1e-3 && h1 == h0, "homolog E %g (unadjusted %g)", h1, h0);
    /* the default search too, and with seed masking */
    pa_search_opts o = PA_SEARCH_OPTS_INIT;
    o.threads = 1;
    o.seed_mask = 1;
    pa_refhits *h = NULL;
    ck_assert_int_eq(pa_refindex_search(ix, q, &o, &h), 0);
    size_t first, n;
    ck_assert_int_eq(pa_refhits_query_range(h, 0, &first, &n), 0);
    ck_assert_uint_eq(n, 0);
    ck_assert_int_eq(pa_refhits_query_range(h, 1, &first, &n), 0);
    ck_assert_uint_ge(n, 1);
    pa_refhit x;
    pa_refhits_get(h, first, &x);
    ck_assert_uint_eq(x.target, 11);
    pa_refhits_free(h);
    /* a version-1 options struct (no comp_adjust field) gets the default: adjusted */
    pa_search_opts v1 = PA_SEARCH_OPTS_INIT;
    v1.version = 1;
    v1.comp_adjust = 0; /* beyond a version-1 struct: ignored */
    v1.sensitivity = PA_SENS_EXHAUSTIVE;
    v1.threads = 1;
    ck_assert_int_eq(pa_refindex_search(ix, q, &v1, &h), 0);
    ck_assert_int_eq(pa_refhits_query_range(h, 0, &first, &n), 0);
    ck_assert_uint_eq(n, 0);
    pa_refhits_free(h);
    pa_seqlist_free(q);
    pa_seqlist_free(r);
    pa_refindex_free(ix);
}
END_TEST

/* Low-complexity masking marks homopolymers and short repeats, not ordinary sequence. */
START_TEST(lowcomp_mask)
{
    unsigned char m[64];
    const char *poly = "MKTAYIAKQRHHHHHHHHHHHHHHQISFVKSHFSRQ";
    size_t n = pai_lowcomp_mask(poly, strlen(poly), m);
    ck_assert_uint_ge(n, 14);
    ck_assert_int_eq(m[15], 1);
    ck_assert_int_eq(m[0], 0);
    const char *plain = "MKTAYIAKQRQISFVKSHFSRQLEERLGLIEVQAPILSRVGDGTQDNLSGAEK";
    ck_assert_uint_eq(pai_lowcomp_mask(plain, strlen(plain), m), 0);
    ck_assert_uint_eq(pai_lowcomp_mask("SSSS", 4, m), 0); /* shorter than a window */
}
END_TEST

/* Score of a CIGAR over q and t (BLAST gaps 11/1, BLOSUM62), checking it spans both. */
static int64_t cigar_score(const pa_matrix *mx, const char *q, const char *t, const char *cig,
                           int64_t m, int64_t n)
{
    int64_t i = 0, j = 0, sc = 0;
    for (const char *c = cig; *c;) {
        char *e;
        long k = strtol(c, &e, 10);
        for (long x = 0; x < k; x++) {
            if (*e == '=' || *e == 'X')
                sc += pa_matrix_score(mx, q[i++], t[j++]);
            else
                (*e == 'I' ? i++ : j++);
        }
        if (*e == 'I' || *e == 'D')
            sc -= 11 + k;
        c = e + 1;
    }
    ck_assert_int_eq(i, m);
    ck_assert_int_eq(j, n);
    return sc;
}

/* The banded traceback finds an alignment of the known score, or says the band missed. */
START_TEST(banded_trace)
{
    make_refs();
    pa_matrix *mx;
    ck_assert_int_eq(pa_matrix_builtin(&mx, "BLOSUM62"), 0);
    static int16_t sc[256 * 256];
    for (int a = 0; a < 256; a++)
        for (int b = 0; b < 256; b++)
            sc[a * 256 + b] = (int16_t)pa_matrix_score(mx, (char)a, (char)b);
    pa_align_opts ao = PA_ALIGN_OPTS_INIT;
    ao.gap_model = PA_GAP_BLAST;
    ao.traceback = 1;
    int quick = getenv("PA_TEST_QUICK") != NULL;
    for (int r = 0; r < (quick ? 5 : 40); r++) {
        static char q[1100];
        const char *t = ref_seq[r];
        mutate(t, 0, strlen(t), 30, q);
        if (r % 5 == 0) /* a long insertion: the path leaves a narrow band */
            memmove(q + 60, q + 30, strlen(q + 30) + 1), random_seq(q + 30, 30), q[60] = t[58];
        pa_alignment a;
        ck_assert_int_eq(pa_align(q, 0, t, 0, &ao, &a), 0);
        int64_t m = a.qend - a.qstart, n = a.tend - a.tstart;
        pa_alignment b;
        int rc = pai_banded_trace(sc, q + a.qstart, m, t + a.tstart, n, 11, 1, 64, a.score, &b);
        ck_assert_int_eq(rc, 0);
        ck_assert_int_eq(b.score, a.score);
        ck_assert_int_eq(cigar_score(mx, q + a.qstart, t + a.tstart, b.cigar, m, n), a.score);
        ck_assert_int_eq(pai_banded_trace(sc, q + a.qstart, m, t + a.tstart, n, 11, 1, 0,
                                          a.score + 1, &b), 1); /* unreachable score */
        pa_alignment_clear(&a);
        pa_alignment_clear(&b);
    }
    pa_matrix_free(mx);
}
END_TEST

START_TEST(fasta_input)
{
    char path[512];
    pa_refindex *ix;
    ck_assert_int_eq(pa_refindex_build_fasta(&ix, pa_test_data("align/sample.fasta", path, sizeof path), NULL), 0);
    ck_assert_uint_eq(pa_refindex_count(ix), 40);
    pa_refindex_free(ix);
    ck_assert_int_eq(pa_refindex_build_fasta(&ix, "/nonexistent.fa", NULL), PA_EIO);
    ck_assert_ptr_null(ix);
}
END_TEST

/* Every allocation of a build + search may fail: a clean PA_ENOMEM, nothing leaked
 * (ASan), and success once the failure point is past the last allocation. */
START_TEST(allocation_failures)
{
    make_refs();
    pa_seqlist *few, *q = make_queries(3, 20);
    pa_seqlist_new(&few);
    for (size_t i = 0; i < 12; i++) {
        pa_seq_record r;
        pa_seqlist_get(refs, (7 * i) % NREF, &r);
        pa_seqlist_add(few, r.id, NULL, r.seq);
    }
    pa_search_opts o = PA_SEARCH_OPTS_INIT;
    o.top_k = 2;
    o.seed_mask = 1; /* its buffer fails too */
    int step = pa_test_quick() ? 7 : 1;
    for (uint64_t n = 1;; n += (uint64_t)step) {
        pa_refindex *ix = NULL;
        pa_refhits *h = NULL;
        pai_alloc_fail_after(n);
        int rc = pa_refindex_build(&ix, few, NULL);
        if (rc == 0)
            rc = pai_refindex_search_here(ix, q, &o, &h);
        pai_alloc_fail_after(0);
        pa_refhits_free(h);
        pa_refindex_free(ix);
        if (rc == 0)
            break;
        ck_assert_msg(rc == PA_ENOMEM, "allocation %llu: rc %d", (unsigned long long)n, rc);
        ck_assert_uint_lt(n, 100000);
    }
    pa_seqlist_free(q);
    pa_seqlist_free(few);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("refindex");
    TCase *t = tcase_create("refindex");
    tcase_set_timeout(t, 120);
    tcase_add_test(t, round_trip);
    tcase_add_test(t, corrupt_files);
    tcase_add_test(t, evalues);
    tcase_add_test(t, outdated_format);
    tcase_add_test(t, similar_kmers);
    tcase_add_test(t, indexed_vs_exhaustive);
    tcase_add_test(t, threads_and_chunks);
    tcase_add_test(t, options_and_edges);
    tcase_add_test(t, fasta_input);
    tcase_add_test(t, composition);
    tcase_add_test(t, lowcomp_mask);
    tcase_add_test(t, banded_trace);
    tcase_add_test(t, allocation_failures);
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    int rc = pa_run_suite(suite());
    pa_seqlist_free(refs);
    return rc;
}
