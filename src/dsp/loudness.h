// SPDX-License-Identifier: ISC
// Loudness per ITU-R BS.1770-4 and EBU R128 (Tech 3341, Tech 3342).

#ifndef GS_DSP_LOUDNESS_H
#define GS_DSP_LOUDNESS_H

#include "gainstage/realtime.h"
#include "gainstage/status.h"

#include <stdint.h>

// What is measured (ITU-R BS.1770-4 Annex 1, EBU Tech 3341 section 2):
// each channel is K-weighted (a high shelf of about +4 dB above 1.5 kHz, then
// the RLB high-pass near 38 Hz), squared and averaged over a block; the
// channels' mean squares z_i are summed with weights G_i and
// L = -0.691 + 10 log10(sum G_i z_i) LUFS.
//
// The signal is cut into 100 ms steps (round(rate_hz / 10) frames). Momentary
// loudness is the last 4 steps (400 ms), short-term the last 30 (3 s); both
// change once every 100 ms (Tech 3341 asks for an update rate of at least
// 10 Hz). Integrated loudness gates 400 ms blocks that overlap by 75% (one
// every step), first at -70 LUFS, then 10 LU below the loudness of the blocks
// that passed (BS.1770-4 Annex 1, gating). Loudness range (Tech 3342 section
// 3) takes the short-term loudness at every step (libebur128 takes one a
// second; a shorter hop samples the same curve more densely), gates it at
// -70 LUFS and 20 LU
// below the loudness of what passed, and is the 95th minus the 10th
// percentile of the rest (nearest rank).
//
// Fixed memory, however long the programme: gated blocks are counted in
// histograms of GS_LOUDNESS_BINS bins, 0.01 LU wide, from -70 to +30 LUFS.
// The absolute-gated means that set the relative gates are summed exactly;
// the final integrated mean uses each bin's centre, so it is within 0.005 LU
// of the exact block mean, plus the blocks in the one bin the relative gate
// falls in (all counted on the side of the bin's centre). Percentiles are bin
// centres (within 0.005 LU). Blocks louder than +30 LUFS (hot floating-point
// input) are summed exactly for the integrated loudness and count as +30 LUFS
// in the loudness range. A bin's 32-bit count holds 13 years of one level.

#define GS_LOUDNESS_MAX_CHANNELS 8
#define GS_LOUDNESS_BINS 10000         ///< histogram bins
#define GS_LOUDNESS_BIN_LU 0.01        ///< histogram bin width
#define GS_LOUDNESS_FLOOR_LUFS (-70.0)  ///< absolute gate and lowest bin edge
#define GS_LOUDNESS_STEPS 30           ///< 100 ms steps in the short-term window

/// Owned by one thread, which adds frames and reads the results; another
/// thread sees the results only through a snapshot that thread publishes.
typedef struct {
  double rate_hz;
  unsigned channels;
  double weight[GS_LOUDNESS_MAX_CHANNELS];  ///< BS.1770-4 channel weights G_i
  /// K-weighting coefficients {b0, b1, b2, a1, a2} (a0 = 1): [0] is the
  /// pre-filter (high shelf), [1] the RLB high-pass.
  double coef[2][5];
  double state[GS_LOUDNESS_MAX_CHANNELS][2][2];  ///< transposed direct form II
  uint32_t step_frames;  ///< 100 ms in frames
  uint32_t step_pos;     ///< frames into the current step
  double step_energy;    ///< weighted sum of squares in the current step
  double steps[GS_LOUDNESS_STEPS];  ///< the last 30 steps' sums, a ring
  uint32_t steps_head;              ///< next slot to write
  uint64_t n_steps;                 ///< complete steps since reset

  // Integrated loudness: 400 ms blocks.
  uint32_t hist_m[GS_LOUDNESS_BINS];
  double m_sum;      ///< mean squares of the blocks above -70 LUFS, summed
  uint64_t m_n;      ///< how many blocks that is
  double m_over_sum; ///< ... of those above the histogram
  uint64_t m_over_n;

  // Loudness range: 3 s blocks.
  uint32_t hist_s[GS_LOUDNESS_BINS];
  double s_sum;  ///< mean squares of the blocks above -70 LUFS, summed
  uint64_t s_n;
} GsLoudness;

/// Sets up l for rate_hz (8000 to 768000 Hz) and channels (1 to 8), and
/// resets it. The K-weighting is designed for the rate from its analog
/// prototype (loudness.c). Weights follow BS.1770-4 Annex 1
/// (position-dependent weightings G_i): 5 channels are
/// L R C Ls Rs (surrounds weighted 1.41), 6 are L R C LFE Ls Rs (LFE
/// excluded); every other channel has weight 1 (gs_loudness_set_weight
/// changes that). GS_ERR_RANGE for a rate or channel count outside those
/// ranges, GS_ERR_USAGE for a NULL l. Main thread.
GsStatus gs_loudness_init(GsLoudness *l, double rate_hz, unsigned channels);

/// Sets the weight of one channel (for example 1.41 for a surround, 0 to
/// leave a channel out). GS_ERR_RANGE for a channel past the count or a
/// weight that is negative or not finite. Main thread, or the owning thread
/// between blocks.
GsStatus gs_loudness_set_weight(GsLoudness *l, unsigned channel, double weight);

/// Forgets everything measured, keeps rate, channels and weights. Real-time
/// safe.
void gs_loudness_reset(GsLoudness *l) GS_REALTIME;

/// Adds n_frames interleaved frames of l->channels samples. If the filters
/// stop being finite (NaN or infinite input), they are cleared and the 100 ms
/// step that held it counts as silence. Real-time safe.
void gs_loudness_add_frames(GsLoudness *l, const float *frames, uint32_t n_frames) GS_REALTIME;

/// LUFS over the last 400 ms (as of the last complete 100 ms step);
/// -HUGE_VAL until 400 ms have been added, or for digital silence.
/// Real-time safe.
double gs_loudness_momentary(const GsLoudness *l) GS_REALTIME;
/// LUFS over the last 3 s, likewise. Real-time safe.
double gs_loudness_shortterm(const GsLoudness *l) GS_REALTIME;
/// Gated integrated loudness in LUFS since the reset; -HUGE_VAL when no block
/// passes the gates. Real-time safe (walks the histogram once).
double gs_loudness_integrated(const GsLoudness *l) GS_REALTIME;
/// Loudness range in LU (EBU Tech 3342); 0 when no 3 s block passes the
/// gates. Real-time safe (walks the histogram twice).
double gs_loudness_range(const GsLoudness *l) GS_REALTIME;

#endif  // GS_DSP_LOUDNESS_H
