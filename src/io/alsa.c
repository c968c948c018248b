// SPDX-License-Identifier: ISC
// The ALSA backend: one PCM device opened for capture and playback, an audio
// thread that reads a period, runs process over it and writes it, and
// recovers from over- and underruns.

#include "io/alsa_convert.h"
#include "io/backend_impl.h"
#include "io/rtthread.h"

#include "error.h"

#include <alsa/asoundlib.h>
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_RATE_HZ 48000.0
#define DEFAULT_PERIOD 256u
#define DEFAULT_PERIODS 2u
#define MAX_CHANNELS 1024u

typedef struct {
  snd_pcm_t *pcm;     // NULL: this direction is not used
  const char *dir;    // "capture" or "playback"
  GsSampleLayout layout;
  snd_pcm_format_t alsa_format;
  unsigned char *raw;  // one period as the device has it
  void **planes;       // non-interleaved: each channel's plane in raw
  float *floats;       // one period per channel, channel after channel
} Stream;

typedef struct {
  GsBackend base;  // first: a GsBackend * is an AlsaBackend *
  // Set while opening (main thread); read only afterwards.
  GsBackendProcess process;
  void *user;
  char *device;
  Stream capture;
  Stream playback;
  uint32_t period;
  unsigned periods;
  uint32_t block;      // frames per process call (period, or max_block)
  bool linked;         // snd_pcm_link joined the two directions
  bool clockless;      // no clock of its own (the null PCM): paced by ours
  const float **in;    // the block's input pointers (audio thread)
  float **out;
  snd_pcm_status_t *status;  // audio thread, for the length of an xrun
  // Main thread.
  pthread_t thread;
  bool started;
  // Written by the main thread, read by the audio thread.
  _Atomic bool running;
  // Audio thread only.
  uint64_t frame;
} AlsaBackend;

// alsa-lib prints its own messages to stderr; the library speaks only
// through GsError, so they are silenced.
static void quiet(const char *file, int line, const char *function, int err, const char *fmt,
                  ...)
{
  (void)file;
  (void)line;
  (void)function;
  (void)err;
  (void)fmt;
}

// ---- the audio thread ----

