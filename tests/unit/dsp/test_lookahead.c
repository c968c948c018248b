// SPDX-License-Identifier: ISC
// Look-ahead gain reduction: nothing leaves above the ceiling, nothing
// changes below it, the gain ramps instead of stepping, and every episode is
// counted.

#include "check.h"

#include "dsp/lookahead.h"

#include <stdlib.h>

#define RATE 48000.0
#define L 48  // 1 ms

static void test_nothing_passes_the_ceiling(void **state)
{
  (void)state;
  GsLookahead la;
  assert_int_equal(gs_lookahead_init(&la, L, 1.0f, 0.1, RATE), GS_OK);
  enum { N = 48000 };
  float *x = malloc(N * sizeof(float)), *y = malloc(N * sizeof(float));
  // A 997 Hz sine 6 dB over the ceiling, with a spike 20 dB over on top.
  for (int i = 0; i < N; ++i) {
    x[i] = (float)(2.0 * sin(2.0 * M_PI * 997.0 * i / RATE));
  }
  x[30000] = 10.0f;
  for (int i = 0; i < N; i += 100) {
    gs_lookahead_process(&la, x + i, y + i, 100);
  }
  double peak = 0.0;
  for (int i = 0; i < N; ++i) {
    peak = fmax(peak, fabs(y[i]));
  }
  print_message("peak out %.7f (ceiling 1)\n", peak);
  GS_ASSERT_BELOW(peak, 1.0 + 1e-6);
  // Where the signal is steady the reduction is what the sine needs: -6 dB.
  GS_ASSERT_NEAR(fabs(y[20000] / x[20000 - L]), 0.5, 0.01);
  free(x);
  free(y);
}

static void test_below_the_ceiling_it_only_delays(void **state)
{
  (void)state;
  GsLookahead la;
  assert_int_equal(gs_lookahead_init(&la, L, 1.0f, 0.1, RATE), GS_OK);
  float x[1000], y[1000];
  for (int i = 0; i < 1000; ++i) {
    x[i] = (float)(0.99 * sin(0.1 * i));
  }
  gs_lookahead_process(&la, x, y, 1000);
  for (int i = L; i < 1000; ++i) {
    assert_true(y[i] == x[i - L]);
  }
  uint64_t episodes, first;
  double deepest;
  gs_lookahead_take(&la, &episodes, &deepest, &first);
  assert_int_equal(episodes, 0);
  GS_ASSERT_NEAR(deepest, 0.0, 0.0);
}

// A lone spike: the gain ramps down over the look-ahead (no step), reaches
// the spike's need just as it leaves, and glides back.
static void test_gain_ramps(void **state)
{
  (void)state;
  GsLookahead la;
  assert_int_equal(gs_lookahead_init(&la, L, 1.0f, 0.02, RATE), GS_OK);  // release 960 samples
  enum { N = 20000 };
  static float x[N], y[N];
  for (int i = 0; i < N; ++i) {
    x[i] = 0.5f;  // a constant: the output over the input is the gain
  }
  x[1000] = 4.0f;  // needs 0.25
  x[11000] = 3.0f;  // a second episode, 10000 samples later
  gs_lookahead_process(&la, x, y, N);
  double worst_step = 0.0;
  for (int i = L + 1; i < N; ++i) {
    if (i - L != 1000 && i - L != 11000 && i - 1 - L != 1000 && i - 1 - L != 11000) {
      worst_step = fmax(worst_step, fabs((double)y[i] - y[i - 1]) / 0.5);
    }
  }
  // At most (1 - 0.25) / L per sample on the way down.
  print_message("largest gain step %.5f (ramp bound %.5f)\n", worst_step, 0.75 / L);
  GS_ASSERT_BELOW(worst_step, 0.75 / L + 1e-6);
  GS_ASSERT_NEAR(y[1000 + L], 1.0, 1e-6);  // the spike, at the ceiling exactly
  uint64_t episodes, first;
  double deepest;
  gs_lookahead_take(&la, &episodes, &deepest, &first);
  assert_int_equal(episodes, 2);
  GS_ASSERT_NEAR(deepest, 20.0 * log10(0.25), 0.01);
  GS_ASSERT_BELOW((double)first, 1000.0 + L);
  GS_ASSERT_ABOVE((double)first, 1000.0);
  // Released: 10 time constants later the gain is back within 0.01 dB.
  GS_ASSERT_NEAR(20.0 * log10(y[10900] / 0.5), 0.0, 0.01);
  gs_lookahead_take(&la, &episodes, &deepest, &first);
  assert_int_equal(episodes, 0);
}

static void test_bad_settings(void **state)
{
  (void)state;
  GsLookahead la;
  assert_int_equal(gs_lookahead_init(&la, 0, 1.0f, 0.1, RATE), GS_ERR_RANGE);
  assert_int_equal(gs_lookahead_init(&la, GS_LOOKAHEAD_MAX + 1, 1.0f, 0.1, RATE), GS_ERR_RANGE);
  assert_int_equal(gs_lookahead_init(&la, L, 0.0f, 0.1, RATE), GS_ERR_RANGE);
  assert_int_equal(gs_lookahead_init(&la, L, 1.0f, 0.0, RATE), GS_ERR_RANGE);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_nothing_passes_the_ceiling),
    cmocka_unit_test(test_below_the_ceiling_it_only_delays),
    cmocka_unit_test(test_gain_ramps),
    cmocka_unit_test(test_bad_settings),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
