/* fuzz_pdb.c — libFuzzer target: structure reader, format PDB from memory. */
#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_read_structures(data, size, PA_FORMAT_PDB);
    return 0;
}
