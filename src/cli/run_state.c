// SPDX-License-Identifier: ISC
// What changes when a running interface takes a new session.

#include "cli/run_state.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define OFF_DB (-120.0)

// Appends to out, with "; " (or sep) between items.
static void add(char *out, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void add(char *out, size_t size, const char *fmt, ...)
{
  const size_t len = strlen(out);
  if (len + 1 >= size) {
    return;
  }
  va_list args;
  va_start(args, fmt);
  vsnprintf(out + len, size - len, fmt, args);
  va_end(args);
}

bool gs_run_phantom_diff(const GsSession *cur, const GsSession *next, char *out, size_t size)
{
  out[0] = '\0';
  unsigned n = 0;
  for (unsigned i = 0; i < next->engine.n_strips; ++i) {
    const bool was = cur && i < cur->engine.n_strips && cur->engine.strips[i].phantom;
    if (next->engine.strips[i].phantom && !was) {
      add(out, size, "%sstrip %u (%s)", n++ ? ", " : "+48 V on: ", i + 1,
          next->engine.strips[i].name);
    }
  }
  return n > 0;
}

static bool same_str(const char *a, const char *b)
{
  return (!a && !b) || (a && b && !strcmp(a, b));
}

bool gs_run_fixed_diff(const GsSession *cur, const GsSession *next, char *out, size_t size)
{
  out[0] = '\0';
  const GsEngineConfig *a = &cur->engine, *b = &next->engine;
  if (a->n_strips != b->n_strips) {
    add(out, size, "strips: %u -> %u; ", a->n_strips, b->n_strips);
  }
  if (a->n_returns != b->n_returns) {
    add(out, size, "returns: %u -> %u; ", a->n_returns, b->n_returns);
  }
  if (a->n_mixes != b->n_mixes) {
    add(out, size, "mixes: %u -> %u; ", a->n_mixes, b->n_mixes);
  }
  if (cur->rate_hz != next->rate_hz || a->adc_ref_dbu != b->adc_ref_dbu ||
      a->phantom_group != b->phantom_group) {
    add(out, size, "converters (rate, adc_ref_dbu or phantom_group); ");
  }
  const unsigned n = a->n_strips < b->n_strips ? a->n_strips : b->n_strips;
  for (unsigned i = 0; i < n; ++i) {
    const GsStripConfig *x = &a->strips[i], *y = &b->strips[i];
    const GsPreampConfig *p = &x->preamp, *q = &y->preamp;
    char what[256] = "";
    if (!same_str(x->name, y->name)) {
      add(what, sizeof(what), " name %s -> %s", x->name, y->name);
    }
    if (x->type != y->type) {
      add(what, sizeof(what), " input %s -> %s", gs_input_type_name(x->type),
          gs_input_type_name(y->type));
    }
    if (!same_str(p->model, q->model)) {
      add(what, sizeof(what), " model %s -> %s", p->model, q->model);
    }
    if (p->bass_db != q->bass_db || p->mid_db != q->mid_db || p->treble_db != q->treble_db ||
        p->oversample != q->oversample || p->noise != q->noise) {
      add(what, sizeof(what), " tone, oversampling or noise");
    }
    if (x->link_next != y->link_next || x->clip_safe != y->clip_safe ||
        x->safety_db != y->safety_db) {
      add(what, sizeof(what), " link, clip_safe or safety track");
    }
    const GsSourceConfig *s = &cur->inputs[i].source, *t = &next->inputs[i].source;
    if (s->kind != t->kind || !same_str(s->mic, t->mic) || !same_str(s->pickup, t->pickup) ||
        s->fullscale_level != t->fullscale_level) {
      add(what, sizeof(what), " source");
    }
    if (what[0]) {
      add(out, size, "strip %u (%s):%s; ", i + 1, x->name, what);
    }
  }
  const size_t len = strlen(out);
  if (len >= 2) {
    out[len - 2] = '\0';  // the last "; "
  }
  return out[0] != '\0';
}

// Every send of a session as a dense matrix (mix-major), off where unset.
static GsSendConfig *send_matrix(const GsSession *s)
{
  const unsigned n_src = s->engine.n_strips + s->engine.n_returns;
  const size_t n = (size_t)s->engine.n_mixes * n_src;
  GsSendConfig *m = calloc(n + 1, sizeof(*m));
  if (!m) {
    return NULL;
  }
  for (size_t k = 0; k < n; ++k) {
    m[k] = (GsSendConfig){.level_db = OFF_DB};
  }
  for (size_t k = 0; k < s->n_sends; ++k) {
    m[(size_t)s->sends[k].mix * n_src + s->sends[k].source] = s->sends[k].send;
  }
  return m;
}

typedef struct {
  GsEngine *engine;
  unsigned n;
  GsError *err;
} Poster;

static GsStatus change(Poster *p, bool differs, GsParam param, unsigned index, unsigned sub,
                       double value)
{
  if (!differs) {
    return GS_OK;
  }
  ++p->n;
  return gs_engine_post(p->engine, param, index, sub, value, p->err);
}

GsStatus gs_run_apply(const GsSession *cur, const GsSession *next, GsEngine *engine,
                      unsigned *n_changes, GsError *err)
{
  Poster p = {engine, 0, err};
  GsStatus st = GS_OK;
  const GsEngineConfig *a = &cur->engine, *b = &next->engine;
  for (unsigned i = 0; i < b->n_strips && !st; ++i) {
    const GsStripConfig *x = &a->strips[i], *y = &b->strips[i];
    if ((st = change(&p, x->preamp.gain_db != y->preamp.gain_db, GS_PARAM_STRIP_GAIN_DB, i, 0,
                     y->preamp.gain_db)) ||
        (st = change(&p, x->mute != y->mute, GS_PARAM_STRIP_MUTE, i, 0, y->mute)) ||
        (st = change(&p, x->phantom != y->phantom, GS_PARAM_STRIP_PHANTOM, i, 0, y->phantom)) ||
        (st = change(&p, x->preamp.pad != y->preamp.pad, GS_PARAM_STRIP_PAD, i, 0,
                     y->preamp.pad)) ||
        (st = change(&p, x->preamp.hpf_hz != y->preamp.hpf_hz, GS_PARAM_STRIP_HPF_HZ, i, 0,
                     y->preamp.hpf_hz)) ||
        (st = change(&p, x->preamp.invert != y->preamp.invert, GS_PARAM_STRIP_POLARITY, i, 0,
                     y->preamp.invert))) {
      break;
    }
  }
  for (unsigned m = 0; m < b->n_mixes && !st; ++m) {
    const GsMixConfig *x = &a->mixes[m], *y = &b->mixes[m];
    const double dim_x = x->dim ? x->dim_db : 0.0, dim_y = y->dim ? y->dim_db : 0.0;
    if ((st = change(&p, x->volume_db != y->volume_db, GS_PARAM_MIX_VOLUME_DB, m, 0,
                     y->volume_db)) ||
        (st = change(&p, x->mute != y->mute, GS_PARAM_MIX_MUTE, m, 0, y->mute)) ||
        (st = change(&p, x->mono != y->mono, GS_PARAM_MIX_MONO, m, 0, y->mono)) ||
        (st = change(&p, dim_x != dim_y, GS_PARAM_MIX_DIM, m, 0, y->dim))) {
      break;
    }
  }
  GsSendConfig *sa = st ? NULL : send_matrix(cur), *sb = st ? NULL : send_matrix(next);
  if (!st && (!sa || !sb)) {
    snprintf(err->message, sizeof(err->message), "out of memory comparing the sends");
    st = GS_ERR_NOMEM;
  }
  const unsigned n_src = b->n_strips + b->n_returns;
  for (unsigned m = 0; m < b->n_mixes && !st; ++m) {
    for (unsigned k = 0; k < n_src && !st; ++k) {
      const GsSendConfig *x = &sa[(size_t)m * n_src + k], *y = &sb[(size_t)m * n_src + k];
      if ((st = change(&p, x->level_db != y->level_db, GS_PARAM_SEND_LEVEL_DB, m, k,
                       y->level_db)) ||
          (st = change(&p, x->pan != y->pan, GS_PARAM_SEND_PAN, m, k, y->pan)) ||
          (st = change(&p, x->mute != y->mute, GS_PARAM_SEND_MUTE, m, k, y->mute)) ||
          (st = change(&p, x->solo != y->solo, GS_PARAM_SEND_SOLO, m, k, y->solo))) {
        break;
      }
    }
  }
  free(sa);
  free(sb);
  *n_changes = p.n;
  return st;
}
