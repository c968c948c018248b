// SPDX-License-Identifier: ISC
// A gain in dB that glides to a new setting without clicks or zipper noise.

#ifndef GS_DSP_GAIN_H
#define GS_DSP_GAIN_H

#include "gainstage/realtime.h"

#include <stdbool.h>
#include <stdint.h>

/// Owned by the processing thread; gs_gain_set_db() is called on that thread.
typedef struct {
  float target;   ///< linear target gain
  float current;  ///< linear gain applied to the last sample
  float coef;     ///< fraction of the remaining glide covered per sample, 1 - exp(-1/(time_s rate_hz))
} GsGain;

/// Starts settled at gain_db (no glide at the start). time_s is the smoothing
/// time constant (about 10 ms is click-free and still feels immediate); 0
/// jumps. The gain changes by at most coef times the step from one sample to
/// the next, and snaps to the target once within 1e-6 of it. Main thread.
void gs_gain_init(GsGain *g, double rate_hz, double time_s, float gain_db);
/// Sets a new target; the gain glides to it. Real-time safe.
void gs_gain_set_db(GsGain *g, float gain_db) GS_REALTIME;
/// Sets a new linear target, which may be negative or zero (a polarity
/// switch glides through zero). Real-time safe.
void gs_gain_set_linear(GsGain *g, float gain) GS_REALTIME;
/// Whether the gain is settled at exactly 1 (processing would change
/// nothing). Real-time safe.
bool gs_gain_is_unity(const GsGain *g) GS_REALTIME;
/// Ends a glide: the gain jumps to its target. Real-time safe.
void gs_gain_settle(GsGain *g) GS_REALTIME;
/// Multiplies by the (gliding) gain; in and out may alias. When the gain is
/// settled the multiplication is exact by the target. Real-time safe.
void gs_gain_process(GsGain *g, const float *in, float *out, uint32_t n) GS_REALTIME;

/// 10^(db/20), and its inverse (-inf dB for a gain of 0). Real-time safe.
double gs_db_to_gain(double db) GS_REALTIME;
double gs_gain_to_db(double gain) GS_REALTIME;

#endif  // GS_DSP_GAIN_H
