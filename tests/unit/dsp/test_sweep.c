// SPDX-License-Identifier: ISC
// The exponential sweep and its deconvolution measure known systems: RBJ
// biquads against their analytic response (at 48, 44.1 and 96 kHz), a pure
// delay, a known gain; and the power-of-two sizes (dsp/pow2.h) it uses.

#include "check.h"

#include "dsp/biquad.h"
#include "dsp/pow2.h"
#include "dsp/response.h"
#include "dsp/sweep.h"

#include <complex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RATE 48000.0
#define N_FREQ 61  // 20 Hz to 20 kHz, 1/6 octave apart

typedef void (*System)(void *ctx, const float *in, float *out, size_t n);

static void run_biquad(void *ctx, const float *in, float *out, size_t n)
{
  gs_biquad_process(ctx, in, out, (uint32_t)n);
}

static void run_gain(void *ctx, const float *in, float *out, size_t n)
{
  const float g = *(const float *)ctx;
  for (size_t i = 0; i < n; ++i) {
    out[i] = g * in[i];
  }
}

static void run_delay(void *ctx, const float *in, float *out, size_t n)
{
  const size_t d = *(const size_t *)ctx;
  memset(out, 0, d * sizeof(float));
  memcpy(out + d, in, (n - d) * sizeof(float));
}

// Sweeps 10 Hz to 0.479 x rate (23 kHz at 48 kHz) in 2 s at -6 dBFS through
// the system and returns the impulse response and its window (10 ms before
// the peak to 1 s after).
static double *measure_at(double rate, System sys, void *ctx, GsSweep *s, GsResponseWindow *w)
{
  assert_int_equal(gs_sweep_design(s, rate, 10.0, 0.479 * rate, 2.0, 1.0), GS_OK);
  const size_t len = gs_sweep_length(s);
  float *x = malloc(len * sizeof(float)), *y = malloc(len * sizeof(float));
  double *ir = malloc(s->n_fft * sizeof(double));
  gs_sweep_fill(s, x, 0.5);
  sys(ctx, x, y, len);
  assert_int_equal(gs_sweep_deconvolve(s, x, y, ir), GS_OK);
  assert_int_equal(gs_response_window(ir, s->n_fft, (size_t)llround(0.01 * rate),
                                      (size_t)llround(rate), w),
                   GS_OK);
  free(x);
  free(y);
  return ir;
}

static double *measure(System sys, void *ctx, GsSweep *s, GsResponseWindow *w)
{
  return measure_at(RATE, sys, ctx, s, w);
}

static double complex analytic(const GsBiquad *bq, double rate, double f)
{
  const double complex z = cexp(-I * 2.0 * M_PI * f / rate);  // z^-1
  return (bq->b0 + bq->b1 * z + bq->b2 * z * z) / (1.0 + bq->a1 * z + bq->a2 * z * z);
}

// Every point within 0.05 dB and 0.1 degree of the RBJ formulas.
static void check_biquad_at(double rate, GsBiquad *bq, const char *what)
{
  GsSweep s;
  GsResponseWindow w;
  double *ir = measure_at(rate, run_biquad, bq, &s, &w);
  double freq[N_FREQ];
  gs_log_frequencies(20.0, 20000.0, N_FREQ, freq);
  double worst_db = 0, worst_deg = 0;
  for (size_t i = 0; i < N_FREQ; ++i) {
    GsResponsePoint p;
    gs_response_at(ir, s.n_fft, &w, rate, freq[i], 0.0, &p);
    const double complex h = analytic(bq, rate, freq[i]);
    const double db = p.magnitude_db - 20.0 * log10(cabs(h));
    const double deg = remainder(p.phase_deg - carg(h) * 180.0 / M_PI, 360.0);
    worst_db = fmax(worst_db, fabs(db));
    worst_deg = fmax(worst_deg, fabs(deg));
  }
  print_message("%s: worst magnitude error %.2e dB, phase error %.2e degrees\n", what, worst_db,
                worst_deg);
  GS_ASSERT_BELOW(worst_db, 0.05);
  GS_ASSERT_BELOW(worst_deg, 0.1);
  free(ir);
}

static void check_biquad(GsBiquad *bq, const char *what)
{
  check_biquad_at(RATE, bq, what);
}

static void test_peaking_biquad(void **state)
{
  (void)state;
  GsBiquad bq;
  gs_biquad_init(&bq);
  gs_biquad_set_peaking(&bq, RATE, 1000.0, 6.0, 1.0);
  check_biquad(&bq, "peaking 1 kHz +6 dB Q 1");
}

static void test_highpass_biquad(void **state)
{
  (void)state;
  GsBiquad bq;
  gs_biquad_init(&bq);
  gs_biquad_set_highpass(&bq, RATE, 80.0, 0.7071);
  check_biquad(&bq, "high-pass 80 Hz Q 0.707");
}

static void test_highshelf_biquad(void **state)
{
  (void)state;
  GsBiquad bq;
  gs_biquad_init(&bq);
  gs_biquad_set_highshelf(&bq, RATE, 8000.0, -9.0, 1.0);
  check_biquad(&bq, "high shelf 8 kHz -9 dB");
}

// The same peaking filter designed at 44.1 and 96 kHz, measured there.
static void test_peaking_biquad_other_rates(void **state)
{
  (void)state;
  static const double rates[] = {44100.0, 96000.0};
  for (size_t r = 0; r < 2; ++r) {
    GsBiquad bq;
    gs_biquad_init(&bq);
    gs_biquad_set_peaking(&bq, rates[r], 1000.0, 6.0, 1.0);
    char what[64];
    snprintf(what, sizeof(what), "peaking 1 kHz +6 dB Q 1 at %g Hz", rates[r]);
    check_biquad_at(rates[r], &bq, what);
  }
}

