// SPDX-License-Identifier: ISC
// gainstage measure as JSON (jansson).

#include "cli/measure_report.h"

#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

// The length of the well-formed UTF-8 sequence at s (RFC 3629: no overlong
// forms, no surrogates, nothing above U+10FFFF), 0 when there is none.
static size_t utf8_sequence(const unsigned char *s)
{
  if (s[0] < 0x80) {
    return 1;
  }
  size_t n;
  unsigned lo = 0x80, hi = 0xBF;  // bounds of the second byte
  if (s[0] >= 0xC2 && s[0] <= 0xDF) {
    n = 2;
  } else if (s[0] >= 0xE0 && s[0] <= 0xEF) {
    n = 3;
    lo = s[0] == 0xE0 ? 0xA0 : 0x80;
    hi = s[0] == 0xED ? 0x9F : 0xBF;
  } else if (s[0] >= 0xF0 && s[0] <= 0xF4) {
    n = 4;
    lo = s[0] == 0xF0 ? 0x90 : 0x80;
    hi = s[0] == 0xF4 ? 0x8F : 0xBF;
  } else {
    return 0;
  }
  if (s[1] < lo || s[1] > hi) {
    return 0;
  }
  for (size_t i = 2; i < n; ++i) {
    if (s[i] < 0x80 || s[i] > 0xBF) {
      return 0;
    }
  }
  return n;
}

// text as a JSON string, each byte of it that is not UTF-8 as U+FFFD.
static json_t *utf8_string(const char *text)
{
  const size_t len = strlen(text);
  char *buf = malloc(3 * len + 1);
  if (!buf) {
    return NULL;
  }
  size_t j = 0;
  for (const unsigned char *s = (const unsigned char *)text; *s;) {
    const size_t n = utf8_sequence(s);
    if (n) {
      memcpy(buf + j, s, n);
      j += n;
      s += n;
    } else {
      memcpy(buf + j, "\xEF\xBF\xBD", 3);
      j += 3;
      ++s;
    }
  }
  buf[j] = '\0';
  json_t *str = json_stringn(buf, j);
  free(buf);
  return str;
}

// A number, or null where there is none (silence, not measured).
static json_t *num(double v)
{
  return isfinite(v) && v > -299.0 ? json_real(v) : json_null();
}

static json_t *sines(const GsSinePoint *p, size_t n)
{
  json_t *a = json_array();
  for (size_t i = 0; i < n; ++i) {
    json_array_append_new(
      a, json_pack("{s:o, s:o, s:o, s:o, s:o, s:o}", "freq_hz", num(p[i].freq_hz), "level_in",
                   num(p[i].level_in), "level_out", num(p[i].level_out), "gain_db",
                   num(p[i].gain_db), "thd_percent", num(p[i].thd_percent), "thd_n_percent",
                   num(p[i].thd_n_percent)));
  }
  return a;
}

