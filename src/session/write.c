// SPDX-License-Identifier: ISC
// Writing a session (or a snapshot of a running one) in the format it is read
// in, through libyaml's emitter so every string is quoted as YAML needs.

#include "gainstage/session.h"

#include "error.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

typedef struct {
  yaml_emitter_t em;
  bool ok;
} Writer;

static void emit(Writer *w, yaml_event_t *ev)
{
  if (w->ok && !yaml_emitter_emit(&w->em, ev)) {
    w->ok = false;
  }
}

static void scalar(Writer *w, const char *text)
{
  yaml_event_t ev;
  if (!yaml_scalar_event_initialize(&ev, NULL, NULL, (yaml_char_t *)(uintptr_t)text,
                                    (int)strlen(text), 1, 1, YAML_ANY_SCALAR_STYLE)) {
    w->ok = false;
    return;
  }
  emit(w, &ev);
}

static void map_start(Writer *w, bool flow)
{
  yaml_event_t ev;
  yaml_mapping_start_event_initialize(&ev, NULL, NULL, 1,
                                      flow ? YAML_FLOW_MAPPING_STYLE : YAML_BLOCK_MAPPING_STYLE);
  emit(w, &ev);
}

static void map_end(Writer *w)
{
  yaml_event_t ev;
  yaml_mapping_end_event_initialize(&ev);
  emit(w, &ev);
}

static void seq_start(Writer *w)
{
  yaml_event_t ev;
  yaml_sequence_start_event_initialize(&ev, NULL, NULL, 1, YAML_BLOCK_SEQUENCE_STYLE);
  emit(w, &ev);
}

static void seq_end(Writer *w)
{
  yaml_event_t ev;
  yaml_sequence_end_event_initialize(&ev);
  emit(w, &ev);
}

static void key_str(Writer *w, const char *key, const char *value)
{
  scalar(w, key);
  scalar(w, value);
}

static void key_num(Writer *w, const char *key, double value)
{
  char text[64];
  snprintf(text, sizeof(text), "%.17g", value);  // read back exactly
  scalar(w, key);
  scalar(w, text);
}

static void key_bool(Writer *w, const char *key, bool value)
{
  key_str(w, key, value ? "true" : "false");
}

static const char *generator_name(GsGeneratorKind kind)
{
  switch (kind) {
  case GS_GEN_SILENCE: return "silence";
  case GS_GEN_SINE: return "sine";
  case GS_GEN_SWEEP: return "sweep";
  case GS_GEN_PINK: return "pink";
  case GS_GEN_CLICK: return "click";
  }
  return "silence";
}

static void source(Writer *w, const GsSessionInput *in)
{
  const GsSourceConfig *sc = &in->source;
  scalar(w, "source");
  map_start(w, false);
  if (sc->kind == GS_SOURCE_MIC && sc->mic) {
    key_str(w, "mic", sc->mic);
  } else if (sc->kind == GS_SOURCE_INSTRUMENT && sc->pickup) {
    key_str(w, "pickup", sc->pickup);
    key_num(w, "cable_pf", sc->cable_pf);
  } else if (sc->kind == GS_SOURCE_LINE) {
    key_str(w, "nominal", sc->nominal == GS_LINE_PRO ? "pro" : "consumer");
  }
  if (sc->kind == GS_SOURCE_MIC) {
    key_bool(w, "self_noise", sc->self_noise);
  }
  key_num(w, "fullscale", sc->fullscale_level);  // a file's, or a port's in `run`
  switch (in->play) {
  case GS_PLAY_FILE: {
    // Absolute, so the snapshot reads the same file wherever it is saved.
    char *abs = realpath(in->file, NULL);
    key_str(w, "file", abs ? abs : in->file);
    free(abs);
    key_num(w, "channel", in->channel + 1.0);
    key_bool(w, "loop", sc->loop);
    break;
  }
  case GS_PLAY_BAND: key_str(w, "band", in->band_part); break;
  case GS_PLAY_GENERATOR:
    key_str(w, "generator", generator_name(sc->gen.kind));
    key_num(w, "level", sc->gen.level);
    key_num(w, "freq_hz", sc->gen.freq_hz);
    key_num(w, "start_hz", sc->gen.start_hz);
    key_num(w, "end_hz", sc->gen.end_hz);
    key_num(w, "duration_s", sc->gen.duration_s);
    key_num(w, "tempo_bpm", sc->gen.tempo_bpm);
    key_num(w, "seed", (double)sc->gen.seed);
    break;
  }
  map_end(w);
}

static void strip(Writer *w, const GsSession *s, unsigned i)
{
  const GsStripConfig *sc = &s->engine.strips[i];
  const GsSessionInput *in = &s->inputs[i];
  map_start(w, false);
  key_str(w, "name", sc->name);
  key_str(w, "input", gs_input_type_name(sc->type));
  source(w, in);
  key_str(w, "model", sc->preamp.model);
  key_num(w, "gain_db", sc->preamp.gain_db);
  key_bool(w, "pad", sc->preamp.pad);
  key_bool(w, "phantom", sc->phantom);
  if (sc->preamp.hpf_hz > 0.0) {
    key_num(w, "hpf_hz", sc->preamp.hpf_hz);
  }
  key_bool(w, "polarity", sc->preamp.invert);
  key_bool(w, "mute", sc->mute);
  key_bool(w, "link", sc->link_next);
  key_bool(w, "armed", in->armed);
  char os[8];
  snprintf(os, sizeof(os), "%u", sc->preamp.oversample);
  key_str(w, "oversample", sc->preamp.oversample ? os : "auto");
  const GsPreampInfo *model = gs_preamp_model_find(sc->preamp.model);
  if (model && model->has_tone) {
    key_num(w, "bass_db", sc->preamp.bass_db);
    key_num(w, "mid_db", sc->preamp.mid_db);
    key_num(w, "treble_db", sc->preamp.treble_db);
  }
  key_bool(w, "noise", sc->preamp.noise);
  key_bool(w, "auto_gain", in->auto_gain);
  key_bool(w, "clip_safe", sc->clip_safe);
  key_bool(w, "safety_track", sc->safety_db != 0.0);
  if (sc->safety_db != 0.0) {
    key_num(w, "safety_db", sc->safety_db);
  }
  map_end(w);
}

