// SPDX-License-Identifier: ISC
// Every model's documented figures and character, measured: THD at two levels,
// frequency response, noise, rails, aliasing when driven hard, latency.

#include "check.h"
#include "sine_probe.h"

#include "dsp/weighting.h"
#include "model/tonestack.h"

#include <fftw3.h>
#include <stdio.h>
#include <string.h>

static double ratio_db(double a, double b)
{
  return 20.0 * log10(a / b);
}

static void test_documented_thd(void **state)
{
  (void)state;
  for (size_t m = 0; m < gs_preamp_model_count(); ++m) {
    const GsPreampInfo *info = gs_preamp_model_info(m);
    for (int i = 0; i < 2; ++i) {
      GsPreamp *p = sig_strip(info->name, 0.0, 0);
      const GsSineAnalysis a =
        sig_sine(p, sig_bin(info->thd[i].freq_hz), info->thd[i].level_dbu);
      const double thd = 100.0 * a.thd;
      print_message("%-12s THD at %5.0f Hz %+5.1f dBu: %.5f %% (documented %.5f %%)\n",
                    info->name, info->thd[i].freq_hz, info->thd[i].level_dbu, thd,
                    info->thd[i].thd_percent);
      if (!strcmp(info->name, "clean")) {
        GS_ASSERT_BELOW(thd, 0.001);  // the bound for a transparent preamp
      } else {
        GS_ASSERT_NEAR(ratio_db(thd, info->thd[i].thd_percent), 0.0, 1.0);
      }
      gs_preamp_free(p);
    }
  }
}

static void test_documented_response(void **state)
{
  (void)state;
  static const double freqs[] = {20.0, 50.0, 100.0, 1000.0, 5000.0, 10000.0, 20000.0};
  for (size_t m = 0; m < gs_preamp_model_count(); ++m) {
    const GsPreampInfo *info = gs_preamp_model_info(m);
    GsPreamp *p = sig_strip(info->name, 0.0, 0);
    const size_t k_ref = sig_bin(1000.0);
    const double ref = sig_sine(p, k_ref, -20.0).fundamental;
    for (size_t f = 0; f < sizeof(freqs) / sizeof(freqs[0]); ++f) {
      gs_preamp_reset(p);
      const size_t k = sig_bin(freqs[f]);
      const double db = ratio_db(sig_sine(p, k, -20.0).fundamental, ref);
      // Flat within 0.02 dB from 50 Hz to 10 kHz (docs/models.md); at 20 Hz
      // the coloured models' 2 Hz DC blocker takes 0.04 dB; at the top, the
      // documented roll-off (the transformer's shelf starts below 10 kHz).
      double expect = 0.0, tol = 0.02;
      const bool shelf = info->response_db_20k != 0.0;
      if (freqs[f] == 20.0) {
        expect = strcmp(info->name, "clean") ? -0.043 : 0.0;
      } else if (freqs[f] == 20000.0) {
        expect = info->response_db_20k;
        tol = 0.05;
      } else if (freqs[f] == 10000.0 && shelf) {
        expect = -0.04;
      }
      if (fabs(db - expect) > tol) {
        print_error("%s at %.0f Hz: %+.3f dB, expected %+.3f +- %.2f dB\n", info->name,
                    sig_freq(k), db, expect, tol);
        fail();
      }
    }
    gs_preamp_free(p);
  }
}

// Equivalent input noise: the A-weighted output noise over 22 Hz to 22 kHz,
// referred to the input by the gain.
static void test_documented_noise(void **state)
{
  (void)state;
  const size_t n = 1 << 17;
  float *x = calloc(n, sizeof(float));
  double *buf = fftw_alloc_real(n);
  fftw_complex *spec = fftw_alloc_complex(n / 2 + 1);
  fftw_plan plan = fftw_plan_dft_r2c_1d((int)n, buf, spec, FFTW_ESTIMATE);
  for (size_t m = 0; m < gs_preamp_model_count(); ++m) {
    const GsPreampInfo *info = gs_preamp_model_info(m);
    GsPreampConfig c = gs_preamp_config_default();
    c.model = info->name;
    c.gain_db = 30.0;
    c.noise = true;
    GsPreamp *p = NULL;
    GsError err;
    assert_int_equal(gs_preamp_new(&c, &p, &err), GS_OK);
    memset(x, 0, n * sizeof(float));
    gs_preamp_process(p, x, x, (uint32_t)n);
    for (size_t i = 0; i < n; ++i) {
      buf[i] = x[i];
    }
    fftw_execute(plan);
    double power = 0.0;  // sum of A-weighted bin powers = mean square (Parseval)
    for (size_t b = 1; b < n / 2; ++b) {
      const double f = (double)b * SIG_RATE / (double)n;
      if (f >= 22.0 && f <= 22000.0) {
        const double a = gs_a_weighting(f);
        power += 2.0 * (spec[b][0] * spec[b][0] + spec[b][1] * spec[b][1]) * a * a;
      }
    }
    const double rms = sqrt(power) / (double)n;
    const double ein = gs_volts_to_dbu(rms) - c.gain_db - info->output_gain_db;
    print_message("%-12s EIN %.2f dBu(A) (documented %.1f)\n", info->name, ein, info->ein_dbu_a);
    GS_ASSERT_NEAR(ein, info->ein_dbu_a, 0.5);
    gs_preamp_free(p);
  }
  fftw_destroy_plan(plan);
  fftw_free(buf);
  fftw_free(spec);
  free(x);
}

