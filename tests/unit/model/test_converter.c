// SPDX-License-Identifier: ISC
// ADC and DAC: reference levels, word lengths, the noise floor (A-weighted),
// clip counts and times, aliasing of an overdriven ADC against a naive clip,
// the ADC -> DAC round trip, latency figures and the error messages.

#include "check.h"
#include "spectrum.h"

#include "dsp/analysis.h"
#include "dsp/weighting.h"
#include "gainstage/converter.h"
#include "gainstage/units.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifndef M_PI  // XSI, not ISO C
#  define M_PI 3.14159265358979323846
#endif

#define N_FFT 65536

static GsAdc *new_adc(double ref_dbu, double rate_hz, unsigned bits)
{
  GsAdcConfig c = gs_adc_config_default();
  c.ref_dbu = ref_dbu;
  c.rate_hz = rate_hz;
  c.bits = bits;
  GsAdc *a = NULL;
  GsError err;
  assert_int_equal(gs_adc_new(&c, &a, &err), GS_OK);
  return a;
}

// A sine of level_dbu (RMS) at freq_hz, phase 0, in volts.
static float *sine_volts(size_t n, double level_dbu, double freq_hz, double rate_hz)
{
  float *x = malloc(n * sizeof(float));
  assert_non_null(x);
  const double amp = gs_dbu_to_volts(level_dbu) * sqrt(2.0);
  for (size_t i = 0; i < n; ++i) {
    x[i] = (float)(amp * sin(2.0 * M_PI * freq_hz * (double)i / rate_hz));
  }
  return x;
}

static double sample_peak(const float *x, size_t n)
{
  double p = 0.0;
  for (size_t i = 0; i < n; ++i) {
    p = fmax(p, fabs(x[i]));
  }
  return p;
}

// A sine at the reference level peaks at full scale; 20 dB lower at 0.1.
// 1 kHz at 48 kHz puts a sample on every crest, and the ADC's delay is a
// whole number of samples, so the sample peak is the sine's peak.
static void test_reference_level(void **state)
{
  (void)state;
  static const double refs[] = {4.0, 18.0, 24.0};
  static const unsigned bits[] = {32, 24};
  for (int r = 0; r < 3; ++r) {
    for (int b = 0; b < 2; ++b) {
      for (int drop = 0; drop <= 20; drop += 20) {
        GsAdc *a = new_adc(refs[r], 48000.0, bits[b]);
        const size_t n = 4800;
        float *x = sine_volts(n, refs[r] - drop, 1000.0, 48000.0);
        gs_adc_process(a, x, x, (uint32_t)n);
        const double peak = sample_peak(x + 100, n - 100);
        const double expected = drop ? 0.1 : 1.0;
        // 24 bits: the top code is 1 - 2^-23, and the grid is 2^-23.
        const double tol = bits[b] == 32 ? 1e-6 : 2e-7;
        if (r == 1) {
          print_message("+18 dBu = 0 dBFS, %u bits, sine at %+g dBu: sample peak %.9f\n",
                        bits[b], refs[r] - drop, peak);
        }
        GS_ASSERT_NEAR(peak, expected, tol);
        gs_adc_free(a);
        free(x);
      }
    }
  }
}

static void test_word_length_grid(void **state)
{
  (void)state;
  static const unsigned bits[] = {16, 24};
  for (int b = 0; b < 2; ++b) {
    for (int dither = 0; dither < 2; ++dither) {
      GsAdcConfig c = gs_adc_config_default();
      c.bits = bits[b];
      c.dither = dither;
      GsAdc *a = NULL;
      GsError err;
      assert_int_equal(gs_adc_new(&c, &a, &err), GS_OK);
      const size_t n = 48000;
      float *x = sine_volts(n, 18.0 - 3.0, 997.0, 48000.0);
      gs_adc_process(a, x, x, (uint32_t)n);
      const double scale = ldexp(1.0, (int)bits[b] - 1);
      size_t off = 0, distinct_lsb = 0;
      for (size_t i = 0; i < n; ++i) {
        const double v = x[i] * scale;
        off += v != floor(v);
        distinct_lsb += fabs(v - floor(v / 2.0) * 2.0) == 1.0;  // odd codes are used
      }
      assert_int_equal(off, 0);
      assert_true(distinct_lsb > n / 4);
      gs_adc_free(a);
      free(x);
    }
  }
}

