// SPDX-License-Identifier: ISC
// Noise of a device with its own noise on: A-weighted and 22 Hz to 22 kHz,
// referred to the input by the measured gain, and the dynamic range.

#include "cli/measure.h"

#include "dsp/pow2.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#define NOISE_S 2.7   // analysis length: 131072 samples at 48 kHz
#define SETTLE_S 0.1
#define BAND_LO_HZ 22.0
#define BAND_HI_HZ 22000.0
#define MAX_SEARCH_DB 40.0  // the 1 % search starts this far below the nominal level

static double level_of(const GsDut *dut, double rms)
{
  // A sine of level L has RMS out_peak 10^(L / 20) / sqrt 2.
  return rms > 0 ? 20.0 * log10(rms * sqrt(2.0) / dut->out_peak) : -300.0;
}

GsStatus gs_measure_noise(GsDut *dut, GsNoiseResult *out, GsError *err)
{
  *out = (GsNoiseResult){0};
  GsSinePoint p;
  GsStatus st = gs_dut_rebuild(dut, false, 0, err);
  if (st || (st = gs_measure_sine(dut, 1000.0, dut->linear_level, &p))) {
    return st;
  }
  out->gain_db = p.gain_db;
  if ((st = gs_measure_max_level(dut, dut->nominal_level - MAX_SEARCH_DB, dut->max_level,
                                 &out->max_in, &out->max_out, &out->max_reached))) {
    return st;
  }
  if (dut->can_noise && (st = gs_dut_rebuild(dut, true, 0, err))) {
    return st;
  }
  const size_t n = gs_pow2_nearest(NOISE_S * dut->rate_hz, 1024);
  const size_t settle = (size_t)llround(SETTLE_S * dut->rate_hz);
  float *x = calloc(settle + n, sizeof(float));
  if (!x) {
    return GS_ERR_NOMEM;
  }
  double rms_a = 0.0, rms_flat = 0.0;
  out->band_lo_hz = BAND_LO_HZ;
  out->band_hi_hz = fmin(BAND_HI_HZ, GS_MEASURE_SWEEP_END * dut->rate_hz);
  if (!(st = gs_dut_reset(dut))) {
    gs_dut_process(dut, x, x, settle + n);
    if (!(st = gs_analysis_noise(x + settle, n, dut->rate_hz, out->band_lo_hz, out->band_hi_hz,
                                 true, &rms_a))) {
      st = gs_analysis_noise(x + settle, n, dut->rate_hz, out->band_lo_hz, out->band_hi_hz,
                             false, &rms_flat);
    }
  }
  free(x);
  if (st) {
    return st;
  }
  out->out_a = level_of(dut, rms_a);
  out->out_flat = level_of(dut, rms_flat);
  out->ein_a = out->out_a - out->gain_db;
  out->ein_flat = out->out_flat - out->gain_db;
  out->dynamic_range_db = out->max_out - out->out_a;
  return dut->can_noise ? gs_dut_rebuild(dut, false, 0, err) : GS_OK;
}
