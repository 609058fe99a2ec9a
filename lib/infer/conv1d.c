/* conv1d.c — the direct 1-D convolution: kernel choice, weight packing at load, and the
 * per-sequence driver (zero-padded input copy, one kernel call). The kernels themselves
 * (conv1d_tmpl.h) exist for AVX2 and AVX-512 in fp32, and in int8 (AVX512-VNNI, AVX-VNNI)
 * and bf16 (AVX512_BF16); "ref" keeps the im2col + sgemm path of ops_conv.c for fp32 (also
 * the fallback for shapes the kernel does not take) and a scalar kernel for int8 / bf16. */
#include "infer/infer_int.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>

/* CPUID leaf 7 subleaf `sub`, register `reg` (0 EAX, 2 ECX), bit `bit`. */
static int cpuid7(unsigned sub, int reg, int bit)
{
    unsigned r[4] = {0};
    if (!__get_cpuid_count(7, sub, &r[0], &r[1], &r[2], &r[3]))
        return 0;
    return (r[reg] >> bit) & 1;
}
#endif

static int isa_supported(int isa)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_cpu_init();
    switch (isa) {
    case PAI_ISA_REF: return 1;
    case PAI_ISA_AVX2:
        return pai_conv1d_avx2 && __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    case PAI_ISA_AVX512:
        return pai_conv1d_avx512 && __builtin_cpu_supports("avx512f");
    default: return 0;
    }
#else
    return isa == PAI_ISA_REF;
#endif
}

/* The kernel of a precision on an ISA, NULL when there is none (or the CPU lacks it):
 * int8 needs AVX512-VNNI (avx512) or AVX-VNNI (avx2), bf16 AVX512_BF16; "ref" runs the
 * reduced precisions on the scalar kernel and fp32 on im2col + sgemm (no pack). */
static pai_conv1d_fn kernel_of(int prec, int isa)
{
    if (!isa_supported(isa))
        return NULL;
    if (isa == PAI_ISA_REF)
        return prec == PA_PRECISION_FP32 ? NULL : pai_conv1d_q_ref;
#if defined(__x86_64__) || defined(__i386__)
    int avx512bw = isa == PAI_ISA_AVX512 && __builtin_cpu_supports("avx512bw");
    if (prec == PA_PRECISION_INT8)
        return isa == PAI_ISA_AVX512 ? (avx512bw && cpuid7(0, 2, 11) ? pai_conv1d_int8_avx512
                                                                      : NULL)
                                     : (cpuid7(1, 0, 4) ? pai_conv1d_int8_avxvnni : NULL);
    if (prec == PA_PRECISION_BF16)
        return avx512bw && cpuid7(1, 0, 5) ? pai_conv1d_bf16_avx512 : NULL;
#endif
    return isa == PAI_ISA_AVX512 ? pai_conv1d_avx512 : pai_conv1d_avx2;
}

int pai_conv1d_isa(int *isa, int *forced)
{
    static const char *const names[] = {"ref", "avx2", "avx512"};
    const char *e = getenv("PA_INFER_ISA");
    if (forced)
        *forced = e && *e;
    if (!e || !*e) {
        *isa = isa_supported(PAI_ISA_AVX512) ? PAI_ISA_AVX512
               : isa_supported(PAI_ISA_AVX2) ? PAI_ISA_AVX2
                                              : PAI_ISA_REF;
        return 0;
    }
    for (int i = 0; i < 3; i++)
        if (!strcasecmp(e, names[i])) {
            *isa = i;
            return isa_supported(i) ? 0
                                    : pai_error(PA_EUNSUPPORTED, "PA_INFER_ISA=%s: not supported "
                                                "by this CPU", e);
        }
    return pai_error(PA_EINVAL, "PA_INFER_ISA=%s: expected ref, avx2 or avx512", e);
}

const char *pa_precision_name(int precision)
{
    static const char *const names[] = {"fp32", "bf16", "int8"};
    return precision >= 0 && precision < 3 ? names[precision] : NULL;
}

