// SPDX-License-Identifier: ISC
// The LV2 plugins: a mono or stereo channel strip of one preamp model, a thin shell over GsPreampBank.
//
// run() reads the control ports, hands changes to the bank's live setters,
// and runs gs_preamp_bank_process_samples(): samples to volts at the
// converter reference, the strip, the converter's clip at 0 dBFS, back to
// samples, the path of `gainstage process` (docs/lv2.md). Then the output
// trim, a gliding gain. It allocates nothing, takes no lock and makes no
// system call; every function it calls is GS_REALTIME, which the
// RealtimeSanitizer build checks (tests/lv2/test_lv2_host.c drives run()).
//
// Oversampling cannot change inside a bank (its buffers and filters are sized
// for one factor), so instantiate() builds one bank per factor (1, 2, 4, 8:
// a few hundred kilobytes in all) and run() switches between them: no
// worker thread, no allocation, and the switch takes effect in the same
// block. The bank switched to takes the current settings and starts from
// rest (a change of oversampling is a change of latency, so a host
// re-aligns around it anyway).

#include "ports.h"

#include "dsp/gain.h"
#include "gainstage/preamp.h"

#include <lv2/atom/atom.h>
#include <lv2/core/lv2.h>
#include <lv2/state/state.h>
#include <lv2/urid/urid.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_CHANNELS 2
#define N_FACTORS 4  // 1, 2, 4, 8
// Host blocks go through the bank in pieces of this many frames via the
// plugin's own buffers, so a host's aliasing of ports (in_r on out_l) can
// never overlap the bank's channels.
#define PIECE 256
// The output trim glides by this time constant, as the preamp's gain does.
#define TRIM_GLIDE_S 0.010

// The settings the ports give, made valid (gs_lv2_control_clamp).
#define URI_MAX 96  // the longest plugin URI and more

typedef struct {
  double value[GS_LV2_N_CONTROLS];
  unsigned factor;  // the oversampling in use: gs_lv2_oversample_from_port resolved
} Settings;

// Written by instantiate() and restore() (the host's instantiation thread,
// never while run() runs); then read and written by run() on the audio
// thread; save() reads only seed, which only restore() writes.
typedef struct {
  const GsPreampInfo *model;
  unsigned channels;
  double rate_hz;
  GsLv2ControlSpec spec[GS_LV2_N_CONTROLS];
  bool has[GS_LV2_N_CONTROLS];
  GsPreampBank *bank[N_FACTORS];  // by factor 1, 2, 4, 8
  GsPreampBank *active;           // one of bank[]
  GsStripConverter *conv;         // the converter after whichever bank runs
  Settings applied;               // what active runs with
  bool fresh;                     // activated: the next run starts every bank from rest
  uint64_t seed;                  // noise seed: channel c runs seed + c
  GsGain trim[MAX_CHANNELS];
  const float *in[MAX_CHANNELS];
  float *out[MAX_CHANNELS];
  const float *control[GS_LV2_N_CONTROLS];
  float *latency;
  float buf[MAX_CHANNELS][PIECE];
  LV2_URID_Map *map;
  LV2_URID urid_version, urid_seed, urid_int, urid_long;
} Plugin;

static unsigned factor_slot(unsigned factor) GS_REALTIME
{
  return factor == 1 ? 0 : factor == 2 ? 1 : factor == 4 ? 2 : 3;
}

static GsPreampConfig config_for(const Plugin *p, unsigned factor)
{
  GsPreampConfig c = gs_preamp_config_default();
  c.model = p->model->name;
  c.rate_hz = p->rate_hz;
  c.gain_db = p->model->gain_default_db;
  c.oversample = factor;
  c.seed = p->seed;
  return c;
}

static void cleanup(LV2_Handle instance)
{
  Plugin *p = instance;
  if (p) {
    for (unsigned i = 0; i < N_FACTORS; ++i) {
      gs_preamp_bank_free(p->bank[i]);
    }
    gs_strip_converter_free(p->conv);
    free(p);
  }
}

