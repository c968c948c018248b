// SPDX-License-Identifier: ISC
// The ALSA backend on alsa-lib's own PCMs: the built-in `null` for capture
// and playback at real time, PCMs defined in a test-local configuration
// that convert (S32 through `linear`) and that truly refuse a rate and a
// channel count (`multi` over a `plug` with a fixed rate), devices that do not exist,
// and the device list.

#include "check.h"
#include "failing_calloc.h"
#include "backend_open_failures.h"

#include "io/backend.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static char conf_path[64];

// A configuration read after alsa.conf (ALSA_CONFIG_PATH), so these PCMs
// exist for this program only.
static const char test_conf[] =
  // 2 channels at 48000 Hz and nothing else: `multi` fixes the channels,
  // the plug under it the rate (the backend never lets alsa-lib resample).
  "pcm.gs_plug48 { type plug; slave { pcm \"null\"; rate 48000; channels 2 } }\n"
  "pcm.gs_fixed {\n"
  "  type multi\n"
  "  slaves.a { pcm \"gs_plug48\"; channels 2 }\n"
  "  bindings.0 { slave a; channel 0 }\n"
  "  bindings.1 { slave a; channel 1 }\n"
  "}\n"
  "pcm.gs_s16 {\n"  // linear formats only: FLOAT is refused, S32 converted to S16
  "  type linear\n"
  "  slave { pcm \"null\"; format S16_LE }\n"
  "}\n";

typedef struct {
  uint32_t max_n;
  unsigned n_inputs;
  unsigned n_outputs;
  _Atomic uint64_t calls;
  _Atomic uint64_t frames;
  _Atomic uint64_t next_frame;
  _Atomic uint64_t discontinuities;
  _Atomic uint64_t too_long;
  _Atomic uint64_t loud_inputs;
} Counter;

static void count(void *user, const float *const *in, float *const *out, uint32_t n,
                  uint64_t frame) GS_REALTIME;
static void count(void *user, const float *const *in, float *const *out, uint32_t n,
                  uint64_t frame)
{
  Counter *c = user;
  if (frame != atomic_load(&c->next_frame)) {
    atomic_fetch_add(&c->discontinuities, 1);
  }
  atomic_store(&c->next_frame, frame + n);
  if (n > c->max_n) {
    atomic_fetch_add(&c->too_long, 1);
  }
  for (unsigned ch = 0; ch < c->n_inputs; ++ch) {
    for (uint32_t i = 0; i < n; ++i) {
      if (in[ch][i] != 0.0f) {
        atomic_fetch_add(&c->loud_inputs, 1);
      }
    }
  }
  // A half-scale sine's worth of samples on every output, to be converted.
  for (unsigned ch = 0; ch < c->n_outputs; ++ch) {
    for (uint32_t i = 0; i < n; ++i) {
      out[ch][i] = (i & 1) ? 0.5f : -0.5f;
    }
  }
  atomic_fetch_add(&c->calls, 1);
  atomic_fetch_add(&c->frames, n);
}

