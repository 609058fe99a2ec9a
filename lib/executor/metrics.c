/* metrics.c — latency samples per named stage, percentiles and JSON.
 *
 * One mutex guards the object: recording is a name lookup over a handful of
 * stages plus an append, far cheaper than any stage worth measuring. Samples
 * are kept exactly up to PAI_METRICS_RESERVOIR per stage; beyond that a
 * uniform reservoir (Vitter's algorithm R) keeps percentiles unbiased. */
#include "common/pai.h"
#include "panalyzer/executor.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define PAI_METRICS_RESERVOIR ((size_t)1 << 16) /* 512 KiB a stage: long runs stay flat */

typedef struct {
    char *name;
    uint64_t count, total, min, max;
    uint64_t first_start, last_end;
    uint64_t *samples;
    size_t nsamples, cap;
    uint64_t rng; /* xorshift64 state for the reservoir */
} stage;

enum { PAI_METRICS_INFO = 16 };

struct pa_metrics {
    pthread_mutex_t mu;
    stage *stages;
    size_t n, cap;
    char *info_key[PAI_METRICS_INFO], *info_val[PAI_METRICS_INFO]; /* pa_metrics_set_info */
    size_t ninfo;
};

int pa_metrics_new(pa_metrics **out)
{
    if (!out)
        return pai_error(PA_EINVAL, "pa_metrics_new: out is NULL");
    pa_metrics *m = pai_calloc(1, sizeof *m);
    if (!m)
        return pai_error(PA_ENOMEM, "out of memory");
    pthread_mutex_init(&m->mu, NULL);
    *out = m;
    return 0;
}

static void clear_stages(pa_metrics *m)
{
    for (size_t i = 0; i < m->n; i++) {
        pai_free(m->stages[i].name);
        pai_free(m->stages[i].samples);
    }
    m->n = 0;
    for (size_t i = 0; i < m->ninfo; i++) {
        pai_free(m->info_key[i]);
        pai_free(m->info_val[i]);
    }
    m->ninfo = 0;
}

int pa_metrics_set_info(pa_metrics *m, const char *key, const char *value)
{
    if (!m || !key || !value)
        return pai_error(PA_EINVAL, "pa_metrics_set_info: NULL argument");
    pthread_mutex_lock(&m->mu);
    size_t i = 0;
    while (i < m->ninfo && strcmp(m->info_key[i], key))
        i++;
    int rc = 0;
    char *v = pai_strdup(value), *k = i < m->ninfo ? NULL : pai_strdup(key);
    if (!v || (i == m->ninfo && (!k || i == PAI_METRICS_INFO))) {
        pai_free(v);
        pai_free(k);
        rc = i == PAI_METRICS_INFO ? pai_error(PA_ERANGE, "pa_metrics_set_info: more than %d keys",
                                               PAI_METRICS_INFO)
                                   : pai_error(PA_ENOMEM, "out of memory");
    } else {
        if (i == m->ninfo)
            m->info_key[m->ninfo++] = k;
        else
            pai_free(m->info_val[i]);
        m->info_val[i] = v;
    }
    pthread_mutex_unlock(&m->mu);
    return rc;
}

void pa_metrics_free(pa_metrics *m)
{
    if (!m)
        return;
    clear_stages(m);
    pai_free(m->stages);
    pthread_mutex_destroy(&m->mu);
    pai_free(m);
}

void pa_metrics_reset(pa_metrics *m)
{
    if (!m)
        return;
    pthread_mutex_lock(&m->mu);
    clear_stages(m);
    pthread_mutex_unlock(&m->mu);
}

static stage *find_stage(const pa_metrics *m, const char *name)
{
    for (size_t i = 0; i < m->n; i++)
        if (!strcmp(m->stages[i].name, name))
            return &m->stages[i];
    return NULL;
}

static stage *add_stage(pa_metrics *m, const char *name)
{
    if (PAI_GROW(m->stages, m->cap, m->n + 1) < 0)
        return NULL;
    stage *s = &m->stages[m->n];
    memset(s, 0, sizeof *s);
    if (!(s->name = pai_strdup(name))) {
        pai_error(PA_ENOMEM, "out of memory");
        return NULL;
    }
    s->min = UINT64_MAX;
    s->rng = 0x9E3779B97F4A7C15ull ^ (uint64_t)m->n;
    m->n++;
    return s;
}

static uint64_t xorshift(uint64_t *x)
{
    *x ^= *x << 13;
    *x ^= *x >> 7;
    *x ^= *x << 17;
    return *x;
}

/* Keep a sample: append while below the reservoir size, else replace a random slot. */
static int keep_sample(stage *s, uint64_t ns)
{
    if (s->nsamples < PAI_METRICS_RESERVOIR) {
        if (PAI_GROW(s->samples, s->cap, s->nsamples + 1) < 0)
            return PA_ENOMEM;
        s->samples[s->nsamples++] = ns;
        return 0;
    }
    uint64_t j = xorshift(&s->rng) % s->count;
    if (j < PAI_METRICS_RESERVOIR)
        s->samples[j] = ns;
    return 0;
}

