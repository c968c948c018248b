// SPDX-License-Identifier: ISC
// The interface engine: strips (preamp and converter), direct-monitoring
// mixes, queued parameter changes and published meters.

#include "gainstage/engine.h"

#include "error.h"

#include "dsp/denormal.h"
#include "dsp/lookahead.h"
#include "engine/glide.h"
#include "engine/meters.h"
#include "engine/spsc.h"
#include "gainstage/converter.h"
#include "gainstage/units.h"

#include <math.h>
#include <stdatomic.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GLIDE_TIME_S 0.010  // sends, volumes, mutes: click-free and still immediate
#define OFF_DB (-120.0)     // a level at or below this is silence
#define NAME_MAX_CHARS 64
#define MAX_ALIGN 256       // samples a strip may be delayed to line up with the slowest

// A fixed delay of up to MAX_DELAY samples, through a ring.
#define MAX_DELAY (MAX_ALIGN + GS_LOOKAHEAD_MAX)
typedef struct {
  unsigned length, pos;
  float buf[MAX_DELAY];
} DelayLine;

typedef struct {
  char name[NAME_MAX_CHARS];
  char label[NAME_MAX_CHARS + 16];  // "strip 1 (kick)", for messages
  GsInputType type;
  bool clip_safe;                   // the look-ahead reduction runs
  GsLookahead clip;                 // Clip Safe, in volts before the converter
  unsigned bank;                    // which bank runs its preamp
  unsigned channel;                 // its channel there
  GsAdc *adc;
  double gain_min_db, gain_max_db;  // the input type's range within the model's
  bool mute, link_next;
  _Atomic bool phantom;             // written by the audio thread, read by any
  GsMeterState meter;
  // Strips with less latency (a clean preamp at 1x) are delayed to line up
  // with the slowest, so all captures and mixes stay sample-aligned.
  unsigned align;                   // samples of delay
  DelayLine delay;
  // The safety track: the preamp, lower, through a second converter, delayed
  // to line up with the main capture (which Clip Safe may delay).
  float safety_gain;                // 0: none
  GsAdc *safety_adc;
  float *safety;                    // max_block samples
  DelayLine safety_delay;
} Strip;

typedef struct {
  GsSendConfig cfg;
  GsGlide left, right;
} Send;

typedef struct {
  char name[NAME_MAX_CHARS];
  char label[NAME_MAX_CHARS + 16];  // "mix 2 (headphones)", for messages
  GsMixConfig cfg;
  Send *send;        // one per source: strips, then returns
  unsigned n_solo;   // sends soloed: when any is, only they are heard
  GsGlide mono;      // 0 stereo, 1 mono, gliding between
  GsGlide out;       // volume, dim and mute
} Mix;

// Built by the main thread; afterwards only the audio thread touches it,
// except the queue (control thread -> audio thread) and the meter slots
// (audio thread -> any thread).
struct GsEngine {
  double rate_hz;
  uint32_t max_block;
  unsigned n_strips, n_returns, n_mixes;
  unsigned phantom_group;
  float glide_coef;
  Strip *strip;
  Mix *mix;
  float *samples;     // n_strips * max_block: each strip after its converter
  float *volts;       // n_strips * max_block: each strip's preamp output
  GsPreampBank **bank;  // strips with the same settings (but gain) share a bank
  unsigned n_banks;
  unsigned *bank_strip; // n_strips: the strips of bank b, in order, from bank_first[b]
  unsigned *bank_first; // n_banks + 1
  float *bus;         // 2 * max_block: one mix before its volume
  GsMeterSlot *slot;  // n_strips
  GsSpsc queue;
};

static bool within(double x, double lo, double hi)
{
  return x >= lo && x <= hi;  // false for NaN
}

void gs_input_type_gain_range(GsInputType type, double *min_db, double *max_db)
{
  // What interfaces commonly offer (REFERENCES.md: mic preamps 0 to 60 dB
  // and more; an instrument needs about 25 dB and inputs give up to about
  // 35; line inputs trim up to 20 dB).
  switch (type) {
  case GS_INPUT_MIC: *min_db = 0.0; *max_db = 66.0; return;
  case GS_INPUT_INSTRUMENT: *min_db = 0.0; *max_db = 35.0; return;
  case GS_INPUT_LINE: *min_db = 0.0; *max_db = 20.0; return;
  }
  *min_db = *max_db = 0.0;
}

// "a mic", "an instrument", "a line".
static const char *article(GsInputType type)
{
  return type == GS_INPUT_INSTRUMENT ? "an" : "a";
}

const char *gs_input_type_name(GsInputType type)
{
  switch (type) {
  case GS_INPUT_MIC: return "mic";
  case GS_INPUT_INSTRUMENT: return "instrument";
  case GS_INPUT_LINE: return "line";
  }
  return "unknown";
}

