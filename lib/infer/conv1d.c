/* conv1d.c — the direct 1-D convolution: kernel choice, weight packing at load, and the
 * per-sequence driver (zero-padded input copy, one kernel call). The kernels themselves
 * (conv1d_tmpl.h) exist for AVX2 and AVX-512; "ref" keeps the im2col + sgemm path of
 * ops_conv.c, which is also the fallback for shapes the kernel does not take. */
#include "infer/infer_int.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

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

int pai_conv1d_isa(int *isa)
{
    static const char *const names[] = {"ref", "avx2", "avx512"};
    const char *e = getenv("PA_INFER_ISA");
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

void pai_conv1d_pack_free(pai_conv1d_pack *p)
{
    if (p) {
        pai_free(p->w);
        pai_free(p->b);
        pai_free(p);
    }
}

static const pai_tensor *const_float(const pa_model *m, const pai_node *n, int i)
{
    const pai_tensor *t = i < n->nin && n->in[i] >= 0 ? m->vals[n->in[i]].init : NULL;
    return t && t->dtype == PA_DT_FLOAT32 ? t : NULL;
}

/* Pack one Conv's constant weights [M, C, K] (and bias) for the kernel of `isa`; nodes the
 * kernel cannot take (non-constant weights, groups) are left without a pack. */
static int pack_node(const pa_model *m, pai_node *n, int isa)
{
    const pai_tensor *W = const_float(m, n, 1), *B = const_float(m, n, 2);
    int has_b = n->nin > 2 && n->in[2] >= 0;
    if (!W || W->ndim != 3 || pai_attr_int(n, "group", 1) != 1 || (has_b && !B) ||
        (B && B->n != (size_t)W->shape[0]) || W->n == 0)
        return 0;
    int mr = isa == PAI_ISA_AVX512 ? PAI_CONV1D_MR_AVX512 : PAI_CONV1D_MR_AVX2;
    int64_t M = W->shape[0], C = W->shape[1], K = W->shape[2], nb = (M + mr - 1) / mr;
    pai_conv1d_pack *p = pai_calloc(1, sizeof *p);
    if (p) {
        p->w = pai_calloc((size_t)(nb * mr * C * K), sizeof *p->w);
        p->b = pai_calloc((size_t)(nb * mr), sizeof *p->b);
    }
    if (!p || !p->w || !p->b) {
        pai_conv1d_pack_free(p);
        return pai_error(PA_ENOMEM, "out of memory");
    }
    *p = (pai_conv1d_pack){isa, mr, M, C, K, p->w, p->b};
    const float *w = pai_f(W);
    for (int64_t o = 0; o < M; o++) {
        float *dst = p->w + (o / mr) * C * K * mr + o % mr;
        for (int64_t ck = 0; ck < C * K; ck++)
            dst[ck * mr] = w[o * C * K + ck];
        p->b[o] = B ? pai_f(B)[o] : 0.0f;
    }
    n->pack = p;
    return 0;
}

int pai_conv1d_prepare(pa_model *m)
{
    int isa, rc = pai_conv1d_isa(&isa);
    for (size_t k = 0; !rc && isa != PAI_ISA_REF && k < m->nnodes; k++)
        if (m->nodes[k].fn == pai_op_conv && !m->nodes[k].pack)
            rc = pack_node(m, &m->nodes[k], isa);
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
    return (size_t)(pk->C * pad_stride(pk, pl, W, d, ow));
}

void pai_conv1d_run(const pai_conv1d_pack *pk, const float *x, int64_t N, int64_t W,
                    int64_t pl, int64_t d, int64_t ow, float *y, float *xpad, int act,
                    const pai_bview *res, const pai_bview *mul)
{
    int64_t xs = pad_stride(pk, pl, W, d, ow);
    pai_conv1d_fn fn = pk->isa == PAI_ISA_AVX512 ? pai_conv1d_avx512 : pai_conv1d_avx2;
    pai_conv1d_job j = {pk, xpad, xs, d, ow, NULL, act, {0}, {0}};
    for (int64_t nb = 0; nb < N; nb++) {
        for (int64_t c = 0; c < pk->C; c++) {
            float *row = xpad + c * xs;
            memset(row, 0, (size_t)pl * sizeof *row);
            memcpy(row + pl, x + (nb * pk->C + c) * W, (size_t)W * sizeof *row);
            memset(row + pl + W, 0, (size_t)(xs - pl - W) * sizeof *row);
        }
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
