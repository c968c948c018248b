// SPDX-License-Identifier: ISC
// Biquads: measured sine response against the analytic magnitude, and the
// analytic magnitude against textbook values for the RBJ designs.

#include "check.h"

#include <string.h>

#include "dsp/analysis.h"
#include "dsp/biquad.h"

#include <stdio.h>
#include <stdlib.h>

static const double two_pi = 6.283185307179586476925;
static const double butterworth_q = 0.70710678118654752440;

enum { HP, LP, LS, HS, PK };

typedef struct {
  int kind;
  double freq_hz, gain_db, q;  // q is the slope S for shelves
} Design;

static const Design designs[] = {
  {HP, 100, 0, 0.70710678118654752440}, {HP, 1000, 0, 2.0},
  {LP, 1000, 0, 0.70710678118654752440}, {LP, 10000, 0, 0.5},
  {LS, 200, 6, 1.0},   {LS, 200, -12, 0.5},
  {HS, 5000, 6, 1.0},  {HS, 5000, -12, 0.5},
  {PK, 1000, 6, 1.0},  {PK, 3000, -9, 4.0},
};
#define N_DESIGNS (sizeof designs / sizeof designs[0])

static const double rates_hz[] = {48000.0, 96000.0};
static const double probe_hz[] = {20.0, 100.0, 1000.0, 10000.0, 20000.0};

static void design(GsBiquad *bq, const Design *d, double rate_hz)
{
  switch (d->kind) {
  case HP: gs_biquad_set_highpass(bq, rate_hz, d->freq_hz, d->q); break;
  case LP: gs_biquad_set_lowpass(bq, rate_hz, d->freq_hz, d->q); break;
  case LS: gs_biquad_set_lowshelf(bq, rate_hz, d->freq_hz, d->gain_db, d->q); break;
  case HS: gs_biquad_set_highshelf(bq, rate_hz, d->freq_hz, d->gain_db, d->q); break;
  default: gs_biquad_set_peaking(bq, rate_hz, d->freq_hz, d->gain_db, d->q); break;
  }
}

// Gain in dB of the filter for a sine of freq_hz (a whole number of Hz, so
// exactly on a bin of a one-second FFT), measured after one second of settling.
static double measure_db(GsBiquad *bq, double rate_hz, double freq_hz)
{
  const size_t n = (size_t)rate_hz;
  const size_t k = (size_t)freq_hz;
  float *x = malloc(2 * n * sizeof *x);
  float *y = malloc(2 * n * sizeof *y);
  assert_non_null(x);
  assert_non_null(y);
  for (size_t i = 0; i < 2 * n; ++i) {
    x[i] = (float)(0.5 * sin(two_pi * (double)((i * k) % n) / (double)n));
  }
  gs_biquad_reset(bq);
  gs_biquad_process(bq, x, y, (uint32_t)(2 * n));
  double a_in = 0, a_out = 0, phase = 0;
  assert_int_equal(gs_analysis_bin(x + n, n, k, &a_in, &phase), GS_OK);
  assert_int_equal(gs_analysis_bin(y + n, n, k, &a_out, &phase), GS_OK);
  free(x);
  free(y);
  return 20.0 * log10(a_out / a_in);
}

static void test_measured_matches_analytic(void **state)
{
  (void)state;
  double worst = 0.0;
  for (size_t r = 0; r < 2; ++r) {
    for (size_t d = 0; d < N_DESIGNS; ++d) {
      GsBiquad bq;
      gs_biquad_init(&bq);
      design(&bq, &designs[d], rates_hz[r]);
      for (size_t p = 0; p <= 5; ++p) {
        const double f = p < 5 ? probe_hz[p] : designs[d].freq_hz;
        const double measured = measure_db(&bq, rates_hz[r], f);
        const double analytic = gs_biquad_magnitude_db(&bq, rates_hz[r], f);
        GS_ASSERT_NEAR(measured, analytic, 0.01);
        if (fabs(measured - analytic) > worst) {
          worst = fabs(measured - analytic);
        }
      }
    }
  }
  printf("biquad: largest |measured - analytic| = %.3g dB\n", worst);
}

