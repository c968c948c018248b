// SPDX-License-Identifier: ISC
// The waveshapers of shaper.h on 8 interleaved channels, one vector lane each.

#ifndef GS_DSP_SHAPER8_H
#define GS_DSP_SHAPER8_H

#include "dsp/oversample8.h"
#include "dsp/shaper.h"
#include "gainstage/realtime.h"
#include "gainstage/status.h"

#include <stdbool.h>
#include <stdint.h>

/// Curve parameters come from a GsShaper; the state is per lane. HARD, RAIL,
/// SOFT and TUBE run in float on 8 lanes at once with the same well-conditioned
/// ADAA forms as shaper.c (they agree with it to about 1e-6); the tube's
/// second order runs the very kernel of the mono shaper (tube_adaa2-impl.h),
/// so each lane equals it bit for bit; TANH runs lane by lane in double,
/// exactly as shaper.c. Owned by the processing thread.
typedef struct {
  GsLanesVariant variant;  ///< chosen at init: the fastest this CPU runs
  GsShaper curve;          ///< shape, adaa and tube parameters; its own state is unused
  float x1[GS_LANES];      ///< previous input per lane (TUBE: x + bias)
  float r1[GS_LANES];      ///< previous root per lane (SOFT, TUBE)
  double F1[GS_LANES];     ///< antiderivative at the previous input (TANH)
  float hist[4][GS_LANES];  ///< second order: the last four inputs per lane, oldest first
} GsShaper8;

/// As gs_shaper_init(). Main thread.
void gs_shaper8_init(GsShaper8 *s, GsShape shape, bool adaa);
/// As gs_shaper_set_tube(), for all lanes. Main thread, or real time between
/// process calls.
void gs_shaper8_set_tube(GsShaper8 *s, double bias, double asymmetry);
/// As gs_shaper_set_order(), for all lanes. Main thread.
void gs_shaper8_set_order(GsShaper8 *s, unsigned order);
/// As gs_shaper_set_rail(), for all lanes. Main thread.
void gs_shaper8_set_rail(GsShaper8 *s, double cubic);
/// Picks a variant (tests, benchmarks); GS_ERR_RANGE if this CPU cannot run
/// it. Main thread.
GsStatus gs_shaper8_set_variant(GsShaper8 *s, GsLanesVariant variant);
/// Forgets the previous inputs. Real-time safe.
void gs_shaper8_reset(GsShaper8 *s) GS_REALTIME;
/// Forgets one lane's previous input (lane < GS_LANES). Real-time safe.
void gs_shaper8_reset_lane(GsShaper8 *s, unsigned lane) GS_REALTIME;
/// n frames of GS_LANES interleaved channels; in and out may alias.
/// Real-time safe.
void gs_shaper8_process(GsShaper8 *s, const float *in, float *out, uint32_t n) GS_REALTIME;

#endif  // GS_DSP_SHAPER8_H
