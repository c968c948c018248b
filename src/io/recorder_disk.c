// SPDX-License-Identifier: ISC
// The recorder's disk thread: wakes every 20 ms, keeps the pre-roll while no
// take runs, and writes a running take's frames, gaps (as silence) and ends.

#include "error.h"
#include "io/recorder_impl.h"
#include "io/take_log.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/statvfs.h>
#include <time.h>

#define TICK_NS 20000000L
/// Headers are rewritten this often (SFC_UPDATE_HEADER_NOW), so a killed take
/// loses at most this much. SFC_SET_UPDATE_HEADER_AUTO survives kill -9 too
/// (tests/unit/io/test_recorder.c passes with it, losing nothing), but rewrites
/// every file's header at every write: 3200 seeks a second for 64 tracks.
#define HEADER_EVERY_S 0.5

static double mono_now(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void describe(const GsRecorder *r, const GsTake *t, char *out, size_t size)
{
  const GsRecorderConfig *c = &r->config;
  // The counts first: a long description is what gets cut at 256 bytes.
  snprintf(out, size, "gainstage %s take %u, %g Hz %u-bit, %llu dropped, %llu xruns%s%s",
           c->session_name, t->number, c->rate_hz, c->bits, (unsigned long long)t->dropped,
           (unsigned long long)t->xruns, c->description[0] ? "; " : "", c->description);
}

static void write_log(GsRecorder *r, bool finished)
{
  const GsTake *t = &r->take;
  const GsTakeLogInfo info = {
    .take = t->number,
    .first_frame_time_s = t->first_frame_time_s,
    .time_reference = gs_take_time_reference(t->first_frame_time_s, r->config.rate_hz),
    .frames = t->frames,
    .preroll_frames = t->start - t->begin,
    .dropped_frames = t->dropped,
    .xruns = t->xruns,
    .finished = finished,
    .stopped = t->message[0] ? t->message : NULL,
  };
  gs_take_log_write(t->log_path, &r->config, t->files, &info, NULL);
}

/// A write failed: the take ends here, naming the file and the free space.
static void fail_take(GsRecorder *r, const GsTakeFile *f)
{
  GsTake *t = &r->take;
  struct statvfs vfs;
  const unsigned long long free_kb =
    statvfs(r->config.folder, &vfs) == 0
      ? (unsigned long long)vfs.f_bavail * (unsigned long long)vfs.f_frsize / 1024u
      : 0u;
  const int len = snprintf(t->message, sizeof t->message,
           "recording stopped: writing %.200s failed (%.60s); %llu KiB free on the file system of %.120s",
           f->path, sf_strerror(f->file), free_kb, r->config.folder);
  (void)len;  // a longer message is cut, still one line
  t->disk_full = true;
}

static bool write_block(GsRecorder *r, GsTakeFile *f, const float *data, uint64_t n)
{
  if ((uint64_t)sf_writef_float(f->file, data, (sf_count_t)n) != n) {
    fail_take(r, f);
    return false;
  }
  atomic_fetch_add_explicit(&r->bytes_written, n * f->channels * r->config.bits / 8,
                            memory_order_relaxed);
  return true;
}

/// Writes ring frames [from, from + n) (contiguous) to every file, or silence.
static bool write_frames(GsRecorder *r, uint64_t from, uint64_t n, bool silence)
{
  const GsRecRing *ring = &r->ring;
  const uint64_t at = from % ring->capacity;
  for (unsigned k = 0; k < r->config.n_tracks; ++k) {
    GsTakeFile *f = &r->take.files[k];
    if (f->channels == 1 && !silence) {
      if (!write_block(r, f, ring->channel[f->first_channel] + at, n)) {
        return false;
      }
      continue;
    }
    for (uint64_t done = 0; done < n;) {
      const uint64_t m = n - done < GS_REC_SCRATCH_FRAMES ? n - done : GS_REC_SCRATCH_FRAMES;
      for (uint64_t i = 0; i < m; ++i) {
        for (unsigned c = 0; c < f->channels; ++c) {
          r->scratch[i * f->channels + c] =
            silence ? 0.0f : ring->channel[f->first_channel + c][at + done + i];
        }
      }
      if (!write_block(r, f, r->scratch, m)) {
        return false;
      }
      done += m;
    }
  }
  r->take.frames += n;
  return true;
}

/// Ends the take; xruns: the count the STOP event carries (or now's).
static void finish_take(GsRecorder *r, uint64_t xruns)
{
  GsTake *t = &r->take;
  t->xruns = xruns - t->xruns_at_begin;
  if (r->config.format == GS_REC_WAV && t->started) {
    char text[512];
    describe(r, t, text, sizeof text);
    for (unsigned k = 0; k < r->config.n_tracks; ++k) {
      gs_take_set_bext(&t->files[k], text, t->first_frame_time_s, r->config.rate_hz);
    }
  }
  gs_take_close(t->files, r->config.n_tracks, false);
  write_log(r, true);
  pthread_mutex_lock(&r->lock);
  if (t->disk_full) {
    atomic_store(&r->recording, false);
  }
  atomic_store(&r->state, TAKE_DONE);
  pthread_cond_broadcast(&r->done);
  pthread_mutex_unlock(&r->lock);
}

/// A take is armed and its START is queued at index i: begin it up to the
/// pre-roll before, dropping what came earlier.
static void begin_take(GsRecorder *r, uint32_t i, uint64_t start, uint64_t xruns)
{
  GsRecRing *ring = &r->ring;
  GsTake *t = &r->take;
  const uint64_t tail = atomic_load_explicit(&ring->tail, memory_order_relaxed);
  const uint64_t want = start > r->preroll_frames ? start - r->preroll_frames : 0;
  const uint64_t begin = want > tail ? want : tail;
  // Events before the START at or before the first frame are not the take's.
  const GsRecEvent *e;
  while (i > 0 && (e = gs_rec_ring_peek(ring, 0)) && e->pos <= begin) {
    gs_rec_ring_pop(ring);
    --i;
  }
  atomic_store_explicit(&ring->tail, begin, memory_order_release);
  t->begin = begin;
  t->start = start;
  t->first_frame_time_s = t->pressed_time_s - (double)(start - begin) / r->config.rate_hz;
  t->xruns_at_begin = xruns;
  t->header_time_s = mono_now();
  if (r->config.format == GS_REC_WAV) {
    char text[512];
    describe(r, t, text, sizeof text);
    for (unsigned k = 0; k < r->config.n_tracks; ++k) {
      gs_take_set_bext(&t->files[k], text, t->first_frame_time_s, r->config.rate_hz);
    }
  }
  write_log(r, false);
  pthread_mutex_lock(&r->lock);
  atomic_store(&r->state, TAKE_RUNNING);
  pthread_mutex_unlock(&r->lock);
}

/// No take runs: keep the last pre-roll frames, or begin an armed take.
static void idle(GsRecorder *r)
{
  GsRecRing *ring = &r->ring;
  const uint64_t head = atomic_load_explicit(&ring->head, memory_order_acquire);
  const int state = atomic_load(&r->state);
  const GsRecEvent *e;
  for (uint32_t i = 0; (e = gs_rec_ring_peek(ring, i)); ++i) {
    if (e->kind == GS_REC_EV_START && state == TAKE_ARMED) {
      begin_take(r, i, e->pos, e->n);
      return;
    }
  }
  if (state == TAKE_ARMED && atomic_load(&r->force)) {
    // Armed, but no frame is coming: the take ends empty.
    r->take.begin = r->take.start = head;
    r->take.first_frame_time_s = r->take.pressed_time_s;
    finish_take(r, atomic_load(&r->xruns_total));
    return;
  }
  // A START posted after head was read sits at head or later, so this keeps
  // its whole pre-roll.
  const uint64_t tail = atomic_load_explicit(&ring->tail, memory_order_relaxed);
  const uint64_t keep = head > r->preroll_frames ? head - r->preroll_frames : 0;
  if (keep > tail) {
    while ((e = gs_rec_ring_peek(ring, 0)) && e->pos <= keep) {
      gs_rec_ring_pop(ring);
    }
    atomic_store_explicit(&ring->tail, keep, memory_order_release);
  }
}

/// A take runs: write frames up to the next event, apply it, repeat.
static void run(GsRecorder *r)
{
  GsRecRing *ring = &r->ring;
  GsTake *t = &r->take;
  for (;;) {
    const GsRecEvent *e = gs_rec_ring_peek(ring, 0);
    const uint64_t head = atomic_load_explicit(&ring->head, memory_order_acquire);
    const uint64_t tail = atomic_load_explicit(&ring->tail, memory_order_relaxed);
    const uint64_t end = e ? e->pos : head;
    if (tail < end) {
      const uint64_t n = gs_rec_ring_contiguous(ring, tail, end);
      const bool ok = write_frames(r, tail, n, false);
      atomic_store_explicit(&ring->tail, tail + n, memory_order_release);
      if (!ok) {
        finish_take(r, atomic_load(&r->xruns_total));
        return;
      }
      continue;
    }
    if (!e) {
      if (atomic_load(&r->force)) {
        finish_take(r, atomic_load(&r->xruns_total));
        return;  // the files are main's again
      }
      break;
    }
    const GsRecEvent ev = *e;
    gs_rec_ring_pop(ring);
    if (ev.kind == GS_REC_EV_GAP) {
      t->dropped += ev.n;
      for (uint64_t done = 0; done < ev.n;) {
        const uint64_t m = ev.n - done < GS_REC_SCRATCH_FRAMES ? ev.n - done
                                                               : GS_REC_SCRATCH_FRAMES;
        if (!write_frames(r, 0, m, true)) {
          finish_take(r, atomic_load(&r->xruns_total));
          return;
        }
        done += m;
      }
    } else if (ev.kind == GS_REC_EV_START) {
      t->started = true;
    } else if (t->started) {
      finish_take(r, ev.n);
      return;
    }
  }
  const double now = mono_now();
  if (now - t->header_time_s >= HEADER_EVERY_S) {
    t->header_time_s = now;
    for (unsigned k = 0; k < r->config.n_tracks; ++k) {
      sf_command(t->files[k].file, SFC_UPDATE_HEADER_NOW, NULL, 0);
    }
  }
}

static void tick(GsRecorder *r)
{
  const double t0 = mono_now();
  const uint64_t backlog = atomic_load(&r->ring.head) - atomic_load(&r->ring.tail);
  if (backlog > atomic_load(&r->backlog_max)) {
    atomic_store(&r->backlog_max, backlog);
  }
  if (atomic_load(&r->state) == TAKE_RUNNING) {
    run(r);
  } else {
    idle(r);
  }
  const double dt = mono_now() - t0;
  if (dt > atomic_load(&r->tick_max_s)) {
    atomic_store(&r->tick_max_s, dt);
  }
}

void *gs_recorder_disk_main(void *arg)
{
  GsRecorder *r = arg;
  pthread_mutex_lock(&r->lock);
  while (!atomic_load(&r->quit)) {
    pthread_mutex_unlock(&r->lock);
    if (!atomic_load(&r->hold)) {
      tick(r);
    }
    pthread_mutex_lock(&r->lock);
    if (atomic_load(&r->quit)) {
      break;
    }
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_nsec += TICK_NS;
    if (until.tv_nsec >= 1000000000L) {
      until.tv_nsec -= 1000000000L;
      until.tv_sec += 1;
    }
    pthread_cond_timedwait(&r->wake, &r->lock, &until);
  }
  pthread_mutex_unlock(&r->lock);
  return NULL;
}
