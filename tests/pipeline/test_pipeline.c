/* test_pipeline.c — batching, ordering, bounded window, failures, cache, metrics. */
#include "pipeline/pipeline_int.h"
#include "testutil.h"

#include <dirent.h>
#include <pthread.h>
#include <stdatomic.h>
#include <unistd.h>

/* ---- helpers ------------------------------------------------------------------- */

static char tmp_root[256];

static void make_tmp(void)
{
    const char *t = getenv("TMPDIR");
    snprintf(tmp_root, sizeof tmp_root, "%s/pa-pipeline-XXXXXX", t ? t : "/tmp");
    ck_assert_ptr_nonnull(mkdtemp(tmp_root));
}

static void rm_tree(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    char p[1024];
    while ((e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
        if (e->d_type == DT_DIR)
            rm_tree(p);
        else
            unlink(p);
    }
    closedir(d);
    rmdir(dir);
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    fclose(f);
}

/* Canonical text of a result, for comparisons across configurations. */
static char *describe(const pa_result *r)
{
    pai_buf b = {0};
    pa_result_summary s;
    pa_result_summary_get(r, &s);
    pai_buf_printf(&b, "%zu %s status=%d fmt=%d id=%s m=%zu c=%zu r=%zu a=%zu\n",
                   pa_result_index(r), pa_result_path(r), pa_result_status(r), s.format, s.id,
                   s.models, s.chains, s.residues, s.atoms);
    const pa_diags *d = pa_result_diagnostics(r);
    for (size_t i = 0; i < pa_diags_count(d); i++) {
        char line[512];
        pa_diag_format(pa_diags_get(d, i), line, sizeof line);
        pai_buf_printf(&b, "  diag %s\n", line);
    }
    for (size_t i = 0; i < pa_result_chain_count(r); i++) {
        pa_chain_seq c;
        ck_assert_int_eq(pa_result_chain(r, i, &c), 0);
        pai_buf_printf(&b, "  chain %d %u %s/%s/%s %d %zu %s | %s |", c.model, c.chain,
                       c.auth_id, c.label_id, c.entity_id, c.polymer_type, c.n_observed,
                       c.observed, c.seqres);
        for (size_t j = 0; j < c.n_observed; j++)
            pai_buf_printf(&b, " %d:%u", c.map[j], c.residue[j]);
        const char *ss = pa_result_chain_ss(r, i);
        pai_buf_printf(&b, " ss=%s", ss ? ss : "-");
        pa_result_ref f;
        if (pa_result_chain_reference(r, i, &f) == 0)
            pai_buf_printf(&b, " ref=%s#%zu/%lld/%lld/%.6f/%.6f", f.id, f.index,
                           (long long)f.score, (long long)f.mapped, f.identity, f.coverage);
        pai_buf_putc(&b, '\n');
    }
    return b.s;
}

typedef struct {
    char **texts; /* by input index */
    size_t n, cached;
    atomic_size_t calls;
    long last_index;
    int in_order;
    size_t stop_after; /* return 1 after this many calls (0: never) */
    atomic_size_t started;
    size_t max_in_flight;
    atomic_int concurrent_cb, overlap;
} collect;

static int on_result(void *ctx, const pa_result *r)
{
    collect *c = ctx;
    if (atomic_fetch_add(&c->concurrent_cb, 1) != 0)
        atomic_fetch_add(&c->overlap, 1);
    size_t i = pa_result_index(r);
    if ((long)i < c->last_index)
        c->in_order = 0;
    c->last_index = (long)i;
    if (i < c->n && !c->texts[i])
        c->texts[i] = describe(r);
    c->calls++;
    c->cached += (size_t)pa_result_cached(r);
    atomic_fetch_sub(&c->concurrent_cb, 1);
    return c->stop_after && c->calls >= c->stop_after;
}

static void collect_init(collect *c, size_t n)
{
    memset(c, 0, sizeof *c);
    c->texts = calloc(n, sizeof *c->texts);
    c->n = n;
    c->last_index = -1;
    c->in_order = 1;
}

static void collect_free(collect *c)
{
    for (size_t i = 0; i < c->n; i++)
        free(c->texts[i]);
    free(c->texts);
}

/* ---- fake stages --------------------------------------------------------------------
 * "parse" turns the file text into chains: each line "ID SEQ" is a chain; a line
 * "FAIL" fails the file with a diagnostic. It also checks the window bound. */

typedef struct {
    collect *c;
    size_t window;
    atomic_int violations;
} fake_ctx;

static int fake_parse(void *sctx, pai_work *w)
{
    fake_ctx *f = sctx;
    if (f && f->c) {
        /* files started minus files delivered must stay within the window */
        size_t started = atomic_fetch_add(&f->c->started, 1) + 1;
        if (started > f->c->calls + f->window)
            atomic_fetch_add(&f->violations, 1);
    }
    char *text = pai_strndup(w->data, w->size);
    int rc = 0;
    char *save = NULL;
    for (char *line = strtok_r(text, "\n", &save); line && rc == 0;
         line = strtok_r(NULL, "\n", &save)) {
        if (!strcmp(line, "FAIL")) {
            pai_diag(w->result->diags, PA_SEV_ERROR, PA_D_MALFORMED_RECORD, w->path, 1, 1,
                     "fake failure");
            rc = PA_EFORMAT;
            break;
        }
        char id[16], seq[256];
        if (sscanf(line, "%15s %255s", id, seq) != 2)
            continue;
        size_t n = strlen(seq);
        int32_t map[256];
        uint32_t res[256];
        for (size_t i = 0; i < n; i++) {
            map[i] = (int32_t)i;
            res[i] = (uint32_t)(i * 2);
        }
        pa_chain_seq cs = {.model = 1, .chain = 0, .auth_id = id, .label_id = id,
                           .entity_id = "1", .polymer_type = PA_POLY_PROTEIN,
                           .n_observed = n, .observed = seq, .seqres_len = n, .seqres = seq,
                           .map = map, .residue = res};
        rc = pai_result_add_chain(w->result, &cs);
    }
    pai_free(text);
    return rc;
}

static const char *seqs[] = {"MKV", "ACDEFGHIK", "W", "PPPPG", "LLAV"};

/* n fake files in tmp_root; every 7th fails; one path does not exist. */
static char **make_fake_files(size_t n)
{
    char **paths = calloc(n, sizeof *paths);
    for (size_t i = 0; i < n; i++) {
        char p[512], text[512];
        snprintf(p, sizeof p, "%s/f%03zu.txt", tmp_root, i);
        if (i % 7 == 3)
            snprintf(text, sizeof text, "file%zu\nA %s\nFAIL\n", i, seqs[i % 5]);
        else
            snprintf(text, sizeof text, "file%zu\nA %s\nB %s%s\n", i, seqs[i % 5],
                     seqs[(i + 1) % 5], seqs[(i + 2) % 5]);
        if (i != 10)
            write_file(p, text);
        paths[i] = strdup(p);
    }
    return paths;
}

static void free_paths(char **p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(p[i]);
    free(p);
}

START_TEST(test_all_configurations_agree)
{
    make_tmp();
    const size_t n = 40;
    char **paths = make_fake_files(n);
    collect ref;
    memset(&ref, 0, sizeof ref);
    int threads[] = {1, 2};
    size_t chunks[] = {1, 3, 16}, batches[] = {1, 4, 64};
    int first = 1;
    for (int t = 0; t < 2; t++) {
        pa_executor *ex;
        pa_executor_opts eo = PA_EXECUTOR_OPTS_INIT;
        eo.threads = threads[t];
        ck_assert_int_eq(pa_executor_new(&ex, &eo), 0);
        for (int ci = 0; ci < 3; ci++)
            for (int bi = 0; bi < 3; bi++)
                for (int ord = 1; ord >= 0; ord--) {
                    collect c;
                    collect_init(&c, n);
                    pa_pipeline_opts o = PA_PIPELINE_OPTS_INIT;
                    o.chunk = chunks[ci];
                    o.batch = batches[bi];
                    o.ordered = ord;
                    fake_ctx f = {.c = &c,
                                  .window = batches[bi] < chunks[ci] ? chunks[ci] : batches[bi]};
                    pai_stage st = {"parse", fake_parse, &f};
                    int rc = pai_pipeline_run_stages(ex, (const char *const *)paths, n, &o, &st,
                                                     1, on_result, &c, NULL);
                    ck_assert_msg(rc == 0, "threads %d chunk %zu batch %zu ordered %d: %s",
                                  threads[t], chunks[ci], batches[bi], ord, pa_last_error());
                    ck_assert_uint_eq(c.calls, n);
                    ck_assert_int_eq(c.overlap, 0);
                    ck_assert_int_eq(f.violations, 0);
                    if (ord)
                        ck_assert_int_eq(c.in_order, 1);
                    for (size_t i = 0; i < n; i++)
                        ck_assert_ptr_nonnull(c.texts[i]);
                    if (first) {
                        ref = c;
                        first = 0;
                        continue;
                    }
                    for (size_t i = 0; i < n; i++)
                        ck_assert_str_eq(c.texts[i], ref.texts[i]);
                    collect_free(&c);
                }
        pa_executor_free(ex);
    }
    /* The reference itself: failures and the missing file are results too. */
    ck_assert_ptr_nonnull(strstr(ref.texts[3], "status=-4"));
    ck_assert_ptr_nonnull(strstr(ref.texts[3], "fake failure"));
    ck_assert_ptr_nonnull(strstr(ref.texts[10], "status=-3"));
    ck_assert_ptr_nonnull(strstr(ref.texts[10], "[io]"));
    ck_assert_ptr_nonnull(strstr(ref.texts[0], "chain 1 0 B/B/1 1 10 ACDEFGHIKW"));
    collect_free(&ref);
    free_paths(paths, n);
    rm_tree(tmp_root);
}
END_TEST

START_TEST(test_stop_from_callback_and_token)
{
    make_tmp();
    const size_t n = 50;
    char **paths = make_fake_files(n);
    pai_stage st = {"parse", fake_parse, NULL};
    for (int ord = 0; ord <= 1; ord++) {
        collect c;
        collect_init(&c, n);
        c.stop_after = 5;
        pa_pipeline_opts o = PA_PIPELINE_OPTS_INIT;
        o.threads = 2;
        o.ordered = ord;
        o.batch = 4;
        ck_assert_int_eq(pai_pipeline_run_stages(NULL, (const char *const *)paths, n, &o, &st, 1,
                                                 on_result, &c, NULL),
                         PA_ECANCELED);
        ck_assert_uint_eq(c.calls, 5);
        collect_free(&c);
    }
    pa_cancel_token *tok;
    ck_assert_int_eq(pa_cancel_token_new(&tok), 0);
    pa_cancel_token_cancel(tok);
    collect c;
    collect_init(&c, n);
    pa_pipeline_opts o = PA_PIPELINE_OPTS_INIT;
    o.threads = 2;
    o.cancel = tok;
    ck_assert_int_eq(pai_pipeline_run_stages(NULL, (const char *const *)paths, n, &o, &st, 1,
                                             on_result, &c, NULL),
                     PA_ECANCELED);
    ck_assert_uint_eq(c.calls, 0);
    collect_free(&c);
    pa_cancel_token_free(tok);
    /* Bad arguments. */
    ck_assert_int_eq(pa_pipeline_run(NULL, (const char *const *)paths, n, NULL, NULL, NULL, NULL),
                     PA_EINVAL);
    o = (pa_pipeline_opts)PA_PIPELINE_OPTS_INIT;
    o.version = 0;
    ck_assert_int_eq(pa_pipeline_run(NULL, (const char *const *)paths, n, &o, on_result, &c, NULL),
                     PA_EINVAL);
    ck_assert_int_eq(pa_pipeline_run(NULL, NULL, 0, NULL, on_result, &c, NULL), 0);
    free_paths(paths, n);
    rm_tree(tmp_root);
}
END_TEST

/* ---- cache ------------------------------------------------------------------------- */

static size_t count_entries(const char *dir)
{
    DIR *d = opendir(dir);
    size_t n = 0;
    struct dirent *e;
    while (d && (e = readdir(d)))
        n += strstr(e->d_name, ".pac") != NULL && !strstr(e->d_name, ".tmp");
    if (d)
        closedir(d);
    return n;
}

static void run_fake(char **paths, size_t n, const char *cache, collect *c, pa_metrics *m)
{
    collect_init(c, n);
    pa_pipeline_opts o = PA_PIPELINE_OPTS_INIT;
    o.threads = 2;
    o.chunk = 2;
    o.cache_dir = cache;
    pai_stage st = {"parse", fake_parse, NULL};
    ck_assert_int_eq(pai_pipeline_run_stages(NULL, (const char *const *)paths, n, &o, &st, 1,
                                             on_result, c, m),
                     0);
}

static void flip_byte(const char *path, long off)
{
    FILE *f = fopen(path, "r+b");
    ck_assert_ptr_nonnull(f);
    fseek(f, off, off < 0 ? SEEK_END : SEEK_SET);
    int ch = fgetc(f);
    fseek(f, -1, SEEK_CUR);
    fputc(ch ^ 0x40, f);
    fclose(f);
}

START_TEST(test_cache_hit_miss_corruption)
{
    make_tmp();
    const size_t n = 12;
    char **paths = make_fake_files(n);
    char cache[512];
    snprintf(cache, sizeof cache, "%s/cache", tmp_root);
    collect a, b, c;
    pa_metrics *m;
    ck_assert_int_eq(pa_metrics_new(&m), 0);
    run_fake(paths, n, cache, &a, m);
    ck_assert_uint_eq(a.cached, 0);
    ck_assert_uint_eq(count_entries(cache), n - 1); /* the missing file is not cached */
    run_fake(paths, n, cache, &b, m);
    ck_assert_uint_eq(b.cached, n - 1);
    for (size_t i = 0; i < n; i++)
        ck_assert_str_eq(a.texts[i], b.texts[i]);
    pa_stage_stats s;
    ck_assert_int_eq(pa_metrics_stage(m, "cache_lookup", &s), 0);
    ck_assert_uint_eq(s.count, 2 * (n - 1));
    ck_assert_int_eq(pa_metrics_stage(m, "parse", &s), 0);
    ck_assert_uint_eq(s.count, n - 1);

    /* Corrupt three entries (payload byte, header byte, truncation), recompute. */
    char key_path[3][1024];
    size_t victims[3] = {0, 1, 2};
    for (int k = 0; k < 3; k++) {
        FILE *f = fopen(paths[victims[k]], "rb");
        char buf[512];
        size_t len = fread(buf, 1, sizeof buf, f);
        fclose(f);
        pai_cache_key key;
        pa_reader_opts ro = PA_READER_OPTS_INIT;
        pa_seqset_opts so = PA_SEQSET_OPTS_INIT;
        pai_cache_key_make(&key, buf, len, &ro, &so, 0);
        ck_assert_int_eq(pai_cache_entry_path(cache, &key, key_path[k], sizeof key_path[k]), 0);
        ck_assert_int_eq(access(key_path[k], F_OK), 0);
    }
    flip_byte(key_path[0], -3);
    flip_byte(key_path[1], 10);
    ck_assert_int_eq(truncate(key_path[2], 30), 0);
    run_fake(paths, n, cache, &c, m);
    ck_assert_uint_eq(c.cached, n - 1 - 3);
    for (size_t i = 0; i < n; i++)
        ck_assert_str_eq(a.texts[i], c.texts[i]);
    ck_assert_uint_eq(count_entries(cache), n - 1); /* rewritten */
    collect_free(&c);
    run_fake(paths, n, cache, &c, NULL);
    ck_assert_uint_eq(c.cached, n - 1);

    /* Same content at another path: hit, diagnostics carry the new path. */
    char other[512];
    snprintf(other, sizeof other, "%s/copy.txt", tmp_root);
    FILE *src = fopen(paths[3], "rb");
    char buf[512];
    size_t len = fread(buf, 1, sizeof buf - 1, src);
    fclose(src);
    buf[len] = '\0';
    write_file(other, buf);
    char *one[1] = {other};
    collect d;
    run_fake(one, 1, cache, &d, NULL);
    ck_assert_uint_eq(d.cached, 1);
    ck_assert_ptr_nonnull(strstr(d.texts[0], "copy.txt:1:1: error"));
    collect_free(&d);

    collect_free(&a);
    collect_free(&b);
    collect_free(&c);
    pa_metrics_free(m);
    free_paths(paths, n);
    rm_tree(tmp_root);
}
END_TEST

static size_t count_ext(const char *dir, const char *ext)
{
    DIR *d = opendir(dir);
    size_t n = 0;
    struct dirent *e;
    while (d && (e = readdir(d))) {
        size_t l = strlen(e->d_name), k = strlen(ext);
        n += l > k && !strcmp(e->d_name + l - k, ext);
    }
    if (d)
        closedir(d);
    return n;
}

/* Files older than the racy window are found through the stat index without
 * being read; a rewrite (same size) changes their identity and is recomputed. */
START_TEST(test_cache_stat_index)
{
    make_tmp();
    const size_t n = 12; /* #10 does not exist */
    char **paths = make_fake_files(n);
    char cache[512];
    snprintf(cache, sizeof cache, "%s/cache", tmp_root);
    sleep(3); /* leave the racy window (the test does not depend on timing otherwise) */
    collect a, b, c;
    run_fake(paths, n, cache, &a, NULL);
    ck_assert_uint_eq(count_ext(cache, ".idx"), n - 1);
    pa_metrics *m;
    ck_assert_int_eq(pa_metrics_new(&m), 0);
    run_fake(paths, n, cache, &b, m);
    ck_assert_uint_eq(b.cached, n - 1);
    pa_stage_stats s;
    ck_assert_int_eq(pa_metrics_stage(m, "load", &s), 0);
    ck_assert_uint_eq(s.count, 1); /* only the missing file was tried */
    for (size_t i = 0; i < n; i++)
        ck_assert_str_eq(a.texts[i], b.texts[i]);
    /* Same size, new content: never the stale result. */
    write_file(paths[0], "file0\nA MKV\nB WWWWWWWWWW\n");
    run_fake(paths, n, cache, &c, NULL);
    ck_assert_uint_eq(c.cached, n - 2);
    ck_assert_ptr_nonnull(strstr(c.texts[0], "WWWWWWWWWW"));
    /* A corrupt index entry is ignored and removed. */
    DIR *d = opendir(cache);
    struct dirent *e;
    char victim[1024] = "";
    while ((e = readdir(d)))
        if (strstr(e->d_name, ".idx"))
            snprintf(victim, sizeof victim, "%s/%s", cache, e->d_name);
    closedir(d);
    flip_byte(victim, 12);
    collect_free(&c);
    run_fake(paths, n, cache, &c, NULL);
    ck_assert_uint_eq(c.cached, n - 1); /* the content entry still hits */
    collect_free(&a);
    collect_free(&b);
    collect_free(&c);
    pa_metrics_free(m);
    free_paths(paths, n);
    rm_tree(tmp_root);
}
END_TEST

START_TEST(test_cache_dir_errors)
{
    make_tmp();
    char file[512];
    snprintf(file, sizeof file, "%s/plain", tmp_root);
    write_file(file, "x");
    pa_pipeline_opts o = PA_PIPELINE_OPTS_INIT;
    o.cache_dir = file;
    collect c;
    collect_init(&c, 1);
    const char *p[1] = {file};
    ck_assert_int_eq(pa_pipeline_run(NULL, p, 1, &o, on_result, &c, NULL), PA_EIO);
    collect_free(&c);
    rm_tree(tmp_root);
}
END_TEST

START_TEST(test_serialize_roundtrip_and_hash)
{
    /* XXH64 reference vectors. */
    ck_assert_uint_eq(pai_xxh64("", 0, 0), 0xEF46DB3751D8E999ull);
    ck_assert_uint_eq(pai_xxh64("a", 1, 0), 0xD24EC4F1A98C6E5Bull);
    ck_assert_uint_eq(pai_xxh64("abc", 3, 0), 0x44BC2CF5AD770999ull);
    const char *lng = "Nobody inspects the spammish repetition, again and again and again";
    pai_xxh64_state h;
    pai_xxh64_init(&h, 7);
    for (const char *p = lng; *p; p++)
        pai_xxh64_update(&h, p, 1);
    ck_assert_uint_eq(pai_xxh64_digest(&h), pai_xxh64(lng, strlen(lng), 7));

    pa_result *r, *q;
    ck_assert_int_eq(pai_result_new(&r, "x.pdb", 3), 0);
    int32_t map[3] = {0, 2, -1};
    uint32_t res[3] = {5, 6, 7};
    pa_chain_seq cs = {.model = 2, .chain = 9, .auth_id = "A", .label_id = "B", .entity_id = "",
                       .polymer_type = PA_POLY_RNA, .n_observed = 3, .observed = "ACG",
                       .seqres_len = 4, .seqres = "ACUG", .map = map, .residue = res};
    ck_assert_int_eq(pai_result_add_chain(r, &cs), 0);
    cs.polymer_type = PA_POLY_PROTEIN;
    cs.observed = "MKV";
    ck_assert_int_eq(pai_result_add_chain(r, &cs), 0);
    ck_assert_int_eq(pai_result_set_chain_ss(r, 1, "CHE"), 0);
    ck_assert_int_eq(pai_result_set_chain_ss(r, 1, "CH"), PA_EINVAL);
    ck_assert_int_eq(pai_result_set_chain_ss(r, 2, "CHE"), PA_ERANGE);
    pa_result_ref rf = {"uniprot|P1", 4, 17, 3, 2.0 / 3, 0.25}, gf;
    ck_assert_int_eq(pai_result_set_chain_ref(r, 1, &rf, 2.5e-7), 0);
    pai_diag(r->diags, PA_SEV_WARNING, PA_D_CHAIN_BREAK, "x.pdb", 4, 2, "gap");
    pai_diag(r->diags, PA_SEV_INFO, PA_D_OTHER, "elsewhere", 0, 0, "note");
    r->status = PA_ETRUNCATED;
    pai_buf b = {0};
    ck_assert_int_eq(pai_result_serialize(r, &b), 0);
    ck_assert_int_eq(pai_result_new(&q, "y.pdb", 0), 0);
    ck_assert_int_eq(pai_result_deserialize(q, b.s, b.len), 0);
    ck_assert_int_eq(q->status, PA_ETRUNCATED);
    pa_chain_seq g;
    ck_assert_int_eq(pa_result_chain(q, 0, &g), 0);
    ck_assert_str_eq(g.observed, "ACG");
    ck_assert_str_eq(g.seqres, "ACUG");
    ck_assert_int_eq(g.map[2], -1);
    ck_assert_uint_eq(g.residue[1], 6);
    ck_assert_ptr_null(pa_result_chain_ss(q, 0));
    ck_assert_str_eq(pa_result_chain_ss(q, 1), "CHE");
    ck_assert_int_eq(pa_result_chain_reference(q, 0, &gf), PA_ENOTFOUND);
    ck_assert_int_eq(pa_result_chain_reference(q, 1, &gf), 0);
    ck_assert_str_eq(gf.id, "uniprot|P1");
    ck_assert_uint_eq(gf.index, 4);
    ck_assert_int_eq(gf.score, 17);
    ck_assert_int_eq(gf.mapped, 3);
    ck_assert(gf.identity == 2.0 / 3 && gf.coverage == 0.25);
    double ev = 0;
    ck_assert_int_eq(pa_result_chain_ref_evalue(q, 1, &ev), 0);
    ck_assert(ev == 2.5e-7);
    ck_assert_int_eq(pa_result_chain_ref_evalue(q, 0, &ev), PA_ENOTFOUND);
    ck_assert_int_eq(pa_result_chain_reference(q, 2, &gf), PA_ERANGE);
    ck_assert_ptr_null(pa_result_chain_ss(q, 2));
    ck_assert_int_eq(pa_result_chain(q, 2, &g), PA_ERANGE);
    ck_assert_str_eq(pa_diags_get(q->diags, 0)->file, "y.pdb");
    ck_assert_str_eq(pa_diags_get(q->diags, 1)->file, "elsewhere");
    /* Every truncation is rejected, never misread. */
    for (size_t cut = 0; cut < b.len; cut++) {
        pa_result *t;
        ck_assert_int_eq(pai_result_new(&t, "t", 0), 0);
        ck_assert_int_lt(pai_result_deserialize(t, b.s, cut), 0);
        pai_result_free(t);
    }
    /* An ss3 letter outside HEC is corruption. */
    char *che = memmem(b.s, b.len, "CHE", 3);
    ck_assert_ptr_nonnull(che);
    che[1] = 'X';
    pa_result *t;
    ck_assert_int_eq(pai_result_new(&t, "t", 0), 0);
    ck_assert_int_eq(pai_result_deserialize(t, b.s, b.len), PA_ECORRUPT);
    pai_result_free(t);
    pai_buf_free(&b);
    pai_result_free(r);
    pai_result_free(q);
}
END_TEST

/* ---- real files through the real stages --------------------------------------------- */

static const char *real_files[] = {"1crn.pdb", "1ubq.cif", "1aki.pdb.gz", "1SSU_mod.pdb",
                                   "1aki_truncated_midline.pdb", "empty.pdb",
                                   "garbage_random.cif", "1T2Y.pdb", "missing.pdb"};
#define N_REAL (sizeof real_files / sizeof real_files[0])

/* Paths of real_files under tests/data/pipeline, a fresh tmp_root and its cache dir. */
static void real_setup(char **paths, char *cache, size_t cache_size)
{
    char buf[512], full[512];
    for (size_t i = 0; i < N_REAL; i++) {
        snprintf(buf, sizeof buf, "pipeline/%s", real_files[i]);
        paths[i] = strdup(pa_test_data(buf, full, sizeof full));
    }
    make_tmp();
    snprintf(cache, cache_size, "%s/cache", tmp_root);
}

static void real_teardown(char **paths)
{
    for (size_t i = 0; i < N_REAL; i++)
        free(paths[i]);
    rm_tree(tmp_root);
}

START_TEST(test_real_files)
{
    char *paths[N_REAL], cache[512];
    real_setup(paths, cache, sizeof cache);
    collect ref;
    memset(&ref, 0, sizeof ref);
    for (int pass = 0; pass < 4; pass++) {
        collect c;
        collect_init(&c, N_REAL);
        pa_pipeline_opts o = PA_PIPELINE_OPTS_INIT;
        o.threads = pass % 2 + 1;
        o.ordered = pass != 1;
        o.cache_dir = pass >= 2 ? cache : NULL;
        pa_metrics *m;
        ck_assert_int_eq(pa_metrics_new(&m), 0);
        ck_assert_int_eq(pa_pipeline_run(NULL, (const char *const *)paths, N_REAL, &o,
                                         on_result, &c, m),
                         0);
        ck_assert_uint_eq(c.calls, N_REAL);
        if (pass == 3)
            ck_assert_uint_eq(c.cached, N_REAL - 1);
        char *json;
        ck_assert_int_eq(pa_metrics_to_json(m, &json), 0);
        ck_assert_ptr_nonnull(strstr(json, "\"load\""));
        ck_assert_ptr_nonnull(strstr(json, "\"file\""));
        free(json);
        pa_metrics_free(m);
        if (pass == 0) {
            ref = c;
            continue;
        }
        for (size_t i = 0; i < N_REAL; i++)
            ck_assert_str_eq(c.texts[i], ref.texts[i]);
        collect_free(&c);
    }
    /* 1crn: one protein chain of 46 residues; missing file: I/O failure. */
    ck_assert_ptr_nonnull(strstr(ref.texts[0], "status=0"));
    ck_assert_ptr_nonnull(strstr(ref.texts[0], "TTCCPSIVARSNFNVCRLPGTPEAICATYTGCIIIPGATCPGDYAN"));
    ck_assert_ptr_nonnull(strstr(ref.texts[N_REAL - 1], "status=-3"));
    ck_assert_ptr_null(strstr(ref.texts[5], "status=0 "));
    collect_free(&ref);
    real_teardown(paths);
}
END_TEST

/* Secondary structure stage: same ss3 for every threads x chunk, equal to
 * pa_predict_ss on the same sequences, and the same again from the cache. */
START_TEST(test_ss_stage)
{
    char *paths[N_REAL], cache[512];
    real_setup(paths, cache, sizeof cache);
    pa_model *m;
    ck_assert_int_eq(pa_model_load_default(&m), 0);
    collect ref;
    memset(&ref, 0, sizeof ref);
    int threads[] = {1, 2, 2, 1, 2, 2};
    size_t chunks[] = {1, 1, 3, 2, 1, 1};
    for (int pass = 0; pass < 6; pass++) {
        collect c;
        collect_init(&c, N_REAL);
        pa_pipeline_opts o = PA_PIPELINE_OPTS_INIT;
        o.threads = threads[pass];
        o.chunk = chunks[pass];
        o.predict_ss = 1;
        o.model = pass == 3 ? m : NULL; /* a caller's model: no cache */
        o.cache_dir = pass >= 3 ? cache : NULL;
        pa_metrics *mt;
        ck_assert_int_eq(pa_metrics_new(&mt), 0);
        ck_assert_int_eq(pa_pipeline_run(NULL, (const char *const *)paths, N_REAL, &o,
                                         on_result, &c, mt),
                         0);
        ck_assert_uint_eq(c.calls, N_REAL);
        pa_stage_stats s;
        ck_assert_int_eq(pa_metrics_stage(mt, "ss", &s), pass == 5 ? PA_ENOTFOUND : 0);
        pa_metrics_free(mt);
        ck_assert_uint_eq(c.cached, pass == 5 ? N_REAL - 1 : 0);
        if (pass == 0) {
            ref = c;
            continue;
        }
        for (size_t i = 0; i < N_REAL; i++)
            ck_assert_str_eq(c.texts[i], ref.texts[i]);
        collect_free(&c);
    }
    /* A run without predict_ss does not take the entries with ss3. */
    collect c;
    collect_init(&c, N_REAL);
    pa_pipeline_opts o = PA_PIPELINE_OPTS_INIT;
    o.cache_dir = cache;
    ck_assert_int_eq(
        pa_pipeline_run(NULL, (const char *const *)paths, N_REAL, &o, on_result, &c, NULL), 0);
    ck_assert_uint_eq(c.cached, 0);
    ck_assert_ptr_null(strstr(c.texts[0], "ss=H"));
    ck_assert_ptr_null(strstr(c.texts[0], "ss=C"));
    collect_free(&c);
    /* Version-1 options (no predict_ss field) are still accepted. */
    o.version = 1;
    o.cache_dir = NULL;
    collect_init(&c, N_REAL);
    ck_assert_int_eq(
        pa_pipeline_run(NULL, (const char *const *)paths, 1, &o, on_result, &c, NULL), 0);
    collect_free(&c);

    /* Direct prediction on the observed sequences of protein chains. */
    collect_init(&c, N_REAL);
    size_t checked = 0;
    for (size_t i = 0; i < N_REAL; i++) {
        pa_structure *st;
        pa_reader_opts ro = PA_READER_OPTS_INIT;
        if (pa_structure_read(paths[i], &ro, &st, NULL) != 0)
            continue;
        pa_seqset *q;
        ck_assert_int_eq(pa_sequence_extract(st, NULL, &q), 0);
        for (size_t k = 0; k < pa_seqset_count(q); k++) {
            pa_chain_seq cs;
            pa_seqset_get(q, k, &cs);
            if (cs.polymer_type != PA_POLY_PROTEIN || !cs.n_observed)
                continue;
            pa_ss_result *sr;
            const char *seq = cs.observed;
            ck_assert_int_eq(pa_predict_ss(m, &seq, 1, NULL, &sr), 0);
            char want[8192];
            snprintf(want, sizeof want, " ss=%s\n", sr->ss3[0]); /* no ref= (no references) */
            ck_assert_msg(strstr(ref.texts[i], want), "%s chain %s", paths[i], cs.auth_id);
            pa_ss_result_free(sr);
            checked++;
        }
        pa_seqset_free(q);
        pa_structure_free(st);
    }
    ck_assert_uint_ge(checked, 4);
    collect_free(&c);
    collect_free(&ref);
    pa_model_free(m);
    real_teardown(paths);
}
END_TEST

/* Map stage: each protein chain's best reference, the same for every threads x
 * chunk and from the cache; other references give other cache keys. */
static collect run_refs(char **paths, size_t n, const pa_seqlist *refs, int threads,
                        size_t chunk, const char *cache)
{
    collect c;
    collect_init(&c, n);
    pa_pipeline_opts o = PA_PIPELINE_OPTS_INIT;
    o.threads = threads;
    o.chunk = chunk;
    o.references = refs;
    o.cache_dir = cache;
    ck_assert_int_eq(
        pa_pipeline_run(NULL, (const char *const *)paths, n, &o, on_result, &c, NULL), 0);
    ck_assert_uint_eq(c.calls, n);
    return c;
}

START_TEST(test_map_stage)
{
    char *paths[N_REAL], cache[512];
    real_setup(paths, cache, sizeof cache);
    pa_seqlist *refs;
    ck_assert_int_eq(pa_seqlist_new(&refs), 0);
    ck_assert_int_eq(pa_seqlist_add(refs, "decoy", NULL, "GGGGSGGGGSGGGGS"), 0);
    ck_assert_int_eq(pa_seqlist_add(refs, "crambin", NULL,
                                    "MTTCCPSIVARSNFNVCRLPGTPEAICATYTGCIIIPGATCPGDYANK"), 0);
    ck_assert_int_eq(pa_seqlist_add(refs, "ubiquitin", NULL,
                                    "MQIFVKTLTGKTITLEVEPSDTIENVKAKIQDKEGIPPDQQRLIFAGKQLEDGRTLSD"
                                    "YNIQKESTLHLVLRLRGG"), 0);
    collect ref = run_refs(paths, N_REAL, refs, 1, 1, NULL);
    ck_assert_msg(strstr(ref.texts[0], " ref=crambin#1/") &&
                      strstr(ref.texts[0], "/46/1.000000/0.958333"),
                  "%s", ref.texts[0]);
    ck_assert_ptr_nonnull(strstr(ref.texts[1], " ref=ubiquitin#2/"));
    int threads[] = {2, 2, 1, 2};
    size_t chunks[] = {1, 3, 2, 1};
    for (int pass = 0; pass < 4; pass++) {
        collect c = run_refs(paths, N_REAL, refs, threads[pass], chunks[pass],
                             pass >= 2 ? cache : NULL);
        ck_assert_uint_eq(c.cached, pass == 3 ? N_REAL - 1 : 0);
        for (size_t i = 0; i < N_REAL; i++)
            ck_assert_str_eq(c.texts[i], ref.texts[i]);
        collect_free(&c);
    }
    /* The same references as an index give the same mapping; a strict E-value none. */
    pa_refindex *ix;
    ck_assert_int_eq(pa_refindex_build(&ix, refs, NULL), 0);
    pa_pipeline_opts o = PA_PIPELINE_OPTS_INIT;
    o.refindex = ix;
    collect xi;
    collect_init(&xi, N_REAL);
    ck_assert_int_eq(pa_pipeline_run(NULL, (const char *const *)paths, N_REAL, &o, on_result, &xi,
                                     NULL), 0);
    for (size_t i = 0; i < N_REAL; i++)
        ck_assert_str_eq(xi.texts[i], ref.texts[i]);
    collect_free(&xi);
    o.ref_max_evalue = 1e-300;
    collect_init(&xi, N_REAL);
    ck_assert_int_eq(pa_pipeline_run(NULL, (const char *const *)paths, N_REAL, &o, on_result, &xi,
                                     NULL), 0);
    ck_assert_ptr_null(strstr(xi.texts[0], " ref="));
    collect_free(&xi);
    o.ref_max_evalue = 0;
    ck_assert_int_eq(pa_pipeline_run(NULL, (const char *const *)paths, N_REAL, &o, on_result, &xi,
                                     NULL), PA_EINVAL);
    pa_refindex_free(ix);
    /* Another reference list: other keys, so no stale mapping. */
    ck_assert_int_eq(pa_seqlist_add(refs, "crambin2", NULL,
                                    "TTCCPSIVARSNFNVCRLPGTPEAICATYTGCIIIPGATCPGDYAN"), 0);
    collect c = run_refs(paths, N_REAL, refs, 2, 1, cache);
    ck_assert_uint_eq(c.cached, 0);
    ck_assert_ptr_nonnull(strstr(c.texts[0], " ref=crambin#1/")); /* ties: the first */
    collect_free(&c);
    /* No reference scoring above 0: no reference, and the files do not fail. */
    pa_seqlist *none;
    ck_assert_int_eq(pa_seqlist_new(&none), 0);
    ck_assert_int_eq(pa_seqlist_add(none, "x", NULL, "X"), 0);
    collect a = run_refs(paths, N_REAL, NULL, 2, 1, NULL);
    collect b = run_refs(paths, N_REAL, none, 2, 1, NULL);
    for (size_t i = 0; i < N_REAL; i++)
        ck_assert_str_eq(a.texts[i], b.texts[i]);
    collect_free(&a);
    collect_free(&b);
    pa_seqlist_free(none);
    collect_free(&ref);
    pa_seqlist_free(refs);
    real_teardown(paths);
}
END_TEST

START_TEST(test_shared_corpus)
{
    char dir[512];
    if (!pa_shared_data("structures/pdb", dir, sizeof dir))
        return; /* shared corpus absent: skip */
    DIR *d = opendir(dir);
    char *paths[256];
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d)) && n < 256)
        if (e->d_name[0] != '.') {
            char p[1024];
            snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
            paths[n++] = strdup(p);
        }
    closedir(d);
    collect a, b;
    for (int t = 1; t <= 2; t++) {
        collect *c = t == 1 ? &a : &b;
        collect_init(c, n);
        pa_pipeline_opts o = PA_PIPELINE_OPTS_INIT;
        o.threads = t;
        o.chunk = 3;
        o.batch = 8;
        ck_assert_int_eq(
            pa_pipeline_run(NULL, (const char *const *)paths, n, &o, on_result, c, NULL), 0);
        ck_assert_uint_eq(c->calls, n);
    }
    for (size_t i = 0; i < n; i++)
        ck_assert_str_eq(a.texts[i], b.texts[i]);
    collect_free(&a);
    collect_free(&b);
    for (size_t i = 0; i < n; i++)
        free(paths[i]);
}
END_TEST

/* ThreadSanitizer builds: keep enough history to restore the stacks of old
 * accesses, so reports on memory TBB recycled can be matched by tsan.supp. */
const char *__tsan_default_options(void);
const char *__tsan_default_options(void) { return "history_size=7"; }

int main(void)
{
    Suite *s = suite_create("pipeline");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, test_serialize_roundtrip_and_hash);
    tcase_add_test(tc, test_all_configurations_agree);
    tcase_add_test(tc, test_stop_from_callback_and_token);
    tcase_add_test(tc, test_cache_hit_miss_corruption);
    tcase_add_test(tc, test_cache_dir_errors);
    tcase_add_test(tc, test_cache_stat_index);
    tcase_add_test(tc, test_real_files);
    tcase_add_test(tc, test_ss_stage);
    tcase_add_test(tc, test_map_stage);
    tcase_add_test(tc, test_shared_corpus);
    suite_add_tcase(s, tc);
    return pa_run_suite(s);
}
