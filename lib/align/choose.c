/* choose.c — which kernel runs a batch: inter-sequence (per ISA) or striped, decided
 * by timing the candidates on a small batch of the shape at hand (the query and a
 * sample of the targets), once per process and shape class (query-length class, lane
 * width, forced ISA). CPU flags
 * alone mislead: AVX-512 units that are 256 bits wide inside run 64-lane kernels no
 * faster than 32-lane ones, and the per-column costs differ per kernel. */
#include "align/align_int.h"

#include <ctype.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

enum { NCLASS = 6, CAL_TARGETS = 64, FEW_TARGETS = 8 };
#define CAL_CELLS 3e6

typedef struct {
    atomic_int ready;
    pai_kchoice c;
} cal_entry;

/* [query-length class][forced ISA or 0][8-bit lanes][fewer targets than one batch]
 * [VBMI candidates: see env_vbmi] */
static cal_entry cache[NCLASS][PA_ISA_AVX512 + 1][2][2][3];
static pthread_mutex_t cal_lock = PTHREAD_MUTEX_INITIALIZER;
static _Thread_local char last_kernel[512];

const char *pa_align_last_kernel(void) { return last_kernel; }
void pai_set_last_kernel(const char *s) { snprintf(last_kernel, sizeof last_kernel, "%s", s); }

/* query length classes: < 64, < 128, < 256, < 512, < 1024, longer */
static int len_class(int64_t m)
{
    int c = 0;
    for (int64_t x = m >> 6; x && c < NCLASS - 1; x >>= 1)
        c++;
    return c;
}

