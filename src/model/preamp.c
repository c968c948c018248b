// SPDX-License-Identifier: ISC
// A channel strip running one preamp model: pad, noise, high-pass, gain, the
// model's colouring stage (oversampled, anti-aliased), the rail, polarity.

#include "gainstage/preamp.h"

#include "error.h"

#include "dsp/biquad.h"
#include "dsp/dcblock.h"
#include "dsp/denormal.h"
#include "dsp/gain.h"
#include "dsp/noise.h"
#include "model/colour.h"
#include "model/models.h"
#include "model/strip_params.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHUNK GS_COLOUR_CHUNK
#define TONE_RANGE_EPS 1e-9

// Written by the main thread at creation, then owned by the thread that
// processes.
struct GsPreamp {
  const GsModelDef *def;
  double rate_hz;
  float in_scale;           // volts to the colouring stage's normalised units
  float out_scale;          // back to volts, with the polarity
  bool use_noise, use_hpf, use_shelf;
  float noise_rms;          // normalised units
  GsWhite white;
  GsBiquad hpf;
  GsGain gain;
  GsColour colour;          // oversampling, the model's curves, the droop equaliser
  GsBiquad shelf;
  GsDcBlock dc;
  bool use_dc;
  float buf[CHUNK];
};

GsPreampConfig gs_preamp_config_default(void)
{
  return (GsPreampConfig){
    .model = "clean",
    .rate_hz = 48000.0,
    .gain_db = 0.0,
    .oversample = 0,
    .seed = 1,
  };
}

static bool within(double x, double lo, double hi)
{
  return x >= lo && x <= hi;  // false for NaN
}

static void list_models(char *out, size_t size)
{
  out[0] = '\0';
  for (size_t i = 0; i < gs_preamp_model_count(); ++i) {
    const size_t len = strlen(out);
    snprintf(out + len, size - len, "%s%s", i ? ", " : "", gs_preamp_model_info(i)->name);
  }
}

static GsStatus validate(const GsPreampConfig *c, const GsPreampInfo **info, GsError *err)
{
  *info = gs_preamp_model_find(c->model);
  if (!*info) {
    char names[256];
    list_models(names, sizeof(names));
    return gs_fail(err, GS_ERR_UNKNOWN, "unknown model '%s' (models: %s)",
                c->model ? c->model : "", names);
  }
  const GsPreampInfo *m = *info;
  if (!within(c->rate_hz, 8000.0, 384000.0)) {
    return gs_fail(err, GS_ERR_RANGE, "sample rate %g Hz is out of range (8000 to 384000 Hz)",
                c->rate_hz);
  }
  if (!within(c->gain_db, m->gain_min_db, m->gain_max_db)) {
    return gs_fail(err, GS_ERR_RANGE, "gain %g dB is out of range for model '%s' (%g to %g dB)",
                c->gain_db, m->name, m->gain_min_db, m->gain_max_db);
  }
  const double hpf_max = gs_preamp_hpf_max_hz(c->rate_hz);
  if (c->hpf_hz != 0.0 && !within(c->hpf_hz, GS_PREAMP_HPF_MIN_HZ, hpf_max)) {
    return gs_fail(err, GS_ERR_RANGE,
                "high-pass frequency %g Hz is out of range (10 to %g Hz, or 0 for off)",
                c->hpf_hz, hpf_max);
  }
  const double tone[3] = {c->bass_db, c->mid_db, c->treble_db};
  static const char *const tone_names[3] = {"bass", "mid", "treble"};
  for (int i = 0; i < 3; ++i) {
    if (!m->has_tone && tone[i] != 0.0) {
      return gs_fail(err, GS_ERR_USAGE,
                  "model '%s' has no tone controls (%s needs model bass or guitar)", m->name,
                  tone_names[i]);
    }
    if (m->has_tone && !within(tone[i], -m->tone_range_db - TONE_RANGE_EPS,
                               m->tone_range_db + TONE_RANGE_EPS)) {
      return gs_fail(err, GS_ERR_RANGE, "%s %g dB is out of range (-%g to +%g dB)", tone_names[i],
                  tone[i], m->tone_range_db, m->tone_range_db);
    }
  }
  const unsigned os = c->oversample;
  if (os != 0 && os != 1 && os != 2 && os != 4 && os != 8) {
    return gs_fail(err, GS_ERR_RANGE, "oversampling %u is not valid (auto, 1, 2, 4 or 8)", os);
  }
  return GS_OK;
}

