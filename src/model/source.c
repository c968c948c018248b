// SPDX-License-Identifier: ISC
// Sources: a generator or calibrated samples, turned into volts at the jack by
// a microphone (sensitivity, self-noise, phantom power), a pickup (its circuit
// with the cable and the input) or a line output.

#include "gainstage/source.h"

#include "error.h"

#include "dsp/biquad.h"
#include "dsp/gain.h"
#include "dsp/generator.h"
#include "dsp/noise.h"
#include "gainstage/units.h"
#include "model/mic.h"
#include "model/pickup.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// How long a condenser takes to come up or go down when phantom power is
// switched: a time constant short enough to feel immediate, long enough not
// to click (the real capsule's polarising supply takes longer and thumps).
#define PHANTOM_GLIDE_S 0.010

// Written by the main thread at creation; then owned by the thread that
// processes (gs_source_set_phantom() is called on that thread too).
struct GsSource {
  GsSourceKind kind;
  const char *name;
  char custom_name[32];
  double rate_hz;
  GsMicType mic_type;
  bool phantom;
  bool use_noise;
  float noise_rms;      // volts
  GsWhite white;
  GsWhite white_start;  // as seeded, for reset
  bool use_power;       // a condenser: its output follows phantom power
  GsGain power;
  bool use_pickup;
  GsBiquad pickup;
  bool from_samples;
  bool live;            // gs_source_process_input() feeds it
  bool loop;
  bool finished;
  float sample_volts;   // volts per sample unit
  size_t pos;
  size_t n_samples;
  float *samples;
  GsGenerator gen;
};

GsSourceConfig gs_source_config_mic(const char *model)
{
  return (GsSourceConfig){
    .kind = GS_SOURCE_MIC,
    .rate_hz = 48000.0,
    .mic = model,
    .mic_type = GS_MIC_DYNAMIC,
    .sens_mv_per_pa = 2.0,
    .self_noise_db_a = 18.0,
    .self_noise = true,
    .noise_seed = 1,
    .gen = {.kind = GS_GEN_SINE, .level = 94.0, .freq_hz = 1000.0, .seed = 1},
    .fullscale_level = 120.0,
  };
}

GsSourceConfig gs_source_config_instrument(const char *model)
{
  const GsPickupInfo *p = gs_pickup_model_info(0);
  return (GsSourceConfig){
    .kind = GS_SOURCE_INSTRUMENT,
    .rate_hz = 48000.0,
    .pickup = model,
    .inductance_h = p->inductance_h,
    .resistance_ohm = p->resistance_ohm,
    .winding_pf = p->winding_pf,
    .pots_ohm = p->pots_ohm,
    .cable_pf = 500.0,
    .input_ohm = 1e6,
    .gen = {.kind = GS_GEN_SINE, .level = -20.0, .freq_hz = 1000.0, .seed = 1},
    .fullscale_level = 0.0,
  };
}

GsSourceConfig gs_source_config_line(GsLineNominal nominal)
{
  const double level = gs_line_nominal_dbu(nominal);
  return (GsSourceConfig){
    .kind = GS_SOURCE_LINE,
    .rate_hz = 48000.0,
    .nominal = nominal,
    .gen = {.kind = GS_GEN_SINE, .level = level, .freq_hz = 1000.0, .seed = 1},
    .fullscale_level = level + 18.0,
  };
}

// -10 dBV is 10^(-10/20) V = 0.3162 V RMS; in dBu, -10 + 20 log10(1 / 0.7746)
// = -7.78 dBu.
double gs_line_nominal_dbu(GsLineNominal nominal)
{
  return nominal == GS_LINE_CONSUMER ? -10.0 - 20.0 * log10(GS_DBU_REF_VOLTS) : 4.0;
}

static bool within(double x, double lo, double hi)
{
  return x >= lo && x <= hi;  // false for NaN
}

static void list_mics(char *out, size_t size)
{
  out[0] = '\0';
  for (size_t i = 0; i < gs_mic_model_count(); ++i) {
    const size_t len = strlen(out);
    snprintf(out + len, size - len, "%s%s", i ? ", " : "", gs_mic_model_info(i)->name);
  }
}

static void list_pickups(char *out, size_t size)
{
  out[0] = '\0';
  for (size_t i = 0; i < gs_pickup_model_count(); ++i) {
    const size_t len = strlen(out);
    snprintf(out + len, size - len, "%s%s", i ? ", " : "", gs_pickup_model_info(i)->name);
  }
}

