/* test_conv1d.c — the direct 1-D convolution kernels (PA_INFER_ISA = ref, avx2, avx512; fp32,
 * and int8 / bf16 within documented error bounds) against
 * a double-precision convolution, on random shapes: dilations, odd lengths, lengths shorter
 * than the kernel span, channel counts off the register blocks, and the fused epilogue
 * (activation, residual Add, mask Mul, broadcast operands, and operands that cannot fuse).
 * Models are written here as ONNX bytes: Conv [-> Relu | Gelu] [-> Add(r)] [-> Mul(k)]. */
#include "testutil.h"

#include <math.h>
#include <panalyzer/infer.h>
#include <stdint.h>
#include <stdlib.h>

/* ---- a minimal protobuf writer ------------------------------------------------------ */
typedef struct {
    unsigned char *p;
    size_t n, cap;
} pbuf;

static void put(pbuf *b, const void *d, size_t n)
{
    if (b->n + n > b->cap) {
        b->cap = (b->n + n) * 2 + 64;
        b->p = realloc(b->p, b->cap);
        ck_assert_ptr_nonnull(b->p);
    }
    memcpy(b->p + b->n, d, n);
    b->n += n;
}

static void varint(pbuf *b, uint64_t v)
{
    do {
        unsigned char c = (unsigned char)(v & 0x7f);
        v >>= 7;
        c |= v ? 0x80 : 0;
        put(b, &c, 1);
    } while (v);
}

static void f_int(pbuf *b, int field, uint64_t v)
{
    varint(b, (uint64_t)field << 3);
    varint(b, v);
}

static void f_bytes(pbuf *b, int field, const void *d, size_t n)
{
    varint(b, (uint64_t)field << 3 | 2);
    varint(b, n);
    put(b, d, n);
}

static void f_str(pbuf *b, int field, const char *s) { f_bytes(b, field, s, strlen(s)); }

/* Append sub-message s as field `field` and free it. */
static void f_sub(pbuf *b, int field, pbuf *s)
{
    f_bytes(b, field, s->p, s->n);
    free(s->p);
    memset(s, 0, sizeof *s);
}

/* ValueInfoProto of a float tensor with a fixed shape. */
static void value_info(pbuf *g, int field, const char *name, int nd, const int64_t *shape)
{
    pbuf vi = {0}, tp = {0}, tt = {0}, sh = {0};
    for (int i = 0; i < nd; i++) {
        pbuf dim = {0};
        f_int(&dim, 1, (uint64_t)shape[i]);
        f_sub(&sh, 1, &dim);
    }
    f_int(&tt, 1, 1);
    f_sub(&tt, 2, &sh);
    f_sub(&tp, 1, &tt);
    f_str(&vi, 1, name);
    f_sub(&vi, 2, &tp);
    f_sub(g, field, &vi);
}

static void initializer(pbuf *g, const char *name, int nd, const int64_t *shape, const float *v)
{
    pbuf t = {0};
    size_t n = 1;
    for (int i = 0; i < nd; i++) {
        f_int(&t, 1, (uint64_t)shape[i]);
        n *= (size_t)shape[i];
    }
    f_int(&t, 2, 1);
    f_str(&t, 8, name);
    f_bytes(&t, 9, v, n * sizeof *v);
    f_sub(g, 5, &t);
}

static void attr_ints(pbuf *node, const char *name, int n, const int64_t *v)
{
    pbuf a = {0};
    f_str(&a, 1, name);
    for (int i = 0; i < n; i++)
        f_int(&a, 8, (uint64_t)v[i]);
    f_int(&a, 20, 7);
    f_sub(node, 5, &a);
}

static void node(pbuf *g, const char *op, const char *in0, const char *in1, const char *out,
                 pbuf *attrs)
{
    pbuf n = {0};
    f_str(&n, 1, in0);
    if (in1)
        f_str(&n, 1, in1);
    f_str(&n, 2, out);
    f_str(&n, 3, out);
    f_str(&n, 4, op);
    if (attrs)
        put(&n, attrs->p, attrs->n);
    f_sub(g, 1, &n);
}

/* ---- one random case -------------------------------------------------------------------- */
typedef struct {
    int64_t N, C, M, K, d, pl, pr, W, ow;
    int bias, act;         /* act: 0 none, 1 Relu, 2 Gelu */
    int res, mul;          /* 0 none, 1 full [N, M, ow], 2 broadcast, 3 cannot fuse */
    float *w, *b, *x, *r, *k;
    int64_t rshape[4], kshape[4];
    int rnd, knd;
    size_t rn, kn;
} ccase;

