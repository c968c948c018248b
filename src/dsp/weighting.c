// SPDX-License-Identifier: ISC
// A-weighting from the analog prototype of IEC 61672-1.

#include "dsp/weighting.h"

#include <math.h>

// Unnormalised A response R_A(f) (IEC 61672-1:2013, Annex E, eq. E.6).
static double r_a(double f)
{
  const double f1 = 20.598997, f2 = 107.65265, f3 = 737.86223, f4 = 12194.217;
  const double f_sq = f * f;
  return (f4 * f4 * f_sq * f_sq) /
         ((f_sq + f1 * f1) * sqrt((f_sq + f2 * f2) * (f_sq + f3 * f3)) * (f_sq + f4 * f4));
}

double gs_a_weighting(double freq_hz)
{
  return r_a(freq_hz) / r_a(1000.0);  // normalised so A(1 kHz) = 0 dB
}

double gs_a_weighting_power(double lo_hz, double hi_hz)
{
  // Simpson's rule on a 1 Hz grid: the curve is smooth at that scale, so the
  // error is far below 0.001 dB.
  const unsigned n = (unsigned)ceil(hi_hz - lo_hz) & ~1u;
  if (n < 2) {
    return 0.0;
  }
  const double h = (hi_hz - lo_hz) / n;
  double sum = 0.0;
  for (unsigned i = 0; i <= n; ++i) {
    const double a = gs_a_weighting(lo_hz + h * i);
    const double w = (i == 0 || i == n) ? 1.0 : (i % 2 ? 4.0 : 2.0);
    sum += w * a * a;
  }
  return sum * h / 3.0;
}
