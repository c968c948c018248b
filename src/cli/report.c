// SPDX-License-Identifier: ISC
// The level report of a processed file, as text or JSON.

#include "cli/report.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

GsStatus gs_report_init(GsReport *r, unsigned channels, double rate_hz, GsError *err)
{
  *r = (GsReport){.channels = channels};
  r->ch = calloc(channels, sizeof(*r->ch));
  if (channels <= GS_LOUDNESS_MAX_CHANNELS) {
    r->loudness = calloc(1, sizeof(*r->loudness));
  }
  if (!r->ch || (channels <= GS_LOUDNESS_MAX_CHANNELS && !r->loudness)) {
    gs_report_free(r);
    snprintf(err->message, sizeof(err->message), "out of memory for %u channel meters",
             channels);
    return GS_ERR_NOMEM;
  }
  for (unsigned c = 0; c < channels; ++c) {
    gs_peak_reset(&r->ch[c].peak);
    gs_truepeak_reset(&r->ch[c].true_peak);
    gs_rms_reset(&r->ch[c].rms);
  }
  if (r->loudness && gs_loudness_init(r->loudness, rate_hz, channels)) {
    free(r->loudness);
    r->loudness = NULL;
  }
  // A file's channels are tracks, not a 5.1 layout: every channel counts
  // with the same weight (BS.1770's weight for L, R and C).
  for (unsigned c = 0; r->loudness && c < channels; ++c) {
    gs_loudness_set_weight(r->loudness, c, 1.0);
  }
  return GS_OK;
}

void gs_report_free(GsReport *r)
{
  free(r->ch);
  free(r->loudness);
  *r = (GsReport){0};
}

void gs_report_add(GsReport *r, const float *frames, uint32_t n_frames)
{
  float column[256];
  for (unsigned c = 0; c < r->channels; ++c) {
    for (uint32_t done = 0; done < n_frames;) {
      const uint32_t m = n_frames - done < 256 ? n_frames - done : 256;
      for (uint32_t i = 0; i < m; ++i) {
        column[i] = frames[(size_t)(done + i) * r->channels + c];
      }
      gs_peak_process(&r->ch[c].peak, column, m);
      gs_truepeak_process(&r->ch[c].true_peak, column, m);
      gs_rms_process(&r->ch[c].rms, column, m);
      done += m;
    }
  }
  if (r->loudness) {
    gs_loudness_add_frames(r->loudness, frames, n_frames);
  }
}

// One row per channel, or one for all when the channels are linked: the
// highest peaks, the power average, the clips added up.
static unsigned n_rows(const GsReport *r, const GsReportSettings *s)
{
  return s->linked ? 1 : r->channels;
}

static GsChannelMeters row(const GsReport *r, const GsReportSettings *s, unsigned i)
{
  if (!s->linked) {
    return r->ch[i];
  }
  GsChannelMeters m = r->ch[0];
  for (unsigned c = 1; c < r->channels; ++c) {
    const GsChannelMeters *o = &r->ch[c];
    m.peak.peak = fmaxf(m.peak.peak, o->peak.peak);
    m.true_peak.peak = fmaxf(m.true_peak.peak, o->true_peak.peak);
    m.rms.sum_sq += o->rms.sum_sq;
    m.rms.n += o->rms.n;
    m.clipped += o->clipped;
  }
  return m;
}

static double integrated(const GsReport *r)
{
  return r->loudness ? gs_loudness_integrated(r->loudness) : -HUGE_VAL;
}

static uint64_t total_clipped(const GsReport *r)
{
  uint64_t n = 0;
  for (unsigned c = 0; c < r->channels; ++c) {
    n += r->ch[c].clipped;
  }
  return n;
}

static void print_db(FILE *out, int width, double db)
{
  if (db > -200.0 && isfinite(db)) {
    fprintf(out, " %*.2f", width, db);
  } else {
    fprintf(out, " %*s", width, "-inf");
  }
}

