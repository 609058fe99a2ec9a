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
#define XT uint32_t
#define XV __m256i
#define AT __m256i
#define AZERO _mm256_setzero_si256()
#define XLOAD(p) _mm256_loadu_si256((const __m256i *)(p))
#define WSET(w) _mm256_set1_epi32((int)(w))
#define DOT(a, x, w) _mm256_dpbusd_avx_epi32((a), (x), (w))
#define EPI_SETUP(j, m)                                                        \
    __m256i zpw_ = _mm256_set1_epi32((j)->xzp * pk->wsum[m]);                  \
    __m256 sc_ = _mm256_set1_ps((j)->xscale * pk->wscale[m])
#define EPI(a) _mm256_mul_ps(_mm256_cvtepi32_ps(_mm256_sub_epi32((a), zpw_)), sc_)
#define VDIV_FAST(a, b) _mm256_mul_ps((a), rcp_nr(b))
#include "infer/conv1d_tmpl.h"

#ifdef __clang__
#pragma clang attribute pop
#endif
const pai_conv1d_fn pai_conv1d_int8_avxvnni = conv1d_int8_avxvnni;
#else
#include "infer/infer_int.h"
const pai_conv1d_fn pai_conv1d_int8_avxvnni = NULL;
#endif
