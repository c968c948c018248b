// SPDX-License-Identifier: ISC
// Spectral analysis of coherent sines: amplitudes, THD, THD+N and aliasing on
// signals built from known components.

#include "check.h"

#include "dsp/analysis.h"
#include "dsp/noise.h"
#include "dsp/weighting.h"

#include <stdlib.h>

#define N 8192
#define RATE 48000.0

// x = sum of amp[j] cos(2 pi bin[j] i / N + phase[j]), plus dc.
static float *build(size_t count, const size_t *bin, const double *amp, const double *phase,
                    double dc)
{
  float *x = malloc(N * sizeof(float));
  for (size_t i = 0; i < N; ++i) {
    double v = dc;
    for (size_t j = 0; j < count; ++j) {
      v += amp[j] * cos(2.0 * M_PI * (double)bin[j] * (double)i / N + phase[j]);
    }
    x[i] = (float)v;
  }
  return x;
}

static void test_bin_amplitude_and_phase(void **state)
{
  (void)state;
  const size_t bin[] = {341};
  const double amp[] = {0.5}, phase[] = {0.7};
  float *x = build(1, bin, amp, phase, 0.0);
  double a, p;
  assert_int_equal(gs_analysis_bin(x, N, 341, &a, &p), GS_OK);
  GS_ASSERT_NEAR(a, 0.5, 1e-6);
  GS_ASSERT_NEAR(p, 0.7, 1e-6);
  assert_int_equal(gs_analysis_bin(x, N, 0, &a, &p), GS_ERR_RANGE);
  assert_int_equal(gs_analysis_bin(x, N, N / 2, &a, &p), GS_ERR_RANGE);
  assert_int_equal(gs_analysis_bin(x, 7, 1, &a, &p), GS_ERR_RANGE);
  free(x);
}

static void test_harmonics_noise_and_aliases(void **state)
{
  (void)state;
  // Fundamental on bin 101 (about 592 Hz); 2nd harmonic at -40 dB, 3rd at
  // -60 dB, a non-harmonic tone (bin 1000) at -80 dB, and DC.
  const size_t bin[] = {101, 202, 303, 1000};
  const double amp[] = {1.0, 0.01, 0.001, 0.0001};
  const double phase[] = {0.0, 1.0, 2.0, 3.0};
  float *x = build(4, bin, amp, phase, 0.25);
  GsSineAnalysis r;
  assert_int_equal(gs_analysis_sine(x, N, 101, RATE, 20.0, 20000.0, &r), GS_OK);
  GS_ASSERT_NEAR(r.fundamental, 1.0, 1e-6);
  GS_ASSERT_NEAR(r.harmonic[2], 0.01, 1e-6);
  GS_ASSERT_NEAR(r.harmonic[3], 0.001, 1e-6);
  GS_ASSERT_NEAR(r.dc, 0.25, 1e-6);
  GS_ASSERT_NEAR(r.thd, sqrt(0.01 * 0.01 + 0.001 * 0.001), 1e-6);
  GS_ASSERT_NEAR(r.thd_n, sqrt(0.01 * 0.01 + 0.001 * 0.001 + 0.0001 * 0.0001), 1e-6);
  GS_ASSERT_NEAR(gs_power_ratio_db(r.aliasing), -80.0, 0.01);
  // Harmonics above 20 kHz (bin 3413 and up) are outside the band.
  assert_true(r.n_harmonics <= 20000.0 / (101 * RATE / N));
  free(x);
}

static void test_band_limits_and_silence(void **state)
{
  (void)state;
  // A tone below the band's lower edge is ignored.
  const size_t bin[] = {101, 2};
  const double amp[] = {1.0, 0.1}, phase[] = {0.0, 0.0};
  float *x = build(2, bin, amp, phase, 0.0);
  GsSineAnalysis r;
  assert_int_equal(gs_analysis_sine(x, N, 101, RATE, 20.0, 20000.0, &r), GS_OK);
  GS_ASSERT_BELOW(r.thd_n, 1e-5);
  free(x);
  float *z = calloc(N, sizeof(float));
  assert_int_equal(gs_analysis_sine(z, N, 101, RATE, 20.0, 20000.0, &r), GS_OK);
  GS_ASSERT_NEAR(r.thd, 0.0, 0.0);
  GS_ASSERT_NEAR(gs_power_ratio_db(r.aliasing), -300.0, 0.0);
  assert_int_equal(gs_analysis_sine(z, N, 101, RATE, 20000.0, 20.0, &r), GS_ERR_RANGE);
  free(z);
}

