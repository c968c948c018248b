// SPDX-License-Identifier: ISC
// Strip meters: measured on the audio thread, published through a sequence
// lock that never makes the audio thread wait.

#ifndef GS_ENGINE_METERS_H
#define GS_ENGINE_METERS_H

#include "dsp/loudness.h"
#include "gainstage/engine.h"
#include "gainstage/realtime.h"

#include <stdatomic.h>
#include <stdint.h>

/// The audio thread's running measurements for one strip.
typedef struct {
  float block_peak;     ///< since the last publish
  float hold;           ///< peak hold
  float hold_age_s;     ///< how long it has held
  double mean_square;   ///< one-pole over RMS_TIME_S
  float input_peak_v;   ///< before the converter, since the last publish
  uint64_t clips;
  GsLoudness loudness;  ///< momentary and short-term loudness (EBU R128)
  uint64_t clip_safe_acted;   ///< Clip Safe episodes since the start
  float clip_safe_db;         ///< deepest reduction since the last publish
  uint64_t clip_safe_frame;   ///< where the first episode since the last publish began
} GsMeterState;

/// What other threads read: the audio thread bumps seq to odd, stores the
/// fields, bumps it to even; a reader retries while seq is odd or changed.
typedef struct {
  _Atomic uint32_t seq;
  _Atomic uint32_t peak, hold, rms, input_peak;  ///< float bits
  _Atomic uint32_t momentary, shortterm;         ///< float bits
  _Atomic uint32_t clip_safe_db;                 ///< float bits
  _Atomic uint64_t clip_safe_acted, clip_safe_frame;
  _Atomic uint64_t clips;
} GsMeterSlot;

/// Clears the meters; rate_hz sets up the loudness meter. Main thread.
void gs_meter_state_init(GsMeterState *m, double rate_hz);
/// Measures a block of converter samples (and the volts before it).
void gs_meter_state_add(GsMeterState *m, const float *samples, const float *volts, uint32_t n,
                        double rate_hz) GS_REALTIME;
/// Publishes and starts the next interval. Audio thread.
void gs_meter_publish(GsMeterState *m, GsMeterSlot *slot) GS_REALTIME;
/// Reads a consistent copy. Any thread.
void gs_meter_read(const GsMeterSlot *slot, GsStripMeters *out);

#endif  // GS_ENGINE_METERS_H
