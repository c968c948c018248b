// SPDX-License-Identifier: ISC
// The oversampler's per-CPU processing variants (internal to oversample*.c).

#ifndef GS_DSP_OVERSAMPLE_VARIANTS_H
#define GS_DSP_OVERSAMPLE_VARIANTS_H

#include "dsp/oversample.h"

#include <stdint.h>

// Plain C (SSE2 on x86-64 through the vector extension): runs everywhere.
void gs_oversample_up_c(GsOversampler *os, const float *restrict in, float *restrict out,
                        uint32_t n) GS_REALTIME;
void gs_oversample_down_c(GsOversampler *os, const float *restrict in, float *restrict out,
                          uint32_t n) GS_REALTIME;
void gs_oversample_down_fir_c(GsOversampler *os, const float *restrict in, float *restrict out,
                              uint32_t n) GS_REALTIME;
void gs_oversample_down_iir_c(GsOversampler *os, const float *restrict in, float *restrict out,
                              uint32_t n) GS_REALTIME;

#if defined(__x86_64__) || defined(__i386__)
#  define GS_OVERSAMPLE_HAVE_FMA 1
// Fused multiply-add (x86 FMA3): shorter recursions, about 20 % faster;
// AVX2 runs the FIR stage 8 samples at a time.
void gs_oversample_up_fma(GsOversampler *os, const float *restrict in, float *restrict out,
                          uint32_t n) GS_REALTIME;
void gs_oversample_down_fma(GsOversampler *os, const float *restrict in, float *restrict out,
                            uint32_t n) GS_REALTIME;
void gs_oversample_down_fir_fma(GsOversampler *os, const float *restrict in, float *restrict out,
                                uint32_t n) GS_REALTIME;
void gs_oversample_down_iir_fma(GsOversampler *os, const float *restrict in, float *restrict out,
                                uint32_t n) GS_REALTIME;
#endif

#endif  // GS_DSP_OVERSAMPLE_VARIANTS_H
