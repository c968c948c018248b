// SPDX-License-Identifier: ISC
// Loudness per ITU-R BS.1770-4 and EBU R128 (Tech 3341, Tech 3342).

#ifndef GS_DSP_LOUDNESS_H
#define GS_DSP_LOUDNESS_H

#include "gainstage/realtime.h"
#include "gainstage/status.h"

#include <stdint.h>

#define GS_LOUDNESS_MAX_CHANNELS 8
/// Histogram resolution for gating: bins of 0.01 LU from -70 to +5 LUFS keep
/// integrated loudness and loudness range exact to well within the EBU's
/// tolerances, in fixed memory (no allocation however long the programme).
#define GS_LOUDNESS_BINS 7500

/// Owned by one thread; the queries read it from that thread.
typedef struct {
  double rate_hz;
  unsigned channels;
  double weight[GS_LOUDNESS_MAX_CHANNELS];  ///< BS.1770 channel weights
  double kw[GS_LOUDNESS_MAX_CHANNELS][2][4];  ///< K-weighting state, two sections
  double kb[2][5];                            ///< K-weighting coefficients
  uint32_t step_frames;      ///< 100 ms in frames
  uint32_t step_pos;         ///< frames into the current 100 ms step
  double step_energy;        ///< weighted energy summed in the current step
  double steps[30];          ///< energies of the last 30 steps (3 s), a ring
  uint32_t steps_head;
  uint64_t n_steps;
  uint32_t hist_m[GS_LOUDNESS_BINS];  ///< 400 ms blocks, for integrated
  uint32_t hist_s[GS_LOUDNESS_BINS];  ///< 3 s blocks, for loudness range
} GsLoudness;

/// channels is 1 to 8. Weights follow BS.1770-4: 5 channels are L R C Ls Rs
/// (surrounds weighted 1.41), 6 are L R C LFE Ls Rs (LFE excluded); every
/// other channel has weight 1.
GsStatus gs_loudness_init(GsLoudness *l, double rate_hz, unsigned channels);
void gs_loudness_reset(GsLoudness *l) GS_REALTIME;
/// Interleaved frames. Real-time safe.
void gs_loudness_add_frames(GsLoudness *l, const float *frames, uint32_t n_frames) GS_REALTIME;

/// LUFS; -HUGE_VAL until a block is complete or when gated out entirely.
double gs_loudness_momentary(const GsLoudness *l);
double gs_loudness_shortterm(const GsLoudness *l);
double gs_loudness_integrated(const GsLoudness *l);
/// LU (EBU Tech 3342).
double gs_loudness_range(const GsLoudness *l);

#endif  // GS_DSP_LOUDNESS_H
