/* conv1d_int8_avxvnni.c — the direct 1-D convolution in int8 for AVX2 + AVX-VNNI (the VEX
 * vpdpbusd of CPUs without AVX-512): 4 output channels x 3 vectors of 8 positions; only
 * called after a CPU check. */
#if defined(__x86_64__) || defined(__i386__)
#ifndef __clang__
#pragma GCC target("avx2,fma,avxvnni")
#endif
#include "infer/infer_int.h"

#include <immintrin.h>
#ifdef __clang__ /* clang ignores "#pragma GCC target" */
#pragma clang attribute push(__attribute__((target("avx2,fma,avxvnni"))), apply_to = function)
#endif

#define FN conv1d_int8_avxvnni
#define MR PAI_CONV1D_MR_AVX2
#define NVMAX 3
#include "infer/conv1d_v256.h"
#define DOT(a, x, w) _mm256_dpbusd_avx_epi32((a), (x), (w))
#include "infer/conv1d_int8.h"
#include "infer/conv1d_tmpl.h"

#ifdef __clang__
#pragma clang attribute pop
#endif
const pai_conv1d_fn pai_conv1d_int8_avxvnni = conv1d_int8_avxvnni;
#else
#include "infer/infer_int.h"
const pai_conv1d_fn pai_conv1d_int8_avxvnni = NULL;
#endif
