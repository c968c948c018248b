// SPDX-License-Identifier: ISC
// gainstage run on a real JACK server (jackd -d dummy, started by each test
// under its own name): ports and pretty-names, port latencies against the
// engine's, signals through the strips and a mix timed to the frame, the
// server going away and coming back, snapshots loaded live, and bad input.

#include "check.h"
#include "cli_run.h"
#include "jack_server.h"

#include "gainstage/engine.h"
#include "gainstage/session.h"

#include <jack/metadata.h>

#include <errno.h>
#include <stdatomic.h>
#include <sys/mount.h>
#include <sys/stat.h>

#define RATE 48000
#define LISTEN_FRAMES (RATE * 2)

static char server[64];
static pid_t jackd = -1;

// A session of two line strips (a clean preamp at 0 dB, converter reference
// +18 dBu = the sources' full scale: 1.0 in is 1.0 out), a return and one
// mix: kick at 0 dB in the centre, the return at 0 dB hard left.
static const char session_yaml[] =
  "session:\n"
  "  name: live\n"
  "  rate_hz: 48000\n"
  "  bits: 32f\n"
  "  block: 256\n"
  "  adc_ref_dbu: 18\n"
  "returns: 1\n"
  "strips:\n"
  "  - {name: kick, input: line, source: {fullscale: 18}, model: %s, gain_db: 0}\n"
  "  - {name: snare, input: line, source: {fullscale: 18}, model: clean, gain_db: %s%s}\n"
  "mixes:\n"
  "  - name: headphones 1\n"
  "    volume_db: 0\n"
  "    sends:\n"
  "      - {strip: kick, level_db: 0, pan: 0}\n"
  "      - {return: 1, level_db: 0, pan: -1}\n";

static void write_session_more(const char *name, const char *kick_model,
                               const char *snare_gain_db, const char *snare_more)
{
  FILE *f = fopen(path(name), "w");
  assert_non_null(f);
  fprintf(f, session_yaml, kick_model, snare_gain_db, snare_more);
  fclose(f);
}

static void write_session(const char *name, const char *kick_model, const char *snare_gain_db)
{
  write_session_more(name, kick_model, snare_gain_db, "");
}

static int server_up(void **state)
{
  (void)state;
  static int n;
  snprintf(server, sizeof(server), "gs-test-%d-%d", (int)getpid(), ++n);
  jackd = jackd_start(server, path("jackd.log"));
  if (jackd < 0) {
    print_error("jackd did not start: %s\n", slurp("jackd.log"));
    return -1;
  }
  return 0;
}

static int server_down(void **state)
{
  (void)state;
  stop_process(jackd, SIGTERM);
  jackd = -1;
  return 0;
}

// gainstage run --server NAME EXTRA SESSION in the background.
static pid_t start_run(const char *session, const char *extra, int *stdin_fd)
{
  char args[1024];
  snprintf(args, sizeof(args), "run --server %s %s %s", server, extra, session);
  char *argv[32] = {gainstage};
  int argc = 1;
  for (char *tok = strtok(args, " "); tok && argc < 31; tok = strtok(NULL, " ")) {
    argv[argc++] = tok;
  }
  argv[argc] = NULL;
  return spawn(dir, argv, "stdout.txt", "stderr.txt", stdin_fd);
}

// Waits up to 10 s for gainstage to say it runs (its client active).
static void wait_running(void)
{
  for (int i = 0; i < 1000 && !strstr(slurp("stderr.txt"), "running:"); ++i) {
    sleep_s(0.01);
  }
  if (!strstr(slurp("stderr.txt"), "running:")) {
    print_error("gainstage is not running: %s\n", slurp("stderr.txt"));
    fail();
  }
}

// The engine's latency for the session, built here as gainstage builds it.
static long engine_input_latency(const char *session)
{
  GsSession s;
  GsError err = {{0}};
  if (gs_session_load(path(session), &s, &err)) {
    print_error("%s\n", err.message);
    fail();
  }
  GsEngineConfig ec = s.engine;
  ec.rate_hz = RATE;
  ec.max_block = 8192;
  GsEngine *e = NULL;
  assert_int_equal(gs_engine_new(&ec, &e, &err), GS_OK);
  const long input = lround(gs_engine_latency(e).input);
  gs_engine_free(e);
  gs_session_free(&s);
  return input;
}

