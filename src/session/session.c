// SPDX-License-Identifier: ISC
// Reading and checking a session file.

#include "gainstage/session.h"

#include "gainstage/headphones.h"
#include "session/doc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NAME_CHARS 64

typedef struct {
  GsDoc doc;
  char *dir;              // the session's folder, for relative file names
  char **paths;           // resolved file names
  size_t n_paths;
  GsStripConfig *strips;
  GsSessionInput *inputs;
  GsMixConfig *mixes;
  GsEngineSend *sends;
  GsSessionOutput *outputs;
  char (*labels)[NAME_CHARS + 24];
} Owned;

static const char *const top_keys[] = {"session", "strips", "returns", "mixes", NULL};
static const char *const session_keys[] = {"name", "rate_hz", "bits", "block", "adc_ref_dbu",
                                           "seconds", "auto_gain_target_dbfs", "phantom_group",
                                           "latency_samples", NULL};
static const char *const strip_keys[] = {
  "name", "input", "source", "model", "gain_db", "pad", "phantom", "hpf_hz", "polarity", "mute",
  "link", "armed", "oversample", "bass_db", "mid_db", "treble_db", "noise", "auto_gain",
  "clip_safe", "safety_track", "safety_db", NULL};
static const char *const source_keys[] = {
  "mic", "pickup", "nominal", "file", "channel", "fullscale", "loop", "generator", "level",
  "freq_hz", "start_hz", "end_hz", "duration_s", "tempo_bpm", "seed", "band", "self_noise",
  "cable_pf", NULL};
static const char *const mix_keys[] = {"name", "volume_db", "mute", "mono", "dim", "dim_db",
                                       "armed",
                                       "sends", "headphones", "amp_volume_db", NULL};
static const char *const send_keys[] = {"strip", "return", "level_db", "pan", "mute", "solo",
                                        NULL};
static const char *const input_names[] = {"mic", "instrument", "line", NULL};
static const char *const bits_names[] = {"16", "24", "32f", NULL};
static const char *const oversample_names[] = {"auto", "1", "2", "4", "8", NULL};
static const char *const generator_names[] = {"silence", "sine", "sweep", "pink", "click", NULL};
static const char *const nominal_names[] = {"pro", "consumer", NULL};

#define TRY(expr)                                                                                \
  do {                                                                                           \
    const GsStatus try_st = (expr);                                                              \
    if (try_st) {                                                                                \
      return try_st;                                                                             \
    }                                                                                            \
  } while (0)

static void owned_free(Owned *o)
{
  if (!o) {
    return;
  }
  gs_doc_free(&o->doc);
  for (size_t i = 0; i < o->n_paths; ++i) {
    free(o->paths[i]);
  }
  free(o->paths);
  free(o->dir);
  free(o->strips);
  free(o->inputs);
  free(o->mixes);
  free(o->sends);
  free(o->outputs);
  free(o->labels);
  free(o);
}

void gs_session_free(GsSession *s)
{
  owned_free(s->owned);
  *s = (GsSession){0};
}

int gs_session_strip_index(const GsSession *s, const char *name)
{
  for (unsigned i = 0; i < s->engine.n_strips; ++i) {
    if (s->engine.strips[i].name && !strcmp(s->engine.strips[i].name, name)) {
      return (int)i;
    }
  }
  return -1;
}

// A list of the preamp models, for messages.
static const char **model_names(void)
{
  static const char *names[32];
  if (!names[0]) {
    for (size_t i = 0; i < gs_preamp_model_count() && i < 31; ++i) {
      names[i] = gs_preamp_model_info(i)->name;
    }
  }
  return names;
}

static GsStatus resolve_path(Owned *o, const char *file, const char **out)
{
  char **grown = realloc(o->paths, (o->n_paths + 1) * sizeof(*grown));
  if (!grown) {
    return GS_ERR_NOMEM;
  }
  o->paths = grown;
  const size_t size = strlen(o->dir) + strlen(file) + 2;
  char *p = malloc(size);
  if (!p) {
    return GS_ERR_NOMEM;
  }
  if (file[0] == '/' || !o->dir[0]) {
    snprintf(p, size, "%s", file);
  } else {
    snprintf(p, size, "%s/%s", o->dir, file);
  }
  o->paths[o->n_paths++] = p;
  *out = p;
  return GS_OK;
}

