// SPDX-License-Identifier: ISC
// Output transformer core saturation.

#include "model/transformer.h"

#include <math.h>

void gs_transformer_init(GsTransformer *t, double rate_hz, double corner_hz, double sat_level,
                         double sat_freq_hz, double loss)
{
  // One-pole integrator: flux[n] = pole * flux[n-1] + g * x[n]. Well above the
  // corner its gain is about g / (w / rate), so a sine of amplitude sat_level
  // at sat_freq_hz gives a flux of amplitude 1 when g = w_sat / (rate * level).
  const double w_sat = 2.0 * M_PI * sat_freq_hz;
  t->pole = (float)exp(-2.0 * M_PI * corner_hz / rate_hz);
  t->in_gain = (float)(w_sat / (rate_hz * sat_level));
  t->loss = (float)(loss * sat_level);
  gs_transformer_reset(t);
}

void gs_transformer_reset(GsTransformer *t)
{
  t->flux = 0.0f;
}

void gs_transformer_process(GsTransformer *t, const float *in, float *out, uint32_t n)
{
  const float pole = t->pole, in_gain = t->in_gain, loss = t->loss;
  float flux = t->flux;
  for (uint32_t i = 0; i < n; ++i) {
    const float x = in[i];
    flux = pole * flux + in_gain * x;
    // The nonlinear part of the magnetising current: flux - flux / sqrt(1 +
    // flux^2) is flux^3 / 2 for small flux and grows linearly once the core
    // is saturated (the inductance has collapsed). It is smooth and driven by
    // the low-passed flux, so it makes little aliasing.
    const float current = flux - flux / sqrtf(1.0f + flux * flux);
    out[i] = x - loss * current;
  }
  t->flux = flux;
}
