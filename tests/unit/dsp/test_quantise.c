// SPDX-License-Identifier: ISC
// Quantiser: outputs on the grid, rounding error, TPDF dither power and
// noise floor, and the decorrelation dither buys for low-level signals.

#include "check.h"
#include "spectrum.h"

#include "dsp/analysis.h"
#include "dsp/quantise.h"

#include <stdio.h>
#include <stdlib.h>

static const double two_pi = 6.283185307179586476925;
static const double rate_hz = 48000.0;

// Input that visits the whole range and beyond, with every fractional part.
static float *ramp_input(uint32_t n)
{
  float *x = malloc(n * sizeof *x);
  assert_non_null(x);
  GsPrng rng;
  gs_prng_seed(&rng, 17);
  for (uint32_t i = 0; i < n; ++i) {
    x[i] = 1.1f * gs_prng_uniform(&rng);
  }
  x[0] = 1.0f;
  x[1] = -1.0f;
  x[2] = 0.0f;
  return x;
}

static void test_outputs_on_grid(void **state)
{
  (void)state;
  const unsigned bits[] = {16, 24};
  const GsDither dithers[] = {GS_DITHER_NONE, GS_DITHER_TPDF};
  const uint32_t n = 1u << 18;
  float *x = ramp_input(n);
  float *y = malloc(n * sizeof *y);
  assert_non_null(y);
  for (int b = 0; b < 2; ++b) {
    for (int d = 0; d < 2; ++d) {
      GsQuantiser q;
      gs_quantiser_init(&q, bits[b], dithers[d], 1);
      gs_quantiser_process(&q, x, y, n);
      const double scale = ldexp(1.0, (int)bits[b] - 1);
      int off_grid = 0, out_of_range = 0;
      for (uint32_t i = 0; i < n; ++i) {
        const double v = (double)y[i] * scale;
        off_grid += v != floor(v);
        out_of_range += v < -scale || v > scale - 1.0;
      }
      assert_int_equal(off_grid, 0);
      assert_int_equal(out_of_range, 0);
    }
  }
  free(x);
  free(y);
}

// Without dither every in-range sample is within half an LSB.
static void test_rounding_error_is_half_lsb(void **state)
{
  (void)state;
  const uint32_t n = 1u << 18;
  float *x = ramp_input(n);
  float *y = malloc(n * sizeof *y);
  assert_non_null(y);
  for (unsigned bits = 16; bits <= 24; bits += 8) {
    GsQuantiser q;
    gs_quantiser_init(&q, bits, GS_DITHER_NONE, 1);
    gs_quantiser_process(&q, x, y, n);
    const double lsb = ldexp(1.0, 1 - (int)bits);
    double worst = 0.0;
    for (uint32_t i = 0; i < n; ++i) {
      if (fabs(x[i]) < 1.0 - lsb) {
        worst = fmax(worst, fabs((double)y[i] - x[i]) / lsb);
      }
    }
    printf("quantise %u bits, no dither: largest error %.6f LSB\n", bits, worst);
    GS_ASSERT_BELOW(worst, 0.5 + 1e-9);
    GS_ASSERT_ABOVE(worst, 0.49);
  }
  free(x);
  free(y);
}

static void test_clamps(void **state)
{
  (void)state;
  const float lsb = 0x1p-15f;
  const float x[] = {1.0f, 2.0f, INFINITY, -1.0f, -2.0f, -INFINITY, NAN, 1.0f - lsb / 4};
  const float expected[] = {1.0f - lsb, 1.0f - lsb, 1.0f - lsb, -1.0f, -1.0f, -1.0f,
                            0.0f,       1.0f - lsb};
  float y[8];
  GsQuantiser q;
  gs_quantiser_init(&q, 16, GS_DITHER_TPDF, 1);
  gs_quantiser_process(&q, x, y, 8);
  for (int i = 0; i < 8; ++i) {
    GS_ASSERT_NEAR(y[i], expected[i], 0.0);
  }
}

static void test_zero_bits_passes_float(void **state)
{
  (void)state;
  float x[256], y[256];
  for (int i = 0; i < 256; ++i) {
    x[i] = (float)sin(0.1 * i) * 1.5f;
  }
  GsQuantiser q;
  gs_quantiser_init(&q, 0, GS_DITHER_TPDF, 1);
  gs_quantiser_process(&q, x, y, 256);
  assert_memory_equal(x, y, sizeof x);
  gs_quantiser_process(&q, x, x, 256);
  assert_memory_equal(x, y, sizeof x);
}