static uint64_t rng = 12345;
static double urand(void)
{
    rng = rng * 6364136223846793005ull + 1442695040888963407ull;
    return (double)(rng >> 11) / 9007199254740992.0;
}
static int64_t irand(int64_t lo, int64_t hi) { return lo + (int64_t)(urand() * (double)(hi - lo + 1)); }

static float *rand_floats(size_t n, double scale)
{
    float *v = malloc((n ? n : 1) * sizeof *v);
    for (size_t i = 0; i < n; i++)
        v[i] = (float)((urand() * 2 - 1) * scale);
    return v;
}

/* Operand shapes: 1 exact, 2 broadcast ([N, 1, ow], [1, M, 1], [ow] or [1]), 3 one that
 * widens the output ([2, N, M, ow]: the Conv cannot take it in its epilogue). */
static int operand_shape(const ccase *c, int kind, int64_t *shape)
{
    int64_t full[3] = {c->N, c->M, c->ow};
    if (kind == 1) {
        memcpy(shape, full, sizeof full);
        return 3;
    }
    if (kind == 3) {
        shape[0] = 2;
        memcpy(shape + 1, full, sizeof full);
        return 4;
    }
    switch (irand(0, 3)) {
    case 0: shape[0] = c->N, shape[1] = 1, shape[2] = c->ow; return 3;
    case 1: shape[0] = 1, shape[1] = c->M, shape[2] = 1; return 3;
    case 2: shape[0] = c->ow; return 1;
    default: shape[0] = 1; return 1;
    }
}

static size_t numel(int nd, const int64_t *s)
{
    size_t n = 1;
    for (int i = 0; i < nd; i++)
        n *= (size_t)s[i];
    return n;
}

static void fill_case(ccase *c, int i);

static void make_case(ccase *c, int i)
{
    memset(c, 0, sizeof *c);
    c->N = irand(1, 3);
    c->C = irand(1, 20);
    c->M = irand(1, 23);
    c->K = irand(1, 7);
    c->d = irand(1, 5);
    int64_t span = c->d * (c->K - 1) + 1;
    c->pl = irand(0, span);
    c->pr = irand(0, span);
    c->W = i % 4 == 0 ? irand(1, span) : irand(1, 90); /* shorter than the span, odd lengths */
    c->ow = c->W + c->pl + c->pr - span + 1;
    if (c->ow < 1) { /* keep an output: pad on the right */
        c->pr += 1 - c->ow;
        c->ow = 1;
    }
    fill_case(c, i);
}

/* The random parts of a case whose shape is set: epilogue, operands, data. */
static void fill_case(ccase *c, int i)
{
    c->bias = irand(0, 3) > 0;
    c->act = (int)irand(0, 2);
    c->res = (int)irand(0, 2);
    c->mul = (int)irand(0, 2);
    if (i % 13 == 5)
        c->res = 3;
    if (i % 13 == 9)
        c->mul = 3;
    c->w = rand_floats((size_t)(c->M * c->C * c->K), 1.0 / sqrt((double)(c->C * c->K)));
    c->b = rand_floats((size_t)c->M, 0.5);
    c->x = rand_floats((size_t)(c->N * c->C * c->W), 1.0);
    if (c->res) {
        c->rnd = operand_shape(c, c->res, c->rshape);
        c->rn = numel(c->rnd, c->rshape);
        c->r = rand_floats(c->rn, 1.0);
    }
    if (c->mul) {
        c->knd = operand_shape(c, c->mul, c->kshape);
        c->kn = numel(c->knd, c->kshape);
        c->k = rand_floats(c->kn, 1.0);
    }
}

/* A case for Winograd: 3..7 taps, the model's dilations and others, lengths 1..600 (and
 * shorter than the span), channel counts off the register and GEMM blocks, and input
 * channels split into several GEMM parts. */
