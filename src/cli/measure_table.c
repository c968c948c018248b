// SPDX-License-Identifier: ISC
// gainstage measure's tables for a terminal.

#include "cli/measure_report.h"

#include <math.h>

const double gs_measure_third_octaves[31] = {
  20,   25,   31.5, 40,   50,   63,   80,   100,  125,   160,   200,   250,   315,   400,  500, 630,
  800,  1000, 1250, 1600, 2000, 2500, 3150, 4000, 5000, 6300, 8000, 10000, 12500, 16000, 20000,
};

static void response(FILE *f, const GsDut *dut, const GsMeasurement *m)
{
  const GsResponse *r = &m->response;
  fprintf(f, "\nFrequency response: sweep at %+.1f %s; phase without %.2f samples of delay\n",
          r->level, dut->in_unit, r->delay);
  fprintf(f, "  %8s  %9s  %9s  %9s  %12s\n", "Hz", "gain dB", "re 1k dB", "phase deg",
          "delay smp");
  // Rows up to the sweep's end: above it the response was not measured.
  const double top = gs_measure_top_hz(r->rate_hz) * (1.0 + 1e-9);
  for (size_t i = 0; i < 31 && gs_measure_third_octaves[i] <= top; ++i) {
    GsResponsePoint p;
    gs_measure_response_at(r, gs_measure_third_octaves[i], &p);
    fprintf(f, "  %8g  %+9.3f  %+9.3f  %+9.2f  %12.3f\n", p.freq_hz, p.magnitude_db,
            p.magnitude_db - r->ref_db, p.phase_deg, p.group_delay);
  }
}

static void sine_rows(FILE *f, const GsDut *dut, const GsSinePoint *p, size_t n)
{
  fprintf(f, "  %8s  %6s %-4s  %6s %-4s  %8s  %11s  %11s\n", "Hz", "in", dut->in_unit, "out",
          dut->out_unit, "gain dB", "THD %", "THD+N %");
  for (size_t i = 0; i < n; ++i) {
    fprintf(f, "  %8.1f  %+11.1f  %+11.2f  %+8.2f  %11.3g  %11.3g\n", p[i].freq_hz,
            p[i].level_in, p[i].level_out, p[i].gain_db, p[i].thd_percent, p[i].thd_n_percent);
  }
}

static void spectrum(FILE *f, const GsDut *dut, const GsSinePoint *p)
{
  fprintf(f, "\nHarmonic spectrum: %.1f Hz at %+.1f %s in, %+.2f %s out (dB re H1)\n", p->freq_hz,
          p->level_in, dut->in_unit, p->level_out, dut->out_unit);
  fprintf(f, " ");
  for (unsigned h = 1; h <= GS_MEASURE_HARMONICS; ++h) {
    fprintf(f, " %7s%u", "H", h);
  }
  fprintf(f, "\n ");
  for (unsigned h = 1; h <= GS_MEASURE_HARMONICS; ++h) {
    if (p->harmonic_dbc[h] <= -299.0) {
      fprintf(f, " %8s", "-");
    } else {
      fprintf(f, " %+8.1f", p->harmonic_dbc[h]);
    }
  }
  fprintf(f, "\n  THD %.3g %% (%.1f dB), THD+N %.3g %%\n", p->thd_percent,
          20.0 * log10(fmax(p->thd_percent / 100.0, 1e-15)), p->thd_n_percent);
}

