// SPDX-License-Identifier: ISC
// The gain-staging report of a render, as text or JSON.

#include "cli/render_report.h"

#include "gainstage/source.h"
#include "gainstage/units.h"

#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define TARGET_PEAK_DBFS (-12.0)  // where advice aims peaks (Auto Gain's default target)
#define LOW_PEAK_DBFS (-30.0)     // below this a track is too quiet
#define SAFE_HEADROOM_DB 6.0      // advice after a clip leaves this much

GsStatus gs_render_report_init(GsRenderReport *r, const GsSession *s)
{
  *r = (GsRenderReport){.session = s, .n_strips = s->engine.n_strips,
                        .n_mixes = s->engine.n_mixes};
  const unsigned n = r->n_strips, m = r->n_mixes + 1;
  r->tracks = calloc(n, sizeof(*r->tracks));
  r->mixes = calloc(m, sizeof(*r->mixes));
  r->source_peak_v = calloc(n, sizeof(double));
  r->preamp_peak_dbu = calloc(n, sizeof(double));
  r->clips = calloc(n, sizeof(uint64_t));
  r->file = calloc(n, sizeof(*r->file));
  r->mix_file = calloc(m, sizeof(*r->mix_file));
  r->warning = calloc(n, sizeof(*r->warning));
  r->clip_safe_acted = calloc(n, sizeof(uint64_t));
  r->events = calloc(n, sizeof(*r->events));
  r->listen = calloc(m, sizeof(*r->listen));
  r->listen_msg = calloc(m, sizeof(*r->listen_msg));
  if (!r->clip_safe_acted || !r->events || !r->listen || !r->listen_msg || !r->tracks || !r->mixes || !r->source_peak_v || !r->preamp_peak_dbu || !r->clips ||
      !r->file || !r->mix_file || !r->warning) {
    gs_render_report_free(r);
    return GS_ERR_NOMEM;
  }
  for (unsigned i = 0; i < n; ++i) {
    r->preamp_peak_dbu[i] = -200.0;
  }
  return GS_OK;
}

GsStatus gs_render_report_meters(GsRenderReport *r, const GsSession *s, const GsEngine *engine,
                                 GsError *err)
{
  for (unsigned i = 0; i < r->n_strips; ++i) {
    if (gs_report_init(&r->tracks[i], 1, s->rate_hz, err)) {
      return GS_ERR_NOMEM;
    }
  }
  for (unsigned m = 0; m < r->n_mixes; ++m) {
    if (gs_report_init(&r->mixes[m], 2, s->rate_hz, err)) {
      return GS_ERR_NOMEM;
    }
  }
  r->budget = gs_engine_latency(engine);
  r->latency = r->budget.input;
  return GS_OK;
}

void gs_render_report_free(GsRenderReport *r)
{
  for (unsigned i = 0; r->tracks && i < r->n_strips; ++i) {
    gs_report_free(&r->tracks[i]);
  }
  for (unsigned m = 0; r->mixes && m < r->n_mixes; ++m) {
    gs_report_free(&r->mixes[m]);
  }
  free(r->tracks);
  free(r->mixes);
  free(r->source_peak_v);
  free(r->preamp_peak_dbu);
  free(r->clips);
  free(r->file);
  free(r->mix_file);
  free(r->warning);
  free(r->clip_safe_acted);
  free(r->events);
  free(r->listen);
  free(r->listen_msg);
  *r = (GsRenderReport){0};
}

void gs_render_report_note(GsRenderReport *r, const char *fmt, ...)
{
  if (r->n_notes == GS_RENDER_MAX_NOTES) {
    return;
  }
  va_list args;
  va_start(args, fmt);
  vsnprintf(r->note[r->n_notes++], sizeof(r->note[0]), fmt, args);
  va_end(args);
}

void gs_render_report_warn(GsRenderReport *r, unsigned strip, const char *fmt, ...)
{
  va_list args;
  va_start(args, fmt);
  vsnprintf(r->warning[strip], sizeof(r->warning[0]), fmt, args);
  va_end(args);
}

void gs_render_report_file(GsRenderReport *r, unsigned strip, const char *path)
{
  snprintf(r->file[strip], sizeof(r->file[0]), "%s", path);
}

void gs_render_report_mix_file(GsRenderReport *r, unsigned mix, const char *path)
{
  snprintf(r->mix_file[mix], sizeof(r->mix_file[0]), "%s", path);
}

