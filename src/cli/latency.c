// SPDX-License-Identifier: ISC
// gainstage latency: measures the round trip through a loopback (a cable
// from an output to an input on hardware, or a port connection in JACK) by
// sending a noise burst and finding it in what comes back, and can store the
// result in a session so recordings line up with playback.

#include "cli/commands.h"
#include "cli/say.h"
#include "dsp/delay_estimate.h"
#include "gainstage/session.h"
#include "io/backend.h"

#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define PROBE_S 0.5    // the burst: half a second of noise
#define LEAD_S 0.1     // silence before it, so the loop has settled
#define LISTEN_S 1.5   // what is recorded after the burst starts: the longest round trip
#define TIMEOUT_S 10.0 // give up when the backend has not run the probe by then
#define ATTEMPTS 3     // measurements an xrun may spoil before giving up
#define AGAIN (-2)     // measure(): an xrun spoiled this one

// One line on stderr, "gainstage latency: ..."; bad() returns the bad-input status.
#define bad(...) gs_cli_bad("latency", __VA_ARGS__)

static const char usage[] =
  "usage: gainstage latency [options] [SESSION]\n"
  "Measures the round trip from an output to an input through a loopback, as\n"
  "jack_iodelay does: a cable on hardware, or a port connection in JACK. A noise\n"
  "burst goes out, and where it comes back says the latency, to a thousandth of a\n"
  "sample. With SESSION and --save the result is stored as its latency_samples.\n"
  "\n"
  "      --backend B       jack (default) or alsa\n"
  "      --server NAME     JACK server (default: $JACK_DEFAULT_SERVER or 'default')\n"
  "      --client-name N   JACK client name (default: gainstage-latency)\n"
  "      --send PORT       JACK: the playback port the burst goes to (a regular expression)\n"
  "      --return PORT     JACK: the capture port it comes back from\n"
  "      --loopback        JACK: connect the client's own output to its input (one\n"
  "                        period by JACK's rules: a check of the set-up)\n"
  "      --device PCM      ALSA device, with a cable from output 1 to input 1\n"
  "      --rate HZ         ALSA: the rate (default 48000)\n"
  "      --period N        ALSA: frames per period (default 256)\n"
  "      --level DBFS      the burst's RMS level (-40 to -6, default -20)\n"
  "      --save            store the result in SESSION (latency_samples)\n"
  "      --json            print the result as JSON\n"
  "  -h, --help            show this help\n"
  "\n"
  "Exit status: 0 measured, 1 nothing came back (check the loopback), 2 bad input.\n";

typedef struct {
  const char *backend, *server, *client, *send, *ret, *device, *session;
  bool loopback, save, json;
  double level_dbfs, rate_hz;
  uint32_t period;
} Options;

// Written by the main thread before the backend starts, then by the audio
// thread only; done is how the main thread learns the probe is over.
typedef struct {
  float *probe;
  size_t n_probe, lead;
  float *heard;
  size_t n_heard;
  size_t pos;            // frames played since the start
  _Atomic bool done;
} Probe;

static void process(void *user, const float *const *in, float *const *out, uint32_t n,
                    uint64_t frame) GS_REALTIME
{
  (void)frame;
  Probe *p = user;
  for (uint32_t i = 0; i < n; ++i) {
    const size_t t = p->pos + i;
    out[0][i] = t >= p->lead && t - p->lead < p->n_probe ? p->probe[t - p->lead] : 0.0f;
    if (t >= p->lead && t - p->lead < p->n_heard) {
      p->heard[t - p->lead] = in[0][i];
    }
  }
  p->pos += n;
  if (p->pos >= p->lead + p->n_heard) {
    atomic_store_explicit(&p->done, true, memory_order_release);
  }
}

