/* align.c — options, query profiles, kernel dispatch and the one-pair API. */
#include "align/align_int.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

void pa_alignment_clear(pa_alignment *a)
{
    if (!a)
        return;
    pai_free(a->cigar);
    memset(a, 0, sizeof *a);
}

/* ---- scratch ------------------------------------------------------------------ */
void pai_ws_free(pai_ws *w)
{
    pai_free(w->raw);
    pai_free(w->tcode);
    pai_free(w->ibuf);
    pai_free(w->dir);
    pai_free(w->ops);
    pai_free(w->tb);
    pai_free(w->pk);
    pai_free(w->pkb);
    pai_free(w->pk_idx);
    memset(w, 0, sizeof *w);
}

void *pai_ws_simd(pai_ws *w, size_t bytes)
{
    if (bytes + PAI_VALIGN > w->raw_cap) {
        void *n = pai_malloc(bytes + PAI_VALIGN);
        if (!n)
            return NULL;
        pai_free(w->raw);
        w->raw = n;
        w->raw_cap = bytes + PAI_VALIGN;
    }
    return (void *)(((uintptr_t)w->raw + PAI_VALIGN - 1) & ~(uintptr_t)(PAI_VALIGN - 1));
}

/* ---- ISA ---------------------------------------------------------------------- */
int pai_isa_supported(pa_isa isa)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_cpu_init();
    switch (isa) {
    case PA_ISA_SCALAR: return 1;
    case PA_ISA_SSE41: return pai_kernels_sse41[1] && __builtin_cpu_supports("sse4.1");
    case PA_ISA_AVX2: return pai_kernels_avx2[1] && __builtin_cpu_supports("avx2");
    case PA_ISA_AVX512: return pai_kernels_avx512[1] && __builtin_cpu_supports("avx512bw");
    default: return 0;
    }
#else
    return isa == PA_ISA_SCALAR;
#endif
}

pa_isa pa_align_best_isa(void)
{
    for (int i = PA_ISA_AVX512; i > PA_ISA_SCALAR; i--)
        if (pai_isa_supported((pa_isa)i))
            return (pa_isa)i;
    return PA_ISA_SCALAR;
}

const char *pa_isa_name(pa_isa isa)
{
    static const char *const names[] = {"auto", "scalar", "sse41", "avx2", "avx512"};
    return (unsigned)isa < 5 ? names[isa] : "unknown";
}

int pai_isa_lanes_bytes(pa_isa isa)
{
    return isa == PA_ISA_SSE41 ? 16 : isa == PA_ISA_AVX2 ? 32 : isa == PA_ISA_AVX512 ? 64 : 0;
}

static int resolve_isa(pa_isa want, pa_isa *out)
{
    if (want == PA_ISA_AUTO) {
        const char *e = getenv("PA_ALIGN_ISA");
        if (!e || !*e) {
            *out = pa_align_best_isa();
            return 0;
        }
        for (int i = PA_ISA_SCALAR; i <= PA_ISA_AVX512; i++)
            if (!strcasecmp(e, pa_isa_name((pa_isa)i)))
                want = (pa_isa)i;
        if (want == PA_ISA_AUTO)
            return pai_error(PA_EINVAL, "PA_ALIGN_ISA=%s: expected scalar, sse41, avx2 or avx512", e);
    }
    if ((unsigned)want > PA_ISA_AVX512)
        return pai_error(PA_EINVAL, "unknown ISA %d", (int)want);
    if (!pai_isa_supported(want))
        return pai_error(PA_EUNSUPPORTED, "this CPU does not support %s", pa_isa_name(want));
    *out = want;
    return 0;
}

static const pai_kernel_fn *kernels_of(pa_isa isa)
{
    return isa == PA_ISA_SSE41 ? pai_kernels_sse41
           : isa == PA_ISA_AVX2 ? pai_kernels_avx2
           : isa == PA_ISA_AVX512 ? pai_kernels_avx512 : NULL;
}

