// SPDX-License-Identifier: ISC
// Oversampler: design, round-trip delay and gain, flatness, image and alias
// rejection, and agreement of the CPU variants.

#include "check.h"

#include "dsp/analysis.h"
#include "dsp/oversample.h"
#include "dsp/oversample8.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef M_PI  // XSI, not ISO C
#  define M_PI 3.14159265358979323846
#endif

// Samples run before the analysed block, so the filters' transients are gone
// (the slowest pole, a = 0.92 in z^-2, decays 120 dB in a few hundred samples).
#define SETTLE 4096

static float *alloc_floats(size_t n)
{
  float *p = calloc(n, sizeof(float));
  assert_non_null(p);
  return p;
}

// amp * sin(2 pi k t / n_fft) for t in [0, len)
static void make_sine(float *x, size_t len, double amp, size_t k, size_t n_fft)
{
  for (size_t t = 0; t < len; ++t) {
    x[t] = (float)(amp * sin(2.0 * M_PI * (double)((k * t) % n_fft) / (double)n_fft));
  }
}

static void test_factor_validation(void **state)
{
  (void)state;
  GsOversampler os;
  assert_int_equal(gs_oversampler_init(&os, 3, 48000.0), GS_ERR_RANGE);
  assert_int_equal(gs_oversampler_init(&os, 0, 48000.0), GS_ERR_RANGE);
  assert_int_equal(gs_oversampler_init(&os, 16, 48000.0), GS_ERR_RANGE);
  assert_int_equal(gs_oversampler_init(&os, 4, 0.0), GS_ERR_RANGE);
  assert_int_equal(gs_oversampler_init(&os, 4, NAN), GS_ERR_RANGE);
  assert_int_equal(gs_oversampler_init(&os, 4, -48000.0), GS_ERR_RANGE);
  const unsigned ok[] = {1, 2, 4, 8};
  for (unsigned i = 0; i < 4; ++i) {
    assert_int_equal(gs_oversampler_init(&os, ok[i], 48000.0), GS_OK);
    assert_int_equal(os.factor, ok[i]);
  }
  GsHalfband hb;
  assert_int_equal(gs_halfband_design(&hb, 0, 0.2), GS_ERR_RANGE);
  assert_int_equal(gs_halfband_design(&hb, GS_HALFBAND_MAX_COEFS + 1, 0.2), GS_ERR_RANGE);
  assert_int_equal(gs_halfband_design(&hb, 8, 0.25), GS_ERR_RANGE);
  assert_int_equal(gs_halfband_design(&hb, 8, 0.0), GS_ERR_RANGE);
}

static void test_factor_one_copies(void **state)
{
  (void)state;
  GsOversampler os;
  assert_int_equal(gs_oversampler_init(&os, 1, 48000.0), GS_OK);
  float in[64], mid[64], out[64];
  for (unsigned i = 0; i < 64; ++i) {
    in[i] = (float)i * 0.25f - 3.0f;
  }
  gs_oversampler_up(&os, in, mid, 64);
  gs_oversampler_down(&os, mid, out, 64);
  assert_memory_equal(in, out, sizeof(in));
  assert_true(gs_oversampler_latency(&os) == 0.0);
}

