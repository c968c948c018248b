// SPDX-License-Identifier: ISC
// dBu, volts and converter full scale.

#include "check.h"

#include "gainstage/units.h"

static void test_conversions(void **state)
{
  (void)state;
  GS_ASSERT_NEAR(gs_dbu_to_volts(0.0), sqrt(0.6), 1e-15);  // 1 mW in 600 ohms
  GS_ASSERT_NEAR(gs_dbu_to_volts(4.0), 1.2277, 1e-4);     // +4 dBu pro line level
  GS_ASSERT_NEAR(gs_volts_to_dbu(1.0), 2.2185, 1e-4);     // 0 dBV = +2.2 dBu
  GS_ASSERT_NEAR(gs_volts_to_dbu(gs_dbu_to_volts(-127.5)), -127.5, 1e-9);
  GS_ASSERT_NEAR(gs_volts_to_dbu(0.0), -200.0, 0.0);
  // +18 dBu = 0 dBFS: a full-scale sine is 6.153 V RMS, 8.701 V peak.
  GS_ASSERT_NEAR(gs_fullscale_volts(18.0), 6.1529 * sqrt(2.0), 1e-3);
  GS_ASSERT_NEAR(gs_fullscale_volts(24.0), 12.2765 * sqrt(2.0), 1e-3);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_conversions),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
