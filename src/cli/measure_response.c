// SPDX-License-Identifier: ISC
// Frequency response, phase and group delay by exponential sweep; latency
// by cross-correlation and by the phase of a 1 kHz sine.

#include "cli/measure.h"

#include "dsp/delay_estimate.h"
#include "dsp/sweep.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#define SWEEP_START_HZ 10.0
#define SWEEP_S 2.0
#define TAIL_S 1.2
#define PRE_S 0.01   // window before the peak; the 10th harmonic's response is 0.6 s before it
#define POST_S 1.0   // after it: a 2 Hz DC blocker's tail is e^-11 down by then

GsStatus gs_measure_response(GsDut *dut, double level, double lo_hz, double hi_hz,
                             size_t n_points, GsResponse *out)
{
  *out = (GsResponse){.level = level, .rate_hz = dut->rate_hz,
                      .unit_db = 20.0 * log10(dut->in_peak / dut->out_peak)};
  GsSweep s;
  GsStatus st = gs_sweep_design(&s, dut->rate_hz, SWEEP_START_HZ,
                                GS_MEASURE_SWEEP_END * dut->rate_hz, SWEEP_S, TAIL_S);
  if (st || n_points < 2 || !(lo_hz < hi_hz)) {
    return GS_ERR_RANGE;
  }
  const size_t len = gs_sweep_length(&s);
  float *x = malloc(len * sizeof(float));
  float *y = malloc(len * sizeof(float));
  out->ir = malloc(s.n_fft * sizeof(double));
  out->points = calloc(n_points, sizeof(GsResponsePoint));
  double *freq = malloc(n_points * sizeof(double));
  st = GS_ERR_NOMEM;
  if (!x || !y || !out->ir || !out->points || !freq) {
    goto done;
  }
  out->n_ir = s.n_fft;
  gs_sweep_fill(&s, x, dut->in_peak * pow(10.0, level / 20.0));
  if ((st = gs_dut_reset(dut))) {
    goto done;
  }
  gs_dut_process(dut, x, y, len);
  if ((st = gs_sweep_deconvolve(&s, x, y, out->ir)) ||
      (st = gs_response_window(out->ir, s.n_fft, (size_t)llround(PRE_S * dut->rate_hz),
                               (size_t)llround(POST_S * dut->rate_hz), &out->window))) {
    goto done;
  }
  GsResponsePoint ref;
  gs_response_at(out->ir, out->n_ir, &out->window, out->rate_hz, 1000.0, 0.0, &ref);
  out->delay = ref.group_delay;
  out->ref_db = ref.magnitude_db + out->unit_db;
  gs_log_frequencies(lo_hz, hi_hz, n_points, freq);
  for (size_t i = 0; i < n_points; ++i) {
    gs_measure_response_at(out, freq[i], &out->points[i]);
  }
  out->n = n_points;
  st = GS_OK;
done:
  free(x);
  free(y);
  free(freq);
  return st;
}

void gs_measure_response_at(const GsResponse *r, double freq_hz, GsResponsePoint *out)
{
  gs_response_at(r->ir, r->n_ir, &r->window, r->rate_hz, freq_hz, r->delay, out);
  out->magnitude_db += r->unit_db;
}

void gs_measure_response_free(GsResponse *r)
{
  free(r->ir);
  free(r->points);
  r->ir = NULL;
  r->points = NULL;
  r->n = 0;
}

GsStatus gs_measure_latency(GsDut *dut, GsLatencyResult *out, GsError *err)
{
  *out = (GsLatencyResult){.reported = dut->reported_latency, .correlation = NAN,
                           .phase_1k = NAN};
  const size_t n_probe = (size_t)llround(0.25 * dut->rate_hz);
  const size_t n = 2 * n_probe;
  float *x = calloc(n, sizeof(float));
  float *y = malloc(n * sizeof(float));
  if (!x || !y) {
    free(x);
    free(y);
    return GS_ERR_NOMEM;
  }
  const double rms = dut->in_peak / sqrt(2.0) * pow(10.0, dut->linear_level / 20.0);
  gs_delay_probe(x, n_probe, (float)rms, 1);
  GsStatus st = gs_dut_reset(dut);
  GsDelayEstimate d;
  if (!st) {
    gs_dut_process(dut, x, y, n);
    st = gs_delay_estimate(x, n_probe, y, n, &d);
  }
  free(x);
  free(y);
  if (st == GS_ERR_NOMEM) {
    return st;
  }
  if (st) {
    snprintf(err->message, sizeof(err->message),
             "%s: the latency probe did not come back (nothing correlates with it)", dut->name);
    return st;
  }
  out->correlation = d.samples;
  out->confidence_db = d.confidence_db;
  // The phase of a 1 kHz sine: low enough that oversampling filters show
  // their low-frequency delay, high enough that a 2 Hz DC blocker shifts it
  // by only 0.015 samples. Whole periods come from the correlation.
  GsSinePoint p;
  if ((st = gs_measure_sine(dut, 1000.0, dut->linear_level, &p))) {
    return st;
  }
  const double period = dut->rate_hz / p.freq_hz;
  out->phase_1k = p.phase_delay + period * round((out->correlation - p.phase_delay) / period);
  return GS_OK;
}
