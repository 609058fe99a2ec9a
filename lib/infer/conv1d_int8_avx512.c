/* conv1d_int8_avx512.c — the direct 1-D convolution in int8 for AVX512-VNNI: vpdpbusd sums 4
 * uint8 activations x int8 weights per 32-bit lane (4 input channels of one position), 6
 * output channels x 4 vectors of 16 positions; only called after a CPU check. */
#if defined(__x86_64__) || defined(__i386__)
#ifndef __clang__
#pragma GCC target("avx512f,avx512bw,avx512vnni,fma")
#endif
#include "infer/infer_int.h"

#include <immintrin.h>
#ifdef __clang__ /* clang ignores "#pragma GCC target" */
#pragma clang attribute push(__attribute__((target("avx512f,avx512bw,avx512vnni,fma"))), \
                             apply_to = function)
#endif

#define FN conv1d_int8_avx512
#define MR PAI_CONV1D_MR_AVX512
#define NVMAX 4
#include "infer/conv1d_v512.h"
#define DOT(a, x, w) _mm512_dpbusd_epi32((a), (x), (w))
#include "infer/conv1d_int8.h"
#include "infer/conv1d_tmpl.h"

#ifdef __clang__
#pragma clang attribute pop
#endif
const pai_conv1d_fn pai_conv1d_int8_avx512 = conv1d_int8_avx512;
#else
#include "infer/infer_int.h"
const pai_conv1d_fn pai_conv1d_int8_avx512 = NULL;
#endif
