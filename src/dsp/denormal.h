// SPDX-License-Identifier: ISC
// Flush-to-zero and denormals-are-zero around real-time processing.

#ifndef GS_DSP_DENORMAL_H
#define GS_DSP_DENORMAL_H

#include "gainstage/realtime.h"

#if defined(__SSE__)
#  include <xmmintrin.h>
#endif

// A decaying recursive filter's state drifts into the denormal range, where
// x86 arithmetic is up to a hundred times slower. Setting FTZ (bit 15) and
// DAZ (bit 6) of MXCSR for the duration of a process call makes those
// values zero instead, as libebur128 does around its filters; the caller's
// mode is restored afterwards. Elsewhere this is a no-op.
typedef unsigned GsFpMode;

static inline GsFpMode gs_denormals_off(void) GS_REALTIME
{
#if defined(__SSE__)
  const unsigned mode = _mm_getcsr();
  _mm_setcsr(mode | 0x8040u);
  return mode;
#else
  return 0;
#endif
}

static inline void gs_denormals_restore(GsFpMode mode) GS_REALTIME
{
#if defined(__SSE__)
  _mm_setcsr(mode);
#else
  (void)mode;
#endif
}

#endif  // GS_DSP_DENORMAL_H