static void copy_name(char *dst, const char *src, const char *fallback, unsigned index)
{
  if (src && *src) {
    snprintf(dst, NAME_MAX_CHARS, "%s", src);
  } else {
    snprintf(dst, NAME_MAX_CHARS, "%s %u", fallback, index + 1);
  }
}

// How messages name a strip or mix: "strip 1 (kick)", or "strip 2" unnamed.
static void label(char *dst, size_t size, const char *kind, unsigned index, const char *name)
{
  if (name && *name) {
    snprintf(dst, size, "%s %u (%s)", kind, index + 1, name);
  } else {
    snprintf(dst, size, "%s %u", kind, index + 1);
  }
}

static float db_to_gain(double db)
{
  return db <= OFF_DB ? 0.0f : (float)pow(10.0, db / 20.0);
}

// The send's target gains from its settings, the strip's mute and the mix's
// solo state (constant-power pan: -3 dB each side at the centre).
static void send_targets(const GsEngine *e, const Mix *mix, unsigned src)
{
  Send *s = &mix->send[src];
  const bool any_solo = mix->n_solo > 0;
  const bool strip_muted = src < e->n_strips && e->strip[src].mute;
  const bool silent = s->cfg.mute || strip_muted || (any_solo && !s->cfg.solo);
  const float g = silent ? 0.0f : db_to_gain(s->cfg.level_db);
  const double theta = (s->cfg.pan + 1.0) * M_PI / 4.0;
  s->left.target = g * (float)cos(theta);
  s->right.target = g * (float)sin(theta);
}

static void mix_targets(Mix *mix)
{
  const GsMixConfig *c = &mix->cfg;
  const double db = c->volume_db + (c->dim ? c->dim_db : 0.0);
  mix->out.target = c->mute ? 0.0f : db_to_gain(db);
  mix->mono.target = c->mono ? 1.0f : 0.0f;
}

static void settle(GsGlide *g)
{
  g->current = g->target;
}

static GsStatus validate(const GsEngineConfig *c, GsError *err)
{
  if (!within(c->rate_hz, 44100.0, 192000.0)) {
    return gs_fail(err, GS_ERR_RANGE, "sample rate %g Hz is out of range (44100 to 192000 Hz)",
                c->rate_hz);
  }
  if (c->max_block < 16 || c->max_block > 8192) {
    return gs_fail(err, GS_ERR_RANGE, "block size %u is out of range (16 to 8192 frames)",
                c->max_block);
  }
  if (!within(c->adc_ref_dbu, 4.0, 24.0)) {
    return gs_fail(err, GS_ERR_RANGE,
                "converter reference %g dBu is out of range (+4 to +24 dBu = 0 dBFS)",
                c->adc_ref_dbu);
  }
  if (c->n_strips > GS_ENGINE_MAX_STRIPS || c->n_returns > GS_ENGINE_MAX_STRIPS) {
    return gs_fail(err, GS_ERR_RANGE, "%u strips and %u returns: at most %d of each", c->n_strips,
                c->n_returns, GS_ENGINE_MAX_STRIPS);
  }
  if (c->n_mixes > GS_ENGINE_MAX_MIXES) {
    return gs_fail(err, GS_ERR_RANGE, "%u mixes: at most %d", c->n_mixes, GS_ENGINE_MAX_MIXES);
  }
  for (unsigned s = 0; s < c->n_strips; ++s) {
    const GsStripConfig *sc = &c->strips[s];
    char name[NAME_MAX_CHARS + 16];
    label(name, sizeof(name), "strip", s, sc->name);
    if (sc->type != GS_INPUT_MIC && sc->type != GS_INPUT_INSTRUMENT && sc->type != GS_INPUT_LINE) {
      return gs_fail(err, GS_ERR_RANGE, "%s: input type is not valid (mic, instrument or line)", name);
    }
    double lo, hi;
    gs_input_type_gain_range(sc->type, &lo, &hi);
    if (!within(sc->preamp.gain_db, lo, hi)) {
      return gs_fail(err, GS_ERR_RANGE, "%s: gain %g dB is out of range (%g to %g dB for %s %s input)",
                  name, sc->preamp.gain_db, lo, hi,
                  article(sc->type), gs_input_type_name(sc->type));
    }
    if (sc->safety_db != 0.0 && !within(sc->safety_db, -30.0, -1.0)) {
      return gs_fail(err, GS_ERR_RANGE, "%s: safety track %g dB is out of range (-30 to -1 dB, "
                     "or 0 for none)", name, sc->safety_db);
    }
    if (sc->link_next && s + 1 >= c->n_strips) {
      return gs_fail(err, GS_ERR_USAGE, "%s: linked to the next strip, but it is the last one", name);
    }
    if (sc->link_next && c->strips[s + 1].type != sc->type) {
      return gs_fail(err, GS_ERR_USAGE, "%s: cannot link %s %s input with %s %s input", name, article(sc->type), gs_input_type_name(sc->type),
                  article(c->strips[s + 1].type), gs_input_type_name(c->strips[s + 1].type));
    }
    GsPreampConfig pc = sc->preamp;
    pc.rate_hz = c->rate_hz;
    GsPreamp *probe = NULL;
    GsError perr;
    const GsStatus st = gs_preamp_new(&pc, &probe, &perr);
    gs_preamp_free(probe);
    if (st) {
      return gs_fail(err, st, "%s: %s", name, perr.message);
    }
  }
  for (unsigned m = 0; m < c->n_mixes; ++m) {
    const GsMixConfig *mc = &c->mixes[m];
    char name[NAME_MAX_CHARS + 16];
    label(name, sizeof(name), "mix", m, mc->name);
    if (!within(mc->volume_db, OFF_DB, 12.0)) {
      return gs_fail(err, GS_ERR_RANGE, "%s: volume %g dB is out of range (-120 to +12 dB)", name, mc->volume_db);
    }
    if (!within(mc->dim_db, -60.0, 0.0)) {
      return gs_fail(err, GS_ERR_RANGE, "%s: dim %g dB is out of range (-60 to 0 dB)", name, mc->dim_db);
    }
  }
  if (c->phantom_group > 1) {
    // The mic inputs of a group must agree (the others are not powered).
    for (unsigned s = 0; s < c->n_strips; ++s) {
      const unsigned first = s - s % c->phantom_group;
      unsigned mic = first;
      while (mic < s && c->strips[mic].type != GS_INPUT_MIC) {
        ++mic;
      }
      if (c->strips[s].type == GS_INPUT_MIC && c->strips[s].phantom != c->strips[mic].phantom) {
        return gs_fail(err, GS_ERR_USAGE, "strip %u: +48 V is switched for inputs %u to %u "
                       "together; strips %u and %u disagree", s + 1, first + 1,
                       first + c->phantom_group, mic + 1, s + 1);
      }
    }
  }
  for (size_t i = 0; i < c->n_sends; ++i) {
    const GsEngineSend *s = &c->sends[i];
    if (s->mix >= c->n_mixes || s->source >= c->n_strips + c->n_returns) {
      return gs_fail(err, GS_ERR_RANGE, "send %zu: mix %u, source %u: no such mix or source", i + 1,
                  s->mix + 1, s->source + 1);
    }
    if (!within(s->send.level_db, -1e9, 12.0) || !within(s->send.pan, -1.0, 1.0)) {
      return gs_fail(err, GS_ERR_RANGE, "send %zu: level %g dB or pan %g out of range (up to +12 dB, "
                  "-1 to +1)", i + 1, s->send.level_db, s->send.pan);
    }
  }
  return GS_OK;
}

