// SPDX-License-Identifier: ISC
// A first-order DC blocker (one zero at DC, one pole just inside the unit circle).

#ifndef GS_DSP_DCBLOCK_H
#define GS_DSP_DCBLOCK_H

#include "gainstage/realtime.h"

#include <stdint.h>

/// The output is computed in groups of four samples counted from the start
/// of the stream (dcblock.c), so it is the same however the stream is split
/// into blocks: a group a block leaves unfinished is finished by the next.
typedef struct {
  double r;       ///< pole radius
  double x1;      ///< state: the last input
  double y1;      ///< state: the output before the current group of four
  double p;       ///< state: the current group's partial sum so far
  unsigned k;     ///< state: samples of the current group done (0 to 3)
} GsDcBlock;

/// freq_hz is the -3 dB corner (a few Hz); the state is cleared. Main thread.
void gs_dcblock_init(GsDcBlock *dc, double rate_hz, double freq_hz);
/// Clears the state. Real-time safe.
void gs_dcblock_reset(GsDcBlock *dc) GS_REALTIME;
/// The analytic magnitude response in dB.
double gs_dcblock_magnitude_db(const GsDcBlock *dc, double rate_hz, double freq_hz);
/// Filters n samples; in and out may be the same buffer. State below 1e-30
/// (-600 dBFS) is flushed to zero at the end of each group of four, so
/// silence never leaves denormals. Real-time safe.
void gs_dcblock_process(GsDcBlock *dc, const float *in, float *out, uint32_t n) GS_REALTIME;

#endif  // GS_DSP_DCBLOCK_H
