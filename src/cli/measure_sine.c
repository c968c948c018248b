// SPDX-License-Identifier: ISC
// Coherent sines through a device: THD, THD+N, harmonics, aliasing, and the
// level where distortion reaches 1 %.

#include "cli/measure.h"

#include "dsp/pow2.h"

#include <math.h>
#include <stdlib.h>

#define SETTLE_S 0.5
#define BLOCK_S 0.34  // analysis block: the power of two nearest this
#define LO_HZ 20.0
#define HI_HZ 20000.0
#define MAX_THD_N 0.01  // 1 %: AES17's maximum output level criterion 

static double db(double ratio)
{
  return ratio > 1e-15 ? 20.0 * log10(ratio) : -300.0;
}

GsStatus gs_measure_sine(GsDut *dut, double freq_hz, double level, GsSinePoint *out)
{
  const size_t n = gs_pow2_nearest(BLOCK_S * dut->rate_hz, 1024);
  const size_t settle = (size_t)llround(SETTLE_S * dut->rate_hz);
  const size_t total = settle + n;
  float *x = malloc(total * sizeof(float));
  if (!x) {
    return GS_ERR_NOMEM;
  }
  const size_t k = gs_analysis_coprime_bin(n, dut->rate_hz, freq_hz);
  const double amp = dut->in_peak * pow(10.0, level / 20.0);
  for (size_t i = 0; i < total; ++i) {
    x[i] = (float)(amp * sin(2.0 * M_PI * (double)k * (double)i / (double)n));
  }
  GsSineAnalysis a;
  GsStatus st = gs_dut_reset(dut);
  if (!st) {
    gs_dut_process(dut, x, x, total);
    st = gs_analysis_sine(x + settle, n, k, dut->rate_hz, LO_HZ, HI_HZ, &a);
  }
  free(x);
  if (st) {
    return st;
  }
  *out = (GsSinePoint){.freq_hz = (double)k * dut->rate_hz / (double)n, .level_in = level,
                       .raw = a};
  const double fund = a.fundamental;
  out->level_out = db(fund / dut->out_peak);
  out->gain_db = out->level_out - level;
  out->thd_percent = 100.0 * a.thd;
  out->thd_n_percent = 100.0 * a.thd_n;
  out->aliasing_dbc = gs_power_ratio_db(a.aliasing);
  // The input is sin(w i): at the block's start its phase (cosine
  // reference) is w settle - pi / 2.
  const double omega = 2.0 * M_PI * (double)k / (double)n;
  const double ph_in = 2.0 * M_PI * (double)((k * settle) % n) / (double)n - M_PI / 2.0;
  double dph = remainder(ph_in - a.phase, 2.0 * M_PI);
  if (dph < -M_PI / 2.0) {
    dph += 2.0 * M_PI;
  }
  out->phase_delay = dph / omega;
  out->harmonic_dbc[1] = 0.0;
  for (unsigned h = 2; h <= GS_MEASURE_HARMONICS; ++h) {
    out->harmonic_dbc[h] =
      h <= a.n_harmonics && fund > 0 ? db(a.harmonic[h] / fund) : -300.0;
  }
  return GS_OK;
}

GsStatus gs_measure_max_level(GsDut *dut, double lo, double hi, double *level_in,
                              double *level_out, bool *reached)
{
  GsSinePoint p;
  GsStatus st = gs_measure_sine(dut, 1000.0, hi, &p);
  if (st) {
    return st;
  }
  if (p.thd_n_percent < 100.0 * MAX_THD_N) {
    *level_in = hi;
    *level_out = p.level_out;
    *reached = false;
    return GS_OK;
  }
  double out_lo = NAN;
  if ((st = gs_measure_sine(dut, 1000.0, lo, &p))) {
    return st;
  }
  out_lo = p.level_out;
  if (p.thd_n_percent >= 100.0 * MAX_THD_N) {
    *level_in = lo;  // distorts beyond 1 % from the lowest level tried
    *level_out = out_lo;
    *reached = true;
    return GS_OK;
  }
  while (hi - lo > 0.1) {
    const double mid = 0.5 * (lo + hi);
    if ((st = gs_measure_sine(dut, 1000.0, mid, &p))) {
      return st;
    }
    if (p.thd_n_percent < 100.0 * MAX_THD_N) {
      lo = mid;
      out_lo = p.level_out;
    } else {
      hi = mid;
    }
  }
  *level_in = lo;
  *level_out = out_lo;
  *reached = true;
  return GS_OK;
}