int pa_precision_parse(const char *name, int *precision)
{
    for (int i = 0; name && precision && i < 3; i++)
        if (!strcasecmp(name, pa_precision_name(i))) {
            *precision = i;
            return 0;
        }
    return pai_error(PA_EINVAL, "precision '%s': expected fp32, bf16 or int8",
                     name ? name : "(null)");
}

int pa_model_precision(const pa_model *m) { return m ? m->prec_run : -1; }

const char *pa_model_kernel(const pa_model *m)
{
    static const char *const wino[3] = {"fp32-ref", "fp32-avx2-winograd",
                                         "fp32-avx512-winograd"};
    static const char *const names[3][3] = {
        {"fp32-ref", "fp32-avx2", "fp32-avx512"},
        {"bf16-ref", "bf16-avx2", "bf16-avx512bf16"},
        {"int8-ref", "int8-avxvnni", "int8-avx512vnni"},
    };
    if (m && m->wino && m->prec_run == PA_PRECISION_FP32 && m->isa >= 0 && m->isa < 3)
        return wino[m->isa];
    if (m && m->wino && m->prec_run == PA_PRECISION_BF16)
        return "bf16-avx512-winograd";
    return m && m->prec_run >= 0 && m->prec_run < 3 && m->isa >= 0 && m->isa < 3
               ? names[m->prec_run][m->isa]
               : "none";
}

void pai_conv1d_pack_free(pai_conv1d_pack *p)
{
    if (p) {
        pai_free(p->w);
        pai_free(p->b);
        pai_free(p->wscale);
        pai_free(p->wsum);
        pai_wino_free(p->wino);
        pai_free(p);
    }
}

static const pai_tensor *const_float(const pa_model *m, const pai_node *n, int i)
{
    const pai_tensor *t = i < n->nin && n->in[i] >= 0 ? m->vals[n->in[i]].init : NULL;
    return t && t->dtype == PA_DT_FLOAT32 ? t : NULL;
}

/* bf16 by round-to-nearest-even (the values here are finite). */
uint16_t pai_to_bf16(float f)
{
    uint32_t u;
    memcpy(&u, &f, 4);
    return (uint16_t)((u + 0x7FFFu + ((u >> 16) & 1u)) >> 16);
}

/* Channels per 4-byte reduction element. */
static int per_elem(int prec) { return prec == PA_PRECISION_INT8 ? 4 : prec == PA_PRECISION_BF16 ? 2 : 1; }

/* Output channel o's weights w[C][K] into the pack (int8: quantised with its own scale). */
static void pack_channel(pai_conv1d_pack *p, int64_t o, const float *w)
{
    int64_t C = p->C, K = p->K, mr = p->mr;
    size_t base = (size_t)((o / mr) * p->G * K * mr + o % mr);
    if (p->prec == PA_PRECISION_FP32) {
        float *dst = (float *)p->w + base;
        for (int64_t ck = 0; ck < C * K; ck++)
            dst[ck * mr] = w[ck];
        return;
    }
    float amax = 0.0f;
    for (int64_t ck = 0; ck < C * K; ck++)
        amax = fabsf(w[ck]) > amax ? fabsf(w[ck]) : amax;
    float sc = amax > 0.0f ? amax / 127.0f : 1.0f;
    int32_t sum = 0;
    for (int64_t c = 0; c < C; c++)
        for (int64_t k = 0; k < K; k++) {
            int pe = per_elem(p->prec);
            size_t e = base + (size_t)(((c / pe) * K + k) * mr);
            float v = w[c * K + k];
            if (p->prec == PA_PRECISION_INT8) {
                long q = lrintf(v / sc);
                q = q > 127 ? 127 : q < -127 ? -127 : q;
                ((int8_t *)p->w)[e * 4 + (size_t)(c % 4)] = (int8_t)q;
                sum += (int32_t)q;
            } else {
                ((uint16_t *)p->w)[e * 2 + (size_t)(c % 2)] = pai_to_bf16(v);
            }
        }
    if (p->wscale) {
        p->wscale[o] = sc;
        p->wsum[o] = sum;
    }
}