// A strip's own delay before the converter, in whole samples: its preamp's
// oversampling, and Clip Safe's look-ahead.
static long strip_delay(const GsEngine *e, unsigned s)
{
  const Strip *strip = &e->strip[s];
  return lround(gs_preamp_bank_latency(e->bank[strip->bank])) +
         (strip->clip_safe ? (long)strip->clip.length : 0);
}

// The largest of them.
static long slowest_strip(const GsEngine *e)
{
  long slowest = 0;
  for (unsigned s = 0; s < e->n_strips; ++s) {
    slowest = strip_delay(e, s) > slowest ? strip_delay(e, s) : slowest;
  }
  return slowest;
}

void gs_engine_free(GsEngine *e)
{
  if (!e) {
    return;
  }
  for (unsigned s = 0; e->strip && s < e->n_strips; ++s) {
    gs_adc_free(e->strip[s].adc);
    gs_adc_free(e->strip[s].safety_adc);
    free(e->strip[s].safety);
  }
  for (unsigned b = 0; e->bank && b < e->n_banks; ++b) {
    gs_preamp_bank_free(e->bank[b]);
  }
  free(e->bank);
  free(e->bank_strip);
  free(e->bank_first);
  for (unsigned m = 0; e->mix && m < e->n_mixes; ++m) {
    free(e->mix[m].send);
  }
  free(e->strip);
  free(e->mix);
  free(e->samples);
  free(e->volts);
  free(e->bus);
  free(e->slot);
  free(e);
}

// Whether two strips' preamps differ only in what each channel of a bank
// sets for itself (gain, pad, high-pass, polarity), so one bank runs both.
static bool same_preamp(const GsPreampConfig *a, const GsPreampConfig *b)
{
  return !strcmp(a->model, b->model) && a->bass_db == b->bass_db && a->mid_db == b->mid_db &&
         a->treble_db == b->treble_db && a->oversample == b->oversample && a->noise == b->noise;
}

