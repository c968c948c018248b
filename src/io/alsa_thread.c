// SPDX-License-Identifier: ISC
// The ALSA backend's audio thread: read a period, run process over it (the
// real-time part), write it; recover from over- and underruns.

#include "io/alsa_impl.h"
#include "io/rtthread.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

// The real-time part of a period: the captured period into floats, process
// over it block by block, the floats into the playback period.
static void run_period(AlsaBackend *ab) GS_REALTIME;
static void run_period(AlsaBackend *ab)
{
  AlsaStream *cap = &ab->capture;
  AlsaStream *play = &ab->playback;
  if (cap->pcm) {
    gs_samples_to_float(&cap->layout, cap->raw, cap->floats, ab->period);
  }
  for (uint32_t done = 0; done < ab->period; done += ab->block) {
    const uint32_t n = ab->period - done < ab->block ? ab->period - done : ab->block;
    for (unsigned c = 0; c < cap->layout.channels; ++c) {
      ab->in[c] = cap->floats + (size_t)c * ab->period + done;
    }
    for (unsigned c = 0; c < play->layout.channels; ++c) {
      ab->out[c] = play->floats + (size_t)c * ab->period + done;
    }
    ab->process(ab->user, ab->in, ab->out, n, ab->frame);
    ab->frame += n;
  }
  if (play->pcm) {
    gs_samples_from_float(&play->layout, play->floats, play->raw, ab->period);
  }
}

// Reads or writes frames [offset, offset + n) of the period buffer.
static snd_pcm_sframes_t transfer(AlsaStream *s, uint32_t offset, uint32_t n, bool write)
{
  const GsSampleLayout *l = &s->layout;
  const size_t bytes = gs_sample_bytes(l->format);
  if (l->interleaved) {
    unsigned char *p = s->raw + (size_t)offset * l->channels * bytes;
    return write ? snd_pcm_writei(s->pcm, p, n) : snd_pcm_readi(s->pcm, p, n);
  }
  for (unsigned c = 0; c < l->channels; ++c) {
    s->planes[c] = s->raw + ((size_t)c * l->period + offset) * bytes;
  }
  return write ? snd_pcm_writen(s->pcm, s->planes, n) : snd_pcm_readn(s->pcm, s->planes, n);
}

// A whole period; the negative ALSA error when it fails.
static int transfer_period(AlsaBackend *ab, AlsaStream *s, bool write)
{
  for (uint32_t done = 0; done < ab->period;) {
    const snd_pcm_sframes_t r = transfer(s, done, ab->period - done, write);
    if (r < 0) {
      return (int)r;
    }
    done += (uint32_t)r;
  }
  return 0;
}

static void post(AlsaBackend *ab, GsBackendEventKind kind, double value, const char *message)
{
  GsBackendEvent ev = {.kind = kind, .frame = ab->frame, .value = value, .wall_s = gs_wall_s()};
  snprintf(ev.message, sizeof(ev.message), "%s", message);
  gs_backend_post(&ab->base, &ev);
}

// Both directions prepared, the playback buffer filled with silence, and
// started together (one start when they are linked).
static int start_streams(AlsaBackend *ab)
{
  AlsaStream *streams[2] = {&ab->capture, &ab->playback};
  for (int k = 0; k < 2; ++k) {
    snd_pcm_t *pcm = streams[k]->pcm;
    if (pcm && snd_pcm_state(pcm) != SND_PCM_STATE_PREPARED) {
      snd_pcm_drop(pcm);
      const int e = snd_pcm_prepare(pcm);
      if (e < 0) {
        return e;
      }
    }
  }
  if (ab->playback.pcm) {
    memset(ab->playback.raw, 0,
           (size_t)ab->period * ab->playback.layout.channels *
             gs_sample_bytes(ab->playback.layout.format));
    // As many whole periods as the buffer has room for (periods of them,
    // unless the device made the buffer larger): a write never waits here.
    const snd_pcm_sframes_t period = ab->period;
    for (snd_pcm_sframes_t room = snd_pcm_avail(ab->playback.pcm); room >= period;
         room -= period) {
      const int e = transfer_period(ab, &ab->playback, true);
      if (e < 0) {
        return e;
      }
    }
  }
  int e = 0;
  if (ab->capture.pcm) {
    e = snd_pcm_start(ab->capture.pcm);
  }
  if (e >= 0 && ab->playback.pcm && !(ab->linked && ab->capture.pcm)) {
    e = snd_pcm_start(ab->playback.pcm);
  }
  return e;
}