// The figures a source runs with, from the catalogue or the custom settings.
typedef struct {
  GsMicType mic_type;
  double sens_mv_per_pa;
  double self_noise_db_a;
  GsPickupInfo pickup;
  const char *name;
} Figures;

static GsStatus validate_mic(const GsSourceConfig *c, Figures *f, GsError *err)
{
  if (c->mic) {
    const GsMicInfo *m = gs_mic_model_find(c->mic);
    if (!m) {
      char names[256];
      list_mics(names, sizeof(names));
      return gs_fail(err, GS_ERR_UNKNOWN, "unknown microphone '%s' (microphones: %s)", c->mic,
                  names);
    }
    f->mic_type = m->type;
    f->sens_mv_per_pa = m->sens_mv_per_pa;
    f->self_noise_db_a = m->self_noise_db_a;
    f->name = m->name;
    return GS_OK;
  }
  if (c->mic_type != GS_MIC_DYNAMIC && c->mic_type != GS_MIC_CONDENSER &&
      c->mic_type != GS_MIC_RIBBON) {
    return gs_fail(err, GS_ERR_RANGE,
                "microphone type %d is not valid (dynamic, condenser or ribbon)",
                (int)c->mic_type);
  }
  if (!within(c->sens_mv_per_pa, 0.1, 100.0)) {
    return gs_fail(err, GS_ERR_RANGE,
                "microphone sensitivity %g mV/Pa is out of range (0.1 to 100 mV/Pa)",
                c->sens_mv_per_pa);
  }
  if (!within(c->self_noise_db_a, 0.0, 40.0)) {
    return gs_fail(err, GS_ERR_RANGE,
                "microphone self-noise %g dB(A) is out of range (0 to 40 dB SPL A-weighted)",
                c->self_noise_db_a);
  }
  f->mic_type = c->mic_type;
  f->sens_mv_per_pa = c->sens_mv_per_pa;
  f->self_noise_db_a = c->self_noise_db_a;
  f->name = NULL;
  return GS_OK;
}

static GsStatus validate_pickup(const GsSourceConfig *c, Figures *f, GsError *err)
{
  if (c->pickup) {
    const GsPickupInfo *p = gs_pickup_model_find(c->pickup);
    if (!p) {
      char names[256];
      list_pickups(names, sizeof(names));
      return gs_fail(err, GS_ERR_UNKNOWN, "unknown pickup '%s' (pickups: %s)", c->pickup, names);
    }
    f->pickup = *p;
    f->name = p->name;
  } else {
    if (!within(c->inductance_h, 0.1, 20.0)) {
      return gs_fail(err, GS_ERR_RANGE, "pickup inductance %g H is out of range (0.1 to 20 H)",
                  c->inductance_h);
    }
    if (!within(c->resistance_ohm, 100.0, 50000.0)) {
      return gs_fail(err, GS_ERR_RANGE,
                  "pickup resistance %g ohm is out of range (100 to 50000 ohm)",
                  c->resistance_ohm);
    }
    if (!within(c->winding_pf, 10.0, 1000.0)) {
      return gs_fail(err, GS_ERR_RANGE,
                  "pickup winding capacitance %g pF is out of range (10 to 1000 pF)",
                  c->winding_pf);
    }
    if (c->pots_ohm != 0.0 && !within(c->pots_ohm, 1e4, 1e7)) {
      return gs_fail(err, GS_ERR_RANGE,
                  "instrument pots %g ohm are out of range (10000 to 10000000 ohm, or 0 for "
                  "none)",
                  c->pots_ohm);
    }
    f->pickup = (GsPickupInfo){.name = NULL,
                               .inductance_h = c->inductance_h,
                               .resistance_ohm = c->resistance_ohm,
                               .winding_pf = c->winding_pf,
                               .pots_ohm = c->pots_ohm};
    f->name = NULL;
  }
  if (!within(c->cable_pf, 0.0, 5000.0)) {
    return gs_fail(err, GS_ERR_RANGE, "cable capacitance %g pF is out of range (0 to 5000 pF)",
                c->cable_pf);
  }
  if (!within(c->input_ohm, 1e3, 1e7)) {
    return gs_fail(err, GS_ERR_RANGE,
                "input impedance %g ohm is out of range (1000 to 10000000 ohm)", c->input_ohm);
  }
  return GS_OK;
}

