// SPDX-License-Identifier: ISC
// Lock-free single-producer, single-consumer queue.

#include "engine/spsc.h"

void gs_spsc_init(GsSpsc *q)
{
  atomic_init(&q->head, 0);
  atomic_init(&q->tail, 0);
}

bool gs_spsc_push(GsSpsc *q, const GsParamChange *change)
{
  const uint32_t head = atomic_load_explicit(&q->head, memory_order_relaxed);
  const uint32_t tail = atomic_load_explicit(&q->tail, memory_order_acquire);
  if (head - tail == GS_SPSC_CAPACITY) {
    return false;
  }
  q->item[head & (GS_SPSC_CAPACITY - 1)] = *change;
  atomic_store_explicit(&q->head, head + 1, memory_order_release);
  return true;
}

bool gs_spsc_pop(GsSpsc *q, GsParamChange *change)
{
  const uint32_t tail = atomic_load_explicit(&q->tail, memory_order_relaxed);
  const uint32_t head = atomic_load_explicit(&q->head, memory_order_acquire);
  if (head == tail) {
    return false;
  }
  *change = q->item[tail & (GS_SPSC_CAPACITY - 1)];
  atomic_store_explicit(&q->tail, tail + 1, memory_order_release);
  return true;
}
