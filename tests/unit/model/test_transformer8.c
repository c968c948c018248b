// SPDX-License-Identifier: ISC
// The 8-lane transformer equals the mono one bit for bit, in every variant.

#include "check.h"
#include "lanes_input.h"

#include "model/transformer.h"
#include "model/transformer8.h"

enum { N = 2000 };

static void test_matches_mono(void **state)
{
  (void)state;
  static float in8[N * GS_LANES], out8[N * GS_LANES];
  float in[N], out[N], lane[N];
  // Peaks up to 8 saturation levels: well into the core's saturation.
  lanes_input(in8, N, 8.0, 1234);
  const double rates[] = {96000.0, 384000.0};
  for (int v = 0; v < GS_LANES_N_VARIANTS; ++v) {
    if (!gs_lanes_variant_supported((GsLanesVariant)v)) {
      continue;
    }
    for (unsigned r = 0; r < 2; ++r) {
      GsTransformer8 t8;
      gs_transformer8_init(&t8, rates[r], 2.0, 1.0, 20.0, 0.3);
      assert_int_equal(gs_transformer8_set_variant(&t8, (GsLanesVariant)v), GS_OK);
      gs_transformer8_process(&t8, in8, out8, N / 2);
      gs_transformer8_process(&t8, in8 + N / 2 * GS_LANES, out8 + N / 2 * GS_LANES, N / 2);
      unsigned differ = 0;
      for (unsigned l = 0; l < GS_LANES; ++l) {
        GsTransformer t;
        gs_transformer_init(&t, rates[r], 2.0, 1.0, 20.0, 0.3);
        lanes_take(in8, l, in, N);
        gs_transformer_process(&t, in, out, N);
        lanes_take(out8, l, lane, N);
        for (unsigned i = 0; i < N; ++i) {
          differ += out[i] != lane[i];
        }
      }
      print_message("transformer8 (%s) at %.0f Hz: %u samples differ from mono\n",
                    gs_lanes_variant_name((GsLanesVariant)v), rates[r], differ);
      assert_int_equal(differ, 0);
    }
  }
}

static void test_reset_clears(void **state)
{
  (void)state;
  GsTransformer8 t8;
  gs_transformer8_init(&t8, 96000.0, 2.0, 1.0, 20.0, 0.3);
  float x[16 * GS_LANES];
  lanes_input(x, 16, 4.0, 9);
  gs_transformer8_process(&t8, x, x, 16);
  gs_transformer8_reset(&t8);
  for (unsigned l = 0; l < GS_LANES; ++l) {
    const float held[] = {t8.u1[l], t8.v1[l], t8.v2[l], t8.f1[l], t8.f2[l], t8.f3[l], t8.f4[l]};
    for (size_t k = 0; k < sizeof held / sizeof held[0]; ++k) {
      GS_ASSERT_NEAR(held[k], 0.0, 0.0);
    }
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
