// SPDX-License-Identifier: ISC
// The headphone output: sensitivity conversions, the listening level and its
// warnings, the amplifier's divider, volume and clipping point, and the
// error messages.

#include "check.h"

#include "dsp/analysis.h"
#include "gainstage/headphones.h"

#include <stdlib.h>
#include <string.h>

#ifndef M_PI  // XSI, not ISO C
#  define M_PI 3.14159265358979323846
#endif

#define RATE 48000.0
#define N 16384
#define SETTLE 4096

static void test_sensitivity_units(void **state)
{
  (void)state;
  // 1 V into 32 ohm is 31.25 mW: 14.95 dB more than 1 mW.
  GS_ASSERT_NEAR(gs_sens_mw_to_v(100.0, 32.0), 100.0 + 10.0 * log10(31.25), 1e-12);
  GS_ASSERT_NEAR(gs_sens_mw_to_v(100.0, 32.0), 114.949, 1e-3);
  GS_ASSERT_NEAR(gs_sens_v_to_mw(100.0, 300.0), 94.771, 1e-3);
  GS_ASSERT_NEAR(gs_sens_v_to_mw(gs_sens_mw_to_v(96.0, 250.0), 250.0), 96.0, 1e-12);
  for (size_t i = 0; i < gs_headphones_count(); ++i) {
    const GsHeadphones *hp = gs_headphones_info(i);
    GsError err;
    assert_int_equal(gs_headphones_validate(hp, &err), GS_OK);
    assert_ptr_equal(gs_headphones_find(hp->name), hp);
    print_message("%-10s %4.0f ohm, %5.1f dB SPL/V, %5.1f dB SPL/mW: %s\n", hp->name,
                  hp->impedance_ohm, gs_headphones_db_spl_per_v(hp),
                  gs_sens_v_to_mw(gs_headphones_db_spl_per_v(hp), hp->impedance_ohm),
                  hp->description);
  }
  assert_null(gs_headphones_find("nope"));
  assert_null(gs_headphones_info(gs_headphones_count()));
}

static void test_listening_level(void **state)
{
  (void)state;
  // 1 mW into 32 ohm at 100 dB SPL/mW: 100 dB SPL.
  const GsHeadphones *closed = gs_headphones_find("closed-32");
  const double v_1mw = sqrt(0.001 * 32.0);
  GsListenLevel l = gs_listen_level(closed, v_1mw, v_1mw * sqrt(2.0));
  GS_ASSERT_NEAR(l.db_spl, 100.0, 1e-9);
  GS_ASSERT_NEAR(l.peak_db_spl, 103.0103, 1e-4);
  GS_ASSERT_NEAR(l.power_mw, 1.0, 1e-12);
  // 1 V into the 300 ohm set at 100 dB SPL/V: 100 dB SPL.
  const GsHeadphones *open = gs_headphones_find("open-300");
  l = gs_listen_level(open, 1.0, 1.414);
  GS_ASSERT_NEAR(l.db_spl, 100.0, 1e-12);
  GS_ASSERT_NEAR(l.power_mw, 1000.0 / 300.0, 1e-12);
  // 0.1 V: 20 dB less.
  GS_ASSERT_NEAR(gs_listen_level(open, 0.1, 0.2).db_spl, 80.0, 1e-12);
  GS_ASSERT_NEAR(gs_listen_level(open, 0.0, 0.0).db_spl, -100.0, 1e-12);
}

static void expect_message(const GsHeadphones *hp, double db_spl, double crest_db,
                           GsListenWarning warning, const char *expected)
{
  const double sens = gs_headphones_db_spl_per_v(hp);
  const double v = pow(10.0, (db_spl - sens) / 20.0);
  const GsListenLevel l = gs_listen_level(hp, v, v * pow(10.0, crest_db / 20.0));
  assert_int_equal(l.warning, warning);
  char buf[160];
  gs_listen_message(&l, "headphones 1", buf, sizeof(buf));
  print_message("%.1f dB SPL: %s (%.2f h a day)\n", db_spl, buf, l.safe_hours);
  assert_string_equal(buf, expected);
}