#ifndef PAI_AVX512_MIN_QUERY
#define PAI_AVX512_MIN_QUERY 256
#endif

/* ---- options -------------------------------------------------------------------- */
static int resolve_params(const pa_align_opts *o, pai_params *p)
{
    if (o->version < 1 || o->version > PA_ALIGN_OPTS_VERSION)
        return pai_error(PA_EINVAL, "pa_align_opts: unknown version %u", o->version);
    if ((unsigned)o->mode > PA_ALIGN_SEMI)
        return pai_error(PA_EINVAL, "pa_align_opts: unknown mode %d", (int)o->mode);
    if (o->gap_open < 0 || o->gap_extend < 0 || o->gap_open > 10000 || o->gap_extend > 10000)
        return pai_error(PA_EINVAL, "gap costs must be within [0, 10000] (given %d/%d)",
                         o->gap_open, o->gap_extend);
    if ((unsigned)o->gap_model > PA_GAP_BLAST)
        return pai_error(PA_EINVAL, "pa_align_opts: unknown gap model %d", (int)o->gap_model);
    if (o->gap_model == PA_GAP_PARASAIL && o->gap_open < o->gap_extend)
        return pai_error(PA_EINVAL, "gap_open (%d) must not be smaller than gap_extend (%d): "
                         "the first gap residue would be cheaper than the next ones",
                         o->gap_open, o->gap_extend);
    p->mode = o->mode;
    p->fe = o->mode == PA_ALIGN_SEMI ? (o->free_ends & PA_FREE_ALL) : 0;
    p->go = o->gap_open + (o->gap_model == PA_GAP_BLAST ? o->gap_extend : 0);
    p->ge = o->gap_extend;
    return 0;
}

/* ---- profiles ------------------------------------------------------------------ */
static int build_sprofile(pa_profile *p, int w, int vbytes)
{
    static const int esize[3] = {1, 2, 4};
    const struct pa_matrix *mx = &p->mx;
    pai_sprofile *sp = &p->sp[w];
    sp->lanes = vbytes / esize[w];
    sp->seglen = (p->m + sp->lanes - 1) / sp->lanes;
    sp->seglen = sp->seglen ? sp->seglen : 1;
    sp->bias = w == PAI_W8 ? (mx->min < 0 ? -mx->min : 0) : 0;
    size_t per = (size_t)sp->seglen * (size_t)vbytes;
    p->raw[w] = pai_malloc(per * (size_t)mx->k + PAI_VALIGN);
    if (!p->raw[w])
        return pai_error(PA_ENOMEM, "out of memory");
    sp->data = (void *)(((uintptr_t)p->raw[w] + PAI_VALIGN - 1) & ~(uintptr_t)(PAI_VALIGN - 1));
    for (int c = 0; c < mx->k; c++) {
        for (int64_t s = 0; s < sp->seglen; s++)
            for (int l = 0; l < sp->lanes; l++) {
                int64_t i = s + l * sp->seglen;
                int v = i < p->m ? mx->s[p->qcode[i] * PAI_AMAX + c] : 0;
                size_t at = (size_t)c * (size_t)sp->seglen * (size_t)sp->lanes +
                            (size_t)s * (size_t)sp->lanes + (size_t)l;
                if (w == PAI_W8)
                    ((uint8_t *)sp->data)[at] = (uint8_t)(v + sp->bias);
                else if (w == PAI_W16)
                    ((int16_t *)sp->data)[at] = (int16_t)v;
                else
                    ((int32_t *)sp->data)[at] = v;
            }
    }
    return 0;
}

void pa_profile_free(pa_profile *p)
{
    if (!p)
        return;
    for (int w = 0; w < 3; w++)
        pai_free(p->raw[w]);
    pai_free(p->qcode);
    pai_free(p);
}

