// SPDX-License-Identifier: ISC
// Waveshapers: curve shape, antiderivatives, ADAA accuracy and conditioning,
// large and non-finite inputs, and the tube curve's harmonics.

#include "check.h"

#include "dsp/analysis.h"
#include "dsp/shaper.h"
#include "dsp/shaper8.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef M_PI  // XSI, not ISO C
#  define M_PI 3.14159265358979323846
#endif

static const GsShape all_shapes[] = {GS_SHAPE_HARD, GS_SHAPE_TANH, GS_SHAPE_SOFT, GS_SHAPE_TUBE};
static const char *const shape_names[] = {"hard", "tanh", "soft", "tube"};
#define N_SHAPES 4

// f(0) = 0, f'(0) = 1, and odd symmetry for the symmetric curves.
static void test_curve_origin_and_symmetry(void **state)
{
  (void)state;
  for (unsigned c = 0; c < N_SHAPES; ++c) {
    GsShaper s;
    gs_shaper_init(&s, all_shapes[c], false);
    GS_ASSERT_NEAR(gs_shaper_eval(&s, 0.0), 0.0, 1e-15);
    GS_ASSERT_NEAR(gs_shaper_antiderivative(&s, 0.0), 0.0, 1e-15);
    const double h = 1e-6;
    const double slope = (gs_shaper_eval(&s, h) - gs_shaper_eval(&s, -h)) / (2.0 * h);
    print_message("%s: f'(0) = %.9f\n", shape_names[c], slope);
    GS_ASSERT_NEAR(slope, 1.0, 1e-6);
    if (all_shapes[c] == GS_SHAPE_TUBE) {
      continue;
    }
    for (double x = 0.01; x < 20.0; x *= 1.37) {
      assert_true(gs_shaper_eval(&s, -x) == -gs_shaper_eval(&s, x));
      assert_true(fabs(gs_shaper_eval(&s, x)) <= 1.0);
    }
  }
}

// F' = f: the central difference of the closed-form antiderivative matches
// the curve at points across -6..6 (off the kinks of HARD at +-1).
static void test_antiderivative(void **state)
{
  (void)state;
  const double h = 1e-4;
  for (unsigned c = 0; c < N_SHAPES; ++c) {
    GsShaper s;
    gs_shaper_init(&s, all_shapes[c], true);
    double worst = 0.0;
    for (double x = -6.0; x <= 6.0; x += 0.0371) {
      const double d =
        (gs_shaper_antiderivative(&s, x + h) - gs_shaper_antiderivative(&s, x - h)) / (2.0 * h);
      // central difference error h^2 / 6 |f''|, with |f''| < 10 here
      const double err = fabs(d - gs_shaper_eval(&s, x));
      worst = fmax(worst, err);
      GS_ASSERT_NEAR(d, gs_shaper_eval(&s, x), 2e-7);
    }
    print_message("%s: largest |F' - f| %.2e\n", shape_names[c], worst);
  }
}

// The mean of f over [a, b], by composite Simpson integration written as a
// weighted average of f (no division by b - a): the reference for ADAA that
// does not use the antiderivative.
static double reference_mean(const GsShaper *s, double a, double b)
{
  enum { PANELS = 256 };
  double sum = 0.0;
  for (unsigned i = 0; i <= PANELS; ++i) {
    const double w = (i == 0 || i == PANELS) ? 1.0 : (i % 2 ? 4.0 : 2.0);
    sum += w * gs_shaper_eval(s, a + (b - a) * (double)i / (double)PANELS);
  }
  return sum / (3.0 * (double)PANELS);
}

// With ADAA, a slowly varying input gives the mean of f between consecutive
// inputs (about f at their midpoint: the half-sample delay) to within float
// resolution.
static void test_adaa_slow_input_matches_curve(void **state)
{
  (void)state;
  enum { N = 4800 };
  float in[N], out[N];
  for (unsigned i = 0; i < N; ++i) {
    in[i] = (float)(3.0 * sin(2.0 * M_PI * 10.0 * i / 48000.0));  // 10 Hz, peak 3
  }
  for (unsigned c = 0; c < N_SHAPES; ++c) {
    GsShaper s;
    gs_shaper_init(&s, all_shapes[c], true);
    gs_shaper_process(&s, in, out, N);
    double worst = 0.0;
    for (unsigned i = 1; i < N; ++i) {
      const double ref = reference_mean(&s, (double)in[i - 1], (double)in[i]);
      worst = fmax(worst, fabs((double)out[i] - ref));
    }
    print_message("%s: ADAA vs the mean of f, slow input: largest difference %.2e\n",
                  shape_names[c], worst);
    // float output rounding (6e-8) and a little more
    GS_ASSERT_BELOW(worst, 2e-7);
  }
}

