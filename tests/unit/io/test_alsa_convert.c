// SPDX-License-Identifier: ISC
// Sample conversion between float channels and ALSA period buffers: exact
// integer codes for known levels, clipping, rounding, 24-bit byte order,
// interleaved and planar layouts, and round trips within half a step.

#include "check.h"

#include "io/alsa_convert.h"

#include <string.h>

static void test_known_codes(void **state)
{
  (void)state;
  const float x[6] = {0.0f, 0.5f, -0.5f, 1.0f, -1.0f, 2.0f};
  int16_t s16[6];
  GsSampleLayout l = {GS_SAMPLE_S16, 1, true, 6};
  gs_samples_from_float(&l, x, s16, 6);
  const int16_t want16[6] = {0, 16384, -16384, 32767, -32768, 32767};
  assert_memory_equal(s16, want16, sizeof(want16));
  int32_t s32[6];
  l.format = GS_SAMPLE_S32;
  gs_samples_from_float(&l, x, s32, 6);
  const int32_t want32[6] = {0, 1073741824, -1073741824, 2147483647, -2147483647 - 1, 2147483647};
  assert_memory_equal(s32, want32, sizeof(want32));
  // 24 bits little-endian: 0.5 is 0x400000, -0.5 is 0xC00000.
  unsigned char s24[18];
  l.format = GS_SAMPLE_S24_3LE;
  gs_samples_from_float(&l, x, s24, 6);
  const unsigned char want24[18] = {0, 0, 0, 0, 0, 0x40, 0, 0, 0xc0,
                                    0xff, 0xff, 0x7f, 0, 0, 0x80, 0xff, 0xff, 0x7f};
  assert_memory_equal(s24, want24, sizeof(want24));
  float back[6];
  gs_samples_to_float(&l, s24, back, 6);
  assert_true(back[1] == 0.5f && back[2] == -0.5f && back[4] == -1.0f);
  GS_ASSERT_NEAR(back[3], 1.0, 1.0 / 8388608.0);
}

// Rounding: a quarter step below and above a code go to that code.
static void test_rounding(void **state)
{
  (void)state;
  const float step = 1.0f / 32768.0f;
  const float x[4] = {100.25f * step, 100.75f * step, -100.25f * step, -100.75f * step};
  int16_t s16[4];
  GsSampleLayout l = {GS_SAMPLE_S16, 1, true, 4};
  gs_samples_from_float(&l, x, s16, 4);
  assert_int_equal(s16[0], 100);
  assert_int_equal(s16[1], 101);
  assert_int_equal(s16[2], -100);
  assert_int_equal(s16[3], -101);
}

// Three channels of five frames, every format, both layouts: the round trip
// is within half a step and each sample lands where ALSA expects it.
static void test_layouts_round_trip(void **state)
{
  (void)state;
  enum { CH = 3, N = 5 };
  float x[CH * N];
  for (int i = 0; i < CH * N; ++i) {
    x[i] = 0.9f * (float)(i - CH * N / 2) / (CH * N);
  }
  const GsSampleFormat formats[] = {GS_SAMPLE_FLOAT, GS_SAMPLE_S32, GS_SAMPLE_S24_3LE,
                                    GS_SAMPLE_S16};
  const double half_step[] = {0.0, 0.5 / 2147483648.0 + 6e-8, 0.5 / 8388608.0, 0.5 / 32768.0};
  for (int f = 0; f < 4; ++f) {
    for (int inter = 0; inter < 2; ++inter) {
      GsSampleLayout l = {formats[f], CH, inter, N};
      unsigned char raw[CH * N * 4];
      memset(raw, 0xAA, sizeof(raw));
      gs_samples_from_float(&l, x, raw, N);
      float back[CH * N];
      gs_samples_to_float(&l, raw, back, N);
      for (int i = 0; i < CH * N; ++i) {
        GS_ASSERT_NEAR(back[i], x[i], half_step[f]);
      }
      if (formats[f] == GS_SAMPLE_S16) {
        // Channel 1, frame 2: interleaved at 2 * 3 + 1, planar at 1 * 5 + 2.
        const int16_t *s = (const int16_t *)(const void *)raw;
        const int16_t want = (int16_t)(x[1 * N + 2] * 32768.0f + (x[1 * N + 2] < 0 ? -0.5f : 0.5f));
        assert_int_equal(s[inter ? 2 * CH + 1 : 1 * N + 2], want);
      }
    }
  }
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_known_codes),
    cmocka_unit_test(test_rounding),
    cmocka_unit_test(test_layouts_round_trip),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