void gs_render_report_source(GsRenderReport *r, unsigned strip, const float *volts, uint32_t n)
{
  double peak = r->source_peak_v[strip];
  for (uint32_t i = 0; i < n; ++i) {
    peak = fmax(peak, fabs((double)volts[i]));
  }
  r->source_peak_v[strip] = peak;
}

void gs_render_report_track(GsRenderReport *r, const GsEngine *engine, unsigned strip,
                            const float *samples, uint32_t n)
{
  gs_report_add(&r->tracks[strip], samples, n);
  GsStripMeters m;
  gs_engine_strip_meters(engine, strip, &m);
  r->preamp_peak_dbu[strip] = fmax(r->preamp_peak_dbu[strip], (double)m.input_peak_dbu);
  r->clips[strip] = m.clips;
  // Clip Safe acted in this block: note when and how deep.
  if (m.clip_safe_acted > r->clip_safe_acted[strip]) {
    // Episodes begun in this block: the first's start and the block's
    // deepest reduction stand for all of them (blocks are short).
    const GsClipSafeEvent ev = {.time_s = (double)m.clip_safe_frame / r->session->rate_hz,
                                .db = m.clip_safe_db};
    for (uint64_t k = r->clip_safe_acted[strip]; k < m.clip_safe_acted; ++k) {
      if (k < GS_RENDER_MAX_EVENTS) {
        r->events[strip][k] = ev;
      }
    }
    r->clip_safe_acted[strip] = m.clip_safe_acted;
  } else if (r->clip_safe_acted[strip] && r->clip_safe_acted[strip] <= GS_RENDER_MAX_EVENTS &&
             m.clip_safe_db < 0.0f) {
    // An episode that goes on deepens: keep its deepest reduction.
    GsClipSafeEvent *ev = &r->events[strip][r->clip_safe_acted[strip] - 1];
    ev->db = fmin(ev->db, (double)m.clip_safe_db);
  }
}

void gs_render_report_mix(GsRenderReport *r, unsigned mix, const float *frames, uint32_t n)
{
  gs_report_add(&r->mixes[mix], frames, n);
}

void gs_render_report_finish(GsRenderReport *r, double seconds, const char *dir)
{
  r->seconds = seconds;
  r->dir = dir;
}

static double db(double linear)
{
  return linear > 1e-10 ? 20.0 * log10(linear) : -200.0;
}

static double max2(const GsReport *rep, bool true_peak)
{
  double peak = 0.0;
  for (unsigned c = 0; c < rep->channels; ++c) {
    peak = fmax(peak, true_peak ? rep->ch[c].true_peak.peak : rep->ch[c].peak.peak);
  }
  return db(peak);
}

static double lufs(const GsReport *rep)
{
  return rep->loudness ? gs_loudness_integrated(rep->loudness) : -HUGE_VAL;
}

// The source's peak in its own unit, as the level of the sine with the same
// peak (the convention of peak meters, so it compares directly with dBFS and
// the converter's reference): dB SPL for a microphone, dBu otherwise.
double gs_render_report_source_level(const GsRenderReport *r, unsigned i, const char **unit)
{
  const GsSourceConfig *sc = &r->session->inputs[i].source;
  const double v_sine_rms = r->source_peak_v[i] / sqrt(2.0);
  if (sc->kind == GS_SOURCE_MIC) {
    const GsMicInfo *mic = sc->mic ? gs_mic_model_find(sc->mic) : NULL;
    const double sens_v_per_pa = (mic ? mic->sens_mv_per_pa : sc->sens_mv_per_pa) / 1000.0;
    *unit = "dB SPL";
    return v_sine_rms > 0 ? 94.0 + 20.0 * log10(v_sine_rms / sens_v_per_pa) : -200.0;
  }
  *unit = "dBu";
  return gs_volts_to_dbu(v_sine_rms);
}

