// SPDX-License-Identifier: ISC
// Memoryless nonlinearities with first-order antiderivative anti-aliasing.

#ifndef GS_DSP_SHAPER_H
#define GS_DSP_SHAPER_H

#include "gainstage/realtime.h"

#include <stdbool.h>
#include <stdint.h>

typedef enum {
  GS_SHAPE_HARD,  ///< clip at +-1 (converter overload, analog rail)
  GS_SHAPE_TANH,  ///< tanh: the reference symmetric soft clipper
  GS_SHAPE_SOFT,  ///< x / sqrt(1 + x^2): a cheap symmetric soft clipper
  GS_SHAPE_TUBE,  ///< asymmetric triode-like curve with a bias (even harmonics)
} GsShape;

/// Owned by the processing thread.
typedef struct {
  GsShape shape;
  bool adaa;           ///< first-order ADAA on (Parker, Zavalishin, Le Bihan, DAFx-16)
  double bias;         ///< GS_SHAPE_TUBE: operating point shift
  double knee_pos;     ///< GS_SHAPE_TUBE: knee of the positive half
  double knee_neg;     ///< GS_SHAPE_TUBE: knee of the negative half
  double offset;       ///< GS_SHAPE_TUBE: f(0) before removal, so f(0) = 0
  double x1;           ///< previous input
  double F1;           ///< antiderivative at the previous input
} GsShaper;

/// Curves are normalised: slope 1 at the origin, f(0) = 0, |f| <= 1 for the
/// symmetric ones.
void gs_shaper_init(GsShaper *s, GsShape shape, bool adaa);
/// Tube curve: bias shifts the operating point (more bias, more 2nd
/// harmonic); asymmetry > 1 makes the negative half clip that much earlier.
void gs_shaper_set_tube(GsShaper *s, double bias, double asymmetry);
void gs_shaper_reset(GsShaper *s) GS_REALTIME;

/// The curve itself, without anti-aliasing.
double gs_shaper_eval(const GsShaper *s, double x);
/// Applies the curve (with ADAA when enabled); in and out may alias. With
/// ADAA, when consecutive inputs are within a small epsilon the curve is
/// evaluated at their midpoint instead of the ill-conditioned difference
/// quotient. Real-time safe.
void gs_shaper_process(GsShaper *s, const float *in, float *out, uint32_t n) GS_REALTIME;

/// Added delay in samples at the rate the shaper runs (0.5 with ADAA, else 0).
double gs_shaper_latency(const GsShaper *s);

#endif  // GS_DSP_SHAPER_H
