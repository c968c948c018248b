// SPDX-License-Identifier: ISC
// The recorder's ring of planar frames and its event queue.

#include "io/rec_ring.h"

#include <stdlib.h>
#include <string.h>

GsStatus gs_rec_ring_init(GsRecRing *r, unsigned n_channels, uint64_t capacity)
{
  memset(r, 0, sizeof(*r));
  r->channel = calloc(n_channels ? n_channels : 1, sizeof(float *));
  if (!r->channel) {
    return GS_ERR_NOMEM;
  }
  r->n_channels = n_channels;
  r->capacity = capacity;
  for (unsigned c = 0; c < n_channels; ++c) {
    r->channel[c] = calloc((size_t)capacity, sizeof(float));
    if (!r->channel[c]) {
      gs_rec_ring_destroy(r);
      return GS_ERR_NOMEM;
    }
    // calloc maps fresh zero pages lazily: fault them in now, not in real
    // time (a volatile store per page, which the compiler cannot drop as it
    // may a memset of calloc's memory).
    volatile float *page = r->channel[c];
    for (uint64_t i = 0; i < capacity; i += 1024) {
      page[i] = 0.0f;
    }
  }
  atomic_init(&r->head, 0);
  atomic_init(&r->tail, 0);
  atomic_init(&r->ev_head, 0);
  atomic_init(&r->ev_tail, 0);
  return GS_OK;
}

void gs_rec_ring_destroy(GsRecRing *r)
{
  if (r->channel) {
    for (unsigned c = 0; c < r->n_channels; ++c) {
      free(r->channel[c]);
    }
    free(r->channel);
  }
  r->channel = NULL;
}

bool gs_rec_ring_write(GsRecRing *r, const float *const *channels, uint32_t n)
{
  const uint64_t head = atomic_load_explicit(&r->head, memory_order_relaxed);
  const uint64_t tail = atomic_load_explicit(&r->tail, memory_order_acquire);
  if (head - tail + n > r->capacity) {
    return false;
  }
  const uint64_t at = head % r->capacity;
  const uint64_t first = r->capacity - at < n ? r->capacity - at : n;
  for (unsigned c = 0; c < r->n_channels; ++c) {
    memcpy(r->channel[c] + at, channels[c], (size_t)first * sizeof(float));
    memcpy(r->channel[c], channels[c] + first, (size_t)(n - first) * sizeof(float));
  }
  atomic_store_explicit(&r->head, head + n, memory_order_release);
  return true;
}

bool gs_rec_ring_can_post(GsRecRing *r)
{
  const uint32_t head = atomic_load_explicit(&r->ev_head, memory_order_relaxed);
  const uint32_t tail = atomic_load_explicit(&r->ev_tail, memory_order_acquire);
  return head - tail < GS_REC_EVENTS;
}

bool gs_rec_ring_post(GsRecRing *r, const GsRecEvent *ev)
{
  if (!gs_rec_ring_can_post(r)) {
    return false;
  }
  const uint32_t head = atomic_load_explicit(&r->ev_head, memory_order_relaxed);
  r->event[head % GS_REC_EVENTS] = *ev;
  atomic_store_explicit(&r->ev_head, head + 1, memory_order_release);
  return true;
}

const GsRecEvent *gs_rec_ring_peek(GsRecRing *r, uint32_t i)
{
  const uint32_t head = atomic_load_explicit(&r->ev_head, memory_order_acquire);
  const uint32_t tail = atomic_load_explicit(&r->ev_tail, memory_order_relaxed);
  return head - tail > i ? &r->event[(tail + i) % GS_REC_EVENTS] : NULL;
}

void gs_rec_ring_pop(GsRecRing *r)
{
  const uint32_t tail = atomic_load_explicit(&r->ev_tail, memory_order_relaxed);
  atomic_store_explicit(&r->ev_tail, tail + 1, memory_order_release);
}

uint64_t gs_rec_ring_contiguous(const GsRecRing *r, uint64_t from, uint64_t end)
{
  const uint64_t at = from % r->capacity;
  const uint64_t to_wrap = r->capacity - at;
  return end - from < to_wrap ? end - from : to_wrap;
}
