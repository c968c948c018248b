// SPDX-License-Identifier: ISC
// Recording in `gainstage run`: armed strips, their safety tracks and armed
// mixes (stereo) into the recorder.

#include "cli/run_record.h"

#include "cli/session_sources.h"
#include "io/recorder.h"

#include <jansson.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct GsRunRecord {
  GsRecorder *recorder;
  unsigned n_tracks;
  unsigned n_channels;
  unsigned *strip;          // per channel: the strip it records, or the mix channel
  bool *safety;             // per channel: its safety track rather than its capture
  bool *mix;                // per channel: a mix's left or right (strip: 2 m or 2 m + 1)
  const float **channels;   // per channel, filled each block by the audio thread
  float *zeros;             // max_block of silence
  uint32_t max_block;
  char (*names)[160];
  GsRecTrack *tracks;
};

void gs_run_record_free(GsRunRecord *r)
{
  if (!r) {
    return;
  }
  gs_recorder_free(r->recorder);
  free(r->strip);
  free(r->safety);
  free(r->mix);
  free(r->channels);
  free(r->zeros);
  free(r->names);
  free(r->tracks);
  free(r);
}

// Every strip's settings and the converters', as JSON, for the take log
// (free it).
static char *settings_json(const GsSession *s)
{
  const GsEngineConfig *ec = &s->engine;
  json_t *strips = json_array();
  for (unsigned i = 0; i < ec->n_strips; ++i) {
    const GsStripConfig *sc = &ec->strips[i];
    json_array_append_new(
      strips,
      json_pack("{s:i, s:s, s:s, s:s, s:f, s:b, s:b, s:f, s:b, s:b, s:b, s:f, s:b}", "strip",
                (int)i + 1, "name", sc->name ? sc->name : "", "input",
                gs_input_type_name(sc->type), "model", sc->preamp.model, "gain_db",
                sc->preamp.gain_db, "pad", sc->preamp.pad, "phantom", sc->phantom, "hpf_hz",
                sc->preamp.hpf_hz, "polarity", sc->preamp.invert, "mute", sc->mute, "clip_safe",
                sc->clip_safe, "safety_db", sc->safety_db, "armed", s->inputs[i].armed));
  }
  json_t *root = json_pack("{s:s, s:f, s:i, s:f, s:o}", "session", s->name, "rate_hz", s->rate_hz,
                           "bits", (int)s->bits, "adc_ref_dbu", ec->adc_ref_dbu, "strips", strips);
  char *text = root ? json_dumps(root, JSON_COMPACT) : NULL;
  json_decref(root);
  return text;
}

