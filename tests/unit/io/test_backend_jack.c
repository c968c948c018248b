// SPDX-License-Identifier: ISC
// The JACK backend on a real server (jackd -d dummy, started by the test):
// the callback's frames against the server's clock, rate and block, a clean
// close, the server's physical ports listed, a missing server named, and
// every allocation failing in turn.

#include "check.h"
#include "failing_calloc.h"
#include "backend_open_failures.h"
#include "jack_server.h"

#include "io/backend.h"

#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

static char server[64];
static char log_path[128];
static pid_t jackd = -1;

typedef struct {
  _Atomic uint64_t calls, frames, discontinuities, next_frame;
} Counter;

static void count(void *user, const float *const *in, float *const *out, uint32_t n,
                  uint64_t frame) GS_REALTIME;
static void count(void *user, const float *const *in, float *const *out, uint32_t n,
                  uint64_t frame)
{
  Counter *c = user;
  (void)in;
  if (atomic_load(&c->calls) && frame != atomic_load(&c->next_frame)) {
    atomic_fetch_add(&c->discontinuities, 1);
  }
  atomic_store(&c->next_frame, frame + n);
  for (unsigned o = 0; o < 2; ++o) {
    memset(out[o], 0, sizeof(float) * n);
  }
  atomic_fetch_add(&c->calls, 1);
  atomic_fetch_add(&c->frames, n);
}

static GsBackendConfig config(Counter *c)
{
  static const char *const ins[] = {"in_1", "in_2", "in_3"};
  static const char *const outs[] = {"out_L", "out_R"};
  static const double in_latency[] = {39, 39, 0};
  static const double out_latency[] = {39, 39};
  return (GsBackendConfig){.kind = GS_BACKEND_JACK, .server = server, .client_name = "gs-unit",
                           .n_inputs = 3, .n_outputs = 2, .input_names = ins,
                           .output_names = outs, .input_latency = in_latency,
                           .output_latency = out_latency, .process = count, .user = c,
                           .max_block = 8192};
}

static void test_runs(void **state)
{
  (void)state;
  Counter c = {0};
  const GsBackendConfig bc = config(&c);
  GsBackend *b = NULL;
  GsError err = {{0}};
  if (gs_backend_open(&bc, &b, &err)) {
    print_error("%s\n", err.message);
    fail();
  }
  assert_true(gs_backend_rate(b) == 48000.0);
  assert_int_equal(gs_backend_block(b), 256);
  assert_int_equal(gs_backend_start(b, &err), GS_OK);
  assert_non_null(strstr(gs_backend_info(b), "48000 Hz, 256 frames, client 'gs-unit'"));
  sleep_s(1.0);
  gs_backend_close(b);
  const uint64_t calls = atomic_load(&c.calls), frames = atomic_load(&c.frames);
  print_message("1 s: %llu calls, %llu frames, %llu discontinuities\n",
                (unsigned long long)calls, (unsigned long long)frames,
                (unsigned long long)atomic_load(&c.discontinuities));
  assert_int_equal(frames, calls * 256);
  GS_ASSERT_NEAR((double)frames, 48000.0, 4800.0);  // the dummy driver's clock, +-10 %
  assert_int_equal(atomic_load(&c.discontinuities), 0);
  sleep_s(0.1);
  assert_int_equal(atomic_load(&c.calls), calls);  // nothing after close
}

static void test_list_and_missing_server(void **state)
{
  (void)state;
  char text[4096];
  GsError err = {{0}};
  setenv("JACK_DEFAULT_SERVER", server, 1);
  assert_int_equal(gs_backend_list(GS_BACKEND_JACK, text, sizeof(text), &err), GS_OK);
  print_message("%s", text);
  assert_non_null(strstr(text, "48000 Hz, 256 frames a buffer"));
  assert_non_null(strstr(text, "system:capture_1 (capture)"));
  assert_non_null(strstr(text, "system:playback_2 (playback)"));
  unsetenv("JACK_DEFAULT_SERVER");

  Counter c = {0};
  GsBackendConfig bc = config(&c);
  bc.server = "gs-unit-no-such-server";
  GsBackend *b = NULL;
  assert_int_equal(gs_backend_open(&bc, &b, &err), GS_ERR_IO);
  assert_null(b);
  print_message("%s\n", err.message);
  assert_string_equal(err.message, "JACK server 'gs-unit-no-such-server' is not running (start "
                                   "it with `jackd -d ...`, or run with --backend alsa or "
                                   "--backend null)");
}

// Every allocation of the open failing in turn: GS_ERR_NOMEM, nothing left
// (AddressSanitizer's leak check in build-san), until it succeeds.
static void test_allocation_failure(void **state)
{
  (void)state;
  Counter c = {0};
  const GsBackendConfig bc = config(&c);
  const int n = backend_open_failures(&bc);
  print_message("the open succeeds from the %dth allocation on\n", n + 1);
  GS_ASSERT_ABOVE(n, 5);
}

static int up(void **state)
{
  (void)state;
  snprintf(server, sizeof(server), "gs-unit-%d", (int)getpid());
  snprintf(log_path, sizeof(log_path), "/tmp/%s.log", server);
  jackd = jackd_start(server, log_path);
  return jackd > 0 ? 0 : -1;
}

static int down(void **state)
{
  (void)state;
  stop_process(jackd, SIGTERM);
  remove(log_path);
  return 0;
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_runs),
    cmocka_unit_test(test_list_and_missing_server),
    cmocka_unit_test(test_allocation_failure),
  };
  return cmocka_run_group_tests(tests, up, down);
}
