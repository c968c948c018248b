// SPDX-License-Identifier: ISC
// A bank of preamp strips of one model: the oversampled colouring stage runs
// on 8 channels at once in vector lanes, the rest of each strip per channel.
//
// Per chunk of CHUNK samples and per group of GS_LANES channels: each
// channel's pad, noise, high-pass and gain run in its own scalar kernels at
// the base rate, and its samples go into one lane of interleaved frames; the
// group is oversampled, coloured (the model's 8-lane kernels) and
// decimated; then each channel's lane comes back out through its output
// shelf and scale. Channels past the last in a group run as zero lanes
// (every curve maps 0 to 0). The chunking is the strip's, so a channel sees
// the same blocks, and resets at the same points, as a GsPreamp.

#include "model/bank.h"
#include "model/colour.h"

#include "error.h"

#include "dsp/adaa_eq8.h"
#include "dsp/biquad.h"
#include "dsp/biquad8.h"
#include "dsp/dcblock.h"
#include "dsp/denormal.h"
#include "dsp/gain.h"
#include "dsp/noise.h"
#include "dsp/shaper8.h"
#include "model/models.h"
#include "model/strip_params.h"
#include "model/tonestack.h"
#include "model/transformer8.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#define CHUNK GS_OVERSAMPLE_CHUNK
#define EXPONENT_BITS 0x7f800000u  // of an IEEE 754 single

// A live change of the high-pass corner glides by this time constant, in
// octaves (about 20 ms: quick, and each block's step is small enough that the
// filter's state carries over without a click).
#define HPF_GLIDE_S 0.02
// Switched on, the filter starts from rest at a corner below the audio band
// (a 12 dB/octave high-pass at 5 Hz costs 0.017 dB at 20 Hz) and glides up.
#define HPF_START_HZ 5.0
// A glide ends within 0.1 % of its target corner.
#define HPF_SNAP 1e-3
// A live change of a tone control glides in dB by this time constant (as the
// high-pass corner does), the bands designed anew once per chunk, and ends
// within 0.001 dB of its target.
#define TONE_GLIDE_S 0.02
#define TONE_SNAP_DB 1e-3

// A bank this small runs each channel's colouring stage with the strip's
// scalar code (colour.c) instead of its 8-lane group: a vector lane costs as
// much as eight, so one channel through a group is 2.5 to 6 times slower
// than the scalar stage, two channels 1.2 to 3 times (bench_models, mono
// against 8 channels); from three on the group wins for some models.
#define SCALAR_MAX_CHANNELS 2

// One channel's scalar parts, and its live settings.
typedef struct {
  GsWhite white;
  GsBiquad hpf;
  bool hpf_on;        // the high-pass runs
  double hpf_hz;      // its corner now
  double hpf_target;  // where the corner glides
  GsGain hpf_wet;     // 1: filtered; switching fades between dry and filtered
  GsGain pad;         // 0 or -20 dB before the gain stage, while it glides
  float in_scale;     // the input scale with the pad, once it has settled
  GsGain gain;
  GsBiquad shelf;
  GsDcBlock dc;
  GsGain polarity;    // +1 or -1 at the output
} Channel;

// One group's 8-lane colouring stage.
typedef struct {
  GsOversampler8 os;
  GsShaper8 shaper;  // the model's curve
  GsShaper8 rail;    // instrument: the rail after the tone stack
  GsTransformer8 xfmr;
  GsBiquad8 tone;    // instrument: bass, mid, treble
  GsAdaaEq8 eq;      // flattens the droop of all n_adaa shapers
} Group;

// Written by the main thread at creation, then owned by the thread that
// processes.
struct GsPreampBank {
  const GsModelDef *def;
  GsStripParams par;  // shared by every channel: no pad, high-pass or polarity
  double rate_hz;
  double hpf_max_hz;  // highest corner a live change may set
  unsigned channels;
  unsigned n_groups;
  double latency;
  GsToneStack tone;       // instrument: the design every group's tone stack runs
  double tone_db[3];      // bass, mid, treble now (gliding)
  double tone_target[3];  // where they glide
  Channel *ch;       // [channels]
  Group *group;      // [n_groups]
  GsColour *mono;    // [channels] for a bank of SCALAR_MAX_CHANNELS or fewer, else NULL
  float *buf;        // [CHUNK]: one channel at the base rate
  float *dry;        // [CHUNK]: its input while a high-pass fades in or out
  float *frames;     // [CHUNK * GS_LANES]: one group at the base rate
  float *os_frames;  // [CHUNK * GS_LANES * factor]: one group oversampled
  float *half_frames;  // [CHUNK * GS_LANES * tail_factor]: its tail at half of 8x, or NULL
};