// Groups the strips into banks of identical preamps (up to the bank's
// channel limit): the preamps of a bank run 8 at a time in vector lanes.
static GsStatus make_banks(GsEngine *e, const GsEngineConfig *c, GsError *err)
{
  bool *placed = calloc(c->n_strips + 1, sizeof(bool));
  if (!placed) {
    return gs_fail(err, GS_ERR_NOMEM, "out of memory building the engine");
  }
  unsigned next = 0;
  for (unsigned s = 0; s < c->n_strips; ++s) {
    if (placed[s]) {
      continue;
    }
    const unsigned b = e->n_banks++;
    e->bank_first[b] = next;
    unsigned count = 0;
    for (unsigned t = s; t < c->n_strips && count < GS_PREAMP_BANK_MAX_CHANNELS; ++t) {
      if (!placed[t] && same_preamp(&c->strips[s].preamp, &c->strips[t].preamp)) {
        placed[t] = true;
        e->bank_strip[next++] = t;
        e->strip[t].bank = b;
        e->strip[t].channel = count++;
      }
    }
    GsPreampConfig pc = c->strips[s].preamp;
    pc.rate_hz = c->rate_hz;
    pc.seed = 7u + 131u * b;  // every channel gets its own noise (seed + channel)
    GsError perr;
    const GsStatus st = gs_preamp_bank_new(&pc, count, &e->bank[b], &perr);
    if (st) {
      free(placed);
      return gs_fail(err, st, "%s: %s", e->strip[s].label, perr.message);
    }
    for (unsigned i = e->bank_first[b]; i < next; ++i) {
      const GsPreampConfig *own = &c->strips[e->bank_strip[i]].preamp;
      const unsigned ch = e->strip[e->bank_strip[i]].channel;
      gs_preamp_bank_set_gain_db(e->bank[b], ch, own->gain_db);
      gs_preamp_bank_set_pad(e->bank[b], ch, own->pad);
      gs_preamp_bank_set_hpf_hz(e->bank[b], ch, own->hpf_hz);
      gs_preamp_bank_set_invert(e->bank[b], ch, own->invert);
    }
    gs_preamp_bank_reset(e->bank[b]);  // each channel starts at its own settings
  }
  e->bank_first[e->n_banks] = next;
  free(placed);
  return GS_OK;
}

