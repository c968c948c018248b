// SPDX-License-Identifier: ISC
// The channel strip: validation and its messages, gain, pad, polarity, the
// high-pass filter, click-free gain changes, recovery from bad samples and
// allocation failure.

#include "check.h"
#include "sine_probe.h"

#include "dsp/biquad.h"

#include <string.h>

#include "failing_calloc.h"

static void expect_error(GsPreampConfig c, GsStatus status, const char *message)
{
  GsPreamp *p = (GsPreamp *)(uintptr_t)1;
  GsError err = {{0}};
  assert_int_equal(gs_preamp_new(&c, &p, &err), status);
  assert_null(p);
  if (!strstr(err.message, message)) {
    print_error("message [%s] does not contain [%s]\n", err.message, message);
    fail();
  }
}

static void test_validation(void **state)
{
  (void)state;
  GsPreampConfig c = gs_preamp_config_default();
  c.model = "nope";
  expect_error(c, GS_ERR_UNKNOWN,
               "unknown model 'nope' (models: clean, console, transformer, tube, bass, guitar)");
  c = gs_preamp_config_default();
  c.gain_db = 66.5;
  expect_error(c, GS_ERR_RANGE, "gain 66.5 dB is out of range for model 'clean' (0 to 66 dB)");
  c.gain_db = NAN;
  expect_error(c, GS_ERR_RANGE, "out of range");
  c = gs_preamp_config_default();
  c.model = "bass";
  c.gain_db = 41.0;
  expect_error(c, GS_ERR_RANGE, "(0 to 40 dB)");
  c = gs_preamp_config_default();
  c.rate_hz = 1000.0;
  expect_error(c, GS_ERR_RANGE, "sample rate 1000 Hz is out of range (8000 to 384000 Hz)");
  c = gs_preamp_config_default();
  c.hpf_hz = 2000.0;
  expect_error(c, GS_ERR_RANGE, "high-pass frequency 2000 Hz is out of range (10 to 1000 Hz");
  c = gs_preamp_config_default();
  c.treble_db = 3.0;
  expect_error(c, GS_ERR_USAGE, "model 'clean' has no tone controls");
  c.model = "guitar";
  c.treble_db = -15.5;
  expect_error(c, GS_ERR_RANGE, "treble -15.5 dB is out of range (-15 to +15 dB)");
  c = gs_preamp_config_default();
  c.oversample = 3;
  expect_error(c, GS_ERR_RANGE, "oversampling 3 is not valid (auto, 1, 2, 4 or 8)");
}

static void test_every_allocation_failure_is_reported(void **state)
{
  (void)state;
  GsPreampConfig c = gs_preamp_config_default();
  c.model = "guitar";
  int n = 0;
  for (;; ++n) {
    fail_after = n;
    GsPreamp *p = NULL;
    GsError err = {{0}};
    const GsStatus st = gs_preamp_new(&c, &p, &err);
    fail_after = -1;
    if (st == GS_OK) {
      gs_preamp_free(p);
      break;
    }
    assert_int_equal(st, GS_ERR_NOMEM);
    assert_null(p);
    assert_non_null(strstr(err.message, "out of memory"));
  }
  assert_true(n >= 1);
  gs_preamp_free(NULL);
}

static void test_gain_is_exact_and_pad_is_20_db(void **state)
{
  (void)state;
  static const double gains[] = {0.0, 6.0, 30.0, 66.0};
  const size_t k = sig_bin(1000.0);
  for (size_t i = 0; i < 4; ++i) {
    GsPreamp *p = sig_strip("clean", gains[i], 0);
    const GsSineAnalysis a = sig_sine(p, k, -70.0);
    GS_ASSERT_NEAR(sig_dbu(a.fundamental), -70.0 + gains[i], 1e-4);
    gs_preamp_free(p);
  }
  GsPreampConfig c = gs_preamp_config_default();
  c.pad = true;
  c.gain_db = 20.0;
  GsPreamp *p = NULL;
  GsError err;
  assert_int_equal(gs_preamp_new(&c, &p, &err), GS_OK);
  GS_ASSERT_NEAR(sig_dbu(sig_sine(p, k, 0.0).fundamental), 0.0, 1e-4);
  gs_preamp_free(p);
}

