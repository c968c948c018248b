// SPDX-License-Identifier: ISC
// gainstage run: a session as a live interface on JACK, ALSA or the null
// clock: ports, monitoring mixes, meters, recording, events, commands on
// standard input and signals.

#include "cli/commands.h"
#include "cli/say.h"
#include "cli/run_input.h"
#include "cli/run_rig.h"
#include "cli/run_state.h"
#include "cli/session_sources.h"
#include "gainstage/engine.h"
#include "gainstage/session.h"
#include "io/backend.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define JACK_MAX_BLOCK 8192  // the largest buffer a JACK server runs with

// One line on stderr, "gainstage run: ..."; bad() returns the bad-input status.
#define bad(...) gs_cli_bad("run", __VA_ARGS__)
#define say(...) gs_cli_say("run", __VA_ARGS__)

static const char usage[] =
  "usage: gainstage run [options] SESSION\n"
  "Runs a session as a live interface: each strip takes an input (a JACK or ALSA\n"
  "capture port, or the session's own source), with monitor mixes, meters and a\n"
  "recorder. Commands on standard input: record start, record stop, status,\n"
  "load FILE (apply a snapshot), quit. SIGUSR1 starts recording, SIGUSR2 stops it.\n"
  "\n"
  "      --backend B       jack (default), alsa or null\n"
  "      --server NAME     JACK server (default: $JACK_DEFAULT_SERVER or 'default')\n"
  "      --client-name N   JACK client name (default: gainstage)\n"
  "      --device PCM      ALSA device (default: default)\n"
  "      --period N        ALSA and null: frames per period (default: the session's block)\n"
  "      --periods N       ALSA: periods in the buffer (default 2)\n"
  "      --connect REGEX   JACK: connect to the physical ports whose names match\n"
  "      --sources S       ports: strips take the backend's inputs (default for jack and\n"
  "                        alsa); session: the session's own sources (default for null)\n"
  "      --record          start recording at once\n"
  "      --duration S      stop after S seconds\n"
  "      --preroll S       a take keeps the S seconds before record is pressed (0 to 60,\n"
  "                        default 2)\n"
  "      --out DIR         folder for the takes (default: the current folder)\n"
  "      --yes             switch +48 V on without asking\n"
  "  -h, --help            show this help\n"
  "\n"
  "Exit status: 0 when stopped, 2 for a bad session, argument, server, device or\n"
  "folder, 1 when something fails while running. docs/live.md has the details.\n";

typedef struct {
  const char *session_path;
  GsBackendKind backend;
  const char *server, *client_name, *device, *connect, *out_dir;
  uint32_t period;
  unsigned periods;
  int sources;  // -1: the backend's default, 0: session, 1: ports
  bool record, yes;
  double duration_s;
  double preroll_s;  // what a take keeps from before record was pressed
} Options;

static bool parse_number(const char *text, double lo, double hi, double *out)
{
  char *end = NULL;
  errno = 0;
  *out = strtod(text, &end);
  return end != text && !*end && !errno && *out >= lo && *out <= hi;
}

