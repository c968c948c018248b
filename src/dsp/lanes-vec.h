// SPDX-License-Identifier: ISC
// Vector helpers for the 8-lane kernels of the preamp bank (adaa_eq8, biquad8, transformer8).
//
// Included by each kernel's -impl.h after the variant file has defined
// VEC_WIDTH (4 float lanes for the portable variant, 8 for AVX2). A float
// vector and a double vector have the same width in bytes, so a double
// vector holds VEC_WIDTH / 2 lanes. Each helper is spelled so that both
// variants compute the same operations in the same order (bit for bit).

#ifndef GS_DSP_LANES_VEC_H
#define GS_DSP_LANES_VEC_H

#include "dsp/lanes-variants.h"

#include <math.h>
#include <stdint.h>

#if defined(__SSE__) || (defined(GS_LANES_HAVE_AVX2) && VEC_WIDTH == 8)
#  include <immintrin.h>
#endif

#ifndef VEC_WIDTH
#  error "define VEC_WIDTH before including lanes-vec.h"
#endif

#define ALWAYS_INLINE static inline __attribute__((always_inline))

/// VEC_WIDTH float lanes, and the same register as VEC_WIDTH / 2 double lanes.
typedef float VecF __attribute__((vector_size(VEC_WIDTH * sizeof(float))));
typedef int32_t MaskF __attribute__((vector_size(VEC_WIDTH * sizeof(int32_t))));
typedef double VecD __attribute__((vector_size(VEC_WIDTH * sizeof(float))));
typedef int64_t MaskD __attribute__((vector_size(VEC_WIDTH * sizeof(float))));
/// VEC_WIDTH / 2 float lanes: the floats one VecD converts from and to.
typedef float HalfF __attribute__((vector_size(VEC_WIDTH * sizeof(float) / 2)));

#define DOUBLE_LANES (VEC_WIDTH / 2)

ALWAYS_INLINE VecF load_f(const float *p)
{
  VecF v;
  __builtin_memcpy(&v, p, sizeof(v));
  return v;
}

ALWAYS_INLINE void store_f(float *p, VecF v)
{
  __builtin_memcpy(p, &v, sizeof(v));
}

ALWAYS_INLINE VecD load_d(const double *p)
{
  VecD v;
  __builtin_memcpy(&v, p, sizeof(v));
  return v;
}

ALWAYS_INLINE void store_d(double *p, VecD v)
{
  __builtin_memcpy(p, &v, sizeof(v));
}

/// DOUBLE_LANES floats, widened exactly to double.
ALWAYS_INLINE VecD load_half(const float *p)
{
  HalfF h;
  __builtin_memcpy(&h, p, sizeof(h));
  return __builtin_convertvector(h, VecD);
}

/// Rounds DOUBLE_LANES doubles to float (as a (float) cast does) and stores them.
ALWAYS_INLINE void store_half(float *p, VecD v)
{
  const HalfF h = __builtin_convertvector(v, HalfF);
  __builtin_memcpy(p, &h, sizeof(h));
}

/// Rounds to float and back: what storing a double into a float buffer does.
ALWAYS_INLINE VecD round_to_float(VecD v)
{
  return __builtin_convertvector(__builtin_convertvector(v, HalfF), VecD);
}

ALWAYS_INLINE VecF splat_f(double x)
{
  return (VecF){0} + (float)x;
}

ALWAYS_INLINE VecD splat_d(double x)
{
  return (VecD){0} + x;
}

/// m ? a : b, lane by lane (m from a comparison: all ones or all zeros).
ALWAYS_INLINE VecD select_d(MaskD m, VecD a, VecD b)
{
  return (VecD)(((MaskD)a & m) | ((MaskD)b & ~m));
}

/// |v| by clearing the sign bit (NaN stays NaN, as fabs()).
ALWAYS_INLINE VecD abs_d(VecD v)
{
  const MaskD sign = (MaskD){0} + INT64_MIN;
  return (VecD)((MaskD)v & ~sign);
}

/// Square roots of all lanes: the SSE/AVX instruction where there is one
/// (sqrtf() may set errno, so compilers will not vectorise it). All are
/// correctly rounded, so every variant and sqrtf() agree exactly.
ALWAYS_INLINE VecF roots_f(VecF a)
{
#if VEC_WIDTH == 8 && defined(GS_LANES_HAVE_AVX2)
  return (VecF)_mm256_sqrt_ps((__m256)a);
#elif VEC_WIDTH == 4 && defined(__SSE__)
  return (VecF)_mm_sqrt_ps((__m128)a);
#else
  for (unsigned l = 0; l < VEC_WIDTH; ++l) {
    a[l] = sqrtf(a[l]);
  }
  return a;
#endif
}

#endif  // GS_DSP_LANES_VEC_H