// The model and channel count a plugin URI names, or false.
static bool parse_uri(const char *uri, const GsPreampInfo **model, unsigned *channels)
{
  for (size_t i = 0; i < gs_preamp_model_count(); ++i) {
    for (unsigned c = 1; c <= 2; ++c) {
      char name[URI_MAX];
      if (gs_lv2_uri(gs_preamp_model_info(i), c, name, sizeof(name)) && !strcmp(uri, name)) {
        *model = gs_preamp_model_info(i);
        *channels = c;
        return true;
      }
    }
  }
  return false;
}

static LV2_Handle instantiate(const LV2_Descriptor *descriptor, double rate,
                              const char *bundle_path, const LV2_Feature *const *features)
{
  (void)bundle_path;
  const GsPreampInfo *model = NULL;
  unsigned channels = 0;
  if (!parse_uri(descriptor->URI, &model, &channels)) {
    return NULL;
  }
  Plugin *p = calloc(1, sizeof(*p));
  if (!p) {
    return NULL;
  }
  p->model = model;
  p->channels = channels;
  p->rate_hz = rate;
  p->seed = GS_LV2_DEFAULT_SEED;
  for (int c = 0; c < GS_LV2_N_CONTROLS; ++c) {
    p->has[c] = gs_lv2_control_spec(model, (GsLv2Control)c, &p->spec[c]);
  }
  // A rate the model refuses (outside 8 to 384 kHz) fails here: no plugin.
  for (unsigned i = 0; i < N_FACTORS; ++i) {
    const GsPreampConfig c = config_for(p, 1u << i);
    GsError err;
    if (gs_preamp_bank_new(&c, channels, &p->bank[i], &err)) {
      cleanup(p);
      return NULL;
    }
  }
  GsError err;
  if (gs_strip_converter_new(rate, channels, &p->conv, &err)) {
    cleanup(p);
    return NULL;
  }
  for (unsigned c = 0; c < MAX_CHANNELS; ++c) {
    gs_gain_init(&p->trim[c], rate, TRIM_GLIDE_S, 0.0f);
  }
  for (int i = 0; features && features[i]; ++i) {
    if (!strcmp(features[i]->URI, LV2_URID__map)) {
      p->map = features[i]->data;
    }
  }
  if (p->map) {
    p->urid_version = p->map->map(p->map->handle, GS_LV2_STATE_VERSION_URI);
    p->urid_seed = p->map->map(p->map->handle, GS_LV2_SEED_URI);
    p->urid_int = p->map->map(p->map->handle, LV2_ATOM__Int);
    p->urid_long = p->map->map(p->map->handle, LV2_ATOM__Long);
  }
  p->fresh = true;
  return p;
}

static void connect_port(LV2_Handle instance, uint32_t port, void *data)
{
  Plugin *p = instance;
  const uint32_t n = p->channels;
  if (port < n) {
    p->in[port] = data;
  } else if (port < 2 * n) {
    p->out[port - n] = data;
  } else if (port - 2 * n < GS_LV2_N_CONTROLS && p->has[port - 2 * n]) {
    const unsigned c = port - 2 * n;
    if (c == GS_LV2_LATENCY) {
      p->latency = data;
    } else {
      p->control[c] = data;
    }
  }
}

static void activate(LV2_Handle instance)
{
  Plugin *p = instance;
  // Every activation starts the noise sequences over, so a run after
  // activate() is reproducible from the state alone.
  for (unsigned i = 0; i < N_FACTORS; ++i) {
    gs_preamp_bank_set_seed(p->bank[i], p->seed);
  }
  p->fresh = true;
}

// The settings the ports hold now; an unconnected control is its default.
static void read_ports(const Plugin *p, Settings *s) GS_REALTIME
{
  for (int c = 0; c < GS_LV2_N_CONTROLS; ++c) {
    const float v = p->control[c] ? *p->control[c] : (float)p->spec[c].def;
    s->value[c] = p->has[c] ? gs_lv2_control_clamp(&p->spec[c], v) : 0.0;
  }
  const unsigned f = gs_lv2_oversample_from_port((float)s->value[GS_LV2_OVERSAMPLE]);
  s->factor = f ? f : p->model->auto_oversample;
}