// Driven 12 dB past the rail, no model's output exceeds its rail.
static void test_rails(void **state)
{
  (void)state;
  for (size_t m = 0; m < gs_preamp_model_count(); ++m) {
    const GsPreampInfo *info = gs_preamp_model_info(m);
    GsPreamp *p = sig_strip(info->name, 0.0, 0);
    const size_t n = 48000;
    float *x = malloc(n * sizeof(float));
    const double amp = gs_fullscale_volts(info->rail_dbu + 12.0);
    for (size_t i = 0; i < n; ++i) {
      x[i] = (float)(amp * sin(2.0 * M_PI * 100.0 * (double)i / SIG_RATE));
    }
    gs_preamp_process(p, x, x, (uint32_t)n);
    double peak = 0.0;
    for (size_t i = 0; i < n; ++i) {
      peak = fmax(peak, fabs(x[i]));
    }
    const double over_db = ratio_db(peak, gs_fullscale_volts(info->rail_dbu));
    print_message("%-12s peak %.2f dB re its rail when driven 12 dB over it\n", info->name,
                  over_db);
    // The oversampling filters may ring a little past a hard clip (Gibbs).
    GS_ASSERT_BELOW(over_db, 0.5);
    if (!info->has_tone) {
      // The mic preamps reach their rail; the instrument preamps' own stage
      // saturates well below it unless the tone controls boost into it.
      GS_ASSERT_ABOVE(over_db, -2.0);
    }
    free(x);
    gs_preamp_free(p);
  }
}

// Driven hard, every model keeps its aliasing down: a 5 kHz sine 12 dB past
// the level where its colouring stage saturates (the rail for the mic
// preamps), at the model's automatic oversampling (8x for clean, whose
// automatic 1x is for linear work), measured as non-harmonic energy in 20 Hz
// to 20 kHz. For scale: tanh at 18 dB of overdrive with ADAA at 4x is -88 dBc.
static void test_aliasing_driven_hard(void **state)
{
  (void)state;
  const size_t k = sig_bin(5000.0);
  bool ok = true;
  for (size_t m = 0; m < gs_preamp_model_count(); ++m) {
    const GsPreampInfo *info = gs_preamp_model_info(m);
    const bool clean = !strcmp(info->name, "clean");
    GsPreamp *p = sig_strip(info->name, 0.0, clean ? 8 : 0);
    const double level = info->drive_dbu + 12.0;
    const GsSineAnalysis a = sig_sine(p, k, level);
    const double dbc = gs_power_ratio_db(a.aliasing);
    print_message("%-12s aliasing at %ux, %+.0f dBu in: %.1f dBc (THD %.1f %%)\n", info->name,
                  gs_preamp_oversample(p), level, dbc, 100.0 * a.thd);
    if (!(dbc < -85.0)) {
      print_error("%s: aliasing %.1f dBc, expected below -85 dBc\n", info->name, dbc);
      ok = false;
    }
    gs_preamp_free(p);
  }
  assert_true(ok);
}

