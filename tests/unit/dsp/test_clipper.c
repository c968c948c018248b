// SPDX-License-Identifier: ISC
// Anti-aliased hard clip: its excess integral in closed form, transparency
// below full scale, the plateau, aliasing against a naive clip, blocks of any
// size, and the quiet path.

#include "check.h"

#include "dsp/analysis.h"
#include "dsp/clipper.h"

#include <stdlib.h>

#ifndef M_PI  // XSI, not ISO C
#  define M_PI 3.14159265358979323846
#endif

#define N_FFT 65536
#define SETTLE 4096

static GsClipper *new_clipper(double rate_hz)
{
  GsClipper *c = malloc(sizeof(*c));
  assert_non_null(c);
  assert_int_equal(gs_clipper_init(c, rate_hz), GS_OK);
  return c;
}

// The integral of t e(a + (b - a) t) over [0, 1] by the midpoint rule.
static double ramp_numeric(double a, double b)
{
  const int n = 200000;
  double sum = 0.0;
  for (int i = 0; i < n; ++i) {
    const double t = (i + 0.5) / n;
    const double v = a + (b - a) * t;
    const double e = v > 1.0 ? v - 1.0 : (v < -1.0 ? v + 1.0 : 0.0);
    sum += t * e;
  }
  return sum / n;
}

static void test_ramp_excess_closed_form(void **state)
{
  (void)state;
  static const double pairs[][2] = {{0.5, 0.9},  {0.9, 1.3},  {1.3, 0.9},  {1.2, 1.7},
                                     {1.7, 1.2}, {-0.5, -1.5}, {-1.5, 1.5}, {2.0, -2.0},
                                     {1.0, 1.0 + 1e-12}, {1.5, 1.5}};
  for (size_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); ++i) {
    const double a = pairs[i][0], b = pairs[i][1];
    GS_ASSERT_NEAR(gs_clipper_ramp_excess(a, b), ramp_numeric(a, b), 1e-9);
  }
}

static void test_design(void **state)
{
  (void)state;
  static const double rates[] = {44100.0, 48000.0, 88200.0, 96000.0, 176400.0,
                                 192000.0, 8000.0, 22050.0, 32000.0, 384000.0};
  static const unsigned delays[] = {39, 39, 12, 11, 9, 9, 39, 39, 39, 8};
  for (int i = 0; i < 10; ++i) {
    GsClipper *c = new_clipper(rates[i]);
    print_message("%6.0f Hz: %ux, %u taps, delay %u samples, quiet below %.3f\n", rates[i],
                  c->factor, c->n_taps, gs_clipper_latency(c), (double)c->threshold);
    assert_int_equal(gs_clipper_latency(c), delays[i]);
    free(c);
  }
  GsClipper c;
  assert_int_equal(gs_clipper_init(&c, 7999.0), GS_ERR_RANGE);
  assert_int_equal(gs_clipper_init(&c, 384001.0), GS_ERR_RANGE);
}

// Below full scale the output is the input delayed by D, bit for bit, both
// on the quiet path (0.2 of full scale) and on the oversampled one (0.95).
static void test_transparent_below_full_scale(void **state)
{
  (void)state;
  static const double amps[] = {0.2, 0.95};
  for (int j = 0; j < 2; ++j) {
    GsClipper *c = new_clipper(48000.0);
    const uint32_t n = 10000, d = gs_clipper_latency(c);
    float *x = malloc(n * sizeof(float)), *y = malloc(n * sizeof(float));
    for (uint32_t i = 0; i < n; ++i) {
      x[i] = (float)(amps[j] * sin(2.0 * M_PI * 3001.0 * i / 48000.0));
    }
    const bool ran = gs_clipper_process(c, x, y, n);
    assert_int_equal(ran, j == 1);
    uint32_t differ = 0;
    for (uint32_t i = d; i < n; ++i) {
      differ += y[i] != x[i - d];
    }
    assert_int_equal(differ, 0);
    free(x);
    free(y);
    free(c);
  }
}