// Hands the settings in s that differ from old (all of them if all) to bank.
static void apply(const Plugin *p, GsPreampBank *b, const Settings *s, const Settings *old,
                  bool all) GS_REALTIME
{
  const double *v = s->value, *o = old->value;
#define CHANGED(c) (all || v[c] != o[c])
  for (unsigned ch = 0; ch < p->channels; ++ch) {
    if (CHANGED(GS_LV2_GAIN)) {
      gs_preamp_bank_set_gain_db(b, ch, v[GS_LV2_GAIN]);
    }
    if (CHANGED(GS_LV2_PAD)) {
      gs_preamp_bank_set_pad(b, ch, v[GS_LV2_PAD] != 0.0);
    }
    if (CHANGED(GS_LV2_POLARITY)) {
      gs_preamp_bank_set_invert(b, ch, v[GS_LV2_POLARITY] != 0.0);
    }
    if (CHANGED(GS_LV2_HPF) || CHANGED(GS_LV2_HPF_FREQ)) {
      const double hz = v[GS_LV2_HPF_FREQ] < gs_preamp_hpf_max_hz(p->rate_hz)
                          ? v[GS_LV2_HPF_FREQ]
                          : gs_preamp_hpf_max_hz(p->rate_hz);
      gs_preamp_bank_set_hpf_hz(b, ch, v[GS_LV2_HPF] != 0.0 ? hz : 0.0);
    }
  }
  if (CHANGED(GS_LV2_NOISE)) {
    gs_preamp_bank_set_noise(b, v[GS_LV2_NOISE] != 0.0);
  }
  if (p->model->has_tone && (CHANGED(GS_LV2_BASS) || CHANGED(GS_LV2_MID) || CHANGED(GS_LV2_TREBLE))) {
    gs_preamp_bank_set_tone(b, v[GS_LV2_BASS], v[GS_LV2_MID], v[GS_LV2_TREBLE]);
  }
#undef CHANGED
}

static void run(LV2_Handle instance, uint32_t n_frames) GS_REALTIME
{
  Plugin *p = instance;
  Settings s;
  read_ports(p, &s);
  const float trim_db = (float)s.value[GS_LV2_OUTPUT];
  if (p->fresh || s.factor != gs_preamp_bank_oversample(p->active)) {
    // A new start: the bank takes every setting at once, without glides.
    p->active = p->bank[factor_slot(s.factor)];
    apply(p, p->active, &s, &p->applied, true);
    gs_preamp_bank_reset(p->active);
    // Its noise starts again from the seed, so what a session plays is
    // reproducible from the state and the automation alone.
    gs_preamp_bank_set_seed(p->active, p->seed);
    if (p->fresh) {
      gs_strip_converter_reset(p->conv);
    }
    for (unsigned c = 0; c < p->channels; ++c) {
      gs_gain_set_db(&p->trim[c], trim_db);
      if (p->fresh) {
        gs_gain_settle(&p->trim[c]);
      }
    }
    p->fresh = false;
  } else {
    apply(p, p->active, &s, &p->applied, false);
    if (s.value[GS_LV2_OUTPUT] != p->applied.value[GS_LV2_OUTPUT]) {
      for (unsigned c = 0; c < p->channels; ++c) {
        gs_gain_set_db(&p->trim[c], trim_db);
      }
    }
  }
  p->applied = s;
  if (p->latency) {
    // Whole frames, as hosts delay by and `gainstage process` trims (lround;
    // the latency is positive, so adding a half and truncating is the same).
    const double latency =
      gs_preamp_bank_latency(p->active) + gs_strip_converter_latency(p->conv);
    *p->latency = (float)(uint32_t)(latency + 0.5);
  }

  const double ref_dbu = s.value[GS_LV2_INPUT_REF];
  float *buf[MAX_CHANNELS] = {p->buf[0], p->buf[1]};
  for (uint32_t done = 0; done < n_frames;) {
    const uint32_t m = n_frames - done < PIECE ? n_frames - done : PIECE;
    for (unsigned c = 0; c < p->channels; ++c) {
      if (p->in[c]) {
        memcpy(buf[c], p->in[c] + done, sizeof(float) * m);
      } else {  // a host that left an input unconnected: silence
        memset(buf[c], 0, sizeof(float) * m);
      }
    }
    gs_preamp_bank_process_samples(p->active, p->conv, ref_dbu, ref_dbu,
                                   (const float *const *)buf, buf, m, NULL);
    for (unsigned c = 0; c < p->channels; ++c) {
      if (!p->out[c]) {
        continue;  // an unconnected output
      }
      if (gs_gain_is_unity(&p->trim[c])) {
        memcpy(p->out[c] + done, buf[c], sizeof(float) * m);
      } else {
        gs_gain_process(&p->trim[c], buf[c], p->out[c] + done, m);
      }
    }
    done += m;
  }
}

