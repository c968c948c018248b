// SPDX-License-Identifier: ISC
// 3-tap linear-phase compensation of first-order ADAA droop.

#include "dsp/adaa_eq.h"

#include <math.h>

static double response(double a, unsigned n_stages, double w)
{
  const double s = sin(w / 2.0);
  return pow(cos(w / 2.0), n_stages) * (1.0 + 4.0 * a * s * s);
}

// Largest deviation in dB from flat over the band, for one value of a.
static double worst_db(double a, unsigned n_stages, double w_edge)
{
  double worst = 0.0;
  for (int i = 1; i <= 64; ++i) {
    const double dev = fabs(20.0 * log10(response(a, n_stages, w_edge * i / 64.0)));
    worst = dev > worst ? dev : worst;
  }
  return worst;
}

void gs_adaa_eq_init(GsAdaaEq *eq, unsigned factor, double rate_hz, unsigned n_stages)
{
  eq->n_stages = n_stages;
  // Band edge: 20 kHz, or 0.4167 of the base rate when that is lower.
  const double edge_hz = fmin(20000.0, 0.4167 * rate_hz);
  const double w_edge = 2.0 * M_PI * edge_hz / (rate_hz * factor);
  // a = n/8 cancels the w^2 term of the Taylor series; a golden-section
  // search around it finds the minimax optimum (the error is unimodal in a).
  double lo = 0.0, hi = 0.5 * n_stages;
  const double g = (sqrt(5.0) - 1.0) / 2.0;
  for (int i = 0; i < 60; ++i) {
    const double m1 = hi - g * (hi - lo), m2 = lo + g * (hi - lo);
    if (worst_db(m1, n_stages, w_edge) < worst_db(m2, n_stages, w_edge)) {
      hi = m2;
    } else {
      lo = m1;
    }
  }
  eq->a = (float)((lo + hi) / 2.0);
  gs_adaa_eq_reset(eq);
}

void gs_adaa_eq_reset(GsAdaaEq *eq)
{
  eq->x1 = eq->x2 = 0.0f;
}

double gs_adaa_eq_response_db(const GsAdaaEq *eq, unsigned factor, double rate_hz,
                              double freq_hz)
{
  return 20.0 *
         log10(fabs(response(eq->a, eq->n_stages, 2.0 * M_PI * freq_hz / (rate_hz * factor))));
}

typedef float Vec4 __attribute__((vector_size(4 * sizeof(float))));

// y[i] = (1 + 2a) x[i-1] - a (x[i] + x[i-2]) runs backwards, so that out may
// be in itself: y[i] is written after the last read of x[i]. Four at a time
// in the vector extension, the rest one at a time with the same operations.
void gs_adaa_eq_process(GsAdaaEq *eq, const float *in, float *out, uint32_t n)
{
  if (n == 0) {
    return;
  }
  const float a = eq->a, centre = 1.0f + 2.0f * eq->a;
  const float x1 = eq->x1, x2 = eq->x2;
  eq->x1 = in[n - 1];
  eq->x2 = n >= 2 ? in[n - 2] : x1;
  uint32_t i = n;
  for (; i >= 2 + 4; i -= 4) {
    Vec4 left, mid, right;
    __builtin_memcpy(&left, in + i - 6, sizeof(left));
    __builtin_memcpy(&mid, in + i - 5, sizeof(mid));
    __builtin_memcpy(&right, in + i - 4, sizeof(right));
    const Vec4 y = centre * mid - a * (right + left);
    __builtin_memcpy(out + i - 4, &y, sizeof(y));
  }
  for (; i > 2; --i) {
    out[i - 1] = centre * in[i - 2] - a * (in[i - 1] + in[i - 3]);
  }
  if (n >= 2) {
    out[1] = centre * in[0] - a * (in[1] + x1);
  }
  out[0] = centre * x1 - a * (in[0] + x2);
}
