// SPDX-License-Identifier: ISC
// DC blocker: -3 dB at the corner, flat in the audio band, removes offsets,
// and leaves no denormals on silence.

#include "check.h"

#include "dsp/analysis.h"
#include "dsp/dcblock.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static const double two_pi = 6.283185307179586476925;
static const double rates_hz[] = {44100.0, 48000.0, 96000.0};
static const double corner_hz = 5.0;

// Gain in dB for a sine of freq_hz (a whole number of Hz: on a bin of a
// one-second FFT), after settle_s seconds.
static double measure_db(GsDcBlock *dc, double rate_hz, double freq_hz, size_t settle_s)
{
  const size_t n = (size_t)rate_hz, k = (size_t)freq_hz, total = (settle_s + 1) * n;
  float *x = malloc(total * sizeof *x);
  float *y = malloc(total * sizeof *y);
  assert_non_null(x);
  assert_non_null(y);
  for (size_t i = 0; i < total; ++i) {
    x[i] = (float)(0.5 * sin(two_pi * (double)((i * k) % n) / (double)n));
  }
  gs_dcblock_reset(dc);
  gs_dcblock_process(dc, x, y, (uint32_t)total);
  double a_in = 0, a_out = 0, phase = 0;
  assert_int_equal(gs_analysis_bin(x + total - n, n, k, &a_in, &phase), GS_OK);
  assert_int_equal(gs_analysis_bin(y + total - n, n, k, &a_out, &phase), GS_OK);
  free(x);
  free(y);
  return 20.0 * log10(a_out / a_in);
}

static void test_corner_and_passband(void **state)
{
  (void)state;
  const double half_power_db = 10.0 * log10(0.5);  // -3.0103
  for (size_t r = 0; r < 3; ++r) {
    GsDcBlock dc;
    gs_dcblock_init(&dc, rates_hz[r], corner_hz);
    GS_ASSERT_NEAR(gs_dcblock_magnitude_db(&dc, rates_hz[r], corner_hz), half_power_db, 1e-9);
    // The time constant is 1 / (2 pi 5 Hz) = 32 ms: 2 s of settling leaves e^-63.
    const double corner = measure_db(&dc, rates_hz[r], corner_hz, 2);
    const double khz = measure_db(&dc, rates_hz[r], 1000.0, 2);
    printf("dcblock at %.0f Hz: %.7f dB at %.0f Hz, %.2g dB at 1 kHz\n", rates_hz[r], corner,
           corner_hz, khz);
    GS_ASSERT_NEAR(corner, half_power_db, 0.01);
    GS_ASSERT_NEAR(khz, 0.0, 0.01);
    GS_ASSERT_NEAR(khz, gs_dcblock_magnitude_db(&dc, rates_hz[r], 1000.0), 0.001);
    // Close to an analog first-order highpass, |H|^2 = 1 / (1 + (fc/f)^2),
    // but the gain rises to 2 / (1 + r) at Nyquist: about +(1 - r)/2, or
    // 0.003 dB, above the audio band, so the tolerance is 0.005 dB.
    GS_ASSERT_NEAR(gs_dcblock_magnitude_db(&dc, rates_hz[r], 50.0),
                   -10.0 * log10(1.0 + pow(corner_hz / 50.0, 2.0)), 0.005);
    GS_ASSERT_NEAR(gs_dcblock_magnitude_db(&dc, rates_hz[r], rates_hz[r] / 2),
                   20.0 * log10(2.0 / (1.0 + dc.r)), 1e-9);
  }
}

// An offset of 0.5 on a 1 kHz sine: after 1 s (31 time constants) the mean
// of the output is below 1e-6 (the offset decays as e^(-t/32 ms)).
static void test_removes_offset(void **state)
{
  (void)state;
  const double rate_hz = 48000.0;
  const uint32_t n = 2 * 48000;
  float *x = malloc(n * sizeof *x);
  assert_non_null(x);
  for (uint32_t i = 0; i < n; ++i) {
    x[i] = 0.5f + (float)(0.25 * sin(two_pi * (double)((i * 1000u) % 48000u) / rate_hz));
  }
  GsDcBlock dc;
  gs_dcblock_init(&dc, rate_hz, corner_hz);
  gs_dcblock_process(&dc, x, x, n);  // in place
  double mean = 0.0;
  for (uint32_t i = n / 2; i < n; ++i) {  // a whole number of 1 kHz cycles
    mean += x[i];
  }
  mean /= n / 2;
  printf("dcblock: residual offset %.3g after 1 s\n", mean);
  GS_ASSERT_NEAR(mean, 0.0, 1e-6);
  free(x);
}

static void test_silence_leaves_no_denormals(void **state)
{
  (void)state;
  GsDcBlock dc;
  gs_dcblock_init(&dc, 48000.0, 20.0);
  float x = 1.0f, y = 0.0f;
  int denormals = 0;
  for (uint32_t i = 0; i < (1u << 20); ++i) {
    gs_dcblock_process(&dc, &x, &y, 1);
    x = 0.0f;
    denormals += (fpclassify(dc.y1) == FP_SUBNORMAL) + (fpclassify(y) == FP_SUBNORMAL);
  }
  assert_int_equal(denormals, 0);
  assert_true(dc.y1 == 0.0 && dc.x1 == 0.0 && y == 0.0f);
}

// The output and the state do not depend on how the stream is split into
// blocks, to the bit: blocks of 1, 3, 5 and 7 samples (groups of four split
// every way) give what one block of all of it gives. (It did not when each block ended its
// last partial group one sample at a time: a host's block size moved a last
// bit of the LV2 plugins' output.)
static void test_any_block_sizes(void **state)
{
  (void)state;
  enum { N = 20000 };
  float *x = malloc(N * sizeof(float)), *whole = malloc(N * sizeof(float));
  float *split = malloc(N * sizeof(float));
  uint32_t s = 7;
  for (int i = 0; i < N; ++i) {
    s = s * 1664525u + 1013904223u;
    x[i] = (float)(0.5 * sin(0.01 * i) + 0.3 + ((double)(s >> 8) / 16777216.0 - 0.5) * 0.1);
  }
  GsDcBlock dc, ref;
  gs_dcblock_init(&ref, 48000.0, 2.0);
  gs_dcblock_process(&ref, x, whole, N);
  static const uint32_t sizes[] = {1, 3, 5, 7};
  for (size_t k = 0; k < sizeof(sizes) / sizeof(sizes[0]); ++k) {
    gs_dcblock_init(&dc, 48000.0, 2.0);
    for (uint32_t i = 0; i < N; i += sizes[k]) {
      const uint32_t m = N - i < sizes[k] ? N - i : sizes[k];
      gs_dcblock_process(&dc, x + i, split + i, m);
    }
    int differ = 0;
    for (int i = 0; i < N; ++i) {
      differ += split[i] != whole[i];
    }
    print_message("blocks of %u: %d samples differ\n", sizes[k], differ);
    assert_int_equal(differ, 0);
    // The double state too, which float outputs rarely show (a split
    // computed another way differs in its last bits long before an output
    // rounds differently).
    assert_true(dc.y1 == ref.y1 && dc.p == ref.p && dc.x1 == ref.x1);
    assert_int_equal(dc.k, ref.k);
  }
  free(x);
  free(whole);
  free(split);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_corner_and_passband),
    cmocka_unit_test(test_removes_offset),
    cmocka_unit_test(test_silence_leaves_no_denormals),
    cmocka_unit_test(test_any_block_sizes),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