GsStatus gs_engine_new(const GsEngineConfig *c, GsEngine **out, GsError *err)
{
  *out = NULL;
  GsStatus st = validate(c, err);
  if (st) {
    return st;
  }
  GsEngine *e = calloc(1, sizeof(*e));
  if (!e) {
    return gs_fail(err, GS_ERR_NOMEM, "out of memory building the engine");
  }
  e->rate_hz = c->rate_hz;
  e->max_block = c->max_block;
  e->n_strips = c->n_strips;
  e->n_returns = c->n_returns;
  e->n_mixes = c->n_mixes;
  e->phantom_group = c->phantom_group;
  e->glide_coef = gs_glide_coef(c->rate_hz, GLIDE_TIME_S);
  gs_spsc_init(&e->queue);
  const unsigned n_src = c->n_strips + c->n_returns;
  e->strip = calloc(c->n_strips + 1, sizeof(Strip));
  e->mix = calloc(c->n_mixes + 1, sizeof(Mix));
  e->samples = calloc((size_t)(c->n_strips + 1) * c->max_block, sizeof(float));
  e->volts = calloc((size_t)(c->n_strips + 1) * c->max_block, sizeof(float));
  e->bank = calloc(c->n_strips + 1, sizeof(*e->bank));
  e->bank_strip = calloc(c->n_strips + 1, sizeof(unsigned));
  e->bank_first = calloc(c->n_strips + 2, sizeof(unsigned));
  e->bus = calloc(2 * (size_t)c->max_block, sizeof(float));
  e->slot = calloc(c->n_strips + 1, sizeof(GsMeterSlot));
  if (!e->strip || !e->mix || !e->samples || !e->volts || !e->bus || !e->slot || !e->bank ||
      !e->bank_strip || !e->bank_first) {
    gs_engine_free(e);
    return gs_fail(err, GS_ERR_NOMEM, "out of memory building the engine");
  }
  for (unsigned s = 0; s < c->n_strips; ++s) {
    const GsStripConfig *sc = &c->strips[s];
    Strip *strip = &e->strip[s];
    copy_name(strip->name, sc->name, "strip", s);
    label(strip->label, sizeof(strip->label), "strip", s, sc->name);
    strip->type = sc->type;
    strip->mute = sc->mute;
    atomic_init(&strip->phantom, sc->phantom);
    strip->link_next = sc->link_next;
    gs_meter_state_init(&strip->meter, c->rate_hz);
    strip->clip_safe = sc->clip_safe;
    // Clip Safe: 1 ms of look-ahead, peaks held at -1 dBFS, 200 ms release.
    gs_lookahead_init(&strip->clip, (uint32_t)lround(0.001 * c->rate_hz),
                      (float)(gs_fullscale_volts(c->adc_ref_dbu) * pow(10.0, -1.0 / 20.0)), 0.2,
                      c->rate_hz);
    GsAdcConfig ac = gs_adc_config_default();
    ac.ref_dbu = c->adc_ref_dbu;
    ac.rate_hz = c->rate_hz;
    ac.bits = 32;  // float: word length is the recorder's business
    ac.noise = c->adc_noise;
    ac.seed = 1000u + s;
    GsError aerr;
    if ((st = gs_adc_new(&ac, &strip->adc, &aerr))) {
      gs_engine_free(e);
      return gs_fail(err, st, "%s: %s", strip->label, aerr.message);
    }
    if (sc->safety_db != 0.0) {
      strip->safety_gain = (float)pow(10.0, sc->safety_db / 20.0);
      ac.seed = 5000u + s;
      strip->safety = calloc(c->max_block, sizeof(float));
      if (!strip->safety) {
        gs_engine_free(e);
        return gs_fail(err, GS_ERR_NOMEM, "%s: out of memory for the safety track", strip->label);
      }
      if ((st = gs_adc_new(&ac, &strip->safety_adc, &aerr))) {
        gs_engine_free(e);
        return gs_fail(err, st, "%s: the safety track: %s", strip->label, aerr.message);
      }
    }
    gs_input_type_gain_range(sc->type, &strip->gain_min_db, &strip->gain_max_db);
    const GsPreampInfo *info = gs_preamp_model_find(sc->preamp.model);
    strip->gain_min_db = fmax(strip->gain_min_db, info->gain_min_db);
    strip->gain_max_db = fmin(strip->gain_max_db, info->gain_max_db);
  }
  if ((st = make_banks(e, c, err))) {
    gs_engine_free(e);
    return st;
  }
  const long slowest = slowest_strip(e);
  for (unsigned s = 0; s < c->n_strips; ++s) {
    // Below MAX_ALIGN: oversampling adds a few samples, Clip Safe 1 ms.
    Strip *strip = &e->strip[s];
    strip->align = (unsigned)(slowest - strip_delay(e, s));
    strip->delay.length = strip->align;
    strip->safety_delay.length = strip->align + (strip->clip_safe ? strip->clip.length : 0u);
  }
  for (unsigned m = 0; m < c->n_mixes; ++m) {
    Mix *mix = &e->mix[m];
    copy_name(mix->name, c->mixes[m].name, "mix", m);
    label(mix->label, sizeof(mix->label), "mix", m, c->mixes[m].name);
    mix->cfg = c->mixes[m];
    mix->cfg.name = mix->name;
    mix->send = calloc(n_src + 1, sizeof(Send));
    if (!mix->send) {
      gs_engine_free(e);
      return gs_fail(err, GS_ERR_NOMEM, "out of memory building the engine");
    }
    for (unsigned i = 0; i < n_src; ++i) {
      mix->send[i].cfg = (GsSendConfig){.level_db = OFF_DB, .pan = 0.0};
    }
    for (size_t i = 0; i < c->n_sends; ++i) {
      if (c->sends[i].mix == m) {
        mix->send[c->sends[i].source].cfg = c->sends[i].send;
      }
    }
    for (unsigned i = 0; i < n_src; ++i) {
      mix->n_solo += mix->send[i].cfg.solo ? 1u : 0u;
    }
    for (unsigned i = 0; i < n_src; ++i) {
      send_targets(e, mix, i);
      settle(&mix->send[i].left);
      settle(&mix->send[i].right);
    }
    mix_targets(mix);
    settle(&mix->out);
    settle(&mix->mono);
  }
  *out = e;
  return GS_OK;
}