// Quantises a sine of peak amplitude amp on bin k of n and returns the error
// out - in.
static float *quantise_sine(unsigned bits, GsDither dither, double amp, size_t k, uint32_t n)
{
  float *x = malloc(n * sizeof *x);
  float *e = malloc(n * sizeof *e);
  assert_non_null(x);
  assert_non_null(e);
  for (uint32_t i = 0; i < n; ++i) {
    x[i] = (float)(amp * sin(two_pi * (double)((i * k) % n) / (double)n));
  }
  GsQuantiser q;
  gs_quantiser_init(&q, bits, dither, 2024);
  gs_quantiser_process(&q, x, e, n);
  for (uint32_t i = 0; i < n; ++i) {
    e[i] = (float)((double)e[i] - x[i]);  // exact: both are within 2 LSB
  }
  free(x);
  return e;
}

// Total error with TPDF dither: rounding (uniform, q^2/12) plus dither (the
// sum of two uniforms of width q, q^2/6) = q^2/4, for any signal. The error
// also stays within 1.5 LSB.
static void test_tpdf_error_power(void **state)
{
  (void)state;
  const uint32_t n = 1u << 20;
  for (unsigned bits = 16; bits <= 24; bits += 8) {
    const double lsb = ldexp(1.0, 1 - (int)bits);
    float *e = quantise_sine(bits, GS_DITHER_TPDF, 0.1, 21851, n);
    double sum = 0.0, sum2 = 0.0, worst = 0.0;
    for (uint32_t i = 0; i < n; ++i) {
      const double v = e[i] / lsb;
      sum += v;
      sum2 += v * v;
      worst = fmax(worst, fabs(v));
    }
    const double power_db = 10.0 * log10((sum2 / n) / 0.25);
    printf("quantise %u bits, TPDF: error power %.4f dB from LSB^2/4, mean %.2g LSB, peak "
           "%.3f LSB\n",
           bits, power_db, sum / n, worst);
    GS_ASSERT_NEAR(power_db, 0.0, 0.2);
    GS_ASSERT_NEAR(sum / n, 0.0, 0.01);
    GS_ASSERT_BELOW(worst, 1.5 + 1e-9);
    free(e);
  }
}

// The 24-bit TPDF noise floor over 20 Hz-20 kHz at 48 kHz, in dB against a
// full-scale sine (power 1/2): 10 log10(2^-46 / 4 * 19980 / 24000 / 0.5)
// = -142.28 dBFS; REFERENCES.md gives about -142.3.
static void test_24_bit_noise_floor(void **state)
{
  (void)state;
  const uint32_t n = 1u << 20;
  float *e = quantise_sine(24, GS_DITHER_TPDF, 0.1, 21851, n);
  double *p = gs_test_power_spectrum(e, n);
  assert_non_null(p);
  const double floor_dbfs = 10.0 * log10(gs_test_band_power(p, n, rate_hz, 20.0, 20000.0) / 0.5);
  const double theory_dbfs = 10.0 * log10(0x1p-46 / 4.0 * (19980.0 / 24000.0) / 0.5);
  printf("quantise 24 bits, TPDF: noise floor %.3f dBFS in 20 Hz-20 kHz (theory %.3f)\n",
         floor_dbfs, theory_dbfs);
  GS_ASSERT_NEAR(floor_dbfs, -142.3, 0.5);
  GS_ASSERT_NEAR(floor_dbfs, theory_dbfs, 0.2);
  fftw_free(p);
  free(e);
}

typedef struct {
  double harmonics;    // mean power of the bins of harmonics 2..15
  double worst;        // largest of those bins
  double fundamental;  // power of the error at the fundamental
  double floor;        // mean power of the other bins in 20 Hz-20 kHz
} ErrorSpectrum;

static ErrorSpectrum error_spectrum(const float *e, uint32_t n, size_t k)
{
  double *p = gs_test_power_spectrum(e, n);
  assert_non_null(p);
  ErrorSpectrum s = {0};
  const size_t lo = (size_t)ceil(20.0 * n / rate_hz), hi = (size_t)(20000.0 * n / rate_hz);
  size_t n_floor = 0;
  for (size_t b = lo; b <= hi; ++b) {
    if (b % k == 0 && b / k <= 15) {
      if (b / k >= 2) {
        s.harmonics += p[b] / 14.0;
        s.worst = fmax(s.worst, p[b]);
      }
    } else {
      s.floor += p[b];
      ++n_floor;
    }
  }
  s.floor /= (double)n_floor;
  s.fundamental = p[k];
  fftw_free(p);
  return s;
}

