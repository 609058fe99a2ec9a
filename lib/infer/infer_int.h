/* infer_int.h — internals of the inference engine (protobuf reader, graph, operators). */
#ifndef PAI_INFER_INT_H
#define PAI_INFER_INT_H

#include "common/pai.h"
#include "panalyzer/infer.h"
#include "infer/tensor.h"

/* ---- protobuf wire reader (bounds-checked) -------------------------------- */
typedef struct {
    const uint8_t *p, *end;
} pai_pb;

enum { PAI_WT_VARINT = 0, PAI_WT_I64 = 1, PAI_WT_LEN = 2, PAI_WT_I32 = 5 };

/* Each returns 0 or PA_ETRUNCATED / PA_EFORMAT (without setting the message). */
int pai_pb_varint(pai_pb *r, uint64_t *v);
int pai_pb_tag(pai_pb *r, uint32_t *field, uint32_t *wt);
int pai_pb_len(pai_pb *r, pai_pb *sub);    /* length-delimited payload as a sub-reader */
int pai_pb_skip(pai_pb *r, uint32_t wt);
int pai_pb_fixed32(pai_pb *r, uint32_t *v);
/* A repeated int64 (packed or not) / float (packed or not): appends to *v. */
int pai_pb_int64s(pai_pb *r, uint32_t wt, int64_t **v, size_t *n, size_t *cap);
int pai_pb_floats(pai_pb *r, uint32_t wt, float **v, size_t *n, size_t *cap);

/* ---- graph ------------------------------------------------------------------ */
struct pai_node;
struct pai_ctx;
typedef int (*pai_op_fn)(struct pai_ctx *c, const struct pai_node *n, pai_tensor *const *in,
                         int nin, pai_tensor *out, int nout);

typedef struct pai_node {
    char *name, *op;
    int *in, *out;      /* value indices; -1 for an omitted optional input */
    int nin, nout;
    pai_attr *attrs;
    int nattr;
    pai_op_fn fn;
    int *release;       /* values whose last use is this node */
    int nrelease;
    int act;            /* fused activation applied to the output (PAI_ACT_*) */
    int tail;           /* Conv: in[3] is a fused residual Add, in[4] a fused Mul (-1: none) */
    struct pai_conv1d_pack *pack; /* Conv: weights packed for the direct kernel, or NULL */
} pai_node;

enum { PAI_ACT_NONE = 0, PAI_ACT_RELU = 1, PAI_ACT_GELU = 2 };
void pai_node_free(pai_node *n);
/* Load-time rewrites (fuse.c): GELU subgraphs to one node, activations, residual Add and
 * mask Mul into Conv. */
int pai_fuse(pa_model *m);
float pai_gelu(float v);

typedef struct {
    char *name;
    pai_tensor *init;   /* constant (initializer / folded Constant) or NULL */
    int graph_input;    /* index among model inputs or -1 */
    int graph_output;   /* 1 if a model output */
    int defined;        /* produced by some node, init, or input (load-time check) */
} pai_value;

struct pa_model {
    char *label;
    int opset;
    pai_value *vals;
    size_t nvals, capvals;
    pai_node *nodes;
    size_t nnodes, capnodes;
    int *inputs, *outputs;          /* value indices */
    pa_tensor_info *in_info, *out_info;
    size_t nin, nout;
    size_t max_run_bytes;           /* pa_model_opts.max_run_bytes (0: none) */
    int precision;                  /* pa_model_opts.precision (requested) */
    int prec_run, isa;              /* what the convolutions run (pai_conv1d_prepare) */
    int wino;                       /* 1: fp32 Convs with 3..7 taps run by Winograd (wino.c) */
};

/* The caller's options (any known version) as a current-version struct; name defaults to
 * dflt_name and fields newer than the caller's version to their defaults. */
int pai_model_read_opts(const pa_model_opts *opts, const char *dflt_name, pa_model_opts *o);

typedef struct {
    void *p;
    size_t bytes;
} pai_pooled;

/* Per-run scratch: the im2col buffer or the direct kernel's padded input, and a pool of freed
 * tensor buffers, so that steady runs allocate nothing (large fresh buffers would page-fault
 * on every run). */
struct pa_infer_ws {
    float *scratch;
    size_t scratch_cap;             /* floats */
    pai_pooled *pool;
    size_t npool, cappool;
    size_t live;                    /* bytes of scratch + tensors handed out in this run */
    size_t limit;                   /* this run's budget (0: none) */
    const char *label;              /* the running model's, for messages */
};

typedef struct pai_ctx {
    const pa_model *m;
    pa_infer_ws *ws;
} pai_ctx;