static void noise(FILE *f, const GsDut *dut, const GsNoiseResult *n)
{
  fprintf(f, "\nNoise (%s, no signal, %g Hz to %g kHz)\n",
          dut->can_noise ? "the device's noise on" : "the device as it is", n->band_lo_hz,
          n->band_hi_hz / 1000.0);
  fprintf(f, "  gain at 1 kHz         %+8.2f dB\n", n->gain_db);
  if (n->out_a <= -299.0) {
    fprintf(f, "  output noise          none: digital silence\n");
    fprintf(f, "  max level %-11s in %+.1f %s, out %+.1f %s\n",
            n->max_reached ? "(1% THD+N)" : "(tried)", n->max_in, dut->in_unit, n->max_out,
            dut->out_unit);
    return;
  }
  fprintf(f, "  output noise          %8.1f %s(A)  %8.1f %s unweighted\n", n->out_a,
          dut->out_unit, n->out_flat, dut->out_unit);
  fprintf(f, "  equivalent input      %8.1f %s(A)  %8.1f %s unweighted\n", n->ein_a,
          dut->in_unit, n->ein_flat, dut->in_unit);
  fprintf(f, "  max level %-11s in %+.1f %s, out %+.1f %s\n",
          n->max_reached ? "(1% THD+N)" : "(tried)", n->max_in, dut->in_unit, n->max_out,
          dut->out_unit);
  fprintf(f, "  dynamic range         %8.1f dB(A)\n", n->dynamic_range_db);
}

static void aliasing(FILE *f, const GsDut *dut, const GsMeasurement *m)
{
  // The analysis band: 20 Hz to 20 kHz, or to Nyquist below 40 kHz.
  fprintf(f, "\nAliasing: sines at %+.1f %s, non-harmonic energy in 20 Hz to %g kHz (dBc)%s\n",
          m->settings.alias_level, dut->in_unit, fmin(20000.0, dut->rate_hz / 2.0) / 1000.0,
          dut->can_oversample ? "" : "; one row: the device's own oversampling");
  fprintf(f, "  %12s", "oversampling");
  for (size_t i = 0; i < m->n_alias_freq; ++i) {
    fprintf(f, "  %6.0f Hz", m->alias_freq[i]);
  }
  fputc('\n', f);
  for (size_t r = 0; r < m->n_alias; ++r) {
    if (m->alias[r].oversample) {
      fprintf(f, "  %11ux", m->alias[r].oversample);
    } else {
      fprintf(f, "  %12s", "own");
    }
    for (size_t i = 0; i < m->n_alias_freq; ++i) {
      fprintf(f, "  %9.1f", m->alias[r].dbc[i]);
    }
    fputc('\n', f);
  }
}

void gs_measure_print_table(FILE *f, const GsDut *dut, const GsMeasurement *m)
{
  fprintf(f, "%s at %g Hz: levels in %s in, %s out", dut->name, dut->rate_hz, dut->in_unit,
          dut->out_unit);
  if (!isnan(dut->ref_dbu)) {
    fprintf(f, " (converter reference %+.1f dBu = 0 dBFS)", dut->ref_dbu);
  }
  fputc('\n', f);
  if (m->what & GS_MEASURE_RESPONSE) {
    response(f, dut, m);
  }
  if (m->what & GS_MEASURE_THD_LEVEL) {
    fprintf(f, "\nTHD vs level at 1 kHz\n");
    sine_rows(f, dut, m->thd_level, m->n_thd_level);
  }
  if (m->what & GS_MEASURE_THD_FREQ) {
    fprintf(f, "\nTHD vs frequency at %+.1f %s\n", m->settings.level, dut->in_unit);
    sine_rows(f, dut, m->thd_freq, m->n_thd_freq);
  }
  if (m->what & GS_MEASURE_SPECTRUM) {
    spectrum(f, dut, &m->spectrum);
  }
  if (m->what & GS_MEASURE_NOISE) {
    noise(f, dut, &m->noise);
  }
  if (m->what & GS_MEASURE_ALIASING) {
    aliasing(f, dut, m);
  }
  if (m->what & GS_MEASURE_LATENCY) {
    const GsLatencyResult *l = &m->latency;
    fprintf(f, "\nLatency: %.2f samples by correlation, %.2f by the phase at 1 kHz", l->correlation,
            l->phase_1k);
    if (!isnan(l->reported)) {
      fprintf(f, ", %.2f reported", l->reported);
    }
    fputc('\n', f);
  }
  fprintf(f, "\n(measured in %.2f s)\n", m->seconds);
}
