// SPDX-License-Identifier: ISC
// The headphone amplifier: volume, an output stage that clips at its maximum
// output (oversampled, anti-aliased), and the divider its output impedance
// makes with the headphones.

#include "gainstage/headphones.h"

#include "error.h"

#include "dsp/adaa_eq.h"
#include "dsp/gain.h"
#include "dsp/oversample.h"
#include "dsp/shaper.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#define CHUNK GS_OVERSAMPLE_CHUNK
// The soft clip's cubic: x - a x^3 into the rail (dsp/shaper.h). At 0.04 the
// curve reaches the rail for an input 0.6 dB above it, and a sine at half
// the rail has 0.25 % third harmonic (a x^2 / 4 of the fundamental).
#define SOFT_CUBIC 0.04
// Volume glide time constant, as the preamps' gain.
#define VOLUME_GLIDE_S 0.01

// Written by the main thread at creation (and by gs_hpamp_set_load_ohm
// between process calls), then owned by the thread that processes.
struct GsHpAmp {
  double rate_hz;
  double rail_volts;    // peak of the maximum output, open circuit
  double output_ohm;
  double load_ohm;      // 0: no load
  float in_scale;       // volts to rail units
  float out_scale;      // rail units to loaded volts
  unsigned factor;
  GsGain volume;
  GsOversampler os;
  GsShaper shaper;
  GsAdaaEq eq;
  float buf[CHUNK];
  float os_buf[CHUNK * 8];
};

GsHpAmpConfig gs_hpamp_config_default(void)
{
  return (GsHpAmpConfig){
    .rate_hz = 48000.0,
    .volume_db = 0.0,
    .max_output_vrms = 3.5,
    .output_ohm = 10.0,
    .load_ohm = 32.0,
    .clip = GS_HPAMP_CLIP_SOFT,
    .oversample = 0,
  };
}

static bool within(double x, double lo, double hi)
{
  return x >= lo && x <= hi;  // false for NaN
}

static GsStatus check_load(double load_ohm, GsError *err)
{
  if (load_ohm != 0.0 && !within(load_ohm, 8.0, 1000.0)) {
    return gs_fail(err, GS_ERR_RANGE,
                "headphone amp load %g ohm is out of range (8 to 1000 ohm, or 0 for none)",
                load_ohm);
  }
  return GS_OK;
}

static GsStatus validate(const GsHpAmpConfig *c, GsError *err)
{
  if (!within(c->rate_hz, 44100.0, 192000.0)) {
    return gs_fail(err, GS_ERR_RANGE,
                "headphone amp sample rate %g Hz is out of range (44100 to 192000 Hz)",
                c->rate_hz);
  }
  if (!within(c->volume_db, GS_HPAMP_VOLUME_MIN_DB, GS_HPAMP_VOLUME_MAX_DB)) {
    return gs_fail(err, GS_ERR_RANGE, "headphone volume %g dB is out of range (%g to +%g dB)",
                c->volume_db, GS_HPAMP_VOLUME_MIN_DB, GS_HPAMP_VOLUME_MAX_DB);
  }
  if (!within(c->max_output_vrms, 0.1, 20.0)) {
    return gs_fail(err, GS_ERR_RANGE,
                "headphone amp maximum output %g V RMS is out of range (0.1 to 20 V RMS)",
                c->max_output_vrms);
  }
  if (!within(c->output_ohm, 0.0, 120.0)) {
    return gs_fail(err, GS_ERR_RANGE,
                "headphone amp output impedance %g ohm is out of range (0 to 120 ohm)",
                c->output_ohm);
  }
  GsStatus st = check_load(c->load_ohm, err);
  if (st) {
    return st;
  }
  if (c->clip != GS_HPAMP_CLIP_SOFT && c->clip != GS_HPAMP_CLIP_HARD) {
    return gs_fail(err, GS_ERR_RANGE, "headphone amp clip %d is not valid (soft or hard)",
                (int)c->clip);
  }
  const unsigned os = c->oversample;
  if (os != 0 && os != 1 && os != 2 && os != 4 && os != 8) {
    return gs_fail(err, GS_ERR_RANGE,
                "headphone amp oversampling %u is not valid (auto, 1, 2, 4 or 8)", os);
  }
  return GS_OK;
}

static void set_scales(GsHpAmp *a)
{
  a->in_scale = (float)(1.0 / a->rail_volts);
  a->out_scale = (float)(a->rail_volts * gs_hpamp_divider(a));
}