// The input scale with the pad in or out, in one rounding as a strip has it
// (strip_params.c).
static float pad_scale(const GsStripParams *par, bool pad)
{
  return (float)((pad ? gs_db_to_gain(GS_PAD_DB) : 1.0) / par->v_drive);
}

static void setup_channel(Channel *ch, const GsPreampConfig *c, const GsStripParams *par,
                          uint64_t seed)
{
  gs_white_init(&ch->white, seed);
  gs_biquad_init(&ch->hpf);
  ch->hpf_on = c->hpf_hz > 0.0;
  ch->hpf_hz = ch->hpf_target = ch->hpf_on ? c->hpf_hz : HPF_START_HZ;
  gs_biquad_set_highpass(&ch->hpf, c->rate_hz, ch->hpf_hz, par->hpf_q);
  gs_gain_init(&ch->hpf_wet, c->rate_hz, par->gain_glide_s, 0.0f);
  gs_gain_set_linear(&ch->hpf_wet, ch->hpf_on ? 1.0f : 0.0f);
  gs_gain_settle(&ch->hpf_wet);
  gs_gain_init(&ch->pad, c->rate_hz, par->gain_glide_s, c->pad ? (float)GS_PAD_DB : 0.0f);
  ch->in_scale = pad_scale(par, c->pad);
  gs_gain_init(&ch->polarity, c->rate_hz, par->gain_glide_s, 0.0f);
  gs_gain_set_linear(&ch->polarity, c->invert ? -1.0f : 1.0f);
  gs_gain_settle(&ch->polarity);
  gs_gain_init(&ch->gain, c->rate_hz, par->gain_glide_s, (float)c->gain_db);
  gs_dcblock_init(&ch->dc, c->rate_hz, par->dcblock_hz);
  gs_biquad_init(&ch->shelf);
  if (par->use_shelf) {
    gs_biquad_set_highshelf(&ch->shelf, c->rate_hz, par->shelf_hz, par->shelf_db,
                            par->shelf_slope);
  }
}

// The same colouring stage as preamp.c's setup(), on 8 lanes.
static void setup_group(Group *g, const GsPreampConfig *c, const GsModelDef *def,
                        const GsStripParams *par)
{
  const GsPreampInfo *m = &def->info;
  const double tail_rate = c->rate_hz * par->tail_factor;
  gs_oversampler8_init(&g->os, par->factor, c->rate_hz);  // factor validated
  switch (def->core) {
  case GS_CORE_CLEAN:
    gs_shaper8_init(&g->shaper, GS_SHAPE_HARD, par->adaa);
    break;
  case GS_CORE_CONSOLE:
    gs_shaper8_init(&g->shaper, GS_SHAPE_RAIL, par->adaa);
    gs_shaper8_set_rail(&g->shaper, def->rail_cubic);
    break;
  case GS_CORE_TRANSFORMER:
    gs_transformer8_init(&g->xfmr, c->rate_hz, par->xfmr_corner_hz, par->xfmr_sat_level,
                         def->xfmr_sat_hz, def->xfmr_loss);
    gs_shaper8_init(&g->shaper, GS_SHAPE_RAIL, par->adaa);
    gs_shaper8_set_rail(&g->shaper, def->rail_cubic);
    break;
  case GS_CORE_TUBE:
    gs_shaper8_init(&g->shaper, GS_SHAPE_TUBE, par->adaa);
    gs_shaper8_set_tube(&g->shaper, def->tube_bias, def->tube_asymmetry);
    break;
  case GS_CORE_INSTRUMENT: {
    gs_shaper8_init(&g->shaper, GS_SHAPE_TUBE, par->adaa);
    gs_shaper8_set_tube(&g->shaper, def->tube_bias, def->tube_asymmetry);
    gs_shaper8_set_order(&g->shaper, par->n_adaa2 ? 2 : 1);
    const double freq[3] = {m->bass_hz, m->mid_hz, m->treble_hz};
    const double gain[3] = {c->bass_db, c->mid_db, c->treble_db};
    GsToneStack tone;
    gs_tonestack_init(&tone, tail_rate, freq, gain);
    gs_biquad8_init(&g->tone, tone.band, 3);
    gs_shaper8_init(&g->rail, GS_SHAPE_HARD, par->adaa);
    break;
  }
  }
  if (par->n_adaa) {
    gs_adaa_eq8_init_rates(&g->eq, par->tail_factor, par->factor, c->rate_hz,
                           par->n_adaa - par->n_adaa2, par->n_adaa2);
  }
}