// ---- a probe: one client plays into gainstage, another listens ---------------

typedef struct {
  jack_client_t *player, *listener;
  jack_port_t *out[2];       // player -> gainstage
  jack_port_t *in[2];        // gainstage -> listener
  _Atomic uint64_t play_at;  // frame time of the impulse (0: none yet)
  float impulse;
  _Atomic int port;          // the player port that plays it
  _Atomic bool listening;
  uint64_t listen_from;      // frame time of the first sample kept
  float heard[2][LISTEN_FRAMES];
  _Atomic uint32_t n_heard;
} Probe;

static int play(jack_nframes_t n, void *arg)
{
  Probe *p = arg;
  const uint64_t t0 = jack_last_frame_time(p->player);
  const uint64_t at = atomic_load(&p->play_at);
  for (int k = 0; k < 2; ++k) {
    float *x = jack_port_get_buffer(p->out[k], n);
    memset(x, 0, sizeof(float) * n);
    if (at && at >= t0 && at < t0 + n && k == atomic_load(&p->port)) {
      x[at - t0] = p->impulse;
    }
  }
  return 0;
}

static int listen(jack_nframes_t n, void *arg)
{
  Probe *p = arg;
  if (!atomic_load(&p->listening)) {
    return 0;
  }
  uint32_t have = atomic_load(&p->n_heard);
  if (have == 0) {
    p->listen_from = jack_last_frame_time(p->listener);
  }
  const uint32_t take = have + n <= LISTEN_FRAMES ? n : LISTEN_FRAMES - have;
  for (int k = 0; k < 2; ++k) {
    const float *x = jack_port_get_buffer(p->in[k], n);
    memcpy(p->heard[k] + have, x, sizeof(float) * take);
  }
  atomic_store(&p->n_heard, have + take);
  return 0;
}

static Probe *probe_open(void)
{
  Probe *p = calloc(1, sizeof(*p));
  assert_non_null(p);
  p->player = jack_test_client(server, "probe-player");
  p->listener = jack_test_client(server, "probe-listener");
  assert_non_null(p->player);
  assert_non_null(p->listener);
  for (int k = 0; k < 2; ++k) {
    char name[16];
    snprintf(name, sizeof(name), "out_%d", k + 1);
    p->out[k] = jack_port_register(p->player, name, JACK_DEFAULT_AUDIO_TYPE, JackPortIsOutput, 0);
    snprintf(name, sizeof(name), "in_%d", k + 1);
    p->in[k] = jack_port_register(p->listener, name, JACK_DEFAULT_AUDIO_TYPE, JackPortIsInput, 0);
  }
  jack_set_process_callback(p->player, play, p);
  jack_set_process_callback(p->listener, listen, p);
  assert_int_equal(jack_activate(p->player), 0);
  assert_int_equal(jack_activate(p->listener), 0);
  return p;
}

static void probe_close(Probe *p)
{
  jack_client_close(p->player);
  jack_client_close(p->listener);
  free(p);
}

static void connect_ports(jack_client_t *c, const char *from, const char *to)
{
  const int rc = jack_connect(c, from, to);
  if (rc && rc != EEXIST) {
    print_error("cannot connect %s to %s (%d)\n", from, to, rc);
    fail();
  }
}

