// SPDX-License-Identifier: ISC
// 3-tap linear-phase compensation of first-order ADAA droop.

#include "dsp/adaa_eq.h"

#include "dsp/shaper.h"

#include <math.h>
#include <stddef.h>

// The droop of the shapers and this FIR at w (radians per sample of the
// equaliser's rate), with eq's stage counts and a.
static double response(const GsAdaaEq *eq, double a, double w)
{
  const double s = sin(w / 2.0);
  return pow(gs_shaper_adaa_response(1, w), eq->n_first) *
         pow(gs_shaper_adaa_response(2, w * eq->second_scale), eq->n_second) *
         (1.0 + 4.0 * a * s * s);
}

// Largest deviation in dB from flat over the band, for one value of a.
static double worst_db(const GsAdaaEq *eq, double a, double w_edge)
{
  double worst = 0.0;
  for (int i = 1; i <= 64; ++i) {
    const double dev = fabs(20.0 * log10(response(eq, a, w_edge * i / 64.0)));
    worst = dev > worst ? dev : worst;
  }
  return worst;
}

void gs_adaa_eq_init(GsAdaaEq *eq, unsigned factor, double rate_hz, unsigned n_first,
                     unsigned n_second)
{
  gs_adaa_eq_init_rates(eq, factor, factor, rate_hz, n_first, n_second);
}

void gs_adaa_eq_init_rates(GsAdaaEq *eq, unsigned factor, unsigned second_factor, double rate_hz,
                           unsigned n_first, unsigned n_second)
{
  eq->n_first = n_first;
  eq->n_second = n_second;
  eq->second_scale = (double)factor / (double)second_factor;
  // Band edge: 20 kHz, or 0.4167 of the base rate when that is lower.
  const double edge_hz = fmin(20000.0, 0.4167 * rate_hz);
  const double w_edge = 2.0 * M_PI * edge_hz / (rate_hz * factor);
  // a = n/8 cancels the w^2 term of the Taylor series for n first-order
  // stages (cos(w/2) = 1 - w^2/8 ...), 5/48 for each second-order one
  // (1 - 5 w^2/48 ...); a golden-section search below half a stage each
  // finds the minimax optimum (the error is unimodal in a).
  double lo = 0.0, hi = 0.5 * (n_first + n_second);
  const double g = (sqrt(5.0) - 1.0) / 2.0;
  for (int i = 0; i < 60; ++i) {
    const double m1 = hi - g * (hi - lo), m2 = lo + g * (hi - lo);
    if (worst_db(eq, m1, w_edge) < worst_db(eq, m2, w_edge)) {
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
         log10(fabs(response(eq, eq->a, 2.0 * M_PI * freq_hz / (rate_hz * factor))));
}

// Samples per pass: the inputs are copied beside the two before them, so the
// loop reads only that copy, writes only out (which may be in) and vectorises,
// built for AVX2 and for the baseline, as shaper.c's loops are.
#define CHUNK 256

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
__attribute__((target_clones("avx2", "default")))
#endif
void gs_adaa_eq_process(GsAdaaEq *eq, const float *in, float *out, uint32_t n)
{
  const float a = eq->a, centre = 1.0f + 2.0f * eq->a;
  float x[CHUNK + 2];
  x[0] = eq->x2;
  x[1] = eq->x1;
  for (uint32_t done = 0; done < n;) {
    const size_t m = n - done < CHUNK ? n - done : CHUNK;
    const float *src = in + done;
    float *dst = out + done;
    for (size_t i = 0; i < m; ++i) {
      x[i + 2] = src[i];
    }
    for (size_t i = 0; i < m; ++i) {
      dst[i] = centre * x[i + 1] - a * (x[i + 2] + x[i]);
    }
    x[0] = x[m];
    x[1] = x[m + 1];
    done += (uint32_t)m;
  }
  eq->x1 = x[1];
  eq->x2 = x[0];
}
