// SPDX-License-Identifier: ISC
// White and pink noise generators.

#ifndef GS_DSP_NOISE_H
#define GS_DSP_NOISE_H

#include "dsp/prng.h"
#include "gainstage/realtime.h"

#include <stdint.h>

/// Gaussian white noise of RMS 1.0.
typedef struct {
  GsPrng rng;
} GsWhite;

void gs_white_init(GsWhite *w, uint64_t seed);
/// Adds rms times unit white noise to out (out += rms * n). Real-time safe.
void gs_white_add(GsWhite *w, float rms, float *out, uint32_t n) GS_REALTIME;

/// Pink noise (-3 dB per octave), RMS 1.0 over the audio band.
typedef struct {
  GsPrng rng;
  double state[7];
} GsPink;

void gs_pink_init(GsPink *p, uint64_t seed);
void gs_pink_add(GsPink *p, float rms, float *out, uint32_t n) GS_REALTIME;

#endif  // GS_DSP_NOISE_H