static double now_cpu(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* The calibration batch: 64 consecutive targets around the median length (a lane
 * batch as the real run packs them), cut to prefixes so one run is at most CAL_CELLS
 * cells. */
typedef struct {
    const char *t[CAL_TARGETS];
    int64_t n[CAL_TARGETS];
    size_t cnt; /* the batch's target count, up to CAL_TARGETS: lanes fill as in the run */
    double cells;
} cal_set;

static void cal_make(const pa_profile *p, const char *const *ts, const int64_t *tn, size_t nt,
                     cal_set *s)
{
    double sum = 0;
    s->cnt = nt < CAL_TARGETS ? nt : CAL_TARGETS;
    for (size_t i = 0; i < s->cnt; i++) {
        size_t lo = nt / 2 > CAL_TARGETS / 2 ? nt / 2 - CAL_TARGETS / 2 : 0, r = (lo + i) % nt;
        s->t[i] = ts[r];
        s->n[i] = tn[r];
        sum += (double)tn[r];
    }
    double f = sum * (double)p->m > CAL_CELLS ? CAL_CELLS / (sum * (double)p->m) : 1.0;
    s->cells = 0;
    for (size_t i = 0; i < s->cnt; i++) {
        int64_t cut = (int64_t)((double)s->n[i] * f) + 1;
        s->n[i] = cut < s->n[i] ? cut : s->n[i];
        s->cells += (double)s->n[i] * (double)p->m;
    }
}

/* One pass of a candidate over the calibration batch. */
static int cal_run(const pa_profile *p, const pai_kchoice *c, const cal_set *s, pai_ws *w,
                   pai_kres *r)
{
    if (c->inter)
        return pai_inter_score(p, c->isa, c->vbmi, s->t, s->n, s->cnt, w, r);
    int rc = 0;
    for (size_t i = 0; i < s->cnt && !rc; i++) {
        size_t need = (size_t)s->n[i] + 1;
        if (need > w->tcode_cap && PAI_GROW(w->tcode, w->tcode_cap, need))
            return PA_ENOMEM;
        pai_encode(&p->mx, s->t[i], (size_t)s->n[i], w->tcode);
        rc = pai_profile_score(p, w->tcode, s->n[i], w, &r[i]);
    }
    return rc;
}

/* Seconds per pass, best of two timings of enough passes for ~0.3 M cells (a timing
 * of a few microseconds says little); or a negative error. */
static double cal_time(const pa_profile *p, const pai_kchoice *c, const cal_set *s, pai_ws *w)
{
    pai_kres r[CAL_TARGETS];
    double best = 1e30;
    int passes = s->cells < 3e5 ? (int)(3e5 / (s->cells + 1)) + 1 : 1;
    for (int rep = 0; rep < 2; rep++) {
        double t0 = now_cpu();
        for (int k = 0; k < passes; k++) {
            int rc = cal_run(p, c, s, w, r);
            if (rc)
                return rc;
        }
        double dt = (now_cpu() - t0) / passes;
        best = dt < best ? dt : best;
    }
    return best > 1e-9 ? best : 1e-9;
}

static void choice_name(const pai_kchoice *c, char *buf, size_t n)
{
    snprintf(buf, n, "%s-%s%s", c->inter ? "inter" : "striped", pa_isa_name(c->isa),
             c->inter && c->vbmi ? "-vbmi" : "");
}

/* Time every candidate (vbmi: which AVX-512 variants, see env_vbmi); fill e->c (with
 * its reason). */
static int calibrate(const pa_profile *p, int cls, const char *const *ts, const int64_t *tn,
                     size_t nt, int vbmi, cal_entry *e)
{
    pai_kchoice cand[5];
    int nc = 0;
    for (int i = PA_ISA_SSE41; i <= PA_ISA_AVX512; i++) {
        if ((p->isa_forced && (pa_isa)i != p->isa) || !pai_inter_available((pa_isa)i) ||
            !pai_isa_supported((pa_isa)i))
            continue;
        for (int v = 0; v < 2; v++)
            if (v == 0 ? i != PA_ISA_AVX512 || vbmi != 1 : i == PA_ISA_AVX512 && vbmi)
                cand[nc++] = (pai_kchoice){1, (pa_isa)i, "", v};
    }
    cand[nc++] = (pai_kchoice){0, p->isa, "", 0};
    cal_set s;
    pai_ws w = {0};
    int rc = 0, best = 0;
    cal_make(p, ts, tn, nt, &s);
    double t_all = now_cpu(), gc[5] = {0};
    for (int i = 0; i < nc && !rc; i++) {
        double t = cal_time(p, &cand[i], &s, &w);
        if (t < 0)
            rc = (int)t;
        gc[i] = s.cells / t * 1e-9;
        best = gc[i] > gc[best] ? i : best;
    }
    t_all = now_cpu() - t_all;
    pai_ws_free(&w);
    if (rc)
        return rc;
    e->c = cand[best];
    char name[32], list[200] = "";
    size_t at = 0;
    for (int i = 0; i < nc && at < sizeof list; i++) {
        choice_name(&cand[i], name, sizeof name);
        at += (size_t)snprintf(list + at, sizeof list - at, "%s%s %.1f", i ? ", " : "", name,
                               gc[i]);
    }
    static const char *const cls_name[NCLASS] = {"< 64", "64-127", "128-255", "256-511",
                                                 "512-1023", ">= 1024"};
    choice_name(&e->c, name, sizeof name);
    snprintf(e->c.why, sizeof e->c.why,
             "%s %d-bit: measured %s GCUPS on query length %s and a sample of the first "
             "batch's targets (%.1f ms, once per process)",
             name, p->inter_eight || !e->c.inter ? 8 : 16, list, cls_name[cls], t_all * 1e3);
    return 0;
}

static int env_kernel(pa_align_kernel *k)
{
    const char *e = getenv("PA_ALIGN_KERNEL");
    if (!e || !*e || !strcasecmp(e, "auto"))
        return 0;
    if (!strcasecmp(e, "inter"))
        *k = PA_KERNEL_INTER;
    else if (!strcasecmp(e, "striped"))
        *k = PA_KERNEL_STRIPED;
    else
        return pai_error(PA_EINVAL, "PA_ALIGN_KERNEL=%s: expected inter, striped or auto", e);
    return 0;
}

/* PA_ALIGN_VBMI: 0 (AVX-512 without VBMI score rows), 1 or unset (with, where the CPU
 * has VBMI: 1-4 % faster, measured; too close for a 2 ms calibration to tell apart
 * reliably), auto (both are timed). Returns 0, 1 or 2 (both); 0 without VBMI. */
static int env_vbmi(int *v)
{
    const char *e = getenv("PA_ALIGN_VBMI");
    *v = 1;
    if (e && *e) {
        if (strcmp(e, "0") && strcmp(e, "1") && strcasecmp(e, "auto"))
            return pai_error(PA_EINVAL, "PA_ALIGN_VBMI=%s: expected 0, 1 or auto", e);
        *v = isdigit((unsigned char)*e) ? *e - '0' : 2;
    }
    *v = pai_inter_vbmi_supported() ? *v : 0;
    return 0;
}

static void describe(pai_kchoice *c, const char *how)
{
    char name[32];
    choice_name(c, name, sizeof name);
    snprintf(c->why, sizeof c->why, "%s: %s", name, how);
}

int pai_choose_kernel(const pa_profile *p, const char *const *ts, const int64_t *tn, size_t nt,
                      pa_align_kernel force, pai_kchoice *c)
{
    pa_align_kernel k = force;
    int rc, vbmi;
    if ((unsigned)k > PA_KERNEL_STRIPED)
        return pai_error(PA_EINVAL, "pa_batch_opts: unknown kernel %d", (int)k);
    if ((k == PA_KERNEL_AUTO && (rc = env_kernel(&k))) || (rc = env_vbmi(&vbmi)))
        return rc;
    *c = (pai_kchoice){0, p->isa, "", 0};
    if (p->isa == PA_ISA_SCALAR || !pai_inter_available(p->isa))
        return describe(c, "scalar ISA chosen"), 0;
    if (nt == 0)
        return describe(c, "no targets"), 0;
    if (!p->inter_ok || p->m == 0)
        return describe(c, "matrix or query unfit for the inter-sequence kernels"), 0;
    if (k == PA_KERNEL_STRIPED)
        return describe(c, "forced (PA_KERNEL_STRIPED or PA_ALIGN_KERNEL)"), 0;
    if (k == PA_KERNEL_AUTO && nt < FEW_TARGETS)
        return describe(c, "few targets"), 0;
    int cls = len_class(p->m);
    cal_entry *e = &cache[cls][p->isa_forced ? p->isa : 0][p->inter_eight][nt < CAL_TARGETS][vbmi];
    if (!atomic_load_explicit(&e->ready, memory_order_acquire)) {
        pthread_mutex_lock(&cal_lock);
        rc = atomic_load_explicit(&e->ready, memory_order_relaxed)
                 ? 0 : calibrate(p, cls, ts, tn, nt, vbmi, e);
        if (!rc)
            atomic_store_explicit(&e->ready, 1, memory_order_release);
        pthread_mutex_unlock(&cal_lock);
        if (rc)
            return rc;
    }
    *c = e->c;
    if (k == PA_KERNEL_INTER && !c->inter) { /* forced: the fastest inter candidate is not
                                              * recorded, so take the profile's ISA */
        *c = (pai_kchoice){1, p->isa, "", p->isa == PA_ISA_AVX512 && vbmi};
        describe(c, "forced (PA_KERNEL_INTER or PA_ALIGN_KERNEL)");
    }
    return 0;
}
