// SPDX-License-Identifier: ISC
// Output transformer core saturation.

#include "model/transformer.h"

#include <math.h>

#ifdef __SSE__
#  include <xmmintrin.h>
#endif

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

// r[i] = sqrt(r[i]), four at a time where SSE is there: sqrtf() may set errno,
// so compilers do not vectorise it; the instruction gives the same correctly
// rounded roots of these positive arguments.
static void roots(float *r, uint32_t n) GS_REALTIME
{
  uint32_t i = 0;
#ifdef __SSE__
  for (; i + 4 <= n; i += 4) {
    _mm_storeu_ps(r + i, _mm_sqrt_ps(_mm_loadu_ps(r + i)));
  }
#endif
  for (; i < n; ++i) {
    r[i] = sqrtf(r[i]);
  }
}

void gs_transformer_process(GsTransformer *t, const float *in, float *out, uint32_t n)
{
  // Two passes per chunk: the flux recursion alone (one multiply-add per
  // sample), then the saturation current, which has no recursion and so
  // vectorises.
  enum { CHUNK = 256 };
  float flux[CHUNK], root[CHUNK];
  const float pole = t->pole, in_gain = t->in_gain, loss = t->loss;
  float f = t->flux;
  for (uint32_t done = 0; done < n; done += CHUNK) {
    const uint32_t m = n - done < CHUNK ? n - done : CHUNK;
    const float *x = in + done;
    for (uint32_t i = 0; i < m; ++i) {
      f = pole * f + in_gain * x[i];
      flux[i] = f;
      root[i] = 1.0f + f * f;
    }
    roots(root, m);
    // The nonlinear part of the magnetising current: flux - flux / sqrt(1 +
    // flux^2) is flux^3 / 2 for small flux and grows linearly once the core
    // is saturated (the inductance has collapsed). It is smooth and driven by
    // the low-passed flux, so it makes little aliasing.
    float *y = out + done;
    for (uint32_t i = 0; i < m; ++i) {
      y[i] = x[i] - loss * (flux[i] - flux[i] / root[i]);
    }
  }
  t->flux = f;
}
