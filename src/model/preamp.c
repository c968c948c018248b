// SPDX-License-Identifier: ISC
// A channel strip running one preamp model: pad, noise, high-pass, gain, the
// model's colouring stage (oversampled, anti-aliased), the rail, polarity.

#include "gainstage/preamp.h"

#include "error.h"

#include "dsp/adaa_eq.h"
#include "dsp/biquad.h"
#include "dsp/dcblock.h"
#include "dsp/denormal.h"
#include "dsp/gain.h"
#include "dsp/noise.h"
#include "dsp/oversample.h"
#include "dsp/shaper.h"
#include "model/models.h"
#include "model/strip_params.h"
#include "model/tonestack.h"
#include "model/transformer.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHUNK GS_OVERSAMPLE_CHUNK
#define TONE_RANGE_EPS 1e-9

// Written by the main thread at creation, then owned by the thread that
// processes.
struct GsPreamp {
  const GsModelDef *def;
  double rate_hz;
  unsigned factor;          // oversampling
  float in_scale;           // volts to the colouring stage's normalised units
  float out_scale;          // back to volts, with the polarity
  float rail_scale;         // instrument: stage units to rail units
  bool use_noise, use_hpf, use_shelf;
  float noise_rms;          // normalised units
  unsigned n_adaa;          // ADAA shapers in series (0 without oversampling)
  GsWhite white;
  GsBiquad hpf;
  GsGain gain;
  GsOversampler os;
  GsShaper shaper;          // the model's curve
  GsShaper rail;            // transformer and instrument: the rail after it
  GsTransformer xfmr;
  GsToneStack tone;
  GsAdaaEq eq;              // flattens the droop of all n_adaa shapers
  GsBiquad shelf;
  GsDcBlock dc;
  bool use_dc;
  float buf[CHUNK];
  float os_buf[CHUNK * 8];
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
  const GsPreampInfo *m = &def->info;
  const GsStripParams sp = gs_strip_params(c, def);
  const double rate = c->rate_hz;
  const bool adaa = sp.adaa;

  p->def = def;
  p->rate_hz = rate;
  p->factor = sp.factor;
  p->n_adaa = sp.n_adaa;
  p->in_scale = sp.in_scale;
  p->out_scale = sp.out_scale;
  p->rail_scale = sp.rail_scale;
  p->use_noise = sp.use_noise;
  p->noise_rms = sp.noise_rms;
  gs_white_init(&p->white, c->seed);

  gs_biquad_init(&p->hpf);
  p->use_hpf = sp.use_hpf;
  if (p->use_hpf) {
    gs_biquad_set_highpass(&p->hpf, rate, sp.hpf_hz, sp.hpf_q);
  }
  gs_gain_init(&p->gain, rate, sp.gain_glide_s, (float)c->gain_db);
  gs_oversampler_init(&p->os, p->factor, rate);  // factor validated above

  const double os_rate = rate * p->factor;
  switch (def->core) {
  case GS_CORE_CLEAN:
    gs_shaper_init(&p->shaper, GS_SHAPE_HARD, adaa);
    break;
  case GS_CORE_CONSOLE:
    gs_shaper_init(&p->shaper, GS_SHAPE_RAIL, adaa);
    gs_shaper_set_rail(&p->shaper, def->rail_cubic);
    break;
  case GS_CORE_TRANSFORMER:
    gs_transformer_init(&p->xfmr, os_rate, sp.xfmr_corner_hz, sp.xfmr_sat_level,
                        def->xfmr_sat_hz, def->xfmr_loss);
    gs_shaper_init(&p->shaper, GS_SHAPE_RAIL, adaa);
    gs_shaper_set_rail(&p->shaper, def->rail_cubic);
    break;
  case GS_CORE_TUBE:
    gs_shaper_init(&p->shaper, GS_SHAPE_TUBE, adaa);
    gs_shaper_set_tube(&p->shaper, def->tube_bias, def->tube_asymmetry);
    break;
  case GS_CORE_INSTRUMENT: {
    gs_shaper_init(&p->shaper, GS_SHAPE_TUBE, adaa);
    gs_shaper_set_tube(&p->shaper, def->tube_bias, def->tube_asymmetry);
    const double freq[3] = {m->bass_hz, m->mid_hz, m->treble_hz};
    const double gain[3] = {c->bass_db, c->mid_db, c->treble_db};
    gs_tonestack_init(&p->tone, os_rate, freq, gain);
    gs_shaper_init(&p->rail, GS_SHAPE_HARD, adaa);
    break;
  }
  }
  if (p->n_adaa) {
    gs_adaa_eq_init(&p->eq, p->factor, rate, p->n_adaa);
  }

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
  gs_oversampler_reset(&p->os);
  gs_shaper_reset(&p->shaper);
  gs_shaper_reset(&p->rail);
  gs_transformer_reset(&p->xfmr);
  gs_tonestack_reset(&p->tone);
  gs_adaa_eq_reset(&p->eq);
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

// The colouring stage, on n samples at the oversampled rate.
static void colour(GsPreamp *p, float *x, uint32_t n) GS_REALTIME
{
  switch (p->def->core) {
  case GS_CORE_CLEAN:
  case GS_CORE_CONSOLE:
  case GS_CORE_TUBE:
    gs_shaper_process(&p->shaper, x, x, n);
    break;
  case GS_CORE_TRANSFORMER:
    gs_transformer_process(&p->xfmr, x, x, n);
    gs_shaper_process(&p->shaper, x, x, n);
    break;
  case GS_CORE_INSTRUMENT: {
    gs_shaper_process(&p->shaper, x, x, n);
    gs_tonestack_process(&p->tone, x, x, n);
    const float s = p->rail_scale;
    for (uint32_t i = 0; i < n; ++i) {
      x[i] *= s;
    }
    gs_shaper_process(&p->rail, x, x, n);
    break;
  }
  }
  if (p->n_adaa) {
    gs_adaa_eq_process(&p->eq, x, x, n);
  }
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
    if (p->factor > 1) {
      gs_oversampler_up(&p->os, buf, p->os_buf, m);
      colour(p, p->os_buf, m * p->factor);
      gs_oversampler_down(&p->os, p->os_buf, buf, m);
    } else {
      colour(p, buf, m);
    }
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
  double stages = gs_shaper_latency(&p->shaper);
  if (p->def->core == GS_CORE_INSTRUMENT) {
    stages += gs_shaper_latency(&p->rail);
  }
  if (p->n_adaa) {
    stages += 1.0;  // the 3-tap equaliser delays by one sample
  }
  return gs_oversampler_latency(&p->os) + stages / p->factor;
}

unsigned gs_preamp_oversample(const GsPreamp *p)
{
  return p->factor;
}

const GsPreampInfo *gs_preamp_info(const GsPreamp *p)
{
  return &p->def->info;
}
