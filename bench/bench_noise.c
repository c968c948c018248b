// SPDX-License-Identifier: ISC
// Speed of the white noise source (gs_white_add, ziggurat), of the
// Box-Muller transform it replaced (kept here as the reference) and, for
// scale, of the pink source, in ns per sample on one core, block 256, as JSON
// on stdout. Not a timed test.

#include "bench_clock.h"
#include "dsp/noise.h"
#include "dsp/prng.h"

#include <math.h>
#include <stdio.h>

#define BLOCK 256
#define MIN_TIME_S 0.5

// A noise source under test: adds n samples of the given RMS to out.
typedef void (*AddNoise)(void *source, float rms, float *out, uint32_t n);

// Runs blocks of add until MIN_TIME_S has passed; the best of five runs.
static double ns_per_sample(AddNoise add, void *source)
{
  static float buf[BLOCK];
  double best = 1e30;
  for (int run = 0; run < 5; ++run) {
    const double t0 = now_s();
    double t = t0;
    uint64_t samples = 0;
    do {
      for (int i = 0; i < 64; ++i) {
        add(source, 1e-6f, buf, BLOCK);
      }
      samples += 64 * BLOCK;
      t = now_s();
    } while (t - t0 < MIN_TIME_S);
    const double ns = 1e9 * (t - t0) / (double)samples;
    best = ns < best ? ns : best;
  }
  return best;
}

static void white_add(void *w, float rms, float *out, uint32_t n)
{
  gs_white_add(w, rms, out, n);
}

static void pink_add(void *p, float rms, float *out, uint32_t n)
{
  gs_pink_add(p, rms, out, n);
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

static void box_muller_add(void *source, float rms, float *out, uint32_t n)
{
  BoxMuller *b = source;
  for (uint32_t i = 0; i < n; ++i) {
    out[i] += (float)(rms * box_muller_normal(b));
  }
}

int main(void)
{
  GsWhite w;
  gs_white_init(&w, 1);
  BoxMuller b = {.has_spare = 0};
  gs_prng_seed(&b.rng, 1);
  GsPink p;
  gs_pink_init(&p, 1);
  const double white = ns_per_sample(white_add, &w);
  const double box_muller = ns_per_sample(box_muller_add, &b);
  const double pink = ns_per_sample(pink_add, &p);
  printf("{\"block\": %d, \"white_ns_per_sample\": %.2f, \"box_muller_ns_per_sample\": %.2f, "
         "\"speedup\": %.2f, \"pink_ns_per_sample\": %.2f}\n",
         BLOCK, white, box_muller, box_muller / white, pink);
  return 0;
}
