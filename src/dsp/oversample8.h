// SPDX-License-Identifier: ISC
// 8 channels of 2x/4x/8x oversampling at once, one vector lane per channel.

#ifndef GS_DSP_OVERSAMPLE8_H
#define GS_DSP_OVERSAMPLE8_H

#include "dsp/oversample.h"
#include "gainstage/realtime.h"
#include "gainstage/status.h"

#include <stdbool.h>
#include <stdint.h>

/// Channels processed together: one lane of a 256-bit float vector each.
#define GS_LANES 8

/// Variants of the 8-channel kernels (oversampler and shaper), fastest
/// first; GS_LANES_C runs everywhere. They agree bit for bit.
typedef enum {
  GS_LANES_AVX2,  ///< x86 AVX2: 8 lanes per instruction
  GS_LANES_C,     ///< portable: two groups of 4 lanes (SSE2, NEON)
  GS_LANES_N_VARIANTS,
} GsLanesVariant;

/// Whether this build and CPU can run a variant. Main thread.
bool gs_lanes_variant_supported(GsLanesVariant variant);
/// A short name for a variant ("avx2", "c"); never NULL.
const char *gs_lanes_variant_name(GsLanesVariant variant);

/// The same cascade as GsOversampler (same design, same latency) for 8
/// channels in interleaved frames, with float coefficients and state: a
/// float multiply-add per lane, 8 channels per instruction with AVX2. Float
/// keeps each stage's rejection at 120 dB or better (tested). Owned by the
/// processing thread. Arrays are plain floats, so any alignment works.
typedef struct {
  GsLanesVariant variant;  ///< chosen at init: the fastest this CPU runs
  unsigned factor;
  unsigned n_stages;
  unsigned n_coefs[2];
  unsigned fir_pairs;  ///< the FIR stage of 8x (0 below 8x)
  double latency;  ///< as gs_oversampler_latency()
  float coef[2][GS_HALFBAND_MAX_COEFS];
  float fir_coef[GS_FIR_HALFBAND_MAX_PAIRS];
  /// [stage][i][lane], i as in GsHalfband's state
  float state_up[2][GS_HALFBAND_MAX_COEFS + 2][GS_LANES];
  float state_down[2][GS_HALFBAND_MAX_COEFS + 2][GS_LANES];
  /// [i][lane], as GsFirHalfband's histories
  float fir_up[2 * GS_FIR_HALFBAND_MAX_PAIRS][GS_LANES];
  float fir_odd[2 * GS_FIR_HALFBAND_MAX_PAIRS][GS_LANES];
  float fir_even[GS_FIR_HALFBAND_MAX_PAIRS][GS_LANES];
} GsOversampler8;

/// As gs_oversampler_init(): factor 1, 2, 4 or 8, else GS_ERR_RANGE. Main thread.
GsStatus gs_oversampler8_init(GsOversampler8 *os, unsigned factor, double rate_hz);
/// Picks a variant (tests, benchmarks); GS_ERR_RANGE if this CPU cannot run
/// it. Main thread.
GsStatus gs_oversampler8_set_variant(GsOversampler8 *os, GsLanesVariant variant);
/// Clears the state. Real-time safe.
void gs_oversampler8_reset(GsOversampler8 *os) GS_REALTIME;
/// Clears one lane's state (lane < GS_LANES). Real-time safe.
void gs_oversampler8_reset_lane(GsOversampler8 *os, unsigned lane) GS_REALTIME;
/// n base-rate frames of GS_LANES interleaved channels in (GS_LANES * n
/// floats), n * factor frames out; in and out must not overlap. Real-time safe.
void gs_oversampler8_up(GsOversampler8 *os, const float *in, float *out, uint32_t n) GS_REALTIME;
/// n * factor frames in, n base-rate frames out. Real-time safe.
void gs_oversampler8_down(GsOversampler8 *os, const float *in, float *out,
                          uint32_t n) GS_REALTIME;
/// The down path of 8x in two parts, as gs_oversampler_down_to_half() and
/// gs_oversampler_down_from_half(): together gs_oversampler8_down()'s frames
/// bit for bit. Factor 8 only. Real-time safe.
void gs_oversampler8_down_to_half(GsOversampler8 *os, const float *in, float *out,
                                  uint32_t n) GS_REALTIME;
void gs_oversampler8_down_from_half(GsOversampler8 *os, const float *in, float *out,
                                    uint32_t n) GS_REALTIME;
/// Round-trip delay in base-rate samples, as gs_oversampler_latency().
double gs_oversampler8_latency(const GsOversampler8 *os);

#endif  // GS_DSP_OVERSAMPLE8_H
