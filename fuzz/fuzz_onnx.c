/* fuzz_onnx.c — libFuzzer target: ONNX model bytes. Loading must fail cleanly
 * or give a model whose declared inputs are sane; a loaded model is then run
 * once on a tiny zero input of its declared type, under a 256 MB run budget
 * (pa_model_opts.max_run_bytes), so a model asking for gigabytes fails cleanly. */
#include "fuzz_util.h"

#include <stdlib.h>

static void run_once(const pa_model *m)
{
    size_t nin = pa_model_num_inputs(m), nout = pa_model_num_outputs(m);
    if (nin == 0 || nin > 4 || nout == 0 || nout > 4)
        return;
    pa_tensor in[4], out[4];
    void *bufs[4] = {0};
    memset(in, 0, sizeof in);
    memset(out, 0, sizeof out);
    for (size_t i = 0; i < nin; i++) {
        pa_tensor_info ti;
        FUZZ_CHECK(pa_model_input_info(m, i, &ti) == 0);
        fuzz_str(ti.name);
        FUZZ_CHECK(ti.ndim >= 0 && ti.ndim <= PA_TENSOR_MAX_DIMS);
        in[i].dtype = ti.dtype;
        in[i].ndim = ti.ndim;
        size_t n = 1;
        for (int d = 0; d < ti.ndim; d++) {
            int64_t v = ti.shape[d];
            in[i].shape[d] = (v > 0 && v <= 8) ? v : (v < 0 ? 2 : 1); /* keep it tiny */
            n *= (size_t)in[i].shape[d];
        }
        bufs[i] = calloc(n ? n : 1, 8);
        in[i].data = bufs[i];
    }
    if (pa_model_run(m, NULL, in, nin, out, nout) == 0)
        for (size_t i = 0; i < nout; i++) {
            FUZZ_CHECK(out[i].ndim >= 0 && out[i].ndim <= PA_TENSOR_MAX_DIMS);
            pa_tensor_clear(&out[i]);
        }
    for (size_t i = 0; i < nin; i++)
        free(bufs[i]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    pa_model *m = NULL;
    pa_model_opts o = PA_MODEL_OPTS_INIT;
    o.max_run_bytes = (size_t)256 << 20;
    int rc = pa_model_load_memory(&m, data, size, &o);
    if (rc != 0) {
        FUZZ_CHECK(rc < 0 && m == NULL);
        return 0;
    }
    for (size_t i = 0; i < pa_model_num_outputs(m); i++) {
        pa_tensor_info ti;
        FUZZ_CHECK(pa_model_output_info(m, i, &ti) == 0);
        fuzz_str(ti.name);
    }
    (void)pa_model_num_nodes(m);
    run_once(m);
    pa_model_free(m);
    return 0;
}
