/* panalyzer/infer.h — ONNX inference on OpenBLAS and the default secondary-structure model.
 *
 *   pa_model *m;
 *   pa_model_load_default(&m);                 // or pa_model_load(&m, "x.onnx", NULL)
 *   pa_ss_opts o = PA_SS_OPTS_INIT; o.probs = 1;
 *   pa_ss_result *r;
 *   pa_predict_ss(m, seqs, n, &o, &r);         // r->ss3[i] = "CCHHHHEE..."
 *   pa_ss_result_free(r);
 *   pa_model_free(m);
 *
 * Models are ONNX files (opset 13–17, float32 weights), read by a small hand-written
 * protobuf decoder: it reads only the ModelProto/GraphProto/NodeProto/TensorProto/
 * AttributeProto/ValueInfoProto fields the engine uses, checks every length and varint
 * against the buffer, and so needs neither libprotobuf nor onnxruntime. A malformed file gives
 * PA_EFORMAT (or PA_ETRUNCATED); an operator, data type or attribute the engine does not
 * implement gives PA_EUNSUPPORTED; pa_last_error() names the node and operator.
 *
 * Operators: Conv (1-D/2-D, groups, depthwise, dilation, padding, strides), MatMul, Gemm,
 * Add, Sub, Mul, Div, Pow (numpy broadcasting), Relu, Clip, LeakyRelu, Sigmoid, Tanh, Erf,
 * Gelu, Sqrt, Exp, Neg, Abs, Softmax, LogSoftmax, BatchNormalization, LayerNormalization,
 * ReduceMean, GlobalAveragePool, Transpose, Reshape, Flatten, Squeeze, Unsqueeze, Concat,
 * Slice, Pad, Gather, Shape, Constant, ConstantOfShape, Identity, Dropout (inference), Cast.
 * Tensors are float32 or int64 (shape/index tensors); axes may be dynamic.
 *
 * GEMM-shaped work (convolutions through im2col over all positions of the batch, MatMul,
 * Gemm) runs on OpenBLAS cblas_sgemm, which the loader switches to one thread: parallelism
 * comes from running several batches at once (pa_predict_ss with an executor).
 *
 * Thread safety: a loaded pa_model is read-only and may be run from many threads at once.
 * A pa_infer_ws (scratch memory reused between runs) belongs to one thread at a time. */
#ifndef PANALYZER_INFER_H
#define PANALYZER_INFER_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

struct pa_executor;
struct pa_metrics;

/* ---- tensors ---------------------------------------------------------------- */
/* Element types, numbered as ONNX's TensorProto.DataType. */
typedef enum { PA_DT_FLOAT32 = 1, PA_DT_INT64 = 7 } pa_dtype;

#define PA_TENSOR_MAX_DIMS 8
/* A dense row-major tensor. As an input, data is borrowed from the caller; as an
 * output of pa_model_run, data is allocated by the library and released with
 * pa_tensor_clear(). */
typedef struct {
    int dtype;                          /* pa_dtype */
    int ndim;                           /* 0 (scalar) .. PA_TENSOR_MAX_DIMS */
    int64_t shape[PA_TENSOR_MAX_DIMS];
    void *data;
} pa_tensor;

/* Number of elements (1 for a scalar; 0 when a dimension is 0). */
PA_API size_t pa_tensor_numel(const pa_tensor *t);
/* Free data that pa_model_run allocated and zero the struct. NULL-safe. */
PA_API void pa_tensor_clear(pa_tensor *t);

/* Declared input/output of a model. Dynamic dimensions are -1. */
typedef struct {
    const char *name; /* borrowed from the model */
    int dtype;
    int ndim;
    int64_t shape[PA_TENSOR_MAX_DIMS];
} pa_tensor_info;

/* ---- models ----------------------------------------------------------------- */
typedef struct pa_model pa_model;
typedef struct pa_infer_ws pa_infer_ws;