// The design at 48 kHz: 8 and 4 allpass coefficients, each IIR stage >= 120 dB,
// and the analytic response of the designed coefficients agrees with the
// closed form: stopband peak at -atten_db, passband flat. The 8x stage is a
// FIR halfband of 6 pairs, the fewest that reach 120 dB.
static void test_design(void **state)
{
  (void)state;
  GsOversampler os;
  assert_int_equal(gs_oversampler_init(&os, 8, 48000.0), GS_OK);
  const unsigned expect[2] = {8, 4};
  for (unsigned s = 0; s < 2; ++s) {
    const GsHalfband *hb = &os.stage[s];
    print_message("stage %u: %u coefficients, pass edge %.4f, rejection %.1f dB, delay %.3f\n", s,
                  hb->n_coefs, hb->pass_edge, hb->atten_db, hb->delay);
    assert_int_equal(hb->n_coefs, expect[s]);
    GS_ASSERT_ABOVE(hb->atten_db, GS_OVERSAMPLE_REJECTION_DB);
    // One coefficient fewer would not do.
    GS_ASSERT_BELOW(gs_halfband_rejection_db(hb->n_coefs - 1, hb->pass_edge),
                    GS_OVERSAMPLE_REJECTION_DB);
    double stop_peak = -400.0, pass_dev = 0.0;
    for (unsigned i = 0; i <= 4000; ++i) {
      const double f_stop = 0.5 - hb->pass_edge + (hb->pass_edge * i) / 4000.0;
      const double f_pass = (hb->pass_edge * i) / 4000.0;
      stop_peak = fmax(stop_peak, gs_halfband_magnitude_db(hb, f_stop));
      pass_dev = fmax(pass_dev, fabs(gs_halfband_magnitude_db(hb, f_pass)));
    }
    GS_ASSERT_NEAR(stop_peak, -hb->atten_db, 0.1);
    GS_ASSERT_BELOW(pass_dev, 1e-6);
  }
  const GsFirHalfband *fb = &os.fir;
  print_message("stage 2: FIR, %u pairs (%u taps), pass edge %.4f, rejection %.1f dB\n",
                fb->n_pairs, 4 * fb->n_pairs - 1, fb->pass_edge, fb->atten_db);
  assert_int_equal(fb->n_pairs, 6);
  GS_ASSERT_NEAR(fb->pass_edge, 20000.0 / 384000.0, 1e-12);
  GS_ASSERT_ABOVE(fb->atten_db, GS_OVERSAMPLE_REJECTION_DB);
  GsFirHalfband fewer;
  assert_int_equal(gs_fir_halfband_design(&fewer, fb->n_pairs - 1, fb->pass_edge), GS_OK);
  GS_ASSERT_BELOW(fewer.atten_db, GS_OVERSAMPLE_REJECTION_DB);
  // The response from the taps themselves, summed as a DTFT: DC gain 1, the
  // passband within its ripple (a halfband's passband and stopband ripples
  // are equal), 1/2 at a quarter of the rate, and the stopband at least as
  // deep as the design says.
  double taps[4 * GS_FIR_HALFBAND_MAX_PAIRS];
  const unsigned centre = 2 * fb->n_pairs - 1;
  memset(taps, 0, sizeof(taps));
  taps[centre] = 0.5;
  for (unsigned k = 1; k <= fb->n_pairs; ++k) {
    taps[centre + 2 * k - 1] = taps[centre - (2 * k - 1)] = fb->coef[k - 1];
  }
  double ripple = 0.0, stop = 0.0;
  for (unsigned i = 0; i <= 4000; ++i) {
    const double f_pass = fb->pass_edge * i / 4000.0;
    const double f_stop = 0.5 - fb->pass_edge + fb->pass_edge * i / 4000.0;
    double re_p = 0, im_p = 0, re_s = 0, im_s = 0;
    for (unsigned j = 0; j <= 2 * centre; ++j) {
      re_p += taps[j] * cos(2.0 * M_PI * f_pass * j);
      im_p -= taps[j] * sin(2.0 * M_PI * f_pass * j);
      re_s += taps[j] * cos(2.0 * M_PI * f_stop * j);
      im_s -= taps[j] * sin(2.0 * M_PI * f_stop * j);
    }
    ripple = fmax(ripple, fabs(hypot(re_p, im_p) - 1.0));
    stop = fmax(stop, hypot(re_s, im_s));
  }
  GS_ASSERT_NEAR(20.0 * log10(stop), -fb->atten_db, 0.01);
  GS_ASSERT_BELOW(ripple, 1.2 * stop);
  GS_ASSERT_NEAR(gs_fir_halfband_magnitude_db(fb, 0.25), 20.0 * log10(0.5), 1e-12);
  assert_int_equal(gs_fir_halfband_design(&fewer, 0, 0.05), GS_ERR_RANGE);
  assert_int_equal(gs_fir_halfband_design(&fewer, GS_FIR_HALFBAND_MAX_PAIRS + 1, 0.05),
                   GS_ERR_RANGE);
  assert_int_equal(gs_fir_halfband_design(&fewer, 4, 0.25), GS_ERR_RANGE);
  // 20 kHz at 48 kHz is 0.2083 of 96 kHz; at 96 kHz the first stage is wide.
  GS_ASSERT_NEAR(os.stage[0].pass_edge, 20000.0 / 96000.0, 1e-12);
  assert_int_equal(gs_oversampler_init(&os, 8, 96000.0), GS_OK);
  assert_int_equal(os.stage[0].n_coefs, 4);
  assert_int_equal(os.fir.n_pairs, 5);
  // 44.1 kHz protects 0.4167 of its rate (18.4 kHz): the same shape as 48 kHz.
  assert_int_equal(gs_oversampler_init(&os, 2, 44100.0), GS_OK);
  GS_ASSERT_NEAR(os.band_hz, 44100.0 * 20000.0 / 48000.0, 1e-6);
  assert_int_equal(os.stage[0].n_coefs, 8);
}

