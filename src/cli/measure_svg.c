// SPDX-License-Identifier: ISC
// gainstage measure's plots: response, phase, group delay, THD vs level and
// frequency, the harmonic spectrum, each an SVG file in one folder.

#include "cli/measure_plot.h"
#include "cli/measure_report.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

typedef struct {
  const char *dir;
  const GsDut *dut;
  GsError *err;
} Ctx;

static GsStatus plot(const Ctx *c, const char *file, GsPlotAxes a, const GsPlotSeries *s,
                     size_t n)
{
  char path[4096];
  snprintf(path, sizeof(path), "%s/%s", c->dir, file);
  a.title = c->dut->name;
  return gs_plot_svg(path, &a, s, n, c->err);
}

static GsStatus response(const Ctx *c, const GsMeasurement *m)
{
  const GsResponse *r = &m->response;
  double *x = malloc(r->n * sizeof(double)), *mag = malloc(r->n * sizeof(double));
  double *ph = malloc(r->n * sizeof(double)), *gd = malloc(r->n * sizeof(double));
  GsStatus st = GS_ERR_NOMEM;
  if (x && mag && ph && gd) {
    for (size_t i = 0; i < r->n; ++i) {
      x[i] = r->points[i].freq_hz;
      mag[i] = r->points[i].magnitude_db;
      ph[i] = r->points[i].phase_deg;
      gd[i] = r->points[i].group_delay;
    }
    char sub[256], name[64];
    snprintf(sub, sizeof(sub), "frequency response: log sweep at %+.1f %s", r->level,
             c->dut->in_unit);
    snprintf(name, sizeof(name), "gain (%s out re %s in)", c->dut->out_unit, c->dut->in_unit);
    GsPlotSeries s = {name, x, mag, r->n};
    st = plot(c, "response.svg",
              (GsPlotAxes){.subtitle = sub, .x_label = "frequency (Hz)", .y_label = "gain (dB)",
                           .log_x = true, .y_min_span = 2.0},
              &s, 1);
    if (!st) {
      snprintf(sub, sizeof(sub), "phase, with %.2f samples of delay taken out", r->delay);
      s = (GsPlotSeries){"phase", x, ph, r->n};
      st = plot(c, "phase.svg",
                (GsPlotAxes){.subtitle = sub, .x_label = "frequency (Hz)",
                             .y_label = "phase (degrees)", .log_x = true, .y_min_span = 10.0},
                &s, 1);
    }
    if (!st) {
      s = (GsPlotSeries){"group delay", x, gd, r->n};
      st = plot(c, "group-delay.svg",
                (GsPlotAxes){.subtitle = "group delay", .x_label = "frequency (Hz)",
                             .y_label = "group delay (samples)", .log_x = true,
                             .y_min_span = 2.0},
                &s, 1);
    }
  }
  free(x);
  free(mag);
  free(ph);
  free(gd);
  return st;
}

static double pct_db(double percent)
{
  return percent > 1e-13 ? 20.0 * log10(percent / 100.0) : -300.0;
}

static GsStatus thd(const Ctx *c, const char *file, const GsSinePoint *p, size_t n, bool by_level,
                    double level)
{
  double *x = malloc(n * sizeof(double)), *t = malloc(n * sizeof(double));
  double *tn = malloc(n * sizeof(double));
  GsStatus st = GS_ERR_NOMEM;
  if (x && t && tn) {
    for (size_t i = 0; i < n; ++i) {
      x[i] = by_level ? p[i].level_in : p[i].freq_hz;
      t[i] = pct_db(p[i].thd_percent);
      tn[i] = pct_db(p[i].thd_n_percent);
    }
    char sub[256], xl[64];
    if (by_level) {
      snprintf(sub, sizeof(sub), "THD and THD+N at 1 kHz versus level (20 Hz to 20 kHz)");
      snprintf(xl, sizeof(xl), "input level (%s)", c->dut->in_unit);
    } else {
      snprintf(sub, sizeof(sub), "THD and THD+N versus frequency at %+.1f %s", level,
               c->dut->in_unit);
      snprintf(xl, sizeof(xl), "frequency (Hz)");
    }
    const GsPlotSeries s[2] = {{"THD", x, t, n}, {"THD+N", x, tn, n}};
    st = plot(c, file,
              (GsPlotAxes){.subtitle = sub, .x_label = xl,
                           .y_label = "dB re fundamental (-40 dB = 1 %)", .log_x = !by_level,
                           .y_min_span = 20.0},
              s, 2);
  }
  free(x);
  free(t);
  free(tn);
  return st;
}

static GsStatus spectrum(const Ctx *c, const GsSinePoint *p)
{
  double x[GS_MEASURE_HARMONICS], y[GS_MEASURE_HARMONICS];
  for (unsigned h = 1; h <= GS_MEASURE_HARMONICS; ++h) {
    x[h - 1] = h;
    y[h - 1] = p->harmonic_dbc[h];
  }
  char sub[256];
  snprintf(sub, sizeof(sub), "harmonics of %.0f Hz at %+.1f %s in (THD %.3g %%)", p->freq_hz,
           p->level_in, c->dut->in_unit, p->thd_percent);
  const GsPlotSeries s = {"level (dBc)", x, y, GS_MEASURE_HARMONICS};
  return plot(c, "spectrum.svg",
              (GsPlotAxes){.subtitle = sub, .x_label = "harmonic", .y_label = "dB re H1",
                           .bars = true, .y_min_span = 20.0},
              &s, 1);
}

GsStatus gs_measure_write_svg(const char *dir, const GsDut *dut, const GsMeasurement *m,
                              GsError *err)
{
  if (mkdir(dir, 0755) && errno != EEXIST) {
    snprintf(err->message, sizeof(err->message), "%s: cannot create the folder: %s", dir,
             strerror(errno));
    return GS_ERR_IO;
  }
  const Ctx c = {dir, dut, err};
  GsStatus st = GS_OK;
  if (m->what & GS_MEASURE_RESPONSE) {
    st = response(&c, m);
  }
  if (!st && (m->what & GS_MEASURE_THD_LEVEL)) {
    st = thd(&c, "thd-level.svg", m->thd_level, m->n_thd_level, true, 0.0);
  }
  if (!st && (m->what & GS_MEASURE_THD_FREQ)) {
    st = thd(&c, "thd-frequency.svg", m->thd_freq, m->n_thd_freq, false, m->settings.level);
  }
  if (!st && (m->what & GS_MEASURE_SPECTRUM)) {
    st = spectrum(&c, &m->spectrum);
  }
  if (st == GS_ERR_NOMEM) {
    snprintf(err->message, sizeof(err->message), "out of memory");
  }
  return st;
}
