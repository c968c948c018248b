// SPDX-License-Identifier: ISC
// The ADC (volts to samples: reference level, anti-aliased clip, noise floor,
// word length, clip report) and the DAC (samples to volts).

#include "gainstage/converter.h"

#include "error.h"

#include "dsp/clipper.h"
#include "dsp/noise.h"
#include "dsp/quantise.h"
#include "dsp/weighting.h"
#include "gainstage/units.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#define CHUNK GS_CLIPPER_CHUNK
// An input this far beyond full scale (+80 dB) is taken as this far: it
// keeps infinities out of the filters and clips all the same.
#define INPUT_LIMIT 1e4f

// Noise band of the A-weighted noise figure (AES17 measures 22 Hz-22 kHz).
#define NOISE_LO_HZ 22.0
#define NOISE_HI_HZ 22000.0

static const double rates_hz[] = {44100.0, 48000.0, 88200.0, 96000.0, 176400.0, 192000.0};

// Written by the main thread at creation, then owned by the thread that
// processes (the clip report too: gs_adc_take_clips runs on that thread).
struct GsAdc {
  double rate_hz;
  double fullscale_volts;
  float to_fs;           // 1 / fullscale_volts
  double filter_latency;
  bool noise;
  float noise_rms;       // white noise RMS in full-scale units
  uint64_t frame;        // input frames taken so far
  GsClipReport clips;
  GsClipper clipper;
  GsWhite white;
  GsQuantiser quant;
  float buf[CHUNK];
};

struct GsDac {
  double rate_hz;
  double fullscale_volts;
  double filter_latency;
  bool noise;
  float noise_rms;
  uint64_t frame;
  GsClipReport clips;
  GsWhite white;
};

static bool within(double x, double lo, double hi)
{
  return x >= lo && x <= hi;  // false for NaN
}

// Validates what the ADC and the DAC share; what names them in messages.
static GsStatus validate_common(const char *what, double ref_dbu, double rate_hz,
                                double noise_dbfs_a, double filter_latency, GsError *err)
{
  if (!within(ref_dbu, 4.0, 24.0)) {
    return gs_fail(err, GS_ERR_RANGE, "%s reference %g dBu is out of range (+4 to +24 dBu)", what,
                ref_dbu);
  }
  bool rate_ok = false;
  for (size_t i = 0; i < sizeof(rates_hz) / sizeof(rates_hz[0]); ++i) {
    rate_ok |= rate_hz == rates_hz[i];
  }
  if (!rate_ok) {
    return gs_fail(err, GS_ERR_RANGE,
                "%s sample rate %g Hz is not supported (44100, 48000, 88200, 96000, 176400 or "
                "192000 Hz)",
                what, rate_hz);
  }
  if (!within(noise_dbfs_a, -150.0, -80.0)) {
    return gs_fail(err, GS_ERR_RANGE,
                "%s noise floor %g dBFS(A) is out of range (-150 to -80 dBFS(A))", what,
                noise_dbfs_a);
  }
  if (!(filter_latency < 0.0) && !within(filter_latency, 0.0, 100.0)) {
    return gs_fail(err, GS_ERR_RANGE,
                "%s filter latency %g samples is out of range (0 to 100, or negative for the "
                "documented figure)",
                what, filter_latency);
  }
  return GS_OK;
}

// The RMS of white noise, in full-scale units, whose A-weighted level over
// 22 Hz-22 kHz is noise_dbfs_a. White noise of variance s^2 at rate fs has
// a one-sided density of s^2 / (fs / 2) per Hz, so its A-weighted power is
// s^2 (2 / fs) W, W = the integral of |A(f)|^2 over the band. 0 dBFS is the
// RMS of a full-scale sine, 1 / sqrt(2) (AES17).
static float noise_rms(double noise_dbfs_a, double rate_hz)
{
  const double target = pow(10.0, noise_dbfs_a / 20.0) / sqrt(2.0);
  const double w = gs_a_weighting_power(NOISE_LO_HZ, NOISE_HI_HZ);
  return (float)(target * sqrt(rate_hz / (2.0 * w)));
}

