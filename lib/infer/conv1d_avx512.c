/* conv1d_avx512.c — the direct 1-D convolution for AVX-512F: 6 output channels x 4 vectors
 * of 16 positions (24 accumulators of the 32 registers); only called after a CPU check. */
#if defined(__x86_64__) || defined(__i386__)
#ifndef __clang__
#pragma GCC target("avx512f,fma")
#endif
#include "infer/infer_int.h"

#include <immintrin.h>
#ifdef __clang__ /* clang ignores "#pragma GCC target" */
#pragma clang attribute push(__attribute__((target("avx512f,fma"))), apply_to = function)
#endif

#define FN conv1d_avx512
#define FN_COLS conv1d_cols_avx512
#define MR PAI_CONV1D_MR_AVX512
#define NVMAX 4
#include "infer/conv1d_v512.h"
#include "infer/conv1d_tmpl.h"
#define WIN_IN wino_in_avx512
#define WIN_OUT wino_out_avx512
#define WIN_BLOCK wino_block_avx512
#define WIN_SPLIT wino_split_avx512
#include "infer/conv1d_wino_tmpl.h"

#ifdef __clang__
#pragma clang attribute pop
#endif
const pai_conv1d_fn pai_conv1d_avx512 = conv1d_avx512, pai_conv1d_cols_avx512 = conv1d_cols_avx512;
const pai_wino_fn pai_wino_in_avx512 = wino_in_avx512, pai_wino_out_avx512 = wino_out_avx512;
const pai_wino_split_fn pai_wino_split_avx512 = wino_split_avx512;
#else
#include "infer/infer_int.h"
const pai_conv1d_fn pai_conv1d_avx512 = NULL, pai_conv1d_cols_avx512 = NULL;
const pai_wino_fn pai_wino_in_avx512 = NULL, pai_wino_out_avx512 = NULL;
const pai_wino_split_fn pai_wino_split_avx512 = NULL;
#endif
