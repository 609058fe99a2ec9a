/* fuzz_structure.c — libFuzzer target: structure reader, format AUTO from memory. */
#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_read_structures(data, size, PA_FORMAT_AUTO);
    return 0;
}