static void setup(GsPreamp *p, const GsPreampConfig *c, const GsModelDef *def)
{
  const GsStripParams sp = gs_strip_params(c, def);
  const double rate = c->rate_hz;

  p->def = def;
  p->rate_hz = rate;
  p->in_scale = sp.in_scale;
  p->out_scale = sp.out_scale;
  p->use_noise = sp.use_noise;
  p->noise_rms = sp.noise_rms;
  gs_white_init(&p->white, c->seed);

  gs_biquad_init(&p->hpf);
  p->use_hpf = sp.use_hpf;
  if (p->use_hpf) {
    gs_biquad_set_highpass(&p->hpf, rate, sp.hpf_hz, sp.hpf_q);
  }
  gs_gain_init(&p->gain, rate, sp.gain_glide_s, (float)c->gain_db);
  gs_colour_init(&p->colour, c, def, &sp);

  p->use_dc = sp.use_dcblock;
  gs_dcblock_init(&p->dc, rate, sp.dcblock_hz);
  gs_biquad_init(&p->shelf);
  p->use_shelf = sp.use_shelf;
  if (p->use_shelf) {
    gs_biquad_set_highshelf(&p->shelf, rate, sp.shelf_hz, sp.shelf_db, sp.shelf_slope);
  }
}

GsStatus gs_preamp_new(const GsPreampConfig *config, GsPreamp **out, GsError *err)
{
  *out = NULL;
  const GsPreampInfo *info = NULL;
  GsStatus st = validate(config, &info, err);
  if (st) {
    return st;
  }
  GsPreamp *p = calloc(1, sizeof(*p));
  if (!p) {
    return gs_fail(err, GS_ERR_NOMEM, "out of memory creating a '%s' strip", info->name);
  }
  setup(p, config, gs_model_def(info));
  *out = p;
  return GS_OK;
}

void gs_preamp_free(GsPreamp *pre)
{
  free(pre);
}

void gs_preamp_reset(GsPreamp *p)
{
  gs_biquad_reset(&p->hpf);
  gs_colour_reset(&p->colour);
  gs_biquad_reset(&p->shelf);
  gs_dcblock_reset(&p->dc);
  gs_gain_settle(&p->gain);
}

void gs_preamp_set_gain_db(GsPreamp *p, double gain_db)
{
  if (gain_db != gain_db) {
    return;  // NaN: keep the gain it has
  }
  const GsPreampInfo *m = &p->def->info;
  const double g = gain_db < m->gain_min_db   ? m->gain_min_db
                   : gain_db > m->gain_max_db ? m->gain_max_db
                                              : gain_db;
  gs_gain_set_db(&p->gain, (float)g);
}

void gs_preamp_process(GsPreamp *p, const float *in, float *out, uint32_t n)
{
  const GsFpMode fp_mode = gs_denormals_off();
  float *const buf = p->buf;
  for (uint32_t done = 0; done < n;) {
    const uint32_t m = n - done < CHUNK ? n - done : CHUNK;
    const float in_scale = p->in_scale;
    for (uint32_t i = 0; i < m; ++i) {
      buf[i] = in[done + i] * in_scale;
    }
    if (p->use_noise) {
      gs_white_add(&p->white, p->noise_rms, buf, m);
    }
    if (p->use_hpf) {
      gs_biquad_process(&p->hpf, buf, buf, m);
    }
    gs_gain_process(&p->gain, buf, buf, m);
    gs_colour_process(&p->colour, buf, m);
    if (p->use_shelf) {
      gs_biquad_process(&p->shelf, buf, buf, m);
    }
    if (p->use_dc) {
      gs_dcblock_process(&p->dc, buf, buf, m);
    }
    const float out_scale = p->out_scale;
    float *const dst = out + done;
    float probe = 0.0f;  // becomes NaN if any output is NaN or infinite
    for (uint32_t i = 0; i < m; ++i) {
      dst[i] = buf[i] * out_scale;
      probe += dst[i] * 0.0f;
    }
    // A NaN or infinity in the input would otherwise live on in the filter
    // state forever: drop the bad samples and start the state afresh.
    if (probe != probe) {
      for (uint32_t i = 0; i < m; ++i) {
        dst[i] = isfinite(dst[i]) ? dst[i] : 0.0f;
      }
      gs_preamp_reset(p);
    }
    done += m;
  }
  gs_denormals_restore(fp_mode);
}

double gs_preamp_hpf_max_hz(double rate_hz)
{
  return fmin(1000.0, 0.45 * rate_hz);
}

double gs_preamp_latency(const GsPreamp *p)
{
  return gs_colour_latency(&p->colour);
}

unsigned gs_preamp_oversample(const GsPreamp *p)
{
  return p->colour.factor;
}

const GsPreampInfo *gs_preamp_info(const GsPreamp *p)
{
  return &p->def->info;
}