static double now_s(void)
{
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static void sleep_s(double s)
{
  struct timespec t = {(time_t)s, (long)((s - (double)(time_t)s) * 1e9)};
  while (nanosleep(&t, &t)) {
  }
}

static GsBackendConfig config(Counter *c, const char *device, unsigned ins, unsigned outs)
{
  c->max_n = 256;
  c->n_inputs = ins;
  c->n_outputs = outs;
  return (GsBackendConfig){
    .kind = GS_BACKEND_ALSA,
    .device = device,
    .rate_hz = 48000,
    .period = 256,
    .periods = 2,
    .n_inputs = ins,
    .n_outputs = outs,
    .process = count,
    .user = c,
    .max_block = 256,
  };
}

// The null PCM for capture and playback, for 2 s: it has no clock of its
// own, so the backend paces it; the frames the callback saw match the
// elapsed time within two periods (plus any late period, reported).
static void test_null_device_runs_in_real_time(void **state)
{
  (void)state;
  Counter c = {0};
  GsBackendConfig cfg = config(&c, "null", 2, 2);
  GsBackend *b = NULL;
  GsError err = {""};
  assert_int_equal(gs_backend_open(&cfg, &b, &err), GS_OK);
  printf("%s\n", gs_backend_info(b));
  assert_non_null(strstr(gs_backend_info(b), "ALSA 'null': 48000 Hz, 256 frames x 2 periods, "
                                              "capture 2 ch FLOAT_LE interleaved, playback 2 ch "
                                              "FLOAT_LE interleaved"));
  GS_ASSERT_NEAR(gs_backend_rate(b), 48000, 0);
  assert_int_equal(gs_backend_block(b), 256);
  assert_int_equal(gs_backend_start(b, &err), GS_OK);
  // Timed from the first period (the thread's start-up is not the clock's).
  while (!atomic_load(&c.frames)) {
    sleep_s(0.0005);
  }
  const double t0 = now_s();
  const uint64_t frames0 = atomic_load(&c.frames);
  sleep_s(2.0);
  const double elapsed = now_s() - t0;
  const uint64_t frames = atomic_load(&c.frames) - frames0;
  GsBackendEvent ev;
  uint64_t events = 0;
  double skipped_s = 0;
  while (gs_backend_poll(b, &ev)) {
    printf("event %d: %s (%.0f us)\n", (int)ev.kind, ev.message, ev.value);
    assert_int_equal(ev.kind, GS_BACKEND_EV_XRUN);
    skipped_s += ev.value * 1e-6;
    ++events;
  }
  assert_int_equal(events, gs_backend_xruns(b));
  printf("ALSA null: %llu frames in %.4f s (expected %.0f), priority %d, %llu xruns\n",
         (unsigned long long)frames, elapsed, elapsed * 48000,
         gs_backend_priority(b), (unsigned long long)gs_backend_xruns(b));
  gs_backend_close(b);
  // elapsed * rate, +- two periods, less what late periods skipped (on an
  // idle machine, none: each is an XRUN event, checked above).
  GS_ASSERT_NEAR((double)frames, elapsed * 48000 - skipped_s * 48000 / 2,
                 2 * 256 + skipped_s * 48000 / 2);
  const uint64_t final_frames = atomic_load(&c.frames);
  sleep_s(0.05);
  assert_int_equal(atomic_load(&c.frames), final_frames);
  assert_int_equal(final_frames % 256, 0);
  assert_int_equal(atomic_load(&c.next_frame), final_frames);
  assert_int_equal(atomic_load(&c.discontinuities), 0);
  assert_int_equal(atomic_load(&c.too_long), 0);
  assert_int_equal(atomic_load(&c.loud_inputs), 0);
}

// One direction at a time, and a period longer than the engine's largest
// block: the callback gets it in pieces (100 + 100 + 56), still contiguous.
static void test_one_direction_and_small_blocks(void **state)
{
  (void)state;
  for (int capture = 0; capture < 2; ++capture) {
    Counter c = {0};
    GsBackendConfig cfg = config(&c, "null", capture ? 4 : 0, capture ? 0 : 6);
    cfg.max_block = 100;
    c.max_n = 100;
    GsBackend *b = NULL;
    GsError err = {""};
    assert_int_equal(gs_backend_open(&cfg, &b, &err), GS_OK);
    assert_int_equal(gs_backend_block(b), 100);
    assert_non_null(strstr(gs_backend_info(b), capture ? "capture 4 ch" : "playback 6 ch"));
    assert_int_equal(gs_backend_start(b, &err), GS_OK);
    sleep_s(0.3);
    gs_backend_close(b);
    const uint64_t calls = atomic_load(&c.calls), frames = atomic_load(&c.frames);
    printf("%s: %llu calls, %llu frames\n", capture ? "capture" : "playback",
           (unsigned long long)calls, (unsigned long long)frames);
    assert_int_equal(frames % 256, 0);
    assert_int_equal(calls, frames / 256 * 3);
    GS_ASSERT_NEAR((double)frames, 0.3 * 48000, 0.1 * 48000);
    assert_int_equal(atomic_load(&c.discontinuities), 0);
    assert_int_equal(atomic_load(&c.too_long), 0);
  }
}

// A PCM that takes linear formats only: the backend picks S32 and converts.
static void test_converting_device(void **state)
{
  (void)state;
  Counter c = {0};
  GsBackendConfig cfg = config(&c, "gs_s16", 2, 2);
  GsBackend *b = NULL;
  GsError err = {""};
  assert_int_equal(gs_backend_open(&cfg, &b, &err), GS_OK);
  printf("%s\n", gs_backend_info(b));
  assert_non_null(strstr(gs_backend_info(b), "capture 2 ch S32_LE"));
  assert_non_null(strstr(gs_backend_info(b), "playback 2 ch S32_LE"));
  assert_int_equal(gs_backend_start(b, &err), GS_OK);
  sleep_s(0.1);
  gs_backend_close(b);
  // (The null PCM under a plugin captures whatever its buffer held, not
  // silence, so the inputs are not checked here.)
  assert_true(atomic_load(&c.calls) > 0);
  assert_int_equal(atomic_load(&c.discontinuities), 0);
}

static void test_refused_rate_and_channels(void **state)
{
  (void)state;
  Counter c = {0};
  GsBackendConfig cfg = config(&c, "gs_fixed", 8, 0);
  cfg.rate_hz = 44100;
  GsBackend *b = NULL;
  GsError err = {""};
  assert_int_equal(gs_backend_open(&cfg, &b, &err), GS_ERR_RANGE);
  assert_null(b);
  assert_string_equal(err.message, "ALSA device 'gs_fixed' cannot run at 44100 Hz with 8 capture "
                                   "channels (it offers 2 channels, 48000 Hz)");
  // The rate alone, on playback.
  cfg = config(&c, "gs_fixed", 0, 2);
  cfg.rate_hz = 96000;
  assert_int_equal(gs_backend_open(&cfg, &b, &err), GS_ERR_RANGE);
  assert_string_equal(err.message, "ALSA device 'gs_fixed' cannot run at 96000 Hz with 2 "
                                   "playback channels (it offers 2 channels, 48000 Hz)");
  // What it offers, it runs.
  cfg = config(&c, "gs_fixed", 2, 0);
  assert_int_equal(gs_backend_open(&cfg, &b, &err), GS_OK);
  gs_backend_close(b);
}

static void test_missing_devices(void **state)
{
  (void)state;
  Counter c = {0};
  GsBackendConfig cfg = config(&c, "hw:99", 2, 2);
  GsBackend *b = NULL;
  GsError err = {""};
  assert_int_equal(gs_backend_open(&cfg, &b, &err), GS_ERR_IO);
  assert_null(b);
  printf("%s\n", err.message);
  assert_non_null(strstr(err.message, "ALSA device 'hw:99' cannot be opened"));
  assert_non_null(strstr(err.message, "gainstage devices"));
  assert_null(strchr(err.message, '\n'));
  cfg = config(&c, "no_such_pcm", 1, 0);
  assert_int_equal(gs_backend_open(&cfg, &b, &err), GS_ERR_IO);
  assert_non_null(strstr(err.message, "ALSA device 'no_such_pcm' cannot be opened for capture"));
  cfg = config(&c, "null", 0, 0);
  assert_int_equal(gs_backend_open(&cfg, &b, &err), GS_ERR_USAGE);
  cfg = config(&c, "null", 1, 1);
  cfg.periods = 17;
  assert_int_equal(gs_backend_open(&cfg, &b, &err), GS_ERR_RANGE);
  assert_string_equal(err.message, "ALSA device 'null': 17 periods is out of range (2 to 16)");
}

static void test_list(void **state)
{
  (void)state;
  static char text[1 << 16];
  GsError err = {""};
  assert_int_equal(gs_backend_list(GS_BACKEND_ALSA, text, sizeof(text), &err), GS_OK);
  printf("%s", text);
  assert_non_null(strstr(text, "alsa: null\n    Discard all samples"));
  // Truncated, not overrun.
  char small[40];
  memset(small, 'x', sizeof(small));
  assert_int_equal(gs_backend_list(GS_BACKEND_ALSA, small, sizeof(small), &err), GS_OK);
  assert_int_equal(strlen(small), sizeof(small) - 1);
}

// Every allocation of opening fails in turn: GS_ERR_NOMEM and nothing
// leaked (the sanitizer build checks), then it opens.
static void test_out_of_memory(void **state)
{
  (void)state;
  Counter c = {0};
  GsBackendConfig cfg = config(&c, "null", 2, 2);
  const int n = backend_open_failures(&cfg);
  printf("alsa: %d allocations, each failure reported\n", n);
  assert_true(n >= 3);
}

int main(void)
{
  snprintf(conf_path, sizeof(conf_path), "/tmp/gs-test-alsa-XXXXXX");
  const int fd = mkstemp(conf_path);
  if (fd < 0 || write(fd, test_conf, sizeof(test_conf) - 1) != (ssize_t)(sizeof(test_conf) - 1)) {
    perror(conf_path);
    return 1;
  }
  close(fd);
  char config_path[256];
  snprintf(config_path, sizeof(config_path), "/usr/share/alsa/alsa.conf:%s", conf_path);
  setenv("ALSA_CONFIG_PATH", config_path, 1);
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_null_device_runs_in_real_time),
    cmocka_unit_test(test_one_direction_and_small_blocks),
    cmocka_unit_test(test_converting_device),
    cmocka_unit_test(test_refused_rate_and_channels),
    cmocka_unit_test(test_missing_devices),
    cmocka_unit_test(test_list),
    cmocka_unit_test(test_out_of_memory),
  };
  const int failed = cmocka_run_group_tests(tests, NULL, NULL);
  unlink(conf_path);
  return failed;
}
