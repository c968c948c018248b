// SPDX-License-Identifier: ISC
// Tests sample peak, RMS and true peak (ITU-R BS.1770-4 Annex 2, EBU Tech 3341 cases).

#include "check.h"

#include "dsp/meter.h"

#include <stdio.h>
#include <stdlib.h>

#define PI 3.14159265358979323846

// A sine of peak amplitude amp at freq_hz, starting at phase_deg.
static float *make_sine(size_t n, double rate_hz, double freq_hz, double amp, double phase_deg)
{
  float *x = malloc(n * sizeof *x);
  assert_non_null(x);
  for (size_t i = 0; i < n; ++i) {
    x[i] = (float)(amp * sin(2.0 * PI * freq_hz * (double)i / rate_hz + phase_deg * PI / 180.0));
  }
  return x;
}

// The same, faded in over its first 10 ms (raised cosine). A sine that jumps
// in from silence is a step, and the band-limited signal its samples stand
// for rings over the sine's crest (by 0.4 dB for case 17 below): a true-peak
// meter is right to read that. Fading in leaves only the sine's own peak.
static float *make_faded_sine(size_t n, double rate_hz, double freq_hz, double amp,
                              double phase_deg)
{
  float *x = make_sine(n, rate_hz, freq_hz, amp, phase_deg);
  const size_t fade = (size_t)(0.01 * rate_hz);
  for (size_t i = 0; i < fade && i < n; ++i) {
    x[i] *= (float)(0.5 - 0.5 * cos(PI * (double)i / (double)fade));
  }
  return x;
}

static double truepeak_db(const float *x, size_t n)
{
  GsTruePeakMeter m;
  gs_truepeak_reset(&m);
  gs_truepeak_process(&m, x, (uint32_t)n);
  return gs_linear_to_db(m.peak);
}

static double samplepeak_db(const float *x, size_t n)
{
  GsPeakMeter m;
  gs_peak_reset(&m);
  gs_peak_process(&m, x, (uint32_t)n);
  return gs_linear_to_db(m.peak);
}

static void test_linear_to_db(void **state)
{
  (void)state;
  GS_ASSERT_NEAR(gs_linear_to_db(1.0), 0.0, 1e-12);
  GS_ASSERT_NEAR(gs_linear_to_db(0.1), -20.0, 1e-12);
  GS_ASSERT_NEAR(gs_linear_to_db(2.0), 6.020599913, 1e-9);
  GS_ASSERT_NEAR(gs_linear_to_db(0.0), -200.0, 0.0);
  GS_ASSERT_NEAR(gs_linear_to_db(-1.0), -200.0, 0.0);
  assert_true(isnan(gs_linear_to_db(NAN)));
}

static void test_sample_peak(void **state)
{
  (void)state;
  const float x[] = {0.1f, -0.25f, 0.5f, -0.75f, 0.0f, NAN, 0.3f};
  GsPeakMeter m;
  gs_peak_reset(&m);
  GS_ASSERT_NEAR(m.peak, 0.0, 0.0);
  gs_peak_process(&m, x, 3);
  GS_ASSERT_NEAR(m.peak, 0.5, 0.0);
  gs_peak_process(&m, x + 3, 4);  // the NaN is skipped
  GS_ASSERT_NEAR(m.peak, 0.75, 0.0);
  gs_peak_reset(&m);
  GS_ASSERT_NEAR(m.peak, 0.0, 0.0);
}

static void test_rms(void **state)
{
  (void)state;
  GsRmsMeter m;
  gs_rms_reset(&m);
  GS_ASSERT_NEAR(gs_rms_value(&m), 0.0, 0.0);

  // A full-scale sine over whole periods: RMS 1/sqrt(2), -3.0103 dB.
  const size_t n = 48000;
  float *x = make_sine(n, 48000.0, 1000.0, 1.0, 0.0);
  gs_rms_process(&m, x, (uint32_t)n);
  const double sine_db = gs_linear_to_db(gs_rms_value(&m));
  print_message("full-scale sine RMS %.6f dB\n", sine_db);
  GS_ASSERT_NEAR(sine_db, -3.010299957, 1e-5);
  free(x);

  // A constant and a square wave are their own RMS.
  const float dc[4] = {0.5f, 0.5f, 0.5f, 0.5f};
  const float square[4] = {1.0f, -1.0f, 1.0f, -1.0f};
  gs_rms_reset(&m);
  gs_rms_process(&m, dc, 4);
  GS_ASSERT_NEAR(gs_rms_value(&m), 0.5, 0.0);
  gs_rms_reset(&m);
  gs_rms_process(&m, square, 4);
  GS_ASSERT_NEAR(gs_rms_value(&m), 1.0, 0.0);
  // Mean square accumulates across calls: (4 * 1 + 4 * 0.25) / 8.
  gs_rms_process(&m, dc, 4);
  GS_ASSERT_NEAR(gs_rms_value(&m), sqrt(0.625), 1e-15);
}

