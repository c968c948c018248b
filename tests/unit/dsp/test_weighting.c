// SPDX-License-Identifier: ISC
// A-weighting against the IEC 61672-1 table and its band power.

#include "check.h"

#include "dsp/weighting.h"

static void test_iec_table(void **state)
{
  (void)state;
  // IEC 61672-1:2013 Table 3, A-weighting in dB to 0.1 dB at the nominal
  // octave frequencies 31.5 Hz to 16 kHz, which stand for the exact base-ten
  // frequencies 1000 * 10^(n / 10), n = -15, -12, ..., 12.
  static const double table[] = {-39.4, -26.2, -16.1, -8.6, -3.2, 0.0, 1.2, 1.0, -1.1, -6.6};
  for (int i = 0; i < 10; ++i) {
    const double f = 1000.0 * pow(10.0, (3 * i - 15) / 10.0);
    GS_ASSERT_NEAR(20.0 * log10(gs_a_weighting(f)), table[i], 0.05);
  }
  GS_ASSERT_NEAR(gs_a_weighting(1000.0), 1.0, 1e-12);
}

static void test_band_power(void **state)
{
  (void)state;
  // Against a plain midpoint sum on a 0.05 Hz grid.
  double sum = 0.0;
  const double step = 0.05;
  for (double f = 22.0 + step / 2; f < 22000.0; f += step) {
    const double a = gs_a_weighting(f);
    sum += a * a * step;
  }
  const double power = gs_a_weighting_power(22.0, 22000.0);
  GS_ASSERT_NEAR(10.0 * log10(power / sum), 0.0, 0.001);
  // White noise loses about 2 dB to A-weighting over the audio band
  // relative to a flat 22 Hz to 22 kHz measurement.
  GS_ASSERT_NEAR(10.0 * log10(power / (22000.0 - 22.0)), -2.0, 1.0);
  GS_ASSERT_NEAR(gs_a_weighting_power(100.0, 100.0), 0.0, 0.0);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_iec_table),
    cmocka_unit_test(test_band_power),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