// Runs len base-rate samples through up then down.
static void round_trip(GsOversampler *os, const float *in, float *out, size_t len)
{
  float *mid = alloc_floats(len * os->factor);
  gs_oversampler_up(os, in, mid, (uint32_t)len);
  gs_oversampler_down(os, mid, out, (uint32_t)len);
  free(mid);
}

// Gain in dB and delay in samples of a sine on bin k through up + down.
static void measure_round_trip(unsigned factor, double rate_hz, size_t n, size_t k,
                               double *gain_db, double *delay)
{
  GsOversampler os;
  assert_int_equal(gs_oversampler_init(&os, factor, rate_hz), GS_OK);
  const size_t len = SETTLE + n;
  float *in = alloc_floats(len);
  float *out = alloc_floats(len);
  make_sine(in, len, 0.5, k, n);
  round_trip(&os, in, out, len);
  double a_in, p_in, a_out, p_out;
  assert_int_equal(gs_analysis_bin(in + SETTLE, n, k, &a_in, &p_in), GS_OK);
  assert_int_equal(gs_analysis_bin(out + SETTLE, n, k, &a_out, &p_out), GS_OK);
  *gain_db = 20.0 * log10(a_out / a_in);
  double lag = p_in - p_out;  // radians of bin k
  lag = fmod(lag, 2.0 * M_PI);
  if (lag < 0) {
    lag += 2.0 * M_PI;
  }
  *delay = lag * (double)n / (2.0 * M_PI * (double)k);
  free(in);
  free(out);
}

// A 1 kHz sine comes back after up + down with the reported latency (within
// 0.05 samples) and its amplitude (within 0.01 dB), at 44.1, 48 and 96 kHz.
static void test_round_trip_delay_and_gain(void **state)
{
  (void)state;
  const double rates[] = {44100.0, 48000.0, 96000.0};
  const unsigned factors[] = {2, 4, 8};
  const size_t n = 16384;
  for (unsigned r = 0; r < 3; ++r) {
    for (unsigned f = 0; f < 3; ++f) {
      GsOversampler os;
      assert_int_equal(gs_oversampler_init(&os, factors[f], rates[r]), GS_OK);
      const double latency = gs_oversampler_latency(&os);
      const size_t k = gs_analysis_coprime_bin(n, rates[r], 1000.0);
      double gain_db, delay;
      measure_round_trip(factors[f], rates[r], n, k, &gain_db, &delay);
      print_message("%6.0f Hz %ux: latency %.4f, measured delay %.4f, gain %.5f dB\n", rates[r],
                    factors[f], latency, delay, gain_db);
      GS_ASSERT_NEAR(delay, latency, 0.05);
      GS_ASSERT_NEAR(gain_db, 0.0, 0.01);
    }
  }
}

// At 48 kHz, 4x adds at most 5 base-rate samples of latency (its stages are
// IIR), and 8x, whose last stage is a FIR, at most 8.
static void test_latency_budget(void **state)
{
  (void)state;
  GsOversampler os;
  assert_int_equal(gs_oversampler_init(&os, 8, 48000.0), GS_OK);
  GS_ASSERT_BELOW(gs_oversampler_latency(&os), 8.0);
  assert_int_equal(gs_oversampler_init(&os, 4, 48000.0), GS_OK);
  GS_ASSERT_BELOW(gs_oversampler_latency(&os), 5.0);
  assert_int_equal(gs_oversampler_init(&os, 2, 48000.0), GS_OK);
  GS_ASSERT_BELOW(gs_oversampler_latency(&os), 4.0);
}

