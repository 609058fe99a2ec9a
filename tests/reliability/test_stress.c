/* test_stress.c — thread-safety stress: many threads reading structures,
 * extracting sequences, aligning and predicting secondary structure at once,
 * each comparing its results with a single-threaded reference. Run under the
 * TSan build (suite 'stress'); keeps threads alive, so CK_FORK=no.
 * Stages whose module is not linked in yet are skipped (weak references). */
#include "corpus.h"

#include <pthread.h>

/* Optional stages: resolved to NULL when the module is not in the library yet. */
#pragma weak pa_sequence_extract
#pragma weak pa_seqset_count
#pragma weak pa_seqset_get
#pragma weak pa_seqset_free
#pragma weak pa_align
#pragma weak pa_alignment_clear
#pragma weak pa_predict_ss
#pragma weak pa_ss_result_free
#pragma weak pa_executor_new
#pragma weak pa_executor_free
#pragma weak pa_parallel_for
#define HAVE(fn) ((void (*)(void))(fn) != NULL)

#define N_THREADS 8
#define ROUNDS 12

static const char *inputs[] = {"reliability/small.pdb", "reliability/small.cif",
                               "reliability/small.xml"};
#define N_INPUTS 3

typedef struct {
    int skip; /* the reader for this format is not in the library yet */
    unsigned char *buf;
    size_t n;
    size_t atoms, chains;
    char seq[256];   /* first chain's observed sequence */
    int64_t score;   /* self-alignment score of seq */
    char ss[256];    /* predicted secondary structure of seq */
} reference;

static reference ref[N_INPUTS];

/* One full pass over input i; fills r (reference) or compares against it. */
static int pass(int i, reference *r, int compare)
{
    pa_structure *s = NULL;
    int rc = pa_structure_read_memory(ref[i].buf, ref[i].n, inputs[i], NULL, &s, NULL);
    if (rc != 0)
        return rc;
    pa_atom_columns ac;
    pa_structure_atoms(s, &ac);
    if (compare && (ac.n != r->atoms || pa_structure_chain_count(s) != r->chains))
        return pa_structure_free(s), -100;
    r->atoms = ac.n;
    r->chains = pa_structure_chain_count(s);
    if (HAVE(pa_sequence_extract)) {
        pa_seqset *set = NULL;
        rc = pa_sequence_extract(s, NULL, &set);
        if (rc == 0 && pa_seqset_count(set) > 0) {
            pa_chain_seq cs;
            pa_seqset_get(set, 0, &cs);
            if (compare && strcmp(cs.observed, r->seq))
                rc = -101;
            snprintf(r->seq, sizeof r->seq, "%s", cs.observed);
        }
        pa_seqset_free(set);
    }
    pa_structure_free(s);
    if (rc != 0)
        return rc;
    if (HAVE(pa_align) && r->seq[0]) {
        pa_align_opts o = PA_ALIGN_OPTS_INIT;
        o.traceback = 1;
        pa_alignment al = {0};
        rc = pa_align(r->seq, 0, r->seq, 0, &o, &al);
        if (rc == 0 && compare && al.score != r->score)
            rc = -102;
        r->score = al.score;
        pa_alignment_clear(&al);
        if (rc != 0)
            return rc;
    }
    if (HAVE(pa_predict_ss) && r->seq[0]) {
        const char *seqs[1] = {r->seq};
        pa_ss_result *ss = NULL;
        rc = pa_predict_ss(NULL, seqs, 1, NULL, &ss);
        if (rc == 0) {
            if (compare && strcmp(ss->ss3[0], r->ss))
                rc = -103;
            snprintf(r->ss, sizeof r->ss, "%s", ss->ss3[0]);
        }
        pa_ss_result_free(ss);
    }
    return rc;
}

static void *worker(void *arg)
{
    intptr_t id = (intptr_t)arg;
    for (int k = 0; k < ROUNDS; k++) {
        int i = (int)((id + k) % N_INPUTS);
        if (ref[i].skip)
            continue;
        reference mine = ref[i];
        int rc = pass(i, &mine, 1);
        if (rc != 0)
            return (void *)(intptr_t)(rc ? rc : -1);
    }
    return NULL;
}

START_TEST(test_threads_agree_with_reference)
{
    pthread_t th[N_THREADS];
    for (intptr_t t = 0; t < N_THREADS; t++)
        ck_assert_int_eq(pthread_create(&th[t], NULL, worker, (void *)t), 0);
    for (int t = 0; t < N_THREADS; t++) {
        void *res;
        pthread_join(th[t], &res);
        ck_assert_msg(res == NULL, "thread %d failed: %d (%s)", t, (int)(intptr_t)res, pa_last_error());
    }
}
END_TEST

START_TEST(test_last_error_is_thread_local)
{
    pa_structure *s = NULL;
    ck_assert_int_lt(pa_structure_read_memory("\0\0\0", 3, "bad", NULL, &s, NULL), 0);
    char mine[256];
    snprintf(mine, sizeof mine, "%s", pa_last_error());
    ck_assert(mine[0]);
    /* Another thread succeeding must not clear this thread's message. */
    pthread_t ok;
    ck_assert_int_eq(pthread_create(&ok, NULL, worker, (void *)0), 0);
    pthread_join(ok, NULL);
    ck_assert_str_eq(pa_last_error(), mine);
}
END_TEST

static int chunk_body(void *ctx, size_t lo, size_t hi, int w)
{
    (void)ctx;
    (void)w;
    for (size_t k = lo; k < hi; k++) {
        if (ref[k % N_INPUTS].skip)
            continue;
        reference mine = ref[k % N_INPUTS];
        int rc = pass((int)(k % N_INPUTS), &mine, 1);
        if (rc != 0)
            return rc;
    }
    return 0;
}

START_TEST(test_executor_parallel_for)
{
    pa_executor *ex;
    pa_executor_opts eo = PA_EXECUTOR_OPTS_INIT;
    eo.threads = 4;
    ck_assert_int_eq(pa_executor_new(&ex, &eo), 0);
    ck_assert_int_eq(pa_parallel_for(ex, 0, 96, 3, chunk_body, NULL), 0);
    pa_executor_free(ex);
}
END_TEST

int main(void)
{
    for (int i = 0; i < N_INPUTS; i++) {
        char p[4096];
        ref[i].buf = rel_slurp(pa_test_data(inputs[i], p, sizeof p), &ref[i].n);
        int rc = ref[i].buf ? pass(i, &ref[i], 0) : PA_EIO;
        if (rc == PA_EUNSUPPORTED) {
            fprintf(stderr, "note: %s skipped: %s\n", inputs[i], pa_last_error());
            ref[i].skip = 1;
        } else if (rc != 0) {
            fprintf(stderr, "reference pass on %s failed: %d %s\n", inputs[i], rc, pa_last_error());
            return EXIT_FAILURE;
        }
    }
    fprintf(stderr, "stages: sequence %d, align %d, ss %d, executor %d; first sequence '%s' ss '%s'\n",
            HAVE(pa_sequence_extract), HAVE(pa_align), HAVE(pa_predict_ss), HAVE(pa_executor_new),
            ref[0].seq, ref[0].ss);
    Suite *s = suite_create("stress");
    TCase *tc = tcase_create("threads");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, test_threads_agree_with_reference);
    tcase_add_test(tc, test_last_error_is_thread_local);
    if (HAVE(pa_executor_new))
        tcase_add_test(tc, test_executor_parallel_for);
    suite_add_tcase(s, tc);
    int rc = pa_run_suite(s);
    for (int i = 0; i < N_INPUTS; i++)
        free(ref[i].buf);
    return rc;
}