int pa_profile_new(pa_profile **out, const char *query, size_t qlen, const pa_align_opts *opts)
{
    if (!out || (!query && qlen))
        return pai_error(PA_EINVAL, "pa_profile_new: NULL argument");
    *out = NULL;
    pa_align_opts def = PA_ALIGN_OPTS_INIT;
    opts = opts ? opts : &def;
    if (query && !qlen)
        qlen = strlen(query);
    pa_profile *p = pai_calloc(1, sizeof *p);
    if (!p)
        return pai_error(PA_ENOMEM, "out of memory");
    int rc = resolve_params(opts, &p->par);
    if (!rc)
        rc = resolve_isa(opts->isa, &p->isa);
    if (rc) {
        pai_free(p);
        return rc;
    }
    if (opts->matrix)
        p->mx = *opts->matrix;
    else
        pai_matrix_builtin62(&p->mx);
    p->traceback = opts->traceback != 0;
    const char *env_isa = getenv("PA_ALIGN_ISA");
    p->isa_forced = opts->isa != PA_ISA_AUTO || (env_isa && *env_isa);
    p->m = (int64_t)qlen;
    p->qcode = pai_malloc(qlen + 1);
    if (!p->qcode) {
        pa_profile_free(p);
        return pai_error(PA_ENOMEM, "out of memory");
    }
    pai_encode(&p->mx, query, qlen, p->qcode);
    /* Short queries fill few 64-lane segments and spend their time in the per-column
     * fixed costs: AVX2 is faster there (measured in bench/align). Only when the
     * choice is automatic. */
    if (opts->isa == PA_ISA_AUTO && p->isa == PA_ISA_AVX512 && qlen < PAI_AVX512_MIN_QUERY &&
        pai_isa_supported(PA_ISA_AVX2) && !getenv("PA_ALIGN_ISA"))
        p->isa = PA_ISA_AVX2;
    pai_inter_tables(p);
    int vb = pai_isa_lanes_bytes(p->isa);
    if (vb) {
        int eight = p->par.mode == PA_ALIGN_LOCAL && p->mx.max - p->mx.min < 200;
        for (int w = eight ? PAI_W8 : PAI_W16; w <= PAI_W32 && !rc; w++)
            rc = build_sprofile(p, w, vb);
        if (rc) {
            pa_profile_free(p);
            return rc;
        }
    }
    *out = p;
    return 0;
}

size_t pa_profile_length(const pa_profile *p) { return p ? (size_t)p->m : 0; }
pa_isa pa_profile_isa(const pa_profile *p) { return p ? p->isa : PA_ISA_SCALAR; }

/* Could a 16-bit global/semi kernel underflow? (Upper overflow is detected at run time.) */
int pai_w16_safe(const pa_profile *p, int64_t n)
{
    double lb = 3.0 * p->par.go + (double)p->par.ge * (double)(p->m + n) - p->mx.min + 2.0 * p->par.ge;
    return lb < 30000.0;
}

int pai_profile_score(const pa_profile *p, const uint8_t *t, int64_t n, pai_ws *w, pai_kres *r)
{
    return pai_profile_score_from(p, t, n, w, r, PAI_W8);
}

int pai_profile_score_from(const pa_profile *p, const uint8_t *t, int64_t n, pai_ws *w,
                           pai_kres *r, int wmin)
{
    const pai_kernel_fn *k = kernels_of(p->isa);
    /* empty sequences go to the scalar code */
    if (!k || p->m == 0 || n == 0)
        return pai_scalar_score(p->qcode, p->m, t, n, &p->mx, &p->par, w, r);
    int w0 = p->sp[PAI_W8].data ? PAI_W8 : PAI_W16;
    w0 = w0 > wmin ? w0 : wmin;
    if (w0 == PAI_W16 && p->par.mode != PA_ALIGN_LOCAL && !pai_w16_safe(p, n))
        w0 = PAI_W32;
    for (int wd = w0; wd <= PAI_W32; wd++) {
        if (wd == PAI_W32) {
            /* 32-bit lanes do not saturate: bound the values a priori */
            double mag = abs(p->mx.min) > abs(p->mx.max) ? abs(p->mx.min) : abs(p->mx.max);
            if ((mag + p->par.ge) * (double)(p->m + n) + 3.0 * p->par.go >= (double)(1 << 29))
                return pai_error(PA_ERANGE, "alignment of %lld x %lld residues could overflow 32-bit scores",
                                 (long long)p->m, (long long)n);
        }
        int rc = k[wd](&p->sp[wd], p->m, t, n, &p->par, &p->mx, w, r);
        if (rc)
            return rc;
        if (!r->overflow)
            return 0;
    }
    return pai_error(PA_ERANGE, "score overflows 32 bits");
}

