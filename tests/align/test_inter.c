/* test_inter.c — the inter-sequence (one lane per target) kernels against the scalar
 * reference: every ISA forced in turn, every mode and gap model, target counts that
 * lanes do not divide, lengths 0, 1, 2 and up to 5,000, lanes saturating at 8 and 16
 * bits while their neighbours do not; results never depend on the kernel chosen. */
#include "align/align_int.h"
#include "testutil.h"
#include "panalyzer/executor.h"

#include <stdint.h>

static const char AA[] = "ARNDCQEGHILKMFPSTWYV";
static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint64_t next_rand(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static char *rand_seq(size_t n, const char *abc)
{
    size_t k = strlen(abc);
    char *s = malloc(n + 1);
    for (size_t i = 0; i < n; i++)
        s[i] = abc[next_rand() % k];
    s[n] = 0;
    return s;
}

/* a copy with ~15 % substitutions and a few indels */
static char *mutate(const char *src)
{
    size_t n = strlen(src), k = 0;
    char *s = malloc(2 * n + 2);
    for (size_t i = 0; i < n; i++) {
        unsigned r = (unsigned)(next_rand() % 100);
        if (r < 4)
            continue;
        if (r < 8)
            s[k++] = AA[next_rand() % 20];
        s[k++] = r < 20 ? AA[next_rand() % 20] : src[i];
    }
    s[k] = 0;
    return s;
}

static const pa_isa isas[] = {PA_ISA_SSE41, PA_ISA_AVX2, PA_ISA_AVX512};
static const pa_align_kernel kernels[] = {PA_KERNEL_INTER, PA_KERNEL_STRIPED, PA_KERNEL_AUTO};

/* Every (ISA, kernel) against pa_align with the scalar ISA, target by target. */
static void check_many(pa_executor *ex, const char *q, char **t, size_t nt, pa_align_opts o,
                       size_t chunk)
{
    pa_alignment *ref = calloc(nt, sizeof *ref);
    pa_align_opts so = o;
    so.isa = PA_ISA_SCALAR;
    for (size_t i = 0; i < nt; i++)
        ck_assert_int_eq(pa_align(q, strlen(q), t[i], strlen(t[i]), &so, &ref[i]), 0);
    for (size_t ia = 0; ia < sizeof isas / sizeof *isas; ia++) {
        pa_profile *p;
        o.isa = isas[ia];
        if (pa_profile_new(&p, q, strlen(q), &o) == PA_EUNSUPPORTED)
            continue;
        /* AVX-512: without and with VBMI score rows (PA_ALIGN_VBMI=1 is plain AVX-512BW
         * on a CPU without VBMI) */
        for (size_t kv = 0; kv < (isas[ia] == PA_ISA_AVX512 ? 6u : 3u); kv++) {
            size_t k = kv % 3;
            setenv("PA_ALIGN_VBMI", kv < 3 ? "0" : "1", 1);
            pa_batch_opts bo = PA_BATCH_OPTS_INIT;
            bo.kernel = kernels[k];
            bo.chunk = chunk;
            pa_hit *h;
            size_t nh;
            ck_assert_int_eq(pa_profile_align_many(ex, p, (const char *const *)t, NULL, nt, &bo,
                                                   &h, &nh), 0);
            ck_assert_uint_eq(nh, nt);
            unsetenv("PA_ALIGN_VBMI");
            if (kernels[k] == PA_KERNEL_INTER && strlen(q) && p->inter_ok) {
                char want[32];
                int vbmi = kv >= 3 && pai_inter_vbmi_supported();
                size_t wl = (size_t)snprintf(want, sizeof want, "inter-%s%s", pa_isa_name(isas[ia]),
                                             vbmi ? "-vbmi" : "");
                const char *got = pa_align_last_kernel();
                ck_assert_msg(!strncmp(got, want, wl) && (got[wl] == ' ' || got[wl] == ':'), "%s",
                              got);
            }
            for (size_t i = 0; i < nt; i++) {
                const pa_alignment *a = &h[i].aln, *r = &ref[i];
                ck_assert_uint_eq(h[i].target, i);
                ck_assert_msg(a->score == r->score && a->qend == r->qend && a->tend == r->tend &&
                              a->qstart == r->qstart && a->tstart == r->tstart,
                              "%s kernel %d mode %d target %zu (m %zu n %zu): %lld q%lld-%lld "
                              "t%lld-%lld, scalar %lld q%lld-%lld t%lld-%lld",
                              pa_isa_name(isas[ia]), (int)kernels[k], (int)o.mode, i, strlen(q),
                              strlen(t[i]), (long long)a->score, (long long)a->qstart,
                              (long long)a->qend, (long long)a->tstart, (long long)a->tend,
                              (long long)r->score, (long long)r->qstart, (long long)r->qend,
                              (long long)r->tstart, (long long)r->tend);
                if (o.traceback)
                    ck_assert_str_eq(a->cigar, r->cigar);
            }
            pa_hits_free(h, nh);
        }
        pa_profile_free(p);
    }
    for (size_t i = 0; i < nt; i++)
        pa_alignment_clear(&ref[i]);
    free(ref);
}

static void free_all(char **t, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(t[i]);
    free(t);
}

/* Targets of lengths 0, 1, 2, random and mutated copies of q, in shuffled order. */
static char **mixed_targets(const char *q, size_t nt, size_t maxlen)
{
    char **t = malloc(nt * sizeof *t);
    for (size_t i = 0; i < nt; i++) {
        unsigned r = (unsigned)(next_rand() % 8);
        size_t n = i < 3 ? i : 1 + next_rand() % maxlen;
        t[i] = r == 0 ? mutate(q) : rand_seq(n, AA);
    }
    return t;
}

START_TEST(test_inter_random)
{
    static const pa_align_mode modes[] = {PA_ALIGN_LOCAL, PA_ALIGN_GLOBAL, PA_ALIGN_SEMI};
    int iters = pa_test_quick() ? 3 : 15;
    for (int it = 0; it < iters; it++) {
        size_t m = it == 0 ? 1 : it == 1 ? 2 : 1 + next_rand() % 300;
        size_t nt = 67 + next_rand() % 70; /* 64 lanes never divide it evenly */
        char *q = rand_seq(m, AA);
        char **t = mixed_targets(q, nt, 400);
        pa_align_opts o = PA_ALIGN_OPTS_INIT;
        o.mode = modes[it % 3];
        o.free_ends = (unsigned)(next_rand() % 16);
        o.gap_extend = (int)(next_rand() % 3);
        o.gap_open = o.gap_extend + (int)(next_rand() % 14);
        o.gap_model = it % 4 == 1 ? PA_GAP_BLAST : PA_GAP_PARASAIL;
        check_many(NULL, q, t, nt, o, 0);
        free_all(t, nt);
        free(q);
    }
}
END_TEST

/* Very different lengths in one lane batch, up to 5,000 residues; the executor with a
 * chunk that splits lane batches. */
START_TEST(test_inter_long_mixed)
{
    pa_executor *ex;
    pa_executor_opts eo = PA_EXECUTOR_OPTS_INIT;
    eo.threads = 2;
    ck_assert_int_eq(pa_executor_new(&ex, &eo), 0);
    size_t nt = pa_test_quick() ? 9 : 21;
    char *q = rand_seq(pa_test_quick() ? 120 : 350, AA);
    char **t = malloc(nt * sizeof *t);
    for (size_t i = 0; i < nt; i++)
        t[i] = i % 5 == 0 ? mutate(q) : rand_seq(i % 3 ? 1 + next_rand() % 5000 : 3, AA);
    for (int md = 0; md < 3; md++) {
        pa_align_opts o = PA_ALIGN_OPTS_INIT;
        o.mode = (pa_align_mode)md;
        check_many(ex, q, t, nt, o, 7);
    }
    free_all(t, nt);
    free(q);
    pa_executor_free(ex);
}
END_TEST

/* Some lanes saturate at 8 bits (self hits under BLOSUM62), some at 16 bits (a DNA
 * matrix scoring 90 per match), their neighbours not. */
START_TEST(test_inter_saturation)
{
    char *q = rand_seq(300, AA);
    size_t nt = 70;
    char **t = mixed_targets(q, nt, 300);
    for (size_t i = 5; i < nt; i += 9) {
        free(t[i]);
        t[i] = i % 2 ? strdup(q) : mutate(q);
    }
    for (int md = 0; md < 3; md++) {
        pa_align_opts o = PA_ALIGN_OPTS_INIT;
        o.mode = (pa_align_mode)md;
        check_many(NULL, q, t, nt, o, 0);
    }
    free_all(t, nt);
    free(q);

    pa_matrix *mx;
    ck_assert_int_eq(pa_matrix_match(&mx, 90, -90), 0);
    q = rand_seq(450, "ACGT");
    nt = 40;
    t = malloc(nt * sizeof *t);
    for (size_t i = 0; i < nt; i++) {
        size_t n = i % 4 == 0 ? 450 : i % 4 == 1 ? 200 : 1 + next_rand() % 450;
        t[i] = i % 4 < 2 ? strndup(q, n) : rand_seq(n, "ACGT"); /* 40,500 / 18,000 */
    }
    for (int md = 0; md < 3; md++) {
        pa_align_opts o = PA_ALIGN_OPTS_INIT;
        o.mode = (pa_align_mode)md;
        o.matrix = mx;
        o.gap_open = 100, o.gap_extend = 20;
        check_many(NULL, q, t, nt, o, 0);
    }
    free_all(t, nt);
    free(q);
    pa_matrix_free(mx);
}
END_TEST

/* Real proteins: the bundled sample against itself, every mode, two matrices. */
START_TEST(test_inter_real)
{
    char buf[512], line[4096];
    FILE *f = fopen(pa_test_data("align/sample.fasta", buf, sizeof buf), "r");
    ck_assert_ptr_nonnull(f);
    char **t = NULL;
    size_t nt = 0;
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = 0;
        if (line[0] == '>') {
            t = realloc(t, (nt + 1) * sizeof *t);
            t[nt++] = calloc(1, 1);
            continue;
        }
        size_t l = strlen(t[nt - 1]);
        t[nt - 1] = realloc(t[nt - 1], l + strlen(line) + 1);
        strcpy(t[nt - 1] + l, line);
    }
    fclose(f);
    ck_assert_uint_ge(nt, 20);
    pa_matrix *mx;
    ck_assert_int_eq(pa_matrix_builtin(&mx, "PAM30"), 0);
    for (size_t qi = 0; qi < (pa_test_quick() ? 1u : 3u); qi++)
        for (int md = 0; md < 3; md++) {
            pa_align_opts o = PA_ALIGN_OPTS_INIT;
            o.mode = (pa_align_mode)md;
            o.matrix = qi == 1 ? mx : NULL;
            o.gap_model = qi == 2 ? PA_GAP_BLAST : PA_GAP_PARASAIL;
            check_many(NULL, t[qi * 7], t, nt, o, 0);
        }
    pa_matrix_free(mx);
    free_all(t, nt);
}
END_TEST