// After a failed read or write: snd_pcm_recover, an XRUN event, and both
// directions started again. False when the device cannot go on (a
// SHUTDOWN event says why).
static bool recover(AlsaBackend *ab, AlsaStream *s, int code)
{
  double length_us = 0.0;
  if (code == -EPIPE && snd_pcm_status(s->pcm, ab->status) >= 0) {
    snd_htimestamp_t now, trigger;
    snd_pcm_status_get_htstamp(ab->status, &now);
    snd_pcm_status_get_trigger_htstamp(ab->status, &trigger);
    length_us = (double)gs_timespec_diff_ns(now, trigger) * 1e-3;
  }
  int e = snd_pcm_recover(s->pcm, code, 1);
  if (e >= 0) {
    e = start_streams(ab);
  }
  if (e < 0) {
    char message[256];
    snprintf(message, sizeof(message), "ALSA device '%s' (%s) stopped and cannot restart: %s",
             ab->device, s->dir, snd_strerror(e));
    post(ab, GS_BACKEND_EV_SHUTDOWN, 0.0, message);
    return false;
  }
  atomic_fetch_add_explicit(&ab->base.xruns, 1, memory_order_relaxed);
  post(ab, GS_BACKEND_EV_XRUN, length_us,
       s == &ab->capture ? "ALSA capture overrun; restarted"
                         : "ALSA playback underrun; restarted");
  return true;
}

void *gs_alsa_run(void *arg)
{
  AlsaBackend *ab = arg;
  const int64_t period_ns = (int64_t)((double)ab->period * 1e9 / atomic_load(&ab->base.rate_hz));
  int e = start_streams(ab);
  if (e < 0) {
    char message[256];
    snprintf(message, sizeof(message), "ALSA device '%s' cannot start: %s", ab->device,
             snd_strerror(e));
    post(ab, GS_BACKEND_EV_SHUTDOWN, 0.0, message);
    return NULL;
  }
  struct timespec deadline;
  clock_gettime(CLOCK_MONOTONIC, &deadline);
  while (atomic_load_explicit(&ab->running, memory_order_acquire)) {
    if (ab->capture.pcm && (e = transfer_period(ab, &ab->capture, false)) < 0) {
      if (!recover(ab, &ab->capture, e)) {
        return NULL;
      }
      continue;
    }
    run_period(ab);
    if (ab->playback.pcm && (e = transfer_period(ab, &ab->playback, true)) < 0) {
      if (!recover(ab, &ab->playback, e)) {
        return NULL;
      }
      continue;
    }
    if (ab->clockless) {
      // The device takes and gives periods at once: keep real time with
      // period deadlines, as the null backend does.
      deadline = gs_timespec_add(deadline, period_ns);
      while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &deadline, NULL) == EINTR) {
      }
      struct timespec now;
      clock_gettime(CLOCK_MONOTONIC, &now);
      const int64_t late_ns = gs_timespec_diff_ns(now, deadline);
      if (late_ns > period_ns) {
        atomic_fetch_add_explicit(&ab->base.xruns, 1, memory_order_relaxed);
        post(ab, GS_BACKEND_EV_XRUN, (double)late_ns * 1e-3,
             "ALSA: a period started more than one period late; resynchronised");
        deadline = now;
      }
    }
  }
  return NULL;
}