// Plays an impulse on player port k, listens for 1 s, and returns the delay
// in frames to the largest sample heard on listener port k (and its value).
static long impulse_delay(Probe *p, int k, float *value)
{
  atomic_store(&p->play_at, 0);
  atomic_store(&p->port, k);
  atomic_store(&p->n_heard, 0);
  atomic_store(&p->listening, true);
  sleep_s(0.1);
  const uint64_t at = jack_frame_time(p->player) + RATE / 5;
  atomic_store(&p->play_at, at);
  for (int i = 0; i < 200 && atomic_load(&p->n_heard) < RATE; ++i) {
    sleep_s(0.01);
  }
  atomic_store(&p->listening, false);
  sleep_s(0.05);
  const uint32_t n = atomic_load(&p->n_heard);
  uint32_t best = 0;
  for (uint32_t i = 1; i < n; ++i) {
    if (fabsf(p->heard[k][i]) > fabsf(p->heard[k][best])) {
      best = i;
    }
  }
  *value = p->heard[k][best];
  return (long)(p->listen_from + best) - (long)at;
}

// ---- the tests ------------------------------------------------------------------

static char *pretty_name(jack_port_t *port)
{
  char *value = NULL, *type = NULL;
  if (jack_get_property(jack_port_uuid(port), JACK_METADATA_PRETTY_NAME, &value, &type)) {
    return NULL;
  }
  jack_free(type);
  return value;
}

// a. Ports exist with their names, directions and pretty-names.
static void test_ports(void **state)
{
  (void)state;
  write_session("live.yaml", "clean", "0");
  const pid_t pid = start_run("live.yaml", "", NULL);
  jack_client_t *c = jack_test_client(server, "check");
  assert_non_null(c);
  static const struct {
    const char *name, *pretty;
    bool input;
  } want[] = {
    {"gainstage:in_1", "in 1 (kick)", true},
    {"gainstage:in_2", "in 2 (snare)", true},
    {"gainstage:return_1", "return 1", true},
    {"gainstage:capture_1", "kick", false},
    {"gainstage:capture_2", "snare", false},
    {"gainstage:headphones-1_L", "headphones 1 L", false},
    {"gainstage:headphones-1_R", "headphones 1 R", false},
  };
  for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); ++i) {
    jack_port_t *p = wait_port(c, want[i].name, 5.0);
    if (!p) {
      print_error("no port %s; gainstage said: %s\n", want[i].name, slurp("stderr.txt"));
      fail();
    }
    assert_int_equal(!!(jack_port_flags(p) & JackPortIsInput), want[i].input);
    char *pretty = pretty_name(p);
    print_message("%s: pretty-name '%s'\n", want[i].name, pretty ? pretty : "(none)");
    assert_non_null(pretty);
    assert_string_equal(pretty, want[i].pretty);
    jack_free(pretty);
  }
  // Exactly these: 3 inputs, 4 outputs.
  const char **all = jack_get_ports(c, "^gainstage:", NULL, 0);
  size_t n = 0;
  while (all && all[n]) {
    ++n;
  }
  jack_free(all);
  assert_int_equal(n, 7);
  jack_client_close(c);
  assert_int_equal(WEXITSTATUS(stop_process(pid, SIGTERM)), 0);
  assert_non_null(strstr(slurp("stderr.txt"), "stopping (signal 15)"));
}

