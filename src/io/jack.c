// SPDX-License-Identifier: ISC
// The JACK backend: a client with named ports (and metadata pretty-names),
// port latencies for hosts to compensate, events from the server, and
// reconnection with back-off when the server goes away and comes back.

#include "io/backend_impl.h"

#include "error.h"

#include <errno.h>
#include <jack/jack.h>
#include <jack/metadata.h>
#include <jack/statistics.h>
#include <jack/thread.h>

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define NAME_MAX_CHARS 64       // a port's short name, as given
#define BACKOFF_FIRST_S 0.5     // the first wait before reconnecting
#define BACKOFF_MAX_S 5.0       // the longest wait between two attempts

typedef struct {
  GsBackend base;
  GsBackendProcess process;
  void *user;
  uint32_t max_block;
  unsigned n_in, n_out;
  char server[128];        // the name asked for, "" for the default
  char client_name[128];   // the name asked for
  char *connect;           // the --connect pattern, or NULL
  char (*in_name)[NAME_MAX_CHARS];
  char (*out_name)[NAME_MAX_CHARS];
  char **in_pretty, **out_pretty;  // NULL entries for none
  double *in_latency;      // per input, frames (playback latency ranges)
  double *out_latency;     // per output, frames (capture latency ranges): max
  double *out_latency_min; // and min

  // Written by the main thread while the client is inactive; read by JACK's
  // threads while it is active.
  jack_client_t *client;
  jack_port_t **in_port, **out_port;
  const float **in_buf;    // the process thread's scratch
  float **out_buf;

  // The process thread writes the frame count; JACK's notification thread
  // reads it (relaxed) for the time of an xrun.
  _Atomic uint64_t frame;
  _Atomic bool gone;       // set by the shutdown callback, cleared by the main thread
  // The process thread's: the server's frame time its next cycle should
  // start at (reset by the main thread while the client is inactive).
  jack_nframes_t next_time;
  bool clock_known;
  // JACK's notification thread's: the frame of the last xrun reported.
  uint64_t xrun_frame;
  bool xrun_seen;
  // Two threads post: JACK's notification thread and the main thread (when
  // it reconnects); the queue wants one producer at a time.
  pthread_mutex_t post_lock;
  double retry_at_s, backoff_s;  // main thread
  bool active;
} JackBackend;