// The modified Bessel function of the first kind, order 0 (power series).
static double bessel_i0(double x)
{
  double sum = 1.0, term = 1.0;
  for (int k = 1; k < 50; ++k) {
    term *= (x / (2.0 * k)) * (x / (2.0 * k));
    sum += term;
  }
  return sum;
}

// The coefficient table in meter.c is the design its comment states.
static void test_truepeak_coefficients_follow_their_design(void **state)
{
  (void)state;
  const double beta = 4.0;
  double h[49];
  for (int k = 0; k < 49; ++k) {
    const double t = (k - 24) / 4.0;
    const double sinc = (k == 24) ? 1.0 : sin(PI * t) / (PI * t);
    const double r = (k - 24) / 24.0;
    h[k] = sinc * bessel_i0(beta * sqrt(1.0 - r * r)) / bessel_i0(beta);
  }
  // Phase 0 is the sample itself.
  for (int j = 0; j < 12; ++j) {
    GS_ASSERT_NEAR(h[4 * j], j == 6 ? 1.0 : 0.0, 1e-15);
  }
  double worst = 0.0;
  for (int p = 1; p < 4; ++p) {
    double sum = 0.0;
    for (int j = 0; j < 12; ++j) {
      sum += h[p + 4 * j];
    }
    for (int j = 0; j < 12; ++j) {
      const double want = h[p + 4 * j] / sum;
      GS_ASSERT_NEAR(gs_truepeak_coef[p - 1][j], want, 1e-7);
      worst = fmax(worst, fabs(gs_truepeak_coef[p - 1][j] - want));
    }
  }
  print_message("true-peak table vs design: worst %.3g\n", worst);
}

// EBU Tech 3341 (v3) true-peak cases 15-18: a -6 dBFS sine at fs/4, fs/6 and
// fs/8 whose crest falls between samples; expected -6.0 dBTP, +0.2/-0.4 dB.
// The same signals at 0 dBFS and other rates (as in cases 19-22, which we do
// not reconstruct exactly) read 0.0 dBTP. Each oversampled grid point hits
// the crest, so these measure the interpolator's gain alone.
static void test_tech3341_true_peak_cases(void **state)
{
  (void)state;
  const struct {
    int tech_case;
    double rate_hz, freq_div, phase_deg, level_db, sample_peak_db;
  } cases[] = {
    {15, 48000.0, 4.0, 0.0, -6.0, -6.0},
    {16, 48000.0, 4.0, 45.0, -6.0, -6.0 - 3.0103},
    {17, 48000.0, 6.0, 60.0, -6.0, -6.0 - 1.2494},
    {18, 48000.0, 8.0, 67.5, -6.0, -6.0 - 0.6877},
    {0, 96000.0, 4.0, 45.0, 0.0, -3.0103},
    {0, 192000.0, 4.0, 45.0, 0.0, -3.0103},
    {0, 192000.0, 6.0, 60.0, 0.0, -1.2494},
    {0, 44100.0, 8.0, 67.5, 0.0, -0.6877},
  };
  double worst = 0.0;
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; ++i) {
    const size_t n = 48000;
    float *x = make_faded_sine(n, cases[i].rate_hz, cases[i].rate_hz / cases[i].freq_div,
                         pow(10.0, cases[i].level_db / 20.0), cases[i].phase_deg);
    const double tp = truepeak_db(x, n);
    const double sp = samplepeak_db(x, n);
    print_message("case %2d: fs %6.0f Hz, fs/%.0f at %4.1f deg: sample peak %7.3f dBFS, true peak "
                  "%7.3f dBTP (expected %.1f)\n",
                  cases[i].tech_case, cases[i].rate_hz, cases[i].freq_div, cases[i].phase_deg, sp,
                  tp, cases[i].level_db);
    GS_ASSERT_NEAR(sp, cases[i].sample_peak_db, 1e-3);
    GS_ASSERT_BELOW(tp, cases[i].level_db + 0.2);
    GS_ASSERT_ABOVE(tp, cases[i].level_db - 0.4);
    worst = fmax(worst, fabs(tp - cases[i].level_db));
    free(x);
  }
  print_message("true peak, Tech 3341 style cases: worst deviation %.3f dB\n", worst);
}