// RBJ's LPF/HPF map f0 exactly (bilinear transform with prewarping), where
// the analog prototype has |H(j)| = Q.
static void test_pass_filters_at_corner(void **state)
{
  (void)state;
  for (size_t r = 0; r < 2; ++r) {
    GsBiquad bq;
    gs_biquad_init(&bq);
    gs_biquad_set_highpass(&bq, rates_hz[r], 100.0, butterworth_q);
    GS_ASSERT_NEAR(gs_biquad_magnitude_db(&bq, rates_hz[r], 100.0), -3.0103, 1e-4);
    GS_ASSERT_NEAR(gs_biquad_magnitude_db(&bq, rates_hz[r], rates_hz[r] / 2), 0.0, 1e-9);
    GS_ASSERT_BELOW(gs_biquad_magnitude_db(&bq, rates_hz[r], 1e-3), -150.0);
    gs_biquad_set_lowpass(&bq, rates_hz[r], 1000.0, butterworth_q);
    GS_ASSERT_NEAR(gs_biquad_magnitude_db(&bq, rates_hz[r], 1000.0), -3.0103, 1e-4);
    GS_ASSERT_NEAR(gs_biquad_magnitude_db(&bq, rates_hz[r], 1e-3), 0.0, 1e-9);
    GS_ASSERT_BELOW(gs_biquad_magnitude_db(&bq, rates_hz[r], rates_hz[r] / 2), -150.0);
    gs_biquad_set_lowpass(&bq, rates_hz[r], 1000.0, 2.0);
    GS_ASSERT_NEAR(gs_biquad_magnitude_db(&bq, rates_hz[r], 1000.0), 20.0 * log10(2.0), 1e-9);
  }
}

// A bilinear-transformed Butterworth: |H|^2 = 1 / (1 + (W/W0)^4) for the
// lowpass and 1 / (1 + (W0/W)^4) for the highpass, W = tan(pi f / rate).
static void test_butterworth_everywhere(void **state)
{
  (void)state;
  for (size_t r = 0; r < 2; ++r) {
    const double rate = rates_hz[r], f0 = 1000.0;
    const double w0 = tan(two_pi / 2 * f0 / rate);
    GsBiquad lp, hp;
    gs_biquad_init(&lp);
    gs_biquad_init(&hp);
    gs_biquad_set_lowpass(&lp, rate, f0, butterworth_q);
    gs_biquad_set_highpass(&hp, rate, f0, butterworth_q);
    for (double f = 10.0; f < rate / 2; f *= 1.25) {
      const double ratio4 = pow(tan(two_pi / 2 * f / rate) / w0, 4.0);
      GS_ASSERT_NEAR(gs_biquad_magnitude_db(&lp, rate, f), -10.0 * log10(1.0 + ratio4), 1e-6);
      GS_ASSERT_NEAR(gs_biquad_magnitude_db(&hp, rate, f), -10.0 * log10(1.0 + 1.0 / ratio4),
                     1e-6);
    }
  }
}

// Peaking: gain_db at f0, 0 dB at DC and Nyquist. Shelves: gain_db/2 at f0
// (RBJ's shelf midpoint) for any slope, gain_db at the shelved end, 0 dB at the other.
static void test_eq_design_values(void **state)
{
  (void)state;
  for (size_t r = 0; r < 2; ++r) {
    const double rate = rates_hz[r], nyq = rate / 2, dc = 1e-3;
    for (size_t d = 4; d < N_DESIGNS; ++d) {
      const Design *de = &designs[d];
      GsBiquad bq;
      gs_biquad_init(&bq);
      design(&bq, de, rate);
      const double at_f0 = gs_biquad_magnitude_db(&bq, rate, de->freq_hz);
      const double at_dc = gs_biquad_magnitude_db(&bq, rate, dc);
      const double at_nyq = gs_biquad_magnitude_db(&bq, rate, nyq);
      if (de->kind == PK) {
        GS_ASSERT_NEAR(at_f0, de->gain_db, 1e-9);
        GS_ASSERT_NEAR(at_dc, 0.0, 1e-6);
        GS_ASSERT_NEAR(at_nyq, 0.0, 1e-9);
      } else {
        GS_ASSERT_NEAR(at_f0, de->gain_db / 2, 1e-9);
        GS_ASSERT_NEAR(de->kind == LS ? at_dc : at_nyq, de->gain_db, 1e-6);
        GS_ASSERT_NEAR(de->kind == LS ? at_nyq : at_dc, 0.0, 1e-6);
      }
    }
  }
}

static void test_init_passes_through(void **state)
{
  (void)state;
  GsBiquad bq;
  gs_biquad_init(&bq);
  float x[64], y[64];
  for (int i = 0; i < 64; ++i) {
    x[i] = (float)i / 64.0f - 0.5f;
  }
  gs_biquad_process(&bq, x, y, 64);
  for (int i = 0; i < 64; ++i) {
    assert_true(y[i] == x[i]);
  }
  GS_ASSERT_NEAR(gs_biquad_magnitude_db(&bq, 48000.0, 1000.0), 0.0, 0.0);
}