static void clips_add(GsClipReport *r, uint64_t frame) GS_REALTIME
{
  if (r->count++ == 0) {
    r->first_frame = frame;
  }
  r->last_frame = frame;
}

static void clips_take(GsClipReport *r, double rate_hz, GsClipReport *out) GS_REALTIME
{
  *out = *r;
  out->first_s = out->count ? (double)out->first_frame / rate_hz : 0.0;
  out->last_s = out->count ? (double)out->last_frame / rate_hz : 0.0;
  *r = (GsClipReport){0};
}

// ---------------------------------------------------------------------------
// ADC

GsAdcConfig gs_adc_config_default(void)
{
  return (GsAdcConfig){
    .ref_dbu = GS_CONVERTER_REF_DBU,
    .rate_hz = 48000.0,
    .bits = 24,
    .dither = true,
    .noise = false,
    .noise_dbfs_a = GS_ADC_NOISE_DBFS_A,
    .filter_latency = -1.0,
    .seed = 1,
  };
}

double gs_adc_default_filter_latency(double rate_hz)
{
  (void)rate_hz;
  return 5.0;
}

GsStatus gs_adc_new(const GsAdcConfig *c, GsAdc **out, GsError *err)
{
  *out = NULL;
  GsStatus st =
    validate_common("ADC", c->ref_dbu, c->rate_hz, c->noise_dbfs_a, c->filter_latency, err);
  if (st) {
    return st;
  }
  if (c->bits != 16 && c->bits != 24 && c->bits != 32) {
    return gs_fail(err, GS_ERR_RANGE, "ADC bit depth %u is not supported (16, 24 or 32 float)",
                c->bits);
  }
  GsAdc *a = calloc(1, sizeof(*a));
  if (!a) {
    return gs_fail(err, GS_ERR_NOMEM, "out of memory creating an ADC");
  }
  a->rate_hz = c->rate_hz;
  a->fullscale_volts = gs_fullscale_volts(c->ref_dbu);
  a->to_fs = (float)(1.0 / a->fullscale_volts);
  a->filter_latency =
    c->filter_latency < 0.0 ? gs_adc_default_filter_latency(c->rate_hz) : c->filter_latency;
  a->noise = c->noise;
  a->noise_rms = noise_rms(c->noise_dbfs_a, c->rate_hz);
  gs_clipper_init(&a->clipper, c->rate_hz);  // the rate was validated above
  gs_white_init(&a->white, c->seed);
  // The dither gets a seed of its own, so switching the noise floor on does
  // not change the dither sequence.
  gs_quantiser_init(&a->quant, c->bits == 32 ? 0 : c->bits,
                    c->dither ? GS_DITHER_TPDF : GS_DITHER_NONE, c->seed ^ 0x9e3779b97f4a7c15u);
  *out = a;
  return GS_OK;
}

void gs_adc_free(GsAdc *adc)
{
  free(adc);
}

void gs_adc_reset(GsAdc *a)
{
  gs_clipper_reset(&a->clipper);
  a->frame = 0;
  a->clips = (GsClipReport){0};
}

uint32_t gs_adc_process(GsAdc *a, const float *in, float *out, uint32_t n)
{
  uint32_t clipped = 0;
  const uint64_t delay = a->clipper.delay;
  for (uint32_t done = 0; done < n;) {
    const uint32_t m = n - done < CHUNK ? n - done : CHUNK;
    const float to_fs = a->to_fs;
    float *const buf = a->buf;
    for (uint32_t i = 0; i < m; ++i) {
      float v = in[done + i] * to_fs;
      v = v != v ? 0.0f : (v > INPUT_LIMIT ? INPUT_LIMIT : (v < -INPUT_LIMIT ? -INPUT_LIMIT : v));
      if (fabsf(v) > 1.0f) {
        // It comes out delay samples later.
        clips_add(&a->clips, a->frame + i + delay);
        ++clipped;
      }
      buf[i] = v;
    }
    a->frame += m;
    gs_clipper_process(&a->clipper, buf, buf, m);
    if (a->noise) {
      gs_white_add(&a->white, a->noise_rms, buf, m);
    }
    gs_quantiser_process(&a->quant, buf, out + done, m);
    done += m;
  }
  return clipped;
}