// The noise floor of the silent converter, A-weighted over 22 Hz-22 kHz by
// the IEC 61672 curve applied to its spectrum, in dBFS (AES17: re the RMS of
// a full-scale sine).
static double measured_noise_dbfs_a(double rate_hz, unsigned bits, double figure)
{
  GsAdcConfig c = gs_adc_config_default();
  c.rate_hz = rate_hz;
  c.bits = bits;
  c.noise = true;
  c.noise_dbfs_a = figure;
  GsAdc *a = NULL;
  GsError err;
  assert_int_equal(gs_adc_new(&c, &a, &err), GS_OK);
  const size_t n = 1u << 19;
  float *x = calloc(n, sizeof(float));
  gs_adc_process(a, x, x, (uint32_t)n);
  double *p = gs_test_power_spectrum(x, n);
  assert_non_null(p);
  double sum = 0.0;
  for (size_t k = 1; k <= n / 2; ++k) {
    const double f = (double)k * rate_hz / (double)n;
    if (f >= 22.0 && f <= 22000.0) {
      const double w = gs_a_weighting(f);
      sum += p[k] * w * w;
    }
  }
  fftw_free(p);
  free(x);
  gs_adc_free(a);
  return 10.0 * log10(sum * 2.0);
}

static void test_noise_floor(void **state)
{
  (void)state;
  static const double rates[] = {44100.0, 48000.0, 96000.0, 192000.0};
  for (int r = 0; r < 4; ++r) {
    const double db = measured_noise_dbfs_a(rates[r], 32, -120.0);
    print_message("noise floor at %6.0f Hz, float: %.2f dBFS(A) (set -120)\n", rates[r], db);
    GS_ASSERT_NEAR(db, -120.0, 0.5);
  }
  const double db24 = measured_noise_dbfs_a(48000.0, 24, -120.0);
  print_message("noise floor at 48 kHz, 24 bits with dither: %.2f dBFS(A)\n", db24);
  GS_ASSERT_NEAR(db24, -120.0, 0.5);
  const double db_low = measured_noise_dbfs_a(48000.0, 32, -140.0);
  print_message("noise floor set to -140: %.2f dBFS(A)\n", db_low);
  GS_ASSERT_NEAR(db_low, -140.0, 0.5);
  // 16 bits: the word length's own noise (TPDF, LSB^2 / 4) lies above a
  // -120 dBFS(A) floor: about -96.3 + 3 - 6.5 (A-weighting of white noise at 48 kHz) dBFS(A).
  const double db16 = measured_noise_dbfs_a(48000.0, 16, -120.0);
  print_message("noise floor at 48 kHz, 16 bits with dither: %.2f dBFS(A)\n", db16);
  GS_ASSERT_ABOVE(db16, -105.0);
}

// A sine 6 dB over full scale: every input sample beyond full scale is
// counted, at the output frame where it comes out.
static void test_clip_count(void **state)
{
  (void)state;
  GsAdc *a = new_adc(18.0, 48000.0, 24);
  const size_t n = 48000;
  const double fs_volts = gs_adc_fullscale_volts(a);
  float *x = sine_volts(n, 18.0 + 6.0, 997.0, 48000.0);
  // The first 1000 samples silent, so the first clip is not at frame 0.
  memset(x, 0, 1000 * sizeof(float));
  uint64_t expected = 0, first = 0, last = 0;
  const float to_fs = (float)(1.0 / fs_volts);
  for (size_t i = 0; i < n; ++i) {
    if (fabsf(x[i] * to_fs) > 1.0f) {
      first = expected++ ? first : i;
      last = i;
    }
  }
  uint32_t counted = 0;
  for (size_t done = 0; done < n; done += 480) {
    counted += gs_adc_process(a, x + done, x + done, 480);
  }
  GsClipReport r;
  gs_adc_take_clips(a, &r);
  const uint64_t d = gs_adc_latency(a);
  print_message("6 dB over: %llu of %zu samples clipped (%.4f; a sine 6 dB over spends 2/3 of "
                "its time beyond full scale), first at %.6f s, last at %.6f s\n",
                (unsigned long long)r.count, n - 1000, (double)r.count / (double)(n - 1000),
                r.first_s, r.last_s);
  assert_int_equal(r.count, expected);
  assert_int_equal(counted, expected);
  assert_int_equal(r.first_frame, first + d);
  assert_int_equal(r.last_frame, last + d);
  GS_ASSERT_NEAR(r.first_s, (double)(first + d) / 48000.0, 1e-12);
  GS_ASSERT_NEAR((double)r.count / (double)(n - 1000), 2.0 / 3.0, 0.002);
  // Taking the report starts a new interval.
  gs_adc_take_clips(a, &r);
  assert_int_equal(r.count, 0);
  // The output is full scale where it clipped (24 bits: the top code).
  GS_ASSERT_NEAR(sample_peak(x, n), 1.0, 0.08);
  gs_adc_free(a);
  free(x);
}

