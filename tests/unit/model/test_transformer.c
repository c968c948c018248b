// SPDX-License-Identifier: ISC
// Transformer core saturation: the flux scale and the laws of its distortion.

#include "check.h"

#include "dsp/analysis.h"
#include "model/transformer.h"

#include <stdlib.h>

#define RATE 192000.0
#define N (1 << 16)

// Third harmonic relative to the fundamental, in dB, for a sine of
// amplitude at the frequency of FFT bin k.
static double h3_db(double amplitude, size_t k)
{
  GsTransformer t;
  gs_transformer_init(&t, RATE, 2.0, 1.0, 40.0, 0.1);
  float *x = malloc(N * sizeof(float));
  for (int pass = 0; pass < 3; ++pass) {  // the last pass is in the steady state
    for (size_t i = 0; i < N; ++i) {
      x[i] = (float)(amplitude * sin(2.0 * M_PI * (double)k * (double)i / N));
    }
    gs_transformer_process(&t, x, x, N);
  }
  GsSineAnalysis a;
  gs_analysis_sine(x, N, k, RATE, 10.0, 90000.0, &a);
  free(x);
  return 20.0 * log10(a.harmonic[3] / a.fundamental);
}

static void test_flux_reaches_one_at_saturation(void **state)
{
  (void)state;
  // With no loss the output is the input, and the state is the flux: a sine
  // of the saturation level at the saturation frequency drives it to 1.
  GsTransformer t;
  gs_transformer_init(&t, RATE, 2.0, 0.5, 40.0, 0.0);
  double peak = 0.0;
  for (int i = 0; i < (int)RATE; ++i) {
    float x = (float)(0.5 * sin(2.0 * M_PI * 40.0 * i / RATE));
    const float in = x;
    gs_transformer_process(&t, &x, &x, 1);
    assert_true(x == in);
    if (i > RATE / 2) {
      peak = fmax(peak, fabs(t.flux[3]));  // the newest flux
    }
  }
  // The lossy integrator's pole at 2 Hz lowers the flux by 1/sqrt(1 + (2/40)^2).
  GS_ASSERT_NEAR(peak, 1.0 / sqrt(1.0 + 0.05 * 0.05), 0.01);
}

static void test_distortion_laws(void **state)
{
  (void)state;
  // Small flux: the distortion current is flux^3 / 2, so the third harmonic
  // rises 2 dB per dB of level and 3 x 6 = 18 dB per halving of frequency.
  const size_t k40 = 13;  // 13 * 192000 / 65536 = 38.1 Hz
  const size_t k80 = 27;  // 79.1 Hz
  const double low = h3_db(0.05, k40), high = h3_db(0.1, k40);
  GS_ASSERT_NEAR(high - low, 2.0 * 6.02, 0.3);
  const double at80 = h3_db(0.1, k80);
  const double octaves = log2((double)k80 / (double)k40);
  GS_ASSERT_NEAR(high - at80, 18.06 * octaves, 0.6);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_flux_reaches_one_at_saturation),
    cmocka_unit_test(test_distortion_laws),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