static double now_s(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static double wall_s(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

// Not on the process thread: JACK's notification thread or the main thread.
static void post(JackBackend *j, GsBackendEventKind kind, double value, const char *message)
{
  GsBackendEvent ev = {.kind = kind,
                       .frame = atomic_load_explicit(&j->frame, memory_order_relaxed),
                       .value = value,
                       .wall_s = wall_s()};
  snprintf(ev.message, sizeof(ev.message), "%s", message ? message : "");
  pthread_mutex_lock(&j->post_lock);
  gs_backend_post(&j->base, &ev);
  pthread_mutex_unlock(&j->post_lock);
}

// libjack prints its own diagnostics; the library prints nothing, and the
// messages that matter reach the user through GsError and the events.
static void quiet(const char *message)
{
  (void)message;
}

static const char *server_label(const JackBackend *j)
{
  if (j->server[0]) {
    return j->server;
  }
  const char *env = getenv("JACK_DEFAULT_SERVER");
  return env && *env ? env : "default";
}

// ---- JACK's threads ---------------------------------------------------------

// jack_port_get_buffer() only looks up the port's buffer: no lock, no system
// call. clang cannot know that, so its effect check is quieted here;
// RealtimeSanitizer still watches the whole callback at run time.
#if defined(__clang__)
#  pragma clang diagnostic push
#  pragma clang diagnostic ignored "-Wfunction-effects"
#endif
static int on_process(jack_nframes_t n, void *arg) GS_REALTIME
{
  JackBackend *j = arg;
  for (unsigned i = 0; i < j->n_in; ++i) {
    j->in_buf[i] = jack_port_get_buffer(j->in_port[i], n);
  }
  for (unsigned o = 0; o < j->n_out; ++o) {
    j->out_buf[o] = jack_port_get_buffer(j->out_port[o], n);
  }
  // Cycles the server ran without us (an xrun) still count: frame follows
  // the server's clock, so the callback can see the gap.
  uint64_t frame = atomic_load_explicit(&j->frame, memory_order_relaxed);
  const jack_nframes_t now = jack_last_frame_time(j->client);
  if (j->clock_known) {
    const jack_nframes_t gap = now - j->next_time;  // unsigned: wraps with the clock
    if (gap > 0 && gap < (1u << 30)) {
      frame += gap;
    }
  }
  j->clock_known = true;
  j->next_time = now + n;
  if (n <= j->max_block) {
    j->process(j->user, j->in_buf, j->out_buf, n, frame);
  } else {  // larger than the engine was built for: silence, counted as an xrun
    for (unsigned o = 0; o < j->n_out; ++o) {
      memset(j->out_buf[o], 0, sizeof(float) * n);
    }
    atomic_fetch_add_explicit(&j->base.xruns, 1, memory_order_relaxed);
  }
  atomic_store_explicit(&j->frame, frame + n, memory_order_relaxed);
  return 0;
}
#if defined(__clang__)
#  pragma clang diagnostic pop
#endif

static int on_xrun(void *arg)
{
  JackBackend *j = arg;
  // JACK reports a stalled cycle once for every period it waited: one xrun
  // at one frame is one event.
  const uint64_t frame = atomic_load_explicit(&j->frame, memory_order_relaxed);
  if (j->xrun_seen && frame == j->xrun_frame) {
    return 0;
  }
  j->xrun_seen = true;
  j->xrun_frame = frame;
  atomic_fetch_add_explicit(&j->base.xruns, 1, memory_order_relaxed);
  const float late_us = j->client ? jack_get_xrun_delayed_usecs(j->client) : 0.0f;
  char message[96];
  snprintf(message, sizeof(message), "xrun: the cycle was %.0f us late", (double)late_us);
  post(j, GS_BACKEND_EV_XRUN, (double)late_us, message);
  return 0;
}

static int on_rate(jack_nframes_t rate, void *arg)
{
  JackBackend *j = arg;
  const double old = atomic_exchange(&j->base.rate_hz, (double)rate);
  if (old != (double)rate) {
    char message[96];
    snprintf(message, sizeof(message), "the sample rate changed from %.0f to %u Hz", old,
             (unsigned)rate);
    post(j, GS_BACKEND_EV_RATE, (double)rate, message);
  }
  return 0;
}

static int on_buffer(jack_nframes_t frames, void *arg)
{
  JackBackend *j = arg;
  const uint32_t old = atomic_exchange(&j->base.block, (uint32_t)frames);
  if (old != frames) {
    char message[96];
    snprintf(message, sizeof(message), "the buffer size changed from %u to %u frames", old,
             (unsigned)frames);
    post(j, GS_BACKEND_EV_BUFFER, (double)frames, message);
  }
  return 0;
}

static void on_shutdown(jack_status_t code, const char *reason, void *arg)
{
  (void)code;
  JackBackend *j = arg;
  atomic_store(&j->gone, true);
  char message[256];
  snprintf(message, sizeof(message), "JACK server '%.100s' went away: %.80s", server_label(j),
           reason && *reason ? reason : "no reason given");
  post(j, GS_BACKEND_EV_SHUTDOWN, 0.0, message);
}

// The union of the ranges of ports in mode, or 0..0 when there are none.
static jack_latency_range_t union_range(jack_port_t **ports, unsigned n,
                                        jack_latency_callback_mode_t mode)
{
  jack_latency_range_t all = {0, 0};
  for (unsigned i = 0; i < n; ++i) {
    jack_latency_range_t r;
    jack_port_get_latency_range(ports[i], mode, &r);
    if (i == 0 || r.min < all.min) {
      all.min = r.min;
    }
    if (i == 0 || r.max > all.max) {
      all.max = r.max;
    }
  }
  return all;
}

static jack_nframes_t frames(double x)
{
  return x > 0.0 ? (jack_nframes_t)lround(x) : 0u;
}

// What reaches an output left the system's capture ports its upstream
// latency earlier, plus gainstage's own delay; what enters an input reaches
// the speakers its downstream latency later, plus the delay from that input
// to the outputs.
static void on_latency(jack_latency_callback_mode_t mode, void *arg)
{
  JackBackend *j = arg;
  if (mode == JackCaptureLatency) {
    const jack_latency_range_t up = union_range(j->in_port, j->n_in, JackCaptureLatency);
    for (unsigned o = 0; o < j->n_out; ++o) {
      jack_latency_range_t r = {up.min + frames(j->out_latency_min[o]),
                                up.max + frames(j->out_latency[o])};
      jack_port_set_latency_range(j->out_port[o], JackCaptureLatency, &r);
    }
  } else {
    const jack_latency_range_t down = union_range(j->out_port, j->n_out, JackPlaybackLatency);
    for (unsigned i = 0; i < j->n_in; ++i) {
      jack_latency_range_t r = {down.min + frames(j->in_latency[i]),
                                down.max + frames(j->in_latency[i])};
      jack_port_set_latency_range(j->in_port[i], JackPlaybackLatency, &r);
    }
  }
}

// ---- the main thread ----------------------------------------------------------

// Opens a client and registers every port; the callbacks are set, the client
// is not active.
static GsStatus open_client(JackBackend *j, GsError *err)
{
  jack_status_t status = 0;
  const jack_options_t options =
    (jack_options_t)(JackNoStartServer | (j->server[0] ? JackServerName : 0));
  j->client = j->server[0] ? jack_client_open(j->client_name, options, &status, j->server)
                           : jack_client_open(j->client_name, options, &status);
  if (!j->client) {
    if (status & JackServerFailed || status & JackServerError) {
      return gs_fail(err, GS_ERR_IO,
                     "JACK server '%s' is not running (start it with `jackd -d ...`, or run "
                     "with --backend alsa or --backend null)",
                     server_label(j));
    }
    return gs_fail(err, GS_ERR_IO, "JACK server '%s' refused the client '%s' (status 0x%x)",
                   server_label(j), j->client_name, (unsigned)status);
  }
  for (unsigned i = 0; i < j->n_in + j->n_out; ++i) {
    const bool in = i < j->n_in;
    const char *name = in ? j->in_name[i] : j->out_name[i - j->n_in];
    jack_port_t *port = jack_port_register(j->client, name, JACK_DEFAULT_AUDIO_TYPE,
                                           in ? JackPortIsInput : JackPortIsOutput, 0);
    if (!port) {
      return gs_fail(err, GS_ERR_IO, "JACK server '%s': cannot register the port '%s:%s'",
                     server_label(j), jack_get_client_name(j->client), name);
    }
    const char *pretty = in ? j->in_pretty[i] : j->out_pretty[i - j->n_in];
    if (pretty) {
      jack_set_property(j->client, jack_port_uuid(port), JACK_METADATA_PRETTY_NAME, pretty,
                        "text/plain");
    }
    if (in) {
      j->in_port[i] = port;
    } else {
      j->out_port[i - j->n_in] = port;
    }
  }
  // Before the callbacks: JACK calls the rate and buffer callbacks at once,
  // and only a change is an event.
  atomic_store(&j->base.rate_hz, (double)jack_get_sample_rate(j->client));
  atomic_store(&j->base.block, (uint32_t)jack_get_buffer_size(j->client));
  snprintf(j->base.info, sizeof(j->base.info),
           "JACK server '%.100s': %u Hz, %u frames, client '%.60s'", server_label(j), (unsigned)jack_get_sample_rate(j->client),
           (unsigned)jack_get_buffer_size(j->client), jack_get_client_name(j->client));
  j->clock_known = false;  // a new client, perhaps a new server: a new clock
  jack_set_process_callback(j->client, on_process, j);
  jack_set_xrun_callback(j->client, on_xrun, j);
  jack_set_sample_rate_callback(j->client, on_rate, j);
  jack_set_buffer_size_callback(j->client, on_buffer, j);
  jack_set_latency_callback(j->client, on_latency, j);
  jack_on_info_shutdown(j->client, on_shutdown, j);
  return GS_OK;
}

// Connects ours to the physical ports whose names match the pattern: our
// inputs to their capture ports, our outputs to their playback ports, in
// order, as far as both go.
static void connect_ports(JackBackend *j)
{
  if (!j->connect) {
    return;
  }
  for (int side = 0; side < 2; ++side) {
    const char **theirs = jack_get_ports(j->client, j->connect, JACK_DEFAULT_AUDIO_TYPE,
                                         JackPortIsPhysical |
                                           (side == 0 ? JackPortIsOutput : JackPortIsInput));
    const unsigned n = side == 0 ? j->n_in : j->n_out;
    for (unsigned k = 0; theirs && theirs[k] && k < n; ++k) {
      const char *ours = jack_port_name(side == 0 ? j->in_port[k] : j->out_port[k]);
      if (side == 0) {
        jack_connect(j->client, theirs[k], ours);
      } else {
        jack_connect(j->client, ours, theirs[k]);
      }
    }
    jack_free(theirs);
  }
}

static GsStatus jack_connect_one(GsBackend *b, bool output, unsigned index, const char *pattern,
                                 GsError *err)
{
  JackBackend *j = (JackBackend *)b;
  if (!j->client || index >= (output ? j->n_out : j->n_in) ||
      (!pattern && index >= (output ? j->n_in : j->n_out))) {
    return gs_fail(err, GS_ERR_RANGE, "no %s port %u to connect", output ? "output" : "input",
                   index + 1);
  }
  const char *ours = jack_port_name(output ? j->out_port[index] : j->in_port[index]);
  const char *other = NULL;
  const char **theirs = NULL;
  if (!pattern) {
    other = jack_port_name(output ? j->in_port[index] : j->out_port[index]);
  } else {
    theirs = jack_get_ports(j->client, pattern, JACK_DEFAULT_AUDIO_TYPE,
                            output ? JackPortIsInput : JackPortIsOutput);
    if (!theirs || !theirs[0]) {
      jack_free(theirs);
      return gs_fail(err, GS_ERR_UNKNOWN, "JACK server '%s': no %s port matches '%s' (jack_lsp "
                     "lists them)", server_label(j), output ? "input" : "output", pattern);
    }
    other = theirs[0];
  }
  const char *from = output ? ours : other, *to = output ? other : ours;
  const int rc = jack_connect(j->client, from, to);
  GsStatus st = GS_OK;
  if (rc && rc != EEXIST) {
    st = gs_fail(err, GS_ERR_IO, "JACK server '%s': cannot connect %s to %s", server_label(j),
                 from, to);
  }
  jack_free(theirs);
  return st;
}

static GsStatus jack_start(GsBackend *b, GsError *err)
{
  JackBackend *j = (JackBackend *)b;
  if (jack_activate(j->client)) {
    return gs_fail(err, GS_ERR_IO, "JACK server '%s': cannot activate the client '%s'",
                   server_label(j), jack_get_client_name(j->client));
  }
  j->active = true;
  const int priority =
    jack_is_realtime(j->client) ? jack_client_real_time_priority(j->client) : 0;
  atomic_store(&b->priority, priority > 0 ? priority : 0);
  connect_ports(j);
  return GS_OK;
}

static void close_client(JackBackend *j)
{
  if (j->client) {
    if (j->active) {
      jack_deactivate(j->client);
    }
    // The server keeps metadata after a client has gone, and a later port
    // may get the same UUID: take the pretty-names with us.
    for (unsigned i = 0; !atomic_load(&j->gone) && i < j->n_in + j->n_out; ++i) {
      jack_port_t *port = i < j->n_in ? j->in_port[i] : j->out_port[i - j->n_in];
      if (port) {
        jack_remove_properties(j->client, jack_port_uuid(port));
      }
    }
    jack_client_close(j->client);
    j->client = NULL;
  }
  j->active = false;
}

static void free_backend(JackBackend *j)
{
  for (unsigned i = 0; j->in_pretty && i < j->n_in; ++i) {
    free(j->in_pretty[i]);
  }
  for (unsigned o = 0; j->out_pretty && o < j->n_out; ++o) {
    free(j->out_pretty[o]);
  }
  free(j->in_pretty);
  free(j->out_pretty);
  free(j->in_name);
  free(j->out_name);
  free(j->in_latency);
  free(j->out_latency);
  free(j->out_latency_min);
  free(j->in_port);
  free(j->out_port);
  free(j->in_buf);
  free(j->out_buf);
  free(j->connect);
  pthread_mutex_destroy(&j->post_lock);
  free(j);
}

static void jack_close(GsBackend *b)
{
  JackBackend *j = (JackBackend *)b;
  close_client(j);
  free_backend(j);
}

// After the server went away: a new client on the same server, the same
// ports, active and connected again, tried with back-off.
static void jack_poll(GsBackend *b)
{
  JackBackend *j = (JackBackend *)b;
  if (!atomic_load(&j->gone)) {
    return;
  }
  const double now = now_s();
  if (now < j->retry_at_s) {
    return;
  }
  close_client(j);
  GsError err;
  if (open_client(j, &err) || jack_start(b, &err)) {
    close_client(j);
    j->retry_at_s = now + j->backoff_s;
    j->backoff_s = fmin(2.0 * j->backoff_s, BACKOFF_MAX_S);
    return;
  }
  j->backoff_s = BACKOFF_FIRST_S;
  j->retry_at_s = 0.0;
  atomic_store(&j->gone, false);
  char message[256];
  snprintf(message, sizeof(message), "JACK server '%.100s' is back: client '%.60s' reconnected",
           server_label(j), jack_get_client_name(j->client));
  post(j, GS_BACKEND_EV_RECONNECTED, gs_backend_rate(b), message);
}

static const GsBackendOps jack_ops = {
  .start = jack_start,
  .close = jack_close,
  .poll = jack_poll,
  .connect = jack_connect_one,
};

static char *copy(const char *s)
{
  return s ? strdup(s) : NULL;
}

static GsStatus copy_config(JackBackend *j, const GsBackendConfig *c, GsError *err)
{
  const unsigned ni = c->n_inputs, no = c->n_outputs;
  j->in_name = calloc(ni + 1, sizeof(*j->in_name));
  j->out_name = calloc(no + 1, sizeof(*j->out_name));
  j->in_pretty = calloc(ni + 1, sizeof(char *));
  j->out_pretty = calloc(no + 1, sizeof(char *));
  j->in_latency = calloc(ni + 1, sizeof(double));
  j->out_latency = calloc(no + 1, sizeof(double));
  j->out_latency_min = calloc(no + 1, sizeof(double));
  j->in_port = calloc(ni + 1, sizeof(jack_port_t *));
  j->out_port = calloc(no + 1, sizeof(jack_port_t *));
  j->in_buf = calloc(ni + 1, sizeof(float *));
  j->out_buf = calloc(no + 1, sizeof(float *));
  if (!j->in_name || !j->out_name || !j->in_pretty || !j->out_pretty || !j->in_latency ||
      !j->out_latency || !j->out_latency_min || !j->in_port || !j->out_port || !j->in_buf ||
      !j->out_buf || (c->connect && !(j->connect = copy(c->connect)))) {
    return gs_fail(err, GS_ERR_NOMEM, "out of memory opening the JACK client");
  }
  for (unsigned i = 0; i < ni + no; ++i) {
    const bool in = i < ni;
    const unsigned k = in ? i : i - ni;
    const char *const *names = in ? c->input_names : c->output_names;
    const char *const *pretty = in ? c->input_pretty : c->output_pretty;
    char *name = in ? j->in_name[k] : j->out_name[k];
    if (names && names[k]) {
      if (strlen(names[k]) >= NAME_MAX_CHARS) {
        return gs_fail(err, GS_ERR_RANGE, "JACK port name '%s' is too long (at most %d characters)",
                       names[k], NAME_MAX_CHARS - 1);
      }
      snprintf(name, NAME_MAX_CHARS, "%s", names[k]);
    } else {
      snprintf(name, NAME_MAX_CHARS, "%s_%u", in ? "in" : "out", k + 1);
    }
    if (pretty && pretty[k]) {
      char **slot = in ? &j->in_pretty[k] : &j->out_pretty[k];
      if (!(*slot = copy(pretty[k]))) {
        return gs_fail(err, GS_ERR_NOMEM, "out of memory opening the JACK client");
      }
    }
  }
  for (unsigned i = 0; i < ni; ++i) {
    j->in_latency[i] = c->input_latency ? c->input_latency[i] : 0.0;
  }
  for (unsigned o = 0; o < no; ++o) {
    j->out_latency[o] = c->output_latency ? c->output_latency[o] : 0.0;
    j->out_latency_min[o] = c->output_latency_min ? c->output_latency_min[o] : j->out_latency[o];
  }
  return GS_OK;
}

GsStatus gs_jack_open(const GsBackendConfig *config, GsBackend **out, GsError *err)
{
  *out = NULL;
  if (!config->process || config->max_block == 0) {
    return gs_fail(err, GS_ERR_USAGE, "JACK backend: no process callback or no max_block");
  }
  JackBackend *j = calloc(1, sizeof(*j));
  if (!j) {
    return gs_fail(err, GS_ERR_NOMEM, "out of memory opening the JACK client");
  }
  pthread_mutex_init(&j->post_lock, NULL);
  gs_backend_base_init(&j->base, &jack_ops, GS_BACKEND_JACK, 0.0, 0);
  atomic_init(&j->frame, 0);
  atomic_init(&j->gone, false);
  j->process = config->process;
  j->user = config->user;
  j->max_block = config->max_block;
  j->n_in = config->n_inputs;
  j->n_out = config->n_outputs;
  j->backoff_s = BACKOFF_FIRST_S;
  snprintf(j->server, sizeof(j->server), "%s", config->server ? config->server : "");
  snprintf(j->client_name, sizeof(j->client_name), "%s",
           config->client_name ? config->client_name : "gainstage");
  jack_set_error_function(quiet);
  jack_set_info_function(quiet);
  GsStatus st = copy_config(j, config, err);
  if (!st) {
    st = open_client(j, err);
  }
  if (st) {
    close_client(j);
    free_backend(j);
    return st;
  }
  *out = &j->base;
  return GS_OK;
}

GsStatus gs_jack_list(char *out, size_t size, GsError *err)
{
  jack_set_error_function(quiet);
  jack_set_info_function(quiet);
  jack_status_t status = 0;
  jack_client_t *client = jack_client_open("gainstage-list", JackNoStartServer, &status);
  const char *env = getenv("JACK_DEFAULT_SERVER");
  const char *server = env && *env ? env : "default";
  if (!client) {
    return gs_fail(err, GS_ERR_IO,
                   "JACK server '%s' is not running (start it with `jackd -d ...`, or run with "
                   "--backend alsa or --backend null)",
                   server);
  }
  size_t len = 0;
  len += (size_t)snprintf(out, size, "jack: server '%s', %u Hz, %u frames a buffer\n", server,
                          (unsigned)jack_get_sample_rate(client),
                          (unsigned)jack_get_buffer_size(client));
  const char **ports = jack_get_ports(client, NULL, JACK_DEFAULT_AUDIO_TYPE, JackPortIsPhysical);
  for (size_t k = 0; ports && ports[k] && len < size; ++k) {
    jack_port_t *p = jack_port_by_name(client, ports[k]);
    const bool capture = p && (jack_port_flags(p) & JackPortIsOutput);
    len += (size_t)snprintf(out + len, size - len, "  %s (%s)\n", ports[k],
                            capture ? "capture" : "playback");
  }
  jack_free(ports);
  jack_client_close(client);
  return GS_OK;
}