static double aliasing_dbc(const float *y, size_t k, double *fundamental)
{
  GsSineAnalysis s;
  assert_int_equal(gs_analysis_sine(y, N_FFT, k, 48000.0, 20.0, 20000.0, &s), GS_OK);
  if (fundamental) {
    *fundamental = s.fundamental;
  }
  return gs_power_ratio_db(s.aliasing);
}

// 5 kHz, 6 dB over full scale, 48 kHz: the modelled converter against a
// naive clip of the same samples at the base rate.
static void test_overdrive_does_not_alias(void **state)
{
  (void)state;
  const size_t settle = 4096, len = settle + N_FFT;
  const size_t k = gs_analysis_coprime_bin(N_FFT, 48000.0, 5000.0);
  const double freq = (double)k * 48000.0 / N_FFT;
  float *in = sine_volts(len, 18.0 + 6.0, freq, 48000.0);
  float *y = malloc(len * sizeof(float));
  double fund_model = 0.0, fund_naive = 0.0, fund24 = 0.0;

  GsAdc *a = new_adc(18.0, 48000.0, 32);
  gs_adc_process(a, in, y, (uint32_t)len);
  const double modelled = aliasing_dbc(y + settle, k, &fund_model);
  const double overshoot = sample_peak(y + settle, N_FFT);
  gs_adc_free(a);

  a = new_adc(18.0, 48000.0, 24);
  gs_adc_process(a, in, y, (uint32_t)len);
  const double fixed24 = aliasing_dbc(y + settle, k, &fund24);
  gs_adc_free(a);

  const float to_fs = (float)(1.0 / gs_fullscale_volts(18.0));
  for (size_t i = 0; i < len; ++i) {
    const float v = in[i] * to_fs;
    y[i] = v > 1.0f ? 1.0f : (v < -1.0f ? -1.0f : v);
  }
  const double naive = aliasing_dbc(y + settle, k, &fund_naive);
  print_message("5 kHz 6 dB over at 48 kHz: aliasing %.1f dBc (32-bit float; peak %.4f after "
                "the decimation filter), %.1f dBc at 24 bits (the word saturates that "
                "overshoot); naive clip %.1f dBc\n",
                modelled, overshoot, fixed24, naive);
  print_message("fundamental %.5f (naive clip %.5f; ideal 1.21800)\n", fund_model, fund_naive);
  GS_ASSERT_BELOW(modelled, -80.0);
  GS_ASSERT_ABOVE(naive, -40.0);
  GS_ASSERT_NEAR(fund_model, fund_naive, 0.01);
  free(in);
  free(y);
}