static void make_wino_case(ccase *c, int i)
{
    static const int64_t dil[] = {1, 2, 4, 8, 16, 3, 5, 6, 7, 32, 12};
    memset(c, 0, sizeof *c);
    c->N = irand(1, 3);
    c->C = irand(1, 24);
    c->M = irand(1, 60);
    c->K = irand(3, 7);
    c->d = dil[i % (int)(sizeof dil / sizeof *dil)];
    int64_t span = c->d * (c->K - 1) + 1;
    c->pl = irand(0, span);
    c->pr = irand(0, span);
    c->W = i % 5 == 0 ? irand(1, span) : i % 5 == 1 ? irand(1, 40) : irand(1, 600);
    if (i % 7 == 3) { /* more input channels than one GEMM part (PAI_WINO_CPART, 96) */
        c->C = irand(97, 200);
        c->M = irand(1, 16);
        c->W = irand(1, 64);
    }
    if (i % 11 == 5) { /* several blocks of output channels (48 in fp32, 96 in bf16) */
        c->M = irand(97, 200);
        c->W = irand(1, 64);
    }
    c->ow = c->W + c->pl + c->pr - span + 1;
    if (c->ow < 1) {
        c->pr += 1 - c->ow;
        c->ow = 1;
    }
    fill_case(c, i);
}

static void free_case(ccase *c)
{
    free(c->w);
    free(c->b);
    free(c->x);
    free(c->r);
    free(c->k);
}

static unsigned char *case_model(const ccase *c, size_t *size)
{
    pbuf g = {0}, at = {0}, model = {0}, op = {0};
    int64_t xs[3] = {c->N, c->C, c->W}, ws[3] = {c->M, c->C, c->K}, bs[1] = {c->M};
    int64_t ks[1] = {c->K}, dl[1] = {c->d}, pd[2] = {c->pl, c->pr};
    attr_ints(&at, "kernel_shape", 1, ks);
    attr_ints(&at, "dilations", 1, dl);
    attr_ints(&at, "pads", 2, pd);
    pbuf cn = {0};
    f_str(&cn, 1, "x");
    f_str(&cn, 1, "w");
    if (c->bias)
        f_str(&cn, 1, "b");
    f_str(&cn, 2, "c");
    f_str(&cn, 3, "conv");
    f_str(&cn, 4, "Conv");
    put(&cn, at.p, at.n);
    free(at.p);
    f_sub(&g, 1, &cn);
    const char *cur = "c";
    if (c->act) {
        node(&g, c->act == 1 ? "Relu" : "Gelu", cur, NULL, "a", NULL);
        cur = "a";
    }
    if (c->res) {
        node(&g, "Add", "r", cur, "s", NULL); /* residual first, as PyTorch exports it */
        cur = "s";
    }
    if (c->mul) {
        node(&g, "Mul", cur, "k", "y", NULL);
        cur = "y";
    }
    f_str(&g, 2, "conv1d_case");
    initializer(&g, "w", 3, ws, c->w);
    if (c->bias)
        initializer(&g, "b", 1, bs, c->b);
    value_info(&g, 11, "x", 3, xs);
    if (c->res)
        value_info(&g, 11, "r", c->rnd, c->rshape);
    if (c->mul)
        value_info(&g, 11, "k", c->knd, c->kshape);
    pbuf out = {0};
    f_str(&out, 1, cur);
    f_sub(&g, 12, &out);
    f_int(&model, 1, 7);
    f_int(&op, 2, 17);
    f_sub(&model, 8, &op);
    f_sub(&model, 7, &g);
    *size = model.n;
    return model.p;
}

/* ---- the expected output, in double ------------------------------------------------------ */
static double operand_at(const float *v, int nd, const int64_t *s, int64_t lead, int64_t n,
                         int64_t m, int64_t o)
{
    /* right-aligned over [lead, N, M, ow] */
    int64_t want[4] = {lead, n, m, o};
    size_t off = 0;
    for (int i = 0; i < nd; i++)
        off = off * (size_t)s[i] + (size_t)(s[i] == 1 ? 0 : want[4 - nd + i]);
    return v[off];
}

static double gelu(double v) { return 0.5 * v * (1.0 + erf(v / sqrt(2.0))); }

/* Expected y at (lead, n, m, o). */
static double expect(const ccase *c, int64_t lead, int64_t n, int64_t m, int64_t o)
{
    double s = c->bias ? c->b[m] : 0.0;
    for (int64_t ci = 0; ci < c->C; ci++)
        for (int64_t k = 0; k < c->K; k++) {
            int64_t i = o + k * c->d - c->pl;
            if (i >= 0 && i < c->W)
                s += (double)c->w[(m * c->C + ci) * c->K + k] * c->x[(n * c->C + ci) * c->W + i];
        }
    s = c->act == 1 ? (s > 0 ? s : 0) : c->act == 2 ? gelu(s) : s;
    if (c->res)
        s = operand_at(c->r, c->rnd, c->rshape, lead, n, m, o) + s;
    if (c->mul)
        s *= operand_at(c->k, c->knd, c->kshape, lead, n, m, o);
    return s;
}

