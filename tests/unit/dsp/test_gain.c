// SPDX-License-Identifier: ISC
// Smoothed gain: exact when settled, settles in bounded time, and glides
// without clicks at a rate set by its time constant.

#include "check.h"

#include "dsp/gain.h"

#include <float.h>
#include <stdio.h>
#include <stdlib.h>

static const double two_pi = 6.283185307179586476925;
static const double rate_hz = 48000.0;
static const double time_s = 0.010;

static void test_db_conversions(void **state)
{
  (void)state;
  GS_ASSERT_NEAR(gs_db_to_gain(20.0), 10.0, 1e-14);
  GS_ASSERT_NEAR(gs_db_to_gain(-6.0206), 0.5, 1e-5);
  GS_ASSERT_NEAR(gs_gain_to_db(0.5), -6.0206, 1e-4);
  assert_true(gs_db_to_gain(-INFINITY) == 0.0);
  for (double db = -120.0; db <= 60.0; db += 7.5) {
    GS_ASSERT_NEAR(gs_gain_to_db(gs_db_to_gain(db)), db, 1e-12);
  }
}

// A settled 30 dB gain multiplies by (float)10^(30/20), computed here in
// double, with nothing else: out is exactly in * target in float.
static void test_constant_gain_is_exact(void **state)
{
  (void)state;
  const float target = (float)pow(10.0, 30.0 / 20.0);
  GsGain g;
  gs_gain_init(&g, rate_hz, time_s, 30.0f);
  assert_true(g.target == target);
  float x[1024], y[1024];
  for (int i = 0; i < 1024; ++i) {
    x[i] = (float)sin(0.37 * i) * 0.01f;
  }
  gs_gain_process(&g, x, y, 1024);
  for (int i = 0; i < 1024; ++i) {
    assert_true(y[i] == x[i] * target);
  }
}

// Feeds ones so the output is the gain curve; returns it for n samples in
// blocks of 64.
static float *gain_curve(GsGain *g, uint32_t n)
{
  float *curve = malloc(n * sizeof *curve);
  assert_non_null(curve);
  float ones[64];
  for (int i = 0; i < 64; ++i) {
    ones[i] = 1.0f;
  }
  for (uint32_t i = 0; i < n; i += 64) {
    gs_gain_process(g, ones, curve + i, n - i < 64 ? n - i : 64);
  }
  return curve;
}

// A one-pole glide leaves exp(-t/tau) of the step; it snaps at 1e-6 of the
// target, so from 0 dB to -40 dB it must be exact by
// tau ln(0.99 / 1e-8) = 18.4 tau = 184 ms (+ one 64-sample block).
static void test_settles_exactly(void **state)
{
  (void)state;
  GsGain g;
  gs_gain_init(&g, rate_hz, time_s, 0.0f);
  gs_gain_set_db(&g, -40.0f);
  const uint32_t n = 24000;
  float *curve = gain_curve(&g, n);
  uint32_t settled = n;
  while (settled > 0 && curve[settled - 1] == g.target) {
    --settled;
  }
  const double bound = time_s * rate_hz * log(0.99 / 1e-8) + 64;
  printf("gain: 0 -> -40 dB exact after %u samples (bound %.0f)\n", settled, bound);
  GS_ASSERT_BELOW(settled, bound);
  assert_true(g.current == g.target);
  assert_true(g.target == (float)gs_db_to_gain(-40.0));
  // After one time constant 1/e of the step is left.
  const double left = (curve[479] - 0.01) / (1.0 - 0.01);
  GS_ASSERT_NEAR(left, exp(-1.0), 0.002);
  free(curve);
}

static void test_settles_to_silence(void **state)
{
  (void)state;
  GsGain g;
  gs_gain_init(&g, rate_hz, time_s, 0.0f);
  gs_gain_set_db(&g, -INFINITY);
  float *curve = gain_curve(&g, 24000);
  assert_true(curve[23999] == 0.0f);
  assert_true(g.current == 0.0f);
  free(curve);
}

// The gain moves by at most coef times the remaining distance per sample:
// for a 0 -> -40 dB step that is coef * 0.99 = 2.06e-3 at 10 ms and 48 kHz,
// against 0.99 for a jump.
static void test_gain_curve_slew_is_bounded(void **state)
{
  (void)state;
  GsGain g;
  gs_gain_init(&g, rate_hz, time_s, 0.0f);
  gs_gain_set_db(&g, -40.0f);
  const double bound = (1.0 - exp(-1.0 / (time_s * rate_hz))) * (1.0 - 0.01);
  const uint32_t n = 24000;
  float *curve = gain_curve(&g, n);
  double worst = 1.0 - curve[0];
  for (uint32_t i = 1; i < n; ++i) {
    worst = fmax(worst, fabs((double)curve[i] - curve[i - 1]));
  }
  printf("gain: largest step of the gain curve %.6g (bound %.6g)\n", worst, bound);
  GS_ASSERT_NEAR(worst, bound, bound * 1e-4);
  free(curve);
}

// A steady 1 kHz sine s of amplitude A through the step. With y = g s,
// y[n] - 2y[n-1] + y[n-2] = g[n-1] d2s + (g[n] - 2g[n-1] + g[n-2]) s[n]
// + (g[n-1] - g[n-2]) (s[n] - s[n-2]), so its size is at most
// A (4 sin^2(w/2) + max|d2g| + 2 sin(w) max|dg|). The one-pole glide starts
// with a kink, not a step: max|d2g| = max|dg| = coef * 0.99. A jump in gain
// would give about A * 0.99.
static void test_sine_has_no_discontinuity(void **state)
{
  (void)state;
  const uint32_t n = 9600;
  const double amp = 0.5, w = two_pi * 1000.0 / rate_hz;
  float *x = malloc(n * sizeof *x);
  float *y = malloc(n * sizeof *y);
  assert_non_null(x);
  assert_non_null(y);
  for (uint32_t i = 0; i < n; ++i) {
    x[i] = (float)(amp * cos(w * i));
  }
  GsGain g;
  gs_gain_init(&g, rate_hz, time_s, 0.0f);
  gs_gain_process(&g, x, y, 480);  // the step lands on a peak (i = 480)
  gs_gain_set_db(&g, -40.0f);
  gs_gain_process(&g, x + 480, y + 480, n - 480);
  const double c = 1.0 - exp(-1.0 / (time_s * rate_hz));
  const double dg = c * 0.99;
  const double bound =
    amp * (4.0 * pow(sin(w / 2.0), 2.0) + dg + 2.0 * sin(w) * dg) + 4.0 * FLT_EPSILON;
  double worst = 0.0;
  for (uint32_t i = 2; i < n; ++i) {
    worst = fmax(worst, fabs((double)y[i] - 2.0 * y[i - 1] + y[i - 2]));
  }
  printf("gain: largest second difference %.6g (bound %.6g, a jump would give %.3g)\n",
         worst, bound, amp * 0.99);
  GS_ASSERT_BELOW(worst, bound);
  free(x);
  free(y);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_db_conversions),
    cmocka_unit_test(test_constant_gain_is_exact),
    cmocka_unit_test(test_settles_exactly),
    cmocka_unit_test(test_settles_to_silence),
    cmocka_unit_test(test_gain_curve_slew_is_bounded),
    cmocka_unit_test(test_sine_has_no_discontinuity),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