GsStatus gs_hpamp_new(const GsHpAmpConfig *c, GsHpAmp **out, GsError *err)
{
  *out = NULL;
  GsStatus st = validate(c, err);
  if (st) {
    return st;
  }
  GsHpAmp *a = calloc(1, sizeof(*a));
  if (!a) {
    return gs_fail(err, GS_ERR_NOMEM, "out of memory creating a headphone amp");
  }
  a->rate_hz = c->rate_hz;
  a->rail_volts = c->max_output_vrms * sqrt(2.0);
  a->output_ohm = c->output_ohm;
  a->load_ohm = c->load_ohm;
  set_scales(a);
  a->factor = c->oversample      ? c->oversample
              : c->rate_hz <= 48000.0 ? 4
              : c->rate_hz <= 96000.0 ? 2
                                      : 1;
  const bool adaa = a->factor > 1;
  gs_gain_init(&a->volume, c->rate_hz, VOLUME_GLIDE_S, (float)c->volume_db);
  gs_oversampler_init(&a->os, a->factor, c->rate_hz);  // validated above
  if (c->clip == GS_HPAMP_CLIP_SOFT) {
    gs_shaper_init(&a->shaper, GS_SHAPE_RAIL, adaa);
    gs_shaper_set_rail(&a->shaper, SOFT_CUBIC);
  } else {
    gs_shaper_init(&a->shaper, GS_SHAPE_HARD, adaa);
  }
  if (adaa) {
    gs_adaa_eq_init(&a->eq, a->factor, c->rate_hz, 1, 0);
  }
  *out = a;
  return GS_OK;
}

void gs_hpamp_free(GsHpAmp *amp)
{
  free(amp);
}

GsStatus gs_hpamp_set_load_ohm(GsHpAmp *a, double load_ohm, GsError *err)
{
  GsStatus st = check_load(load_ohm, err);
  if (st) {
    return st;
  }
  a->load_ohm = load_ohm;
  set_scales(a);
  return GS_OK;
}

void gs_hpamp_set_volume_db(GsHpAmp *a, double volume_db)
{
  if (volume_db != volume_db) {
    return;
  }
  const double v = volume_db < GS_HPAMP_VOLUME_MIN_DB   ? GS_HPAMP_VOLUME_MIN_DB
                   : volume_db > GS_HPAMP_VOLUME_MAX_DB ? GS_HPAMP_VOLUME_MAX_DB
                                                        : volume_db;
  gs_gain_set_db(&a->volume, (float)v);
}

void gs_hpamp_reset(GsHpAmp *a)
{
  gs_oversampler_reset(&a->os);
  gs_shaper_reset(&a->shaper);
  gs_adaa_eq_reset(&a->eq);
  gs_gain_settle(&a->volume);
}

void gs_hpamp_process(GsHpAmp *a, const float *in, float *out, uint32_t n)
{
  float *const buf = a->buf;
  for (uint32_t done = 0; done < n;) {
    const uint32_t m = n - done < CHUNK ? n - done : CHUNK;
    const float in_scale = a->in_scale;
    for (uint32_t i = 0; i < m; ++i) {
      const float v = in[done + i];
      buf[i] = v == v ? v * in_scale : 0.0f;  // a NaN plays as silence
    }
    gs_gain_process(&a->volume, buf, buf, m);
    if (a->factor > 1) {
      gs_oversampler_up(&a->os, buf, a->os_buf, m);
      gs_shaper_process(&a->shaper, a->os_buf, a->os_buf, m * a->factor);
      gs_adaa_eq_process(&a->eq, a->os_buf, a->os_buf, m * a->factor);
      gs_oversampler_down(&a->os, a->os_buf, buf, m);
    } else {
      gs_shaper_process(&a->shaper, buf, buf, m);
    }
    const float out_scale = a->out_scale;
    float *const dst = out + done;
    float probe = 0.0f;  // NaN if any output is NaN or infinite
    for (uint32_t i = 0; i < m; ++i) {
      dst[i] = buf[i] * out_scale;
      probe += dst[i] * 0.0f;
    }
    if (probe != probe) {
      for (uint32_t i = 0; i < m; ++i) {
        dst[i] = isfinite(dst[i]) ? dst[i] : 0.0f;
      }
      gs_hpamp_reset(a);
    }
    done += m;
  }
}

double gs_hpamp_divider(const GsHpAmp *a)
{
  return a->load_ohm > 0.0 ? a->load_ohm / (a->load_ohm + a->output_ohm) : 1.0;
}

double gs_hpamp_max_loaded_vrms(const GsHpAmp *a)
{
  return a->rail_volts / sqrt(2.0) * gs_hpamp_divider(a);
}

double gs_hpamp_latency(const GsHpAmp *a)
{
  if (a->factor == 1) {
    return 0.0;
  }
  // The ADAA shaper's half sample and the equaliser's one, at the high rate.
  return gs_oversampler_latency(&a->os) + (gs_shaper_latency(&a->shaper) + 1.0) / a->factor;
}

unsigned gs_hpamp_oversample(const GsHpAmp *a)
{
  return a->factor;
}