// Inputs that make (F(x) - F(x1)) / (x - x1) ill-conditioned: constant input,
// and steps of 1e-7 (one or two float ulp) around interesting points: 0,
// the knees, the tube's crossing at -bias, and far out.
static void test_adaa_ill_conditioned(void **state)
{
  (void)state;
  const double centres[] = {0.0, 0.5, 1.0, -1.0, -GS_SHAPER_TUBE_BIAS, 3.0, -7.0, 100.0};
  enum { N = 64 };
  float in[N], out[N];
  for (unsigned c = 0; c < N_SHAPES; ++c) {
    double worst = 0.0;
    for (unsigned p = 0; p < sizeof(centres) / sizeof(centres[0]); ++p) {
      for (int mode = 0; mode < 3; ++mode) {
        for (unsigned i = 0; i < N; ++i) {
          const double step = mode == 0 ? 0.0 : (mode == 1 ? 1e-7 : -1e-7);
          in[i] = (float)(centres[p] + step * ((double)i - (double)N / 2.0));
        }
        GsShaper s;
        gs_shaper_init(&s, all_shapes[c], true);
        // Start at the first sample, not at 0.
        gs_shaper_process(&s, in, out, 1);
        gs_shaper_process(&s, in, out, N);
        for (unsigned i = 1; i < N; ++i) {
          assert_true(isfinite(out[i]));
          const double ref = reference_mean(&s, (double)in[i - 1], (double)in[i]);
          const double err = fabs((double)out[i] - ref);
          worst = fmax(worst, err);
          if (!(err < 2e-7)) {
            print_error("%s at %g, step mode %d, sample %u: in %.9g %.9g out %.9g f %.9g\n",
                        shape_names[c], centres[p], mode, i, (double)in[i - 1], (double)in[i],
                        (double)out[i], ref);
          }
          GS_ASSERT_BELOW(err, 2e-7);
        }
      }
    }
    print_message("%s: ill-conditioned inputs, largest error %.2e\n", shape_names[c], worst);
  }
}

// Large inputs and jumps stay finite and inside the curve's range.
static void test_large_inputs(void **state)
{
  (void)state;
  const float in[] = {1e4f, -1e4f, 1e4f, 1e4f, -3e38f, 3e38f, 0.0f, 1e4f, 0.5f, -1e4f};
  const unsigned n = sizeof(in) / sizeof(in[0]);
  float out[16];
  for (unsigned c = 0; c < N_SHAPES; ++c) {
    for (int adaa = 0; adaa < 2; ++adaa) {
      GsShaper s;
      gs_shaper_init(&s, all_shapes[c], adaa);
      const double hi = gs_shaper_eval(&s, 1e30), lo = gs_shaper_eval(&s, -1e30);
      gs_shaper_process(&s, in, out, n);
      for (unsigned i = 0; i < n; ++i) {
        assert_true(isfinite(out[i]));
        GS_ASSERT_BELOW(out[i], hi + 1e-6);
        GS_ASSERT_ABOVE(out[i], lo - 1e-6);
      }
    }
  }
}

// A non-finite input comes out non-finite in its block, and the next block
// starts clean.
static void test_non_finite_recovers(void **state)
{
  (void)state;
  for (unsigned c = 0; c < N_SHAPES; ++c) {
    GsShaper s;
    gs_shaper_init(&s, all_shapes[c], true);
    float bad[4] = {0.1f, INFINITY, NAN, 0.2f}, out[4];
    gs_shaper_process(&s, bad, out, 4);
    float good[4] = {0.25f, 0.25f, 0.25f, 0.25f};
    gs_shaper_process(&s, good, out, 4);
    for (unsigned i = 0; i < 4; ++i) {
      assert_true(isfinite(out[i]));
    }
    GS_ASSERT_NEAR(out[3], gs_shaper_eval(&s, 0.25), 1e-7);
  }
}