// Up + down is flat from 20 Hz to 20 kHz within 0.1 dB for 2x, 4x and 8x
// (at 44.1 kHz up to its protected band, 18.4 kHz).
static void test_passband_flat(void **state)
{
  (void)state;
  const double rates[] = {48000.0, 44100.0, 96000.0};
  const double freqs[] = {20.0, 100.0, 1000.0, 5000.0, 10000.0, 15000.0, 18000.0, 19000.0, 19900.0};
  const unsigned factors[] = {2, 4, 8};
  const size_t n = 65536;
  for (unsigned r = 0; r < 3; ++r) {
    for (unsigned f = 0; f < 3; ++f) {
      double worst = 0.0;
      for (unsigned i = 0; i < sizeof(freqs) / sizeof(freqs[0]); ++i) {
        const double freq = fmin(freqs[i], rates[r] * 20000.0 / 48000.0 - 10.0);
        const size_t k = gs_analysis_coprime_bin(n, rates[r], freq);
        double gain_db, delay;
        measure_round_trip(factors[f], rates[r], n, k, &gain_db, &delay);
        worst = fmax(worst, fabs(gain_db));
        GS_ASSERT_NEAR(gain_db, 0.0, 0.1);
      }
      print_message("%6.0f Hz %ux: largest deviation 20 Hz-20 kHz %.2e dB\n", rates[r], factors[f],
                    worst);
    }
  }
}

// A 15 kHz sine at 48 kHz upsampled 4x: everything but the sine (images at
// 33, 63 and 81 kHz, residue) is more than 120 dB down. Also 2x and 8x, and
// at 44.1 kHz and 96 kHz with a tone near the top of the band.
static void test_image_rejection(void **state)
{
  (void)state;
  const struct {
    double rate_hz, freq_hz;
    unsigned factor;
  } cases[] = {
    {48000.0, 15000.0, 4}, {48000.0, 19500.0, 2}, {48000.0, 15000.0, 8},
    {44100.0, 18000.0, 4}, {96000.0, 19500.0, 4}, {48000.0, 1000.0, 8},
  };
  const size_t n = 16384;
  for (unsigned c = 0; c < sizeof(cases) / sizeof(cases[0]); ++c) {
    GsOversampler os;
    assert_int_equal(gs_oversampler_init(&os, cases[c].factor, cases[c].rate_hz), GS_OK);
    const size_t len = SETTLE + n;
    const size_t k = gs_analysis_coprime_bin(n, cases[c].rate_hz, cases[c].freq_hz);
    float *in = alloc_floats(len);
    float *up = alloc_floats(len * cases[c].factor);
    make_sine(in, len, 0.9, k, n);
    gs_oversampler_up(&os, in, up, (uint32_t)len);
    // At the high rate the same bin is the same frequency over factor * n.
    const double high_rate = cases[c].rate_hz * cases[c].factor;
    GsSineAnalysis a;
    assert_int_equal(gs_analysis_sine(up + SETTLE * cases[c].factor, n * cases[c].factor, k,
                                      high_rate, 1.0, high_rate / 2.0, &a),
                     GS_OK);
    const double rest_db = gs_power_ratio_db(a.thd_n * a.thd_n);
    print_message("%6.0f Hz %ux, %5.0f Hz tone: images and residue %.1f dB, tone %.6f\n",
                  cases[c].rate_hz, cases[c].factor, cases[c].freq_hz, rest_db, a.fundamental);
    GS_ASSERT_BELOW(rest_db, -120.0);
    GS_ASSERT_NEAR(20.0 * log10(a.fundamental / 0.9), 0.0, 0.01);
    free(in);
    free(up);
  }
}