static void mix(Writer *w, const GsSession *s, unsigned m)
{
  const GsMixConfig *mc = &s->engine.mixes[m];
  map_start(w, false);
  key_str(w, "name", mc->name);
  key_num(w, "volume_db", mc->volume_db);
  key_bool(w, "mute", mc->mute);
  key_bool(w, "mono", mc->mono);
  key_bool(w, "dim", mc->dim);
  key_num(w, "dim_db", mc->dim_db);
  if (s->outputs && s->outputs[m].armed) {
    key_bool(w, "armed", true);
  }
  if (s->outputs && s->outputs[m].headphones) {
    key_str(w, "headphones", s->outputs[m].headphones);
    key_num(w, "amp_volume_db", s->outputs[m].amp_volume_db);
  }
  scalar(w, "sends");
  seq_start(w);
  for (size_t i = 0; i < s->n_sends; ++i) {
    const GsEngineSend *sd = &s->sends[i];
    if (sd->mix != m) {
      continue;
    }
    map_start(w, true);
    if (sd->source < s->engine.n_strips) {
      key_str(w, "strip", s->engine.strips[sd->source].name);
    } else {
      key_num(w, "return", sd->source - s->engine.n_strips + 1.0);
    }
    key_num(w, "level_db", sd->send.level_db);
    key_num(w, "pan", sd->send.pan);
    key_bool(w, "mute", sd->send.mute);
    key_bool(w, "solo", sd->send.solo);
    map_end(w);
  }
  seq_end(w);
  map_end(w);
}

static int write_handler(void *data, unsigned char *buffer, size_t size)
{
  return fwrite(buffer, 1, size, data) == size;
}

GsStatus gs_session_write(const GsSession *s, const char *path, GsError *err)
{
  char tmp[4096];
  snprintf(tmp, sizeof(tmp), "%s.tmp", path);
  FILE *f = fopen(tmp, "w");
  if (!f) {
    return gs_fail(err, GS_ERR_IO, "%s: cannot write: %s", path, strerror(errno));
  }
  fprintf(f, "# gainstage session (written by gainstage; docs/session.md)\n");
  Writer w = {.ok = true};
  yaml_emitter_initialize(&w.em);
  yaml_emitter_set_output(&w.em, write_handler, f);
  yaml_emitter_set_unicode(&w.em, 1);
  yaml_event_t ev;
  yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING);
  emit(&w, &ev);
  yaml_document_start_event_initialize(&ev, NULL, NULL, NULL, 1);
  emit(&w, &ev);
  map_start(&w, false);
  scalar(&w, "session");
  map_start(&w, false);
  key_str(&w, "name", s->name);
  key_num(&w, "rate_hz", s->rate_hz);
  key_str(&w, "bits", s->bits == 32 ? "32f" : s->bits == 16 ? "16" : "24");
  key_num(&w, "block", s->engine.max_block);
  key_num(&w, "adc_ref_dbu", s->engine.adc_ref_dbu);
  key_num(&w, "seconds", s->seconds);
  key_num(&w, "auto_gain_target_dbfs", s->auto_gain_target_dbfs);
  key_num(&w, "phantom_group", s->engine.phantom_group);
  if (s->latency_samples >= 0.0) {
    key_num(&w, "latency_samples", s->latency_samples);
  }
  map_end(&w);
  key_num(&w, "returns", s->engine.n_returns);
  scalar(&w, "strips");
  seq_start(&w);
  for (unsigned i = 0; i < s->engine.n_strips; ++i) {
    strip(&w, s, i);
  }
  seq_end(&w);
  if (s->engine.n_mixes) {
    scalar(&w, "mixes");
    seq_start(&w);
    for (unsigned m = 0; m < s->engine.n_mixes; ++m) {
      mix(&w, s, m);
    }
    seq_end(&w);
  }
  map_end(&w);
  yaml_document_end_event_initialize(&ev, 1);
  emit(&w, &ev);
  yaml_stream_end_event_initialize(&ev);
  emit(&w, &ev);
  const bool emitted = w.ok && yaml_emitter_flush(&w.em);
  yaml_emitter_delete(&w.em);
  const bool written = !ferror(f);
  if (fclose(f) || !emitted || !written) {
    remove(tmp);
    return gs_fail(err, GS_ERR_IO, "%s: writing failed", path);
  }
  if (rename(tmp, path)) {
    const int e = errno;
    remove(tmp);
    return gs_fail(err, GS_ERR_IO, "%s: %s", path, strerror(e));
  }
  return GS_OK;
}
