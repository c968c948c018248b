// SPDX-License-Identifier: ISC
// Per-CPU variants of the 8-channel kernels (internal to oversample8*.c and shaper8*.c).
//
// Each kernel header (oversample8-impl.h, shaper8-impl.h) is compiled twice:
// in the portable variant with 4-lane vectors, two groups per frame (SSE2
// and NEON hold 4 floats; GCC splits wider vectors badly and spills), and,
// on x86, with 8-lane vectors for AVX2. Both compute the same operations in
// the same order, so they agree bit for bit.

#ifndef GS_DSP_LANES_VARIANTS_H
#define GS_DSP_LANES_VARIANTS_H

#include "dsp/oversample8.h"
#include "dsp/shaper8.h"

#include <stdint.h>

void gs_oversample8_up_c(GsOversampler8 *os, const float *restrict in, float *restrict out,
                         uint32_t n) GS_REALTIME;
void gs_oversample8_down_c(GsOversampler8 *os, const float *restrict in, float *restrict out,
                           uint32_t n) GS_REALTIME;
void gs_oversample8_down_fir_c(GsOversampler8 *os, const float *restrict in, float *restrict out,
                               uint32_t n) GS_REALTIME;
void gs_oversample8_down_iir_c(GsOversampler8 *os, const float *restrict in, float *restrict out,
                               uint32_t n) GS_REALTIME;
void gs_shaper8_kernel_c(GsShaper8 *s, const float *in, float *out, uint32_t n) GS_REALTIME;

#if defined(__x86_64__) || defined(__i386__)
#  define GS_LANES_HAVE_AVX2 1
void gs_oversample8_up_avx2(GsOversampler8 *os, const float *restrict in, float *restrict out,
                            uint32_t n) GS_REALTIME;
void gs_oversample8_down_avx2(GsOversampler8 *os, const float *restrict in, float *restrict out,
                              uint32_t n) GS_REALTIME;
void gs_oversample8_down_fir_avx2(GsOversampler8 *os, const float *restrict in,
                                  float *restrict out, uint32_t n) GS_REALTIME;
void gs_oversample8_down_iir_avx2(GsOversampler8 *os, const float *restrict in,
                                  float *restrict out, uint32_t n) GS_REALTIME;
void gs_shaper8_kernel_avx2(GsShaper8 *s, const float *in, float *out, uint32_t n) GS_REALTIME;
#endif

#endif  // GS_DSP_LANES_VARIANTS_H
