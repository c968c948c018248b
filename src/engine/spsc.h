// SPDX-License-Identifier: ISC
// A lock-free single-producer, single-consumer queue of parameter changes.

#ifndef GS_ENGINE_SPSC_H
#define GS_ENGINE_SPSC_H

#include "gainstage/realtime.h"

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

/// One change, as gs_engine_post() was given it.
typedef struct {
  int param;
  unsigned index;
  unsigned sub;
  double value;
} GsParamChange;

/// Capacity in changes (a power of two): far more than one block of any
/// control surface sends.
#define GS_SPSC_CAPACITY 1024

/// The producer (one control thread) writes items and then head with release
/// order; the consumer (the audio thread) reads head with acquire order, the
/// items, then publishes tail. Neither ever waits for the other.
typedef struct {
  GsParamChange item[GS_SPSC_CAPACITY];
  _Atomic uint32_t head;  ///< written by the producer: next slot to fill
  _Atomic uint32_t tail;  ///< written by the consumer: next slot to read
} GsSpsc;

void gs_spsc_init(GsSpsc *q);
/// Producer side; false when the queue is full.
bool gs_spsc_push(GsSpsc *q, const GsParamChange *change);
/// Consumer side; false when the queue is empty. Real-time safe.
bool gs_spsc_pop(GsSpsc *q, GsParamChange *change) GS_REALTIME;

#endif  // GS_ENGINE_SPSC_H