/* Documented error bound of the reduced precisions before the epilogue, at (n, m, o):
 * int8: weights per output channel (scale sw = max|w| / 127, rounding error <= sw / 2),
 * activations per sequence (scale sx = (max(x, 0) - min(x, 0)) / 255; error <= sx, as the
 * zero point is rounded too), so |dy| <= sum |w| sx + |x| sw / 2 + sx sw / 2;
 * bf16: 8-bit mantissas for weights and activations, fp32 sums: |dy| <= 2^-7 sum |w x|. */
static double reduced_bound(const ccase *c, int prec, int64_t n, int64_t m, int64_t o)
{
    double sw = 0, lo = 0, hi = 0, e = 0;
    for (int64_t i = 0; i < c->C * c->K; i++)
        sw = fmax(sw, fabs(c->w[m * c->C * c->K + i]));
    sw /= 127.0;
    for (int64_t i = 0; i < c->C * c->W; i++) {
        lo = fmin(lo, c->x[n * c->C * c->W + i]);
        hi = fmax(hi, c->x[n * c->C * c->W + i]);
    }
    double sx = (hi - lo) / 255.0;
    for (int64_t ci = 0; ci < c->C; ci++)
        for (int64_t k = 0; k < c->K; k++) {
            int64_t i = o + k * c->d - c->pl;
            double w = fabs(c->w[(m * c->C + ci) * c->K + k]);
            double x = i >= 0 && i < c->W ? fabs(c->x[(n * c->C + ci) * c->W + i]) : 0.0;
            e += prec == PA_PRECISION_INT8 ? w * sx + x * sw / 2 + sx * sw / 2 : w * x / 128.0;
        }
    return e;
}

/* sum |w x| of output (n, m, o): the scale of the rounding error of a dot product. */
static double abs_sum(const ccase *c, int64_t n, int64_t m, int64_t o)
{
    double e = 0;
    for (int64_t ci = 0; ci < c->C; ci++)
        for (int64_t k = 0; k < c->K; k++) {
            int64_t i = o + k * c->d - c->pl;
            if (i >= 0 && i < c->W)
                e += fabs(c->w[(m * c->C + ci) * c->K + k] * c->x[(n * c->C + ci) * c->W + i]);
        }
    return e;
}

/* Winograd's documented error: |dy| <= WINO_TOL (1 + sum |w x|) before the epilogue (GELU
 * slope <= 1.13, times the mask's scale after it); the largest ratio seen is reported. */
#define WINO_TOL 1e-5
/* bf16 Winograd: transformed weights and inputs rounded to 8-bit mantissas (2^-9 each),
 * amplified by the transforms' coefficients (points up to +-2 and +-1/2): the bound is
 * measured over these cases with a margin (largest ratio seen 0.030, the same with the
 * exact GELU; 0.016 before the cases with several blocks of output channels). */
#define BF16_WINO_TOL 0.05
static int wino_on;
static double wino_tol = WINO_TOL, wino_worst, wino_worst_abs;

/* Largest |operand| of the mul input: the bound scales with it. */
static double mul_scale(const ccase *c)
{
    double s = 1.0;
    for (size_t i = 0; c->mul && i < c->kn; i++)
        s = fmax(s, fabs(c->k[i]));
    return s;
}

/* Run case c with PA_INFER_ISA=isa in precision prec and check every output; returns 1 when
 * the reduced-precision kernel ran (0: fp32, which this CPU / ISA falls back to). */
