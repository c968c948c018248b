// SPDX-License-Identifier: ISC
// The generator (prng.c) and the noise sources (noise.c): reproducible,
// white noise is unit Gaussian, pink noise falls 3 dB per octave.

#include "check.h"
#include "spectrum.h"

#include "dsp/noise.h"
#include "dsp/prng.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const double rate_hz = 48000.0;

static void test_prng_same_seed_same_sequence(void **state)
{
  (void)state;
  GsPrng a, b, c;
  gs_prng_seed(&a, 1234);
  gs_prng_seed(&b, 1234);
  gs_prng_seed(&c, 1235);
  int differ = 0;
  for (int i = 0; i < 1000; ++i) {
    const uint32_t x = gs_prng_next(&a);
    assert_true(x == gs_prng_next(&b));
    differ += x != gs_prng_next(&c);
  }
  assert_true(differ >= 999);
  // Seed 0 is valid: the state is not all zero and the output moves.
  gs_prng_seed(&a, 0);
  assert_true(a.s[0] | a.s[1] | a.s[2] | a.s[3]);
  assert_true(gs_prng_next(&a) != gs_prng_next(&a));
}

// Uniform in [-1, 1): mean 0 and variance 1/3. Over n = 2^20 draws the
// standard error of the mean is sqrt(1/3/n) = 5.6e-4 and of the variance
// sqrt(4/45/n) = 2.9e-4; the tolerances are about 5 of them.
static void test_prng_uniform_moments(void **state)
{
  (void)state;
  GsPrng rng;
  gs_prng_seed(&rng, 42);
  const uint32_t n = 1u << 20;
  double sum = 0.0, sum2 = 0.0, lo = 0.0, hi = 0.0;
  for (uint32_t i = 0; i < n; ++i) {
    const double u = gs_prng_uniform(&rng);
    sum += u;
    sum2 += u * u;
    lo = fmin(lo, u);
    hi = fmax(hi, u);
  }
  const double mean = sum / n, var = sum2 / n - mean * mean;
  GS_ASSERT_NEAR(mean, 0.0, 3e-3);
  GS_ASSERT_NEAR(var, 1.0 / 3.0, 1.5e-3);
  assert_true(lo >= -1.0 && hi < 1.0);
  GS_ASSERT_BELOW(lo, -0.9999);
  GS_ASSERT_ABOVE(hi, 0.9999);
}

static float *white(uint64_t seed, uint32_t n, uint32_t block)
{
  float *x = calloc(n, sizeof *x);
  assert_non_null(x);
  GsWhite w;
  gs_white_init(&w, seed);
  for (uint32_t i = 0; i < n; i += block) {
    gs_white_add(&w, 1.0f, x + i, n - i < block ? n - i : block);
  }
  return x;
}

// RMS 1 within 1%, mean 0, and Gaussian: kurtosis 3 (a uniform source would
// give 1.8). n = 2^20: standard errors 1e-3 (mean), 7e-4 (RMS), 5e-3 (kurtosis).
static void test_white_moments(void **state)
{
  (void)state;
  const uint32_t n = 1u << 20;
  float *x = white(7, n, 256);
  double sum = 0.0, sum2 = 0.0, sum4 = 0.0;
  for (uint32_t i = 0; i < n; ++i) {
    const double v = x[i];
    sum += v;
    sum2 += v * v;
    sum4 += v * v * v * v;
  }
  const double mean = sum / n, rms = sqrt(sum2 / n), kurtosis = (sum4 / n) / pow(sum2 / n, 2);
  printf("white: mean %.2g, RMS %.5f, kurtosis %.4f\n", mean, rms, kurtosis);
  GS_ASSERT_NEAR(mean, 0.0, 5e-3);
  GS_ASSERT_NEAR(rms, 1.0, 0.01);
  GS_ASSERT_NEAR(kurtosis, 3.0, 0.05);
  free(x);
}

// The standard normal CDF.
static double normal_cdf(double x)
{
  return 0.5 * erfc(-x / sqrt(2.0));
}