// In place equals out of place, and blocks of any length equal one call.
static void test_in_place_and_blocks(void **state)
{
  (void)state;
  enum { N = 1000 };
  float in[N], a[N], b[N];
  uint32_t seed = 99;
  for (unsigned i = 0; i < N; ++i) {
    seed = seed * 1664525u + 1013904223u;
    in[i] = (float)((double)seed / 4294967296.0 * 6.0 - 3.0);
  }
  for (unsigned c = 0; c < N_SHAPES; ++c) {
    for (int adaa = 0; adaa < 2; ++adaa) {
      GsShaper s1, s2;
      gs_shaper_init(&s1, all_shapes[c], adaa);
      gs_shaper_init(&s2, all_shapes[c], adaa);
      gs_shaper_process(&s1, in, a, N);
      memcpy(b, in, sizeof(b));
      for (unsigned pos = 0, m = 1; pos < N; pos += m, m = m * 7 % 300 + 1) {
        const unsigned len = m < N - pos ? m : N - pos;
        gs_shaper_process(&s2, b + pos, b + pos, len);
      }
      assert_memory_equal(a, b, sizeof(a));
      GS_ASSERT_NEAR(gs_shaper_latency(&s1), adaa ? 0.5 : 0.0, 0.0);
    }
  }
}

// Fundamental, 2nd and 3rd harmonic of a 1 kHz sine of peak amp through the
// tube curve at 48 kHz (no ADAA: the harmonics are well below Nyquist).
static void tube_harmonics(double amp, double *gain, double *h2, double *h3)
{
  enum { N = 8192 };
  static float x[N];
  const size_t k = gs_analysis_coprime_bin(N, 48000.0, 1000.0);
  for (unsigned i = 0; i < N; ++i) {
    x[i] = (float)(amp * sin(2.0 * M_PI * (double)((k * i) % N) / (double)N));
  }
  GsShaper s;
  gs_shaper_init(&s, GS_SHAPE_TUBE, false);
  gs_shaper_process(&s, x, x, N);
  GsSineAnalysis a;
  assert_int_equal(gs_analysis_sine(x, N, k, 48000.0, 20.0, 24000.0, &a), GS_OK);
  *gain = a.fundamental / amp;
  *h2 = a.harmonic[2] / a.fundamental;
  *h3 = a.harmonic[3] / a.fundamental;
}

// The tube curve: mostly 2nd harmonic at moderate level, and it compresses
// when driven.
static void test_tube_character(void **state)
{
  (void)state;
  double gain_low, gain_mid, gain_high, h2, h3, h2_low, h3_low, h2_high, h3_high;
  tube_harmonics(0.1, &gain_low, &h2_low, &h3_low);
  tube_harmonics(0.3, &gain_mid, &h2, &h3);
  tube_harmonics(4.0, &gain_high, &h2_high, &h3_high);
  print_message("tube: peak 0.1: gain %.3f, H2 %.1f dB, H3 %.1f dB\n", gain_low,
                20.0 * log10(h2_low), 20.0 * log10(h3_low));
  print_message("tube: peak 0.3: gain %.3f, H2 %.1f dB, H3 %.1f dB\n", gain_mid,
                20.0 * log10(h2), 20.0 * log10(h3));
  print_message("tube: peak 4.0: gain %.3f, H2 %.1f dB, H3 %.1f dB\n", gain_high,
                20.0 * log10(h2_high), 20.0 * log10(h3_high));
  GS_ASSERT_ABOVE(h2_low, 3.0 * h3_low);
  GS_ASSERT_ABOVE(h2, 3.0 * h3);
  // 2nd harmonic grows about in proportion to level at low level
  GS_ASSERT_NEAR(h2 / h2_low, 3.0, 0.5);
  GS_ASSERT_BELOW(gain_high, 0.7 * gain_low);
  GS_ASSERT_NEAR(gain_low, 1.0, 0.05);
  // The symmetric curves make no 2nd harmonic.
  GsShaper s;
  gs_shaper_init(&s, GS_SHAPE_SOFT, false);
  GS_ASSERT_NEAR(gs_shaper_eval(&s, 0.3) + gs_shaper_eval(&s, -0.3), 0.0, 1e-15);
}