static GsStatus validate_frequency(const char *what, double freq_hz, double rate_hz,
                                   double lo_hz, GsError *err)
{
  const double hi = 0.49 * rate_hz;
  if (!within(freq_hz, lo_hz, hi)) {
    return gs_fail(err, GS_ERR_RANGE, "%s %g Hz is out of range (%g to %g Hz at %g Hz)", what,
                freq_hz, lo_hz, hi, rate_hz);
  }
  return GS_OK;
}

static GsStatus validate_signal(const GsSourceConfig *c, GsError *err)
{
  const bool mic = c->kind == GS_SOURCE_MIC;
  const char *unit = mic ? "dB SPL" : "dBu";
  const char *kind = mic ? "a microphone" : c->kind == GS_SOURCE_LINE ? "a line source"
                                                                        : "an instrument";
  if (c->samples || c->live) {
    if (!c->live && c->n_samples == 0) {
      return gs_fail(err, GS_ERR_RANGE, "samples: none given (a file-backed source needs at "
                                     "least one sample)");
    }
    const double lo = mic ? 60.0 : -60.0, hi = mic ? 160.0 : 40.0;
    if (!within(c->fullscale_level, lo, hi)) {
      return gs_fail(err, GS_ERR_RANGE,
                  "calibration 0 dBFS = %g %s is out of range (%g to %g %s for %s)",
                  c->fullscale_level, unit, lo, hi, unit, kind);
    }
    return GS_OK;
  }
  const GsGeneratorConfig *g = &c->gen;
  GsStatus st = GS_OK;
  switch (g->kind) {
  case GS_GEN_SILENCE:
    return GS_OK;
  case GS_GEN_SINE:
    st = validate_frequency("sine frequency", g->freq_hz, c->rate_hz, 0.1, err);
    break;
  case GS_GEN_SWEEP:
    if ((st = validate_frequency("sweep start frequency", g->start_hz, c->rate_hz, 1.0, err)) ||
        (st = validate_frequency("sweep end frequency", g->end_hz, c->rate_hz, 1.0, err))) {
      return st;
    }
    if (!within(g->duration_s, 0.01, 3600.0)) {
      return gs_fail(err, GS_ERR_RANGE, "sweep duration %g s is out of range (0.01 to 3600 s)",
                  g->duration_s);
    }
    break;
  case GS_GEN_PINK:
    break;
  case GS_GEN_CLICK:
    if (!within(g->tempo_bpm, 1.0, 1000.0)) {
      return gs_fail(err, GS_ERR_RANGE, "click tempo %g bpm is out of range (1 to 1000 bpm)",
                  g->tempo_bpm);
    }
    break;
  default:
    return gs_fail(err, GS_ERR_RANGE,
                "generator %d is not valid (silence, sine, sweep, pink or click)",
                (int)g->kind);
  }
  if (st) {
    return st;
  }
  const double lo = mic ? -40.0 : -120.0, hi = mic ? 160.0 : 30.0;
  if (!within(g->level, lo, hi)) {
    return gs_fail(err, GS_ERR_RANGE, "generator level %g %s is out of range (%g to %g %s for %s)",
                g->level, unit, lo, hi, unit, kind);
  }
  return GS_OK;
}

static GsStatus validate(const GsSourceConfig *c, Figures *f, GsError *err)
{
  memset(f, 0, sizeof(*f));
  if (!within(c->rate_hz, 8000.0, 384000.0)) {
    return gs_fail(err, GS_ERR_RANGE, "sample rate %g Hz is out of range (8000 to 384000 Hz)",
                c->rate_hz);
  }
  GsStatus st = GS_OK;
  switch (c->kind) {
  case GS_SOURCE_MIC:
    st = validate_mic(c, f, err);
    break;
  case GS_SOURCE_INSTRUMENT:
    st = validate_pickup(c, f, err);
    break;
  case GS_SOURCE_LINE:
    if (c->nominal != GS_LINE_PRO && c->nominal != GS_LINE_CONSUMER) {
      return gs_fail(err, GS_ERR_RANGE,
                  "line nominal level %d is not valid (+4 dBu or -10 dBV)", (int)c->nominal);
    }
    break;
  default:
    return gs_fail(err, GS_ERR_RANGE, "source kind %d is not valid (mic, instrument or line)",
                (int)c->kind);
  }
  return st ? st : validate_signal(c, err);
}

// Physical units (pascal for a microphone, volts otherwise) to volts at the
// jack, before any pickup filter.
static double volts_per_unit(const GsSourceConfig *c, const Figures *f)
{
  return c->kind == GS_SOURCE_MIC ? f->sens_mv_per_pa * 1e-3 : 1.0;
}