void gs_render_report_advice(const GsRenderReport *r, unsigned i, char *out, size_t size)
{
  const GsStripConfig *sc = &r->session->engine.strips[i];
  const double tp = max2(&r->tracks[i], true);
  double lo, hi;
  gs_input_type_gain_range(sc->type, &lo, &hi);
  const GsPreampInfo *model = gs_preamp_model_find(sc->preamp.model);
  hi = fmin(hi, model->gain_max_db);
  lo = fmax(lo, model->gain_min_db);
  const double gain = sc->preamp.gain_db;
  if (r->clip_safe_acted[i]) {
    const GsClipSafeEvent *ev = r->events[i];
    double deepest = 0.0;
    for (uint64_t k = 0; k < r->clip_safe_acted[i] && k < GS_RENDER_MAX_EVENTS; ++k) {
      deepest = fmin(deepest, ev[k].db);
    }
    // Clip Safe holds peaks at -1 dBFS, so without it they would have reached
    // -1 - deepest dBFS; lower the gain to leave SAFE_HEADROOM_DB instead.
    const double would_peak = -1.0 - deepest;
    snprintf(out, size, "clip safe acted %llu time%s (first at %.2f s), down to %.1f dB: lower "
             "the gain by %.0f dB to record without it",
             (unsigned long long)r->clip_safe_acted[i], r->clip_safe_acted[i] == 1 ? "" : "s",
             ev[0].time_s, deepest, ceil(would_peak + SAFE_HEADROOM_DB));
  } else if (r->clips[i]) {
    // How far past full scale the preamp drove the converter, from its
    // output's peak; aim for SAFE_HEADROOM_DB below full scale.
    const double over = r->preamp_peak_dbu[i] - r->session->engine.adc_ref_dbu;
    const double lower = ceil(over + SAFE_HEADROOM_DB);
    if (gain - lower >= lo) {
      snprintf(out, size, "clipped %llu samples: lower the gain by %.0f dB (to %.0f dB)",
               (unsigned long long)r->clips[i], lower, gain - lower);
    } else {
      snprintf(out, size, "clipped %llu samples: engage the pad (-20 dB)%s",
               (unsigned long long)r->clips[i],
               sc->preamp.pad ? ", already on: the source is too hot for this input" : "");
    }
  } else if (r->warning[i][0]) {
    snprintf(out, size, "%s", r->warning[i]);
  } else if (tp > -1.0) {
    snprintf(out, size, "peaks at %.1f dBFS: under 1 dB of headroom, lower the gain by %.0f dB",
             tp, ceil(tp + SAFE_HEADROOM_DB));
  } else if (tp < LOW_PEAK_DBFS) {
    const double want = TARGET_PEAK_DBFS - tp, room = hi - gain;
    if (room >= want) {
      snprintf(out, size, "peaks at %.1f dBFS: raise the gain by %.0f dB (peaks near %.0f dBFS)",
               tp, floor(want), TARGET_PEAK_DBFS);
    } else {
      snprintf(out, size, "peaks at %.1f dBFS with the gain at its %.0f dB maximum: the source "
               "is quiet for this input", tp, hi);
    }
  } else {
    snprintf(out, size, "good: peaks at %.1f dBFS, %.1f dB of headroom", tp, -tp);
  }
}

static void print_db(FILE *out, int width, double v)
{
  if (v > -200.0 && isfinite(v)) {
    fprintf(out, " %*.1f", width, v);
  } else {
    fprintf(out, " %*s", width, "-inf");
  }
}