static int parse_options(Options *o, int argc, char **argv)
{
  enum { BACKEND = 256, SERVER, CLIENT, DEVICE, PERIOD, PERIODS, CONNECT, SOURCES, RECORD,
         DURATION, OUT, YES, PREROLL };
  static const struct option opts[] = {
    {"backend", required_argument, NULL, BACKEND}, {"server", required_argument, NULL, SERVER},
    {"client-name", required_argument, NULL, CLIENT},
    {"device", required_argument, NULL, DEVICE},   {"period", required_argument, NULL, PERIOD},
    {"periods", required_argument, NULL, PERIODS},
    {"connect", required_argument, NULL, CONNECT},
    {"sources", required_argument, NULL, SOURCES}, {"record", no_argument, NULL, RECORD},
    {"duration", required_argument, NULL, DURATION}, {"out", required_argument, NULL, OUT},
    {"yes", no_argument, NULL, YES},               {"help", no_argument, NULL, 'h'},
    {"preroll", required_argument, NULL, PREROLL},
    {NULL, 0, NULL, 0},
  };
  *o = (Options){.backend = GS_BACKEND_JACK, .sources = -1, .preroll_s = 2.0};
  opterr = 0;
  optind = 1;
  int c;
  double x;
  GsError err;
  while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
    switch (c) {
    case BACKEND:
      if (gs_backend_kind_parse(optarg, &o->backend, &err)) {
        return bad("--backend: %s", err.message);
      }
      break;
    case SERVER: o->server = optarg; break;
    case CLIENT: o->client_name = optarg; break;
    case DEVICE: o->device = optarg; break;
    case CONNECT: o->connect = optarg; break;
    case OUT: o->out_dir = optarg; break;
    case RECORD: o->record = true; break;
    case YES: o->yes = true; break;
    case PERIOD:
      if (!parse_number(optarg, 16, 8192, &x)) {
        return bad("--period %s: expected 16 to 8192 frames", optarg);
      }
      o->period = (uint32_t)x;
      break;
    case PERIODS:
      if (!parse_number(optarg, 2, 16, &x)) {
        return bad("--periods %s: expected 2 to 16", optarg);
      }
      o->periods = (unsigned)x;
      break;
    case SOURCES:
      if (strcmp(optarg, "ports") && strcmp(optarg, "session")) {
        return bad("--sources %s: expected ports or session", optarg);
      }
      o->sources = !strcmp(optarg, "ports");
      break;
    case DURATION:
      if (!parse_number(optarg, 0.001, 1e7, &o->duration_s)) {
        return bad("--duration %s: expected a time in seconds above 0", optarg);
      }
      break;
    case PREROLL:
      if (!parse_number(optarg, 0.0, 60.0, &o->preroll_s)) {
        return bad("--preroll %s: expected 0 to 60 seconds", optarg);
      }
      break;
    case 'h': fputs(usage, stdout); return 0;
    case ':': return bad("%s needs a value (see --help)", argv[optind - 1]);
    default: return bad("unknown option '%s' (see --help)", argv[optind - 1]);
    }
  }
  if (argc - optind != 1) {
    return bad("expected one SESSION file, got %d (see --help)", argc - optind);
  }
  o->session_path = argv[optind];
  if (o->sources < 0) {
    o->sources = o->backend != GS_BACKEND_NULL;
  }
  return -1;
}

// ---- the running interface -------------------------------------------------------

typedef struct {
  Options o;
  GsSession session;     // the session as started (the rig's layout)
  GsSession *current;    // the state now (a loaded snapshot, or &session)
  GsSession **loaded;    // every snapshot loaded, kept until the end (each allocated
                         // on its own: current points at one)
  size_t n_loaded;
  GsRig rig;
  GsBackend *backend;
  GsRunLines in;
  GsRigPorts ports;
  double start_s;
} Run;