// The RMS of a level in the source's unit, in pascal or volts.
static double level_rms(GsSourceKind kind, double level)
{
  return kind == GS_SOURCE_MIC ? gs_spl_to_pa(level) : gs_dbu_to_volts(level);
}

static void setup_generator(GsSource *s, const GsSourceConfig *c, double scale)
{
  const GsGeneratorConfig *g = &c->gen;
  const double rms = level_rms(c->kind, g->level) * scale;
  const double peak = rms * sqrt(2.0);
  switch (g->kind) {
  case GS_GEN_SINE:
    gs_generator_init_sine(&s->gen, c->rate_hz, g->freq_hz, peak);
    break;
  case GS_GEN_SWEEP:
    gs_generator_init_sweep(&s->gen, c->rate_hz, g->start_hz, g->end_hz, g->duration_s, peak,
                            c->loop);
    break;
  case GS_GEN_PINK:
    gs_generator_init_pink(&s->gen, rms, g->seed);
    break;
  case GS_GEN_CLICK:
    gs_generator_init_click(&s->gen, c->rate_hz, g->tempo_bpm, peak);
    break;
  case GS_GEN_SILENCE:
  default:
    gs_generator_init_silence(&s->gen);
    break;
  }
}

static void setup(GsSource *s, const GsSourceConfig *c, const Figures *f)
{
  s->kind = c->kind;
  s->rate_hz = c->rate_hz;
  s->name = f->name;
  switch (c->kind) {
  case GS_SOURCE_MIC:
    if (!s->name) {
      snprintf(s->custom_name, sizeof(s->custom_name), "custom %s",
               gs_mic_type_name(f->mic_type));
      s->name = s->custom_name;
    }
    break;
  case GS_SOURCE_INSTRUMENT:
    if (!s->name) {
      s->name = "custom pickup";
    }
    break;
  case GS_SOURCE_LINE:
    s->name = c->nominal == GS_LINE_CONSUMER ? "line -10 dBV" : "line +4 dBu";
    break;
  }

  s->mic_type = f->mic_type;
  s->use_noise = c->kind == GS_SOURCE_MIC && c->self_noise;
  if (s->use_noise) {
    s->noise_rms =
      (float)gs_mic_noise_rms_volts(f->sens_mv_per_pa, f->self_noise_db_a, c->rate_hz);
  }
  gs_white_init(&s->white, c->noise_seed);
  s->white_start = s->white;

  s->use_power = c->kind == GS_SOURCE_MIC && f->mic_type == GS_MIC_CONDENSER;
  gs_gain_init(&s->power, c->rate_hz, PHANTOM_GLIDE_S, -INFINITY);  // phantom starts off

  gs_biquad_init(&s->pickup);
  s->use_pickup = c->kind == GS_SOURCE_INSTRUMENT;
  if (s->use_pickup) {
    const GsPickupCircuit circuit = gs_pickup_circuit(&f->pickup, c->cable_pf, c->input_ohm);
    gs_pickup_design(&circuit, c->rate_hz, &s->pickup);
  }

  const double scale = volts_per_unit(c, f);
  s->loop = c->loop;
  s->live = c->live;
  s->from_samples = c->samples != NULL && !c->live;
  // A full-scale sine, peak 1.0, has the RMS level fullscale_level.
  s->sample_volts = (float)(level_rms(c->kind, c->fullscale_level) * sqrt(2.0) * scale);
  if (s->live) {
    gs_generator_init_silence(&s->gen);
  } else if (s->from_samples) {
    s->n_samples = c->n_samples;
    // A NaN or infinity in a file would live on in the pickup filter's
    // state: such samples play as silence.
    for (size_t i = 0; i < c->n_samples; ++i) {
      s->samples[i] = isfinite(c->samples[i]) ? c->samples[i] : 0.0f;
    }
    gs_generator_init_silence(&s->gen);
  } else {
    setup_generator(s, c, scale);
  }
}

GsStatus gs_source_new(const GsSourceConfig *config, GsSource **out, GsError *err)
{
  *out = NULL;
  Figures f;
  const GsStatus st = validate(config, &f, err);
  if (st) {
    return st;
  }
  GsSource *s = calloc(1, sizeof(*s));
  if (!s) {
    return gs_fail(err, GS_ERR_NOMEM, "out of memory creating a source");
  }
  if (config->samples && !config->live) {
    s->samples = calloc(config->n_samples, sizeof(float));
    if (!s->samples) {
      free(s);
      return gs_fail(err, GS_ERR_NOMEM, "out of memory copying %zu samples for a source",
                  config->n_samples);
    }
  }
  setup(s, config, &f);
  *out = s;
  return GS_OK;
}

