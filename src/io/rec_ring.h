// SPDX-License-Identifier: ISC
// The recorder's ring: planar frames of every channel behind one pair of
// frame counters, and a queue of events (start, stop, dropped frames) placed
// at frame positions in it. One producer (the audio thread), one consumer
// (the disk thread); neither ever waits for the other.

#ifndef GS_IO_REC_RING_H
#define GS_IO_REC_RING_H

#include "gainstage/realtime.h"
#include "gainstage/status.h"

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

/// Events held at once; the audio thread keeps a gap to itself (and drops
/// frames into it) while the queue is full, so nothing is lost silently.
#define GS_REC_EVENTS 256

typedef enum {
  GS_REC_EV_GAP,    ///< n frames were dropped just before frame pos
  GS_REC_EV_START,  ///< a take starts at frame pos
  GS_REC_EV_STOP,   ///< a take ends before frame pos
} GsRecEventKind;

typedef struct {
  uint64_t pos;  ///< frame counter the event sits before
  uint64_t n;    ///< GAP: frames dropped; START, STOP: xruns noted so far
  GsRecEventKind kind;
} GsRecEvent;

/// Frame counters run from 0 and never wrap (2^64 frames); a frame f lives at
/// index f % capacity. The producer writes frames then head (release); the
/// consumer reads head (acquire), the frames, then publishes tail (release).
/// Events likewise: item then ev_head; ev_tail by the consumer.
typedef struct {
  float **channel;         ///< n_channels arrays of capacity frames
  unsigned n_channels;
  uint64_t capacity;       ///< frames each channel holds
  _Atomic uint64_t head;   ///< producer: frames written so far
  _Atomic uint64_t tail;   ///< consumer: frames consumed so far
  GsRecEvent event[GS_REC_EVENTS];
  _Atomic uint32_t ev_head;  ///< producer: events posted
  _Atomic uint32_t ev_tail;  ///< consumer: events taken
} GsRecRing;

/// Allocates (and touches, so the audio thread takes no page fault) every
/// channel. Main thread.
GsStatus gs_rec_ring_init(GsRecRing *r, unsigned n_channels, uint64_t capacity);
void gs_rec_ring_destroy(GsRecRing *r);

/// Producer: writes n frames of every channel, all or nothing; false when
/// they do not fit. Real-time safe.
bool gs_rec_ring_write(GsRecRing *r, const float *const *channels, uint32_t n) GS_REALTIME;
/// Producer: posts an event; false when the queue is full. Real-time safe.
bool gs_rec_ring_post(GsRecRing *r, const GsRecEvent *ev) GS_REALTIME;
/// Producer: whether an event can be posted now. Real-time safe.
bool gs_rec_ring_can_post(GsRecRing *r) GS_REALTIME;

/// Consumer: the i-th queued event (0 the oldest) or NULL.
const GsRecEvent *gs_rec_ring_peek(GsRecRing *r, uint32_t i);
/// Consumer: drops the oldest event.
void gs_rec_ring_pop(GsRecRing *r);
/// Consumer: frames from the tail that are contiguous in memory (up to end).
uint64_t gs_rec_ring_contiguous(const GsRecRing *r, uint64_t from, uint64_t end);

#endif  // GS_IO_REC_RING_H
