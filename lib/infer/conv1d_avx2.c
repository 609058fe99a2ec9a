/* conv1d_avx2.c — the direct 1-D convolution for AVX2 + FMA: 4 output channels x 3 vectors
 * of 8 positions (12 accumulators of the 16 registers); only called after a CPU check. */
#if defined(__x86_64__) || defined(__i386__)
#ifndef __clang__
#pragma GCC target("avx2,fma")
#endif
#include "infer/infer_int.h"

#include <immintrin.h>
#ifdef __clang__ /* clang ignores "#pragma GCC target" */
#pragma clang attribute push(__attribute__((target("avx2,fma"))), apply_to = function)
#endif

#define FN conv1d_avx2
#define FN_COLS conv1d_cols_avx2
#define MR PAI_CONV1D_MR_AVX2
#define NVMAX 3
#include "infer/conv1d_v256.h"
#include "infer/conv1d_tmpl.h"
#define WIN_IN wino_in_avx2
#define WIN_OUT wino_out_avx2
#include "infer/conv1d_wino_tmpl.h"

#ifdef __clang__
#pragma clang attribute pop
#endif
const pai_conv1d_fn pai_conv1d_avx2 = conv1d_avx2, pai_conv1d_cols_avx2 = conv1d_cols_avx2;
const pai_wino_fn pai_wino_in_avx2 = wino_in_avx2, pai_wino_out_avx2 = wino_out_avx2;
#else
#include "infer/infer_int.h"
const pai_conv1d_fn pai_conv1d_avx2 = NULL, pai_conv1d_cols_avx2 = NULL;
const pai_wino_fn pai_wino_in_avx2 = NULL, pai_wino_out_avx2 = NULL;
#endif