static int compare_float(const void *a, const void *b)
{
  const float x = *(const float *)a, y = *(const float *)b;
  return (x > y) - (x < y);
}

// Kolmogorov-Smirnov against the normal CDF: D = sup |F_n(x) - Phi(x)| over
// n = 2^20 deviates. For a true normal sqrt(n) D follows Kolmogorov's
// distribution, whose 99.9% point is 1.9495 (P(K > 1.9495) = 0.001); the seed
// is fixed, so the test is deterministic.
static void test_white_kolmogorov_smirnov(void **state)
{
  (void)state;
  const uint32_t n = 1u << 20;
  float *x = white(2024, n, 512);
  qsort(x, n, sizeof *x, compare_float);
  double d = 0.0;
  for (uint32_t i = 0; i < n; ++i) {
    const double cdf = normal_cdf(x[i]);
    d = fmax(d, fmax(cdf - (double)i / n, (double)(i + 1) / n - cdf));
  }
  const double k = sqrt((double)n) * d;
  printf("white: Kolmogorov-Smirnov D %.3g over 2^20, sqrt(n) D %.3f (99.9%% point 1.9495)\n", d,
         k);
  GS_ASSERT_BELOW(k, 1.9495);
  free(x);
}

// Pearson's chi-square against the normal: 80 bins 0.1 wide from -4 to 4 and
// the two tails beyond, n = 2^20 deviates (the smallest expected count, at
// +-4, is 14). 82 bins give 81 degrees of freedom, whose 99.9% point is
// 126.08 (mean 81, standard deviation 12.7).
static void test_white_chi_square(void **state)
{
  (void)state;
  enum { n_bins = 82 };
  const uint32_t n = 1u << 20;
  float *x = white(77, n, 256);
  double count[n_bins] = {0};
  for (uint32_t i = 0; i < n; ++i) {
    const double b = floor((x[i] + 4.0) / 0.1);
    count[b < 0.0 ? 0 : b >= 80.0 ? n_bins - 1 : 1 + (int)b] += 1.0;
  }
  double chi2 = 0.0, smallest = (double)n;
  for (int b = 0; b < n_bins; ++b) {
    const double lo = b == 0 ? -INFINITY : -4.0 + 0.1 * (b - 1);
    const double hi = b == n_bins - 1 ? INFINITY : -4.0 + 0.1 * b;
    const double expected = n * (normal_cdf(hi) - normal_cdf(lo));
    chi2 += (count[b] - expected) * (count[b] - expected) / expected;
    smallest = fmin(smallest, expected);
  }
  printf("white: chi-square %.1f with 81 degrees of freedom (99.9%% point 126.08), "
         "smallest expected count %.0f\n",
         chi2, smallest);
  GS_ASSERT_ABOVE(smallest, 5.0);
  GS_ASSERT_BELOW(chi2, 126.08);
  free(x);
}

// How often |x| exceeds 3, 4 and 5 over n = 2^24 deviates, against
// P(|x| > t) = erfc(t / sqrt 2) = 2.69980e-3, 6.33425e-5 and 5.73303e-7:
// expected counts 45294, 1062.7 and 9.6, binomial standard deviations 212,
// 32.6 and 3.1; each count is within 5 of them. Beyond 3.44 the deviates
// come from the ziggurat's tail method, so this checks it too.
static void test_white_tails(void **state)
{
  (void)state;
  enum { block = 4096 };
  const uint32_t n = 1u << 24;
  const double threshold[3] = {3.0, 4.0, 5.0};
  const double p[3] = {2.69979606326019e-3, 6.33424836662398e-5, 5.73303143758388e-7};
  double count[3] = {0.0, 0.0, 0.0}, largest = 0.0;
  static float x[block];
  GsWhite w;
  gs_white_init(&w, 31);
  for (uint32_t done = 0; done < n; done += block) {
    memset(x, 0, sizeof x);
    gs_white_add(&w, 1.0f, x, block);
    for (uint32_t i = 0; i < block; ++i) {
      const double a = fabs((double)x[i]);
      largest = fmax(largest, a);
      for (int t = 0; t < 3; ++t) {
        count[t] += a > threshold[t];
      }
    }
  }
  for (int t = 0; t < 3; ++t) {
    const double expected = n * p[t], sd = sqrt(n * p[t] * (1.0 - p[t]));
    printf("white: |x| > %.0f: %.0f of 2^24 (%.3g, expected %.3g +- %.2g), largest |x| %.2f\n",
           threshold[t], count[t], count[t] / n, p[t], sd / n, largest);
    GS_ASSERT_NEAR(count[t], expected, 5.0 * sd);
  }
}

