// SPDX-License-Identifier: ISC
// A preamp model's strip as a device under test, in volts (dBu in and out).

#include "cli/measure_dut.h"

#include "gainstage/units.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

typedef struct {
  GsPreampConfig config;
  GsPreamp *pre;
} Model;

static void process(GsDut *dut, const float *in, float *out, size_t n)
{
  Model *m = dut->self;
  for (size_t done = 0; done < n;) {
    const uint32_t block = n - done > 65536 ? 65536u : (uint32_t)(n - done);
    gs_preamp_process(m->pre, in + done, out + done, block);
    done += block;
  }
}

static GsStatus reset(GsDut *dut)
{
  gs_preamp_reset(((Model *)dut->self)->pre);
  return GS_OK;
}

static void describe(GsDut *dut)
{
  const Model *m = dut->self;
  const GsPreampConfig *c = &m->config;
  int len = snprintf(dut->name, sizeof(dut->name), "%s model, gain %g dB", c->model, c->gain_db);
  const struct {
    bool on;
    const char *fmt;
    double v;
  } extra[] = {
    {c->pad, ", pad", 0},          {c->hpf_hz > 0, ", HPF %g Hz", c->hpf_hz},
    {c->invert, ", inverted", 0},  {c->bass_db != 0, ", bass %+g dB", c->bass_db},
    {c->mid_db != 0, ", mid %+g dB", c->mid_db},
    {c->treble_db != 0, ", treble %+g dB", c->treble_db},
  };
  for (size_t i = 0; i < sizeof(extra) / sizeof(extra[0]); ++i) {
    if (extra[i].on && len > 0 && (size_t)len < sizeof(dut->name)) {
      len += snprintf(dut->name + len, sizeof(dut->name) - (size_t)len, extra[i].fmt, extra[i].v);
    }
  }
  if (len > 0 && (size_t)len < sizeof(dut->name)) {
    snprintf(dut->name + len, sizeof(dut->name) - (size_t)len, ", %ux", dut->oversample);
  }
}

static GsStatus build(GsDut *dut, bool noise, unsigned oversample, GsError *err)
{
  Model *m = dut->self;
  GsPreampConfig c = m->config;
  c.noise = noise;
  c.oversample = oversample;
  GsPreamp *pre = NULL;
  const GsStatus st = gs_preamp_new(&c, &pre, err);
  if (st) {
    return st;
  }
  gs_preamp_free(m->pre);
  m->pre = pre;
  m->config.oversample = oversample;
  dut->noise = noise;
  dut->oversample = gs_preamp_oversample(pre);
  dut->reported_latency = gs_preamp_latency(pre);
  describe(dut);
  return GS_OK;
}

static GsStatus rebuild(GsDut *dut, bool noise, unsigned oversample, GsError *err)
{
  return build(dut, noise, oversample ? oversample : ((Model *)dut->self)->config.oversample, err);
}

static void destroy(GsDut *dut)
{
  Model *m = dut->self;
  gs_preamp_free(m->pre);
  free(m);
  free(dut);
}

static const GsDutOps ops = {process, reset, rebuild, destroy};

GsStatus gs_dut_model_new(const GsPreampConfig *config, GsDut **out, GsError *err)
{
  GsDut *dut = calloc(1, sizeof(GsDut));
  Model *m = calloc(1, sizeof(Model));
  if (!dut || !m) {
    free(dut);
    free(m);
    snprintf(err->message, sizeof(err->message), "out of memory");
    return GS_ERR_NOMEM;
  }
  m->config = *config;
  m->config.noise = false;
  *dut = (GsDut){.ops = &ops, .self = m, .kind = "model", .rate_hz = config->rate_hz,
                 .in_unit = "dBu", .out_unit = "dBu", .ref_dbu = NAN,
                 .can_noise = true, .can_oversample = true};
  dut->in_peak = dut->out_peak = GS_DBU_REF_VOLTS * sqrt(2.0);
  // gs_preamp_new() says what is wrong: an unknown model (and the models), a
  // setting out of its range.
  const GsStatus st = build(dut, false, config->oversample, err);
  if (st) {
    destroy(dut);
    return st;
  }
  gs_dut_strip_levels(dut, config, INFINITY);
  *out = dut;
  return GS_OK;
}

void gs_dut_strip_levels(GsDut *dut, const GsPreampConfig *c, double ref_dbu)
{
  const GsPreampInfo *info = gs_preamp_model_find(c->model);
  // Input levels for the settings: the pad lifts them by 20 dB, the gain
  // lowers them; a converter's reference caps the output.
  const double shift = (c->pad ? -GS_PAD_DB : 0.0) - c->gain_db;
  const double out_top = fmin(info->rail_dbu, ref_dbu) - info->output_gain_db;
  dut->gain_db = c->gain_db;
  dut->saturation_level = fmin(info->drive_dbu, out_top) + shift;
  dut->nominal_level = fmin(info->thd[0].level_dbu, out_top - 14.0) + shift;
  dut->linear_level = fmin(-20.0 + shift, dut->saturation_level - 20.0);
  dut->max_level = out_top + shift + 6.0;
}
