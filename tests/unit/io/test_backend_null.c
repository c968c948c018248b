// SPDX-License-Identifier: ISC
// The null backend as a real-time clock: the callback's count and frame
// counter against the elapsed time, contiguous frames, silent inputs, a
// clean stop, a stalled callback reported as an xrun, and bad settings
// refused with one line.

#include "check.h"
#include "failing_calloc.h"
#include "backend_open_failures.h"

#include "io/backend.h"

#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

typedef struct {
  uint32_t n_expected;
  unsigned n_inputs;
  _Atomic uint64_t calls;
  _Atomic uint64_t frames;         // sum of n
  _Atomic uint64_t next_frame;     // the frame the next call must carry
  _Atomic uint64_t discontinuities;
  _Atomic uint64_t wrong_n;
  _Atomic uint64_t loud_inputs;    // input samples that were not zero
  _Atomic bool stall;              // the callback spins while this is set
  _Atomic bool stalled;            // it has spun once
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
  if (n != c->n_expected) {
    atomic_fetch_add(&c->wrong_n, 1);
  }
  for (unsigned ch = 0; ch < c->n_inputs; ++ch) {
    for (uint32_t i = 0; i < n; ++i) {
      if (in[ch][i] != 0.0f) {
        atomic_fetch_add(&c->loud_inputs, 1);
      }
    }
  }
  (void)out;
  while (atomic_load(&c->stall)) {
    atomic_store(&c->stalled, true);
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

static GsBackendConfig config(Counter *c, double rate, uint32_t period, unsigned ins,
                              unsigned outs)
{
  c->n_expected = period;
  c->n_inputs = ins;
  return (GsBackendConfig){
    .kind = GS_BACKEND_NULL,
    .rate_hz = rate,
    .period = period,
    .n_inputs = ins,
    .n_outputs = outs,
    .process = count,
    .user = c,
    .max_block = 4096,
  };
}

// Runs for seconds; checks the count of calls and frames against the
// elapsed time. Tolerance: two periods, plus the time any reported xrun
// skipped (an xrun is allowed, but only when it is reported as an event).
static void run_for(double rate, uint32_t period, unsigned ins, unsigned outs, double seconds)
{
  Counter c = {0};
  GsBackendConfig cfg = config(&c, rate, period, ins, outs);
  GsBackend *b = NULL;
  GsError err = {""};
  assert_int_equal(gs_backend_open(&cfg, &b, &err), GS_OK);
  GS_ASSERT_NEAR(gs_backend_rate(b), rate, 0);
  assert_int_equal(gs_backend_block(b), period);
  assert_int_equal(gs_backend_start(b, &err), GS_OK);
  // Timed from the first period (the thread's start-up is not the clock's).
  while (!atomic_load(&c.calls)) {
    sleep_s(0.0005);
  }
  const double t0 = now_s();
  const uint64_t calls0 = atomic_load(&c.calls);
  sleep_s(seconds);
  const double elapsed = now_s() - t0;
  const uint64_t calls = atomic_load(&c.calls) - calls0;
  // Xruns: each must come with an event, and the time it skipped is allowed.
  double skipped_s = 0;
  uint64_t events = 0;
  GsBackendEvent ev;
  while (gs_backend_poll(b, &ev)) {
    assert_int_equal(ev.kind, GS_BACKEND_EV_XRUN);
    skipped_s += ev.value * 1e-6;
    ++events;
  }
  assert_int_equal(events, gs_backend_xruns(b));
  printf("null %g Hz / %u: %llu calls in %.4f s (expected %.1f), %llu xruns, priority %d: %s\n",
         rate, period, (unsigned long long)calls, elapsed, elapsed / (period / rate),
         (unsigned long long)events, gs_backend_priority(b), gs_backend_info(b));
  gs_backend_close(b);
  // elapsed / period calls, +- two, less what late periods skipped (none
  // on an idle machine; each is an XRUN event, checked above).
  const double period_s = period / rate;
  const double expected = (elapsed - skipped_s / 2) / period_s;
  GS_ASSERT_NEAR((double)calls, expected, 2.0 + skipped_s / 2 / period_s);
  // Stopped: no call after close returned.
  const uint64_t final_calls = atomic_load(&c.calls);
  sleep_s(4 * period_s + 0.01);
  assert_int_equal(atomic_load(&c.calls), final_calls);
  assert_int_equal(atomic_load(&c.frames), final_calls * period);
  assert_int_equal(atomic_load(&c.next_frame), final_calls * period);
  assert_int_equal(atomic_load(&c.discontinuities), 0);
  assert_int_equal(atomic_load(&c.wrong_n), 0);
  assert_int_equal(atomic_load(&c.loud_inputs), 0);
}

static void test_48k_256_for_a_second(void **state)
{
  (void)state;
  run_for(48000, 256, 2, 2, 1.0);
}

static void test_any_rate_and_channels(void **state)
{
  (void)state;
  run_for(44100, 100, 7, 3, 0.3);
  run_for(96000, 32, 0, 1, 0.3);
}

// A callback that takes 50 ms of a 5.3 ms period: one xrun, reported with
// how late the period started, and the frames stay contiguous.
static void test_stall_is_an_xrun(void **state)
{
  (void)state;
  Counter c = {0};
  GsBackendConfig cfg = config(&c, 48000, 256, 1, 1);
  GsBackend *b = NULL;
  GsError err = {""};
  assert_int_equal(gs_backend_open(&cfg, &b, &err), GS_OK);
  assert_int_equal(gs_backend_start(b, &err), GS_OK);
  sleep_s(0.1);
  const uint64_t xruns_before = gs_backend_xruns(b);
  GsBackendEvent ev;
  while (gs_backend_poll(b, &ev)) {
  }
  // The stall is bracketed by times this thread reads: it began after
  // asked (and before seen), and ended when released.
  const double asked = now_s();
  atomic_store(&c.stall, true);
  while (!atomic_load(&c.stalled)) {
    sleep_s(0.001);
  }
  const double seen = now_s();
  sleep_s(0.05);
  atomic_store(&c.stall, false);
  const double released = now_s();
  sleep_s(0.1);
  assert_int_equal(gs_backend_xruns(b) - xruns_before, 1);
  assert_true(gs_backend_poll(b, &ev));
  assert_int_equal(ev.kind, GS_BACKEND_EV_XRUN);
  printf("stall of 50 ms: xrun at frame %llu, %.0f us late: %s\n", (unsigned long long)ev.frame,
         ev.value, ev.message);
  // Late by the stall less the period it had: at least (released - seen)
  // less a period, at most (released - asked), give or take 2 ms for the
  // thread's wake-up; however long a loaded machine made the stall.
  const double period_us = 256.0 / 48000.0 * 1e6;
  printf("stall bracketed: %.0f to %.0f us\n", (released - seen) * 1e6,
         (released - asked) * 1e6);
  GS_ASSERT_ABOVE(ev.value, (released - seen) * 1e6 - period_us - 2000.0);
  GS_ASSERT_BELOW(ev.value, (released - asked) * 1e6 + 2000.0);
  assert_true(ev.wall_s > 1.6e9);
  gs_backend_close(b);
  assert_int_equal(atomic_load(&c.discontinuities), 0);
}

static void test_bad_settings(void **state)
{
  (void)state;
  Counter c = {0};
  GsBackend *b = NULL;
  GsError err = {""};
  GsBackendConfig cfg = config(&c, 100, 256, 1, 1);
  assert_int_equal(gs_backend_open(&cfg, &b, &err), GS_ERR_RANGE);
  assert_null(b);
  assert_string_equal(err.message, "null backend: rate 100 Hz is out of range (1000 to 768000)");
  cfg = config(&c, 48000, 1024, 1, 1);
  cfg.max_block = 512;
  assert_int_equal(gs_backend_open(&cfg, &b, &err), GS_ERR_RANGE);
  assert_string_equal(err.message, "null backend: period 1024 frames is larger than the largest "
                                   "block the engine takes (512)");
  cfg = config(&c, 48000, 256, 1, 1);
  cfg.process = NULL;
  assert_int_equal(gs_backend_open(&cfg, &b, &err), GS_ERR_USAGE);
  // Defaults: 48 kHz, 256 frames.
  cfg = config(&c, 0, 0, 1, 1);
  assert_int_equal(gs_backend_open(&cfg, &b, &err), GS_OK);
  GS_ASSERT_NEAR(gs_backend_rate(b), 48000, 0);
  assert_int_equal(gs_backend_block(b), 256);
  assert_int_equal(gs_backend_xruns(b), 0);
  gs_backend_close(b);  // never started
  gs_backend_close(NULL);
}

static void test_list(void **state)
{
  (void)state;
  char text[256];
  GsError err = {""};
  assert_int_equal(gs_backend_list(GS_BACKEND_NULL, text, sizeof(text), &err), GS_OK);
  assert_non_null(strstr(text, "null: "));
}

// Every allocation of opening fails in turn: GS_ERR_NOMEM and nothing
// leaked (the sanitizer build checks), then it opens.
static void test_out_of_memory(void **state)
{
  (void)state;
  Counter c = {0};
  GsBackendConfig cfg = config(&c, 48000, 256, 2, 2);
  const int n = backend_open_failures(&cfg);
  printf("null: %d allocations, each failure reported\n", n);
  assert_true(n >= 3);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_48k_256_for_a_second),
    cmocka_unit_test(test_any_rate_and_channels),
    cmocka_unit_test(test_stall_is_an_xrun),
    cmocka_unit_test(test_bad_settings),
    cmocka_unit_test(test_list),
    cmocka_unit_test(test_out_of_memory),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
