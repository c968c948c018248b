// SPDX-License-Identifier: ISC
// Word-length reduction to 16 or 24 bits, with TPDF dither or none.

#ifndef GS_DSP_QUANTISE_H
#define GS_DSP_QUANTISE_H

#include "dsp/prng.h"
#include "gainstage/realtime.h"

#include <stdint.h>

typedef enum {
  GS_DITHER_NONE,  ///< round to nearest
  GS_DITHER_TPDF,  ///< triangular PDF dither of 2 LSB peak-to-peak
} GsDither;

typedef struct {
  unsigned bits;  ///< 16 or 24 (0 leaves float samples untouched)
  GsDither dither;
  float scale;    ///< 2^(bits-1)
  GsPrng rng;
} GsQuantiser;

/// bits is 0 (pass float through), 16 or 24. With GS_DITHER_TPDF the total
/// error has variance LSB^2/4 (rounding 1/12 + dither 1/6), independent of the
/// signal. Main thread.
void gs_quantiser_init(GsQuantiser *q, unsigned bits, GsDither dither, uint64_t seed);
/// Rounds every sample to a multiple of 1/2^(bits-1) within [-1, 1 - 1 LSB]
/// (values outside are clamped, as a converter would; a NaN becomes 0).
/// in and out may be the same buffer. Real-time safe.
void gs_quantiser_process(GsQuantiser *q, const float *in, float *out, uint32_t n) GS_REALTIME;

#endif  // GS_DSP_QUANTISE_H
