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
#define LISTEN_FRAMES (RATE * 6)

static char server[64];
static pid_t jackd = -1;
static pid_t gainstage_pid = -1;  // the last one started, ended in teardown if a test failed

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
  if (gainstage_pid > 0 && waitpid(gainstage_pid, NULL, WNOHANG) == 0) {
    stop_process(gainstage_pid, SIGKILL);
  }
  gainstage_pid = -1;
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
  remove(path("stderr.txt"));  // no earlier run's words for wait_running() to find
  remove(path("stdout.txt"));
  gainstage_pid = spawn(dir, argv, "stdout.txt", "stderr.txt", stdin_fd);
  return gainstage_pid;
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
  _Atomic bool pattern;      // play pattern() on both ports instead
  _Atomic bool stall;        // the player's next cycle takes 30 ms: an xrun
  _Atomic bool listening;
  _Atomic bool restart;      // the listener starts afresh at its next cycle
  uint64_t listen_from;      // frame time of heard[k][0]
  float heard[2][LISTEN_FRAMES];  // by frame time: a cycle the listener missed stays invalid
  unsigned char valid[LISTEN_FRAMES];
  _Atomic uint32_t n_heard;  // frames from listen_from to the end of the last cycle heard
  _Atomic uint32_t n_xruns;  // xruns the server reported, at the frame times in xrun_at
  uint64_t xrun_at[64];
} Probe;

// A deterministic pattern of JACK frame time t on port k: white noise at
// -20 dBFS peak, different on each port, never repeating.
static float pattern(uint64_t t, int k)
{
  uint64_t z = t * 2 + (uint64_t)k + 0x9e3779b97f4a7c15u;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
  z ^= z >> 31;
  return (float)((double)(z >> 40) / 16777216.0 - 0.5) * 0.2f;
}