/* Allocate an operator output, reusing a pooled buffer when one fits. */
int pai_out_alloc(pai_ctx *c, pai_tensor *t, int dtype, int ndim, const int64_t *shape);
/* Give an owned buffer back to the workspace pool (or free it). */
void pai_ws_release(pa_infer_ws *ws, pai_tensor *t);

/* Scratch buffer of at least n floats owned by the workspace. NULL on ENOMEM. */
float *pai_ws_scratch(pa_infer_ws *ws, size_t n);

/* Error naming the node: "model.onnx: node 'conv1' (Conv): msg". */
int pai_node_error(const pai_ctx *c, const pai_node *n, int code, const char *fmt, ...)
    PAI_PRINTF(4, 5);

/* Operator arity check shared by every operator: the first k inputs are present
 * (and float32 when float_only) and there is an output. */
int pai_need_inputs(const pai_ctx *c, const pai_node *n, pai_tensor *const *in, int nin,
                    int nout, int k, bool float_only);
#define PAI_NEED_INPUTS(k, float_only)                                                    \
    do {                                                                                  \
        int rc_ = pai_need_inputs(c, n, in, nin, nout, (k), (float_only));                \
        if (rc_)                                                                          \
            return rc_;                                                                   \
    } while (0)

/* ---- direct 1-D convolution (conv1d.c; kernels in conv1d_avx2.c, conv1d_avx512.c, and the
 * reduced-precision ones in conv1d_int8_avx512.c, conv1d_int8_avxvnni.c, conv1d_bf16.c) ---- */
enum { PAI_ISA_REF = 0, PAI_ISA_AVX2 = 1, PAI_ISA_AVX512 = 2 };

/* Weights of one Conv, packed at load for one kernel: read-only, shared by all runs.
 * The reduction runs over G rows of 4-byte elements: one float (fp32), 4 int8 channels
 * (int8) or 2 bf16 channels (bf16), so every kernel has the same loop structure. */
typedef struct pai_conv1d_pack {
    int isa, mr, prec;    /* kernel, its block of output channels, pa_precision */
    int64_t M, C, K;
    int64_t G;            /* reduction rows: C, ceil(C / 4) or ceil(C / 2) */
    void *w;              /* [ceil(M / mr)][G][K][mr] 4-byte elements, zero rows past M */
    float *b;             /* [ceil(M / mr) * mr], zeros when the Conv has no bias */
    float *wscale;        /* int8: weight scale of each output channel, else NULL */
    int32_t *wsum;        /* int8: sum of each output channel's quantised weights */
    struct pai_wino *wino; /* fp32: Winograd form of the weights (wino.c), or NULL: direct */
} pai_conv1d_pack;

/* An operand broadcast onto an [N, M, S] output: element (n, m, s) is at
 * p[n * sn + m * sm + s * ss], ss being 0 or 1. */
typedef struct {
    const float *p;
    int64_t sn, sm, ss;
} pai_bview;

/* One kernel call: one sequence, all output channels, positions [0, ow). */
typedef struct {
    const pai_conv1d_pack *pk;
    const void *x;        /* zero-padded input [G][xs] (4-byte elements): output o reads
                             x[g][o + k * d] */
    int64_t xs, d, ow;
    float *y;             /* [M][ow] */
    int act;
    pai_bview res, mul;   /* fused Add / Mul operands of this sequence (p NULL: none) */
    float xscale;         /* int8: activation scale and zero point of this sequence */
    int32_t xzp;
} pai_conv1d_job;

typedef void (*pai_conv1d_fn)(const pai_conv1d_job *j);
/* NULL when not built for this architecture */
extern const pai_conv1d_fn pai_conv1d_avx2, pai_conv1d_avx512, pai_conv1d_int8_avx512,
    pai_conv1d_int8_avxvnni, pai_conv1d_bf16_avx512;
/* bf16 with the positions outer (Winograd's GEMMs, as pai_conv1d_cols_avx512) */
extern const pai_conv1d_fn pai_conv1d_bf16_cols_avx512;
/* bf16 by round-to-nearest-even (finite values) */
uint16_t pai_to_bf16(float f);
/* fp32 with the positions outer (conv1d_tmpl.h FN_COLS): Winograd's GEMMs */
extern const pai_conv1d_fn pai_conv1d_cols_avx2, pai_conv1d_cols_avx512;
/* The padded input of one sequence [C][W] in a pack's layout (int8: also sets the job's
 * scale and zero point); AVX2 versions of conv1d.c's scalar ones (NULL when not built). */
