// SPDX-License-Identifier: ISC
// A look-ahead gain reduction that keeps a signal under a ceiling without
// clipping it: Clip Safe in front of a converter.

#ifndef GS_DSP_LOOKAHEAD_H
#define GS_DSP_LOOKAHEAD_H

#include "gainstage/realtime.h"
#include "gainstage/status.h"

#include <stdbool.h>
#include <stdint.h>

/// Longest look-ahead, in samples (2 ms at 192 kHz).
#define GS_LOOKAHEAD_MAX 384

/// The signal is delayed by the look-ahead L. The gain each sample needs
/// (ceiling / |x|, at most 1) goes through a minimum over the last L samples
/// and then a moving average over L: when a peak enters, the average has
/// reached the peak's gain exactly when the peak leaves the delay, so no
/// sample leaves above the ceiling, and the gain never steps (it ramps over L
/// samples). Release is a one-pole glide back up. Owned by one thread.
typedef struct {
  uint32_t length;              ///< the look-ahead L
  float ceiling;                ///< in the signal's units
  double release_coef;
  float delay[GS_LOOKAHEAD_MAX];
  float need[GS_LOOKAHEAD_MAX];   ///< the last L needed gains (for the minimum)
  uint32_t deque[GS_LOOKAHEAD_MAX];  ///< indices of increasing needs: the window minimum
  uint32_t dq_head, dq_len;
  double hold[GS_LOOKAHEAD_MAX];  ///< the last L window minima (for the average)
  double hold_sum;
  uint64_t t;                   ///< samples in
  double gain;                  ///< applied to the last sample out
  // What it did, for reports: read and cleared by gs_lookahead_take().
  uint64_t acted;               ///< episodes of gain reduction begun
  double deepest;               ///< lowest gain since the last take
  uint64_t first_t;             ///< output sample of the first reduction since the last take
  bool reducing;
} GsLookahead;

/// length 1 to GS_LOOKAHEAD_MAX samples; ceiling > 0 in the signal's units;
/// release_s the time constant of the release. Main thread.
GsStatus gs_lookahead_init(GsLookahead *l, uint32_t length, float ceiling, double release_s,
                           double rate_hz);
void gs_lookahead_reset(GsLookahead *l) GS_REALTIME;
/// in and out may alias. Real-time safe.
void gs_lookahead_process(GsLookahead *l, const float *in, float *out, uint32_t n) GS_REALTIME;

/// Episodes begun, the deepest reduction (dB, 0 if none) and the output
/// sample where the first began, since the last call; then clears them.
/// Real-time safe.
void gs_lookahead_take(GsLookahead *l, uint64_t *episodes, double *deepest_db,
                       uint64_t *first_sample) GS_REALTIME;

#endif  // GS_DSP_LOOKAHEAD_H