/* Pack one Conv's constant weights [M, C, K] (and bias) for the kernel of (isa, prec) into
 * *out; NULL (and 0) for nodes the kernel cannot take (non-constant weights, groups). */
static int make_pack(const pa_model *m, const pai_node *n, int isa, int prec,
                     pai_conv1d_pack **out)
{
    const pai_tensor *W = const_float(m, n, 1), *B = const_float(m, n, 2);
    int has_b = n->nin > 2 && n->in[2] >= 0;
    *out = NULL;
    if (!W || W->ndim != 3 || pai_attr_int(n, "group", 1) != 1 || (has_b && !B) ||
        (B && B->n != (size_t)W->shape[0]) || W->n == 0)
        return 0;
    int mr = isa == PAI_ISA_AVX512 ? PAI_CONV1D_MR_AVX512 : PAI_CONV1D_MR_AVX2;
    int64_t M = W->shape[0], C = W->shape[1], K = W->shape[2], nb = (M + mr - 1) / mr;
    int64_t G = (C + per_elem(prec) - 1) / per_elem(prec);
    pai_conv1d_pack *p = pai_calloc(1, sizeof *p);
    int q = prec == PA_PRECISION_INT8;
    if (p) {
        *p = (pai_conv1d_pack){isa, mr, prec, M, C, K, G, NULL, NULL, NULL, NULL, NULL};
        p->w = pai_calloc((size_t)(nb * mr * G * K), 4);
        p->b = pai_calloc((size_t)(nb * mr), sizeof *p->b);
        p->wscale = q ? pai_calloc((size_t)(nb * mr), sizeof *p->wscale) : NULL;
        p->wsum = q ? pai_calloc((size_t)(nb * mr), sizeof *p->wsum) : NULL;
    }
    if (!p || !p->w || !p->b || (q && (!p->wscale || !p->wsum))) {
        pai_conv1d_pack_free(p);
        return pai_error(PA_ENOMEM, "out of memory");
    }
    for (int64_t o = 0; o < M; o++) {
        pack_channel(p, o, pai_f(W) + o * C * K);
        p->b[o] = B ? pai_f(B)[o] : 0.0f;
    }
    *out = p;
    return 0;
}

/* Seconds-free comparison: the best of 3 runs of each pack on one synthetic sequence of 256
 * positions (same padding), alternated so that a load spike hits both. */
static int faster_than(const pai_conv1d_pack *a, const pai_conv1d_pack *b)
{
    int64_t W = 256, d = 1, pl = (a->K - 1) / 2, ow = W + 2 * pl - (a->K - 1);
    size_t ns = pai_conv1d_scratch(a, pl, W, d, ow), nb = pai_conv1d_scratch(b, pl, W, d, ow);
    float *x = pai_malloc((size_t)(a->C * W) * sizeof *x), *y = pai_malloc((size_t)(a->M * ow) * sizeof *y);
    float *xpad = pai_malloc((ns > nb ? ns : nb) * sizeof *xpad);
    int win = 0;
    if (x && y && xpad) {
        for (int64_t i = 0; i < a->C * W; i++)
            x[i] = (float)((i * 7919) % 211) / 211.0f - 0.3f;
        uint64_t best[2] = {UINT64_MAX, UINT64_MAX};
        for (int r = 0; r < 4; r++)
            for (int s = 0; s < 2; s++) {
                uint64_t t0 = pai_now_ns();
                pai_conv1d_run(s ? b : a, x, 1, W, pl, d, ow, y, xpad, PAI_ACT_NONE, NULL, NULL);
                uint64_t t = pai_now_ns() - t0;
                if (r && t < best[s]) /* the first round warms up */
                    best[s] = t;
            }
        win = best[0] * 10 < best[1] * 9; /* a clear win only: the machine may be noisy */
    }
    pai_free(x);
    pai_free(y);
    pai_free(xpad);
    return win;
}