static double gaussian(double x)
{
  return exp(-0.5 * x * x);
}

// The ziggurat's tables (noise.c) satisfy the equations that define them
// (Marsaglia and Tsang 2000, section 2), checked in long double: every layer
// has the area v = r f(r) + sqrt(pi / 2) erfc(r / sqrt 2) with r = x_1, the
// base layer's width is v / f(r), the top layer ends at x_128 = 0 with
// f = 1, each f entry is exp(-x^2 / 2), and r and v agree with the paper's
// r = 3.442619855899 and v = 9.91256303526217e-3 to their 12 and 12 digits.
static void test_white_tables(void **state)
{
  (void)state;
  const double *x = gs_white_zig_x, *f = gs_white_zig_f;
  const long double r = x[1];
  const long double v = r * gaussian(x[1]) +
                        sqrtl(acosl(-1.0L) / 2.0L) * erfcl(r / sqrtl(2.0L));
  GS_ASSERT_NEAR((double)r, 3.442619855899, 1e-11);
  GS_ASSERT_NEAR((double)v, 9.91256303526217e-3, 1e-13);
  assert_true(x[128] == 0.0 && f[128] == 1.0);
  GS_ASSERT_NEAR(x[0] * (double)expl(-0.5L * r * r) / (double)v, 1.0, 1e-14);
  double worst_area = 0.0, worst_f = 0.0;
  for (int i = 1; i < 128; ++i) {
    assert_true(x[i + 1] < x[i]);
    const long double area = (long double)x[i] * ((long double)f[i + 1] - f[i]);
    worst_area = fmax(worst_area, fabs((double)(area / v - 1.0L)));
    const long double fx = expl(-0.5L * (long double)x[i] * x[i]);
    worst_f = fmax(worst_f, fabs((double)(f[i] / fx - 1.0L)));
  }
  printf("white: ziggurat layers' areas within %.2g of v, f entries within %.2g\n", worst_area,
         worst_f);
  GS_ASSERT_BELOW(worst_area, 1e-12);
  GS_ASSERT_BELOW(worst_f, 2e-16);
}

static void test_white_reproducible(void **state)
{
  (void)state;
  const uint32_t n = 4096;
  float *a = white(99, n, n);
  float *b = white(99, n, 7);  // other block sizes give the same sequence
  float *d = white(99, n, 1);
  float *c = white(100, n, n);
  assert_memory_equal(a, b, n * sizeof *a);
  assert_memory_equal(a, d, n * sizeof *a);
  free(d);
  int differ = 0;
  for (uint32_t i = 0; i < n; ++i) {
    differ += a[i] != c[i];
  }
  assert_int_equal(differ, n);
  free(a);
  free(b);
  free(c);
}

// The white spectrum is flat: equal power in equal bandwidths (1 kHz wide
// bands hold 43690 bins each of n = 2^21: standard error 0.02 dB).
static void test_white_is_flat(void **state)
{
  (void)state;
  const uint32_t n = 1u << 21;
  float *x = white(3, n, 1024);
  double *p = gs_test_power_spectrum(x, n);
  assert_non_null(p);
  const double ref = gs_test_band_power(p, n, rate_hz, 1000.0, 2000.0);
  for (double lo = 100.0; lo < 23000.0; lo += 2700.0) {
    const double band_db = 10.0 * log10(gs_test_band_power(p, n, rate_hz, lo, lo + 1000.0) / ref);
    GS_ASSERT_NEAR(band_db, 0.0, 0.15);
  }
  fftw_free(p);
  free(x);
}