typedef void (*pai_conv1d_fill_fn)(const pai_conv1d_pack *pk, const float *x, int64_t W,
                                   int64_t pl, int64_t xs, void *dst, pai_conv1d_job *j);
extern const pai_conv1d_fill_fn pai_conv1d_fill_int8_avx2, pai_conv1d_fill_bf16_avx2;
/* Output-channel block of each kernel (lanes and registers decide it). */
#define PAI_CONV1D_MR_AVX2 4
#define PAI_CONV1D_MR_AVX512 6

/* The kernel to use: PA_INFER_ISA (ref, avx2, avx512) or the best this CPU runs; *forced
 * (may be NULL) tells whether PA_INFER_ISA chose it. */
int pai_conv1d_isa(int *isa, int *forced);
/* Pack the weights of every Conv the direct kernel can run (at load), in m->precision
 * where this CPU runs it faster than fp32; sets m->prec_run and m->isa. */
int pai_conv1d_prepare(pa_model *m);
void pai_conv1d_pack_free(pai_conv1d_pack *p);
/* Run a 1-D, stride-1, ungrouped Conv with its pack; X [N, C, W], out [N, M, ow]. */
void pai_conv1d_run(const pai_conv1d_pack *pk, const float *x, int64_t N, int64_t W,
                    int64_t pl, int64_t d, int64_t ow, float *y, float *xpad, int act,
                    const pai_bview *res, const pai_bview *mul);
/* Floats of xpad pai_conv1d_run needs. */
size_t pai_conv1d_scratch(const pai_conv1d_pack *pk, int64_t pl, int64_t W, int64_t d,
                          int64_t ow);
/* The scalar kernel of the reduced precisions (the "ref" path and the tests' baseline). */
void pai_conv1d_q_ref(const pai_conv1d_job *j);

/* ---- Winograd minimal filtering F(m, K) for fp32 1-D convolutions (wino.c) ----------
 * A dilated convolution is d undilated ones on interleaved sub-sequences: tile (p, u),
 * column t = u * d + p of a [C][T] matrix, has outputs (u * m + i) * d + p, i < m. The
 * padded input is split into m rows per channel so that the a = m + K - 1 inputs of a tile
 * are unit-stride loads in t. Per tile: V = BT x (input transform), a GEMMs [M x C] x
 * [C x T] on the direct kernel (K = 1 packs of the transformed weights G w), Y = AT (.)
 * (output transform), then bias and the fused epilogue on the positions put back in
 * order. */
#define PAI_WINO_AMAX 8
#define PAI_WINO_MMAX 4 /* pai_wino_tile's largest m */
#define PAI_WINO_PARTS 4
#define PAI_WINO_CPART 96
typedef struct pai_wino {
    int m, a;                        /* outputs per tile, points per tile (m + K - 1) */
    float bt[PAI_WINO_AMAX][PAI_WINO_AMAX], at[PAI_WINO_MMAX][PAI_WINO_AMAX]; /* zero-padded */
    /* transformed weights, K = 1 packs per point and part of the input channels (the GEMMs
     * reduce over parts of at most PAI_WINO_CPART channels, so a panel of V stays in L1) */
    pai_conv1d_pack *u[PAI_WINO_AMAX][PAI_WINO_PARTS];
    int parts;
    int sym; /* a = 8, points 0, +-p.., infinity: the transforms' even / odd structure
                (pai_wino_sym) holds */
} pai_wino;

/* Geometry and buffers of a pai_wino_run step: the tiles of a few sequences side by side
 * (columns), one sequence's transforms, one block of output channels. */
typedef struct {
    const pai_wino *w;
    int64_t M, C;                    /* output channels of the block, input channels */
    int64_t T, Td, Tv, Ys, Xs, Ym;   /* tiles of a sequence, padded to 16, row strides of V
                                        and Y, of X, rows of Y per point */
    int64_t d, U, Ulen;              /* phases, tiles per phase, split row length */
    int64_t off[PAI_WINO_AMAX];      /* offset in X of each input of a tile */
    const float *X;                  /* split input [C][Xs] */
    float *V, *Y, *Yd, *Yo;          /* the sequence's first column in [a][C][Tv] and
                                        [a][Ym][Tv] (block's first row); Yd [m][Td]; one
                                        output row in order */
    const int32_t *idx;              /* output position -> index in Yd (pcase 0), or offset
                                        in Yd of each block of 16 positions */
    int pcase;                       /* how AVX-512 reorders outputs (conv1d_wino_tmpl.h) */
    int32_t perm[16], iperm[16];     /* pcase 2: the outputs' permutation, its inverse */
    const int32_t *sidx;             /* pcase != 0: offset in X of each block of 16 padded
                                        input positions (the split, as idx for outputs) */
    const float *bias;               /* the block's */
    int psplit;                      /* AVX-512 split by permutes: m in {2, 4}, d < 16 */
    int32_t sperm[4][16];            /* psplit: lane j of row q from position sperm[q][j]
                                        of its source pair (conv1d_wino_tmpl.h) */
} pai_wino_job;
typedef void (*pai_wino_fn)(const pai_wino_job *g, const pai_conv1d_job *j);
/* Input and output (+ epilogue) transforms; NULL when not built for this architecture. */
extern const pai_wino_fn pai_wino_in_avx512, pai_wino_out_avx512, pai_wino_in_avx2,
    pai_wino_out_avx2;