/* The model's largest packable Conv (most multiply-adds per position), or NULL. */
static pai_node *largest_conv(pa_model *m)
{
    pai_node *best = NULL;
    int64_t most = 0;
    for (size_t k = 0; k < m->nnodes; k++) {
        const pai_tensor *W = m->nodes[k].fn == pai_op_conv ? const_float(m, &m->nodes[k], 1)
                                                           : NULL;
        if (W && W->ndim == 3 && (int64_t)W->n > most) {
            most = (int64_t)W->n;
            best = &m->nodes[k];
        }
    }
    return best;
}

/* Winograd modes (PA_INFER_WINOGRAD, see choose_wino) */
enum { WINO_OFF, WINO_ON, WINO_MEASURE };

/* The reduced pack of node n for the candidate: bf16 by Winograd when `mode` says so or it
 * runs clearly faster than bf16 direct (*rwino: 1 then); *red: the pack to compare. */
static int reduced_pack(pa_model *m, pai_node *n, int cand, int want, int mode,
                        pai_conv1d_pack **red, int *rwino)
{
    pai_conv1d_pack *alt = NULL;
    int rc = make_pack(m, n, cand, want, red);
    *rwino = 0;
    if (rc || !*red || want != PA_PRECISION_BF16 || mode == WINO_OFF)
        return rc;
    rc = make_pack(m, n, cand, want, &alt);
    if (!rc && alt)
        rc = pai_wino_attach(alt, pai_f(const_float(m, n, 1)));
    if (!rc && alt && alt->wino && (mode == WINO_ON || faster_than(alt, *red))) {
        pai_conv1d_pack *t = *red;
        *red = alt;
        alt = t;
        *rwino = 1;
    }
    pai_conv1d_pack_free(alt);
    return rc;
}

/* Dispatch by measurement: the requested precision on `isa` when it has a kernel and runs
 * the model's largest Conv faster than fp32 on the fp32 kernel's ISA (by Winograd when
 * `wino`: the fp32 path that would run); else fp32. bf16 runs by Winograd (*rwino) as
 * reduced_pack decides. */
static int choose(pa_model *m, int isa, int forced, int wino, int mode, int *prec, int *qisa,
                  int *rwino)
{
    *prec = PA_PRECISION_FP32;
    *qisa = isa;
    *rwino = 0;
    int want = m->precision;
    if (want == PA_PRECISION_FP32)
        return 0;
    int cand = isa;
    if (!forced && !kernel_of(want, cand) && cand == PAI_ISA_AVX512 && kernel_of(want, PAI_ISA_AVX2))
        cand = PAI_ISA_AVX2; /* AVX-VNNI without AVX512-VNNI */
    if (!kernel_of(want, cand))
        return 0;
    if (forced) {
        *prec = want;
        *rwino = want == PA_PRECISION_BF16 && mode == WINO_ON;
        return 0;
    }
    pai_node *n = largest_conv(m);
    pai_conv1d_pack *red = NULL, *f32 = NULL;
    int rw = 0, rc = n ? reduced_pack(m, n, cand, want, mode, &red, &rw) : 0;
    if (!rc && red && kernel_of(PA_PRECISION_FP32, isa))
        rc = make_pack(m, n, isa, PA_PRECISION_FP32, &f32);
    if (!rc && f32 && wino)
        rc = pai_wino_attach(f32, NULL);
    if (!rc && red && (!f32 || faster_than(red, f32))) {
        *prec = want;
        *qisa = cand;
        *rwino = rw;
    }
    pai_conv1d_pack_free(red);
    pai_conv1d_pack_free(f32);
    return rc;
}

/* Measured Winograd choices of this process by (isa, M, C, K): models are often loaded
 * many times (one per worker, tests), the measurement costs a few milliseconds. */
typedef struct {
    int64_t isa, M, C, K;
    int on;
} wino_seen;
static wino_seen wino_memo[16];
static int wino_nmemo;
static pthread_mutex_t wino_lock = PTHREAD_MUTEX_INITIALIZER;