GsStatus gs_preamp_bank_new(const GsPreampConfig *config, unsigned channels, GsPreampBank **out,
                            GsError *err)
{
  *out = NULL;
  if (channels < 1 || channels > GS_PREAMP_BANK_MAX_CHANNELS) {
    return gs_fail(err, GS_ERR_RANGE, "%u channels is out of range for a preamp bank (1 to %d)",
                channels, GS_PREAMP_BANK_MAX_CHANNELS);
  }
  // One strip validates the settings (one set of rules and messages) and
  // gives the latency every channel has.
  GsPreamp *strip = NULL;
  GsStatus st = gs_preamp_new(config, &strip, err);
  if (st) {
    return st;
  }
  const GsPreampInfo *info = gs_preamp_info(strip);
  const double latency = gs_preamp_latency(strip);
  gs_preamp_free(strip);

  GsPreampBank *b = calloc(1, sizeof(*b));
  if (!b) {
    goto nomem;
  }
  b->def = gs_model_def(info);
  b->rate_hz = config->rate_hz;
  // Pad, high-pass and polarity are each channel's own (Channel), so the
  // shared parameters are those of a strip without them.
  GsPreampConfig base = *config;
  base.pad = false;
  base.hpf_hz = 0.0;
  base.invert = false;
  b->par = gs_strip_params(&base, b->def);
  b->hpf_max_hz = gs_preamp_hpf_max_hz(config->rate_hz);
  b->channels = channels;
  b->n_groups = (channels + GS_LANES - 1) / GS_LANES;
  b->latency = latency;
  const GsPreampInfo *m = &b->def->info;
  const double tone[3] = {config->bass_db, config->mid_db, config->treble_db};
  const double tone_freq[3] = {m->bass_hz, m->mid_hz, m->treble_hz};
  for (int i = 0; i < 3; ++i) {
    b->tone_db[i] = b->tone_target[i] = m->has_tone ? tone[i] : 0.0;
  }
  if (m->has_tone) {
    gs_tonestack_init(&b->tone, config->rate_hz * b->par.tail_factor, tone_freq, b->tone_db);
  }
  b->ch = calloc(channels, sizeof(*b->ch));
  b->group = calloc(b->n_groups, sizeof(*b->group));
  b->buf = calloc(CHUNK, sizeof(float));
  b->dry = calloc(CHUNK, sizeof(float));
  b->frames = calloc((size_t)CHUNK * GS_LANES, sizeof(float));
  b->os_frames = calloc((size_t)CHUNK * GS_LANES * b->par.factor, sizeof(float));
  if (b->par.tail_factor < b->par.factor) {
    b->half_frames = calloc((size_t)CHUNK * GS_LANES * b->par.tail_factor, sizeof(float));
    if (!b->half_frames) {
      goto nomem;
    }
  }
  if (!b->ch || !b->group || !b->buf || !b->dry || !b->frames || !b->os_frames) {
    goto nomem;
  }
  for (unsigned c = 0; c < channels; ++c) {
    setup_channel(&b->ch[c], config, &b->par, config->seed + c);
  }
  for (unsigned g = 0; g < b->n_groups; ++g) {
    setup_group(&b->group[g], config, b->def, &b->par);
  }
  if (channels <= SCALAR_MAX_CHANNELS) {
    b->mono = calloc(channels, sizeof(*b->mono));
    if (!b->mono) {
      goto nomem;
    }
    for (unsigned c = 0; c < channels; ++c) {
      gs_colour_init(&b->mono[c], &base, b->def, &b->par);
    }
  }
  *out = b;
  return GS_OK;

nomem:
  gs_preamp_bank_free(b);
  return gs_fail(err, GS_ERR_NOMEM, "out of memory creating a '%s' bank of %u channels",
              info->name, channels);
}

