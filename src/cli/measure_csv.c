// SPDX-License-Identifier: ISC
// gainstage measure as CSV: one value per row, so a spreadsheet or a script
// filters by section and quantity.

#include "cli/measure_report.h"

#include <math.h>

static void row(FILE *f, const char *section, double x, const char *x_unit, const char *quantity,
                double value, const char *unit)
{
  fprintf(f, "%s,", section);
  if (!isnan(x)) {
    fprintf(f, "%.10g", x);
  }
  fprintf(f, ",%s,%s,", x_unit, quantity);
  if (isfinite(value)) {
    fprintf(f, "%.10g", value);
  }
  fprintf(f, ",%s\n", unit);
}

static void sines(FILE *f, const GsDut *dut, const char *section, const GsSinePoint *p, size_t n,
                  bool by_level)
{
  for (size_t i = 0; i < n; ++i) {
    const double x = by_level ? p[i].level_in : p[i].freq_hz;
    const char *xu = by_level ? dut->in_unit : "Hz";
    row(f, section, x, xu, by_level ? "freq" : "level_in", by_level ? p[i].freq_hz : p[i].level_in,
        by_level ? "Hz" : dut->in_unit);
    row(f, section, x, xu, "level_out", p[i].level_out, dut->out_unit);
    row(f, section, x, xu, "gain", p[i].gain_db, "dB");
    row(f, section, x, xu, "thd", p[i].thd_percent, "%");
    row(f, section, x, xu, "thd_n", p[i].thd_n_percent, "%");
  }
}

void gs_measure_print_csv(FILE *f, const GsDut *dut, const GsMeasurement *m)
{
  fprintf(f, "section,x,x_unit,quantity,value,unit\n");
  if (m->what & GS_MEASURE_RESPONSE) {
    const GsResponse *r = &m->response;
    for (size_t i = 0; i < r->n; ++i) {
      const GsResponsePoint *p = &r->points[i];
      row(f, "response", p->freq_hz, "Hz", "gain", p->magnitude_db, "dB");
      row(f, "response", p->freq_hz, "Hz", "phase", p->phase_deg, "deg");
      row(f, "response", p->freq_hz, "Hz", "group_delay", p->group_delay, "samples");
    }
  }
  if (m->what & GS_MEASURE_THD_LEVEL) {
    sines(f, dut, "thd_level", m->thd_level, m->n_thd_level, true);
  }
  if (m->what & GS_MEASURE_THD_FREQ) {
    sines(f, dut, "thd_freq", m->thd_freq, m->n_thd_freq, false);
  }
  if (m->what & GS_MEASURE_SPECTRUM) {
    const GsSinePoint *p = &m->spectrum;
    for (unsigned h = 1; h <= GS_MEASURE_HARMONICS; ++h) {
      row(f, "spectrum", h, "harmonic", "level", p->harmonic_dbc[h] > -299 ? p->harmonic_dbc[h] : NAN,
          "dBc");
    }
    row(f, "spectrum", NAN, "", "thd", p->thd_percent, "%");
    row(f, "spectrum", NAN, "", "thd_n", p->thd_n_percent, "%");
  }
  if (m->what & GS_MEASURE_NOISE) {
    const GsNoiseResult *n = &m->noise;
    row(f, "noise", NAN, "", "gain", n->gain_db, "dB");
    row(f, "noise", NAN, "", "output_a", n->out_a, dut->out_unit);
    row(f, "noise", NAN, "", "output_22k", n->out_flat, dut->out_unit);
    row(f, "noise", NAN, "", "ein_a", n->ein_a, dut->in_unit);
    row(f, "noise", NAN, "", "ein_22k", n->ein_flat, dut->in_unit);
    row(f, "noise", NAN, "", "max_in", n->max_in, dut->in_unit);
    row(f, "noise", NAN, "", "max_out", n->max_out, dut->out_unit);
    row(f, "noise", NAN, "", "dynamic_range_a", n->dynamic_range_db, "dB");
  }
  if (m->what & GS_MEASURE_ALIASING) {
    for (size_t r = 0; r < m->n_alias; ++r) {
      char q[32];
      snprintf(q, sizeof(q), "aliasing_%ux", m->alias[r].oversample);
      for (size_t i = 0; i < m->n_alias_freq; ++i) {
        row(f, "aliasing", m->alias_freq[i], "Hz", m->alias[r].oversample ? q : "aliasing",
            m->alias[r].dbc[i], "dBc");
      }
    }
  }
  if (m->what & GS_MEASURE_LATENCY) {
    row(f, "latency", NAN, "", "correlation", m->latency.correlation, "samples");
    row(f, "latency", NAN, "", "phase_1k", m->latency.phase_1k, "samples");
    row(f, "latency", NAN, "", "reported", m->latency.reported, "samples");
  }
}