// c (and the timing half of b). Port latencies equal the engine's latency;
// an impulse played into in_1 comes out of capture_1 exactly that many
// frames later, and one played into return_1 comes out of the mix at once,
// at 0 dB, as the mix port's latency (low end) says.
static void test_latency_and_timing(void **state)
{
  (void)state;
  write_session("live.yaml", "clean", "0");
  const long input = engine_input_latency("live.yaml");
  const pid_t pid = start_run("live.yaml", "", NULL);
  wait_running();
  Probe *p = probe_open();
  jack_port_t *cap = wait_port(p->player, "gainstage:capture_1", 5.0);
  jack_port_t *mix = wait_port(p->player, "gainstage:headphones-1_L", 5.0);
  jack_port_t *in1 = wait_port(p->player, "gainstage:in_1", 5.0);
  jack_port_t *ret = wait_port(p->player, "gainstage:return_1", 5.0);
  assert_non_null(cap);
  assert_non_null(mix);
  connect_ports(p->player, "probe-player:out_1", "gainstage:in_1");
  connect_ports(p->player, "probe-player:out_2", "gainstage:return_1");
  connect_ports(p->player, "gainstage:capture_1", "probe-listener:in_1");
  connect_ports(p->player, "gainstage:headphones-1_L", "probe-listener:in_2");
  sleep_s(0.3);  // JACK recomputes the latencies after a connection

  jack_latency_range_t r;
  jack_port_get_latency_range(cap, JackCaptureLatency, &r);
  print_message("engine input latency %ld; capture_1 capture latency [%u %u]\n", input, r.min,
                r.max);
  assert_int_equal(r.min, input);
  assert_int_equal(r.max, input);
  jack_port_get_latency_range(mix, JackCaptureLatency, &r);
  print_message("mix capture latency [%u %u] (a return: 0; a strip: %ld)\n", r.min, r.max, input);
  assert_int_equal(r.min, 0);
  assert_int_equal(r.max, input);
  jack_port_get_latency_range(in1, JackPlaybackLatency, &r);
  print_message("in_1 playback latency [%u %u]\n", r.min, r.max);
  assert_int_equal(r.min, input);
  jack_port_get_latency_range(ret, JackPlaybackLatency, &r);
  assert_int_equal(r.min, 0);

  p->impulse = 0.5f;
  float value = 0.0f;
  const long through_strip = impulse_delay(p, 0, &value);
  print_message("in_1 -> capture_1: %ld frames (reported %ld), peak %.4f\n", through_strip,
                input, (double)value);
  assert_int_equal(through_strip, input);
  GS_ASSERT_ABOVE(value, 0.25);  // the converter's filters spread an impulse; its peak stays
  const long through_mix = impulse_delay(p, 1, &value);
  print_message("return_1 -> mix L: %ld frames (reported 0), value %.7f\n", through_mix,
                (double)value);
  assert_int_equal(through_mix, 0);
  GS_ASSERT_NEAR(value, 0.5, 1e-6);
  probe_close(p);
  assert_int_equal(WEXITSTATUS(stop_process(pid, SIGINT)), 0);
}

// e. The server goes away mid-run and comes back under the same name:
// gainstage says so, reconnects, and its ports are there again.
static void test_server_restart(void **state)
{
  (void)state;
  write_session("live.yaml", "clean", "0");
  const pid_t pid = start_run("live.yaml", "", NULL);
  jack_client_t *c = jack_test_client(server, "check");
  assert_non_null(wait_port(c, "gainstage:capture_2", 5.0));
  jack_client_close(c);
  stop_process(jackd, SIGKILL);
  sleep_s(1.0);
  jackd = jackd_start(server, path("jackd.log"));
  assert_true(jackd > 0);
  c = jack_test_client(server, "check");
  assert_non_null(c);
  const bool back = wait_port(c, "gainstage:capture_2", 10.0) != NULL;
  jack_client_close(c);
  const int st = stop_process(pid, SIGTERM);
  const char *err = slurp("stderr.txt");
  print_message("%s", err);
  assert_true(back);
  assert_non_null(strstr(err, "went away"));
  assert_non_null(strstr(err, "is back: client 'gainstage' reconnected"));
  assert_int_equal(WEXITSTATUS(st), 0);
}

// Snapshots loaded while running: a gain change applies, and a pad and a
// high-pass filter; a model change is refused and named.
static void test_load(void **state)
{
  (void)state;
  write_session("live.yaml", "clean", "0");
  write_session("louder.yaml", "clean", "6");
  write_session("tube.yaml", "tube", "0");
  write_session_more("padded.yaml", "clean", "6", ", pad: true, hpf_hz: 80");
  int in = -1;
  const pid_t pid = start_run("live.yaml", "", &in);
  jack_client_t *c = jack_test_client(server, "check");
  assert_non_null(wait_port(c, "gainstage:capture_2", 5.0));
  jack_client_close(c);
  const char commands[] = "load louder.yaml\nload tube.yaml\nload padded.yaml\nstatus\nquit\n";
  assert_int_equal(write(in, commands, sizeof(commands) - 1), (ssize_t)sizeof(commands) - 1);
  const int st = wait_process(pid, 10.0);
  close(in);
  const char *err = slurp("stderr.txt");
  print_message("%s", err);
  assert_int_equal(WEXITSTATUS(st), 0);
  assert_non_null(strstr(err, "load louder.yaml: 1 change applied"));
  assert_non_null(strstr(err, "load tube.yaml: refused"));
  assert_non_null(strstr(err, "strip 1 (kick): model clean -> tube"));
  assert_non_null(strstr(err, "load padded.yaml: 2 changes applied"));  // pad and high-pass
  assert_non_null(strstr(slurp("stdout.txt"), "strip 2 (snare): peak"));
}

