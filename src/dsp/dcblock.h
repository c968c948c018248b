// SPDX-License-Identifier: ISC
// A first-order DC blocker (one zero at DC, one pole just inside the unit circle).

#ifndef GS_DSP_DCBLOCK_H
#define GS_DSP_DCBLOCK_H

#include "gainstage/realtime.h"

#include <stdint.h>

typedef struct {
  double r;       ///< pole radius
  double x1, y1;  ///< state
} GsDcBlock;

/// freq_hz is the -3 dB corner (a few Hz); the state is cleared. Main thread.
void gs_dcblock_init(GsDcBlock *dc, double rate_hz, double freq_hz);
/// Clears the state. Real-time safe.
void gs_dcblock_reset(GsDcBlock *dc) GS_REALTIME;
/// The analytic magnitude response in dB.
double gs_dcblock_magnitude_db(const GsDcBlock *dc, double rate_hz, double freq_hz);
/// Filters n samples; in and out may be the same buffer. State below 1e-30
/// (-600 dBFS) is flushed to zero, so silence never leaves denormals.
/// Real-time safe.
void gs_dcblock_process(GsDcBlock *dc, const float *in, float *out, uint32_t n) GS_REALTIME;

#endif  // GS_DSP_DCBLOCK_H