// A -90 dBFS sine (peak 1.04 LSB at 16 bits) rounded without dither leaves
// an error that is a function of the signal: its power sits on the
// harmonics. With TPDF dither the error's first two moments do not depend on
// the signal (Lipshitz, Wannamaker and Vanderkooy 1992): its spectrum is
// flat, harmonics and fundamental no higher than the floor. (A -100 dBFS sine
// peaks at 0.46 LSB: without dither it rounds to silence, an error of minus
// the sine itself, fundamental only. It is checked below as the case where
// dither keeps a signal that rounding loses.)
static void test_dither_decorrelates_error(void **state)
{
  (void)state;
  const uint32_t n = 1u << 20;
  const size_t k = gs_analysis_coprime_bin(n, rate_hz, 1000.0);
  const double amp = pow(10.0, -90.0 / 20.0);

  float *e = quantise_sine(16, GS_DITHER_NONE, amp, k, n);
  const ErrorSpectrum plain = error_spectrum(e, n, k);
  free(e);
  e = quantise_sine(16, GS_DITHER_TPDF, amp, k, n);
  const ErrorSpectrum dith = error_spectrum(e, n, k);
  free(e);

  const double plain_db = gs_power_ratio_db(plain.harmonics / plain.floor);
  const double dith_db = gs_power_ratio_db(dith.harmonics / dith.floor);
  printf("quantise 16 bits, -90 dBFS sine: harmonics %.1f dB above the floor without dither, "
         "%.2f dB with TPDF (largest bin %.2f dB, fundamental %.2f dB)\n",
         plain_db, dith_db, gs_power_ratio_db(dith.worst / dith.floor),
         gs_power_ratio_db(dith.fundamental / dith.floor));
  GS_ASSERT_ABOVE(plain_db, 30.0);
  // 14 bins of a flat spectrum: their mean is within +-2 dB of the floor and
  // no single bin is 10 dB above it (chance 4.5e-5 each).
  GS_ASSERT_NEAR(dith_db, 0.0, 2.0);
  GS_ASSERT_BELOW(gs_power_ratio_db(dith.worst / dith.floor), 10.0);
  GS_ASSERT_BELOW(gs_power_ratio_db(dith.fundamental / dith.floor), 10.0);
}

// With dither a -100 dBFS sine survives 16-bit quantisation at its level;
// without, it rounds to digital silence.
static void test_dither_keeps_low_level_signal(void **state)
{
  (void)state;
  const uint32_t n = 1u << 20;
  const size_t k = gs_analysis_coprime_bin(n, rate_hz, 1000.0);
  const double amp = pow(10.0, -100.0 / 20.0);
  float *x = malloc(n * sizeof *x);
  float *y = malloc(n * sizeof *y);
  assert_non_null(x);
  assert_non_null(y);
  for (uint32_t i = 0; i < n; ++i) {
    x[i] = (float)(amp * sin(two_pi * (double)((i * k) % n) / (double)n));
  }
  GsQuantiser q;
  gs_quantiser_init(&q, 16, GS_DITHER_NONE, 3);
  gs_quantiser_process(&q, x, y, n);
  int nonzero = 0;
  for (uint32_t i = 0; i < n; ++i) {
    nonzero += y[i] != 0.0f;
  }
  assert_int_equal(nonzero, 0);
  gs_quantiser_init(&q, 16, GS_DITHER_TPDF, 3);
  gs_quantiser_process(&q, x, y, n);
  double a = 0.0, phase = 0.0;
  assert_int_equal(gs_analysis_bin(y, n, k, &a, &phase), GS_OK);
  // The noise in one bin of 2^20 is sqrt(2 q^2/4 / n) = 2e-8 against 1e-5.
  printf("quantise 16 bits, TPDF: a -100 dBFS sine comes out at %.3f dB\n",
         20.0 * log10(a / amp));
  GS_ASSERT_NEAR(20.0 * log10(a / amp), 0.0, 0.1);
  free(x);
  free(y);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_outputs_on_grid),
    cmocka_unit_test(test_rounding_error_is_half_lsb),
    cmocka_unit_test(test_clamps),
    cmocka_unit_test(test_zero_bits_passes_float),
    cmocka_unit_test(test_tpdf_error_power),
    cmocka_unit_test(test_24_bit_noise_floor),
    cmocka_unit_test(test_dither_decorrelates_error),
    cmocka_unit_test(test_dither_keeps_low_level_signal),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