static GsStatus read_source(Owned *o, const GsDocContext *ctx, const GsNode *node,
                            GsInputType type, double rate_hz, GsSessionInput *in, GsError *err)
{
  const GsSourceKind kind = type == GS_INPUT_MIC          ? GS_SOURCE_MIC
                            : type == GS_INPUT_INSTRUMENT ? GS_SOURCE_INSTRUMENT
                                                          : GS_SOURCE_LINE;
  in->source = kind == GS_SOURCE_MIC          ? gs_source_config_mic("dynamic-57")
               : kind == GS_SOURCE_INSTRUMENT ? gs_source_config_instrument("guitar-single")
                                              : gs_source_config_line(GS_LINE_PRO);
  in->source.rate_hz = rate_hz;
  // Every source starts with the same generator settings, so a session
  // written back (gs_session_write) reads the same whatever it plays.
  GsGeneratorConfig *gc = &in->source.gen;
  gc->kind = GS_GEN_SILENCE;
  gc->level = kind == GS_SOURCE_MIC ? 94.0 : 4.0;
  gc->freq_hz = 1000.0;
  gc->start_hz = 20.0;
  gc->end_hz = 20000.0;
  gc->duration_s = 10.0;
  gc->tempo_bpm = 120.0;
  gc->seed = 1;
  in->play = GS_PLAY_GENERATOR;
  if (!node) {
    return GS_OK;
  }
  TRY(gs_doc_check_keys(ctx, node, source_keys, err));
  GsSourceConfig *sc = &in->source;
  const GsNode *mic = gs_doc_get(node, "mic"), *pickup = gs_doc_get(node, "pickup");
  if (mic && kind != GS_SOURCE_MIC) {
    return gs_doc_fail(ctx, mic, GS_ERR_USAGE, err, "a microphone needs a mic input (input: mic)");
  }
  if (pickup && kind != GS_SOURCE_INSTRUMENT) {
    return gs_doc_fail(ctx, pickup, GS_ERR_USAGE, err,
                       "a pickup needs an instrument input (input: instrument)");
  }
  if (mic) {
    const char *names[16] = {0};
    for (size_t i = 0; i < gs_mic_model_count() && i < 15; ++i) {
      names[i] = gs_mic_model_info(i)->name;
    }
    TRY(gs_doc_string(ctx, node, "mic", names, true, &sc->mic, err));
  }
  if (pickup) {
    const char *names[16] = {0};
    for (size_t i = 0; i < gs_pickup_model_count() && i < 15; ++i) {
      names[i] = gs_pickup_model_info(i)->name;
    }
    TRY(gs_doc_string(ctx, node, "pickup", names, true, &sc->pickup, err));
  }
  if (kind == GS_SOURCE_LINE) {
    const char *nominal = "pro";
    TRY(gs_doc_string(ctx, node, "nominal", nominal_names, false, &nominal, err));
    sc->nominal = strcmp(nominal, "pro") ? GS_LINE_CONSUMER : GS_LINE_PRO;
  }
  TRY(gs_doc_bool(ctx, node, "self_noise", &sc->self_noise, err));
  if (gs_doc_get(node, "cable_pf") && kind != GS_SOURCE_INSTRUMENT) {
    return gs_doc_fail(ctx, gs_doc_get(node, "cable_pf"), GS_ERR_USAGE, err,
                       "cable_pf is the capacitance a pickup sees: instrument inputs only");
  }
  TRY(gs_doc_number(ctx, node, "cable_pf", 0.0, 5000.0, "pF", false, &sc->cable_pf, err));
  TRY(gs_doc_bool(ctx, node, "loop", &sc->loop, err));

  // What it plays: a file, a part of the demo band, or a generator.
  const GsNode *file = gs_doc_get(node, "file"), *band = gs_doc_get(node, "band");
  const GsNode *gen = gs_doc_get(node, "generator");
  if ((file != NULL) + (band != NULL) + (gen != NULL) > 1) {
    return gs_doc_fail(ctx, node, GS_ERR_USAGE, err,
                       "give one of file, band or generator, not several");
  }
  const bool mic_unit = kind == GS_SOURCE_MIC;
  const double lo = mic_unit ? 60.0 : -60.0, hi = mic_unit ? 160.0 : 40.0;
  const char *unit = mic_unit ? "dB SPL" : "dBu";
  // What a full-scale sine in the file, or on the input's port in `run`,
  // stands for: required with a file, because a file's 0 dBFS means nothing
  // physical by itself; otherwise the source kind's default.
  TRY(gs_doc_number(ctx, node, "fullscale", lo, hi, unit, file != NULL, &sc->fullscale_level,
                    err));
  if (file) {
    const char *name = NULL;
    TRY(gs_doc_string(ctx, node, "file", NULL, true, &name, err));
    if (resolve_path(o, name, &in->file)) {
      return gs_doc_fail(ctx, file, GS_ERR_NOMEM, err, "out of memory");
    }
    in->play = GS_PLAY_FILE;
    double channel = 1.0;
    TRY(gs_doc_number(ctx, node, "channel", 1.0, 64.0, "", false, &channel, err));
    in->channel = (unsigned)channel - 1u;
    return GS_OK;
  }
  if (band) {
    TRY(gs_doc_string(ctx, node, "band", NULL, true, &in->band_part, err));
    in->play = GS_PLAY_BAND;
    return GS_OK;
  }
  if (gen) {
    const char *g = NULL;
    TRY(gs_doc_string(ctx, node, "generator", generator_names, true, &g, err));
    gc->kind = !strcmp(g, "sine")    ? GS_GEN_SINE
               : !strcmp(g, "sweep") ? GS_GEN_SWEEP
               : !strcmp(g, "pink")  ? GS_GEN_PINK
               : !strcmp(g, "click") ? GS_GEN_CLICK
                                     : GS_GEN_SILENCE;
    TRY(gs_doc_number(ctx, node, "level", lo, hi, unit, false, &gc->level, err));
    TRY(gs_doc_number(ctx, node, "freq_hz", 0.1, 0.49 * rate_hz, "Hz", false, &gc->freq_hz, err));
    TRY(gs_doc_number(ctx, node, "start_hz", 1.0, 0.49 * rate_hz, "Hz", false, &gc->start_hz,
                      err));
    TRY(gs_doc_number(ctx, node, "end_hz", 1.0, 0.49 * rate_hz, "Hz", false, &gc->end_hz, err));
    TRY(gs_doc_number(ctx, node, "duration_s", 0.01, 3600.0, "s", false, &gc->duration_s, err));
    TRY(gs_doc_number(ctx, node, "tempo_bpm", 1.0, 1000.0, "bpm", false, &gc->tempo_bpm, err));
    double seed = 1.0;
    TRY(gs_doc_number(ctx, node, "seed", 0.0, 4294967295.0, "", false, &seed, err));
    gc->seed = (uint64_t)seed;
  }
  // The generator and the microphone or pickup are checked as a source
  // would check them, so the message lands on this line.
  GsSource *probe = NULL;
  GsError serr;
  const GsStatus st = gs_source_new(sc, &probe, &serr);
  gs_source_free(probe);
  if (st) {
    return gs_doc_fail(ctx, node, st, err, "%s", serr.message);
  }
  return GS_OK;
}

