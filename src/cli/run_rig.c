// SPDX-License-Identifier: ISC
// What `gainstage run` plays in real time, and the audio thread's callback.

#include "cli/run_rig.h"

#include "cli/session_sources.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

unsigned gs_rig_n_inputs(const GsRigConfig *c)
{
  const GsEngineConfig *ec = &c->session->engine;
  return (c->live ? ec->n_strips : 0u) + (c->returns ? ec->n_returns : 0u);
}

unsigned gs_rig_n_outputs(const GsRigConfig *c)
{
  const GsEngineConfig *ec = &c->session->engine;
  return 2u * ec->n_mixes + (c->capture_ports ? ec->n_strips : 0u);
}

bool gs_rig_ports(const GsRigConfig *c, const GsLatency *lat, GsRigPorts *p, GsBackendConfig *bc)
{
  const GsEngineConfig *ec = &c->session->engine;
  const unsigned ni = bc->n_inputs, no = bc->n_outputs;
  p->names = calloc(2u * (ni + no) + 1, sizeof(char *));
  p->latency = calloc(ni + 2u * no + 1, sizeof(double));
  if (!p->names || !p->latency) {
    return false;
  }
  char **in_names = p->names, **in_pretty = p->names + ni;
  char **out_names = p->names + 2 * ni, **out_pretty = p->names + 2 * ni + no;
  char name[128], pretty[256];
  const unsigned strips = c->live ? ec->n_strips : 0u;
  for (unsigned i = 0; i < ni; ++i) {
    if (i < strips) {
      snprintf(name, sizeof(name), "in_%u", i + 1);
      snprintf(pretty, sizeof(pretty), "in %u (%s)", i + 1, ec->strips[i].name);
      p->latency[i] = lat->input;
    } else {
      snprintf(name, sizeof(name), "return_%u", i - strips + 1);
      snprintf(pretty, sizeof(pretty), "return %u", i - strips + 1);
      p->latency[i] = 0.0;  // a return reaches the mixes at once
    }
    if (!(in_names[i] = strdup(name)) || !(in_pretty[i] = strdup(pretty))) {
      return false;
    }
  }
  for (unsigned o = 0; o < no; ++o) {
    double max = lat->input, min = lat->input;
    if (o < 2u * ec->n_mixes) {
      char mix[100];
      gs_cli_safe_name(ec->mixes[o / 2].name, mix, sizeof(mix));
      snprintf(name, sizeof(name), "%s_%c", mix, o % 2 ? 'R' : 'L');
      snprintf(pretty, sizeof(pretty), "%s %c", ec->mixes[o / 2].name, o % 2 ? 'R' : 'L');
      min = ec->n_returns ? 0.0 : lat->input;
      max = ec->n_strips ? lat->input : 0.0;
    } else {
      const unsigned s = o - 2u * ec->n_mixes;
      snprintf(name, sizeof(name), "capture_%u", s + 1);
      snprintf(pretty, sizeof(pretty), "%s", ec->strips[s].name);
    }
    p->latency[ni + o] = max;
    p->latency[ni + no + o] = min;
    if (!(out_names[o] = strdup(name)) || !(out_pretty[o] = strdup(pretty))) {
      return false;
    }
  }
  bc->input_names = (const char *const *)in_names;
  bc->input_pretty = (const char *const *)in_pretty;
  bc->output_names = (const char *const *)out_names;
  bc->output_pretty = (const char *const *)out_pretty;
  bc->input_latency = p->latency;
  bc->output_latency = p->latency + ni;
  bc->output_latency_min = p->latency + ni + no;
  return true;
}

void gs_rig_ports_free(GsRigPorts *p)
{
  for (size_t i = 0; p->names && p->names[i]; ++i) {
    free(p->names[i]);
  }
  free(p->names);
  free(p->latency);
  *p = (GsRigPorts){0};
}

void gs_rig_core_free(GsRigCore *core)
{
  if (!core) {
    return;
  }
  gs_run_record_free(core->record);
  for (unsigned i = 0; core->sources && core->sources[i]; ++i) {
    gs_source_free(core->sources[i]);
  }
  for (unsigned i = 0; core->volts && core->volts[i]; ++i) {
    free(core->volts[i]);
  }
  for (unsigned i = 0; core->scratch && core->scratch[i]; ++i) {
    free(core->scratch[i]);
  }
  free(core->sources);
  free(core->volts);
  free(core->scratch);
  free(core->engine_in);
  free(core->cap);
  free(core->mix);
  free(core->silence);
  free(core->phantom);
  gs_engine_free(core->engine);
  free(core);
}

