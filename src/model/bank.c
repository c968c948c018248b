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

// One channel's scalar parts.
typedef struct {
  GsWhite white;
  GsBiquad hpf;
  GsGain gain;
  GsBiquad shelf;
  GsDcBlock dc;
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
  GsStripParams par;
  unsigned channels;
  unsigned n_groups;
  double latency;
  Channel *ch;       // [channels]
  Group *group;      // [n_groups]
  float *buf;        // [CHUNK]: one channel at the base rate
  float *frames;     // [CHUNK * GS_LANES]: one group at the base rate
  float *os_frames;  // [CHUNK * GS_LANES * factor]: one group oversampled
};

static void setup_channel(Channel *ch, const GsPreampConfig *c, const GsStripParams *par,
                          uint64_t seed)
{
  gs_white_init(&ch->white, seed);
  gs_biquad_init(&ch->hpf);
  if (par->use_hpf) {
    gs_biquad_set_highpass(&ch->hpf, c->rate_hz, par->hpf_hz, par->hpf_q);
  }
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
  const double os_rate = c->rate_hz * par->factor;
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
    gs_transformer8_init(&g->xfmr, os_rate, par->xfmr_corner_hz, par->xfmr_sat_level,
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
    const double freq[3] = {m->bass_hz, m->mid_hz, m->treble_hz};
    const double gain[3] = {c->bass_db, c->mid_db, c->treble_db};
    GsToneStack tone;
    gs_tonestack_init(&tone, os_rate, freq, gain);
    gs_biquad8_init(&g->tone, tone.band, 3);
    gs_shaper8_init(&g->rail, GS_SHAPE_HARD, par->adaa);
    break;
  }
  }
  if (par->n_adaa) {
    gs_adaa_eq8_init(&g->eq, par->factor, c->rate_hz, par->n_adaa);
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
  b->par = gs_strip_params(config, b->def);
  b->channels = channels;
  b->n_groups = (channels + GS_LANES - 1) / GS_LANES;
  b->latency = latency;
  b->ch = calloc(channels, sizeof(*b->ch));
  b->group = calloc(b->n_groups, sizeof(*b->group));
  b->buf = calloc(CHUNK, sizeof(float));
  b->frames = calloc((size_t)CHUNK * GS_LANES, sizeof(float));
  b->os_frames = calloc((size_t)CHUNK * GS_LANES * b->par.factor, sizeof(float));
  if (!b->ch || !b->group || !b->buf || !b->frames || !b->os_frames) {
    goto nomem;
  }
  for (unsigned c = 0; c < channels; ++c) {
    setup_channel(&b->ch[c], config, &b->par, config->seed + c);
  }
  for (unsigned g = 0; g < b->n_groups; ++g) {
    setup_group(&b->group[g], config, b->def, &b->par);
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
    free(bank->buf);
    free(bank->frames);
    free(bank->os_frames);
    free(bank);
  }
}

// Clears one channel's state: its lane of the group's kernels and its own
// filters; the other channels of the group go on untouched.
static void reset_lane(GsPreampBank *b, unsigned g, unsigned lane) GS_REALTIME
{
  Group *grp = &b->group[g];
  gs_oversampler8_reset_lane(&grp->os, lane);
  gs_shaper8_reset_lane(&grp->shaper, lane);
  gs_shaper8_reset_lane(&grp->rail, lane);
  gs_transformer8_reset_lane(&grp->xfmr, lane);
  gs_biquad8_reset_lane(&grp->tone, lane);
  gs_adaa_eq8_reset_lane(&grp->eq, lane);
  Channel *ch = &b->ch[g * GS_LANES + lane];
  gs_biquad_reset(&ch->hpf);
  gs_biquad_reset(&ch->shelf);
  gs_dcblock_reset(&ch->dc);
  gs_gain_settle(&ch->gain);
}

static void reset_group(GsPreampBank *b, unsigned g) GS_REALTIME
{
  const unsigned first = g * GS_LANES;
  const unsigned lanes = b->channels - first < GS_LANES ? b->channels - first : GS_LANES;
  for (unsigned l = 0; l < lanes; ++l) {
    reset_lane(b, g, l);
  }
}

