// SPDX-License-Identifier: ISC
// A cascade of biquads on 8 interleaved channels, in double lanes.

#ifndef GS_DSP_BIQUAD8_H
#define GS_DSP_BIQUAD8_H

#include "dsp/biquad.h"
#include "dsp/lanes-variants.h"
#include "gainstage/realtime.h"
#include "gainstage/status.h"

#include <stdint.h>

/// Most sections in one cascade.
#define GS_BIQUAD8_MAX_SECTIONS 4

/// Sections designed as GsBiquads (the same coefficients for every lane),
/// run in series on each lane in double, transposed direct form II, with the
/// same flush of tiny state and the same rounding to float between sections
/// as gs_biquad_process() called once per section: each lane equals that bit
/// for bit. Double, not float: the tone stack runs at the oversampled rate,
/// where an 80 Hz shelf at 384 kHz has its poles 1.3e-3 from z = 1, and float
/// state there would add rounding noise amplified by about 1 / (1 - r)^2
/// (tests/unit/dsp/test_biquad8.c measures it). Owned by the processing thread.
typedef struct {
  GsLanesVariant variant;  ///< chosen at init: the fastest this CPU runs
  unsigned n_sections;
  double coef[GS_BIQUAD8_MAX_SECTIONS][5];  ///< b0, b1, b2, a1, a2
  double z1[GS_BIQUAD8_MAX_SECTIONS][GS_LANES];
  double z2[GS_BIQUAD8_MAX_SECTIONS][GS_LANES];
} GsBiquad8;

/// Copies the designs of n_sections biquads (1..GS_BIQUAD8_MAX_SECTIONS,
/// else GS_ERR_RANGE) and clears the state. Main thread.
GsStatus gs_biquad8_init(GsBiquad8 *bq, const GsBiquad *sections, unsigned n_sections);
/// Replaces the coefficients with those of n_sections biquads (the count
/// given to gs_biquad8_init(); a different count is ignored), keeping the
/// state, so a design that moves a little per block does not click.
/// Real-time safe.
void gs_biquad8_set_coefficients(GsBiquad8 *bq, const GsBiquad *sections, unsigned n_sections)
  GS_REALTIME;
/// Picks a variant (tests, benchmarks); GS_ERR_RANGE if this CPU cannot run
/// it. Main thread.
GsStatus gs_biquad8_set_variant(GsBiquad8 *bq, GsLanesVariant variant);
/// Clears the state. Real-time safe.
void gs_biquad8_reset(GsBiquad8 *bq) GS_REALTIME;
/// Clears one lane's state (lane < GS_LANES). Real-time safe.
void gs_biquad8_reset_lane(GsBiquad8 *bq, unsigned lane) GS_REALTIME;
/// n frames of GS_LANES interleaved channels through every section; in and
/// out may alias. Real-time safe.
void gs_biquad8_process(GsBiquad8 *bq, const float *in, float *out, uint32_t n) GS_REALTIME;

// The variants (biquad8-c.c, biquad8-avx2.c), internal to biquad8.c.
void gs_biquad8_kernel_c(GsBiquad8 *bq, const float *in, float *out, uint32_t n) GS_REALTIME;
#ifdef GS_LANES_HAVE_AVX2
void gs_biquad8_kernel_avx2(GsBiquad8 *bq, const float *in, float *out, uint32_t n)
  GS_REALTIME;
#endif

#endif  // GS_DSP_BIQUAD8_H