GsStatus gs_measure_print_json(FILE *f, const GsDut *dut, const GsMeasurement *m, GsError *err)
{
  json_t *root = json_pack("{s:o, s:s, s:f, s:s, s:s, s:o, s:f}", "device",
                           utf8_string(dut->name), "kind", dut->kind, "rate_hz", dut->rate_hz,
                           "in_unit", dut->in_unit, "out_unit", dut->out_unit, "ref_dbu",
                           num(dut->ref_dbu), "seconds", m->seconds);
  if (!root) {
    snprintf(err->message, sizeof(err->message), "the JSON report: out of memory");
    return GS_ERR_NOMEM;
  }
  if (m->what & GS_MEASURE_RESPONSE) {
    const GsResponse *r = &m->response;
    json_t *pts = json_array();
    for (size_t i = 0; i < r->n; ++i) {
      const GsResponsePoint *p = &r->points[i];
      json_array_append_new(pts, json_pack("{s:o, s:o, s:o, s:o}", "freq_hz", num(p->freq_hz),
                                           "gain_db", num(p->magnitude_db), "phase_deg",
                                           num(p->phase_deg), "group_delay_samples",
                                           num(p->group_delay)));
    }
    json_object_set_new(root, "response",
                        json_pack("{s:o, s:o, s:o, s:o}", "level", num(r->level),
                                  "delay_removed_samples", num(r->delay), "gain_1k_db",
                                  num(r->ref_db), "points", pts));
  }
  if (m->what & GS_MEASURE_THD_LEVEL) {
    json_object_set_new(root, "thd_vs_level", sines(m->thd_level, m->n_thd_level));
  }
  if (m->what & GS_MEASURE_THD_FREQ) {
    json_object_set_new(root, "thd_vs_frequency",
                        json_pack("{s:o, s:o}", "level", num(m->settings.level), "points",
                                  sines(m->thd_freq, m->n_thd_freq)));
  }
  if (m->what & GS_MEASURE_SPECTRUM) {
    json_t *h = json_array();
    for (unsigned i = 1; i <= GS_MEASURE_HARMONICS; ++i) {
      json_array_append_new(h, num(m->spectrum.harmonic_dbc[i]));
    }
    json_object_set_new(root, "spectrum",
                        json_pack("{s:o, s:o, s:o, s:o, s:o, s:o}", "freq_hz",
                                  num(m->spectrum.freq_hz), "level_in", num(m->spectrum.level_in),
                                  "level_out", num(m->spectrum.level_out), "harmonics_dbc", h,
                                  "thd_percent", num(m->spectrum.thd_percent), "thd_n_percent",
                                  num(m->spectrum.thd_n_percent)));
  }
  if (m->what & GS_MEASURE_NOISE) {
    const GsNoiseResult *n = &m->noise;
    json_object_set_new(
      root, "noise",
      json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:b, s:o}", "gain_db", num(n->gain_db),
                "output_a", num(n->out_a), "output_22k", num(n->out_flat), "ein_a",
                num(n->ein_a), "ein_22k", num(n->ein_flat), "max_in", num(n->max_in), "max_out",
                num(n->max_out), "max_reached", n->max_reached, "dynamic_range_db",
                num(n->out_a > -299.0 ? n->dynamic_range_db : NAN)));
  }
  if (m->what & GS_MEASURE_ALIASING) {
    json_t *rows = json_array();
    for (size_t r = 0; r < m->n_alias; ++r) {
      json_t *v = json_array();
      for (size_t i = 0; i < m->n_alias_freq; ++i) {
        json_array_append_new(v, num(m->alias[r].dbc[i]));
      }
      json_array_append_new(rows, json_pack("{s:o, s:o}", "oversample",
                                            m->alias[r].oversample
                                              ? json_integer(m->alias[r].oversample)
                                              : json_null(),
                                            "dbc", v));
    }
    json_t *freqs = json_array();
    for (size_t i = 0; i < m->n_alias_freq; ++i) {
      json_array_append_new(freqs, json_real(m->alias_freq[i]));
    }
    json_object_set_new(root, "aliasing",
                        json_pack("{s:o, s:o, s:o}", "level", num(m->settings.alias_level),
                                  "freq_hz", freqs, "rows", rows));
  }
  if (m->what & GS_MEASURE_LATENCY) {
    json_object_set_new(root, "latency",
                        json_pack("{s:o, s:o, s:o}", "correlation_samples",
                                  num(m->latency.correlation), "phase_1k_samples",
                                  num(m->latency.phase_1k), "reported_samples",
                                  num(m->latency.reported)));
  }
  errno = 0;
  const int rc = json_dumpf(root, f, JSON_INDENT(2) | JSON_REAL_PRECISION(10));
  json_decref(root);
  if (rc || fputc('\n', f) == EOF) {
    snprintf(err->message, sizeof(err->message), "cannot write the JSON report: %s",
             errno ? strerror(errno) : "it could not be encoded or written");
    return GS_ERR_IO;
  }
  return GS_OK;
}
