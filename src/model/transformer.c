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
  t->pole2 = t->pole * t->pole;
  t->pole4 = t->pole2 * t->pole2;
  t->in_gain = (float)(w_sat / (rate_hz * sat_level));
  t->loss = (float)(loss * sat_level);
  gs_transformer_reset(t);
}

void gs_transformer_reset(GsTransformer *t)
{
  *t = (GsTransformer){.pole = t->pole, .pole2 = t->pole2, .pole4 = t->pole4,
                       .in_gain = t->in_gain, .loss = t->loss};
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

// The flux recursion f[n] = p f[n-1] + u[n] (u = in_gain x) would make
// every sample wait for the one before: a multiply and an add per sample on
// the critical path, at 8x the base rate. Looked ahead by four samples,
//   v[n] = p u[n-1] + u[n]
//   f[n] = p^4 f[n-4] + (p^2 v[n-2] + v[n])
// it is the same recursion (Parhi and Messerschmitt's look-ahead: the sum is
// p^0..p^3 times u[n..n-3]); the first two lines have no recursion and
// vectorise, and the last recurses over four samples, so four run at once.
// gs_transformer8 does the same operations in the same order, per lane.
void gs_transformer_process(GsTransformer *t, const float *in, float *out, uint32_t n)
{
  enum { CHUNK = 256 };
  float u[CHUNK + 1], v[CHUNK + 2], flux[CHUNK + 4], root[CHUNK];
  const float pole = t->pole, pole2 = t->pole2, pole4 = t->pole4;
  const float in_gain = t->in_gain, loss = t->loss;
  for (uint32_t done = 0; done < n; done += CHUNK) {
    const uint32_t m = n - done < CHUNK ? n - done : CHUNK;
    const float *x = in + done;
    u[0] = t->u1;
    v[0] = t->v[0];
    v[1] = t->v[1];
    for (unsigned k = 0; k < 4; ++k) {
      flux[k] = t->flux[k];
    }
    for (uint32_t i = 0; i < m; ++i) {
      u[i + 1] = in_gain * x[i];
    }
    for (uint32_t i = 0; i < m; ++i) {
      v[i + 2] = pole * u[i] + u[i + 1];
    }
    for (uint32_t i = 0; i < m; ++i) {
      flux[i + 4] = pole4 * flux[i] + (pole2 * v[i] + v[i + 2]);
    }
    for (uint32_t i = 0; i < m; ++i) {
      root[i] = 1.0f + flux[i + 4] * flux[i + 4];
    }
    roots(root, m);
    // The nonlinear part of the magnetising current: flux - flux / sqrt(1 +
    // flux^2) is flux^3 / 2 for small flux and grows linearly once the core
    // is saturated (the inductance has collapsed). It is smooth and driven by
    // the low-passed flux, so it makes little aliasing.
    float *y = out + done;
    for (uint32_t i = 0; i < m; ++i) {
      const float f = flux[i + 4];
      y[i] = x[i] - loss * (f - f / root[i]);
    }
    t->u1 = u[m];
    t->v[0] = v[m];
    t->v[1] = v[m + 1];
    for (unsigned k = 0; k < 4; ++k) {
      t->flux[k] = flux[m + k];
    }
  }
}
