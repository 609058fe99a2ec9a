/* fuzz_pdbml.c — libFuzzer target: structure reader, format PDBML from memory. */
#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_read_structures(data, size, PA_FORMAT_PDBML);
    return 0;
}
