// SPDX-License-Identifier: ISC
// The round-trip delay estimate: whole and fractional delays, level,
// polarity, and a return with nothing in it.

#include "check.h"

#include "dsp/delay_estimate.h"
#include "dsp/noise.h"

#include <string.h>

#define SENT 8192
#define RECEIVED 24000

static float sent[SENT], received[RECEIVED];

// received = gain x sent delayed by d samples (band-limited: a Kaiser-free
// Hann-windowed sinc of 65 taps for a fractional d), plus white noise.
static void make_return(double d, double gain, float noise_rms)
{
  memset(received, 0, sizeof(received));
  for (size_t i = 0; i < RECEIVED; ++i) {
    const double t = (double)i - d;  // where in sent this sample lies
    const long c = lround(t);
    double acc = 0.0;
    for (long j = c - 32; j <= c + 32; ++j) {
      if (j < 0 || j >= SENT) {
        continue;
      }
      const double x = t - (double)j;
      const double sinc = fabs(x) < 1e-12 ? 1.0 : sin(M_PI * x) / (M_PI * x);
      const double w = fabs(x) < 33.0 ? 0.5 + 0.5 * cos(M_PI * x / 33.0) : 0.0;
      acc += sent[j] * sinc * w;
    }
    received[i] = (float)(gain * acc);
  }
  GsWhite white;
  gs_white_init(&white, 99);
  gs_white_add(&white, noise_rms, received, RECEIVED);
}

static void test_whole_delay(void **state)
{
  (void)state;
  gs_delay_probe(sent, SENT, 0.25f, 1);
  make_return(1234.0, 0.5, 0.0025f);  // -6 dB, noise 40 dB down
  GsDelayEstimate e;
  assert_int_equal(gs_delay_estimate(sent, SENT, received, RECEIVED, &e), GS_OK);
  print_message("whole: %.4f samples, %.2f dB, confidence %.1f dB\n", e.samples, e.gain_db,
                e.confidence_db);
  assert_int_equal(e.whole, 1234);
  GS_ASSERT_NEAR(e.samples, 1234.0, 0.01);
  GS_ASSERT_NEAR(e.gain_db, 20.0 * log10(0.5), 0.1);
  GS_ASSERT_ABOVE(e.confidence_db, 20.0);
  assert_int_equal(e.inverted, 0);
}

static void test_fractional_and_inverted(void **state)
{
  (void)state;
  gs_delay_probe(sent, SENT, 0.25f, 2);
  static const double delays[] = {0.0, 37.25, 100.5, 2047.75, 15000.0};
  for (size_t i = 0; i < sizeof(delays) / sizeof(delays[0]); ++i) {
    make_return(delays[i], -1.0, 0.0f);
    GsDelayEstimate e;
    assert_int_equal(gs_delay_estimate(sent, SENT, received, RECEIVED, &e), GS_OK);
    print_message("delay %.2f: measured %.3f (inverted %d)\n", delays[i], e.samples, e.inverted);
    GS_ASSERT_NEAR(e.samples, delays[i], 0.02);
    GS_ASSERT_BELOW(fabs((double)e.whole - delays[i]), 0.5 + 1e-9);
    assert_int_equal(e.inverted, 1);
  }
}

static void test_nothing_came_back(void **state)
{
  (void)state;
  gs_delay_probe(sent, SENT, 0.25f, 3);
  GsDelayEstimate e;
  memset(received, 0, sizeof(received));
  assert_int_equal(gs_delay_estimate(sent, SENT, received, RECEIVED, &e), GS_ERR_RANGE);
  // Unrelated noise: no peak stands out.
  make_return(0.0, 0.0, 0.1f);
  assert_int_equal(gs_delay_estimate(sent, SENT, received, RECEIVED, &e), GS_ERR_RANGE);
  print_message("unrelated noise: confidence %.1f dB\n", e.confidence_db);
  GS_ASSERT_BELOW(e.confidence_db, 6.0);
  // Lengths that leave no lag to search.
  assert_int_equal(gs_delay_estimate(sent, SENT, received, SENT, &e), GS_ERR_RANGE);
  assert_int_equal(gs_delay_estimate(sent, 8, received, RECEIVED, &e), GS_ERR_RANGE);
}

static void test_probe(void **state)
{
  (void)state;
  gs_delay_probe(sent, SENT, 0.25f, 4);
  double sum = 0.0;
  for (size_t i = 0; i < SENT; ++i) {
    sum += (double)sent[i] * sent[i];
  }
  // The fades take 64 samples off each end, about half their energy.
  const double rms = sqrt(sum / (SENT - 64));
  GS_ASSERT_NEAR(20.0 * log10(rms / 0.25), 0.0, 0.1);
  GS_ASSERT_BELOW(fabs(sent[0]), 0.25f * 0.01f);
  GS_ASSERT_BELOW(fabs(sent[SENT - 1]), 0.25f * 0.01f);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_probe),
    cmocka_unit_test(test_whole_delay),
    cmocka_unit_test(test_fractional_and_inverted),
    cmocka_unit_test(test_nothing_came_back),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
