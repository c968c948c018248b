// SPDX-License-Identifier: ISC
// A small, fast, seedable pseudo-random generator (xoshiro128+ family).

#ifndef GS_DSP_PRNG_H
#define GS_DSP_PRNG_H

#include "gainstage/realtime.h"

#include <stdint.h>

typedef struct {
  uint32_t s[4];
} GsPrng;

/// The same seed always gives the same sequence; every seed (0 too) is
/// valid, mixed through splitmix64. Main thread or real time.
void gs_prng_seed(GsPrng *rng, uint64_t seed) GS_REALTIME;
/// 32 random bits (the low few are weaker than the high ones in xoshiro128+).
/// Real-time safe. Inline, so that a loop keeps the state in registers; prng.c
/// holds the one external definition (C11 6.7.4).
inline uint32_t gs_prng_next(GsPrng *rng) GS_REALTIME;

// xoshiro128+ 1.0 (Blackman and Vigna, "Scrambled linear pseudorandom number
// generators", ACM TOMS 2021): the upper bits are the good ones.
inline uint32_t gs_prng_next(GsPrng *rng) GS_REALTIME
{
  uint32_t *s = rng->s;
  const uint32_t result = s[0] + s[3];
  const uint32_t t = s[1] << 9;
  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = (s[3] << 11) | (s[3] >> 21);
  return result;
}
/// Uniform in [-1, 1 - 2^-23], on a grid of 2^-23 (the top 24 bits). Real-time safe.
float gs_prng_uniform(GsPrng *rng) GS_REALTIME;

#endif  // GS_DSP_PRNG_H
