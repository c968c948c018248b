// SPDX-License-Identifier: ISC
// The 8-lane ADAA equaliser equals the mono one bit for bit, in every variant.

#include "check.h"
#include "lanes_input.h"

#include "dsp/adaa_eq.h"
#include "dsp/adaa_eq8.h"

enum { N = 1000 };

static void test_matches_mono(void **state)
{
  (void)state;
  static float in8[N * GS_LANES], out8[N * GS_LANES];
  float in[N], out[N], lane[N];
  lanes_input(in8, N, 4.0, 77);
  const unsigned factors[] = {2, 4, 8};
  for (int v = 0; v < GS_LANES_N_VARIANTS; ++v) {
    if (!gs_lanes_variant_supported((GsLanesVariant)v)) {
      continue;
    }
    for (unsigned f = 0; f < 3; ++f) {
      // first- and second-order stages: one, two, one of each
      static const unsigned orders[3][2] = {{1, 0}, {2, 0}, {1, 1}};
      for (unsigned o = 0; o < 3; ++o) {
        const unsigned first = orders[o][0], second = orders[o][1];
        GsAdaaEq8 eq8;
        gs_adaa_eq8_init(&eq8, factors[f], 48000.0, first, second);
        assert_int_equal(gs_adaa_eq8_set_variant(&eq8, (GsLanesVariant)v), GS_OK);
        // Two blocks, and in place: the state carries over.
        for (unsigned i = 0; i < N * GS_LANES; ++i) {
          out8[i] = in8[i];
        }
        gs_adaa_eq8_process(&eq8, out8, out8, N / 3);
        gs_adaa_eq8_process(&eq8, out8 + N / 3 * GS_LANES, out8 + N / 3 * GS_LANES, N - N / 3);
        unsigned differ = 0;
        for (unsigned l = 0; l < GS_LANES; ++l) {
          GsAdaaEq eq;
          gs_adaa_eq_init(&eq, factors[f], 48000.0, first, second);
          lanes_take(in8, l, in, N);
          gs_adaa_eq_process(&eq, in, out, N);
          lanes_take(out8, l, lane, N);
          for (unsigned i = 0; i < N; ++i) {
            differ += out[i] != lane[i];
          }
        }
        print_message("adaa_eq8 (%s) %ux, %u + %u stages: %u samples differ from mono\n",
                      gs_lanes_variant_name((GsLanesVariant)v), factors[f], first, second, differ);
        assert_int_equal(differ, 0);
      }
    }
  }
}

static void test_reset_clears(void **state)
{
  (void)state;
  GsAdaaEq8 eq8;
  gs_adaa_eq8_init(&eq8, 4, 48000.0, 1, 0);
  float x[4 * GS_LANES];
  lanes_input(x, 4, 1.0, 5);
  gs_adaa_eq8_process(&eq8, x, x, 4);
  gs_adaa_eq8_reset(&eq8);
  float zero[GS_LANES] = {0};
  gs_adaa_eq8_process(&eq8, zero, zero, 1);
  for (unsigned l = 0; l < GS_LANES; ++l) {
    GS_ASSERT_NEAR(zero[l], 0.0, 0.0);
  }
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_matches_mono),
    cmocka_unit_test(test_reset_clears),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