static int run_case(const ccase *c, const char *isa, int idx, int prec)
{
    setenv("PA_INFER_ISA", isa, 1);
    size_t size;
    unsigned char *bytes = case_model(c, &size);
    pa_model *m;
    pa_model_opts mo = PA_MODEL_OPTS_INIT;
    mo.precision = prec;
    ck_assert_msg(pa_model_load_memory(&m, bytes, size, &mo) == 0, "case %d (%s): %s", idx, isa,
                  pa_last_error());
    free(bytes);
    const char *kern = pa_model_kernel(m);
    int reduced = pa_model_precision(m) == prec && prec != PA_PRECISION_FP32;
    ck_assert_msg(!strncmp(kern, pa_precision_name(pa_model_precision(m)), 4), "%s", kern);
    ck_assert_msg(!strcmp(isa, "ref") ? strstr(kern, "-ref") != NULL
                                      : strstr(kern, "-ref") == NULL, "%s: %s", isa, kern);
    ck_assert_msg(!wino_on || strstr(kern, "-winograd"), "%s: %s", isa, kern);
    pa_tensor in[3];
    int nin = 0;
    memset(in, 0, sizeof in);
    in[nin++] = (pa_tensor){PA_DT_FLOAT32, 3, {c->N, c->C, c->W}, c->x};
    if (c->res) {
        in[nin] = (pa_tensor){PA_DT_FLOAT32, c->rnd, {0}, c->r};
        memcpy(in[nin++].shape, c->rshape, sizeof c->rshape);
    }
    if (c->mul) {
        in[nin] = (pa_tensor){PA_DT_FLOAT32, c->knd, {0}, c->k};
        memcpy(in[nin++].shape, c->kshape, sizeof c->kshape);
    }
    pa_tensor out;
    ck_assert_msg(pa_model_run(m, NULL, in, (size_t)nin, &out, 1) == 0, "case %d (%s): %s", idx,
                  isa, pa_last_error());
    int wide = c->res == 3 || c->mul == 3;
    ck_assert_int_eq(out.ndim, 3 + wide);
    int64_t leads = wide ? 2 : 1;
    const float *y = out.data;
    double ks = mul_scale(c);
    for (int64_t l = 0; l < leads; l++)
        for (int64_t n = 0; n < c->N; n++)
            for (int64_t mm = 0; mm < c->M; mm++)
                for (int64_t o = 0; o < c->ow; o++, y++) {
                    double e = expect(c, l, n, mm, o), tol = 1e-4 * (1 + fabs(e));
                    if (reduced) /* GELU's slope is at most 1.13 */
                        tol += 1.13 * ks * reduced_bound(c, prec, n, mm, o);
                    if (wino_on) {
                        double sc = 1.13 * ks * (1 + abs_sum(c, n, mm, o));
                        tol = wino_tol * sc;
                        wino_worst = fmax(wino_worst, fabs(*y - e) / sc);
                        wino_worst_abs = fmax(wino_worst_abs, fabs(*y - e));
                    }
                    ck_assert_msg(fabs(*y - e) <= tol,
                                  "case %d (%s, %s) N=%lld C=%lld M=%lld K=%lld d=%lld "
                                  "pads=%lld,%lld W=%lld act=%d res=%d mul=%d: "
                                  "y[%lld,%lld,%lld,%lld] = %g, expected %g (tolerance %g)",
                                  idx, isa, kern, (long long)c->N, (long long)c->C,
                                  (long long)c->M, (long long)c->K, (long long)c->d,
                                  (long long)c->pl, (long long)c->pr, (long long)c->W, c->act,
                                  c->res, c->mul, (long long)l, (long long)n, (long long)mm,
                                  (long long)o, *y, e, tol);
                }
    pa_tensor_clear(&out);
    pa_model_free(m);
    return reduced;
}

static int isa_runs(const char *isa)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_cpu_init();
    if (!strcmp(isa, "avx2"))
        return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    if (!strcmp(isa, "avx512"))
        return __builtin_cpu_supports("avx512f");
    return 1;
#else
    return !strcmp(isa, "ref");
#endif
}

START_TEST(test_kernels_match_reference)
{
    const char *isas[3] = {"ref", "avx2", "avx512"};
    for (int i = 0; i < 150; i++) {
        ccase c;
        make_case(&c, i);
        for (int k = 0; k < 3; k++)
            if (isa_runs(isas[k]))
                run_case(&c, isas[k], i, PA_PRECISION_FP32);
        free_case(&c);
    }
    unsetenv("PA_INFER_ISA");
}
END_TEST

/* int8 and bf16 on every ISA path (forced), against the double reference within the
 * documented bounds; paths this CPU lacks fall back to fp32 (checked then at fp32's
 * tolerance). */
