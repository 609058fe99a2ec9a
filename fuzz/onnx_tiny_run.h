/* onnx_tiny_run.h — run a loaded model once on tiny zero inputs of its declared types
 * (dynamic dimensions 2, others capped at 8). Shared by the onnx fuzz target and the
 * corrupt-model corpus test, so both replay inputs the same way. */
#ifndef PA_ONNX_TINY_RUN_H
#define PA_ONNX_TINY_RUN_H

#include "panalyzer.h"

#include <stdlib.h>
#include <string.h>

/* 0 when the run failed cleanly or gave sane outputs (skipped models count as sane);
 * -1 when the library broke its contract (bad info, positive code, absurd output rank). */
static inline int pa_onnx_tiny_run(const pa_model *m)
{
    size_t nin = pa_model_num_inputs(m), nout = pa_model_num_outputs(m);
    if (nin == 0 || nin > 4 || nout == 0 || nout > 4)
        return 0;
    pa_tensor in[4], out[4];
    void *bufs[4] = {0};
    memset(in, 0, sizeof in);
    memset(out, 0, sizeof out);
    int bad = 0;
    for (size_t i = 0; i < nin && !bad; i++) {
        pa_tensor_info ti;
        if (pa_model_input_info(m, i, &ti) || ti.ndim < 0 || ti.ndim > PA_TENSOR_MAX_DIMS) {
            bad = 1;
            break;
        }
        in[i].dtype = ti.dtype;
        in[i].ndim = ti.ndim;
        size_t k = 1;
        for (int d = 0; d < ti.ndim; d++) {
            int64_t v = ti.shape[d];
            in[i].shape[d] = (v > 0 && v <= 8) ? v : (v < 0 ? 2 : 1);
            k *= (size_t)in[i].shape[d];
        }
        bufs[i] = calloc(k ? k : 1, 8);
        in[i].data = bufs[i];
    }
    int rc = bad ? 0 : pa_model_run(m, NULL, in, nin, out, nout);
    bad |= rc > 0;
    for (size_t i = 0; rc == 0 && !bad && i < nout; i++) {
        bad |= out[i].ndim < 0 || out[i].ndim > PA_TENSOR_MAX_DIMS;
        pa_tensor_clear(&out[i]);
    }
    for (size_t i = 0; i < nin; i++)
        free(bufs[i]);
    return bad ? -1 : 0;
}

#endif