static GsStatus read_strip(Owned *o, const GsDoc *doc, const GsNode *node, unsigned index,
                           double rate_hz, GsStripConfig *sc, GsSessionInput *in, GsError *err)
{
  const char *name = NULL;
  GsDocContext ctx = {.doc = doc, .what = o->labels[index]};
  // The name first, so every later message can say which strip it is.
  const GsNode *name_node = gs_doc_get(node, "name");
  if (name_node && name_node->kind == GS_NODE_SCALAR) {
    snprintf(o->labels[index], sizeof(o->labels[index]), "strip %u (%.*s)", index + 1,
             NAME_CHARS, name_node->text);
  } else {
    snprintf(o->labels[index], sizeof(o->labels[index]), "strip %u", index + 1);
  }
  TRY(gs_doc_check_keys(&ctx, node, strip_keys, err));
  TRY(gs_doc_string(&ctx, node, "name", NULL, true, &name, err));
  *sc = (GsStripConfig){.name = name, .preamp = gs_preamp_config_default()};
  sc->preamp.rate_hz = rate_hz;
  const char *input = NULL;
  TRY(gs_doc_string(&ctx, node, "input", input_names, true, &input, err));
  sc->type = !strcmp(input, "mic")          ? GS_INPUT_MIC
             : !strcmp(input, "instrument") ? GS_INPUT_INSTRUMENT
                                            : GS_INPUT_LINE;
  TRY(gs_doc_string(&ctx, node, "model", model_names(), false, &sc->preamp.model, err));
  const GsPreampInfo *model = gs_preamp_model_find(sc->preamp.model);
  double lo, hi;
  gs_input_type_gain_range(sc->type, &lo, &hi);
  lo = lo > model->gain_min_db ? lo : model->gain_min_db;
  hi = hi < model->gain_max_db ? hi : model->gain_max_db;
  TRY(gs_doc_number(&ctx, node, "gain_db", lo, hi, "dB", false, &sc->preamp.gain_db, err));
  TRY(gs_doc_bool(&ctx, node, "pad", &sc->preamp.pad, err));
  TRY(gs_doc_bool(&ctx, node, "phantom", &sc->phantom, err));
  TRY(gs_doc_bool(&ctx, node, "polarity", &sc->preamp.invert, err));
  TRY(gs_doc_bool(&ctx, node, "mute", &sc->mute, err));
  TRY(gs_doc_bool(&ctx, node, "link", &sc->link_next, err));
  TRY(gs_doc_bool(&ctx, node, "armed", &in->armed, err));
  TRY(gs_doc_bool(&ctx, node, "auto_gain", &in->auto_gain, err));
  TRY(gs_doc_bool(&ctx, node, "clip_safe", &sc->clip_safe, err));
  // The safety track: -12 dB unless safety_db says otherwise.
  bool safety = false;
  TRY(gs_doc_bool(&ctx, node, "safety_track", &safety, err));
  double safety_db = -12.0;
  TRY(gs_doc_number(&ctx, node, "safety_db", -30.0, -1.0, "dB", false, &safety_db, err));
  if (gs_doc_get(node, "safety_db") && !safety) {
    return gs_doc_fail(&ctx, gs_doc_get(node, "safety_db"), GS_ERR_USAGE, err,
                       "safety_db sets the safety track's level: add safety_track: true");
  }
  sc->safety_db = safety ? safety_db : 0.0;
  TRY(gs_doc_bool(&ctx, node, "noise", &sc->preamp.noise, err));
  const GsNode *hpf = gs_doc_get(node, "hpf_hz");
  if (hpf) {
    TRY(gs_doc_number(&ctx, node, "hpf_hz", 10.0, 1000.0, "Hz, or leave it out for off", true,
                      &sc->preamp.hpf_hz, err));
  }
  const char *os = "auto";
  TRY(gs_doc_string(&ctx, node, "oversample", oversample_names, false, &os, err));
  sc->preamp.oversample = strcmp(os, "auto") ? (unsigned)atoi(os) : 0u;
  static const char *const tone_keys[3] = {"bass_db", "mid_db", "treble_db"};
  double *tone[3] = {&sc->preamp.bass_db, &sc->preamp.mid_db, &sc->preamp.treble_db};
  for (int t = 0; t < 3; ++t) {
    const GsNode *v = gs_doc_get(node, tone_keys[t]);
    if (v && !model->has_tone) {
      return gs_doc_fail(&ctx, v, GS_ERR_USAGE, err,
                         "model '%s' has no tone controls (%s needs model bass or guitar)",
                         model->name, tone_keys[t]);
    }
    TRY(gs_doc_number(&ctx, node, tone_keys[t], -model->tone_range_db, model->tone_range_db, "dB",
                      false, tone[t], err));
  }
  TRY(read_source(o, &ctx, gs_doc_get(node, "source"), sc->type, rate_hz, in, err));
  // Phantom power on a ribbon is allowed (and warned about when it plays),
  // as on hardware; on an instrument or line input it makes no sense.
  if (sc->phantom && sc->type != GS_INPUT_MIC) {
    return gs_doc_fail(&ctx, gs_doc_get(node, "phantom"), GS_ERR_USAGE, err,
                       "+48 V phantom power is for mic inputs (this is %s input)",
                       sc->type == GS_INPUT_INSTRUMENT ? "an instrument" : "a line");
  }
  return GS_OK;
}

