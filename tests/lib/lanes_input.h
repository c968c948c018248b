// SPDX-License-Identifier: ISC
// Fixed-seed test input for the 8-lane kernels: interleaved frames, a different level per lane.

#ifndef GS_TESTS_LANES_INPUT_H
#define GS_TESTS_LANES_INPUT_H

#include "dsp/oversample8.h"

#include <stdint.h>

/// n frames of GS_LANES lanes of uniform noise, lane l at peak (l + 1) * peak
/// / GS_LANES, with runs of equal samples every 50 frames (the cases where
/// recursions and ADAA quotients are most delicate).
static inline void lanes_input(float *x, uint32_t n, double peak, uint32_t seed)
{
  for (uint32_t i = 0; i < n * GS_LANES; ++i) {
    seed = seed * 1664525u + 1013904223u;
    const double level = peak * (double)(1 + i % GS_LANES) / GS_LANES;
    x[i] = (float)(((double)seed / 4294967296.0 * 2.0 - 1.0) * level);
    if (i / GS_LANES % 50 < 5) {
      x[i] = (float)(0.37 * level);
    }
  }
}

/// Lane l of n interleaved frames.
static inline void lanes_take(const float *frames, unsigned l, float *out, uint32_t n)
{
  for (uint32_t i = 0; i < n; ++i) {
    out[i] = frames[GS_LANES * i + l];
  }
}

#endif  // GS_TESTS_LANES_INPUT_H