static void test_coprime_bin(void **state)
{
  (void)state;
  const size_t k = gs_analysis_coprime_bin(65536, 48000.0, 5000.0);
  assert_int_equal(k % 2, 1);  // odd, so co-prime with a power of two
  GS_ASSERT_NEAR((double)k * 48000.0 / 65536.0, 5000.0, 48000.0 / 65536.0);
}

// A sine with a third harmonic of exactly 1 % reads THD 1.000 % and THD+N
// the same (no other component).
static void test_one_percent_h3(void **state)
{
  (void)state;
  const size_t bin[] = {341, 1023};
  const double amp[] = {0.5, 0.005}, phase[] = {0.3, 1.1};
  float *x = build(2, bin, amp, phase, 0.0);
  GsSineAnalysis r;
  assert_int_equal(gs_analysis_sine(x, N, 341, RATE, 20.0, 20000.0, &r), GS_OK);
  GS_ASSERT_NEAR(100.0 * r.thd, 1.0, 1e-4);
  GS_ASSERT_NEAR(100.0 * r.thd_n, 1.0, 1e-4);
  GS_ASSERT_NEAR(20.0 * log10(r.harmonic[3] / r.fundamental), -40.0, 1e-3);
  free(x);
}

// White noise of RMS 0.1 over the whole band (0 to 24 kHz): 22 Hz to 22 kHz
// holds (22000 - 22) / 24000 of its power, and A-weighted it holds
// gs_a_weighting_power(22, 22000) / 24000 (unit density per Hz).
static void test_noise_bands(void **state)
{
  (void)state;
  const size_t n = 1 << 17;
  float *x = calloc(n, sizeof(float));
  GsWhite white;
  gs_white_init(&white, 7);
  gs_white_add(&white, 0.1f, x, (uint32_t)n);
  double flat, a;
  assert_int_equal(gs_analysis_noise(x, n, RATE, 22.0, 22000.0, false, &flat), GS_OK);
  assert_int_equal(gs_analysis_noise(x, n, RATE, 22.0, 22000.0, true, &a), GS_OK);
  const double expect_flat = 20.0 * log10(0.1 * sqrt((22000.0 - 22.0) / 24000.0));
  const double expect_a = 20.0 * log10(0.1 * sqrt(gs_a_weighting_power(22.0, 22000.0) / 24000.0));
  print_message("white noise: %.3f dB flat (analytic %.3f), %.3f dB A (analytic %.3f)\n",
                20.0 * log10(flat), expect_flat, 20.0 * log10(a), expect_a);
  // 65536 bins: the power's statistical spread is about 0.02 dB.
  GS_ASSERT_NEAR(20.0 * log10(flat), expect_flat, 0.1);
  GS_ASSERT_NEAR(20.0 * log10(a), expect_a, 0.1);
  assert_int_equal(gs_analysis_noise(x, n, RATE, 22000.0, 22.0, true, &a), GS_ERR_RANGE);
  // The same samples at 32 kHz (0 to 16 kHz), in measure's band there: 22 Hz
  // to the sweep's end, 0.48 x 32 kHz = 15.36 kHz.
  assert_int_equal(gs_analysis_noise(x, n, 32000.0, 22.0, 15360.0, false, &flat), GS_OK);
  assert_int_equal(gs_analysis_noise(x, n, 32000.0, 22.0, 15360.0, true, &a), GS_OK);
  const double expect_flat32 = 20.0 * log10(0.1 * sqrt((15360.0 - 22.0) / 16000.0));
  const double expect_a32 =
    20.0 * log10(0.1 * sqrt(gs_a_weighting_power(22.0, 15360.0) / 16000.0));
  print_message("at 32 kHz: %.3f dB flat (analytic %.3f), %.3f dB A (analytic %.3f)\n",
                20.0 * log10(flat), expect_flat32, 20.0 * log10(a), expect_a32);
  GS_ASSERT_NEAR(20.0 * log10(flat), expect_flat32, 0.1);
  GS_ASSERT_NEAR(20.0 * log10(a), expect_a32, 0.1);
  free(x);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_bin_amplitude_and_phase),
    cmocka_unit_test(test_harmonics_noise_and_aliases),
    cmocka_unit_test(test_band_limits_and_silence),
    cmocka_unit_test(test_coprime_bin),
    cmocka_unit_test(test_one_percent_h3),
    cmocka_unit_test(test_noise_bands),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