void gs_source_free(GsSource *src)
{
  if (src) {
    free(src->samples);
    free(src);
  }
}

void gs_source_reset(GsSource *s)
{
  s->pos = 0;
  s->finished = false;
  gs_generator_reset(&s->gen);
  s->white = s->white_start;
  gs_biquad_reset(&s->pickup);
  gs_gain_settle(&s->power);
}

bool gs_source_finished(const GsSource *s)
{
  return s->finished;
}

static void play_samples(GsSource *s, float *out, uint32_t n) GS_REALTIME
{
  const float k = s->sample_volts;
  uint32_t i = 0;
  while (i < n) {
    if (s->pos >= s->n_samples) {
      if (!s->loop) {
        s->finished = true;
        for (; i < n; ++i) {
          out[i] = 0.0f;
        }
        return;
      }
      s->pos = 0;
    }
    const size_t left = s->n_samples - s->pos;
    const uint32_t m = left < (size_t)(n - i) ? (uint32_t)left : n - i;
    const float *src = s->samples + s->pos;
    for (uint32_t j = 0; j < m; ++j) {
      out[i + j] = src[j] * k;
    }
    s->pos += m;
    i += m;
  }
  if (!s->loop && s->pos >= s->n_samples) {
    s->finished = true;
  }
}

// The microphone's noise, the pickup's circuit and phantom power, on volts.
static void finish(GsSource *s, float *out, uint32_t n) GS_REALTIME
{
  if (s->use_noise) {
    gs_white_add(&s->white, s->noise_rms, out, n);
  }
  if (s->use_pickup) {
    gs_biquad_process(&s->pickup, out, out, n);
  }
  if (s->use_power) {
    gs_gain_process(&s->power, out, out, n);
  }
}

void gs_source_process(GsSource *s, float *out, uint32_t n)
{
  if (s->from_samples) {
    play_samples(s, out, n);
  } else {
    gs_generator_process(&s->gen, out, n);
  }
  finish(s, out, n);
}

void gs_source_process_input(GsSource *s, const float *in, float *out, uint32_t n)
{
  if (!s->live) {
    gs_source_process(s, out, n);
    return;
  }
  const float k = s->sample_volts;
  for (uint32_t i = 0; i < n; ++i) {
    out[i] = isfinite(in[i]) ? in[i] * k : 0.0f;  // a NaN would live on in the filters
  }
  finish(s, out, n);
}

bool gs_source_live(const GsSource *s)
{
  return s->live;
}

GsSourceKind gs_source_kind(const GsSource *s)
{
  return s->kind;
}

const char *gs_source_name(const GsSource *s)
{
  return s->name;
}

void gs_source_set_phantom(GsSource *s, bool on)
{
  s->phantom = on;
  gs_gain_set_db(&s->power, on ? 0.0f : -INFINITY);
}

bool gs_source_phantom(const GsSource *s)
{
  return s->phantom;
}

GsSourceWarning gs_source_warning(const GsSource *s)
{
  if (s->kind != GS_SOURCE_MIC) {
    return GS_SOURCE_WARN_NONE;
  }
  if (s->mic_type == GS_MIC_CONDENSER && !s->phantom) {
    return GS_SOURCE_WARN_NEEDS_PHANTOM;
  }
  if (s->mic_type == GS_MIC_RIBBON && s->phantom) {
    return GS_SOURCE_WARN_PHANTOM_RIBBON;
  }
  return GS_SOURCE_WARN_NONE;
}

const char *gs_source_warning_text(GsSourceWarning warning)
{
  switch (warning) {
  case GS_SOURCE_WARN_NONE:
    return "";
  case GS_SOURCE_WARN_NEEDS_PHANTOM:
    return "needs +48 V phantom power: no signal";
  case GS_SOURCE_WARN_PHANTOM_RIBBON:
    return "has +48 V phantom power on: a ribbon does not need it, and a miswired cable "
           "can damage it";
  }
  return "";
}

char *gs_source_warning_message(const GsSource *s, const char *where, char *buf, size_t size)
{
  if (size == 0) {
    return buf;
  }
  const GsSourceWarning w = gs_source_warning(s);
  if (w == GS_SOURCE_WARN_NONE) {
    buf[0] = '\0';
  } else {
    snprintf(buf, size, "%s%s%s %s", s->name, where ? " on " : "", where ? where : "",
             gs_source_warning_text(w));
  }
  return buf;
}