/* 1 / 0: the remembered choice for pk's shape; -1: none (on >= 0: remember it). */
static int wino_memo_get(const pai_conv1d_pack *pk, int on)
{
    int r = -1;
    pthread_mutex_lock(&wino_lock);
    for (int i = 0; i < wino_nmemo && r < 0; i++) {
        const wino_seen *e = &wino_memo[i];
        if (e->isa == pk->isa && e->M == pk->M && e->C == pk->C && e->K == pk->K)
            r = e->on;
    }
    if (r < 0 && on >= 0 && wino_nmemo < 16)
        wino_memo[wino_nmemo++] = (wino_seen){pk->isa, pk->M, pk->C, pk->K, on};
    pthread_mutex_unlock(&wino_lock);
    return r;
}

/* Winograd for the fp32 kernels, by measurement: PA_INFER_WINOGRAD=1 / 0 forces it on /
 * off; unset, it is off when PA_INFER_ISA forces the kernel (tests stay on the path they
 * name), else on when the model's largest Conv with 3..7 taps runs clearly faster by
 * Winograd than direct. *on: the choice. */
static int wino_mode(int isa, int forced, int *mode)
{
    const char *e = getenv("PA_INFER_WINOGRAD");
    *mode = WINO_OFF;
    if (e && *e && strcmp(e, "0") && strcmp(e, "1") && strcasecmp(e, "auto"))
        return pai_error(PA_EINVAL, "PA_INFER_WINOGRAD=%s: expected 0, 1 or auto", e);
    if (isa == PAI_ISA_REF || (e && !strcmp(e, "0")) || (forced && !(e && *e)))
        return 0;
    *mode = e && !strcmp(e, "1") ? WINO_ON : WINO_MEASURE;
    return 0;
}

static int choose_wino(pa_model *m, int isa, int mode, int *on)
{
    *on = mode == WINO_ON;
    if (mode != WINO_MEASURE)
        return 0;
    pai_node *n = largest_conv(m);
    pai_conv1d_pack *dir = NULL, *win = NULL;
    int rc = n ? make_pack(m, n, isa, PA_PRECISION_FP32, &dir) : 0;
    int memo = dir ? wino_memo_get(dir, -1) : -1;
    if (memo >= 0) {
        *on = memo;
        pai_conv1d_pack_free(dir);
        return rc;
    }
    if (!rc && dir && pai_wino_tile(dir->K))
        rc = make_pack(m, n, isa, PA_PRECISION_FP32, &win);
    if (!rc && win)
        rc = pai_wino_attach(win, NULL);
    if (!rc && win && win->wino)
        *on = faster_than(win, dir);
    if (!rc && dir)
        wino_memo_get(dir, *on);
    pai_conv1d_pack_free(dir);
    pai_conv1d_pack_free(win);
    return rc;
}

int pai_conv1d_prepare(pa_model *m)
{
    int isa, forced, prec, qisa, mode = WINO_OFF, wino = 0, rwino = 0;
    int rc = pai_conv1d_isa(&isa, &forced);
    if (!rc)
        rc = wino_mode(isa, forced, &mode);
    if (!rc)
        rc = choose_wino(m, isa, mode, &wino);
    if (!rc)
        rc = choose(m, isa, forced, wino, mode, &prec, &qisa, &rwino);
    if (rc)
        return rc;
    wino = prec == PA_PRECISION_FP32 ? wino : rwino;
    isa = qisa;
    m->prec_run = prec;
    m->isa = isa;
    m->wino = 0;
    for (size_t k = 0; !rc && kernel_of(prec, isa) && k < m->nnodes; k++) {
        pai_conv1d_pack **pk = &m->nodes[k].pack;
        if (m->nodes[k].fn == pai_op_conv && !*pk)
            rc = make_pack(m, &m->nodes[k], isa, prec, pk);
        if (!rc && wino && *pk)
            rc = pai_wino_attach(*pk, prec == PA_PRECISION_FP32
                                          ? NULL
                                          : pai_f(const_float(m, &m->nodes[k], 1)));
        m->wino |= !rc && *pk && (*pk)->wino;
    }
    return rc;
}

/* Row length of the padded input: the last (rounded-up) tile reads up to
 * ceil16(ow) - 1 + (K - 1) * d. */