/* Arithmetic of the 1-D convolutions (the bulk of the work of sequence models); other
 * operators always run in fp32.
 *   PA_PRECISION_FP32: float32 (default).
 *   PA_PRECISION_BF16: bf16 weights and activations, fp32 accumulation (AVX512_BF16
 *     vdpbf16ps).
 *   PA_PRECISION_INT8: int8 weights quantised per output channel at load (symmetric),
 *     uint8 activations quantised per sequence at run time (asymmetric, min/max), int32
 *     accumulation (AVX512-VNNI / AVX-VNNI vpdpbusd) and an fp32 rescale in the epilogue.
 * The model file stays float32. A reduced precision is used only where this CPU has the
 * instructions and a load-time measurement finds it faster than fp32; otherwise the model
 * runs in fp32 (pa_model_kernel() says which path runs). PA_INFER_ISA (ref, avx2, avx512)
 * forces a path without measuring (tests).
 * fp32 convolutions with 3..7 taps may run by Winograd minimal filtering F(m, K) (m = 4 for
 * up to 5 taps, fewer above: 2.5x fewer multiplications for 5 taps), chosen at load when it
 * runs the model's largest such convolution clearly faster than the direct kernel (AVX2 /
 * AVX-512 only). Its results differ from the direct kernel's by rounding only: at most
 * 1e-5 (1 + sum |w x|) per output before the activation (tested; ~4e-7 measured).
 * PA_INFER_WINOGRAD=1 / 0 forces it on / off (auto, the default: by measurement, except
 * that a PA_INFER_ISA choice keeps the direct kernel). */
typedef enum { PA_PRECISION_FP32 = 0, PA_PRECISION_BF16 = 1, PA_PRECISION_INT8 = 2 } pa_precision;

#define PA_MODEL_OPTS_VERSION 3
typedef struct {
    unsigned version;  /* PA_MODEL_OPTS_VERSION */
    const char *name;  /* used in error messages; NULL: the path or "<memory>" */
    /* version 2: memory budget of one pa_model_run, in bytes: the tensors alive at once
     * plus the convolution scratch. A run that would exceed it fails with PA_ENOMEM
     * before allocating (a model is a program: an untrusted one can ask for gigabytes).
     * 0: no budget beyond the per-tensor limit of 2^30 elements. */
    size_t max_run_bytes;
    /* version 3 */
    int precision;     /* pa_precision requested (default PA_PRECISION_FP32) */
} pa_model_opts;
#define PA_MODEL_OPTS_INIT {PA_MODEL_OPTS_VERSION, NULL, 0, PA_PRECISION_FP32}

/* "fp32", "bf16", "int8" (NULL for an unknown value) and back (PA_EINVAL when unknown). */
PA_API const char *pa_precision_name(int precision);
PA_API int pa_precision_parse(const char *name, int *precision);

/* Load an ONNX model from a file / a memory buffer (copied what is needed; the buffer
 * may be freed after the call). opts may be NULL. */
PA_API int pa_model_load(pa_model **out, const char *path, const pa_model_opts *opts);
PA_API int pa_model_load_memory(pa_model **out, const void *data, size_t size,
                                const pa_model_opts *opts);
/* The built-in secondary-structure model (see pa_predict_ss for its contract). */
PA_API int pa_model_load_default(pa_model **out);
/* The same with options (precision, budget); opts may be NULL. */
PA_API int pa_model_load_default_opts(pa_model **out, const pa_model_opts *opts);
/* The built-in model's ONNX bytes (static storage). */
PA_API const void *pa_model_default_data(size_t *size);
PA_API void pa_model_free(pa_model *m); /* NULL-safe */

PA_API size_t pa_model_num_inputs(const pa_model *m);
PA_API size_t pa_model_num_outputs(const pa_model *m);
PA_API int pa_model_input_info(const pa_model *m, size_t i, pa_tensor_info *out);
PA_API int pa_model_output_info(const pa_model *m, size_t i, pa_tensor_info *out);
/* Number of graph nodes after load (Constant nodes are folded into weights). */
PA_API size_t pa_model_num_nodes(const pa_model *m);
/* The precision the model's convolutions run in (pa_precision), after dispatch: may be
 * PA_PRECISION_FP32 although another one was requested. -1 for NULL. */