static LV2_State_Status save(LV2_Handle instance, LV2_State_Store_Function store,
                             LV2_State_Handle handle, uint32_t flags,
                             const LV2_Feature *const *features)
{
  (void)flags;
  (void)features;
  const Plugin *p = instance;
  if (!p->map) {
    return LV2_STATE_ERR_NO_FEATURE;
  }
  const int32_t version = GS_LV2_STATE_VERSION;
  const int64_t seed = (int64_t)p->seed;  // the bits of the uint64_t
  const uint32_t pod = LV2_STATE_IS_POD | LV2_STATE_IS_PORTABLE;
  LV2_State_Status st = store(handle, p->urid_version, &version, sizeof(version), p->urid_int,
                              pod);
  if (st == LV2_STATE_SUCCESS) {
    st = store(handle, p->urid_seed, &seed, sizeof(seed), p->urid_long, pod);
  }
  return st;
}

static LV2_State_Status restore(LV2_Handle instance, LV2_State_Retrieve_Function retrieve,
                                LV2_State_Handle handle, uint32_t flags,
                                const LV2_Feature *const *features)
{
  (void)flags;
  (void)features;
  Plugin *p = instance;
  if (!p->map) {
    return LV2_STATE_ERR_NO_FEATURE;
  }
  size_t size = 0;
  uint32_t type = 0, vflags = 0;
  const void *v = retrieve(handle, p->urid_version, &size, &type, &vflags);
  // A state without a version predates it and is version 1; a newer format
  // is refused rather than misread.
  if (v && (type != p->urid_int || size != sizeof(int32_t))) {
    return LV2_STATE_ERR_BAD_TYPE;
  }
  int32_t version = 1;
  if (v) {
    memcpy(&version, v, sizeof(version));  // the host's buffer need not be aligned
  }
  if (version < 1 || version > GS_LV2_STATE_VERSION) {
    return LV2_STATE_ERR_UNKNOWN;
  }
  const void *s = retrieve(handle, p->urid_seed, &size, &type, &vflags);
  if (s) {
    if (type != p->urid_long || size != sizeof(int64_t)) {
      return LV2_STATE_ERR_BAD_TYPE;
    }
    int64_t seed;
    memcpy(&seed, s, sizeof(seed));
    p->seed = (uint64_t)seed;
  }
  for (unsigned i = 0; i < N_FACTORS; ++i) {
    gs_preamp_bank_set_seed(p->bank[i], p->seed);
  }
  return LV2_STATE_SUCCESS;
}

static const void *extension_data(const char *uri)
{
  static const LV2_State_Interface state = {save, restore};
  return strcmp(uri, LV2_STATE__interface) ? NULL : &state;
}

// One descriptor per model and channel count, built when the library is
// loaded (before any host thread can ask for one).
#define MAX_PLUGINS 32
static char uris[MAX_PLUGINS][URI_MAX];
static LV2_Descriptor descriptors[MAX_PLUGINS];
static uint32_t n_descriptors;

__attribute__((constructor)) static void build_descriptors(void)
{
  const size_t n_models = gs_preamp_model_count();
  for (uint32_t i = 0; i < 2 * n_models && i < MAX_PLUGINS; ++i) {
    const GsPreampInfo *m = gs_preamp_model_info(i / 2);
    gs_lv2_uri(m, i % 2 + 1, uris[i], URI_MAX);
    descriptors[i] = (LV2_Descriptor){uris[i], instantiate, connect_port, activate, run, NULL,
                                      cleanup, extension_data};
    n_descriptors = i + 1;
  }
}

LV2_SYMBOL_EXPORT const LV2_Descriptor *lv2_descriptor(uint32_t index)
{
  return index < n_descriptors ? &descriptors[index] : NULL;
}