static GsStatus read_mix(Owned *o, const GsDoc *doc, const GsNode *node, unsigned index,
                         const GsEngineConfig *ec, GsMixConfig *mc, GsSessionOutput *output,
                         GsEngineSend **sends, size_t *n_sends, GsError *err)
{
  char label[NAME_CHARS + 24];
  snprintf(label, sizeof(label), "mix %u", index + 1);
  GsDocContext ctx = {.doc = doc, .what = label};
  const GsNode *name_node = gs_doc_get(node, "name");
  if (name_node && name_node->kind == GS_NODE_SCALAR) {
    snprintf(label, sizeof(label), "mix %u (%.*s)", index + 1, NAME_CHARS, name_node->text);
  }
  TRY(gs_doc_check_keys(&ctx, node, mix_keys, err));
  *mc = (GsMixConfig){.volume_db = 0.0, .dim_db = -20.0};
  TRY(gs_doc_string(&ctx, node, "name", NULL, true, &mc->name, err));
  TRY(gs_doc_number(&ctx, node, "volume_db", -120.0, 12.0, "dB", false, &mc->volume_db, err));
  TRY(gs_doc_number(&ctx, node, "dim_db", -60.0, 0.0, "dB", false, &mc->dim_db, err));
  TRY(gs_doc_bool(&ctx, node, "mute", &mc->mute, err));
  TRY(gs_doc_bool(&ctx, node, "mono", &mc->mono, err));
  TRY(gs_doc_bool(&ctx, node, "dim", &mc->dim, err));
  TRY(gs_doc_bool(&ctx, node, "armed", &output->armed, err));
  const char *phones[16] = {0};
  for (size_t i = 0; i < gs_headphones_count() && i < 15; ++i) {
    phones[i] = gs_headphones_info(i)->name;
  }
  TRY(gs_doc_string(&ctx, node, "headphones", phones, false, &output->headphones, err));
  TRY(gs_doc_number(&ctx, node, "amp_volume_db", GS_HPAMP_VOLUME_MIN_DB, GS_HPAMP_VOLUME_MAX_DB,
                    "dB", false, &output->amp_volume_db, err));
  if (gs_doc_get(node, "amp_volume_db") && !output->headphones) {
    return gs_doc_fail(&ctx, gs_doc_get(node, "amp_volume_db"), GS_ERR_USAGE, err,
                       "amp_volume_db sets the headphone amp: say which headphones too");
  }
  const GsNode *list = gs_doc_get(node, "sends");
  if (!list) {
    return GS_OK;
  }
  if (list->kind != GS_NODE_SEQUENCE) {
    return gs_doc_fail(&ctx, list, GS_ERR_FORMAT, err,
                       "sends must be a list (- strip: NAME, level_db: ..., pan: ...)");
  }
  for (size_t i = 0; i < list->n_child; ++i) {
    const GsNode *sn = list->child[i];
    TRY(gs_doc_check_keys(&ctx, sn, send_keys, err));
    GsEngineSend s = {.mix = index, .send = {.level_db = 0.0, .pan = 0.0}};
    const GsNode *strip = gs_doc_get(sn, "strip"), *ret = gs_doc_get(sn, "return");
    if ((strip != NULL) == (ret != NULL)) {
      return gs_doc_fail(&ctx, sn, GS_ERR_USAGE, err,
                         "a send comes from one strip (strip: NAME) or one return (return: N)");
    }
    if (strip) {
      const char *name = NULL;
      TRY(gs_doc_string(&ctx, sn, "strip", NULL, true, &name, err));
      int found = -1;
      for (unsigned k = 0; k < ec->n_strips && found < 0; ++k) {
        found = !strcmp(ec->strips[k].name, name) ? (int)k : -1;
      }
      if (found < 0) {
        return gs_doc_fail(&ctx, strip, GS_ERR_UNKNOWN, err,
                           "a send from strip '%.60s', which the session does not have", name);
      }
      s.source = (unsigned)found;
    } else {
      if (!ec->n_returns) {
        return gs_doc_fail(&ctx, ret, GS_ERR_RANGE, err,
                           "a send from a return, but the session has none (returns: N)");
      }
      double r = 1.0;
      TRY(gs_doc_number(&ctx, sn, "return", 1.0, (double)ec->n_returns, "", true, &r, err));
      s.source = ec->n_strips + (unsigned)r - 1u;
    }
    TRY(gs_doc_number(&ctx, sn, "level_db", -120.0, 12.0, "dB", false, &s.send.level_db, err));
    TRY(gs_doc_number(&ctx, sn, "pan", -1.0, 1.0, "(left to right)", false, &s.send.pan, err));
    TRY(gs_doc_bool(&ctx, sn, "mute", &s.send.mute, err));
    TRY(gs_doc_bool(&ctx, sn, "solo", &s.send.solo, err));
    GsEngineSend *grown = realloc(*sends, (*n_sends + 1) * sizeof(*grown));
    if (!grown) {
      return gs_doc_fail(&ctx, sn, GS_ERR_NOMEM, err, "out of memory");
    }
    *sends = grown;
    (*sends)[(*n_sends)++] = s;
  }
  (void)o;
  return GS_OK;
}