// A gain of 0.25: 20 log10(0.25) = -12.041 dB at every frequency (+-0.01 dB),
// no phase (+-0.05 degree), no group delay (+-0.005 samples); at 48 and 96 kHz.
static void test_known_gain(void **state)
{
  (void)state;
  static const double rates[] = {48000.0, 96000.0};
  float g = 0.25f;
  const double expect_db = 20.0 * log10(0.25);
  for (size_t r = 0; r < 2; ++r) {
    GsSweep s;
    GsResponseWindow w;
    double *ir = measure_at(rates[r], run_gain, &g, &s, &w);
    assert_int_equal(w.peak, 0);
    double freq[N_FREQ];
    gs_log_frequencies(20.0, 20000.0, N_FREQ, freq);
    for (size_t i = 0; i < N_FREQ; ++i) {
      GsResponsePoint p;
      gs_response_at(ir, s.n_fft, &w, rates[r], freq[i], 0.0, &p);
      if (fabs(p.magnitude_db - expect_db) > 0.01 || fabs(p.phase_deg) > 0.05 ||
          fabs(p.group_delay) > 0.005) {
        print_error("at %g Hz, %.1f Hz: %.4f dB (%.4f +- 0.01), phase %.4f degrees (0 +- "
                    "0.05), group delay %.4f samples (0 +- 0.005)\n",
                    rates[r], freq[i], p.magnitude_db, expect_db, p.phase_deg, p.group_delay);
        fail();
      }
    }
    free(ir);
  }
}

// A delay of 37 samples: group delay 37.00 everywhere, flat, no phase once
// the delay is taken out.
static void test_pure_delay(void **state)
{
  (void)state;
  size_t d = 37;
  GsSweep s;
  GsResponseWindow w;
  double *ir = measure(run_delay, &d, &s, &w);
  assert_int_equal(w.peak, 37);
  double freq[N_FREQ];
  gs_log_frequencies(20.0, 20000.0, N_FREQ, freq);
  for (size_t i = 0; i < N_FREQ; ++i) {
    GsResponsePoint p;
    gs_response_at(ir, s.n_fft, &w, RATE, freq[i], 37.0, &p);
    if (fabs(p.group_delay - 37.0) > 0.005 || fabs(p.magnitude_db) > 0.01 ||
        fabs(p.phase_deg) > 0.05) {
      print_error("at %.1f Hz: group delay %.4f samples (37.00 +- 0.005), %.4f dB (0 +- 0.01), "
                  "phase %.4f degrees (0 +- 0.05)\n",
                  freq[i], p.group_delay, p.magnitude_db, p.phase_deg);
      fail();
    }
  }
  free(ir);
}

static void test_design_range(void **state)
{
  (void)state;
  GsSweep s;
  assert_int_equal(gs_sweep_design(&s, RATE, 0.0, 20000.0, 1.0, 0.5), GS_ERR_RANGE);
  assert_int_equal(gs_sweep_design(&s, RATE, 20.0, 30000.0, 1.0, 0.5), GS_ERR_RANGE);
  assert_int_equal(gs_sweep_design(&s, RATE, 20.0, 20000.0, 0.01, 0.5), GS_ERR_RANGE);
  assert_int_equal(gs_sweep_design(&s, RATE, 20.0, 20000.0, 1.0, 0.5), GS_OK);
  assert_true(s.n_fft >= 2 * gs_sweep_length(&s));
  double f[3];
  gs_log_frequencies(10.0, 1000.0, 3, f);
  GS_ASSERT_NEAR(f[1], 100.0, 1e-9);
  // 1 s + 0.5 s at 48 kHz: 72000 samples, twice that rounded up to 2^18.
  assert_int_equal(s.n_fft, 262144);
}

// Power-of-two sizes: exact, and capped rather than overflowing to 0.
static void test_pow2(void **state)
{
  (void)state;
  assert_int_equal(gs_pow2_at_least(0), 1);
  assert_int_equal(gs_pow2_at_least(1), 1);
  assert_int_equal(gs_pow2_at_least(5), 8);
  assert_int_equal(gs_pow2_at_least(8), 8);
  assert_int_equal(gs_pow2_at_least(SIZE_MAX), GS_POW2_MAX);
  // measure's sine block: 0.34 s is 16320 samples at 48 kHz, 14994 at 44.1.
  assert_int_equal(gs_pow2_nearest(0.34 * 48000.0, 1024), 16384);
  assert_int_equal(gs_pow2_nearest(0.34 * 44100.0, 1024), 16384);
  assert_int_equal(gs_pow2_nearest(0.34 * 8000.0, 1024), 2048);
  assert_int_equal(gs_pow2_nearest(100.0, 1024), 1024);
  assert_int_equal(gs_pow2_nearest(1e300, 1024), GS_POW2_MAX);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_peaking_biquad),
    cmocka_unit_test(test_highpass_biquad),
    cmocka_unit_test(test_highshelf_biquad),
    cmocka_unit_test(test_peaking_biquad_other_rates),
    cmocka_unit_test(test_known_gain),
    cmocka_unit_test(test_pure_delay),
    cmocka_unit_test(test_design_range),
    cmocka_unit_test(test_pow2),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