/* top-k with traceback: the same hits and CIGARs whichever kernel scored them. */
START_TEST(test_inter_topk_traceback)
{
    char *q = rand_seq(180, AA);
    size_t nt = 150;
    char **t = mixed_targets(q, nt, 250);
    pa_align_opts o = PA_ALIGN_OPTS_INIT;
    o.traceback = 1;
    pa_profile *p;
    ck_assert_int_eq(pa_profile_new(&p, q, 0, &o), 0);
    pa_hit *h[2];
    size_t nh[2];
    for (int k = 0; k < 2; k++) {
        pa_batch_opts bo = PA_BATCH_OPTS_INIT;
        bo.top_k = 10;
        bo.kernel = kernels[k];
        ck_assert_int_eq(pa_profile_align_many(NULL, p, (const char *const *)t, NULL, nt, &bo,
                                               &h[k], &nh[k]), 0);
        ck_assert_uint_eq(nh[k], 10);
    }
    for (size_t i = 0; i < 10; i++) {
        ck_assert_uint_eq(h[0][i].target, h[1][i].target);
        ck_assert_int_eq(h[0][i].aln.score, h[1][i].aln.score);
        ck_assert_str_eq(h[0][i].aln.cigar, h[1][i].aln.cigar);
    }
    pa_hits_free(h[0], nh[0]);
    pa_hits_free(h[1], nh[1]);
    /* the full traceback path as well */
    check_many(NULL, q, t, 40, o, 0);
    pa_profile_free(p);
    free_all(t, nt);
    free(q);
}
END_TEST