// A slow sine 6 dB over full scale: on the middle of each plateau the output
// is full scale, not the input.
static void test_plateau_is_full_scale(void **state)
{
  (void)state;
  GsClipper *c = new_clipper(48000.0);
  const uint32_t n = 48000, d = gs_clipper_latency(c);
  float *x = malloc(n * sizeof(float)), *y = malloc(n * sizeof(float));
  for (uint32_t i = 0; i < n; ++i) {
    x[i] = (float)(2.0 * sin(2.0 * M_PI * 50.0 * i / 48000.0));
  }
  gs_clipper_process(c, x, y, n);
  double worst = 0.0, peak = 0.0;
  for (uint32_t i = 2000; i < n; ++i) {
    peak = fmax(peak, fabs(y[i]));
    // Well inside a plateau: the input above 1.9 (the clip started 1.4 ms earlier).
    if (fabs(x[i - d]) > 1.9) {
      worst = fmax(worst, fabs(fabs(y[i]) - 1.0));
    }
  }
  print_message("50 Hz, 6 dB over: plateau within %.2e of full scale, peak %.4f\n", worst, peak);
  GS_ASSERT_BELOW(worst, 1e-3);
  GS_ASSERT_BELOW(peak, 1.1);
  free(x);
  free(y);
  free(c);
}

static double aliasing_dbc(const float *y, size_t k, double rate_hz)
{
  GsSineAnalysis a;
  assert_int_equal(gs_analysis_sine(y, N_FFT, k, rate_hz, 20.0, 20000.0, &a), GS_OK);
  return gs_power_ratio_db(a.aliasing);
}

static void test_aliasing_against_naive_clip(void **state)
{
  (void)state;
  static const double rates[] = {44100.0, 48000.0, 96000.0, 192000.0, 22050.0, 384000.0};
  static const double limits[] = {-78.0, -85.0, -85.0, -100.0, -70.0, -100.0};
  for (int r = 0; r < 6; ++r) {
    const double rate = rates[r];
    GsClipper *c = new_clipper(rate);
    const size_t len = SETTLE + N_FFT, k = gs_analysis_coprime_bin(N_FFT, rate, 5000.0);
    float *x = malloc(len * sizeof(float)), *y = malloc(len * sizeof(float));
    for (size_t t = 0; t < len; ++t) {
      x[t] = (float)(2.0 * sin(2.0 * M_PI * (double)((k * t) % N_FFT) / N_FFT));
    }
    gs_clipper_process(c, x, y, (uint32_t)len);
    const double modelled = aliasing_dbc(y + SETTLE, k, rate);
    for (size_t t = 0; t < len; ++t) {
      y[t] = x[t] > 1.0f ? 1.0f : (x[t] < -1.0f ? -1.0f : x[t]);
    }
    const double naive = aliasing_dbc(y + SETTLE, k, rate);
    print_message("%6.0f Hz, 5 kHz 6 dB over: aliasing %.1f dBc (naive clip %.1f dBc)\n", rate,
                  modelled, naive);
    GS_ASSERT_BELOW(modelled, limits[r]);
    GS_ASSERT_BELOW(modelled - naive, -40.0);  // the naive clip aliases, this does not
    free(x);
    free(y);
    free(c);
  }
}

// Any block size gives the same output, bit for bit (the quiet decision is
// exact, so it cannot depend on where blocks start).
static void test_blocks_of_any_size(void **state)
{
  (void)state;
  const uint32_t n = 6000;
  float *x = malloc(n * sizeof(float)), *ya = malloc(n * sizeof(float)),
        *yb = malloc(n * sizeof(float));
  for (uint32_t i = 0; i < n; ++i) {
    // Bursts over full scale between quiet stretches.
    const double env = (i / 700) % 2 ? 1.8 : 0.1;
    x[i] = (float)(env * sin(2.0 * M_PI * 1234.5 * i / 48000.0));
  }
  GsClipper *a = new_clipper(48000.0), *b = new_clipper(48000.0);
  gs_clipper_process(a, x, ya, n);
  static const uint32_t sizes[] = {1, 7, 64, 300, 2};
  for (uint32_t done = 0, j = 0; done < n; ++j) {
    const uint32_t m = sizes[j % 5] < n - done ? sizes[j % 5] : n - done;
    gs_clipper_process(b, x + done, yb + done, m);
    done += m;
  }
  for (uint32_t i = 0; i < n; ++i) {
    assert_true(ya[i] == yb[i]);
  }
  free(x);
  free(ya);
  free(yb);
  free(a);
  free(b);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_ramp_excess_closed_form),
    cmocka_unit_test(test_design),
    cmocka_unit_test(test_transparent_below_full_scale),
    cmocka_unit_test(test_plateau_is_full_scale),
    cmocka_unit_test(test_aliasing_against_naive_clip),
    cmocka_unit_test(test_blocks_of_any_size),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