// The real-time part of a period: the captured period into floats, process
// over it block by block, the floats into the playback period.
static void run_period(AlsaBackend *ab) GS_REALTIME;
static void run_period(AlsaBackend *ab)
{
  Stream *cap = &ab->capture;
  Stream *play = &ab->playback;
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
static snd_pcm_sframes_t transfer(Stream *s, uint32_t offset, uint32_t n, bool write)
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
static int transfer_period(AlsaBackend *ab, Stream *s, bool write)
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
  Stream *streams[2] = {&ab->capture, &ab->playback};
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
    for (unsigned k = 0; k < ab->periods; ++k) {
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
static bool recover(AlsaBackend *ab, Stream *s, int code)
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

static void *run(void *arg)
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

// ---- opening ----

static const struct {
  snd_pcm_format_t alsa;
  GsSampleFormat ours;
} formats[] = {
  {SND_PCM_FORMAT_FLOAT, GS_SAMPLE_FLOAT},
  {SND_PCM_FORMAT_S32, GS_SAMPLE_S32},
  {SND_PCM_FORMAT_S24_3LE, GS_SAMPLE_S24_3LE},
  {SND_PCM_FORMAT_S16, GS_SAMPLE_S16},
};

// "2" or "1 to 32".
static void range_text(char *out, size_t size, unsigned lo, unsigned hi)
{
  if (lo == hi) {
    snprintf(out, size, "%u", lo);
  } else {
    snprintf(out, size, "%u to %u", lo, hi);
  }
}

// The rate and channels the device offers, for the message refusing others.
static GsStatus refuse(const char *device, const char *dir, double rate_hz, unsigned channels,
                       snd_pcm_hw_params_t *any, GsError *err)
{
  unsigned cmin = 0, cmax = 0, rmin = 0, rmax = 0;
  int min_dir = 0, max_dir = 0;
  snd_pcm_hw_params_get_channels_min(any, &cmin);
  snd_pcm_hw_params_get_channels_max(any, &cmax);
  snd_pcm_hw_params_get_rate_min(any, &rmin, &min_dir);
  snd_pcm_hw_params_get_rate_max(any, &rmax, &max_dir);
  // An open end (48000 < rate < 48001) is the integer inside it.
  rmin += min_dir > 0;
  rmax -= max_dir < 0;
  char ch[48], rate[48];
  range_text(ch, sizeof(ch), cmin, cmax);
  range_text(rate, sizeof(rate), rmin, rmax);
  return gs_fail(err, GS_ERR_RANGE,
                 "ALSA device '%s' cannot run at %g Hz with %u %s channels (it offers %s "
                 "channels, %s Hz)",
                 device, rate_hz, channels, dir, ch, rate);
}

// Opens one direction and sets its hardware parameters: exactly the rate and
// channels asked for, the period and period count nearest to those asked.
static GsStatus open_stream(AlsaBackend *ab, Stream *s, snd_pcm_stream_t stream,
                            unsigned channels, double rate_hz, snd_pcm_uframes_t *period,
                            unsigned *periods, GsError *err)
{
  const char *dev = ab->device;
  s->dir = stream == SND_PCM_STREAM_CAPTURE ? "capture" : "playback";
  int e = snd_pcm_open(&s->pcm, dev, stream, 0);
  if (e < 0) {
    s->pcm = NULL;
    return gs_fail(err, GS_ERR_IO,
                   "ALSA device '%s' cannot be opened for %s: %s (`gainstage devices` lists "
                   "the devices there are)",
                   dev, s->dir, snd_strerror(e));
  }
  snd_pcm_hw_params_t *hw = NULL, *any = NULL;
  if (snd_pcm_hw_params_malloc(&hw) < 0 || snd_pcm_hw_params_malloc(&any) < 0) {
    snd_pcm_hw_params_free(hw);
    return gs_fail(err, GS_ERR_NOMEM, "ALSA device '%s': out of memory", dev);
  }
  GsStatus st = GS_OK;
  if ((e = snd_pcm_hw_params_any(s->pcm, any)) < 0) {
    st = gs_fail(err, GS_ERR_IO, "ALSA device '%s' (%s) does not say what it offers: %s", dev,
                 s->dir, snd_strerror(e));
    goto done;
  }
  // Never alsa-lib's resampler (linear interpolation by default): a device
  // that does not run at the rate asked for is refused.
  snd_pcm_hw_params_set_rate_resample(s->pcm, any, 0);
  snd_pcm_hw_params_copy(hw, any);
  const unsigned rate = (unsigned)lround(rate_hz);
  if ((double)rate != rate_hz || snd_pcm_hw_params_set_channels(s->pcm, hw, channels) < 0 ||
      snd_pcm_hw_params_set_rate(s->pcm, hw, rate, 0) < 0) {
    st = refuse(dev, s->dir, rate_hz, channels, any, err);
    goto done;
  }
  bool interleaved = true;
  if (snd_pcm_hw_params_set_access(s->pcm, hw, SND_PCM_ACCESS_RW_INTERLEAVED) < 0) {
    interleaved = false;
    if (snd_pcm_hw_params_set_access(s->pcm, hw, SND_PCM_ACCESS_RW_NONINTERLEAVED) < 0) {
      st = gs_fail(err, GS_ERR_FORMAT,
                   "ALSA device '%s' (%s) offers no read/write access (only mmap); a "
                   "'plug' PCM around it (plughw:N for hw:N) gives it",
                   dev, s->dir);
      goto done;
    }
  }
  size_t f = 0;
  while (f < sizeof(formats) / sizeof(formats[0]) &&
         snd_pcm_hw_params_set_format(s->pcm, hw, formats[f].alsa) < 0) {
    ++f;
  }
  if (f == sizeof(formats) / sizeof(formats[0])) {
    st = gs_fail(err, GS_ERR_FORMAT,
                 "ALSA device '%s' (%s) offers none of the sample formats gainstage converts "
                 "(FLOAT, S32, S24_3LE, S16); a 'plug' PCM around it converts any",
                 dev, s->dir);
    goto done;
  }
  int dir = 0;
  snd_pcm_hw_params_set_period_size_near(s->pcm, hw, period, &dir);
  dir = 0;
  snd_pcm_hw_params_set_periods_near(s->pcm, hw, periods, &dir);
  if ((e = snd_pcm_hw_params(s->pcm, hw)) < 0) {
    st = gs_fail(err, GS_ERR_IO,
                 "ALSA device '%s' (%s) refused %u Hz, %u channels, %lu frames x %u periods: %s",
                 dev, s->dir, rate, channels, (unsigned long)*period, *periods,
                 snd_strerror(e));
    goto done;
  }
  snd_pcm_hw_params_get_period_size(hw, period, &dir);
  snd_pcm_hw_params_get_periods(hw, periods, &dir);
  s->alsa_format = formats[f].alsa;
  s->layout = (GsSampleLayout){.format = formats[f].ours,
                               .channels = channels,
                               .interleaved = interleaved,
                               .period = (uint32_t)*period};
done:
  snd_pcm_hw_params_free(hw);
  snd_pcm_hw_params_free(any);
  return st;
}

// Explicit starts only (start_threshold past the boundary), a period at a time.
static GsStatus set_software(AlsaBackend *ab, Stream *s, GsError *err)
{
  snd_pcm_sw_params_t *sw = NULL;
  if (snd_pcm_sw_params_malloc(&sw) < 0) {
    return gs_fail(err, GS_ERR_NOMEM, "ALSA device '%s': out of memory", ab->device);
  }
  snd_pcm_uframes_t boundary = 0;
  int e = snd_pcm_sw_params_current(s->pcm, sw);
  e = e < 0 ? e : snd_pcm_sw_params_get_boundary(sw, &boundary);
  e = e < 0 ? e : snd_pcm_sw_params_set_start_threshold(s->pcm, sw, boundary);
  e = e < 0 ? e : snd_pcm_sw_params_set_avail_min(s->pcm, sw, ab->period);
  e = e < 0 ? e : snd_pcm_sw_params(s->pcm, sw);
  snd_pcm_sw_params_free(sw);
  if (e < 0) {
    return gs_fail(err, GS_ERR_IO, "ALSA device '%s' (%s) refused its software parameters: %s",
                   ab->device, s->dir, snd_strerror(e));
  }
  return GS_OK;
}

// The period buffers of one direction.
static GsStatus allocate(AlsaBackend *ab, Stream *s, GsError *err)
{
  const unsigned ch = s->layout.channels;
  s->raw = calloc((size_t)ab->period * ch, gs_sample_bytes(s->layout.format));
  s->planes = calloc(ch, sizeof(*s->planes));
  s->floats = calloc((size_t)ab->period * ch, sizeof(float));
  if (!s->raw || !s->planes || !s->floats) {
    return gs_fail(err, GS_ERR_NOMEM, "ALSA device '%s': out of memory", ab->device);
  }
  return GS_OK;
}

static void stream_free(Stream *s)
{
  if (s->pcm) {
    snd_pcm_close(s->pcm);
  }
  free(s->raw);
  free(s->planes);
  free(s->floats);
}

static GsStatus alsa_start(GsBackend *b, GsError *err)
{
  AlsaBackend *ab = (AlsaBackend *)b;
  if (ab->started) {
    return gs_fail(err, GS_ERR_USAGE, "ALSA device '%s': already started", ab->device);
  }
  atomic_store(&ab->running, true);
  int priority = 0;
  char what[160];
  snprintf(what, sizeof(what), "ALSA device '%s'", ab->device);
  const GsStatus st = gs_rt_thread_start(&ab->thread, run, ab, &priority, what, err);
  if (st) {
    atomic_store(&ab->running, false);
    return st;
  }
  atomic_store(&b->priority, priority);
  ab->started = true;
  return GS_OK;
}

static void alsa_close(GsBackend *b)
{
  AlsaBackend *ab = (AlsaBackend *)b;
  if (ab->started) {
    atomic_store_explicit(&ab->running, false, memory_order_release);
    pthread_join(ab->thread, NULL);
  }
  if (ab->capture.pcm) {
    snd_pcm_drop(ab->capture.pcm);
  }
  if (ab->playback.pcm) {
    snd_pcm_drop(ab->playback.pcm);
  }
  if (ab->linked) {
    snd_pcm_unlink(ab->capture.pcm);
  }
  stream_free(&ab->capture);
  stream_free(&ab->playback);
  if (ab->status) {
    snd_pcm_status_free(ab->status);
  }
  free(ab->in);
  free(ab->out);
  free(ab->device);
  free(ab);
}

static const GsBackendOps alsa_ops = {
  .start = alsa_start,
  .close = alsa_close,
  .poll = NULL,
};

static const char *layout_name(const Stream *s)
{
  return s->layout.interleaved ? "interleaved" : "non-interleaved";
}

static void describe(AlsaBackend *ab)
{
  char cap[96] = "", play[96] = "";
  if (ab->capture.pcm) {
    snprintf(cap, sizeof(cap), ", capture %u ch %s %s", ab->capture.layout.channels,
             snd_pcm_format_name(ab->capture.alsa_format), layout_name(&ab->capture));
  }
  if (ab->playback.pcm) {
    snprintf(play, sizeof(play), ", playback %u ch %s %s", ab->playback.layout.channels,
             snd_pcm_format_name(ab->playback.alsa_format), layout_name(&ab->playback));
  }
  snprintf(ab->base.info, sizeof(ab->base.info), "ALSA '%s': %g Hz, %u frames x %u periods%s%s%s%s",
           ab->device, atomic_load(&ab->base.rate_hz), ab->period, ab->periods, cap, play,
           ab->capture.pcm && ab->playback.pcm ? (ab->linked ? ", linked" : ", not linked") : "",
           ab->clockless ? " (no clock of its own: paced by the system clock)" : "");
}

// Everything that can fail while opening, in order; alsa_close undoes any part.
static GsStatus setup(AlsaBackend *ab, const GsBackendConfig *config, double rate_hz,
                      GsError *err)
{
  snd_pcm_uframes_t period = config->period ? config->period : DEFAULT_PERIOD;
  unsigned periods = config->periods ? config->periods : DEFAULT_PERIODS;
  GsStatus st = GS_OK;
  // Playback first: its period is then asked of capture, so they agree.
  if (config->n_outputs) {
    if ((st = open_stream(ab, &ab->playback, SND_PCM_STREAM_PLAYBACK, config->n_outputs, rate_hz,
                          &period, &periods, err))) {
      return st;
    }
  }
  if (config->n_inputs) {
    snd_pcm_uframes_t cap_period = period;
    unsigned cap_periods = periods;
    if ((st = open_stream(ab, &ab->capture, SND_PCM_STREAM_CAPTURE, config->n_inputs, rate_hz,
                          &cap_period, &cap_periods, err))) {
      return st;
    }
    if (config->n_outputs && cap_period != period) {
      return gs_fail(err, GS_ERR_RANGE,
                     "ALSA device '%s' gives playback %lu and capture %lu frames a period; "
                     "gainstage needs them equal (try --period %lu)",
                     ab->device, (unsigned long)period, (unsigned long)cap_period,
                     (unsigned long)period);
    }
    period = cap_period;
    if (!config->n_outputs) {
      periods = cap_periods;
    }
  }
  ab->period = (uint32_t)period;
  ab->periods = periods;
  ab->block = config->max_block && config->max_block < ab->period ? config->max_block : ab->period;
  Stream *streams[2] = {&ab->capture, &ab->playback};
  ab->clockless = true;
  for (int k = 0; k < 2; ++k) {
    if (streams[k]->pcm) {
      if ((st = set_software(ab, streams[k], err)) || (st = allocate(ab, streams[k], err))) {
        return st;
      }
      ab->clockless = ab->clockless && snd_pcm_type(streams[k]->pcm) == SND_PCM_TYPE_NULL;
    }
  }
  if (ab->capture.pcm && ab->playback.pcm) {
    ab->linked = snd_pcm_link(ab->capture.pcm, ab->playback.pcm) == 0;
  }
  if (snd_pcm_status_malloc(&ab->status) < 0) {
    return gs_fail(err, GS_ERR_NOMEM, "ALSA device '%s': out of memory", ab->device);
  }
  ab->in = calloc(config->n_inputs + 1, sizeof(*ab->in));
  ab->out = calloc(config->n_outputs + 1, sizeof(*ab->out));
  if (!ab->in || !ab->out) {
    return gs_fail(err, GS_ERR_NOMEM, "ALSA device '%s': out of memory", ab->device);
  }
  gs_backend_base_init(&ab->base, &alsa_ops, GS_BACKEND_ALSA, rate_hz, ab->block);
  describe(ab);
  return GS_OK;
}

GsStatus gs_alsa_open(const GsBackendConfig *config, GsBackend **out, GsError *err)
{
  *out = NULL;
  const char *device = config->device ? config->device : "default";
  const double rate_hz = config->rate_hz > 0 ? config->rate_hz : DEFAULT_RATE_HZ;
  if (!config->n_inputs && !config->n_outputs) {
    return gs_fail(err, GS_ERR_USAGE,
                   "ALSA device '%s': no inputs and no outputs asked for (at least one)", device);
  }
  if (config->n_inputs > MAX_CHANNELS || config->n_outputs > MAX_CHANNELS) {
    return gs_fail(err, GS_ERR_RANGE, "ALSA device '%s': %u inputs and %u outputs: at most %u of each",
                   device, config->n_inputs, config->n_outputs, MAX_CHANNELS);
  }
  if (config->periods == 1 || config->periods > 16) {
    return gs_fail(err, GS_ERR_RANGE, "ALSA device '%s': %u periods is out of range (2 to 16)",
                   device, config->periods);
  }
  if (!config->process) {
    return gs_fail(err, GS_ERR_USAGE, "ALSA device '%s': no process callback", device);
  }
  snd_lib_error_set_handler(quiet);
  AlsaBackend *ab = calloc(1, sizeof(*ab));
  if (!ab || !(ab->device = strdup(device))) {
    free(ab);
    return gs_fail(err, GS_ERR_NOMEM, "ALSA device '%s': out of memory", device);
  }
  ab->process = config->process;
  ab->user = config->user;
  atomic_init(&ab->running, false);
  const GsStatus st = setup(ab, config, rate_hz, err);
  if (st) {
    alsa_close(&ab->base);
    return st;
  }
  *out = &ab->base;
  return GS_OK;
}