void gs_preamp_bank_free(GsPreampBank *bank)
{
  if (bank) {
    free(bank->ch);
    free(bank->group);
    free(bank->mono);
    free(bank->buf);
    free(bank->dry);
    free(bank->frames);
    free(bank->os_frames);
    free(bank->half_frames);
    free(bank);
  }
}

// Clears one channel's state: its lane of the group's kernels and its own
// filters; the other channels of the group go on untouched.
static void reset_lane(GsPreampBank *b, unsigned g, unsigned lane) GS_REALTIME
{
  if (b->mono) {
    gs_colour_reset(&b->mono[g * GS_LANES + lane]);
  } else {
    Group *grp = &b->group[g];
    gs_oversampler8_reset_lane(&grp->os, lane);
    gs_shaper8_reset_lane(&grp->shaper, lane);
    gs_shaper8_reset_lane(&grp->rail, lane);
    gs_transformer8_reset_lane(&grp->xfmr, lane);
    gs_biquad8_reset_lane(&grp->tone, lane);
    gs_adaa_eq8_reset_lane(&grp->eq, lane);
  }
  Channel *ch = &b->ch[g * GS_LANES + lane];
  // Any high-pass glide or fade ends at its target.
  gs_gain_settle(&ch->hpf_wet);
  ch->hpf_on = ch->hpf_wet.target != 0.0f;
  ch->hpf_hz = ch->hpf_target;
  gs_biquad_set_highpass(&ch->hpf, b->rate_hz, ch->hpf_hz, b->par.hpf_q);
  gs_biquad_reset(&ch->hpf);
  gs_biquad_reset(&ch->shelf);
  gs_dcblock_reset(&ch->dc);
  gs_gain_settle(&ch->gain);
  gs_gain_settle(&ch->pad);
  gs_gain_settle(&ch->polarity);
}

static void reset_group(GsPreampBank *b, unsigned g) GS_REALTIME
{
  const unsigned first = g * GS_LANES;
  const unsigned lanes = b->channels - first < GS_LANES ? b->channels - first : GS_LANES;
  for (unsigned l = 0; l < lanes; ++l) {
    reset_lane(b, g, l);
  }
}

// Designs every group's tone stack for the bank's tone_db.
static void design_tone(GsPreampBank *b) GS_REALTIME
{
  const GsPreampInfo *m = &b->def->info;
  const double freq[3] = {m->bass_hz, m->mid_hz, m->treble_hz};
  gs_tonestack_set_gains(&b->tone, b->rate_hz * b->par.tail_factor, freq, b->tone_db);
  for (unsigned g = 0; g < b->n_groups; ++g) {
    gs_biquad8_set_coefficients(&b->group[g].tone, b->tone.band, 3);
  }
  for (unsigned c = 0; b->mono && c < b->channels; ++c) {
    gs_colour_set_tone(&b->mono[c], b->tone_db);
  }
}

// Moves gliding tone controls on by m samples: a one-pole glide of each
// gain in dB, the bands designed anew for the block.
static void glide_tone(GsPreampBank *b, uint32_t m) GS_REALTIME
{
  if (b->tone_db[0] == b->tone_target[0] && b->tone_db[1] == b->tone_target[1] &&
      b->tone_db[2] == b->tone_target[2]) {
    return;
  }
  const double step = 1.0 - exp(-(double)m / (TONE_GLIDE_S * b->rate_hz));
  for (int i = 0; i < 3; ++i) {
    const double left = b->tone_target[i] - b->tone_db[i];
    b->tone_db[i] = fabs(left) <= TONE_SNAP_DB ? b->tone_target[i] : b->tone_db[i] + left * step;
  }
  design_tone(b);
}

void gs_preamp_bank_reset(GsPreampBank *bank)
{
  if (bank->def->info.has_tone && (bank->tone_db[0] != bank->tone_target[0] ||
                                   bank->tone_db[1] != bank->tone_target[1] ||
                                   bank->tone_db[2] != bank->tone_target[2])) {
    for (int i = 0; i < 3; ++i) {
      bank->tone_db[i] = bank->tone_target[i];
    }
    design_tone(bank);
  }
  for (unsigned g = 0; g < bank->n_groups; ++g) {
    reset_group(bank, g);
  }
}

void gs_preamp_bank_set_gain_db(GsPreampBank *bank, unsigned channel, double gain_db)
{
  if (channel >= bank->channels || gain_db != gain_db) {
    return;
  }
  const GsPreampInfo *m = &bank->def->info;
  const double g = gain_db < m->gain_min_db   ? m->gain_min_db
                   : gain_db > m->gain_max_db ? m->gain_max_db
                                              : gain_db;
  gs_gain_set_db(&bank->ch[channel].gain, (float)g);
}

