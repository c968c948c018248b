// SPDX-License-Identifier: ISC
// A session's strip as a device under test: its input (volts, dBu) through
// pad, gain, model, high-pass and the converter, through the engine.

#include "cli/measure_dut.h"

#include "gainstage/session.h"
#include "gainstage/units.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

typedef struct {
  GsSession session;
  GsStripConfig strip;  // the strip alone: not linked, its own settings
  GsEngine *engine;
  uint32_t block;
  unsigned index;
} Strip;

static void process(GsDut *dut, const float *in, float *out, size_t n)
{
  Strip *s = dut->self;
  for (size_t done = 0; done < n;) {
    const uint32_t m = n - done > s->block ? s->block : (uint32_t)(n - done);
    const float *ins[1] = {in + done};
    float *caps[1] = {out + done};
    float *mixes[1] = {NULL};
    gs_engine_process(s->engine, ins, caps, mixes, m);
    done += m;
  }
}

static GsStatus build(GsDut *dut, bool noise, unsigned oversample, GsError *err)
{
  Strip *s = dut->self;
  GsEngineConfig c = s->session.engine;
  GsStripConfig strip = s->strip;
  strip.preamp.noise = noise;
  strip.preamp.oversample = oversample;
  c.adc_noise = noise;
  c.n_strips = 1;
  c.strips = &strip;
  c.n_returns = 0;
  c.n_mixes = 0;
  c.mixes = NULL;
  c.sends = NULL;
  c.n_sends = 0;
  c.phantom_group = 0;
  // The strip's preamp alone, for the factor its model chose.
  GsPreamp *pre = NULL;
  GsPreampConfig pc = strip.preamp;
  pc.noise = false;
  GsStatus st = gs_preamp_new(&pc, &pre, err);
  if (st) {
    return st;
  }
  const unsigned factor = gs_preamp_oversample(pre);
  gs_preamp_free(pre);
  GsEngine *e = NULL;
  if ((st = gs_engine_new(&c, &e, err))) {
    return st;
  }
  gs_engine_free(s->engine);
  s->engine = e;
  s->strip.preamp.oversample = oversample;
  dut->noise = noise;
  dut->reported_latency = gs_engine_latency(e).input;
  dut->oversample = factor;
  snprintf(dut->name, sizeof(dut->name), "strip %u (%s) of %s: %s, gain %g dB, %ux",
           s->index + 1, s->strip.name ? s->strip.name : "unnamed", s->session.path,
           s->strip.preamp.model, s->strip.preamp.gain_db, dut->oversample);
  return GS_OK;
}

static GsStatus reset(GsDut *dut)
{
  // An engine has no reset of its own: a fresh one starts afresh. The same
  // settings built before, so this fails only without memory.
  Strip *s = dut->self;
  GsError err = {{0}};
  return build(dut, dut->noise, s->strip.preamp.oversample, &err);
}

static GsStatus rebuild(GsDut *dut, bool noise, unsigned oversample, GsError *err)
{
  Strip *s = dut->self;
  return build(dut, noise, oversample ? oversample : s->strip.preamp.oversample, err);
}

static void destroy(GsDut *dut)
{
  Strip *s = dut->self;
  gs_engine_free(s->engine);
  gs_session_free(&s->session);
  free(s);
  free(dut);
}

static const GsDutOps ops = {process, reset, rebuild, destroy};

GsStatus gs_dut_session_new(const char *path, int strip, const char *strip_name, GsDut **out,
                            GsError *err)
{
  Strip *s = calloc(1, sizeof(Strip));
  GsDut *dut = calloc(1, sizeof(GsDut));
  if (!s || !dut) {
    free(s);
    free(dut);
    snprintf(err->message, sizeof(err->message), "out of memory");
    return GS_ERR_NOMEM;
  }
  *dut = (GsDut){.ops = &ops, .self = s, .kind = "strip", .in_unit = "dBu", .out_unit = "dBu",
                 .can_noise = true, .can_oversample = true};
  GsStatus st = gs_session_load(path, &s->session, err);
  if (st) {
    free(s);
    free(dut);
    return st;
  }
  const unsigned n = s->session.engine.n_strips;
  if (strip_name) {
    strip = gs_session_strip_index(&s->session, strip_name);
  }
  if (strip < 0 || (unsigned)strip >= n) {
    int len = strip_name ? snprintf(err->message, sizeof(err->message),
                                    "%s: no strip named '%s' (strips:", path, strip_name)
                         : snprintf(err->message, sizeof(err->message),
                                    "%s: no strip %d (1 to %u:", path, strip + 1, n);
    for (unsigned i = 0; i < n && len > 0 && (size_t)len < sizeof(err->message); ++i) {
      len += snprintf(err->message + len, sizeof(err->message) - (size_t)len, "%s %u %s",
                      i ? "," : "", i + 1, s->session.engine.strips[i].name
                                             ? s->session.engine.strips[i].name : "");
    }
    if (len > 0 && (size_t)len < sizeof(err->message)) {
      snprintf(err->message + len, sizeof(err->message) - (size_t)len, ")");
    }
    gs_session_free(&s->session);
    free(s);
    free(dut);
    return GS_ERR_UNKNOWN;
  }
  s->index = (unsigned)strip;
  s->strip = s->session.engine.strips[strip];
  s->strip.link_next = false;
  s->block = s->session.engine.max_block;
  dut->rate_hz = s->session.rate_hz;
  dut->ref_dbu = s->session.engine.adc_ref_dbu;
  dut->in_peak = GS_DBU_REF_VOLTS * sqrt(2.0);
  // A full-scale sine (sample peak 1.0) is at the reference level.
  dut->out_peak = pow(10.0, -dut->ref_dbu / 20.0);
  if ((st = build(dut, false, s->strip.preamp.oversample, err))) {
    destroy(dut);
    return st;
  }
  gs_dut_strip_levels(dut, &s->strip.preamp, dut->ref_dbu);
  *out = dut;
  return GS_OK;
}
