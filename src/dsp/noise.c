// SPDX-License-Identifier: ISC
// Gaussian white noise (Box-Muller) and pink noise (Kellett's filter).

#include "dsp/noise.h"

#include <math.h>

static const double two_pi = 6.283185307179586476925;

void gs_white_init(GsWhite *w, uint64_t seed)
{
  gs_prng_seed(&w->rng, seed);
  w->spare = 0.0;
  w->has_spare = 0;
}

// Box-Muller transform (Box and Muller, "A note on the generation of random
// normal deviates", Ann. Math. Stat. 29, 1958): two uniforms give two
// independent unit normals r cos(t) and r sin(t), r = sqrt(-2 ln u1),
// t = 2 pi u2. u1 is in (0, 1] so the log is finite; the largest deviate is
// sqrt(2 ln 2^32) = 6.7 sigma.
static double normal(GsWhite *w)
{
  if (w->has_spare) {
    w->has_spare = 0;
    return w->spare;
  }
  const double u1 = ((double)gs_prng_next(&w->rng) + 1.0) * 0x1p-32;
  const double u2 = (double)gs_prng_next(&w->rng) * 0x1p-32;
  const double r = sqrt(-2.0 * log(u1));
  const double t = two_pi * u2;
  w->spare = r * sin(t);
  w->has_spare = 1;
  return r * cos(t);
}

void gs_white_add(GsWhite *w, float rms, float *out, uint32_t n)
{
  for (uint32_t i = 0; i < n; ++i) {
    out[i] += (float)(rms * normal(w));
  }
}

void gs_pink_init(GsPink *p, uint64_t seed)
{
  gs_prng_seed(&p->rng, seed);
  for (int i = 0; i < 7; ++i) {
    p->state[i] = 0.0;
  }
}

// Paul Kellett's "refined" pink filter (musicdsp.org, "Filter to make pink
// noise from white", 1999): six one-pole sections plus a direct and a delayed
// term, within +-0.05 dB of -3 dB/octave above about 10 Hz. The response is
// a function of f / rate_hz only, so it holds at every sample rate.
//
// With unit-variance white input its power between 20 Hz and 20 kHz is
// (1/pi) * integral of |H(e^jw)|^2 dw over that band = 6.9012 at 48 kHz
// (6.9021 at 44.1 kHz, 6.9048 at 96 kHz: equal power per octave does not
// depend on the rate), so the output is scaled by 1/sqrt(6.9012) for RMS 1
// in the audio band. test_noise.c measures both the slope and the RMS.
static const double pink_band_power = 6.9012;

// Uniform in [-1, 1) has variance 1/3: sqrt(3) makes it unit variance.
static const double sqrt3 = 1.7320508075688772;

void gs_pink_add(GsPink *p, float rms, float *out, uint32_t n)
{
  const double scale = rms / sqrt(pink_band_power);
  double b0 = p->state[0], b1 = p->state[1], b2 = p->state[2], b3 = p->state[3];
  double b4 = p->state[4], b5 = p->state[5], b6 = p->state[6];
  for (uint32_t i = 0; i < n; ++i) {
    const double white = sqrt3 * gs_prng_uniform(&p->rng);
    b0 = 0.99886 * b0 + white * 0.0555179;
    b1 = 0.99332 * b1 + white * 0.0750759;
    b2 = 0.96900 * b2 + white * 0.1538520;
    b3 = 0.86650 * b3 + white * 0.3104856;
    b4 = 0.55000 * b4 + white * 0.5329522;
    b5 = -0.7616 * b5 - white * 0.0168980;
    const double pink = b0 + b1 + b2 + b3 + b4 + b5 + b6 + white * 0.5362;
    b6 = white * 0.115926;
    out[i] += (float)(scale * pink);
  }
  p->state[0] = b0;
  p->state[1] = b1;
  p->state[2] = b2;
  p->state[3] = b3;
  p->state[4] = b4;
  p->state[5] = b5;
  p->state[6] = b6;
}