// ADC (float) then DAC with the same reference gives back the voltage,
// delayed by the ADC's latency.
static void test_round_trip(void **state)
{
  (void)state;
  static const double refs[] = {4.0, 18.0, 24.0};
  for (int r = 0; r < 3; ++r) {
    GsAdc *a = new_adc(refs[r], 48000.0, 32);
    GsDacConfig dc = gs_dac_config_default();
    dc.ref_dbu = refs[r];
    GsDac *d = NULL;
    GsError err;
    assert_int_equal(gs_dac_new(&dc, &d, &err), GS_OK);
    const size_t n = 4800;
    float *x = sine_volts(n, refs[r] - 6.0, 997.0, 48000.0);
    float *y = malloc(n * sizeof(float));
    gs_adc_process(a, x, y, (uint32_t)n);
    gs_dac_process(d, y, y, (uint32_t)n);
    const uint32_t lat = gs_adc_latency(a);
    double worst = 0.0;
    for (size_t i = lat; i < n; ++i) {
      worst = fmax(worst, fabs(y[i] - x[i - lat]));
    }
    const double peak = gs_dbu_to_volts(refs[r] - 6.0) * sqrt(2.0);
    print_message("round trip at +%g dBu: worst error %.2e V of %.3f V peak\n", refs[r], worst,
                  peak);
    GS_ASSERT_BELOW(worst, peak * 1e-6);
    free(x);
    free(y);
    gs_adc_free(a);
    gs_dac_free(d);
  }
}

static void test_dac_clamps_and_counts(void **state)
{
  (void)state;
  GsDacConfig c = gs_dac_config_default();
  GsDac *d = NULL;
  GsError err;
  assert_int_equal(gs_dac_new(&c, &d, &err), GS_OK);
  float x[6] = {0.5f, 1.5f, -2.0f, NAN, 1.0f, -0.25f};
  assert_int_equal(gs_dac_process(d, x, x, 6), 2);
  const double v = gs_fullscale_volts(18.0);
  GS_ASSERT_NEAR(x[0], 0.5 * v, 1e-5);
  GS_ASSERT_NEAR(x[1], v, 1e-5);
  GS_ASSERT_NEAR(x[2], -v, 1e-5);
  assert_true(x[3] == 0.0f);
  GsClipReport r;
  gs_dac_take_clips(d, &r);
  assert_int_equal(r.count, 2);
  assert_int_equal(r.first_frame, 1);
  assert_int_equal(r.last_frame, 2);
  gs_dac_free(d);
}

static void test_latency_figures(void **state)
{
  (void)state;
  static const double rates[] = {44100.0, 48000.0, 88200.0, 96000.0, 176400.0, 192000.0};
  for (int i = 0; i < 6; ++i) {
    GsAdc *a = new_adc(18.0, rates[i], 24);
    GsDacConfig dc = gs_dac_config_default();
    dc.rate_hz = rates[i];
    GsDac *d = NULL;
    GsError err;
    assert_int_equal(gs_dac_new(&dc, &d, &err), GS_OK);
    print_message("%6.0f Hz: AD filter %.2f, DA filter %.2f samples (hardware); the ADC model "
                  "delays by %u (%ux clip)\n",
                  rates[i], gs_adc_filter_latency(a), gs_dac_filter_latency(d),
                  gs_adc_latency(a), gs_adc_oversample(a));
    GS_ASSERT_NEAR(gs_adc_filter_latency(a), 5.0, 0.0);
    GS_ASSERT_NEAR(gs_dac_filter_latency(d), rates[i] <= 48000.0 ? 6.25 : 5.63, 0.0);
    assert_int_equal(gs_dac_latency(d), 0);
    // The model's delay is real: a small pulse comes out exactly that late.
    float x[128] = {0};
    x[10] = 0.1f;
    gs_adc_process(a, x, x, 128);
    size_t at = 0;
    for (size_t j = 0; j < 128; ++j) {
      at = fabsf(x[j]) > 0.05f * (float)(1.0 / gs_adc_fullscale_volts(a)) ? j : at;
    }
    assert_int_equal(at, 10 + gs_adc_latency(a));
    gs_adc_free(a);
    gs_dac_free(d);
  }
  GsAdcConfig c = gs_adc_config_default();
  c.filter_latency = 37.0;
  GsAdc *a = NULL;
  GsError err;
  assert_int_equal(gs_adc_new(&c, &a, &err), GS_OK);
  GS_ASSERT_NEAR(gs_adc_filter_latency(a), 37.0, 0.0);
  gs_adc_free(a);
}