void gs_adc_take_clips(GsAdc *a, GsClipReport *report)
{
  clips_take(&a->clips, a->rate_hz, report);
}

uint32_t gs_adc_latency(const GsAdc *a)
{
  return gs_clipper_latency(&a->clipper);
}

double gs_adc_filter_latency(const GsAdc *a)
{
  return a->filter_latency;
}

double gs_adc_fullscale_volts(const GsAdc *a)
{
  return a->fullscale_volts;
}

unsigned gs_adc_oversample(const GsAdc *a)
{
  return a->clipper.factor;
}

// ---------------------------------------------------------------------------
// DAC

GsDacConfig gs_dac_config_default(void)
{
  return (GsDacConfig){
    .ref_dbu = GS_CONVERTER_REF_DBU,
    .rate_hz = 48000.0,
    .noise = false,
    .noise_dbfs_a = GS_DAC_NOISE_DBFS_A,
    .filter_latency = -1.0,
    .seed = 1,
  };
}

double gs_dac_default_filter_latency(double rate_hz)
{
  return rate_hz <= 48000.0 ? 6.25 : 5.63;
}

GsStatus gs_dac_new(const GsDacConfig *c, GsDac **out, GsError *err)
{
  *out = NULL;
  GsStatus st =
    validate_common("DAC", c->ref_dbu, c->rate_hz, c->noise_dbfs_a, c->filter_latency, err);
  if (st) {
    return st;
  }
  GsDac *d = calloc(1, sizeof(*d));
  if (!d) {
    return gs_fail(err, GS_ERR_NOMEM, "out of memory creating a DAC");
  }
  d->rate_hz = c->rate_hz;
  d->fullscale_volts = gs_fullscale_volts(c->ref_dbu);
  d->filter_latency =
    c->filter_latency < 0.0 ? gs_dac_default_filter_latency(c->rate_hz) : c->filter_latency;
  d->noise = c->noise;
  d->noise_rms = noise_rms(c->noise_dbfs_a, c->rate_hz);
  gs_white_init(&d->white, c->seed);
  *out = d;
  return GS_OK;
}

void gs_dac_free(GsDac *dac)
{
  free(dac);
}

void gs_dac_reset(GsDac *d)
{
  d->frame = 0;
  d->clips = (GsClipReport){0};
}

uint32_t gs_dac_process(GsDac *d, const float *in, float *out, uint32_t n)
{
  uint32_t clipped = 0;
  for (uint32_t i = 0; i < n; ++i) {
    float v = in[i];
    if (v != v) {
      v = 0.0f;
    } else if (fabsf(v) > 1.0f) {
      clips_add(&d->clips, d->frame + i);
      ++clipped;
      v = v > 0.0f ? 1.0f : -1.0f;
    }
    out[i] = v;
  }
  d->frame += n;
  if (d->noise) {
    gs_white_add(&d->white, d->noise_rms, out, n);
  }
  const float scale = (float)d->fullscale_volts;
  for (uint32_t i = 0; i < n; ++i) {
    out[i] *= scale;
  }
  return clipped;
}

void gs_dac_take_clips(GsDac *d, GsClipReport *report)
{
  clips_take(&d->clips, d->rate_hz, report);
}

uint32_t gs_dac_latency(const GsDac *d)
{
  (void)d;
  return 0;
}

double gs_dac_filter_latency(const GsDac *d)
{
  return d->filter_latency;
}

double gs_dac_fullscale_volts(const GsDac *d)
{
  return d->fullscale_volts;
}