// Tones above the protected band at the high rate, fed to down, leave less
// than -120 dB where they fold into 0-20 kHz (30 kHz at 192 kHz folds to
// 18 kHz at 48 kHz).
static void test_alias_rejection(void **state)
{
  (void)state;
  const double rate = 48000.0;
  const unsigned factors[] = {2, 4, 8};
  const size_t n = 16384;  // base-rate block
  for (unsigned f = 0; f < 3; ++f) {
    const unsigned factor = factors[f];
    const double high_rate = rate * factor;
    double worst = -400.0;
    for (double freq = 28000.0; freq < high_rate / 2.0; freq += 1750.0) {
      // The tone on bin kh of the high-rate block of factor * n samples.
      const size_t nh = n * factor;
      const size_t kh = gs_analysis_coprime_bin(nh, high_rate, freq);
      // Where it folds at the base rate, as a bin of n.
      size_t fold = kh % n;
      if (fold > n / 2) {
        fold = n - fold;
      }
      if ((double)fold * rate / (double)n > 20000.0) {
        continue;  // folds above the protected band: allowed
      }
      GsOversampler os;
      assert_int_equal(gs_oversampler_init(&os, factor, rate), GS_OK);
      const size_t len = SETTLE + n;
      float *in = alloc_floats(len * factor);
      float *out = alloc_floats(len);
      make_sine(in, len * factor, 1.0, kh, nh);
      gs_oversampler_down(&os, in, out, (uint32_t)len);
      double amp, phase;
      assert_int_equal(gs_analysis_bin(out + SETTLE, n, fold, &amp, &phase), GS_OK);
      const double db = 20.0 * log10(amp + 1e-30);
      worst = fmax(worst, db);
      if (!(db < -120.0)) {
        print_error("%ux: %.0f Hz folds to %.0f Hz at %.1f dB\n", factor,
                    (double)kh * high_rate / (double)nh, (double)fold * rate / (double)n, db);
      }
      GS_ASSERT_BELOW(db, -120.0);
      free(in);
      free(out);
    }
    print_message("%ux at 48 kHz: worst alias into 0-20 kHz %.1f dB\n", factor, worst);
  }
}

// xorshift32, for reproducible noise.
static float noise(uint32_t *s)
{
  *s ^= *s << 13;
  *s ^= *s >> 17;
  *s ^= *s << 5;
  return (float)((double)*s / 4294967296.0 * 2.0 - 1.0);
}

// Processing in blocks of any length gives the same samples as one call, and
// reset returns to the initial state.
static void test_blocks_and_reset(void **state)
{
  (void)state;
  const uint32_t len = 3000;
  const unsigned factor = 8;
  float *in = alloc_floats(len);
  float *up_one = alloc_floats(len * factor), *up_blocks = alloc_floats(len * factor);
  float *down_one = alloc_floats(len), *down_blocks = alloc_floats(len);
  uint32_t seed = 12345;
  for (uint32_t i = 0; i < len; ++i) {
    in[i] = noise(&seed);
  }
  GsOversampler a, b;
  assert_int_equal(gs_oversampler_init(&a, factor, 48000.0), GS_OK);
  assert_int_equal(gs_oversampler_init(&b, factor, 48000.0), GS_OK);
  gs_oversampler_up(&a, in, up_one, len);
  gs_oversampler_down(&a, up_one, down_one, len);
  uint32_t pos = 0, block = 1;
  while (pos < len) {
    const uint32_t m = block < len - pos ? block : len - pos;
    gs_oversampler_up(&b, in + pos, up_blocks + pos * factor, m);
    gs_oversampler_down(&b, up_blocks + pos * factor, down_blocks + pos, m);
    pos += m;
    block = block * 3 % 517 + 1;
  }
  assert_memory_equal(up_one, up_blocks, len * factor * sizeof(float));
  assert_memory_equal(down_one, down_blocks, len * sizeof(float));
  gs_oversampler_reset(&b);
  gs_oversampler_up(&b, in, up_blocks, len);
  gs_oversampler_down(&b, up_blocks, down_blocks, len);
  assert_memory_equal(down_one, down_blocks, len * sizeof(float));
  free(in);
  free(up_one);
  free(up_blocks);
  free(down_one);
  free(down_blocks);
}

