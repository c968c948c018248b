// SPDX-License-Identifier: ISC
// Second-order ADAA of the tube curve on a refined path: the kernels (internal to shaper.c and shaper8.c).

#ifndef GS_DSP_TUBE_ADAA2_H
#define GS_DSP_TUBE_ADAA2_H

#include "dsp/lanes-variants.h"
#include "dsp/shaper.h"
#include "dsp/shaper8.h"
#include "gainstage/realtime.h"

#include <stdint.h>

/// Inputs beyond +-GS_TUBE_ADAA2_MAX are held there (the curve is within
/// k^3 / 2^41 < 3e-11 of its asymptote so far out), so that the products the
/// kernel divides by stay finite in float: the largest is below
/// 16 (2^20)^5 = 2^104.
#define GS_TUBE_ADAA2_MAX 1048576.0f

/// The mono kernel on n samples, lanes holding consecutive intervals; the
/// state is s->hist. Defined in
/// tube_adaa2-impl.h, built once per CPU variant; every variant computes the
/// same operations in the same order, so all agree bit for bit, and with
/// the 8-channel kernel lane for lane.
void gs_tube_adaa2_mono_c(GsShaper *s, const float *in, float *out, uint32_t n) GS_REALTIME;
/// The 8-channel kernel on n frames of GS_LANES interleaved channels.
void gs_tube_adaa2_lanes_c(GsShaper8 *s, const float *in, float *out, uint32_t n) GS_REALTIME;

#ifdef GS_LANES_HAVE_AVX2
void gs_tube_adaa2_mono_avx2(GsShaper *s, const float *in, float *out, uint32_t n) GS_REALTIME;
void gs_tube_adaa2_lanes_avx2(GsShaper8 *s, const float *in, float *out, uint32_t n) GS_REALTIME;
#endif

#endif  // GS_DSP_TUBE_ADAA2_H