GsStatus gs_run_record_new(const GsSession *s, const GsEngine *engine, double rate_hz,
                           uint32_t max_block, const char *folder, double preroll_s,
                           GsRunRecord **out, GsError *err)
{
  *out = NULL;
  const GsEngineConfig *ec = &s->engine;
  unsigned n = 0;  // channels
  for (unsigned i = 0; i < ec->n_strips; ++i) {
    n += s->inputs[i].armed ? (ec->strips[i].safety_db != 0.0 ? 2u : 1u) : 0u;
  }
  for (unsigned m = 0; m < ec->n_mixes; ++m) {
    n += s->outputs[m].armed ? 2u : 0u;
  }
  if (n == 0) {
    return GS_OK;
  }
  GsRunRecord *r = calloc(1, sizeof(*r));
  if (!r || !(r->strip = calloc(n, sizeof(unsigned))) || !(r->safety = calloc(n, sizeof(bool))) ||
      !(r->mix = calloc(n, sizeof(bool))) ||
      !(r->channels = calloc(n, sizeof(float *))) || !(r->names = calloc(n, sizeof(*r->names))) ||
      !(r->tracks = calloc(n, sizeof(GsRecTrack))) ||
      !(r->zeros = calloc(max_block, sizeof(float)))) {
    gs_run_record_free(r);
    snprintf(err->message, sizeof(err->message), "out of memory for the recorder");
    return GS_ERR_NOMEM;
  }
  for (unsigned i = 0; i < ec->n_strips; ++i) {
    if (!s->inputs[i].armed) {
      continue;
    }
    for (unsigned k = 0; k < (ec->strips[i].safety_db != 0.0 ? 2u : 1u); ++k) {
      char name[128];
      gs_cli_safe_name(ec->strips[i].name, name, sizeof(name));
      snprintf(r->names[r->n_tracks], sizeof(r->names[0]), "%02u-%s%s", i + 1, name,
               k ? "-safety" : "");
      r->tracks[r->n_tracks] = (GsRecTrack){.name = r->names[r->n_tracks], .channels = 1};
      r->strip[r->n_tracks] = i;
      r->safety[r->n_tracks] = k == 1;
      ++r->n_tracks;
    }
  }
  r->n_channels = r->n_tracks;
  for (unsigned m = 0; m < ec->n_mixes; ++m) {
    if (!s->outputs[m].armed) {
      continue;
    }
    char name[128];
    gs_cli_safe_name(ec->mixes[m].name, name, sizeof(name));
    snprintf(r->names[r->n_tracks], sizeof(r->names[0]), "mix-%s", name);
    r->tracks[r->n_tracks] = (GsRecTrack){.name = r->names[r->n_tracks], .channels = 2};
    ++r->n_tracks;
    for (unsigned side = 0; side < 2; ++side) {
      r->strip[r->n_channels] = 2u * m + side;
      r->mix[r->n_channels++] = true;
    }
  }
  r->max_block = max_block;
  char description[256];
  snprintf(description, sizeof(description), "gainstage run: %.200s", s->name);
  const GsLatency lat = gs_engine_latency(engine);
  char *settings = settings_json(s);
  const GsRecorderConfig rc = {
    .settings_json = settings,
    .folder = folder,
    .session_name = s->name,
    .rate_hz = rate_hz,
    .bits = s->bits,
    .format = GS_REC_WAV,
    .preroll_s = preroll_s,
    .max_block = max_block,
    .n_tracks = r->n_tracks,
    .tracks = r->tracks,
    .description = description,
    // What `gainstage latency` measured, or else the engine's estimate.
    .latency_samples = s->latency_samples >= 0.0 ? s->latency_samples : lat.round_trip,
  };
  const GsStatus st = gs_recorder_new(&rc, &r->recorder, err);  // copies the settings
  free(settings);
  if (st) {
    gs_run_record_free(r);
    return st;
  }
  *out = r;
  return GS_OK;
}

void gs_run_record_push(GsRunRecord *r, const GsEngine *engine, float *const *cap,
                        float *const *mix, uint32_t n)
{
  for (unsigned c = 0; c < r->n_channels; ++c) {
    if (r->mix[c]) {
      r->channels[c] = mix[r->strip[c]];
      continue;
    }
    const float *safety = r->safety[c] ? gs_engine_safety(engine, r->strip[c]) : NULL;
    r->channels[c] = safety ? safety : cap[r->strip[c]];
  }
  gs_recorder_push(r->recorder, r->channels, n);
}

void gs_run_record_push_silence(GsRunRecord *r, uint32_t n)
{
  for (unsigned c = 0; c < r->n_channels; ++c) {
    r->channels[c] = r->zeros;
  }
  while (n > 0) {
    const uint32_t m = n < r->max_block ? n : r->max_block;
    gs_recorder_push(r->recorder, r->channels, m);
    n -= m;
  }
}

void gs_run_record_note_xrun(GsRunRecord *r, uint64_t frame)
{
  gs_recorder_note_xrun(r->recorder, frame);
}

GsStatus gs_run_record_start(GsRunRecord *r, GsError *err)
{
  return gs_recorder_start(r->recorder, err);
}

GsStatus gs_run_record_stop(GsRunRecord *r, char *summary, size_t size, GsError *err)
{
  GsTakeSummary t = {0};
  const GsStatus st = gs_recorder_stop(r->recorder, &t, err);
  snprintf(summary, size,
           "take %u: %u track%s, %" PRIu64 " frames each, %" PRIu64 " dropped, %" PRIu64
           " xrun%s%s%s; log %s",
           t.take, r->n_tracks, r->n_tracks == 1 ? "" : "s", t.frames, t.dropped_frames, t.xruns,
           t.xruns == 1 ? "" : "s", st ? ": " : "", st ? t.message : "", t.log_path);
  return st;
}

bool gs_run_record_recording(const GsRunRecord *r)
{
  return r && gs_recorder_recording(r->recorder);
}

unsigned gs_run_record_tracks(const GsRunRecord *r)
{
  return r ? r->n_tracks : 0;
}