// The reported latency is the delay a 1 kHz sine sees (low enough that the
// oversampling filters' delay is its low-frequency value, high enough that
// the coloured models' 2 Hz DC blocker shifts the phase by only 0.015
// samples).
static void test_latency(void **state)
{
  (void)state;
  static const unsigned factors[] = {1, 2, 4, 8};
  const size_t k = sig_bin(1000.0);
  for (size_t m = 0; m < gs_preamp_model_count(); ++m) {
    const GsPreampInfo *info = gs_preamp_model_info(m);
    for (size_t f = 0; f < 4; ++f) {
      GsPreamp *p = sig_strip(info->name, 0.0, factors[f]);
      const size_t total = SIG_SETTLE + SIG_N;
      float *x = malloc(total * sizeof(float));
      const double amp = gs_dbu_to_volts(-20.0);
      for (size_t i = 0; i < total; ++i) {
        x[i] = (float)(amp * sin(2.0 * M_PI * (double)k * (double)i / SIG_N));
      }
      double a_in, ph_in, a_out, ph_out;
      gs_analysis_bin(x + SIG_SETTLE, SIG_N, k, &a_in, &ph_in);
      gs_preamp_process(p, x, x, (uint32_t)total);
      gs_analysis_bin(x + SIG_SETTLE, SIG_N, k, &a_out, &ph_out);
      double dph = ph_in - ph_out;
      while (dph < -M_PI) {
        dph += 2.0 * M_PI;
      }
      const double delay = dph / (2.0 * M_PI * (double)k / SIG_N);
      const double reported = gs_preamp_latency(p);
      if (fabs(delay - reported) > 0.05) {
        print_error("%s at %ux: measured delay %.3f samples, reported %.3f\n", info->name,
                    factors[f], delay, reported);
        fail();
      }
      if (factors[f] == 4) {
        // The 4x halfbands add 4.8 samples at 48 kHz; ADAA (half a sample
        // per shaper, two in the instrument models) and its droop equaliser
        // (one sample), all at 4x, add 0.375 or 0.5.
        GS_ASSERT_BELOW(reported, 5.35);
      }
      free(x);
      gs_preamp_free(p);
    }
  }
}

static void test_transformer_character(void **state)
{
  (void)state;
  // Odd harmonics, rising towards low frequencies and with level.
  GsPreamp *p = sig_strip("transformer", 0.0, 0);
  const GsSineAnalysis low_hot = sig_sine(p, sig_bin(40.0), 20.0);
  gs_preamp_reset(p);
  const GsSineAnalysis mid_hot = sig_sine(p, sig_bin(1000.0), 20.0);
  gs_preamp_reset(p);
  const GsSineAnalysis low_mild = sig_sine(p, sig_bin(40.0), 4.0);
  print_message("transformer THD: 40 Hz +20 dBu %.4f %%, 1 kHz +20 dBu %.4f %%, 40 Hz +4 dBu "
                "%.5f %%; H3/H2 at 40 Hz %.1f dB\n",
                100 * low_hot.thd, 100 * mid_hot.thd, 100 * low_mild.thd,
                ratio_db(low_hot.harmonic[3], low_hot.harmonic[2]));
  GS_ASSERT_ABOVE(ratio_db(low_hot.thd, mid_hot.thd), 20.0);
  GS_ASSERT_ABOVE(ratio_db(low_hot.thd, low_mild.thd), 20.0);
  GS_ASSERT_ABOVE(ratio_db(low_hot.harmonic[3], low_hot.harmonic[2]), 20.0);
  gs_preamp_free(p);
}

static void test_tube_character(void **state)
{
  (void)state;
  // Mostly second harmonic at moderate level; soft compression when driven.
  GsPreamp *p = sig_strip("tube", 0.0, 0);
  const size_t k = sig_bin(1000.0);
  const GsSineAnalysis quiet = sig_sine(p, k, -10.0);
  const GsSineAnalysis moderate = sig_sine(p, k, 4.0);
  const GsSineAnalysis hot = sig_sine(p, k, 24.0);
  const double gain_quiet = sig_dbu(quiet.fundamental) + 10.0;
  const double gain_hot = sig_dbu(hot.fundamental) - 24.0;
  print_message("tube: H2/H3 at +4 dBu %.1f dB; gain at -10 dBu %+.2f dB, at +24 dBu %+.2f dB\n",
                ratio_db(moderate.harmonic[2], moderate.harmonic[3]), gain_quiet, gain_hot);
  GS_ASSERT_ABOVE(ratio_db(moderate.harmonic[2], moderate.harmonic[3]), 10.0);
  GS_ASSERT_ABOVE(gain_quiet - gain_hot, 0.5);
  GS_ASSERT_NEAR(gain_quiet, 0.0, 0.1);
  gs_preamp_free(p);
}