// A tone setting clamped to the model's range; NaN keeps the current target.
static double clamp_tone(const GsPreampInfo *m, double db, double current)
  GS_REALTIME
{
  if (db != db) {
    return current;
  }
  return db < -m->tone_range_db ? -m->tone_range_db : db > m->tone_range_db ? m->tone_range_db : db;
}

void gs_preamp_bank_set_tone(GsPreampBank *bank, double bass_db, double mid_db,
                             double treble_db)
{
  const GsPreampInfo *m = &bank->def->info;
  if (!m->has_tone) {
    return;
  }
  const double want[3] = {bass_db, mid_db, treble_db};
  for (int i = 0; i < 3; ++i) {
    bank->tone_target[i] = clamp_tone(m, want[i], bank->tone_target[i]);
  }
  // Nothing more: glide_tone() returns early while the targets are reached.
}

void gs_preamp_bank_set_noise(GsPreampBank *bank, bool noise)
{
  bank->par.use_noise = noise;
}

void gs_preamp_bank_set_seed(GsPreampBank *bank, uint64_t seed)
{
  for (unsigned c = 0; c < bank->channels; ++c) {
    gs_white_init(&bank->ch[c].white, seed + c);
  }
}

void gs_preamp_bank_set_pad(GsPreampBank *bank, unsigned channel, bool pad)
{
  if (channel < bank->channels) {
    gs_gain_set_db(&bank->ch[channel].pad, pad ? (float)GS_PAD_DB : 0.0f);
    bank->ch[channel].in_scale = pad_scale(&bank->par, pad);
  }
}

void gs_preamp_bank_set_invert(GsPreampBank *bank, unsigned channel, bool invert)
{
  if (channel < bank->channels) {
    gs_gain_set_linear(&bank->ch[channel].polarity, invert ? -1.0f : 1.0f);
  }
}

void gs_preamp_bank_set_hpf_hz(GsPreampBank *bank, unsigned channel, double hpf_hz)
{
  if (channel >= bank->channels || !(hpf_hz == 0.0 || (hpf_hz >= GS_PREAMP_HPF_MIN_HZ &&
                                                       hpf_hz <= bank->hpf_max_hz))) {
    return;
  }
  Channel *ch = &bank->ch[channel];
  if (hpf_hz == 0.0) {
    gs_gain_set_linear(&ch->hpf_wet, 0.0f);  // fades out, then stops running
    return;
  }
  if (!ch->hpf_on) {
    // From rest, below the band, faded in while the corner glides up.
    ch->hpf_on = true;
    ch->hpf_hz = HPF_START_HZ;
    gs_biquad_set_highpass(&ch->hpf, bank->rate_hz, ch->hpf_hz, bank->par.hpf_q);
    gs_biquad_reset(&ch->hpf);
  }
  ch->hpf_target = hpf_hz;
  gs_gain_set_linear(&ch->hpf_wet, 1.0f);
}

// Moves a gliding high-pass corner on by m samples: a one-pole glide of the
// corner's logarithm, the coefficients designed anew for the block.
static void glide_hpf(const GsPreampBank *b, Channel *ch, uint32_t m) GS_REALTIME
{
  if (ch->hpf_hz == ch->hpf_target) {
    return;
  }
  const double step = 1.0 - exp(-(double)m / (HPF_GLIDE_S * b->rate_hz));
  const double ratio = ch->hpf_target / ch->hpf_hz;
  ch->hpf_hz = fabs(ratio - 1.0) <= HPF_SNAP ? ch->hpf_target : ch->hpf_hz * pow(ratio, step);
  gs_biquad_set_highpass(&ch->hpf, b->rate_hz, ch->hpf_hz, b->par.hpf_q);
}