// Applies one queued change (already validated by gs_engine_post()).
static void apply(GsEngine *e, const GsParamChange *ch) GS_REALTIME
{
  const double v = ch->value;
  switch ((GsParam)ch->param) {
  case GS_PARAM_STRIP_PHANTOM:
    if (e->phantom_group > 1) {  // the whole group switches
      const unsigned first = ch->index - ch->index % e->phantom_group;
      for (unsigned s = first; s < first + e->phantom_group && s < e->n_strips; ++s) {
        if (e->strip[s].type == GS_INPUT_MIC) {
          atomic_store_explicit(&e->strip[s].phantom, v != 0.0, memory_order_relaxed);
        }
      }
      break;
    }
    // Per input, with a linked pair moving together:
    __attribute__((fallthrough));
  case GS_PARAM_STRIP_POLARITY: {
    const Strip *strip = &e->strip[ch->index];
    gs_preamp_bank_set_invert(e->bank[strip->bank], strip->channel, v != 0.0);
    break;
  }
  case GS_PARAM_STRIP_GAIN_DB:
  case GS_PARAM_STRIP_PAD:
  case GS_PARAM_STRIP_HPF_HZ:
  case GS_PARAM_STRIP_MUTE: {
    // A linked pair moves together: the change applies to both.
    unsigned first = ch->index;
    if (first > 0 && e->strip[first - 1].link_next) {
      first -= 1;
    }
    const unsigned last = e->strip[first].link_next ? first + 1 : first;
    for (unsigned s = first; s <= last; ++s) {
      Strip *strip = &e->strip[s];
      if (ch->param == GS_PARAM_STRIP_GAIN_DB) {
        gs_preamp_bank_set_gain_db(e->bank[strip->bank], strip->channel, v);
      } else if (ch->param == GS_PARAM_STRIP_PAD) {
        gs_preamp_bank_set_pad(e->bank[strip->bank], strip->channel, v != 0.0);
      } else if (ch->param == GS_PARAM_STRIP_HPF_HZ) {
        gs_preamp_bank_set_hpf_hz(e->bank[strip->bank], strip->channel, v);
      } else if (ch->param == GS_PARAM_STRIP_MUTE) {
        strip->mute = v != 0.0;
        for (unsigned m = 0; m < e->n_mixes; ++m) {
          send_targets(e, &e->mix[m], s);
        }
      } else {
        atomic_store_explicit(&strip->phantom, v != 0.0, memory_order_relaxed);
      }
    }
    break;
  }
  case GS_PARAM_SEND_LEVEL_DB:
  case GS_PARAM_SEND_PAN:
  case GS_PARAM_SEND_MUTE:
  case GS_PARAM_SEND_SOLO: {
    Mix *mix = &e->mix[ch->index];
    GsSendConfig *s = &mix->send[ch->sub].cfg;
    if (ch->param == GS_PARAM_SEND_LEVEL_DB) {
      s->level_db = v;
    } else if (ch->param == GS_PARAM_SEND_PAN) {
      s->pan = v;
    } else if (ch->param == GS_PARAM_SEND_MUTE) {
      s->mute = v != 0.0;
    } else {
      const bool was_solo = s->solo, any_before = mix->n_solo > 0;
      s->solo = v != 0.0;
      mix->n_solo = mix->n_solo + (s->solo ? 1u : 0u) - (was_solo ? 1u : 0u);
      if ((mix->n_solo > 0) == any_before) {  // only this send's target changes
        send_targets(e, mix, ch->sub);
        break;
      }
    }
    if (ch->param == GS_PARAM_SEND_SOLO) {  // the first solo (or the last unsolo): every send
      for (unsigned i = 0; i < e->n_strips + e->n_returns; ++i) {
        send_targets(e, mix, i);
      }
    } else {
      send_targets(e, mix, ch->sub);
    }
    break;
  }
  case GS_PARAM_MIX_VOLUME_DB:
  case GS_PARAM_MIX_MUTE:
  case GS_PARAM_MIX_MONO:
  case GS_PARAM_MIX_DIM: {
    GsMixConfig *c = &e->mix[ch->index].cfg;
    if (ch->param == GS_PARAM_MIX_VOLUME_DB) {
      c->volume_db = v;
    } else if (ch->param == GS_PARAM_MIX_MUTE) {
      c->mute = v != 0.0;
    } else if (ch->param == GS_PARAM_MIX_MONO) {
      c->mono = v != 0.0;
    } else {
      c->dim = v != 0.0;
    }
    mix_targets(&e->mix[ch->index]);
    break;
  }
  }
}