static float *pink(uint64_t seed, uint32_t n)
{
  float *x = calloc(n, sizeof *x);
  assert_non_null(x);
  GsPink pk;
  gs_pink_init(&pk, seed);
  for (uint32_t i = 0; i < n; i += 4096) {
    gs_pink_add(&pk, 1.0f, x + i, n - i < 4096 ? n - i : 4096);
  }
  return x;
}

// Pink noise has the same power in every octave: its level per Hz falls
// 10 log10(2) = 3.0103 dB per octave. Octave bands centred on 25 Hz to
// 12.8 kHz, each against the 100 Hz band, within +-0.5 dB. n = 2^22 (87 s):
// even the 25 Hz band holds 1500 bins (standard error 0.11 dB).
static void test_pink_slope(void **state)
{
  (void)state;
  const uint32_t n = 1u << 22;
  float *x = pink(5, n);
  double *p = gs_test_power_spectrum(x, n);
  assert_non_null(p);
  const double r2 = sqrt(2.0);
  const double ref = gs_test_band_power(p, n, rate_hz, 100.0 / r2, 100.0 * r2) / 100.0;
  double worst = 0.0;
  for (double fc = 25.0; fc < 13000.0; fc *= 2.0) {
    // Power per Hz in the band, in dB against the 100 Hz band.
    const double density = gs_test_band_power(p, n, rate_hz, fc / r2, fc * r2) / fc;
    const double level_db = 10.0 * log10(density / ref);
    const double expected_db = -10.0 * log10(2.0) * log2(fc / 100.0);
    GS_ASSERT_NEAR(level_db, expected_db, 0.5);
    worst = fmax(worst, fabs(level_db - expected_db));
  }
  // RMS 1 between 20 Hz and 20 kHz: the estimate's standard error is about 0.5%.
  const double band_rms = sqrt(gs_test_band_power(p, n, rate_hz, 20.0, 20000.0));
  printf("pink: largest deviation from -3.01 dB/octave %.3f dB, RMS in 20 Hz-20 kHz %.4f\n",
         worst, band_rms);
  GS_ASSERT_NEAR(band_rms, 1.0, 0.02);
  fftw_free(p);
  free(x);
}

static void test_pink_reproducible(void **state)
{
  (void)state;
  const uint32_t n = 8192;
  float *a = pink(11, n), *b = pink(11, n), *c = pink(12, n);
  assert_memory_equal(a, b, n * sizeof *a);
  assert_memory_not_equal(a, c, n * sizeof *a);
  free(a);
  free(b);
  free(c);
}

// The add functions add: rms scales, and what was in the buffer stays.
static void test_add_scales_and_adds(void **state)
{
  (void)state;
  const uint32_t n = 1024;
  float a[1024], b[1024];
  GsWhite w1, w2;
  gs_white_init(&w1, 1);
  gs_white_init(&w2, 1);
  for (uint32_t i = 0; i < n; ++i) {
    a[i] = 0.0f;
    b[i] = 0.25f;
  }
  gs_white_add(&w1, 1.0f, a, n);
  gs_white_add(&w2, 0.5f, b, n);
  for (uint32_t i = 0; i < n; ++i) {
    GS_ASSERT_NEAR(b[i], 0.25 + 0.5 * a[i], 1e-6);
  }
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_prng_same_seed_same_sequence),
    cmocka_unit_test(test_prng_uniform_moments),
    cmocka_unit_test(test_white_moments),
    cmocka_unit_test(test_white_kolmogorov_smirnov),
    cmocka_unit_test(test_white_chi_square),
    cmocka_unit_test(test_white_tails),
    cmocka_unit_test(test_white_tables),
    cmocka_unit_test(test_white_reproducible),
    cmocka_unit_test(test_white_is_flat),
    cmocka_unit_test(test_pink_slope),
    cmocka_unit_test(test_pink_reproducible),
    cmocka_unit_test(test_add_scales_and_adds),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