void gs_report_print(const GsReport *r, const GsReportSettings *s, FILE *out)
{
  fprintf(out, "%s -> %s\n", s->input, s->output);
  fprintf(out, "  model %s, gain %s dB, oversampling %ux, %.0f Hz, %s bit%s%s\n", s->model,
          s->gain, s->oversample, s->rate_hz, s->bits, strcmp(s->dither, "none") ? ", dither " : "",
          strcmp(s->dither, "none") ? s->dither : "");
  fprintf(out, "  latency %.2f samples (%.3f ms)", s->latency_samples,
          1000.0 * s->latency_samples / s->rate_hz);
  if (s->compensated) {
    fprintf(out, ", compensated (%ld samples trimmed, the output lines up with the input)\n",
            s->compensated);
  } else {
    fprintf(out, "\n");
  }
  fprintf(out, "  channel  peak dBFS  true peak dBFS  RMS dBFS   clipped\n");
  for (unsigned c = 0; c < n_rows(r, s); ++c) {
    const GsChannelMeters row_meters = row(r, s, c);
    const GsChannelMeters *m = &row_meters;
    if (s->linked) {
      fprintf(out, "  %7s", "linked");
    } else {
      fprintf(out, "  %7u", c + 1);
    }
    print_db(out, 10, gs_linear_to_db(m->peak.peak));
    print_db(out, 15, gs_linear_to_db(m->true_peak.peak));
    print_db(out, 9, gs_linear_to_db(gs_rms_value(&m->rms)));
    fprintf(out, " %9llu\n", (unsigned long long)m->clipped);
  }
  const double lufs = integrated(r);
  fprintf(out, "  integrated loudness");
  if (!r->loudness) {
    fprintf(out, ": not measured (more than %d channels)\n", GS_LOUDNESS_MAX_CHANNELS);
  } else if (isfinite(lufs)) {
    fprintf(out, " %.1f LUFS\n", lufs);
  } else {
    fprintf(out, " below the -70 LUFS gate (or shorter than 400 ms)\n");
  }
  const uint64_t clips = total_clipped(r);
  if (clips) {
    fprintf(out, "  %llu samples clipped at the converter: lower the gain or engage the pad\n",
            (unsigned long long)clips);
  }
}

// A level in dB, or null for silence (JSON has no -infinity).
static json_t *db_value(double db)
{
  return db > -200.0 && isfinite(db) ? json_real(round(db * 100.0) / 100.0) : json_null();
}

GsStatus gs_report_print_json(const GsReport *r, const GsReportSettings *s, FILE *out)
{
  json_t *root = json_object();
  json_t *chans = json_array();
  for (unsigned c = 0; c < n_rows(r, s); ++c) {
    const GsChannelMeters row_meters = row(r, s, c);
    const GsChannelMeters *m = &row_meters;
    json_array_append_new(
      chans, json_pack("{s:i, s:o, s:o, s:o, s:I}", "channel", (int)c + 1, "peak_dbfs",
                       db_value(gs_linear_to_db(m->peak.peak)), "true_peak_dbfs",
                       db_value(gs_linear_to_db(m->true_peak.peak)), "rms_dbfs",
                       db_value(gs_linear_to_db(gs_rms_value(&m->rms))), "clipped",
                       (json_int_t)m->clipped));
  }
  json_object_set_new(root, "input", json_string(s->input));
  json_object_set_new(root, "output", json_string(s->output));
  json_object_set_new(root, "model", json_string(s->model));
  json_object_set_new(root, "gain_db", json_string(s->gain));
  json_object_set_new(root, "oversample", json_integer(s->oversample));
  json_object_set_new(root, "rate_hz", json_real(s->rate_hz));
  json_object_set_new(root, "frames", json_integer((json_int_t)s->frames));
  json_object_set_new(root, "bits", json_string(s->bits));
  json_object_set_new(root, "dither", json_string(s->dither));
  json_object_set_new(root, "latency_samples", json_real(round(s->latency_samples * 1e4) / 1e4));
  json_object_set_new(root, "latency_ms",
                      json_real(round(1e7 * s->latency_samples / s->rate_hz) / 1e4));
  json_object_set_new(root, "latency_compensated_samples", json_integer(s->compensated));
  json_object_set_new(root, "linked", json_boolean(s->linked));
  json_object_set_new(root, "channels", chans);
  const double lufs = integrated(r);
  json_object_set_new(root, "integrated_lufs",
                      isfinite(lufs) ? json_real(round(lufs * 10.0) / 10.0) : json_null());
  json_object_set_new(root, "loudness_measured", json_boolean(r->loudness != NULL));
  json_object_set_new(root, "clipped", json_integer((json_int_t)total_clipped(r)));
  const int rc = json_dumpf(root, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
  fputc('\n', out);
  json_decref(root);
  return rc ? GS_ERR_IO : GS_OK;
}