GsStatus gs_engine_post(GsEngine *e, GsParam param, unsigned index, unsigned sub, double value,
                        GsError *err)
{
  const unsigned n_src = e->n_strips + e->n_returns;
  switch (param) {
  case GS_PARAM_STRIP_GAIN_DB:
  case GS_PARAM_STRIP_MUTE:
  case GS_PARAM_STRIP_PHANTOM:
  case GS_PARAM_STRIP_PAD:
  case GS_PARAM_STRIP_HPF_HZ:
  case GS_PARAM_STRIP_POLARITY:
    if (index >= e->n_strips) {
      return gs_fail(err, GS_ERR_RANGE, "strip %u does not exist (1 to %u)", index + 1, e->n_strips);
    }
    if (param == GS_PARAM_STRIP_HPF_HZ && value != 0.0 &&
        !within(value, GS_PREAMP_HPF_MIN_HZ, gs_preamp_hpf_max_hz(e->rate_hz))) {
      return gs_fail(err, GS_ERR_RANGE, "%s: high-pass %g Hz is out of range (%g to %g Hz, or 0 "
                  "for off)", e->strip[index].label, value, GS_PREAMP_HPF_MIN_HZ,
                  gs_preamp_hpf_max_hz(e->rate_hz));
    }
    if (param == GS_PARAM_STRIP_GAIN_DB) {
      const Strip *s = &e->strip[index];
      if (!within(value, s->gain_min_db, s->gain_max_db)) {
        return gs_fail(err, GS_ERR_RANGE, "%s: gain %g dB is out of range (%g to %g dB)", s->label,
                    value, s->gain_min_db, s->gain_max_db);
      }
    }
    break;
  case GS_PARAM_SEND_LEVEL_DB:
  case GS_PARAM_SEND_PAN:
  case GS_PARAM_SEND_MUTE:
  case GS_PARAM_SEND_SOLO:
    if (index >= e->n_mixes) {
      return gs_fail(err, GS_ERR_RANGE, "mix %u does not exist (1 to %u)", index + 1, e->n_mixes);
    }
    if (sub >= n_src) {
      return gs_fail(err, GS_ERR_RANGE, "%s: source %u does not exist (1 to %u: strips, then "
                  "returns)", e->mix[index].label, sub + 1, n_src);
    }
    if (param == GS_PARAM_SEND_LEVEL_DB && !within(value, OFF_DB - 1e9, 12.0)) {
      return gs_fail(err, GS_ERR_RANGE, "send level %g dB is out of range (up to +12 dB)", value);
    }
    if (param == GS_PARAM_SEND_PAN && !within(value, -1.0, 1.0)) {
      return gs_fail(err, GS_ERR_RANGE, "pan %g is out of range (-1 left to +1 right)", value);
    }
    break;
  case GS_PARAM_MIX_VOLUME_DB:
  case GS_PARAM_MIX_MUTE:
  case GS_PARAM_MIX_MONO:
  case GS_PARAM_MIX_DIM:
    if (index >= e->n_mixes) {
      return gs_fail(err, GS_ERR_RANGE, "mix %u does not exist (1 to %u)", index + 1, e->n_mixes);
    }
    if (param == GS_PARAM_MIX_VOLUME_DB && !within(value, OFF_DB - 1e9, 12.0)) {
      return gs_fail(err, GS_ERR_RANGE, "mix volume %g dB is out of range (up to +12 dB)", value);
    }
    break;
  default:
    return gs_fail(err, GS_ERR_UNKNOWN, "parameter %d is not known", (int)param);
  }
  if (value != value) {
    return gs_fail(err, GS_ERR_RANGE, "the value is not a number");
  }
  const GsParamChange ch = {.param = (int)param, .index = index, .sub = sub, .value = value};
  if (!gs_spsc_push(&e->queue, &ch)) {
    return gs_fail(err, GS_ERR_IO, "the change queue is full: is the audio thread running?");
  }
  return GS_OK;
}

// Delays x by the line's length (none for length 0).
static void delay(DelayLine *d, float *x, uint32_t n) GS_REALTIME
{
  const unsigned len = d->length;
  if (!len) {
    return;
  }
  unsigned pos = d->pos;
  for (uint32_t i = 0; i < n; ++i) {
    const float old = d->buf[pos];
    d->buf[pos] = x[i];
    x[i] = old;
    pos = pos + 1 == len ? 0 : pos + 1;
  }
  d->pos = pos;
}

// One strip after its preamp: the converter (volts to full scale, clipping
// at 0 dBFS without aliasing, counting), its meters, its alignment.
static void run_strip(GsEngine *e, unsigned s, float *out, uint32_t n) GS_REALTIME
{
  Strip *strip = &e->strip[s];
  float *v = e->volts + (size_t)s * e->max_block;
  if (strip->safety_gain > 0.0f) {  // before Clip Safe: the safety track never needs it
    const float g = strip->safety_gain;
    for (uint32_t i = 0; i < n; ++i) {
      strip->safety[i] = v[i] * g;
    }
    gs_adc_process(strip->safety_adc, strip->safety, strip->safety, n);
    delay(&strip->safety_delay, strip->safety, n);
  }
  if (strip->clip_safe) {
    gs_lookahead_process(&strip->clip, v, v, n);
    uint64_t acted, first;
    double deepest_db;
    gs_lookahead_take(&strip->clip, &acted, &deepest_db, &first);
    if (acted) {
      if (strip->meter.clip_safe_db == 0.0f) {
        strip->meter.clip_safe_frame = first;
      }
      strip->meter.clip_safe_acted += acted;
    }
    strip->meter.clip_safe_db = fminf(strip->meter.clip_safe_db, (float)deepest_db);
  }
  strip->meter.clips += gs_adc_process(strip->adc, v, out, n);
  gs_meter_state_add(&strip->meter, out, v, n, e->rate_hz);
  delay(&strip->delay, out, n);
}

// Every bank's preamps: the strips it holds, from their inputs into their
// preamp-output buffers.
static void run_banks(GsEngine *e, const float *const *inputs, uint32_t n) GS_REALTIME
{
  const float *in[GS_PREAMP_BANK_MAX_CHANNELS];
  float *out[GS_PREAMP_BANK_MAX_CHANNELS];
  for (unsigned b = 0; b < e->n_banks; ++b) {
    unsigned k = 0;
    for (unsigned i = e->bank_first[b]; i < e->bank_first[b + 1]; ++i, ++k) {
      const unsigned s = e->bank_strip[i];
      in[k] = inputs[s];
      out[k] = e->volts + (size_t)s * e->max_block;
    }
    gs_preamp_bank_process(e->bank[b], in, out, n);
  }
}

