// SPDX-License-Identifier: ISC
// Speed of the white noise source (gs_white_add, ziggurat), of the
// Box-Muller transform it replaced (kept here as the reference) and, for
// scale, of the pink source, in ns per sample on one core, block 256, as JSON
// on stdout. Not a timed test.

#include "dsp/noise.h"
#include "dsp/prng.h"

#include <math.h>
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

// gs_white_add as it was before the ziggurat: Box-Muller (log, sqrt, sin and
// cos per pair of deviates) on the same generator.
typedef struct {
  GsPrng rng;
  double spare;
  int has_spare;
} BoxMuller;

static double box_muller_normal(BoxMuller *b)
{
  if (b->has_spare) {
    b->has_spare = 0;
    return b->spare;
  }
  const double u1 = ((double)gs_prng_next(&b->rng) + 1.0) * 0x1p-32;
  const double u2 = (double)gs_prng_next(&b->rng) * 0x1p-32;
  const double r = sqrt(-2.0 * log(u1));
  const double t = 6.283185307179586476925 * u2;
  b->spare = r * sin(t);
  b->has_spare = 1;
  return r * cos(t);
}

static void box_muller_add(BoxMuller *b, float rms, float *out, uint32_t n)
{
  for (uint32_t i = 0; i < n; ++i) {
    out[i] += (float)(rms * box_muller_normal(b));
  }
}

static double box_muller_ns_per_sample(void)
{
  static float buf[BLOCK];
  BoxMuller b = {.has_spare = 0};
  gs_prng_seed(&b.rng, 1);
  double best = 1e30;
  for (int run = 0; run < 5; ++run) {
    const double t0 = now_s();
    double t = t0;
    uint64_t samples = 0;
    do {
      for (int i = 0; i < 64; ++i) {
        box_muller_add(&b, 1e-6f, buf, BLOCK);
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
  const double box_muller = box_muller_ns_per_sample();
  const double pink = pink_ns_per_sample();
  printf("{\"block\": %d, \"white_ns_per_sample\": %.2f, \"box_muller_ns_per_sample\": %.2f, "
         "\"speedup\": %.2f, \"pink_ns_per_sample\": %.2f}\n",
         BLOCK, white, box_muller, box_muller / white, pink);
  return 0;
}
