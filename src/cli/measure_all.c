// SPDX-License-Identifier: ISC
// The measurement sequence of gainstage measure: each measurement asked
// for, at the device's default levels unless told otherwise.

#include "cli/measure.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define RESPONSE_LO_HZ 20.0
#define RESPONSE_PER_OCTAVE 12.0  // points: 121 from 20 Hz to 20 kHz

static const double thd_freqs[] = {20, 40, 63, 100, 200, 400, 1000, 2000, 4000, 6300, 10000};
static const double alias_freqs[] = {5000, 10000, 15000};

GsMeasureSettings gs_measure_settings_default(void)
{
  return (GsMeasureSettings){.what = GS_MEASURE_ALL, .level = NAN, .response_level = NAN,
                             .spectrum_hz = 1000.0, .from = NAN, .to = NAN, .step = 3.0,
                             .alias_level = NAN};
}

static double or_default(double v, double fallback)
{
  return isnan(v) ? fallback : v;
}

// err: what failed, why, and what would work.
static GsStatus fail(GsStatus st, GsDut *dut, const char *what, const char *hint, GsError *err)
{
  if (st && !err->message[0]) {
    snprintf(err->message, sizeof(err->message), "%s: the %s measurement failed: %s (%s)",
             dut->name, what, gs_strerror(st),
             st == GS_ERR_NOMEM ? "measure less at once, or free some memory" : hint);
  }
  return st;
}

static GsStatus aliasing(GsDut *dut, GsMeasurement *m, GsError *err)
{
  for (size_t i = 0; i < sizeof(alias_freqs) / sizeof(alias_freqs[0]); ++i) {
    if (alias_freqs[i] < GS_MEASURE_MAX_FREQ * dut->rate_hz) {
      m->alias_freq[m->n_alias_freq++] = alias_freqs[i];
    }
  }
  const unsigned own = dut->oversample;
  const size_t n_rows = dut->can_oversample ? GS_MEASURE_MAX_FACTORS : 1;
  GsStatus st = GS_OK;
  for (size_t r = 0; r < n_rows && !st; ++r) {
    GsAliasRow *row = &m->alias[m->n_alias++];
    st = gs_measure_alias_row(dut, dut->can_oversample ? gs_measure_factors[r] : 0,
                              m->alias_freq, m->n_alias_freq, m->settings.alias_level, row, err);
  }
  if (dut->can_oversample && !st) {
    st = gs_dut_rebuild(dut, false, own, err);
  }
  return st;
}

GsStatus gs_measure_all(GsDut *dut, const GsMeasureSettings *settings, GsMeasurement *out,
                        GsError *err)
{
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  memset(out, 0, sizeof(*out));
  err->message[0] = '\0';
  GsMeasureSettings s = *settings;
  s.level = or_default(s.level, dut->nominal_level);
  s.response_level = or_default(s.response_level, dut->linear_level);
  s.to = or_default(s.to, dut->max_level);
  s.from = or_default(s.from, s.to - 66.0);
  s.step = s.step > 0 ? s.step : 3.0;
  s.alias_level = or_default(
    s.alias_level,
    isnan(dut->saturation_level) ? 0.0 : dut->saturation_level + GS_MEASURE_ALIAS_PAST_DB);
  out->settings = s;
  out->what = s.what;
  GsStatus st = GS_OK;
  if (s.what & GS_MEASURE_RESPONSE) {
    const double top = gs_measure_top_hz(dut->rate_hz);
    const size_t n = (size_t)lround(RESPONSE_PER_OCTAVE * log2(top / RESPONSE_LO_HZ)) + 1;
    st = fail(gs_measure_response(dut, s.response_level, RESPONSE_LO_HZ, top, n, &out->response),
              dut, "response", "a --response-level further below saturation", err);
  }
  if (!st && (s.what & GS_MEASURE_THD_LEVEL)) {
    const double levels = floor((s.to - s.from) / s.step + 1e-9) + 1.0;
    if (!(levels >= 1.0 && levels <= GS_MEASURE_MAX_LEVELS)) {
      snprintf(err->message, sizeof(err->message),
               "THD vs level from %g to %g by %g: %.0f levels, 1 to %d are valid", s.from, s.to,
               s.step, levels, GS_MEASURE_MAX_LEVELS);
      return GS_ERR_RANGE;
    }
    const size_t n = (size_t)levels;
    out->thd_level = calloc(n, sizeof(GsSinePoint));
    st = out->thd_level ? GS_OK : GS_ERR_NOMEM;
    for (size_t i = 0; i < n && !st; ++i) {
      st = gs_measure_sine(dut, 1000.0, s.from + s.step * (double)i, &out->thd_level[i]);
      out->n_thd_level = i + 1;
    }
    st = fail(st, dut, "THD vs level", "other --from, --to or --step", err);
  }
  if (!st && (s.what & GS_MEASURE_THD_FREQ)) {
    const size_t n = sizeof(thd_freqs) / sizeof(thd_freqs[0]);
    out->thd_freq = calloc(n, sizeof(GsSinePoint));
    st = out->thd_freq ? GS_OK : GS_ERR_NOMEM;
    for (size_t i = 0; i < n && !st; ++i) {
      if (thd_freqs[i] < GS_MEASURE_MAX_FREQ * dut->rate_hz) {
        st = gs_measure_sine(dut, thd_freqs[i], s.level, &out->thd_freq[out->n_thd_freq++]);
      }
    }
    st = fail(st, dut, "THD vs frequency", "another --level", err);
  }
  if (!st && (s.what & GS_MEASURE_SPECTRUM)) {
    st = fail(gs_measure_sine(dut, s.spectrum_hz, s.level, &out->spectrum), dut, "spectrum",
              "another --freq or --level", err);
  }
  if (!st && (s.what & GS_MEASURE_NOISE)) {
    st = fail(gs_measure_noise(dut, &out->noise, err), dut, "noise",
              "the other measurements without noise", err);
  }
  if (!st && (s.what & GS_MEASURE_ALIASING)) {
    st = fail(aliasing(dut, out, err), dut, "aliasing", "another --alias-level", err);
  }
  if (!st && (s.what & GS_MEASURE_LATENCY)) {
    st = fail(gs_measure_latency(dut, &out->latency, err), dut, "latency",
              "the other measurements without latency", err);
  }
  clock_gettime(CLOCK_MONOTONIC, &t1);
  out->seconds = (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec);
  return st;
}

void gs_measurement_free(GsMeasurement *m)
{
  gs_measure_response_free(&m->response);
  free(m->thd_level);
  free(m->thd_freq);
  m->thd_level = m->thd_freq = NULL;
}

const unsigned gs_measure_factors[GS_MEASURE_MAX_FACTORS] = {1, 2, 4, 8};

GsStatus gs_measure_alias_row(GsDut *dut, unsigned oversample, const double *freq_hz, size_t n,
                              double level, GsAliasRow *row, GsError *err)
{
  GsStatus st = oversample ? gs_dut_rebuild(dut, false, oversample, err) : GS_OK;
  row->oversample = dut->oversample;
  for (size_t f = 0; f < n && !st; ++f) {
    GsSinePoint p;
    if (!(st = gs_measure_sine(dut, freq_hz[f], level, &p))) {
      row->dbc[f] = p.aliasing_dbc;
      row->thd_percent[f] = p.thd_percent;
    }
  }
  return st;
}