// At 8x the down path in two parts (the FIR to 4x, then the IIR stages)
// gives the samples of the whole path bit for bit, in mono and in 8 lanes,
// in blocks of any length.
static void test_down_in_two_parts(void **state)
{
  (void)state;
  const uint32_t len = 1500;
  float *in = alloc_floats(len * 8 * GS_LANES), *half = alloc_floats(len * 4 * GS_LANES);
  float *whole = alloc_floats(len * GS_LANES), *parts = alloc_floats(len * GS_LANES);
  uint32_t seed = 31337;
  for (uint32_t i = 0; i < len * 8 * GS_LANES; ++i) {
    in[i] = noise(&seed);
  }
  GsOversampler a, b;
  assert_int_equal(gs_oversampler_init(&a, 8, 48000.0), GS_OK);
  assert_int_equal(gs_oversampler_init(&b, 8, 48000.0), GS_OK);
  gs_oversampler_down(&a, in, whole, len);
  for (uint32_t pos = 0, block = 1; pos < len; pos += block, block = block * 5 % 389 + 1) {
    const uint32_t m = block < len - pos ? block : len - pos;
    gs_oversampler_down_to_half(&b, in + 8 * pos, half, m);
    gs_oversampler_down_from_half(&b, half, parts + pos, m);
  }
  assert_memory_equal(whole, parts, len * sizeof(float));
  for (int v = 0; v < GS_LANES_N_VARIANTS; ++v) {
    GsOversampler8 a8, b8;
    assert_int_equal(gs_oversampler8_init(&a8, 8, 48000.0), GS_OK);
    assert_int_equal(gs_oversampler8_init(&b8, 8, 48000.0), GS_OK);
    if (gs_oversampler8_set_variant(&a8, (GsLanesVariant)v) != GS_OK) {
      continue;
    }
    assert_int_equal(gs_oversampler8_set_variant(&b8, (GsLanesVariant)v), GS_OK);
    gs_oversampler8_down(&a8, in, whole, len);
    for (uint32_t pos = 0, block = 1; pos < len; pos += block, block = block * 5 % 389 + 1) {
      const uint32_t m = block < len - pos ? block : len - pos;
      gs_oversampler8_down_to_half(&b8, in + 8 * GS_LANES * pos, half, m);
      gs_oversampler8_down_from_half(&b8, half, parts + GS_LANES * pos, m);
    }
    assert_memory_equal(whole, parts, len * GS_LANES * sizeof(float));
  }
  free(in);
  free(half);
  free(whole);
  free(parts);
}

// Every variant this CPU runs agrees with the portable one on fixed-seed
// noise within 1e-6 (they differ only in the rounding of fused multiply-adds).
static void test_variants_agree(void **state)
{
  (void)state;
  assert_true(gs_oversample_variant_supported(GS_OVERSAMPLE_C));
  const uint32_t len = 4096;
  const double rates[] = {48000.0, 96000.0, 192000.0, 64000.0};
  for (int v = 0; v < GS_OVERSAMPLE_N_VARIANTS; ++v) {
    if (!gs_oversample_variant_supported((GsOversampleVariant)v)) {
      print_message("variant %s: not supported here\n",
                    gs_oversample_variant_name((GsOversampleVariant)v));
      continue;
    }
    double worst = 0.0;
    for (unsigned r = 0; r < 4; ++r) {
      for (unsigned factor = 1; factor <= 8; factor *= 2) {
        float *in = alloc_floats(len);
        float *up_ref = alloc_floats(len * factor), *up_v = alloc_floats(len * factor);
        float *down_ref = alloc_floats(len), *down_v = alloc_floats(len);
        uint32_t seed = 777;
        for (uint32_t i = 0; i < len; ++i) {
          in[i] = noise(&seed);
        }
        GsOversampler ref, var;
        assert_int_equal(gs_oversampler_init(&ref, factor, rates[r]), GS_OK);
        assert_int_equal(gs_oversampler_init(&var, factor, rates[r]), GS_OK);
        assert_int_equal(gs_oversampler_set_variant(&ref, GS_OVERSAMPLE_C), GS_OK);
        assert_int_equal(gs_oversampler_set_variant(&var, (GsOversampleVariant)v), GS_OK);
        gs_oversampler_up(&ref, in, up_ref, len);
        gs_oversampler_up(&var, in, up_v, len);
        gs_oversampler_down(&ref, up_ref, down_ref, len);
        gs_oversampler_down(&var, up_ref, down_v, len);
        for (uint32_t i = 0; i < len * factor; ++i) {
          worst = fmax(worst, fabs((double)up_ref[i] - (double)up_v[i]));
        }
        for (uint32_t i = 0; i < len; ++i) {
          worst = fmax(worst, fabs((double)down_ref[i] - (double)down_v[i]));
        }
        free(in);
        free(up_ref);
        free(up_v);
        free(down_ref);
        free(down_v);
      }
    }
    print_message("variant %s: largest difference from c %.3g\n",
                  gs_oversample_variant_name((GsOversampleVariant)v), worst);
    GS_ASSERT_BELOW(worst, 1e-6);
  }
  GsOversampler os;
  assert_int_equal(gs_oversampler_init(&os, 2, 48000.0), GS_OK);
  assert_int_equal(gs_oversampler_set_variant(&os, GS_OVERSAMPLE_N_VARIANTS), GS_ERR_RANGE);
}

