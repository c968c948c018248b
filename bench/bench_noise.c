// SPDX-License-Identifier: ISC
// Speed of the white noise source (gs_white_add) and, for scale, the pink
// one, in ns per sample on one core, block 256, as JSON on stdout. Not a
// timed test.

#include "dsp/noise.h"

#include <stdio.h>
#include <time.h>

#define BLOCK 256
#define MIN_TIME_S 0.5

static double now_s(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

// Runs blocks until MIN_TIME_S has passed; the best of five runs.
static double white_ns_per_sample(void)
{
  static float buf[BLOCK];
  GsWhite w;
  gs_white_init(&w, 1);
  double best = 1e30;
  for (int run = 0; run < 5; ++run) {
    const double t0 = now_s();
    double t = t0;
    uint64_t samples = 0;
    do {
      for (int i = 0; i < 64; ++i) {
        gs_white_add(&w, 1e-6f, buf, BLOCK);
      }
      samples += 64 * BLOCK;
      t = now_s();
    } while (t - t0 < MIN_TIME_S);
    const double ns = 1e9 * (t - t0) / (double)samples;
    best = ns < best ? ns : best;
  }
  return best;
}

static double pink_ns_per_sample(void)
{
  static float buf[BLOCK];
  GsPink p;
  gs_pink_init(&p, 1);
  double best = 1e30;
  for (int run = 0; run < 5; ++run) {
    const double t0 = now_s();
    double t = t0;
    uint64_t samples = 0;
    do {
      for (int i = 0; i < 64; ++i) {
        gs_pink_add(&p, 1e-6f, buf, BLOCK);
      }
      samples += 64 * BLOCK;
      t = now_s();
    } while (t - t0 < MIN_TIME_S);
    const double ns = 1e9 * (t - t0) / (double)samples;
    best = ns < best ? ns : best;
  }
  return best;
}

int main(void)
{
  const double white = white_ns_per_sample();
  const double pink = pink_ns_per_sample();
  printf("{\"block\": %d, \"white_ns_per_sample\": %.2f, \"pink_ns_per_sample\": %.2f}\n", BLOCK,
         white, pink);
  return 0;
}