static void expect_adc_error(GsAdcConfig c, const char *message)
{
  GsAdc *a = (GsAdc *)(uintptr_t)1;
  GsError err = {{0}};
  assert_int_equal(gs_adc_new(&c, &a, &err), GS_ERR_RANGE);
  assert_null(a);
  if (!strstr(err.message, message)) {
    print_error("message [%s] does not contain [%s]\n", err.message, message);
    fail();
  }
}

static void test_bad_configs(void **state)
{
  (void)state;
  GsAdcConfig c = gs_adc_config_default();
  c.ref_dbu = 30.0;
  expect_adc_error(c, "ADC reference 30 dBu is out of range (+4 to +24 dBu)");
  c = gs_adc_config_default();
  c.rate_hz = 50000.0;
  expect_adc_error(c, "ADC sample rate 50000 Hz is not supported (44100, 48000, 88200, 96000, "
                      "176400 or 192000 Hz)");
  c = gs_adc_config_default();
  c.bits = 20;
  expect_adc_error(c, "ADC bit depth 20 is not supported (16, 24 or 32 float)");
  c = gs_adc_config_default();
  c.noise_dbfs_a = -60.0;
  expect_adc_error(c, "ADC noise floor -60 dBFS(A) is out of range (-150 to -80 dBFS(A))");
  c = gs_adc_config_default();
  c.noise_dbfs_a = NAN;
  expect_adc_error(c, "out of range");
  c = gs_adc_config_default();
  c.filter_latency = 500.0;
  expect_adc_error(c, "ADC filter latency 500 samples is out of range (0 to 100");

  GsDacConfig d = gs_dac_config_default();
  d.ref_dbu = 2.0;
  GsDac *dac = (GsDac *)(uintptr_t)1;
  GsError err = {{0}};
  assert_int_equal(gs_dac_new(&d, &dac, &err), GS_ERR_RANGE);
  assert_null(dac);
  assert_string_equal(err.message, "DAC reference 2 dBu is out of range (+4 to +24 dBu)");
}

// Bad samples: a NaN is silence, infinity clips; nothing non-finite comes out.
static void test_bad_samples(void **state)
{
  (void)state;
  GsAdc *a = new_adc(18.0, 48000.0, 32);
  float x[256];
  for (int i = 0; i < 256; ++i) {
    x[i] = i % 50 == 3 ? NAN : (i % 70 == 5 ? INFINITY : 0.1f);
  }
  gs_adc_process(a, x, x, 256);
  for (int i = 0; i < 256; ++i) {
    assert_true(isfinite(x[i]));
  }
  gs_adc_free(a);
}

// How long a second of audio takes: quiet (-20 dBFS) and clipping (+6 dBFS).
// Printed, not asserted: timings on a shared machine vary.
static void test_speed(void **state)
{
  (void)state;
  const size_t n = 480000;
  static const double levels[] = {-20.0, 6.0};
  for (int l = 0; l < 2; ++l) {
    GsAdc *a = new_adc(18.0, 48000.0, 24);
    float *x = sine_volts(n, 18.0 + levels[l], 997.0, 48000.0);
    const clock_t t0 = clock();
    for (size_t done = 0; done < n; done += 64) {
      gs_adc_process(a, x + done, x + done, 64);
    }
    const double s = (double)(clock() - t0) / CLOCKS_PER_SEC;
    print_message("ADC at %+.0f dBFS, blocks of 64: %.1f ns per sample (%.0f Msamples/s)\n",
                  levels[l], s * 1e9 / (double)n, (double)n / s / 1e6);
    free(x);
    gs_adc_free(a);
  }
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_reference_level),
    cmocka_unit_test(test_word_length_grid),
    cmocka_unit_test(test_noise_floor),
    cmocka_unit_test(test_clip_count),
    cmocka_unit_test(test_overdrive_does_not_alias),
    cmocka_unit_test(test_round_trip),
    cmocka_unit_test(test_dac_clamps_and_counts),
    cmocka_unit_test(test_latency_figures),
    cmocka_unit_test(test_bad_configs),
    cmocka_unit_test(test_bad_samples),
    cmocka_unit_test(test_speed),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