static void test_setter_returns_early(void **state)
{
  (void)state;
  GsBiquad bq;
  gs_biquad_init(&bq);
  gs_biquad_set_peaking(&bq, 48000.0, 1000.0, 6.0, 1.0);
  const double b0 = bq.b0;
  bq.b0 = 42.0;  // a marker: a setter that recomputes would overwrite it
  gs_biquad_set_peaking(&bq, 48000.0, 1000.0, 6.0, 1.0);
  assert_true(bq.b0 == 42.0);
  gs_biquad_set_peaking(&bq, 48000.0, 1000.0, 6.5, 1.0);
  assert_true(bq.b0 != 42.0 && bq.b0 != b0);
  // The same numbers for another kind are a new design.
  bq.b0 = 42.0;
  gs_biquad_set_lowshelf(&bq, 48000.0, 1000.0, 6.5, 1.0);
  assert_true(bq.b0 != 42.0);
}

static void test_in_place(void **state)
{
  (void)state;
  GsBiquad a, b;
  gs_biquad_init(&a);
  gs_biquad_set_highshelf(&a, 48000.0, 3000.0, 4.0, 1.0);
  b = a;
  float x[256], y[256];
  for (int i = 0; i < 256; ++i) {
    x[i] = (float)sin(0.1 * i);
  }
  gs_biquad_process(&a, x, y, 256);
  gs_biquad_process(&b, x, x, 256);
  for (int i = 0; i < 256; ++i) {
    assert_true(x[i] == y[i]);
  }
}

static int subnormal(double v)
{
  return fpclassify(v) == FP_SUBNORMAL;
}

// An impulse, then silence one sample at a time: neither the state nor the
// output may ever be a denormal, and the state must reach exactly zero.
static void test_silence_leaves_no_denormals(void **state)
{
  (void)state;
  for (size_t d = 0; d < N_DESIGNS; ++d) {
    GsBiquad bq;
    gs_biquad_init(&bq);
    design(&bq, &designs[d], 48000.0);
    float x = 1.0f, y = 0.0f;
    int denormals = 0;
    for (uint32_t i = 0; i < (1u << 20); ++i) {
      gs_biquad_process(&bq, &x, &y, 1);
      x = 0.0f;
      denormals += subnormal(bq.z1) + subnormal(bq.z2) + subnormal((double)y) +
                   (fpclassify(y) == FP_SUBNORMAL);
    }
    if (bq.z1 != 0.0 || bq.z2 != 0.0) {
      print_error("design %zu: z1 %g z2 %g\n", d, bq.z1, bq.z2);
    }
    assert_int_equal(denormals, 0);
    assert_true(bq.z1 == 0.0 && bq.z2 == 0.0);
  }
}

// The fused cascade gives exactly what one pass per section gives.
static void test_cascade_equals_separate_passes(void **state)
{
  (void)state;
  GsBiquad a[3], b[3];
  for (int i = 0; i < 3; ++i) {
    gs_biquad_init(&a[i]);
  }
  gs_biquad_set_lowshelf(&a[0], 192000.0, 80.0, 10.0, 0.7);
  gs_biquad_set_peaking(&a[1], 192000.0, 500.0, -6.0, 0.7);
  gs_biquad_set_highshelf(&a[2], 192000.0, 4000.0, 8.0, 0.7);
  memcpy(b, a, sizeof(a));
  enum { N = 4000 };
  static float x[N], y_sep[N], y_cas[N];
  for (int i = 0; i < N; ++i) {
    x[i] = (float)(sin(0.01 * i) + 0.5 * sin(0.7 * i) + (i == 100 ? 3.0 : 0.0));
  }
  for (int blk = 0; blk < N; blk += 1000) {
    gs_biquad_process(&a[0], x + blk, y_sep + blk, 1000);
    gs_biquad_process(&a[1], y_sep + blk, y_sep + blk, 1000);
    gs_biquad_process(&a[2], y_sep + blk, y_sep + blk, 1000);
    gs_biquad_cascade_process(b, 3, x + blk, y_cas + blk, 1000);
  }
  for (int i = 0; i < N; ++i) {
    if (y_sep[i] != y_cas[i]) {
      print_error("sample %d: cascade %.9g, separate %.9g\n", i, y_cas[i], y_sep[i]);
      fail();
    }
  }
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_measured_matches_analytic),
    cmocka_unit_test(test_pass_filters_at_corner),
    cmocka_unit_test(test_butterworth_everywhere),
    cmocka_unit_test(test_eq_design_values),
    cmocka_unit_test(test_init_passes_through),
    cmocka_unit_test(test_setter_returns_early),
    cmocka_unit_test(test_in_place),
    cmocka_unit_test(test_silence_leaves_no_denormals),
    cmocka_unit_test(test_cascade_equals_separate_passes),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