/* The 16-bit kernels take two target columns per pass: targets ending on either column
 * of a pair in one lane batch, low-complexity sequences for ties between end cells,
 * every free-end combination (semi-global) and both gap models. */
START_TEST(test_inter_column_pairs)
{
    static const char *const low[] = {"AAAA", "AW", "WAAW"};
    size_t nt = 70;
    char *q = rand_seq(pa_test_quick() ? 40 : 90, "AW");
    char **t = malloc(nt * sizeof *t);
    for (size_t i = 0; i < nt; i++) {
        t[i] = malloc(i + 2);
        for (size_t j = 0; j <= i; j++) /* lengths 1..70: every parity */
            t[i][j] = i % 4 == 3 ? AA[next_rand() % 20] : low[i % 3][j % strlen(low[i % 3])];
        t[i][i + 1] = 0;
    }
    for (unsigned fe = 0; fe < 16; fe += pa_test_quick() ? 5 : 1)
        for (int md = 0; md < 3; md++) {
            pa_align_opts o = PA_ALIGN_OPTS_INIT;
            o.mode = (pa_align_mode)md;
            o.free_ends = fe;
            o.gap_model = fe % 2 ? PA_GAP_BLAST : PA_GAP_PARASAIL;
            o.gap_open = (int)(fe % 5), o.gap_extend = (int)(fe % 5 > 0);
            if (md == PA_ALIGN_SEMI || fe == 0)
                check_many(NULL, q, t, nt, o, 0);
        }
    free_all(t, nt);
    free(q);
}
END_TEST