void gs_render_report_print(const GsRenderReport *r, FILE *out)
{
  const GsSession *s = r->session;
  fprintf(out, "%s: %s, %.1f s at %.0f Hz, %u-%s, converters +%g dBu = 0 dBFS\n", s->path,
          s->name, r->seconds, s->rate_hz, s->bits, s->bits == 32 ? "bit float" : "bit",
          s->engine.adc_ref_dbu);
  const GsLatency *b = &r->budget;
  const double ms = 1000.0 / s->rate_hz;
  fprintf(out, "  latency in samples (ms): input %.0f (%.2f), output %.2f (%.2f), direct monitoring "
          "%.1f (%.2f), round trip through a host with %.0f-frame buffers %.0f (%.2f)\n",
          b->input, b->input * ms, b->output, b->output * ms, b->monitoring, b->monitoring * ms,
          b->buffer, b->round_trip, b->round_trip * ms);
  for (unsigned i = 0; i < r->n_notes; ++i) {
    fprintf(out, "  note: %s\n", r->note[i]);
  }
  fprintf(out, "\n  %-2s %-12s %-10s %-11s %14s %6s %7s %7s %8s %7s %6s\n", "#", "strip", "input",
          "model", "source peak", "gain", "peak", "true pk", "clipped", "LUFS", "");
  for (unsigned i = 0; i < r->n_strips; ++i) {
    const GsStripConfig *sc = &s->engine.strips[i];
    const char *unit = "";
    const double level = gs_render_report_source_level(r, i, &unit);
    fprintf(out, "  %-2u %-12.12s %-10s %-11s", i + 1, sc->name, gs_input_type_name(sc->type),
            sc->preamp.model);
    print_db(out, 7, level);
    fprintf(out, " %-6s %5.0f", unit, sc->preamp.gain_db);
    print_db(out, 7, max2(&r->tracks[i], false));
    print_db(out, 7, max2(&r->tracks[i], true));
    fprintf(out, " %8llu", (unsigned long long)r->clips[i]);
    print_db(out, 7, lufs(&r->tracks[i]));
    fprintf(out, "%s\n", s->inputs[i].armed ? "" : "  (not armed)");
  }
  // The chain for a newcomer: where each strip's level comes from.
  fprintf(out, "\n  gain staging (peaks):\n");
  for (unsigned i = 0; i < r->n_strips; ++i) {
    const GsStripConfig *sc = &s->engine.strips[i];
    const char *unit = "";
    const double level = gs_render_report_source_level(r, i, &unit);
    const double at_input = gs_volts_to_dbu(r->source_peak_v[i] / sqrt(2.0));
    const double pad = sc->preamp.pad ? -20.0 : 0.0;
    const double out_dbu = at_input + pad + sc->preamp.gain_db;
    if (!(r->source_peak_v[i] > 0.0)) {
      fprintf(out, "    %-12.12s no signal at the input\n", sc->name);
      continue;
    }
    fprintf(out, "    %-12.12s ", sc->name);
    if (s->inputs[i].source.kind == GS_SOURCE_MIC) {
      fprintf(out, "%.1f %s at the mic -> ", level, unit);
    }
    fprintf(out, "%+.1f dBu in%s -> %+.0f dB -> %+.1f dBu -> %.1f dBFS at +%g dBu = 0 dBFS\n",
            at_input, sc->preamp.pad ? " -> pad -20 dB" : "", sc->preamp.gain_db, out_dbu,
            out_dbu - s->engine.adc_ref_dbu, s->engine.adc_ref_dbu);
  }
  fprintf(out, "\n  advice:\n");
  for (unsigned i = 0; i < r->n_strips; ++i) {
    char line[320];
    gs_render_report_advice(r, i, line, sizeof(line));
    fprintf(out, "    strip %u (%s): %s\n", i + 1, s->engine.strips[i].name, line);
    if (r->warning[i][0] && r->clips[i]) {
      fprintf(out, "    strip %u (%s): %s\n", i + 1, s->engine.strips[i].name, r->warning[i]);
    }
  }
  if (r->n_mixes) {
    fprintf(out, "\n  %-16s %7s %7s %7s\n", "mix", "peak", "true pk", "LUFS");
    for (unsigned m = 0; m < r->n_mixes; ++m) {
      fprintf(out, "  %-16.16s", s->engine.mixes[m].name);
      print_db(out, 7, max2(&r->mixes[m], false));
      print_db(out, 7, max2(&r->mixes[m], true));
      print_db(out, 7, lufs(&r->mixes[m]));
      fprintf(out, "\n");
    }
    for (unsigned m = 0; m < r->n_mixes; ++m) {
      if (r->listen_msg[m][0]) {
        fprintf(out, "  listening level (%s at %+.0f dB, loudest second): %s\n",
                s->outputs[m].headphones, s->outputs[m].amp_volume_db, r->listen_msg[m]);
      }
    }
  }
  fprintf(out, "\n  files in %s/\n", r->dir);
}

static json_t *num(double v, double scale)
{
  return v > -200.0 && isfinite(v) ? json_real(round(v * scale) / scale) : json_null();
}

