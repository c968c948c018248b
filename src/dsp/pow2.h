// SPDX-License-Identifier: ISC
// Powers of two for FFT and block sizes. Main thread or real-time: no
// allocation, no system call.

#ifndef GS_DSP_POW2_H
#define GS_DSP_POW2_H

#include <stddef.h>
#include <stdint.h>

#define GS_POW2_MAX ((SIZE_MAX >> 1) + 1)  ///< the largest power of two a size_t holds

/// The smallest power of two at least n (GS_POW2_MAX when n is above it).
static inline size_t gs_pow2_at_least(size_t n)
{
  size_t p = 1;
  while (p < n && p < GS_POW2_MAX) {
    p <<= 1;
  }
  return p;
}

/// The power of two nearest target (the larger one from 0.75 x of it: p is
/// doubled while 1.5 p < target), at least min (itself a power of two), at
/// most GS_POW2_MAX.
static inline size_t gs_pow2_nearest(double target, size_t min)
{
  size_t p = min;
  while (p < GS_POW2_MAX && (double)p * 1.5 < target) {
    p <<= 1;
  }
  return p;
}

#endif  // GS_DSP_POW2_H