// The high-pass on m samples of buf; while it fades in or out, the output is
// dry + wet (filtered - dry), so switching never steps.
static void run_hpf(GsPreampBank *b, Channel *ch, float *buf, uint32_t m) GS_REALTIME
{
  glide_hpf(b, ch, m);
  if (gs_gain_is_unity(&ch->hpf_wet)) {
    gs_biquad_process(&ch->hpf, buf, buf, m);
    return;
  }
  float *const dry = b->dry;
  for (uint32_t i = 0; i < m; ++i) {
    dry[i] = buf[i];
  }
  gs_biquad_process(&ch->hpf, buf, buf, m);
  for (uint32_t i = 0; i < m; ++i) {
    buf[i] -= dry[i];
  }
  gs_gain_process(&ch->hpf_wet, buf, buf, m);
  for (uint32_t i = 0; i < m; ++i) {
    buf[i] += dry[i];
  }
  if (ch->hpf_wet.current == 0.0f && ch->hpf_wet.target == 0.0f) {
    ch->hpf_on = false;  // faded out: it stops running
  }
}

// What follows a group's curve, as colour.c's tail(), on n frames at the
// tail's rate.
static void tail(const GsPreampBank *b, Group *g, float *x, uint32_t n) GS_REALTIME
{
  if (b->def->core == GS_CORE_INSTRUMENT) {
    gs_biquad8_process(&g->tone, x, x, n);
    const float s = b->par.rail_scale;
    for (uint32_t i = 0; i < n * GS_LANES; ++i) {
      x[i] *= s;
    }
    gs_shaper8_process(&g->rail, x, x, n);
  }
  if (b->par.n_adaa) {
    gs_adaa_eq8_process(&g->eq, x, x, n);
  }
}

// One channel's input stage into frames[stride * i] (a lane of a group's
// frames, or a channel's own samples).
static void gather(GsPreampBank *b, Channel *ch, const float *src, float *frames,
                   unsigned stride, uint32_t m) GS_REALTIME
{
  float *const buf = b->buf;
  const bool pad_settled = ch->pad.current == ch->pad.target;
  const float in_scale = pad_settled ? ch->in_scale : b->par.in_scale;
  for (uint32_t i = 0; i < m; ++i) {
    buf[i] = src[i] * in_scale;
  }
  if (!pad_settled) {
    gs_gain_process(&ch->pad, buf, buf, m);
  }
  if (b->par.use_noise) {
    gs_white_add(&ch->white, b->par.noise_rms, buf, m);
  }
  if (ch->hpf_on) {
    run_hpf(b, ch, buf, m);
  }
  gs_gain_process(&ch->gain, buf, buf, m);
  for (uint32_t i = 0; i < m; ++i) {
    frames[stride * i] = buf[i];
  }
}

// frames[stride * i] through one channel's output stage; false if an
// output sample is NaN or infinite.
static bool scatter(GsPreampBank *b, Channel *ch, const float *frames, unsigned stride,
                    float *dst, uint32_t m) GS_REALTIME
{
  float *const buf = b->buf;
  for (uint32_t i = 0; i < m; ++i) {
    buf[i] = frames[stride * i];
  }
  if (b->par.use_shelf) {
    gs_biquad_process(&ch->shelf, buf, buf, m);
  }
  if (b->par.use_dcblock) {
    gs_dcblock_process(&ch->dc, buf, buf, m);
  }
  const float out_scale = b->par.out_scale;
  for (uint32_t i = 0; i < m; ++i) {
    dst[i] = buf[i] * out_scale;
  }
  if (!gs_gain_is_unity(&ch->polarity)) {
    gs_gain_process(&ch->polarity, dst, dst, m);
  }
  // Non-finite floats are those with every exponent bit set. Or-ing a test
  // of the bits vectorises, where the strip's running sum of x * 0 (NaN once
  // any x is NaN or infinite) is a chain of dependent float adds.
  uint32_t bad = 0;
  for (uint32_t i = 0; i < m; ++i) {
    const union { float f; uint32_t bits; } x = {.f = dst[i]};
    bad |= (x.bits & EXPONENT_BITS) == EXPONENT_BITS;
  }
  return !bad;
}

// Lane l of group g from frames[stride * i] through its output stage into
// dst. A NaN or infinity in the input would otherwise live on in the filter
// state forever: the channel's bad samples are dropped and its state starts
// afresh, as a strip's does; its neighbours in the group go on.
static void finish(GsPreampBank *b, unsigned g, unsigned l, const float *frames,
                   unsigned stride, float *dst, uint32_t m) GS_REALTIME
{
  if (!scatter(b, &b->ch[g * GS_LANES + l], frames, stride, dst, m)) {
    for (uint32_t i = 0; i < m; ++i) {
      dst[i] = isfinite(dst[i]) ? dst[i] : 0.0f;
    }
    reset_lane(b, g, l);
  }
}