static int parse_options(Options *o, int argc, char **argv)
{
  enum { BACKEND = 256, SERVER, CLIENT, SEND, RETURN, LOOPBACK, DEVICE, RATE, PERIOD, LEVEL,
         SAVE, JSON };
  static const struct option longs[] = {
    {"backend", required_argument, NULL, BACKEND}, {"server", required_argument, NULL, SERVER},
    {"client-name", required_argument, NULL, CLIENT}, {"send", required_argument, NULL, SEND},
    {"return", required_argument, NULL, RETURN}, {"loopback", no_argument, NULL, LOOPBACK},
    {"device", required_argument, NULL, DEVICE}, {"rate", required_argument, NULL, RATE},
    {"period", required_argument, NULL, PERIOD}, {"level", required_argument, NULL, LEVEL},
    {"save", no_argument, NULL, SAVE}, {"json", no_argument, NULL, JSON},
    {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
  *o = (Options){.backend = "jack", .client = "gainstage-latency", .level_dbfs = -20.0,
                 .rate_hz = 48000.0, .period = 256};
  opterr = 0;
  optind = 1;
  int c;
  char *end;
  while ((c = getopt_long(argc, argv, "h", longs, NULL)) != -1) {
    switch (c) {
    case BACKEND: o->backend = optarg; break;
    case SERVER: o->server = optarg; break;
    case CLIENT: o->client = optarg; break;
    case SEND: o->send = optarg; break;
    case RETURN: o->ret = optarg; break;
    case LOOPBACK: o->loopback = true; break;
    case DEVICE: o->device = optarg; break;
    case SAVE: o->save = true; break;
    case JSON: o->json = true; break;
    case RATE:
      o->rate_hz = strtod(optarg, &end);
      if (*end || !(o->rate_hz >= 8000.0 && o->rate_hz <= 384000.0)) {
        return bad("--rate '%s' is not a rate from 8000 to 384000 Hz", optarg);
      }
      break;
    case PERIOD: {
      const long v = strtol(optarg, &end, 10);
      if (*end || v < 16 || v > 8192) {
        return bad("--period '%s' is not a period from 16 to 8192 frames", optarg);
      }
      o->period = (uint32_t)v;
      break;
    }
    case LEVEL:
      o->level_dbfs = strtod(optarg, &end);
      if (*end || !(o->level_dbfs >= -40.0 && o->level_dbfs <= -6.0)) {
        return bad("--level '%s' is out of range (-40 to -6 dBFS)", optarg);
      }
      break;
    case 'h': fputs(usage, stdout); return -1;
    default:
      return bad("unknown option '%s' (see gainstage latency --help)", argv[optind - 1]);
    }
  }
  if (optind < argc) {
    o->session = argv[optind++];
  }
  if (optind < argc) {
    return bad("one session at most, '%s' is one too many", argv[optind]);
  }
  if (o->save && !o->session) {
    return bad("--save needs a SESSION to store the result in");
  }
  return 0;
}

// The backend's ports: JACK connects the burst's output and the return
// input by pattern, or the client to itself.
static GsStatus open_backend(const Options *o, GsBackendKind kind, Probe *p, GsBackend **b,
                             GsError *err)
{
  static const char *const in_names[] = {"in"}, *const out_names[] = {"out"};
  const GsBackendConfig config = {
    .kind = kind, .client_name = o->client, .server = o->server, .device = o->device,
    .rate_hz = o->rate_hz, .period = o->period, .n_inputs = 1, .n_outputs = 1,
    .input_names = in_names, .output_names = out_names, .process = process, .user = p,
    .max_block = 8192};
  return gs_backend_open(&config, b, err);
}

static int report(const Options *o, const GsDelayEstimate *e, double rate_hz, uint32_t block)
{
  const double ms = e->samples / rate_hz * 1000.0;
  if (o->json) {
    printf("{\"round_trip_samples\": %.3f, \"round_trip_ms\": %.4f, \"rate_hz\": %g, "
           "\"block\": %u, \"return_gain_db\": %.2f, \"confidence_db\": %.1f, "
           "\"inverted\": %s}\n",
           e->samples, ms, rate_hz, block, e->gain_db, e->confidence_db,
           e->inverted ? "true" : "false");
  } else {
    printf("round trip: %.3f samples (%.3f ms) at %g Hz, block %u\n", e->samples, ms, rate_hz,
           block);
    printf("return level %.1f dB, confidence %.1f dB%s\n", e->gain_db, e->confidence_db,
           e->inverted ? ", polarity inverted" : "");
  }
  return 0;
}

static int save(const Options *o, double samples)
{
  GsSession s;
  GsError err;
  if (gs_session_load(o->session, &s, &err)) {
    return bad("%s", err.message);
  }
  s.latency_samples = round(samples * 1000.0) / 1000.0;
  const GsStatus st = gs_session_write(&s, o->session, &err);
  gs_session_free(&s);
  if (st) {
    return bad("%s", err.message);
  }
  fprintf(stderr, "gainstage latency: stored in %s (latency_samples: %.3f)\n", o->session,
          samples);
  return 0;
}

static int measure(const Options *o)
{
  GsError err;
  GsBackendKind kind;
  if (gs_backend_kind_parse(o->backend, &kind, &err) || kind == GS_BACKEND_NULL) {
    return bad("--backend '%s': the round trip needs jack or alsa", o->backend);
  }
  if (kind == GS_BACKEND_JACK && !o->loopback && (!o->send || !o->ret)) {
    return bad("JACK needs the loop: --send PORT and --return PORT, or --loopback");
  }
  if (o->session) {  // a session to store into must load before anything is measured
    GsSession s;
    if (gs_session_load(o->session, &s, &err)) {
      return bad("%s", err.message);
    }
    gs_session_free(&s);
  }
  Probe p = {0};
  atomic_init(&p.done, false);
  GsBackend *b = NULL;
  if (open_backend(o, kind, &p, &b, &err)) {
    return bad("%s", err.message);
  }
  const double rate = gs_backend_rate(b);
  p.n_probe = (size_t)(PROBE_S * rate);
  p.lead = (size_t)(LEAD_S * rate);
  p.n_heard = p.n_probe + (size_t)(LISTEN_S * rate);
  p.probe = calloc(p.n_probe, sizeof(float));
  p.heard = calloc(p.n_heard, sizeof(float));
  int status = 1;
  if (!p.probe || !p.heard) {
    fprintf(stderr, "gainstage latency: out of memory\n");
    goto out;
  }
  gs_delay_probe(p.probe, p.n_probe, (float)(pow(10.0, o->level_dbfs / 20.0)), 1);
  if (gs_backend_start(b, &err)) {
    status = bad("%s", err.message);
    goto out;
  }
  if (kind == GS_BACKEND_JACK) {
    // The loop: our output to the send port and the return port to our
    // input, or our output straight to our input.
    GsStatus st = GS_OK;
    if (o->loopback) {
      st = gs_backend_connect(b, true, 0, NULL, &err);
    } else {
      st = gs_backend_connect(b, true, 0, o->send, &err);
      if (!st) {
        st = gs_backend_connect(b, false, 0, o->ret, &err);
      }
    }
    if (st) {
      status = bad("%s", err.message);
      goto out;
    }
  }
  const struct timespec tick = {0, 20 * 1000 * 1000};
  for (double waited = 0.0; !atomic_load_explicit(&p.done, memory_order_acquire);
       waited += 0.02) {
    if (waited > TIMEOUT_S + PROBE_S + LISTEN_S) {
      fprintf(stderr, "gainstage latency: the %s backend did not run (no process calls in "
                      "%.0f s)\n", o->backend, waited);
      goto out;
    }
    GsBackendEvent ev;
    while (gs_backend_poll(b, &ev)) {
      if (ev.kind == GS_BACKEND_EV_XRUN) {
        status = AGAIN;  // the loop lost frames: this burst says nothing
        goto out;
      }
      if (ev.kind == GS_BACKEND_EV_SHUTDOWN) {
        fprintf(stderr, "gainstage latency: the server went away during the measurement\n");
        goto out;
      }
    }
    nanosleep(&tick, NULL);
  }
  const uint32_t block = gs_backend_block(b);
  gs_backend_close(b);
  b = NULL;
  GsDelayEstimate e;
  if (gs_delay_estimate(p.probe, p.n_probe, p.heard, p.n_heard, &e)) {
    fprintf(stderr, "gainstage latency: nothing came back (confidence %.1f dB): check that "
                    "the output is looped to the input%s\n", e.confidence_db,
            kind == GS_BACKEND_JACK ? " (--send and --return, or --loopback)" : "");
    goto out;
  }
  status = report(o, &e, rate, block);
  if (o->save) {
    status = save(o, e.samples);
  }
out:
  gs_backend_close(b);
  free(p.probe);
  free(p.heard);
  return status;
}

int gs_cli_latency(int argc, char **argv)
{
  Options o;
  const int st = parse_options(&o, argc, argv);
  if (st) {
    return st < 0 ? 0 : st;
  }
  for (int attempt = 1; attempt <= ATTEMPTS; ++attempt) {
    const int status = measure(&o);
    if (status != AGAIN) {
      return status;
    }
    fprintf(stderr, "gainstage latency: an xrun during measurement %d of at most %d%s\n",
            attempt, ATTEMPTS, attempt < ATTEMPTS ? "; measuring again" : "");
  }
  return 1;
}