static int play(jack_nframes_t n, void *arg)
{
  Probe *p = arg;
  const uint64_t t0 = jack_last_frame_time(p->player);
  const uint64_t at = atomic_load(&p->play_at);
  if (atomic_exchange(&p->stall, false)) {
    sleep_s(0.03);
  }
  for (int k = 0; k < 2; ++k) {
    float *x = jack_port_get_buffer(p->out[k], n);
    if (atomic_load(&p->pattern)) {
      for (jack_nframes_t i = 0; i < n; ++i) {
        x[i] = pattern(t0 + i, k);
      }
      continue;
    }
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
  const uint64_t t0 = jack_last_frame_time(p->listener);
  if (atomic_exchange(&p->restart, false)) {
    p->listen_from = t0;
    memset(p->valid, 0, sizeof(p->valid));
    memset(p->heard, 0, sizeof(p->heard));
  }
  const uint64_t pos = t0 - p->listen_from;
  if (pos >= LISTEN_FRAMES) {
    return 0;
  }
  const uint32_t take = pos + n <= LISTEN_FRAMES ? n : (uint32_t)(LISTEN_FRAMES - pos);
  for (int k = 0; k < 2; ++k) {
    const float *x = jack_port_get_buffer(p->in[k], n);
    memcpy(p->heard[k] + pos, x, sizeof(float) * take);
  }
  memset(p->valid + pos, 1, take);
  atomic_store(&p->n_heard, (uint32_t)(pos + take));
  return 0;
}

// The server's notice of an xrun (from its notification thread, a little
// after the cycle). In a cycle where some client did not finish, the
// listener can read a port before gainstage wrote it: what it heard about
// then is not what gainstage captured, so forget_xruns() leaves it out.
static int on_xrun(void *arg)
{
  Probe *p = arg;
  const uint32_t i = atomic_load(&p->n_xruns);
  if (i < sizeof(p->xrun_at) / sizeof(p->xrun_at[0])) {
    p->xrun_at[i] = jack_frame_time(p->listener);
    atomic_store(&p->n_xruns, i + 1);
  }
  return 0;
}

// Marks the listener's frames from eight cycles of 256 frames before each
// reported xrun (the notice comes late) to two after as not heard (call it
// once listening has stopped).
static void forget_xruns(Probe *p)
{
  const long before = 8 * 256, after = 2 * 256;
  for (uint32_t x = 0; x < atomic_load(&p->n_xruns); ++x) {
    const long at = (long)(p->xrun_at[x] - p->listen_from);
    if (at + after < 0 || at - before >= LISTEN_FRAMES) {
      continue;
    }
    print_message("the server reported an xrun at listener frame %ld: the frames about it are left "
                  "out\n", at);
    for (long i = at - before; i <= at + after; ++i) {
      if (i >= 0 && i < LISTEN_FRAMES) {
        p->valid[i] = 0;
      }
    }
  }
}

// Starts listening afresh (the listener is idle while this resets it).
static void listen_start(Probe *p)
{
  atomic_store(&p->listening, false);
  sleep_s(0.05);
  atomic_store(&p->n_heard, 0);
  atomic_store(&p->restart, true);
  atomic_store(&p->listening, true);
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
  jack_set_xrun_callback(p->listener, on_xrun, p);
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
  listen_start(p);
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
    if (p->valid[i] && fabsf(p->heard[k][i]) > fabsf(p->heard[k][best])) {
      best = i;
    }
  }
  uint32_t missed = 0;
  for (uint32_t i = 0; i < n; ++i) {
    missed += !p->valid[i];
  }
  if (missed) {
    print_message("(the listener missed %u of %u frames)\n", missed, n);
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

// a. Ports exist with their names, directions and pretty-names; a change of
// buffer size is reported and the client keeps running.
static void test_ports(void **state)
{
  (void)state;
  write_session("live.yaml", "clean", "0");
  const pid_t pid = start_run("live.yaml", "", NULL);
  wait_running();  // its client active, its callbacks in place
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
    // gainstage sets the pretty-name just after it registers the port.
    char *pretty = pretty_name(p);
    for (int tries = 0; !pretty && tries < 200; ++tries) {
      sleep_s(0.01);
      pretty = pretty_name(p);
    }
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
  // A new buffer size is an event and needs nothing else (the engine takes
  // up to 8192 frames).
  assert_int_equal(jack_set_buffer_size(c, 512), 0);
  for (int i = 0; i < 1000 && !strstr(slurp("stderr.txt"), "buffer size changed"); ++i) {
    sleep_s(0.01);
  }
  if (!strstr(slurp("stderr.txt"), "the buffer size changed from 256 to 512 frames")) {
    print_error("no buffer size change reported; gainstage said:\n%s\n", slurp("stderr.txt"));
    fail();
  }
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

// ---- recording ------------------------------------------------------------------

// Two armed strips, the second with a safety track 12 dB lower. Both
// references (the port's full scale and the converter's) are +23.29 dBu, a
// sine peaking at 16 V: with the clean model's 16 V rail every scaling on
// the way is by a power of two, so a clean strip at 0 dB is a wire, and
// the take must hold the pattern to the bit.
#define EXACT_REF "23.29058719264225"
static const char rec_yaml[] =
  "session:\n"
  "  name: live\n"
  "  rate_hz: 48000\n"
  "  bits: 32f\n"
  "  block: 256\n"
  "  adc_ref_dbu: " EXACT_REF "\n"
  "strips:\n"
  "  - {name: kick, input: line, source: {fullscale: " EXACT_REF "}, model: clean, gain_db: 0,\n"
  "     armed: true}\n"
  "  - {name: snare, input: line, source: {fullscale: " EXACT_REF "}, model: clean, gain_db: 0,\n"
  "     armed: true, safety_track: true, safety_db: -12}\n";

static const char *const take_files[3] = {"takes/live-001-01-kick.wav",
                                          "takes/live-001-02-snare.wav",
                                          "takes/live-001-02-snare-safety.wav"};

// rec.yaml and an empty takes folder.
static void write_rec_session(void)
{
  FILE *f = fopen(path("rec.yaml"), "w");
  assert_non_null(f);
  fputs(rec_yaml, f);
  fclose(f);
  char cmd[600];
  snprintf(cmd, sizeof(cmd), "rm -rf '%s/takes' && mkdir '%s/takes'", dir, dir);
  assert_int_equal(system(cmd), 0);
}

// Gainstage recording, the probe playing the pattern into in_1 and in_2 and
// listening to capture_1 and capture_2.
static Probe *start_recording(pid_t *pid, int *in)
{
  write_rec_session();
  Probe *p = probe_open();
  atomic_store(&p->pattern, true);
  *pid = start_run("rec.yaml", "--out takes", in);
  wait_running();
  connect_ports(p->player, "probe-player:out_1", "gainstage:in_1");
  connect_ports(p->player, "probe-player:out_2", "gainstage:in_2");
  connect_ports(p->player, "gainstage:capture_1", "probe-listener:in_1");
  connect_ports(p->player, "gainstage:capture_2", "probe-listener:in_2");
  sleep_s(0.2);
  listen_start(p);
  sleep_s(0.2);
  const char start[] = "record start\n";
  assert_int_equal(write(*in, start, sizeof(start) - 1), (ssize_t)sizeof(start) - 1);
  return p;
}

// Where the file's samples stand among what the listener heard on port k
// (the offset of file frame 0 in the listener's buffer), found by matching
// 256 samples exactly from file frame `from`; -1 when they are nowhere.
static long find_offset(const Probe *p, int k, const float *x, long n, long from)
{
  const long heard = (long)atomic_load(&p->n_heard);
  for (long o = -from; o + from + 256 <= heard; ++o) {
    bool same = true;
    for (long i = 0; i < 256 && same && from + i < n; ++i) {
      same = p->valid[o + from + i] && p->heard[k][o + from + i] == x[from + i];
    }
    if (same) {
      return o;
    }
  }
  return -1;
}

// Every sample of take file t that the listener also heard equals it,
// with file frame 0 at listener frame offset. Returns how many were compared.
static long compare_with_port(Probe *p, int k, const float *x, long n, long offset)
{
  forget_xruns(p);
  const long heard = (long)atomic_load(&p->n_heard);
  long compared = 0, differ = 0;
  for (long i = 0; i < n; ++i) {
    if (i + offset >= 0 && i + offset < heard && p->valid[i + offset]) {
      ++compared;
      differ += p->heard[k][i + offset] != x[i];
    }
  }
  print_message("%ld samples compared with the port, %ld differ\n", compared, differ);
  assert_int_equal(differ, 0);
  return compared;
}

// b. A take of a few seconds: the files hold exactly what the capture ports
// carried (32-bit float, bit for bit), every track starts on the same frame
// and has the same length, the safety track sits 12 dB lower on the same
// frames; and the capture ports carry the pattern the input latency later.
static void test_recording(void **state)
{
  (void)state;
  pid_t pid;
  int in;
  Probe *p = start_recording(&pid, &in);
  sleep_s(3.0);
  const int st = type_and_wait(pid, in, "record stop\nquit\n");
  atomic_store(&p->listening, false);
  const char *err = slurp("stderr.txt");
  print_message("%s", err);
  assert_int_equal(WEXITSTATUS(st), 0);
  assert_non_null(strstr(err, "take 1: 3 tracks"));

  SF_INFO info[3];
  float *x[3];
  for (int t = 0; t < 3; ++t) {
    x[t] = read_audio(take_files[t], &info[t]);
    assert_int_equal(info[t].channels, 1);
    assert_int_equal(info[t].format & SF_FORMAT_SUBMASK, SF_FORMAT_FLOAT);
  }
  print_message("take: %lld frames a track (%.2f s)\n", (long long)info[0].frames,
                (double)info[0].frames / RATE);
  assert_int_equal(info[1].frames, info[0].frames);
  assert_int_equal(info[2].frames, info[0].frames);
  GS_ASSERT_ABOVE(info[0].frames, 2.5 * RATE);
  const long n = (long)info[0].frames;
  const long offset = find_offset(p, 0, x[0], n, RATE);
  print_message("file frame 0 is listener frame %ld\n", offset);
  assert_true(offset > -RATE);
  GS_ASSERT_ABOVE(compare_with_port(p, 0, x[0], n, offset), 2.0 * RATE);
  // The same frame for the second strip: the tracks are aligned.
  GS_ASSERT_ABOVE(compare_with_port(p, 1, x[1], n, offset), 2.0 * RATE);
  // The safety track: 12 dB below the snare, on the same frames (the best
  // gain between them, and the residue after it, at lag 0 and +-1).
  double best_lag_err[3];
  for (int lag = -1; lag <= 1; ++lag) {
    double xy = 0, yy = 0, xx = 0;
    for (long i = RATE; i < n - 1; ++i) {
      xy += (double)x[1][i] * x[2][i + lag];
      yy += (double)x[1][i] * x[1][i];
      xx += (double)x[2][i + lag] * x[2][i + lag];
    }
    const double g = xy / yy;
    best_lag_err[lag + 1] = (xx - g * xy) / xx;
    if (lag == 0) {
      print_message("safety / main: %.3f dB, residue %.2g\n", 20 * log10(g), best_lag_err[1]);
      GS_ASSERT_NEAR(20 * log10(g), -12.0, 0.1);
    }
  }
  GS_ASSERT_BELOW(best_lag_err[1], 1e-3);
  GS_ASSERT_BELOW(best_lag_err[1], best_lag_err[0]);
  GS_ASSERT_BELOW(best_lag_err[1], best_lag_err[2]);
  // The capture port carries the pattern input-latency frames later: the
  // cross-correlation of what was played and what was heard peaks there.
  const long input = engine_input_latency("rec.yaml");
  long best = -1;
  double best_c = 0;
  for (long lag = 0; lag < 200; ++lag) {
    double c = 0;
    for (long i = 1000; i < 1000 + RATE / 2; ++i) {
      c += (double)p->heard[0][i] * pattern(p->listen_from + (uint64_t)(i - lag), 0);
    }
    if (c > best_c) {
      best_c = c;
      best = lag;
    }
  }
  print_message("pattern -> capture_1: correlation peaks at %ld frames (input latency %ld)\n",
                best, input);
  assert_int_equal(best, input);
  // And to the bit: every sample of both takes, where the listener heard
  // the same frame, is the pattern played input-latency frames before.
  long exact = 0, inexact = 0;
  for (int k = 0; k < 2; ++k) {
    for (long j = 0; j < n; ++j) {
      const long i = offset + j;  // the listener's index of file frame j
      if (i >= input && i < (long)atomic_load(&p->n_heard) && p->valid[i]) {
        const float want = pattern(p->listen_from + (uint64_t)(i - input), k);
        exact += x[k][j] == want;
        inexact += x[k][j] != want;
      }
    }
  }
  print_message("takes against the pattern: %ld samples equal to the bit, %ld not\n", exact,
                inexact);
  assert_int_equal(inexact, 0);
  GS_ASSERT_ABOVE(exact, 2 * 2.0 * RATE);
  for (int t = 0; t < 3; ++t) {
    free(x[t]);
  }
  probe_close(p);
}

// d. gainstage killed (SIGKILL) mid-take: every file opens and holds all
// but the last second, the same on every track, exactly what the ports
// carried.
static void test_killed_mid_take(void **state)
{
  (void)state;
  pid_t pid;
  int in;
  Probe *p = start_recording(&pid, &in);
  for (int i = 0; i < 500 && !strstr(slurp("stderr.txt"), "recording 3 tracks"); ++i) {
    sleep_s(0.01);
  }
  const double started = (double)jack_frame_time(p->player);
  sleep_s(3.2);
  const double killed = (double)jack_frame_time(p->player);
  stop_process(pid, SIGKILL);
  close(in);
  atomic_store(&p->listening, false);
  const double taken_s = (killed - started) / RATE;
  SF_INFO info[3];
  float *x[3];
  for (int t = 0; t < 3; ++t) {
    x[t] = read_audio(take_files[t], &info[t]);
    print_message("%s: %.2f s of %.2f s recorded\n", take_files[t],
                  (double)info[t].frames / RATE, taken_s);
    GS_ASSERT_ABOVE((double)info[t].frames / RATE, taken_s - 1.0);
  }
  const long n = (long)(info[0].frames < info[1].frames ? info[0].frames : info[1].frames);
  const long offset = find_offset(p, 0, x[0], n, n / 2);
  assert_true(offset > -n);
  compare_with_port(p, 0, x[0], n, offset);
  compare_with_port(p, 1, x[1], n, offset);
  for (int t = 0; t < 3; ++t) {
    free(x[t]);
  }
  probe_close(p);
}

// e. The server goes away mid-take and comes back under the same name:
// gainstage says so, closes the take (every file complete, the same length),
// reconnects, and its ports are there again.
static void test_server_restart(void **state)
{
  (void)state;
  write_rec_session();
  const pid_t pid = start_run("rec.yaml", "--record --out takes", NULL);
  wait_running();
  for (int i = 0; i < 500 && !strstr(slurp("stderr.txt"), "recording 3 tracks"); ++i) {
    sleep_s(0.01);
  }
  sleep_s(1.5);
  stop_process(jackd, SIGKILL);
  for (int i = 0; i < 500 && !strstr(slurp("stderr.txt"), "take 1:"); ++i) {
    sleep_s(0.01);
  }
  SF_INFO info[3];
  for (int t = 0; t < 3; ++t) {
    free(read_audio(take_files[t], &info[t]));
    print_message("%s: %.3f s\n", take_files[t], (double)info[t].frames / RATE);
    GS_ASSERT_ABOVE(info[t].frames, RATE);
    assert_int_equal(info[t].frames, info[0].frames);
  }
  jackd = jackd_start(server, path("jackd.log"));
  assert_true(jackd > 0);
  jack_client_t *c = jack_test_client(server, "check");
  assert_non_null(c);
  const bool back = wait_port(c, "gainstage:capture_2", 10.0) != NULL;
  jack_client_close(c);
  const int st = stop_process(pid, SIGTERM);
  const char *err = slurp("stderr.txt");
  print_message("%s", err);
  assert_true(back);
  assert_non_null(strstr(err, "went away"));
  assert_non_null(strstr(err, "take 1: 3 tracks"));
  assert_non_null(strstr(err, "is back: client 'gainstage' reconnected"));
  assert_int_equal(WEXITSTATUS(st), 0);
}

// An xrun (a client of the server stalls a cycle) is reported once, with its
// time and frame, and the take counts it.
static void test_xrun(void **state)
{
  (void)state;
  pid_t pid;
  int in;
  Probe *p = start_recording(&pid, &in);
  sleep_s(0.5);
  atomic_store(&p->stall, true);
  sleep_s(0.5);
  const int st = type_and_wait(pid, in, "status\nrecord stop\nquit\n");
  probe_close(p);
  const char *err = slurp("stderr.txt");
  print_message("%s", err);
  assert_int_equal(WEXITSTATUS(st), 0);
  // The stall is reported once, with its time and frame. A loaded machine
  // can add xruns of its own: each is a line of its own, apart in time from
  // the others, and the counts agree with the lines.
  unsigned long long lines = 0;
  double last = -1.0;
  bool stall_seen = false;
  for (const char *hit = strstr(err, "xrun: the cycle was"); hit;
       hit = strstr(hit + 1, "xrun: the cycle was")) {
    const char *line = hit;
    while (line > err && line[-1] != '\n') {
      --line;
    }
    double t = 0;
    unsigned long long frame = 0;
    assert_int_equal(sscanf(line, "gainstage run: %lf s (frame %llu)", &t, &frame), 2);
    print_message("xrun at %.3f s, frame %llu\n", t, frame);
    GS_ASSERT_NEAR(t, (double)frame / RATE, 0.001);
    GS_ASSERT_ABOVE(t - last, 0.05);  // one stall (30 ms), one line
    stall_seen = stall_seen || t > 0.3;
    last = t;
    ++lines;
  }
  assert_true(stall_seen);
  unsigned long long xruns = 0;
  assert_int_equal(sscanf(strstr(slurp("stdout.txt"), "a block, "), "a block, %llu xruns",
                          &xruns), 1);
  assert_int_equal(xruns, lines);
  char counted[64];
  snprintf(counted, sizeof(counted), " %llu xrun%s;", lines, lines == 1 ? "" : "s");
  assert_non_null(strstr(slurp("stderr.txt"), counted));  // the take counted them
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
  const int st =
    type_and_wait(pid, in, "load louder.yaml\nload tube.yaml\nload padded.yaml\nstatus\nquit\n");
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
    cmocka_unit_test_setup_teardown(test_recording, server_up, server_down),
    cmocka_unit_test_setup_teardown(test_killed_mid_take, server_up, server_down),
    cmocka_unit_test_setup_teardown(test_xrun, server_up, server_down),
    cmocka_unit_test_setup_teardown(test_load, server_up, server_down),
    cmocka_unit_test_setup_teardown(test_bad_input, server_up, server_down),
  };
  return cli_teardown(cmocka_run_group_tests(tests, NULL, NULL));
}