int pa_metrics_record(pa_metrics *m, const char *name, uint64_t ns)
{
    if (!m || !name)
        return pai_error(PA_EINVAL, "pa_metrics_record: metrics and stage are required");
    uint64_t end = pai_now_ns();
    uint64_t start = end > ns ? end - ns : 0;
    int rc = 0;
    pthread_mutex_lock(&m->mu);
    stage *s = find_stage(m, name);
    if (!s && !(s = add_stage(m, name))) {
        rc = PA_ENOMEM;
        goto out;
    }
    s->count++;
    s->total += ns;
    if (ns < s->min)
        s->min = ns;
    if (ns > s->max)
        s->max = ns;
    if (s->count == 1 || start < s->first_start)
        s->first_start = start;
    if (end > s->last_end)
        s->last_end = end;
    rc = keep_sample(s, ns);
out:
    pthread_mutex_unlock(&m->mu);
    return rc;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* Nearest-rank percentile of sorted v[0..n). */
static uint64_t percentile(const uint64_t *v, size_t n, unsigned pct)
{
    if (!n)
        return 0;
    size_t rank = (size_t)(((unsigned __int128)n * pct + 99) / 100);
    return v[rank ? rank - 1 : 0];
}

static int stage_stats(const stage *s, pa_stage_stats *out)
{
    memset(out, 0, sizeof *out);
    out->count = s->count;
    out->total_ns = s->total;
    out->min_ns = s->count ? s->min : 0;
    out->max_ns = s->max;
    out->mean_ns = s->count ? (double)s->total / (double)s->count : 0.0;
    out->wall_ns = s->last_end - s->first_start;
    out->throughput = out->wall_ns ? (double)s->count * 1e9 / (double)out->wall_ns : 0.0;
    if (!s->nsamples)
        return 0;
    uint64_t *v = pai_malloc(s->nsamples * sizeof *v);
    if (!v)
        return pai_error(PA_ENOMEM, "out of memory");
    memcpy(v, s->samples, s->nsamples * sizeof *v);
    qsort(v, s->nsamples, sizeof *v, cmp_u64);
    out->p50_ns = percentile(v, s->nsamples, 50);
    out->p95_ns = percentile(v, s->nsamples, 95);
    out->p99_ns = percentile(v, s->nsamples, 99);
    pai_free(v);
    return 0;
}

int pa_metrics_stage(const pa_metrics *m, const char *name, pa_stage_stats *out)
{
    if (!m || !name || !out)
        return pai_error(PA_EINVAL, "pa_metrics_stage: metrics, stage and out are required");
    pa_metrics *mm = (pa_metrics *)m; /* the lock is not part of the logical state */
    pthread_mutex_lock(&mm->mu);
    const stage *s = find_stage(m, name);
    int rc = s ? stage_stats(s, out) : pai_error(PA_ENOTFOUND, "metrics: no stage '%s'", name);
    pthread_mutex_unlock(&mm->mu);
    return rc;
}

size_t pa_metrics_stage_count(const pa_metrics *m)
{
    if (!m)
        return 0;
    pa_metrics *mm = (pa_metrics *)m;
    pthread_mutex_lock(&mm->mu);
    size_t n = m->n;
    pthread_mutex_unlock(&mm->mu);
    return n;
}

const char *pa_metrics_stage_name(const pa_metrics *m, size_t i)
{
    if (!m)
        return NULL;
    pa_metrics *mm = (pa_metrics *)m;
    pthread_mutex_lock(&mm->mu);
    const char *name = i < m->n ? m->stages[i].name : NULL;
    pthread_mutex_unlock(&mm->mu);
    return name;
}

static int json_string(pai_buf *b, const char *s)
{
    int rc = pai_buf_putc(b, '"');
    for (; *s && rc == 0; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            rc = pai_buf_printf(b, "\\%c", c);
        else if (c < 0x20)
            rc = pai_buf_printf(b, "\\u%04x", c);
        else
            rc = pai_buf_putc(b, (char)c);
    }
    return rc ? rc : pai_buf_putc(b, '"');
}

int pa_metrics_to_json(const pa_metrics *m, char **json)
{
    if (!m || !json)
        return pai_error(PA_EINVAL, "pa_metrics_to_json: metrics and json are required");
    *json = NULL;
    pai_buf b = {0};
    pa_metrics *mm = (pa_metrics *)m;
    pthread_mutex_lock(&mm->mu);
    int rc = pai_buf_puts(&b, "{\"stages\":{");
    for (size_t i = 0; i < m->n && rc == 0; i++) {
        pa_stage_stats st;
        if ((rc = stage_stats(&m->stages[i], &st)) < 0)
            break;
        if (i)
            rc = pai_buf_putc(&b, ',');
        if (rc == 0)
            rc = json_string(&b, m->stages[i].name);
        if (rc == 0)
            rc = pai_buf_printf(&b,
                                ":{\"count\":%llu,\"total_ns\":%llu,\"min_ns\":%llu,"
                                "\"max_ns\":%llu,\"mean_ns\":%.1f,\"p50_ns\":%llu,"
                                "\"p95_ns\":%llu,\"p99_ns\":%llu,\"wall_ns\":%llu,"
                                "\"throughput_per_s\":%.3f}",
                                (unsigned long long)st.count, (unsigned long long)st.total_ns,
                                (unsigned long long)st.min_ns, (unsigned long long)st.max_ns,
                                st.mean_ns, (unsigned long long)st.p50_ns,
                                (unsigned long long)st.p95_ns, (unsigned long long)st.p99_ns,
                                (unsigned long long)st.wall_ns, st.throughput);
    }
    if (rc == 0)
        rc = pai_buf_putc(&b, '}');
    for (size_t i = 0; i < m->ninfo && rc == 0; i++) {
        rc = pai_buf_puts(&b, i ? "," : ",\"info\":{");
        if (rc == 0)
            rc = json_string(&b, m->info_key[i]);
        if (rc == 0)
            rc = pai_buf_putc(&b, ':');
        if (rc == 0)
            rc = json_string(&b, m->info_val[i]);
        if (rc == 0 && i + 1 == m->ninfo)
            rc = pai_buf_putc(&b, '}');
    }
    if (rc == 0)
        rc = pai_buf_putc(&b, '}');
    pthread_mutex_unlock(&mm->mu);
    if (rc < 0) {
        pai_buf_free(&b);
        return rc;
    }
    *json = b.s;
    return 0;
}
