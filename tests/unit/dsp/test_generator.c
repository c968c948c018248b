// SPDX-License-Identifier: ISC
// Generators: the same signal for any block size, a sweep from f to f is a
// sine, clicks on an integer beat, reset replays, silence is silence.

#include "check.h"

#include "dsp/generator.h"

#include <stdlib.h>
#include <string.h>

#define N 20000

// Runs g for N samples in blocks of block.
static void fill(GsGenerator *g, float *x, uint32_t block)
{
  for (uint32_t done = 0; done < N;) {
    const uint32_t m = N - done < block ? N - done : block;
    gs_generator_process(g, x + done, m);
    done += m;
  }
}

static void test_block_sizes(void **state)
{
  (void)state;
  float *a = malloc(sizeof(float) * N), *b = malloc(sizeof(float) * N);
  GsGenerator g;
  for (int w = 0; w < 4; ++w) {
    switch (w) {
    case 0:
      gs_generator_init_sine(&g, 48000.0, 997.0, 0.5);
      break;
    case 1:
      gs_generator_init_sweep(&g, 44100.0, 20.0, 20000.0, 0.3, 0.5, true);
      break;
    case 2:
      gs_generator_init_pink(&g, 0.1, 9);
      break;
    default:
      gs_generator_init_click(&g, 96000.0, 1000.0, 1.0);
      break;
    }
    fill(&g, a, N);
    gs_generator_reset(&g);
    fill(&g, b, 61);
    assert_memory_equal(a, b, sizeof(float) * N);
  }
  free(a);
  free(b);
}

static void test_sweep_of_one_frequency(void **state)
{
  (void)state;
  float *a = malloc(sizeof(float) * N), *b = malloc(sizeof(float) * N);
  GsGenerator sine, sweep;
  gs_generator_init_sine(&sine, 48000.0, 1000.0, 1.0);
  gs_generator_init_sweep(&sweep, 48000.0, 1000.0, 1000.0, 1.0, 1.0, false);
  fill(&sine, a, N);
  fill(&sweep, b, N);
  for (size_t i = 0; i < N; ++i) {
    GS_ASSERT_NEAR(a[i], b[i], 1e-6);
  }
  GS_ASSERT_NEAR(gs_sweep_freq_hz(&sweep, 0.5), 1000.0, 1e-9);
  gs_generator_init_sweep(&sweep, 48000.0, 100.0, 10000.0, 2.0, 1.0, false);
  GS_ASSERT_NEAR(gs_sweep_freq_hz(&sweep, 1.0), 1000.0, 1e-9);  // the geometric middle
  free(a);
  free(b);
}

static void test_click_and_silence(void **state)
{
  (void)state;
  float *x = malloc(sizeof(float) * N);
  GsGenerator g;
  gs_generator_init_click(&g, 48000.0, 600.0, 0.75);  // every 4800 samples
  fill(&g, x, 333);
  for (size_t i = 0; i < N; ++i) {
    assert_true(x[i] == (i % 4800 == 0 ? 0.75f : 0.0f));
  }
  gs_generator_init_silence(&g);
  x[5] = 1.0f;
  fill(&g, x, 1000);
  for (size_t i = 0; i < N; ++i) {
    assert_true(x[i] == 0.0f);
  }
  free(x);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_block_sizes),
    cmocka_unit_test(test_sweep_of_one_frequency),
    cmocka_unit_test(test_click_and_silence),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