// Sines from 20 Hz to 0.4 fs at arbitrary phases. The 4x grid can miss the
// crest by up to a phase of pi f / (4 fs), so the reading may fall short by
// 20 log10(cos(pi f / (4 fs))) (0.69 dB at fs/2, BS.1770-4 Annex 2); beyond
// that only the interpolator's ripple and image leakage may show: we allow
// 0.15 dB under that bound and Tech 3341's +0.2 dB over the true value. The
// reading is never below the sample peak.
static void test_true_peak_bounds_for_sines(void **state)
{
  (void)state;
  const double rate_hz = 48000.0;
  const size_t n = 4800;
  double worst_over = -1.0, worst_under = 1.0;
  srand(1);
  for (double f = 20.0; f <= 0.4 * rate_hz; f *= 1.0905) {
    for (int k = 0; k < 4; ++k) {
      const double phase = 360.0 * rand() / (double)RAND_MAX;
      float *x = make_faded_sine(n, rate_hz, f, 0.5, phase);
      const double tp = truepeak_db(x, n) - gs_linear_to_db(0.5);
      const double sp = samplepeak_db(x, n) - gs_linear_to_db(0.5);
      const double grid_db = 20.0 * log10(cos(PI * f / (4.0 * rate_hz)));
      if (tp > 0.2 || tp < grid_db - 0.15 || tp < sp - 1e-6) {
        print_error("f %.1f Hz phase %.1f: true peak %+.4f dB, sample peak %+.4f dB, grid %.4f\n",
                    f, phase, tp, sp, grid_db);
      }
      GS_ASSERT_BELOW(tp, 0.2);
      GS_ASSERT_ABOVE(tp, grid_db - 0.15);
      GS_ASSERT_ABOVE(tp, sp - 1e-6);
      worst_over = fmax(worst_over, tp);
      worst_under = fmin(worst_under, tp - grid_db);
      free(x);
    }
  }
  print_message("sines to 0.4 fs: most over %+.3f dB, most under the grid bound %+.3f dB\n",
                worst_over, worst_under);
}

// Splitting the input into blocks changes nothing; reset forgets.
static void test_true_peak_blocks_and_reset(void **state)
{
  (void)state;
  const size_t n = 4801;
  float *x = make_sine(n, 48000.0, 11025.0, 0.9, 30.0);
  GsTruePeakMeter whole, parts;
  gs_truepeak_reset(&whole);
  gs_truepeak_reset(&parts);
  gs_truepeak_process(&whole, x, (uint32_t)n);
  for (size_t i = 0, len = 1; i < n; i += len, len = len * 2 + 1) {
    const size_t m = (i + len > n) ? n - i : len;
    gs_truepeak_process(&parts, x + i, (uint32_t)m);
  }
  GS_ASSERT_NEAR(parts.peak, whole.peak, 0.0);
  gs_truepeak_reset(&parts);
  GS_ASSERT_NEAR(parts.peak, 0.0, 0.0);
  const float zeros[64] = {0};
  gs_truepeak_process(&parts, zeros, 64);
  GS_ASSERT_NEAR(parts.peak, 0.0, 0.0);
  // A full-scale constant interpolates to itself, once the step into it
  // (which rings, as any band-limited step does) has left the history.
  float dc[64];
  for (int i = 0; i < 64; ++i) {
    dc[i] = 1.0f;
  }
  gs_truepeak_reset(&parts);
  gs_truepeak_process(&parts, dc, 64);
  GS_ASSERT_ABOVE(parts.peak, 1.0);
  parts.peak = 0.0f;
  gs_truepeak_process(&parts, dc, 64);
  GS_ASSERT_NEAR(parts.peak, 1.0, 2e-6);
  free(x);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_linear_to_db),
    cmocka_unit_test(test_sample_peak),
    cmocka_unit_test(test_rms),
    cmocka_unit_test(test_truepeak_coefficients_follow_their_design),
    cmocka_unit_test(test_tech3341_true_peak_cases),
    cmocka_unit_test(test_true_peak_bounds_for_sines),
    cmocka_unit_test(test_true_peak_blocks_and_reset),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
