// SPDX-License-Identifier: ISC
// xoshiro128+ pseudo-random generator, seeded through splitmix64.

#include "dsp/prng.h"

// splitmix64 (Steele, Lea and Flood, "Fast splittable pseudorandom number
// generators", OOPSLA 2014), the seeding Blackman and Vigna recommend: it
// turns any 64-bit seed, even 0, into a well-mixed state that is never all zero.
static uint64_t splitmix64(uint64_t *x)
{
  uint64_t z = (*x += 0x9e3779b97f4a7c15u);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
  return z ^ (z >> 31);
}

void gs_prng_seed(GsPrng *rng, uint64_t seed)
{
  uint64_t x = seed;
  const uint64_t a = splitmix64(&x);
  const uint64_t b = splitmix64(&x);
  rng->s[0] = (uint32_t)a;
  rng->s[1] = (uint32_t)(a >> 32);
  rng->s[2] = (uint32_t)b;
  rng->s[3] = (uint32_t)(b >> 32);
  if (!(rng->s[0] | rng->s[1] | rng->s[2] | rng->s[3])) {
    rng->s[0] = 1;  // the all-zero state is a fixed point
  }
}

// The one external definition of gs_prng_next, inline in prng.h.
extern inline uint32_t gs_prng_next(GsPrng *rng) GS_REALTIME;

float gs_prng_uniform(GsPrng *rng)
{
  // The top 24 bits fill a float mantissa exactly: k / 2^23 - 1 for k in
  // [0, 2^24) is in [-1, 1 - 2^-23], evenly spaced by 2^-23.
  const int32_t k = (int32_t)(gs_prng_next(rng) >> 8);
  return (float)(k - (1 << 23)) * 0x1p-23f;
}