/* Several profiles in one call: the queries of a tile share the lane batches packed
 * for the first one only when targets, alphabet and the lanes' targets agree (a DNA
 * alphabet, a mode whose 16-bit lanes exclude long targets, other matrices and ISAs). */
START_TEST(test_inter_many_profiles)
{
    pa_matrix *dna, *pam;
    ck_assert_int_eq(pa_matrix_match(&dna, 2, -3), 0);
    ck_assert_int_eq(pa_matrix_builtin(&pam, "PAM30"), 0);
    size_t nt = 150, np = 6;
    char *q = rand_seq(90, AA);
    char **t = mixed_targets(q, nt, 300);
    free(t[7]);
    t[7] = rand_seq(3000, AA); /* too long for query 1's 16-bit lanes, not for query 2's */
    char *qs[6] = {q, rand_seq(300, AA), rand_seq(130, AA), rand_seq(60, "ACGT"), strdup(q),
                   rand_seq(40, AA)};
    static const pa_align_mode md[6] = {PA_ALIGN_LOCAL, PA_ALIGN_GLOBAL, PA_ALIGN_GLOBAL,
                                        PA_ALIGN_SEMI, PA_ALIGN_LOCAL, PA_ALIGN_SEMI};
    pa_profile *p[6];
    pa_align_opts o[6];
    for (size_t i = 0; i < np; i++) {
        o[i] = (pa_align_opts)PA_ALIGN_OPTS_INIT;
        o[i].mode = md[i];
        o[i].matrix = i == 3 ? dna : i == 4 ? pam : NULL;
        if (i == 1)
            o[i].gap_open = 12, o[i].gap_extend = 10;
        if (i == 1 || i == 2) /* the same lanes */
            o[i].isa = pa_align_best_isa();
        o[i].isa = i == 5 ? PA_ISA_AVX2 : PA_ISA_AUTO;
        if (i == 5 && pa_align_best_isa() < PA_ISA_AVX2)
            o[i].isa = PA_ISA_AUTO;
        ck_assert_int_eq(pa_profile_new(&p[i], qs[i], 0, &o[i]), 0);
    }
    for (size_t chunk = 0; chunk <= 8; chunk += 8) {
        pa_batch_opts bo = PA_BATCH_OPTS_INIT;
        bo.chunk = chunk;
        bo.kernel = PA_KERNEL_INTER;
        pa_hit *h;
        size_t nh;
        ck_assert_int_eq(pa_align_many_profiles(NULL, (const pa_profile *const *)p, np,
                                                (const char *const *)t, NULL, nt, &bo, &h, &nh), 0);
        ck_assert_uint_eq(nh, np * nt);
        for (size_t i = 0; i < nh; i++) {
            pa_alignment r;
            pa_align_opts so = o[h[i].query];
            so.isa = PA_ISA_SCALAR;
            const char *a = qs[h[i].query], *b = t[h[i].target];
            ck_assert_int_eq(pa_align(a, strlen(a), b, strlen(b), &so, &r), 0);
            ck_assert_msg(h[i].aln.score == r.score && h[i].aln.qend == r.qend &&
                              h[i].aln.tend == r.tend,
                          "query %zu target %zu chunk %zu: %lld against %lld", h[i].query,
                          h[i].target, chunk, (long long)h[i].aln.score, (long long)r.score);
            pa_alignment_clear(&r);
        }
        pa_hits_free(h, nh);
    }
    for (size_t i = 0; i < np; i++) {
        pa_profile_free(p[i]);
        if (i != 0 && i != 4)
            free(qs[i]);
    }
    free(qs[4]);
    free_all(t, nt);
    free(q);
    pa_matrix_free(dna);
    pa_matrix_free(pam);
}
END_TEST

