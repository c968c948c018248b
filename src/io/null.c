// SPDX-License-Identifier: ISC
// The null backend: a free-running real-time clock with no hardware. Its
// audio thread calls process once a period on clock_nanosleep deadlines;
// inputs are silent, outputs are discarded. Any rate, any channel count.

#include "io/backend_impl.h"
#include "io/rtthread.h"

#include "error.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#define DEFAULT_RATE_HZ 48000.0
#define DEFAULT_PERIOD 256u
#define MAX_PERIOD 8192u
#define MAX_CHANNELS 1024u

typedef struct {
  GsBackend base;  // first: a GsBackend * is a NullBackend *
  // Set while opening (main thread); read only afterwards.
  GsBackendProcess process;
  void *user;
  uint32_t period;
  double rate_hz;
  const float **in;  // every input points at silence
  float **out;       // each output has its own part of sink
  float *silence;
  float *sink;
  // Main thread.
  pthread_t thread;
  bool started;
  // Written by the main thread, read by the audio thread.
  _Atomic bool running;
  // Audio thread only.
  uint64_t frame;
} NullBackend;

// The audio thread's real-time part: one period through process.
static void run_period(NullBackend *nb) GS_REALTIME;
static void run_period(NullBackend *nb)
{
  nb->process(nb->user, nb->in, nb->out, nb->period, nb->frame);
  nb->frame += nb->period;
}

// Deadline of the period `periods` periods after origin.
static struct timespec deadline_of(const NullBackend *nb, struct timespec origin,
                                   uint64_t periods)
{
  const double ns = (double)periods * (double)nb->period * 1e9 / nb->rate_hz;
  return gs_timespec_add(origin, (int64_t)ns);
}

static void *run(void *arg)
{
  NullBackend *nb = arg;
  const int64_t period_ns = (int64_t)((double)nb->period * 1e9 / nb->rate_hz);
  struct timespec origin;
  clock_gettime(CLOCK_MONOTONIC, &origin);
  uint64_t periods = 0;  // since origin
  while (atomic_load_explicit(&nb->running, memory_order_acquire)) {
    run_period(nb);
    ++periods;
    const struct timespec deadline = deadline_of(nb, origin, periods);
    while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &deadline, NULL) == EINTR) {
    }
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    const int64_t late_ns = gs_timespec_diff_ns(now, deadline);
    if (late_ns > period_ns) {
      // Missed by more than a period: count it, say so, and start the
      // deadlines afresh from now (the frames stay contiguous).
      atomic_fetch_add_explicit(&nb->base.xruns, 1, memory_order_relaxed);
      const GsBackendEvent ev = {
        .kind = GS_BACKEND_EV_XRUN,
        .frame = nb->frame,
        .value = (double)late_ns * 1e-3,
        .wall_s = gs_wall_s(),
        .message = "null backend: a period started more than one period late; resynchronised",
      };
      gs_backend_post(&nb->base, &ev);
      origin = now;
      periods = 0;
    }
  }
  return NULL;
}

static GsStatus null_start(GsBackend *b, GsError *err)
{
  NullBackend *nb = (NullBackend *)b;
  if (nb->started) {
    return gs_fail(err, GS_ERR_USAGE, "null backend: already started");
  }
  atomic_store(&nb->running, true);
  int priority = 0;
  const GsStatus st = gs_rt_thread_start(&nb->thread, run, nb, &priority, "null backend", err);
  if (st) {
    atomic_store(&nb->running, false);
    return st;
  }
  atomic_store(&b->priority, priority);
  nb->started = true;
  return GS_OK;
}

static void null_close(GsBackend *b)
{
  NullBackend *nb = (NullBackend *)b;
  if (nb->started) {
    atomic_store_explicit(&nb->running, false, memory_order_release);
    pthread_join(nb->thread, NULL);
  }
  free(nb->in);
  free(nb->out);
  free(nb->silence);
  free(nb->sink);
  free(nb);
}

static const GsBackendOps null_ops = {
  .start = null_start,
  .close = null_close,
  .poll = NULL,
};

GsStatus gs_null_open(const GsBackendConfig *config, GsBackend **out, GsError *err)
{
  *out = NULL;
  const double rate_hz = config->rate_hz > 0 ? config->rate_hz : DEFAULT_RATE_HZ;
  const uint32_t period = config->period ? config->period : DEFAULT_PERIOD;
  if (!(rate_hz >= 1000.0 && rate_hz <= 768000.0)) {
    return gs_fail(err, GS_ERR_RANGE, "null backend: rate %g Hz is out of range (1000 to 768000)",
                   rate_hz);
  }
  if (period > MAX_PERIOD) {
    return gs_fail(err, GS_ERR_RANGE,
                   "null backend: period %u frames is out of range (1 to %u)", period,
                   MAX_PERIOD);
  }
  if (config->max_block && period > config->max_block) {
    return gs_fail(err, GS_ERR_RANGE,
                   "null backend: period %u frames is larger than the largest block the "
                   "engine takes (%u)",
                   period, config->max_block);
  }
  if (config->n_inputs > MAX_CHANNELS || config->n_outputs > MAX_CHANNELS) {
    return gs_fail(err, GS_ERR_RANGE,
                   "null backend: %u inputs and %u outputs: at most %u of each",
                   config->n_inputs, config->n_outputs, MAX_CHANNELS);
  }
  if (!config->process) {
    return gs_fail(err, GS_ERR_USAGE, "null backend: no process callback");
  }
  NullBackend *nb = calloc(1, sizeof(*nb));
  if (!nb) {
    return gs_fail(err, GS_ERR_NOMEM, "null backend: out of memory");
  }
  // At least one pointer each, so calloc(0) never stands for failure.
  nb->in = calloc(config->n_inputs + 1, sizeof(*nb->in));
  nb->out = calloc(config->n_outputs + 1, sizeof(*nb->out));
  nb->silence = calloc(period, sizeof(float));
  nb->sink = calloc((size_t)period * (config->n_outputs + 1), sizeof(float));
  if (!nb->in || !nb->out || !nb->silence || !nb->sink) {
    free(nb->in);
    free(nb->out);
    free(nb->silence);
    free(nb->sink);
    free(nb);
    return gs_fail(err, GS_ERR_NOMEM, "null backend: out of memory");
  }
  gs_backend_base_init(&nb->base, &null_ops, GS_BACKEND_NULL, rate_hz, period);
  nb->process = config->process;
  nb->user = config->user;
  nb->period = period;
  nb->rate_hz = rate_hz;
  for (unsigned c = 0; c < config->n_inputs; ++c) {
    nb->in[c] = nb->silence;
  }
  for (unsigned c = 0; c < config->n_outputs; ++c) {
    nb->out[c] = nb->sink + (size_t)c * period;
  }
  atomic_init(&nb->running, false);
  snprintf(nb->base.info, sizeof(nb->base.info),
           "null: %g Hz, %u frames a period, %u in (silent), %u out (discarded), no hardware",
           rate_hz, period, config->n_inputs, config->n_outputs);
  *out = &nb->base;
  return GS_OK;
}