static double now_s(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void run_free(Run *r)
{
  gs_backend_close(r->backend);
  gs_rig_core_free(atomic_exchange(&r->rig.next, NULL));  // handed over, never taken
  gs_rig_collect(&r->rig);
  gs_rig_core_free(r->rig.current);
  gs_band_source_free(&r->rig.band);
  gs_rig_ports_free(&r->ports);
  for (size_t i = 0; i < r->n_loaded; ++i) {
    gs_session_free(r->loaded[i]);
    free(r->loaded[i]);
  }
  free(r->loaded);
  gs_session_free(&r->session);
}

static GsRigCore *core(Run *r)
{
  return r->rig.latest;
}

static void record_start(Run *r)
{
  GsRigCore *c = core(r);
  GsError err = {{0}};
  if (!c->record) {
    say("record: no strip is armed (armed: true in the session)");
  } else if (gs_run_record_recording(c->record)) {
    say("record: already recording");
  } else if (gs_run_record_start(c->record, &err)) {
    say("record: %s", err.message);
  } else {
    say("recording %u track%s into %s", gs_run_record_tracks(c->record),
        gs_run_record_tracks(c->record) == 1 ? "" : "s", r->o.out_dir ? r->o.out_dir : ".");
  }
}

static void record_stop(Run *r, bool quiet_if_idle)
{
  GsRigCore *c = core(r);
  if (!c || !c->record || !gs_run_record_recording(c->record)) {
    if (!quiet_if_idle) {
      say("record: not recording");
    }
    return;
  }
  char summary[1200];
  GsError err = {{0}};
  const GsStatus st = gs_run_record_stop(c->record, summary, sizeof(summary), &err);
  say("%s", summary);
  if (st) {
    say("record: %s", err.message);
  }
}

static void status(Run *r)
{
  const GsEngineConfig *ec = &r->session.engine;
  printf("%.0f Hz, %u frames a block, %llu xruns, %s\n", gs_backend_rate(r->backend),
         gs_backend_block(r->backend), (unsigned long long)gs_backend_xruns(r->backend),
         gs_run_record_recording(core(r)->record) ? "recording" : "not recording");
  for (unsigned i = 0; i < ec->n_strips; ++i) {
    GsStripMeters m;
    gs_engine_strip_meters(core(r)->engine, i, &m);
    printf("strip %u (%s): peak %.1f dBFS, hold %.1f dBFS, rms %.1f dBFS, input %.1f dBu, "
           "%llu clips%s\n",
           i + 1, ec->strips[i].name, (double)m.peak_dbfs, (double)m.peak_hold_dbfs,
           (double)m.rms_dbfs, (double)m.input_peak_dbu, (unsigned long long)m.clips,
           gs_engine_strip_phantom(core(r)->engine, i) ? ", +48 V" : "");
  }
  fflush(stdout);
}

// load FILE: the same diff and confirmation as at start.
static void load(Run *r, const char *path)
{
  GsSession next;
  GsError err = {{0}};
  if (gs_session_load(path, &next, &err)) {
    say("load: %s", err.message);
    return;
  }
  char diff[1024];
  if (gs_run_fixed_diff(&r->session, &next, diff, sizeof(diff))) {
    say("load %s: refused: these cannot change while running (restart with the file): %s",
        path, diff);
    gs_session_free(&next);
    return;
  }
  bool no_tty = false;
  if (gs_run_phantom_diff(r->current, &next, diff, sizeof(diff)) &&
      !gs_run_confirm(&r->in, diff, r->o.yes, &no_tty)) {
    say(no_tty ? "load %s: refused: it switches %s; run with --yes to allow it without a terminal"
               : "load %s: refused (%s)",
        path, diff);
    gs_session_free(&next);
    return;
  }
  GsSession **grown = realloc(r->loaded, (r->n_loaded + 1) * sizeof(GsSession *));
  GsSession *now = grown ? malloc(sizeof(GsSession)) : NULL;
  if (grown) {
    r->loaded = grown;
  }
  if (!now) {
    say("load: out of memory");
    gs_session_free(&next);
    return;
  }
  *now = next;
  r->loaded[r->n_loaded++] = now;
  for (unsigned i = 0; i < now->engine.n_strips; ++i) {
    atomic_store(&core(r)->phantom[i], now->engine.strips[i].phantom);
  }
  unsigned n = 0;
  const GsStatus st = gs_run_apply(r->current, now, core(r)->engine, &n, &err);
  r->current = now;
  if (st) {
    say("load %s: %s", path, err.message);
  } else {
    say("load %s: %u change%s applied", path, n, n == 1 ? "" : "s");
  }
}

// Returns false for quit.
static bool command(Run *r, const char *line)
{
  while (*line == ' ' || *line == '\t') {
    ++line;
  }
  if (!*line) {
    return true;
  }
  if (!strcmp(line, "quit") || !strcmp(line, "exit")) {
    return false;
  }
  if (!strcmp(line, "record start") || !strcmp(line, "record")) {
    record_start(r);
  } else if (!strcmp(line, "record stop")) {
    record_stop(r, false);
  } else if (!strcmp(line, "status")) {
    status(r);
  } else if (!strncmp(line, "load ", 5)) {
    load(r, line + 5);
  } else {
    say("unknown command '%s' (record start, record stop, status, load FILE, quit)", line);
  }
  return true;
}

// A rate change: the take ends, a new engine at the new rate takes over.
static void rebuild(Run *r, double rate_hz)
{
  record_stop(r, true);
  GsRigCore *c = NULL;
  GsError err = {{0}};
  r->rig.config.session = r->current;  // the state now, snapshots included
  if (gs_rig_core_new(&r->rig, rate_hz, &c, &err)) {
    say("cannot run at %.0f Hz: %s", rate_hz, err.message);
    return;
  }
  gs_rig_swap(&r->rig, c, 1.0);
  say("the interface runs at %.0f Hz now", rate_hz);
}

static void event(Run *r, const GsBackendEvent *ev)
{
  const double rate = gs_backend_rate(r->backend);
  const double t = rate > 0 ? (double)ev->frame / rate : 0.0;
  say("%.3f s (frame %llu): %s", t, (unsigned long long)ev->frame, ev->message);
  switch (ev->kind) {
  case GS_BACKEND_EV_SHUTDOWN:
    record_stop(r, true);  // every file of the take closed, complete
    break;
  case GS_BACKEND_EV_RATE:
  case GS_BACKEND_EV_RECONNECTED:
    if (core(r)->rate_hz != rate && rate > 0) {
      rebuild(r, rate);
    }
    break;
  case GS_BACKEND_EV_XRUN:
  case GS_BACKEND_EV_BUFFER:
    break;
  }
}

static int loop(Run *r)
{
  bool stdin_open = true;
  for (;;) {
    struct pollfd fds[2] = {{.fd = gs_run_signal_fd(), .events = POLLIN},
                            {.fd = STDIN_FILENO, .events = POLLIN}};
    const int got = poll(fds, stdin_open ? 2 : 1, 50);
    if (got > 0 && fds[0].revents) {
      unsigned char sig;
      while (gs_run_next_signal(&sig)) {
        if (sig == SIGUSR1) {
          record_start(r);
        } else if (sig == SIGUSR2) {
          record_stop(r, false);
        } else {
          say("stopping (signal %d)", sig);
          return 0;
        }
      }
    }
    if (stdin_open && got > 0 && fds[1].revents) {
      char line[4200];
      while (gs_run_next_line(&r->in, line, sizeof(line), false)) {
        if (!command(r, line)) {
          return 0;
        }
      }
      stdin_open = !r->in.eof;
    }
    GsBackendEvent ev;
    while (gs_backend_poll(r->backend, &ev)) {
      event(r, &ev);
    }
    gs_rig_collect(&r->rig);
    GsRigCore *c = core(r);
    if (c->record && !gs_run_record_recording(c->record)) {
      record_stop(r, true);  // a take that stopped by itself (a full disk): its summary
    }
    if (r->o.duration_s > 0 && now_s() - r->start_s >= r->o.duration_s) {
      return 0;
    }
  }
}

static int run_with(Run *r)
{
  const Options *o = &r->o;
  GsError err = {{0}};
  if (gs_session_load(o->session_path, &r->session, &err)) {
    return bad("%s", err.message);
  }
  r->current = &r->session;
  const GsEngineConfig *ec = &r->session.engine;
  bool armed = false;
  for (unsigned i = 0; i < ec->n_strips; ++i) {
    armed = armed || r->session.inputs[i].armed;
  }
  for (unsigned m = 0; m < ec->n_mixes; ++m) {
    armed = armed || r->session.outputs[m].armed;
  }
  const char *folder = o->out_dir ? o->out_dir : ".";
  if (armed || o->out_dir) {
    struct stat st;
    if (stat(folder, &st) || !S_ISDIR(st.st_mode)) {
      return bad("%s: the recording folder does not exist (create it, or choose another with "
                 "--out)", folder);
    }
    if (access(folder, W_OK | X_OK)) {
      return bad("%s: the recording folder cannot be written (%s; choose another with --out)",
                 folder, strerror(errno));
    }
  }
  char diff[1024];
  bool no_tty = false;
  if (gs_run_phantom_diff(NULL, &r->session, diff, sizeof(diff)) &&
      !gs_run_confirm(&r->in, diff, o->yes, &no_tty)) {
    return no_tty ? bad("%s: the session switches %s; pass --yes to allow it without a "
                        "terminal", o->session_path, diff)
                  : bad("not started: +48 V was not confirmed");
  }

  r->rig.config = (GsRigConfig){
    .session = &r->session,
    .live = o->sources == 1,
    .returns = o->backend == GS_BACKEND_JACK,
    .capture_ports = o->backend == GS_BACKEND_JACK,
    .max_block = o->backend == GS_BACKEND_JACK ? JACK_MAX_BLOCK
                 : o->period                   ? o->period
                                               : ec->max_block,
    .record_folder = armed ? folder : NULL,
    .preroll_s = o->preroll_s,
  };
  // The latency the ports report comes from an engine at the session's rate
  // (the latency of a preamp in samples does not depend on the rate).
  GsRigCore *probe = NULL;
  if (gs_rig_core_new(&r->rig, r->session.rate_hz, &probe, &err)) {
    return bad("%s", err.message);
  }
  const GsLatency lat = gs_engine_latency(probe->engine);
  gs_rig_core_free(probe);
  GsBackendConfig bc = {
    .kind = o->backend,
    .client_name = o->client_name,
    .server = o->server,
    .device = o->device,
    .rate_hz = r->session.rate_hz,
    .period = o->period ? o->period : ec->max_block,
    .periods = o->periods,
    .n_inputs = gs_rig_n_inputs(&r->rig.config),
    .n_outputs = gs_rig_n_outputs(&r->rig.config),
    .connect = o->connect,
    .process = gs_rig_process,
    .user = &r->rig,
    .max_block = r->rig.config.max_block,
  };
  if (!gs_rig_ports(&r->rig.config, &lat, &r->ports, &bc)) {
    return bad("out of memory");
  }
  if (gs_backend_open(&bc, &r->backend, &err)) {
    return bad("%s", err.message);
  }
  r->rig.backend = r->backend;
  const double rate = gs_backend_rate(r->backend);
  if (rate != r->session.rate_hz) {
    say("the session says %.0f Hz; the %s backend runs at %.0f Hz, and so does the interface",
        r->session.rate_hz, gs_backend_kind_name(o->backend), rate);
  }
  GsRigCore *c = NULL;
  if (gs_rig_core_new(&r->rig, rate, &c, &err)) {
    return bad("%s", err.message);
  }
  r->rig.current = r->rig.latest = c;
  if (gs_backend_start(r->backend, &err)) {
    return bad("%s", err.message);
  }
  r->start_s = now_s();
  if (gs_backend_info(r->backend)[0]) {
    const int priority = gs_backend_priority(r->backend);
    say("%s; audio thread %s", gs_backend_info(r->backend),
        priority > 0 ? "real-time" : "at normal priority (no real-time scheduling allowed)");
  }
  say("running: %u strip%s, %u return%s, %u mix%s at %.0f Hz, %u frames a block; latency: "
      "input %.0f, monitoring %.0f, round trip %.0f samples",
      ec->n_strips, ec->n_strips == 1 ? "" : "s", ec->n_returns, ec->n_returns == 1 ? "" : "s",
      ec->n_mixes, ec->n_mixes == 1 ? "" : "es", rate, gs_backend_block(r->backend), lat.input,
      lat.monitoring,
      lat.input + lat.output + 2.0 * gs_backend_block(r->backend) + lat.safety);
  if (o->record) {
    record_start(r);
  }
  const int rc = loop(r);
  record_stop(r, true);
  return rc;
}

int gs_cli_run(int argc, char **argv)
{
  Run *r = calloc(1, sizeof(*r));
  if (!r) {
    return bad("out of memory");
  }
  const int rc = parse_options(&r->o, argc, argv);
  if (rc >= 0) {
    free(r);
    return rc;
  }
  if (!gs_run_catch_signals()) {
    free(r);
    return bad("cannot catch signals: %s", strerror(errno));
  }
  const int status = run_with(r);
  run_free(r);
  free(r);
  return status;
}
