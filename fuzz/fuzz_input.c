/* fuzz_input.c — libFuzzer target: pa_input over memory (plain, gzip, zstd by
 * magic bytes). Streams with reads and peeks of input-chosen sizes, then
 * re-reads everything with pa_input_read_all and checks both agree. */
#include "fuzz_util.h"

#include <stdlib.h>

#define MAX_OUT ((size_t)64 << 20) /* stop streaming bombs early */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    pa_input *in = NULL;
    if (pa_input_open_memory(&in, data, size, "fuzz") != 0) {
        FUZZ_CHECK(in == NULL);
        return 0;
    }
    fuzz_str(pa_input_name(in));
    (void)pa_input_compression(in);
    static char buf[65536];
    uint64_t total = 0;
    size_t step = 1 + size % 4099; /* odd chunk sizes exercise buffer edges */
    int rc = 0;
    for (int i = 0; total < MAX_OUT; i++) {
        size_t got = 0;
        if (i % 3 == 1) {
            const void *p = NULL;
            rc = pa_input_peek(in, step, &p, &got);
            if (rc != 0)
                break;
            FUZZ_CHECK(got <= step);
            if (got)
                fuzz_sink += ((const uint8_t *)p)[got - 1];
        }
        rc = pa_input_read(in, buf, step < sizeof buf ? step : sizeof buf, &got);
        if (rc != 0 || got == 0)
            break;
        total += got;
        FUZZ_CHECK(pa_input_tell(in) == total);
    }
    FUZZ_CHECK(rc <= 0);
    pa_input_close(in);

    /* Whole-content path, with a limit so bombs end quickly. */
    if (pa_input_open_memory(&in, data, size, NULL) == 0) {
        char *all = NULL;
        size_t n = 0;
        rc = pa_input_read_all(in, &all, &n, MAX_OUT);
        if (rc == 0) {
            FUZZ_CHECK(all != NULL && all[n] == '\0');
            if (total < MAX_OUT)
                FUZZ_CHECK(n == total);
        } else {
            FUZZ_CHECK(rc < 0);
        }
        pa_free(all);
        pa_input_close(in);
    }
    return 0;
}