/* The split of one channel's padded row (n positions, a multiple of 16: lead zeros, the keep
 * values of x, zeros) into X (AVX-512, pcase != 0); NULL when not built. */
typedef void (*pai_wino_split_fn)(const pai_wino_job *g, const float *x, int64_t lead,
                                  int64_t keep, int64_t n, float *X);
extern const pai_wino_split_fn pai_wino_split_avx512;
/* The input transform of channel pairs [p0, p0 + np) of one sequence, split into X (channel
 * 2 * p0 first), straight into bf16 pairs Vb [a][(C + 1) / 2][Tv] (the sequence's first
 * column); NULL when not built. */
typedef void (*pai_wino_in_bf16_fn)(const pai_wino_job *g, const float *X, int64_t p0,
                                    int64_t np, uint32_t *Vb);
extern const pai_wino_in_bf16_fn pai_wino_in_bf16_avx512;
/* The output transform and epilogue of the bf16 path (its GELU to bf16's precision). */
extern const pai_wino_fn pai_wino_out_bf16_avx512;

/* Tile size for K taps (chosen by the fp32 error of the transforms, see wino.c); 0: none. */
int pai_wino_tile(int64_t K);
/* Attach the Winograd form to an fp32 pack (AVX2 / AVX-512) or a bf16 one (AVX-512; wt,
 * the original weights [M][C][K], required: the transform is taken from fp32, not from the
 * rounded pack; NULL for fp32: unpacked); 0 and no change when the shape does not take it. */
int pai_wino_attach(pai_conv1d_pack *pk, const float *wt);
void pai_wino_free(pai_wino *w);
void pai_wino_run(const pai_conv1d_pack *pk, const float *x, int64_t N, int64_t W, int64_t pl,
                  int64_t d, int64_t ow, float *y, float *scratch, int act,
                  const pai_bview *res, const pai_bview *mul);
size_t pai_wino_scratch(const pai_conv1d_pack *pk, int64_t W, int64_t pl, int64_t d,
                        int64_t ow);

/* Operator table lookup; NULL when unsupported. */
pai_op_fn pai_op_find(const char *op_type);

/* Operator implementations (ops_*.c). */
#define PAI_OP(name) int pai_op_##name(pai_ctx *c, const pai_node *n, pai_tensor *const *in, \
                                       int nin, pai_tensor *out, int nout)
PAI_OP(add); PAI_OP(sub); PAI_OP(mul); PAI_OP(div); PAI_OP(pow);
PAI_OP(relu); PAI_OP(clip); PAI_OP(leakyrelu); PAI_OP(sigmoid); PAI_OP(tanh); PAI_OP(erf);
PAI_OP(gelu); PAI_OP(sqrt); PAI_OP(exp); PAI_OP(neg); PAI_OP(abs);
PAI_OP(softmax); PAI_OP(logsoftmax); PAI_OP(batchnorm); PAI_OP(layernorm); PAI_OP(reducemean);
PAI_OP(globalavgpool);
PAI_OP(transpose); PAI_OP(reshape); PAI_OP(flatten); PAI_OP(squeeze); PAI_OP(unsqueeze);
PAI_OP(concat); PAI_OP(slice); PAI_OP(pad); PAI_OP(gather); PAI_OP(shape); PAI_OP(identity);
PAI_OP(cast); PAI_OP(constantofshape);
PAI_OP(conv); PAI_OP(matmul); PAI_OP(gemm);
PAI_OP(quantizelinear); PAI_OP(dequantizelinear); PAI_OP(dynamicquantizelinear);
PAI_OP(matmulinteger); PAI_OP(qlinearmatmul); PAI_OP(qlinearconv);
/* Load time (ops_quant.c): DequantizeLinear of constants folded into float constants. */
int pai_quant_fold(pa_model *m);

/* The embedded default model (model_default.c, generated from models/ss3.onnx). */
extern const unsigned char pai_default_model[];
extern const size_t pai_default_model_size;

#endif
