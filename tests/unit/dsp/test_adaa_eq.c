// SPDX-License-Identifier: ISC
// The ADAA droop equaliser: its design response, and the measured response of
// ADAA shapers followed by it.

#include "check.h"

#include "dsp/adaa_eq.h"
#include "dsp/analysis.h"
#include "dsp/shaper.h"

#include <stdlib.h>
#include <string.h>

#define RATE 48000.0

// Worst deviation from flat of the designed response up to 20 kHz.
static double worst_db(const GsAdaaEq *eq, unsigned factor)
{
  double worst = 0.0;
  for (double f = 20.0; f <= 20000.0; f += 10.0) {
    worst = fmax(worst, fabs(gs_adaa_eq_response_db(eq, factor, RATE, f)));
  }
  return worst;
}

static void test_design_is_flat(void **state)
{
  (void)state;
  // Without it one shaper at 4x droops 0.47 dB at 20 kHz; with it the
  // deviation is a few hundredths of a dB. The instrument models' pair, a
  // second-order tube curve and a first-order rail, droops 0.88 dB at 20 kHz
  // at 4x and 0.21 dB at 8x without it.
  static const struct {
    unsigned factor, first, second;
    double limit_db;
  } cases[] = {{2, 1, 0, 0.15}, {4, 1, 0, 0.02}, {8, 1, 0, 0.002}, {4, 2, 0, 0.05},
               {8, 2, 0, 0.005}, {2, 1, 1, 0.35}, {4, 1, 1, 0.05},  {8, 1, 1, 0.005}};
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); ++i) {
    GsAdaaEq eq;
    gs_adaa_eq_init(&eq, cases[i].factor, RATE, cases[i].first, cases[i].second);
    const double worst = worst_db(&eq, cases[i].factor);
    print_message("%ux, %u first- and %u second-order shaper(s): worst %.4f dB, a = %.5f\n",
                  cases[i].factor, cases[i].first, cases[i].second, worst, (double)eq.a);
    GS_ASSERT_BELOW(worst, cases[i].limit_db);
  }
  GsAdaaEq eq;
  gs_adaa_eq_init(&eq, 4, RATE, 1, 0);
  // Without the FIR (a = 0) the analytic droop is cos(w / 2).
  eq.a = 0.0f;
  GS_ASSERT_NEAR(gs_adaa_eq_response_db(&eq, 4, RATE, 20000.0),
                 20.0 * log10(cos(M_PI * 20000.0 / (4 * RATE))), 1e-9);
}

// Shapers with ADAA in their linear region, then the equaliser: the
// measured response of the real processing equals the designed one. A HARD
// shaper (first order) at 0.5; a tube curve with second order then a HARD
// one, as the instrument models have them, at 1e-3 (where the tube curve is
// linear to 1e-6).
static void test_measured_response(void **state)
{
  (void)state;
  const unsigned factor = 4;
  const double rate = RATE * factor;
  const size_t n = 1 << 15;
  float *x = malloc(n * sizeof(float));
  static const double freqs[] = {1000.0, 10000.0, 20000.0};
  for (unsigned second = 0; second <= 1; ++second) {
    const double peak = second ? 1e-3 : 0.5;
    for (size_t f = 0; f < 3; ++f) {
      GsShaper tube, s;
      gs_shaper_init(&tube, GS_SHAPE_TUBE, true);
      gs_shaper_set_order(&tube, 2);
      gs_shaper_init(&s, GS_SHAPE_HARD, true);
      GsAdaaEq eq;
      gs_adaa_eq_init(&eq, factor, RATE, 1, second);
      const size_t k = gs_analysis_coprime_bin(n, rate, freqs[f]);
      // Twice through, so the analysed pass starts in the steady state.
      for (int pass = 0; pass < 2; ++pass) {
        for (size_t i = 0; i < n; ++i) {
          x[i] = (float)(peak * sin(2.0 * M_PI * (double)k * (double)i / (double)n));
        }
        if (second) {
          gs_shaper_process(&tube, x, x, (uint32_t)n);
        }
        gs_shaper_process(&s, x, x, (uint32_t)n);
        gs_adaa_eq_process(&eq, x, x, (uint32_t)n);
      }
      double amp, phase;
      gs_analysis_bin(x, n, k, &amp, &phase);
      const double f_hz = (double)k * rate / (double)n;
      const double want = gs_adaa_eq_response_db(&eq, factor, RATE, f_hz);
      print_message("%s at %5.0f Hz: %+.4f dB, designed %+.4f dB\n",
                    second ? "tube (2nd order) + hard" : "hard", f_hz, 20.0 * log10(amp / peak),
                    want);
      GS_ASSERT_NEAR(20.0 * log10(amp / peak), want, 0.001);
    }
  }
  free(x);
}

// The taps sample by sample: in place or into another buffer, in one call
// or in blocks of 1 to 13 samples, the output is (1 + 2a) x[n-1] - a (x[n] +
// x[n-2]) to the bit, the taps running across block boundaries.
static void test_taps_in_blocks(void **state)
{
  (void)state;
  enum { N = 300 };
  GsAdaaEq eq;
  gs_adaa_eq_init(&eq, 8, RATE, 2, 0);
  float x[N], ref[N], apart[N], inplace[N];
  uint32_t seed = 99;
  for (unsigned i = 0; i < N; ++i) {
    seed = seed * 1664525u + 1013904223u;
    x[i] = (float)seed / 4294967296.0f - 0.5f;
  }
  const float a = eq.a, centre = 1.0f + 2.0f * eq.a;
  for (unsigned i = 0; i < N; ++i) {
    const float x1 = i >= 1 ? x[i - 1] : 0.0f, x2 = i >= 2 ? x[i - 2] : 0.0f;
    ref[i] = centre * x1 - a * (x[i] + x2);
  }
  gs_adaa_eq_process(&eq, x, apart, N);
  assert_memory_equal(ref, apart, sizeof(ref));
  gs_adaa_eq_reset(&eq);
  memcpy(inplace, x, sizeof(x));
  for (unsigned done = 0, m = 1; done < N; done += m, m = m % 13 + 1) {
    const unsigned len = N - done < m ? N - done : m;
    gs_adaa_eq_process(&eq, inplace + done, inplace + done, len);
  }
  assert_memory_equal(ref, inplace, sizeof(ref));
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_design_is_flat),
    cmocka_unit_test(test_measured_response),
    cmocka_unit_test(test_taps_in_blocks),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
