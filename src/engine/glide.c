// SPDX-License-Identifier: ISC
// Gliding gains for the mixer.

#include "engine/glide.h"

#include <math.h>

float gs_glide_coef(double rate_hz, double time_s)
{
  return (float)(1.0 - exp(-1.0 / (rate_hz * time_s)));
}

void gs_glide_mix(GsGlide *g, float coef, const float *in, float *out, uint32_t n)
{
  // The glide runs in double: in float a one-pole glide stalls short of its
  // target once each step is below half an ulp, and would never snap.
  const double target = g->target;
  double glide = g->current;
  uint32_t i = 0;
  for (; i < n && glide != target; ++i) {
    glide += coef * (target - glide);
    if (fabs(target - glide) <= 1e-6 * fabs(target) + 1e-9) {
      glide = target;
    }
    out[i] += (float)glide * in[i];
  }
  g->current = (float)glide;
  const float cur = g->current;
  if (cur == 0.0f) {
    return;  // a silent send costs nothing
  }
  for (; i < n; ++i) {
    out[i] += cur * in[i];
  }
}