static GsStatus read_session(Owned *o, GsSession *s, GsError *err)
{
  const GsDoc *doc = &o->doc;
  GsDocContext top = {.doc = doc, .what = NULL};
  if (!doc->root) {
    return gs_doc_fail(&top, NULL, GS_ERR_FORMAT, err, "the session is empty");
  }
  TRY(gs_doc_check_keys(&top, doc->root, top_keys, err));
  const GsNode *sess = gs_doc_get(doc->root, "session");
  GsDocContext ctx = {.doc = doc, .what = "session"};
  if (!sess) {
    return gs_doc_fail(&top, doc->root, GS_ERR_FORMAT, err,
                       "'session' is missing (its name, rate_hz, bits and block)");
  }
  TRY(gs_doc_check_keys(&ctx, sess, session_keys, err));
  s->name = "session";
  TRY(gs_doc_string(&ctx, sess, "name", NULL, false, &s->name, err));
  s->rate_hz = 48000.0;
  TRY(gs_doc_number(&ctx, sess, "rate_hz", 44100.0, 192000.0, "Hz", false, &s->rate_hz, err));
  const char *bits = "24";
  TRY(gs_doc_string(&ctx, sess, "bits", bits_names, false, &bits, err));
  s->bits = (unsigned)atoi(bits);
  double block = 256.0, ref = 18.0;
  TRY(gs_doc_number(&ctx, sess, "block", 16.0, 8192.0, "frames", false, &block, err));
  TRY(gs_doc_number(&ctx, sess, "adc_ref_dbu", 4.0, 24.0, "dBu = 0 dBFS", false, &ref, err));
  TRY(gs_doc_number(&ctx, sess, "seconds", 0.0, 3600.0, "s", false, &s->seconds, err));
  s->auto_gain_target_dbfs = -12.0;
  TRY(gs_doc_number(&ctx, sess, "auto_gain_target_dbfs", -30.0, 0.0, "dBFS", false,
                    &s->auto_gain_target_dbfs, err));
  s->latency_samples = -1.0;
  TRY(gs_doc_number(&ctx, sess, "latency_samples", 0.0, 1e6, "samples (a measured round trip)",
                    false, &s->latency_samples, err));
  double phantom_group = 0.0;
  TRY(gs_doc_number(&ctx, sess, "phantom_group", 0.0, 16.0, "inputs per +48 V switch, 0 for each",
                    false, &phantom_group, err));
  double returns = 0.0;
  TRY(gs_doc_number(&top, doc->root, "returns", 0.0, GS_ENGINE_MAX_STRIPS, "", false, &returns,
                    err));

  const GsNode *strips = gs_doc_get(doc->root, "strips");
  if (!strips || strips->kind != GS_NODE_SEQUENCE || strips->n_child == 0) {
    return gs_doc_fail(&top, strips ? strips : doc->root, GS_ERR_FORMAT, err,
                       "'strips' must list at least one input (- name: ..., input: mic, ...)");
  }
  if (strips->n_child > GS_ENGINE_MAX_STRIPS) {
    return gs_doc_fail(&top, strips, GS_ERR_RANGE, err, "%zu strips: at most %d",
                       strips->n_child, GS_ENGINE_MAX_STRIPS);
  }
  const unsigned n = (unsigned)strips->n_child;
  o->strips = calloc(n, sizeof(*o->strips));
  o->inputs = calloc(n, sizeof(*o->inputs));
  o->labels = calloc(n, sizeof(*o->labels));
  if (!o->strips || !o->inputs || !o->labels) {
    return gs_doc_fail(&top, NULL, GS_ERR_NOMEM, err, "out of memory");
  }
  for (unsigned i = 0; i < n; ++i) {
    TRY(read_strip(o, doc, strips->child[i], i, s->rate_hz, &o->strips[i], &o->inputs[i], err));
    for (unsigned k = 0; k < i; ++k) {
      if (!strcmp(o->strips[k].name, o->strips[i].name)) {
        GsDocContext sc = {.doc = doc, .what = o->labels[i]};
        return gs_doc_fail(&sc, gs_doc_get(strips->child[i], "name"), GS_ERR_USAGE, err,
                           "the name '%s' is taken by strip %u; names must differ",
                           o->strips[i].name, k + 1);
      }
    }
  }
  // Links pair a strip with the next, of the same input type.
  for (unsigned i = 0; i < n; ++i) {
    if (!o->strips[i].link_next) {
      continue;
    }
    GsDocContext sc = {.doc = doc, .what = o->labels[i]};
    const GsNode *at = gs_doc_get(strips->child[i], "link");
    if (i + 1 >= n) {
      return gs_doc_fail(&sc, at, GS_ERR_USAGE, err,
                         "linked to the next strip, but it is the last one");
    }
    if (o->strips[i + 1].type != o->strips[i].type || (i > 0 && o->strips[i - 1].link_next)) {
      return gs_doc_fail(&sc, at, GS_ERR_USAGE, err,
                         "can only link with the next strip when both are free and of the same "
                         "input type (strip %u is %s)",
                         i + 2, gs_input_type_name(o->strips[i + 1].type));
    }
  }

  GsEngineConfig *ec = &s->engine;
  *ec = (GsEngineConfig){.rate_hz = s->rate_hz, .max_block = (uint32_t)block,
                         .adc_ref_dbu = ref, .n_strips = n, .n_returns = (unsigned)returns,
                         .strips = o->strips, .phantom_group = (unsigned)phantom_group};
  // The mic inputs that share a +48 V switch must agree (an instrument or
  // line input in the group is not powered either way).
  for (unsigned i = 0; ec->phantom_group > 1 && i < n; ++i) {
    const unsigned first = i - i % ec->phantom_group;
    unsigned mic = first;
    while (mic < i && o->strips[mic].type != GS_INPUT_MIC) {
      ++mic;
    }
    if (o->strips[i].type == GS_INPUT_MIC && o->strips[i].phantom != o->strips[mic].phantom) {
      GsDocContext sc = {.doc = doc, .what = o->labels[i]};
      return gs_doc_fail(&sc, strips->child[i], GS_ERR_USAGE, err,
                         "+48 V is switched for inputs %u to %u together (phantom_group: %u): "
                         "set phantom the same on all of them",
                         first + 1, first + ec->phantom_group, ec->phantom_group);
    }
  }
  const GsNode *mixes = gs_doc_get(doc->root, "mixes");
  if (mixes) {
    if (mixes->kind != GS_NODE_SEQUENCE) {
      return gs_doc_fail(&top, mixes, GS_ERR_FORMAT, err, "'mixes' must be a list");
    }
    if (mixes->n_child > GS_ENGINE_MAX_MIXES) {
      return gs_doc_fail(&top, mixes, GS_ERR_RANGE, err, "%zu mixes: at most %d", mixes->n_child,
                         GS_ENGINE_MAX_MIXES);
    }
    o->mixes = calloc(mixes->n_child + 1, sizeof(*o->mixes));
    o->outputs = calloc(mixes->n_child + 1, sizeof(*o->outputs));
    if (!o->mixes || !o->outputs) {
      return gs_doc_fail(&top, NULL, GS_ERR_NOMEM, err, "out of memory");
    }
    for (unsigned m = 0; m < mixes->n_child; ++m) {
      TRY(read_mix(o, doc, mixes->child[m], m, ec, &o->mixes[m], &o->outputs[m], &o->sends,
                   &s->n_sends, err));
      for (unsigned k = 0; k < m; ++k) {
        if (!strcmp(o->mixes[k].name, o->mixes[m].name)) {
          GsDocContext mc = {.doc = doc, .what = NULL};
          return gs_doc_fail(&mc, gs_doc_get(mixes->child[m], "name"), GS_ERR_USAGE, err,
                             "mix %u: the name '%s' is taken by mix %u; names must differ",
                             m + 1, o->mixes[m].name, k + 1);
        }
      }
    }
    ec->n_mixes = (unsigned)mixes->n_child;
    ec->mixes = o->mixes;
  }
  s->inputs = o->inputs;
  s->outputs = o->outputs;
  s->sends = o->sends;
  ec->sends = o->sends;
  ec->n_sends = s->n_sends;
  return GS_OK;
}