void gs_preamp_bank_reset(GsPreampBank *bank)
{
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

// The colouring stage of one group, on n frames at the oversampled rate.
static void colour(const GsPreampBank *b, Group *g, float *x, uint32_t n) GS_REALTIME
{
  switch (b->def->core) {
  case GS_CORE_CLEAN:
  case GS_CORE_CONSOLE:
  case GS_CORE_TUBE:
    gs_shaper8_process(&g->shaper, x, x, n);
    break;
  case GS_CORE_TRANSFORMER:
    gs_transformer8_process(&g->xfmr, x, x, n);
    gs_shaper8_process(&g->shaper, x, x, n);
    break;
  case GS_CORE_INSTRUMENT: {
    gs_shaper8_process(&g->shaper, x, x, n);
    gs_biquad8_process(&g->tone, x, x, n);
    const float s = b->par.rail_scale;
    for (uint32_t i = 0; i < n * GS_LANES; ++i) {
      x[i] *= s;
    }
    gs_shaper8_process(&g->rail, x, x, n);
    break;
  }
  }
  if (b->par.n_adaa) {
    gs_adaa_eq8_process(&g->eq, x, x, n);
  }
}

// One channel's input stage into lane l of the frames.
static void gather(GsPreampBank *b, Channel *ch, const float *src, unsigned l,
                   uint32_t m) GS_REALTIME
{
  float *const buf = b->buf;
  const float in_scale = b->par.in_scale;
  for (uint32_t i = 0; i < m; ++i) {
    buf[i] = src[i] * in_scale;
  }
  if (b->par.use_noise) {
    gs_white_add(&ch->white, b->par.noise_rms, buf, m);
  }
  if (b->par.use_hpf) {
    gs_biquad_process(&ch->hpf, buf, buf, m);
  }
  gs_gain_process(&ch->gain, buf, buf, m);
  for (uint32_t i = 0; i < m; ++i) {
    b->frames[GS_LANES * i + l] = buf[i];
  }
}

// Lane l of the frames through one channel's output stage; false if an
// output sample is NaN or infinite.
static bool scatter(GsPreampBank *b, Channel *ch, float *dst, unsigned l, uint32_t m) GS_REALTIME
{
  float *const buf = b->buf;
  for (uint32_t i = 0; i < m; ++i) {
    buf[i] = b->frames[GS_LANES * i + l];
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

// m samples from offset done of the channels of group g.
static void run_group(GsPreampBank *b, unsigned g, const float *const *in, float *const *out,
                      uint32_t done, uint32_t m) GS_REALTIME
{
  const unsigned first = g * GS_LANES;
  const unsigned lanes = b->channels - first < GS_LANES ? b->channels - first : GS_LANES;
  for (unsigned l = 0; l < lanes; ++l) {
    gather(b, &b->ch[first + l], in[first + l] + done, l, m);
  }
  for (unsigned l = lanes; l < GS_LANES; ++l) {
    for (uint32_t i = 0; i < m; ++i) {
      b->frames[GS_LANES * i + l] = 0.0f;
    }
  }
  Group *const grp = &b->group[g];
  const unsigned factor = b->par.factor;
  if (factor > 1) {
    gs_oversampler8_up(&grp->os, b->frames, b->os_frames, m);
    colour(b, grp, b->os_frames, m * factor);
    gs_oversampler8_down(&grp->os, b->os_frames, b->frames, m);
  } else {
    colour(b, grp, b->frames, m);
  }
  for (unsigned l = 0; l < lanes; ++l) {
    if (!scatter(b, &b->ch[first + l], out[first + l] + done, l, m)) {
      // A NaN or infinity in the input would otherwise live on in the filter
      // state forever: drop this channel's bad samples and start its state
      // afresh, as a strip does; its neighbours in the group go on.
      float *const dst = out[first + l] + done;
      for (uint32_t i = 0; i < m; ++i) {
        dst[i] = isfinite(dst[i]) ? dst[i] : 0.0f;
      }
      reset_lane(b, g, l);
    }
  }
}

void gs_preamp_bank_process(GsPreampBank *bank, const float *const *in_volts,
                            float *const *out_volts, uint32_t n)
{
  const GsFpMode fp_mode = gs_denormals_off();
  for (uint32_t done = 0; done < n;) {
    const uint32_t m = n - done < CHUNK ? n - done : CHUNK;
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