/* Options: version-1 batch options still work; bad kernel values are refused. */
START_TEST(test_inter_options)
{
    char *q = rand_seq(50, AA);
    char **t = mixed_targets(q, 20, 60);
    pa_profile *p;
    ck_assert_int_eq(pa_profile_new(&p, q, 0, NULL), 0);
    pa_hit *h;
    size_t nh;
    pa_batch_opts bo = PA_BATCH_OPTS_INIT;
    bo.version = 1;
    bo.kernel = (pa_align_kernel)77; /* not read by version 1 */
    ck_assert_int_eq(pa_profile_align_many(NULL, p, (const char *const *)t, NULL, 20, &bo, &h, &nh), 0);
    pa_hits_free(h, nh);
    ck_assert_ptr_nonnull(strstr(pa_align_last_kernel(), "GCUPS"));
    bo.version = PA_BATCH_OPTS_VERSION;
    ck_assert_int_eq(pa_profile_align_many(NULL, p, (const char *const *)t, NULL, 20, &bo, &h, &nh),
                     PA_EINVAL);
    bo.kernel = PA_KERNEL_AUTO;
    setenv("PA_ALIGN_KERNEL", "bogus", 1);
    ck_assert_int_eq(pa_profile_align_many(NULL, p, (const char *const *)t, NULL, 20, &bo, &h, &nh),
                     PA_EINVAL);
    setenv("PA_ALIGN_KERNEL", "striped", 1);
    ck_assert_int_eq(pa_profile_align_many(NULL, p, (const char *const *)t, NULL, 20, &bo, &h, &nh), 0);
    ck_assert_ptr_nonnull(strstr(pa_align_last_kernel(), "striped"));
    pa_hits_free(h, nh);
    unsetenv("PA_ALIGN_KERNEL");
    /* PA_ALIGN_VBMI: bad values refused; auto times AVX-512 with and without VBMI */
    setenv("PA_ALIGN_VBMI", "2", 1);
    ck_assert_int_eq(pa_profile_align_many(NULL, p, (const char *const *)t, NULL, 20, &bo, &h, &nh),
                     PA_EINVAL);
    setenv("PA_ALIGN_VBMI", "auto", 1);
    ck_assert_int_eq(pa_profile_align_many(NULL, p, (const char *const *)t, NULL, 20, &bo, &h, &nh), 0);
    if (pai_inter_vbmi_supported())
        ck_assert_ptr_nonnull(strstr(pa_align_last_kernel(), "inter-avx512-vbmi "));
    pa_hits_free(h, nh);
    unsetenv("PA_ALIGN_VBMI");
    bo.kernel = PA_KERNEL_INTER; /* forced, without targets (a fuzzer finding) */
    ck_assert_int_eq(pa_profile_align_many(NULL, p, (const char *const *)t, NULL, 0, &bo, &h, &nh), 0);
    ck_assert_uint_eq(nh, 0);
    pa_hits_free(h, nh);
    pa_profile_free(p);
    free_all(t, 20);
    free(q);
}
END_TEST

/* The pipeline reports the alignment kernel through pa_metrics_set_info. */
START_TEST(test_metrics_info)
{
    pa_metrics *m;
    char *json;
    ck_assert_int_eq(pa_metrics_new(&m), 0);
    ck_assert_int_eq(pa_metrics_to_json(m, &json), 0);
    ck_assert_ptr_null(strstr(json, "info"));
    free(json);
    ck_assert_int_eq(pa_metrics_set_info(m, "align_kernel", "inter \"x\""), 0);
    ck_assert_int_eq(pa_metrics_set_info(m, "align_kernel", "inter-avx2"), 0);
    ck_assert_int_eq(pa_metrics_set_info(m, "b", "2"), 0);
    ck_assert_int_eq(pa_metrics_set_info(m, NULL, "2"), PA_EINVAL);
    ck_assert_int_eq(pa_metrics_to_json(m, &json), 0);
    ck_assert_str_eq(json, "{\"stages\":{},\"info\":{\"align_kernel\":\"inter-avx2\",\"b\":\"2\"}}");
    free(json);
    pa_metrics_reset(m);
    ck_assert_int_eq(pa_metrics_to_json(m, &json), 0);
    ck_assert_str_eq(json, "{\"stages\":{}}");
    free(json);
    pa_metrics_free(m);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("align-inter");
    TCase *tc = tcase_create("inter");
    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, test_inter_random);
    tcase_add_test(tc, test_inter_long_mixed);
    tcase_add_test(tc, test_inter_saturation);
    tcase_add_test(tc, test_inter_column_pairs);
    tcase_add_test(tc, test_inter_many_profiles);
    tcase_add_test(tc, test_inter_real);
    tcase_add_test(tc, test_inter_topk_traceback);
    tcase_add_test(tc, test_inter_options);
    tcase_add_test(tc, test_metrics_info);
    suite_add_tcase(s, tc);
    return pa_run_suite(s);
}
