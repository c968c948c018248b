// SPDX-License-Identifier: ISC
// The backend interface: names, dispatch to the backend chosen, events.

#include "io/backend_impl.h"

#include "error.h"

#include <stdio.h>
#include <string.h>

static const char *const kind_names[] = {
  [GS_BACKEND_NULL] = "null",
  [GS_BACKEND_JACK] = "jack",
  [GS_BACKEND_ALSA] = "alsa",
};

const char *gs_backend_kind_name(GsBackendKind kind)
{
  return (unsigned)kind < sizeof kind_names / sizeof kind_names[0] ? kind_names[kind] : "?";
}

GsStatus gs_backend_kind_parse(const char *name, GsBackendKind *out, GsError *err)
{
  for (unsigned k = 0; k < sizeof kind_names / sizeof kind_names[0]; ++k) {
    if (name && !strcmp(name, kind_names[k])) {
      *out = (GsBackendKind)k;
      return GS_OK;
    }
  }
  return gs_fail(err, GS_ERR_UNKNOWN, "backend '%s' is not known (valid: jack, alsa, null)",
                 name ? name : "");
}

void gs_backend_base_init(GsBackend *b, const GsBackendOps *ops, GsBackendKind kind,
                          double rate_hz, uint32_t block)
{
  b->ops = ops;
  b->kind = kind;
  atomic_init(&b->rate_hz, rate_hz);
  atomic_init(&b->block, block);
  atomic_init(&b->xruns, 0);
  atomic_init(&b->lost_events, 0);
  atomic_init(&b->priority, 0);
  b->info[0] = '\0';
  atomic_init(&b->ev_head, 0);
  atomic_init(&b->ev_tail, 0);
}

void gs_backend_post(GsBackend *b, const GsBackendEvent *ev)
{
  const uint32_t head = atomic_load_explicit(&b->ev_head, memory_order_relaxed);
  const uint32_t tail = atomic_load_explicit(&b->ev_tail, memory_order_acquire);
  if (head - tail == GS_BACKEND_EVENTS) {
    atomic_fetch_add_explicit(&b->lost_events, 1, memory_order_relaxed);
    return;
  }
  b->events[head % GS_BACKEND_EVENTS] = *ev;
  atomic_store_explicit(&b->ev_head, head + 1, memory_order_release);
}

GsStatus gs_backend_open(const GsBackendConfig *config, GsBackend **out, GsError *err)
{
  *out = NULL;
  switch (config->kind) {
  case GS_BACKEND_NULL: return gs_null_open(config, out, err);
  case GS_BACKEND_JACK: return gs_jack_open(config, out, err);
  case GS_BACKEND_ALSA: return gs_alsa_open(config, out, err);
  }
  return gs_fail(err, GS_ERR_UNKNOWN, "backend %d is not known (valid: jack, alsa, null)",
                 (int)config->kind);
}

GsStatus gs_backend_start(GsBackend *b, GsError *err)
{
  return b->ops->start(b, err);
}

GsStatus gs_backend_connect(GsBackend *b, bool output, unsigned index, const char *pattern,
                            GsError *err)
{
  if (!b->ops->connect) {
    return gs_fail(err, GS_ERR_USAGE, "the %s backend has no ports to connect (only jack has)",
                   gs_backend_kind_name(b->kind));
  }
  return b->ops->connect(b, output, index, pattern, err);
}

void gs_backend_close(GsBackend *b)
{
  if (b) {
    b->ops->close(b);
  }
}

double gs_backend_rate(const GsBackend *b)
{
  return atomic_load(&b->rate_hz);
}

uint32_t gs_backend_block(const GsBackend *b)
{
  return atomic_load(&b->block);
}

int gs_backend_priority(const GsBackend *b)
{
  return atomic_load(&b->priority);
}

const char *gs_backend_info(const GsBackend *b)
{
  return b->info;
}

uint64_t gs_backend_xruns(const GsBackend *b)
{
  return atomic_load(&b->xruns);
}

bool gs_backend_poll(GsBackend *b, GsBackendEvent *ev)
{
  if (b->ops->poll) {
    b->ops->poll(b);
  }
  const uint32_t tail = atomic_load_explicit(&b->ev_tail, memory_order_relaxed);
  const uint32_t head = atomic_load_explicit(&b->ev_head, memory_order_acquire);
  if (head == tail) {
    return false;
  }
  *ev = b->events[tail % GS_BACKEND_EVENTS];
  atomic_store_explicit(&b->ev_tail, tail + 1, memory_order_release);
  return true;
}

GsStatus gs_backend_list(GsBackendKind kind, char *out, size_t size, GsError *err)
{
  switch (kind) {
  case GS_BACKEND_NULL:
    snprintf(out, size, "null: a free-running clock with no hardware (any rate, any channels)\n");
    return GS_OK;
  case GS_BACKEND_JACK: return gs_jack_list(out, size, err);
  case GS_BACKEND_ALSA: return gs_alsa_list(out, size, err);
  }
  return gs_fail(err, GS_ERR_UNKNOWN, "backend %d is not known", (int)kind);
}