// m samples from offset done of the channels of group g.
static void run_group(GsPreampBank *b, unsigned g, const float *const *in, float *const *out,
                      uint32_t done, uint32_t m) GS_REALTIME
{
  const unsigned first = g * GS_LANES;
  const unsigned lanes = b->channels - first < GS_LANES ? b->channels - first : GS_LANES;
  if (b->mono) {  // a small bank: each channel on its own (SCALAR_MAX_CHANNELS)
    for (unsigned l = 0; l < lanes; ++l) {
      Channel *const ch = &b->ch[first + l];
      gather(b, ch, in[first + l] + done, b->frames, 1, m);
      gs_colour_process(&b->mono[first + l], b->frames, m);
      finish(b, g, l, b->frames, 1, out[first + l] + done, m);
    }
    return;
  }
  for (unsigned l = 0; l < lanes; ++l) {
    gather(b, &b->ch[first + l], in[first + l] + done, b->frames + l, GS_LANES, m);
  }
  for (unsigned l = lanes; l < GS_LANES; ++l) {
    for (uint32_t i = 0; i < m; ++i) {
      b->frames[GS_LANES * i + l] = 0.0f;
    }
  }
  Group *const grp = &b->group[g];
  const unsigned factor = b->par.factor;
  if (b->def->core == GS_CORE_TRANSFORMER) {
    gs_transformer8_process(&grp->xfmr, b->frames, b->frames, m);  // as gs_colour_process
  }
  // as gs_colour_process()
  if (factor == 1) {
    gs_shaper8_process(&grp->shaper, b->frames, b->frames, m);
    tail(b, grp, b->frames, m);
  } else {
    gs_oversampler8_up(&grp->os, b->frames, b->os_frames, m);
    gs_shaper8_process(&grp->shaper, b->os_frames, b->os_frames, m * factor);
    if (b->par.tail_factor < factor) {
      gs_oversampler8_down_to_half(&grp->os, b->os_frames, b->half_frames, m);
      tail(b, grp, b->half_frames, m * b->par.tail_factor);
      gs_oversampler8_down_from_half(&grp->os, b->half_frames, b->frames, m);
    } else {
      tail(b, grp, b->os_frames, m * factor);
      gs_oversampler8_down(&grp->os, b->os_frames, b->frames, m);
    }
  }
  for (unsigned l = 0; l < lanes; ++l) {
    finish(b, g, l, b->frames + l, GS_LANES, out[first + l] + done, m);
  }
}

void gs_preamp_bank_process(GsPreampBank *bank, const float *const *in_volts,
                            float *const *out_volts, uint32_t n)
{
  const GsFpMode fp_mode = gs_denormals_off();
  for (uint32_t done = 0; done < n;) {
    const uint32_t m = n - done < CHUNK ? n - done : CHUNK;
    if (bank->def->info.has_tone) {
      glide_tone(bank, m);
    }
    for (unsigned g = 0; g < bank->n_groups; ++g) {
      run_group(bank, g, in_volts, out_volts, done, m);
    }
    done += m;
  }
  gs_denormals_restore(fp_mode);
}

double gs_preamp_bank_latency(const GsPreampBank *bank)
{
  return bank->latency;
}

unsigned gs_preamp_bank_oversample(const GsPreampBank *bank)
{
  return bank->par.factor;
}

unsigned gs_preamp_bank_channels(const GsPreampBank *bank)
{
  return bank->channels;
}

GsStatus gs_preamp_bank_set_variant(GsPreampBank *bank, GsLanesVariant variant)
{
  if (!gs_lanes_variant_supported(variant)) {
    return GS_ERR_RANGE;
  }
  for (unsigned g = 0; g < bank->n_groups; ++g) {
    Group *grp = &bank->group[g];
    gs_oversampler8_set_variant(&grp->os, variant);
    gs_shaper8_set_variant(&grp->shaper, variant);
    gs_shaper8_set_variant(&grp->rail, variant);
    gs_transformer8_set_variant(&grp->xfmr, variant);
    gs_biquad8_set_variant(&grp->tone, variant);
    gs_adaa_eq8_set_variant(&grp->eq, variant);
  }
  return GS_OK;
}

GsLanesVariant gs_preamp_bank_variant(const GsPreampBank *bank)
{
  return bank->group[0].os.variant;
}