static int64_t pad_stride(const pai_conv1d_pack *pk, int64_t pl, int64_t W, int64_t d,
                          int64_t ow)
{
    int64_t xs = (ow + 15) / 16 * 16 + (pk->K - 1) * d;
    return xs > pl + W ? xs : pl + W;
}

size_t pai_conv1d_scratch(const pai_conv1d_pack *pk, int64_t pl, int64_t W, int64_t d,
                          int64_t ow)
{
    if (pk->wino)
        return pai_wino_scratch(pk, W, pl, d, ow);
    return (size_t)(pk->G * pad_stride(pk, pl, W, d, ow)); /* 4-byte elements */
}

static pai_conv1d_fn run_fn(const pai_conv1d_pack *pk)
{
    int wide = pk->isa == PAI_ISA_AVX512;
    if (pk->isa == PAI_ISA_REF)
        return pai_conv1d_q_ref;
    if (pk->prec == PA_PRECISION_INT8)
        return wide ? pai_conv1d_int8_avx512 : pai_conv1d_int8_avxvnni;
    if (pk->prec == PA_PRECISION_BF16)
        return pai_conv1d_bf16_avx512;
    return wide ? pai_conv1d_avx512 : pai_conv1d_avx2;
}

/* One sequence x [C][W] into the zero-padded rows [C][xs]. */
static void fill_fp32(const pai_conv1d_pack *pk, const float *x, int64_t W, int64_t pl,
                      int64_t xs, float *xpad)
{
    for (int64_t c = 0; c < pk->C; c++) {
        float *row = xpad + c * xs;
        memset(row, 0, (size_t)pl * sizeof *row);
        memcpy(row + pl, x + c * W, (size_t)W * sizeof *row);
        memset(row + pl + W, 0, (size_t)(xs - pl - W) * sizeof *row);
    }
}

/* ... as bf16 pairs of channels [G][xs][2]. */
static void fill_bf16(const pai_conv1d_pack *pk, const float *x, int64_t W, int64_t pl,
                      int64_t xs, void *dst, pai_conv1d_job *j)
{
    uint16_t *xb = dst;
    (void)j;
    memset(xb, 0, (size_t)(pk->G * xs) * 4);
    for (int64_t c = 0; c < pk->C; c++) {
        uint16_t *dst = xb + ((c / 2) * xs + pl) * 2 + c % 2;
        for (int64_t i = 0; i < W; i++)
            dst[i * 2] = pai_to_bf16(x[c * W + i]);
    }
}

/* ... as uint8 quads of channels [G][xs][4], with this sequence's scale and zero point
 * (asymmetric over [min(x, 0), max(x, 0)]: padding, 0.0, is exactly the zero point). */
static void fill_int8(const pai_conv1d_pack *pk, const float *x, int64_t W, int64_t pl,
                      int64_t xs, void *dst, pai_conv1d_job *j)
{
    uint8_t *xq = dst;
    float lo = 0.0f, hi = 0.0f;
    for (int64_t i = 0; i < pk->C * W; i++) {
        lo = x[i] < lo ? x[i] : lo;
        hi = x[i] > hi ? x[i] : hi;
    }
    float sc = hi > lo ? (hi - lo) / 255.0f : 1.0f, inv = 1.0f / sc;
    long zp = lrintf(-lo * inv);
    zp = zp < 0 ? 0 : zp > 255 ? 255 : zp;
    memset(xq, (int)zp, (size_t)(pk->G * xs) * 4);
    for (int64_t c = 0; c < pk->C; c++) {
        uint8_t *dst = xq + ((c / 4) * xs + pl) * 4 + c % 4;
        for (int64_t i = 0; i < W; i++) {
            long q = lrintf(x[c * W + i] * inv) + zp;
            dst[i * 4] = (uint8_t)(q < 0 ? 0 : q > 255 ? 255 : q);
        }
    }
    j->xscale = sc;
    j->xzp = (int32_t)zp;
}