// At 0 dB a clean strip is a wire below its rail, to the bit: its unit is
// 16 V (the rail), so the scaling into the stage and back is by powers of
// two; and a bank of them too.
static void test_clean_at_0_db_is_exact(void **state)
{
  (void)state;
  enum { N = 4096 };
  float x[N], y[N];
  uint64_t z = 1;
  for (size_t i = 0; i < N; ++i) {
    z = z * 6364136223846793005u + 1442695040888963407u;
    x[i] = (float)((double)(z >> 40) / 16777216.0 - 0.5) * 30.0f;  // +-15 V, below 16 V
  }
  GsPreamp *p = sig_strip("clean", 0.0, 0);
  gs_preamp_process(p, x, y, N);
  assert_memory_equal(x, y, sizeof(x));
  gs_preamp_free(p);
  GsPreampConfig c = gs_preamp_config_default();
  GsPreampBank *b = NULL;
  assert_int_equal(gs_preamp_bank_new(&c, 3, &b, NULL), GS_OK);
  const float *in[3] = {x, x, x};
  float y1[N], y2[N];
  float *out[3] = {y, y1, y2};
  gs_preamp_bank_process(b, in, out, N);
  assert_memory_equal(x, y, sizeof(x));
  assert_memory_equal(x, y2, sizeof(x));
  gs_preamp_bank_free(b);
}

static void test_polarity(void **state)
{
  (void)state;
  for (size_t m = 0; m < gs_preamp_model_count(); ++m) {
    GsPreampConfig c = gs_preamp_config_default();
    c.model = gs_preamp_model_info(m)->name;
    GsPreamp *a = NULL, *b = NULL;
    GsError err;
    assert_int_equal(gs_preamp_new(&c, &a, &err), GS_OK);
    c.invert = true;
    assert_int_equal(gs_preamp_new(&c, &b, &err), GS_OK);
    float x[1000], ya[1000], yb[1000];
    for (int i = 0; i < 1000; ++i) {
      x[i] = (float)(2.0 * sin(0.05 * i) + 0.5);
    }
    gs_preamp_process(a, x, ya, 1000);
    gs_preamp_process(b, x, yb, 1000);
    for (int i = 0; i < 1000; ++i) {
      assert_true(ya[i] == -yb[i]);
    }
    gs_preamp_free(a);
    gs_preamp_free(b);
  }
}

static void test_highpass(void **state)
{
  (void)state;
  GsPreampConfig c = gs_preamp_config_default();
  c.hpf_hz = 80.0;
  GsPreamp *p = NULL;
  GsError err;
  assert_int_equal(gs_preamp_new(&c, &p, &err), GS_OK);
  GsBiquad ref;
  gs_biquad_init(&ref);
  gs_biquad_set_highpass(&ref, SIG_RATE, 80.0, M_SQRT1_2);
  static const double probe[] = {20.0, 80.0, 200.0, 1000.0};
  for (int i = 0; i < 4; ++i) {
    const size_t k = sig_bin(probe[i]);
    gs_preamp_reset(p);
    const double db = sig_dbu(sig_sine(p, k, 0.0).fundamental);
    GS_ASSERT_NEAR(db, gs_biquad_magnitude_db(&ref, SIG_RATE, sig_freq(k)), 0.01);
  }
  GS_ASSERT_NEAR(gs_biquad_magnitude_db(&ref, SIG_RATE, 80.0), -3.0103, 0.001);
  gs_preamp_free(p);
}

// A gain change mid-signal glides: the gain the signal sees (output over
// input, where the input is well away from zero) moves by at most the
// smoother's step per sample, never in one jump.
static void test_gain_change_is_click_free(void **state)
{
  (void)state;
  GsPreamp *p = sig_strip("clean", 0.0, 0);
  const size_t n = 24000;
  float *x = malloc(n * sizeof(float));
  float *y = malloc(n * sizeof(float));
  for (size_t i = 0; i < n; ++i) {
    // 1 mV peak: at +66 dB still well below the clean model's rail.
    x[i] = (float)(0.001 * sin(2.0 * M_PI * 1000.0 * (double)i / SIG_RATE));
  }
  gs_preamp_process(p, x, y, 12000);
  gs_preamp_set_gain_db(p, 40.0);
  gs_preamp_process(p, x + 12000, y + 12000, 12000);
  // A one-pole glide from 1 to 100 with a 10 ms time constant at 48 kHz
  // moves by at most 99 (1 - exp(-1 / 480)) = 0.206 per sample; a jump
  // would move by 99 at once.
  const double bound = 99.0 * (1.0 - exp(-1.0 / 480.0)) * 1.001;
  double worst = 0.0;
  for (size_t i = 1; i < n; ++i) {
    if (fabs(x[i]) > 0.0005 && fabs(x[i - 1]) > 0.0005) {
      worst = fmax(worst, fabs((double)y[i] / x[i] - (double)y[i - 1] / x[i - 1]));
    }
  }
  print_message("largest gain step during a 40 dB change: %.4f per sample (bound %.4f)\n", worst,
                bound);
  GS_ASSERT_BELOW(worst, bound);
  GS_ASSERT_ABOVE(worst, bound * 0.5);  // it did glide, at about the expected speed
  // Settled at +40 dB afterwards: the last cycles peak at 0.1 V.
  double peak = 0.0;
  for (size_t i = n - 480; i < n; ++i) {
    peak = fmax(peak, fabs(y[i]));
  }
  GS_ASSERT_NEAR(peak, 0.1, 1e-5);
  gs_preamp_set_gain_db(p, 500.0);  // clamped to the range: 66 dB
  gs_preamp_process(p, x, y, 12000);
  GS_ASSERT_NEAR(fabs(y[12000 - 12]) / fabs(x[12000 - 12]), pow(10.0, 66.0 / 20.0), 0.01);
  free(x);
  free(y);
  gs_preamp_free(p);
}

