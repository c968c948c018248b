// SPDX-License-Identifier: ISC
// The ALSA backend: one PCM device opened for capture and playback with the
// rate, channels, format and periods settled; its audio thread is in
// alsa_thread.c.

#include "io/alsa_impl.h"
#include "io/rtthread.h"

#include "error.h"

#include <alsa/asoundlib.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_RATE_HZ 48000.0
#define DEFAULT_PERIOD 256u
#define DEFAULT_PERIODS 2u
#define MAX_CHANNELS 1024u

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

AlsaRanges gs_alsa_ranges(const snd_pcm_hw_params_t *hw)
{
  AlsaRanges r = {0};
  int min_dir = 0, max_dir = 0;
  snd_pcm_hw_params_get_channels_min(hw, &r.channels_min);
  snd_pcm_hw_params_get_channels_max(hw, &r.channels_max);
  snd_pcm_hw_params_get_rate_min(hw, &r.rate_min, &min_dir);
  snd_pcm_hw_params_get_rate_max(hw, &r.rate_max, &max_dir);
  r.rate_min += min_dir > 0;
  r.rate_max -= max_dir < 0;
  return r;
}

// The rate and channels the device offers, for the message refusing others.
static GsStatus refuse(const char *device, const char *dir, double rate_hz, unsigned channels,
                       snd_pcm_hw_params_t *any, GsError *err)
{
  const AlsaRanges r = gs_alsa_ranges(any);
  char ch[48], rate[48];
  range_text(ch, sizeof(ch), r.channels_min, r.channels_max);
  range_text(rate, sizeof(rate), r.rate_min, r.rate_max);
  return gs_fail(err, GS_ERR_RANGE,
                 "ALSA device '%s' cannot run at %g Hz with %u %s channels (it offers %s "
                 "channels, %s Hz)",
                 device, rate_hz, channels, dir, ch, rate);
}

// Opens one direction and sets its hardware parameters: exactly the rate and
// channels asked for, the period and period count nearest to those asked.
static GsStatus open_stream(AlsaBackend *ab, AlsaStream *s, snd_pcm_stream_t stream,
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
static GsStatus set_software(AlsaBackend *ab, AlsaStream *s, GsError *err)
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
static GsStatus allocate(AlsaBackend *ab, AlsaStream *s, GsError *err)
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

static void stream_free(AlsaStream *s)
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
  const GsStatus st = gs_rt_thread_start(&ab->thread, gs_alsa_run, ab, &priority, what, err);
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

static const char *layout_name(const AlsaStream *s)
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
  AlsaStream *streams[2] = {&ab->capture, &ab->playback};
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
    return gs_fail(err, GS_ERR_RANGE,
                   "ALSA device '%s': %u inputs and %u outputs: at most %u of each", device,
                   config->n_inputs, config->n_outputs, MAX_CHANNELS);
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