// One mix: every source through its send into the bus, then mono, dim,
// volume and mute.
static void run_mix(GsEngine *e, Mix *mix, const float *const *inputs, float *left, float *right,
                    uint32_t n) GS_REALTIME
{
  float *bl = e->bus, *br = e->bus + e->max_block;
  memset(bl, 0, n * sizeof(float));
  memset(br, 0, n * sizeof(float));
  const float coef = e->glide_coef;
  for (unsigned i = 0; i < e->n_strips + e->n_returns; ++i) {
    const float *src = i < e->n_strips ? e->samples + (size_t)i * e->max_block
                                       : inputs[i];  // returns follow the strips' inputs
    gs_glide_mix(&mix->send[i].left, coef, src, bl, n);
    gs_glide_mix(&mix->send[i].right, coef, src, br, n);
  }
  // The glides run in double: in float a one-pole glide stalls short of its
  // target once each step is below half an ulp.
  GsGlide *mono = &mix->mono, *vol = &mix->out;
  double m = mono->current, g = vol->current;
  const double mt = mono->target, gt = vol->target;
  for (uint32_t i = 0; i < n; ++i) {
    m += coef * (mt - m);
    g += coef * (gt - g);
    const float half = (float)(0.5 * m), gain = (float)g;
    const float l = bl[i] * (1.0f - half) + br[i] * half;
    const float r = br[i] * (1.0f - half) + bl[i] * half;
    left[i] = l * gain;
    right[i] = r * gain;
  }
  mono->current = fabs(mt - m) < 1e-6 ? (float)mt : (float)m;
  vol->current = fabs(gt - g) <= 1e-6 * gt + 1e-9 ? (float)gt : (float)g;
}

void gs_engine_process(GsEngine *e, const float *const *inputs, float *const *captures,
                       float *const *mixes, uint32_t n)
{
  if (n > e->max_block) {
    n = e->max_block;  // the caller broke the contract; do what fits
  }
  const GsFpMode fp_mode = gs_denormals_off();
  GsParamChange ch;
  for (unsigned i = 0; i < GS_SPSC_CAPACITY && gs_spsc_pop(&e->queue, &ch); ++i) {
    apply(e, &ch);
  }
  run_banks(e, inputs, n);
  for (unsigned s = 0; s < e->n_strips; ++s) {
    float *out = e->samples + (size_t)s * e->max_block;
    run_strip(e, s, out, n);
    if (captures && captures[s]) {
      memcpy(captures[s], out, n * sizeof(float));
    }
    gs_meter_publish(&e->strip[s].meter, &e->slot[s]);
  }
  for (unsigned m = 0; m < e->n_mixes; ++m) {
    run_mix(e, &e->mix[m], inputs, mixes[2 * m], mixes[2 * m + 1], n);
  }
  gs_denormals_restore(fp_mode);
}

bool gs_engine_strip_phantom(const GsEngine *e, unsigned strip)
{
  return strip < e->n_strips &&
         atomic_load_explicit(&e->strip[strip].phantom, memory_order_relaxed);
}

const float *gs_engine_safety(const GsEngine *e, unsigned strip)
{
  return strip < e->n_strips && e->strip[strip].safety_gain > 0.0f ? e->strip[strip].safety
                                                                     : NULL;
}

void gs_engine_strip_meters(const GsEngine *e, unsigned strip, GsStripMeters *out)
{
  if (strip >= e->n_strips) {
    *out = (GsStripMeters){.peak_dbfs = -200.0f, .peak_hold_dbfs = -200.0f, .rms_dbfs = -200.0f,
                           .input_peak_dbu = -200.0f, .momentary_lufs = -200.0f,
                           .shortterm_lufs = -200.0f};
    return;
  }
  gs_meter_read(&e->slot[strip], out);
}

GsLatency gs_engine_latency(const GsEngine *e)
{
  // Every strip is delayed to the slowest one's whole samples; then the
  // converter (the same for all).
  const double adc = e->n_strips ? (double)gs_adc_latency(e->strip[0].adc) : 0.0;
  const double input = (double)slowest_strip(e) + adc;
  const double output = gs_dac_default_filter_latency(e->rate_hz);
  const double buffer = (double)e->max_block;
  return (GsLatency){.input = input,
                     .output = output,
                     .monitoring = input + output,
                     .buffer = buffer,
                     .safety = GS_SAFETY_OFFSET,
                     .round_trip = input + output + 2.0 * buffer + GS_SAFETY_OFFSET};
}

double gs_engine_ms(const GsEngine *e, double samples)
{
  return 1000.0 * samples / e->rate_hz;
}