static void test_console_character(void **state)
{
  (void)state;
  // Low-order odd harmonics growing with level; a hard knee at the rail.
  GsPreamp *p = sig_strip("console", 0.0, 0);
  const size_t k = sig_bin(1000.0);
  const GsSineAnalysis hot = sig_sine(p, k, 20.0);
  print_message("console at +20 dBu: H3 %.1f dB above H2, H3 %.1f dB above H5\n",
                ratio_db(hot.harmonic[3], hot.harmonic[2]),
                ratio_db(hot.harmonic[3], hot.harmonic[5]));
  GS_ASSERT_ABOVE(ratio_db(hot.harmonic[3], hot.harmonic[2]), 20.0);
  GS_ASSERT_ABOVE(ratio_db(hot.harmonic[3], hot.harmonic[5]), 20.0);
  // 1 dB below the rail the curve is still nearly linear (a hard knee, not a
  // soft one): the fundamental is within 0.5 dB of linear.
  const GsSineAnalysis near_rail = sig_sine(p, k, 25.0);
  GS_ASSERT_NEAR(sig_dbu(near_rail.fundamental), 25.0, 0.5);
  gs_preamp_free(p);
}

static void test_instrument_character(void **state)
{
  (void)state;
  // The guitar preamp breaks up earlier than the bass one and offers more gain.
  const size_t k = sig_bin(1000.0);
  GsPreamp *bass = sig_strip("bass", 0.0, 0);
  GsPreamp *guitar = sig_strip("guitar", 0.0, 0);
  const double thd_bass = sig_sine(bass, k, -10.0).thd;
  const double thd_guitar = sig_sine(guitar, k, -10.0).thd;
  print_message("THD at -10 dBu: bass %.3f %%, guitar %.3f %%\n", 100 * thd_bass,
                100 * thd_guitar);
  GS_ASSERT_ABOVE(ratio_db(thd_guitar, thd_bass), 6.0);
  GS_ASSERT_ABOVE(gs_preamp_model_find("guitar")->gain_max_db,
                  gs_preamp_model_find("bass")->gain_max_db);
  gs_preamp_free(bass);
  gs_preamp_free(guitar);
}

// The tone controls do what their analytic response says, at a level where
// the stage is linear.
static void test_tone_controls(void **state)
{
  (void)state;
  static const char *const names[] = {"bass", "guitar"};
  for (int n = 0; n < 2; ++n) {
    const GsPreampInfo *info = gs_preamp_model_find(names[n]);
    GsPreampConfig c = gs_preamp_config_default();
    c.model = names[n];
    c.bass_db = 10.0;
    c.mid_db = -6.0;
    c.treble_db = 8.0;
    GsPreamp *p = NULL;
    GsError err;
    assert_int_equal(gs_preamp_new(&c, &p, &err), GS_OK);
    GsPreamp *flat = sig_strip(names[n], 0.0, 0);
    const double os_rate = SIG_RATE * gs_preamp_oversample(p);
    GsToneStack ts;
    const double freq[3] = {info->bass_hz, info->mid_hz, info->treble_hz};
    const double gain[3] = {c.bass_db, c.mid_db, c.treble_db};
    gs_tonestack_init(&ts, os_rate, freq, gain);
    static const double probe[] = {30.0, 100.0, 500.0, 800.0, 3000.0, 8000.0};
    for (size_t i = 0; i < sizeof(probe) / sizeof(probe[0]); ++i) {
      const size_t k = sig_bin(probe[i]);
      gs_preamp_reset(p);
      gs_preamp_reset(flat);
      const double db =
        ratio_db(sig_sine(p, k, -40.0).fundamental, sig_sine(flat, k, -40.0).fundamental);
      const double expect = gs_tonestack_magnitude_db(&ts, os_rate, sig_freq(k));
      if (fabs(db - expect) > 0.05) {
        print_error("%s tone at %.0f Hz: %+.3f dB, analytic %+.3f dB\n", names[n], sig_freq(k),
                    db, expect);
        fail();
      }
    }
    gs_preamp_free(p);
    gs_preamp_free(flat);
  }
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_documented_thd),
    cmocka_unit_test(test_documented_response),
    cmocka_unit_test(test_documented_noise),
    cmocka_unit_test(test_rails),
    cmocka_unit_test(test_aliasing_driven_hard),
    cmocka_unit_test(test_latency),
    cmocka_unit_test(test_transformer_character),
    cmocka_unit_test(test_tube_character),
    cmocka_unit_test(test_console_character),
    cmocka_unit_test(test_instrument_character),
    cmocka_unit_test(test_tone_controls),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