PA_API int pa_model_precision(const pa_model *m);
/* Name of the convolution path that runs: "<precision>-<isa>", e.g. "fp32-avx512",
 * "int8-avx512vnni", "int8-avxvnni", "bf16-avx512bf16", "fp32-ref" (static storage);
 * "-winograd" is appended when the fp32 or bf16 convolutions with 3..7 taps run by Winograd
 * minimal filtering ("fp32-avx2-winograd", "fp32-avx512-winograd", "bf16-avx512-winograd"). */
PA_API const char *pa_model_kernel(const pa_model *m);

/* Scratch memory for runs; optional, reusing it saves allocations between runs. */
PA_API int pa_infer_ws_new(pa_infer_ws **out);
PA_API void pa_infer_ws_free(pa_infer_ws *ws); /* NULL-safe */

/* Run the model on inputs[0..ninputs) (in the model's input order) and fill
 * outputs[0..noutputs) (noutputs <= pa_model_num_outputs; extra outputs are dropped).
 * Each output's data is newly allocated: release it with pa_tensor_clear().
 * ws may be NULL (a temporary one is used). On failure every output is left zeroed. */
PA_API int pa_model_run(const pa_model *m, pa_infer_ws *ws, const pa_tensor *inputs,
                        size_t ninputs, pa_tensor *outputs, size_t noutputs);

/* Run the model `runs` times on zero-filled inputs whose dynamic dimensions are
 * batch (first) and length (others): faults in pages and warms the caches. */
PA_API int pa_model_warmup(const pa_model *m, int64_t batch, int64_t length, int runs);

/* ---- secondary structure ------------------------------------------------------
 * Model contract: input "ids" int64 [B, L] with 0 = padding, 1..20 = ACDEFGHIKLMNPQRSTVWY,
 * 21 = any other letter; output float32 [B, L, 3] probabilities of H (helix: DSSP H,G,I),
 * E (strand: E,B), C (other); optionally a second output float32 [B, L, 8] of the DSSP
 * states H, G, I, E, B, T, S, C (the built-in model has it). Sequences are sorted by length and cut into batches of
 * `batch` sequences padded to the longest one; batches run in parallel on `executor`
 * when one is given (else on the calling thread). */
#define PA_SS_OPTS_VERSION 2
typedef struct {
    unsigned version;               /* PA_SS_OPTS_VERSION */
    int batch;                      /* sequences per model run (default 32) */
    int probs;                      /* 1: also return per-residue probabilities */
    struct pa_executor *executor;   /* NULL: run serially on the calling thread */
    struct pa_metrics *metrics;     /* NULL, or: each batch's run time under "ss_batch" and
                                       under "ss_batch_<kernel>" (pa_model_kernel: which
                                       convolution path ran) */
    /* version 2 */
    int ss8;                        /* 1: also the 8-state prediction, from the model's
                                       second output float32 [B, L, 8] (DSSP H, G, I, E, B,
                                       T, S, C); PA_EINVAL when the model has none */
} pa_ss_opts;
#define PA_SS_OPTS_INIT {PA_SS_OPTS_VERSION, 32, 0, NULL, NULL, 0}

typedef struct {
    size_t n;                 /* number of sequences */
    const size_t *len;        /* len[i]: residues of sequence i */
    const char *const *ss3;   /* ss3[i]: NUL-terminated "HEC" string of len[i] letters */
    const float *const *prob; /* NULL unless opts.probs; prob[i][3*j + k], k = H, E, C */
    /* with opts.ss8 (else NULL): */
    const char *const *ss8;   /* ss8[i]: "HGIEBTSC" letters, len[i] of them */
    const float *const *prob8; /* with opts.probs too: prob8[i][8*j + k], k in HGIEBTSC order */
} pa_ss_result;

/* Predict secondary structure for seqs[0..n) (NUL-terminated one-letter strings, any
 * case). m NULL: the built-in model (loaded once per process, kept until exit). */
PA_API int pa_predict_ss(const pa_model *m, const char *const *seqs, size_t n,
                         const pa_ss_opts *opts, pa_ss_result **out);
PA_API void pa_ss_result_free(pa_ss_result *r); /* NULL-safe */

#ifdef __cplusplus
}
#endif
#endif