START_TEST(test_reduced_kernels_within_bounds)
{
    const char *isas[3] = {"ref", "avx2", "avx512"};
    int ran[3][3] = {{0}};
    int cases = getenv("PA_TEST_QUICK") ? 12 : 60;
    for (int i = 0; i < cases; i++) {
        ccase c;
        make_case(&c, i);
        for (int k = 0; k < 3; k++)
            for (int p = PA_PRECISION_BF16; isa_runs(isas[k]) && p <= PA_PRECISION_INT8; p++)
                ran[p][k] += run_case(&c, isas[k], i, p);
        free_case(&c);
    }
    unsetenv("PA_INFER_ISA");
    /* the scalar kernel always runs; the others where the CPU has the instructions */
    ck_assert_int_eq(ran[PA_PRECISION_INT8][0], cases);
    ck_assert_int_eq(ran[PA_PRECISION_BF16][0], cases);
    ck_assert_int_eq(ran[PA_PRECISION_BF16][1], 0); /* no AVX2 bf16 kernel: fp32 */
    fprintf(stderr, "reduced-precision kernels run (ref, avx2, avx512): int8 %d %d %d, bf16 %d %d %d\n",
            ran[2][0], ran[2][1], ran[2][2], ran[1][0], ran[1][1], ran[1][2]);
}
END_TEST

/* Precision names, opts validation, and dispatch without PA_INFER_ISA: the model runs the
 * requested precision or fp32, and says which. */
START_TEST(test_precision_option)
{
    int p = -1;
    ck_assert_int_eq(pa_precision_parse("int8", &p), 0);
    ck_assert_int_eq(p, PA_PRECISION_INT8);
    ck_assert_int_eq(pa_precision_parse("BF16", &p), 0);
    ck_assert_int_eq(p, PA_PRECISION_BF16);
    ck_assert_int_eq(pa_precision_parse("fp16", &p), PA_EINVAL);
    ck_assert_int_eq(pa_precision_parse(NULL, &p), PA_EINVAL);
    ck_assert_str_eq(pa_precision_name(PA_PRECISION_FP32), "fp32");
    ck_assert_ptr_null(pa_precision_name(7));
    ck_assert_int_eq(pa_model_precision(NULL), -1);
    ccase c;
    make_case(&c, 3);
    size_t size;
    unsigned char *bytes = case_model(&c, &size);
    pa_model *m = NULL;
    pa_model_opts mo = PA_MODEL_OPTS_INIT;
    mo.precision = 9;
    ck_assert_int_eq(pa_model_load_memory(&m, bytes, size, &mo), PA_EINVAL);
    ck_assert_ptr_nonnull(strstr(pa_last_error(), "precision"));
    mo.version = 2; /* an older caller: the field is not read */
    ck_assert_int_eq(pa_model_load_memory(&m, bytes, size, &mo), 0);
    ck_assert_int_eq(pa_model_precision(m), PA_PRECISION_FP32);
    pa_model_free(m);
    unsetenv("PA_INFER_ISA");
    for (int prec = 0; prec < 3; prec++) {
        mo = (pa_model_opts)PA_MODEL_OPTS_INIT;
        mo.precision = prec;
        ck_assert_int_eq(pa_model_load_memory(&m, bytes, size, &mo), 0);
        int run = pa_model_precision(m);
        ck_assert(run == prec || run == PA_PRECISION_FP32);
        ck_assert_int_eq(strncmp(pa_model_kernel(m), pa_precision_name(run), 4), 0);
        pa_model_free(m);
    }
    free(bytes);
    free_case(&c);
}
END_TEST

/* Loading fails with PA_EINVAL naming var when var=bad. */
static void expect_env_rejected(const char *var, const char *bad, const unsigned char *bytes,
                                size_t size)
{
    pa_model *m = NULL;
    setenv(var, bad, 1);
    ck_assert_int_eq(pa_model_load_memory(&m, bytes, size, NULL), PA_EINVAL);
    ck_assert_ptr_nonnull(strstr(pa_last_error(), var));
    ck_assert_ptr_null(m);
}

/* The model of case c (*size bytes, the caller frees it) after checking that var=bad is
 * rejected at load. */
static unsigned char *model_rejecting(const ccase *c, const char *var, const char *bad,
                                      size_t *size)
{
    unsigned char *bytes = case_model(c, size);
    expect_env_rejected(var, bad, bytes, *size);
    return bytes;
}

START_TEST(test_isa_override_is_checked)
{
    ccase c;
    make_case(&c, 1);
    size_t size;
    unsigned char *bytes = model_rejecting(&c, "PA_INFER_ISA", "sse9", &size);
    pa_model *m = NULL;
    setenv("PA_INFER_ISA", "REF", 1); /* names are case-insensitive */
    ck_assert_int_eq(pa_model_load_memory(&m, bytes, size, NULL), 0);
    pa_model_free(m);
    unsetenv("PA_INFER_ISA");
    free(bytes);
    free_case(&c);
}
END_TEST