// set_tube: clamps, keeps f(0) = 0 and f'(0) = 1, and carries the state
// over so a change between blocks does not click.
static void test_set_tube(void **state)
{
  (void)state;
  GsShaper s;
  gs_shaper_init(&s, GS_SHAPE_TUBE, true);
  const double biases[] = {-1.0, 0.0, 0.1, 0.6, 5.0};
  for (unsigned b = 0; b < 5; ++b) {
    gs_shaper_set_tube(&s, biases[b], 3.0);
    GS_ASSERT_NEAR(gs_shaper_eval(&s, 0.0), 0.0, 1e-15);
    const double h = 1e-6;
    GS_ASSERT_NEAR((gs_shaper_eval(&s, h) - gs_shaper_eval(&s, -h)) / (2.0 * h), 1.0, 1e-6);
    assert_true(s.bias <= 2.0 && s.bias >= -2.0);
  }
  gs_shaper_set_tube(&s, 0.3, 2.0);
  float x[8] = {0.2f, 0.2f, 0.2f, 0.2f}, y[8];
  gs_shaper_process(&s, x, y, 4);
  gs_shaper_set_tube(&s, 0.5, 2.0);
  gs_shaper_process(&s, x, y, 1);
  // The mean of f over [0.2, 0.2] under the new curve is f(0.2).
  GS_ASSERT_NEAR(y[0], gs_shaper_eval(&s, 0.2), 1e-7);
}

// The 8-channel shaper (float lanes) agrees with the mono one on 8 different
// fixed-seed channels, within 1e-6 relative to the output's range (TANH,
// computed the same way in double, exactly), across blocks and a change of
// the tube curve.
static void test_shaper8_matches_mono(void **state)
{
  (void)state;
  enum { N = 600 };
  static float in8[N * GS_LANES], out8[N * GS_LANES];
  float in[N], out[N];
  uint32_t seed = 2024;
  for (unsigned i = 0; i < N * GS_LANES; ++i) {
    seed = seed * 1664525u + 1013904223u;
    const double level = (double)(1 + i % GS_LANES);  // peak 1..8 by lane
    in8[i] = (float)(((double)seed / 4294967296.0 * 2.0 - 1.0) * level);
    if (i / GS_LANES % 50 < 5) {
      in8[i] = (float)(0.37 * level);  // runs of equal samples
    }
  }
  for (int v = 0; v < GS_LANES_N_VARIANTS; ++v) {
  if (!gs_lanes_variant_supported((GsLanesVariant)v)) {
    continue;
  }
  for (unsigned c = 0; c < N_SHAPES; ++c) {
    for (int adaa = 0; adaa < 2; ++adaa) {
      GsShaper8 s8;
      gs_shaper8_init(&s8, all_shapes[c], adaa);
      assert_int_equal(gs_shaper8_set_variant(&s8, (GsLanesVariant)v), GS_OK);
      gs_shaper8_process(&s8, in8, out8, N / 2);
      gs_shaper8_set_tube(&s8, 0.5, 3.0);
      gs_shaper8_process(&s8, in8 + N / 2 * GS_LANES, out8 + N / 2 * GS_LANES, N / 2);
      double worst = 0.0;
      for (unsigned l = 0; l < GS_LANES; ++l) {
        GsShaper s;
        gs_shaper_init(&s, all_shapes[c], adaa);
        for (unsigned i = 0; i < N; ++i) {
          in[i] = in8[i * GS_LANES + l];
        }
        gs_shaper_process(&s, in, out, N / 2);
        gs_shaper_set_tube(&s, 0.5, 3.0);
        gs_shaper_process(&s, in + N / 2, out + N / 2, N / 2);
        const double range = gs_shaper_eval(&s, 1e9) - gs_shaper_eval(&s, -1e9);
        for (unsigned i = 0; i < N; ++i) {
          worst = fmax(worst, fabs((double)out[i] - (double)out8[i * GS_LANES + l]) / range);
        }
      }
      print_message("8 lanes (%s), %s%s: largest difference from mono %.2e of the range\n",
                    gs_lanes_variant_name((GsLanesVariant)v), shape_names[c], adaa ? " ADAA" : "",
                    worst);
      if (all_shapes[c] == GS_SHAPE_TANH) {
        GS_ASSERT_NEAR(worst, 0.0, 0.0);
      }
      GS_ASSERT_BELOW(worst, 1e-6);
    }
  }
  }
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_curve_origin_and_symmetry),
    cmocka_unit_test(test_antiderivative),
    cmocka_unit_test(test_adaa_slow_input_matches_curve),
    cmocka_unit_test(test_adaa_ill_conditioned),
    cmocka_unit_test(test_large_inputs),
    cmocka_unit_test(test_non_finite_recovers),
    cmocka_unit_test(test_in_place_and_blocks),
    cmocka_unit_test(test_tube_character),
    cmocka_unit_test(test_set_tube),
    cmocka_unit_test(test_shaper8_matches_mono),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