// Every variant of the 8-channel oversampler (float state) agrees with the
// mono one (double state) on 8 different fixed-seed noise channels, within
// 2e-6 of full scale, and the variants agree with each other bit for bit.
static void test_oversampler8_matches_mono(void **state)
{
  (void)state;
  const uint32_t len = 2048;
  const double rates[] = {48000.0, 96000.0, 64000.0};
  for (unsigned r = 0; r < 3; ++r) {
    for (unsigned factor = 1; factor <= 8; factor *= 2) {
      float *in8 = alloc_floats(len * GS_LANES);
      float *up8 = alloc_floats(len * factor * GS_LANES);
      float *down8 = alloc_floats(len * GS_LANES);
      float *first = alloc_floats(len * GS_LANES);
      float *in = alloc_floats(len), *up = alloc_floats(len * factor), *down = alloc_floats(len);
      uint32_t seed = 4242;
      for (uint32_t i = 0; i < len * GS_LANES; ++i) {
        in8[i] = noise(&seed) * (float)(1 + i % GS_LANES) / GS_LANES;
      }
      bool have_first = false;
      for (int v = 0; v < GS_LANES_N_VARIANTS; ++v) {
        GsOversampler8 os8;
        assert_int_equal(gs_oversampler8_init(&os8, factor, rates[r]), GS_OK);
        if (gs_oversampler8_set_variant(&os8, (GsLanesVariant)v) != GS_OK) {
          continue;
        }
        gs_oversampler8_up(&os8, in8, up8, len);
        gs_oversampler8_down(&os8, up8, down8, len);
        double worst = 0.0;
        for (unsigned l = 0; l < GS_LANES; ++l) {
          GsOversampler os;
          assert_int_equal(gs_oversampler_init(&os, factor, rates[r]), GS_OK);
          GS_ASSERT_NEAR(gs_oversampler8_latency(&os8), gs_oversampler_latency(&os), 0.0);
          for (uint32_t i = 0; i < len; ++i) {
            in[i] = in8[i * GS_LANES + l];
          }
          gs_oversampler_up(&os, in, up, len);
          gs_oversampler_down(&os, up, down, len);
          for (uint32_t i = 0; i < len * factor; ++i) {
            worst = fmax(worst, fabs((double)up[i] - (double)up8[i * GS_LANES + l]));
          }
          for (uint32_t i = 0; i < len; ++i) {
            worst = fmax(worst, fabs((double)down[i] - (double)down8[i * GS_LANES + l]));
          }
        }
        print_message("8 lanes (%s), %6.0f Hz %ux: largest difference from mono %.2e\n",
                      gs_lanes_variant_name((GsLanesVariant)v), rates[r], factor, worst);
        GS_ASSERT_BELOW(worst, 2e-6);
        if (have_first) {
          assert_memory_equal(first, down8, len * GS_LANES * sizeof(float));
        } else {
          memcpy(first, down8, len * GS_LANES * sizeof(float));
          have_first = true;
        }
      }
      free(in8);
      free(up8);
      free(down8);
      free(first);
      free(in);
      free(up);
      free(down);
    }
  }
}