GsStatus gs_render_report_print_json(const GsRenderReport *r, FILE *out)
{
  const GsSession *s = r->session;
  json_t *root = json_object();
  json_object_set_new(root, "session", json_string(s->path));
  json_object_set_new(root, "name", json_string(s->name));
  json_object_set_new(root, "rate_hz", json_real(s->rate_hz));
  json_object_set_new(root, "bits", json_integer(s->bits));
  json_object_set_new(root, "seconds", num(r->seconds, 1000.0));
  json_object_set_new(root, "adc_ref_dbu", json_real(s->engine.adc_ref_dbu));
  json_object_set_new(root, "latency_samples", json_real(r->latency));
  json_object_set_new(
    root, "latency",
    json_pack("{s:f, s:f, s:f, s:f, s:f, s:f, s:f}", "input", r->budget.input, "output",
              r->budget.output, "monitoring", r->budget.monitoring, "buffer", r->budget.buffer,
              "safety_offset", r->budget.safety, "round_trip", r->budget.round_trip,
              "round_trip_ms", 1000.0 * r->budget.round_trip / s->rate_hz));
  json_object_set_new(root, "output", json_string(r->dir));
  json_t *notes = json_array();
  for (unsigned i = 0; i < r->n_notes; ++i) {
    json_array_append_new(notes, json_string(r->note[i]));
  }
  json_object_set_new(root, "notes", notes);
  json_t *strips = json_array();
  for (unsigned i = 0; i < r->n_strips; ++i) {
    const GsStripConfig *sc = &s->engine.strips[i];
    const char *unit = "";
    const double level = gs_render_report_source_level(r, i, &unit);
    char line[320];
    gs_render_report_advice(r, i, line, sizeof(line));
    const double tp = max2(&r->tracks[i], true);
    json_t *o = json_object();
    json_object_set_new(o, "strip", json_integer(i + 1));
    json_object_set_new(o, "name", json_string(sc->name));
    json_object_set_new(o, "input", json_string(gs_input_type_name(sc->type)));
    json_object_set_new(o, "model", json_string(sc->preamp.model));
    json_object_set_new(o, "gain_db", json_real(sc->preamp.gain_db));
    json_object_set_new(o, "pad", json_boolean(sc->preamp.pad));
    json_object_set_new(o, "phantom", json_boolean(sc->phantom));
    json_object_set_new(o, "source_peak", num(level, 10.0));
    json_object_set_new(o, "source_unit", json_string(unit));
    json_object_set_new(o, "peak_dbfs", num(max2(&r->tracks[i], false), 100.0));
    json_object_set_new(o, "true_peak_dbfs", num(tp, 100.0));
    json_object_set_new(o, "headroom_db", num(-tp, 100.0));
    json_object_set_new(o, "clipped", json_integer((json_int_t)r->clips[i]));
    json_t *events = json_array();
    for (uint64_t k = 0; k < r->clip_safe_acted[i] && k < GS_RENDER_MAX_EVENTS; ++k) {
      json_array_append_new(events, json_pack("{s:o, s:o}", "time_s",
                                              num(r->events[i][k].time_s, 1000.0), "db",
                                              num(r->events[i][k].db, 100.0)));
    }
    json_object_set_new(o, "clip_safe", events);
    json_object_set_new(o, "integrated_lufs", num(lufs(&r->tracks[i]), 10.0));
    json_object_set_new(o, "armed", json_boolean(s->inputs[i].armed));
    json_object_set_new(o, "file", r->file[i][0] ? json_string(r->file[i]) : json_null());
    json_object_set_new(o, "warning", r->warning[i][0] ? json_string(r->warning[i]) : json_null());
    json_object_set_new(o, "advice", json_string(line));
    json_array_append_new(strips, o);
  }
  json_object_set_new(root, "strips", strips);
  json_t *mixes = json_array();
  for (unsigned m = 0; m < r->n_mixes; ++m) {
    json_t *o = json_object();
    json_object_set_new(o, "name", json_string(s->engine.mixes[m].name));
    json_object_set_new(o, "file", json_string(r->mix_file[m]));
    json_object_set_new(o, "peak_dbfs", num(max2(&r->mixes[m], false), 100.0));
    json_object_set_new(o, "true_peak_dbfs", num(max2(&r->mixes[m], true), 100.0));
    json_object_set_new(o, "integrated_lufs", num(lufs(&r->mixes[m]), 10.0));
    if (r->listen_msg[m][0]) {
      json_object_set_new(o, "headphones", json_string(s->outputs[m].headphones));
      json_object_set_new(o, "listen_db_spl", num(r->listen[m].db_spl, 10.0));
      json_object_set_new(o, "listen_peak_db_spl", num(r->listen[m].peak_db_spl, 10.0));
      json_object_set_new(o, "listen_warning", json_string(r->listen_msg[m]));
    }
    json_array_append_new(mixes, o);
  }
  json_object_set_new(root, "mixes", mixes);
  const int rc = json_dumpf(root, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
  fputc('\n', out);
  json_decref(root);
  return rc ? GS_ERR_IO : GS_OK;
}