/* PA_INFER_WINOGRAD: values checked, 0 keeps the direct kernel, auto names what runs. */
static void check_wino_env(void)
{
    ccase c;
    make_wino_case(&c, 2);
    size_t size;
    unsigned char *bytes = model_rejecting(&c, "PA_INFER_WINOGRAD", "maybe", &size);
    pa_model *m = NULL;
    setenv("PA_INFER_WINOGRAD", "0", 1);
    unsetenv("PA_INFER_ISA");
    ck_assert_int_eq(pa_model_load_memory(&m, bytes, size, NULL), 0);
    ck_assert_ptr_null(strstr(pa_model_kernel(m), "winograd"));
    pa_model_free(m);
    setenv("PA_INFER_WINOGRAD", "auto", 1); /* by measurement: either path, named */
    ck_assert_int_eq(pa_model_load_memory(&m, bytes, size, NULL), 0);
    ck_assert_int_eq(strncmp(pa_model_kernel(m), "fp32", 4), 0);
    pa_model_free(m);
    unsetenv("PA_INFER_WINOGRAD");
    free(bytes);
    free_case(&c);
}

/* fp32 Winograd (forced, AVX2 and AVX-512) against the double reference within WINO_TOL on
 * random shapes: every dilation of the built-in model and others, lengths 1..600 with
 * padding and remainders, fused epilogues; and PA_INFER_WINOGRAD's values. */
START_TEST(test_winograd_within_bounds)
{
    const char *isas[2] = {"avx2", "avx512"};
    int cases = getenv("PA_TEST_QUICK") ? 10 : 80;
    setenv("PA_INFER_WINOGRAD", "1", 1);
    for (int i = 0; i < cases; i++) {
        ccase c;
        make_wino_case(&c, i);
        for (int k = 0; k < 2; k++) {
            wino_on = isa_runs(isas[k]);
            if (wino_on)
                run_case(&c, isas[k], i, PA_PRECISION_FP32);
        }
        wino_on = 0;
        run_case(&c, "ref", i, PA_PRECISION_FP32); /* the ref path has no Winograd */
        free_case(&c);
    }
    fprintf(stderr, "winograd: largest error %.3g (abs), %.3g of 1 + sum |w x| (bound %g)\n",
            wino_worst_abs, wino_worst, WINO_TOL);
    check_wino_env();
}
END_TEST

/* bf16 Winograd (forced, AVX-512 with AVX512_BF16) against the double reference within
 * BF16_WINO_TOL on the same random shapes; where the CPU lacks bf16, fp32 runs (named so). */
START_TEST(test_bf16_winograd_within_bounds)
{
    int cases = getenv("PA_TEST_QUICK") ? 8 : 60, ran = 0;
    setenv("PA_INFER_WINOGRAD", "1", 1);
    wino_tol = BF16_WINO_TOL;
    wino_worst = wino_worst_abs = 0.0;
    for (int i = 0; i < cases && isa_runs("avx512"); i++) {
        ccase c;
        make_wino_case(&c, i);
        wino_on = 1;
        ran += run_case(&c, "avx512", i, PA_PRECISION_BF16);
        wino_on = 0;
        free_case(&c);
    }
    unsetenv("PA_INFER_WINOGRAD");
    unsetenv("PA_INFER_ISA");
    wino_tol = WINO_TOL;
    fprintf(stderr, "bf16 winograd: %d of %d cases in bf16, largest error %.3g (abs), %.3g of "
            "1 + sum |w x| (bound %g)\n", ran, cases, wino_worst_abs, wino_worst, BF16_WINO_TOL);
}
END_TEST

static Suite *conv1d_suite(void)
{
    Suite *s = suite_create("conv1d");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, test_kernels_match_reference);
    tcase_add_test(tc, test_isa_override_is_checked);
    tcase_add_test(tc, test_reduced_kernels_within_bounds);
    tcase_add_test(tc, test_precision_option);
    tcase_add_test(tc, test_winograd_within_bounds);
    tcase_add_test(tc, test_bf16_winograd_within_bounds);
    suite_add_tcase(s, tc);
    return s;
}

int main(void) { return pa_run_suite(conv1d_suite()); }