static int encode_target(const pa_profile *p, const char *t, size_t n, pai_ws *w)
{
    if (n + 1 > w->tcode_cap && PAI_GROW(w->tcode, w->tcode_cap, n + 1))
        return pai_error(PA_ENOMEM, "out of memory");
    pai_encode(&p->mx, t, n, w->tcode);
    return 0;
}

int pai_profile_align_ws(const pa_profile *p, const char *t, size_t n, pai_ws *w,
                         pa_alignment *out)
{
    memset(out, 0, sizeof *out);
    int rc = encode_target(p, t, n, w);
    if (rc)
        return rc;
    pai_kres r;
    if ((rc = pai_profile_score(p, w->tcode, (int64_t)n, w, &r)))
        return rc;
    return pai_profile_finish(p, NULL, n, &r, w, out);
}

/* t == NULL: the target is already encoded in w->tcode. */
int pai_profile_finish(const pa_profile *p, const char *t, size_t n, const pai_kres *kr,
                       pai_ws *w, pa_alignment *out)
{
    pai_kres r = *kr;
    int rc;
    memset(out, 0, sizeof *out);
    if (!p->traceback) {
        out->score = r.score;
        out->qend = r.qend;
        out->tend = r.tend;
        out->bits = r.bits;
        int known = p->par.mode == PA_ALIGN_GLOBAL || (p->par.mode == PA_ALIGN_LOCAL && r.score == 0);
        out->qstart = known ? 0 : -1;
        out->tstart = known ? 0 : -1;
        return 0;
    }
    /* A local alignment ending at (qend, tend) lies in that prefix; the tie rule picks
     * the same end cell there, so the traceback only needs the prefix. */
    if (t && (rc = encode_target(p, t, n, w)))
        return rc;
    int64_t m = p->m, nn = (int64_t)n;
    if (p->par.mode == PA_ALIGN_LOCAL)
        m = r.qend, nn = r.tend;
    if ((rc = pai_scalar_align(p->qcode, m, w->tcode, nn, &p->mx, &p->par, w, out)))
        return rc;
    if (out->score != r.score) {
        pa_alignment_clear(out);
        return pai_error(PA_ESTATE, "internal error: traceback score %lld != kernel score %lld",
                         (long long)out->score, (long long)r.score);
    }
    out->bits = r.bits;
    return 0;
}

int pa_profile_align(const pa_profile *p, const char *target, size_t tlen, pa_alignment *out)
{
    if (!p || !out || (!target && tlen))
        return pai_error(PA_EINVAL, "pa_profile_align: NULL argument");
    if (target && !tlen)
        tlen = strlen(target);
    pai_ws w = {0};
    int rc = pai_profile_align_ws(p, target ? target : "", tlen, &w, out);
    pai_ws_free(&w);
    return rc;
}

int pa_align(const char *query, size_t qlen, const char *target, size_t tlen,
             const pa_align_opts *opts, pa_alignment *out)
{
    if (!out)
        return pai_error(PA_EINVAL, "pa_align: NULL argument");
    memset(out, 0, sizeof *out);
    pa_profile *p;
    int rc = pa_profile_new(&p, query, qlen, opts);
    if (rc)
        return rc;
    rc = pa_profile_align(p, target, tlen, out);
    pa_profile_free(p);
    return rc;
}