static void test_recovers_from_nan(void **state)
{
  (void)state;
  for (size_t m = 0; m < gs_preamp_model_count(); ++m) {
    GsPreamp *p = sig_strip(gs_preamp_model_info(m)->name, 10.0, 0);
    float x[2048];
    for (int i = 0; i < 2048; ++i) {
      x[i] = (float)(0.01 * sin(0.1 * i));
    }
    x[100] = NAN;
    x[101] = INFINITY;
    gs_preamp_process(p, x, x, 1024);
    gs_preamp_process(p, x + 1024, x + 1024, 1024);
    for (int i = 0; i < 2048; ++i) {
      assert_true(isfinite(x[i]));
    }
    // The second block is clean signal again, not silence.
    GS_ASSERT_ABOVE(fabs(x[2000]) + fabs(x[2010]) + fabs(x[2020]), 1e-3);
    gs_preamp_free(p);
  }
}

// Regression: a NaN gain once reached the smoother and left the strip silent
// for good. It is ignored; the strip keeps its gain.
static void test_nan_gain_is_ignored(void **state)
{
  (void)state;
  GsPreamp *p = sig_strip("tube", 20.0, 0);
  gs_preamp_set_gain_db(p, NAN);
  const GsSineAnalysis a = sig_sine(p, sig_bin(1000.0), -40.0);
  GS_ASSERT_NEAR(sig_dbu(a.fundamental), -20.0, 0.01);
  gs_preamp_set_gain_db(p, 30.0);
  gs_preamp_reset(p);
  const GsSineAnalysis b = sig_sine(p, sig_bin(1000.0), -40.0);
  GS_ASSERT_NEAR(sig_dbu(b.fundamental), -10.0, 0.01);
  gs_preamp_free(p);
}

// A decaying impulse followed by silence never leaves denormals in the output
// (the strip runs with flush-to-zero, and its state decays to zero).
static void test_silence_has_no_denormals(void **state)
{
  (void)state;
  for (size_t m = 0; m < gs_preamp_model_count(); ++m) {
    GsPreamp *p = sig_strip(gs_preamp_model_info(m)->name, 30.0, 0);
    static float x[48000];
    unsigned subnormal = 0;
    for (int second = 0; second < 5; ++second) {
      memset(x, 0, sizeof(x));
      if (second == 0) {
        x[0] = 0.1f;
      }
      gs_preamp_process(p, x, x, 48000);
      for (int i = 0; i < 48000; ++i) {
        subnormal += fpclassify(x[i]) == FP_SUBNORMAL;
      }
    }
    if (subnormal) {
      print_error("%s: %u subnormal output samples\n", gs_preamp_model_info(m)->name, subnormal);
      fail();
    }
    gs_preamp_free(p);
  }
}

static void test_model_table(void **state)
{
  (void)state;
  assert_true(gs_preamp_model_count() >= 6);
  for (size_t m = 0; m < gs_preamp_model_count(); ++m) {
    const GsPreampInfo *info = gs_preamp_model_info(m);
    assert_ptr_equal(gs_preamp_model_find(info->name), info);
    assert_true(info->gain_max_db > info->gain_min_db);
    assert_true(info->auto_oversample >= 1);
  }
  assert_null(gs_preamp_model_info(gs_preamp_model_count()));
  assert_null(gs_preamp_model_find("Clean"));
  assert_null(gs_preamp_model_find(NULL));
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_validation),
    cmocka_unit_test(test_every_allocation_failure_is_reported),
    cmocka_unit_test(test_gain_is_exact_and_pad_is_20_db),
    cmocka_unit_test(test_clean_at_0_db_is_exact),
    cmocka_unit_test(test_polarity),
    cmocka_unit_test(test_highpass),
    cmocka_unit_test(test_gain_change_is_click_free),
    cmocka_unit_test(test_recovers_from_nan),
    cmocka_unit_test(test_nan_gain_is_ignored),
    cmocka_unit_test(test_silence_has_no_denormals),
    cmocka_unit_test(test_model_table),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