static void test_warnings(void **state)
{
  (void)state;
  const GsHeadphones *hp = gs_headphones_find("closed-32");
  expect_message(hp, 78.0, 10.0, GS_LISTEN_SAFE,
                 "headphones 1: about 78 dB SPL: within safe listening levels");
  expect_message(hp, 91.0, 10.0, GS_LISTEN_CAUTION,
                 "headphones 1: about 91 dB SPL: safe for about 2 hours a day, consider "
                 "turning the volume down");
  expect_message(hp, 97.0, 10.0, GS_LISTEN_CAUTION,
                 "headphones 1: about 97 dB SPL: safe for about 30 minutes a day, consider "
                 "turning the volume down");
  expect_message(hp, 104.0, 10.0, GS_LISTEN_DANGER,
                 "headphones 1: about 104 dB SPL: above safe listening levels, turn the volume "
                 "down");
  // Quiet on average but with peaks of 141 dB SPL.
  expect_message(hp, 80.0, 61.0, GS_LISTEN_DANGER,
                 "headphones 1: peaks of about 141 dB SPL: above safe listening levels, turn the "
                 "volume down");
  // NIOSH: 8 h at 85, 2 h at 91, 15 min at 100.
  const double sens = gs_headphones_db_spl_per_v(hp);
  GS_ASSERT_NEAR(gs_listen_level(hp, pow(10.0, (85.0 - sens) / 20.0), 0.0).safe_hours, 8.0,
                 1e-9);
  GS_ASSERT_NEAR(gs_listen_level(hp, pow(10.0, (91.0 - sens) / 20.0), 0.0).safe_hours, 2.0,
                 1e-9);
  GS_ASSERT_NEAR(gs_listen_level(hp, pow(10.0, (100.0 - sens) / 20.0), 0.0).safe_hours, 0.25,
                 1e-9);
}

static GsHpAmp *new_amp(GsHpAmpClip clip, double volume_db)
{
  GsHpAmpConfig c = gs_hpamp_config_default();
  c.clip = clip;
  c.volume_db = volume_db;
  GsHpAmp *a = NULL;
  GsError err;
  assert_int_equal(gs_hpamp_new(&c, &a, &err), GS_OK);
  return a;
}

// A 1 kHz-ish sine of rms_volts through the amp: its analysis at the output.
static GsSineAnalysis run_sine(GsHpAmp *a, double rms_volts, double *peak)
{
  const size_t len = SETTLE + N;
  const size_t k = gs_analysis_coprime_bin(N, RATE, 1000.0);
  float *x = malloc(len * sizeof(float));
  for (size_t i = 0; i < len; ++i) {
    x[i] = (float)(rms_volts * sqrt(2.0) * sin(2.0 * M_PI * (double)((k * i) % N) / N));
  }
  gs_hpamp_process(a, x, x, (uint32_t)len);
  GsSineAnalysis s;
  assert_int_equal(gs_analysis_sine(x + SETTLE, N, k, RATE, 20.0, 20000.0, &s), GS_OK);
  if (peak) {
    *peak = 0.0;
    for (size_t i = SETTLE; i < len; ++i) {
      *peak = fmax(*peak, fabs(x[i]));
    }
  }
  free(x);
  return s;
}