// f. Bad input: one line naming the server, folder or strips; exit 2.
static void test_bad_input(void **state)
{
  (void)state;
  write_session("live.yaml", "clean", "0");
  char args[256];
  snprintf(args, sizeof(args), "run --server gs-test-none-%d live.yaml", (int)getpid());
  assert_int_equal(run(args), 2);
  const char *err = slurp("stderr.txt");
  print_message("%s", err);
  char want[128];
  snprintf(want, sizeof(want), "JACK server 'gs-test-none-%d' is not running", (int)getpid());
  assert_non_null(strstr(err, want));
  assert_int_equal(strchr(err, '\n') - err + 1, (long)strlen(err));  // one line

  snprintf(args, sizeof(args), "run --server %s --out missing live.yaml", server);
  assert_int_equal(run(args), 2);
  assert_non_null(strstr(slurp("stderr.txt"), "missing: the recording folder does not exist"));

  // A read-only folder: a read-only tmpfs (root ignores permissions), or
  // without root a folder with no write permission.
  assert_int_equal(mkdir(path("ro"), 0755), 0);
  const bool mounted = mount("tmpfs", path("ro"), "tmpfs", MS_RDONLY, "size=64k") == 0;
  if (!mounted) {
    assert_int_equal(chmod(path("ro"), 0555), 0);
  }
  snprintf(args, sizeof(args), "run --server %s --out ro live.yaml", server);
  const int rc = run(args);
  err = slurp("stderr.txt");
  print_message("%s", err);
  if (mounted) {
    umount(path("ro"));
  }
  assert_int_equal(rc, 2);
  assert_non_null(strstr(err, "ro: the recording folder cannot be written"));

  // +48 V with no terminal and no --yes.
  static const char mic[] =
    "session: {name: mics, rate_hz: 48000, bits: 24, block: 256, adc_ref_dbu: 18}\n"
    "strips:\n"
    "  - {name: overhead-l, input: mic, source: {mic: condenser-ld}, gain_db: 30, phantom: true}\n"
    "  - {name: overhead-r, input: mic, source: {mic: condenser-ld}, gain_db: 30, phantom: true}\n";
  FILE *f = fopen(path("mics.yaml"), "w");
  fputs(mic, f);
  fclose(f);
  snprintf(args, sizeof(args), "run --server %s mics.yaml </dev/null", server);
  assert_int_equal(run(args), 2);
  err = slurp("stderr.txt");
  print_message("%s", err);
  assert_non_null(strstr(err, "+48 V on: strip 1 (overhead-l), strip 2 (overhead-r)"));
  assert_non_null(strstr(err, "pass --yes"));
  snprintf(args, sizeof(args), "run --server %s --yes --duration 0.5 mics.yaml </dev/null",
           server);
  assert_int_equal(run(args), 0);
}

int main(int argc, char **argv)
{
  if (!cli_setup(argc, argv, "test-run-jack")) {
    return 1;
  }
  const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown(test_ports, server_up, server_down),
    cmocka_unit_test_setup_teardown(test_latency_and_timing, server_up, server_down),
    cmocka_unit_test_setup_teardown(test_server_restart, server_up, server_down),
    cmocka_unit_test_setup_teardown(test_load, server_up, server_down),
    cmocka_unit_test_setup_teardown(test_bad_input, server_up, server_down),
  };
  return cli_teardown(cmocka_run_group_tests(tests, NULL, NULL));
}
