/* fuzz_onnx.c — libFuzzer target: ONNX model bytes. Loading must fail cleanly
 * or give a model whose declared inputs are sane; a loaded model is then run
 * once on a tiny zero input of its declared type, under a 256 MB run budget
 * (pa_model_opts.max_run_bytes), so a model asking for gigabytes fails cleanly. The
 * precision (fp32, bf16, int8) follows the input's size, so the quantised packing and
 * kernels see fuzzed weights too. */
#include "fuzz_util.h"
#include "onnx_tiny_run.h"

#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    pa_model *m = NULL;
    pa_model_opts o = PA_MODEL_OPTS_INIT;
    o.max_run_bytes = (size_t)256 << 20;
    o.precision = (int)(size % 3);
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
    for (size_t i = 0; i < pa_model_num_inputs(m); i++) {
        pa_tensor_info ti;
        FUZZ_CHECK(pa_model_input_info(m, i, &ti) == 0);
        fuzz_str(ti.name);
    }
    (void)pa_model_num_nodes(m);
    FUZZ_CHECK(pa_onnx_tiny_run(m) == 0);
    pa_model_free(m);
    return 0;
}