GsStatus gs_rig_core_new(GsRig *rig, double rate_hz, GsRigCore **out, GsError *err)
{
  *out = NULL;
  const GsRigConfig *c = &rig->config;
  const GsSession *s = c->session;
  const unsigned n_strips = s->engine.n_strips, n_src = n_strips + s->engine.n_returns;
  const unsigned n_scratch = n_strips + 2u * s->engine.n_mixes;
  const uint32_t block = c->max_block;
  GsRigCore *core = calloc(1, sizeof(*core));
  if (!core || !(core->sources = calloc(n_strips + 1, sizeof(GsSource *))) ||
      !(core->volts = calloc(n_strips + 1, sizeof(float *))) ||
      !(core->scratch = calloc(n_scratch + 1, sizeof(float *))) ||
      !(core->engine_in = calloc(n_src + 1, sizeof(float *))) ||
      !(core->cap = calloc(n_strips + 1, sizeof(float *))) ||
      !(core->mix = calloc(2u * s->engine.n_mixes + 1, sizeof(float *))) ||
      !(core->silence = calloc(block, sizeof(float))) ||
      !(core->phantom = calloc(n_strips + 1, sizeof(atomic_bool)))) {
    gs_rig_core_free(core);
    snprintf(err->message, sizeof(err->message), "out of memory building the interface");
    return GS_ERR_NOMEM;
  }
  core->rate_hz = rate_hz;
  core->n_strips = n_strips;
  core->n_returns = s->engine.n_returns;
  core->n_mixes = s->engine.n_mixes;
  for (unsigned i = 0; i < n_strips; ++i) {
    if (!(core->volts[i] = calloc(block, sizeof(float)))) {
      gs_rig_core_free(core);
      snprintf(err->message, sizeof(err->message), "out of memory building the interface");
      return GS_ERR_NOMEM;
    }
    core->engine_in[i] = core->volts[i];
  }
  for (unsigned i = 0; i < n_scratch; ++i) {
    if (!(core->scratch[i] = calloc(block, sizeof(float)))) {
      gs_rig_core_free(core);
      snprintf(err->message, sizeof(err->message), "out of memory building the interface");
      return GS_ERR_NOMEM;
    }
  }
  for (unsigned i = 0; i < n_strips; ++i) {
    char note[320];
    double length_s;
    GsStatus st = gs_cli_session_source(s, i, rate_hz, c->live, &rig->band, &core->sources[i],
                                        note, sizeof(note), &length_s, err);
    if (st) {
      gs_rig_core_free(core);
      return st;
    }
    atomic_init(&core->phantom[i], s->engine.strips[i].phantom);
  }
  GsEngineConfig ec = s->engine;
  ec.rate_hz = rate_hz;
  ec.max_block = block;
  GsStatus st = gs_engine_new(&ec, &core->engine, err);
  if (!st && c->record_folder) {
    st = gs_run_record_new(s, core->engine, rate_hz, block, c->record_folder, c->preroll_s,
                           &core->record, err);
  }
  if (st) {
    gs_rig_core_free(core);
    return st;
  }
  *out = core;
  return GS_OK;
}

void gs_rig_process(void *user, const float *const *in, float *const *out, uint32_t n,
                    uint64_t frame)
{
  GsRig *rig = user;
  GsRigCore *next = atomic_exchange_explicit(&rig->next, NULL, memory_order_acquire);
  if (next) {
    atomic_store_explicit(&rig->retired, rig->current, memory_order_release);
    rig->current = next;
  }
  GsRigCore *core = rig->current;
  const GsRigConfig *c = &rig->config;
  const unsigned n_strips = core->n_strips, n_returns = core->n_returns, n_mixes = core->n_mixes;
  for (unsigned i = 0; i < n_strips; ++i) {
    const bool phantom = atomic_load_explicit(&core->phantom[i], memory_order_relaxed);
    if (phantom != gs_source_phantom(core->sources[i])) {
      gs_source_set_phantom(core->sources[i], phantom);
    }
    if (c->live) {
      gs_source_process_input(core->sources[i], in[i], core->volts[i], n);
    } else {
      gs_source_process(core->sources[i], core->volts[i], n);
    }
  }
  const unsigned first_return = c->live ? n_strips : 0u;
  for (unsigned r = 0; r < n_returns; ++r) {
    core->engine_in[n_strips + r] = c->returns ? in[first_return + r] : core->silence;
  }
  // Outputs: the mixes' left and right first, then each strip's capture.
  for (unsigned m = 0; m < 2u * n_mixes; ++m) {
    core->mix[m] = out[m];
  }
  for (unsigned i = 0; i < n_strips; ++i) {
    core->cap[i] = c->capture_ports ? out[2u * n_mixes + i] : core->scratch[i];
  }
  gs_engine_process(core->engine, core->engine_in, core->cap, core->mix, n);
  if (core->record) {
    // Cycles missed (the server ran without us) become silence, up to a
    // second's worth, so the take keeps time with the server's clock.
    if (rig->frames_known && frame > rig->next_frame) {
      const uint64_t gap = frame - rig->next_frame;
      const uint64_t limit = (uint64_t)core->rate_hz;
      gs_run_record_push_silence(core->record, (uint32_t)(gap < limit ? gap : limit));
    }
    const uint64_t xruns = rig->backend ? gs_backend_xruns(rig->backend) : 0u;
    if (xruns != rig->xruns_seen) {
      rig->xruns_seen = xruns;
      gs_run_record_note_xrun(core->record, frame);
    }
    gs_run_record_push(core->record, core->engine, core->cap, core->mix, n);
  }
  rig->frames_known = true;
  rig->next_frame = frame + n;
}

void gs_rig_collect(GsRig *rig)
{
  GsRigCore *old = atomic_exchange_explicit(&rig->retired, NULL, memory_order_acquire);
  gs_rig_core_free(old);
}

void gs_rig_swap(GsRig *rig, GsRigCore *core, double wait_s)
{
  GsRigCore *unused = atomic_exchange_explicit(&rig->next, core, memory_order_release);
  gs_rig_core_free(unused);  // one handed over before that the audio thread never took
  rig->latest = core;
  const struct timespec tick = {0, 5000000};
  for (double waited = 0.0; waited < wait_s; waited += 0.005) {
    if (!atomic_load(&rig->next)) {
      break;
    }
    nanosleep(&tick, NULL);
  }
  gs_rig_collect(rig);
}