static void test_divider_and_volume(void **state)
{
  (void)state;
  GsHpAmp *a = new_amp(GS_HPAMP_CLIP_HARD, 0.0);
  // 10 ohm out, 32 ohm load: 32 / 42.
  GS_ASSERT_NEAR(gs_hpamp_divider(a), 32.0 / 42.0, 1e-12);
  GsSineAnalysis s = run_sine(a, 0.5, NULL);
  print_message("0.5 V RMS open circuit into 32 ohm through 10 ohm: %.5f V RMS (expected %.5f)\n",
                s.fundamental / sqrt(2.0), 0.5 * 32.0 / 42.0);
  GS_ASSERT_NEAR(s.fundamental / sqrt(2.0), 0.5 * 32.0 / 42.0, 1e-4);
  GsError err;
  assert_int_equal(gs_hpamp_set_load_ohm(a, 300.0, &err), GS_OK);
  GS_ASSERT_NEAR(gs_hpamp_divider(a), 300.0 / 310.0, 1e-12);
  GS_ASSERT_NEAR(gs_hpamp_max_loaded_vrms(a), 3.5 * 300.0 / 310.0, 1e-12);
  assert_int_equal(gs_hpamp_set_load_ohm(a, 0.0, &err), GS_OK);
  GS_ASSERT_NEAR(gs_hpamp_divider(a), 1.0, 0.0);
  assert_int_equal(gs_hpamp_set_load_ohm(a, 4.0, &err), GS_ERR_RANGE);
  assert_string_equal(err.message,
                      "headphone amp load 4 ohm is out of range (8 to 1000 ohm, or 0 for none)");
  gs_hpamp_free(a);
  // Volume: -20 dB is a tenth of the voltage.
  a = new_amp(GS_HPAMP_CLIP_HARD, -20.0);
  s = run_sine(a, 0.5, NULL);
  GS_ASSERT_NEAR(s.fundamental / sqrt(2.0), 0.05 * 32.0 / 42.0, 1e-5);
  gs_hpamp_set_volume_db(a, 6.0);
  gs_hpamp_reset(a);  // ends the glide
  s = run_sine(a, 0.5, NULL);
  GS_ASSERT_NEAR(s.fundamental / sqrt(2.0), 0.5 * pow(10.0, 0.3) * 32.0 / 42.0, 1e-3);
  print_message("latency %.2f samples at %ux\n", gs_hpamp_latency(a), gs_hpamp_oversample(a));
  gs_hpamp_free(a);
}

// The clipping point: clean just below the maximum output, clipped above it,
// and never much beyond the rail through the divider.
static void test_clipping_point(void **state)
{
  (void)state;
  static const GsHpAmpClip clips[] = {GS_HPAMP_CLIP_HARD, GS_HPAMP_CLIP_SOFT};
  static const char *const names[] = {"hard", "soft"};
  const double rail_loaded = 3.5 * sqrt(2.0) * 32.0 / 42.0;
  for (int c = 0; c < 2; ++c) {
    GsHpAmp *a = new_amp(clips[c], 0.0);
    double peak = 0.0;
    const GsSineAnalysis below = run_sine(a, 3.5 * 0.9, NULL);
    gs_hpamp_reset(a);
    const GsSineAnalysis over = run_sine(a, 3.5 * 2.0, &peak);
    print_message("%s clip: THD %.4f %% at -0.9 dB re max output, %.1f %% at +6 dB; peak %.3f V "
                  "(rail through the divider %.3f V); aliasing at +6 dB %.1f dBc\n",
                  names[c], 100.0 * below.thd, 100.0 * over.thd, peak, rail_loaded,
                  gs_power_ratio_db(over.aliasing));
    GS_ASSERT_BELOW(below.thd, c == 0 ? 1e-4 : 0.01);
    GS_ASSERT_ABOVE(over.thd, 0.1);
    GS_ASSERT_NEAR(peak, rail_loaded, 0.08 * rail_loaded);
    GS_ASSERT_BELOW(gs_power_ratio_db(over.aliasing), -70.0);
    gs_hpamp_free(a);
  }
}

