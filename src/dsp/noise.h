// SPDX-License-Identifier: ISC
// White and pink noise generators.

#ifndef GS_DSP_NOISE_H
#define GS_DSP_NOISE_H

#include "dsp/prng.h"
#include "gainstage/realtime.h"

#include <stdint.h>

/// Gaussian white noise of RMS 1.0: exact unit normal deviates (to a grid of
/// 2^-25 of a layer's width) from the ziggurat method. Each deviate takes
/// whole draws from the generator and nothing else is kept, so blocks of any
/// size give one sequence.
typedef struct {
  GsPrng rng;
} GsWhite;

/// The same seed always gives the same sequence. Real-time safe.
void gs_white_init(GsWhite *w, uint64_t seed) GS_REALTIME;
/// Adds rms times unit white noise to out (out += rms * n). Real-time safe:
/// no allocation or lock; about 1 deviate in 36 calls exp() or log().
void gs_white_add(GsWhite *w, float rms, float *out, uint32_t n) GS_REALTIME;

/// The ziggurat's 128 layers (noise.c): x_0 (the base layer's width) to
/// x_128 = 0, and f(x_i) = exp(-x_i^2 / 2). Constant and shared by every
/// GsWhite; declared here so that the test can derive them again.
extern const double gs_white_zig_x[129];
extern const double gs_white_zig_f[129];

/// Pink noise (-3 dB per octave from about 10 Hz up), RMS 1.0 between 20 Hz
/// and 20 kHz at any of the usual sample rates (the shape depends only on
/// f / rate). Not Gaussian-exact: the white source is uniform.
typedef struct {
  GsPrng rng;
  double state[7];
} GsPink;

/// The same seed always gives the same sequence. Main thread.
void gs_pink_init(GsPink *p, uint64_t seed);
/// Adds rms times unit pink noise to out. Real-time safe.
void gs_pink_add(GsPink *p, float rms, float *out, uint32_t n) GS_REALTIME;

#endif  // GS_DSP_NOISE_H
