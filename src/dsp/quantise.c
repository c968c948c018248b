// SPDX-License-Identifier: ISC
// Word-length reduction to 16 or 24 bits with optional TPDF dither.

#include "dsp/quantise.h"

#include <math.h>

void gs_quantiser_init(GsQuantiser *q, unsigned bits, GsDither dither, uint64_t seed)
{
  q->bits = bits;
  q->dither = dither;
  q->scale = bits ? ldexpf(1.0f, (int)bits - 1) : 1.0f;
  gs_prng_seed(&q->rng, seed);
}

static void copy(const float *in, float *out, uint32_t n)
{
  if (in != out) {
    for (uint32_t i = 0; i < n; ++i) {
      out[i] = in[i];
    }
  }
}

// TPDF dither in LSB: the sum of two independent uniforms of 1 LSB width
// each, a triangle of +-1 LSB and variance 1/12 + 1/12 = 1/6 LSB^2
// (Lipshitz, Wannamaker and Vanderkooy, "Quantization and dither: a
// theoretical survey", JAES 40(5), 1992): it makes the first and second
// moments of the total error independent of the signal.
static double tpdf(GsPrng *rng)
{
  return 0.5 * ((double)gs_prng_uniform(rng) + (double)gs_prng_uniform(rng));
}

void gs_quantiser_process(GsQuantiser *q, const float *in, float *out, uint32_t n)
{
  if (!q->bits) {
    copy(in, out, n);
    return;
  }
  // In double: a 24-bit value plus a fraction of an LSB does not fit a float.
  const double scale = q->scale, lo = -scale, hi = scale - 1.0;
  const int dither = q->dither == GS_DITHER_TPDF;
  for (uint32_t i = 0; i < n; ++i) {
    double v = (double)in[i] * scale;
    if (dither) {
      v += tpdf(&q->rng);
    }
    v = floor(v + 0.5);  // round half up: the error is in [-0.5, 0.5) LSB
    if (isnan(v)) {
      v = 0.0;  // no converter can output a NaN: silence
    }
    v = v < lo ? lo : (v > hi ? hi : v);
    out[i] = (float)(v / scale);  // exact: an integer below 2^24 over a power of two
  }
}