static void test_bad_configs(void **state)
{
  (void)state;
  struct {
    GsHpAmpConfig c;
    const char *message;
  } cases[6];
  for (int i = 0; i < 6; ++i) {
    cases[i].c = gs_hpamp_config_default();
  }
  cases[0].c.volume_db = 20.0;
  cases[0].message = "headphone volume 20 dB is out of range (-96 to +12 dB)";
  cases[1].c.max_output_vrms = 50.0;
  cases[1].message = "headphone amp maximum output 50 V RMS is out of range (0.1 to 20 V RMS)";
  cases[2].c.output_ohm = -1.0;
  cases[2].message = "headphone amp output impedance -1 ohm is out of range (0 to 120 ohm)";
  cases[3].c.load_ohm = 2000.0;
  cases[3].message = "headphone amp load 2000 ohm is out of range (8 to 1000 ohm, or 0 for none)";
  cases[4].c.rate_hz = 22050.0;
  cases[4].message = "headphone amp sample rate 22050 Hz is out of range (44100 to 192000 Hz)";
  cases[5].c.oversample = 3;
  cases[5].message = "headphone amp oversampling 3 is not valid (auto, 1, 2, 4 or 8)";
  for (int i = 0; i < 6; ++i) {
    GsHpAmp *a = (GsHpAmp *)(uintptr_t)1;
    GsError err = {{0}};
    assert_int_equal(gs_hpamp_new(&cases[i].c, &a, &err), GS_ERR_RANGE);
    assert_null(a);
    assert_string_equal(err.message, cases[i].message);
  }
  GsHeadphones hp = {"mine", "", 4.0, 100.0, GS_SENS_DB_SPL_PER_MW};
  GsError err;
  assert_int_equal(gs_headphones_validate(&hp, &err), GS_ERR_RANGE);
  assert_string_equal(err.message, "mine: impedance 4 ohm is out of range (8 to 1000 ohm)");
  hp.impedance_ohm = 32.0;
  hp.sensitivity = 150.0;
  assert_int_equal(gs_headphones_validate(&hp, &err), GS_ERR_RANGE);
  assert_string_equal(err.message,
                      "mine: sensitivity 150 dB SPL/mW is out of range (70 to 130 dB SPL/mW)");
  hp.unit = GS_SENS_DB_SPL_PER_V;
  hp.sensitivity = 60.0;
  assert_int_equal(gs_headphones_validate(&hp, &err), GS_ERR_RANGE);
  assert_string_equal(err.message,
                      "mine: sensitivity 60 dB SPL/V is out of range (80 to 140 dB SPL/V)");
}

// The whole path for the engine: a DAC-level sine at the amp's full volume
// into closed-32 headphones, and the warning it earns.
static void test_amp_into_headphones(void **state)
{
  (void)state;
  GsHpAmp *a = new_amp(GS_HPAMP_CLIP_SOFT, -12.0);
  const GsSineAnalysis s = run_sine(a, 1.0, NULL);
  const double v = s.fundamental / sqrt(2.0);
  const GsListenLevel l = gs_listen_level(gs_headphones_find("closed-32"), v, v * sqrt(2.0));
  char buf[160];
  gs_listen_message(&l, "headphones 1", buf, sizeof(buf));
  print_message("1 V RMS at -12 dB volume into closed-32: %.4f V, %.2f mW, %s\n", v, l.power_mw,
                buf);
  // 0.2512 V open circuit, 0.1914 V loaded: 114.95 + 20 log10(0.1914) = 100.6 dB SPL.
  GS_ASSERT_NEAR(l.db_spl, 114.949 + 20.0 * log10(pow(10.0, -0.6) * 32.0 / 42.0), 0.01);
  assert_int_equal(l.warning, GS_LISTEN_DANGER);
  gs_hpamp_free(a);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_sensitivity_units),  cmocka_unit_test(test_listening_level),
    cmocka_unit_test(test_warnings),           cmocka_unit_test(test_divider_and_volume),
    cmocka_unit_test(test_clipping_point),     cmocka_unit_test(test_bad_configs),
    cmocka_unit_test(test_amp_into_headphones),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