static GsStatus finish(const char *path, Owned *o, GsSession *s, GsError *err)
{
  const char *slash = strrchr(path, '/');
  o->dir = slash ? strndup(path, (size_t)(slash - path)) : strdup("");
  if (!o->dir) {
    owned_free(o);
    snprintf(err->message, sizeof(err->message), "%s: out of memory", path);
    return GS_ERR_NOMEM;
  }
  s->owned = o;
  s->path = o->doc.path;
  const GsStatus st = read_session(o, s, err);
  if (st) {
    gs_session_free(s);
  }
  return st;
}

GsStatus gs_session_parse(const char *path, const char *text, size_t size, GsSession *s,
                          GsError *err)
{
  *s = (GsSession){0};
  Owned *o = calloc(1, sizeof(*o));
  if (!o) {
    snprintf(err->message, sizeof(err->message), "%s: out of memory", path);
    return GS_ERR_NOMEM;
  }
  const GsStatus st = gs_doc_parse(path, text, size, &o->doc, err);
  if (st) {
    owned_free(o);
    return st;
  }
  return finish(path, o, s, err);
}

GsStatus gs_session_load(const char *path, GsSession *s, GsError *err)
{
  *s = (GsSession){0};
  Owned *o = calloc(1, sizeof(*o));
  if (!o) {
    snprintf(err->message, sizeof(err->message), "%s: out of memory", path);
    return GS_ERR_NOMEM;
  }
  const GsStatus st = gs_doc_load(path, &o->doc, err);
  if (st) {
    owned_free(o);
    return st;
  }
  return finish(path, o, s, err);
}