// Float coefficients and state keep the rejection: a 15 kHz sine upsampled
// 4x and a 30 kHz sine (192 kHz rate) decimated leave less than -120 dB, in
// every lane.
static void oversampler8_rejection(GsLanesVariant variant)
{
  const size_t n = 16384, len = SETTLE + n;
  const unsigned factor = 4;
  const double rate = 48000.0;
  float *in8 = alloc_floats(len * factor * GS_LANES);
  float *out8 = alloc_floats(len * factor * GS_LANES);
  float *lane = alloc_floats(len * factor);
  // images
  const size_t k = gs_analysis_coprime_bin(n, rate, 15000.0);
  for (size_t t = 0; t < len; ++t) {
    for (unsigned l = 0; l < GS_LANES; ++l) {
      in8[t * GS_LANES + l] = (float)(0.9 * sin(2.0 * M_PI * (double)((k * t) % n) / (double)n +
                                                0.7 * l));
    }
  }
  GsOversampler8 os;
  assert_int_equal(gs_oversampler8_init(&os, factor, rate), GS_OK);
  assert_int_equal(gs_oversampler8_set_variant(&os, variant), GS_OK);
  gs_oversampler8_up(&os, in8, out8, (uint32_t)len);
  double worst_image = -400.0;
  for (unsigned l = 0; l < GS_LANES; ++l) {
    for (size_t i = 0; i < n * factor; ++i) {
      lane[i] = out8[(SETTLE * factor + i) * GS_LANES + l];
    }
    GsSineAnalysis a;
    assert_int_equal(gs_analysis_sine(lane, n * factor, k, rate * factor, 1.0, rate * factor / 2.0,
                                      &a),
                     GS_OK);
    worst_image = fmax(worst_image, gs_power_ratio_db(a.thd_n * a.thd_n));
  }
  // aliases: 30 kHz at 192 kHz folds to 18 kHz
  const size_t nh = n * factor;
  const size_t kh = gs_analysis_coprime_bin(nh, rate * factor, 30000.0);
  size_t fold = kh % n;
  if (fold > n / 2) {
    fold = n - fold;
  }
  for (size_t t = 0; t < len * factor; ++t) {
    for (unsigned l = 0; l < GS_LANES; ++l) {
      in8[t * GS_LANES + l] = (float)sin(2.0 * M_PI * (double)((kh * t) % nh) / (double)nh + l);
    }
  }
  gs_oversampler8_reset(&os);
  gs_oversampler8_down(&os, in8, out8, (uint32_t)len);
  double worst_alias = -400.0;
  for (unsigned l = 0; l < GS_LANES; ++l) {
    for (size_t i = 0; i < n; ++i) {
      lane[i] = out8[(SETTLE + i) * GS_LANES + l];
    }
    double amp, phase;
    assert_int_equal(gs_analysis_bin(lane, n, fold, &amp, &phase), GS_OK);
    worst_alias = fmax(worst_alias, 20.0 * log10(amp + 1e-30));
  }
  print_message("8 lanes (%s), 48 kHz 4x: images %.1f dB, alias of 30 kHz %.1f dB\n",
                gs_lanes_variant_name(variant), worst_image, worst_alias);
  GS_ASSERT_BELOW(worst_image, -120.0);
  GS_ASSERT_BELOW(worst_alias, -120.0);
  free(in8);
  free(out8);
  free(lane);
}

static void test_oversampler8_rejection(void **state)
{
  (void)state;
  for (int v = 0; v < GS_LANES_N_VARIANTS; ++v) {
    if (gs_lanes_variant_supported((GsLanesVariant)v)) {
      oversampler8_rejection((GsLanesVariant)v);
    }
  }
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_factor_validation),
    cmocka_unit_test(test_factor_one_copies),
    cmocka_unit_test(test_design),
    cmocka_unit_test(test_round_trip_delay_and_gain),
    cmocka_unit_test(test_latency_budget),
    cmocka_unit_test(test_passband_flat),
    cmocka_unit_test(test_image_rejection),
    cmocka_unit_test(test_alias_rejection),
    cmocka_unit_test(test_blocks_and_reset),
    cmocka_unit_test(test_down_in_two_parts),
    cmocka_unit_test(test_variants_agree),
    cmocka_unit_test(test_oversampler8_matches_mono),
    cmocka_unit_test(test_oversampler8_rejection),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