void pai_conv1d_run(const pai_conv1d_pack *pk, const float *x, int64_t N, int64_t W,
                    int64_t pl, int64_t d, int64_t ow, float *y, float *xpad, int act,
                    const pai_bview *res, const pai_bview *mul)
{
    if (pk->wino) {
        pai_wino_run(pk, x, N, W, pl, d, ow, y, xpad, act, res, mul);
        return;
    }
    int64_t xs = pad_stride(pk, pl, W, d, ow);
    pai_conv1d_fn fn = run_fn(pk);
    pai_conv1d_job j = {pk, xpad, xs, d, ow, NULL, act, {0}, {0}, 1.0f, 0};
    for (int64_t nb = 0; nb < N; nb++) {
        const float *xn = x + nb * pk->C * W;
        int vec = pk->isa != PAI_ISA_REF; /* every reduced kernel's CPU has AVX2 */
        if (pk->prec == PA_PRECISION_INT8)
            (vec ? pai_conv1d_fill_int8_avx2 : fill_int8)(pk, xn, W, pl, xs, xpad, &j);
        else if (pk->prec == PA_PRECISION_BF16)
            (vec ? pai_conv1d_fill_bf16_avx2 : fill_bf16)(pk, xn, W, pl, xs, xpad, &j);
        else
            fill_fp32(pk, xn, W, pl, xs, xpad);
        j.y = y + nb * pk->M * ow;
        if (res && res->p) {
            j.res = *res;
            j.res.p += nb * res->sn;
        }
        if (mul && mul->p) {
            j.mul = *mul;
            j.mul.p += nb * mul->sn;
        }
        fn(&j);
    }
}

static float bf16_f(uint16_t h)
{
    uint32_t u = (uint32_t)h << 16;
    float f;
    memcpy(&f, &u, 4);
    return f;
}

/* Reduction of output channel m at position o: exact int32 (int8) or fp32 of bf16 products. */
static float q_dot(const pai_conv1d_job *j, int64_t m, int64_t o)
{
    const pai_conv1d_pack *pk = j->pk;
    int64_t mr = pk->mr, K = pk->K;
    size_t wb = (size_t)((m / mr) * pk->G * K * mr + m % mr);
    int32_t acc = 0;
    float facc = 0.0f;
    for (int64_t g = 0; g < pk->G; g++)
        for (int64_t k = 0; k < K; k++) {
            size_t xe = (size_t)(g * j->xs + o + k * j->d), we = wb + (size_t)((g * K + k) * mr);
            if (pk->prec == PA_PRECISION_INT8) {
                const uint8_t *xv = (const uint8_t *)j->x + xe * 4;
                const int8_t *wv = (const int8_t *)pk->w + we * 4;
                acc += xv[0] * wv[0] + xv[1] * wv[1] + xv[2] * wv[2] + xv[3] * wv[3];
            } else {
                const uint16_t *xv = (const uint16_t *)j->x + xe * 2;
                const uint16_t *wv = (const uint16_t *)pk->w + we * 2;
                facc += bf16_f(xv[0]) * bf16_f(wv[0]) + bf16_f(xv[1]) * bf16_f(wv[1]);
            }
        }
    if (pk->prec == PA_PRECISION_INT8)
        return (float)(acc - j->xzp * pk->wsum[m]) * (j->xscale * pk->wscale[m]);
    return facc;
}

static float operand_at(const pai_bview *b, int64_t m, int64_t o)
{
    return b->p[m * b->sm + o * b->ss];
}

void pai_conv1d_q_ref(const pai_conv1d_job *j)
{
    for (int64_t m = 0; m < j->pk->M; m++)
        for (int64_t o = 0; o < j->ow; o++) {
            float v = q_dot(j, m, o) + j->pk->b[m];
            v = j->act == PAI_ACT_GELU ? pai_gelu(v) : j->act == PAI_ACT_RELU && v < 0 ? 0 : v;
            if (j->res.p)
                v += operand_at(&j->res, m, o);
            if (j->mul.p)
                v *= operand_at(&j->mul, m, o);
            j->y[m * j->ow + o] = v;
        }
}
