// SPDX-License-Identifier: ISC
// What every backend implements behind src/io/backend.h: a table of
// operations, and the event queue the audio thread (or a backend's
// notification thread) posts to and the main thread drains.

#ifndef GS_IO_BACKEND_IMPL_H
#define GS_IO_BACKEND_IMPL_H

#include "io/backend.h"

#include <stdatomic.h>

/// Events held before the oldest is dropped (counted in lost_events).
#define GS_BACKEND_EVENTS 64

typedef struct {
  GsStatus (*start)(GsBackend *b, GsError *err);
  void (*close)(GsBackend *b);
  /// Backend-specific work at each poll (JACK: reconnection); may be NULL.
  void (*poll)(GsBackend *b);
  /// gs_backend_connect(); NULL where ports cannot be connected.
  GsStatus (*connect)(GsBackend *b, bool output, unsigned index, const char *pattern,
                      GsError *err);
} GsBackendOps;

/// The part every backend's own struct begins with.
struct GsBackend {
  const GsBackendOps *ops;
  GsBackendKind kind;
  _Atomic double rate_hz;
  _Atomic uint32_t block;
  _Atomic uint64_t xruns;
  _Atomic uint64_t lost_events;
  /// The audio thread's SCHED_FIFO priority, 0 at normal priority. Written
  /// by the backend's start (main thread); read by the main thread.
  _Atomic int priority;
  /// What was granted, one line; written while opening (main thread), read
  /// only afterwards.
  char info[256];
  // Single producer, single consumer: one thread posts (the audio thread or
  // the backend's notification thread), the main thread polls.
  GsBackendEvent events[GS_BACKEND_EVENTS];
  _Atomic uint32_t ev_head;
  _Atomic uint32_t ev_tail;
};

/// Fills in the common part. Main thread.
void gs_backend_base_init(GsBackend *b, const GsBackendOps *ops, GsBackendKind kind,
                          double rate_hz, uint32_t block);
/// Queues an event; wall_s is filled in by the caller (or 0). Real-time safe.
void gs_backend_post(GsBackend *b, const GsBackendEvent *ev) GS_REALTIME;

/// Each backend's constructor: allocates its struct (beginning with a
/// GsBackend), calls gs_backend_base_init(), opens the device or client.
GsStatus gs_null_open(const GsBackendConfig *config, GsBackend **out, GsError *err);
GsStatus gs_jack_open(const GsBackendConfig *config, GsBackend **out, GsError *err);
GsStatus gs_alsa_open(const GsBackendConfig *config, GsBackend **out, GsError *err);
GsStatus gs_jack_list(char *out, size_t size, GsError *err);
GsStatus gs_alsa_list(char *out, size_t size, GsError *err);

#endif  // GS_IO_BACKEND_IMPL_H
